"""The pipeline's stages, in order: the one list the page, its section numbers and presenter mode follow.

Each :class:`Stage` names the section that draws it (a function in ``embedviz/ui/sections/``, called with
the page's :class:`~embedviz.ui.pipeline_run.PipelineRun`). From this list come:

* the section numbers: a stage's heading is its place in the list and its title, "5 · The 3D view"
  (:func:`heading`; the strings hold the titles without numbers);
* the presenter slides: the stages with ``slide=True``, in the same order (:func:`slides`), each titled
  by its ``presenter.stage.<key>`` string;
* the ``step`` setting's range, 0 to the last slide (:func:`step_rule`, read by ``embedviz.ui.state``).

Adding a stage is one line here, its section and its strings. The section is named, not imported: the
sections import this module for their numbers, and ``embedviz.ui.state`` for the step range, so this
module imports neither.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from embedviz.ui.i18n import t

if TYPE_CHECKING:
    from embedviz.ui.pipeline_run import PipelineRun

SECTIONS_PACKAGE = "embedviz.ui.sections"


@dataclass(frozen=True)
class Stage:
    """One stage of the pipeline as the page shows it."""

    key: str  # the heading's anchor (``#space``) and the slide's name (``presenter.stage.space``)
    title: str  # the UI string of the section's title, without its number
    section: str  # "module.function" in embedviz/ui/sections/ that draws the stage
    slide: bool = True  # one slide in presenter mode

    def draw(self) -> Callable[[PipelineRun], None]:
        """The section's function that draws this stage."""
        module, _, function = self.section.rpartition(".")
        return getattr(importlib.import_module(f"{SECTIONS_PACKAGE}.{module}"), function)


#: The seed document's pipeline (tokens, lookup, positions, their sum, the 3D view), then what helps to read
#: it: the cosines of the input embeddings, the nearest vocabulary neighbours, and the code to reproduce it.
STAGES: tuple[Stage, ...] = (
    Stage("tokens", "tokens.title", "tokens.render"),
    Stage("token", "vectors.token.title", "vectors.render_token"),
    Stage("position", "vectors.position.title", "vectors.render_position"),
    Stage("input", "vectors.input.title", "vectors.render_sum"),
    Stage("space", "space.title", "space3d.render"),
    Stage("cosines", "cosines.title", "cosines.render"),
    Stage("neighbours", "nb.title", "neighbours.render", slide=False),
    Stage("reproduce", "repro.title", "reproduce.render", slide=False),
)


def number(key: str) -> int:
    """The stage's section number: its place in :data:`STAGES`, from 1."""
    for place, stage in enumerate(STAGES, start=1):
        if stage.key == key:
            return place
    raise KeyError(f"no pipeline stage {key!r}")


def heading(key: str) -> str:
    """The stage's section heading in the page's language: its number and its title, "5 · The 3D view"."""
    stage = STAGES[number(key) - 1]
    return f"{number(key)} · {t(stage.title)}"


def slides() -> tuple[Stage, ...]:
    """The presenter's slides: the stages shown one per screen, in order."""
    return tuple(stage for stage in STAGES if stage.slide)


def step_rule() -> tuple[int, int]:
    """The allowed range of the ``step`` setting: the first to the last slide."""
    return (0, len(slides()) - 1)


__all__ = ["STAGES", "Stage", "heading", "number", "slides", "step_rule"]
