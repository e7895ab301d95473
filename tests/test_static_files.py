"""The page's files from memory (embedviz/ui/static_files.py), checked against the files on disk.

Every body is compared with the installed file itself (gunzipped where it is sent gzipped); requests the
cache must not answer reach a stand-in for Streamlit's routes unchanged.
"""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

import own_loop
import plotly
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient
from streamlit import config, file_util

from embedviz.ui import static_files
from embedviz.ui.static_files import StaticFileCache, accepts_gzip

STATIC = Path(file_util.get_static_dir())
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
HOST_JS = Path(static_files.__file__).parent / "plotly_host_assets" / "plotly_host.js"
GZIP = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def streamlit_stand_in(request: Request) -> PlainTextResponse:
    return PlainTextResponse("streamlit", headers={"x-answered-by": "streamlit"})


@pytest.fixture
def client() -> TestClient:
    app = Starlette(
        routes=[Route("/{path:path}", streamlit_stand_in)], middleware=[Middleware(StaticFileCache)]
    )
    return TestClient(app)


def a_bundle_file(suffix: str) -> Path:
    """The bundle's largest file with this suffix."""
    return max((STATIC / "static").rglob(f"*{suffix}"), key=lambda file: file.stat().st_size)


def test_a_bundle_script_is_the_file_gzipped_and_immutable(client: TestClient) -> None:
    file = a_bundle_file(".js")
    answer = client.get("/" + file.relative_to(STATIC).as_posix(), headers=GZIP)
    assert answer.status_code == 200
    assert answer.headers["content-encoding"] == "gzip"
    assert answer.content == file.read_bytes()  # (the client gunzips)
    assert int(answer.headers["content-length"]) < file.stat().st_size / 2
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert answer.headers["vary"] == "Accept-Encoding"
    assert "javascript" in answer.headers["content-type"]


def test_a_font_is_sent_as_it_is(client: TestClient) -> None:
    file = a_bundle_file(".woff2")
    answer = client.get("/" + file.relative_to(STATIC).as_posix(), headers=GZIP)
    assert "content-encoding" not in answer.headers
    assert answer.content == file.read_bytes()


def test_plotly_js_is_immutable_only_with_its_version(client: TestClient) -> None:
    url = "/_stcore/bidi-components/embedviz.plotlyjs/plotly.min.js"
    versioned = client.get(f"{url}?v={plotly.__version__}", headers=GZIP)
    assert versioned.content == PLOTLY_JS.read_bytes()
    assert "immutable" in versioned.headers["cache-control"]
    for plain in (client.get(url, headers=GZIP), client.get(f"{url}?v=0.0.1", headers=GZIP)):
        assert plain.content == PLOTLY_JS.read_bytes()
        assert plain.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize(
    ("url", "file"),
    [
        ("/_stcore/bidi-components/embedviz.plotly_host/plotly_host.js", HOST_JS),
        ("/_stcore/bidi-components/embedviz.room_mirror/room_mirror.js", HOST_JS.with_name("room_mirror.js")),
        (
            "/_stcore/bidi-components/embedviz.room_mirror/room_mirror.css",
            HOST_JS.with_name("room_mirror.css"),
        ),
    ],
)
def test_the_host_script_revalidates_with_its_etag(client: TestClient, url: str, file: Path) -> None:
    first = client.get(url, headers=GZIP)
    assert first.content == file.read_bytes()
    assert first.headers["cache-control"] == "no-cache"
    again = client.get(url, headers={**GZIP, "If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    other = client.get(url, headers={**GZIP, "If-None-Match": '"something else"'})
    assert other.status_code == 200


def test_head_sends_the_headers_only(client: TestClient) -> None:
    file = a_bundle_file(".css")
    answer = client.head("/" + file.relative_to(STATIC).as_posix(), headers=GZIP)
    assert answer.status_code == 200
    assert answer.content == b""
    assert int(answer.headers["content-length"]) == len(gzip.compress(file.read_bytes(), 9, mtime=0))


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/", GZIP),  # index.html: Streamlit's (no-cache, its own rules)
        ("/static/js/no-such-file.js", GZIP),
        ("/static/../../../etc/passwd", GZIP),
        ("/static/%2e%2e/%2e%2e/etc/passwd", GZIP),
        ("/static/index.html", GZIP),
        ("/_stcore/bidi-components/embedviz.plotlyjs/../../etc/passwd", GZIP),
        ("/_stcore/bidi-components/embedviz.plotlyjs/package.json", GZIP),
        ("/_stcore/bidi-components/embedviz.plotly_host/other.js", GZIP),
        ("/_stcore/bidi-components/embedviz.room_mirror/plotly_host.js", GZIP),
        ("/_stcore/bidi-components/embedviz.plotly_host/plotly_host.js", {"Accept-Encoding": "identity"}),
        ("/_stcore/bidi-components/embedviz.plotly_host/plotly_host.js", {"Accept-Encoding": "gzip;q=0"}),
        ("/_stcore/bidi-components/embedviz.plotly_host/plotly_host.js", {**GZIP, "Range": "bytes=0-9"}),
        ("/_stcore/bidi-components/embedviz.plotly_host/plotly_host.js", {**GZIP, "Origin": "http://x.test"}),
    ],
)
def test_everything_else_goes_on_to_streamlit(client: TestClient, path: str, headers: dict) -> None:
    answer = client.get(path, headers=headers)
    assert answer.headers.get("x-answered-by") == "streamlit", path


def test_served_under_a_base_url_path(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    real = config.get_option
    monkeypatch.setattr(
        static_files.config, "get_option", lambda key: "/embed/" if key == "server.baseUrlPath" else real(key)
    )
    url = "/_stcore/bidi-components/embedviz.plotly_host/plotly_host.js"
    assert client.get("/embed" + url, headers=GZIP).content == HOST_JS.read_bytes()
    assert client.get(url, headers=GZIP).headers.get("x-answered-by") == "streamlit"


def test_each_body_is_compressed_once_for_many_requests_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[Path] = []
    real_build = static_files.build_entry

    def counting_build(path: Path, cache_control: str):
        built.append(path)
        return real_build(path, cache_control)

    monkeypatch.setattr(static_files, "build_entry", counting_build)
    bodies: list[bytes] = []

    async def inner(scope, receive, send) -> None:
        raise AssertionError("the cache should answer")

    async def one_request(cache: StaticFileCache) -> None:
        scope = {
            "type": "http",
            "method": "GET",
            "path": "/_stcore/bidi-components/embedviz.plotlyjs/plotly.min.js",
            "query_string": f"v={plotly.__version__}".encode(),
            "headers": [(b"accept-encoding", b"gzip")],
        }
        sent: list[dict] = []

        async def send(message: dict) -> None:
            sent.append(message)

        await cache(scope, None, send)
        bodies.append(sent[-1]["body"])

    async def class_arrives() -> None:
        cache = StaticFileCache(inner)
        await asyncio.gather(*(one_request(cache) for _ in range(20)))
        await one_request(cache)

    own_loop.run(class_arrives())
    assert built == [PLOTLY_JS.resolve()]
    assert len(bodies) == 21
    assert {gzip.decompress(body) for body in bodies} == {PLOTLY_JS.read_bytes()}


def test_a_changed_file_is_sent_anew(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    host_js = tmp_path / "plotly_host.js"
    host_js.write_text("export default 1;")
    monkeypatch.setattr(static_files, "ASSETS", tmp_path)
    app = Starlette(
        routes=[Route("/{path:path}", streamlit_stand_in)], middleware=[Middleware(StaticFileCache)]
    )
    client = TestClient(app)
    url = "/_stcore/bidi-components/embedviz.plotly_host/plotly_host.js"
    assert client.get(url, headers=GZIP).text == "export default 1;"
    host_js.write_text("export default 22;")  # another size: a new stamp whatever the clock says
    assert client.get(url, headers=GZIP).text == "export default 22;"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (b"gzip, deflate, br, zstd", True),
        (b"br;q=1.0, gzip;q=0.8", True),
        (b"*", True),
        (b"gzip;q=0", False),
        (b"identity", False),
        (b"", False),
    ],
)
def test_accepts_gzip(value: bytes, expected: bool) -> None:
    assert accepts_gzip(value) is expected
