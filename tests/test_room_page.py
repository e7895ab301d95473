"""The followers' page of a class: what it shows, checked against plain tiktoken and plain torch, and the
route that sends it (built once for many students, gzip, ended rooms, only the latest version).

A following student's browser draws this page itself (embedviz/ui/plotly_host_assets/room_mirror.js), so
what it shows is exactly :func:`embedviz.ui.room_page.snapshot`'s answer."""

from __future__ import annotations

import asyncio
import gzip
import json
import re
import time

import numpy as np
import own_loop
import pytest
import tiktoken
import torch
from apptest_utils import _decode
from starlette.requests import Request

from embedviz.rooms import Room, Rooms
from embedviz.ui import room_page, room_server

SENTENCE = "Die Katze saß auf der Matte"


def block(answer: dict, key: str) -> dict:
    [found] = [b for b in answer["blocks"] if b["key"] == key]
    return found


def chip_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-token-id="(\d+)"', html)]


def figure(answer: dict, key: str) -> dict:
    return _decode(json.loads(block(answer, key)["data"]["figure"]))


def test_the_page_shows_the_teachers_tokens_and_vectors(rooms: Rooms, plain_gpt2: tiktoken.Encoding) -> None:
    room = rooms.create(time.time())
    room.publish({"text": SENTENCE, "dim": "16", "seed": "7"}, time.time())
    version, answer = room_page.snapshot(room, "en")
    assert version == room.follow_version == answer["version"]
    ids = plain_gpt2.encode(SENTENCE)
    assert chip_ids(block(answer, "tokens")["html"]) == ids
    assert f"{len(SENTENCE)} characters → {len(ids)} tokens" in block(answer, "tokens")["html"]
    head = block(answer, "head")["html"]
    assert SENTENCE in head and "Embedding dimension: 16" in head and "Random seed: 7" in head
    torch.manual_seed(7)  # the seed's recipe, written out: token table first, then the position table
    token_table = torch.nn.Embedding(plain_gpt2.n_vocab, 16)
    position_table = torch.nn.Embedding(1024, 16)
    with torch.no_grad():
        tokens = token_table(torch.tensor(ids))
        positions = position_table(torch.arange(len(ids)))
    for key, expected in (("token", tokens), ("position", positions), ("input", tokens + positions)):
        z = figure(answer, f"heatmap-{key}")["data"][0]["z"]
        # the page's heatmaps show 4 decimals, rounded in float64 and sent as float32
        rounded = np.round(expected.double().numpy(), 4).astype(np.float32)
        assert np.array_equal(np.asarray(z), rounded), key
    for key in ("token", "position", "input", "space", "cosines"):  # each chart's text alternative
        title = block(answer, f"{key}-title")["html"]
        assert '<p class="ev-mirror-sr">' in title and "Exact numbers" not in title  # no such table here
    assert [b["key"] for b in answer["blocks"] if "chart" in b] == [
        "heatmap-token",
        "heatmap-position",
        "heatmap-input",
        "space3d",
        "heatmap-cosines",
    ]


def test_a_slide_shows_its_stage_alone_in_the_students_language(rooms: Rooms) -> None:
    room = rooms.create(time.time())
    room.publish({"text": SENTENCE, "presenter": "true", "step": "4"}, time.time())
    _, answer = room_page.snapshot(room, "de")
    assert [b["key"] for b in answer["blocks"]] == ["head", "space-title", "space3d"]
    assert "Schritt 5 von 6: Die 3D-Ansicht" in block(answer, "head")["html"]
    assert "PC1 (" in json.dumps(figure(answer, "space3d")["layout"])
    assert figure(answer, "space3d")["layout"]["separators"] == ",."  # German numbers in the chart


def test_untrusted_text_is_inert(rooms: Rooms) -> None:
    room = rooms.create(time.time())
    room.publish({"text": "<img src=x onerror=alert(1)>"}, time.time())
    _, answer = room_page.snapshot(room, "en")
    html = "".join(b.get("html", "") for b in answer["blocks"])
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_another_view_or_a_question_changes_the_page_key(rooms: Rooms) -> None:
    room = rooms.create(time.time())
    room.publish({"text": SENTENCE}, time.time())
    key = room_page.page_key(room)
    room.publish({"text": "Die Katze"}, time.time())
    assert room_page.page_key(room) == key  # a new sentence: the element draws it, no rerun
    room.publish({"text": "Die Katze", "view": "batches"}, time.time())
    assert room_page.page_key(room) != key
    assert room_page.snapshot(room, "en")[1]["blocks"] == []  # nothing to draw: the page reruns
    room.publish({"text": "Die Katze"}, time.time())
    assert room_page.page_key(room) == key
    room.ask("n_tokens", time.time())
    assert room_page.page_key(room) != key


def _request(code: str, query: str, gzip_ok: bool = True) -> Request:
    headers = [(b"accept-encoding", b"gzip, br")] if gzip_ok else []
    scope = {
        "type": "http",
        "method": "GET",
        "path": room_server.page_url(code),
        "path_params": {"code": code},
        "query_string": query.encode(),
        "headers": headers,
    }
    return Request(scope)


async def _ask(code: str, query: str, gzip_ok: bool = True) -> tuple[dict, dict]:
    response = await room_server.followers_page(_request(code, query, gzip_ok))
    body = response.body
    if response.headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    return json.loads(body), dict(response.headers)


def test_sixty_students_asking_at_once_cost_one_build(rooms: Rooms, monkeypatch: pytest.MonkeyPatch) -> None:
    room = rooms.create(time.time())
    room.publish({"text": SENTENCE, "dim": "8"}, time.time())
    built: list[tuple[str, str]] = []
    build = room_server._build

    def counted(room: Room, lang: str) -> room_server.BuiltPage:
        built.append((room.code, lang))
        return build(room, lang)

    monkeypatch.setattr(room_server, "_build", counted)

    async def class_asks() -> list[tuple[dict, dict]]:
        asks = [_ask(room.code, "since=-1&lang=" + ("de" if n % 4 == 0 else "en")) for n in range(60)]
        return await asyncio.gather(*asks)

    answers = own_loop.run(class_asks())
    assert sorted(built) == [(room.code, "de"), (room.code, "en")]  # once per language
    assert all(headers["content-encoding"] == "gzip" for _, headers in answers)
    assert {answer["version"] for answer, _ in answers} == {room.follow_version}
    assert len({json.dumps(answer) for answer, _ in answers}) == 2
    plain, headers = own_loop.run(_ask(room.code, "since=0&lang=en", gzip_ok=False))
    assert "content-encoding" not in headers and plain["version"] == room.follow_version
    assert len(built) == 2  # the same version again: no new build


def test_a_student_waits_for_the_next_change_and_gets_only_the_latest(rooms: Rooms) -> None:
    room = rooms.create(time.time())
    room.publish({"text": "Die"}, time.time())

    async def wait_then_changes() -> dict:
        asked = asyncio.create_task(_ask(room.code, f"since={room.follow_version}"))
        while room_server.WAITERS.count(room.code) == 0:
            await asyncio.sleep(0.001)
        for text in ("Die Katze", SENTENCE):  # the teacher types on while the page is built
            room.publish({"text": text}, time.time())
        return (await asked)[0]

    answer = own_loop.run(wait_then_changes())
    assert answer["version"] == room.follow_version
    assert SENTENCE in block(answer, "head")["html"]


def test_an_ended_room_and_a_bad_since(rooms: Rooms) -> None:
    room = rooms.create(time.time())
    rooms.end(room.code, room.key)
    assert own_loop.run(_ask(room.code, "since=-1"))[0] == {"ended": True}
    assert own_loop.run(_ask("ZZZZZZ", "since=-1"))[0] == {"ended": True}
    response = own_loop.run(room_server.followers_page(_request("ZZZZZZ", "since=x")))
    assert response.status_code == 400


def test_the_page_route_lives_under_the_base_url_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(room_server, "base_path", lambda: "/teach")
    assert room_server.page_url("ABCDEF") == "/teach/_embedviz/room/ABCDEF/page"
    assert "/teach/_embedviz/room/{code}/page" in [route.path for route in room_server.routes()]


def test_pages_of_rooms_that_ended_unasked_are_dropped(rooms: Rooms) -> None:
    gone, live = rooms.create(time.time()), rooms.create(time.time())
    for room in (gone, live):
        room.publish({"text": SENTENCE, "dim": "8"}, time.time())
        own_loop.run(_ask(room.code, "since=-1"))
    rooms.end(gone.code, gone.key)  # its students had left: nobody asks again
    live.publish({"text": "Die Katze", "dim": "8"}, time.time())
    own_loop.run(_ask(live.code, "since=-1"))  # the next page built anywhere sweeps
    assert {code for code, _ in room_server.PAGES._built} == {live.code}


def test_a_long_text_shows_its_first_chips_and_says_so_in_german(
    rooms: Rooms, plain_gpt2: tiktoken.Encoding
) -> None:
    text = " ".join(f"Wort{i}" for i in range(300))
    room = rooms.create(time.time())
    room.publish({"text": text, "dim": "8"}, time.time())
    tokens = block(room_page.snapshot(room, "de")[1], "tokens")["html"]
    total = len(plain_gpt2.encode(text))
    assert chip_ids(tokens) == plain_gpt2.encode(text)[:400]
    assert f"Die ersten 400 von {total:,} Tokens als Kärtchen.".replace(",", ".") in tokens
