"""A live class in AppTest: the teacher's page and students' pages on one server process.

Each AppTest is one visitor's session; they share the process's rooms (embedviz.ui.room_server.ROOMS),
as visitors of one server do. A student's rerun is what the room listener asks for in the browser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
import tiktoken
from apptest_utils import chart_by_key, plotly_hosts, run_app
from streamlit.testing.v1 import AppTest

from embedviz.rooms import Room, Rooms
from embedviz.ui import room_page, room_server
from embedviz.ui.classroom import SEAT, Seat
from embedviz.ui.plotly_host import PRELOAD_KEY

SENTENCE = "Die Katze saß auf der Matte"


def _protos(node: object) -> Iterator[object]:
    if hasattr(node, "proto"):
        yield node.proto
    for child in getattr(node, "children", {}).values():
        yield from _protos(child)


def page_text(at: AppTest) -> str:
    """Everything the page sends to the browser, as text (every element's message)."""
    return "\n".join(str(proto) for proto in _protos(at._tree))


def shown_text(at: AppTest) -> str:
    """What the page shows as text: markdown, captions, HTML, notices (not a component's data)."""
    parts = [
        e.value
        for kind in ("markdown", "caption", "info", "warning", "error", "success")
        for e in at.get(kind)
    ]
    parts += [e.proto.body for e in at.get("html")]
    return "\n".join(str(part) for part in parts)


def seat_of(at: AppTest) -> Seat | None:
    return at.session_state.get(SEAT)


@pytest.fixture(autouse=True)
def fresh_rooms(monkeypatch: pytest.MonkeyPatch) -> Rooms:
    """Each test starts on a server with no rooms."""
    rooms = Rooms(max_rooms=3, on_change=lambda room: room_server.WAITERS.notify(room.code))
    monkeypatch.setattr(room_server, "ROOMS", rooms)
    monkeypatch.setattr("embedviz.ui.classroom.ROOMS", rooms)
    return rooms


def start_class(**query: object) -> tuple[AppTest, Seat]:
    teacher = run_app(**{"class": "start", **query})
    assert not teacher.exception, teacher.exception
    seat = seat_of(teacher)
    assert seat is not None and seat.leads
    return teacher, seat


def test_starting_a_class_makes_this_page_the_teachers_and_never_shows_the_key(fresh_rooms: Rooms) -> None:
    teacher, seat = start_class()
    room = fresh_rooms.get(seat.code, now=0.0)
    assert dict(teacher.query_params) == {"room": seat.code}  # no class=start, no key
    shown = shown_text(teacher)
    assert seat.code in shown and f"?room={seat.code}" in shown
    assert "data:image/svg+xml" in page_text(teacher)  # the QR code, an image
    assert room.key not in shown
    assert room.key not in str(dict(teacher.query_params))
    assert len(fresh_rooms) == 1


def mirror_of(at: AppTest) -> dict | None:
    """The followers' page element's data, if the page drew one."""
    found = [e for e in at.get("bidi_component") if e.proto.component_name == "embedviz.room_mirror"]
    return json.loads(found[0].proto.json) if found else None


def followers_page(room: Room, student: AppTest) -> dict:
    """What the student's element draws: the room's followers' page in the language it asks for."""
    return room_page.snapshot(room, mirror_of(student)["lang"])[1]


def test_a_student_sees_each_new_sentence_of_the_teacher(
    fresh_rooms: Rooms, plain_gpt2: tiktoken.Encoding
) -> None:
    teacher, seat = start_class()
    student = run_app(room=seat.code.lower())
    assert not student.exception
    assert seat_of(student).following and not seat_of(student).leads
    assert "Following the teacher" in shown_text(student)
    # The followers' page: one element, no view, no settings of its own (they are the teacher's).
    room = fresh_rooms.get(seat.code, now=0.0)
    assert mirror_of(student) == {
        "url": room_server.page_url(seat.code),
        "lang": "en",
        "pageKey": room_page.page_key(room),
    }
    assert [host.key for host in plotly_hosts(student)] == [PRELOAD_KEY]  # no chart of its own
    assert not student.number_input and "text" not in [box.key for box in student.text_input]
    teacher.text_input(key="text").input(SENTENCE).run()
    teacher.number_input(key="dim").set_value(64).run()
    page = followers_page(room, student)  # what the element draws, without a rerun of the student's page
    ids = plain_gpt2.encode(SENTENCE)
    tokens = next(block["html"] for block in page["blocks"] if block["key"] == "tokens")
    assert f"{len(SENTENCE)} characters → {len(ids)} tokens" in tokens
    assert re.findall(r'data-token-id="(\d+)"', tokens) == [str(i) for i in ids]
    teacher_space = next(h for h in plotly_hosts(teacher) if h.proto.id.endswith("space3d"))
    student_space = next(block["data"] for block in page["blocks"] if block["key"] == "space3d")
    assert json.loads(teacher_space.proto.json)["figure"] == student_space["figure"]  # the teacher's chart
    student.run()  # a rerun (another view, a question) takes the teacher's settings
    assert student.session_state["text"] == SENTENCE and student.session_state["dim"] == 64
    assert dict(student.query_params) == {"room": seat.code}  # not the teacher's every edit


def test_a_student_follows_the_teacher_to_another_view_and_back(fresh_rooms: Rooms) -> None:
    teacher, seat = start_class()
    student = run_app(room=seat.code)
    room = fresh_rooms.get(seat.code, now=0.0)
    key = mirror_of(student)["pageKey"]
    teacher.segmented_control(key="view").set_value("batches").run()
    assert room_page.page_key(room) != key  # the element asks for a rerun
    student.run()
    assert mirror_of(student) is None and student.session_state["view"] == "batches"
    listeners = [
        e for e in student.get("bidi_component") if e.proto.component_name == "embedviz.room_listener"
    ]
    assert listeners  # on another view the page reruns on each change
    assert student.number_input(key="dim")  # the settings are there (changing one explores)
    teacher.segmented_control(key="view").set_value("pipeline").run()
    student.run()
    assert mirror_of(student) is not None and not student.number_input


def test_a_student_keeps_their_language(fresh_rooms: Rooms, plain_gpt2: tiktoken.Encoding) -> None:
    # AppTest formats a radio's options for the next run in the language of the session that ran last,
    # so the German student joins after the teacher's last run (browsers have no such limit).
    teacher, seat = start_class()
    teacher.text_input(key="text").input(SENTENCE).run()
    student = run_app(room=seat.code, lang="de")
    assert "Du folgst der Lehrkraft" in shown_text(student)
    assert student.session_state["text"] == SENTENCE and student.session_state["lang"] == "de"
    ids = plain_gpt2.encode(SENTENCE)
    page = followers_page(fresh_rooms.get(seat.code, now=0.0), student)
    assert mirror_of(student)["lang"] == "de"
    assert f"{len(SENTENCE)} Zeichen → {len(ids)} Tokens" in json.dumps(page, ensure_ascii=False)
    assert dict(student.query_params) == {"room": seat.code, "lang": "de"}


def test_exploring_leaves_the_room_alone_and_follow_again_returns() -> None:
    teacher, seat = start_class()
    student = run_app(room=seat.code)
    student.button(key="ev-class-explore").click().run()
    assert not seat_of(student).following
    student.text_input(key="text").input("my own sentence").run()
    teacher.text_input(key="text").input(SENTENCE).run()
    student.run()
    assert student.session_state["text"] == "my own sentence"
    assert teacher.session_state["text"] == SENTENCE  # the student's edit never reached the room
    assert dict(student.query_params)["text"] == "my own sentence"
    student.button(key="ev-class-follow").click().run()
    assert seat_of(student).following and student.session_state["text"] == SENTENCE


def test_a_student_who_changes_a_setting_explores() -> None:
    teacher, seat = start_class()
    teacher.segmented_control(key="view").set_value("order").run()  # a view that shows the settings
    student = run_app(room=seat.code)
    student.number_input(key="seed").set_value(7).run()
    assert not seat_of(student).following
    teacher.number_input(key="dim").set_value(64).run()
    student.run()
    assert student.session_state["seed"] == 7 and student.session_state["dim"] != 64


def test_the_teachers_link_leads_again_a_forged_key_follows(fresh_rooms: Rooms) -> None:
    teacher, seat = start_class()
    teacher.text_input(key="text").input(SENTENCE).run()
    key = fresh_rooms.get(seat.code, now=0.0).key
    forged = run_app(room=seat.code, key=key[:-1] + ("A" if key[-1] != "A" else "B"))
    assert not seat_of(forged).leads and seat_of(forged).following
    assert "This teacher link is not valid" in shown_text(forged)
    assert forged.session_state["text"] == SENTENCE
    again = run_app(room=seat.code, key=key)
    assert seat_of(again).leads
    assert again.session_state["text"] == SENTENCE  # goes on from what the class sees
    assert "key" not in dict(again.query_params) and dict(again.query_params)["room"] == seat.code
    assert key not in shown_text(again)


@pytest.mark.parametrize(
    ("lang", "says"), [("en", "There is no class with the code"), ("de", "keinen Klassenraum")]
)
def test_an_unknown_code_says_so_and_the_page_works(
    lang: str, says: str, plain_gpt2: tiktoken.Encoding
) -> None:
    at = run_app(room="ZZZZZZ", lang=lang, text=SENTENCE)
    assert not at.exception
    assert says in shown_text(at) and "ZZZZZZ" in shown_text(at)
    assert seat_of(at) is None
    ids = plain_gpt2.encode(SENTENCE)
    assert f"→ {len(ids)} {'Tokens' if lang == 'de' else 'tokens'}" in shown_text(at)
    assert not any("Unknown setting" in w.value or "Unbekannte" in w.value for w in at.warning)


def test_a_hostile_code_is_shown_inert() -> None:
    at = run_app(room="<img src=x onerror=alert(1)>")
    assert not at.exception
    assert "<img" not in "\n".join(e.proto.body for e in at.get("html"))
    assert all("<img" not in e.value or e.value.count("`") >= 2 for e in at.info)


def test_an_ended_class_tells_its_students_and_their_page_works() -> None:
    teacher, seat = start_class()
    student = run_app(room=seat.code)
    teacher.button(key="ev-class-end").click().run()
    assert seat_of(teacher) is None
    student.run()
    assert not student.exception and seat_of(student) is None
    assert "This class has ended" in shown_text(student)
    assert "Start a class" in [b.label for b in student.button]


def test_a_full_server_says_so() -> None:
    for _ in range(3):
        start_class()
    at = run_app(**{"class": "start"}, lang="de")
    assert not at.exception and seat_of(at) is None
    assert "Dieser Server hält schon 3 Klassenräume" in shown_text(at)


def test_the_sidebar_button_starts_a_class() -> None:
    at = run_app()
    [button] = [b for b in at.sidebar.button if b.label == "Start a class"]
    button.click().run()
    assert seat_of(at).leads and dict(at.query_params)["room"] == seat_of(at).code


def test_the_teacher_publishes_every_change_the_student_sees_only_the_latest(fresh_rooms: Rooms) -> None:
    teacher, seat = start_class()
    room = fresh_rooms.get(seat.code, now=0.0)
    student = run_app(room=seat.code)
    before = room.follow_version
    for text in ("Die", "Die Katze", SENTENCE):
        teacher.text_input(key="text").input(text).run()
    assert room.follow_version == before + 3
    student.run()
    assert student.session_state["text"] == SENTENCE
    assert seat_of(student).version == room.follow_version


def send(student: AppTest, text: str, nickname: str = "") -> AppTest:
    student.text_input(key="ev-board-text").input(text)
    student.text_input(key="ev-board-nick").input(nickname)
    [button] = [b for b in student.button if b.label == "Send to the board"]
    return button.click().run()


def board_figure_of(teacher: AppTest) -> dict:
    return chart_by_key(teacher, "ev-board-space")


def test_the_board_pools_everyones_tokens_hostile_text_stays_inert(plain_gpt2: tiktoken.Encoding) -> None:
    teacher, seat = start_class()
    first, second = run_app(room=seat.code), run_app(room=seat.code)
    hostile = "<img src=x onerror=alert(1)>"
    send(first, "Donaudampfschifffahrt", nickname="[Max](javascript:alert(2))")
    assert "Sent:" in shown_text(first)
    send(second, hostile)
    teacher.run()
    assert not teacher.exception and not first.exception and not second.exception
    trace = board_figure_of(teacher)["data"][0]
    expected = plain_gpt2.encode("Donaudampfschifffahrt") + plain_gpt2.encode(hostile)
    assert len(trace["text"]) == len(expected)
    assert all("<" not in label for label in [*trace["text"], *trace["hovertext"]])
    assert f"2 entries, {len(expected)} tokens" in shown_text(teacher)
    longest = max(["Donaudampfschifffahrt", hostile], key=lambda text: len(plain_gpt2.encode(text)))
    assert f"({len(plain_gpt2.encode(longest))} tokens)" in shown_text(teacher)
    html_bodies = "\n".join(e.proto.body for e in teacher.get("html"))
    assert (
        "<img src=x" not in html_bodies and "onerror" not in html_bodies and "javascript:" not in html_bodies
    )
    for markdown in teacher.markdown:  # entries only inside code spans
        if "onerror" in markdown.value:
            assert "`` <img src=x onerror=alert(1)> ``" in markdown.value or "` <img" in markdown.value


def test_the_teacher_hides_an_entry_and_closes_sending() -> None:
    teacher, seat = start_class()
    student = run_app(room=seat.code)
    send(student, "Katze")
    teacher.run()
    assert not teacher.exception
    assert "1 entry, 2 tokens" in shown_text(teacher)
    teacher.button(key="ev-board-hide-0").click().run()
    assert "Nothing on the board yet" in shown_text(teacher)
    teacher.toggle(key="ev-board-open").set_value(False).run()
    student.run()
    assert "The teacher has closed the board for now." in shown_text(student)
    [button] = [b for b in student.button if b.label == "Send to the board"]
    assert button.disabled


def test_a_question_is_answered_tallied_and_revealed(plain_gpt2: tiktoken.Encoding) -> None:
    teacher, seat = start_class()
    teacher.text_input(key="text").input(SENTENCE).run()
    teacher.selectbox(key="ev-question-pick").set_value("n_tokens").run()
    teacher.button(key="ev-question-ask").click().run()
    students = [run_app(room=seat.code) for _ in range(3)]
    right = str(len(plain_gpt2.encode(SENTENCE)))
    for student, choice in zip(students, [right, right, "6"], strict=True):
        assert "How many tokens does the sentence have?" in shown_text(student)
        [radio] = [r for r in student.radio if r.key.startswith("ev-answer-")]
        assert right in radio.options
        radio.set_value(choice).run()
        assert "Answer sent." in shown_text(student)
    teacher.run()
    bars = {e.proto.text: e.proto.value for e in teacher.get("progress")}
    assert bars[f"{right}: 2"] == 66 and bars["6: 1"] == 33
    assert not teacher.exception
    teacher.button(key="ev-question-reveal").click().run()
    assert f"Right answer: {right}" in shown_text(teacher)
    students[2].run()
    assert f"Right answer: {right}" in shown_text(students[2])
