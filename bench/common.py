"""What the benchmarks share: the repository's paths, the browser tests' helpers, and the app's server as
the README starts it, with what it costs read from ``/proc``.

:func:`browser_helpers` returns ``tests/browser/conftest.py`` (the server launcher, the Chromium flags and
the waits), so a benchmark drives the page exactly like the browser tests do. It is loaded by path on
first use, as that file is a pytest conftest and not a package module; scripts without a browser (the
Locust class, which must import gevent first) never load it.

:class:`Server` runs ``.venv/bin/streamlit run app.py`` inside a checkout folder (its own virtualenv, its
own ``.streamlit/config.toml``), on a free port (the only flag added: ``--server.port``), optionally pinned
to some cores with ``taskset`` (a 1-core plan). It waits for ``/_stcore/health`` and stops the whole process
group. :func:`cpu_seconds` and :func:`peak_rss_mb` read the kernel's own accounting of the server process:
user + system CPU time of all its threads (``/proc/PID/stat``) and its resident-set high-water mark
(``VmHWM`` in ``/proc/PID/status``), so nothing is sampled and nothing is missed between samples.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parents[1]
#: Server logs and raw numbers of the benchmarks (gitignored).
LOGS = REPO_ROOT / "test-artifacts" / "bench"
_BROWSER_HELPERS = "embedviz_browser_helpers"


def browser_helpers() -> ModuleType:
    """``tests/browser/conftest.py`` as a module, imported by path once per process."""
    if _BROWSER_HELPERS in sys.modules:
        return sys.modules[_BROWSER_HELPERS]
    spec = importlib.util.spec_from_file_location(
        _BROWSER_HELPERS, REPO_ROOT / "tests" / "browser" / "conftest.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[_BROWSER_HELPERS] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process has used so far (all threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14, 15 of stat)


def _status_kb(pid: int, name: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1])
    return 0


def rss_mb(pid: int) -> float:
    """Resident memory now (MiB)."""
    return _status_kb(pid, "VmRSS") / 1024


def peak_rss_mb(pid: int) -> float:
    """The highest resident memory the process ever had (MiB, the kernel's VmHWM)."""
    return _status_kb(pid, "VmHWM") / 1024


def memory_bytes(pid: int) -> dict[str, int]:
    """``VmRSS`` (resident now) and ``VmHWM`` (the peak) of a process in bytes; empty once it has ended."""
    try:
        return {name: _status_kb(pid, name) * 1024 for name in ("VmRSS", "VmHWM")}
    except OSError:
        return {}


def process_numbers(pid: int) -> tuple[float, int, int]:
    """(CPU seconds, VmRSS bytes, VmHWM bytes) of a process."""
    memory = memory_bytes(pid)
    return cpu_seconds(pid), memory["VmRSS"], memory["VmHWM"]


def thread_schedstats(pid: int) -> dict[int, tuple[float, float]]:
    """Per live thread: (seconds on a CPU, seconds runnable but waiting for one), from
    ``/proc/PID/task/TID/schedstat``. The second is how long the machine's other work kept it waiting."""
    out = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            run_ns, wait_ns, _ = (task / "schedstat").read_text().split()
        except (OSError, ValueError):  # the thread ended while being read
            continue
        out[int(task.name)] = (int(run_ns) / 1e9, int(wait_ns) / 1e9)
    return out


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """``streamlit run app.py`` from ``checkout`` with its ``.venv``, as the README says (``script``: another
    page in the checkout, such as ``bench/floor_app.py``, started the same way with the checkout's config)."""

    checkout: Path
    cpus: str | None = None  # e.g. "0": taskset -c 0
    streamlit: Path | None = None  # default: CHECKOUT/.venv/bin/streamlit
    log_path: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    script: str = "app.py"
    port: int = 0
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, timeout: float = 120.0) -> None:
        streamlit = self.streamlit or self.checkout / ".venv" / "bin" / "streamlit"
        if not streamlit.exists():
            raise FileNotFoundError(f"{streamlit} not found: run the README's install command there first")
        self.port = self.port or free_port()
        command = [str(streamlit), "run", self.script, "--server.port", str(self.port)]
        if self.cpus is not None:
            command = ["taskset", "-c", self.cpus, *command]
        env = {**os.environ, **self.env}  # EMBEDVIZ_MEMORY_LIMIT_MB and the like pass through
        log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            command, cwd=self.checkout, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with code {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as answer:
                    if answer.read().strip() == b"ok":
                        return
            except OSError:
                pass
            time.sleep(0.2)  # polling the health endpoint until it answers, bounded by the deadline
        self.stop()
        raise TimeoutError(f"the server did not answer /_stcore/health within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
