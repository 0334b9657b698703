"""Two static models side by side: align their spaces and find the words that moved.

Two word2vec models never share coordinates, even when trained on the same text: each training
ends in an arbitrary rotation of the space. To compare them word by word, the second space is
rotated onto the first with **orthogonal Procrustes** on the words both know (the rotation ``R``
minimising ``‖B R − A‖``, ``scipy.linalg.orthogonal_procrustes``), as in Hamilton et al. (2016),
*Diachronic word embeddings*. A word "moved" when its vector in A and its rotated vector from B
point in different directions (a low cosine after alignment).

A second measure needs no alignment at all: the overlap of a word's top-``k`` neighbour lists in
each model (Gonen et al. 2020). Both lists are drawn from the same shared vocabulary, so the two
measures check each other::

    >>> from embedlab.serving.registry import load_model
    >>> a, b = load_model("cbow.kv"), load_model("skipgram.kv")          # doctest: +SKIP
    >>> result = compare(a, b, vocab=5000)                                 # doctest: +SKIP
    >>> result.mean_cosine, [s.word for s in moved(result, limit=5)]       # doctest: +SKIP

All vectors are unit-normalised first. Models of different widths are each reduced by PCA (fitted
on the shared words) to the smaller width before the rotation; :attr:`Comparison.note` says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

import numpy as np

from embedlab.errors import InvalidInputError, OutOfVocabularyError
from embedlab.static.model import Scored, StaticModel, require, suggest, unit_vectors
from embedlab.vectormath import pca_plane, unit_rows

DEFAULT_VOCAB = 5_000
MIN_VOCAB = 10
MAX_VOCAB = 20_000
DEFAULT_TOPN = 10
MAX_TOPN = 100
MAX_PICTURE_WORDS = 60
_CHUNK = 2_048  # rows of the similarity matrix computed at once (memory stays ~ CHUNK × vocab floats)
PcaFit: TypeAlias = tuple[np.ndarray, np.ndarray]  # a fitted PCA's (mean, components)

Order = Literal["cosine", "overlap"]


class CompareError(InvalidInputError):
    """Two models that cannot be compared as asked.

    ``reason`` says why (``"few_shared"``, ``"dims"``, ``"topn"``) and ``details`` holds the values,
    so an interface can word the message in its own language.
    """

    def __init__(self, message: str, *, reason: str, **details):
        super().__init__(message)
        self.reason = reason
        self.details = details


class DimensionMismatchError(CompareError):
    """The two models have different widths and reduction was turned off."""


@dataclass(frozen=True)
class WordShift:
    """How far one word moved between the two models.

    Attributes
    ----------
    word : str
    cosine : float
        Cosine between the word's unit vector in A and its aligned unit vector from B (1 = did
        not move).
    overlap : float
        Share of the word's top-``k`` neighbours (within the shared vocabulary) that both models
        agree on, from 0 to 1.
    rank : int
        Its place in the shared vocabulary (0 = the most frequent word both know); ``-1`` for a
        followed word outside the aligned vocabulary.
    """

    word: str
    cosine: float
    overlap: float
    rank: int


@dataclass(frozen=True)
class ShiftPoint:
    """A word in the joint 2-D picture: where it is in A (``a_x, a_y``) and where B puts it."""

    word: str
    a_x: float
    a_y: float
    b_x: float
    b_y: float
    cosine: float


@dataclass(frozen=True)
class SideBySide:
    """A word's neighbours in each model, drawn from the shared vocabulary (the lists the overlap compares)."""

    word: str
    a: tuple[Scored, ...]
    b: tuple[Scored, ...]

    @property
    def common(self) -> frozenset[str]:
        return frozenset(s.word for s in self.a) & frozenset(s.word for s in self.b)


@dataclass(frozen=True, eq=False)
class Comparison:
    """Two models aligned on their shared vocabulary.

    Attributes
    ----------
    model_a, model_b : StaticModel
        B is rotated onto A.
    words : tuple of str
        The shared vocabulary aligned on: the most frequent words both models know, ranked by
        the larger of their two frequency ranks.
    rotation : numpy.ndarray
        The orthogonal ``R`` (``k × k``) from ``scipy.linalg.orthogonal_procrustes(B, A)``.
    mean_cosine : float
        Mean cosine of the aligned pairs: how well one rotation fits every shared word (1 = the
        spaces are rotations of each other).
    mean_cosine_before : float or None
        The same before rotating (equal widths only): near 0 for models trained separately.
    cosines, overlaps : numpy.ndarray
        Per shared word, in the order of ``words``.
    topn : int
        The ``k`` of the neighbour overlap.
    reduced_to : int or None
        The PCA width both spaces were reduced to when their widths differed.
    explained : tuple of float or None
        Share of variance the PCA kept in A and in B.
    """

    model_a: StaticModel
    model_b: StaticModel
    words: tuple[str, ...]
    rotation: np.ndarray
    mean_cosine: float
    mean_cosine_before: float | None
    cosines: np.ndarray
    overlaps: np.ndarray
    topn: int
    reduced_to: int | None = None
    explained: tuple[float, float] | None = None
    # raw unit vectors of the shared words, float32 (neighbour pools); always given, by keyword (compare() builds them)
    _unit_a: np.ndarray = field(kw_only=True, repr=False)
    _unit_b: np.ndarray = field(kw_only=True, repr=False)
    _pca_a: PcaFit | None = field(default=None, repr=False)  # (mean, components) when reduced
    _pca_b: PcaFit | None = field(default=None, repr=False)

    @property
    def shared(self) -> int:
        return len(self.words)

    @property
    def index(self) -> dict[str, int]:
        return {word: i for i, word in enumerate(self.words)}

    @property
    def note(self) -> str:
        """A sentence about the PCA reduction, or ``""`` when none was needed."""
        if self.reduced_to is None:
            return ""
        ea, eb = self.explained or (float("nan"), float("nan"))
        return (
            f"{self.model_a.id!r} has {self.model_a.dims} dimensions and {self.model_b.id!r} has {self.model_b.dims}: "
            f"both were reduced to {self.reduced_to} by PCA fitted on the {self.shared:,} shared words "
            f"(keeping {ea:.0%} and {eb:.0%} of their variance) before the rotation."
        )


# ---------------------------------------------------------------- helpers


def _check_int(value: int, name: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InvalidInputError(f"{name} must be a whole number from {low:,} to {high:,}, not {value!r}.")
    return value


def shared_vocabulary(model_a: StaticModel, model_b: StaticModel, *, size: int = DEFAULT_VOCAB) -> list[str]:
    """The ``size`` most frequent words both models know.

    Words are ranked by the larger of their two frequency ranks (a vocabulary's order, most
    frequent first, as word2vec writes it), so a word must be frequent in both to come early.

    Raises
    ------
    CompareError
        When fewer than ``10`` words are shared (an ``InvalidInputError``).
    """
    _check_int(size, "The shared vocabulary size", MIN_VOCAB, MAX_VOCAB)
    index_b = model_b.kv.key_to_index
    common, ranks = [], []
    for rank_a, word in enumerate(model_a.kv.index_to_key):
        rank_b = index_b.get(word)
        if rank_b is not None and isinstance(word, str) and word.strip():
            common.append(word)
            ranks.append(max(rank_a, rank_b))
    if len(common) < MIN_VOCAB:
        raise CompareError(
            f"{model_a.id!r} and {model_b.id!r} share only {len(common)} words; at least {MIN_VOCAB} are needed "
            "to align them. Compare models of the same language, trained on related text.",
            reason="few_shared",
            a=model_a.id,
            b=model_b.id,
            n=len(common),
            need=MIN_VOCAB,
        )
    order = np.argsort(np.asarray(ranks), kind="stable")[:size]
    return [common[i] for i in order]


def _pca(rows: np.ndarray, width: int) -> tuple[np.ndarray, PcaFit, float]:
    from sklearn.decomposition import PCA

    pca = PCA(n_components=width, svd_solver="full").fit(rows)
    return unit_rows(pca.transform(rows)), (pca.mean_, pca.components_), float(np.sum(pca.explained_variance_ratio_))


def _to_space(unit: np.ndarray, pca: PcaFit | None) -> np.ndarray:
    """Unit rows moved into a model's PCA-reduced space (unchanged when it was not reduced)."""
    if pca is None:
        return unit
    mean, components = pca
    return unit_rows((unit - mean) @ components.T)


def _top_neighbours(
    queries: np.ndarray, pool: np.ndarray, topn: int, exclude: Sequence[int] | np.ndarray | None = None
) -> np.ndarray:
    """Indices (into ``pool``) of each query's ``topn`` most similar rows, best first; ``exclude[i]`` skips row i's own index."""
    found = np.empty((len(queries), topn), dtype=np.int64)
    for start in range(0, len(queries), _CHUNK):
        sims = queries[start : start + _CHUNK] @ pool.T
        if exclude is not None:
            for offset, own in enumerate(exclude[start : start + _CHUNK]):
                if own >= 0:
                    sims[offset, own] = -np.inf
        best = np.argpartition(-sims, topn - 1, axis=1)[:, :topn]
        picked = np.take_along_axis(sims, best, axis=1)
        found[start : start + len(sims)] = np.take_along_axis(best, np.argsort(-picked, axis=1, kind="stable"), axis=1)
    return found


def _overlap(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Per row, the share of ``first``'s indices that ``second`` also holds."""
    return (first[:, :, None] == second[:, None, :]).any(axis=2).sum(axis=1) / first.shape[1]


# ---------------------------------------------------------------- the comparison


def compare(
    model_a: StaticModel,
    model_b: StaticModel,
    *,
    vocab: int = DEFAULT_VOCAB,
    topn: int = DEFAULT_TOPN,
    reduce: bool = True,
) -> Comparison:
    """Rotate ``model_b``'s space onto ``model_a``'s and measure how much each shared word moved.

    Parameters
    ----------
    model_a, model_b : StaticModel
    vocab : int
        How many shared words to align on: the most frequent words both know (10 to 20,000).
    topn : int
        ``k`` of the neighbour-overlap measure (1 to 100, at most ``vocab − 1``).
    reduce : bool
        When the widths differ, reduce both by PCA to the smaller width (fitted on the shared
        words); when False, refuse instead.

    Returns
    -------
    Comparison

    Raises
    ------
    CompareError
        Too few shared words, or ``topn`` not below the shared count.
    InvalidInputError
        Bad ``vocab``/``topn``.
    DimensionMismatchError
        Different widths with ``reduce=False``.
    """
    from scipy.linalg import orthogonal_procrustes

    _check_int(vocab, "The shared vocabulary size", MIN_VOCAB, MAX_VOCAB)
    _check_int(topn, "The neighbour count", 1, MAX_TOPN)
    words = shared_vocabulary(model_a, model_b, size=vocab)
    if topn >= len(words):
        raise CompareError(
            f"The neighbour count ({topn}) must be smaller than the {len(words)} shared words; lower it.",
            reason="topn",
            topn=topn,
            shared=len(words),
        )
    unit_a = unit_vectors(model_a, words)
    unit_b = unit_vectors(model_b, words)

    reduced_to, explained, pca_a, pca_b = None, None, None, None
    space_a, space_b = unit_a, unit_b
    if model_a.dims != model_b.dims:
        if not reduce:
            raise DimensionMismatchError(
                f"{model_a.id!r} has {model_a.dims} dimensions and {model_b.id!r} has {model_b.dims}; a rotation needs equal "
                "widths. Allow the PCA reduction (both reduced to the smaller width), or pick models of the same width.",
                reason="dims",
                a=model_a.id,
                da=model_a.dims,
                b=model_b.id,
                db=model_b.dims,
            )
        reduced_to = min(model_a.dims, model_b.dims, len(words))
        space_a, pca_a, kept_a = _pca(unit_a, reduced_to)
        space_b, pca_b, kept_b = _pca(unit_b, reduced_to)
        explained = (kept_a, kept_b)

    before = float(np.mean(np.sum(space_a * space_b, axis=1))) if reduced_to is None else None
    rotation, _ = orthogonal_procrustes(space_b, space_a)
    aligned_b = space_b @ rotation
    cosines = np.clip(np.sum(space_a * unit_rows(aligned_b), axis=1), -1.0, 1.0)

    own = np.arange(len(words))
    unit_a, unit_b = unit_a.astype(np.float32), unit_b.astype(np.float32)  # neighbour search: float32 is enough
    overlaps = _overlap(_top_neighbours(unit_a, unit_a, topn, own), _top_neighbours(unit_b, unit_b, topn, own))
    for array in (rotation, cosines, overlaps, unit_a, unit_b):
        array.flags.writeable = False
    return Comparison(
        model_a,
        model_b,
        tuple(words),
        rotation,
        float(np.mean(cosines)),
        before,
        cosines,
        overlaps,
        topn,
        reduced_to,
        explained,
        pca_a,
        pca_b,
        _unit_a=unit_a,
        _unit_b=unit_b,
    )


def moved(comparison: Comparison, *, by: Order = "cosine", most: bool = True, limit: int = 20) -> list[WordShift]:
    """The shared words that moved most (``most=True``) or least, ranked by ``by``.

    Ties are broken by the other measure, then by frequency (frequent words first).
    """
    if by not in ("cosine", "overlap"):
        raise InvalidInputError(f"Rank by 'cosine' or 'overlap', not {by!r}.")
    primary = comparison.cosines if by == "cosine" else comparison.overlaps
    secondary = comparison.overlaps if by == "cosine" else comparison.cosines
    sign = 1.0 if most else -1.0
    ranks = np.arange(comparison.shared)
    order = np.lexsort((ranks, sign * secondary, sign * primary))[: max(0, limit)]
    return [WordShift(comparison.words[i], float(comparison.cosines[i]), float(comparison.overlaps[i]), int(i)) for i in order]


def _require_both(comparison: Comparison, words: Iterable[str]) -> list[str]:
    words = [w.strip() for w in words if w and w.strip()]
    for model in (comparison.model_a, comparison.model_b):
        missing = {w: suggest(model, w) for w in words if w not in model}
        if missing:
            raise OutOfVocabularyError(missing, model_id=model.id)
    return require(comparison.model_a, words)


def _rows(comparison: Comparison, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Raw unit rows in A and B, and rows in the aligned space (A, rotated B), for any words both know."""
    unit_a = unit_vectors(comparison.model_a, words)
    unit_b = unit_vectors(comparison.model_b, words)
    space_a = _to_space(unit_a, comparison._pca_a)
    space_b = unit_rows(_to_space(unit_b, comparison._pca_b) @ comparison.rotation)
    return unit_a, unit_b, space_a, space_b


def follow(comparison: Comparison, words: Iterable[str]) -> list[WordShift]:
    """The shift of chosen words, also ones outside the aligned vocabulary (same rotation, same neighbour pool).

    Raises
    ------
    OutOfVocabularyError
        Naming the model that lacks a word.
    """
    words = list(dict.fromkeys(_require_both(comparison, words)))
    if not words:
        return []
    index = comparison.index
    unit_a, unit_b, space_a, space_b = _rows(comparison, words)
    cosines = np.clip(np.sum(space_a * space_b, axis=1), -1.0, 1.0)
    own = [index.get(w, -1) for w in words]
    k = comparison.topn
    overlaps = _overlap(
        _top_neighbours(unit_a.astype(np.float32), comparison._unit_a, k, own),
        _top_neighbours(unit_b.astype(np.float32), comparison._unit_b, k, own),
    )
    return [WordShift(w, float(c), float(o), r) for w, c, o, r in zip(words, cosines, overlaps, own)]


def side_by_side(comparison: Comparison, word: str, *, topn: int | None = None) -> SideBySide:
    """``word``'s nearest shared words in A and in B (cosine within each model; no alignment involved)."""
    (word,) = _require_both(comparison, [word])
    topn = _check_int(topn or comparison.topn, "The neighbour count", 1, min(MAX_TOPN, comparison.shared - 1))
    unit_a, unit_b, _, _ = _rows(comparison, [word])
    own = [comparison.index.get(word, -1)]
    lists = []
    for query, pool in ((unit_a, comparison._unit_a), (unit_b, comparison._unit_b)):
        query = query.astype(np.float32)
        found = _top_neighbours(query, pool, topn, own)[0]
        scores = pool[found] @ query[0]
        lists.append(tuple(Scored(comparison.words[i], float(s)) for i, s in zip(found, scores)))
    return SideBySide(word, lists[0], lists[1])


def picture(comparison: Comparison, words: Iterable[str]) -> list[ShiftPoint]:
    """A joint 2-D PCA picture: each word where A puts it and where the rotated B puts it.

    The PCA is fitted on both sets of points together, in A's (aligned) space, so an arrow from
    a word's A point to its B point shows the move.
    """
    words = list(dict.fromkeys(_require_both(comparison, words)))
    if not 1 <= len(words) <= MAX_PICTURE_WORDS:
        raise InvalidInputError(f"The picture draws 1 to {MAX_PICTURE_WORDS} words; give {len(words)} fewer.")
    _, _, space_a, space_b = _rows(comparison, words)
    stacked = np.vstack([space_a, space_b])
    coords = pca_plane(stacked).coordinates
    half = len(words)
    cosines = np.clip(np.sum(space_a * space_b, axis=1), -1.0, 1.0)
    return [
        ShiftPoint(
            w, float(coords[i, 0]), float(coords[i, 1]), float(coords[half + i, 0]), float(coords[half + i, 1]), float(cosines[i])
        )
        for i, w in enumerate(words)
    ]


__all__ = [
    "Comparison",
    "CompareError",
    "DimensionMismatchError",
    "ShiftPoint",
    "SideBySide",
    "WordShift",
    "compare",
    "follow",
    "moved",
    "picture",
    "shared_vocabulary",
    "side_by_side",
]
