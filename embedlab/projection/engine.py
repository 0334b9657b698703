"""Any matrix drawn in 2-D or 3-D with PCA, UMAP or t-SNE: seeded and measured.

A projection squeezes hundreds of dimensions into two or three, so it always hides something.
This module makes every picture reproducible (same inputs and seed → same coordinates) and says
how faithful it is, with sklearn's trustworthiness and the share of each point's nearest
neighbours that stay its neighbours in the picture::

    >>> import numpy as np
    >>> from embedlab.projection import engine as projection
    >>> vectors = np.random.default_rng(0).normal(size=(200, 50))
    >>> found = projection.project(vectors, method="umap", dims=2, seed=0)
    >>> found.coordinates.shape, found.trustworthiness      # doctest: +SKIP
    ((200, 2), 0.87)

:func:`project` returns a :class:`Projection`, with the clipped parameters and other caveats as
:class:`Note` objects (message codes; their text is in :mod:`embedlab.i18n`); :func:`nearest_points`
is usable on its own, and so is the quality score (:mod:`embedlab.projection.quality`). Words of a
static model (groups, neighbours, exports) are :mod:`embedlab.projection.word_projection`.

Neighbours are by cosine similarity everywhere, as on EmbedLab's other pages, and they are found
once per picture (:func:`embedlab.projection.graph.neighbour_graph`: exact up to 10,000 points,
NN-descent above): that one graph feeds UMAP's fuzzy graph, t-SNE's affinities, the hover text,
per-point honesty and the quality scores. UMAP is umap-learn's, with its layout descent run by
:mod:`embedlab.projection.umap_layout` (same seed, same picture; about twice as fast). PCA works on
the raw vectors, as scikit-learn's does.

umap-learn is slow to start (its import and numba's first compilation take tens of seconds on a
small machine); :func:`warm_up` pays that once, and numba keeps what it can in an on-disk cache
(``NUMBA_CACHE_DIR``, by default ``~/.cache/embedlab/numba``).
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from embedlab.errors import InvalidInputError, check_choice  # check_choice: also used as projection.check_choice
from embedlab.progress import Progress
from embedlab.projection.graph import neighbour_graph
from embedlab.projection.quality import QUALITY_NEIGHBORS, Quality, quality

Method = Literal["pca", "umap", "tsne"]
METHODS: tuple[Method, ...] = ("pca", "umap", "tsne")
DIMS = (2, 3)

MAX_POINTS = 50_000
MAX_EXPAND = 50  # nearest neighbours added per typed word
MAX_SEED = 2**32 - 1
HOVER_NEIGHBORS = 5
KEPT_NEIGHBORS = 30  # original-space neighbours kept per point for per-point honesty (embedlab.projection.distortion)

DEFAULT_N_NEIGHBORS = 15  # umap-learn's defaults
DEFAULT_MIN_DIST = 0.1
DEFAULT_PERPLEXITY = 30.0  # scikit-learn's default
N_NEIGHBORS_RANGE = (2, 200)
MIN_DIST_RANGE = (0.0, 1.0)
PERPLEXITY_RANGE = (1.0, 100.0)
TSNE_TWO_THREADS_FROM = 4  # cores; see tsne_threads()

#: The stages :func:`project` reports through its :class:`~embedlab.progress.Progress` callback, as
#: ``progress(fraction, 1.0, stage)``: ``"neighbors"``, ``"pca"``, ``"umap"``, ``"tsne"``, ``"quality"``, ``"done"``.
STAGES = ("neighbors", "pca", "umap", "tsne", "quality", "done")


# ---------------------------------------------------------------- notes


@dataclass(frozen=True)
class Note:
    """Something whoever looks at the picture should know.

    ``code`` names the message; its text, in every UI language, is the i18n message :attr:`key`
    (``projection.note.<code>``), and ``values`` fill its placeholders. The page renders it in the
    visitor's language; ``str(note)`` is the English text (the CLI's).
    """

    code: str
    values: tuple[tuple[str, Any], ...] = ()

    @property
    def key(self) -> str:
        """The i18n key of the message: ``projection.note.<code>``."""
        return f"projection.note.{self.code}"

    def text(self, lang: str = "en") -> str:
        """The message in ``lang`` (see :data:`embedlab.i18n.LANGUAGES`), placeholders filled."""
        from embedlab.i18n import t

        return t(self.key, lang, **dict(self.values))

    def __str__(self) -> str:
        return self.text("en")

    @classmethod
    def of(cls, code: str, **values: Any) -> Note:
        return cls(code, tuple(values.items()))


# ---------------------------------------------------------------- numba cache and warm-up


def configure_numba_cache() -> Path:
    """Point numba's on-disk cache at a writable folder, unless ``NUMBA_CACHE_DIR`` is already set.

    Must run before umap-learn is imported: numba fixes each function's cache folder when the
    function is defined.
    """
    if os.environ.get("NUMBA_CACHE_DIR"):
        return Path(os.environ["NUMBA_CACHE_DIR"])
    from embedlab.config import cache_dir

    folder = cache_dir() / "numba"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only home (some containers)
        folder = Path(tempfile.gettempdir()) / "embedlab-numba"
        folder.mkdir(parents=True, exist_ok=True)
    os.environ["NUMBA_CACHE_DIR"] = str(folder)
    if "numba" in sys.modules:
        sys.modules["numba"].core.config.reload_config()
    return folder


_warm_lock = threading.Lock()
_warm_seconds: float | None = None


def warm_up() -> float:
    """Import umap-learn (and torch, scikit-learn) and compile its numba code on a small real data set.

    Runs once per process (later calls return at once); the app starts it in a background thread
    at start-up so that the first UMAP a person asks for does not wait for the compiler. The data
    are 300 of scikit-learn's bundled handwritten digits, as float32 like word vectors. The
    NN-descent search of sets above :data:`embedlab.projection.graph.EXACT_ROWS` points is left
    to its first use (:mod:`embedlab.projection.graph` says what it costs).

    Returns
    -------
    float
        Seconds the first call took.
    """
    global _warm_seconds
    with _warm_lock:
        if _warm_seconds is None:
            import sklearn.manifold  # noqa: F401  (t-SNE's import, so that it does not wait either)
            from sklearn.datasets import load_digits

            start = time.perf_counter()
            digits = load_digits().data[:300].astype(np.float32)
            for method in ("pca", "umap"):
                project(digits, method=method, dims=2, seed=0)
            _warm_seconds = time.perf_counter() - start
        return _warm_seconds


# ---------------------------------------------------------------- neighbours


def nearest_points(
    vectors: np.ndarray, k: int, *, progress: Callable[[float], None] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Exact cosine nearest neighbours of every row among the rows, each row itself first.

    Parameters
    ----------
    vectors : array of shape (n, d)
        Rows with non-zero norms.
    k : int
        Neighbours per row besides itself (``k < n``).

    Returns
    -------
    indices : int32 array of shape (n, k + 1)
        ``indices[i, 0] == i``, then the neighbours from the most similar.
    similarities : float32 array of shape (n, k + 1)
        Their cosine similarities (1 for the row itself).

    The search is :func:`embedlab.projection.knn.nearest` (each pair of rows compared once, best lists kept
    in compiled code).
    """
    from embedlab.projection import knn

    return knn.nearest(vectors, k, progress=progress)


# ---------------------------------------------------------------- projecting a matrix


@dataclass(frozen=True, eq=False)
class Projection:
    """Coordinates of ``n`` points and what to know about them.

    Attributes
    ----------
    coordinates : float array of shape (n, dims), read-only
    method : {"pca", "umap", "tsne"}
    dims : {2, 3}
    seed : int
    parameters : dict
        The parameters actually used (after clipping for small sets).
    explained_variance : tuple of float or None
        PCA: the share of the variance each component keeps. None for UMAP and t-SNE.
    quality : Quality
        :func:`embedlab.projection.quality.quality` of the picture (k = 5, or fewer for tiny sets).
    neighbors, neighbor_similarities : arrays of shape (n, m)
        Each point's ``m`` (up to :data:`KEPT_NEIGHBORS`) nearest other points in the original space
        (cosine), most similar first: hover text and :mod:`embedlab.projection.distortion` show what the picture hides.
    notes : tuple of Note
    seconds : float
        Time the projection took (nothing cached).
    """

    coordinates: np.ndarray
    method: Method
    dims: int
    seed: int
    parameters: dict
    explained_variance: tuple[float, ...] | None
    quality: Quality
    neighbors: np.ndarray
    neighbor_similarities: np.ndarray
    notes: tuple[Note, ...]
    seconds: float

    @property
    def trustworthiness(self) -> float:
        return self.quality.trustworthiness

    @property
    def knn_preservation(self) -> float:
        return self.quality.knn_preservation


def check_number(value, name: str, low: float, high: float, *, whole: bool = False) -> None:
    kinds = (int,) if whole else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not low <= value <= high:
        kind = "a whole number" if whole else "a number"
        raise InvalidInputError(f"{name} must be {kind} from {low} to {high}, not {value!r}.")


def _check_vectors(vectors) -> np.ndarray:
    matrix = np.array(vectors, dtype=np.float32)  # a writable copy: torch reads it without copying
    if matrix.ndim != 2 or matrix.shape[1] < 2:
        raise InvalidInputError(f"Expected one vector per row (a 2-D array with at least 2 columns), got shape {matrix.shape}.")
    if len(matrix) > MAX_POINTS:
        raise InvalidInputError(f"{len(matrix):,} points is too many to project; at most {MAX_POINTS:,}.")
    if not np.isfinite(matrix).all():
        raise InvalidInputError("The vectors contain NaN or infinite values.")
    zero = np.flatnonzero(~np.any(matrix, axis=1))
    if len(zero):
        raise InvalidInputError(f"Rows {zero[:10].tolist()} are zero vectors: cosine similarity is undefined for them.")
    return matrix


def project(
    vectors,
    *,
    method: Method = "pca",
    dims: int = 2,
    seed: int = 0,
    n_neighbors: int = DEFAULT_N_NEIGHBORS,
    min_dist: float = DEFAULT_MIN_DIST,
    perplexity: float = DEFAULT_PERPLEXITY,
    umap_init: Literal["spectral", "pca"] = "spectral",
    progress: Progress | None = None,
) -> Projection:
    """Project the rows of ``vectors`` to ``dims`` dimensions.

    Parameters
    ----------
    vectors : array of shape (n, d)
        At least ``dims + 1`` and at most :data:`MAX_POINTS` rows, none of them zero.
    method : {"pca", "umap", "tsne"}
        scikit-learn's ``PCA``; umap-learn's ``UMAP`` (cosine, on the shared neighbour graph, with
        :mod:`embedlab.projection.umap_layout`'s descent); scikit-learn's ``TSNE`` (cosine distances of
        the shared graph, Barnes-Hut, scikit-learn's PCA start, :func:`tsne_threads` OpenMP threads).
    dims : {2, 3}
    seed : int
        Fixes every random choice: the same inputs and seed give the same coordinates. (t-SNE
        starts from the PCA picture, so with it the seed makes little or no difference.)
    n_neighbors, min_dist : UMAP's; ``n_neighbors`` is lowered to ``n − 1`` for small sets.
    perplexity : t-SNE's; lowered to ``(n − 1) / 3`` for small sets.
    umap_init : {"spectral", "pca"}
        UMAP's start: umap-learn's spectral layout, or the PCA picture (much faster for tens of
        thousands of points, and it keeps PCA's global arrangement; the atlas uses it).
    progress : callable, optional
        A :class:`~embedlab.progress.Progress`, called as ``progress(fraction, 1.0, stage)`` (see :data:`STAGES`).

    Returns
    -------
    Projection

    Raises
    ------
    InvalidInputError
        For an unknown method, out-of-range parameters, too few or too many points, or zero,
        NaN or infinite vectors.
    """
    check_choice(method, "method", METHODS)
    check_choice(dims, "dims", DIMS)
    check_number(seed, "seed", 0, MAX_SEED, whole=True)
    check_number(n_neighbors, "n_neighbors", *N_NEIGHBORS_RANGE, whole=True)
    check_number(min_dist, "min_dist", *MIN_DIST_RANGE)
    check_number(perplexity, "perplexity", *PERPLEXITY_RANGE)
    check_choice(umap_init, "umap_init", ("spectral", "pca"))
    matrix = _check_vectors(vectors)
    n = len(matrix)
    if n < dims + 1:
        raise InvalidInputError.coded("projection_needs_points", dims=dims, least=dims + 1, count=n)

    def report(done: float, stage: str) -> None:  # the share of the whole work done, and the stage running
        if progress is not None:
            progress(done, 1.0, stage)

    start = time.perf_counter()
    notes: list[Note] = []

    parameters: dict = {}
    if method == "umap":
        parameters = {"n_neighbors": min(n_neighbors, n - 1), "min_dist": float(min_dist)}
        if parameters["n_neighbors"] < n_neighbors:
            notes.append(Note.of("n_neighbors_clipped", asked=n_neighbors, used=parameters["n_neighbors"], n=n))
    elif method == "tsne":
        parameters = {"perplexity": float(min(perplexity, (n - 1) / 3))}
        if parameters["perplexity"] < perplexity:
            notes.append(Note.of("perplexity_clipped", asked=float(perplexity), used=parameters["perplexity"], n=n))
    k = min(QUALITY_NEIGHBORS, (n - 1) // 2)
    if k < QUALITY_NEIGHBORS:
        notes.append(Note.of("quality_k_clipped", k=k, asked=QUALITY_NEIGHBORS, n=n))

    # One neighbour graph serves UMAP's fuzzy graph, t-SNE's affinities, the hover text, per-point
    # honesty and the quality scores. UMAP counts a point as its own first neighbour, so it takes
    # ``n_neighbors`` columns, self included; t-SNE takes scikit-learn's 3 × perplexity + 1 others.
    want = min(n - 1, max(KEPT_NEIGHBORS, parameters.get("n_neighbors", 0) - 1, _tsne_neighbors(n, parameters.get("perplexity"))))
    knn_share = 0.3 if method == "umap" else 0.1
    graph = neighbour_graph(matrix, want, progress=lambda f: report(knn_share * f, "neighbors"))
    indices, similarities = graph.indices, graph.similarities
    report(knn_share, method)

    explained = None
    if method == "pca":
        from sklearn.decomposition import PCA

        pca = PCA(n_components=dims, random_state=seed)
        coordinates = pca.fit_transform(matrix)
        explained = tuple(float(v) for v in pca.explained_variance_ratio_)
    elif method == "umap":
        coordinates, fallback = _run_umap(
            matrix,
            indices,
            similarities,
            dims=dims,
            seed=seed,
            init=umap_init,
            report=lambda f: report(0.3 + 0.6 * f, "umap"),
            **parameters,
        )
        if fallback:
            notes.append(Note.of("spectral_fallback"))
    else:
        coordinates = _run_tsne(matrix, indices, similarities, dims=dims, seed=seed, **parameters)

    report(0.9, "quality")
    scored = quality(matrix, coordinates, k=k, seed=seed, neighbors=indices[:, 1:] if graph.exact else None)
    if scored.rows < n:
        notes.append(Note.of("quality_sampled", rows=scored.rows, n=n))
    coordinates = np.array(coordinates, dtype=np.float64)
    coordinates.flags.writeable = False
    report(1.0, "done")
    return Projection(
        coordinates=coordinates,
        method=method,
        dims=dims,
        seed=seed,
        parameters=parameters,
        explained_variance=explained,
        quality=scored,
        neighbors=indices[:, 1 : KEPT_NEIGHBORS + 1],
        neighbor_similarities=similarities[:, 1 : KEPT_NEIGHBORS + 1],
        notes=tuple(notes),
        seconds=time.perf_counter() - start,
    )


def _run_umap(matrix, indices, similarities, *, dims, seed, init, n_neighbors, min_dist, report) -> tuple[np.ndarray, bool]:
    """umap-learn's UMAP on our neighbour lists, its descent run by :mod:`embedlab.projection.umap_layout`."""
    from embedlab.projection.umap_layout import umap_class

    distances = np.maximum(1.0 - similarities[:, :n_neighbors], 0.0)  # cosine distance, as metric="cosine" measures it
    distances[:, 0] = 0.0
    # The spectral start needs dims + 1 eigenvectors of an n × n graph: more than dims + 1 points.
    spectral = len(matrix) > dims + 1
    reducer = umap_class()(
        n_components=dims,
        n_neighbors=n_neighbors,
        min_dist=min_dist,
        metric="cosine",
        random_state=seed,
        n_jobs=1,
        init=init if spectral else "random",
        precomputed_knn=(indices[:, :n_neighbors], distances),
    )
    reducer.layout_progress = report
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        coordinates = reducer.fit_transform(matrix)
    fallback = not spectral or any("Spectral initialisation failed" in str(w.message) for w in caught)
    return coordinates, fallback


def _tsne_neighbors(n: int, perplexity: float | None) -> int:
    """The neighbours scikit-learn's Barnes-Hut t-SNE reads per point (0 for the other methods)."""
    return 0 if perplexity is None else min(n - 1, int(3.0 * perplexity + 1))


def _run_tsne(matrix, indices, similarities, *, dims, seed, perplexity) -> np.ndarray:
    """scikit-learn's Barnes-Hut t-SNE on our neighbour graph, from scikit-learn's own PCA start.

    ``TSNE(metric="cosine", init="pca")`` would search the neighbours again; given them as a sparse
    matrix of cosine distances (``metric="precomputed"``) it only computes the affinities. The start
    is what ``init="pca"`` computes (which scikit-learn refuses with precomputed distances).
    """
    from scipy.sparse import csr_matrix
    from sklearn.decomposition import PCA
    from sklearn.manifold import TSNE
    from threadpoolctl import threadpool_limits

    n = len(matrix)
    # Each row's own entry (distance 0) stays in, first: scikit-learn asks a graph of the fitted points
    # for one neighbour more and drops the point itself.
    columns = _tsne_neighbors(n, perplexity) + 1
    distances = np.maximum(1.0 - similarities[:, :columns].astype(np.float64), 0.0)
    distances[:, 0] = 0.0
    graph = csr_matrix((distances.ravel(), indices[:, :columns].ravel(), np.arange(0, n * columns + 1, columns)), shape=(n, n))
    start = PCA(n_components=dims, random_state=seed).fit_transform(matrix).astype(np.float32, copy=False)
    start = start / np.std(start[:, 0]) * 1e-4  # scikit-learn's scaling of its PCA start
    tsne = TSNE(n_components=dims, perplexity=perplexity, metric="precomputed", init=start, random_state=seed)
    with threadpool_limits(limits=tsne_threads(), user_api="openmp"):
        return tsne.fit_transform(graph)


def tsne_threads() -> int:
    """OpenMP threads for t-SNE's gradient: two on a machine of :data:`TSNE_TWO_THREADS_FROM` cores or more, else one.

    Never more than two: the gradient's one shared sum is then added up as a + b or b + a, which is
    the same number, so a seed gives the same picture every time (with more threads the partial
    sums could be added in varying orders). And one on a small machine: scikit-learn's OpenMP
    threads spin while they wait for each other, so when anything else runs on the machine the
    waits eat the work. On the 2-core test server, two threads took 1.6× less time than one when it
    was idle, but 13× more (25.7 s against 1.9 s for 700 points) at a load average of 2.6; plain
    scikit-learn, which takes every core, pays the same (benchmarks/bench_projection.py).
    """
    return 2 if (os.cpu_count() or 1) >= TSNE_TWO_THREADS_FROM else 1
