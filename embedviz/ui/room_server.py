"""The server's rooms and the route through which their changes reach the browsers.

One :class:`~embedviz.rooms.Rooms` per server process (:data:`ROOMS`), a plain module-level object: the
page's script threads make and change rooms, and the web server's event loop answers
``GET /_embedviz/room/{code}/events?since=N&watch=follow`` (under ``server.baseUrlPath``) from the same
object. That route is a long poll: it answers as soon as the room's version is past ``N``
(``watch=follow``: what a student's page shows, :attr:`Room.follow_version`; ``watch=all``: every change,
for the teacher's board), or after :data:`POLL_SECONDS` with the same version, and ``{"ended": true}``
once the room is gone. The room wakes the waiting requests itself (its ``on_change`` is
:meth:`Waiters.notify`), so a page that waits costs the server nothing until something changed.
``app.py`` passes :func:`routes` to ``st.App``.

``EMBEDVIZ_MAX_ROOMS`` sets how many rooms the server holds at once (default 20).

Nothing here imports torch or Streamlit's page machinery: ``app.py`` imports it before the page runs.
"""

from __future__ import annotations

import os
import time

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from streamlit import config

from embedviz.room_events import Waiters
from embedviz.rooms import DEFAULT_MAX_ROOMS, Room, RoomNotFoundError, Rooms, normal_code

#: How long a request waits for a change before it answers with the same version (the page asks again).
#: Below the 60 s a proxy (nginx's ``proxy_read_timeout``) waits for an answer.
POLL_SECONDS = 25.0
#: The route's path; ``{code}`` is the join code.
EVENTS_PATH = "/_embedviz/room/{code}/events"


def max_rooms(environ: dict[str, str] | os._Environ[str] = os.environ) -> int:
    """``EMBEDVIZ_MAX_ROOMS`` if it is a positive whole number, else :data:`DEFAULT_MAX_ROOMS`."""
    try:
        value = int(environ.get("EMBEDVIZ_MAX_ROOMS", ""))
    except ValueError:
        return DEFAULT_MAX_ROOMS
    return value if value > 0 else DEFAULT_MAX_ROOMS


WAITERS = Waiters()
ROOMS = Rooms(max_rooms=max_rooms(), on_change=lambda room: WAITERS.notify(room.code))


def base_path() -> str:
    """``server.baseUrlPath`` as a path prefix ("/teach" or ""): ``st.App`` mounts its own routes under it,
    but the routes it is given as they are, and a proxy that forwards only ``/teach/`` sends nothing else."""
    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else ""


def events_url(code: str) -> str:
    """The path a page polls for ``code``'s changes."""
    return base_path() + EVENTS_PATH.format(code=code)


def _version(code: str, watch: str) -> int | None:
    """The room's version as ``watch`` counts it, or None when the room has ended."""
    try:
        room: Room = ROOMS.get(code, time.time())
    except RoomNotFoundError:
        return None
    return room.version if watch == "all" else room.follow_version


async def room_events(request: Request) -> JSONResponse:
    """The long poll: ``{"version": V}`` once V > ``since`` (or after POLL_SECONDS), ``{"ended": true}``."""
    code = request.path_params["code"]
    watch = request.query_params.get("watch", "follow")
    try:
        since = int(request.query_params.get("since", "-1"))
    except ValueError:
        return JSONResponse({"error": "since must be a whole number"}, status_code=400)
    headers = {"Cache-Control": "no-store"}
    version = _version(code, watch)

    def changed() -> bool:
        nonlocal version
        version = _version(code, watch)
        return version is None or version > since

    if version is not None and version <= since:
        await WAITERS.wait(normal_code(code), changed, POLL_SECONDS)
    if version is None:
        return JSONResponse({"ended": True}, headers=headers)
    return JSONResponse({"version": version}, headers=headers)


def routes() -> list[BaseRoute]:
    """The routes ``app.py`` gives ``st.App``."""
    return [Route(base_path() + EVENTS_PATH, room_events, methods=["GET"])]
