"""The Train and Stop buttons of the view "train", through the server's training queue.

Thirty students pressing Train at once must not start thirty runs on two cores. So the page never
trains in its own script run: Train puts a request into the server's one line of runs
(:func:`embedviz.ui.cache.train_queue`, a :class:`embedviz.train_queue.TrainQueue`) and keeps the
:class:`~embedviz.train_queue.Ticket` in this visitor's session state. Then:

* **Waiting and running** are drawn by a fragment that Streamlit re-runs every
  :data:`REFRESH_SECONDS` on its own (``st.fragment(run_every=...)``): the place in line and the
  estimate, then the steps done and the latest loss. It reads the ticket only; when the run is over
  it asks for one full rerun of the page, which shows the result.
* **Identical requests share one run** (the queue's key is :class:`~embedviz.training_runs.TrainKey`),
  and a finished run is kept for everyone (the queue keeps the newest few).
* **Stop** cancels the ticket: a waiting run leaves the line; a running one stops at its next step and
  this visitor gets what it had learned (not shared). Someone else on the same run keeps it going.
* **A failed run** shows its message; a run refused by the memory budget says, in the visitor's
  language, how much it needed and how much was free.

The job (:func:`embedviz.training_runs.run_job`) fetches the page's cached tables itself when it starts,
so a run waiting in line holds no table, and it keeps only what the page shows
(:class:`~embedviz.training_runs.PageRun`).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from embedviz.errors import EmbedvizError, MemoryBudgetExceeded
from embedviz.train_queue import Ticket
from embedviz.training_runs import PageRun, TrainKey, run_bytes, run_job
from embedviz.ui import cache
from embedviz.ui.error_text import error_text
from embedviz.ui.i18n import md_literal, number, t

#: Session state: this visitor's :class:`Held` ticket.
TICKET = "_train_ticket"
#: How often the waiting/progress fragment redraws itself (seconds): one small message a second per
#: waiting visitor, so thirty visitors in line cost the server little.
REFRESH_SECONDS = 1.0
ACTIVE = ("queued", "running", "stopping")


@dataclass(frozen=True)
class Held:
    """This visitor's ticket, and whether its result was already there when it was asked for."""

    ticket: Ticket[PageRun]
    found: bool


def held(key: TrainKey) -> Held | None:
    """This visitor's ticket for ``key`` (None if there is none, or it is for other settings)."""
    found = st.session_state.get(TICKET)
    return found if isinstance(found, Held) and found.ticket.key == key else None


def is_active(key: TrainKey) -> bool:
    """True while this visitor's run for ``key`` waits, runs or stops."""
    mine = held(key)
    return mine is not None and mine.ticket.state in ACTIVE


def submit(key: TrainKey, sentence_ids: list[int]) -> None:
    """Train: ask the queue for ``key`` (joins a run in line, or takes a finished one); called in the
    script run the click starts. A waiting or running run of this visitor for other settings leaves the
    line first."""
    previous = st.session_state.get(TICKET)
    if isinstance(previous, Held):
        if previous.ticket.key == key and previous.ticket.state in ACTIVE:
            return
        previous.ticket.cancel()
    queue = cache.train_queue()
    found = queue.finished(key) is not None
    ticket = queue.submit(
        key,
        run_job(key, sentence_ids, cache.page_tables),
        steps=key.steps,
        nbytes=run_bytes(key, len(sentence_ids)),
        what="A training run",
    )
    st.session_state[TICKET] = Held(ticket, found)


def stop() -> None:
    """Stop's callback: leave the line (see the module's docstring)."""
    mine = st.session_state.get(TICKET)
    if isinstance(mine, Held):
        mine.ticket.cancel()


def failure_message(error: BaseException) -> str:
    """A failed run's message in the visitor's language (the budget's refusal), else the error's own."""
    if isinstance(error, MemoryBudgetExceeded):
        return t(
            "train.refused",
            needed=number(error.needed / 1e6),
            available=number(error.available / 1e6),
            limit=number(error.limit / 1e6),
        )
    message = error_text(error) if isinstance(error, EmbedvizError) else str(error)
    return t("train.failed", message=md_literal(message))


def outcome(key: TrainKey) -> tuple[PageRun | None, str]:
    """The run to show for ``key`` and where it comes from: "now" (this visitor's run), "before" (kept
    from anyone's earlier run), "stopped" (this visitor's stopped run); "waiting" while it is in line or
    running (the progress is drawn here), "failed" (the message is drawn here), or "" (nothing yet)."""
    mine = held(key)
    if mine is not None:
        state = mine.ticket.state
        if state in ACTIVE:
            live_progress()
            return None, "waiting"
        if state in ("done", "stopped"):
            origin = "stopped" if state == "stopped" else ("before" if mine.found else "now")
            return mine.ticket.result(), origin
        if state == "failed":
            try:
                mine.ticket.result()
            except Exception as error:  # the job's error, delivered to every ticket of its run
                st.error(failure_message(error), icon=":material/error:")
            return None, "failed"
    kept = cache.train_queue().finished(key)
    return (kept, "before") if kept is not None else (None, "")


@st.fragment(run_every=REFRESH_SECONDS)
def live_progress() -> None:
    """Place in line and estimate, or steps and loss, redrawn every REFRESH_SECONDS; one full rerun when
    the run is over."""
    mine = st.session_state.get(TICKET)
    if not isinstance(mine, Held) or mine.ticket.state not in ACTIVE:
        st.rerun()
    ticket = mine.ticket
    state, place, seconds = ticket.state, ticket.place_in_line, ticket.estimate_seconds
    eta = number(seconds or 0.0)
    if state == "stopping":
        st.info(t("train.stopping"), icon=":material/stop_circle:")
    elif state == "queued" and place:
        st.info(t("train.queued", place=place, seconds=eta), icon=":material/hourglass_top:")
    else:
        done = ticket.progress
        if done.loss is None:
            st.progress(0.0, text=t("train.starting"))
        else:
            line = t(
                "train.running", step=done.done, steps=done.total, loss=number(done.loss, 3), seconds=eta
            )
            st.progress(min(1.0, done.done / max(done.total, 1)), text=line)


__all__ = ["REFRESH_SECONDS", "TICKET", "Held", "is_active", "outcome", "stop", "submit"]
