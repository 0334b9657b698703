"""Polysemy: one word, many sentences, many vectors.

A static model gives 苹果 one vector, whether it is the fruit or the company. A contextual model
gives it a new vector in every sentence, and those vectors group by sense. :func:`analyze` puts
the whole comparison together::

    >>> from embedlab.serving.registry import load_model
    >>> model = load_model("minilm")
    >>> report = analyze(model, "apple", ["He works at Apple.", "Apple released a phone.",
    ...                                   "He ate an apple.", "She peeled a green apple."])
    >>> report.clusters.labels                                # doctest: +SKIP
    (0, 0, 1, 1)
    >>> report.similarity.round(2)                            # doctest: +SKIP

The report holds

* ``similarity``: cosine of every pair of contexts;
* ``clusters``: a sense clustering (agglomerative, cosine, average linkage) with ``k`` chosen by
  the silhouette score, or set by the caller;
* ``projection``: 2-D PCA coordinates of the unit-length contextual vectors;
* ``input_cosines``: each context's cosine to the model's own input embedding of the word (its
  vector before any context);
* ``static_cosines``: each context's cosine to a static model's vector of the word. A static model
  lives in a space of its own, so its vectors are first mapped into the contextual model's input
  space by an orthogonal (Procrustes) map fitted on the words both models know
  (:func:`align_static`). For ``minilm-static``, which *is* MiniLM's input table, the map is the
  identity.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from embedlab.contextual.encoding import InputEmbedding, WordInContext, cosine_matrix, input_embedding, word_in_context
from embedlab.contextual.model import ContextualModel, Layer
from embedlab.errors import InvalidInputError
from embedlab.static.model import StaticModel, require, unit_vectors
from embedlab.vectormath import pca_plane, unit_rows

MIN_CONTEXTS = 2
MAX_CONTEXTS = 50
MAX_K = 8
NOISE_VARIANCE = 1e-9  # a PCA axis keeping less of the variance than this is rounding noise
MAX_ANCHORS = 20_000


# ---------------------------------------------------------------- sense clustering


@dataclass(frozen=True)
class SenseClusters:
    """Which sense group each context falls in.

    ``chosen_by`` is ``"silhouette"`` (``k`` with the best silhouette score among ``scores``),
    ``"user"`` (``k`` given), or ``"too_few"`` (fewer than three contexts: one group).
    """

    labels: tuple[int, ...]
    k: int
    chosen_by: Literal["silhouette", "user", "too_few"]
    scores: tuple[tuple[int, float], ...]  # (k, silhouette) for every k tried or the one given

    @property
    def silhouette(self) -> float | None:
        """The silhouette score of the chosen ``k`` (None when it could not be computed)."""
        return dict(self.scores).get(self.k)


def _cluster(vectors: np.ndarray, k: int) -> np.ndarray:
    from sklearn.cluster import AgglomerativeClustering

    if k == 1:
        return np.zeros(len(vectors), dtype=int)
    return AgglomerativeClustering(n_clusters=k, metric="cosine", linkage="average").fit_predict(vectors)


def _relabel(labels: np.ndarray) -> tuple[int, ...]:
    """Number clusters by first appearance, so the first context is always in group 0."""
    order: dict[int, int] = {}
    return tuple(order.setdefault(int(label), len(order)) for label in labels)


def sense_clusters(vectors: np.ndarray, *, k: int | None = None, max_k: int = MAX_K) -> SenseClusters:
    """Group contexts by sense.

    Parameters
    ----------
    vectors : ndarray (n, dims)
    k : int, optional
        Number of groups (1..n). Default: the ``k`` in 2..min(max_k, n − 1) with the best
        silhouette score (cosine), as computed by scikit-learn; one group when no ``k`` scores
        above 0.

    Raises
    ------
    InvalidInputError
        For a ``k`` outside 1..n.
    """
    from sklearn.metrics import silhouette_score

    vectors = unit_rows(vectors)
    n = len(vectors)
    if k is not None:
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= n:
            raise InvalidInputError.coded("senses_k", n=n, value=repr(k))
        labels = _cluster(vectors, k)
        score = float(silhouette_score(vectors, labels, metric="cosine")) if 2 <= k < n else float("nan")
        return SenseClusters(_relabel(labels), k, "user", ((k, score),))
    if n < 3:
        return SenseClusters((0,) * n, 1, "too_few", ())
    scores: list[tuple[int, float]] = []
    best: tuple[int, float, np.ndarray] | None = None
    for candidate in range(2, min(max_k, n - 1) + 1):
        labels = _cluster(vectors, candidate)
        score = float(silhouette_score(vectors, labels, metric="cosine"))
        scores.append((candidate, score))
        if best is None or score > best[1]:
            best = (candidate, score, labels)
    # No split beats leaving the contexts together (e.g. identical sentences), or none was tried (max_k < 2).
    if best is None or best[1] <= 0:
        return SenseClusters((0,) * n, 1, "silhouette", tuple(scores))
    return SenseClusters(_relabel(best[2]), best[0], "silhouette", tuple(scores))


# ---------------------------------------------------------------- projection


@dataclass(frozen=True)
class ContextPlane:
    """The contexts drawn on a plane: 2-D PCA coordinates of each context's vector, and the share of variance each axis keeps.

    (Not :class:`embedlab.projection.engine.Projection`, the PCA / UMAP / t-SNE picture of many words.)
    """

    coords: np.ndarray  # (n, 2)
    explained: tuple[float, float]


def project_2d(vectors: np.ndarray) -> ContextPlane:
    """PCA of the unit-length vectors (cosine geometry) to two dimensions (seeded: :func:`embedlab.vectormath.pca_plane`)."""
    unit = unit_rows(vectors)
    if len(unit) < 2:
        raise InvalidInputError("A projection needs at least two contexts.")
    plane = pca_plane(unit)  # identical contexts have zero variance: NaN shares, made 0 here rather than an error
    coords = plane.coordinates
    explained = np.nan_to_num(plane.explained)
    # Two contexts span one direction: the second axis holds only rounding noise (1e-16), which
    # a plot would stretch into a meaningless scale. It is drawn as what it is, zero.
    coords[:, explained < NOISE_VARIANCE] = 0.0
    return ContextPlane(coords, (float(explained[0]), float(explained[1])))


# ---------------------------------------------------------------- static vectors in the same space


@dataclass(frozen=True)
class StaticAlignment:
    """An orthogonal map from a static model's space into a contextual model's input space.

    ``matrix`` is (static dims × contextual dims); a unit static vector ``s`` maps to ``s @ matrix``.
    ``fit`` is the mean cosine, over the ``anchors`` shared words, between mapped static vectors
    and the contextual model's input embeddings (1.0 = the spaces agree exactly).
    """

    static_id: str
    contextual_id: str
    matrix: np.ndarray
    anchors: int
    fit: float

    def map(self, vector: np.ndarray) -> np.ndarray:
        return unit_rows(vector)[0] @ self.matrix


def procrustes(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The (semi-)orthogonal ``W`` minimising ``||source @ W − target||`` (Schönemann's SVD solution).

    Equals ``scipy.linalg.orthogonal_procrustes`` when both have the same width; also works
    between spaces of different dimensions (then ``W`` has orthonormal rows or columns).
    """
    u, _, vt = np.linalg.svd(source.T @ target, full_matrices=False)
    return u @ vt


def align_static(static_model: StaticModel, model: ContextualModel, *, max_anchors: int = MAX_ANCHORS) -> StaticAlignment:
    """Fit the map from ``static_model`` into ``model``'s input embedding space.

    Anchors are the static model's first ``max_anchors`` words (its most frequent, by the usual
    file order) that the contextual tokenizer turns into known tokens; a word's input embedding
    is the mean of its sub-tokens' rows, as in :func:`~embedlab.contextual.model.input_embedding`.

    Raises
    ------
    InvalidInputError
        When fewer than ``10`` words are shared, so no map can be trusted.
    """
    import torch

    # Look a little further than max_anchors: some words are unknown to the tokenizer.
    words = [w for w in static_model.kv.index_to_key[: max_anchors * 2] if w.strip()]
    with model.lock:
        encoded = model.tokenizer(words, add_special_tokens=False, return_attention_mask=False)["input_ids"]
    unknown = model.tokenizer.unk_token_id
    kept = [(w, ids) for w, ids in zip(words, encoded) if ids and unknown not in ids][:max_anchors]
    if len(kept) < 10:
        raise InvalidInputError.coded("too_few_shared_words", static=static_model.id, model=model.id, count=len(kept))
    flat = torch.tensor([i for _, ids in kept for i in ids], dtype=torch.long)
    offsets = torch.tensor(np.cumsum([0] + [len(ids) for _, ids in kept[:-1]]), dtype=torch.long)
    table = model.network.get_input_embeddings().weight.detach()
    embedded = torch.nn.functional.embedding_bag(flat, table, offsets, mode="mean").float().numpy()
    static_rows = unit_vectors(static_model, [w for w, _ in kept])
    target = unit_rows(embedded)
    matrix = procrustes(static_rows, target)
    fit = float(np.mean(np.sum(unit_rows(static_rows @ matrix) * target, axis=1)))
    return StaticAlignment(static_model.id, model.id, matrix.astype(np.float32), len(kept), fit)


def cosines_to(vectors: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Cosine of each row of ``vectors`` to one ``reference`` vector."""
    return np.clip(unit_rows(vectors) @ unit_rows(reference)[0], -1.0, 1.0)


# ---------------------------------------------------------------- everything together


@dataclass(frozen=True)
class PolysemyReport:
    context: WordInContext
    similarity: np.ndarray
    clusters: SenseClusters
    projection: ContextPlane
    input_embedding: InputEmbedding
    input_cosines: np.ndarray
    static_id: str | None = None
    static_cosines: np.ndarray | None = None
    alignment: StaticAlignment | None = None


def check_contexts(sentences: Sequence[str]) -> list[str]:
    sentences = list(sentences)
    if not MIN_CONTEXTS <= len(sentences) <= MAX_CONTEXTS:
        raise InvalidInputError.coded("context_count", least=MIN_CONTEXTS, most=MAX_CONTEXTS, count=len(sentences))
    return sentences


def analyze(
    model: ContextualModel,
    word: str,
    sentences: Sequence[str],
    *,
    layer: Layer = "last",
    k: int | None = None,
    static_model: StaticModel | None = None,
    alignment: StaticAlignment | None = None,
) -> PolysemyReport:
    """The polysemy comparison of ``word`` across 2 to 50 ``sentences``.

    Parameters
    ----------
    layer : {"last", "last4"}
    k : int, optional
        Number of senses; default chosen by silhouette.
    static_model : StaticModel, optional
        Adds ``static_cosines``; the word must be in its vocabulary.
    alignment : StaticAlignment, optional
        A map from :func:`align_static` for this pair of models (fitted here when not given;
        callers that repeat the comparison should keep one).

    Raises
    ------
    InvalidInputError, OutOfVocabularyError
    """
    found = word_in_context(model, word, check_contexts(sentences), layer=layer)
    if len(found.occurrences) > MAX_CONTEXTS:
        raise InvalidInputError.coded("too_many_contexts", count=len(found.occurrences), most=MAX_CONTEXTS)
    own = input_embedding(model, found.word)
    static_cosines = None
    if static_model is not None:
        (static_word,) = require(static_model, [found.word])
        if alignment is None or alignment.static_id != static_model.id or alignment.contextual_id != model.id:
            alignment = align_static(static_model, model)
        static_cosines = cosines_to(found.vectors, alignment.map(static_model.kv[static_word]))
    else:
        alignment = None
    return PolysemyReport(
        found,
        cosine_matrix(found.vectors),
        sense_clusters(found.vectors, k=k),
        project_2d(found.vectors),
        own,
        cosines_to(found.vectors, own.vector),
        static_model.id if static_model else None,
        static_cosines,
        alignment,
    )
