"""Clusters of word vectors by direction, and the words that name them: the atlas's regions.

An atlas (:mod:`embedlab.projection.atlas`) groups its words **in the original space**, not on the
map, so that a region means words with similar vectors rather than words the projection happened
to put together:

* :func:`cluster`: spherical k-means (scikit-learn's ``KMeans`` on unit vectors, so by cosine),
  fitted on a seeded sample of a large vocabulary, then every word assigned to the nearest mean
  direction;
* :func:`central_words`: each cluster's words most cosine-similar to its mean direction, the
  first few of which are its label;
* :func:`label_points`: where on the map each label is drawn.

>>> import numpy as np
>>> vectors = np.array([[1.0, 0.1], [1.0, 0.0], [0.0, 1.0], [0.1, 1.0]], dtype=np.float32)
>>> assignment, directions = cluster(vectors, 2, seed=0)
>>> assignment.tolist()      # two clusters, numbered in k-means' order
[1, 1, 0, 0]
>>> central_words(["a", "b", "c", "d"], vectors, assignment, directions)
[('c', 'd'), ('b', 'a')]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from embedlab.vectormath import unit_rows

CENTRAL_WORDS = 8  # central words kept per cluster
CLUSTER_SAMPLE = 10_000  # k-means is fitted on at most this many words (seeded), then every word is assigned


def auto_clusters(points: int) -> int:
    """How many clusters an atlas of ``points`` words gets by default: about √n / 4, from 4 to 30."""
    return int(np.clip(round(np.sqrt(points) / 4), 4, 30))


def cluster(vectors: np.ndarray, count: int, *, seed: int = 0, sample: int = CLUSTER_SAMPLE) -> tuple[np.ndarray, np.ndarray]:
    """Spherical k-means (cosine geometry): each row's cluster and each cluster's unit mean direction.

    scikit-learn's ``KMeans`` runs on the unit vectors of at most ``sample`` rows (a seeded
    sample: tens of thousands of rows take far longer and place the centres about the same);
    then every row joins the cluster whose mean direction is most cosine-similar to it, and the
    directions are recomputed from all members. Clusters left empty are dropped.

    Parameters
    ----------
    vectors : array of shape (n, d)
    count : int
        Clusters wanted; lowered to ``n`` for tiny sets.
    seed : int
    sample : int
        Rows k-means is fitted on.

    Returns
    -------
    assignment : int32 array of shape (n,), values 0 to c - 1
    directions : float32 array of shape (c, d), unit rows (``c ≤ count``)
    """
    from sklearn.cluster import KMeans
    from threadpoolctl import threadpool_limits

    unit = unit_rows(vectors, dtype=None, zero_rows="nan")  # in the input's dtype; an atlas leaves zero vectors out
    count = max(1, min(count, len(unit)))
    fitted = unit
    if len(unit) > sample:
        fitted = unit[np.sort(np.random.default_rng(seed).choice(len(unit), sample, replace=False))]
    with threadpool_limits(limits=1, user_api="openmp"):  # spin-waiting threads slow a busy server (engine.tsne_threads)
        centres = KMeans(n_clusters=count, n_init=1, max_iter=100, random_state=seed).fit(fitted).cluster_centers_
    centres /= np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-12)
    assignment = np.argmax(unit @ centres.T.astype(np.float32), axis=1)
    kept = np.unique(assignment)  # clusters that got members, renumbered 0..c-1 in order
    assignment = np.searchsorted(kept, assignment).astype(np.int32)
    directions = np.zeros((len(kept), unit.shape[1]), dtype=np.float32)
    for c in range(len(kept)):
        mean = unit[assignment == c].mean(axis=0)
        directions[c] = mean / (np.linalg.norm(mean) or 1.0)
    return assignment, directions


def central_words(
    words: Sequence[str], vectors: np.ndarray, assignment: np.ndarray, directions: np.ndarray, *, most: int = CENTRAL_WORDS
) -> list[tuple[str, ...]]:
    """Each cluster's ``most`` words with the highest cosine to its mean direction, most central first."""
    unit = unit_rows(vectors, dtype=None, zero_rows="nan")  # in the input's dtype; an atlas leaves zero vectors out
    found = []
    for c, direction in enumerate(directions):
        members = np.flatnonzero(assignment == c)
        order = np.argsort(-(unit[members] @ direction), kind="stable")[:most]
        found.append(tuple(words[i] for i in members[order]))
    return found


def label_points(coordinates: np.ndarray, assignment: np.ndarray, count: int) -> np.ndarray:
    """Where each of ``count`` clusters' label goes on the map: the member nearest to the cluster's median point.

    A member, not the median itself, so that a label never floats in an empty space between two
    arms of a curved cluster. A cluster without members keeps (0, 0).
    """
    points = np.zeros((count, 2))
    for c in range(count):
        members = coordinates[assignment == c]
        if len(members):
            middle = np.median(members, axis=0)
            points[c] = members[np.argmin(np.linalg.norm(members - middle, axis=1))]
    return points
