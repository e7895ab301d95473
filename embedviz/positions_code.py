"""Reproduce the positions view in Python: one short script per part, printing what that part shows.

Like :mod:`embedviz.codegen`, each script needs only ``torch`` (and ``tiktoken`` where a sentence is
tokenized), draws the tables in the lesson's order (``torch.manual_seed(seed)``, the token table, then the
position table) and ends with one line of JSON, so that a test can run it in a fresh ``python -I`` and
compare every number with :mod:`embedviz.positions`. Sentences enter the code only through
:func:`~embedviz.codegen.string_literal` (``repr``), never pasted raw.
"""

from __future__ import annotations

from embedviz.codegen import string_literal, tokenizer_lines
from embedviz.embeddings import EmbeddingSpec

DEFAULT_SPEC = EmbeddingSpec()  # the lesson's settings: GPT-2, dim 256, seed 123, 1,024 positions
#: How many dimensions of each table row the scripts print (the heatmaps show more).
SHOWN_DIMS = 8

_TABLES = [
    "# The lesson's tables: the token table, then the position table, from one seed",
    "torch.manual_seed(seed)",
    "tok = torch.nn.Embedding(n_vocab, dim)",
    "pos = torch.nn.Embedding(context_length, dim)  # learned positions, as in GPT (random until trained)",
]

_SINUSOIDAL = [
    "def sinusoidal(n, dim):",
    '    """Vaswani et al. 2017: PE[p, 2i] = sin(p / 10000^(2i/dim)), PE[p, 2i+1] = cos(same angle)."""',
    "    p = torch.arange(n, dtype=torch.float64)[:, None]",
    "    two_i = torch.arange(0, dim, 2, dtype=torch.float64)",
    "    angle = p / torch.pow(10000.0, two_i / dim)",
    "    table = torch.zeros(n, dim, dtype=torch.float64)",
    "    table[:, 0::2] = torch.sin(angle)",
    "    table[:, 1::2] = torch.cos(angle[:, : dim // 2])",
    "    return table.to(torch.float32)",
]

_ROTARY = [
    "def rotary(x, positions, base=10000.0):",
    '    """RoPE, "rotate half": dimension i pairs with i + dim/2, turned by position * base^(-2i/dim)."""',
    "    dim = x.shape[-1]",
    "    two_i = torch.arange(0, dim, 2, dtype=torch.float64)",
    "    angle = positions.to(torch.float64)[:, None] * torch.pow(base, -two_i / dim)[None, :]",
    "    x1, x2 = x.to(torch.float64)[..., : dim // 2], x.to(torch.float64)[..., dim // 2 :]",
    "    cos, sin = angle.cos(), angle.sin()",
    "    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)",
]


def _header(title: str, spec: EmbeddingSpec, *, tokenizer: bool, ranks_path: str | None) -> list[str]:
    lines = [
        f"# embedviz, positions: {title} (dim {spec.dim}, seed {spec.seed}).",
        "# Needs only: pip install torch" + (" tiktoken" if tokenizer else ""),
        "import json",
        "",
    ]
    if tokenizer:
        lines += ["import tiktoken", "import torch", "", *tokenizer_lines(spec.encoding, ranks_path), ""]
        lines += ["n_vocab = enc.n_vocab"]
    else:
        lines += ["import torch", "", f"n_vocab = {_n_vocab(spec)}  # {spec.encoding}'s vocabulary"]
    return [
        *lines,
        f"dim = {spec.dim}",
        f"seed = {spec.seed}",
        f"context_length = {spec.context_length}",
        "",
        *_TABLES,
        "",
    ]


def _n_vocab(spec: EmbeddingSpec) -> int:
    from embedviz.tokenizer import get_encoding

    return get_encoding(spec.encoding).n_vocab


def _encode(name: str, text: str) -> list[str]:
    return [
        f"{name}_text = {string_literal(text)}",
        f'{name} = enc.encode({name}_text, allowed_special={{"<|endoftext|>"}}, disallowed_special=())',
    ]


def why_source(
    text_a: str,
    text_b: str,
    repeated: str,
    spec: EmbeddingSpec = DEFAULT_SPEC,
    *,
    ranks_path: str | None = None,
) -> str:
    """Without positions the two sentences are one bag of input vectors and a repeated token is one
    vector; with learned or sinusoidal positions they part. Prints, per kind of positions, whether A and
    B give the same bag and how many different input vectors each sentence has."""
    lines = [
        *_header("why positions", spec, tokenizer=True, ranks_path=ranks_path),
        *_encode("a", text_a),
        *_encode("b", text_b),
        *_encode("r", repeated),
        "",
        *_SINUSOIDAL,
        "",
        "",
        "def positions(kind, n):",
        '    if kind == "none":',
        "        return torch.zeros(n, dim)  # a bag of words: nothing says where a token stands",
        '    if kind == "learned":',
        "        return pos(torch.arange(n))",
        "    return sinusoidal(n, dim)",
        "",
        "",
        "def inputs(ids, kind):",
        "    return tok(torch.tensor(ids, dtype=torch.long)) + positions(kind, len(ids))",
        "",
        "",
        "def bag(x):",
        '    """The multiset of rows: each different row once, and how often it occurs."""',
        "    rows, counts = torch.unique(x, dim=0, return_counts=True)",
        "    return rows.tolist(), counts.tolist()",
        "",
        "",
        "found = {}",
        "with torch.no_grad():",
        '    for kind in ("none", "learned", "sinusoidal"):',
        "        x_a, x_b, x_r = inputs(a, kind), inputs(b, kind), inputs(r, kind)",
        "        found[kind] = {",
        '            "same_bag": x_a.shape == x_b.shape and bag(x_a) == bag(x_b),',
        '            "distinct": [len(bag(x)[0]) if len(x) else 0 for x in (x_a, x_b, x_r)],',
        "        }",
        "        print(kind, found[kind])",
        "print(json.dumps(found))",
    ]
    return "\n".join(lines) + "\n"


def absolute_source(
    n_positions: int, spec: EmbeddingSpec = DEFAULT_SPEC, shown_dims: int = SHOWN_DIMS
) -> str:
    """The learned and the sinusoidal table's first positions, their position-by-position cosine
    matrices, and the wavelength of each sinusoidal dimension."""
    lines = [
        *_header("absolute positions, learned and sinusoidal", spec, tokenizer=False, ranks_path=None),
        f"n = {n_positions}  # positions shown",
        "",
        *_SINUSOIDAL,
        "",
        "",
        "def cosines(table):",
        '    """Cosine similarity of every position vector with every other."""',
        "    t = table.to(torch.float64)",
        "    unit = t / t.norm(dim=1, keepdim=True).clamp_min(1e-300)",
        "    return (unit @ unit.T).to(torch.float32)",
        "",
        "",
        "learned = pos.weight[:n].detach()",
        "fixed = sinusoidal(n, dim)",
        "two_i = torch.arange(dim, dtype=torch.float64) // 2 * 2",
        "wavelength = 2 * torch.pi * torch.pow(10000.0, two_i / dim)  # positions per full turn",
        "",
        f"shown = {shown_dims}",
        "found = {",
        '    "learned": learned[:, :shown].tolist(),',
        '    "sinusoidal": fixed[:, :shown].tolist(),',
        '    "learned_cosines": cosines(learned).tolist(),',
        '    "sinusoidal_cosines": cosines(fixed).tolist(),',
        '    "wavelengths": wavelength.tolist(),',
        "}",
        'for kind in ("learned", "sinusoidal"):',
        '    matrix = found[f"{kind}_cosines"]',
        "    neighbours = [matrix[p][p + 1] for p in range(n - 1)]",
        '    print(kind, "mean neighbour cosine:", sum(neighbours) / max(len(neighbours), 1))',
        "print(json.dumps(found))",
    ]
    return "\n".join(lines) + "\n"


def combine_source(text: str, spec: EmbeddingSpec = DEFAULT_SPEC, *, ranks_path: str | None = None) -> str:
    """What the model receives when the position vectors are added (same width) or concatenated (twice
    the width)."""
    lines = [
        *_header("add or concatenate", spec, tokenizer=True, ranks_path=ranks_path),
        *_encode("ids", text),
        "",
        "with torch.no_grad():",
        "    token_vectors = tok(torch.tensor(ids, dtype=torch.long))",
        "    position_vectors = pos(torch.arange(len(ids)))",
        "added = token_vectors + position_vectors  # the lesson's way: same dimensions",
        "concatenated = torch.cat([token_vectors, position_vectors], dim=-1)  # twice as wide",
        'print("added:", tuple(added.shape), " concatenated:", tuple(concatenated.shape))',
        "found = {",
        '    "added": list(added.shape),',
        '    "concatenated": list(concatenated.shape),',
        '    "added_first": added[:, :4].tolist(),',
        '    "concatenated_tail": concatenated[:, dim : dim + 4].tolist(),',
        "}",
        "print(json.dumps(found))",
    ]
    return "\n".join(lines) + "\n"


def relative_source(
    text: str,
    n_positions: int,
    offset: int,
    slope: float,
    spec: EmbeddingSpec = DEFAULT_SPEC,
    *,
    ranks_path: str | None = None,
) -> str:
    """One query/key pair (the sentence's second and first token vectors) moved along ``n_positions``
    positions, the query ``offset`` positions after the key: its score under absolute (learned) positions,
    rotary positions and an ALiBi bias."""
    lines = [
        *_header("relative and rotary positions", spec, tokenizer=True, ranks_path=ranks_path),
        *_encode("ids", text),
        f"n, offset, slope = {n_positions}, {offset}, {slope!r}",
        "",
        *_ROTARY,
        "",
        "",
        "with torch.no_grad():",
        "    vectors = tok(torch.tensor(ids, dtype=torch.long)).to(torch.float64)",
        "    table = pos.weight[:n].to(torch.float64)",
        "key, query = vectors[0], vectors[min(1, len(ids) - 1)]",
        "starts = torch.arange(max(n - offset, 0))  # the key's position; the query is offset later",
        "scale = dim**0.5",
        "absolute = ((query + table[starts + offset]) * (key + table[starts])).sum(dim=1) / scale",
        "",
        "found = {",
        '    "absolute": absolute.tolist(),',
        '    "alibi": [float(query @ key) / scale - slope * offset] * len(starts),',
        "}",
        "if dim % 2 == 0:  # rotary positions turn dimensions in pairs",
        "    q_turned = rotary(query.expand(len(starts), -1), starts + offset)",
        "    k_turned = rotary(key.expand(len(starts), -1), starts)",
        '    found["rotary"] = ((q_turned * k_turned).sum(dim=1) / scale).tolist()',
        "for name, scores in found.items():",
        '    print(f"{name:9}", " ".join(f"{s:8.4f}" for s in scores[:8]))',
        "print(json.dumps(found))",
    ]
    return "\n".join(lines) + "\n"
