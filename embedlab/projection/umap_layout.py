"""UMAP's layout descent in compiled code of EmbedLab's own: the same UMAP, seeded, about twice as fast.

umap-learn makes a picture in three steps: a fuzzy graph of every point's nearest neighbours, a
start (spectral or PCA), then a few hundred *epochs* of stochastic gradient descent in which each
edge of the graph pulls its two ends together and, after each pull, the point is pushed away from
a few random others (*negative samples*). With a seed umap-learn runs that descent on one thread,
in a loop where every step waits for the one before, and for 10,000 words the descent is about
nine tenths of the time.

:func:`umap_class` is umap-learn's ``UMAP`` with only that descent replaced (through its
``_fit_embed_data`` hook): the graph, the start, the number of epochs, the learning-rate schedule,
which edges are sampled in which epoch and each point's random number generator are umap-learn's,
computed by umap-learn's own functions. :func:`optimize` then differs from umap-learn's loop in
two ways (their cost in trustworthiness is measured by ``benchmarks/bench_projection.py``):

* single-precision arithmetic (``d² ** b`` in ``float32``), and a random row picked by a
  multiply-and-shift of the random number instead of a division;
* from :data:`PARALLEL_ROWS` points on, the points are split in two halves, the left and the
  right of the start picture, each moved by its own thread. A thread moves only its own points: it
  reads the other half as it stood when the epoch began and keeps the pulls it owes that half until
  the epoch ends, when both halves' debts are paid. Nothing depends on which thread finishes first,
  so a seed still gives the same picture, with one processor or many; and as most edges join near
  points, few of them cross between the halves.

Trustworthiness stays within 0.01 of umap-learn's on the same data (checked by
``tests/test_projection.py``). ``layout="umap-learn"`` runs umap-learn's own loop inside the same
class, which must then give umap-learn's coordinates bit for bit: that check is what shows the
pipeline around the loop is umap-learn's.

>>> import numpy as np
>>> from embedlab.projection.umap_layout import optimize
>>> start = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0]], dtype=np.float32)
>>> head, tail = np.array([0, 1]), np.array([1, 0])    # one edge, both ways
>>> moved = optimize(start.copy(), head, tail, np.ones(2), n_epochs=50, a=1.58, b=0.9, rng_state=np.array([1, 2, 3]))
>>> bool(np.linalg.norm(moved[0] - moved[1]) < 1.0)     # the two linked points stay close
True
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

import numpy as np

#: From this many points on, the descent runs in two halves on two threads (below it, the threads'
#: hand-over each epoch costs more than it saves). A fixed number, so that the picture of a given
#: set and seed does not depend on the machine.
PARALLEL_ROWS = 2_000

Layout = Literal["fast", "umap-learn"]


@functools.cache
def _epoch_kernel(dims: int) -> Callable[..., None]:
    """The compiled epoch of one half, for ``dims`` (2 or 3) coordinates (compiled once, kept in numba's disk cache)."""
    from embedlab.projection.engine import configure_numba_cache

    configure_numba_cache()  # before numba is imported
    import numba

    three = dims == 3  # a constant of the compiled code: the third coordinate costs nothing in 2-D

    @numba.njit(fastmath=True, nogil=True, cache=True)
    def epoch(
        live,
        seen,
        owed,
        head,
        tail,
        per_sample,
        per_negative,
        next_sample,
        next_negative,
        rng,
        n,
        alpha,
        a,
        b,
        gamma,
        edges,
        rows,
    ):  # pragma: no cover - compiled
        """One epoch for the edges ``edges[0]:edges[1]`` whose heads are the rows ``rows[0]:rows[1]``.

        ``live`` holds this half's rows as they move; ``seen`` the other half's as they stood when
        the epoch began; ``owed`` collects the pulls this half owes the other half's rows.
        """
        count = np.int64(live.shape[0])
        a, b, gamma, alpha = np.float32(a), np.float32(b), np.float32(gamma), np.float32(alpha)
        four, low, high = np.float32(4.0), rows[0], rows[1]
        c2 = o2 = x2 = g2 = np.float32(0.0)
        for i in range(edges[0], edges[1]):
            if next_sample[i] > n:
                continue
            j, k = head[i], tail[i]
            mine = low <= k < high
            source = live if mine else seen
            c0, c1, o0, o1 = live[j, 0], live[j, 1], source[k, 0], source[k, 1]
            x0, x1 = c0 - o0, c1 - o1
            if three:
                c2, o2 = live[j, 2], source[k, 2]
                x2 = c2 - o2
            d2 = x0 * x0 + x1 * x1 + x2 * x2
            pull = np.float32(0.0)
            if d2 > 0.0:
                power = d2**b
                pull = np.float32(-2.0) * a * b * power / (d2 * (a * power + np.float32(1.0)))
            g0 = min(max(pull * x0, -four), four) * alpha
            g1 = min(max(pull * x1, -four), four) * alpha
            c0, c1 = c0 + g0, c1 + g1
            if three:
                g2 = min(max(pull * x2, -four), four) * alpha
                c2 = c2 + g2
            target = live if mine else owed
            target[k, 0] -= g0
            target[k, 1] -= g1
            if three:
                target[k, 2] -= g2
            next_sample[i] += per_sample[i]
            negatives = int((n - next_negative[i]) / per_negative[i])
            next_negative[i] += negatives * per_negative[i]
            s0, s1, s2 = rng[j, 0], rng[j, 1], rng[j, 2]
            for _ in range(negatives):
                s0 = (((s0 & 4294967294) << 12) & 0xFFFFFFFF) ^ ((((s0 << 13) & 0xFFFFFFFF) ^ s0) >> 19)
                s1 = (((s1 & 4294967288) << 4) & 0xFFFFFFFF) ^ ((((s1 << 2) & 0xFFFFFFFF) ^ s1) >> 25)
                s2 = (((s2 & 4294967280) << 17) & 0xFFFFFFFF) ^ ((((s2 << 3) & 0xFFFFFFFF) ^ s2) >> 11)
                k = (((s0 ^ s1 ^ s2) & 0xFFFFFFFF) * count) >> 32
                if k == j:
                    continue
                source = live if low <= k < high else seen
                x0, x1 = c0 - source[k, 0], c1 - source[k, 1]
                if three:
                    x2 = c2 - source[k, 2]
                d2 = x0 * x0 + x1 * x1 + x2 * x2
                if d2 > 0.0:
                    push = np.float32(2.0) * gamma * b / ((np.float32(0.001) + d2) * (a * d2**b + np.float32(1.0)))
                    c0 += min(max(push * x0, -four), four) * alpha
                    c1 += min(max(push * x1, -four), four) * alpha
                    if three:
                        c2 += min(max(push * x2, -four), four) * alpha
            rng[j, 0], rng[j, 1], rng[j, 2] = s0, s1, s2
            live[j, 0], live[j, 1] = c0, c1
            if three:
                live[j, 2] = c2

    return epoch


def optimize(
    embedding: np.ndarray,
    head: np.ndarray,
    tail: np.ndarray,
    epochs_per_sample: np.ndarray,
    *,
    n_epochs: int,
    a: float,
    b: float,
    rng_state: np.ndarray,
    gamma: float = 1.0,
    initial_alpha: float = 1.0,
    negative_sample_rate: float = 5.0,
    progress: Callable[[float], None] | None = None,
) -> np.ndarray:
    """Move ``embedding`` in place as umap-learn's ``optimize_layout_euclidean(..., move_other=True)`` does.

    Parameters
    ----------
    embedding : float32 array of shape (n, 2) or (n, 3)
        The start (scaled to 0–10, as umap-learn scales it); moved in place and returned.
    head, tail : int arrays
        The graph's edges (each edge pulls ``head`` and ``tail`` together).
    epochs_per_sample : float array
        umap-learn's ``make_epochs_per_sample`` of the edge weights.
    n_epochs : int
    a, b : float
        The curve of the picture's similarities (umap-learn's ``find_ab_params`` of ``min_dist``).
    rng_state : int64 array of 3
        umap-learn's draw; each point's own random number generator is derived from it and the point's start.
    gamma, initial_alpha, negative_sample_rate : umap-learn's (repulsion strength, learning rate, samples per pull).
    progress : callable, optional
        ``progress(fraction)`` after each epoch that completes another percent of them.

    Returns
    -------
    The moved ``embedding``.
    """
    count, dims = embedding.shape
    if dims not in (2, 3):
        raise ValueError(f"The layout moves points in 2 or 3 dimensions, not {dims}.")
    epoch = _epoch_kernel(dims)
    # umap-learn's per-point generators: its draw plus the bits of the point's first start coordinate
    rng = np.full((count, 3), rng_state, dtype=np.int64) + embedding[:, 0].astype(np.float64).view(np.int64).reshape(-1, 1)
    # Rows in the order of their start's first coordinate, so that each half is one side of the
    # picture: most edges join near points, and stay inside a half (never read stale).
    order = np.argsort(embedding[:, 0], kind="stable") if count >= PARALLEL_ROWS else np.arange(count)
    rank = np.empty(count, dtype=np.int64)
    rank[order] = np.arange(count)
    head, tail = rank[head], rank[tail]
    by_head = np.argsort(head, kind="stable")
    head, tail = head[by_head], tail[by_head]
    per_sample = np.asarray(epochs_per_sample, dtype=np.float64)[by_head]
    per_negative = per_sample / negative_sample_rate
    next_sample, next_negative = per_sample.copy(), per_negative.copy()
    live = np.ascontiguousarray(embedding[order])
    rng = np.ascontiguousarray(rng[order])
    halves = _halves(head, per_sample, count)
    seen = live.copy()
    owed = np.zeros((len(halves), count, dims), dtype=np.float32)
    arrays = (head, tail, per_sample, per_negative, next_sample, next_negative, rng)
    threads = min(len(halves), os.cpu_count() or 1)
    with ThreadPoolExecutor(threads, thread_name_prefix="embedlab-umap") if threads > 1 else _Inline() as pool:
        for n in range(n_epochs):
            alpha = initial_alpha if n == 0 else initial_alpha * (1.0 - (n - 1) / n_epochs)  # umap-learn's schedule
            runs = [
                pool.submit(epoch, live, seen, owed[h], *arrays, n, alpha, a, b, gamma, *halves[h]) for h in range(len(halves))
            ]
            for run in runs:
                run.result()
            if len(halves) > 1:
                # Each half owes only the other half's rows: the sum is the same in any order.
                live += owed.sum(axis=0)
                owed[:] = 0.0
                seen[:] = live
            if progress is not None and (100 * (n + 1)) // n_epochs > (100 * n) // n_epochs:  # at most 100 reports
                progress((n + 1) / n_epochs)
    embedding[order] = live
    return embedding


def _halves(head: np.ndarray, per_sample: np.ndarray, count: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """``[(edge range, row range), ...]``: the whole set below :data:`PARALLEL_ROWS` points, else two halves.

    ``head`` is sorted. The rows are cut where the pulls per epoch (``1 / epochs_per_sample``
    summed over the rows' edges) are half done, so that both threads have the same work.
    """
    if count < PARALLEL_ROWS:
        return [(np.array([0, len(head)]), np.array([0, count]))]
    done = np.cumsum(np.divide(1.0, per_sample, out=np.zeros_like(per_sample), where=per_sample > 0))
    cut_row = int(head[min(int(np.searchsorted(done, done[-1] / 2)), len(head) - 1)])
    cut_edge = int(np.searchsorted(head, cut_row))  # a row's edges stay together
    return [(np.array([0, cut_edge]), np.array([0, cut_row])), (np.array([cut_edge, len(head)]), np.array([cut_row, count]))]


class _Inline:
    """A stand-in for a thread pool that runs each call at once (one half, or one processor)."""

    class _Done:
        def __init__(self, value):
            self._value = value

        def result(self):
            return self._value

    def submit(self, function, *args):
        return self._Done(function(*args))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@functools.cache
def umap_class():
    """umap-learn's ``UMAP`` with :func:`optimize` as its layout descent (defined once umap-learn is imported).

    Construct it as ``umap.UMAP``; set ``layout`` (``"fast"``, or ``"umap-learn"`` for umap-learn's own
    loop) and ``layout_progress`` (``progress(fraction)``) on the instance before fitting. Only what
    EmbedLab asks for is supported: Euclidean output, no densMAP, a string ``init``.
    """
    from embedlab.projection.engine import configure_numba_cache

    configure_numba_cache()
    import umap
    import umap.umap_ as umap_module
    from sklearn.decomposition import PCA

    class FastLayoutUMAP(umap.UMAP):
        layout: Layout = "fast"
        layout_progress: Callable[[float], None] | None = None

        def _fit_embed_data(self, X, n_epochs, init, random_state, **kwargs):
            """umap-learn's ``simplicial_set_embedding`` for EmbedLab's case, with the descent of :func:`optimize`."""
            if self.densmap or self.output_dens or self.output_metric not in ("euclidean", "l2") or not isinstance(init, str):
                raise ValueError("The fast layout supports Euclidean output, no densMAP and a named init only.")
            graph = self.graph_.tocoo()
            graph.sum_duplicates()
            default_epochs = 500 if graph.shape[0] <= 10_000 else 200
            n_epochs = default_epochs if n_epochs is None else n_epochs
            graph.data[graph.data < graph.data.max() / float(n_epochs if n_epochs > 10 else default_epochs)] = 0.0
            graph.eliminate_zeros()
            if init == "random":
                start = random_state.uniform(low=-10.0, high=10.0, size=(graph.shape[0], self.n_components)).astype(np.float32)
            else:
                if init == "pca":
                    start = PCA(n_components=self.n_components, random_state=random_state).fit_transform(X).astype(np.float32)
                else:
                    start = umap_module.spectral_layout(
                        X, graph, self.n_components, random_state, metric=self._input_distance_func, metric_kwds=self._metric_kwds
                    )
                start = umap_module.noisy_scale_coords(start, random_state, max_coord=10, noise=0.0001)
            epochs_per_sample = umap_module.make_epochs_per_sample(graph.data, n_epochs)
            rng_state = random_state.randint(umap_module.INT32_MIN, umap_module.INT32_MAX, 3).astype(np.int64)
            lowest, highest = np.min(start, 0), np.max(start, 0)
            embedding = (10.0 * (start - lowest) / (highest - lowest)).astype(np.float32, order="C")
            options = dict(
                gamma=self.repulsion_strength, initial_alpha=self._initial_alpha, negative_sample_rate=self.negative_sample_rate
            )
            if self.layout == "umap-learn":
                embedding = umap_module.optimize_layout_euclidean(
                    embedding, embedding, graph.row, graph.col, n_epochs, graph.shape[1], epochs_per_sample, self._a, self._b,
                    rng_state, options["gamma"], options["initial_alpha"], options["negative_sample_rate"],
                    parallel=False, tqdm_kwds={"disable": True}, move_other=True,
                )  # fmt: skip
            else:
                embedding = optimize(
                    embedding, graph.row, graph.col, epochs_per_sample, n_epochs=n_epochs, a=self._a, b=self._b,
                    rng_state=rng_state, progress=self.layout_progress, **options,
                )  # fmt: skip
            return embedding, {}

    return FastLayoutUMAP
