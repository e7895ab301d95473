"""Check questions a teacher asks the class, each computed from the sentence and settings on the projector.

A question is never typed in: it is worked out from the teacher's tokens and :class:`EmbeddingSpec`, so its
right answer is true for whatever sentence and setting the class is looking at. Each one checks a step of
the pipeline:

* ``n_tokens``: how many tokens the sentence has (not words: the byte-pair encoding splits and merges);
* ``same_rows``: which token's rows of the token table are identical (a repeated token looks up one row);
* ``batch_shape``: the shape of the input embeddings for a batch of 8 sentences like this one;
* ``swap``: whether swapping two tokens changes what the model receives (only if positions are added).

The core speaks no language: choices are numbers, shapes, token texts or the words ``yes``/``no``, and
:attr:`Question.reason` names the facts the page puts into its own sentence, in the visitor's language.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from embedviz.embeddings import EmbeddingSpec
from embedviz.tokenizer import Token

#: The questions, in the order the teacher's menu lists them.
QUESTIONS = ("n_tokens", "same_rows", "batch_shape", "swap")
#: The batch size of ``batch_shape``, the lesson's own.
BATCH = 8
NONE = "none"
YES, NO = "yes", "no"


@dataclass(frozen=True)
class Question:
    """One question: what it is, the choices offered (in order), the right one, and why."""

    id: str
    choices: tuple[str, ...]
    answer: str
    #: The facts behind the answer, for the page's explanation (e.g. ``{"ids": "464, 3797"}``).
    reason: dict[str, str] = field(default_factory=dict)


def shape_text(shape: tuple[int, ...]) -> str:
    """A shape as torch prints it in the lesson: ``(8, 4, 256)``."""
    return "(" + ", ".join(str(n) for n in shape) + ")"


def _distinct(values: list[str], answer: str) -> tuple[str, ...]:
    """The answer among the distractors, each once, in the order given."""
    seen: list[str] = []
    for value in [*values, answer]:
        if value not in seen:
            seen.append(value)
    return tuple(seen)


def n_tokens(tokens: list[Token], text: str) -> Question:
    n = len(tokens)
    n_words = len(text.split())
    choices = sorted({str(max(n - 1, 0)), str(n), str(n + 1), str(n_words)}, key=int)
    return Question("n_tokens", tuple(choices), str(n), {"ids": ", ".join(str(t.id) for t in tokens)})


def same_rows(tokens: list[Token]) -> Question:
    counts = Counter(t.id for t in tokens)
    repeated = [t.display for t in tokens if counts[t.id] > 1]
    answer = repeated[0] if repeated else NONE
    others = list(dict.fromkeys(t.display for t in tokens if counts[t.id] == 1))[:3]
    positions = [str(i) for i, t in enumerate(tokens) if t.display == answer]
    return Question(
        "same_rows", _distinct([*others, NONE], answer), answer, {"positions": ", ".join(positions)}
    )


def batch_shape(tokens: list[Token], spec: EmbeddingSpec) -> Question:
    n, dim = len(tokens), spec.dim
    right = shape_text((BATCH, n, dim))
    wrong = [shape_text((n, dim)), shape_text((BATCH, dim)), shape_text((BATCH, n, spec.context_length))]
    return Question("batch_shape", _distinct(wrong, right), right, {"batch": str(BATCH), "n": str(n)})


def swap(spec: EmbeddingSpec) -> Question:
    answer = NO if spec.positional == "none" else YES
    return Question("swap", (YES, NO), answer, {"positional": spec.positional})


def ask(question: str, text: str, tokens: list[Token], spec: EmbeddingSpec) -> Question:
    """The question ``question`` (one of :data:`QUESTIONS`) for this sentence, its tokens and settings."""
    if question == "n_tokens":
        return n_tokens(tokens, text)
    if question == "same_rows":
        return same_rows(tokens)
    if question == "batch_shape":
        return batch_shape(tokens, spec)
    if question == "swap":
        return swap(spec)
    raise ValueError(f"unknown question {question!r}; one of {', '.join(QUESTIONS)}")
