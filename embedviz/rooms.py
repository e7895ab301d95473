"""A class in one room: a teacher leads, students follow, and everyone's words meet on one board.

A room lives in the server's memory and nowhere else. It has two secrets of different strength:

* the **join code**, six characters from an alphabet without look-alikes (no 0/O, 1/I/L), short enough to
  read off a projector: whoever has it may follow the teacher and send words to the board;
* the **control key**, ``secrets.token_urlsafe`` with 192 random bits: whoever has it is the teacher. The
  teacher's page is projected, so the key never appears on it; it is compared in constant time
  (``hmac.compare_digest``), so a student cannot guess it byte by byte from response times.

Only the teacher changes what the room shows (:meth:`Room.publish`): the sentence, the view, the slide
and the settings, as the link's query parameters. Each change bumps :attr:`Room.version`, so a page
needs only compare one integer to know whether to redraw, and skips every state it missed (the latest
wins). Two counters, since two kinds of page watch a room: :attr:`Room.follow_version` counts what the
students' pages show (the teacher's state, the open question, the board opened or locked), and
:attr:`Room.version` counts every change, the board's entries and the answers included, which only the
teacher's page shows. A room calls its ``on_change`` after each change, from the thread that made it,
so whoever waits on the room (the long poll of :mod:`embedviz.ui.room_server`) is woken, not polling.

Students add :class:`Entry` texts to the board, each capped in length, one every few seconds per
student, a few hundred per room; every entry is untrusted text and is shown inert. The teacher can hide
an entry, clear the board, and lock or open sending.

A room ends when the teacher ends it or after :data:`IDLE_SECONDS` without activity; a server holds at
most ``max_rooms`` (:class:`Rooms`). Time is passed in (``now``) so that tests need no clock.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from embedviz.errors import EmbedvizError

#: The join code's alphabet: capital letters and digits a reader cannot confuse (no 0/O, no 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
#: The control key's random bytes: 24 bytes are 192 bits, 32 URL-safe characters.
KEY_BYTES = 24
#: A room nobody has touched for three hours (a double lesson and a break) has ended.
IDLE_SECONDS = 3 * 60 * 60
#: A board entry is a word or a short sentence.
MAX_ENTRY_CHARS = 80
MAX_NICKNAME_CHARS = 20
#: One entry per student every few seconds keeps a class from flooding the board.
SEND_INTERVAL_SECONDS = 3.0
#: The board of one room holds at most this many entries (hidden ones included).
MAX_ENTRIES = 300
#: Rooms one server holds at once, unless the server says otherwise.
DEFAULT_MAX_ROOMS = 20


class RoomError(EmbedvizError):
    """A room request that cannot be granted; the message says why, for a person. Each kind carries the
    key of its sentence among the page's strings (``class.*``, ``board.*``) and the numbers it needs."""


class RoomNotFoundError(RoomError):
    """No room with this code: never made, ended by the teacher, idle too long, or the server restarted."""

    key = "class.unknown"

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(
            f"There is no class with the code {code} on this server: it may have ended. The page works on "
            "its own.",
            code=code,
        )


class TooManyRoomsError(RoomError):
    """The server already holds as many rooms as it may."""

    key = "class.too_many"

    def __init__(self, max_rooms: int) -> None:
        self.max_rooms = max_rooms
        message = f"This server already holds {max_rooms} classes. Try again when one has ended."
        super().__init__(message, max_rooms=max_rooms)


class BoardLockedError(RoomError):
    """The teacher has closed the board for now."""

    key = "board.locked"

    def __init__(self) -> None:
        super().__init__("The teacher has closed the board for now.")


class BoardFullError(RoomError):
    """The board holds :data:`MAX_ENTRIES` entries."""

    key = "board.full"

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        super().__init__(
            f"The board is full ({max_entries} entries). The teacher can clear it.", max_entries=max_entries
        )


class EntryError(RoomError):
    """An entry that is empty or longer than :data:`MAX_ENTRY_CHARS`."""

    def __init__(self, n_chars: int, max_chars: int) -> None:
        self.n_chars = n_chars
        self.max_chars = max_chars
        if n_chars == 0:
            super().__init__("Type a word or a short sentence first.", key="board.empty_entry")
        else:
            super().__init__(
                f"An entry has at most {max_chars} characters; this one has {n_chars}.",
                key="board.too_long",
                max_chars=max_chars,
                n_chars=n_chars,
            )


class SendingTooFastError(RoomError):
    """The same student sent again within :data:`SEND_INTERVAL_SECONDS`."""

    key = "board.too_fast"

    def __init__(self, wait_seconds: float) -> None:
        self.wait_seconds = wait_seconds
        seconds = max(1, round(wait_seconds))
        super().__init__(f"One entry every few seconds: send again in {seconds} s.", seconds=seconds)


def new_code(taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A fresh join code, different from every code in ``taken``."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


def normal_code(text: str) -> str:
    """The code as typed or linked, upper-cased and without spaces or dashes (``abc-def`` is ``ABCDEF``)."""
    return "".join(ch for ch in text.upper() if ch not in " -")[: CODE_LENGTH * 2]


@dataclass(frozen=True)
class Entry:
    """One student's word or sentence on the board. ``sender`` is the student's session, never shown."""

    number: int
    text: str
    sender: str
    nickname: str = ""
    hidden: bool = False


@dataclass
class Room:
    """One class: the teacher's published state, the board and the open question.

    Thread-safe: every method takes the room's lock, since each visitor's script runs in its own thread.
    """

    code: str
    key: str
    last_activity: float
    #: The teacher's page as query parameters (sentence, view, step, settings); followers copy it.
    state: dict[str, str] = field(default_factory=dict)
    #: Bumped by every change (state, board, question, answers): what the teacher's page shows.
    version: int = 0
    #: Bumped by the changes a student's page shows: the teacher's state, the question, the board's lock.
    follow_version: int = 0
    entries: list[Entry] = field(default_factory=list)
    locked: bool = False
    #: The open check question's id, the answers by student, and whether the right answer is shown.
    question: str | None = None
    answers: dict[str, str] = field(default_factory=dict)
    revealed: bool = False
    #: The sticky proxy's route to the replica holding the room ('' without a proxy): students' links
    #: carry it, so a proxy in front of several replicas sends them here (deploy/nginx.conf.template).
    route: str = ""
    #: Called with the room after every change (outside the room's lock), e.g. to wake waiting pages.
    on_change: Callable[[Room], None] | None = field(default=None, repr=False, compare=False)
    #: Released when the room ends: what the room holds outside itself (its board's memory reservation).
    held: Callable[[], object] | None = field(default=None, repr=False, compare=False)
    _last_sent: dict[str, float] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def is_teacher(self, key: str | None) -> bool:
        """Whether ``key`` is this room's control key (compared in constant time)."""
        return bool(key) and hmac.compare_digest(key.encode(), self.key.encode())

    def _touch(self, now: float, followers: bool = False) -> None:
        """Count a change (under the lock); ``followers``: the students' pages show it too."""
        self.last_activity = now
        self.version += 1
        if followers:
            self.follow_version += 1

    def _changed(self) -> None:
        """Tell ``on_change`` (outside the lock, so a listener may read the room)."""
        if self.on_change is not None:
            self.on_change(self)

    def release(self) -> None:
        """The room has ended: give back what it held (once), and wake whoever waits on it."""
        held, self.held = self.held, None
        if held is not None:
            held()
        self._changed()

    def publish(self, state: Mapping[str, str], now: float) -> bool:
        """The teacher's page changed: store its query parameters. Returns whether anything changed."""
        with self._lock:
            if dict(state) == self.state:
                self.last_activity = now
                return False
            self.state = dict(state)
            self._touch(now, followers=True)
        self._changed()
        return True

    def published(self) -> tuple[int, dict[str, str]]:
        """The teacher's state and the :attr:`follow_version` it was read at, read together."""
        with self._lock:
            return self.follow_version, dict(self.state)

    def send(self, sender: str, text: str, now: float, nickname: str = "") -> Entry:
        """Add a student's entry to the board, or raise a :class:`RoomError` saying why not."""
        text = " ".join(text.split())
        if not text or len(text) > MAX_ENTRY_CHARS:
            raise EntryError(len(text), MAX_ENTRY_CHARS)
        with self._lock:
            if self.locked:
                raise BoardLockedError()
            if len(self.entries) >= MAX_ENTRIES:
                raise BoardFullError(MAX_ENTRIES)
            last = self._last_sent.get(sender)
            if last is not None and now - last < SEND_INTERVAL_SECONDS:
                raise SendingTooFastError(SEND_INTERVAL_SECONDS - (now - last))
            self._last_sent[sender] = now
            nickname = " ".join(nickname.split())[:MAX_NICKNAME_CHARS]
            entry = Entry(len(self.entries), text, sender, nickname)
            self.entries.append(entry)
            self._touch(now)
        self._changed()
        return entry

    def visible_entries(self) -> list[Entry]:
        """The board as the class sees it: every entry the teacher has not hidden, oldest first."""
        with self._lock:
            return [entry for entry in self.entries if not entry.hidden]

    def hide(self, number: int, now: float) -> None:
        """Take one entry off the board (it still counts towards :data:`MAX_ENTRIES`)."""
        with self._lock:
            if 0 <= number < len(self.entries):
                self.entries[number] = replace(self.entries[number], hidden=True)
                self._touch(now)
        self._changed()

    def clear(self, now: float) -> None:
        """Empty the board."""
        with self._lock:
            self.entries.clear()
            self._touch(now)
        self._changed()

    def lock_board(self, locked: bool, now: float) -> None:
        """Close (``True``) or open the board for sending."""
        with self._lock:
            self.locked = locked
            self._touch(now, followers=True)
        self._changed()

    def ask(self, question: str | None, now: float) -> None:
        """Open a check question (``None`` closes it); answers to an earlier one are dropped."""
        with self._lock:
            self.question, self.answers, self.revealed = question, {}, False
            self._touch(now, followers=True)
        self._changed()

    def answer(self, sender: str, choice: str, now: float) -> None:
        """A student's answer to the open question; a later answer replaces the student's earlier one."""
        with self._lock:
            if self.question is None or self.revealed:
                return
            self.answers[sender] = choice
            self._touch(now)
        self._changed()

    def tally(self) -> Counter[str]:
        """How many students chose each answer so far."""
        with self._lock:
            return Counter(self.answers.values())

    def reveal(self, now: float) -> None:
        """Show the right answer (answers are closed from now on)."""
        with self._lock:
            self.revealed = True
            self._touch(now, followers=True)
        self._changed()


class Rooms:
    """Every room of one server process, at most ``max_rooms`` at once, idle ones ended on the way.

    ``on_change`` is given to every room it makes (see :attr:`Room.on_change`)."""

    def __init__(
        self,
        max_rooms: int = DEFAULT_MAX_ROOMS,
        idle_seconds: float = IDLE_SECONDS,
        on_change: Callable[[Room], None] | None = None,
    ) -> None:
        self.max_rooms = max_rooms
        self.idle_seconds = idle_seconds
        self.on_change = on_change
        self._rooms: dict[str, Room] = {}
        self._lock = threading.Lock()

    def _sweep(self, now: float) -> list[Room]:
        """Take idle rooms out (under the lock); the caller releases them after it."""
        idle = [room for room in self._rooms.values() if now - room.last_activity > self.idle_seconds]
        for room in idle:
            del self._rooms[room.code]
        return idle

    def create(self, now: float, held: Callable[[], object] | None = None, route: str = "") -> Room:
        """A new room with a fresh code and key, or :class:`TooManyRoomsError`. ``held`` is called when
        the room ends (e.g. to give back its board's memory); on a refusal it is called at once.
        ``route`` is the proxy's route to this replica, for the room's links."""
        with self._lock:
            ended = self._sweep(now)
            full = len(self._rooms) >= self.max_rooms
            if not full:
                code = new_code(set(self._rooms))
                key = secrets.token_urlsafe(KEY_BYTES)
                room = Room(code, key, now, route=route, on_change=self.on_change, held=held)
                self._rooms[code] = room
        for old in ended:
            old.release()
        if full:
            if held is not None:
                held()
            raise TooManyRoomsError(self.max_rooms)
        return room

    def get(self, code: str, now: float) -> Room:
        """The room with this code, typed in any case, with or without dashes; else RoomNotFoundError."""
        code = normal_code(code)
        with self._lock:
            ended = self._sweep(now)
            room = self._rooms.get(code)
        for old in ended:
            old.release()
        if room is None:
            raise RoomNotFoundError(code)
        return room

    def end(self, code: str, key: str | None) -> bool:
        """End a room, if ``key`` is its control key. Returns whether it ended."""
        with self._lock:
            room = self._rooms.get(normal_code(code))
            if room is None or not room.is_teacher(key):
                return False
            del self._rooms[room.code]
        room.release()
        return True

    def __len__(self) -> int:
        with self._lock:
            return len(self._rooms)
