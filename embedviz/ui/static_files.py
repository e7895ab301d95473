"""The page's files from memory, compressed once: what a class costs when it opens the link together.

A browser that opens embedviz for the first time asks the server for about 140 files before it can show
anything: Streamlit's frontend bundle (~133 files under ``/static/``, 4.9 MB, their names carry a content
hash) and the Plotly host's files (plotly.js, 4.8 MB, and the host's own JS and CSS). Streamlit serves the
bundle uncompressed, reading each file from disk in 64 KiB pieces on a worker thread, and gzips plotly.js
anew for every request. Sixty students arriving within a few seconds repeat that work sixty times.

:class:`StaticFileCache` is an ASGI middleware in front of Streamlit's own routes. For those files it
keeps, per path, the bytes to send (gzip level 9 for text, computed once on a worker thread the first time
the file is asked for; fonts and images as they are) and answers from memory in two ASGI messages:

* ``/static/...``: Streamlit's frontend files. Their names hold a content hash (the file's version), so
  they are ``immutable`` for a year, as Streamlit marks them;
* ``/_stcore/bidi-components/embedviz.plotlyjs/plotly.min.js``: plotly.js from the installed ``plotly``
  package. The host asks for it with ``?v=<plotly version>``; with the installed version it is
  ``immutable`` too, without it ``no-cache``;
* ``/_stcore/bidi-components/embedviz.plotly_host/*``: the host's JS and CSS, ``no-cache`` (they change
  with the app's code; the browser revalidates them with their ``ETag`` and gets an empty 304).

Each body has a strong ``ETag`` (a hash of the file's bytes) and ``Vary: Accept-Encoding``. The cache
entry remembers the file's size and modification time and is rebuilt when they change. Anything else
(another path, a ``Range`` request, a client that does not accept gzip, a file that is missing) goes on to
Streamlit unchanged, so its own rules (404 page, path checks, index.html fallback) still apply there.

Memory: one gzip body per text file ever asked for (about 1.4 MB for the bundle's files a page uses,
1.5 MB for plotly.js) and the fonts and images as they are (under 1 MB); bounded by the installed files.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import mimetypes
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio.to_thread
import plotly
from streamlit import config, file_util
from streamlit.path_security import is_unsafe_path_pattern

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

ASSETS = Path(__file__).resolve().parent / "plotly_host_assets"
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
PLOTLY_VERSION = plotly.__version__
COMPONENTS = "/_stcore/bidi-components/"
HOST_COMPONENT = "embedviz.plotly_host"
MIRROR_COMPONENT = "embedviz.room_mirror"  # the followers' page of a class: its files sit with the host's
PLOTLYJS_COMPONENT = "embedviz.plotlyjs"
HOST_FILES = ("plotly_host.js", "plotly_host.css")
MIRROR_FILES = ("room_mirror.js", "room_mirror.css")
IMMUTABLE = "public, max-age=31536000, immutable"  # a year, as Streamlit marks its hashed files
REVALIDATE = "no-cache"  # may be kept, but asked about (ETag) before each use
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
GZIP_LEVEL = 9  # paid once per file, so the smallest body is worth it


@dataclass(frozen=True)
class CachedFile:
    """What is sent for one file: its body (gzip or as is), headers, and the stat it was built from."""

    body: bytes
    headers: list[tuple[bytes, bytes]]
    etag: bytes
    gzipped: bool
    stamp: tuple[int, int]  # (size, mtime_ns) of the file when the body was built


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def media_type(path: Path) -> str:
    """The ``Content-Type`` for a file, as Starlette's static files give it (text with ``charset``)."""
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith("text/") else kind


def build_entry(path: Path, cache_control: str) -> CachedFile | None:
    """Read ``path`` and compress it if it is text (gzip level 9); ``None`` if it cannot be read."""
    stamp = _stamp(path)
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    kind = media_type(path)
    gzipped = kind.startswith(COMPRESSIBLE)
    body = gzip.compress(raw, compresslevel=GZIP_LEVEL, mtime=0) if gzipped else raw
    etag = b'"' + hashlib.sha256(raw).hexdigest()[:32].encode() + b'"'
    headers = [
        (b"content-type", kind.encode()),
        (b"cache-control", cache_control.encode()),
        (b"etag", etag),
        (b"vary", b"Accept-Encoding"),
    ]
    if gzipped:
        headers.append((b"content-encoding", b"gzip"))
    return CachedFile(body, headers, etag, gzipped, stamp or (len(raw), 0))


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value
    return b""


def accepts_gzip(accept_encoding: bytes) -> bool:
    """Whether an ``Accept-Encoding`` value allows gzip (``gzip;q=0`` does not)."""
    for part in accept_encoding.decode("latin-1").lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "*"):
            quality = params.strip()
            return not (quality.startswith("q=") and float(quality[2:] or 0) == 0)
    return False


class StaticFileCache:
    """ASGI middleware: Streamlit's bundle and the Plotly host's files from memory, gzip built once."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._entries: dict[tuple[str, bool], CachedFile] = {}
        self._located: dict[tuple[str, bytes], tuple[Path, str]] = {}  # bounded by the files on disk
        self._building: dict[tuple[str, bool], asyncio.Future[CachedFile | None]] = {}
        self._static_dir = Path(file_util.get_static_dir()).resolve()
        self._prefix: str | None = None  # server.baseUrlPath, read at the first request (config is loaded)

    def _base(self) -> str:
        if self._prefix is None:
            base = (config.get_option("server.baseUrlPath") or "").strip("/")
            self._prefix = f"/{base}" if base else ""
        return self._prefix

    def locate(self, path: str, query: bytes) -> tuple[Path, str] | None:
        """The file and its ``Cache-Control`` for a request path, or ``None`` for Streamlit to answer.

        Found files are remembered (resolving a path costs a system call per folder)."""
        found = self._located.get((path, query))
        if found is None:
            found = self._find(path, query)
            if found is not None and found[0].is_file():
                self._located[(path, query)] = found
        return found

    def _find(self, path: str, query: bytes) -> tuple[Path, str] | None:
        base = self._base()
        if base:
            if not path.startswith(base + "/"):
                return None
            path = path[len(base) :]
        if path.startswith("/static/"):  # Streamlit's folder holds them under static/ too
            relative = path[1:]
            if is_unsafe_path_pattern(relative):
                return None
            file = (self._static_dir / relative).resolve()
            if not file.is_relative_to(self._static_dir) or file.suffix == ".html":
                return None
            return file, IMMUTABLE
        if path == f"{COMPONENTS}{PLOTLYJS_COMPONENT}/plotly.min.js":
            versioned = query == f"v={PLOTLY_VERSION}".encode()
            return PLOTLY_JS, IMMUTABLE if versioned else REVALIDATE
        for component, names in ((HOST_COMPONENT, HOST_FILES), (MIRROR_COMPONENT, MIRROR_FILES)):
            if path.startswith(f"{COMPONENTS}{component}/") and path.rsplit("/", 1)[1] in names:
                return ASSETS / path.rsplit("/", 1)[1], REVALIDATE
        return None

    async def _entry(self, file: Path, cache_control: str) -> CachedFile | None:
        key = (str(file), cache_control == IMMUTABLE)
        entry = self._entries.get(key)
        # A hashed name is its content's version: only the files without one are checked for changes.
        if entry is not None and (key[1] or _stamp(file) == entry.stamp):
            return entry
        pending = self._building.get(key)
        if pending is not None:  # another request is building it: wait for that one
            return await asyncio.shield(pending)
        future: asyncio.Future[CachedFile | None] = asyncio.get_running_loop().create_future()
        self._building[key] = future
        try:
            entry = await anyio.to_thread.run_sync(build_entry, file, cache_control)
            if entry is not None:
                self._entries[key] = entry
            future.set_result(entry)
        except BaseException as error:
            future.set_exception(error)
            raise
        finally:
            del self._building[key]
        return entry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or _header(scope, b"range"):
            await self.app(scope, receive, send)
            return
        located = self.locate(scope["path"], scope.get("query_string", b""))
        if located is None or (_header(scope, b"origin") and COMPONENTS in scope["path"]):
            # (Streamlit's component route answers cross-origin requests with its CORS rules)
            await self.app(scope, receive, send)
            return
        entry = await self._entry(*located)
        if entry is None or (entry.gzipped and not accepts_gzip(_header(scope, b"accept-encoding"))):
            await self.app(scope, receive, send)
            return
        if _header(scope, b"if-none-match") == entry.etag:
            headers = [h for h in entry.headers if h[0] in (b"cache-control", b"etag", b"vary")]
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        headers = [*entry.headers, (b"content-length", str(len(entry.body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        body = b"" if scope["method"] == "HEAD" else entry.body
        await send({"type": "http.response.body", "body": body})
