"""Check questions: each right answer recomputed here with plain tiktoken and plain torch."""

from __future__ import annotations

import tiktoken
import torch

from embedviz.embeddings import EmbeddingSpec, embed
from embedviz.questions import BATCH, NO, NONE, QUESTIONS, YES, ask
from embedviz.tokenizer import tokenize

DEFAULT = EmbeddingSpec()


def question(name: str, text: str, spec: EmbeddingSpec = DEFAULT):
    return ask(name, text, tokenize(text, spec.encoding), spec)


def test_every_question_offers_its_answer_once() -> None:
    for text in ["Die Katze saß auf der Matte", "the cat sat on the mat", "x"]:
        for name in QUESTIONS:
            q = question(name, text)
            assert q.choices.count(q.answer) == 1, (name, text, q)
            assert len(set(q.choices)) == len(q.choices)


def test_how_many_tokens_is_tiktoken_s_count_not_the_words(plain_gpt2: tiktoken.Encoding) -> None:
    text = "Die Katze saß auf der Matte"
    q = question("n_tokens", text)
    assert q.answer == str(len(plain_gpt2.encode(text)))
    assert str(len(text.split())) in q.choices  # the tempting wrong answer: six words
    assert q.answer != str(len(text.split()))


def test_the_repeated_token_has_identical_rows_in_plain_torch(plain_gpt2: tiktoken.Encoding) -> None:
    text = "the cat saw the cat"  # "the" and " the" are two tokens; " cat" comes twice
    q = question("same_rows", text)
    ids = plain_gpt2.encode(text)
    torch.manual_seed(123)
    table = torch.nn.Embedding(plain_gpt2.n_vocab, 256)
    rows = table(torch.tensor(ids))
    same = [(i, j) for i in range(len(ids)) for j in range(i + 1, len(ids)) if torch.equal(rows[i], rows[j])]
    assert same == [(1, 4)]
    assert q.reason["positions"] == "1, 4"
    assert q.answer == "␣cat"


def test_no_repeated_token_means_none() -> None:
    assert question("same_rows", "Die Katze saß").answer == NONE


def test_the_batch_shape_is_what_stacking_eight_sentences_gives() -> None:
    text = "Die Katze saß auf der Matte"
    spec = EmbeddingSpec(dim=256)
    one = embed(text).input_embeddings
    assert question("batch_shape", text, spec).answer == str(tuple(torch.stack([one] * BATCH).shape))


def test_swapping_two_tokens_changes_the_input_only_with_positions(plain_gpt2: tiktoken.Encoding) -> None:
    a, b = "Die Katze saß auf der Matte", "Die Matte saß auf der Katze"  # the lesson's pair
    assert sorted(plain_gpt2.encode(a)) == sorted(plain_gpt2.encode(b))
    for positional, expected in [("learned", YES), ("sinusoidal", YES), ("none", NO)]:
        spec = EmbeddingSpec(positional=positional)
        rows_a = {tuple(r.tolist()) for r in embed(a, positional=positional).input_embeddings}
        rows_b = {tuple(r.tolist()) for r in embed(b, positional=positional).input_embeddings}
        assert (YES if rows_a != rows_b else NO) == expected
        assert question("swap", a, spec).answer == expected
