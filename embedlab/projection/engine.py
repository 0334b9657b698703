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

Neighbours are by cosine similarity everywhere, as on EmbedLab's other pages: UMAP and t-SNE run
with ``metric="cosine"``, and the nearest neighbours found once, exactly, serve UMAP's graph, the
hover text and the quality scores. PCA works on the raw vectors, as scikit-learn's does.

umap-learn is slow to start (its import and numba's first compilation take tens of seconds on a
small machine); :func:`warm_up` pays that once, and numba keeps what it can in an on-disk cache
(``NUMBA_CACHE_DIR``, by default ``~/.cache/embedlab/numba``).
"""

from __future__ import annotations

import io
import os
import re
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

#: ``progress(fraction, stage)``: fraction of the work done (0 to 1), and the stage now running:
#: ``"neighbors"``, ``"pca"``, ``"umap"``, ``"tsne"``, ``"quality"`` or ``"done"``.
Progress = Callable[[float, str], None]


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


def _umap():
    configure_numba_cache()
    import umap

    return umap


_warm_lock = threading.Lock()
_warm_seconds: float | None = None


def warm_up() -> float:
    """Import umap-learn (and torch, scikit-learn) and compile its numba code on a small real data set.

    Runs once per process (later calls return at once); the app starts it in a background thread
    at start-up so that the first UMAP a person asks for does not wait for the compiler. The data
    are 300 of scikit-learn's bundled handwritten digits, as float32 like word vectors.

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
        scikit-learn's ``PCA``; umap-learn's ``UMAP`` (cosine, on exact nearest neighbours);
        scikit-learn's ``TSNE`` (cosine, Barnes-Hut, PCA start).
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
        ``progress(fraction, stage)`` as the work advances (see :data:`Progress`).

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
    report = progress or (lambda fraction, stage: None)
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

    # One exact neighbour search serves UMAP's graph, hover text and per-point honesty. UMAP counts a point
    # as its own first neighbour, so its graph takes ``n_neighbors`` columns, self included.
    want = min(n - 1, max(KEPT_NEIGHBORS, parameters.get("n_neighbors", 0) - 1))
    knn_share = 0.3 if method == "umap" else 0.1
    indices, similarities = nearest_points(matrix, want, progress=lambda f: report(knn_share * f, "neighbors"))
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
        from sklearn.manifold import TSNE
        from threadpoolctl import threadpool_limits

        tsne = TSNE(n_components=dims, perplexity=parameters["perplexity"], metric="cosine", init="pca", random_state=seed)
        # One thread: scikit-learn's OpenMP workers spin-wait, and on a busy 2-core server two of
        # them took 3× the wall time of one (benchmarks/bench_projection.py); same coordinates.
        with threadpool_limits(limits=1, user_api="openmp"):
            coordinates = tsne.fit_transform(matrix)

    report(0.9, "quality")
    scored = quality(matrix, coordinates, k=k, seed=seed)
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


class _EpochProgress(io.TextIOBase):
    """A file for umap-learn's tqdm bar (``bar_format="{n}/{total}"``) that reports the fraction."""

    def __init__(self, report: Callable[[float], None]):
        self._report = report

    def write(self, text: str) -> int:
        counts = re.findall(r"(\d+)/(\d+)", text)
        if counts:
            done, total = counts[-1]
            self._report(int(done) / max(int(total), 1))
        return len(text)


def _run_umap(matrix, indices, similarities, *, dims, seed, init, n_neighbors, min_dist, report) -> tuple[np.ndarray, bool]:
    umap = _umap()
    distances = np.maximum(1.0 - similarities[:, :n_neighbors], 0.0)
    distances[:, 0] = 0.0
    # The spectral start needs dims + 1 eigenvectors of an n × n graph: more than dims + 1 points.
    spectral = len(matrix) > dims + 1
    reducer = umap.UMAP(
        n_components=dims,
        n_neighbors=n_neighbors,
        min_dist=min_dist,
        metric="cosine",
        random_state=seed,
        n_jobs=1,
        init=init if spectral else "random",
        precomputed_knn=(indices[:, :n_neighbors], distances),
        tqdm_kwds={"disable": False, "file": _EpochProgress(report), "bar_format": "{n}/{total}", "mininterval": 0.2},
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        coordinates = reducer.fit_transform(matrix)
    fallback = not spectral or any("Spectral initialisation failed" in str(w.message) for w in caught)
    return coordinates, fallback
