"""Batches (sliding windows over "The Verdict") against independent computations: the plain tiktoken
GPT-2 id list (conftest.py) sliced by hand, the first batch as printed in LLMs-from-scratch chapter 2
(typed in by hand), the seed document's embedding code written out here, and the story file's size,
opening and token count as the book states them (20,479 characters, 5,145 tokens)."""

from __future__ import annotations

import pytest
import tiktoken
import torch

from embedviz import create_dataloader_v1, embed, get_encoding
from embedviz.dataloader import VERDICT_PATH, GPTDatasetV1, load_verdict
from embedviz.errors import EmbedvizError, TextTooShortForWindowError

# Raschka, Build a Large Language Model (From Scratch), ch. 2, section 2.8: the first batch of
# create_dataloader_v1(raw_text, batch_size=8, max_length=4, stride=4, shuffle=False).
BOOK_FIRST_BATCH = [
    [40, 367, 2885, 1464],
    [1807, 3619, 402, 271],
    [10899, 2138, 257, 7026],
    [15632, 438, 2016, 257],
    [922, 5891, 1576, 438],
    [568, 340, 373, 645],
    [1049, 5975, 284, 502],
    [284, 3285, 326, 11],
]


def _ids(plain_gpt2: tiktoken.Encoding, text: str) -> list[int]:
    return plain_gpt2.encode(text, allowed_special={"<|endoftext|>"})


def test_the_verdict_file(verdict_text: str, plain_gpt2: tiktoken.Encoding) -> None:
    assert len(verdict_text) == 20479
    assert verdict_text.startswith("I HAD always thought Jack Gisburn rather a cheap genius")
    assert verdict_text.endswith("there's no exterminating our kind of art.\"")
    assert VERDICT_PATH.read_bytes() == verdict_text.encode("utf-8")  # no BOM, no CRLF
    assert len(_ids(plain_gpt2, verdict_text)) == 5145
    assert load_verdict() == verdict_text


def test_first_batch_as_in_the_book(verdict_text: str, plain_gpt2: tiktoken.Encoding) -> None:
    loader = create_dataloader_v1(verdict_text, batch_size=8, max_length=4, stride=4, shuffle=False)
    inputs, targets = next(iter(loader))
    assert inputs.shape == targets.shape == (8, 4)
    assert inputs.tolist() == BOOK_FIRST_BATCH
    ids = _ids(plain_gpt2, verdict_text)
    assert inputs.tolist() == [ids[4 * b : 4 * b + 4] for b in range(8)]
    assert targets.tolist() == [ids[4 * b + 1 : 4 * b + 5] for b in range(8)]
    assert torch.equal(targets[:, :-1], inputs[:, 1:])  # targets are the inputs shifted by one


def test_first_batch_embeddings_with_the_seed_code(verdict_text: str) -> None:
    loader = create_dataloader_v1(verdict_text, batch_size=8, max_length=4, stride=4, shuffle=False)
    inputs, _ = next(iter(loader))
    # The seed document's code:
    torch.manual_seed(123)
    vocab_size, output_dim, max_length = 50257, 256, 4
    token_embedding_layer = torch.nn.Embedding(vocab_size, output_dim)
    context_length = max_length
    pos_embedding_layer = torch.nn.Embedding(context_length, output_dim)
    with torch.no_grad():
        token_embeddings = token_embedding_layer(inputs)
        pos_embeddings = pos_embedding_layer(torch.arange(max_length))
        input_embeddings = token_embeddings + pos_embeddings
    assert token_embeddings.shape == (8, 4, 256)
    assert pos_embeddings.shape == (4, 256)
    assert input_embeddings.shape == (8, 4, 256)
    # embedviz, shown the first window as a sentence, computes the same first row
    first_window = get_encoding().decode(inputs[0].tolist())
    assert first_window == "I HAD always"
    result = embed(first_window, dim=256, seed=123, context_length=4)
    assert result.token_ids == inputs[0].tolist()
    assert torch.equal(result.input_embeddings, input_embeddings[0])


def _windows(text: str, max_length: int, stride: int) -> GPTDatasetV1:
    return GPTDatasetV1(text, get_encoding(), max_length=max_length, stride=stride)


def test_window_starts_stride_equals_length(verdict_text: str, plain_gpt2: tiktoken.Encoding) -> None:
    ids = _ids(plain_gpt2, verdict_text)
    dataset = _windows(verdict_text, 4, 4)
    starts = range(0, len(ids) - 4, 4)
    assert len(dataset) == len(starts) == 1286
    for k, start in enumerate(starts):
        inputs, targets = dataset[k]
        assert inputs.tolist() == ids[start : start + 4]
        assert targets.tolist() == ids[start + 1 : start + 5]


def test_dataloader_walks_all_windows_in_order(verdict_text: str, plain_gpt2: tiktoken.Encoding) -> None:
    ids = _ids(plain_gpt2, verdict_text)
    loader = create_dataloader_v1(verdict_text, batch_size=8, max_length=4, stride=4, shuffle=False)
    batches = list(loader)
    assert len(batches) == 1286 // 8  # drop_last=True drops the last 6 windows
    flat = torch.cat([inputs for inputs, _ in batches]).flatten().tolist()
    assert flat == ids[: len(flat)]


def test_overlapping_windows(verdict_text: str, plain_gpt2: tiktoken.Encoding) -> None:
    ids = _ids(plain_gpt2, verdict_text)
    dataset = _windows(verdict_text, 4, 2)
    starts = list(range(0, len(ids) - 4, 2))
    assert len(dataset) == len(starts)
    for k in range(len(dataset) - 1):
        here, _ = dataset[k]
        after, _ = dataset[k + 1]
        assert here.tolist() == ids[starts[k] : starts[k] + 4]
        assert here[2:].tolist() == after[:2].tolist()  # consecutive windows share 2 tokens


def test_windows_with_gaps(verdict_text: str, plain_gpt2: tiktoken.Encoding) -> None:
    ids = _ids(plain_gpt2, verdict_text)
    dataset = _windows(verdict_text, 4, 6)
    starts = list(range(0, len(ids) - 4, 6))
    assert len(dataset) == len(starts)
    covered: set[int] = set()
    for k, start in enumerate(starts):
        inputs, _ = dataset[k]
        assert inputs.tolist() == ids[start : start + 4]
        covered.update(range(start, start + 4))
    skipped = {start + 4 for start in starts} | {start + 5 for start in starts}
    assert not covered & skipped  # tokens 4 and 5 after each window start are never an input


def test_short_text_is_refused_with_the_numbers() -> None:
    # 3 tokens: no window of 4 plus a target; 4 tokens: range(0, 0) would be empty (the book asserts).
    for text, n_tokens in (("the cat sat", 3), ("the cat sat on", 4)):
        with pytest.raises(TextTooShortForWindowError, match=rf"has {n_tokens} tokens.*max_length \+ 1 = 5"):
            _windows(text, 4, 1)
    assert len(_windows("the cat sat on the", 4, 1)) == 1


@pytest.mark.parametrize("shuffle", [False, True])
def test_dataloader_refuses_a_text_shorter_than_one_window(shuffle: bool) -> None:
    """Was: 0 batches without shuffling, torch's "num_samples should be a positive integer" with it."""
    assert len(get_encoding().encode("Hi")) == 1
    with pytest.raises(EmbedvizError, match=r"has 1 tokens.*max_length \+ 1 = 5") as caught:
        create_dataloader_v1("Hi", batch_size=1, max_length=4, stride=1, shuffle=shuffle)
    assert isinstance(caught.value, TextTooShortForWindowError)
    assert (caught.value.n_tokens, caught.value.max_length) == (1, 4)
