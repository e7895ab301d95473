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

from embedviz.dataloader import GPTDatasetV1, create_dataloader_v1
from embedviz.embeddings import (
    MAX_CONTEXT_LENGTH,
    MAX_DIM,
    MAX_SEED,
    MAX_TABLE_BYTES,
    POSITIONAL_MODES,
    EmbeddingResult,
    EmbeddingSpec,
    embed,
    sinusoidal_positions,
)
from embedviz.errors import (
    EmbedvizError,
    EncodingUnavailableError,
    MemoryBudgetError,
    SettingError,
    TextTooLongError,
    TooManyTokensError,
    UnknownEncodingError,
)
from embedviz.projection import Projection, fit_reference, project
from embedviz.tokenizer import ENCODINGS, MAX_CHARS, Token, decode, encode, get_encoding, tokenize

__all__ = [
    "ENCODINGS",
    "MAX_CHARS",
    "MAX_CONTEXT_LENGTH",
    "MAX_DIM",
    "MAX_SEED",
    "MAX_TABLE_BYTES",
    "POSITIONAL_MODES",
    "EmbeddingResult",
    "EmbeddingSpec",
    "EmbedvizError",
    "EncodingUnavailableError",
    "GPTDatasetV1",
    "MemoryBudgetError",
    "Projection",
    "SettingError",
    "TextTooLongError",
    "Token",
    "TooManyTokensError",
    "UnknownEncodingError",
    "create_dataloader_v1",
    "decode",
    "embed",
    "encode",
    "fit_reference",
    "get_encoding",
    "project",
    "sinusoidal_positions",
    "tokenize",
]
