"""Approximate nearest neighbours for big vocabularies: a faiss HNSW index, built once, kept on disk.

Exact search (gensim's ``most_similar``, :func:`embedlab.static.model.neighbors`) stays the default:
it is a few milliseconds on a 188k-word model. From :data:`AUTO_THRESHOLD` words up, a search
can use an HNSW graph instead, if one was built for the model (building takes minutes for
millions of words, so it never happens behind a user's back)::

    >>> from embedlab.static import ann
    >>> index = ann.build(model.kv, progress=print)            # doctest: +SKIP
    >>> ann.save(index, model.kv)            # next to the vector cache   # doctest: +SKIP
    >>> result = ann.search(model, "诸葛亮", topn=10, index=index)   # doctest: +SKIP
    >>> result.approximate, result.method                       # doctest: +SKIP
    (True, 'approximate: HNSW M=32 ef=256')

The graph holds unit-length vectors and ranks by inner product (= cosine). A word's search starts
at the word's own node on the graph's bottom layer, not at the top entry point: in real vocabularies
some regions are hard to reach by the greedy descent from the top (on 1M token vectors, a few
queries came back with neighbours of cosine 0.25 where the true 10th was 0.74; starting from the
word itself fixed them). The candidates are then scored again exactly the way gensim scores them,
so every score shown is the true cosine; only *which* words make the list is approximate
(recall@10 is measured in ``benchmarks/bench_ann.py``).

An index is saved whole or not at all (:func:`save`: temporary names, then a rename). When the disk
is full, saving raises :class:`~embedlab.errors.DiskFullError` and leaves nothing behind, so no index
is found for the model and its searches simply stay exact.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from gensim.models import KeyedVectors

from embedlab import files
from embedlab.errors import DiskFullError, InvalidInputError, MissingDependencyError
from embedlab.io.vector_cache import default_cache_root
from embedlab.progress import Progress
from embedlab.static.model import MAX_TOPN, METRICS, Scored, StaticModel, require
from embedlab.static.model import neighbors as exact_neighbors
from embedlab.vectormath import unit_rows

AUTO_THRESHOLD = 500_000
"""Vocabularies at least this big use a built index automatically (smaller ones: exact, always)."""
# Measured on 1M contextual token vectors (benchmarks/bench_ann.py): M=32/efc=200 builds in 7.5 to
# 11.5 min on 2 cores; searched from the word's own node, ef=256 gives recall@10 0.9885 at ~95x gensim.
DEFAULT_M = 32
DEFAULT_EF_CONSTRUCTION = 200
DEFAULT_EF_SEARCH = 256
BUILD_BATCH = 10_000
RERANK_EXTRA = 40
"""Extra candidates fetched from the graph and re-scored exactly: near-ties at the 10th place are
common among real vectors, and the graph's float order can differ from gensim's."""


def _faiss():
    try:
        import faiss
    except ImportError as exc:
        raise MissingDependencyError("Approximate search needs faiss: pip install faiss-cpu==1.15.1") from exc
    return faiss


class FaissHnswIndex(Protocol):
    """What EmbedLab calls on a ``faiss.IndexHNSWFlat`` (faiss ships no type stubs; pointers come from ``faiss.swig_ptr``)."""

    def search_level_0(
        self,
        n: int,
        x: Any,
        k: int,
        nearest: Any,
        nearest_d: Any,
        distances: Any,
        labels: Any,
        nprobe: int,
        search_type: int,
        params: Any,
        /,
    ) -> None: ...


@dataclass(frozen=True)
class HnswIndex:
    """A built or loaded HNSW graph over a model's unit vectors.

    Attributes
    ----------
    index : faiss.IndexHNSWFlat
        Searched with per-call parameters, so one index can serve many threads.
    m, ef_construction : int
        Graph parameters (links per node; candidate list while building).
    count, dims : int
    """

    index: FaissHnswIndex
    m: int
    ef_construction: int
    count: int
    dims: int

    def search_from(self, row: int, query: np.ndarray, k: int, *, ef: int = DEFAULT_EF_SEARCH) -> np.ndarray:
        """Row ids of the ``k`` best rows for ``query`` (unit length), searched on the bottom layer
        starting at row ``row`` (the query's own node) instead of descending from the top."""
        faiss = _faiss()
        query = np.ascontiguousarray(np.reshape(query, (1, -1)), dtype=np.float32)
        start = np.array([[row]], dtype=np.int32)
        start_distance = np.array([[-1.0]], dtype=np.float32)  # faiss keeps inner products negated
        distances = np.empty((1, k), dtype=np.float32)
        ids = np.empty((1, k), dtype=np.int64)
        self.index.search_level_0(
            1,
            faiss.swig_ptr(query),
            k,
            faiss.swig_ptr(start),
            faiss.swig_ptr(start_distance),
            faiss.swig_ptr(distances),
            faiss.swig_ptr(ids),
            1,
            1,
            faiss.SearchParametersHNSW(efSearch=max(ef, k)),
        )
        return ids[0]


@dataclass(frozen=True)
class SearchResult:
    """Neighbours of a word, and how they were found.

    ``approximate`` is False for gensim's exact search; ``method`` says which, for the UI.
    """

    word: str
    results: tuple[Scored, ...]
    approximate: bool
    method: str


def build(
    kv: KeyedVectors,
    *,
    m: int = DEFAULT_M,
    ef_construction: int = DEFAULT_EF_CONSTRUCTION,
    progress: Progress | None = None,
) -> HnswIndex:
    """Build an HNSW graph over ``kv``'s vectors (cosine), reporting ``progress(added, total)``.

    Raises
    ------
    InvalidInputError
        For parameters out of range.
    """
    if not 4 <= m <= 128 or not 8 <= ef_construction <= 2000:
        raise InvalidInputError("HNSW needs 4 ≤ M ≤ 128 and 8 ≤ ef_construction ≤ 2000.")
    faiss = _faiss()
    count, dims = len(kv.index_to_key), int(kv.vector_size)
    index = faiss.IndexHNSWFlat(dims, m, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = ef_construction
    for start in range(0, count, BUILD_BATCH):
        # float32, as faiss stores it; a zero row stays zero (no direction: it scores 0 against every query)
        index.add(unit_rows(kv.vectors[start : min(start + BUILD_BATCH, count)], dtype=np.float32))
        if progress is not None:
            progress(min(start + BUILD_BATCH, count), count)
    return HnswIndex(index, m, ef_construction, count, dims)


def fingerprint(kv: KeyedVectors) -> str:
    """A cheap identity of a vector set: shape, first and last words and rows."""
    digest = hashlib.sha1(f"{len(kv.index_to_key)}x{kv.vector_size}".encode())
    for position in (0, len(kv.index_to_key) - 1):
        digest.update(kv.index_to_key[position].encode("utf-8", "replace"))
    digest.update(np.ascontiguousarray(kv.vectors[:16]).tobytes())
    digest.update(np.ascontiguousarray(kv.vectors[-16:]).tobytes())
    return digest.hexdigest()[:16]


def index_path(
    kv: KeyedVectors, *, m: int = DEFAULT_M, ef_construction: int = DEFAULT_EF_CONSTRUCTION, cache_root: Path | None = None
) -> Path:
    """Where the index for ``kv`` lives: inside its vector cache folder when it has one."""
    name = f"hnsw-M{m}-efc{ef_construction}.faiss"
    mapped = getattr(kv.vectors, "filename", None)
    if mapped:
        return Path(mapped).parent / name
    return (cache_root or default_cache_root()) / "ann" / fingerprint(kv) / name


def save(index: HnswIndex, kv: KeyedVectors, *, cache_root: Path | None = None) -> Path:
    """Write ``index`` beside ``kv``'s cache and return the file.

    The index and its ``.json`` description are written under temporary names and renamed into
    place only when complete, so a reader never finds half an index. faiss writes through a Python
    file here (not its own ``fwrite``): a full disk then surfaces as an ``OSError`` with its errno,
    which tells it apart from other failures.

    Raises
    ------
    DiskFullError
        When the disk fills up (nothing half-written is kept; searches stay exact until an index is saved).
    InvalidInputError
        When the folder cannot be written for another reason (permissions, a read-only disk).
    """
    faiss = _faiss()
    path = index_path(kv, m=index.m, ef_construction=index.ef_construction, cache_root=cache_root)
    meta = {
        "count": index.count,
        "dims": index.dims,
        "m": index.m,
        "ef_construction": index.ef_construction,
        "fingerprint": fingerprint(kv),
    }
    suffix = f"{os.getpid()}.{threading.get_ident()}"
    staging = path.with_name(f".{path.name}.{suffix}")
    staging_meta = path.with_name(f".{path.with_suffix('.json').name}.{suffix}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with staging.open("wb") as out:
            faiss.write_index(index.index, faiss.PyCallbackIOWriter(out.write))
            out.flush()
            os.fsync(out.fileno())  # on disk before the rename makes it the index
        staging_meta.write_text(json.dumps(meta), encoding="utf-8")
        os.replace(staging, path)
        os.replace(staging_meta, path.with_suffix(".json"))  # last: load() needs both, and checks they agree
    except OSError as exc:
        staging.unlink(missing_ok=True)
        staging_meta.unlink(missing_ok=True)
        if files.no_space(exc):
            raise DiskFullError.coded("disk_full_index", folder=str(path.parent)) from exc
        raise InvalidInputError.coded("index_unwritable", folder=str(path.parent), detail=str(exc)) from exc
    return path


def load(
    kv: KeyedVectors, *, m: int = DEFAULT_M, ef_construction: int = DEFAULT_EF_CONSTRUCTION, cache_root: Path | None = None
) -> HnswIndex | None:
    """The saved index for ``kv`` (memory-mapped), or None when none was built for these vectors."""
    path = index_path(kv, m=m, ef_construction=ef_construction, cache_root=cache_root)
    try:
        meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not path.is_file() or meta.get("fingerprint") != fingerprint(kv):
        return None
    faiss = _faiss()
    index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP)
    if index.ntotal != len(kv.index_to_key) or index.d != kv.vector_size:
        return None
    return HnswIndex(index, meta["m"], meta["ef_construction"], int(index.ntotal), int(index.d))


def load_or_build(
    kv: KeyedVectors,
    *,
    m: int = DEFAULT_M,
    ef_construction: int = DEFAULT_EF_CONSTRUCTION,
    progress: Progress | None = None,
    cache_root: Path | None = None,
) -> HnswIndex:
    """The saved index, or a new one built (with progress) and saved.

    Raises
    ------
    DiskFullError
        When the built index cannot be saved for lack of space: nothing is kept, so searches stay exact.
    """
    found = load(kv, m=m, ef_construction=ef_construction, cache_root=cache_root)
    if found is not None:
        return found
    index = build(kv, m=m, ef_construction=ef_construction, progress=progress)
    save(index, kv, cache_root=cache_root)
    return index


def approximate_neighbors(
    model: StaticModel, word: str, index: HnswIndex, *, topn: int = 10, ef: int = DEFAULT_EF_SEARCH
) -> SearchResult:
    """The ``topn`` neighbours of ``word`` found through ``index``, scored exactly as gensim scores.

    Raises
    ------
    OutOfVocabularyError, InvalidInputError
    """
    (word,) = require(model, [word])
    if not isinstance(topn, int) or isinstance(topn, bool) or not 1 <= topn <= MAX_TOPN:
        raise InvalidInputError(f"topn must be a whole number from 1 to {MAX_TOPN}, not {topn!r}.")
    kv = model.kv
    own = kv.key_to_index[word]
    query = kv.get_mean_vector([word], pre_normalize=True, post_normalize=True)
    fetch = topn + 1 + RERANK_EXTRA
    ids = index.search_from(own, query, fetch, ef=ef)
    candidates = np.array(sorted({int(i) for i in ids if i >= 0 and i != own}), dtype=np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):  # a zero vector scores NaN, as in gensim
        scores = (np.asarray(kv.vectors[candidates], dtype=np.float32) @ query) / np.asarray(kv.norms[candidates])
    order = np.argsort(-scores, kind="stable")[:topn]  # stable: equal scores keep id order
    results = tuple(Scored(kv.index_to_key[candidates[i]], float(scores[i])) for i in order)
    return SearchResult(word, results, True, f"approximate: HNSW M={index.m} ef={max(ef, fetch)}")


def search(
    model: StaticModel,
    word: str,
    *,
    topn: int = 10,
    metric: str = "cosine",
    index: HnswIndex | None = None,
    threshold: int | None = None,
) -> SearchResult:
    """Neighbours of ``word``: through ``index`` when one is given, the metric is cosine and the
    vocabulary has at least ``threshold`` words (default :data:`AUTO_THRESHOLD`); otherwise
    gensim's exact search.
    """
    threshold = AUTO_THRESHOLD if threshold is None else threshold
    # A word outside the vocabulary (a fastText model builds it from n-grams) has no node to start from.
    in_vocabulary = isinstance(word, str) and word.strip() in model
    if index is not None and metric == "cosine" and model.vocab_size >= threshold and in_vocabulary:
        return approximate_neighbors(model, word, index, topn=topn)
    if metric not in METRICS:  # callers pass the UI's plain string; refuse it as static.neighbors does
        raise InvalidInputError(f"Unknown metric: {metric!r}. Must be one of: {list(METRICS)}.")
    results = exact_neighbors(model, word, topn=topn, metric=metric)  # validates and raises OOV
    return SearchResult(word.strip(), tuple(results), False, "exact")
