"""Semantic search over a corpus's sentences in Milvus: Milvus Lite or a Milvus server, one code path.

Sentences are encoded by a sentence model, stored with their text in a collection, and searched
by free text (the query is encoded by the same model; the score is cosine similarity)::

    >>> from embedlab.serving import milvus_store
    >>> store = milvus_store.connect()  # a Lite file, or the server in the config   # doctest: +SKIP
    >>> encode = milvus_store.sentence_encoder(model)  # model: a loaded sentence model  # doctest: +SKIP
    >>> milvus_store.collection_name("minilm", "alice_in_wonderland.txt")
    'el_minilm_alice_in_wonderland_txt_749e712a'
    >>> milvus_store.index_sentences(store, name, sentences, encode, progress=print)   # doctest: +SKIP
    >>> milvus_store.search_text(store, name, "a rabbit with a watch", encode, topn=5)  # doctest: +SKIP

Where the data lives (see :func:`target`): a Milvus Lite file ``<models_dir>/.cache/milvus.db`` by
default; a Milvus server or cluster when the config file has ``[milvus] uri = "http://host:19530"``
(and ``token = "user:password"``), or when ``EMBEDLAB_MILVUS_URI`` / ``EMBEDLAB_MILVUS_TOKEN`` are set.

Milvus Lite serves one process per file: several app server processes need a Milvus server (or a
Lite file each, via ``EMBEDLAB_MILVUS_URI``).

When Milvus pays off: Milvus Lite answers one query in about 55-60 ms on 188k x 300 vectors with an
index, where numpy/gensim need 5 ms for the exact answer; it is no interactive default for word
neighbours. A Milvus server pays off when the collection no longer fits one process's memory
(tens of millions of vectors), when several app servers must share one index, or when
data is added while people search.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from embedlab.config import Settings, load_settings
from embedlab.errors import EmbedLabError, InvalidInputError, MissingDependencyError
from embedlab.progress import Progress

if TYPE_CHECKING:  # imported when used: indexing vectors needs no sentence models
    from embedlab.contextual.model import ContextualModel
    from embedlab.contextual.sentences import SentenceEncoder, SentenceTransformerEncoder

EncodeTexts = Callable[[list[str]], np.ndarray]
"""``encode(texts)`` → one unit-length row per text: a function, made from a sentence encoder by
:func:`sentence_encoder` (an *encoder* is a :class:`~embedlab.contextual.sentences.SentenceEncoder`)."""

MAX_QUERY_CHARS = 1_000
MAX_SENTENCE_CHARS = 1_000
MAX_TOPN = 100
INSERT_BATCH = 256


@dataclass(frozen=True)
class Target:
    """Where Milvus is: a Lite file (``lite``) or a server URI, with an optional token."""

    uri: str
    token: str = ""

    @property
    def lite(self) -> bool:
        return not re.match(r"^(https?|tcp|unix)://", self.uri)

    @property
    def label(self) -> str:
        return f"Milvus Lite ({Path(self.uri).name})" if self.lite else f"Milvus server ({self.uri})"


@dataclass(frozen=True)
class Hit:
    id: int
    text: str
    score: float


@dataclass(frozen=True)
class Store:
    """A connected client and where it points."""

    client: Any
    target: Target


class MilvusUnavailableError(EmbedLabError):
    """Milvus did not answer (a server that stopped, a network fault, a call that timed out).

    Nothing half-done is left visible: an index being built appears only once it is complete.
    A later call works again as soon as Milvus is back; there is nothing to restart here.
    """


CALL_TIMEOUT_S = 60.0
"""No call to Milvus waits longer than this: a server that hangs gives a message, not a stalled page."""
CONNECT_TIMEOUT_S = 10.0


@contextmanager
def _answering(where: Target) -> Iterator[None]:
    """Turn the client's connection failures into :class:`MilvusUnavailableError` naming ``where``."""
    try:
        yield
    except EmbedLabError:
        raise
    except Exception as exc:
        from pymilvus.exceptions import MilvusException

        if isinstance(exc, MilvusException) and not _connection_failure(exc):
            raise EmbedLabError.coded("milvus_refused", where=where.label, detail=exc.message) from exc
        if isinstance(exc, (MilvusException, ConnectionError, TimeoutError)) or type(exc).__module__.startswith("grpc"):
            raise MilvusUnavailableError.coded("milvus_unavailable", where=where.label) from exc
        raise


def _connection_failure(exc: Exception) -> bool:
    """Whether a Milvus error means the server could not be reached (rather than a refused request)."""
    text = f"{getattr(exc, 'message', '')} {exc}".lower()
    return any(sign in text for sign in ("connect", "unavailable", "deadline", "timeout", "timed out", "closed", "not ready"))


def target(settings: Settings | None = None) -> Target:
    """The configured Milvus: env overrides config ``[milvus]``; default a Lite file in the models cache."""
    settings = settings or load_settings()
    table = getattr(settings, "milvus", {}) or {}
    uri = os.environ.get("EMBEDLAB_MILVUS_URI") or table.get("uri") or str(settings.models_dir / ".cache" / "milvus.db")
    token = os.environ.get("EMBEDLAB_MILVUS_TOKEN") or table.get("token") or ""
    return Target(str(uri), str(token))


def connect(where: Target | str | None = None) -> Store:
    """A client for ``where`` (a :class:`Target`, a URI or Lite path; default: :func:`target`).

    Raises
    ------
    MissingDependencyError
        Without pymilvus (or milvus-lite for a local file).
    MilvusUnavailableError
        When the server cannot be reached.
    EmbedLabError
        When it refuses the connection (e.g. a wrong token).
    """
    where = where if isinstance(where, Target) else target() if where is None else Target(str(where))
    try:
        from pymilvus import MilvusClient
        from pymilvus.exceptions import MilvusException
    except ImportError as exc:
        raise MissingDependencyError.coded("needs_pymilvus") from exc
    if where.lite:
        Path(where.uri).expanduser().parent.mkdir(parents=True, exist_ok=True)
    try:
        client = MilvusClient(
            uri=str(Path(where.uri).expanduser()) if where.lite else where.uri, token=where.token, timeout=CONNECT_TIMEOUT_S
        )
    except MilvusException as exc:
        if not where.lite and _connection_failure(exc):
            raise MilvusUnavailableError.coded("milvus_unavailable", where=where.label) from exc
        raise EmbedLabError.coded("milvus_cannot_connect", where=where.label, detail=exc.message) from exc
    except ImportError as exc:
        raise MissingDependencyError.coded("needs_milvus_lite") from exc
    return Store(client, where)


def collection_name(model_id: str, corpus: str) -> str:
    """A valid, stable collection name for (model, corpus): letters, digits and ``_`` only."""
    slug = re.sub(r"[^A-Za-z0-9]+", "_", f"{model_id}__{corpus}").strip("_")[:120]
    digest = hashlib.sha1(f"{model_id}\0{corpus}".encode()).hexdigest()[:8]
    return f"el_{slug}_{digest}"


def sentence_encoder(
    model: ContextualModel | SentenceEncoder,
    *,
    sentence_transformer: Callable[[str, str], SentenceTransformerEncoder] | None = None,
) -> EncodeTexts:
    """The :data:`EncodeTexts` function of a loaded sentence model, or of a sentence encoder.

    A model is wrapped in the encoder it is meant for (:func:`embedlab.contextual.sentences.own_encoder`:
    sentence-transformers for MiniLM, BGE-M3's dense vectors, mean pooling otherwise).
    """
    from embedlab.contextual.sentences import SentenceEncoder, own_encoder

    encoder = model if isinstance(model, SentenceEncoder) else own_encoder(model, sentence_transformer=sentence_transformer)

    def encode(texts: list[str]) -> np.ndarray:
        return np.atleast_2d(np.asarray(encoder.encode(list(texts)).vectors, dtype=np.float32))

    return encode


def corpus_sentences(sample_id: str, *, limit: int, settings: Settings | None = None) -> list[str]:
    """The first ``limit`` sentences of a sample corpus (Project Gutenberg's header skipped).

    Raises
    ------
    InvalidInputError
        For an unknown corpus, or a ``limit``
        over the server's ``limits.batch_sentences`` (encoding is CPU time every visitor shares).
    """
    from embedlab.training.samples import fetch_sample, get_sample
    from embedlab.training.tokenize import split_sentences, strip_boilerplate

    settings = settings or load_settings()
    most = settings.limits.batch_sentences
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= most:
        raise InvalidInputError.coded("index_limit", most=most, value=repr(limit))
    sample = get_sample(sample_id)
    text = strip_boilerplate(fetch_sample(sample))
    sentences = []
    for sentence in split_sentences(text, sample.language):
        sentence = " ".join(sentence.split()) if sample.language == "en" else "".join(sentence.split())
        if len(sentence) >= 4:
            sentences.append(sentence[:MAX_SENTENCE_CHARS])
            if len(sentences) >= limit:
                break
    return sentences


def count(store: Store, name: str) -> int | None:
    """Rows in collection ``name``, or None when it does not exist (or is still being built).

    Raises
    ------
    MilvusUnavailableError
        When Milvus does not answer.
    """
    with _answering(store.target):
        if not store.client.has_collection(name, timeout=CALL_TIMEOUT_S):
            return None
        return int(store.client.get_collection_stats(name, timeout=CALL_TIMEOUT_S)["row_count"])


def drop(store: Store, name: str) -> None:
    """Remove collection ``name`` when it exists.

    Raises
    ------
    MilvusUnavailableError
        When Milvus does not answer.
    """
    with _answering(store.target):
        if store.client.has_collection(name, timeout=CALL_TIMEOUT_S):
            store.client.drop_collection(name, timeout=CALL_TIMEOUT_S)


def building_name(name: str) -> str:
    """Where collection ``name`` is built before it is renamed into place (see :func:`index_vectors`)."""
    return f"{name}__building"


def _create(store: Store, name: str, dims: int, *, index_type: str) -> None:
    from pymilvus import DataType, MilvusClient

    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dims)
    schema.add_field("text", DataType.VARCHAR, max_length=4 * MAX_SENTENCE_CHARS)
    params = store.client.prepare_index_params()
    params.add_index(field_name="vector", index_type=index_type, metric_type="COSINE")
    store.client.create_collection(name, schema=schema, index_params=params, timeout=CALL_TIMEOUT_S)


def index_vectors(
    store: Store,
    name: str,
    texts: Sequence[str],
    vectors: np.ndarray,
    *,
    index_type: str = "AUTOINDEX",
    progress: Progress | None = None,
) -> int:
    """(Re)create collection ``name`` holding ``vectors`` with their ``texts``; return the row count.

    Row ``i`` gets id ``i``. ``index_type="FLAT"`` makes every search exact. The collection is
    built as :func:`building_name` and renamed to ``name`` only once complete, so a build cut short
    (Milvus stopping half-way) never shows up as a smaller index; the old index, if any, answers
    until then.

    Raises
    ------
    InvalidInputError
        For no texts, or a count that differs from the vectors'.
    MilvusUnavailableError
        When Milvus stops answering (run it again once Milvus is back).
    """
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2 or len(texts) != vectors.shape[0] or not len(texts):
        raise InvalidInputError("Give one vector per text, and at least one text.")
    building = building_name(name)
    drop(store, building)  # what an interrupted build left
    with _answering(store.target):
        _create(store, building, vectors.shape[1], index_type=index_type)
        for start in range(0, len(texts), INSERT_BATCH):
            rows = [
                {"id": i, "vector": vectors[i].tolist(), "text": texts[i][:MAX_SENTENCE_CHARS]}
                for i in range(start, min(start + INSERT_BATCH, len(texts)))
            ]
            store.client.insert(building, rows, timeout=CALL_TIMEOUT_S)
            if progress is not None:
                progress(start + len(rows), len(texts))
        store.client.flush(building, timeout=CALL_TIMEOUT_S)
    drop(store, name)
    with _answering(store.target):
        store.client.rename_collection(building, name, timeout=CALL_TIMEOUT_S)
        store.client.load_collection(name, timeout=CALL_TIMEOUT_S)  # Milvus Lite releases a renamed collection
    return len(texts)


def index_sentences(
    store: Store,
    name: str,
    sentences: Sequence[str],
    encode: EncodeTexts,
    *,
    index_type: str = "AUTOINDEX",
    progress: Progress | None = None,
    batch: int = 256,
) -> int:
    """Encode ``sentences`` (in batches, reporting ``progress(encoded, total)``) and index them.

    Raises
    ------
    InvalidInputError
        For no sentences.
    MilvusUnavailableError
        When Milvus stops answering (nothing half-built is left visible; run it again once it is back).
    """
    texts = [s.strip()[:MAX_SENTENCE_CHARS] for s in sentences if s and s.strip()]
    if not texts:
        raise InvalidInputError.coded("nothing_to_index")
    parts = []
    for start in range(0, len(texts), batch):
        parts.append(encode(texts[start : start + batch]))
        if progress is not None:
            progress(min(start + batch, len(texts)), len(texts))
    return index_vectors(store, name, texts, np.concatenate(parts), index_type=index_type)


def search_vectors(store: Store, name: str, vectors: np.ndarray, *, topn: int = 10) -> list[list[Hit]]:
    """The ``topn`` best rows (cosine) for each query row.

    Raises
    ------
    InvalidInputError
        When ``name`` was never indexed, or ``topn`` is out of range.
    MilvusUnavailableError
        When Milvus does not answer.
    """
    if not isinstance(topn, int) or isinstance(topn, bool) or not 1 <= topn <= MAX_TOPN:
        raise InvalidInputError.coded("bad_topn", high=MAX_TOPN, value=repr(topn))
    queries = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    with _answering(store.target):
        if not store.client.has_collection(name, timeout=CALL_TIMEOUT_S):
            raise InvalidInputError.coded("not_indexed", name=repr(name), where=store.target.label)
        answers = _search_loaded(store, name, queries.tolist(), topn)
    return [[Hit(int(hit["id"]), hit["entity"]["text"], float(hit["distance"])) for hit in answer] for answer in answers]


def _search_loaded(store: Store, name: str, queries: list, topn: int) -> list:
    """Search ``name``, loading it first when Milvus does not hold it in memory (as after a server restart)."""
    from pymilvus.exceptions import MilvusException

    def search() -> list:
        return store.client.search(
            name,
            data=queries,
            limit=topn,
            output_fields=["text"],
            search_params={"metric_type": "COSINE"},
            timeout=CALL_TIMEOUT_S,
        )

    try:
        return search()
    except MilvusException as exc:
        if "not loaded" not in str(exc.message).lower() and "released" not in str(exc.message).lower():
            raise
    store.client.load_collection(name, timeout=CALL_TIMEOUT_S)
    return search()


def search_text(store: Store, name: str, query: str, encode: EncodeTexts, *, topn: int = 10) -> list[Hit]:
    """The sentences closest in meaning to ``query``, best first, with cosine scores.

    Raises
    ------
    InvalidInputError
        For an empty or over-long query, or a collection that was never indexed.
    MilvusUnavailableError
        When Milvus does not answer.
    """
    query = (query or "").strip()
    if not query:
        raise InvalidInputError.coded("empty_query")
    if len(query) > MAX_QUERY_CHARS:
        raise InvalidInputError.coded("query_too_long", length=len(query), limit=MAX_QUERY_CHARS)
    return search_vectors(store, name, encode([query]), topn=topn)[0]
