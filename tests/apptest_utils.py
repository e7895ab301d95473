"""Shared helpers for the AppTest-based tests: start the app with query parameters, read Plotly specs."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from embedviz.ui.lazy import KEYS

APP = str(Path(__file__).resolve().parent.parent / "embedviz" / "ui" / "page.py")


#: Keys of the expanders whose content is built only while open (embedviz.ui.lazy.on_demand).
ON_DEMAND = KEYS


def run_app(opened: tuple[str, ...] = (), **query: object) -> AppTest:
    """Run app.py once, as if opened with ``?key=value&...``, with the on-demand expanders ``opened``
    (keys from ON_DEMAND) already open, as if the visitor had clicked them."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = str(value)
    for key in opened:
        at.session_state[key] = True
    return at.run()


def _decode(value: object) -> object:
    """Plotly sends numpy arrays as ``{"dtype": "f8", "bdata": base64}``; turn them back into arrays."""
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if isinstance(shape, str):  # "7, 128"
            shape = [int(part) for part in shape.split(",")]
        return array.reshape(shape) if shape else array
    if isinstance(value, dict):
        return {key: _decode(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decode(item) for item in value]
    return value


def figure_spec(chart: object) -> dict:
    """The Plotly figure of an AppTest ``plotly_chart`` element, with typed arrays decoded."""
    return _decode(json.loads(chart.proto.spec))


def plotly_hosts(at: AppTest) -> list:
    """The page's Plotly hosts (``embedviz.ui.plotly_host``: the pipeline's heatmaps and 3D view)."""
    return [host for host in at.get("bidi_component") if host.proto.component_name == "embedviz.plotly_host"]


def chart_ids(at: AppTest) -> list[str]:
    """Element ids of every Plotly chart on the page, ``st.plotly_chart`` or Plotly host, sorted."""
    return sorted(chart.proto.id for chart in [*at.get("plotly_chart"), *plotly_hosts(at)])


def chart_by_key(at: AppTest, key: str) -> dict:
    """The decoded figure of the plotly chart (or Plotly host) whose key is ``key``."""
    for chart in at.get("plotly_chart"):
        if chart.proto.id.endswith(key) or key in chart.proto.id:
            return figure_spec(chart)
    for host in plotly_hosts(at):  # the figure travels in the host's data
        if key in host.proto.id:
            return _decode(json.loads(json.loads(host.proto.json)["figure"]))
    raise AssertionError(f"no plotly chart with key {key!r}")
