"""A live class in a real browser: one server, the teacher's page and three students (one a 390 px phone).

The teacher starts a class from the link ``?class=start``; the students open the students' link and follow:
each sees the teacher's new sentence, its tokens and charts without touching anything (the followers'
page's element draws what the server built for the class). One explores on their own and follows again;
a forged teacher link follows as a student; an unknown code says so; a German student keeps German. A
student's word reaches the teacher's board and a question's answers the teacher's tally without the
teacher touching anything. Screenshots of the
teacher's page at 1920x1080 and 1280x720 and of the phone go to ``test-artifacts/screenshots/classroom-*``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
import tiktoken

from .conftest import no_exception, open_app, require_playwright, screenshot, sentence_box, type_sentence

require_playwright()
from playwright.sync_api import expect  # noqa: E402

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1920, "height": 1080}}
LAPTOP = {"viewport": {"width": 1280, "height": 720}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
SENTENCE = "Die Katze saß auf der Matte"
#: A follower must show the teacher's change within 1 s on the README's server; a browser test shares two
#: cores with Chromium and four pages, so it waits longer and prints what it measured.
FOLLOW_TIMEOUT_MS = 20_000


QR_DRAWN_JS = """() => {
  const image = document.querySelector('.st-key-ev-class-qr img');
  return image && image.complete && image.naturalWidth > 0;
}"""


def follows(student: Page, text: str, encoding: tiktoken.Encoding) -> None:
    """The student's page comes to show ``text`` and its tokens by itself (the student touches nothing):
    the followers' page (no sentence box of its own), the chips of plain tiktoken's ids, and charts."""
    expect(student.locator(".ev-mirror-sentence")).to_have_text(text, timeout=FOLLOW_TIMEOUT_MS)
    chips = student.locator(".ev-mirror .ev-chip")
    ids = [str(i) for i in encoding.encode(text)]
    expect(chips).to_have_count(len(ids), timeout=FOLLOW_TIMEOUT_MS)
    assert [chips.nth(i).get_attribute("data-token-id") for i in range(len(ids))] == ids
    expect(student.locator(".ev-mirror .ev-mirror-chart .main-svg").first).to_be_visible()
    assert student.get_by_label("Sentence", exact=True).count() == 0  # the teacher's settings, no box


def start_class(new_page: Callable[..., Page], app_url: str) -> tuple[Page, str]:
    teacher = new_page(**DESKTOP, permissions=["clipboard-read", "clipboard-write"])
    open_app(teacher, f"{app_url}/?class=start")
    no_exception(teacher)
    code = teacher.locator(".ev-join-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{6}", code), code
    return teacher, code


def test_students_follow_explore_and_follow_again(
    new_page: Callable[..., Page], app_url: str, plain_gpt2: tiktoken.Encoding
) -> None:
    teacher, code = start_class(new_page, app_url)
    assert f"room={code}" in teacher.url and "key=" not in teacher.url and "class=" not in teacher.url
    expect(teacher.locator(".ev-join-link")).to_contain_text(f"?room={code}")
    expect(teacher.locator(".st-key-ev-class-qr img")).to_be_visible()
    # the QR code is drawn, not a broken image with its alternative text
    teacher.wait_for_function(QR_DRAWN_JS)

    students = [new_page(**LAPTOP), new_page(**PHONE), new_page(**LAPTOP)]
    for student in students:
        open_app(student, f"{app_url}/?room={code}")
        no_exception(student)
        expect(student.get_by_text("Following the teacher")).to_be_visible()

    started = time.monotonic()
    type_sentence(teacher, SENTENCE)
    for student in students:
        follows(student, SENTENCE, plain_gpt2)
    print(f"three students showed the teacher's sentence {time.monotonic() - started:.2f} s after Enter")

    explorer, phone, _ = students
    explorer.get_by_role("button", name="Explore on my own").click()
    expect(explorer.get_by_text("Exploring on your own")).to_be_visible()
    type_sentence(explorer, "my own words")
    type_sentence(teacher, "Der Hund bellt")
    follows(phone, "Der Hund bellt", plain_gpt2)
    expect(sentence_box(explorer)).to_have_value("my own words")
    expect(sentence_box(teacher)).to_have_value("Der Hund bellt")  # the student's edit never reached the room
    explorer.get_by_role("button", name="Follow again").click()
    follows(explorer, "Der Hund bellt", plain_gpt2)

    screenshot(teacher, "classroom-teacher-1920x1080")
    teacher.set_viewport_size(LAPTOP["viewport"])
    # (a screenshot, not an assertion: the charts lay themselves out at the new width first, or the
    # stretched shot catches text reflowed around charts still at 1920 px)
    teacher.wait_for_timeout(2000)
    screenshot(teacher, "classroom-teacher-1280x720")
    screenshot(phone, "classroom-student-390")
    for page in [teacher, *students]:
        no_exception(page)


def test_the_teacher_link_is_copied_unseen_and_a_forged_one_follows(
    new_page: Callable[..., Page], app_url: str, plain_gpt2: tiktoken.Encoding
) -> None:
    teacher, code = start_class(new_page, app_url)
    teacher.get_by_role("button", name="Copy my teacher link").click()
    expect(teacher.get_by_text("Copied.")).to_be_visible()
    link = teacher.evaluate("navigator.clipboard.readText()")
    key = re.fullmatch(rf".*\?room={code}&key=([A-Za-z0-9_-]+)", link)
    assert key, link
    assert key[1] not in teacher.content()  # copied, never on the page
    type_sentence(teacher, SENTENCE)

    forged = new_page(**LAPTOP)
    open_app(forged, f"{app_url}/?room={code}&key={key[1][:-2]}xx")
    expect(forged.get_by_text("This teacher link is not valid")).to_be_visible()
    follows(forged, SENTENCE, plain_gpt2)

    again = new_page(**LAPTOP)
    open_app(again, link)
    expect(again.locator(".ev-join-code")).to_have_text(code)
    expect(sentence_box(again)).to_have_value(SENTENCE)
    again.wait_for_url(re.compile(rf"room={code}"))
    assert "key=" not in again.url


def test_an_unknown_code_and_a_german_student(
    new_page: Callable[..., Page], app_url: str, plain_gpt2: tiktoken.Encoding
) -> None:
    unknown = new_page(**PHONE)
    open_app(unknown, f"{app_url}/?room=ZZZZZZ&lang=de")
    expect(unknown.get_by_text("keinen Klassenraum mit dem Code")).to_be_visible()
    box = unknown.get_by_label("Satz", exact=True)  # the page works on its own
    box.fill("Die Katze")
    box.press("Enter")
    expect(unknown.get_by_text("9 Zeichen → 3 Tokens")).to_be_visible()
    teacher, code = start_class(new_page, app_url)
    german = new_page(**PHONE)
    open_app(german, f"{app_url}/?room={code}&lang=de")
    expect(german.get_by_text("Du folgst der Lehrkraft")).to_be_visible()
    type_sentence(teacher, SENTENCE)
    follows(german, SENTENCE, plain_gpt2)
    expect(german.locator(".ev-mirror-counts")).to_have_text(
        f"27 Zeichen → {len(plain_gpt2.encode(SENTENCE))} Tokens"
    )
    expect(german.locator(".ev-mirror h3").first).to_have_text("1 · Tokens")
    expect(german.get_by_role("button", name="Selbst ausprobieren")).to_be_visible()
    no_exception(german)


def test_the_board_and_a_question_reach_the_projector_live(
    new_page: Callable[..., Page], app_url: str, plain_gpt2: tiktoken.Encoding
) -> None:
    teacher, code = start_class(new_page, app_url)
    type_sentence(teacher, SENTENCE)
    students = [new_page(**PHONE), new_page(**LAPTOP)]
    for student in students:
        open_app(student, f"{app_url}/?room={code}")
    phone, laptop = students
    phone.get_by_label("A word or a short sentence").fill("Donaudampfschifffahrt")
    phone.get_by_label("Nickname (optional)").fill("<b>Max</b>")
    phone.get_by_role("button", name="Send to the board").click()
    expect(phone.get_by_text("Sent:")).to_be_visible()
    # The teacher touches nothing: the board's listener reruns the teacher's tools.
    expect(teacher.get_by_text("1 entry,")).to_be_visible(timeout=FOLLOW_TIMEOUT_MS)
    expect(teacher.locator(".st-key-ev-board-space canvas").first).to_be_visible()
    teacher.get_by_text("Entries").click()
    expect(teacher.get_by_text("<b>Max</b>")).to_be_visible()  # the nickname as typed, not bold HTML
    assert teacher.locator("b", has_text="Max").count() == 0
    teacher.get_by_role("button", name="Hide", exact=True).click()
    expect(teacher.get_by_text("Nothing on the board yet")).to_be_visible()

    teacher.get_by_role("button", name="Ask the class").click()
    for student in students:
        expect(student.get_by_text("How many tokens does the sentence have?")).to_be_visible(
            timeout=FOLLOW_TIMEOUT_MS
        )
    n_tokens = str(len(plain_gpt2.encode(SENTENCE)))
    for student in students:
        student.locator('[data-testid="stRadio"] label', has_text=n_tokens).first.click()
        expect(student.get_by_text("Answer sent.")).to_be_visible()
    expect(teacher.get_by_text("2 answers so far")).to_be_visible(timeout=FOLLOW_TIMEOUT_MS)
    teacher.get_by_role("button", name="Reveal the answer").click()
    expect(laptop.get_by_text(f"Right answer: {n_tokens}")).to_be_visible(timeout=FOLLOW_TIMEOUT_MS)
    screenshot(teacher, "classroom-teacher-board")
    for page in [teacher, *students]:
        no_exception(page)
