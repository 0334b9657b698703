"""Measuring a static model on the benchmarks the field uses: analogies and word similarity.

Test sets are read by :mod:`embedlab.static.eval_sets` (Mikolov's analogy format, ``w1 w2 score`` pairs)::

    >>> from embedlab.static.eval_sets import read_analogies, read_pairs
    >>> from embedlab.static.evaluation import evaluate_analogies, evaluate_pairs
    >>> from embedlab.serving.registry import load_model
    >>> model = load_model("minilm-static")
    >>> report = evaluate_analogies(model, read_analogies("questions-words.txt"))   # doctest: +SKIP
    >>> report.accuracy, report.coverage, report.sections[0]                         # doctest: +SKIP
    >>> evaluate_pairs(model, read_pairs("wordsim353.tsv")).spearman                  # doctest: +SKIP

Two analogy conventions give different numbers on the same vectors, so every report says which:

``gensim``
    Exactly gensim's ``KeyedVectors.evaluate_word_analogies``: words upper-cased
    (``case_insensitive``), only the first ``restrict_vocab`` words (default 300,000) searched,
    questions with any word out of that vocabulary skipped, 3CosAdd over cosines, a, b and c
    excluded. ``coverage`` is the share of questions scored. 3CosAdd only, as in gensim.
``ca8``
    The CA8 authors' script (Chinese-Word-Vectors, ``evaluation/ana_eval_dense.py``): case as
    written; a question counts when a, b and c are in the vocabulary (a missing d then counts as
    wrong); coverage = counted / total per section; cosines shifted to (cos + 1) / 2; 3CosAdd
    = b + c − a and 3CosMul = b · c / (a + 0.01) on the shifted values; a, b and c excluded (their
    scores set to 0, as the script does).

Speed: questions are scored in batches as matrix products over the unit-length vectors (one
product per batch instead of one pass over the vocabulary per question). For the gensim
convention, a question whose best two candidates lie within 1e-5 of each other, or whose best
candidate is a case variant of an input word, is re-scored exactly the way gensim does it, so
float rounding in the batched product never changes an answer.

Similarity (:func:`evaluate_pairs`) gives Spearman and Pearson correlations and the OOV ratio
equal to gensim's ``evaluate_word_pairs`` (same vocabulary restriction and case folding).

What both return, and how an analogy report is put together from the scored questions, is
:mod:`embedlab.static.eval_reports`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from gensim.models import KeyedVectors

from embedlab.errors import InvalidInputError
from embedlab.progress import Progress
from embedlab.static.eval_reports import AnalogyReport, Convention, Method, PairsReport, ScoredQuestions, analogy_report
from embedlab.static.eval_sets import AnalogyQuestion, AnalogySet, PairSet
from embedlab.static.model import StaticModel
from embedlab.vectormath import unit_rows

CONVENTIONS: tuple[Convention, ...] = ("gensim", "ca8")
METHODS: tuple[Method, ...] = ("add", "mul")
GENSIM_RESTRICT_VOCAB = 300_000
GENSIM_TOPN = 5  # evaluate_word_analogies asks most_similar for 5 candidates
TIE_MARGIN = 1e-5  # closer than this, batched float rounding could reorder two candidates
CHUNK_BYTES = 128 * 1024 * 1024  # score matrices per batch stay within this
MAX_CHUNK = 1024
CA8_MUL_EPSILON = 0.01


# ---------------------------------------------------------------- analogy evaluation


def _keyed_vectors(model: StaticModel | KeyedVectors) -> KeyedVectors:
    return model.kv if isinstance(model, StaticModel) else model


def _chunk_rows(columns: int, per_row_matrices: int) -> int:
    return int(max(1, min(MAX_CHUNK, CHUNK_BYTES // max(1, 4 * columns * per_row_matrices))))


def _gensim_unit_rows(kv: KeyedVectors, limit: int) -> np.ndarray:
    """The first ``limit`` rows at unit length as gensim's ``get_normed_vectors`` makes them (cached norms; zero rows: NaN)."""
    kv.fill_norms()
    return unit_rows(kv.vectors[:limit], dtype=None, norms=kv.norms[:limit], zero_rows="nan")


def evaluate_analogies(
    model: StaticModel | KeyedVectors,
    analogies: AnalogySet,
    *,
    convention: Convention = "gensim",
    method: Method = "add",
    restrict_vocab: int | None = None,
    case_insensitive: bool = True,
    worst: int = 50,
    progress: Progress | None = None,
) -> AnalogyReport:
    """Score analogy questions under one convention (see the module docstring).

    Parameters
    ----------
    model : StaticModel or gensim KeyedVectors
    analogies : AnalogySet
        From :func:`read_analogies`.
    convention : {"gensim", "ca8"}
    method : {"add", "mul"}
        3CosAdd or 3CosMul; the gensim convention has 3CosAdd only.
    restrict_vocab : int, optional
        Search only the first N words of the vocabulary. Default: 300,000 for gensim (its
        default), the whole vocabulary for ca8 (the script's default).
    case_insensitive : bool
        gensim convention only (the CA8 script compares words as written).
    worst : int
        How many misses to keep, worst (highest rank of the expected answer) first.
    progress : callable, optional
        ``progress(questions_done, questions_to_score)`` after every batch.

    Raises
    ------
    InvalidInputError
        For an unknown convention or method, mul under the gensim convention, or a bad
        ``restrict_vocab``.
    """
    if convention not in CONVENTIONS:
        raise InvalidInputError(f"Unknown analogy convention: {convention!r}. Must be one of: {list(CONVENTIONS)}.")
    if method not in METHODS:
        raise InvalidInputError(f"Unknown analogy method: {method!r}. Must be one of: {list(METHODS)}.")
    if convention == "gensim" and method == "mul":
        raise InvalidInputError("gensim's evaluate_word_analogies scores 3CosAdd only. Use the ca8 convention for 3CosMul.")
    if restrict_vocab is not None and (
        isinstance(restrict_vocab, bool) or not isinstance(restrict_vocab, int) or restrict_vocab < 1
    ):
        raise InvalidInputError(f"restrict_vocab must be a positive whole number, not {restrict_vocab!r}.")
    kv = _keyed_vectors(model)
    started = time.perf_counter()
    if convention == "gensim":
        limit = min(restrict_vocab or GENSIM_RESTRICT_VOCAB, len(kv))
        return _evaluate_gensim(kv, analogies, limit, case_insensitive, worst, progress, started)
    limit = min(restrict_vocab or len(kv), len(kv))
    return _evaluate_ca8(kv, analogies, limit, method, worst, progress, started)


def _case_vocab(kv: KeyedVectors, limit: int, case_insensitive: bool) -> tuple[dict[str, int], np.ndarray]:
    """gensim's ``ok_vocab`` (folded word -> index of its first variant) and each row's canonical index."""
    keys = kv.index_to_key[:limit]
    fold = str.upper if case_insensitive else (lambda word: word)
    vocab: dict[str, int] = {}
    canonical = np.empty(limit, dtype=np.int64)
    for index, key in enumerate(keys):
        canonical[index] = vocab.setdefault(fold(key), index)
    return vocab, canonical


def _questions_in_vocab(analogies: AnalogySet, rows_of: Callable[[AnalogyQuestion], tuple[int, ...] | None]):
    """The questions to score: ``rows_of(q)`` gives the vocabulary rows of a, b, c, d, or None to skip q.

    Returns the (section, question) pairs asked, their rows (n × 4) and the count asked per section.
    """
    asked: list[tuple[str, AnalogyQuestion]] = []
    rows = []
    counted_sections = []
    for section in analogies.sections:
        counted = 0
        for q in section.questions:
            found = rows_of(q)
            if found is None:
                continue
            asked.append((section.name, q))
            rows.append(found)
            counted += 1
        counted_sections.append(counted)
    return asked, np.array(rows, dtype=np.int64).reshape(-1, 4), counted_sections


def _score_in_chunks(index: np.ndarray, step: int, score_chunk, progress) -> ScoredQuestions:
    """Run ``score_chunk(rows) -> (correct, predicted, rank)`` over ``index`` ``step`` questions at a time."""
    total = len(index)
    scored = ScoredQuestions(np.zeros(total, dtype=bool), np.zeros(total, dtype=np.int64), np.zeros(total, dtype=np.int64))
    for begin in range(0, total, step):
        chunk = slice(begin, begin + step)
        scored.correct[chunk], scored.predicted[chunk], scored.rank[chunk] = score_chunk(index[chunk])
        if progress is not None:
            progress(min(begin + step, total), total)
    return scored


def _evaluate_gensim(kv, analogies, limit, case_insensitive, worst, progress, started) -> AnalogyReport:
    fold = str.upper if case_insensitive else (lambda word: word)
    vocab, canonical = _case_vocab(kv, limit, case_insensitive)

    def rows_of(q: AnalogyQuestion):
        indices = [vocab.get(fold(w)) for w in (q.a, q.b, q.c, q.d)]
        return None if None in indices else indices  # gensim skips questions with any word outside the vocabulary

    asked, index, counted_sections = _questions_in_vocab(analogies, rows_of)
    unit = _gensim_unit_rows(kv, limit) if len(index) else None

    def score_chunk(chunk: np.ndarray):
        assert unit is not None  # only called with questions to score, and then unit is set
        ia, ib, ic, id_ = chunk.T
        target = (unit[ib] + unit[ic]) - unit[ia]
        with np.errstate(divide="ignore", invalid="ignore"):
            target /= np.linalg.norm(target, axis=1, keepdims=True)
        scores = target @ unit.T
        rows_ = np.arange(len(chunk))
        for excluded in (ia, ib, ic):
            scores[rows_, excluded] = -np.inf
        best = np.argmax(scores, axis=1)
        top = scores[rows_, best]
        expected = scores[rows_, id_]
        ranks = 1 + (scores > expected[:, np.newaxis]).sum(axis=1)
        scores[rows_, best] = -np.inf
        second = scores.max(axis=1)
        del scores
        variant = (canonical[best] == ia) | (canonical[best] == ib) | (canonical[best] == ic)
        exact = (top - second <= TIE_MARGIN) | variant | ~np.isfinite(top)
        answer = canonical[best].copy()
        for row in np.flatnonzero(exact):  # near-ties and case variants: gensim's own arithmetic decides
            answer[row], ranks[row] = _gensim_exact(kv, limit, chunk[row], canonical)
        return answer == id_, answer, ranks

    scored = _score_in_chunks(index, _chunk_rows(limit, 1), score_chunk, progress)
    keys = kv.index_to_key
    return analogy_report(keys, "gensim", "add", analogies, counted_sections, scored, asked, index, worst, started, limit)


def _gensim_exact(kv: KeyedVectors, limit: int, question: np.ndarray, canonical: np.ndarray) -> tuple[int, int]:
    """One question scored as ``evaluate_word_analogies`` does it: (canonical answer index, rank of d)."""
    from gensim import matutils

    ia, ib, ic, id_ = (int(i) for i in question)
    mean = kv.get_mean_vector([ib, ic, ia], weights=np.array([1.0, 1.0, -1.0]), pre_normalize=True, post_normalize=True)
    dists = np.dot(kv.vectors[:limit], mean) / kv.norms[:limit]
    inputs = {ia, ib, ic}
    best = matutils.argsort(dists, topn=GENSIM_TOPN + 3, reverse=True)
    candidates = [int(i) for i in best if int(i) not in inputs][:GENSIM_TOPN]
    answer = -1
    for candidate in candidates:
        answer = int(canonical[candidate])
        if answer not in inputs:  # the first candidate that is not a case variant of a, b or c
            break
    others = np.delete(dists, sorted(inputs))
    rank = 1 + int((others > dists[id_]).sum())
    return answer, rank


def _evaluate_ca8(kv, analogies, limit, method, worst, progress, started) -> AnalogyReport:
    vocab = {key: i for i, key in enumerate(kv.index_to_key[:limit])}

    def rows_of(q: AnalogyQuestion):
        if q.a not in vocab or q.b not in vocab or q.c not in vocab:
            return None  # not counted: shows as lower coverage
        return vocab[q.a], vocab[q.b], vocab[q.c], vocab.get(q.d, -1)

    asked, index, counted_sections = _questions_in_vocab(analogies, rows_of)
    unit = _gensim_unit_rows(kv, limit) if len(index) else None

    def score_chunk(chunk: np.ndarray):
        assert unit is not None  # only called with questions to score, and then unit is set
        ia, ib, ic, id_ = chunk.T
        words, position = np.unique(chunk[:, :3], return_inverse=True)
        pa, pb, pc = position.reshape(-1, 3).T
        shifted = unit[words] @ unit.T
        shifted += 1
        shifted /= 2  # the script's (cos + 1) / 2
        # In place, but in the script's order of operations, so every float rounds alike.
        if method == "add":
            scores = np.negative(shifted[pa])
            scores += shifted[pb]
            scores += shifted[pc]
        else:
            scores = shifted[pb] * shifted[pc]
            divisor = shifted[pa]
            divisor += CA8_MUL_EPSILON
            scores *= np.reciprocal(divisor, out=divisor)
            del divisor
        del shifted
        rows_ = np.arange(len(chunk))
        for excluded in (ia, ib, ic):
            scores[rows_, excluded] = 0  # the script zeroes a, b and c rather than removing them
        scores[np.isnan(scores)] = -np.inf  # the script's nanargmax skips NaN (zero vectors)
        best = np.argmax(scores, axis=1)
        known = id_ >= 0
        expected = np.where(known, scores[rows_, np.maximum(id_, 0)], np.inf)
        ranks = np.where(known, 1 + (scores > expected[:, np.newaxis]).sum(axis=1), 0)
        return known & (best == id_), best, ranks

    scored = _score_in_chunks(index, _chunk_rows(limit, 6), score_chunk, progress)
    keys = kv.index_to_key
    return analogy_report(keys, "ca8", method, analogies, counted_sections, scored, asked, index, worst, started, limit)


def vocabulary_forms(
    model: StaticModel | KeyedVectors, words, *, convention: Convention = "gensim", restrict_vocab: int = GENSIM_RESTRICT_VOCAB
) -> dict[str, str | None]:
    """The vocabulary word each of ``words`` was matched to when scoring, so a question can be asked again as it was scored.

    ``gensim``: the first of the first ``restrict_vocab`` words equal to it ignoring case (what
    ``case_insensitive`` matching uses); ``ca8``: the word itself when the model has it. None for
    a word the evaluation could not match.
    """
    kv = _keyed_vectors(model)
    if convention == "ca8":
        return {word: word if word in kv.key_to_index else None for word in words}
    wanted = {word.upper() for word in words}
    found: dict[str, str] = {}
    for key in kv.index_to_key[:restrict_vocab]:  # one pass; earlier (more frequent) variants win
        folded = key.upper()
        if folded in wanted and folded not in found:
            found[folded] = key
            if len(found) == len(wanted):
                break
    return {word: found.get(word.upper()) for word in words}


# ---------------------------------------------------------------- similarity evaluation


def evaluate_pairs(
    model: StaticModel | KeyedVectors,
    pairs: PairSet,
    *,
    restrict_vocab: int = GENSIM_RESTRICT_VOCAB,
    case_insensitive: bool = True,
) -> PairsReport:
    """Spearman and Pearson correlation with human similarity scores, as gensim's ``evaluate_word_pairs``.

    Raises
    ------
    InvalidInputError
        When fewer than three pairs have both words in the vocabulary (no correlation to compute).
    """
    from scipy import stats

    if isinstance(restrict_vocab, bool) or not isinstance(restrict_vocab, int) or restrict_vocab < 1:
        raise InvalidInputError(f"restrict_vocab must be a positive whole number, not {restrict_vocab!r}.")
    kv = _keyed_vectors(model)
    limit = min(restrict_vocab, len(kv))
    fold = str.upper if case_insensitive else (lambda word: word)
    vocab, _ = _case_vocab(kv, limit, case_insensitive)
    gold, cosines, scored, missing = [], [], [], []
    for pair in pairs.pairs:
        first, second = vocab.get(fold(pair.first)), vocab.get(fold(pair.second))
        if first is None or second is None:
            missing.append((pair.first, pair.second))
            continue
        cosine = float(kv.similarity(kv.index_to_key[first], kv.index_to_key[second]))
        gold.append(pair.score)
        cosines.append(cosine)
        scored.append((pair.first, pair.second, pair.score, cosine))
    if len(gold) < 3:
        raise InvalidInputError(
            f"Only {len(gold)} of {len(pairs.pairs)} pairs in {pairs.name} have both words in the vocabulary; "
            "at least 3 are needed for a correlation."
        )
    spearman = stats.spearmanr(gold, cosines)
    pearson = stats.pearsonr(gold, cosines)
    return PairsReport(
        float(spearman[0]),
        float(spearman[1]),
        float(pearson[0]),
        float(pearson[1]),
        len(missing) / len(pairs.pairs) * 100,
        len(pairs.pairs),
        len(gold),
        tuple(scored),
        tuple(missing),
    )
