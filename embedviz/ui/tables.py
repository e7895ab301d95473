"""Tables of numbers as the visitor's language writes them.

Streamlit formats a number column with a printf pattern (``%.4f``) in the browser, always with a decimal
point. On the German page the exact numbers must read ``-0,4015`` like the prose around them, so there
the number columns are sent as text, already rounded and written with a decimal comma (right-aligned,
as numbers are); the English page keeps real number columns. Rounding is numpy's ``%.4f``: the same
digits in both languages.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from embedviz.ui.i18n import language


def decimal_columns(
    frame: pd.DataFrame, decimals: int = 4, columns: list[str] | None = None
) -> tuple[pd.DataFrame, dict[str, object]]:
    """``frame`` and its ``column_config`` showing the float ``columns`` (default: every float column)
    with ``decimals`` places, in the page's language."""
    names = columns if columns is not None else [str(c) for c in frame.select_dtypes("floating").columns]
    if language() != "de":
        return frame, {name: st.column_config.NumberColumn(format=f"%.{decimals}f") for name in names}
    shown = frame.copy()
    for name in names:
        text = np.char.mod(f"%.{decimals}f", shown[name].to_numpy(dtype=np.float64))
        shown[name] = np.char.replace(text, ".", ",")
    return shown, {name: st.column_config.TextColumn(alignment="right") for name in names}
