"""The pipeline's charts are built once per state and shared by every page that shows that state (a class
following its teacher): the second page gets the same JSON without building, another language or another
sentence builds its own."""

from __future__ import annotations

import json

import pytest
from apptest_utils import plotly_hosts, run_app

from embedviz.ui import cache
from embedviz.ui.sections import cosines, space3d, vectors

TEXT = "Shared charts for a whole class"


def sent(at) -> dict[str, str]:
    """Each Plotly host's figure JSON as the page sent it, by the host's element id."""
    data = {host.proto.id: json.loads(host.proto.json) for host in plotly_hosts(at)}
    # plotly.js's preload is a host without a figure
    return {key: value["figure"] for key, value in data.items() if "figure" in value}


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the figure builders called, in order (the shared charts kept before are dropped)."""
    cache.shared_figures().clear()
    called: list[str] = []
    for module, name in [(space3d, "figure_for"), (vectors, "heatmap"), (cosines, "cosine_heatmap")]:
        original = getattr(module, name)

        def counting(*args, _original=original, _name=name, **kwargs):
            called.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, counting)
    return called


def test_a_second_page_in_the_same_state_builds_no_chart(builds: list[str]) -> None:
    first = run_app(lang="en", text=TEXT)
    assert sorted(builds) == ["cosine_heatmap", "figure_for", "heatmap", "heatmap", "heatmap"]
    second = run_app(lang="en", text=TEXT)
    assert len(builds) == 5
    assert sent(second) == sent(first) and len(sent(first)) == 5


def test_another_language_or_sentence_builds_its_own(builds: list[str]) -> None:
    english = run_app(lang="en", text=TEXT)
    german = run_app(lang="de", text=TEXT)
    assert len(builds) == 10
    assert sent(german) != sent(english)  # titles, legend and number format in German
    other = run_app(lang="en", text=TEXT + " today")
    assert len(builds) == 15
    assert set(sent(other).values()).isdisjoint(sent(english).values())


def test_what_is_shared_is_what_the_page_builds_alone(builds: list[str]) -> None:
    shared = sent(run_app(lang="de", text=TEXT))
    cache.shared_figures().clear()  # the same state again, built afresh
    assert sent(run_app(lang="de", text=TEXT)) == shared
