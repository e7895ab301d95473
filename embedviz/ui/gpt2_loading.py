"""GPT-2's trained tables for the page: from the server's memory, or loaded once with a progress bar.

GPT-2 small's ``wte`` and ``wpe`` (158 MB) are read from the Hugging Face Hub, or the server named by
``EMBEDVIZ_GPT2_ENDPOINT`` (:func:`embedviz.pretrained.gpt2_source`), and kept once per server in
:func:`cache.gpt2_tables`. Only one load runs at a time (:func:`cache.gpt2_lock`), and it first reserves its
bytes from the process's memory budget (:func:`embedviz.ui.reservations.reserved`).

While the file loads, a click starts a new run of the script right away (Streamlit's "fast reruns") and
asks the running one to stop at its next ``st.*`` call, here a progress update: the
:class:`~embedviz.ui.interruptible.Interruptible` guard keeps the load going and re-raises the request
once the loaded tables are kept, and the new run waits for the lock and takes the result. A failure (no
network, offline, a bad file) is remembered for this visitor until "Try again".
"""

from __future__ import annotations

import streamlit as st

from embedviz.errors import EmbedvizError
from embedviz.pretrained import Gpt2Source, LoadedGpt2, gpt2_source, load_with_ranges, loaded_gpt2
from embedviz.ui import cache
from embedviz.ui.error_text import error_text
from embedviz.ui.i18n import md_literal, t
from embedviz.ui.interruptible import Interruptible
from embedviz.ui.memory_policy import GPT2_LOAD_BYTES
from embedviz.ui.reservations import reserved

#: Redraw GPT-2's loading progress bar at most this often (seconds).
PROGRESS_SECONDS = 0.25
GPT2_ERROR = "_gpt2_error"  # session state: (source, message) of this visitor's failed GPT-2 load


def _forget_error() -> None:
    st.session_state.pop(GPT2_ERROR, None)


def load_gpt2() -> LoadedGpt2 | None:
    """GPT-2's tables from memory, or loaded now with a progress bar; None (and a message) if they
    cannot be loaded. A failure is remembered for this visitor until "Try again"."""
    source = gpt2_source()
    loaded, failure = cache.gpt2_tables().get(source), None
    if loaded is None:
        remembered = st.session_state.get(GPT2_ERROR)
        failure = remembered[1] if remembered is not None and remembered[0] == source else None
        if failure is None:
            loaded, failure = load_with_progress(source)
    if failure is not None:
        st.warning(t("gpt2.unavailable", message=md_literal(failure)), icon=":material/cloud_off:")
        st.button(t("gpt2.retry"), on_click=_forget_error, icon=":material/refresh:")
        return None
    st.caption(t("gpt2.source", source=md_literal(loaded.embeddings.source)))
    return loaded


def load_with_progress(source: Gpt2Source) -> tuple[LoadedGpt2 | None, str | None]:
    """Load GPT-2's tables with a progress bar, one load at a time per server: a run that finds another
    load going on (maybe the one its own click interrupted) waits for it and takes its result.
    Returns the tables or the reason they could not be loaded."""
    registry, lock = cache.gpt2_tables(), cache.gpt2_lock()
    bar = st.progress(0.0, text=t("gpt2.loading"))
    # The progress text is looked up now: t() reads the session state, and that, too, is where Streamlit
    # stops a script after a click. While loading, only `guard.draw` may touch Streamlit.
    guard, loading = Interruptible(), t("gpt2.loading_mb")

    def on_progress(done: int, total: int) -> None:
        if guard.due("progress", PROGRESS_SECONDS, force=done >= total):
            text = loading.format(done=done / 1e6, total=total / 1e6)
            guard.draw(lambda: bar.progress(min(done / max(total, 1), 1.0), text=text))

    loaded, failure = None, None
    with lock:
        try:
            loaded = registry.get(source)
            if loaded is None:
                endpoint, cache_dir = source
                with reserved(GPT2_LOAD_BYTES, "GPT-2's tables"):  # refused: a message
                    loaded = loaded_gpt2(
                        load_with_ranges(endpoint=endpoint, cache_dir=cache_dir, on_progress=on_progress)
                    )
                registry.put(source, loaded)
        except EmbedvizError as error:  # PretrainedUnavailableError: no network, offline, a bad file
            failure = error_text(error)
    guard.finish()
    if failure is not None:
        st.session_state[GPT2_ERROR] = (source, failure)
    bar.empty()
    return loaded, failure
