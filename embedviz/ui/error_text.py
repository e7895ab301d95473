"""An :class:`~embedviz.errors.EmbedvizError` as the visitor reads it: in the page's language.

The core raises errors with an English message (for Python users) and a message key with its values;
:func:`error_text` renders that key through :mod:`embedviz.ui.i18n`, so a German visitor who copies the
lesson's ``context_length = 4`` reads „Der Text hat 7 Tokens, die Kontextlänge ist aber 4 …“, numbers in
German format. A memory refusal is worded by :mod:`embedviz.ui.budget_text` (it knows the dim asked for).
"""

from __future__ import annotations

import string

from embedviz.errors import EmbedvizError, MemoryBudgetExceeded
from embedviz.ui.budget_text import shown
from embedviz.ui.i18n import STRINGS, language, t


def error_text(error: EmbedvizError) -> str:
    """What the page shows for ``error``: in English the core's own message (the ``error.*`` strings
    repeat it word for word); in German its key's sentence with its values, or the class's general
    sentence when the key's placeholders are not all given (an error raised with a message only)."""
    if isinstance(error, MemoryBudgetExceeded):
        return shown(error)
    if language() == "en":
        return str(error)
    for key in (error.key, type(error).key, "error.invalid"):
        if key in STRINGS and _fields(STRINGS[key][0]) <= error.values.keys():
            return t(key, **error.values)
    return t("error.invalid")


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}
