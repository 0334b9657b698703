"""Static word vectors: one vector per word, whatever the context.

A :class:`StaticModel` wraps a gensim ``KeyedVectors`` whose arrays are made read-only, so one
loaded model can be shared by every session of a server. The operations live beside it and lean
on gensim wherever gensim already computes the answer::

    >>> from embedlab.serving.registry import load_model
    >>> model = load_model("minilm-static")
    >>> neighbors(model, "king", topn=3)            # doctest: +SKIP
    [Scored(word='queen', score=0.68), ...]
    >>> analogy(model, positive=["king", "woman"], negative="man").label   # doctest: +SKIP
    '(king + woman − man)'

Unknown words raise :class:`~embedlab.errors.OutOfVocabularyError` naming every missing word
with suggestions; nothing ever turns into a silent zero vector.

The exception is a fastText model loaded from its ``.bin`` (``StaticModel.subword``): it keeps
vectors for character n-grams too, and builds a vector for any word that has at least one of
them (gensim's ``FastTextKeyedVectors``: the mean of the word's n-gram vectors). For such models
:func:`vector`, :func:`neighbors`, :func:`similarity`, :func:`similarity_matrix`,
:func:`odd_one_out`, :func:`rank` and :func:`analogy` accept out-of-vocabulary words — useful for
Chinese, where a new compound shares characters with known words. ``word in model`` still means
"in the vocabulary", and only vocabulary words are ever returned as neighbours.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import numpy as np
from gensim.models import KeyedVectors
from gensim.models.fasttext import FastTextKeyedVectors, ft_ngram_hashes

from embedlab.errors import InvalidInputError, OutOfVocabularyError, check_choice
from embedlab.vectormath import pca_plane, unit_rows

MAX_WORD_CHARS = 100
MAX_TOPN = 500

Metric = Literal["cosine", "euclidean"]
METRICS: tuple[Metric, ...] = ("cosine", "euclidean")
AnalogyMethod = Literal["add", "mul"]


@dataclass(frozen=True)
class StaticModel:
    """A read-only static embedding model.

    Parameters
    ----------
    id : str
        Registry id (or the path it was loaded from).
    kv : gensim.models.KeyedVectors
        The vectors; norms are precomputed and arrays frozen by :func:`freeze`.
    language : str
        ``"zh"``, ``"en"`` or ``"multi"``; drives presets and suggestions.
    description : str
        One line for the UI.
    """

    id: str
    kv: KeyedVectors
    language: str = "multi"
    description: str = ""

    @property
    def vocab_size(self) -> int:
        return len(self.kv.index_to_key)

    @property
    def dims(self) -> int:
        return int(self.kv.vector_size)

    def __contains__(self, word: str) -> bool:
        """Whether ``word`` is in the vocabulary (an n-gram-built vector does not count)."""
        return word in self.kv.key_to_index

    @property
    def subword(self) -> bool:
        """Whether words outside the vocabulary get vectors from character n-grams (fastText ``.bin``)."""
        return isinstance(self.kv, FastTextKeyedVectors) and self.kv.bucket > 0

    def has_vector(self, word: str) -> bool:
        """Whether ``word`` has a vector: in the vocabulary, or (:attr:`subword`) built from its n-grams."""
        if word in self.kv.key_to_index:
            return True
        return self.subword and len(ft_ngram_hashes(word, self.kv.min_n, self.kv.max_n, self.kv.bucket)) > 0


def freeze(kv: KeyedVectors) -> KeyedVectors:
    """Precompute norms and make the arrays read-only, so concurrent readers never write."""
    kv.fill_norms()
    kv.vectors.flags.writeable = False
    kv.norms.flags.writeable = False
    for table in ("vectors_vocab", "vectors_ngrams"):  # fastText's word and n-gram tables
        if isinstance(getattr(kv, table, None), np.ndarray):
            getattr(kv, table).flags.writeable = False
    return kv


@dataclass(frozen=True)
class Scored:
    word: str
    score: float


@dataclass(frozen=True)
class AnalogyResult:
    positive: tuple[str, ...]
    negative: tuple[str, ...]
    method: AnalogyMethod
    results: tuple[Scored, ...]

    @property
    def label(self) -> str:
        """The arithmetic as a readable expression, e.g. ``(诸葛亮 + 水浒传 − 三国演义)``."""
        return arithmetic_label(self.positive, self.negative)


def arithmetic_label(positive: Sequence[str], negative: Sequence[str]) -> str:
    text = " + ".join(positive)
    for word in negative:
        text += f" − {word}"
    return f"({text})"


def as_word_list(words: str | Iterable[str] | None) -> list[str]:
    """Accept one word or a list, as gensim's ``positive=``/``negative=`` do."""
    if words is None:
        return []
    if isinstance(words, str):
        return [words]
    return list(words)


def _check_word(word: str) -> str:
    if not isinstance(word, str) or not word.strip():
        raise InvalidInputError.coded("empty_word")
    if len(word) > MAX_WORD_CHARS:
        raise InvalidInputError.coded("word_too_long", length=len(word), limit=MAX_WORD_CHARS)
    return word.strip()


def _check_topn(topn: int) -> int:
    if not isinstance(topn, int) or isinstance(topn, bool) or not 1 <= topn <= MAX_TOPN:
        raise InvalidInputError.coded("bad_topn", high=MAX_TOPN, value=repr(topn))
    return topn


def suggest(model: StaticModel, word: str, *, limit: int = 5) -> list[str]:
    """Up to ``limit`` vocabulary words close in spelling to an unknown ``word``.

    Words sharing a prefix come first (case-insensitive); for words with CJK characters, words
    sharing the most characters follow. Frequent words (earlier in the vocabulary) win ties.
    """
    word = word.strip()
    if not word:
        return []
    lowered = word.lower()
    vocab = model.kv.index_to_key
    found: list[str] = []
    for prefix_len in range(len(lowered), 0, -1):
        prefix = lowered[:prefix_len]
        if prefix_len < min(2, len(lowered)) and not _has_cjk(word):
            break
        for candidate in vocab:
            if candidate.lower().startswith(prefix) and candidate != word and candidate not in found:
                found.append(candidate)
                if len(found) >= limit:
                    return found
        if found:
            break
    if _has_cjk(word) and len(found) < limit:
        chars = set(word)
        scored = []
        for rank, candidate in enumerate(vocab):
            shared = len(chars.intersection(candidate))
            if shared and candidate not in found and candidate != word:
                scored.append((-shared, rank, candidate))
        scored.sort()
        found.extend(candidate for _, _, candidate in scored[: limit - len(found)])
    return found[:limit]


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def require(model: StaticModel, words: Iterable[str], *, subword: bool = False) -> list[str]:
    """Validate ``words`` and check they are all in the vocabulary.

    With ``subword=True``, a word outside the vocabulary is accepted when the model builds its
    vector from character n-grams (:meth:`StaticModel.has_vector`).

    Raises
    ------
    InvalidInputError
        For an empty or over-long word.
    OutOfVocabularyError
        Naming every missing word, each with suggestions.
    """
    checked = [_check_word(word) for word in words]
    known = model.has_vector if subword else model.__contains__
    missing = {word: suggest(model, word) for word in checked if not known(word)}
    if missing:
        raise OutOfVocabularyError(missing, model_id=model.id)
    return checked


def vector(model: StaticModel, word: str) -> np.ndarray:
    """The word's vector: a read-only view, or for an unknown word of a subword model a new array of its n-grams' mean."""
    (word,) = require(model, [word], subword=True)
    return model.kv[word]


def unit_vectors(model: StaticModel, words: Sequence[str]) -> np.ndarray:
    """The words' vectors scaled to unit length, one float64 row per word (the words must be known; see :func:`require`)."""
    return unit_rows(np.stack([model.kv[w] for w in words]))


def neighbors(model: StaticModel, word: str, *, topn: int = 10, metric: Metric = "cosine") -> list[Scored]:
    """The ``topn`` nearest words to ``word``.

    Parameters
    ----------
    metric : {"cosine", "euclidean"}
        Cosine gives gensim's ``most_similar`` (score = cosine similarity). Euclidean ranks by
        distance between the raw vectors (score = distance, smallest first).
    """
    (word,) = require(model, [word], subword=True)
    topn = _check_topn(topn)
    check_choice(metric, "metric", METRICS)
    if metric == "cosine":
        return [Scored(w, float(s)) for w, s in model.kv.most_similar(word, topn=topn)]
    vectors = model.kv.vectors
    query = model.kv.get_vector(word)
    # ||x - q||^2 = ||x||^2 - 2 x.q + ||q||^2 without materialising x - q for every row
    sq_norms = np.square(model.kv.norms, dtype=np.float64)
    distances = np.sqrt(np.maximum(sq_norms - 2.0 * (vectors @ query) + float(query @ query), 0.0))
    if word in model:
        distances[model.kv.key_to_index[word]] = np.inf
    count = min(topn, len(distances) - (word in model))
    best = np.argpartition(distances, count - 1)[:count] if count else np.array([], dtype=int)
    best = best[np.argsort(distances[best], kind="stable")]
    return [Scored(model.kv.index_to_key[i], float(distances[i])) for i in best]


def similarity(model: StaticModel, first: str, second: str) -> float:
    """Cosine similarity of two words (gensim's ``similarity``)."""
    first, second = require(model, [first, second], subword=True)
    return float(model.kv.similarity(first, second))


def similarity_matrix(model: StaticModel, words: Sequence[str]) -> np.ndarray:
    """Cosine similarities of every pair of ``words`` as a square matrix."""
    words = require(model, words, subword=True)
    if not words:
        raise InvalidInputError.coded("need_a_word")
    normed = np.stack([model.kv.get_vector(w, norm=True) for w in words])
    return np.clip(normed @ normed.T, -1.0, 1.0)


def odd_one_out(model: StaticModel, words: Sequence[str]) -> str:
    """The word furthest from the mean of the others (gensim's ``doesnt_match``)."""
    words = require(model, words, subword=True)
    if len(words) < 3:
        raise InvalidInputError.coded("odd_needs_three")
    return model.kv.doesnt_match(words)


def rank(model: StaticModel, word: str, other: str) -> int:
    """Where ``other`` ranks among ``word``'s neighbours (1 = nearest; gensim's ``rank``).

    For a subword model either word may be outside the vocabulary: the rank is then one more than
    the number of vocabulary words (other than ``word``) closer to ``word`` than ``other`` is.
    """
    word, other = require(model, [word, other], subword=True)
    if word == other:
        raise InvalidInputError.coded("rank_needs_two")
    if word in model and other in model:
        return int(model.kv.rank(word, other))
    kv = model.kv
    distances = kv.distances(word)  # to every vocabulary word, as gensim's closer_than computes them
    if other in model:
        limit = distances[kv.key_to_index[other]]
    else:
        limit = 1 - kv.cosine_similarities(kv.get_vector(word), kv.get_vector(other)[None, :])[0]
    closer = distances < limit
    if word in model:
        closer[kv.key_to_index[word]] = False
    return int(np.count_nonzero(closer)) + 1


def ranks(model: StaticModel, word: str, others: Sequence[str]) -> list[int]:
    """:func:`rank` of each of ``others`` among ``word``'s neighbours, scoring the vocabulary once.

    Equal to gensim's ``rank`` for vocabulary words (the same distances, computed one time instead
    of once per other word); words a subword model builds from n-grams go through :func:`rank`.
    """
    word, *others = require(model, [word, *others], subword=True)
    if any(other == word for other in others):
        raise InvalidInputError.coded("rank_needs_two")
    if word not in model or any(other not in model for other in others):
        return [rank(model, word, other) for other in others]
    distances = model.kv.distances(word)  # gensim's closer_than: every word's distance to ``word``
    own = model.kv.key_to_index[word]
    found = []
    for other in others:
        closer = distances < distances[model.kv.key_to_index[other]]
        found.append(int(np.count_nonzero(closer)) - int(closer[own]) + 1)
    return found


def analogy(
    model: StaticModel,
    *,
    positive: str | Iterable[str],
    negative: str | Iterable[str] | None = None,
    method: AnalogyMethod = "add",
    topn: int = 10,
) -> AnalogyResult:
    """Word arithmetic: the words nearest to ``sum(positive) − sum(negative)``.

    Parameters
    ----------
    positive, negative : str or list of str
        One word or several; ``negative`` may be empty.
    method : {"add", "mul"}
        3CosAdd (gensim ``most_similar``) or 3CosMul (gensim ``most_similar_cosmul``).
        Input words are excluded from the answers, as gensim does.

    Raises
    ------
    InvalidInputError, OutOfVocabularyError
    """
    positive = as_word_list(positive)
    negative = as_word_list(negative)
    if not positive:
        raise InvalidInputError.coded("need_positive")
    require(model, positive + negative, subword=True)
    positive = [w.strip() for w in positive]
    negative = [w.strip() for w in negative]
    raw = _gensim_analogy(model, positive, negative, method, _check_topn(topn))
    return AnalogyResult(tuple(positive), tuple(negative), method, tuple(Scored(w, float(s)) for w, s in raw))


def _gensim_analogy(model: StaticModel, positive: list[str], negative: list[str], method: str, topn: int | None):
    """gensim's 3CosAdd or 3CosMul: the ``topn`` best ``(word, score)`` pairs, or every word's score when ``topn`` is None."""
    check_choice(method, "analogy method", ("add", "mul"))
    if method == "add":
        return model.kv.most_similar(positive=positive, negative=negative, topn=topn)
    return model.kv.most_similar_cosmul(positive=positive, negative=negative, topn=topn)


@dataclass(frozen=True)
class ExpectedAnswer:
    """Where an expected answer lands in an analogy: ``rank`` 1 is the top answer (query words excluded)."""

    word: str
    rank: int
    score: float
    method: AnalogyMethod


def expected_answer(
    model: StaticModel,
    *,
    positive: str | Iterable[str],
    negative: str | Iterable[str] | None = None,
    expected: str,
    method: AnalogyMethod = "add",
) -> ExpectedAnswer:
    """The rank and score of ``expected`` among all answers of an analogy (gensim's scores).

    The rank counts the words, other than the query words, that score higher than ``expected``;
    it equals the 1-based position of ``expected`` in gensim's ``most_similar`` (or
    ``most_similar_cosmul``) with every word listed, ties aside.

    Raises
    ------
    InvalidInputError
        When ``expected`` is one of the query words (gensim never answers with those).
    OutOfVocabularyError
    """
    positive = [w.strip() for w in as_word_list(positive)]
    negative = [w.strip() for w in as_word_list(negative)]
    if not positive:
        raise InvalidInputError.coded("need_positive")
    expected = expected.strip()
    require(model, positive + negative + [expected])
    if expected in positive + negative:
        raise InvalidInputError(f"The expected answer {expected!r} is one of the query words, which are never answers.")
    scores = np.asarray(_gensim_analogy(model, positive, negative, method, None), dtype=np.float64)
    score = scores[model.kv.key_to_index[expected]]
    query = [model.kv.key_to_index[w] for w in dict.fromkeys(positive + negative)]
    higher = int(np.count_nonzero(scores > score)) - int(np.count_nonzero(scores[query] > score))
    return ExpectedAnswer(expected, higher + 1, float(score), method)


def analogy_vector(model: StaticModel, *, positive: Iterable[str], negative: Iterable[str] = ()) -> np.ndarray:
    """The 3CosAdd target vector: sum of unit positives minus unit negatives (as gensim builds it)."""
    positive, negative = list(positive), list(negative)
    require(model, positive + negative, subword=True)
    return model.kv.get_mean_vector(
        positive + negative, weights=[1.0] * len(positive) + [-1.0] * len(negative), pre_normalize=True, post_normalize=True
    )


PictureRole: TypeAlias = Literal["positive", "negative", "result", "answer"]


@dataclass(frozen=True)
class PicturePoint:
    label: str
    role: PictureRole
    x: float
    y: float


def analogy_picture(model: StaticModel, result: AnalogyResult, *, answers: int = 5) -> list[PicturePoint]:
    """A 2-D PCA picture of the arithmetic: input words, the target vector and the top answers.

    All vectors are unit-normalised first (as 3CosAdd uses them); the PCA is fitted on the words
    only, and the target vector is projected into that plane.
    """
    shown: list[tuple[str, PictureRole]] = [(w, "positive") for w in result.positive] + [(w, "negative") for w in result.negative]
    shown += [(s.word, "answer") for s in result.results[:answers]]
    words = [w for w, _ in shown]
    if len(words) < 3:
        raise InvalidInputError.coded("picture_needs_three")
    unit = np.stack([model.kv.get_vector(w, norm=True) for w in words])
    target = analogy_vector(model, positive=result.positive, negative=result.negative)
    coords = pca_plane(unit).place(np.vstack([unit, target[None, :]]))
    points = [PicturePoint(w, role, float(x), float(y)) for (w, role), (x, y) in zip(shown, coords[:-1])]
    points.append(PicturePoint(result.label, "result", float(coords[-1, 0]), float(coords[-1, 1])))
    return points
