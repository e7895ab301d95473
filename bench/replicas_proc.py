"""``deploy/replicas.sh`` as a Python context manager: N replicas behind nginx on free ports, stopped after.

Used by ``tests/test_replicas.py`` and the replica benchmarks. The script itself waits for every replica's
``/_stcore/health`` and prints ``READY <proxy url> <workdir>``; this module reads that line and the
script's ``replicas.tsv`` (index, port, pid per replica), and on exit sends SIGTERM (the script's trap
stops nginx and the replicas; SIGKILL to its process group if it has not ended 30 s later).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "deploy" / "replicas.sh"


def find_nginx() -> str | None:
    """Debian puts nginx in /usr/sbin, which is not on every user's PATH."""
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def free_port_block(size: int) -> int:
    """A first port such that it and the next ``size - 1`` are free right now (the machine is shared)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + size > 65535:
            continue
        try:
            for port in range(base, base + size):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no block of free ports")


@dataclass
class Replicas:
    """A running set-up: the proxy's URL, the workdir (nginx's access.log) and each replica's pid."""

    url: str
    workdir: Path
    pids: dict[str, int]  # "127.0.0.1:port" -> pid of its streamlit process


@contextlib.contextmanager
def running_replicas(count: int, memory_total_mb: int, workdir: Path) -> Iterator[Replicas]:
    """Start ``count`` replicas (this interpreter's streamlit) and nginx; stop all of them afterwards."""
    nginx = find_nginx()
    if nginx is None:
        raise FileNotFoundError("nginx is required: apt-get install -y nginx")
    base = free_port_block(count + 1)
    env = {
        **os.environ,
        "REPLICAS": str(count),
        "LISTEN": f"127.0.0.1:{base}",
        "PORT_BASE": str(base + 1),
        "MEMORY_TOTAL_MB": str(memory_total_mb),
        "WORKDIR": str(workdir),
        "NGINX_BIN": nginx,  # not NGINX: nginx itself reads that variable (inherited sockets)
        "STREAMLIT": str(Path(sys.executable).parent / "streamlit"),
    }
    process = subprocess.Popen(
        ["bash", str(SCRIPT)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    try:
        ready = process.stdout.readline()  # replicas.sh waits for health itself (120 s at most)
        if not ready.startswith("READY"):
            raise RuntimeError(f"replicas.sh did not start: {ready}{process.stdout.read(3000)}")
        rows = [line.split("\t") for line in (workdir / "replicas.tsv").read_text().splitlines()]
        yield Replicas(ready.split()[1], workdir, {f"127.0.0.1:{port}": int(pid) for _, port, pid in rows})
    finally:
        process.send_signal(signal.SIGTERM)  # its trap stops nginx and the replicas
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
