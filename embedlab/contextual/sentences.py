"""Sentence vectors side by side: BERT pooling against real sentence models.

The seed article's last demo: mean pooling a plain BERT puts "我喜欢这本书" and "我不喜欢这本书" very
close; a model trained for sentences separates them better. Three kinds of encoder compare here:

* :class:`BertPoolingEncoder`: mean or CLS pooling of a contextual model (:mod:`embedlab.contextual.model`);
* :class:`SentenceTransformerEncoder`: pymilvus[model]'s ``SentenceTransformerEmbeddingFunction``
  (the bundled all-MiniLM-L6-v2 works offline);
* :class:`BGEM3Encoder`: pymilvus[model]'s ``BGEM3EmbeddingFunction`` (BAAI/bge-m3 or a local
  folder): dense vectors plus sparse lexical weights, one weight per token.

(A fourth, :class:`embedlab.contextual.fastencode.OnnxSentenceEncoder`, runs a sentence-transformers
checkpoint through ONNX Runtime for the search index.) What makes an encoder is the
:class:`SentenceEncoder` protocol: a ``name`` to show, a ``kind``, and ``encode(sentences)`` giving
:class:`SentenceEmbeddings`. Code that only encodes takes any ``SentenceEncoder``.

::

    >>> from embedlab.io.bundled import minilm_path
    >>> from embedlab.contextual.model import load_contextual
    >>> bert = load_contextual(minilm_path())
    >>> encoders = [BertPoolingEncoder(bert, pooling="cls"), SentenceTransformerEncoder(minilm_path())]
    >>> result = compare(encoders, ["I like this book.", "This book is fun.", "I don't like this book."])
    >>> [r.closest_pair for r in result.results]               # doctest: +SKIP

Every encoder returns unit-length vectors, so similarities are dot products. Optional backends
are checked before anything imports them: pymilvus-model would otherwise try to pip-install a
missing package at run time. A missing one raises :class:`MissingDependencyError` naming it.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from embedlab.contextual.encoding import cosine_matrix, sentence_vectors, truncation_note
from embedlab.contextual.model import ContextualModel, Layer, Pooling, check_sentences, model_max_length
from embedlab.errors import InvalidInputError, MissingDependencyError

MAX_COMPARED = 50
BGE_M3_ID = "BAAI/bge-m3"

# What each backend needs, with the versions pinned in requirements.txt.
PINS = {
    "pymilvus.model": "pymilvus[model]==3.0.2 pymilvus.model==0.3.4",
    "sentence_transformers": "sentence-transformers==5.7.0",
    "transformers": "transformers==4.57.6",
    "torch": "torch==2.13.0",
    "scipy": "scipy==1.17.1",
    "huggingface_hub": "huggingface_hub==0.36.2",
    "datasets": "datasets==4.8.5",
    "peft": "peft==0.21.2",
    "FlagEmbedding": "FlagEmbedding==1.4.2",
}
# Importing pymilvus.model runs its own checks on these (and pip-installs what is missing).
_PYMILVUS_MODEL = ("torch", "transformers", "scipy", "huggingface_hub", "sentence_transformers", "pymilvus.model")
BACKENDS = {
    "sentence-transformers": _PYMILVUS_MODEL,
    "bge-m3": _PYMILVUS_MODEL + ("datasets", "peft", "FlagEmbedding"),
}


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a missing parent package
        return False


def require_backend(backend: str, *, modules: Sequence[str] | None = None) -> None:
    """Check that a backend's packages are installed, without importing them.

    Raises
    ------
    MissingDependencyError
        Naming every missing package and the ``pip install`` line that fixes it.
    """
    missing = [m for m in (modules if modules is not None else BACKENDS[backend]) if not _installed(m)]
    if missing:
        command = " ".join(PINS.get(m, m) for m in missing)
        raise MissingDependencyError(
            f"The {backend} encoder needs {', '.join(missing)}, which is not installed: pip install {command}"
        )


def resolve_source(source: str | Path) -> str:
    """A local folder as is; a hub id resolved to its folder (from the local cache when HF_HUB_OFFLINE=1).

    Raises
    ------
    InvalidInputError
        When the id can be neither found locally nor downloaded.
    """
    path = Path(source).expanduser()
    if path.is_dir():
        return str(path)
    from huggingface_hub import constants, snapshot_download

    try:
        return snapshot_download(repo_id=str(source), local_files_only=constants.HF_HUB_OFFLINE)
    except Exception as exc:  # hub errors vary by cause; all mean "not here"
        raise InvalidInputError(
            f"Model {str(source)!r} is neither a folder nor in the local hub cache. Download it with "
            f"`huggingface-cli download {source}` on a machine with internet, or list its folder in embedlab.toml."
        ) from exc


def is_bge_m3(source: str | Path) -> bool:
    """Whether ``source`` is BGE-M3: its hub id, or a folder with BGE-M3's sparse and ColBERT heads."""
    if str(source).lower() == BGE_M3_ID.lower():
        return True
    path = Path(source).expanduser()
    return (path / "sparse_linear.pt").is_file() and (path / "colbert_linear.pt").is_file()


def _truncated(tokenizer: Any, texts: list[str], max_length: int, lock: threading.Lock) -> tuple[int, ...]:
    with lock:
        encoded = tokenizer(texts, truncation=True, max_length=max_length, return_attention_mask=False)
    return tuple(i for i, enc in enumerate(encoded.encodings) if enc.overflowing)


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class SentenceEmbeddings:
    """One encoder's unit vectors for the sentences (rows in input order).

    ``lexical`` (BGE-M3 only) gives, per sentence, its tokens and sparse weights, heaviest first.
    """

    encoder: str  # a display name, e.g. "minilm · mean"
    kind: str  # "mean", "cls", "sentence-transformers" or "bge-m3"
    model_id: str
    sentences: tuple[str, ...]
    vectors: np.ndarray
    truncated: tuple[int, ...]
    max_length: int
    lexical: tuple[tuple[tuple[str, float], ...], ...] | None = None

    @property
    def similarity(self) -> np.ndarray:
        return cosine_matrix(self.vectors)

    @property
    def closest_pair(self) -> tuple[int, int, float]:
        """``(i, j, cosine)`` of the most similar pair of different sentences."""
        sim = self.similarity
        if len(sim) < 2:
            raise InvalidInputError("The closest pair needs at least two sentences.")
        upper = np.triu_indices(len(sim), k=1)
        best = int(np.argmax(sim[upper]))
        return int(upper[0][best]), int(upper[1][best]), float(sim[upper][best])

    @property
    def note(self) -> str:
        return truncation_note(self.truncated, self.max_length)


@dataclass(frozen=True)
class Comparison:
    sentences: tuple[str, ...]
    results: tuple[SentenceEmbeddings, ...]

    def difference(self, first: int, second: int) -> np.ndarray:
        """``results[second].similarity − results[first].similarity``."""
        return self.results[second].similarity - self.results[first].similarity

    def pair_scores(self) -> list[tuple[int, int, tuple[float, ...]]]:
        """Every pair ``(i, j)`` with its cosine under each encoder, in encoder order."""
        matrices = [r.similarity for r in self.results]
        n = len(self.sentences)
        return [(i, j, tuple(float(m[i, j]) for m in matrices)) for i in range(n) for j in range(i + 1, n)]


# ---------------------------------------------------------------- encoders


@runtime_checkable
class SentenceEncoder(Protocol):
    """What every sentence encoder offers: one unit vector per sentence, with a name to show.

    :class:`BertPoolingEncoder`, :class:`SentenceTransformerEncoder`, :class:`BGEM3Encoder` and
    :class:`embedlab.contextual.fastencode.OnnxSentenceEncoder` all satisfy it, without inheriting
    from it; ``isinstance(x, SentenceEncoder)`` checks that ``x`` has these members (not their types).
    """

    @property
    def name(self) -> str:
        """A display name, e.g. ``"minilm · mean"``."""
        ...

    @property
    def kind(self) -> str:
        """``"mean"``, ``"cls"``, ``"sentence-transformers"``, ``"bge-m3"`` or ``"onnx"``."""
        ...

    def encode(self, sentences: Sequence[str]) -> SentenceEmbeddings:
        """Unit vectors for ``sentences``, rows in input order.

        Raises
        ------
        InvalidInputError
            For empty or over-long sentences.
        """
        ...


class BertPoolingEncoder:
    """Mean or CLS pooling of a contextual model's token vectors (no sentence training)."""

    def __init__(self, model: ContextualModel, *, pooling: Pooling = "mean", layer: Layer = "last"):
        self.model = model
        self.pooling = pooling
        self.layer = layer
        self.kind = pooling
        self.name = f"{model.id} · {pooling}" + ("" if layer == "last" else f" ({layer})")

    def encode(self, sentences: Sequence[str]) -> SentenceEmbeddings:
        result = sentence_vectors(self.model, list(sentences), pooling=self.pooling, layer=self.layer, normalize=True)
        return SentenceEmbeddings(
            self.name, self.kind, self.model.id, result.sentences, result.vectors, result.truncated, result.max_length
        )


class SentenceTransformerEncoder:
    """A sentence-transformers model through pymilvus[model]'s ``SentenceTransformerEmbeddingFunction``.

    Parameters
    ----------
    source : str or Path
        A sentence-transformers folder (default use: :func:`embedlab.io.bundled.minilm_path`) or a
        cached hub id.
    """

    kind = "sentence-transformers"

    def __init__(self, source: str | Path, *, model_id: str | None = None, batch_size: int = 32):
        require_backend("sentence-transformers")
        folder = resolve_source(source)
        from pymilvus.model.dense import SentenceTransformerEmbeddingFunction

        self.model_id = model_id or str(source)
        self.name = f"{self.model_id} · sentence-transformers"
        self.function = SentenceTransformerEmbeddingFunction(  # a resolved local folder: no hub calls
            model_name=folder, batch_size=batch_size, device="cpu", normalize_embeddings=True, local_files_only=True
        )
        self.lock = threading.Lock()

    @property
    def max_length(self) -> int:
        return int(self.function.model.max_seq_length)

    def share_network(self, network: Any) -> bool:
        """Run on ``network`` (the same checkpoint already loaded as a contextual model) and drop this encoder's own copy.

        Only when ``network`` is of the same class and holds the same weights, so vectors do not
        change; saves the second copy of the weights (about 90 MB for MiniLM). Returns whether it shared.
        """
        import torch

        transformer = self.function.model[0]
        own = getattr(transformer, "model", None)
        if own is None or own is network or type(own) is not type(network) or own.config.to_dict() != network.config.to_dict():
            return own is network
        theirs = dict(network.state_dict())
        mine = own.state_dict()
        if mine.keys() != theirs.keys() or not all(torch.equal(mine[name], theirs[name]) for name in mine):
            return False
        with self.lock:
            transformer.model = network
        return True

    def encode(self, sentences: Sequence[str]) -> SentenceEmbeddings:
        texts = check_sentences(list(sentences))
        with self.lock:
            vectors = np.stack(self.function.encode_documents(texts)).astype(np.float32)
        vectors.flags.writeable = False
        truncated = _truncated(self.function.model.tokenizer, texts, self.max_length, self.lock)
        return SentenceEmbeddings(self.name, self.kind, self.model_id, tuple(texts), vectors, truncated, self.max_length)


class BGEM3Encoder:
    """BGE-M3 through pymilvus[model]'s ``BGEM3EmbeddingFunction``: dense vectors and lexical weights.

    The XLM-R network inside is also available as a :class:`ContextualModel` (``.contextual``),
    sharing the same weights, so BGE-M3 serves the polysemy page too.

    Parameters
    ----------
    source : str or Path
        ``BAAI/bge-m3`` (from the local hub cache) or a folder with its files
        (``config.json``, weights, tokenizer, ``sparse_linear.pt``, ``colbert_linear.pt``).
    max_length : int
        Longest input in tokens (BGE-M3 reads up to 8192; 512 keeps CPU use sane).

    Raises
    ------
    MissingDependencyError, InvalidInputError
    """

    kind = "bge-m3"

    def __init__(
        self, source: str | Path = BGE_M3_ID, *, model_id: str | None = None, batch_size: int = 16, max_length: int = 512
    ):
        require_backend("bge-m3")
        folder = resolve_source(source)
        from pymilvus.model.hybrid import BGEM3EmbeddingFunction

        self.model_id = model_id or str(source)
        self.name = f"{self.model_id} · BGE-M3"
        self.max_length = max_length
        self.function = BGEM3EmbeddingFunction(
            model_name=folder,
            batch_size=batch_size,
            device="cpu",
            use_fp16=False,
            normalize_embeddings=True,
            return_dense=True,
            return_sparse=True,
            return_colbert_vecs=False,
            passage_max_length=max_length,
        )
        self.lock = threading.Lock()
        embedder = self.function.model
        embedder.model.eval()
        network = embedder.model.model
        # Never past the position table (a small checkpoint may have fewer than 512 positions).
        self.max_length = min(max_length, model_max_length(folder, embedder.tokenizer, network.config))
        embedder.passage_max_length = embedder.query_max_length = self.max_length
        self.contextual = ContextualModel(self.model_id, folder, embedder.tokenizer, network, self.max_length, self.lock)

    @property
    def tokenizer(self) -> Any:
        return self.function.model.tokenizer

    def parameters(self):
        return self.function.model.model.parameters()

    def encode(self, sentences: Sequence[str]) -> SentenceEmbeddings:
        texts = check_sentences(list(sentences))
        with self.lock:
            output = self.function.encode_documents(texts)
        vectors = np.stack(output["dense"]).astype(np.float32)
        vectors.flags.writeable = False
        sparse = output["sparse"].tocsr()
        lexical = []
        for row in range(sparse.shape[0]):
            start, end = sparse.indptr[row], sparse.indptr[row + 1]
            ids, weights = sparse.indices[start:end], sparse.data[start:end]
            tokens = self.tokenizer.convert_ids_to_tokens([int(i) for i in ids])
            pairs = sorted(zip(tokens, (float(w) for w in weights)), key=lambda pair: -pair[1])
            lexical.append(tuple(pairs))
        truncated = _truncated(self.tokenizer, texts, self.max_length, self.lock)
        return SentenceEmbeddings(
            self.name, self.kind, self.model_id, tuple(texts), vectors, truncated, self.max_length, tuple(lexical)
        )


def load_bge_m3(source: str | Path, *, model_id: str | None = None) -> BGEM3Encoder:
    """The registry's loader for BGE-M3 (hub id or folder)."""
    return BGEM3Encoder(source, model_id=model_id)


# ---------------------------------------------------------------- choosing and comparing


def own_encoder(
    model: ContextualModel | BGEM3Encoder,
    *,
    sentence_transformer: Callable[[str, str], SentenceTransformerEncoder] | None = None,
) -> SentenceEncoder:
    """The sentence encoder a loaded registry model is meant for.

    BGE-M3 → itself; a sentence-transformers folder (``modules.json``, e.g. the bundled MiniLM) →
    :class:`SentenceTransformerEncoder` on it; any other contextual model → mean pooling.
    ``sentence_transformer(folder, model_id)`` builds the first kind (a cached factory in the UI).

    Raises
    ------
    InvalidInputError
        For any other kind of model (a static one).
    """
    if isinstance(model, BGEM3Encoder):
        return model
    if not isinstance(model, ContextualModel):
        raise InvalidInputError(f"{type(model).__name__} is not a contextual or sentence model.")
    if model.folder is not None and (model.folder / "modules.json").is_file():
        return (sentence_transformer or _new_sentence_transformer)(str(model.folder), model.id)
    return BertPoolingEncoder(model, pooling="mean")


def _new_sentence_transformer(folder: str, model_id: str) -> SentenceTransformerEncoder:
    return SentenceTransformerEncoder(folder, model_id=model_id)


def compare(encoders: Sequence[SentenceEncoder], sentences: Sequence[str]) -> Comparison:
    """Encode ``sentences`` (2 to 50) with each encoder.

    Raises
    ------
    InvalidInputError
        For fewer than two or more than 50 sentences, empty or over-long ones, or no encoder.
    MissingDependencyError
    """
    texts = check_sentences(list(sentences), least=2, most=MAX_COMPARED)
    if not encoders:
        raise InvalidInputError.coded("need_encoder")
    return Comparison(tuple(texts), tuple(encoder.encode(texts) for encoder in encoders))
