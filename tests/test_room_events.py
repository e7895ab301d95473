"""The long poll of a room: answered the moment the room changes, never by polling, and when it ends."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import own_loop
import pytest
from starlette.requests import Request

from embedviz.rooms import Rooms
from embedviz.ui import room_server


def _request(code: str, query: str) -> Request:
    scope = {
        "type": "http",
        "method": "GET",
        "path": room_server.events_url(code),
        "path_params": {"code": code},
        "query_string": query.encode(),
        "headers": [],
    }
    return Request(scope)


async def _ask(code: str, query: str) -> dict:
    response = await room_server.room_events(_request(code, query))
    return json.loads(response.body)


def test_a_page_behind_the_room_is_answered_at_once(rooms: Rooms) -> None:
    room = rooms.create(now=time.time())
    room.publish({"text": "Die Katze"}, now=time.time())
    assert own_loop.run(_ask(room.code, "since=0")) == {"version": 1}
    assert own_loop.run(_ask(room.code.lower(), "since=-1&watch=all")) == {"version": 1}


def test_a_waiting_page_is_woken_by_a_change_from_another_thread(rooms: Rooms) -> None:
    room = rooms.create(now=time.time())

    async def wait_and_publish() -> tuple[dict, float]:
        started = time.monotonic()
        asked = asyncio.create_task(_ask(room.code, "since=0"))
        while room_server.WAITERS.count(room.code) == 0:  # the request is parked on its future
            await asyncio.sleep(0.001)
        # the teacher's script thread publishes
        threading.Thread(target=room.publish, args=({"text": "Die Katze saß"}, time.time())).start()
        answer = await asked
        return answer, time.monotonic() - started

    answer, waited = own_loop.run(wait_and_publish())
    assert answer == {"version": 1}
    assert waited < 1.0  # woken, not the 25 s timeout
    assert room_server.WAITERS.count() == 0


def test_only_what_a_student_sees_wakes_a_student(rooms: Rooms, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(room_server, "POLL_SECONDS", 0.3)
    room = rooms.create(now=time.time())

    async def board_then_wait() -> tuple[dict, dict]:
        follow = asyncio.create_task(_ask(room.code, "since=0"))
        teach = asyncio.create_task(_ask(room.code, "since=0&watch=all"))
        while room_server.WAITERS.count(room.code) < 2:
            await asyncio.sleep(0.001)
        room.send("s1", "Katze", now=time.time())  # a board entry: the teacher's page only
        return await follow, await teach

    follow, teach = own_loop.run(board_then_wait())
    assert follow == {"version": 0}  # timed out with the same version: the page asks again
    assert teach == {"version": 1}


def test_an_ended_or_unknown_room_says_so(rooms: Rooms) -> None:
    room = rooms.create(now=time.time())

    async def wait_then_end() -> dict:
        asked = asyncio.create_task(_ask(room.code, "since=0"))
        while room_server.WAITERS.count(room.code) == 0:
            await asyncio.sleep(0.001)
        rooms.end(room.code, room.key)
        return await asked

    assert own_loop.run(wait_then_end()) == {"ended": True}
    assert own_loop.run(_ask("ZZZZZZ", "since=0")) == {"ended": True}


def test_a_malformed_since_is_refused_not_raised(rooms: Rooms) -> None:
    room = rooms.create(now=time.time())
    response = own_loop.run(room_server.room_events(_request(room.code, "since=abc")))
    assert response.status_code == 400


@pytest.mark.parametrize(("value", "expected"), [("", 20), ("5", 5), ("0", 20), ("-3", 20), ("many", 20)])
def test_max_rooms_from_the_environment(value: str, expected: int) -> None:
    assert room_server.max_rooms({"EMBEDVIZ_MAX_ROOMS": value}) == expected


def test_the_route_lives_under_the_base_url_path(monkeypatch: pytest.MonkeyPatch) -> None:
    values = {"server.baseUrlPath": "/teach/"}
    monkeypatch.setattr(room_server.config, "get_option", lambda name: values[name])
    assert room_server.routes()[0].path == "/teach/_embedviz/room/{code}/events"
    assert room_server.events_url("ABC234") == "/teach/_embedviz/room/ABC234/events"
    values["server.baseUrlPath"] = ""
    assert room_server.routes()[0].path == "/_embedviz/room/{code}/events"
    assert room_server.events_url("ABC234") == "/_embedviz/room/ABC234/events"
