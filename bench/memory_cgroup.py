"""A real memory limit for one process: a child memory cgroup (v1) with the kernel as the judge.

A budget inside the app can only estimate what the kernel charges; the kernel's own counters say what
happened. On a cgroup v1 machine a process's memory group is named in ``/proc/self/cgroup`` (the line
``N:memory:/path``) and mounted under ``/sys/fs/cgroup/memory``. :func:`child_group` makes a child of
that group, sets its ``memory.limit_in_bytes``, and :meth:`MemoryGroup.popen` starts a command inside it
(the child writes its own pid into ``cgroup.procs`` before ``exec``, so it and everything it starts are
charged there from the first byte). Nothing else moves, and the parent group is only read: its path.

What the kernel reports (:meth:`MemoryGroup.report`):

* ``memory.max_usage_in_bytes``: the group's peak charge (anonymous memory and page cache);
* ``memory.failcnt``: how often the charge hit the limit and the kernel had to reclaim pages;
* ``oom_kill`` in ``memory.oom_control``: processes the kernel killed because nothing could be reclaimed.

When the ``with`` block ends, the group is removed (its processes must have ended; any still alive are
killed first). Where no child group can be made (cgroup v2 only, no write permission, no memory
controller), :class:`Unavailable` says why::

    with child_group(690 * 2**20) as group:
        server = group.popen([sys.executable, "-m", "streamlit", "run", "app.py"], cwd=ROOT)
        ...
        print(group.report())
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

V1_ROOT = Path("/sys/fs/cgroup/memory")
OWN_GROUPS = Path("/proc/self/cgroup")


class Unavailable(RuntimeError):
    """No child memory cgroup can be made here; the message says why."""


def own_group(groups: Path = OWN_GROUPS, root: Path = V1_ROOT) -> Path:
    """The directory of this process's own v1 memory group (``N:memory:/path`` in ``/proc/self/cgroup``)."""
    try:
        lines = groups.read_text().splitlines()
    except OSError as error:
        raise Unavailable(f"cannot read {groups}: {error}") from None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if "memory" in controllers.split(","):
            directory = root / path.lstrip("/")
            if not (directory / "memory.limit_in_bytes").exists():
                raise Unavailable(f"{directory} has no memory.limit_in_bytes (not a cgroup v1 memory group)")
            return directory
    raise Unavailable(f"no v1 memory controller in {groups} (cgroup v2 only?)")


@dataclass(frozen=True)
class Report:
    """The kernel's counters of one group, in bytes and counts."""

    limit: int
    max_usage: int
    failcnt: int
    oom_kills: int

    def __str__(self) -> str:
        mib = 2**20
        return (
            f"limit {self.limit / mib:.0f} MiB, peak {self.max_usage / mib:.0f} MiB, "
            f"limit hit {self.failcnt:,} times, OOM kills {self.oom_kills}"
        )


@dataclass(frozen=True)
class MemoryGroup:
    """One child memory cgroup (a directory under the process's own group)."""

    path: Path

    def read(self, name: str) -> str:
        return (self.path / name).read_text()

    def pids(self) -> list[int]:
        return [int(pid) for pid in self.read("cgroup.procs").split()]

    def report(self) -> Report:
        oom = dict(line.split() for line in self.read("memory.oom_control").splitlines())
        return Report(
            limit=int(self.read("memory.limit_in_bytes")),
            max_usage=int(self.read("memory.max_usage_in_bytes")),
            failcnt=int(self.read("memory.failcnt")),
            oom_kills=int(oom.get("oom_kill", 0)),
        )

    def join(self) -> None:
        """Move the calling process into the group (run in a child between fork and exec)."""
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def popen(self, command: Sequence[str], **options: object) -> subprocess.Popen[bytes]:
        """``subprocess.Popen(command, **options)`` started inside the group, in a session of its own, and
        told to end with its parent; :meth:`stop` ends it with everything it started."""
        return subprocess.Popen(command, preexec_fn=self._enter, start_new_session=True, **options)  # type: ignore[call-overload]

    def launcher(self, executable: Path, folder: Path) -> Path:
        """An executable script in ``folder`` that moves itself into the group, then runs ``executable``
        with its arguments (``exec``: same process): for code that starts a program by its path
        (``bench/classroom.py``'s ``--streamlit``) and cannot be given :meth:`popen`."""
        script = folder / f"in-{self.path.name}-{executable.name}"
        procs = shlex.quote(str(self.path / "cgroup.procs"))
        script.write_text(
            f'#!/bin/sh\necho $$ > {procs} || exit 1\nexec {shlex.quote(str(executable))} "$@"\n'
        )
        script.chmod(0o755)
        return script

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM every process in the group; SIGKILL those still there after ``grace`` seconds."""
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
            for pid in self.pids():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
            deadline = time.monotonic() + wait
            while self.pids() and time.monotonic() < deadline:
                time.sleep(0.1)  # polling the group's process list until it is empty, bounded

    def _enter(self) -> None:
        self.join()
        with contextlib.suppress(Exception):  # Linux: SIGTERM when the parent dies, so nothing is left
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


@contextlib.contextmanager
def child_group(limit_bytes: int, name: str | None = None) -> Iterator[MemoryGroup]:
    """A new child of this process's memory group limited to ``limit_bytes``, removed afterwards."""
    parent = own_group()
    path = parent / (name or f"embedviz-{uuid.uuid4().hex[:8]}")
    try:
        path.mkdir()
    except OSError as error:
        raise Unavailable(f"cannot make a child memory group in {parent}: {error}") from None
    group = MemoryGroup(path)
    try:
        try:
            (path / "memory.limit_in_bytes").write_text(str(limit_bytes))
        except OSError as error:
            raise Unavailable(f"cannot set {path}/memory.limit_in_bytes: {error}") from None
        with contextlib.suppress(OSError):  # where swap is accounted, no escape into swap either
            (path / "memory.memsw.limit_in_bytes").write_text(str(limit_bytes))
        yield group
    finally:
        _remove(group)


def _remove(group: MemoryGroup, timeout: float = 10.0) -> None:
    """End what is left in ``group`` (only its own processes) and remove the directory."""
    group.stop()
    deadline = time.monotonic() + timeout
    while group.path.exists():
        try:
            group.path.rmdir()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)  # the killed processes leave the group as they exit


__all__ = ["MemoryGroup", "Report", "Unavailable", "child_group", "own_group"]
