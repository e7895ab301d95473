"""What every section of the pipeline view is drawn from, in one value.

A section of :data:`embedviz.ui.stages.STAGES` is a function ``render(run: PipelineRun)``: the page's
settings, what the pipeline made of them (:class:`embedviz.ui.cache.Outcome`: the tokens, the embedding
result, or the message that stopped it) and whether the stage is drawn alone on a presenter slide.
One shape for every section is what lets the view draw the stages from the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from embedviz.embeddings import EmbeddingResult
from embedviz.projection import Projection
from embedviz.ui import cache
from embedviz.ui.state import Settings


@dataclass(frozen=True)
class PipelineRun:
    """The page's settings and the pipeline's outcome for them, drawn as a page or as one slide."""

    settings: Settings
    outcome: cache.Outcome
    slide: bool = False

    @property
    def embedded(self) -> bool:
        """True when there are input embeddings to show: a result with at least one token."""
        return self.outcome.result is not None and self.outcome.result.n_tokens > 0

    @property
    def result(self) -> EmbeddingResult:
        """The embedding result. Every stage after the tokens is drawn only when there is one."""
        if self.outcome.result is None:
            raise ValueError("no embedding result: only the tokens stage is drawn")
        return self.outcome.result

    @cached_property
    def projection(self) -> Projection:
        """The 3D projection of the result, fitted once per run for every section that asks."""
        return cache.projection_of(self.settings.spec, self.settings.text, self.settings.fit)


__all__ = ["PipelineRun"]
