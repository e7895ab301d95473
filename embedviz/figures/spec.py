"""Figures as plain dicts: the JSON a Plotly chart receives, built without Plotly's figure objects.

A ``plotly.graph_objects.Figure`` checks every property as it is set: each ``update_layout`` parses its
property paths, looks up a validator and copies the value. That is what the figure objects are for when a
person writes a figure by hand; the page's figures are written by code, checked by the tests, and leave the
server as JSON on every edit of the sentence. So the figures drawn on every edit are built as plain
dicts (a *figure dict*: ``{"data": [trace, ...], "layout": {...}}``, each trace with its ``"type"``), and
:func:`figure_json` turns one into the very JSON ``Figure.to_json()`` would send for it:

* numpy arrays become Plotly's typed arrays (``{"dtype": "f4", "bdata": <base64>}``), exactly as plotly's
  own encoder does it (``_plotly_utils.utils.to_typed_array_spec``, skipping the same keys);
* the layout gets plotly's default template, as ``go.Figure`` adds it: its JSON (6.5 kB, the same in every
  figure) is written once per process and put into each figure's text in place of a slot;
* the text is written by plotly's own JSON encoder (``plotly.io.json.to_json_plotly``).

``go.Figure(figure_dict)`` accepts each of them unchanged (the tests check it, and that its ``to_json()``
is the same JSON), so a caller who wants the objects wraps the dict (:func:`as_figure`).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any, ParamSpec

import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.utils import is_homogeneous_array, is_skipped_key, to_typed_array_spec

FigureDict = dict[str, Any]
P = ParamSpec("P")


def without_none(**properties: Any) -> dict[str, Any]:
    """The properties that are set: Plotly's figure objects leave a property given as None out too."""
    return {name: value for name, value in properties.items() if value is not None}


@functools.cache
def colorscale(name: str) -> list[list]:
    """A named colorscale ("RdBu_r") as the list of ``[position, colour]`` pairs Plotly sends for it
    (plotly.js knows "RdBu" but not the reversed names of plotly's Python side)."""
    return [list(pair) for pair in go.Heatmap(colorscale=name).colorscale]


@functools.cache
def _template(name: str) -> dict[str, Any]:
    return go.Figure(layout={"template": name}).to_dict()["layout"]["template"]


def default_template() -> dict[str, Any]:
    """Plotly's default template (``plotly.io.templates.default``) as ``go.Figure`` puts it in a layout."""
    return _template(pio.templates.default)


@functools.cache
def _template_json(name: str) -> str:
    return pio.json.to_json_plotly(_template(name))


#: Where a figure's text gets the default template's JSON: a string no figure can hold by chance (it is new
#: in every process, so no typed sentence can guess it).
_TEMPLATE_SLOT = f"embedviz-template-{uuid.uuid4().hex}"


def as_figure(build: Callable[P, FigureDict]) -> Callable[P, go.Figure]:
    """A builder of figure dicts as a builder of ``go.Figure`` objects (same arguments)."""

    @functools.wraps(build)
    def figure(*args: P.args, **kwargs: P.kwargs) -> go.Figure:
        return go.Figure(build(*args, **kwargs))

    return figure


def _typed(value: Any) -> Any:
    """``value`` with its numpy arrays as typed arrays, in a new structure (``value`` is not changed).

    The same walk as plotly's ``convert_to_base64``: arrays that are values of a dict are converted
    (except under keys like "range"), dicts and lists inside lists are walked, and arrays directly inside
    a list are left to the JSON encoder. Strings and numbers are passed by without a look."""
    if isinstance(value, dict):
        return {key: _typed_entry(key, item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_typed(item) if isinstance(item, _CONTAINERS) else item for item in value]
    return value


_CONTAINERS = (dict, list, tuple)


def _typed_entry(key: str, item: Any) -> Any:
    if isinstance(item, _CONTAINERS):
        return item if is_skipped_key(key) else _typed(item)
    if isinstance(item, str | int | float) or item is None or is_skipped_key(key):
        return item
    return to_typed_array_spec(item) if is_homogeneous_array(item) else item


def figure_json(figure: FigureDict | go.Figure) -> str:
    """The JSON of a figure dict as ``go.Figure(figure).to_json()`` writes it (a ``go.Figure`` is passed
    to its own ``to_json``)."""
    if isinstance(figure, go.Figure):
        return figure.to_json()
    layout = figure.get("layout", {})
    if "template" in layout:
        return pio.json.to_json_plotly(_typed(figure))
    text = pio.json.to_json_plotly(_typed({**figure, "layout": {**layout, "template": _TEMPLATE_SLOT}}))
    return text.replace(f'"{_TEMPLATE_SLOT}"', _template_json(pio.templates.default), 1)


__all__ = ["FigureDict", "as_figure", "colorscale", "default_template", "figure_json", "without_none"]
