"""The one neighbour graph a projection shares: exact for small sets, NN-descent for large ones.

Every picture needs each point's nearest neighbours in the original space (cosine) several times:
UMAP's fuzzy graph and t-SNE's affinities are built on them, the hover text and the per-point
honesty of :mod:`embedlab.projection.distortion` list them, and the quality scores start from them
(when they are exact). :func:`neighbour_graph` finds them once for all.

* Up to :data:`EXACT_ROWS` points the search is exact (:func:`embedlab.projection.knn.nearest`):
  the lists are the true neighbours, as tests/test_projection.py checks against numpy.
* Above it, an exact search grows with the square of the points (7 s for 50,000 × 100 on an idle
  2-core machine, 17 s on a busy one) while NN-descent grows about linearly: pynndescent, the
  search umap-learn itself runs, finds 98 % of the 30 true neighbours of 50,000 word2vec words in
  5.5 s. A faiss HNSW index (what the Explorer uses for big vocabularies) was measured too and
  left out: built and queried for all 50,000 points it took 8 s for 91 % of them
  (M = 16, efConstruction = efSearch = 64); it is made for many later queries, not for one pass.

The approximate graph is seeded (the same points give the same lists, whatever the picture's seed)
and runs on one thread, which is what keeps it reproducible. Its first use in a process compiles
pynndescent's code, which numba does not keep on disk: about half a minute (the progress bar keeps
moving) and 160 MiB more memory. :func:`embedlab.projection.engine.warm_up` leaves that to the first
set above :data:`EXACT_ROWS` points, so that a server whose pictures stay below it never pays it.

>>> import numpy as np
>>> from embedlab.projection.graph import neighbour_graph
>>> found = neighbour_graph(np.random.default_rng(0).normal(size=(50, 8)), 5)
>>> found.indices.shape, found.exact, bool((found.indices[:, 0] == np.arange(50)).all())
((50, 6), True, True)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

T = TypeVar("T")

#: Points up to which the neighbour graph is exact. Around here an exact search and NN-descent
#: take about the same time (0.8 to 1.3 s for 10,000 words, 100-d or 384-d); beyond it NN-descent
#: is faster: 1.5 to 1.8× at 20,000 points, 1.3× (idle machine) to 3× (busy) at 50,000.
EXACT_ROWS = 10_000
GRAPH_SEED = 0  # NN-descent's seed: the lists do not change with the picture's seed
TICK = 0.25  # seconds between progress reports while NN-descent runs


@dataclass(frozen=True, eq=False)
class NeighbourGraph:
    """Each point's nearest points by cosine, itself first.

    Attributes
    ----------
    indices : int32 array of shape (n, k + 1)
        ``indices[i, 0] == i``, then its neighbours from the most similar.
    similarities : float32 array of shape (n, k + 1)
        Their cosine similarities (1 for the point itself).
    exact : bool
        Whether the lists are the true nearest neighbours (else NN-descent's approximation).
    """

    indices: np.ndarray
    similarities: np.ndarray
    exact: bool


def neighbour_graph(
    vectors: np.ndarray, k: int, *, exact_rows: int | None = None, progress: Callable[[float], None] | None = None
) -> NeighbourGraph:
    """The ``k`` nearest other rows of every row, by cosine: exact up to ``exact_rows`` rows, NN-descent above.

    Parameters
    ----------
    vectors : array of shape (n, d)
        Rows with non-zero norms.
    k : int
        Neighbours per row besides itself (``1 ≤ k < n``).
    exact_rows : int, optional
        The most rows searched exactly; :data:`EXACT_ROWS` by default.
    progress : callable, optional
        ``progress(fraction)`` as the search advances, always from the calling thread (for
        NN-descent an estimate from the time spent: see :func:`_ticking`).

    Returns
    -------
    NeighbourGraph

    Raises
    ------
    ValueError
        When ``k`` is not from 1 to ``n - 1``.
    """
    n = len(vectors)
    if not 1 <= k < n:
        raise ValueError(f"k must be from 1 to n - 1 = {n - 1}, not {k}.")
    if n <= (EXACT_ROWS if exact_rows is None else exact_rows):
        from embedlab.projection import knn

        indices, similarities = knn.nearest(vectors, k, progress=progress)
        return NeighbourGraph(indices, similarities, exact=True)
    matrix = np.asarray(vectors, dtype=np.float32)
    # 5.5 s for 50,000 points and 31 neighbours, about in proportion to both (for the bar only)
    expected = 5.5 * (n / 50_000) * ((k + 1) / 31)
    indices, similarities = _ticking(lambda: _nn_descent(matrix, k), progress, expected)
    return NeighbourGraph(indices, similarities, exact=False)


def _ticking(work: Callable[[], T], progress: Callable[[float], None] | None, expected_seconds: float) -> T:
    """``work()``, with ``progress`` moved on from this thread every :data:`TICK` seconds until it is done.

    NN-descent says nothing while it runs, so it runs on a worker thread while this one (the
    page's, where a progress bar may be drawn) reports ``elapsed / (elapsed + expected)``: an
    estimate that keeps moving and never reaches 1 before the end, even when the first run in a
    process also compiles.
    """
    if progress is None:
        return work()
    started = time.perf_counter()
    with ThreadPoolExecutor(1, thread_name_prefix="embedlab-graph") as pool:
        running = pool.submit(work)
        while True:
            try:
                result = running.result(timeout=TICK)
                break
            except TimeoutError:
                elapsed = time.perf_counter() - started
                progress(elapsed / (elapsed + expected_seconds))
    progress(1.0)
    return result


def _nn_descent(vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """pynndescent's graph of ``k + 1`` neighbours, rearranged so that each row is its own first neighbour."""
    from embedlab.projection.engine import configure_numba_cache

    configure_numba_cache()  # before pynndescent (numba) is imported
    import warnings

    from pynndescent import NNDescent

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its notes on numba threads and on compressed indexes
        search = NNDescent(
            vectors, n_neighbors=k + 1, metric="cosine", random_state=GRAPH_SEED, n_jobs=1, low_memory=True, compressed=True
        )
        found, distances = search.neighbor_graph
    n = len(vectors)
    rows = np.arange(n)
    # A row's own entry (distance 0) is usually first; with exact duplicates it may come later, or be
    # crowded out. Drop it wherever it is, keep the k best others, and put it in front.
    others = found != rows[:, None]
    order = np.argsort(~others, axis=1, kind="stable")[:, :k]  # the others first, in their order
    indices = np.empty((n, k + 1), dtype=np.int32)
    similarities = np.empty((n, k + 1), dtype=np.float32)
    indices[:, 0], similarities[:, 0] = rows, 1.0
    indices[:, 1:] = np.take_along_axis(found, order, axis=1)
    similarities[:, 1:] = np.clip(1.0 - np.take_along_axis(distances, order, axis=1), -1.0, 1.0)
    return indices, similarities
