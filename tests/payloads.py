"""Hostile sentences shared by the injection tests: ``tests/browser/test_injection.py`` types each into
Chromium and opens ten kinds of them as links; ``tests/test_app_hostile.py`` opens every one as a link
without a browser."""

from __future__ import annotations

#: id -> payload. Every payload holds its own marker ``evNN``; none has a line break (chips would show ↵).
PAYLOADS: dict[str, str] = {
    "script-tag": "<script>alert('ev01')</script>",
    "img-onerror": "<img src=x onerror=alert('ev02')>",
    "svg-onload": "<svg onload=alert('ev03')><circle r=9 /></svg>",
    "event-attribute": '<div onmouseover="alert(\'ev04\')" style="position:fixed;inset:0">ev04</div>',
    "body-onload": "<body onload=alert('ev05')>",
    "javascript-link": "<a href=\"javascript:alert('ev06')\">ev06</a>",
    "markdown-link": "[ev07](javascript:alert('ev07'))",
    "markdown-image": "![ev08](https://example.invalid/ev08.png)",
    "markdown-autolink": "<https://example.invalid/ev09> www.example.invalid/ev09",
    "html-entities": "&lt;b&gt;ev10&lt;/b&gt; &#60;script&#62;alert('ev10')&#60;/script&#62; &amp;",
    "css-style": "<style>body{display:none}</style>ev11",
    "iframe": "<iframe src=\"javascript:alert('ev12')\"></iframe>",
    "iframe-srcdoc": "<iframe srcdoc=\"<script>alert('ev13')</script>\"></iframe>",
    "script-breakout": "</script><script>alert('ev14')</script>",
    "attribute-breakout": "\" onmouseover=\"alert('ev15')\" x=\"'><img src=x onerror=alert('ev15')>",
    "plotly-link": '<a href="javascript:alert(\'ev16\')" target="_blank">ev16</a><br>',
    "plotly-markup": '<b>ev17</b><i>x</i><sup>2</sup><br><span style="font-size:300px">ev17</span>',
    "latex": "$\\alert{ev18}$ $$\\href{javascript:alert('ev18')}{ev18}$$",
    "template": "{{7*7}} ${7*7} #{7*7} <%= 7*7 %> {% raw %}ev19",
    "markdown-markup": "**ev20** _ev20_ `ev20` # ev20 > ev20 ~~ev20~~ | ev20 |",
    "object-embed": '<object data="javascript:alert(\'ev21\')"></object><embed src="https://example.invalid/ev21">',
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=https://example.invalid/ev22">',
    "form": '<form action="https://example.invalid/ev23"><button>ev23</button></form>',
    "bidi-override": "\u202e<img src=x onerror=alert('ev24')>",
    "streamlit-shortcodes": ":material/warning: :red[ev25] :smile: :streamlit:",
    "csv-formula": '=HYPERLINK("https://example.invalid/ev26","ev26") +ev26 -ev26 @ev26',
}
