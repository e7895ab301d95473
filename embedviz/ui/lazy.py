"""Parts of the page that are built only while someone looks at them.

A collapsed ``st.expander`` normally still runs its code and sends its content to the browser, which then
lays it out hidden, on every rerun. With ``on_change="rerun"`` the expander's state is known on the
server (``.open``), so a closed one costs nothing: the sentence's warm rerun skips the token ids, the
"exact numbers" tables, the neighbour search and the generated code until they are opened, and a new
visitor's browser loads no code highlighter for them (docs/performance.md).
Once opened, an expander stays open for that visitor across edits.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

#: The keys of the pipeline view's on-demand expanders (tests open them all, as a curious visitor would).
KEYS = (
    "open-ids",
    "open-numbers-token",
    "open-numbers-position",
    "open-numbers-input",
    "open-neighbours",
    "open-reproduce",
)


def on_demand(label: str, key: str, icon: str | None = None) -> DeltaGenerator | None:
    """An expander that reruns the page when opened or closed: the container to draw into while it is
    open, or None while it is closed (then draw nothing)."""
    section = st.expander(label, key=key, on_change="rerun", icon=icon)
    return section if section.open else None
