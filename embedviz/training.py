"""Watch them learn: train a tiny GPT for a few seconds and see its token embeddings move.

What is trained
---------------
A next-token model, the smallest one that is still built like GPT::

    window of token ids ──lookup──▶ token embeddings ─┐
                        └─positions 0..31──▶ position embeddings ─┴─(+)─▶ input embeddings
        ──▶ transformer block (causal self-attention + MLP) ──▶ LayerNorm ──▶ output head: a score per token

For every position of a 32-token window of the training text, the model scores which token comes next.
The loss (cross-entropy) is large when the real next token got a low score. Backpropagation sends the
loss's gradient through the block into the input embeddings, and so into the token embeddings and
position embeddings themselves: those tables are parameters, and each optimizer step moves them a little.

Why step 0 equals the random tables
-----------------------------------
The model's embedding layers start as *copies* of the page's seeded tables (``torch.manual_seed(seed)``,
then ``nn.Embedding(n_vocab, dim)``, then ``nn.Embedding(context_length, dim)``). Copies, because the
page's tables are cached and shared: training must never change them. The rest of the model is drawn
right after the two tables from the same seed, as a GPT constructor would, so a run is reproducible.
Snapshot 0 is taken before any update, so it is exactly what the page shows.

What makes it cheap enough for a small CPU (the default run takes a few seconds)
-------------------------------------------------------------------------------
* Only tokens the model reads (inputs of the training windows) ever get a gradient: a token the model
  never reads is never updated (and with Adam, a row whose gradient is always zero does not move at all).
  So the model trains a compact copy of just the rows of the text's tokens (about 1,100 of 50,257 for
  "The Verdict"); all other rows stay exactly as they were. A token of your sentence that is not in the
  training text therefore never moves.
* The output head scores only the tokens that occur in the text, not all 50,257.
* The block works at width ``min(dim, MAX_WIDTH)``. Up to 256 dimensions the input embeddings go into the
  block as they are; a wider table is first projected down by one linear layer (the embeddings still learn
  through it). A 2048-wide block would cost ~60x more for no visible gain in a few seconds of training.
* Windows of ``max_length`` (32) tokens: only position embeddings 0..31 are trained; later positions of a
  long sentence keep their random values.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn
from torch.utils.data import DataLoader

from embedviz.dataloader import GPTDatasetV1, load_verdict
from embedviz.embeddings import (
    RNG_LOCK,
    EmbeddingSpec,
    HasSpec,
    Tables,
    build_position_table,
    build_token_table,
    position_rows_of,
    rng_state_after_tokens,
    token_rows_of,
)
from embedviz.errors import (
    EmbedvizError,
    SettingError,
    TextTooShortForWindowError,
    TooManyTokensError,
)
from embedviz.projection import Projection, fit_pca, project
from embedviz.rows import SeededRows
from embedviz.tokenizer import encode, get_encoding

#: The widest transformer block the tiny model uses; wider tables are projected down to this width.
MAX_WIDTH = 256
MAX_STEPS = 5000


class TrainingTextTooShortError(EmbedvizError):
    """The training text does not fill a single window of ``max_length + 1`` tokens."""

    key = "error.training_text_too_short"


@dataclass(frozen=True)
class TrainConfig(HasSpec):
    """Settings of one training run. ``spec`` names the seeded tables the model starts from (GPT-2's
    encoding, learned positions; the page's dim, seed and context length); the rest shape the tiny model
    and its training."""

    spec: EmbeddingSpec = field(default_factory=EmbeddingSpec)
    max_length: int = 32  # tokens per training window (and trained position embeddings 0..max_length-1)
    stride: int = 32  # windows start this many tokens apart (= max_length: no overlap, as in the seed)
    batch_size: int = 8
    steps: int = 300
    learning_rate: float = 1e-2
    # Adam's step size for the two embedding tables; None: learning_rate. A larger one lets a run of a few
    # seconds move the embeddings as far as a much longer run would (the lesson corpus uses it).
    embedding_learning_rate: float | None = None
    n_blocks: int = 1
    n_heads: int = 4
    snapshot_every: int = 10

    @property
    def width(self) -> int:
        """Width of the transformer block: the embedding dim, capped at :data:`MAX_WIDTH`."""
        return min(self.dim, MAX_WIDTH)

    @property
    def heads(self) -> int:
        """Attention heads actually used: ``n_heads`` if it divides the width, else the largest divisor."""
        return math.gcd(self.width, self.n_heads)

    @property
    def embedding_rate(self) -> float:
        """The step size of the embedding tables: ``embedding_learning_rate``, else ``learning_rate``."""
        return self.learning_rate if self.embedding_learning_rate is None else self.embedding_learning_rate

    def check(self) -> int:
        """Raise a :class:`SettingError` for settings out of range; return the vocabulary size (GPT-2)."""
        if (self.spec.encoding, self.spec.positional) != ("gpt2", "learned"):
            raise SettingError(
                "The tiny GPT trains GPT-2's token table with learned positions only.", key="error.train_spec"
            )
        n_vocab = self.spec.check()
        for name, value, low, high in (
            ("max_length", self.max_length, 1, self.context_length),
            ("stride", self.stride, 1, 100_000),
            ("batch_size", self.batch_size, 1, 256),
            ("steps", self.steps, 0, MAX_STEPS),
            ("n_blocks", self.n_blocks, 1, 2),
            ("n_heads", self.n_heads, 1, 64),
            ("snapshot_every", self.snapshot_every, 1, MAX_STEPS),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise SettingError.out_of_range(name, value, low, high)
        for name, rate in (
            ("learning_rate", self.learning_rate),
            ("embedding_learning_rate", self.embedding_rate),
        ):
            if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 < rate <= 1:
                raise SettingError(f"{name} must be above 0 and at most 1, not {rate!r:.40}.")
        return n_vocab


@dataclass(frozen=True)
class Snapshot:
    """The sentence's vectors after ``step`` optimizer updates, each of shape ``(n_tokens, dim)``;
    ``input_embeddings == token_vectors + position_vectors``."""

    step: int
    token_vectors: torch.Tensor
    position_vectors: torch.Tensor
    input_embeddings: torch.Tensor


@dataclass(frozen=True)
class StepInfo:
    """What ``on_step`` receives: the step (0 = before training), the loss of that step's batch
    (None at step 0), and a :class:`Snapshot` every ``snapshot_every`` steps (else None)."""

    step: int
    steps: int
    loss: float | None
    snapshot: Snapshot | None


@dataclass(frozen=True)
class TrainResult:
    """The outcome of :func:`train`. ``losses[i]`` is the loss of update ``i + 1``; ``snapshots`` start
    with step 0 (the untrained tables) and end with the last step done."""

    config: TrainConfig
    losses: list[float]
    snapshots: list[Snapshot]
    trained_ids: list[int]  # token ids of the training text: the only rows training can change
    sentence_ids: list[int]
    stopped_early: bool
    seconds: float
    trained_rows: torch.Tensor = field(repr=False)  # (len(trained_ids), dim), the trained token embeddings
    _base_token_weight: torch.Tensor = field(repr=False)  # the shared table; read, never written

    @property
    def steps_done(self) -> int:
        return len(self.losses)

    def token_table(self) -> torch.Tensor:
        """The full trained token table ``(n_vocab, dim)``: a fresh copy of the seeded table with the rows
        of ``trained_ids`` replaced. Built on demand (50,257 x dim floats), for nearest neighbours."""
        table = self._base_token_weight.detach().clone()
        table[torch.tensor(self.trained_ids, dtype=torch.long)] = self.trained_rows
        return table


class TinyGPT(nn.Module):
    """Token embeddings + position embeddings -> 1-2 pre-norm transformer blocks -> output head.

    ``token_embeddings`` holds only the rows of the tokens in the training text (compact ids
    ``0..len(vocab)-1``); the output head scores those same tokens.
    """

    def __init__(self, token_rows: torch.Tensor, position_rows: torch.Tensor, config: TrainConfig) -> None:
        super().__init__()
        dim, width = token_rows.shape[1], config.width
        self.token_embeddings = nn.Embedding.from_pretrained(token_rows, freeze=False)
        self.position_embeddings = nn.Embedding.from_pretrained(position_rows, freeze=False)
        self.down = nn.Linear(dim, width, bias=False) if width < dim else nn.Identity()
        self.blocks = nn.ModuleList(
            nn.TransformerEncoderLayer(
                width,
                config.heads,
                dim_feedforward=4 * width,
                dropout=0.0,
                activation="gelu",
                batch_first=True,
                norm_first=True,
            )
            for _ in range(config.n_blocks)
        )
        self.final_norm = nn.LayerNorm(width)
        self.out_head = nn.Linear(width, token_rows.shape[0], bias=False)

    def forward(self, compact_ids: torch.Tensor) -> torch.Tensor:
        """Next-token scores ``(batch, length, n_text_tokens)`` for a batch of compact ids."""
        length = compact_ids.shape[1]
        input_embeddings = self.token_embeddings(compact_ids) + self.position_embeddings(torch.arange(length))
        x = self.down(input_embeddings)
        causal = nn.Transformer.generate_square_subsequent_mask(length)  # position t sees 0..t only
        for block in self.blocks:
            x = block(x, src_mask=causal, is_causal=True)
        return self.out_head(self.final_norm(x))


def _build_model(
    config: TrainConfig, tables: Tables | SeededRows, vocab: torch.Tensor, n_positions: int
) -> TinyGPT:
    token_rows = token_rows_of(tables, vocab)
    position_rows = position_rows_of(tables, n_positions).clone()
    # The block and head are drawn from the seed's stream right after the two tables, as in
    # `torch.manual_seed(seed); tok = nn.Embedding(...); pos = nn.Embedding(...); blocks...`. The lock and
    # fork_rng keep the process-wide generator untouched for everybody else.
    with RNG_LOCK, torch.random.fork_rng(devices=[]):
        torch.set_rng_state(rng_state_after_tokens(tables))
        torch.empty(config.context_length, config.dim).normal_()  # the position table's draws
        return TinyGPT(token_rows, position_rows, config)


def _snapshot(
    step: int,
    model: TinyGPT,
    seeded: tuple[torch.Tensor, torch.Tensor],
    sentence: torch.Tensor,
    compact_of: torch.Tensor,
) -> Snapshot:
    """The sentence's current vectors: trained rows from the model, all others from ``seeded`` (the
    sentence's token rows and position rows of the seeded tables)."""
    with torch.no_grad():
        token_vectors = seeded[0].clone()
        compact = compact_of[sentence]
        trained = compact >= 0
        token_vectors[trained] = model.token_embeddings.weight[compact[trained]]
        n_trained_positions = min(len(sentence), model.position_embeddings.num_embeddings)
        position_vectors = seeded[1].clone()
        position_vectors[:n_trained_positions] = model.position_embeddings.weight[:n_trained_positions]
    return Snapshot(step, token_vectors, position_vectors, token_vectors + position_vectors)


def train(
    config: TrainConfig,
    sentence_ids: list[int],
    text: str | None = None,
    *,
    tables: Tables | SeededRows | None = None,
    on_step: Callable[[StepInfo], bool | None] | None = None,
) -> TrainResult:
    """Train a :class:`TinyGPT` on ``text`` (default: "The Verdict") and record how the vectors of
    ``sentence_ids`` (GPT-2 token ids) move.

    ``tables`` are the page's cached ``(build_token_table(...), build_position_table(...))`` for these
    settings, or their :class:`~embedviz.rows.SeededRows` (the same numbers, no whole table); they are
    read, never changed (built here when omitted). ``on_step`` is called after every
    step (and once for step 0); returning ``False`` stops training early (the page's Stop button).
    Deterministic for a given config. Raises only :class:`EmbedvizError` subclasses for bad input.
    """
    started = time.perf_counter()
    n_vocab = config.check()
    text = load_verdict() if text is None else text
    encode(text)  # raises TextTooLongError for a text longer than embedviz accepts
    if any(isinstance(i, bool) or not 0 <= i < n_vocab for i in sentence_ids):
        raise SettingError(f"Sentence token ids must be GPT-2 ids from 0 to {n_vocab - 1:,}.")
    if len(sentence_ids) > config.context_length:
        raise TooManyTokensError(len(sentence_ids), config.context_length)
    try:
        dataset = GPTDatasetV1(text, get_encoding("gpt2"), config.max_length, config.stride)
    except TextTooShortForWindowError as short:
        raise TrainingTextTooShortError(
            f"The training text has {short.n_tokens:,} tokens; training needs at least "
            f"{config.max_length + 1:,} (one window of {config.max_length} inputs plus the next token). "
            f"Use a longer text.",
            n_tokens=short.n_tokens,
            needed=config.max_length + 1,
            max_length=config.max_length,
        ) from short
    if tables is None:
        token_table = build_token_table(n_vocab, config.dim, config.seed)
        tables = (token_table, build_position_table(token_table, config.context_length))

    vocab = torch.tensor(sorted(set(dataset.token_ids)), dtype=torch.long)
    compact_of = torch.full((n_vocab,), -1, dtype=torch.long)  # GPT-2 id -> row of the compact table
    compact_of[vocab] = torch.arange(len(vocab))
    sentence = torch.tensor(sentence_ids, dtype=torch.long)
    model = _build_model(config, tables, vocab, config.max_length)
    tables_params = [model.token_embeddings.weight, model.position_embeddings.weight]
    others = [p for p in model.parameters() if all(p is not t for t in tables_params)]
    optimizer = torch.optim.Adam(
        [{"params": tables_params, "lr": config.embedding_rate}, {"params": others}], lr=config.learning_rate
    )
    generator = torch.Generator().manual_seed(config.seed)  # the batches' order; global RNG untouched
    loader = DataLoader(
        dataset,
        batch_size=min(config.batch_size, len(dataset)),
        shuffle=True,
        drop_last=True,
        generator=generator,
    )

    seeded = (token_rows_of(tables, sentence), position_rows_of(tables, len(sentence)))
    snapshots = [_snapshot(0, model, seeded, sentence, compact_of)]
    losses: list[float] = []
    stopped = on_step is not None and on_step(StepInfo(0, config.steps, None, snapshots[0])) is False
    with torch.enable_grad():
        while not stopped and len(losses) < config.steps:
            for inputs, targets in loader:
                logits = model(compact_of[inputs])
                loss = nn.functional.cross_entropy(logits.flatten(0, 1), compact_of[targets].flatten())
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
                step = len(losses)
                snapshot = None
                if step % config.snapshot_every == 0 or step == config.steps:
                    snapshot = _snapshot(step, model, seeded, sentence, compact_of)
                    snapshots.append(snapshot)
                if (
                    on_step is not None
                    and on_step(StepInfo(step, config.steps, losses[-1], snapshot)) is False
                ):
                    stopped = True
                if stopped or step == config.steps:
                    break
    if snapshots[-1].step != len(losses):  # stopped between two snapshots: keep the last state
        snapshots.append(_snapshot(len(losses), model, seeded, sentence, compact_of))
    return TrainResult(
        config=config,
        losses=losses,
        snapshots=snapshots,
        trained_ids=vocab.tolist(),
        sentence_ids=list(sentence_ids),
        stopped_early=stopped,
        seconds=time.perf_counter() - started,
        trained_rows=model.token_embeddings.weight.detach().clone(),
        _base_token_weight=torch.empty(0) if isinstance(tables, SeededRows) else tables[0].layer.weight,
    )


def animation_frames(snapshots: list[Snapshot]) -> list[Projection]:
    """Project every snapshot into ONE fixed 3D space (a single PCA fitted on all frames together), so
    that the axes stay put while the points move. Returns one :class:`Projection` per snapshot."""
    if not snapshots:
        return []
    stacked = torch.cat(
        [torch.cat([s.token_vectors, s.position_vectors, s.input_embeddings]) for s in snapshots]
    )
    pca = fit_pca(stacked.numpy())
    return [project(s.token_vectors, s.position_vectors, s.input_embeddings, pca=pca) for s in snapshots]


__all__ = [
    "MAX_STEPS",
    "MAX_WIDTH",
    "Snapshot",
    "StepInfo",
    "TinyGPT",
    "TrainConfig",
    "TrainResult",
    "TrainingTextTooShortError",
    "animation_frames",
    "train",
]
