"""Point identities for the Plotly host's glide (embedviz/ui/plotly_host.py), on the real 3D figure."""

from __future__ import annotations

import embedviz
from embedviz.ui.plotly_host import space_point_ids, with_point_ids
from embedviz.ui.sections import space3d

NAMES = {"token": "token", "position": "position", "input": "input", "arrow": "arrow", "pos": "pos"}


def figure_with_ids(text: str):
    result = embedviz.embed(text, dim=16, seed=1)
    projection = embedviz.project(result.token_vectors, result.position_vectors, result.input_embeddings)
    figure = space3d.figure_for(result, projection, "default", names=NAMES)
    return result, with_point_ids(figure, space_point_ids(result.token_ids))


def test_every_point_of_every_trace_has_one_unique_id() -> None:
    _, figure = figure_with_ids("the cat sat on the mat")
    for trace in figure.data:
        assert len(trace.ids) == len(trace.x)
        assert len(set(trace.ids)) == len(trace.ids)


def test_ids_follow_token_and_position() -> None:
    # " the" sits at positions 1 and 4: same token, other position -> other token point identity.
    result, figure = figure_with_ids("on the cat on the mat")
    assert result.token_ids[1] == result.token_ids[4]
    tokens = figure.data[0].ids
    assert tokens[1] != tokens[4]
    # Changing the last word keeps every earlier token, position and sum identity.
    _, other = figure_with_ids("on the cat on the rug")
    for index in range(3):
        assert list(other.data[index].ids[:5]) == list(figure.data[index].ids[:5])
        assert other.data[index].ids[5] != figure.data[index].ids[5] or index == 1
