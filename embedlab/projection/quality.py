"""How faithful a picture is to the original neighbourhoods: trustworthiness and k-NN preservation.

A projection to two or three dimensions must move some points away from their true neighbours, or
bring strangers close. Two numbers say how much, for the whole picture (per-point honesty is
:mod:`embedlab.projection.distortion`):

* **trustworthiness** (scikit-learn's, Venna and Kaski): 1 when every point's nearest neighbours in
  the picture are also near it in the original space; each intruder costs by how far down the
  original ranking it really is;
* **k-NN preservation**: the mean share of each point's ``k`` nearest original neighbours (by
  cosine) that are also among its ``k`` nearest in the picture (by Euclidean distance).

>>> import numpy as np
>>> from embedlab.projection.quality import quality
>>> vectors = np.random.default_rng(0).normal(size=(60, 10))
>>> found = quality(vectors, vectors[:, :2], k=5)
>>> 0 < found.trustworthiness <= 1, found.k, found.rows
(True, 5, 60)

:func:`embedlab.projection.engine.project` scores every picture it makes with :func:`quality`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from embedlab.errors import InvalidInputError
from embedlab.vectormath import unit_rows

QUALITY_NEIGHBORS = 5  # sklearn.manifold.trustworthiness's default
QUALITY_ROWS = 2_000  # larger sets are scored on a seeded sample of this many points


@dataclass(frozen=True)
class Quality:
    """How faithful a projection is to the original neighbourhoods.

    Attributes
    ----------
    trustworthiness : float
        sklearn's ``trustworthiness`` (cosine in the original space, Euclidean in the picture):
        1 when no point in the picture has a neighbour that is not near it in the original space.
    knn_preservation : float
        Mean share of each point's ``k`` nearest original neighbours that are also among its
        ``k`` nearest in the picture.
    k : int
    rows : int
        Points the scores were computed on (all of them, or a seeded sample).
    """

    trustworthiness: float
    knn_preservation: float
    k: int
    rows: int


def quality(
    vectors: np.ndarray,
    coordinates: np.ndarray,
    *,
    k: int = QUALITY_NEIGHBORS,
    rows: int | None = QUALITY_ROWS,
    seed: int = 0,
    neighbors: np.ndarray | None = None,
) -> Quality:
    """Trustworthiness and k-NN preservation of ``coordinates`` as a picture of ``vectors``.

    With every row scored this equals ``sklearn.manifold.trustworthiness(vectors, coordinates,
    n_neighbors=k, metric="cosine")``; sklearn holds an n × n matrix, so beyond ``rows`` points the
    per-point terms are averaged over a seeded sample instead (ranks still count every point).

    Parameters
    ----------
    neighbors : int array of shape (n, m ≥ k), optional
        Each row's exact nearest other rows, most similar first, when already known (the neighbour
        graph :func:`embedlab.projection.engine.project` shares): k-NN preservation uses them instead of
        searching again. The ranks behind trustworthiness always come from the full similarity rows.

    Raises
    ------
    InvalidInputError
        When ``k`` is not below half the number of points (sklearn's condition).
    """
    import torch

    n = len(vectors)
    if not 1 <= k < n / 2:
        raise InvalidInputError(f"Quality needs 1 ≤ k < n / 2; got k={k} for {n} points.")
    chosen = np.arange(n) if rows is None or rows >= n else np.sort(np.random.default_rng(seed).choice(n, rows, replace=False))
    unit = unit_rows(vectors, dtype=np.float32, zero_rows="nan", tensor=True)  # zero rows: rejected by project()
    points = torch.from_numpy(np.array(coordinates, dtype=np.float64))
    penalty = 0.0
    kept = 0
    step = max(16, 2**24 // n)
    with torch.inference_mode():
        for start in range(0, len(chosen), step):
            batch = torch.from_numpy(chosen[start : start + step])
            local = torch.arange(len(batch))
            sims = unit[batch] @ unit.T
            sims[local, batch] = -float("inf")
            distances = torch.cdist(points[batch], points)
            distances[local, batch] = float("inf")
            shown = torch.topk(distances, k, dim=1, largest=False).indices
            if neighbors is None:
                original = torch.topk(sims, k, dim=1).indices
            else:
                original = torch.from_numpy(np.ascontiguousarray(neighbors[chosen[start : start + step], :k], dtype=np.int64))
            # rank of a shown neighbour in the original space: 1 + points more similar than it (numpy
            # counts a comparison several times faster than torch on one thread)
            shown_sims = sims.gather(1, shown).numpy()
            row_sims = sims.numpy()
            ranks = np.stack([np.count_nonzero(row_sims > shown_sims[:, j : j + 1], axis=1) for j in range(k)], axis=1) + 1
            penalty += float(np.clip(ranks - k, 0, None).sum())
            kept += int((shown.unsqueeze(2) == original.unsqueeze(1)).any(dim=2).sum())
    trust = 1.0 - 2.0 * (penalty / len(chosen)) / (k * (2.0 * n - 3.0 * k - 1.0))
    return Quality(float(trust), kept / (len(chosen) * k), k, len(chosen))
