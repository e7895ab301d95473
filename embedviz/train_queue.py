"""A server-wide training queue: thirty students press Train, the server's cores take turns.

Training a tiny GPT takes a core for a few seconds. Thirty runs started at once on two cores would each
take thirty times as long, and all their memory would be in use at the same time. So runs wait in one
line for the whole server (first come, first served) and at most ``workers`` of them run at once::

    queue = TrainQueue(workers=2, budget=budget)
    ticket = queue.submit(key, job, steps=150, nbytes=training_bytes(config, n_text))
    ticket.place_in_line, ticket.estimate_seconds, ticket.progress   # live, for the page
    ticket.cancel()                                                   # the Stop button
    ticket.result(timeout=...)                                        # what ``job`` returned

* **One run per key.** A request with the key of a run that is queued or running joins it (a second
  ticket on the same run); a key whose run finished lately gets its result at once (the queue keeps the
  ``keep`` newest results, least recently used first out). A result is what ``job`` returns: keep it to
  what the page shows (the snapshots and the losses), never the model.
* **Stop leaves the line.** A cancelled ticket leaves its run. A queued run nobody waits for any more is
  dropped; a running one is asked to stop (:attr:`Control.stop_requested`, which the job's training loop
  checks: :meth:`Control.on_step` is an ``on_step`` for :func:`embedviz.training.train`), and the ticket
  that stopped it receives its partial result, which is not shared.
* **Failures reach the visitors.** An exception raised by a job is delivered to every ticket of its run
  (``result()`` raises it); nothing is lost in the worker thread.
* **Memory first.** With a budget (:class:`embedviz.budget.MemoryBudget`) each run reserves its
  ``nbytes`` before it starts and releases them when it ends. A run that does not fit while other runs
  hold memory stays at the head of the line until one of them ends; when nothing else runs, the
  refusal fails that run only (its tickets get the budget's error), and the line goes on.
* **Estimates.** The seconds a run takes per step are a moving average of recent finished runs; a
  ticket's estimate plays the line forward on the workers (running runs by their progress so far).
"""

from __future__ import annotations

import contextlib
import heapq
import logging
import os
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from embedviz.errors import EmbedvizError, MemoryBudgetExceeded

WORKERS_VARIABLE = "EMBEDVIZ_TRAINING_WORKERS"
#: Seconds per training step before any run finished (dim 256 on one core of a small server).
PRIOR_SECONDS_PER_STEP = 0.03
#: Weight of the newest run in the moving average of seconds per step.
SMOOTHING = 0.3

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")
log = logging.getLogger(__name__)


class RunCancelled(EmbedvizError):
    """The ticket left the line before its run finished: there is no result."""

    key = "error.run_cancelled"


class StepLike(Protocol):
    """What :meth:`Control.on_step` reads of :class:`embedviz.training.StepInfo`."""

    step: int
    steps: int
    loss: float | None


def worker_count(environ: Mapping[str, str] | None = None) -> int:
    """Runs at once: ``EMBEDVIZ_TRAINING_WORKERS`` (a whole number from 1 to 64; else ignored with a
    log warning), else the cores this process may use (``os.sched_getaffinity``)."""
    environ = os.environ if environ is None else environ
    raw = environ.get(WORKERS_VARIABLE, "").strip()
    if raw:
        if raw.isdigit() and 1 <= int(raw) <= 64:
            return int(raw)
        log.warning("%s=%r is not a whole number from 1 to 64; ignored", WORKERS_VARIABLE, raw[:40])
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Progress:
    """Steps done of ``total`` and the latest loss (None before the first step)."""

    done: int = 0
    total: int = 0
    loss: float | None = None


class _Job:
    """One run and everyone waiting for it (guarded by the queue's lock)."""

    def __init__(
        self, key: Hashable, fn: Callable[[Control], Any], steps: int, nbytes: int, what: str
    ) -> None:
        self.key, self.fn, self.steps, self.nbytes, self.what = key, fn, steps, nbytes, what
        self.state = "queued"  # -> running -> done | failed; queued -> dropped
        self.tickets: set[Ticket] = set()
        self.progress = Progress(0, steps)
        self.stop = threading.Event()
        self.finished = threading.Event()
        self.started: float | None = None
        self.result: Any = None
        self.error: BaseException | None = None
        self.stopped_early = False
        self.retry_after = -1  # refused memory when this many runs had ended: wait for one more


class Control:
    """What a job function receives: report progress, and see whether it should stop."""

    def __init__(self, job: _Job) -> None:
        self._job = job

    @property
    def stop_requested(self) -> bool:
        return self._job.stop.is_set()

    def report(self, done: int, total: int, loss: float | None = None) -> None:
        self._job.progress = Progress(done, total, loss)  # one assignment: readers see old or new

    def on_step(self, info: StepLike) -> bool:
        """An ``on_step`` for :func:`embedviz.training.train`: reports, and returns False to stop."""
        self.report(info.step, info.steps, info.loss)
        return not self.stop_requested


class Ticket(Generic[R]):
    """One visitor's place on one run. Read its properties as often as the page redraws."""

    def __init__(self, queue: TrainQueue, job: _Job) -> None:
        self._queue, self._job = queue, job
        self.key = job.key
        self.cancelled = False
        self.stopping = False  # cancelled as the run's last ticket while it ran: gets the partial result

    @property
    def state(self) -> str:
        """ "queued", "running", "stopping", "done", "stopped" (a partial result), "failed" or "cancelled"."""
        job = self._job
        if self.cancelled and not self.stopping:
            return "cancelled"
        if not job.finished.is_set():
            return "stopping" if self.stopping else job.state
        if job.error is not None:
            return "failed"
        return "stopped" if job.stopped_early else "done"

    @property
    def place_in_line(self) -> int | None:
        """1 = next to start, 2 = after that, ...; 0 while running; None once over or cancelled."""
        return self._queue._place(self)

    @property
    def estimate_seconds(self) -> float | None:
        """Seconds until the run should be finished (None once over or cancelled)."""
        return self._queue._estimate(self)

    @property
    def progress(self) -> Progress:
        return self._job.progress

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the run is over (or this ticket cancelled); True if it is."""
        if self.cancelled and not self.stopping:
            return True
        return self._job.finished.wait(timeout)

    def result(self, timeout: float | None = None) -> R:
        """What the run's job returned; raises its error, :class:`RunCancelled` after :meth:`cancel`
        (unless this ticket stopped the run: then the partial result), TimeoutError."""
        if not self.wait(timeout):
            raise TimeoutError(f"the run {self.key!r} is not finished after {timeout} s")
        if self.state == "cancelled":
            raise RunCancelled("The training run was stopped before it finished.")
        if self._job.error is not None:
            raise self._job.error
        return self._job.result

    def cancel(self) -> None:
        """Stop: leave the line (see the module's docstring)."""
        self._queue._cancel(self)


class TrainQueue(Generic[K, R]):
    """The server's line of training runs; at most ``workers`` run at once. Thread-safe."""

    def __init__(
        self,
        workers: int | None = None,
        *,
        budget: Any = None,
        keep: int = 8,
        seconds_per_step: float = PRIOR_SECONDS_PER_STEP,
        worker_setup: Callable[[], object] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``budget``: a :class:`embedviz.budget.MemoryBudget` (or None); ``worker_setup`` runs once in
        each worker thread (e.g. ``lambda: torch.set_num_threads(1)``, which is per thread)."""
        self.workers = worker_count() if workers is None else workers
        self.keep = keep
        self.seconds_per_step = seconds_per_step
        self._budget = budget
        self._setup = worker_setup
        self._clock = clock
        self._cond = threading.Condition()
        self._line: deque[_Job] = deque()
        self._active: dict[Hashable, _Job] = {}  # queued or running, and not being stopped
        self._running: set[_Job] = set()
        self._results: OrderedDict[Hashable, Any] = OrderedDict()
        self._threads: list[threading.Thread] = []
        self._closed = False
        self._finishes = 0  # runs ended so far: a run refused memory waits for the next one to end

    # -- asking ----------------------------------------------------------------------------------------

    def submit(
        self,
        key: K,
        job: Callable[[Control], R],
        *,
        steps: int,
        nbytes: int = 0,
        what: str = "A training run",
    ) -> Ticket[R]:
        """A ticket on the run for ``key``: its finished result, the run already in line, or a new run of
        ``job(control)`` at the end of the line (``steps`` for estimates, ``nbytes`` for the budget)."""
        with self._cond:
            if self._closed:
                raise RuntimeError("the training queue is closed")
            if key in self._results:
                self._results.move_to_end(key)
                done = _Job(key, job, steps, nbytes, what)
                done.state, done.result, done.progress = "done", self._results[key], Progress(steps, steps)
                done.finished.set()
                return Ticket(self, done)
            run = self._active.get(key)
            if run is None:
                run = self._active[key] = _Job(key, job, steps, nbytes, what)
                self._line.append(run)
                self._start_workers()
                self._cond.notify()
            ticket: Ticket[R] = Ticket(self, run)
            run.tickets.add(ticket)
            return ticket

    def finished(self, key: K) -> R | None:
        """The kept result of a finished run for ``key`` (None if there is none)."""
        with self._cond:
            return self._results.get(key)

    def counts(self) -> tuple[int, int]:
        """(runs running, runs waiting)."""
        with self._cond:
            return len(self._running), len(self._line)

    def close(self, timeout: float = 10.0) -> None:
        """Stop the workers (tests, benchmarks, server shutdown): queued runs are dropped, running runs
        are asked to stop."""
        with self._cond:
            self._closed = True
            for job in self._running:
                job.stop.set()
            for job in self._line:
                job.state = "dropped"
                job.error = RunCancelled("The server stopped training.")
                job.finished.set()
            self._line.clear()
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(timeout)

    # -- tickets ask -----------------------------------------------------------------------------------

    def _cancel(self, ticket: Ticket) -> None:
        with self._cond:
            job = ticket._job
            if ticket.cancelled or job.finished.is_set():
                return
            ticket.cancelled = True
            job.tickets.discard(ticket)
            if job.tickets:
                return
            if self._active.get(job.key) is job:
                del self._active[job.key]  # a new request for this key starts a new run
            if job.state == "queued":
                self._line.remove(job)
                job.state = "dropped"
                job.finished.set()
            else:
                ticket.stopping = True
                job.stop.set()

    def _place(self, ticket: Ticket) -> int | None:
        with self._cond:
            job = ticket._job
            if ticket.state not in ("queued", "running", "stopping"):
                return None
            return self._line.index(job) + 1 if job.state == "queued" else 0

    def _estimate(self, ticket: Ticket) -> float | None:
        with self._cond:
            if ticket.state not in ("queued", "running", "stopping"):
                return None
            now = self._clock()
            free_at = [self._remaining(job, now) for job in self._running]
            if ticket._job in self._running:
                return self._remaining(ticket._job, now)
            free_at += [0.0] * max(0, self.workers - len(free_at))
            heapq.heapify(free_at)
            for job in self._line:
                end = heapq.heappop(free_at) + job.steps * self.seconds_per_step
                if job is ticket._job:
                    return end
                heapq.heappush(free_at, end)
            return None

    def _remaining(self, job: _Job, now: float) -> float:
        """Seconds until a running job ends: the steps left at its own pace so far (once it has one),
        else at the average pace."""
        elapsed = now - job.started if job.started is not None else 0.0
        done, total = job.progress.done, job.steps
        if done <= 0:
            return max(0.0, total * self.seconds_per_step - elapsed)
        pace = elapsed / done if elapsed > 0 else self.seconds_per_step
        return max(0.0, (total - done) * pace)

    # -- workers ---------------------------------------------------------------------------------------

    def _start_workers(self) -> None:
        while len(self._threads) < self.workers:
            thread = threading.Thread(
                target=self._work, name=f"train-worker-{len(self._threads)}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def _work(self) -> None:
        if self._setup is not None:
            self._setup()
        while True:
            with self._cond:
                while not self._closed and not self._startable():
                    self._cond.wait()
                if self._closed:
                    return
                job = self._line.popleft()
                job.state, job.started = "running", self._clock()
                self._running.add(job)
                finishes = self._finishes
            self._run(job, finishes)

    def _startable(self) -> bool:
        """A run is waiting, and if it waits for memory, a run has finished since it was refused."""
        return bool(self._line) and self._line[0].retry_after < self._finishes

    def _run(self, job: _Job, finishes: int) -> None:
        memory = contextlib.ExitStack()
        try:
            if self._budget is not None and job.nbytes:
                memory.enter_context(self._budget.reserve(job.nbytes, job.what))
        except MemoryBudgetExceeded as refusal:
            if not self._wait_for_memory(job, finishes):
                self._finish(job, None, refusal)
            return
        try:
            with memory:
                result = job.fn(Control(job))
        except Exception as failure:  # delivered to every ticket of the run
            if not isinstance(failure, EmbedvizError):
                log.exception("training run %r failed", job.key)
            self._finish(job, None, failure)
        except BaseException as escaped:  # SystemExit and the like: tickets must not wait forever
            self._finish(job, None, escaped)
            raise
        else:
            self._finish(job, result, None)

    def _wait_for_memory(self, job: _Job, finishes: int) -> bool:
        """A refused run goes back to the head of the line if other runs hold memory (or one ended
        since it was refused): it starts after the next run ends. False: nothing will free memory."""
        with self._cond:
            self._running.discard(job)
            if job.stop.is_set() or self._closed or (not self._running and self._finishes == finishes):
                return False
            job.state, job.started, job.retry_after = "queued", None, finishes
            self._line.appendleft(job)
            self._cond.notify_all()
            return True

    def _finish(self, job: _Job, result: Any, error: BaseException | None) -> None:
        with self._cond:
            self._finishes += 1
            self._cond.notify_all()  # a run waiting for memory may start now
            self._running.discard(job)
            if self._active.get(job.key) is job:
                del self._active[job.key]
            job.stopped_early = job.stop.is_set()
            if error is not None:
                job.state, job.error = "failed", error
            else:
                job.state, job.result = "done", result
                if not job.stopped_early:
                    self._learn_pace(job)
                    self._results[job.key] = result
                    self._results.move_to_end(job.key)
                    while len(self._results) > self.keep:
                        self._results.popitem(last=False)
            job.finished.set()

    def _learn_pace(self, job: _Job) -> None:
        if job.steps > 0 and job.started is not None:
            pace = (self._clock() - job.started) / job.steps
            self.seconds_per_step += SMOOTHING * (pace - self.seconds_per_step)


__all__ = [
    "PRIOR_SECONDS_PER_STEP",
    "WORKERS_VARIABLE",
    "Control",
    "Progress",
    "RunCancelled",
    "Ticket",
    "TrainQueue",
    "worker_count",
]
