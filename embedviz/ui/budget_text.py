"""The memory budget's refusals in the visitor's language.

:class:`~embedviz.errors.MemoryBudgetExceeded` carries numbers, not words: the bytes a request needed
and had available after the caches gave way, and for embedding tables the largest dim that fits right
now. :func:`refusal_text` turns them into the page's sentence, in English or German, with each
language's number format (``2,048`` / ``2.048``)::

    dim 2,048 needs 420 MB; this server has room for up to dim 331 right now. ...
    dim 2.048 braucht 420 MB; dieser Server hat gerade Platz für höchstens dim 331. ...

:func:`refused` wraps that sentence in a :class:`Refused` (still a MemoryBudgetExceeded, fields kept), so
every view that shows ``str(error)`` for a settings error shows the visitor's message unchanged.
"""

from __future__ import annotations

from embedviz.errors import MemoryBudgetExceeded
from embedviz.ui.i18n import STRINGS, language, number

#: Megabytes as the messages count them (10**6 bytes, as MemoryBudgetExceeded's own English message).
MB = 1e6


def refusal_text(error: MemoryBudgetExceeded, lang: str, dim: int | None = None) -> str:
    """What the visitor reads when ``error`` refused a request; ``dim``: the dim of refused tables."""
    english, german = STRINGS[_key(error, dim)]
    return (german if lang == "de" else english).format(
        dim=number(dim or 0, lang=lang),
        needed=number(error.needed / MB, lang=lang),
        available=number(error.available / MB, lang=lang),
        largest=number(error.largest_dim or 0, lang=lang),
    )


def _key(error: MemoryBudgetExceeded, dim: int | None) -> str:
    if dim is None:
        return "budget.other"
    return "budget.table" if error.largest_dim else "budget.table_full"


class Refused(MemoryBudgetExceeded):
    """A :class:`MemoryBudgetExceeded` whose message is written for the visitor (same fields)."""

    def __init__(self, error: MemoryBudgetExceeded, message: str) -> None:
        super().__init__(error.what, error.needed, error.available, error.limit, error.largest_dim)
        self.args = (message,)

    def __str__(self) -> str:
        return str(self.args[0])


def refused(error: MemoryBudgetExceeded, dim: int | None = None, lang: str | None = None) -> Refused:
    """``error`` with its message in ``lang`` (default: the current visitor's language)."""
    return Refused(error, refusal_text(error, lang or language(), dim))


def shown(error: MemoryBudgetExceeded) -> str:
    """The message to show for ``error``: as it is if already written for the visitor, else in the
    visitor's language (a refusal that reached the page from anywhere, e.g. a table evicted and refused
    again half-way through a run)."""
    return str(error) if isinstance(error, Refused) else refusal_text(error, language())
