"""Reproduce in Python: turn the page's settings into a short script that prints the same numbers.

Everything embedviz shows follows one contract (see :mod:`embedviz.embeddings`)::

    torch.manual_seed(seed)
    tok = torch.nn.Embedding(n_vocab, dim)
    pos = torch.nn.Embedding(context_length, dim)

:func:`python_source` writes that contract out for one sentence, so a teacher can paste it into a
notebook that has only ``torch`` and ``tiktoken`` installed and see the same token ids and the same
vector values (first dimensions, 4 decimals) as the page's tables. :func:`seed_code` writes the seed's
batch example (``create_dataloader_v1``, then ``(batch, max_length, dim)`` embeddings) with the batches
view's values, runnable from the repository's folder. Nothing here imports Streamlit: each source is a
pure function of the settings (and of the comments' texts, which the page passes in its language).

Two safety rules, because the sentence is anybody's text:

* The sentence enters the code only through :func:`repr`, which always gives a valid Python string
  literal (quotes, backslashes, newlines and invisible characters are escaped). It is never pasted raw
  into a format string.
* ``<|endoftext|>`` is read as GPT's special token and every other special-looking string as plain
  text, exactly like :func:`embedviz.tokenizer.encode`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from tiktoken_ext.openai_public import ENDOFTEXT, r50k_pat_str

from embedviz.embeddings import EmbeddingSpec
from embedviz.tokenizer import get_encoding

#: How many dimensions of each vector the script prints by default (the page's tables show 8).
SHOWN_DIMS = 8
#: A long sentence is split into string pieces of at most this many characters, one per line.
LITERAL_WIDTH = 72
#: What the online script's comment tells a reader to put in place of the ranks path.
SHIPPED_RANKS_HINT = "gpt2.tiktoken"


def string_literal(text: str, width: int = LITERAL_WIDTH) -> str:
    """``text`` as Python source that evaluates to exactly ``text``.

    Short texts are one :func:`repr`; longer ones are cut after each newline and every ``width``
    characters into pieces that Python glues back together (``("ab" "cd") == "abcd"``). Each piece is
    its own ``repr``, so no character of the text is ever interpreted as code.
    """
    if len(text) <= width:
        return repr(text)
    pieces = []
    for line in text.splitlines(keepends=True):
        pieces += [line[i : i + width] for i in range(0, len(line), width)]
    return "(\n" + "".join(f"    {piece!r}\n" for piece in pieces) + ")"


def _literal(value: str) -> str:
    """A string literal in double quotes for our own plain constants, :func:`repr` for anything else."""
    if re.fullmatch(r"[\w<|>./ -]*", value, flags=re.ASCII):
        return f'"{value}"'
    return repr(value)


def _raw_literal(pattern: str) -> str:
    """A regex as a raw string literal when that is possible (easier to read), else ``repr``."""
    if '"' not in pattern and not pattern.endswith("\\") and "\n" not in pattern:
        return f'r"{pattern}"'
    return repr(pattern)


def offline_tokenizer_lines(ranks_path: str) -> list[str]:
    """Build GPT-2's tokenizer from a local ranks file: tiktoken's loader plus GPT-2's split pattern
    and its one special token, the same recipe :func:`embedviz.tokenizer.get_encoding` uses."""
    return [
        "from tiktoken.load import load_tiktoken_bpe",
        "",
        "enc = tiktoken.Encoding(",
        '    name="gpt2",',
        f"    pat_str={_raw_literal(r50k_pat_str)},",
        f"    mergeable_ranks=load_tiktoken_bpe({_literal(ranks_path)}),",
        f"    special_tokens={{{_literal(ENDOFTEXT)}: 50256}},",
        ")",
    ]


def tokenizer_lines(encoding: str, ranks_path: str | None = None) -> list[str]:
    """Lines that define ``enc``. ``ranks_path`` (GPT-2 only) builds it from a local file, with no
    download; otherwise tiktoken fetches the encoding once and the comment says how to avoid that."""
    if ranks_path is not None:
        if encoding != "gpt2":
            raise ValueError("A local ranks file is only supported for the 'gpt2' encoding.")
        header = "# GPT-2's byte-pair encoding, built from a local ranks file (no download)."
        return [header, *offline_tokenizer_lines(ranks_path)]
    lines = [f"enc = tiktoken.get_encoding({_literal(encoding)})  # downloads the vocabulary once"]
    if encoding == "gpt2":
        lines = [
            "# Offline? embedviz ships GPT-2's vocabulary as embedviz/assets/gpt2.tiktoken. Copy that file",
            "# next to this notebook and use these lines instead of the get_encoding line below:",
            *(f"#   {line}".rstrip() for line in offline_tokenizer_lines(SHIPPED_RANKS_HINT)),
            *lines,
        ]
    return lines


def position_lines(positional: str) -> list[str]:
    """Lines that define ``position_vectors`` (shape ``(n, dim)``) for one positional mode."""
    if positional == "learned":
        return [
            "# 3. Position embeddings: a second table, one learned vector per position 0, 1, 2, ...",
            "# (drawn right after the token table, from the same seed; never re-seed in between)",
            "pos = torch.nn.Embedding(context_length, dim)",
            "position_vectors = pos(torch.arange(n))",
        ]
    if positional == "sinusoidal":
        return [
            "# 3. Position embeddings: fixed sines and cosines (Vaswani et al. 2017), nothing to learn:",
            "#   PE[p, 2i] = sin(p / 10000^(2i/dim)),  PE[p, 2i+1] = cos(p / 10000^(2i/dim))",
            "p = torch.arange(n, dtype=torch.float64)[:, None]",
            "two_i = torch.arange(0, dim, 2, dtype=torch.float64)",
            "angle = p / torch.pow(10000.0, two_i / dim)",
            "position_vectors = torch.zeros(n, dim, dtype=torch.float64)",
            "position_vectors[:, 0::2] = torch.sin(angle)",
            "position_vectors[:, 1::2] = torch.cos(angle[:, : dim // 2])",
            "position_vectors = position_vectors.to(torch.float32)",
        ]
    if positional == "none":
        return [
            "# 3. No position embeddings: zeros, so the model sees a bag of words",
            "position_vectors = torch.zeros(n, dim)",
        ]
    raise ValueError(f"Unknown positional mode {positional!r}")


def _settings_lines(text: str, spec: EmbeddingSpec) -> list[str]:
    lines = [
        f"text = {string_literal(text)}",
        f"dim = {spec.dim}  # numbers per vector",
        f"seed = {spec.seed}",
    ]
    if spec.positional == "learned":
        lines.append(f"context_length = {spec.context_length}  # rows of the position table")
    return lines


_SHOW_FUNCTION = [
    "def show(title, vectors):",
    '    """Print each token\'s first `shown` numbers, 4 decimals, like embedviz\'s tables."""',
    '    print(f"{title}: first {min(shown, dim)} of {dim} dimensions")',
    "    for i, row in enumerate(vectors[:, :shown].tolist()):",
    '        print(f"{i:5d}", " ".join(f"{x:8.4f}" for x in row))',
]


def python_source(
    text: str,
    spec: EmbeddingSpec = EmbeddingSpec(),  # noqa: B008 (frozen, so one shared default is safe)
    *,
    ranks_path: str | None = None,
    shown_dims: int = SHOWN_DIMS,
) -> str:
    """A complete, runnable script that prints the token ids and the first ``shown_dims`` numbers of the
    token, position and input vectors of ``text`` with ``spec``, the way embedviz computes and shows them.

    ``ranks_path`` (for "gpt2" only) makes the script build the tokenizer from a local ranks file
    instead of ``tiktoken.get_encoding("gpt2")``, so it runs with no network at all.
    """
    lines = [
        f"# embedviz: reproduce this page's numbers ({spec.encoding}, dim {spec.dim}, "
        f"seed {spec.seed}, {spec.positional} positions).",
        "# Needs only: pip install torch tiktoken",
        "import tiktoken",
        "import torch",
        "",
        *_settings_lines(text, spec),
        f"shown = {shown_dims}  # how many numbers of each vector to print",
        "",
        "# 1. Tokens: text -> token ids",
        *tokenizer_lines(spec.encoding, ranks_path),
        f"ids = enc.encode(text, allowed_special={{{_literal(ENDOFTEXT)}}}, disallowed_special=())",
        "n = len(ids)",
        'print("token ids:", ids)',
        'print("tokens:", [enc.decode([i]) for i in ids])',
        "",
        "# 2. Token embeddings: a seeded random table with one row per vocabulary entry",
        "torch.manual_seed(seed)",
        "tok = torch.nn.Embedding(enc.n_vocab, dim)",
        "token_vectors = tok(torch.tensor(ids, dtype=torch.long))",
        "",
        *position_lines(spec.positional),
        "",
        "# 4. The model's input: token vector + position vector, element by element",
        "input_embeddings = token_vectors + position_vectors",
        "",
        "",
        *_SHOW_FUNCTION,
        "",
        "",
        'show("token vectors", token_vectors)',
        'show("position vectors", position_vectors)',
        'show("input embeddings", input_embeddings)',
        "print(input_embeddings.shape)  # (number of tokens, dim)",
    ]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------------------
# The batches view: the seed's data-loader example with the page's values
# ------------------------------------------------------------------------------------------------------

#: Where the batch script reads the shipped story, relative to the repository's folder.
VERDICT_PATH = "embedviz/assets/the-verdict.txt"
#: Where the batch script reads a visitor's own text (the visitor saves it there).
OWN_TEXT_PATH = "my_text.txt"


@dataclass(frozen=True)
class BatchRecipe:
    """What the seed's batch example needs from the page: the tables' settings, the sliding window
    (``max_length`` tokens, ``stride`` apart), ``batch_size`` windows per batch, whether the loader
    shuffles, and whether the text is the shipped story or the visitor's own file."""

    spec: EmbeddingSpec
    batch_size: int
    max_length: int
    stride: int
    shuffle: bool
    own_text: bool


def seeds_loader(recipe: BatchRecipe) -> bool:
    """True if the seed's own ``create_dataloader_v1`` gives the page's batches: GPT-2, in order. Else
    the code builds the dataset with the page's encoding and a ``DataLoader`` with a seeded generator."""
    return recipe.spec.encoding == "gpt2" and not recipe.shuffle


def loader_code(recipe: BatchRecipe, batch_index: int) -> list[str]:
    """The lines that make ``inputs, targets`` of batch ``batch_index``."""
    r, encoding = recipe, recipe.spec.encoding
    if seeds_loader(r):
        lines = [
            "dataloader = create_dataloader_v1(",
            f"    raw_text, batch_size={r.batch_size}, max_length=max_length,",
            f"    stride={r.stride}, shuffle=False",
            ")",
        ]
    else:
        lines = [
            f'dataset = GPTDatasetV1(raw_text, get_encoding("{encoding}"), max_length, stride={r.stride})',
            "dataloader = DataLoader(",
            f"    dataset, batch_size={r.batch_size}, shuffle={r.shuffle}, drop_last=True,",
            f"    generator=torch.Generator().manual_seed({r.spec.seed}),",
            ")",
        ]
    lines.append("data_iter = iter(dataloader)")
    if batch_index:
        lines.append(f"for _ in range({batch_index + 1}):  # batch {batch_index}")
        lines.append("    inputs, targets = next(data_iter)")
    else:
        lines.append("inputs, targets = next(data_iter)")
    return lines


def position_code(positional: str) -> str:
    """The line that makes ``pos_embeddings`` in one positional mode."""
    return {
        "learned": "pos_embeddings = pos_embedding_layer(torch.arange(max_length))",
        "sinusoidal": "pos_embeddings = sinusoidal_positions(max_length, output_dim)",
        "none": "pos_embeddings = torch.zeros(max_length, output_dim)",
    }[positional]


def seed_code(
    recipe: BatchRecipe,
    batch_index: int,
    shapes: Mapping[str, tuple[int, ...]],
    comments: Mapping[str, str],
) -> str:
    """The seed's batch example with the page's values, runnable from the repository's folder.

    ``shapes`` are the shapes of ``inputs``, ``token_embeddings``, ``pos_embeddings`` and
    ``input_embeddings`` (each printed line says what it prints); ``comments`` are the two comments in the
    reader's language: ``own_file`` (where to save one's own text) and ``pos_order`` (why the position
    table is drawn right after the token table)."""
    r = recipe
    seeds = seeds_loader(r)
    imports = ["import torch"]
    if not seeds:
        imports.append("from torch.utils.data import DataLoader")
    imports.append("")
    imports.append(
        "from embedviz.dataloader import create_dataloader_v1"
        if seeds
        else "from embedviz.dataloader import GPTDatasetV1"
    )
    if r.spec.positional == "sinusoidal":
        imports.append("from embedviz.embeddings import sinusoidal_positions")
    if not seeds:
        imports.append("from embedviz.tokenizer import get_encoding")
    path = f'"{OWN_TEXT_PATH}"' if r.own_text else f'"{VERDICT_PATH}"'
    comment = f"  # {comments['own_file']}" if r.own_text else ""
    tables = [
        f"vocab_size = {get_encoding(r.spec.encoding).n_vocab}",
        f"output_dim = {r.spec.dim}",
        f"torch.manual_seed({r.spec.seed})",
        "token_embedding_layer = torch.nn.Embedding(vocab_size, output_dim)",
    ]
    if r.spec.positional == "learned":
        tables += [
            f"context_length = {r.spec.context_length}",
            f"# {comments['pos_order']}",
            "pos_embedding_layer = torch.nn.Embedding(context_length, output_dim)",
        ]
    shape = {name: f"  # torch.Size({list(value)})" for name, value in shapes.items()}
    code = [
        *imports,
        "",
        f'with open({path}, encoding="utf-8") as f:{comment}',
        "    raw_text = f.read()",
        "",
        *tables,
        "",
        f"max_length = {r.max_length}",
        *loader_code(r, batch_index),
        "print(inputs.shape)" + shape["inputs"],
        "",
        "token_embeddings = token_embedding_layer(inputs)",
        "print(token_embeddings.shape)" + shape["token_embeddings"],
        "",
        position_code(r.spec.positional),
        "print(pos_embeddings.shape)" + shape["pos_embeddings"],
        "",
        "input_embeddings = token_embeddings + pos_embeddings",
        "print(input_embeddings.shape)" + shape["input_embeddings"],
    ]
    return "\n".join(code)


__all__ = ["SHOWN_DIMS", "BatchRecipe", "python_source", "seed_code", "string_literal"]
