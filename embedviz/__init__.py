"""embedviz: how a language model turns a sentence into vectors, one small stage at a time.

    text --tokenize--> token ids --lookup--> token vectors --+
                            |                                 +--(+)--> input embeddings --PCA--> 3D
                            +--positions 0..n-1--> position vectors

>>> import embedviz
>>> result = embedviz.embed("the cat sat on the mat", dim=256, seed=123)
>>> result.token_ids
[1169, 3797, 3332, 319, 262, 2603]
>>> tuple(result.input_embeddings.shape)
(6, 256)
"""

from __future__ import annotations

import importlib
from typing import Any

# Where each public name lives. They are imported on first use (PEP 562), so that ``import embedviz.ui.x``
# for a module that needs neither torch nor scikit-learn does not import them: the page asks the browser
# for plotly.js before the server spends ~1.9 s importing those two (embedviz/ui/plotly_host.py).
_HOMES = {
    "embedviz.dataloader": ("GPTDatasetV1", "create_dataloader_v1"),
    "embedviz.embeddings": (
        "MAX_CONTEXT_LENGTH",
        "MAX_DIM",
        "MAX_SEED",
        "MAX_TABLE_BYTES",
        "POSITIONAL_MODES",
        "EmbeddingResult",
        "EmbeddingSpec",
        "embed",
    ),
    "embedviz.errors": (
        "EmbedvizError",
        "EncodingUnavailableError",
        "MemoryBudgetError",
        "SettingError",
        "TextTooLongError",
        "TooManyTokensError",
        "UnknownEncodingError",
    ),
    "embedviz.cosine": ("cosine", "cosine_matrix"),
    "embedviz.positions": (
        "OddDimensionError",
        "alibi_bias",
        "alibi_slopes",
        "moving_pair_scores",
        "rotary",
        "rotary_angles",
        "rotary_pair",
        "sinusoidal_positions",
        "t5_buckets",
        "wavelengths",
    ),
    "embedviz.projection": ("Projection", "fit_reference", "project"),
    "embedviz.tokenizer": ("ENCODINGS", "MAX_CHARS", "Token", "decode", "encode", "get_encoding", "tokenize"),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    """``embedviz.embed`` and ``from embedviz import embed``: import the name's module the first time."""
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'embedviz' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME_OF])


__all__ = sorted(_HOME_OF)  # the names above, listed once
