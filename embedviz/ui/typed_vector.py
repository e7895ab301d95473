"""Vectors a teacher types, like the seed's ``[0.5, -0.2, 0.1]``: parsed, checked and explained.

:func:`parse_vector` accepts what people type and paste (brackets, decimal commas with semicolons) and
refuses everything else with a :class:`VectorProblem`, whose message says, in the page's language, what
to change. Nothing typed here ever raises anything else.
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

from embedviz.ui.i18n import t
from embedviz.ui.state import RULES

MAX_ADD_NUMBERS = 16
MAX_ADD_CHARS = RULES["add_a"][0]
#: Numbers the addition accepts: big enough for any example, small enough to print.
MAX_ADD_MAGNITUDE = 1_000_000
MAX_ADD_DECIMALS = 6


class VectorProblem(Exception):
    """Why a typed vector cannot be used: a UI string key and the values for its placeholders."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values

    def message(self) -> str:
        return t(self.key, **self.values)


def _decimals(number: str) -> int:
    """Decimal places as typed: ``0.5`` -> 1, ``-0.25`` -> 2, ``3`` -> 0, ``1e-3`` -> 3 (at most 6)."""
    try:
        exponent = Decimal(number).as_tuple().exponent
    except InvalidOperation:
        return 0
    return min(-exponent, MAX_ADD_DECIMALS) if isinstance(exponent, int) and exponent < 0 else 0


def _parse_number(part: str, position: int) -> float:
    try:
        value = float(part)
    except ValueError:
        raise VectorProblem("toy.add.not_number", position=position) from None
    if not math.isfinite(value):
        raise VectorProblem("toy.add.not_finite", position=position)
    if abs(value) > MAX_ADD_MAGNITUDE:
        raise VectorProblem("toy.add.too_big", position=position, limit=MAX_ADD_MAGNITUDE)
    return value


def parse_vector(text: str) -> tuple[list[float], int]:
    """``"0.5, -0.2, 0.1"`` -> ``([0.5, -0.2, 0.1], 1)``: the numbers and the most decimals typed.

    Accepts surrounding brackets (``[0.5, -0.2, 0.1]``, pasted from the seed) and, for German habits,
    decimal commas when the numbers are separated by semicolons (``0,5; -0,2; 0,1``). Raises
    :class:`VectorProblem` for anything else: empty, too long, not a number, NaN/infinity, too many.
    """
    if len(text) > MAX_ADD_CHARS:
        raise VectorProblem("toy.add.too_long", length=len(text), max=MAX_ADD_CHARS)
    body = text.strip().removeprefix("[").removesuffix("]").strip()
    if not body:
        raise VectorProblem("toy.add.empty")
    parts = [p.strip().replace(",", ".") for p in body.split(";")] if ";" in body else body.split(",")
    if len(parts) > MAX_ADD_NUMBERS:
        raise VectorProblem("toy.add.count", count=len(parts), max=MAX_ADD_NUMBERS)
    parts = [part.strip() for part in parts]
    values = [_parse_number(part, position) for position, part in enumerate(parts, start=1)]
    return values, max(_decimals(part) for part in parts)
