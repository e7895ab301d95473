"""Rooms: codes a class can read, keys nobody guesses, boards that stay bounded, rooms that end."""

from __future__ import annotations

import re
import threading

import pytest

from embedviz.rooms import (
    CODE_ALPHABET,
    CODE_LENGTH,
    IDLE_SECONDS,
    MAX_ENTRIES,
    MAX_ENTRY_CHARS,
    SEND_INTERVAL_SECONDS,
    BoardFullError,
    BoardLockedError,
    EntryError,
    RoomError,
    RoomNotFoundError,
    Rooms,
    SendingTooFastError,
    TooManyRoomsError,
    new_code,
    normal_code,
)


def test_codes_use_no_look_alikes_and_keys_carry_at_least_128_bits() -> None:
    assert not set(CODE_ALPHABET) & set("0O1IL")
    rooms = Rooms(max_rooms=50)
    made = [rooms.create(now=0.0) for _ in range(50)]
    for room in made:
        assert re.fullmatch(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}", room.code)
        assert len(room.key) * 6 >= 128  # URL-safe base64: 6 bits a character
        assert room.key not in room.code and room.code not in room.key
    assert len({room.code for room in made}) == 50
    assert len({room.key for room in made}) == 50


def test_a_new_code_avoids_the_codes_taken() -> None:
    taken = {new_code() for _ in range(200)}
    assert new_code(taken) not in taken


def test_a_code_is_found_however_it_is_typed() -> None:
    rooms = Rooms()
    room = rooms.create(now=0.0)
    typed = f"{room.code[:3].lower()}-{room.code[3:].lower()} "
    assert normal_code(typed) == room.code
    assert rooms.get(typed, now=1.0) is room


def test_only_the_control_key_makes_a_teacher() -> None:
    room = Rooms().create(now=0.0)
    assert room.is_teacher(room.key)
    for forged in ("", None, room.code, room.key[:-1], room.key + "x", room.key.upper(), "ä" * 32):
        assert not room.is_teacher(forged)


def test_an_unknown_code_says_so() -> None:
    with pytest.raises(RoomNotFoundError, match="ABCDEF"):
        Rooms().get("abcdef", now=0.0)


def test_a_room_idle_for_three_hours_has_ended_and_activity_keeps_it() -> None:
    rooms = Rooms()
    room = rooms.create(now=0.0)
    room.publish({"text": "Die Katze"}, now=IDLE_SECONDS - 1)  # activity just before the end
    assert rooms.get(room.code, now=2 * IDLE_SECONDS - 2) is room
    with pytest.raises(RoomNotFoundError):
        rooms.get(room.code, now=2 * IDLE_SECONDS)
    assert len(rooms) == 0


def test_a_server_holds_at_most_max_rooms_and_an_ended_room_frees_its_place() -> None:
    rooms = Rooms(max_rooms=2)
    first = rooms.create(now=0.0)
    rooms.create(now=0.0)
    with pytest.raises(TooManyRoomsError):
        rooms.create(now=1.0)
    assert not rooms.end(first.code, "not the key")
    assert rooms.end(first.code, first.key)
    rooms.create(now=2.0)
    with pytest.raises(TooManyRoomsError):
        rooms.create(now=IDLE_SECONDS)  # the others are still within their three hours
    assert rooms.create(now=2.0 + IDLE_SECONDS + 1).code  # both idle now: swept, a place is free


def test_publishing_bumps_the_version_only_when_the_state_changes() -> None:
    room = Rooms().create(now=0.0)
    assert room.publish({"text": "Die Katze", "step": "2"}, now=1.0)
    version = room.version
    assert not room.publish({"step": "2", "text": "Die Katze"}, now=2.0)
    assert room.version == version and room.last_activity == 2.0
    assert room.publish({"text": "Die Katze saß"}, now=3.0)
    assert room.version == version + 1 and room.state == {"text": "Die Katze saß"}


def test_entries_are_capped_in_length_and_whitespace_is_folded() -> None:
    room = Rooms().create(now=0.0)
    with pytest.raises(EntryError):
        room.send("s1", "   \n\t ", now=1.0)
    with pytest.raises(EntryError, match=str(MAX_ENTRY_CHARS)):
        room.send("s1", "x" * (MAX_ENTRY_CHARS + 1), now=1.0)
    entry = room.send("s1", "  <b>Katze</b>\n  saß ", now=1.0, nickname="  Mia \n " + "y" * 40)
    assert entry.text == "<b>Katze</b> saß"  # kept as typed: the page shows it inert, never as HTML
    assert entry.nickname.startswith("Mia ") and len(entry.nickname) == 20


def test_one_student_sends_once_every_few_seconds_others_are_not_held_up() -> None:
    room = Rooms().create(now=0.0)
    room.send("s1", "Katze", now=10.0)
    with pytest.raises(SendingTooFastError):
        room.send("s1", "Matte", now=10.0 + SEND_INTERVAL_SECONDS / 2)
    room.send("s2", "Matte", now=10.5)
    room.send("s1", "Matte", now=10.0 + SEND_INTERVAL_SECONDS)
    assert [e.text for e in room.visible_entries()] == ["Katze", "Matte", "Matte"]


def test_the_board_holds_at_most_max_entries() -> None:
    room = Rooms().create(now=0.0)
    for i in range(MAX_ENTRIES):
        room.send(f"s{i}", f"w{i}", now=1.0)
    with pytest.raises(BoardFullError):
        room.send("late", "one more", now=1.0)
    room.clear(now=2.0)
    room.send("late", "one more", now=2.0)


def test_the_teacher_hides_clears_locks_and_opens() -> None:
    room = Rooms().create(now=0.0)
    for i, word in enumerate(["Katze", "rude", "Matte"]):
        room.send(f"s{i}", word, now=1.0)
    room.hide(1, now=2.0)
    room.hide(99, now=2.0)  # a stale number changes nothing
    assert [e.text for e in room.visible_entries()] == ["Katze", "Matte"]
    room.lock_board(True, now=3.0)
    with pytest.raises(BoardLockedError):
        room.send("s9", "Hund", now=10.0)
    room.lock_board(False, now=4.0)
    room.send("s9", "Hund", now=10.0)
    room.clear(now=11.0)
    assert room.visible_entries() == []


def test_a_question_tallies_one_answer_per_student_and_closes_when_revealed() -> None:
    room = Rooms().create(now=0.0)
    room.answer("s1", "7", now=0.5)  # no question open: ignored
    room.ask("n_tokens", now=1.0)
    for sender, choice in [("s1", "6"), ("s2", "7"), ("s3", "7"), ("s1", "7")]:
        room.answer(sender, choice, now=2.0)
    assert room.tally() == {"7": 3}
    room.reveal(now=3.0)
    room.answer("s4", "6", now=4.0)
    assert room.tally() == {"7": 3}
    room.ask("same_rows", now=5.0)
    assert room.tally() == {} and not room.revealed


def test_sixty_students_sending_at_once_lose_nothing() -> None:
    room = Rooms().create(now=0.0)
    threads = [threading.Thread(target=room.send, args=(f"s{i}", f"w{i}", 1.0)) for i in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(e.number for e in room.visible_entries()) == list(range(60))
    assert room.version == 60


def test_students_pages_count_only_what_they_show_the_teacher_counts_everything() -> None:
    room = Rooms().create(now=0.0)
    steps = [
        (lambda: room.publish({"text": "Die Katze"}, now=1.0), True),
        (lambda: room.send("s1", "Katze", now=1.0), False),
        (lambda: room.hide(0, now=1.0), False),
        (lambda: room.lock_board(True, now=1.0), True),
        (lambda: room.ask("n_tokens", now=1.0), True),
        (lambda: room.answer("s1", "3", now=1.0), False),
        (lambda: room.reveal(now=1.0), True),
        (lambda: room.clear(now=1.0), False),
    ]
    for change, students_see_it in steps:
        version, follow_version = room.version, room.follow_version
        change()
        assert room.version == version + 1
        assert room.follow_version == follow_version + int(students_see_it)


def test_every_change_is_told_once_and_an_unchanged_state_is_not() -> None:
    told: list[int] = []
    rooms = Rooms(on_change=lambda room: told.append(room.version))
    room = rooms.create(now=0.0)
    room.publish({"text": "Die Katze"}, now=1.0)
    room.publish({"text": "Die Katze"}, now=2.0)  # the teacher's rerun without an edit
    room.send("s1", "Katze", now=2.0)
    room.answer("s1", "3", now=2.0)  # no question open: nothing changed
    assert told == [1, 2]


def test_what_a_room_holds_is_given_back_once_when_it_ends_however_it_ends() -> None:
    given_back: list[str] = []
    rooms = Rooms(max_rooms=2, idle_seconds=10)
    ended = rooms.create(now=0.0, held=lambda: given_back.append("ended"))
    idle = rooms.create(now=0.0, held=lambda: given_back.append("idle"))
    with pytest.raises(TooManyRoomsError):
        rooms.create(now=1.0, held=lambda: given_back.append("refused"))
    assert given_back == ["refused"]
    assert rooms.end(ended.code, ended.key)
    assert not rooms.end(ended.code, ended.key)
    ended.publish({"text": "late"}, now=5.0)  # a page still holding the room object
    assert given_back == ["refused", "ended"]
    idle.publish({"text": "x"}, now=5.0)
    rooms.create(now=20.0)  # the idle room is swept on the way
    assert given_back == ["refused", "ended", "idle"]
    idle.release()  # twice: nothing more
    assert given_back == ["refused", "ended", "idle"]


def test_an_ended_room_wakes_its_waiters() -> None:
    told: list[str] = []
    rooms = Rooms(on_change=lambda room: told.append(room.code))
    room = rooms.create(now=0.0)
    rooms.end(room.code, room.key)
    assert told == [room.code]


@pytest.mark.parametrize(
    "error",
    [
        RoomNotFoundError("ABCDEF"),
        TooManyRoomsError(20),
        BoardLockedError(),
        BoardFullError(MAX_ENTRIES),
        EntryError(0, MAX_ENTRY_CHARS),
        EntryError(95, MAX_ENTRY_CHARS),
        SendingTooFastError(2.4),
    ],
    ids=lambda error: type(error).__name__,
)
def test_each_room_error_is_one_ui_sentence_in_both_languages(error: RoomError) -> None:
    """The page words a room error from its key and values (embedviz.ui.error_text): the English string is
    the core's own message, and the German one takes the same values."""
    from embedviz.ui.i18n import STRINGS

    english, german = STRINGS[error.key]
    assert english.format(**error.values) == str(error)
    assert german.format(**error.values) != english.format(**error.values)
