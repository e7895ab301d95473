"""View "batches": the seed's batch scenario, live. A long text is cut into windows of ``max_length``
tokens, ``stride`` tokens apart; ``batch_size`` windows make a batch of ids ``(8, 4)``, the token table
turns it into ``(8, 4, 256)``, and the position block ``(4, 256)`` is added to every sample.

The text and the loader's controls, then five sections: the windows in the text, ``inputs`` and
``targets``, the token embeddings, the position embeddings (broadcast to every sample), and the seed's
code with the current values.
"""

from __future__ import annotations

from embedviz.ui.sections import (
    batch_code,
    batch_embeddings,
    batch_ids,
    batch_loader,
    batch_positions,
    batch_windows,
)
from embedviz.ui.state import Settings


def render(settings: Settings) -> None:
    """Draw the batches view."""
    batch = batch_loader.render(settings)
    if batch is None:
        return
    batch_windows.render(batch, settings)
    batch_ids.render(batch)
    if not batch_embeddings.tables_ready(settings):
        return
    batch_embeddings.render(batch, settings)
    batch_positions.render(batch, settings)
    batch_code.render(batch, settings)
