"""View "order": why a model needs position embeddings.

"the dog bites the man" and "the man bites the dog" are made of the same tokens. (In GPT-2 "dog bites
man" is not: a sentence's first word has no leading space, so "dog" and " dog" are different tokens.)
A token embedding depends only on the token id, so both sentences get the same token vectors, merely in
another order; without positions the model's input would be the same bag of vectors. Position
embeddings make the input embeddings differ: the same token at another position gets another input vector.

The view compares two sentences with the page's model settings: their tokens
(:mod:`embedviz.ui.sections.order_sentences`), one 3D plot and cosine similarities, token by token and for
the whole sentences (:mod:`embedviz.ui.sections.order_comparison`), then a word on relative positions.
"""

from __future__ import annotations

from embedviz.ui.sections import order_comparison, order_relative, order_sentences
from embedviz.ui.state import Settings


def render(settings: Settings) -> None:
    """The view: two sentences, their tokens, one shared 3D plot, cosines, and relative positions."""
    pair = order_sentences.render(settings)
    if pair is not None:
        order_sentences.render_tokens(pair)
        order_comparison.render(pair, settings)
    order_relative.render()
