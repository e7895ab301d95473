"""The server runs the page once before it takes its first visitor (``app.py``'s ``st.App`` lifespan,
``embedviz.ui.startup.warm_up``): the first student of a new server does not wait for torch, scikit-learn
and the default tables."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from browser.conftest import start_streamlit  # starts a server, returns when its health check answers

from embedviz.ui import startup

REPO = Path(__file__).resolve().parents[1]
WARMED = "ran the page once before the first visitor in"


def test_the_server_answers_only_after_the_page_ran_once(tmp_path: Path) -> None:
    server = start_streamlit(REPO / "app.py", tmp_path / "server.log", timeout=120)
    try:
        said = server.log_path.read_text()  # read as the health check first answered: the run is over
    finally:
        server.stop()
    assert WARMED in said, said[-3000:]
    assert said.split(WARMED, 1)[1].split("\n", 1)[0].endswith("(ok)"), said[-3000:]


def test_a_page_that_fails_is_served_anyway(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    class FailingRuntime:
        async def does_script_run_without_error(self) -> tuple[bool, str]:
            return False, "error"

    monkeypatch.setattr(startup.Runtime, "instance", staticmethod(lambda: FailingRuntime()))
    served = []

    async def serve() -> None:
        async with startup.warm_up(None):
            served.append(True)

    # In a thread of its own: after the browser tests, Playwright's event loop runs in this one.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, serve()).result()
    assert served == [True]
    assert "it did not finish: error; serving anyway" in capsys.readouterr().out
