"""A browser-less Streamlit visitor for the deployment tests: one cookie jar, one websocket, one page.

It behaves like a browser tab in front of a sticky proxy: it first GETs the page (so nginx sets its routing
cookie ``evroute``), then opens ``/_stcore/stream`` with that cookie, sends ``BackMsg.rerun_script`` and
reads ``ForwardMsg``s until ``script_finished``. The messages are Streamlit's own ``streamlit.proto``
classes, the socket is ``websocket-client`` (see /work/shared/notes/streamlit-1.67.md for the protocol).
``reconnect()`` does what the frontend does when its socket drops: open a new one with the same cookies
and ask for the page again.
"""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}
TOKEN_ID = re.compile(r'class="ev-chip" data-token-id="(\d+)"')


def last_upstream(addresses: str) -> str:
    """nginx's $upstream_addr lists every replica it tried ("a, b" when a failed): the last one served."""
    return addresses.split(", ")[-1]


@dataclass
class Page:
    """What one script run sent: the session it belongs to, its markdown and html bodies, how it ended."""

    session_id: str
    bodies: list[str] = field(default_factory=list)
    status: int = -1

    def token_ids(self) -> list[int]:
        """The ids on the token chips (section 1), in order."""
        chips = next((body for body in self.bodies if 'class="ev-chips"' in body), "")
        return [int(found) for found in TOKEN_ID.findall(chips)]


class StreamSession:
    """One visitor of ``base_url`` (``http://host:port``) whose sentence is ``text``."""

    def __init__(self, base_url: str, text: str, timeout: float = 60.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.query = urllib.parse.urlencode({"text": text})
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.socket: websocket.WebSocket | None = None
        self.replica = ""  # X-Embedviz-Replica of the websocket handshake: the replica holding the session
        self.page_script_hash = ""
        self.session_id = ""  # Streamlit's session id from the last page

    def get(self, path: str = "/") -> tuple[int, str]:
        """A plain HTTP request through the same cookie jar; returns (status, replica header)."""
        with self.opener.open(self.base_url + path, timeout=self.timeout) as response:
            response.read()
            return response.status, last_upstream(response.headers.get("X-Embedviz-Replica", ""))

    @property
    def route(self) -> str:
        """The value of nginx's routing cookie, '' before the first response."""
        return next((c.value for c in self.cookies if c.name == "evroute"), "")

    def connect(self) -> Page:
        """Open the websocket with this visitor's cookies and load the page once."""
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.cookies)
        ws_url = "ws" + self.base_url.removeprefix("http") + "/_stcore/stream"
        self.socket = websocket.create_connection(ws_url, timeout=self.timeout, cookie=cookie or None)
        self.replica = last_upstream((self.socket.getheaders() or {}).get("x-embedviz-replica", ""))
        self.page_script_hash = ""
        return self.rerun()

    def rerun(self) -> Page:
        """Ask for a script run with the URL's settings and collect its messages until it finishes."""
        assert self.socket is not None, "connect() first"
        back = BackMsg()
        back.rerun_script.query_string = self.query
        back.rerun_script.page_script_hash = self.page_script_hash
        self.socket.send_binary(back.SerializeToString())
        page = Page(session_id="")
        while True:
            message = ForwardMsg()
            message.ParseFromString(self.socket.recv())  # raises on a closed socket or after `timeout`
            kind = message.WhichOneof("type")
            if kind == "new_session":
                page.session_id = message.new_session.initialize.session_id
                self.page_script_hash = message.new_session.page_script_hash
            elif kind == "delta" and message.delta.new_element.WhichOneof("type") in ("markdown", "html"):
                element = message.delta.new_element
                page.bodies.append(getattr(element, element.WhichOneof("type")).body)
            elif kind == "script_finished" and message.script_finished in FINISHED:
                page.status = message.script_finished
                self.session_id = page.session_id
                return page

    def reconnect(self) -> Page:
        """What the frontend does when the socket drops: a new socket, same cookies, a fresh page."""
        self.close()
        return self.connect()

    def close(self) -> None:
        if self.socket is not None:
            self.socket.close()
            self.socket = None
