"""The element that is a following student's page: the teacher's pipeline, drawn without reruns.

A following student's page holds, instead of the view, this one components-v2 element (keyed, so it stays
mounted). Its JavaScript (``plotly_host_assets/room_mirror.js``) asks the room's page route
(:mod:`embedviz.ui.room_server`) for the teacher's pipeline built once for every follower
(:mod:`embedviz.ui.room_page`) and draws it with the Plotly host's code. The page's script runs again only
when the element says the page itself must change (:func:`embedviz.ui.room_page.page_key`), or the room
ended.
"""

from __future__ import annotations

from embedviz.ui.i18n import language
from embedviz.ui.plotly_host import mirror_component
from embedviz.ui.room_listener import EVENT
from embedviz.ui.room_server import page_url

KEY = "ev-room-mirror"


def mirror(code: str, page_key: str) -> None:
    """Draw room ``code``'s followers' page here, in this visitor's language; ``page_key`` is what this run
    drew the rest of the page for (a different key from the server reruns the page)."""
    mirror_component()(
        key=KEY,
        data={"url": page_url(code), "lang": language(), "pageKey": page_key},
        height="content",
        **{f"on_{EVENT}_change": lambda: None},
    )


__all__ = ["KEY", "mirror"]
