"""The page's only accessibility CSS: what ``.streamlit/config.toml``'s theme options cannot set.

Streamlit 1.67 colours code tokens from fixed palette entries (``gray70`` comments #808495, ``blue70``
keywords #1c83e1, ``blueGreen80`` numbers #29b09d, ...) that no theme option reaches, and all but one
fall below WCAG AA's 4.5:1 on the code background #f7f9fb (2.21-3.70:1; axe-core flagged them, issue
16). Its focus ring is a 0.2rem shadow in the primary colour at 50 % opacity: 2.37:1 on white, under
the 3:1 a focus indicator needs on a projector. So, in one place:

* darker code-token colours (each at least 4.5:1 on #f7f9fb: ``bench/colour_check.py`` prints them);
* a solid 3 px focus outline in the theme's primary colour (#1e40af: 8.7:1 on white, 7.8:1 on the
  sidebar's #eef2f7; AA asks 3:1) on whatever the keyboard focuses (``:focus-visible``: a mouse click on
  a button shows no ring), or on its visible part where the focused input is hidden (toggles, sliders);
* on a phone (<= 640 px) code lines wrap, so no code block scrolls sideways out of a keyboard's reach;
* ``ev-sr-only``: the charts' text alternatives, read by screen readers and not shown;
* ``ev-mono``: plain monospace text in a box like a code block's (:func:`monospace`), for text that needs
  no highlighting: ``st.code`` makes every new visitor's browser load a 1.5 MB highlighter first.

The selectors start with ``[data-testid="stCode"]`` so they outrank Streamlit's generated class names
without ``!important``. docs/accessibility.md lists what they fix.
"""

from __future__ import annotations

import html

import streamlit as st

#: Streamlit's code-block background in the light theme (``codeBackgroundColor``'s default).
CODE_BACKGROUND = "#f7f9fb"
#: Prism token groups (as Streamlit groups them) -> colour, each >= 4.5:1 on CODE_BACKGROUND.
CODE_COLOURS = {
    "comment, punctuation": "#4b5563",
    "keyword, function": "#1d4ed8",
    "number": "#0f766e",
    "string": "#166534",
    "boolean, constant": "#047857",
    "operator, decorator": "#9a3412",
    "attr-name, property": "#0369a1",
    "url": "#6d28d9",
    "important": "#b91c1c",
}
#: The Prism token classes of each group above (from Streamlit's bundle, ``StyledCodeBlock``).
CODE_TOKENS = {
    "comment, punctuation": ("comment", "prolog", "doctype", "cdata", "punctuation"),
    "keyword, function": ("keyword", "tag", "function", "class-name", "selector"),
    "number": ("number", "regex"),
    "string": ("string", "char", "attr-value"),
    "boolean, constant": ("boolean", "constant", "symbol"),
    "operator, decorator": ("operator", "entity", "decorator", "atrule"),
    "attr-name, property": ("attr-name", "property", "variable"),
    "url": ("url",),
    "important": ("important",),
}
FOCUS_COLOUR = "#1e40af"  # the theme's primaryColor (.streamlit/config.toml)
#: Inline code in a caption (``raw_text``, ``shuffle=False``). Streamlit draws it in its green at the
#: caption's faded strength, #6d9c8f on #fafbfd: 2.98:1 (axe). Teal 800 is 7.3:1 there, 6.8:1 on the
#: sidebar's #eef2f7, and still reads as code next to the caption's grey.
CAPTION_CODE_COLOUR = "#115e59"
#: The lightest backgrounds inline code sits on: the code chip's own and the sidebar's.
CAPTION_CODE_BACKGROUNDS = ("#fafbfd", "#eef2f7")


def css() -> str:
    """The style sheet (without the ``<style>`` tag)."""
    rules = []
    for group, colour in CODE_COLOURS.items():
        selectors = ", ".join(f'[data-testid="stCode"] pre .token.{token}' for token in CODE_TOKENS[group])
        rules.append(f"{selectors} {{ color: {colour}; }}")
    # !important: Streamlit's own ":focus" rules (class + pseudo-class) would outrank a plain selector.
    # Toggles and sliders (React Aria) focus a visually hidden <input>: its outline would be clipped, so
    # the ring goes on the visible part, which React Aria marks with data-focus-visible.
    rules.append(
        f":focus-visible, [data-focus-visible] {{ outline: 3px solid {FOCUS_COLOUR} !important;"
        " outline-offset: 2px !important; }"
    )
    rules.append(f'[data-testid="stCaptionContainer"] code {{ color: {CAPTION_CODE_COLOUR}; opacity: 1; }}')
    # A phone: code lines wrap instead of scrolling sideways (a scrolling <pre> cannot take the keyboard
    # focus, so its hidden part is out of a keyboard user's reach: axe's scrollable-region-focusable).
    rules.append(
        '@media (max-width: 640px) { [data-testid="stCode"] pre code'
        " { white-space: pre-wrap !important; overflow-wrap: anywhere; } }"
    )
    # Text for screen readers only (embedviz/ui/chart_text.py); its element container leaves the flow,
    # so the hidden paragraph adds no gap to the layout.
    rules.append(
        ".ev-sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0;"
        " overflow: hidden; clip-path: inset(50%); white-space: nowrap; border: 0; }"
    )
    rules.append('[data-testid="stElementContainer"]:has(.ev-sr-only) { position: absolute; }')
    rules.append(
        f".ev-mono {{ margin: 0; padding: 1rem; border-radius: 0.5rem; background: {CODE_BACKGROUND};"
        " font-family: 'Source Code Pro', ui-monospace, monospace; font-size: 0.875rem;"
        " white-space: pre-wrap; overflow-wrap: anywhere; }"
    )
    return "\n".join(rules)


def monospace(text: str) -> str:
    """``text`` (escaped: it may hold the visitor's tokens) as a monospace block for ``st.html``.

    Looks like ``st.code(text, language=None)`` without its highlighter, which is a 1.5 MB script that a
    new visitor's browser loads and runs (~0.3 s) before the page's charts (docs/performance.md)."""
    return f'<pre class="ev-mono">{html.escape(text)}</pre>'


def apply() -> None:
    """Put the style sheet on the page (once per run, before the content)."""
    st.html(f"<style>\n{css()}\n</style>")
