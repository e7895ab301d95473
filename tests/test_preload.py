"""plotly.js is asked for first, and the server's entry point imports no torch (issue 13).

A browser loads a component's script only when its first element mounts, and plotly.min.js only then; the
page's first element is an empty Plotly host whose mount starts that (``preload_plotly``). It helps where
the element is sent before the server imports torch and scikit-learn (~1.9 s): a page run without
``app.py``'s warm-up. ``embedviz`` imports its public names lazily, so neither the chart host nor
``embedviz.ui.startup`` (which ``app.py`` imports before the page sets ``OMP_WAIT_POLICY`` for torch)
imports those libraries.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import plotly
import pytest
from apptest_utils import run_app

import embedviz
from embedviz.ui.plotly_host import PRELOAD_KEY


def test_the_chart_host_and_the_warm_up_import_neither_torch_nor_scikit_learn() -> None:
    code = (
        "import json, sys\n"
        "import embedviz.ui.plotly_host, embedviz.ui.startup\n"
        "print(json.dumps([m for m in ('torch', 'sklearn') if m in sys.modules]))"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert json.loads(out.stdout) == []


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
