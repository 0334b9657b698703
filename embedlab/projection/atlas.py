"""An atlas of a model's vocabulary: its N most frequent words on one map, with named regions.

A projection of a few chosen words answers a question you already had. An atlas lets you look
for questions: the first N words of a model (word2vec files list the most frequent first) drawn
in 2-D with PCA or UMAP, grouped into clusters found **in the original space** (k-means on the
unit vectors, so by cosine; :mod:`embedlab.projection.clusters`), each cluster named by its most
central words::

    >>> from embedlab.serving.registry import load_model
    >>> from embedlab.projection import atlas
    >>> model = load_model("sidamingzhu")
    >>> found = atlas.load_or_build(model, top=2000, method="umap", seed=0)     # doctest: +SKIP
    >>> found.labels[found.clusters[found.row("宝玉")]]                          # doctest: +SKIP
    '黛玉 · 宝钗 · 袭人'
    >>> atlas.find(found, "宝玉", model=model).row                               # doctest: +SKIP

Everything a page needs is computed once and kept on disk (``<cache>/atlas/*.npz``, see
:func:`cache_folder`) per model, N, method, seed and parameters, so a second visitor gets the
same picture at once. The cached file holds only numbers and words (``numpy.load`` without
pickle); a file that cannot be read, or was made for other vectors, is computed again.

Honesty comes with it: :attr:`Atlas.distortion` says for every word which of its true
neighbours the map keeps near it (:mod:`embedlab.projection.distortion`); :func:`embedlab.ui.pictures.density`
gives the point density for contour lines, so a crowded region is not mistaken for an empty one.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from embedlab.errors import InvalidInputError
from embedlab.progress import Progress
from embedlab.projection import distortion
from embedlab.projection import engine as projection
from embedlab.projection.clusters import auto_clusters, central_words, cluster, label_points
from embedlab.projection.engine import DEFAULT_MIN_DIST, DEFAULT_N_NEIGHBORS, MAX_POINTS
from embedlab.static import ann
from embedlab.static import model as static
from embedlab.training.jobs import JobSlots

METHODS: tuple[projection.Method, ...] = ("pca", "umap")  # t-SNE of tens of thousands of words takes too long for a page
MAX_CLUSTERS = 60
LABEL_WORDS = 3  # central words in a cluster's label
FORMAT = 2  # bump when the cached file's layout, or the coordinates a seed gives, change (2: EmbedLab's own UMAP descent)


@dataclass(frozen=True, eq=False)
class Atlas:
    """The first N words of a model on a 2-D map, clustered in the original space.

    Attributes
    ----------
    model_id : str
    words : tuple of str
        The drawn words, in vocabulary order (words with a zero vector are left out).
    coordinates : float array of shape (n, 2), read-only
    clusters : int array of shape (n,)
        Each word's cluster, 0 to ``len(labels) - 1``.
    labels : tuple of str
        Each cluster's label: its :data:`LABEL_WORDS` most central words, joined by `` · ``.
    central : tuple of tuple of str
        Each cluster's most central words (highest cosine to the cluster's mean direction).
    label_points : float array of shape (clusters, 2)
        Where each label is drawn: the cluster member nearest to the cluster's median point.
    distortion : Distortion
        Each word's nearest drawn words in the original space and on the map.
    method, seed, parameters
        How the map was made (``parameters``: UMAP's ``n_neighbors`` and ``min_dist``).
    trustworthiness, knn_preservation : float
        :class:`embedlab.projection.engine.Quality` of the map (k = 5).
    explained_variance : tuple of float or None
        PCA's share of variance per axis.
    seconds : float
        Time the atlas took to compute (not to load).
    cached : bool
        Whether this object was read from the disk cache.
    """

    model_id: str
    words: tuple[str, ...]
    coordinates: np.ndarray
    clusters: np.ndarray
    labels: tuple[str, ...]
    central: tuple[tuple[str, ...], ...]
    label_points: np.ndarray
    distortion: distortion.Distortion
    method: str
    seed: int
    parameters: dict
    trustworthiness: float
    knn_preservation: float
    explained_variance: tuple[float, ...] | None
    seconds: float
    cached: bool = False

    def __len__(self) -> int:
        return len(self.words)

    @cached_property
    def _rows(self) -> dict[str, int]:
        return {word: row for row, word in enumerate(self.words)}

    def row(self, word: str) -> int | None:
        """The row of ``word`` on the map, or None when it is not drawn."""
        return self._rows.get(word)

    def cluster_words(self, cluster: int) -> tuple[str, ...]:
        """Every word of ``cluster``, in vocabulary order."""
        return tuple(self.words[i] for i in np.flatnonzero(self.clusters == cluster))


# ---------------------------------------------------------------- building


def _check_options(top: int, method: str, seed: int, n_neighbors: int, min_dist: float, clusters: int, max_points: int) -> None:
    projection.check_choice(method, "method", METHODS)
    projection.check_number(top, "top", 3, min(max_points, MAX_POINTS), whole=True)
    projection.check_number(seed, "seed", 0, projection.MAX_SEED, whole=True)
    projection.check_number(n_neighbors, "n_neighbors", *projection.N_NEIGHBORS_RANGE, whole=True)
    projection.check_number(min_dist, "min_dist", *projection.MIN_DIST_RANGE)
    projection.check_number(clusters, "clusters", 0, MAX_CLUSTERS, whole=True)


def _words_and_vectors(model: static.StaticModel, top: int) -> tuple[list[str], np.ndarray]:
    kv = model.kv
    rows = np.arange(min(top, len(kv.index_to_key)))
    rows = rows[kv.norms[rows] > 0]  # a zero vector has no direction: not drawn
    if len(rows) < 3:
        raise InvalidInputError.coded("projection_needs_points", dims=2, least=3, count=len(rows))
    return [kv.index_to_key[i] for i in rows], np.array(kv.vectors[rows], dtype=np.float32)


def build(
    model: static.StaticModel,
    *,
    top: int,
    method: str = "umap",
    seed: int = 0,
    n_neighbors: int = DEFAULT_N_NEIGHBORS,
    min_dist: float = DEFAULT_MIN_DIST,
    clusters: int = 0,
    progress: Progress | None = None,
    max_points: int = MAX_POINTS,
) -> Atlas:
    """Compute an atlas of the first ``top`` words of ``model`` (no cache: see :func:`load_or_build`).

    Parameters
    ----------
    top : int
        Words drawn: the first ``top`` of the vocabulary (3 to ``max_points``).
    method : {"pca", "umap"}
        UMAP starts from the PCA picture here (``umap_init="pca"`` of :func:`embedlab.projection.engine.project`):
        for tens of thousands of words it is much faster than the spectral start and keeps the
        global arrangement.
    seed : int
        Fixes UMAP's layout and k-means' start: the same inputs give the same atlas.
    n_neighbors, min_dist : UMAP's (see :func:`embedlab.projection.engine.project`).
    clusters : int
        k-means clusters; 0 chooses :func:`auto_clusters`.
    progress : callable, optional
        ``progress(fraction, 1.0, stage)``; stages as :func:`embedlab.projection.engine.project`, then ``"clusters"``.
    max_points : int
        The server's cap (``limits.projection_points``).

    Raises
    ------
    InvalidInputError
        For options out of range or more words than ``max_points``.
    """
    _check_options(top, method, seed, n_neighbors, min_dist, clusters, max_points)

    def report(done: float, stage: str) -> None:
        if progress is not None:
            progress(done, 1.0, stage)

    started = time.perf_counter()
    words, vectors = _words_and_vectors(model, top)
    found = projection.project(
        vectors,
        method=METHODS[METHODS.index(method)],  # the checked name, typed as one of projection's methods
        dims=2,
        seed=seed,
        n_neighbors=n_neighbors,
        min_dist=min_dist,
        umap_init="pca",
        progress=lambda done, total, stage="": report(0.9 * done / total, stage if stage != "done" else "clusters"),
    )
    honest = distortion.measure(None, found.coordinates, original=found.neighbors, similarities=found.neighbor_similarities)
    count = clusters or auto_clusters(len(words))
    assignment, directions = cluster(vectors, count, seed=seed)
    central = central_words(words, vectors, assignment, directions)
    report(1.0, "done")
    return Atlas(
        model_id=model.id,
        words=tuple(words),
        coordinates=found.coordinates,
        clusters=assignment,
        labels=tuple(" · ".join(c[:LABEL_WORDS]) for c in central),
        central=tuple(central),
        label_points=label_points(found.coordinates, assignment, len(central)),
        distortion=honest,
        method=method,
        seed=seed,
        parameters=dict(found.parameters),
        trustworthiness=found.trustworthiness,
        knn_preservation=found.knn_preservation,
        explained_variance=found.explained_variance,
        seconds=time.perf_counter() - started,
    )


# ---------------------------------------------------------------- the disk cache


def cache_folder() -> Path:
    """Where atlases are kept: ``atlas/`` in EmbedLab's cache folder (``EMBEDLAB_CACHE_DIR``)."""
    from embedlab.config import cache_dir

    return cache_dir() / "atlas"


def cache_key(
    model: static.StaticModel, *, top: int, method: str, seed: int, n_neighbors: int, min_dist: float, clusters: int
) -> dict:
    """What makes two atlases the same: the vectors (by fingerprint), N, method and every parameter."""
    parameters = {"n_neighbors": n_neighbors, "min_dist": float(min_dist)} if method == "umap" else {}
    return {
        "format": FORMAT,
        "model": model.id,
        "fingerprint": ann.fingerprint(model.kv),
        "top": top,
        "method": method,
        "seed": seed,
        "parameters": parameters,
        "clusters": clusters or auto_clusters(min(top, model.vocab_size)),
    }


def cache_path(key: dict, folder: Path | None = None) -> Path:
    """The file of the atlas ``key`` describes (a readable name, then a hash of the whole key)."""
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]
    name = re.sub(r"[^\w.-]+", "_", key["model"])[-60:]
    return (folder or cache_folder()) / f"{name}-{key['method']}-{key['top']}-{digest}.npz"


def save(found: Atlas, path: Path, key: dict) -> None:
    """Write ``found`` to ``path`` atomically (a temporary file in the same folder, then a rename)."""
    meta = {
        "key": key,
        "labels": list(found.labels),
        "central": [list(c) for c in found.central],
        "method": found.method,
        "seed": found.seed,
        "parameters": found.parameters,
        "trustworthiness": found.trustworthiness,
        "knn_preservation": found.knn_preservation,
        "explained_variance": found.explained_variance,
        "seconds": found.seconds,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".atlas-", suffix=".npz", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            np.savez(
                out,
                meta=np.array(json.dumps(meta, ensure_ascii=False)),
                words=np.array(found.words, dtype=str),
                coordinates=found.coordinates,
                clusters=found.clusters,
                label_points=found.label_points,
                original=found.distortion.original,
                similarities=found.distortion.similarities,
                picture=found.distortion.picture,
            )
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def load(path: Path, key: dict, model_id: str) -> Atlas | None:
    """The atlas saved at ``path`` for ``key``; None when there is none, it is unreadable or made for something else."""
    try:
        with np.load(path, allow_pickle=False) as stored:
            meta = json.loads(str(stored["meta"]))
            if meta.get("key") != key:
                return None
            names = ("words", "coordinates", "clusters", "label_points", "original", "similarities", "picture")
            arrays = {name: stored[name] for name in names}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    coordinates = np.array(arrays["coordinates"], dtype=np.float64)
    coordinates.flags.writeable = False
    n = len(arrays["words"])
    if coordinates.shape != (n, 2) or len(arrays["clusters"]) != n or len(arrays["original"]) != n:
        return None
    variance = meta["explained_variance"]
    return Atlas(
        model_id=model_id,
        words=tuple(str(w) for w in arrays["words"]),
        coordinates=coordinates,
        clusters=arrays["clusters"],
        labels=tuple(meta["labels"]),
        central=tuple(tuple(c) for c in meta["central"]),
        label_points=arrays["label_points"],
        distortion=distortion.Distortion(arrays["original"], arrays["similarities"], arrays["picture"]),
        method=meta["method"],
        seed=meta["seed"],
        parameters=meta["parameters"],
        trustworthiness=meta["trustworthiness"],
        knn_preservation=meta["knn_preservation"],
        explained_variance=tuple(variance) if variance else None,
        seconds=meta["seconds"],
        cached=True,
    )


_locks: dict[str, threading.Lock] = {}
_locks_lock = threading.Lock()


def load_or_build(
    model: static.StaticModel,
    *,
    top: int,
    method: str = "umap",
    seed: int = 0,
    n_neighbors: int = DEFAULT_N_NEIGHBORS,
    min_dist: float = DEFAULT_MIN_DIST,
    clusters: int = 0,
    progress: Progress | None = None,
    max_points: int = MAX_POINTS,
    folder: Path | None = None,
    slots: JobSlots | None = None,
    owner: str | None = None,
) -> Atlas:
    """:func:`build` through the disk cache: the saved atlas when there is one, else computed and saved.

    Two requests for the same new atlas in one process compute it once (the second waits). A
    cache that cannot be written (read-only disk) still returns the atlas. ``folder`` overrides
    :func:`cache_folder`; ``slots`` are the server's job slots (computing, not reading, holds a
    ``"projection"`` slot for ``owner``). Parameters as :func:`build`.

    Raises
    ------
    InvalidInputError
        As :func:`build`.
    ServerBusyError
        When the atlas must be computed and every job slot is taken.
    """
    _check_options(top, method, seed, n_neighbors, min_dist, clusters, max_points)
    key = cache_key(model, top=top, method=method, seed=seed, n_neighbors=n_neighbors, min_dist=min_dist, clusters=clusters)
    path = cache_path(key, folder)
    with _locks_lock:
        lock = _locks.setdefault(str(path), threading.Lock())
    with lock:
        found = load(path, key, model.id) if path.is_file() else None
        if found is not None:
            return found
        with slots.hold("projection", owner=owner) if slots is not None else contextlib.nullcontext():
            found = build(
                model,
                top=top,
                method=method,
                seed=seed,
                n_neighbors=n_neighbors,
                min_dist=min_dist,
                clusters=key["clusters"],
                progress=progress,
                max_points=max_points,
            )
        try:
            save(found, path, key)
        except OSError:
            pass  # the atlas is still good; the next visitor computes it again
        return found


# ---------------------------------------------------------------- looking things up


@dataclass(frozen=True)
class Found:
    """What a search for ``query`` found on an atlas.

    Attributes
    ----------
    query : str
    row : int or None
        The matching word's row on the map; None when no drawn word matches.
    word : str or None
        The matching word: the query itself, or a drawn word that differs only in case.
    vocabulary_rank : int or None
        When the word is in the model but not drawn: its 1-based place in the vocabulary (draw
        at least that many words to see it).
    suggestions : tuple of str
        Drawn words spelled like the query, when nothing matched.
    """

    query: str
    row: int | None
    word: str | None = None
    vocabulary_rank: int | None = None
    suggestions: tuple[str, ...] = ()


def find(found: Atlas, query: str, *, model: static.StaticModel | None = None) -> Found:
    """Look ``query`` up on the map: exactly, then ignoring case; else say where it is in the vocabulary, or suggest words.

    Raises
    ------
    InvalidInputError
        For an empty or over-long query.
    """
    query = query.strip() if isinstance(query, str) else ""
    if not query:
        raise InvalidInputError.coded("empty_word")
    if len(query) > static.MAX_WORD_CHARS:
        raise InvalidInputError.coded("word_too_long", length=len(query), limit=static.MAX_WORD_CHARS)
    row = found.row(query)
    if row is None:
        folded = query.casefold()
        row = next((i for i, w in enumerate(found.words) if w.casefold() == folded), None)
    if row is not None:
        return Found(query, row, found.words[row])
    if model is not None and query in model:
        return Found(query, None, query, vocabulary_rank=model.kv.key_to_index[query] + 1)
    drawn = [w for w in static.suggest(model, query, limit=10) if found.row(w) is not None] if model is not None else []
    return Found(query, None, suggestions=tuple(drawn[:5]))


def view_box(found: Atlas, row: int, *, k: int = distortion.DEFAULT_K, margin: float = 0.2) -> tuple[float, float, float, float]:
    """A zoom box ``(x0, x1, y0, y1)`` around a word, its nearest points on the map and the true neighbours kept near it.

    True neighbours the map put far away are left out of the box (lines drawn to them leave it,
    which is the point); the box is at least a twentieth of the map wide and high.
    """
    k = min(k, found.distortion.max_k)
    near = [n.row for n in distortion.true_neighbours(found.words, found.coordinates, found.distortion, row, k) if n.near]
    rows = [row, *found.distortion.picture[row, :k], *near]
    points = found.coordinates[rows]
    low, high = points.min(axis=0), points.max(axis=0)
    extent = found.coordinates.max(axis=0) - found.coordinates.min(axis=0)
    size = np.maximum((high - low) * (1 + 2 * margin), extent / 20)
    middle = (low + high) / 2
    low, high = middle - size / 2, middle + size / 2
    return float(low[0]), float(high[0]), float(low[1]), float(high[1])


def to_csv(found: Atlas) -> str:
    """The atlas as CSV: columns ``word, x, y, cluster, label`` (a cluster's label on each of its rows)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["word", "x", "y", "cluster", "label"])
    for word, (x, y), c in zip(found.words, found.coordinates, found.clusters):
        writer.writerow([word, f"{x:.6g}", f"{y:.6g}", int(c), found.labels[c]])
    return buffer.getvalue()
