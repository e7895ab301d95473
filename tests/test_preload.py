"""plotly.js is asked for first, and the server's entry point imports no torch before it has set up
OpenMP's threads.

A browser loads a component's script only when its first element mounts, and plotly.min.js only then; the
page's first element is an empty Plotly host whose mount starts that (``preload_plotly``). ``app.py``
sets ``OMP_WAIT_POLICY`` (``embedviz.ui.startup.quiet_idle_threads``), which OpenMP reads when torch
loads it: so neither the chart host nor ``embedviz.ui.startup``, which ``app.py`` imports, may import
torch or scikit-learn, and ``embedviz`` imports its public names lazily.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import plotly
import pytest
from apptest_utils import run_app

import embedviz
from embedviz.ui.plotly_host import PRELOAD_KEY

ROOT = Path(__file__).resolve().parents[1]


def in_a_new_interpreter(imports: str, shown: str) -> object:
    """Import ``imports`` in a fresh Python (the repository as its working directory, no
    ``OMP_WAIT_POLICY`` inherited from this one), then return the JSON value of the expression
    ``shown``."""
    code = f"import json, os, sys\nimport {imports}\nprint(json.dumps({shown}))"
    env = {name: value for name, value in os.environ.items() if name != "OMP_WAIT_POLICY"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT, env=env
    )
    return json.loads(out.stdout)


def test_the_chart_host_and_the_warm_up_import_neither_torch_nor_scikit_learn() -> None:
    loaded = "[m for m in ('torch', 'sklearn') if m in sys.modules]"
    assert in_a_new_interpreter("embedviz.ui.plotly_host, embedviz.ui.startup", loaded) == []


def test_the_server_lets_idle_openmp_threads_sleep_before_anything_imports_torch() -> None:
    shown = "[os.environ.get('OMP_WAIT_POLICY'), 'torch' in sys.modules]"
    assert in_a_new_interpreter("app", shown) == ["PASSIVE", False]


def test_the_public_names_are_those_of_their_modules() -> None:
    from embedviz.embeddings import embed
    from embedviz.tokenizer import Token

    assert embedviz.embed is embed
    assert embedviz.Token is Token
    for name in embedviz.__all__:  # each resolves on first use
        assert getattr(embedviz, name) is not None
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = embedviz.no_such_name


def test_the_pages_first_element_is_the_preload() -> None:
    for view in ("pipeline", "seed", "train"):
        at = run_app(view=view)
        first = next(iter(at.main.children.values()))
        assert first.type == "bidi_component", view
        assert PRELOAD_KEY in first.proto.id
        assert json.loads(first.proto.json) == {"preload": True, "plotlyVersion": plotly.__version__}
