"""Batches: a long text -> overlapping windows of token ids -> tensors of shape (batch, max_length).

An LLM is trained on many short windows of its training text at once. This is the seed's code reference
(Raschka, *Build a Large Language Model (From Scratch)*, chapter 2): encode the whole text with GPT-2,
slide a window of ``max_length`` tokens forward by ``stride`` tokens, and pair each window (the inputs)
with the same window shifted one token to the right (the targets: the next token at every position).
With ``stride < max_length`` windows overlap; with ``stride > max_length`` tokens between them are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import tiktoken
import torch
from torch.utils.data import DataLoader, Dataset

from embedviz.errors import TextTooShortForWindowError
from embedviz.tokenizer import get_encoding

#: Edith Wharton, "The Verdict" (1908, public domain; see NOTICE): the seed's training text, 20,479 chars.
VERDICT_PATH = Path(__file__).parent / "assets" / "the-verdict.txt"


def load_verdict() -> str:
    """The text of "The Verdict", exactly as the seed's code reference reads it (utf-8, 20,479 chars)."""
    return VERDICT_PATH.read_text(encoding="utf-8")


def window_starts(n_tokens: int, max_length: int, stride: int) -> range:
    """Where the windows start: ``range(0, n_tokens - max_length, stride)``, as the seed's dataset slides
    them. The last start is below ``n_tokens - max_length`` (not ``<=``) because the targets reach one
    token further than the inputs: a window starting at ``s`` needs tokens ``s`` to ``s + max_length``.

    Raises :class:`~embedviz.errors.TextTooShortForWindowError` if there is not one window
    (``n_tokens <= max_length``), like the seed's ``assert len(token_ids) > max_length``.
    """
    if n_tokens <= max_length:
        raise TextTooShortForWindowError(n_tokens, max_length)
    return range(0, n_tokens - max_length, stride)


def window(token_ids: Sequence[int], start: int, max_length: int) -> tuple[list[int], list[int]]:
    """The inputs of the window starting at ``start`` and its targets (the same window, one token on)."""
    return list(token_ids[start : start + max_length]), list(token_ids[start + 1 : start + max_length + 1])


class GPTDatasetV1(Dataset):
    """Input/target windows of ``max_length`` token ids, ``stride`` tokens apart.

    Like the seed's ``assert len(token_ids) > max_length``, a text shorter than one window raises
    :class:`~embedviz.errors.TextTooShortForWindowError` instead of giving an empty data set (which a
    shuffling ``DataLoader`` would reject with torch's "num_samples should be a positive integer").
    """

    def __init__(self, txt: str, tokenizer: tiktoken.Encoding, max_length: int, stride: int) -> None:
        token_ids = tokenizer.encode(txt, allowed_special={"<|endoftext|>"})
        self.token_ids = token_ids
        self.starts = window_starts(len(token_ids), max_length, stride)  # also read by the batches view
        pairs = [window(token_ids, start, max_length) for start in self.starts]
        self.input_ids = [torch.tensor(inputs) for inputs, _ in pairs]
        self.target_ids = [torch.tensor(targets) for _, targets in pairs]

    def __len__(self) -> int:
        return len(self.input_ids)

    def __getitem__(self, idx: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.input_ids[idx], self.target_ids[idx]


def create_dataloader_v1(
    txt: str,
    batch_size: int = 4,
    max_length: int = 256,
    stride: int = 128,
    shuffle: bool = True,
    drop_last: bool = True,
    num_workers: int = 0,
) -> DataLoader:
    """A ``DataLoader`` over :class:`GPTDatasetV1` with the GPT-2 encoding (shipped, works offline)."""
    dataset = GPTDatasetV1(txt, get_encoding("gpt2"), max_length, stride)
    return DataLoader(
        dataset, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last, num_workers=num_workers
    )
