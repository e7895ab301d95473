"""The errors embedviz raises on purpose.

Every error a user can cause (a sentence that is too long, a setting out of range, an encoding that cannot
be loaded offline) is an :class:`EmbedvizError`. Its message is written for a person, not a programmer, so
the app shows ``str(error)`` as it is. Anything else escaping the package is a bug.
"""

from __future__ import annotations


class EmbedvizError(ValueError):
    """Base class: a clear, user-facing problem with the input or the settings."""


class TextTooLongError(EmbedvizError):
    """The text has more characters than embedviz accepts (see ``MAX_CHARS``)."""


class TooManyTokensError(EmbedvizError):
    """The text has more tokens than the position table has rows (``context_length``)."""

    def __init__(self, n_tokens: int, context_length: int) -> None:
        self.n_tokens = n_tokens
        self.context_length = context_length
        super().__init__(
            f"The text has {n_tokens:,} tokens, but the context length is {context_length:,}: "
            f"there is no position vector for positions {context_length:,} to {n_tokens - 1:,}. "
            f"Shorten the text by {n_tokens - context_length:,} tokens or raise the context length."
        )


class SettingError(EmbedvizError):
    """A setting (dim, context length, seed, positional mode, ...) is out of its allowed range."""


class UnknownEncodingError(EmbedvizError):
    """The encoding name is not one embedviz offers."""


class EncodingUnavailableError(EmbedvizError):
    """The encoding exists but its vocabulary file could not be loaded (usually: no network)."""


class MemoryBudgetError(EmbedvizError):
    """The requested embedding tables would not fit the memory budget (see ``MAX_TABLE_BYTES``)."""


class TextTooShortForWindowError(EmbedvizError):
    """The text has fewer tokens than one input/target window needs (``max_length + 1``)."""

    def __init__(self, n_tokens: int, max_length: int) -> None:
        self.n_tokens = n_tokens
        self.max_length = max_length
        super().__init__(
            f"The text has {n_tokens:,} tokens, but one window needs max_length + 1 = {max_length + 1:,} "
            f"tokens (the number of tokenized inputs must be at least max_length + 1: the targets reach one "
            f"token further than the inputs). Use a longer text or a max_length of at most "
            f"{max(n_tokens - 1, 0):,}."
        )


class MemoryBudgetExceeded(MemoryBudgetError):
    """A request does not fit the process's memory budget right now (see :mod:`embedviz.budget`).

    The fields let the page write its own message in the visitor's language: ``what`` was asked for,
    ``needed`` and ``available`` bytes (after caches gave way), the budget's ``limit``, and, for
    embedding tables, ``largest_dim``: the largest dim that fits right now (0: none; None: not a table).
    """

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
