"""GPT-2's *trained* token embeddings and position embeddings, read from its published weights file.

The page's tables are random (step 0 of training). GPT-2 small's tables are what 40 GB of web text made
of them: ``wte`` (token embeddings, 50,257 x 768) and ``wpe`` (position embeddings, 1,024 x 768). They
live in ``model.safetensors`` of the Hugging Face Hub repo ``openai-community/gpt2``, next to the weights
of GPT-2's 12 transformer blocks: 548 MB in all, of which the two tables are 158 MB.

What a safetensors file looks like::

    ┌───────────────┬──────────────────────────────────────────────────┬─────────────────────────────┐
    │ N: 8 bytes,   │ header: N bytes of JSON                          │ data: every tensor's raw    │
    │ little-endian │ {"wte.weight": {"dtype": "F32",                  │ bytes, back to back         │
    │ unsigned int  │                 "shape": [50257, 768],           │ (little-endian numbers)     │
    │               │                 "data_offsets": [begin, end]},   │                             │
    │               │  "wpe.weight": {...}, ..., "__metadata__": {...}}│                             │
    └───────────────┴──────────────────────────────────────────────────┴─────────────────────────────┘

A tensor's bytes sit at file offsets ``8 + N + begin`` up to (not including) ``8 + N + end``. So a
program that knows the header can read one tensor without touching the rest, and an HTTP server that
honours ``Range: bytes=a-b`` requests lets it do that over the network.

Two ways to load the two tables, both here:

* :func:`load_with_download` -- ``hf_hub_download`` fetches the whole 548 MB file into the Hugging Face
  cache once; ``safetensors.safe_open`` then memory-maps it and reads just the two tensors.
* :func:`load_with_ranges` -- three kinds of ranged requests: the first 8 bytes (N), the header, and
  only the byte ranges of ``wte`` and ``wpe`` (safetensors stores tensors sorted by name, so "wpe" and
  "wte" usually touch and come in one request). About 158 MB instead of 548 MB. The two tables are then
  kept on disk as a small safetensors file of their own (written here by hand, in the format above), so
  later runs need no network.

Anything that goes wrong (no network, offline mode without a cached copy, a file that is not what it
should be) raises :class:`PretrainedUnavailableError` with a message that says how to fix it.
"""

from __future__ import annotations

import json
import os
import struct
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch
from huggingface_hub import (
    constants,
    get_hf_file_metadata,
    hf_hub_download,
    hf_hub_url,
    try_to_load_from_cache,
)
from huggingface_hub.errors import SafetensorsParsingError
from huggingface_hub.hf_api import _parse_safetensors_header
from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status
from safetensors import safe_open

from embedviz.embeddings import EmbeddingResult
from embedviz.errors import EmbedvizError
from embedviz.projection import fit_pca, to_3d

REPO_ID = "openai-community/gpt2"
FILENAME = "model.safetensors"
REVISION = "main"
#: Names of the two tables; some GPT-2 exports prefix them with "transformer.".
TOKEN_NAMES = ("wte.weight", "transformer.wte.weight")
POSITION_NAMES = ("wpe.weight", "transformer.wpe.weight")
#: Bytes per number for each safetensors dtype embedviz can read.
DTYPES: dict[str, tuple[torch.dtype, int]] = {
    "F32": (torch.float32, 4),
    "F16": (torch.float16, 2),
    "BF16": (torch.bfloat16, 2),
    "F64": (torch.float64, 8),
}
MAX_HEADER_BYTES = 100 * 2**20  # safetensors' own limit; a larger N means this is not a safetensors file
CHUNK_BYTES = 2**20
TIMEOUT_SECONDS = 30.0

ProgressCallback = Callable[[int, int], None]


class PretrainedUnavailableError(EmbedvizError):
    """GPT-2's trained embeddings could not be loaded (no network, offline without a cache, bad file)."""

    key = "error.pretrained"


@dataclass(frozen=True)
class TensorInfo:
    """One header entry: where a tensor's bytes are in the file (absolute offsets, end exclusive)."""

    name: str
    dtype: str
    shape: tuple[int, ...]
    start: int
    end: int

    @property
    def nbytes(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class PretrainedEmbeddings:
    """GPT-2's trained tables (float32) and how they were obtained."""

    token_embeddings: torch.Tensor  # wte, (50257, 768) for GPT-2 small
    position_embeddings: torch.Tensor  # wpe, (1024, 768)
    source: str  # "download", "ranges" or "cache", plus the path, for the page's caption
    bytes_downloaded: int  # bytes fetched over the network by this call (0 from a cache)


# --- the safetensors header -------------------------------------------------------------------------


def header_length(prefix: bytes) -> int:
    """N, the header's length: the file's first 8 bytes as a little-endian unsigned 64-bit integer."""
    if len(prefix) != 8:
        raise PretrainedUnavailableError(f"A safetensors file starts with 8 bytes; got {len(prefix)}.")
    (n,) = struct.unpack("<Q", prefix)
    if not 2 <= n <= MAX_HEADER_BYTES:
        raise PretrainedUnavailableError(f"This is not a safetensors file (header length {n:,}).")
    return n


def parse_header(header: bytes) -> dict[str, TensorInfo]:
    """The tensors listed in a safetensors JSON header, with absolute file offsets (``8 + N + offset``).

    The JSON is read by huggingface_hub's own safetensors header parser. Its public
    ``get_safetensors_metadata`` does not fit the ranged reads: it returns no header length ``N``, which
    turns the tensors' offsets into file offsets, and it takes any answer to its range request (a server
    that ignores ``Range`` would send the whole file), where :func:`_fetch` insists on HTTP 206.
    """
    data_start = 8 + len(header)
    try:
        parsed = _parse_safetensors_header(header, FILENAME, "ranged read")
        tensors = {}
        for name, entry in parsed.tensors.items():
            begin, end = (int(x) for x in entry.data_offsets)
            shape = tuple(int(x) for x in entry.shape)
            tensors[name] = TensorInfo(name, str(entry.dtype), shape, data_start + begin, data_start + end)
    except (SafetensorsParsingError, ValueError, TypeError, AttributeError) as error:
        raise PretrainedUnavailableError(
            f"The safetensors header could not be read ({type(error).__name__})."
        ) from None
    return tensors


def find_tables(tensors: dict[str, TensorInfo]) -> tuple[TensorInfo, TensorInfo]:
    """The header entries of ``wte`` and ``wpe`` (with or without a "transformer." prefix), checked."""
    found = []
    for names in (TOKEN_NAMES, POSITION_NAMES):
        info = next((tensors[name] for name in names if name in tensors), None)
        if info is None:
            raise PretrainedUnavailableError(
                f"The file has no tensor called {' or '.join(names)}: it is not a GPT-2 checkpoint."
            )
        if info.dtype not in DTYPES or len(info.shape) != 2:
            raise PretrainedUnavailableError(
                f"{info.name} is {info.dtype} {list(info.shape)}; expected 2-D floats."
            )
        if info.nbytes != info.shape[0] * info.shape[1] * DTYPES[info.dtype][1]:
            raise PretrainedUnavailableError(f"{info.name}'s byte range does not match its shape and dtype.")
        found.append(info)
    token, position = found
    if token.shape[1] != position.shape[1]:
        raise PretrainedUnavailableError("wte and wpe have different widths: not a GPT-2 checkpoint.")
    return token, position


# --- errors -----------------------------------------------------------------------------------------


def _offline() -> bool:
    """HF_HUB_OFFLINE as set now (huggingface_hub itself reads it once, at import)."""
    flag = os.environ.get("HF_HUB_OFFLINE", "").strip().upper() in {"1", "ON", "YES", "TRUE"}
    return flag or constants.is_offline_mode()


def _unavailable(cache: Path | str, error: BaseException | None) -> PretrainedUnavailableError:
    """The user-facing error: what failed, and the two ways to fix it."""
    offline = _offline()
    if offline:
        what = f"offline mode is on (HF_HUB_OFFLINE=1) and there is no cached copy in {cache}"
    else:
        what = f"the Hugging Face Hub could not be reached and there is no cached copy in {cache}"
    if error is not None:
        what += f" ({type(error).__name__})"
    return PretrainedUnavailableError(
        f"GPT-2's trained embeddings could not be loaded: {what}. embedviz reads them once from the Hub "
        f"({REPO_ID}, {FILENAME}) and keeps them on disk. Connect to the internet once (with HF_HUB_OFFLINE "
        f"unset), or set HF_HOME to a folder that already holds the cached file (copied from a machine that "
        f"loaded it).",
        key="error.pretrained_offline" if offline else "error.pretrained_unreachable",
        cache=str(cache),
        cause=f" ({type(error).__name__})" if error is not None else "",
        repo=REPO_ID,
        filename=FILENAME,
    )


def default_cache_dir() -> Path:
    """Where :func:`load_with_ranges` keeps its small file: ``$HF_HOME/embedviz`` (read at call time)."""
    home = os.environ.get("HF_HOME")
    return Path(os.path.expanduser(os.path.expandvars(home)) if home else constants.HF_HOME) / "embedviz"


#: Environment variable: another server than the Hugging Face Hub for GPT-2's file (tests, mirrors).
ENDPOINT_VARIABLE = "EMBEDVIZ_GPT2_ENDPOINT"

#: Where GPT-2's tables come from: (endpoint, cache folder); endpoint None is the Hugging Face Hub.
Gpt2Source = tuple[str | None, str]


def gpt2_source() -> Gpt2Source:
    """Where :func:`load_with_ranges` reads GPT-2's tables now, from the environment (read at call time,
    so a test or a mirror can change it): ``EMBEDVIZ_GPT2_ENDPOINT`` (unset or empty: the Hugging Face
    Hub) and ``$HF_HOME/embedviz``. The pair also names the loaded tables in the server's caches."""
    return os.environ.get(ENDPOINT_VARIABLE) or None, str(default_cache_dir())


# --- (a) the whole file through the Hugging Face cache ----------------------------------------------


def _read_tables(path: str | Path) -> tuple[torch.Tensor, torch.Tensor]:
    """Read only wte and wpe from a local safetensors file (memory-mapped; other tensors are not read)."""
    with safe_open(str(path), framework="pt") as f:
        names = set(f.keys())
        token_name = next((n for n in TOKEN_NAMES if n in names), None)
        position_name = next((n for n in POSITION_NAMES if n in names), None)
        if token_name is None or position_name is None:
            raise PretrainedUnavailableError(f"{path} has no wte/wpe tensors: it is not a GPT-2 checkpoint.")
        return f.get_tensor(token_name).float(), f.get_tensor(position_name).float()


def load_with_download(
    *,
    repo_id: str = REPO_ID,
    revision: str = REVISION,
    cache_dir: str | Path | None = None,
    endpoint: str | None = None,
) -> PretrainedEmbeddings:
    """Load wte and wpe with ``hf_hub_download`` (the whole file, once, into the Hugging Face cache)
    and ``safetensors.safe_open``. Offline (HF_HUB_OFFLINE=1) it uses the cached file only."""
    cache = cache_dir or constants.HF_HUB_CACHE
    try:
        cached = try_to_load_from_cache(repo_id, FILENAME, cache_dir=cache_dir, revision=revision)
        if not isinstance(cached, str) and not _offline():
            # One quick HEAD first: without it, hf_hub_download retries an unreachable Hub for ~25 s.
            get_hf_file_metadata(hf_hub_url(repo_id, FILENAME, revision=revision, endpoint=endpoint))
        path = hf_hub_download(
            repo_id,
            FILENAME,
            revision=revision,
            cache_dir=cache_dir,
            endpoint=endpoint,
            local_files_only=_offline(),
        )
    except Exception as error:  # LocalEntryNotFoundError, httpx2 errors, HfHubHTTPError, disk full, ...
        raise _unavailable(cache, error) from None
    try:
        token, position = _read_tables(path)
    except PretrainedUnavailableError:
        raise
    except Exception as error:  # safetensors' own errors for a damaged file
        raise PretrainedUnavailableError(
            f"The cached file {path} could not be read ({type(error).__name__}): delete it and load again."
        ) from None
    return PretrainedEmbeddings(token, position, f"download ({path})", os.path.getsize(path))


# --- (b) ranged reads of just the header and the two tables -----------------------------------------


def cache_path(cache_dir: str | Path, repo_id: str = REPO_ID, revision: str = REVISION) -> Path:
    """The small file :func:`load_with_ranges` writes: only wte and wpe, in safetensors format."""
    return (
        Path(cache_dir) / f"{repo_id.replace('/', '--')}--{revision.replace('/', '--')}--wte-wpe.safetensors"
    )


def _fetch(url: str, start: int, end: int, write: Callable[[bytes], None]) -> int:
    """GET bytes ``start..end-1`` of ``url`` with a Range header, passing each chunk to ``write``."""
    headers = {**build_hf_headers(), "Range": f"bytes={start}-{end - 1}", "Accept-Encoding": "identity"}
    received = 0
    with get_session().stream("GET", url, headers=headers, timeout=TIMEOUT_SECONDS) as response:
        if response.status_code >= 400:
            response.read()
            hf_raise_for_status(response)
        content_range = response.headers.get("Content-Range", "")
        if response.status_code != 206 or not content_range.startswith(f"bytes {start}-{end - 1}/"):
            raise PretrainedUnavailableError(
                f"The server did not answer the request for bytes {start:,}-{end - 1:,} with just those "
                f"bytes (HTTP {response.status_code}): ranged reads need a server that supports Range "
                f"requests. Use load_with_download instead."
            )
        for chunk in response.iter_bytes(chunk_size=CHUNK_BYTES):
            received += len(chunk)
            if received > end - start:
                break
            write(chunk)
    if received != end - start:
        raise PretrainedUnavailableError(f"Expected {end - start:,} bytes from the server, got {received:,}.")
    return received


def _fetch_bytes(url: str, start: int, end: int) -> bytes:
    parts: list[bytes] = []
    _fetch(url, start, end, parts.append)
    return b"".join(parts)


def _small_header(tables: list[TensorInfo]) -> bytes:
    """A safetensors header for just ``tables``, in that order, padded with spaces to a multiple of 8."""
    entries, offset = {}, 0
    for info in tables:
        entries[info.name] = {
            "dtype": info.dtype,
            "shape": list(info.shape),
            "data_offsets": [offset, offset + info.nbytes],
        }
        offset += info.nbytes
    header = json.dumps(entries, separators=(",", ":")).encode()
    header += b" " * (-len(header) % 8)
    return struct.pack("<Q", len(header)) + header


def _download_tables(url: str, target: Path, on_progress: ProgressCallback | None) -> int:
    """Ranged reads of the header and of wte + wpe, streamed into a small safetensors file at ``target``.
    Returns the number of bytes downloaded."""
    n = header_length(_fetch_bytes(url, 0, 8))
    header = _fetch_bytes(url, 8, 8 + n)
    tables = sorted(find_tables(parse_header(header)), key=lambda info: info.start)  # file order
    total = 8 + n + sum(info.nbytes for info in tables)
    done = 8 + n
    if on_progress is not None:
        on_progress(done, total)
    # Tensors that touch in the file (wpe then wte, sorted by name) are fetched with one request.
    groups: list[list[TensorInfo]] = []
    for info in tables:
        if groups and groups[-1][-1].end == info.start:
            groups[-1].append(info)
        else:
            groups.append([info])
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".wte-wpe-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(_small_header(tables))

            def write(chunk: bytes) -> None:
                nonlocal done
                out.write(chunk)
                done += len(chunk)
                if on_progress is not None:
                    on_progress(done, total)

            for group in groups:
                if group[-1].end > group[0].start:
                    _fetch(url, group[0].start, group[-1].end, write)
        os.replace(tmp_name, target)  # atomic: a half-written file is never taken for the cache
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return total


def load_with_ranges(
    *,
    repo_id: str = REPO_ID,
    revision: str = REVISION,
    cache_dir: str | Path | None = None,
    endpoint: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> PretrainedEmbeddings:
    """Load wte and wpe by reading only the header and their byte ranges of ``model.safetensors``.

    The first call downloads about 158 MB for GPT-2 small and keeps the two tables in
    ``cache_dir`` (default ``$HF_HOME/embedviz``); later calls read that file with no network.
    ``on_progress(done_bytes, total_bytes)`` is called after the header and after every chunk.
    """
    path = cache_path(cache_dir or default_cache_dir(), repo_id, revision)
    downloaded = 0
    if not path.is_file():
        if _offline():
            raise _unavailable(path, None)
        url = hf_hub_url(repo_id, FILENAME, revision=revision, endpoint=endpoint)
        try:
            downloaded = _download_tables(url, path, on_progress)
        except PretrainedUnavailableError:
            raise
        except Exception as error:  # httpx2 connection errors, HfHubHTTPError (404, 401, 5xx), disk full...
            raise _unavailable(path, error) from None
    try:
        token, position = _read_tables(path)
    except PretrainedUnavailableError:
        raise
    except Exception as error:
        raise PretrainedUnavailableError(
            f"The cached file {path} could not be read ({type(error).__name__}): delete it and load again."
        ) from None
    return PretrainedEmbeddings(
        token, position, f"{'ranges' if downloaded else 'cache'} ({path})", downloaded
    )


# --- for the page -----------------------------------------------------------------------------------


def position_curve(wpe: torch.Tensor) -> np.ndarray:
    """3D coordinates ``(n_positions, 3)`` of the position embeddings under PCA. For trained GPT-2 they
    form a smooth curve (neighbouring positions get similar vectors); random tables give a cloud."""
    points = wpe.detach().to(torch.float64).numpy()
    return to_3d(fit_pca(points), points)


@dataclass(frozen=True)
class PositionCurve:
    """The position vectors in 3D (PCA) and the share of their spread each axis keeps."""

    points: np.ndarray  # (n_positions, 3)
    ratio: np.ndarray  # (3,)


def curve_of(position_table: torch.Tensor) -> PositionCurve:
    """:func:`embedviz.pretrained.position_curve` and each axis's explained variance ratio (the
    variance along the axis over the total variance of the table)."""
    points = position_curve(position_table)
    total = float(position_table.detach().to(torch.float64).var(dim=0).sum())
    ratio = points.var(axis=0, ddof=1) / total if total > 0 else np.zeros(3)
    return PositionCurve(points, ratio)


@dataclass(frozen=True)
class LoadedGpt2:
    """GPT-2's tables as the view keeps them: the tensors and their position curve, worked out once."""

    embeddings: PretrainedEmbeddings
    curve: PositionCurve

    @property
    def width(self) -> int:
        return int(self.embeddings.token_embeddings.shape[1])


def loaded_gpt2(embeddings: PretrainedEmbeddings) -> LoadedGpt2:
    return LoadedGpt2(embeddings, curve_of(embeddings.position_embeddings))


def pretrained_result(random: EmbeddingResult, gpt2: PretrainedEmbeddings) -> EmbeddingResult:
    """The sentence with GPT-2's trained vectors: ``random`` (the same sentence with random GPT-2-sized
    tables) with its token vectors and position vectors replaced by rows of ``wte`` and ``wpe``."""
    ids = torch.tensor(random.token_ids, dtype=torch.long)
    token_vectors = gpt2.token_embeddings[ids]
    position_vectors = gpt2.position_embeddings[: random.n_tokens]
    return replace(
        random,
        spec=replace(random.spec, dim=int(token_vectors.shape[1])),
        token_vectors=token_vectors,
        position_vectors=position_vectors,
        input_embeddings=token_vectors + position_vectors,
    )


__all__ = [
    "ENDPOINT_VARIABLE",
    "FILENAME",
    "POSITION_NAMES",
    "REPO_ID",
    "TOKEN_NAMES",
    "LoadedGpt2",
    "PositionCurve",
    "PretrainedEmbeddings",
    "PretrainedUnavailableError",
    "TensorInfo",
    "cache_path",
    "curve_of",
    "default_cache_dir",
    "find_tables",
    "gpt2_source",
    "header_length",
    "load_with_download",
    "load_with_ranges",
    "loaded_gpt2",
    "parse_header",
    "position_curve",
    "pretrained_result",
]
