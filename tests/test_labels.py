"""The 3D view's label placement: the camera model against plotly.js's own, and labels kept apart."""

from __future__ import annotations

import numpy as np

import embedviz
from embedviz.figures.labels import label_positions, overlaps, project
from embedviz.figures.style import CAMERAS

# The token points of the default sentence, the scene's axis ranges and where plotly.js drew the points:
# read in Chromium from a drawn chart (scene._scene.glplot.cameraParams: model, view and projection
# matrices, applied to the points times scene.dataScale) on a 668 px high canvas, default camera.
POINTS = [
    [-1.538, 10.599, 3.077],
    [11.886, -1.313, -0.666],
    [-4.12, -0.378, -2.592],
    [-3.526, -0.222, -10.186],
    [-1.89, -2.346, 4.121],
    [-5.994, -4.893, 4.297],
]
RANGES = [[-9.679, -9.740, -19.461], [20.228, 21.393, 10.470]]
PLOTLY_SCREEN = [[99.4, -93.3], [-117.1, -43.9], [25.7, -64.6], [21.7, 10.8], [-5.3, -133.8], [7.2, -147.6]]


def test_projection_matches_plotly_within_ten_percent():
    ours = project(np.array(POINTS + RANGES), CAMERAS["default"]["eye"], CAMERAS["default"]["up"], 668)[:6]
    theirs = np.array(PLOTLY_SCREEN)
    spread = np.linalg.norm(theirs - theirs.mean(axis=0), axis=1).max()
    assert np.abs(ours - theirs).max() < 0.1 * spread


def test_default_sentence_labels_do_not_overlap():
    """Estimated label boxes (18 px text) of the default sentence, at every preset camera, touch neither
    each other nor another point."""
    result = embedviz.embed("Today the cat sat on the mat")
    projection = embedviz.project(result.token_vectors, result.position_vectors, result.input_embeddings)
    words = [token.display.replace("␣", "") for token in result.tokens]
    words[5] = ""  # the second "the" shares the first one's point and label
    for camera in CAMERAS.values():
        sides = label_positions(projection.token_points, words, camera, height=640, size=18)
        boxes = []
        screen = project(projection.token_points, camera["eye"], camera["up"], 640, camera.get("center"))
        for at, word, side in zip(screen, words, sides, strict=True):
            if word:
                width = 0.55 * 18 * len(word)
                vertical, horizontal = side.split()
                x = {"center": at[0] - width / 2, "right": at[0] + 7, "left": at[0] - 7 - width}[horizontal]
                y = {"middle": at[1] - 9, "top": at[1] - 25, "bottom": at[1] + 7}[vertical]
                boxes.append((x, y, x + width, y + 18))
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not overlaps(a, b), (camera, a, b)


def test_a_label_moves_away_from_a_neighbour():
    """Two points side by side: the second label leaves the first one's place."""
    points = np.array([[0.0, 0.0, 0.0], [0.01, 0.01, 0.0], [1.0, 1.0, 1.0], [-1.0, -1.0, -1.0]])
    sides = label_positions(points, ["alpha", "beta", "", ""], CAMERAS["front"], height=640, size=18)
    assert sides[0] == "top center" and sides[1] != "top center"


def reference_label_positions(points, labels, camera, *, others=None, height=640, size=18, marker=7):
    """The placement one box at a time with :func:`overlaps`, as a plain loop: the reference."""
    from embedviz.figures.labels import POSITIONS, _box

    everything = points if others is None else np.concatenate([points, others])
    screen = project(everything, camera["eye"], camera["up"], height, camera.get("center"))
    dots = [(x - marker, y - marker, x + marker, y + marker) for x, y in screen]
    placed, chosen = [], []
    for index, (at, text) in enumerate(zip(screen[: len(points)], labels, strict=True)):
        if not text:
            chosen.append(POSITIONS[0])
            continue
        foreign = [dot for j, dot in enumerate(dots) if j != index]
        for position in POSITIONS:
            if not any(overlaps(_box(at, text, position, size, marker), o) for o in placed + foreign):
                break
        else:
            position = min(
                POSITIONS,
                key=lambda p: sum(overlaps(_box(at, text, p, size, marker), o) for o in placed + foreign),
            )
        placed.append(_box(at, text, position, size, marker))
        chosen.append(position)
    return chosen


def test_placement_is_the_one_box_at_a_time_loop() -> None:
    rng = np.random.default_rng(11)
    for trial in range(60):
        n = int(rng.integers(1, 41))
        points = rng.normal(size=(n, 3)) * rng.uniform(0.01, 3)
        others = rng.normal(size=(2 * n, 3)) if trial % 3 else None
        words = [("w" * int(rng.integers(0, 9))) for _ in range(n)]  # some '' (no label)
        camera = list(CAMERAS.values())[trial % len(CAMERAS)]
        options = {
            "others": others,
            "height": [640, 420, 900][trial % 3],
            "size": 18,
            "marker": [7, 11][trial % 2],
        }
        expected = reference_label_positions(points, words, camera, **options)
        assert label_positions(points, words, camera, **options) == expected
