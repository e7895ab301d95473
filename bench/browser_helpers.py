"""The browser tests' helpers for the benchmark scripts: ``from browser_helpers import H``.

``tests/browser/conftest.py`` holds the server launcher, the Chromium flags and the waits; the benchmarks
must drive the page exactly like the tests do, so they import that file by path (it is not a package
module). It imports embedviz, and ``python bench/x.py`` puts only bench/ on the path, so the repository
root goes on it first.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parents[1]


def load() -> ModuleType:
    """Import ``tests/browser/conftest.py`` by path (once per process)."""
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    name = "embedviz_browser_helpers"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "tests" / "browser" / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


H = load()
