"""A visitor without a browser: speaks Streamlit's own websocket protocol to a running app.

The browser talks to ``ws://HOST:PORT/_stcore/stream`` in binary protobuf frames: it sends ``BackMsg``
(``rerun_script`` with a ``ClientState``: the query string, the page's hash and every widget's value) and
receives ``ForwardMsg`` (``new_session``, ``delta`` per element, ``script_finished``). This module does the
same with ``websocket-client`` and Streamlit's own ``streamlit.proto`` classes, so one visitor costs one
connection, not one Chromium. :class:`Visitor` keeps the widget values the way the browser does (every
rerun sends them all; a widget left out falls back to its default) and learns each widget's id from the
deltas (``delta.new_element.<widget>.id``; a keyed widget's id ends in ``-<key>``).

Only 127.0.0.1 / localhost are allowed: this is a load generator, it must not be pointed at anyone else.
"""

from __future__ import annotations

import time
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


class ProtocolError(RuntimeError):
    """The server answered with something a browser would show as an error (or not at all)."""


def local_base(url: str) -> str:
    """``url``'s scheme, host and port; raises ValueError unless the host is 127.0.0.1 or localhost."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname not in LOCAL_HOSTS:
        raise ValueError(f"only http://127.0.0.1 or http://localhost URLs are allowed, not {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


@dataclass
class Run:
    """What one script run sent back: its elements' text (for checks), widget protos and timing."""

    seconds: float
    status: int
    text: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)

    @property
    def body(self) -> str:
        return "\n".join(self.text)


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

    def connect(self) -> Run:
        """Open the websocket and run the script once, as a new tab does."""
        url = local_base(self.base_url).replace("http", "ws", 1) + "/_stcore/stream"
        self.ws = websocket.create_connection(url, timeout=self.timeout)
        return self.rerun()

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
        if key not in self.widget_ids:
            raise ProtocolError(f"no button {label!r} on the page")
        trigger = WidgetState(id=self.widget_ids[key], trigger_value=True)
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
        started = time.perf_counter()
        self.ws.send_binary(message.SerializeToString())
        return self._receive(started)

    def _state(self, key: str) -> WidgetState:
        if key not in self.widget_ids:
            raise ProtocolError(f"no widget with key {key!r} on the page")
        widget_id = self.widget_ids[key]
        return self.values.setdefault(widget_id, WidgetState(id=widget_id))

    def _receive(self, started: float) -> Run:
        run = Run(seconds=0.0, status=-1)
        deadline = started + self.timeout
        while True:
            self.ws.settimeout(max(deadline - time.perf_counter(), 0.01))
            try:
                frame = self.ws.recv()
            except websocket.WebSocketTimeoutException as error:
                self.close()  # the late run's messages would be taken for the next one's: start over
                raise ProtocolError(f"no script_finished within {self.timeout:.0f} s") from error
            if isinstance(frame, str):
                raise ProtocolError("text frame from the server")
            msg = ForwardMsg()
            msg.ParseFromString(frame)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = msg.new_session.page_script_hash or self.page_hash
            elif kind == "delta":
                self._note_delta(msg, run)
            elif kind == "script_finished" and msg.script_finished in FINAL_STATUSES:
                run.seconds = time.perf_counter() - started
                run.status = msg.script_finished
                return run

    def _note_delta(self, msg: ForwardMsg, run: Run) -> None:
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
        if kind in ("html", "markdown", "alert"):
            run.text.append(proto.body)
        elif kind == "selectbox":
            run.text.extend(proto.options)
