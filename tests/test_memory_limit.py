"""The server under a real 690 MiB limit, with the kernel as the judge (``bench/memory_cgroup.py``).

The README's server (``python -m streamlit run app.py``) starts inside a child memory cgroup of this
process's own group with ``memory.limit_in_bytes`` = 690 MiB (the smallest Streamlit Community Cloud
plan), and the app is told the same limit (``EMBEDVIZ_MEMORY_LIMIT_MB=690``; reading it from the group
itself is tested in test_budget.py). Visitors speaking Streamlit's websocket protocol
(``bench/st_client.py``) open the pipeline view on different settings (seeds, dims up to 768, a
positional mode, a context length) and type a sentence each. Checked: every page holds its visitor's
own tokens and no refusal; the kernel OOM-killed nothing, and the server is still alive. The group's
peak and how often it hit its limit are printed (``-s``).

Skipped, with the reason, only where no child memory group can be made (cgroup v2 only, no permission).
"""

from __future__ import annotations

import os
import re
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bench.common import free_port
from bench.memory_cgroup import Unavailable, child_group
from bench.st_client import Visitor
from embedviz.tokenizer import tokenize

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 690 * 2**20
#: One link per visitor: the default page, other seeds, dims up to 768, the other positional modes.
LINKS = (
    "",
    "seed=7",
    "seed=500&dim=256",
    "seed=3&dim=768",
    "seed=42&dim=64&positional=sinusoidal",
    "seed=9&dim=333&context_length=2048",
    "seed=11&dim=512&positional=none",
)
REFUSAL = re.compile(r"needs [\d,]+ MB|MB of this server's memory are free")


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as answer:
            return answer.read().strip() == b"ok"
    except OSError:
        return False


def test_visitors_on_different_settings_fit_under_a_real_690_mib_limit(tmp_path: Path) -> None:
    try:
        group_context = child_group(LIMIT)
        group = group_context.__enter__()
    except Unavailable as reason:
        pytest.skip(f"no child memory cgroup here: {reason}")
    try:
        port = free_port()
        env = {**os.environ, "EMBEDVIZ_MEMORY_LIMIT_MB": str(LIMIT // 2**20)}
        log = (tmp_path / "server.log").open("wb")
        command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port)]
        command += ["--server.headless", "true", "--server.fileWatcherType", "none"]
        server = group.popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300
        while not healthy(url):
            assert server.poll() is None, (tmp_path / "server.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "the server did not answer /_stcore/health"
            time.sleep(0.2)  # polling the health endpoint until it answers, bounded by the deadline

        visitors = []
        for number, link in enumerate(LINKS):
            visitor = Visitor(url, query_string="&".join(filter(None, ("lang=en", link))), timeout=300)
            first = visitor.connect()
            assert first.succeeded and not first.exceptions, (link, first.exceptions)
            sentence = f"Student {number} types the cat sat on the mat"
            visitor.set_text("text", sentence)
            run = visitor.rerun()
            assert run.succeeded and not run.exceptions, (link, run.exceptions)
            assert not REFUSAL.search(run.body), (link, REFUSAL.search(run.body))
            assert run.token_ids() == [token.id for token in tokenize(sentence)], link
            visitors.append(visitor)
        for visitor in visitors:  # everyone again, after all the others arrived
            run = visitor.rerun()
            assert run.succeeded and not REFUSAL.search(run.body), visitor.query_string
            visitor.close()

        report = group.report()
        print(f"\n{len(LINKS)} visitors under a child memory cgroup: {report}")
        assert report.oom_kills == 0
        assert server.poll() is None, "the server died"
    finally:
        group_context.__exit__(None, None, None)
