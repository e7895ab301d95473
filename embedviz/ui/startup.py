"""Tuning done once per server process, not once per rerun (both measured in docs/performance.md).

1. After every script run Streamlit calls ``gc.collect()`` (``runner.postScriptGC``) so that cyclic
   garbage from the run is freed at once. A full collection walks every object the garbage collector
   tracks, and after importing torch, pandas, plotly, scikit-learn and Streamlit that is about 300,000
   objects: more than the rest of a warm rerun's server work. Those objects live as long as the
   process, so they are moved out of the collector's sight (``gc.freeze``); each later collection walks
   only what the runs create, a few thousand objects. Reference counting
   is untouched: a frozen object is still freed the moment nothing refers to it.
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
