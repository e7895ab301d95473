"""A visitor without a browser: speaks Streamlit's own websocket protocol to a running app.

The browser talks to ``ws://HOST:PORT/_stcore/stream`` in binary protobuf frames: it sends ``BackMsg``
(``rerun_script`` with a ``ClientState``: the query string, the page's hash and every widget's value) and
receives ``ForwardMsg`` (``new_session``, ``delta`` per element, ``script_finished``). This module does the
same with ``websocket-client`` and Streamlit's own ``streamlit.proto`` classes, so one visitor costs one
connection, not one Chromium. :class:`Visitor` keeps the widget values the way the browser does (every
rerun sends them all; a widget left out falls back to its default) and learns each widget's id from the
deltas (``delta.new_element.<widget>.id``; a keyed widget's id ends in ``-<key>``). As the browser does,
a change to widgets inside one ``st.fragment`` (``delta.fragment_id``) reruns that fragment alone
(``rerun_script.fragment_id``); the widgets outside it keep their values.

Like a browser tab it first GETs the page (through a cookie jar, so a sticky proxy such as
``deploy/nginx.conf.template`` can set its routing cookie), then opens the websocket with those cookies;
``reconnect()`` does what the frontend does when its socket drops: a new socket, the same cookies, the
page again. Behind the proxy, ``replica`` is the replica that holds the session (nginx's
``X-Embedviz-Replica`` header on the websocket handshake). When the app writes ``st.query_params`` the
visitor's query string follows, as the browser's address bar does, so a reconnect asks for the same page.

Only 127.0.0.1 / localhost are allowed: this is a load generator, it must not be pointed at anyone else.
"""

from __future__ import annotations

import http.cookiejar
import re
import time
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import websocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

LOCAL_HOSTS = ("127.0.0.1", "localhost")
#: ``ScriptFinishedStatus`` values that end a run the visitor asked for (0 = FINISHED_SUCCESSFULLY,
#: 2 = FINISHED_WITH_COMPILE_ERROR, 3 = FINISHED_FRAGMENT_RUN_SUCCESSFULLY); 1 (FINISHED_EARLY_FOR_RERUN)
#: means another run follows.
FINAL_STATUSES = {0, 2, 3}
SUCCESS = 0
FRAGMENT_SUCCESS = 3  # a fragment's run (st.fragment) finished
CHIP_ID = re.compile(r'class="ev-chip" data-token-id="(\d+)"')


class ProtocolError(RuntimeError):
    """The server answered with something a browser would show as an error (or not at all)."""


def local_base(url: str) -> str:
    """``url``'s scheme, host and port; raises ValueError unless the host is 127.0.0.1 or localhost."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname not in LOCAL_HOSTS:
        raise ValueError(f"only http://127.0.0.1 or http://localhost URLs are allowed, not {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def last_upstream(addresses: str) -> str:
    """nginx's $upstream_addr lists every replica it tried ("a, b" when a failed): the last one served."""
    return addresses.split(", ")[-1]


@dataclass
class Run:
    """What one script run sent back: its elements' text (for checks), widget protos and timing."""

    seconds: float
    status: int
    text: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    session_id: str = ""  # Streamlit's session id, from the run's new_session message

    @property
    def succeeded(self) -> bool:
        """The run (the whole script, or a fragment alone) finished without being stopped."""
        return self.status in (SUCCESS, FRAGMENT_SUCCESS)

    @property
    def body(self) -> str:
        return "\n".join(self.text)

    def token_ids(self) -> list[int]:
        """The ids on the token chips of the pipeline view (section 1), in order; [] if not shown."""
        chips = next((text for text in self.text if 'class="ev-chips"' in text), "")
        return [int(found) for found in CHIP_ID.findall(chips)]


@dataclass
class Visitor:
    """One browser tab's session: connect, then :meth:`rerun` with changed widget values."""

    base_url: str
    query_string: str = ""
    timeout: float = 60.0
    ws: websocket.WebSocket | None = None
    page_hash: str = ""
    widget_ids: dict[str, str] = field(default_factory=dict)  # key (or element id) -> id
    widget_protos: dict[str, object] = field(default_factory=dict)  # key -> last widget proto seen
    values: dict[str, WidgetState] = field(default_factory=dict)  # id -> state sent with every rerun
    on_page: set[str] = field(default_factory=set)  # keys of the widgets the last finished run drew
    cookies: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)
    replica: str = ""  # the X-Embedviz-Replica header of the websocket handshake ('' without the proxy)
    fragments: dict[str, str] = field(default_factory=dict)  # key -> the st.fragment that drew it ('' none)
    changed: set[str] = field(default_factory=set)  # keys set since the last rerun
    session_id: str = ""  # Streamlit's session id, from the last new_session message

    def get(self, path: str = "/") -> tuple[int, str]:
        """A plain HTTP request through the visitor's cookie jar; returns (status, replica header)."""
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        with opener.open(local_base(self.base_url) + path, timeout=self.timeout) as response:
            response.read()
            return response.status, last_upstream(response.headers.get("X-Embedviz-Replica", ""))

    @property
    def route(self) -> str:
        """The sticky proxy's routing cookie (``evroute``), '' before the proxy set one."""
        return next((c.value for c in self.cookies if c.name == "evroute"), "")

    def connect(self, load_page: bool = True) -> Run:
        """Load the page (unless ``load_page`` is False), open the websocket and run the script once."""
        if load_page:
            self.get("/" + (f"?{self.query_string}" if self.query_string else ""))
        url = local_base(self.base_url).replace("http", "ws", 1) + "/_stcore/stream"
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.cookies) or None
        self.ws = websocket.create_connection(url, timeout=self.timeout, cookie=cookie)
        self.replica = last_upstream((self.ws.getheaders() or {}).get("x-embedviz-replica", ""))
        self.page_hash = ""
        return self.rerun()

    def reconnect(self) -> Run:
        """What the frontend does when its socket drops: a new socket with the same cookies and widget
        values; the server answers with a fresh session."""
        self.close()
        return self.connect(load_page=False)

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()
            self.ws = None

    def set_text(self, key: str, value: str) -> None:
        self._state(key).string_value = value

    def set_choice(self, key: str, label: str) -> None:
        """A segmented control / pills value: the option's label as the page shows it."""
        state = self._state(key)
        state.string_array_value.data[:] = [label]

    def options(self, key: str) -> list[str]:
        """The option labels of a button group (segmented control) or select box seen in the last runs."""
        proto = self.widget_protos[key]
        return [getattr(o, "content", o) for o in proto.options]

    def click(self, label: str) -> Run:
        """Press the button labelled ``label`` (a trigger: true for this run only)."""
        key = "button:" + label
        if key not in self.on_page:
            raise ProtocolError(f"no button {label!r} on the page")
        trigger = WidgetState(id=self.widget_ids[key], trigger_value=True)
        self.changed.add(key)
        return self.rerun(extra=[trigger])

    def rerun(self, extra: list[WidgetState] | None = None) -> Run:
        """Send ``rerun_script`` with every widget value and wait for the run's ``script_finished``."""
        if self.ws is None:
            raise ProtocolError("not connected")
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_hash
        state.widget_states.widgets.extend([*self.values.values(), *(extra or [])])
        # Like the browser: a change to widgets of one fragment reruns that fragment alone.
        fragment = {self.fragments.get(key, "") for key in self.changed}
        self.changed = set()
        state.fragment_id = fragment.pop() if len(fragment) == 1 else ""
        started = time.perf_counter()
        self.ws.send_binary(message.SerializeToString())
        return self._receive(started, state.fragment_id)

    def _state(self, key: str) -> WidgetState:
        if key not in self.on_page:  # a student can only type into a box the page shows
            raise ProtocolError(f"no widget with key {key!r} on the page")
        widget_id = self.widget_ids[key]
        self.changed.add(key)
        return self.values.setdefault(widget_id, WidgetState(id=widget_id))

    def _receive(self, started: float, fragment: str = "") -> Run:
        run = Run(seconds=0.0, status=-1)
        drawn: set[str] = set()
        deadline = started + self.timeout
        while True:
            self.ws.settimeout(max(deadline - time.perf_counter(), 0.01))
            try:
                frame = self.ws.recv()
            except websocket.WebSocketTimeoutException as error:
                self.close()  # the late run's messages would be taken for the next one's: start over
                raise ProtocolError(f"no script_finished within {self.timeout:.0f} s") from error
            if frame == "":  # websocket-client's answer to a close frame
                self.close()
                raise websocket.WebSocketConnectionClosedException("the server closed the websocket")
            if isinstance(frame, str):
                raise ProtocolError("text frame from the server")
            msg = ForwardMsg()
            msg.ParseFromString(frame)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = msg.new_session.page_script_hash or self.page_hash
                run.session_id = self.session_id = msg.new_session.initialize.session_id
            elif kind == "page_info_changed":  # the app wrote st.query_params: the browser's URL follows
                self.query_string = msg.page_info_changed.query_string
            elif kind == "delta":
                self._note_delta(msg, run, drawn)
            elif kind == "script_finished" and msg.script_finished in FINAL_STATUSES:
                run.seconds = time.perf_counter() - started
                run.status = msg.script_finished
                # Like the frontend, keep only the values of widgets this run drew: a value of a widget
                # another view drew (same key, another id) must not ride along with later reruns. A
                # fragment's run redraws its own widgets only.
                if fragment:
                    drawn |= {key for key in self.on_page if self.fragments.get(key, "") != fragment}
                self.on_page = drawn
                ids = {self.widget_ids[key] for key in drawn}
                self.values = {i: state for i, state in self.values.items() if i in ids}
                return run

    def _note_delta(self, msg: ForwardMsg, run: Run, drawn: set[str]) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind is None:
            return
        proto = getattr(element, kind)
        if kind == "exception":
            run.exceptions.append(f"{proto.type}: {proto.message}")
        widget_id = getattr(proto, "id", "")
        if widget_id:
            key = widget_id.rsplit("-", 1)[-1] if widget_id.startswith("$$ID") else widget_id
            if kind == "button":
                key = "button:" + proto.label
            self.widget_ids[key] = widget_id
            self.widget_protos[key] = proto
            self.fragments[key] = msg.delta.fragment_id
            drawn.add(key)
        if kind in ("html", "markdown", "alert"):
            run.text.append(proto.body)
        elif kind == "selectbox":
            run.text.extend(proto.options)
