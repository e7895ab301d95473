"""A live class on the page: who leads, who follows, and what the link says.

Every visitor's session sits in at most one room (:class:`Seat`, kept in ``st.session_state``, never in the
URL). How a session gets there, read from the link on its first run:

* ``?class=start`` (or the sidebar's "Start a class") makes a room; the session leads it. The room's board
  first asks the server's memory budget for :data:`BOARD_BYTES` and its followers' pages for
  :data:`~embedviz.ui.room_server.PAGE_BYTES`, held until the room ends.
* ``?room=CODE&key=KEY`` with the room's control key: the session leads that room again, from the state the
  class last saw. The key is taken out of the address bar by the same run.
* ``?room=CODE`` (or a wrong key, with a notice): the session follows. An unknown or ended code says so and
  leaves the page working on its own.

Leading: every run publishes the teacher's settings (the same query parameters as the link, without the
language) with :meth:`Room.publish`, at its end: by then the teacher's page has built the pipeline's charts
for them, so the followers' page finds them built (one page built for the class, not a second build racing
the teacher's own run for the one interpreter). Following: a run takes the room's state as this page's
settings before anything is drawn (the student's language stays). A student who changes a setting, or
presses "Explore on my own", explores: the room's state is left alone until "Follow again".

How a follower's page keeps up: while the teacher shows the pipeline view, the page is the followers' page
(:mod:`embedviz.ui.room_mirror`): one element that draws each of the teacher's changes without a rerun,
from a page the server builds once for the whole class; the script reruns only when that page cannot show
the room any more (another view, a question, the board's lock). On any other view the page draws the
view itself and reruns on each change (:mod:`embedviz.ui.room_listener`).

``page.py`` calls :func:`join` after reading the settings, :func:`panel` where the page begins, and
:func:`finish` instead of ``state.save`` at the end.
"""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass, field, replace

import streamlit as st

from embedviz.errors import EmbedvizError, MemoryBudgetExceeded
from embedviz.rooms import (
    MAX_ENTRIES,
    MAX_ENTRY_CHARS,
    MAX_NICKNAME_CHARS,
    Room,
    RoomNotFoundError,
    TooManyRoomsError,
)
from embedviz.ui import room_listener, room_mirror, room_page, state
from embedviz.ui.budget_text import shown
from embedviz.ui.i18n import md_code, t
from embedviz.ui.reservations import reserved
from embedviz.ui.room_server import PAGE_BYTES, ROOMS
from embedviz.ui.sections import class_board, class_follow, class_join, class_question

#: Query parameters of a class (not settings): ``class=start``, ``room=CODE``, ``key=KEY``, and the
#: sticky proxy's ``route`` to the replica holding the room (see :func:`proxy_route`).
PARAMS = ("class", "room", "key", "route")
#: The cookie a sticky proxy in front of several replicas routes on (deploy/nginx.conf.template).
ROUTE_COOKIE = "evroute"
ROUTE = re.compile(r"[A-Za-z0-9_-]{1,64}")
SEAT = "_class_seat"
NOTICES = "_class_notices"
#: A board's memory, asked of the budget when the room is made: every entry at its longest, with its
#: nickname and sender, as Python strings and a frozen dataclass (about 1 KiB each), and the answers.
BOARD_BYTES = MAX_ENTRIES * (4 * (MAX_ENTRY_CHARS + MAX_NICKNAME_CHARS) + 600) + 64 * 1024


@dataclass
class Seat:
    """This session's place in a room: its code, the control key if it leads, and what it follows."""

    code: str
    key: str | None = None
    following: bool = True
    #: The room's state this page last took, and this page's settings right after (to notice a student's
    #: own change).
    taken: dict[str, str] | None = None
    mine: dict[str, str] | None = None
    #: The room's follow_version read before this run took its state (the listener asks from there).
    version: int = 0
    #: This run draws the followers' page (the teacher's pipeline) instead of a view, and the page key it
    #: is drawn for (:func:`embedviz.ui.room_page.page_key`, from the same state).
    mirrored: bool = False
    page_key: str = ""
    #: Who sends to the board and answers: a random name for this session, never shown.
    sender: str = field(default_factory=lambda: secrets.token_hex(8))

    @property
    def leads(self) -> bool:
        return self.key is not None


def _notice(key: str, **values: object) -> None:
    st.session_state.setdefault(NOTICES, []).append((key, values))


def shared(settings: state.Settings) -> dict[str, str]:
    """What the class sees of a page's settings: the link's query parameters without the language, all
    measured against the English defaults (a German page's default sentence is not the English one, and
    each student reads the state in their own language)."""
    query = state.to_query(replace(settings, lang=state.DEFAULTS.lang))
    query.pop("lang", None)
    return query


def _take(room_state: dict[str, str], settings: state.Settings) -> state.Settings:
    """Make the room's state this page's settings (the language stays the visitor's)."""
    taken, _ = state.parse(room_state)
    for name in state.FIELD_NAMES:
        if name != "lang":
            st.session_state[name] = getattr(taken, name)
    return state.current()


def proxy_route() -> str:
    """This browser's route to this replica, if a sticky proxy set one (its ``evroute`` cookie), else ''.

    A room lives on the replica that made it; its links carry this route so that the proxy sends the
    students there too."""
    route = st.context.cookies.get(ROUTE_COOKIE, "")
    return route if isinstance(route, str) and ROUTE.fullmatch(route) else ""  # AppTest has no cookies


def start() -> None:
    """Make a room and lead it (the sidebar button's callback, and ``?class=start``)."""
    try:
        held = reserved(BOARD_BYTES + PAGE_BYTES, "class board")
    except EmbedvizError as error:
        _notice("class.refused", message=str(error))
        return
    try:
        room = ROOMS.create(time.time(), held=held.close, route=proxy_route())
    except TooManyRoomsError as error:
        _notice(error.key, **error.values)
        return
    st.session_state[SEAT] = Seat(room.code, room.key)


def _from_link() -> None:
    """The session's first run: a class's parameters in the link."""
    query = st.query_params
    if query.get("class") == "start":
        start()
        return
    code = query.get("room")
    if not code:
        return
    try:
        room = ROOMS.get(code, time.time())
    except RoomNotFoundError as error:
        _notice("class.unknown", code=md_code(error.code))
        return
    key = query.get("key")
    if key and room.is_teacher(key):
        seat = Seat(room.code, key)
        if room.state:  # a reopened class goes on from what the students see
            _take(room.state, state.current())
    else:
        seat = Seat(room.code)
        if key:
            _notice("class.forged")
    st.session_state[SEAT] = seat


def seat() -> Seat | None:
    """This session's seat, if it is in a room."""
    return st.session_state.get(SEAT)


def room_of(place: Seat) -> Room | None:
    """The seat's room, or None (with a notice, and the seat given up) when it has ended."""
    try:
        return ROOMS.get(place.code, time.time())
    except RoomNotFoundError:
        st.session_state[SEAT] = None
        _notice("class.ended")
        return None


def join(settings: state.Settings) -> state.Settings:
    """This run's settings in a class: taken from the room when following (a leading run publishes its own
    in :func:`finish`)."""
    if "_class_read" not in st.session_state:
        st.session_state["_class_read"] = True
        _from_link()
        settings = state.current()
    place = seat()
    if place is None:
        return settings
    room = room_of(place)
    if room is None:
        return settings
    if place.leads:
        return settings
    place.version = room.follow_version  # before the state: a change after it reruns this page again
    place.mirrored = False
    if not place.following:
        return settings
    if place.mine is not None and shared(settings) != place.mine:  # the student changed a setting
        place.following = False
        return settings
    room_state = dict(room.state)
    if room_state != place.taken:
        settings = _take(room_state, settings)
        place.taken, place.mine = room_state, shared(settings)
    place.mirrored = room_page.mirrored(room_state)
    place.page_key = room_page.page_key(room, room_state)
    return settings


def mirrored() -> bool:
    """Whether this run draws the followers' page (:func:`mirror`) instead of the view."""
    place = seat()
    return place is not None and not place.leads and place.following and place.mirrored


def mirror() -> None:
    """The followers' page: the teacher's pipeline, kept up to date by the element itself."""
    place = seat()
    if place is not None:
        room_mirror.mirror(place.code, place.page_key)


def _explore() -> None:
    place = seat()
    if place is not None:
        place.following = False


def _follow_again() -> None:
    place = seat()
    if place is not None:
        place.following, place.taken, place.mine = True, None, None


def _end() -> None:
    place = seat()
    if place is not None and place.leads:
        ROOMS.end(place.code, place.key)
        st.session_state[SEAT] = None


def panel() -> None:
    """Where the page begins: the class's notices, the teacher's join panel or the student's banner, and
    the sidebar's "Start a class"."""
    for key, values in st.session_state.pop(NOTICES, []):
        st.info(t(key, **values), icon="ℹ️")
    place = seat()
    room = room_of(place) if place is not None else None
    if room is None:
        st.sidebar.button(t("class.start"), on_click=start, help=t("class.start_help"), width="stretch")
        return
    if place.leads:
        class_join.render(room, place.key, on_end=_end)
        return
    class_follow.banner(place.following, on_explore=_explore, on_follow=_follow_again)
    if not mirrored():  # the followers' page learns of changes itself
        room_listener.listen(room.code, place.version)
    class_question.student(room, place.sender)
    class_board.send_form(room, place.sender)


@st.fragment
def teacher_tools() -> None:
    """The teacher's check question and board, below the view. A fragment: a student's entry or answer
    reruns only this part of the teacher's page (its listener watches every change of the room)."""
    place = seat()
    room = room_of(place) if place is not None and place.leads else None
    if room is None:
        return
    room_listener.listen(room.code, room.version, watch="all", key="ev-room-board-listener")
    st.divider()
    class_question.teacher(room)
    try:
        class_board.teacher(room, state.current().spec)
    except MemoryBudgetExceeded as error:
        st.error(shown(error))


def follows() -> bool:
    """Whether this page follows a teacher (its settings are the teacher's while it does)."""
    place = seat()
    return place is not None and not place.leads and place.following


def finish() -> None:
    """The end of the run: the teacher's question and board, then :func:`settle`."""
    place = seat()
    if place is not None and place.leads:
        teacher_tools()
    settle()


def settle() -> None:
    """The link, then (leading) the teacher's settings for the class. In a class the link holds ``room``;
    a follower's holds only that (and the language), since the teacher's every change would otherwise be a
    history entry on each phone. Called again with nothing changed, it changes nothing."""
    place = seat()
    if place is None:
        state.save()
    elif follows():
        lang = st.session_state.get("lang")
        state.write_link({"room": place.code, **({"lang": lang} if lang != state.DEFAULTS.lang else {})})
    else:
        state.save({"room": place.code})
    room = room_of(place) if place is not None and place.leads else None
    if room is not None:
        room.publish(shared(state.current()), time.time())
