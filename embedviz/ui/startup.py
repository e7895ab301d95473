"""Tuning done once per server process, not once per rerun (measured in docs/performance.md).

0. Before torch is imported (``app.py`` calls :func:`quiet_idle_threads` before it creates the server):
   idle OpenMP threads sleep instead of spinning (``OMP_WAIT_POLICY=PASSIVE``). OpenMP reads the
   setting once, when torch loads it; on a small box shared by many visitors, spinning threads made
   training several times slower. This module imports neither torch nor scikit-learn, so that
   ``app.py`` can import it first.
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
3. A warm-up (``warm_up``, the lifespan of ``app.py``'s ``st.App``): the server runs the page once
   before it takes its first request, so the first student does not wait for the imports of torch and
   scikit-learn and the default tables (~2.7 s of CPU on a new server). The server listens, and its
   health check answers, only after that run.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import time
from collections.abc import AsyncIterator

from streamlit.runtime import Runtime
from threadpoolctl import threadpool_limits


def quiet_idle_threads() -> None:
    """Let OpenMP's idle threads sleep (``OMP_WAIT_POLICY=PASSIVE``) unless the environment says
    otherwise; only a call before torch is imported has an effect."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


@functools.cache
def tune_process() -> int:
    """Limit BLAS to one thread, collect once, then freeze everything alive (modules, classes,
    functions). Returns the number of frozen objects; only the first call in a process does anything."""
    threadpool_limits(limits=1, user_api="blas")
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


@contextlib.asynccontextmanager
async def warm_up(_app: object) -> AsyncIterator[None]:
    """Run the page once, as a visitor with no settings would, then serve.

    Streamlit's own script health check does the run (``Runtime.does_script_run_without_error``: a
    throwaway session, shut down afterwards); what it leaves behind is what every visitor shares: imported
    modules, this process's tuning and the cached default tables. A page that fails is served anyway (each
    visitor then sees the error where it happens); the log says so.
    """
    print("  embedviz: running the page once before the first visitor; the URL answers then", flush=True)
    started = time.perf_counter()
    ok, outcome = await Runtime.instance().does_script_run_without_error()
    took = time.perf_counter() - started
    result = "ok" if ok else f"it did not finish: {outcome}; serving anyway"
    print(f"  embedviz: ran the page once before the first visitor in {took:.1f} s ({result})", flush=True)
    yield
