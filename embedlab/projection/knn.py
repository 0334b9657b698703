"""Exact cosine k-nearest neighbours of every row among the rows: the neighbour graph of sets up to 10,000 points.

The obvious way is one matrix product of the unit rows with themselves, a block of rows at a
time, then ``torch.topk`` on each block. On a small CPU both halves are slow for 50,000 × 300:
the product does every pair twice (``sim(i, j) == sim(j, i)``), and ``topk`` spends about five
nanoseconds on each of the 2.5 billion similarities. This module

* computes each block pair ``(I, J)`` with ``I ≤ J`` once and uses it for the rows of ``I`` and,
  transposed, for the rows of ``J`` (half the arithmetic), and
* keeps each row's best ``k`` in a small running list in compiled code (numba): a similarity
  below the row's current ``k``-th best, which is nearly all of them after the first block,
  costs one comparison. The two uses of a block update different rows, so they run in two
  threads at once.

The answer is the same as the obvious way's (up to the order of exactly equal similarities),
which ``tests/test_projection.py`` checks against scikit-learn's brute-force search. The first
call compiles the selection loop (a few seconds), kept in numba's on-disk cache afterwards. Larger
sets get NN-descent's approximate graph instead (:mod:`embedlab.projection.graph` says why).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from embedlab.vectormath import unit_rows

_BLOCK = 2048  # rows per block: a 2048 × 2048 float32 block is 16 MB
_kernel_lock = threading.Lock()
_kernel = None


def _merge_kernel():
    """The compiled ``merge(sims, row_start, col_start, best_values, best_rows)`` (compiled once, then cached on disk)."""
    global _kernel
    with _kernel_lock:
        if _kernel is None:
            from embedlab.projection.engine import configure_numba_cache

            configure_numba_cache()  # before numba is imported, so that the compiled loop is cached
            import numba

            @numba.njit(nogil=True, cache=True)
            def offer(values, found, value, row):  # pragma: no cover - compiled
                """Put ``value`` (of ``row``) in place of the smallest of ``values``; return the new smallest."""
                low = 0
                for j in range(1, values.shape[0]):
                    if values[j] < values[low]:
                        low = j
                values[low] = value
                found[low] = row
                low = 0
                for j in range(1, values.shape[0]):
                    if values[j] < values[low]:
                        low = j
                return values[low]

            @numba.njit(nogil=True, cache=True)
            def merge(sims, row_start, col_start, best_values, best_rows):  # pragma: no cover - compiled
                """Offer each row of ``sims`` to its row's best list (block row r: row_start + r; column c: col_start + c)."""
                rows, columns = sims.shape
                for r in range(rows):
                    row = row_start + r
                    floor = best_values[row].min()
                    for c in range(columns):
                        if sims[r, c] > floor and col_start + c != row:
                            floor = offer(best_values[row], best_rows[row], sims[r, c], col_start + c)

            _kernel = merge
    return _kernel


def nearest(vectors: np.ndarray, k: int, *, progress: Callable[[float], None] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Exact cosine nearest neighbours of every row among the rows, each row itself first.

    Parameters
    ----------
    vectors : array of shape (n, d)
        Rows with non-zero norms.
    k : int
        Neighbours per row besides itself (``1 ≤ k < n``).
    progress : callable, optional
        ``progress(fraction)`` after each block pair.

    Returns
    -------
    indices : int32 array of shape (n, k + 1)
        ``indices[i, 0] == i``, then the neighbours from the most similar.
    similarities : float32 array of shape (n, k + 1)
        Their cosine similarities (1 for the row itself).

    Raises
    ------
    ValueError
        When ``k`` is not from 1 to ``n - 1``.
    """
    import torch

    unit = unit_rows(vectors, dtype=np.float32, zero_rows="nan", tensor=True)  # non-zero rows, as documented
    n = unit.shape[0]
    if not 1 <= k < n:
        raise ValueError(f"k must be from 1 to n - 1 = {n - 1}, not {k}.")
    merge = _merge_kernel()
    best_values = np.full((n, k), -np.inf, dtype=np.float32)
    best_rows = np.full((n, k), -1, dtype=np.int32)
    starts = list(range(0, n, _BLOCK))
    pairs = [(a, b) for i, a in enumerate(starts) for b in starts[i:]]
    # The two uses of a block touch different rows' lists, so they run side by side (the loop releases the GIL).
    with torch.inference_mode(), ThreadPoolExecutor(2, thread_name_prefix="embedlab-knn") as pool:
        for done, (a, b) in enumerate(pairs, 1):
            block = unit[a : a + _BLOCK] @ unit[b : b + _BLOCK].T
            uses = [pool.submit(merge, block.numpy(), a, b, best_values, best_rows)]
            if b != a:
                uses.append(pool.submit(merge, block.T.contiguous().numpy(), b, a, best_values, best_rows))
            for use in uses:
                use.result()
            if progress is not None:
                progress(done / len(pairs))
    order = np.argsort(-best_values, axis=1, kind="stable")
    indices = np.empty((n, k + 1), dtype=np.int32)
    similarities = np.empty((n, k + 1), dtype=np.float32)
    indices[:, 0] = np.arange(n)
    similarities[:, 0] = 1.0
    indices[:, 1:] = np.take_along_axis(best_rows, order, axis=1)
    similarities[:, 1:] = np.clip(np.take_along_axis(best_values, order, axis=1), -1.0, 1.0)
    return indices, similarities
