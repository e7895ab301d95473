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

A following student's page draws the teacher's pipeline itself (:mod:`embedviz.ui.room_mirror`) from a
second long poll, ``GET /_embedviz/room/{code}/page?since=N&lang=de``: it answers like the events route,
but with the followers' page (:func:`embedviz.ui.room_page.snapshot`) as JSON. :class:`FollowersPages`
builds that page once per room, version and language on a worker thread, however many students ask at
once, and keeps its gzip body for them; the students' requests cost the server a dictionary look-up each.

``EMBEDVIZ_MAX_ROOMS`` sets how many rooms the server holds at once (default 20).

Nothing here imports torch or Streamlit's page machinery: ``app.py`` imports it before the page runs.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import os
import time
from dataclasses import dataclass

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from streamlit import config

from embedviz.room_events import Waiters
from embedviz.rooms import DEFAULT_MAX_ROOMS, Room, RoomNotFoundError, Rooms, normal_code
from embedviz.ui.static_files import accepts_gzip

#: How long a request waits for a change before it answers with the same version (the page asks again).
#: Below the 60 s a proxy (nginx's ``proxy_read_timeout``) waits for an answer.
POLL_SECONDS = 25.0
#: The route's path; ``{code}`` is the join code.
EVENTS_PATH = "/_embedviz/room/{code}/events"
#: The followers' page's path.
PAGE_PATH = "/_embedviz/room/{code}/page"
GZIP_LEVEL = 6  # once per page and language: sixty phones get the same bytes
#: How long a new followers' page waits after the change before it is built: the teacher's run publishes at
#: its end, so its last messages leave before sixty answers do, and a burst of live-typing commits in this
#: time costs one build (the latest wins). Measured with ``python -m bench.classroom --room``: without it
#: the teacher's own rerun took twice as long with 60 followers (docs/capacity.md).
SETTLE_SECONDS = 0.05
#: The most a room's followers' pages hold: both languages at their largest (128 tokens x 128 dimensions in
#: four heatmaps: 0.9 MB of JSON and 0.3 MB gzipped each, measured), asked of the memory budget with the room.
PAGE_BYTES = 3 * 1024 * 1024
LOG = logging.getLogger(__name__)


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


def page_url(code: str) -> str:
    """The path a following page asks for ``code``'s followers' page."""
    return base_path() + PAGE_PATH.format(code=code)


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


def _since(request: Request) -> int | None:
    try:
        return int(request.query_params.get("since", "-1"))
    except ValueError:
        return None


@dataclass(frozen=True)
class BuiltPage:
    """A followers' page as sent: the room's follow version it shows, its JSON and that JSON gzipped."""

    version: int
    body: bytes
    gzipped: bytes


def _build(room: Room, lang: str) -> BuiltPage:
    from embedviz.ui import room_page  # torch and the sections: loaded by the page, not by app.py

    version, answer = room_page.snapshot(room, lang)
    body = json.dumps(answer, separators=(",", ":")).encode()
    return BuiltPage(version, body, gzip.compress(body, GZIP_LEVEL, mtime=0))


class FollowersPages:
    """The newest followers' page of each room and language, built by one request while the others wait.

    Used from the event loop only (the build runs on a worker thread and hands its page back)."""

    def __init__(self) -> None:
        self._built: dict[tuple[str, str], BuiltPage] = {}
        self._building: dict[tuple[str, str], asyncio.Future[BuiltPage]] = {}

    def forget(self, code: str) -> None:
        """Drop an ended room's pages."""
        for key in [key for key in self._built if key[0] == code]:
            del self._built[key]

    def _prune(self) -> None:
        """Drop the pages of rooms that ended while nobody asked (their followers had left)."""
        for code in {code for code, _ in self._built}:
            try:
                ROOMS.get(code, time.time())
            except RoomNotFoundError:
                self.forget(code)

    async def page(self, room: Room, lang: str) -> BuiltPage:
        """The room's page at its current follow version (or newer), in ``lang``."""
        key = (room.code, lang)
        while True:
            built = self._built.get(key)
            if built is not None and built.version >= room.follow_version:
                return built
            pending = self._building.get(key)
            if pending is not None:  # another student's request is building it: wait for that one
                await asyncio.shield(pending)
                continue
            future: asyncio.Future[BuiltPage] = asyncio.get_running_loop().create_future()
            self._building[key] = future
            self._prune()
            try:
                await asyncio.sleep(SETTLE_SECONDS)
                built = await anyio.to_thread.run_sync(_build, room, lang)
                if key not in self._built or self._built[key].version <= built.version:
                    self._built[key] = built
                future.set_result(built)
            except BaseException as error:
                future.set_exception(error)
                future.exception()  # retrieved: the waiting requests raise it themselves
                raise
            finally:
                del self._building[key]
            return built


PAGES = FollowersPages()


async def followers_page(request: Request) -> Response:
    """The followers' page once its version is past ``since`` (or after POLL_SECONDS: the version alone),
    ``{"ended": true}`` once the room is gone."""
    code = normal_code(request.path_params["code"])
    lang = "de" if request.query_params.get("lang") == "de" else "en"
    since = _since(request)
    if since is None:
        return JSONResponse({"error": "since must be a whole number"}, status_code=400)
    headers = {"Cache-Control": "no-store"}
    version = _version(code, "follow")

    def changed() -> bool:
        nonlocal version
        version = _version(code, "follow")
        return version is None or version > since

    if version is not None and version <= since:
        await WAITERS.wait(code, changed, POLL_SECONDS)
    if version is None:
        PAGES.forget(code)
        return JSONResponse({"ended": True}, headers=headers)
    if version <= since:
        return JSONResponse({"version": version}, headers=headers)
    try:
        room = ROOMS.get(code, time.time())
        built = await PAGES.page(room, lang)
    except RoomNotFoundError:
        PAGES.forget(code)
        return JSONResponse({"ended": True}, headers=headers)
    except Exception:  # the page could not be built: the element waits and asks again
        LOG.exception("followers' page of room %s", code)
        return JSONResponse({"error": "the page could not be built"}, status_code=500, headers=headers)
    headers["Vary"] = "Accept-Encoding"
    if accepts_gzip(request.headers.get("accept-encoding", "").encode()):
        headers["Content-Encoding"] = "gzip"
        return Response(built.gzipped, media_type="application/json", headers=headers)
    return Response(built.body, media_type="application/json", headers=headers)


def routes() -> list[BaseRoute]:
    """The routes ``app.py`` gives ``st.App``."""
    return [
        Route(base_path() + EVENTS_PATH, room_events, methods=["GET"]),
        Route(base_path() + PAGE_PATH, followers_page, methods=["GET"]),
    ]
