"""What an evaluation returns: the reports of :mod:`embedlab.static.evaluation`, and how they are put together.

* :class:`AnalogyReport`: accuracy and coverage (:attr:`~AnalogyReport.accuracy` is over the
  questions scored, :attr:`~AnalogyReport.coverage` the share of questions scored), per section
  (:class:`SectionScore`), and the worst :class:`Miss` es: the questions whose expected answer
  ranked lowest, so you can ask them again on the analogy page;
* :class:`PairsReport`: the correlation of the model's cosines with human similarity scores.

>>> SectionScore("capital-common-countries", correct=3, total=4, questions=5).accuracy
0.75
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from embedlab.static.eval_sets import AnalogyQuestion, AnalogySet

Convention = Literal["gensim", "ca8"]
Method = Literal["add", "mul"]


# ---------------------------------------------------------------- analogies


class _Counted:
    """``correct`` of ``total`` scored questions, out of ``questions`` asked (fields of the subclass)."""

    correct: int
    total: int
    questions: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def coverage(self) -> float:
        return self.total / self.questions if self.questions else 0.0


@dataclass(frozen=True)
class SectionScore(_Counted):
    """One section: ``correct`` of ``total`` scored questions; ``questions`` in the file."""

    section: str
    correct: int
    total: int
    questions: int


@dataclass(frozen=True)
class Miss:
    """A wrongly answered question; ``rank`` of the expected answer among all candidates (1 = best).

    ``rank`` is None when the expected word is not in the vocabulary or is one of a, b, c.
    """

    section: str
    a: str
    b: str
    c: str
    expected: str
    predicted: str
    rank: int | None


@dataclass(frozen=True)
class AnalogyReport(_Counted):
    convention: Convention
    method: Method
    correct: int
    total: int
    questions: int
    sections: tuple[SectionScore, ...]
    misses: tuple[Miss, ...]
    seconds: float
    vocabulary: int

    def to_dict(self, *, misses: int = 20) -> dict:
        """The CLI's JSON: accuracy, coverage, per-section counts and the worst misses."""
        return {
            "convention": self.convention,
            "method": self.method,
            "accuracy": self.accuracy,
            "coverage": self.coverage,
            "correct": self.correct,
            "total": self.total,
            "questions": self.questions,
            "sections": [
                {
                    "section": s.section,
                    "correct": s.correct,
                    "total": s.total,
                    "questions": s.questions,
                    "accuracy": s.accuracy,
                    "coverage": s.coverage,
                }
                for s in self.sections
            ],
            "worst_misses": [
                {"question": [m.a, m.b, m.c, m.expected], "predicted": m.predicted, "rank": m.rank, "section": m.section}
                for m in self.misses[:misses]
            ],
        }


@dataclass
class ScoredQuestions:
    """Per-question outcome before the report is assembled."""

    correct: np.ndarray  # bool per counted question
    predicted: np.ndarray  # vocabulary index per counted question
    rank: np.ndarray  # rank of the expected answer, 0 when undefined


def analogy_report(
    keys: Sequence[str],
    convention: Convention,
    method: Method,
    analogies: AnalogySet,
    counted_sections: Sequence[int],
    scored: ScoredQuestions,
    asked: list[tuple[str, AnalogyQuestion]],
    index: np.ndarray,
    worst: int,
    started: float,
    vocabulary: int,
) -> AnalogyReport:
    """The report on the ``asked`` questions, as ``scored``: per-section counts and the ``worst`` misses, worst first.

    Parameters
    ----------
    keys : sequence of str
        The model's vocabulary in row order (``kv.index_to_key``), to name predicted words.
    convention, method : how the questions were scored.
    analogies : AnalogySet
        The whole test set (its sections and number of questions).
    counted_sections : sequence of int
        How many questions of each section were scored, in order; ``asked`` lists them, section after section.
    scored : ScoredQuestions
    asked : list of (section name, question)
    index : int array of shape (len(asked), 4)
        The vocabulary rows of each question's a, b, c and d (d: -1 when it is unknown).
    worst : int
        How many misses to keep.
    started : float
        ``time.perf_counter()`` when the evaluation began.
    vocabulary : int
        The number of words searched.
    """
    sections = []
    start = 0
    for section, counted in zip(analogies.sections, counted_sections):
        correct = int(scored.correct[start : start + counted].sum())
        sections.append(SectionScore(section.name, correct, counted, len(section.questions)))
        start += counted
    # A rank means nothing when the expected word is missing or is one of a, b, c (excluded).
    ranks = np.where(
        (index[:, 3] < 0) | (index[:, 3] == index[:, 0]) | (index[:, 3] == index[:, 1]) | (index[:, 3] == index[:, 2]),
        0,
        scored.rank,
    )
    misses = [
        Miss(
            name,
            q.a,
            q.b,
            q.c,
            q.d,
            keys[scored.predicted[i]] if scored.predicted[i] >= 0 else "",
            int(ranks[i]) or None,
        )
        for i, (name, q) in enumerate(asked)
        if not scored.correct[i]
    ]
    misses.sort(key=lambda m: (m.rank is None, -(m.rank or 0)))
    return AnalogyReport(
        convention,
        method,
        int(scored.correct.sum()),
        len(asked),
        analogies.questions,
        tuple(sections),
        tuple(misses[:worst]),
        time.perf_counter() - started,
        vocabulary,
    )


# ---------------------------------------------------------------- word similarity


@dataclass(frozen=True)
class PairsReport:
    """Correlation of model cosines with human scores.

    ``oov_ratio`` is a percentage, as gensim reports it: pairs with an unknown word over all
    readable pairs. ``scored`` lists (w1, w2, human score, model cosine) for the pairs used.
    """

    spearman: float
    spearman_p: float
    pearson: float
    pearson_p: float
    oov_ratio: float
    pairs: int
    used: int
    scored: tuple[tuple[str, str, float, float], ...]
    missing: tuple[tuple[str, str], ...]

    def to_dict(self) -> dict:
        return {
            "spearman": self.spearman,
            "pearson": self.pearson,
            "oov_ratio": self.oov_ratio,
            "spearman_p": self.spearman_p,
            "pearson_p": self.pearson_p,
            "pairs": self.pairs,
            "used": self.used,
        }
