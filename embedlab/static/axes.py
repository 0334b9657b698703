"""Semantic axes: place words along directions given by words (``女人-男人``, ``rich-poor``).

An axis is the difference of two word groups, as in the Embedding Projector's custom projection
and in word2viz::

    direction = mean(unit vectors of the left words) − mean(unit vectors of the right words)

``女人-男人`` is one word a side; ``女人,母亲,女儿 - 男人,父亲,儿子`` averages each side, which is
steadier than one pair. A word's place on the axis is, by ``formula``:

* ``"cosine"`` (default): the cosine between the word's vector and the direction, from −1
  (the right side) to 1 (the left side); the word's length does not matter.
* ``"projection"``: the scalar projection of the word's (raw) vector on the unit direction,
  ``w · d / ‖d‖``; longer vectors (often rarer words in word2vec) land further out.

    >>> from embedlab.serving.registry import load_model
    >>> model = load_model("minilm-static")                                           # doctest: +SKIP
    >>> place(model, ["nurse", "engineer"], x=parse_axis("woman-man")).scores[0].x   # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from embedlab.errors import InvalidInputError, OutOfVocabularyError
from embedlab.share import MAX_PARAM_CHARS, WORD_SEPARATORS
from embedlab.static.model import StaticModel, _check_word, require, suggest, unit_vectors

Formula = Literal["cosine", "projection"]
FORMULAS: tuple[Formula, ...] = ("cosine", "projection")
MAX_AXIS_WORDS = 50
MAX_WORDS = 200

# Spaced minus first ("well-known - bad"); otherwise one bare hyphen or minus sign splits the sides.
_SPACED = re.compile(r"\s+[-−–—－]\s+")
_BARE = re.compile(r"[-−–—－]")


class AxisError(InvalidInputError):
    """An axis that cannot be read or has no direction.

    ``reason`` says why (``"empty"``, ``"sides"``, ``"empty_side"``, ``"too_many"``, ``"too_long"``,
    ``"no_direction"``) and ``name`` which axis, so an interface can word it in its own language.
    """

    def __init__(self, message: str, *, reason: str, name: str = ""):
        super().__init__(message)
        self.reason = reason
        self.name = name


@dataclass(frozen=True)
class Axis:
    """A direction given by two word groups: ``left − right``."""

    left: tuple[str, ...]
    right: tuple[str, ...]

    @property
    def label(self) -> str:
        """``女人 − 男人``, or ``女人, 母亲 − 男人, 父亲``."""
        return f"{', '.join(self.left)} − {', '.join(self.right)}"

    @property
    def text(self) -> str:
        """The form :func:`parse_axis` reads back: ``女人-男人`` or ``女人,母亲 - 男人,父亲``."""
        joiner = " - " if any(_BARE.search(w) for w in self.left + self.right) or len(self.left) + len(self.right) > 2 else "-"
        return f"{','.join(self.left)}{joiner}{','.join(self.right)}"


def parse_axis(text: str, *, name: str = "axis") -> Axis:
    """Read ``a-b`` or ``a1,a2,a3 - b1,b2,b3`` (ASCII hyphen, minus sign or full-width －).

    Raises
    ------
    AxisError
        Not two sides, an empty side, or too many words.
    """
    if not isinstance(text, str) or not text.strip():
        raise AxisError(
            f"'{name}' is empty: type two sides joined by '-', e.g. 女人-男人 or woman,mother - man,father.",
            reason="empty",
            name=name,
        )
    if len(text) > MAX_PARAM_CHARS:
        raise AxisError(
            f"'{name}' is {len(text):,} characters long; at most {MAX_PARAM_CHARS:,} are accepted.", reason="too_long", name=name
        )
    sides = _SPACED.split(text.strip())
    if len(sides) != 2:
        sides = _BARE.split(text.strip())
    if len(sides) != 2:
        raise AxisError(
            f"'{name}' must be two sides joined by one '-', e.g. 女人-男人 or 女人,母亲 - 男人,父亲 "
            f"(a word with a hyphen needs spaces around the separator), not {text[:60]!r}.",
            reason="sides",
            name=name,
        )
    left, right = ([w.strip() for w in WORD_SEPARATORS.split(side) if w.strip()] for side in sides)
    if not left or not right:
        raise AxisError(
            f"'{name}' has an empty side: give at least one word on each side of '-', e.g. 富-穷.", reason="empty_side", name=name
        )
    if len(left) + len(right) > MAX_AXIS_WORDS:
        raise AxisError(
            f"'{name}' has {len(left) + len(right)} words; at most {MAX_AXIS_WORDS} are accepted.", reason="too_many", name=name
        )
    for word in left + right:
        _check_word(word)
    return Axis(tuple(dict.fromkeys(left)), tuple(dict.fromkeys(right)))


@dataclass(frozen=True)
class AxisScore:
    """One word's place: ``x`` on the first axis, ``y`` on the second (``None`` with one axis)."""

    word: str
    x: float
    y: float | None = None


@dataclass(frozen=True)
class AxesResult:
    """Words placed on one or two axes.

    Attributes
    ----------
    formula : {"cosine", "projection"}
    x, y : Axis
        ``y`` is None for a one-axis strip.
    scores : tuple of AxisScore
        In the order the words were given (unknown words left out).
    missing : dict
        Unknown words (left out) mapped to suggestions.
    axes_cosine : float or None
        Cosine between the two directions: far from 0 means the axes are not independent.
    """

    formula: Formula
    x: Axis
    y: Axis | None
    scores: tuple[AxisScore, ...]
    missing: dict = field(default_factory=dict)
    axes_cosine: float | None = None

    def records(self) -> list[dict]:
        """``[{"word", "x"[, "y"]}, ...]`` (the CLI's JSON)."""
        return [{"word": s.word, "x": s.x, **({"y": s.y} if self.y is not None else {})} for s in self.scores]


def direction(model: StaticModel, axis: Axis) -> np.ndarray:
    """``mean(unit left vectors) − mean(unit right vectors)`` (float64, not normalised).

    Raises
    ------
    OutOfVocabularyError
        For unknown axis words (an axis is never silently changed).
    AxisError
        When the two sides cancel out (the same words on both sides).
    """
    require(model, list(axis.left) + list(axis.right))
    vector = unit_vectors(model, axis.left).mean(axis=0) - unit_vectors(model, axis.right).mean(axis=0)
    if not np.linalg.norm(vector) > 1e-9:
        raise AxisError(
            f"The axis {axis.label} has no direction: its two sides are the same. Put different words on each side.",
            reason="no_direction",
            name=axis.label,
        )
    return vector


def scores(model: StaticModel, words: Sequence[str], axis_direction: np.ndarray, *, formula: Formula = "cosine") -> np.ndarray:
    """Each word's place along ``axis_direction`` by ``formula`` (words must be known)."""
    if formula not in FORMULAS:
        raise InvalidInputError(f"Unknown formula: {formula!r}. Must be one of: {list(FORMULAS)}.")
    rows = np.stack([np.asarray(model.kv[w], dtype=np.float64) for w in words])
    unit_direction = axis_direction / np.linalg.norm(axis_direction)
    projected = rows @ unit_direction
    if formula == "projection":
        return projected
    norms = np.linalg.norm(rows, axis=1)
    return np.clip(projected / np.where(norms == 0, 1.0, norms), -1.0, 1.0)


def place(
    model: StaticModel,
    words: Iterable[str],
    *,
    x: Axis | str,
    y: Axis | str | None = None,
    formula: Formula = "cosine",
) -> AxesResult:
    """Place ``words`` on the axis ``x`` (a strip) or on ``x`` and ``y`` (a scatter).

    Parameters
    ----------
    words : list of str
        Up to 200; unknown ones are left out and listed in ``missing``.
    x, y : Axis or str
        An :class:`Axis` or its text (``"女人-男人"``).
    formula : {"cosine", "projection"}
        See the module docstring; the same formula is used on both axes.

    Raises
    ------
    AxisError, OutOfVocabularyError
        A bad axis, or unknown axis words.
    OutOfVocabularyError
        When none of ``words`` is known.
    InvalidInputError
        No words, too many, or an unknown formula.
    """
    x = parse_axis(x, name="x") if isinstance(x, str) else x
    y = parse_axis(y, name="y") if isinstance(y, str) else y
    if formula not in FORMULAS:
        raise InvalidInputError(f"Unknown formula: {formula!r}. Must be one of: {list(FORMULAS)}.")
    words = list(dict.fromkeys(_check_word(w) for w in words if w and w.strip()))
    if not words:
        raise InvalidInputError("Give at least one word to place on the axes.")
    if len(words) > MAX_WORDS:
        raise InvalidInputError(f"{len(words)} words given; at most {MAX_WORDS} are accepted.")
    dir_x = direction(model, x)
    dir_y = direction(model, y) if y is not None else None
    missing = {w: suggest(model, w) for w in words if w not in model}
    known = [w for w in words if w in model]
    if not known:
        raise OutOfVocabularyError(missing, model_id=model.id)
    xs = scores(model, known, dir_x, formula=formula)
    ys = scores(model, known, dir_y, formula=formula) if dir_y is not None else [None] * len(known)
    axes_cosine = None
    if dir_y is not None:
        axes_cosine = float(dir_x @ dir_y / (np.linalg.norm(dir_x) * np.linalg.norm(dir_y)))
    placed = tuple(AxisScore(w, float(sx), None if sy is None else float(sy)) for w, sx, sy in zip(known, xs, ys))
    return AxesResult(formula, x, y, placed, missing, axes_cosine)
