"""View "seed": the seed document's own examples, computed live, with exactly its printed numbers.

Three examples, in the document's order, then a pointer to its batch scenario:

1. ``torch.manual_seed(123); torch.nn.Embedding(6, 3)``: a 6-token, 3-dimension table
   (:mod:`embedviz.ui.sections.seed_table`);
2. looking up token 3 returns row 3: ``[-0.4015, 0.9666, -1.1481]`` (same section), and the same row
   as the matrix product ``one_hot(3) @ W`` (:mod:`embedviz.ui.sections.one_hot`);
3. the addition ``[0.5, -0.2, 0.1] + [0.1, 0.3, -0.1] = [0.6, 0.1, 0.0]``, with editable numbers
   (:mod:`embedviz.ui.sections.seed_addition`).
"""

from __future__ import annotations

from embedviz.ui.sections import one_hot, seed_addition, seed_batches_link, seed_table
from embedviz.ui.state import Settings


def render(settings: Settings) -> None:
    """The view: the seed's table, its lookup, its addition, and a pointer to its batch scenario."""
    seed_table.render(settings)
    one_hot.render(settings)
    seed_addition.render(settings)
    seed_batches_link.render()
