"""A Plotly chart that stays mounted across reruns and updates in place.

``st.plotly_chart`` derives its element id from the figure, so each new figure unmounts the old chart and
mounts a new one: a new WebGL context, new shaders, a reset camera. :func:`plotly_host` instead mounts one
keyed components-v2 element (its identity is the key alone) whose JavaScript (``plotly_host_assets/``)
calls ``Plotly.newPlot`` once and ``Plotly.react`` on the same div afterwards. It keeps the camera, zoom and
hidden legend entries unless ``camera_revision`` changes (a preset was chosen), and points that carry
``ids`` glide from their old place to the new one; a figure with ``frames`` (the training animation) plays
them with Plotly's own Play button and slider and never glides (see the JS file's docstring).

Where plotly.js comes from. It is the installed ``plotly`` package's ``package_data/plotly.min.js``
(4.8 MB), served by the Streamlit server itself, never from a CDN and never inlined into ``js=`` (that
string is re-sent with every rerun). Streamlit serves a components-v2 component's files under
``<baseUrlPath>/_stcore/bidi-components/<component name>/<file>`` from the component's ``asset_dir``; it
normally learns that directory from ``[[tool.streamlit.component.components]]`` in the ``pyproject.toml``
of an *installed* distribution, scanned once at server start. embedviz is not installed (the README runs
``streamlit run app.py`` from a clone), and no manifest could point into *another* package's files. So
:func:`_register_assets` hands the runtime's component manager the same manifest objects its start-up
scan would build (``ComponentManifest``/``ComponentConfig``, ``register_from_manifest``), once per
runtime:

* ``embedviz.plotly_host`` with ``asset_dir`` = ``embedviz/ui/plotly_host_assets`` (our JS and CSS, loaded
  by Streamlit from a URL and cached by the browser, not re-sent per rerun);
* ``embedviz.room_mirror``, the followers' page of a class, with the same ``asset_dir`` (its JS imports
  ``plotly_host.js`` and draws its charts with it);
* ``embedviz.plotlyjs`` with ``asset_dir`` = the ``plotly`` package's ``package_data`` (read in place: no
  copy in git, no link made at runtime).

The JS finds plotly.min.js relative to its own URL (``import.meta.url``), so it works under
``server.baseUrlPath`` and from a fresh clone with the README's command; nothing else is needed
(``server.enableStaticServing`` and a ``static/`` folder are not). The cost: ``register_from_manifest`` is
Streamlit's manager API, not an ``st.*`` function; the browser tests pin the behaviour.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

import plotly
import plotly.graph_objects as go
import streamlit as st
from streamlit.components.v2.get_bidi_component_manager import get_bidi_component_manager
from streamlit.components.v2.manifest_scanner import ComponentConfig, ComponentManifest

from embedviz.figures.spec import FigureDict, figure_json
from embedviz.ui.i18n import language, localized, t

Figure = go.Figure | FigureDict

PROJECT = "embedviz"
HOST = f"{PROJECT}.plotly_host"
PLOTLYJS = f"{PROJECT}.plotlyjs"
#: The followers' page of a class (embedviz/ui/room_mirror.py): its JS imports this host's and sits with it.
MIRROR = f"{PROJECT}.room_mirror"
ASSETS = Path(__file__).resolve().parent / "plotly_host_assets"
PLOTLY_PACKAGE = Path(plotly.__file__).resolve().parent
GLIDE_MS = 300
PRELOAD_KEY = "embedviz-plotlyjs-preload"  # plotly_host.css hides this element's (empty) container

_lock = threading.Lock()
_mounts: dict[int, Any] = {}  # id(component manager) -> mounting command registered on it


def _register_assets() -> Any:
    """Declare both asset directories on the running server's component manager (once) and return the
    component's mounting command. AppTest and each server have their own manager: keyed by identity."""
    manager = get_bidi_component_manager()
    with _lock:
        mount = _mounts.get(id(manager))
        if mount is not None and manager.get(HOST) is not None:
            return mount
        for name, package_root, asset_dir in (
            (HOST, ASSETS.parent, ASSETS.name),
            (MIRROR, ASSETS.parent, ASSETS.name),
            (PLOTLYJS, PLOTLY_PACKAGE, "package_data"),
        ):
            if manager.get_component_asset_root(name) is None:
                component = ComponentConfig(name=name.split(".", 1)[1], asset_dir=asset_dir)
                manifest = ComponentManifest(name=PROJECT, version=plotly.__version__, components=[component])
                manager.register_from_manifest(manifest, package_root)
        mount = st.components.v2.component(
            HOST, js="plotly_host.js", css="plotly_host.css", isolate_styles=False
        )
        _mounts[id(manager)] = mount
        return mount


def mirror_component() -> Any:
    """The mounting command of the followers' page element (:mod:`embedviz.ui.room_mirror`), its files
    declared on the running server like the host's."""
    _register_assets()
    return st.components.v2.component(
        MIRROR, js="room_mirror.js", css="room_mirror.css", isolate_styles=False
    )


def preload_plotly() -> None:
    """Have the visitor's browser fetch and run plotly.js now, before any chart is on the page.

    Call it first in a run. The browser loads a component's script only when its first element mounts,
    and plotly.min.js (4.8 MB, ~0.8 s to run in a 2-core browser) only then. This element draws nothing; its
    mount starts that work while the server is still building the page. Since ``app.py`` runs the page once
    before the first visitor, it matters only where the page runs without that warm-up (AppTest, a server
    started another way), whose first visitor waits for the imports of torch and scikit-learn."""
    _register_assets()(
        key=PRELOAD_KEY, data={"preload": True, "plotlyVersion": plotly.__version__}, height="content"
    )


def with_point_ids(figure: Figure, ids: Mapping[int, Sequence[str]]) -> Figure:
    """Give the points of trace ``i`` the identities ``ids[i]`` (one string per point), in place.

    A point glides only to a point with the same identity in the same trace; others appear in place."""
    for index, trace_ids in ids.items():
        if isinstance(figure, dict):
            figure["data"][index]["ids"] = list(trace_ids)
        else:
            figure.data[index].ids = list(trace_ids)
    return figure


def space_point_ids(token_ids: Sequence[int]) -> dict[int, list[str]]:
    """Point identities for :func:`embedviz.figures.space_figure` (traces token, position, input, arrows).

    A token point stays the same point while the same token sits at the same position; a position vector
    is its position; an input embedding is position + token. Each arrow is 3 entries (start, end, gap)."""
    pairs = [f"{position}:{token}" for position, token in enumerate(token_ids)]
    return {
        0: [f"tok:{pair}" for pair in pairs],
        1: [f"pos:{position}" for position in range(len(token_ids))],
        2: [f"sum:{pair}" for pair in pairs],
        3: [f"arrow:{pair}:{end}" for pair in pairs for end in "abc"],
    }


def _encoded(figure: Figure, camera_revision: str | None) -> tuple[str, str]:
    """The figure as the browser receives it (numbers as the page's prose, numpy arrays as plotly's typed
    base64 arrays) and its camera revision: ``camera_revision``, else the figure's ``layout.uirevision``."""
    localized(figure)  # hover values and ticks as the page's prose: 0,5 in German
    uirevision = figure["layout"].get("uirevision") if isinstance(figure, dict) else figure.layout.uirevision
    revision = camera_revision if camera_revision is not None else str(uirevision)
    return figure_json(figure), revision


def host_data(
    figure: Figure | Callable[[], Figure],
    *,
    key: str,
    shared: Hashable | None = None,
    camera_revision: str | None = None,
    config: Mapping[str, Any] | None = None,
    glide_ms: int = GLIDE_MS,
) -> dict[str, Any]:
    """What the chart's JavaScript receives for ``figure`` (see :func:`plotly_host` for the arguments):
    also sent by the followers' page of a class (:mod:`embedviz.ui.room_page`), drawn by the same JS."""
    if shared is None:
        built = _encoded(figure() if callable(figure) else figure, camera_revision)
    else:
        from embedviz.ui import cache  # here: the chart host loads before torch (tests/test_preload.py)

        kept, memo = cache.shared_figures(), (key, shared, language(), camera_revision)
        built = kept.get(memo)
        if built is None:
            built = _encoded(figure() if callable(figure) else figure, camera_revision)
            kept.put(memo, built)
    figure_text, revision = built
    return {
        "figure": figure_text,
        "config": {"displaylogo": False, "responsive": True, **(config or {})},
        "cameraRevision": revision,
        "glideMs": int(glide_ms),
        "errorMessage": t("chart.error"),
        "plotlyVersion": plotly.__version__,  # in plotly.js's URL: the browser may keep that file for good
    }


def plotly_host(
    figure: Figure | Callable[[], Figure],
    *,
    key: str,
    shared: Hashable | None = None,
    camera_revision: str | None = None,
    config: Mapping[str, Any] | None = None,
    glide_ms: int = GLIDE_MS,
) -> None:
    """Show ``figure`` in a chart that stays mounted under ``key`` and is updated with ``Plotly.react``.

    The user's camera, zoom and legend toggles survive new figures while ``camera_revision`` stays the
    same (default: the figure's ``layout.uirevision``); a new value applies the figure's own camera.
    ``glide_ms=0`` turns the glide off (the browser's ``prefers-reduced-motion: reduce`` does too).
    ``figure`` is a ``go.Figure`` or a figure dict (:mod:`embedviz.figures.spec`, the same JSON without
    validating every property on every rerun).

    ``shared``: a value that determines the figure wholly (with ``key`` and the page's language), e.g. the
    page's settings. Then ``figure`` may be a function that builds it, called only when no page has sent
    this chart for ``shared`` yet: the JSON is kept (:func:`embedviz.ui.cache.shared_figures`) for the
    next page, such as a class's sixty students following one teacher."""
    data = host_data(
        figure, key=key, shared=shared, camera_revision=camera_revision, config=config, glide_ms=glide_ms
    )
    _register_assets()(key=key, data=data, height="content")
