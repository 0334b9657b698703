"""Per-point honesty of a projection: which of each word's true neighbours the picture keeps.

Trustworthiness (:mod:`embedlab.projection.engine`) gives one number for a whole picture. A learner
looking at one word wants to know about *that* word: are the points around it in the picture the
words that are really near it? For every point this module compares two lists:

* its ``k`` nearest other points in the **original space** (cosine similarity, exact), and
* its ``k`` nearest other points in the **picture** (Euclidean distance between coordinates).

The share of the first list found in the second is the point's *kept* score (1 = the picture put
all of its true neighbours around it; 0 = none of them)::

    >>> import numpy as np
    >>> from embedlab.projection import distortion; from embedlab.projection import engine as projection
    >>> vectors = np.random.default_rng(0).normal(size=(300, 50))
    >>> picture = projection.project(vectors, method="pca", seed=0).coordinates
    >>> found = distortion.measure(vectors, picture)
    >>> found.kept(10)[:3]                                  # doctest: +SKIP
    array([0.1, 0.2, 0. ])

The mean of the kept scores at ``k`` is sklearn-free "k-NN preservation": with every point scored
it equals :attr:`embedlab.projection.engine.Quality.knn_preservation` at the same ``k``.

:func:`true_neighbours` lists one word's true neighbours with their cosines and says, for each,
where the picture put it (its rank by distance in the picture, and whether it is among the ``k``
nearest there: *near*, or *far*, the ones a picture of that word misleads about).

Both lists are limited to the words drawn: a word outside the picture cannot be near or far in
it. The neighbour search is exact, so for the first N words of a model the original-space list
equals gensim's ``most_similar(word, topn=k, restrict_vocab=N)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from embedlab.errors import InvalidInputError

DEFAULT_K = 10
K_CHOICES = (5, 10, 15, 20, 30)
MAX_K = max(K_CHOICES)
_BLOCK = 8_192  # rows compared at a time in kept_counts (bounds the n × k × k boolean array)


@dataclass(frozen=True, eq=False)
class Distortion:
    """Each point's nearest other points in the original space and in the picture.

    Attributes
    ----------
    original : int32 array of shape (n, m)
        Row ``i``: the ``m`` points most cosine-similar to point ``i`` (itself excluded), most
        similar first.
    similarities : float32 array of shape (n, m)
        Their cosine similarities.
    picture : int32 array of shape (n, m)
        Row ``i``: the ``m`` points nearest to point ``i`` in the picture (Euclidean), nearest first.
    """

    original: np.ndarray
    similarities: np.ndarray
    picture: np.ndarray

    @property
    def max_k(self) -> int:
        """The largest ``k`` these tables answer for."""
        return int(self.original.shape[1])

    def check_k(self, k: int) -> int:
        """``k`` itself when these tables hold that many neighbours.

        Raises
        ------
        InvalidInputError
            For a ``k`` that is not a whole number from 1 to :attr:`max_k`.
        """
        if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= self.max_k:
            raise InvalidInputError.coded("kept_k", high=self.max_k, value=repr(k))
        return int(k)

    def kept_counts(self, k: int = DEFAULT_K) -> np.ndarray:
        """For every point, how many of its ``k`` nearest original neighbours are among its ``k`` nearest in the picture.

        Returns
        -------
        int array of shape (n,), values from 0 to ``k``.
        """
        k = self.check_k(k)
        counts = np.empty(len(self.original), dtype=np.int64)
        for start in range(0, len(self.original), _BLOCK):
            original = self.original[start : start + _BLOCK, :k, None]
            shown = self.picture[start : start + _BLOCK, None, :k]
            counts[start : start + _BLOCK] = (original == shown).any(axis=2).sum(axis=1)
        return counts

    def kept(self, k: int = DEFAULT_K) -> np.ndarray:
        """:meth:`kept_counts` divided by ``k``: each point's share of true neighbours kept (0 to 1)."""
        return self.kept_counts(k) / self.check_k(k)

    def mean_kept(self, k: int = DEFAULT_K) -> float:
        """The mean of :meth:`kept` over every point."""
        return float(self.kept(k).mean())


def largest_k(points: int, wanted: int = MAX_K) -> int:
    """The ``k`` a set of ``points`` allows: ``wanted``, or ``points - 1`` when there are fewer."""
    return max(1, min(wanted, points - 1))


def picture_neighbours(coordinates: np.ndarray, k: int) -> np.ndarray:
    """Each point's ``k`` nearest other points in the picture (Euclidean), nearest first.

    Parameters
    ----------
    coordinates : array of shape (n, 2) or (n, 3)
    k : int
        ``1 ≤ k < n``.

    Returns
    -------
    int32 array of shape (n, k)
    """
    from sklearn.neighbors import NearestNeighbors

    points = np.asarray(coordinates, dtype=np.float64)
    n = len(points)
    if not 1 <= k < n:
        raise InvalidInputError(f"Picture neighbours need 1 ≤ k < n; got k={k} for {n} points.")
    found = NearestNeighbors(n_neighbors=k + 1).fit(points).kneighbors(points, return_distance=False)
    # Usually the point itself comes first; with other points at distance 0 it may come later, or
    # not at all. Move it last (a stable sort keeps the rest in order) and keep the first k.
    itself = found == np.arange(n)[:, None]
    order = np.argsort(itself, axis=1, kind="stable")
    return np.take_along_axis(found, order, axis=1)[:, :k].astype(np.int32)


def measure(
    vectors: np.ndarray | None,
    coordinates: np.ndarray,
    *,
    k: int = MAX_K,
    original: np.ndarray | None = None,
    similarities: np.ndarray | None = None,
) -> Distortion:
    """The neighbour tables of ``coordinates`` as a picture of ``vectors``, up to ``k`` neighbours.

    Parameters
    ----------
    vectors : array of shape (n, d), or None
        The original vectors (no zero rows); only read when ``original`` is not given.
    coordinates : array of shape (n, 2) or (n, 3)
        Their picture, row for row.
    k : int
        Neighbours kept per point; lowered to ``n - 1`` for small sets.
    original, similarities : arrays of shape (n, ≥ k), optional
        The original-space neighbours when already known (:func:`embedlab.projection.engine.nearest_points`
        without its first column, the point itself); found exactly here otherwise.

    Returns
    -------
    Distortion

    Raises
    ------
    InvalidInputError
        When the shapes disagree or there are fewer than two points.
    """
    from embedlab.projection.engine import nearest_points

    n = len(coordinates)
    if n < 2 or (vectors is not None and len(vectors) != n):
        raise InvalidInputError(f"Need the same number (at least 2) of vectors and coordinates; got {n} coordinates.")
    k = largest_k(n, k)
    if original is None or similarities is None or original.shape[1] < k:
        if vectors is None:
            raise InvalidInputError("Give the vectors, or their original-space neighbours (original and similarities).")
        found, sims = nearest_points(np.asarray(vectors, dtype=np.float32), k)
        original, similarities = found[:, 1:], sims[:, 1:]
    return Distortion(
        np.ascontiguousarray(original[:, :k], dtype=np.int32),
        np.ascontiguousarray(similarities[:, :k], dtype=np.float32),
        picture_neighbours(coordinates, k),
    )


@dataclass(frozen=True)
class TrueNeighbour:
    """One of a word's nearest words in the original space, and where the picture put it.

    Attributes
    ----------
    word : str
    row : int
        Its row among the drawn points.
    cosine : float
        Cosine similarity to the chosen word in the original space.
    picture_rank : int
        1 + the number of drawn points closer to the chosen word in the picture than it is.
    near : bool
        Whether the picture put it among the chosen word's ``k`` nearest (``picture_rank ≤ k``).
    """

    word: str
    row: int
    cosine: float
    picture_rank: int
    near: bool


def true_neighbours(words, coordinates: np.ndarray, found: Distortion, row: int, k: int = DEFAULT_K) -> tuple[TrueNeighbour, ...]:
    """The ``k`` nearest drawn words of ``words[row]`` in the original space, each with where the picture put it.

    Parameters
    ----------
    words : sequence of str
        The drawn words, row for row with ``coordinates``.
    coordinates : array of shape (n, 2) or (n, 3)
    found : Distortion
        From :func:`measure` on the same points.
    row : int
        The chosen word's row.
    k : int
        How many neighbours (at most ``found.max_k``).

    Returns
    -------
    tuple of TrueNeighbour, most similar first

    Raises
    ------
    InvalidInputError
        For a ``row`` outside the drawn points or a ``k`` the tables do not hold.
    """
    k = found.check_k(k)
    if not 0 <= row < len(words):
        raise InvalidInputError(f"Row {row} is not one of the {len(words)} drawn points.")
    points = np.asarray(coordinates, dtype=np.float64)
    distances = np.linalg.norm(points - points[row], axis=1)
    distances[row] = -np.inf  # never counted as closer than anything
    listed = []
    for other, cosine in zip(found.original[row, :k], found.similarities[row, :k]):
        rank = int(np.count_nonzero(distances < distances[other]))  # the chosen word itself is among them
        listed.append(TrueNeighbour(words[other], int(other), float(cosine), rank, rank <= k))
    return tuple(listed)
