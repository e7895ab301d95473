"""The errors embedviz raises on purpose.

Every error a user can cause (a sentence that is too long, a setting out of range, an encoding that cannot
be loaded offline) is an :class:`EmbedvizError`. Its message is written for a person, not a programmer:
``str(error)`` is an English sentence for Python users. The page speaks the visitor's language, so each
error also carries a message ``key`` (a UI string ``error.*`` in ``embedviz/ui/strings/errors.py``) and
the ``values`` that sentence needs (numbers stay numbers, so the page formats them as German or English
numbers). The core knows nothing of the page; the page renders ``key`` and ``values`` through its own
``i18n``. Anything else escaping the package is a bug.
"""

from __future__ import annotations


class EmbedvizError(ValueError):
    """Base class: a clear, user-facing problem with the input or the settings.

    ``message`` is the English sentence (``str(error)``); ``key`` names the same sentence among the UI
    strings (default: the class's ``key``) and ``values`` fill its placeholders."""

    key = "error.invalid"

    def __init__(self, message: str = "", *, key: str | None = None, **values: object) -> None:
        super().__init__(message)
        if key is not None:
            self.key = key
        self.values = values


class TextTooLongError(EmbedvizError):
    """The text has more characters than embedviz accepts (see ``MAX_CHARS``)."""

    key = "error.text_too_long"

    def __init__(self, length: int, max_chars: int) -> None:
        super().__init__(
            f"The text has {length:,} characters; embedviz accepts at most {max_chars:,}. "
            f"Nothing was cut: shorten it and try again.",
            length=length,
            max_chars=max_chars,
        )


class TooManyTokensError(EmbedvizError):
    """The text has more tokens than the position table has rows (``context_length``)."""

    key = "error.too_many_tokens"

    def __init__(self, n_tokens: int, context_length: int) -> None:
        self.n_tokens = n_tokens
        self.context_length = context_length
        super().__init__(
            f"The text has {n_tokens:,} tokens, but the context length is {context_length:,}: "
            f"there is no position vector for positions {context_length:,} to {n_tokens - 1:,}. "
            f"Shorten the text by {n_tokens - context_length:,} tokens or raise the context length.",
            n_tokens=n_tokens,
            context_length=context_length,
            last=n_tokens - 1,
            excess=n_tokens - context_length,
        )


class SettingError(EmbedvizError):
    """A setting (dim, context length, seed, positional mode, ...) is out of its allowed range."""

    key = "error.setting"

    @classmethod
    def out_of_range(cls, name: str, value: object, low: int, high: int) -> SettingError:
        """``name`` is not a whole number from ``low`` to ``high`` (``value`` shown cut to 40 characters)."""
        return cls(
            f"{name} must be a whole number from {low:,} to {high:,}, not {value!r:.40}.",
            key="error.setting_range",
            name=name,
            low=low,
            high=high,
            value=f"{value!r:.40}",
        )


class UnknownEncodingError(EmbedvizError):
    """The encoding name is not one embedviz offers."""

    key = "error.unknown_encoding"


class EncodingUnavailableError(EmbedvizError):
    """The encoding exists but its vocabulary file could not be loaded (usually: no network)."""

    key = "error.encoding_unavailable"


class MemoryBudgetError(EmbedvizError):
    """The requested embedding tables would not fit the memory budget (see ``MAX_TABLE_BYTES``)."""

    key = "error.tables_too_big"


class TextTooShortForWindowError(EmbedvizError):
    """The text has fewer tokens than one input/target window needs (``max_length + 1``)."""

    key = "error.window_too_short"

    def __init__(self, n_tokens: int, max_length: int) -> None:
        self.n_tokens = n_tokens
        self.max_length = max_length
        super().__init__(
            f"The text has {n_tokens:,} tokens, but one window needs max_length + 1 = {max_length + 1:,} "
            f"tokens (the number of tokenized inputs must be at least max_length + 1: the targets reach one "
            f"token further than the inputs). Use a longer text or a max_length of at most "
            f"{max(n_tokens - 1, 0):,}.",
            n_tokens=n_tokens,
            needed=max_length + 1,
            largest=max(n_tokens - 1, 0),
        )


class MemoryBudgetExceeded(MemoryBudgetError):
    """A request does not fit the process's memory budget right now (see :mod:`embedviz.budget`).

    The fields let the page write its own message in the visitor's language: ``what`` was asked for,
    ``needed`` and ``available`` bytes (after caches gave way), the budget's ``limit``, and, for
    embedding tables, ``largest_dim``: the largest dim that fits right now (0: none; None: not a table).
    The page words it with :mod:`embedviz.ui.budget_text` (keys ``budget.*``).
    """

    key = "budget.other"

    def __init__(
        self, what: str, needed: int, available: int, limit: int, largest_dim: int | None = None
    ) -> None:
        self.what = what
        self.needed = needed
        self.available = max(0, available)
        self.limit = limit
        self.largest_dim = largest_dim
        message = (
            f"{what} needs {needed / 1e6:,.0f} MB, but this server has only "
            f"{self.available / 1e6:,.0f} MB free right now (limit {limit / 1e6:,.0f} MB)."
        )
        if largest_dim:
            message += f" It has room for up to dim {largest_dim:,}."
        elif largest_dim == 0:
            message += " Try again in a moment, when other visitors' work is done."
        super().__init__(message)
