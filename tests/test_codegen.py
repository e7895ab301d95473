"""The generated "reproduce in Python" script prints exactly the page's numbers.

Each case writes the script for some settings (offline variant: GPT-2 built from the shipped ranks
file), runs it in a fresh ``python -I`` process in an empty folder (so only torch and tiktoken can be
imported, never embedviz), and compares what it prints with :func:`embedviz.embed` for the same settings.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tiktoken
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import embedviz
from embedviz.codegen import SHOWN_DIMS, BatchRecipe, python_source, seed_code, string_literal
from embedviz.embeddings import MAX_SEED, EmbeddingSpec, sinusoidal_positions
from embedviz.tokenizer import GPT2_RANKS_PATH
from embedviz.windows import batch_order, embedded_shapes

DEFAULT = "Today the cat sat on the mat"
#: Quotes of every kind, backslashes (one at the very end), newlines, a tab, a NUL, format braces,
#: a right-to-left override, an emoji split into byte fragments, and GPT's special token.
HOSTILE = (
    'He said "hi" \\ it\'s\n\ta \'\'\' """ {braces} %s \x00 <|endoftext|> ünïcödé 🙂 \u202e'
    " <|fim_prefix|> end \\"
)
#: Longer than one literal line, with blank lines: the literal is split into pieces.
LONG = ("The quick brown fox jumps over the lazy dog. " * 4 + "\n\n") * 2 + "Last line, no newline"

CASES = {
    "defaults": ((DEFAULT, EmbeddingSpec())),
    "dim1-learned-tight-context": ("Hi there", EmbeddingSpec(dim=1, seed=0, context_length=2)),
    "dim768-sinusoidal-max-seed": (HOSTILE, EmbeddingSpec(dim=768, seed=MAX_SEED, positional="sinusoidal")),
    "hostile-none": (HOSTILE, EmbeddingSpec(dim=3, seed=7, positional="none")),
    "one-token-odd-dim-sinusoidal": ("x", EmbeddingSpec(dim=5, seed=1, positional="sinusoidal")),
    "long-multiline-learned": (LONG, EmbeddingSpec(dim=16, seed=42, context_length=128)),
}
KINDS = {
    "token vectors": "token_vectors",
    "position vectors": "position_vectors",
    "input embeddings": "input_embeddings",
}
HEADER = re.compile(r"^(token vectors|position vectors|input embeddings): first (\d+) of (\d+) dimensions$")


def run_script(source: str, cwd: Path, prelude: str = "") -> str:
    """Run ``source`` in an isolated interpreter (no PYTHONPATH, no user site, no cwd on sys.path)."""
    done = subprocess.run(
        [sys.executable, "-I", "-c", prelude + source],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"the generated script failed:\n{done.stderr[-3000:]}"
    return done.stdout


def parse_output(stdout: str) -> dict:
    """The script's output -> ids, token texts, the three tables (as printed strings) and the shape."""
    lines = stdout.splitlines()
    assert lines[0].startswith("token ids: ") and lines[1].startswith("tokens: ")
    parsed: dict = {
        "ids": ast.literal_eval(lines[0].removeprefix("token ids: ")),
        "tokens": ast.literal_eval(lines[1].removeprefix("tokens: ")),
    }
    table = None
    for line in lines[2:]:
        if header := HEADER.match(line):
            table = parsed.setdefault(KINDS[header[1]], [])
            parsed["shown"] = (int(header[2]), int(header[3]))
        elif line.startswith("torch.Size("):
            parsed["shape"] = line
        else:
            index, *values = line.split()
            assert int(index) == len(table)
            table.append(values)
    return parsed


def as_printed(vectors: torch.Tensor, shown: int) -> list[list[str]]:
    """The app's numbers the way its tables show them: 4 decimals."""
    return [[f"{value:.4f}" for value in row] for row in vectors[:, :shown].tolist()]


#: A case: the text and the settings of the page.
Recipe = tuple[str, EmbeddingSpec]


def assert_matches_app(stdout: str, recipe: Recipe, shown: int = SHOWN_DIMS) -> None:
    text, spec = recipe
    expected = embedviz.embed(
        text,
        encoding=spec.encoding,
        dim=spec.dim,
        seed=spec.seed,
        context_length=spec.context_length,
        positional=spec.positional,
    )
    printed = parse_output(stdout)
    assert printed["ids"] == expected.token_ids
    assert printed["tokens"] == [embedviz.decode([i]) for i in expected.token_ids]
    assert printed["shown"] == (min(shown, spec.dim), spec.dim)
    for name in KINDS.values():
        assert printed[name] == as_printed(getattr(expected, name), shown), name
    assert printed["shape"] == f"torch.Size([{expected.n_tokens}, {spec.dim}])"


@pytest.mark.parametrize("recipe", CASES.values(), ids=CASES.keys())
def test_offline_script_prints_the_apps_numbers(recipe: Recipe, tmp_path: Path) -> None:
    source = python_source(*recipe, ranks_path=str(GPT2_RANKS_PATH))
    assert_matches_app(run_script(source, tmp_path), recipe)


def test_all_dimensions_can_be_printed(tmp_path: Path) -> None:
    recipe = ("dog bites man", EmbeddingSpec(dim=12, seed=5))
    source = python_source(*recipe, ranks_path=str(GPT2_RANKS_PATH), shown_dims=12)
    assert_matches_app(run_script(source, tmp_path), recipe, shown=12)


def test_online_script_runs_when_get_encoding_works(tmp_path: Path) -> None:
    """The variant the page shows calls tiktoken.get_encoding("gpt2"), which downloads. Here that one
    function is replaced by the shipped file (tiktoken's official GPT-2 has the same ranks, pattern and
    special token); every other line runs exactly as a teacher would paste it."""
    recipe = CASES["hostile-none"]
    source = python_source(*recipe)
    assert 'enc = tiktoken.get_encoding("gpt2")' in source
    stub = (
        "import tiktoken\n"
        "from tiktoken.load import load_tiktoken_bpe\n"
        "from tiktoken_ext.openai_public import r50k_pat_str\n"
        f"_ranks = load_tiktoken_bpe({str(GPT2_RANKS_PATH)!r})\n"
        "tiktoken.get_encoding = lambda name: tiktoken.Encoding(name=name, pat_str=r50k_pat_str, "
        "mergeable_ranks=_ranks, special_tokens={'<|endoftext|>': 50256})\n"
    )
    assert_matches_app(run_script(source, tmp_path, prelude=stub), recipe)


def follow_the_offline_comment(source: str) -> str:
    """Do what the comment says: uncomment the block under it and drop the get_encoding line."""
    lines, in_block = [], False
    for line in source.splitlines():
        if line.startswith("enc = tiktoken.get_encoding("):
            in_block = False
            continue
        if in_block:
            line = line.removeprefix("#").removeprefix("   ")
        lines.append(line)
        in_block = in_block or "instead of the get_encoding line below" in line
    return "\n".join(lines) + "\n"


def test_the_offline_comment_works(tmp_path: Path) -> None:
    """The page's script says: copy embedviz/assets/gpt2.tiktoken next to the notebook and use the
    commented lines instead of get_encoding. Doing exactly that gives the app's numbers."""
    source = python_source(*CASES["defaults"])
    code = [line for line in source.splitlines() if not line.startswith("#")]
    assert 'enc = tiktoken.get_encoding("gpt2")  # downloads the vocabulary once' in code
    assert "load_tiktoken_bpe" not in "\n".join(code)
    assert "embedviz/assets/gpt2.tiktoken" in source
    shutil.copy(GPT2_RANKS_PATH, tmp_path / "gpt2.tiktoken")
    assert_matches_app(run_script(follow_the_offline_comment(source), tmp_path), CASES["defaults"])


@pytest.mark.parametrize("encoding", ["r50k_base", "p50k_base", "cl100k_base", "o200k_base"])
def test_other_encodings_use_get_encoding(encoding: str) -> None:
    source = python_source(DEFAULT, EmbeddingSpec(encoding=encoding))
    assert f'enc = tiktoken.get_encoding("{encoding}")' in source
    assert "gpt2.tiktoken" not in source
    with pytest.raises(ValueError, match="only supported"):
        python_source(DEFAULT, EmbeddingSpec(encoding=encoding), ranks_path="x.tiktoken")


@pytest.mark.parametrize("positional", ["learned", "sinusoidal", "none"])
def test_the_seed_contract_is_written_out(positional: str) -> None:
    source = python_source(DEFAULT, EmbeddingSpec(dim=3, seed=9, context_length=4, positional=positional))
    lines = source.splitlines()
    for line in (
        "seed = 9",
        "dim = 3  # numbers per vector",
        "torch.manual_seed(seed)",
        "tok = torch.nn.Embedding(enc.n_vocab, dim)",
        "token_vectors = tok(torch.tensor(ids, dtype=torch.long))",
        "input_embeddings = token_vectors + position_vectors",
    ):
        assert line in lines
    seeded, token_table = (
        lines.index("torch.manual_seed(seed)"),
        lines.index("tok = torch.nn.Embedding(enc.n_vocab, dim)"),
    )
    assert seeded < token_table
    assert source.count("manual_seed") == 1  # never re-seeded
    if positional == "learned":
        position_table = lines.index("pos = torch.nn.Embedding(context_length, dim)")
        assert token_table < position_table  # drawn right after the token table
        assert "position_vectors = pos(torch.arange(n))" in lines
        assert "context_length = 4  # rows of the position table" in lines
    if positional == "sinusoidal":
        assert "position_vectors[:, 0::2] = torch.sin(angle)" in lines
    if positional == "none":
        assert "position_vectors = torch.zeros(n, dim)" in lines


def test_special_token_is_read_like_the_app() -> None:
    source = python_source(DEFAULT)
    assert 'allowed_special={"<|endoftext|>"}, disallowed_special=()' in source


def text_assignment(tree: ast.Module) -> ast.Assign:
    return next(node for node in tree.body if isinstance(node, ast.Assign) and node.targets[0].id == "text")


def without_text(tree: ast.Module) -> str:
    """The script's syntax tree with the sentence's literal blanked out."""
    text_assignment(tree).value = ast.Constant("")
    return ast.dump(tree)


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_text_becomes_one_safe_literal(text: str) -> None:
    """Whatever the sentence, the script parses, its ``text`` is exactly the sentence, and apart from
    that one literal the script is the same as for a plain sentence (the text cannot add code)."""
    tree = ast.parse(python_source(text))
    assert ast.literal_eval(text_assignment(tree).value) == text
    assert without_text(tree) == without_text(ast.parse(python_source("plain")))
    assert ast.literal_eval(string_literal(text)) == text


def test_long_text_is_split_into_readable_pieces() -> None:
    literal = string_literal(LONG)
    assert literal.startswith("(\n") and literal.endswith(")")
    assert max(len(line) for line in literal.splitlines()) <= 72 + 8
    assert ast.literal_eval(literal) == LONG


# ------------------------------------------------------------------------------------------------------
# The batches view's script: the seed's data-loader example with the page's values
# ------------------------------------------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]
#: Lets the isolated interpreter import embedviz from the repository, as running "from the repository's
#: folder" does; nothing else of the test's environment reaches the script.
REPO_ON_PATH = f"import sys\nsys.path.insert(0, {str(REPO)!r})\n"
#: Printed after the script: the batch and every number of sample 0's input embeddings, 4 decimals.
BATCH_REPORT = """
import json
print("REPORT " + json.dumps({
    "inputs": inputs.tolist(),
    "targets": targets.tolist(),
    "sample0": [[f"{x:.4f}" for x in row] for row in input_embeddings[0].tolist()],
}))
"""
COMMENTS = {"own_file": "save your text as my_text.txt", "pos_order": "drawn right after the token table"}
OWN_TEXT = 'Ein "eigener" Text <b>mit</b> Umlauten: äöü, Zeilen\nund \\ Backslashes. ' * 3
BATCH_CASES = {
    "seeds-defaults": (False, EmbeddingSpec(), 8, 4, 4, False, 0),
    "verdict-shuffled-batch3": (False, EmbeddingSpec(seed=5), 8, 4, 2, True, 3),
    "verdict-sinusoidal-batch2": (False, EmbeddingSpec(positional="sinusoidal"), 8, 4, 4, False, 2),
    "own-text-none-overlap": (True, EmbeddingSpec(dim=6, seed=9, positional="none"), 3, 5, 2, False, 1),
    "own-text-learned-gap": (True, EmbeddingSpec(dim=3, seed=123, context_length=6), 2, 6, 7, True, 0),
}


#: A batch case: own text (else the story), the spec, batch size, max length, stride, shuffle, batch number.
BatchCase = tuple[bool, EmbeddingSpec, int, int, int, bool, int]


def expected_batch(enc: tiktoken.Encoding, text: str, case: BatchCase) -> dict:
    """The batch and sample 0's numbers, computed here: plain tiktoken ids, the seed's slicing, the
    batch order of a DataLoader over the windows, and the seed's tables drawn with plain torch."""
    _, spec, batch_size, max_length, stride, shuffle, index = case
    ids = enc.encode(text, allowed_special={"<|endoftext|>"})
    starts = list(range(0, len(ids) - max_length, stride))
    chosen = [starts[w] for w in batch_order(len(starts), batch_size, shuffle, spec.seed)[index]]
    inputs = [ids[s : s + max_length] for s in chosen]
    targets = [ids[s + 1 : s + max_length + 1] for s in chosen]
    torch.manual_seed(spec.seed)
    tok = torch.nn.Embedding(enc.n_vocab, spec.dim)
    pos = torch.nn.Embedding(spec.context_length, spec.dim)
    with torch.no_grad():
        if spec.positional == "learned":
            positions = pos(torch.arange(max_length))
        elif spec.positional == "sinusoidal":
            positions = sinusoidal_positions(max_length, spec.dim)
        else:
            positions = torch.zeros(max_length, spec.dim)
        sample0 = tok(torch.tensor(inputs[0])) + positions
    return {"inputs": inputs, "targets": targets, "sample0": as_printed(sample0, spec.dim)}


@pytest.mark.parametrize("case", BATCH_CASES.values(), ids=BATCH_CASES.keys())
def test_batch_script_prints_the_pages_batch_and_numbers(
    case: BatchCase, plain_gpt2: tiktoken.Encoding, verdict_text: str, tmp_path: Path
) -> None:
    """The script runs in a fresh ``python -I`` (the story read from the repository's folder, an own
    text from ``my_text.txt`` beside it) and gives the batch and the numbers computed here."""
    own_text, spec, batch_size, max_length, stride, shuffle, index = case
    recipe = BatchRecipe(spec, batch_size, max_length, stride, shuffle, own_text)
    ids = torch.tensor([[0] * max_length] * batch_size)
    source = seed_code(recipe, index, embedded_shapes(ids, spec.dim), COMMENTS)
    if own_text:
        (tmp_path / "my_text.txt").write_text(OWN_TEXT, encoding="utf-8")
        assert f"# {COMMENTS['own_file']}" in source
    cwd = tmp_path if own_text else REPO
    stdout = run_script(source + "\n" + BATCH_REPORT, cwd, prelude=REPO_ON_PATH)
    shapes, report = stdout.split("REPORT ")
    expected = expected_batch(plain_gpt2, OWN_TEXT if own_text else verdict_text, case)
    assert json.loads(report) == expected
    n = spec.dim
    assert shapes.split() == [
        f"torch.Size([{batch_size},",
        f"{max_length}])",
        *[f"torch.Size([{batch_size},", f"{max_length},", f"{n}])"],
        f"torch.Size([{max_length},",
        f"{n}])",
        f"torch.Size([{batch_size},",
        f"{max_length},",
        f"{n}])",
    ]


def test_batch_script_uses_the_seeds_loader_only_when_it_gives_the_same_batches() -> None:
    """GPT-2 in order: the seed's own ``create_dataloader_v1``; shuffled: the dataset and a DataLoader
    with a seeded generator (the seed's function takes no generator)."""
    shapes = {name: (1,) for name in ("inputs", "token_embeddings", "pos_embeddings", "input_embeddings")}
    plain = seed_code(BatchRecipe(EmbeddingSpec(), 8, 4, 4, False, False), 0, shapes, COMMENTS)
    shuffled = seed_code(BatchRecipe(EmbeddingSpec(seed=3), 8, 4, 4, True, False), 0, shapes, COMMENTS)
    assert "create_dataloader_v1(" in plain and "DataLoader(" not in plain.replace("_dataloader_v1(", "")
    assert "create_dataloader_v1" not in shuffled
    assert "generator=torch.Generator().manual_seed(3)" in shuffled
