"""A short class on a real server: a few Locust students for a few seconds (``bench/classroom.py``).

The load test runs in its own process (Locust monkey-patches the standard library for gevent, which must
not happen inside pytest). It starts ``streamlit run app.py`` from this checkout with the interpreter's
own ``streamlit``, lets 3 students open the page, type their own sentences and switch views (5 messages
each), and fails on any error (a run that does not finish, an exception on the page, a page without the
student's own tokens) or on a server peak RSS above the limit (``EMBEDVIZ_MEMORY_LIMIT_MB``, else
1,024 MiB).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.st_client import local_base

REPO = Path(__file__).resolve().parents[1]
MESSAGES = 5  # per student: the first page, then typed sentences and view switches (--seed 0)
LIMIT_MB = float(os.environ.get("EMBEDVIZ_MEMORY_LIMIT_MB", 1024))


def test_a_few_students_get_their_own_pages(tmp_path: Path) -> None:
    report_path = tmp_path / "class.json"
    command = [
        *(sys.executable, "-m", "bench.classroom"),
        *("--checkout", str(REPO), "--streamlit", str(Path(sys.executable).with_name("streamlit"))),
        *("--students", "3", "--ramp", "1", "--think", "1", "--max-messages", str(MESSAGES)),
        *("--run-time", "60"),  # a ceiling: the class ends when every student has sent its messages
        *("--visitors", "0", "--edits", "0", "--train-weight", "0"),
        *("--memory-limit-mb", str(LIMIT_MB), "--json", str(report_path)),
        *("--log", str(tmp_path / "server.log")),
    ]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=150)
    assert report_path.exists(), done.stderr[-3000:]
    report = json.loads(report_path.read_text())
    assert report["error_count"] == 0, report["errors"]
    counts = {name: entry["count"] for name, entry in report["messages"].items()}
    assert counts["all"] == 3 * MESSAGES and counts["first_run"] == 3, counts
    assert counts.get("type", 0) >= 3, counts  # each typed sentence was checked against its tokens
    assert "train" not in counts, counts  # --train-weight 0
    assert 0 < report["peak_rss_mb"] <= LIMIT_MB
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.parametrize("url", ["http://example.com:8501", "http://10.0.0.1:8501", "ws://127.0.0.1:1", "x"])
def test_only_this_machine_is_a_target(url: str) -> None:
    with pytest.raises(ValueError, match=r"only http://127\.0\.0\.1"):
        local_base(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8501/x?y=1", "http://localhost:8501"])
def test_local_urls_are_accepted(url: str) -> None:
    assert local_base(url) == url.split("/x")[0]
