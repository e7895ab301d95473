"""Tuning done once per server process, not once per rerun (both measured in docs/performance.md).

1. After importing torch, pandas, plotly, scikit-learn and Streamlit, the garbage collector tracks about
   300,000 objects, and each full collection walks all of them. Those objects live as long as the
   process, so they are moved out of the collector's sight (``gc.freeze``); each later full collection
   walks only what the runs create. Reference counting is untouched: a frozen object is still freed the
   moment nothing refers to it. (Streamlit's own full collection after every script run,
   ``runner.postScriptGC``, is switched off in ``.streamlit/config.toml``: with a class on the server it
   was still the largest cost of a rerun.)
2. One BLAS thread (``threadpoolctl``, which scikit-learn already uses). On a small box shared by many
   visitors (2 cores here), a second OpenBLAS thread mostly competes with other work for the same cores
   and makes the PCA slower, not faster.
"""

from __future__ import annotations

import functools
import gc

from threadpoolctl import threadpool_limits


@functools.cache
def tune_process() -> int:
    """Limit BLAS to one thread, collect once, then freeze everything alive (modules, classes,
    functions). Returns the number of frozen objects; only the first call in a process does anything."""
    threadpool_limits(limits=1, user_api="blas")
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
