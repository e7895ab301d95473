"""The teacher's join panel: the students' link as text, the code, a QR code of the link, large enough to
read from the back row; a button that copies the teacher's private link without showing it; "End the class".

The control key never reaches the page's text: the copy button's script gets it as data and writes
``?room=CODE&key=KEY`` to the clipboard. Both links carry the proxy's ``route`` when there is one (see
:func:`embedviz.ui.classroom.proxy_route`). The QR code is generated SVG (``segno``), not user text; the link
and the code are escaped all the same.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from urllib.parse import urlsplit

import segno
import streamlit as st

from embedviz.rooms import Room
from embedviz.ui.i18n import t

COPY_NAME = "embedviz.copy_teacher_link"
COPY_JS = """
export default function copyTeacherLink({ data, parentElement }) {
  let button = parentElement.querySelector("button");
  let status = parentElement.querySelector("[role=status]");
  if (!button) {
    button = document.createElement("button");
    button.type = "button";
    button.className = "ev-copy-link";
    status = document.createElement("span");
    status.setAttribute("role", "status");
    status.className = "ev-copy-status";
    parentElement.append(button, status);
  }
  button.textContent = data.label;
  button.title = data.help;
  button.onclick = async () => {
    const link = `${location.origin}${location.pathname}?${data.query}`;
    try {
      await navigator.clipboard.writeText(link);
      status.textContent = data.copied;
    } catch (error) {
      const box = document.createElement("textarea");
      box.value = link;
      box.setAttribute("readonly", "");
      box.style.position = "fixed";
      box.style.opacity = "0";
      document.body.appendChild(box);
      box.select();
      const copied = document.execCommand("copy");
      box.remove();
      status.textContent = copied ? data.copied : data.failed;
    }
  };
}
"""
COPY_CSS = """
.ev-copy-link { font: inherit; padding: 0.25rem 0.75rem; border-radius: 0.5rem; cursor: pointer;
  border: 1px solid rgba(49, 51, 63, 0.3); background: white; color: inherit; min-height: 2.5rem; }
.ev-copy-link:hover { border-color: #ff4b4b; color: #ff4b4b; }
.ev-copy-link:focus-visible { outline: 3px solid #1c83e1; outline-offset: 2px; }
.ev-copy-status { margin-left: 0.75rem; }
"""
#: Sizes for the back row: the code in very large type, the link large; on a phone a bit smaller.
STYLE = """<style>
.ev-join-code { font-size: 4.5rem; font-weight: 700; letter-spacing: 0.15em; line-height: 1.1;
  font-family: ui-monospace, monospace; }
.ev-join-link { font-size: 1.8rem; font-weight: 600; word-break: break-all; line-height: 1.3; }
.st-key-ev-class-qr img { max-width: 320px; image-rendering: pixelated; }
.ev-qr { margin: 0; }
.ev-qr figcaption { font-size: 0.875rem; color: #555e6b; text-align: center; }
@media (max-width: 640px) { .ev-join-code { font-size: 2.5rem; } .ev-join-link { font-size: 1.2rem; } }
</style>"""


def room_query(room: Room) -> str:
    """``room=CODE``, and ``&route=ROUTE`` when a sticky proxy routes to the replica holding the room."""
    return f"room={room.code}" + (f"&route={room.route}" if room.route else "")


def students_link(room: Room) -> str:
    """The link students open: this page's address with :func:`room_query` (``/?...`` without one)."""
    base = st.context.url or "/"
    if not urlsplit(base).path:  # http://host:port -> http://host:port/
        base += "/"
    return f"{base}?{room_query(room)}"


def qr_figure(link: str) -> str:
    """The QR code of ``link`` (black on white SVG, scaled by its container) as an image with its
    alternative text and caption: an ``<img>`` of a data URL, so nothing in the SVG runs, and a screen
    reader says what it is (WCAG 1.1.1). segno's data URL carries the SVG namespace a standalone SVG
    image needs (its inline SVG, meant for an HTML page, does not)."""
    source = segno.make(link, error="m").svg_data_uri(
        scale=1, border=2, omitsize=True, dark="#000", light="#fff"
    )
    caption = html.escape(t("class.qr_caption"))
    return (
        f'<figure class="ev-qr"><img src="{html.escape(source)}" alt="{caption}" '
        f'style="width:100%;height:auto;"><figcaption>{caption}</figcaption></figure>'
    )


def render(room: Room, key: str, *, on_end: Callable[[], None]) -> None:
    """The panel at the top of the teacher's page."""
    link = students_link(room)
    with st.container(border=True, key="ev-class-join"):
        st.html(STYLE)
        qr, words = st.columns([1, 3], vertical_alignment="center")
        with qr.container(key="ev-class-qr"):
            st.html(qr_figure(link))
        with words:
            st.markdown(f"**{t('class.join')}**")
            st.html(f'<div class="ev-join-link">{html.escape(link)}</div>')
            st.html(
                f'<div class="ev-join-code" aria-label="{html.escape(t("class.code"))}">'
                f"{html.escape(room.code)}</div>"
            )
            st.caption(t("class.leading"))
            with st.container(horizontal=True, vertical_alignment="center"):
                copy = st.components.v2.component(COPY_NAME, js=COPY_JS, css=COPY_CSS, isolate_styles=False)
                copy(
                    key="ev-class-copy",
                    data={
                        "query": f"{room_query(room)}&key={key}",
                        "label": t("class.copy"),
                        "help": t("class.copy_help"),
                        "copied": t("class.copied"),
                        "failed": t("class.copy_failed"),
                    },
                    height="content",
                    width="content",
                )
                st.button(t("class.end"), key="ev-class-end", on_click=on_end)
