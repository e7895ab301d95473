"""The server-wide training queue (embedviz.train_queue), with fake jobs that wait for a gate the test
opens, so that every ordering is decided by the test, not by timing."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator

import pytest

from embedviz.budget import MemoryBudget
from embedviz.embeddings import EmbeddingSpec
from embedviz.errors import EmbedvizError, MemoryBudgetExceeded
from embedviz.train_queue import (
    WORKERS_VARIABLE,
    Control,
    Progress,
    RunCancelled,
    TrainQueue,
    worker_count,
)

WAIT = 10.0  # seconds any single expected event may take on a loaded machine


class FakeRun:
    """A job: says it started, reports step 1 of ``steps``, then waits for ``gate`` (or a stop
    request, returning a partial result), then raises ``error`` or returns ``name``."""

    def __init__(self, name: str, log: list[str], steps: int = 10, error: Exception | None = None) -> None:
        self.name, self.log, self.steps, self.error = name, log, steps, error
        self.started, self.gate = threading.Event(), threading.Event()
        self.calls = 0

    def __call__(self, control: Control) -> str:
        self.calls += 1
        self.log.append(self.name)
        control.report(1, self.steps, 2.5)
        self.started.set()
        while not self.gate.wait(0.005):
            if control.stop_requested:
                return f"{self.name} (partial)"
        if self.error is not None:
            raise self.error
        return self.name


@pytest.fixture
def make_queue() -> Iterator:
    queues: list[TrainQueue] = []

    def make(**options) -> TrainQueue:
        queues.append(TrainQueue(**options))
        return queues[-1]

    yield make
    for queue in queues:
        queue.close()


def runs(names: str, log: list[str], **options) -> dict[str, FakeRun]:
    return {name: FakeRun(name, log, **options) for name in names}


def submit(queue: TrainQueue, run: FakeRun, key: str | None = None, **options):
    return queue.submit(key or run.name, run, steps=run.steps, **options)


def test_first_come_first_served(make_queue) -> None:
    log: list[str] = []
    queue, jobs = make_queue(workers=1), runs("abcd", log)
    tickets = [submit(queue, jobs[name]) for name in "abcd"]
    for name, ticket in zip("abcd", tickets, strict=True):
        jobs[name].gate.set()
        assert ticket.result(WAIT) == name
    assert log == list("abcd")


def test_never_more_runs_at_once_than_workers(make_queue) -> None:
    log: list[str] = []
    queue, jobs = make_queue(workers=3), runs("abcdefgh", log)
    tickets = [submit(queue, job) for job in jobs.values()]
    for name in "abc":
        assert jobs[name].started.wait(WAIT)
    assert queue.counts() == (3, 5)
    assert not any(job.started.is_set() for name, job in jobs.items() if name not in "abc")
    jobs["b"].gate.set()
    assert jobs["d"].started.wait(WAIT)  # the next in line takes the free worker
    assert queue.counts() == (3, 4)
    assert not jobs["e"].started.is_set()
    for job in jobs.values():
        job.gate.set()
    assert [ticket.result(WAIT) for ticket in tickets] == list("abcdefgh")
    assert queue.counts() == (0, 0)


def test_identical_requests_share_one_run_and_its_result(make_queue) -> None:
    log: list[str] = []
    queue = make_queue(workers=1)
    first, second = FakeRun("x", log), FakeRun("x", log)
    one, two = submit(queue, first, "same"), submit(queue, second, "same")
    first.gate.set()
    assert one.result(WAIT) == two.result(WAIT) == "x"
    assert (first.calls, second.calls) == (1, 0)
    later = submit(queue, second, "same")  # finished lately: answered at once, nothing runs
    assert later.state == "done" and later.result(0) == "x" and second.calls == 0
    assert queue.finished("same") == "x"


def test_place_in_line_moves_up_live(make_queue) -> None:
    log: list[str] = []
    queue, jobs = make_queue(workers=1), runs("abcd", log)
    tickets = {name: submit(queue, job) for name, job in jobs.items()}
    assert jobs["a"].started.wait(WAIT)
    assert [tickets[n].place_in_line for n in "abcd"] == [0, 1, 2, 3]
    assert [tickets[n].state for n in "abcd"] == ["running", "queued", "queued", "queued"]
    tickets["c"].cancel()
    assert [tickets[n].place_in_line for n in "abcd"] == [0, 1, None, 2]
    jobs["a"].gate.set()
    assert jobs["b"].started.wait(WAIT)
    assert tickets["a"].wait(WAIT)
    assert [tickets[n].place_in_line for n in "abd"] == [None, 0, 1]


def test_estimates_play_the_line_forward_and_learn_the_pace(make_queue) -> None:
    now = [0.0]
    log: list[str] = []
    queue = make_queue(workers=1, seconds_per_step=1.0, clock=lambda: now[0])
    a, b = FakeRun("a", log, steps=10), FakeRun("b", log, steps=5)
    ticket_a, ticket_b = submit(queue, a), submit(queue, b)
    assert a.started.wait(WAIT)
    # a has reported 1 of 10 steps at t=0: no pace of its own yet, 9 steps at the average 1 s
    assert ticket_a.progress == Progress(1, 10, 2.5)
    assert (ticket_a.estimate_seconds, ticket_b.estimate_seconds) == (9.0, 14.0)
    now[0] = 4.0  # 4 s for 1 step: a's own pace says 9 more steps x 4 s
    assert (ticket_a.estimate_seconds, ticket_b.estimate_seconds) == (36.0, 41.0)
    now[0] = 20.0
    a.gate.set()
    assert ticket_a.wait(WAIT) and b.started.wait(WAIT)
    assert queue.seconds_per_step == pytest.approx(1.0 + 0.3 * (2.0 - 1.0))  # a: 20 s / 10 steps
    assert ticket_a.estimate_seconds is None
    b.gate.set()


def test_two_workers_estimate_the_earliest_free_one(make_queue) -> None:
    now = [0.0]
    log: list[str] = []
    queue = make_queue(workers=2, seconds_per_step=1.0, clock=lambda: now[0])
    jobs = {"a": FakeRun("a", log, steps=30), "b": FakeRun("b", log, steps=10), "c": FakeRun("c", log)}
    tickets = {name: submit(queue, job) for name, job in jobs.items()}
    assert jobs["a"].started.wait(WAIT) and jobs["b"].started.wait(WAIT)
    # a ends in 29 s, b in 9 s (1 step reported at t=0): c starts when b's worker is free
    assert tickets["c"].estimate_seconds == 9.0 + 10.0
    for job in jobs.values():
        job.gate.set()


def test_stop_while_queued_leaves_the_line_and_never_runs(make_queue) -> None:
    log: list[str] = []
    queue, jobs = make_queue(workers=1), runs("ab", log)
    ticket_a, ticket_b = submit(queue, jobs["a"]), submit(queue, jobs["b"])
    assert jobs["a"].started.wait(WAIT)
    ticket_b.cancel()
    assert (ticket_b.state, ticket_b.place_in_line, ticket_b.estimate_seconds) == ("cancelled", None, None)
    assert queue.counts()[1] == 0
    jobs["a"].gate.set()
    assert ticket_a.result(WAIT) == "a"
    with pytest.raises(RunCancelled):
        ticket_b.result(0)
    assert jobs["b"].calls == 0 and log == ["a"]


def test_one_of_two_leaving_a_queued_run_does_not_drop_it(make_queue) -> None:
    log: list[str] = []
    queue, jobs = make_queue(workers=1), runs("ab", log)
    submit(queue, jobs["a"])
    leaves, stays = submit(queue, jobs["b"]), submit(queue, jobs["b"])
    assert jobs["a"].started.wait(WAIT)
    leaves.cancel()
    assert (leaves.state, stays.place_in_line) == ("cancelled", 1)
    jobs["a"].gate.set()
    jobs["b"].gate.set()
    assert stays.result(WAIT) == "b"


def test_stop_while_running_stops_the_run_and_keeps_the_partial_result_private(make_queue) -> None:
    log: list[str] = []
    queue, job = make_queue(workers=1), FakeRun("a", log)
    ticket = submit(queue, job)
    assert job.started.wait(WAIT)
    ticket.cancel()
    assert ticket.result(WAIT) == "a (partial)"
    assert ticket.state == "stopped"
    assert queue.finished("a") is None  # a stopped run is not shared
    again = submit(queue, job)  # the next press of Train starts a new run
    assert again.state in ("queued", "running")
    job.gate.set()
    assert again.result(WAIT) == "a" and job.calls == 2


def test_a_running_run_goes_on_while_someone_still_waits(make_queue) -> None:
    log: list[str] = []
    queue, job = make_queue(workers=1), FakeRun("a", log)
    leaves, stays = submit(queue, job), submit(queue, job)
    assert job.started.wait(WAIT)
    leaves.cancel()
    assert leaves.state == "cancelled" and stays.state == "running"
    job.gate.set()
    assert stays.result(WAIT) == "a"
    with pytest.raises(RunCancelled):
        leaves.result(0)


def test_a_failing_run_reaches_all_its_tickets_and_the_queue_goes_on(make_queue, caplog) -> None:
    log: list[str] = []
    queue = make_queue(workers=1)
    broken = FakeRun("broken", log, error=RuntimeError("boom"))
    after = FakeRun("after", log)
    one, two, three = submit(queue, broken), submit(queue, broken), submit(queue, after)
    broken.gate.set()
    after.gate.set()
    with caplog.at_level(logging.ERROR, logger="embedviz.train_queue"):
        for ticket in (one, two):
            with pytest.raises(RuntimeError, match="boom"):
                ticket.result(WAIT)
        assert three.result(WAIT) == "after"
    assert one.state == two.state == "failed"
    assert "boom" in caplog.text  # an unexpected error is also logged, never silent
    assert queue.finished("broken") is None


def test_a_user_facing_error_is_delivered_not_logged(make_queue, caplog) -> None:
    log: list[str] = []
    queue, job = make_queue(workers=1), FakeRun("a", log, error=EmbedvizError("text too short"))
    ticket = submit(queue, job)
    job.gate.set()
    with (
        caplog.at_level(logging.ERROR, logger="embedviz.train_queue"),
        pytest.raises(EmbedvizError, match="too short"),
    ):
        ticket.result(WAIT)
    assert "too short" not in caplog.text


def test_budget_refusal_fails_that_run_only(make_queue) -> None:
    log: list[str] = []
    budget = MemoryBudget(1_000, margin=0, rss=lambda: 0, release=lambda: None)
    queue, jobs = make_queue(workers=1, budget=budget), runs("ab", log)
    too_big = submit(queue, jobs["a"], nbytes=2_000, what="Training at dim 2,048")
    fits = submit(queue, jobs["b"], nbytes=600)
    with pytest.raises(MemoryBudgetExceeded) as caught:
        too_big.result(WAIT)
    assert (caught.value.needed, caught.value.available) == (2_000, 1_000)
    assert jobs["a"].calls == 0
    assert jobs["b"].started.wait(WAIT)
    assert budget.reserved == 600  # held while the run runs
    jobs["b"].gate.set()
    assert fits.result(WAIT) == "b"
    assert budget.reserved == 0


def test_a_run_that_does_not_fit_yet_waits_for_a_running_one(make_queue) -> None:
    log: list[str] = []
    budget = MemoryBudget(1_000, margin=0, rss=lambda: 0, release=lambda: None)
    queue, jobs = make_queue(workers=2, budget=budget), runs("abc", log)
    first = submit(queue, jobs["a"], nbytes=600)
    assert jobs["a"].started.wait(WAIT)
    second, third = submit(queue, jobs["b"], nbytes=600), submit(queue, jobs["c"])
    assert not jobs["b"].started.wait(0.3)  # a worker is free, but the memory is not
    assert (second.state, second.place_in_line, third.place_in_line) == ("queued", 1, 2)
    assert not jobs["c"].started.is_set()  # first come, first served: c waits behind b
    jobs["a"].gate.set()
    assert first.result(WAIT) == "a"
    assert jobs["b"].started.wait(WAIT) and budget.reserved == 600
    jobs["b"].gate.set()
    jobs["c"].gate.set()
    assert (second.result(WAIT), third.result(WAIT)) == ("b", "c")
    assert budget.reserved == 0


def test_only_the_newest_results_are_kept(make_queue) -> None:
    log: list[str] = []
    queue, jobs = make_queue(workers=1, keep=2), runs("abc", log)
    for job in jobs.values():
        job.gate.set()
        submit(queue, job).result(WAIT)
    assert [queue.finished(name) for name in "abc"] == [None, "b", "c"]


def test_worker_setup_runs_in_each_worker_thread(make_queue) -> None:
    seen: set[str] = set()
    log: list[str] = []
    queue = make_queue(workers=2, worker_setup=lambda: seen.add(threading.current_thread().name))
    jobs = runs("ab", log)
    tickets = [submit(queue, job) for job in jobs.values()]
    for job in jobs.values():
        assert job.started.wait(WAIT)
        job.gate.set()
    for ticket in tickets:
        ticket.result(WAIT)
    assert seen == {"train-worker-0", "train-worker-1"}


@pytest.mark.parametrize(
    ("value", "expected"), [("3", 3), ("1", 1), ("0", None), ("many", None), ("-2", None), ("", None)]
)
def test_worker_count(value: str, expected: int | None) -> None:
    import os

    cores = len(os.sched_getaffinity(0))
    assert worker_count({WORKERS_VARIABLE: value}) == (expected or cores)
    assert worker_count({}) == cores


def test_real_training_stops_through_the_queue(make_queue) -> None:
    """Control.on_step plugged into embedviz.training.train: progress arrives, Stop stops the loop."""
    from embedviz.training import TrainConfig, train

    config = TrainConfig(spec=EmbeddingSpec(dim=16, context_length=64), steps=2_000, snapshot_every=50)
    reached = threading.Event()
    queue = make_queue(workers=1)

    def job(control: Control):
        def on_step(info) -> bool:
            if info.step >= 5:
                reached.set()
            return control.on_step(info)

        return train(config, [40, 41, 42], on_step=on_step)

    ticket = queue.submit("real", job, steps=config.steps)
    assert reached.wait(60)
    assert ticket.progress.done >= 5 and ticket.progress.loss is not None
    ticket.cancel()
    result = ticket.result(60)
    assert ticket.state == "stopped" and result.stopped_early
    assert 5 <= result.steps_done < config.steps
