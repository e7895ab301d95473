"""Memory for large allocations that are not cached tables: GPT-2's loaded tables and downloads.

Cached tables reserve their bytes in :mod:`embedviz.ui.cache` when they are drawn. Other large
allocations ask the same budget (:func:`embedviz.ui.cache.memory_budget`) here, before anything is
allocated, and a refusal reaches the visitor in their language (:mod:`embedviz.ui.budget_text`):

- :func:`reserved` holds bytes around an allocation (``with reserved(...):``);
- :func:`refusal_for` says before any click whether a download could be made at all, so its button
  can be disabled with the reason;
- :func:`budgeted` wraps a download's builder, which Streamlit runs on click outside the page's run.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack

from embedviz.budget import MemoryBudget
from embedviz.errors import MemoryBudgetExceeded
from embedviz.ui import cache
from embedviz.ui.budget_text import refusal_text, refused
from embedviz.ui.i18n import language


def reserved(
    nbytes: int, what: str, lang: str | None = None, budget: MemoryBudget | None = None
) -> ExitStack:
    """``nbytes`` of the memory budget, held until the returned context ends: ``with reserved(...):``
    around a large allocation that is not a table (GPT-2's tables, a download). A refusal raises
    :class:`~embedviz.ui.budget_text.Refused` (an EmbedvizError in the visitor's language, or ``lang``)
    at once, before anything is allocated."""
    held = ExitStack()
    try:
        held.enter_context((budget or cache.memory_budget()).reserve(nbytes, what))
    except MemoryBudgetExceeded as error:
        raise refused(error, lang=lang) from None
    return held


def refusal_for(nbytes: int, what: str) -> str | None:
    """The visitor's message if ``nbytes`` could not be had now even with every cache empty (what
    others reserved and the process itself hold stay), else None: a download button is then disabled
    and says why, before anyone clicks (a refused click only gets Streamlit's "Failed to generate
    file")."""
    budget = cache.memory_budget()
    room = budget.limit - budget.margin - budget.floor - budget.reserved
    if nbytes <= room:
        return None
    available = min(room, budget.available())
    return refusal_text(MemoryBudgetExceeded(what, nbytes, available, budget.limit), language())


def budgeted(build: Callable[[], bytes], nbytes: int, what: str) -> Callable[[], bytes]:
    """``build`` (a download, run on click on a thread without a Streamlit session) that first reserves
    ``nbytes`` of the memory budget. Budget and language are taken now, in the page's run; a refusal
    raises Refused in the visitor's language (Streamlit then says the file could not be made)."""
    budget, lang = cache.memory_budget(), language()

    def budgeted_build() -> bytes:
        with reserved(nbytes, what, lang, budget):
            return build()

    return budgeted_build
