"""Loading GPT-2's wte/wpe without the real Hub: each test writes a SMALL model file in GPT-2's layout
with ``safetensors.torch.save_file`` (wte 50 x 8, wpe 16 x 8, plus decoy tensors that must never be
read) and serves it from a tiny HTTP server on 127.0.0.1 that honours Range requests and counts every
byte it sends. Loaded values are compared with the tensors the test wrote; byte counts with the sizes
worked out here by hand."""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from embedviz import EmbedvizError
from embedviz.pretrained import (
    PretrainedUnavailableError,
    header_length,
    load_with_download,
    load_with_ranges,
    parse_header,
    position_curve,
)

REPO = "openai-community/gpt2"
COMMIT = "607a30d783dfa663caf39e06633721c8d4cfcd7e"  # any 40-hex commit id works for the cache layout
WTE_BYTES, WPE_BYTES = 50 * 8 * 4, 16 * 8 * 4


def _tiny_gpt2(prefix: str = "") -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(1)
    return {
        f"{prefix}wte.weight": torch.randn(50, 8, generator=g),
        f"{prefix}wpe.weight": torch.randn(16, 8, generator=g),
        f"{prefix}h.0.attn.c_attn.weight": torch.randn(8, 24, generator=g),  # decoys: never downloaded
        f"{prefix}ln_f.weight": torch.randn(8, generator=g),
        f"{prefix}wq.decoy": torch.randn(32, 8, generator=g),  # sorts between wpe and wte: two requests
    }


@dataclass
class Served:
    """A file served over HTTP, and a log of what was asked for."""

    data: bytes
    url: str = ""
    honour_range: bool = True
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    bytes_sent: int = 0


def _handler(served: Served) -> type[BaseHTTPRequestHandler]:
    path = f"/{REPO}/resolve/main/model.safetensors"

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep pytest's output clean
            pass

        def _answer(self, send_body: bool) -> None:
            served.requests.append((self.command, self.headers.get("Range")))
            if self.path != path:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data, status, extra = served.data, 200, {}
            match = re.fullmatch(r"bytes=(\d+)-(\d+)", self.headers.get("Range") or "")
            if match and served.honour_range:
                start, end = int(match[1]), int(match[2])
                data, status = data[start : end + 1], 206
                extra["Content-Range"] = f"bytes {start}-{end}/{len(served.data)}"
            self.send_response(status)
            for key, value in {
                "Content-Length": str(len(data)),
                "ETag": '"tiny-gpt2-etag"',
                "X-Repo-Commit": COMMIT,
                "Accept-Ranges": "bytes",
                **extra,
            }.items():
                self.send_header(key, value)
            self.end_headers()
            if send_body:
                # Counted before the write: the client can have read the last byte, returned, and the test
                # checked the count before this thread runs again (seen in CI: the last table not counted).
                served.bytes_sent += len(data)
                self.wfile.write(data)

        def do_GET(self) -> None:
            self._answer(send_body=True)

        def do_HEAD(self) -> None:
            self._answer(send_body=False)

    return Handler


@contextmanager
def _serve(data: bytes, **options: bool) -> Iterator[Served]:
    served = Served(data, **options)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(served))
    served.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()


def _write(tmp_path: Path, tensors: dict[str, torch.Tensor]) -> bytes:
    path = tmp_path / "model.safetensors"
    save_file(tensors, str(path), metadata={"format": "pt"})
    return path.read_bytes()


@pytest.fixture(autouse=True)
def _online(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)


def test_header_math_finds_each_tensors_bytes(tmp_path: Path) -> None:
    tensors = _tiny_gpt2()
    data = _write(tmp_path, tensors)
    n = header_length(data[:8])
    assert n == int.from_bytes(data[:8], "little")
    infos = parse_header(data[8 : 8 + n])
    assert set(infos) == set(tensors)  # "__metadata__" is not a tensor
    for name, tensor in tensors.items():
        raw = data[infos[name].start : infos[name].end]
        values = np.frombuffer(raw, dtype="<f4").reshape(tensor.shape)
        np.testing.assert_array_equal(values, tensor.numpy())
    with pytest.raises(PretrainedUnavailableError):
        header_length(b"\xff" * 8)


@pytest.mark.parametrize("prefix", ["", "transformer."])
def test_ranged_read_fetches_only_the_header_and_the_two_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prefix: str
) -> None:
    tensors = _tiny_gpt2(prefix)
    data = _write(tmp_path, tensors)
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8 : 8 + n])
    offsets = {name: entry["data_offsets"] for name, entry in header.items() if name != "__metadata__"}
    progress: list[tuple[int, int]] = []
    with _serve(data) as served:
        loaded = load_with_ranges(
            endpoint=served.url,
            cache_dir=tmp_path / "cache",
            on_progress=lambda d, t: progress.append((d, t)),
        )
        expected_ranges = ["bytes=0-7", f"bytes=8-{8 + n - 1}"]
        for table in ("wpe.weight", "wte.weight"):  # file order: "wpe" < "wq" < "wte"
            begin, end = offsets[prefix + table]
            expected_ranges.append(f"bytes={8 + n + begin}-{8 + n + end - 1}")
        assert served.requests == [("GET", r) for r in expected_ranges]
        assert served.bytes_sent == 8 + n + WTE_BYTES + WPE_BYTES < len(data)
    assert torch.equal(loaded.token_embeddings, tensors[prefix + "wte.weight"])
    assert torch.equal(loaded.position_embeddings, tensors[prefix + "wpe.weight"])
    assert loaded.bytes_downloaded == 8 + n + WTE_BYTES + WPE_BYTES
    assert progress[0] == (8 + n, loaded.bytes_downloaded) and progress[-1][0] == progress[-1][1]
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    # Afterwards the small file on disk is enough, even offline and with the server gone.
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    again = load_with_ranges(endpoint="http://127.0.0.1:9", cache_dir=tmp_path / "cache")
    assert again.bytes_downloaded == 0 and again.source.startswith("cache")
    assert torch.equal(again.token_embeddings, tensors[prefix + "wte.weight"])
    assert torch.equal(again.position_embeddings, tensors[prefix + "wpe.weight"])


def test_adjacent_tables_come_in_one_request(tmp_path: Path) -> None:
    tensors = {k: v for k, v in _tiny_gpt2().items() if k != "wq.decoy"}  # now wpe and wte touch
    data = _write(tmp_path, tensors)
    with _serve(data) as served:
        loaded = load_with_ranges(endpoint=served.url, cache_dir=tmp_path / "cache")
        assert len(served.requests) == 3  # length, header, wpe+wte
    assert torch.equal(loaded.token_embeddings, tensors["wte.weight"])
    assert torch.equal(loaded.position_embeddings, tensors["wpe.weight"])


def test_full_download_reads_the_whole_file(tmp_path: Path) -> None:
    tensors = _tiny_gpt2()
    data = _write(tmp_path, tensors)
    with _serve(data) as served:
        loaded = load_with_download(endpoint=served.url, cache_dir=tmp_path / "hub")
        assert served.bytes_sent == len(data)
    assert torch.equal(loaded.token_embeddings, tensors["wte.weight"])
    assert torch.equal(loaded.position_embeddings, tensors["wpe.weight"])
    assert loaded.bytes_downloaded == len(data)


def test_download_path_reads_a_hub_cache_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tensors = _tiny_gpt2()
    hub = tmp_path / "hub"
    repo = hub / "models--openai-community--gpt2"
    (repo / "snapshots" / COMMIT).mkdir(parents=True)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(COMMIT)
    save_file(tensors, str(repo / "snapshots" / COMMIT / "model.safetensors"))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    loaded = load_with_download(cache_dir=hub, endpoint="http://127.0.0.1:9")
    assert torch.equal(loaded.token_embeddings, tensors["wte.weight"])
    assert torch.equal(loaded.position_embeddings, tensors["wpe.weight"])


@pytest.mark.parametrize("loader", [load_with_ranges, load_with_download])
def test_offline_without_cache_says_how_to_fix_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loader
) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(PretrainedUnavailableError) as caught:
        loader(cache_dir=tmp_path / "empty", endpoint="http://127.0.0.1:9")
    message = str(caught.value)
    assert isinstance(caught.value, EmbedvizError)
    assert "offline mode is on (HF_HUB_OFFLINE=1)" in message
    assert "Connect to the internet once" in message and "HF_HOME" in message
    assert caught.value.__cause__ is None  # no chained traceback under the message
    assert caught.value.__context__ is None or caught.value.__suppress_context__


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("loader", [load_with_ranges, load_with_download])
def test_unreachable_hub_says_how_to_fix_it(tmp_path: Path, loader) -> None:
    with pytest.raises(PretrainedUnavailableError, match="could not be reached") as caught:
        loader(cache_dir=tmp_path / "empty", endpoint=f"http://127.0.0.1:{_closed_port()}")
    assert "HF_HOME" in str(caught.value)
    assert not list((tmp_path / "empty").glob("*.safetensors"))


def test_server_without_range_support_is_a_clear_error(tmp_path: Path) -> None:
    data = _write(tmp_path, _tiny_gpt2())
    with _serve(data, honour_range=False) as served, pytest.raises(PretrainedUnavailableError, match="Range"):
        load_with_ranges(endpoint=served.url, cache_dir=tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("*"))  # no half-written cache file


def test_a_file_without_wte_is_refused(tmp_path: Path) -> None:
    data = _write(tmp_path, {"h.0.mlp.c_fc.weight": torch.zeros(4, 4), "wpe.weight": torch.zeros(4, 4)})
    with _serve(data) as served, pytest.raises(PretrainedUnavailableError, match=r"wte\.weight"):
        load_with_ranges(endpoint=served.url, cache_dir=tmp_path / "cache")


def test_position_curve_is_the_pca_of_the_position_embeddings() -> None:
    positions = torch.arange(64, dtype=torch.float64)[:, None]
    wpe = torch.cat([torch.sin(positions / 10 * k) for k in range(1, 9)], dim=1).float()  # a smooth curve
    curve = position_curve(wpe)
    centred = wpe.double().numpy() - wpe.double().numpy().mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    np.testing.assert_allclose(np.abs(curve), np.abs(centred @ vt[:3].T), atol=1e-6)
    assert curve.shape == (64, 3)
    steps = np.linalg.norm(np.diff(curve, axis=0), axis=1)
    assert steps.max() < 0.5 * np.linalg.norm(curve.max(axis=0) - curve.min(axis=0))  # neighbours stay close
