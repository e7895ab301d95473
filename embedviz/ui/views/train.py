"""View "train": watch the embeddings learn, and GPT-2's trained embeddings next to random ones.

The sentence and one row of controls both sections share (the selected token, k and the camera), then
two sections:

1. **Watch them learn** (:mod:`embedviz.ui.sections.train_run`): a run of a tiny GPT through the server's
   training queue, its loss, an animation of the sentence's vectors and their neighbours before and after.
2. **GPT-2's trained embeddings** (:mod:`embedviz.ui.sections.gpt2_comparison`): with ``tables=gpt2``,
   GPT-2 small's ``wte`` and ``wpe`` next to random tables of the same size.
"""

from __future__ import annotations

from embedviz.ui.sections import gpt2_comparison, train_run, train_sentence
from embedviz.ui.state import Settings


def render(settings: Settings) -> None:
    """Draw the view "Training & GPT-2"."""
    chosen = train_sentence.render(settings)
    if chosen is None:
        return
    spec, sentence, index = chosen
    train_run.render(settings, spec, sentence, index)
    gpt2_comparison.render(settings, sentence, index)
