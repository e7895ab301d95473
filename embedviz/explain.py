"""The seed's worked addition, written out: ``[0.5 + 0.1, -0.2 + 0.3, 0.1 + (-0.1)] = [0.6, 0.1, 0.0]``.

Shown numbers are rounded, and a sum of rounded numbers can differ in the last digit from the rounded
sum. :func:`worked_sum` shows the true (rounded) sum and says so when that happens, rather than print
arithmetic that looks wrong.
"""

from __future__ import annotations

from collections.abc import Sequence


def _number(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    if float(text) == 0:  # no "-0.0"
        text = f"{0:.{decimals}f}"
    return text


def _term(value: float, decimals: int) -> str:
    """A right-hand addend, in brackets when negative: ``0.1 + (-0.1)`` as the seed writes it."""
    text = _number(value, decimals)
    return f"({text})" if text.startswith("-") else text


def worked_sum(
    token: Sequence[float], position: Sequence[float], decimals: int = 4, total: Sequence[float] | None = None
) -> tuple[str, bool]:
    """The element-wise sum written out, and whether rounding made a shown digit disagree.

    ``total`` is the exact sum as the model computed it (default: ``token + position`` in Python floats).
    """
    total = [a + b for a, b in zip(token, position, strict=True)] if total is None else list(total)
    terms = ", ".join(
        f"{_number(a, decimals)} + {_term(b, decimals)}" for a, b in zip(token, position, strict=True)
    )
    results = ", ".join(_number(c, decimals) for c in total)
    rounded_apart = any(
        abs(round(round(a, decimals) + round(b, decimals), decimals) - round(c, decimals))
        > 10 ** -(decimals + 2)
        for a, b, c in zip(token, position, total, strict=True)
    )
    return f"[{terms}]\n= [{results}]", rounded_apart
