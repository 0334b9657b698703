"""Word arithmetic drawn honestly: the parallelogram, and where the result really lands.

``a : b :: c : ?`` is answered by the words nearest to ``b − a + c`` (3CosAdd, on unit vectors).
Drawn in two dimensions the four points make a parallelogram: the arrow from ``a`` to ``b``,
moved to start at ``c``, ends at the corner ``b − a + c``. PCA is linear, so that corner in the
picture is exactly the projection of the sum (the picture keeps parallelograms). What the
picture does *not* keep is nearness: the word drawn closest to the corner need not be the
answer. So next to the picture this module gives every shown word's **true cosine** to the result
vector in the model's own dimensions, and its distance to the corner in the picture::

    >>> from embedlab.serving.registry import load_model
    >>> from embedlab.static import analogy_view; from embedlab.static import model as static
    >>> model = load_model("minilm-static")
    >>> result = static.analogy(model, positive=["king", "woman"], negative="man")
    >>> shown = analogy_view.arithmetic_picture(model, result, expected="queen")
    >>> [(p.word, round(p.cosine, 2)) for p in shown.points if p.role == "answer"][:2]   # doctest: +SKIP
    [('queen', 0.62), ...]

For 3CosAdd the cosine of an answer is its score (gensim's ``most_similar``); under 3CosMul
the answers are ranked by another score, and the cosines show how far that ranking is from the
plain sum's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from embedlab.errors import InvalidInputError
from embedlab.static import model as static
from embedlab.vectormath import pca_plane

Role = Literal["positive", "negative", "answer", "expected"]


@dataclass(frozen=True)
class Landing:
    """A word of the picture.

    Attributes
    ----------
    word : str
    role : {"positive", "negative", "answer", "expected"}
        ``expected`` marks the expected answer (also when the model ranks it among the answers).
    x, y : float
        Its place in the picture.
    cosine : float
        Cosine similarity to the result vector (sum of the unit positives minus the unit
        negatives) in the model's own dimensions.
    distance : float
        Its distance to the result's corner in the picture.
    """

    word: str
    role: Role
    x: float
    y: float
    cosine: float
    distance: float


@dataclass(frozen=True)
class ArithmeticPicture:
    """The arithmetic in a plane.

    Attributes
    ----------
    points : tuple of Landing
        Positives, negatives, then the answers and the expected answer.
    corner : (float, float)
        Where the result vector lands in the picture.
    label : str
        The arithmetic, e.g. ``(king + woman − man)``.
    parallelogram : (a, b, c) or None
        For two positives ``b, c`` and one negative ``a``: the corners ``a, b, c`` (the fourth is
        :attr:`corner`). None for other shapes of arithmetic.
    explained : float
        Share of the shown words' variance the plane keeps (PCA).
    """

    points: tuple[Landing, ...]
    corner: tuple[float, float]
    label: str
    parallelogram: tuple[str, str, str] | None
    explained: float

    def point(self, word: str) -> Landing:
        """The landing of ``word`` (raises KeyError when it is not in the picture)."""
        for landing in self.points:
            if landing.word == word:
                return landing
        raise KeyError(word)


def arithmetic_picture(
    model: static.StaticModel, result: static.AnalogyResult, *, expected: str | None = None, answers: int = 5
) -> ArithmeticPicture:
    """A 2-D PCA picture of ``result``'s arithmetic with true cosines (see the module docstring).

    Parameters
    ----------
    model : StaticModel
    result : AnalogyResult
        From :func:`embedlab.static.model.analogy`.
    expected : str, optional
        A word to show as the expected answer (ignored when empty or unknown to the model).
    answers : int
        How many of the top answers to show.

    Raises
    ------
    InvalidInputError
        When fewer than three words in all would be shown.
    """
    shown: list[tuple[str, Role]] = [(w, "positive") for w in result.positive] + [(w, "negative") for w in result.negative]
    expected = (expected or "").strip()
    if expected and (expected in dict(shown) or expected not in model):
        expected = ""
    shown += [(s.word, "expected" if s.word == expected else "answer") for s in result.results[:answers]]
    if expected and expected not in dict(shown):
        shown.append((expected, "expected"))
    words = [w for w, _ in shown]
    if len(set(words)) < 3:
        raise InvalidInputError.coded("picture_needs_three")
    unit = np.stack([model.kv.get_vector(w, norm=True) for w in words]).astype(np.float64)
    sum_vector = sum(model.kv.get_vector(w, norm=True) for w in result.positive) - sum(
        (model.kv.get_vector(w, norm=True) for w in result.negative), np.zeros(model.dims, dtype=np.float32)
    )
    target = static.analogy_vector(model, positive=result.positive, negative=result.negative).astype(np.float64)
    plane = pca_plane(unit)
    coordinates = plane.coordinates
    corner = plane.place(np.asarray(sum_vector, dtype=np.float64))[0]
    cosines = unit @ target  # both unit length
    distances = np.linalg.norm(coordinates - corner, axis=1)
    points = tuple(
        Landing(w, role, float(x), float(y), float(c), float(d))
        for (w, role), (x, y), c, d in zip(shown, coordinates, cosines, distances)
    )
    shape = None
    if len(result.positive) == 2 and len(result.negative) == 1:
        shape = (result.negative[0], result.positive[0], result.positive[1])
    explained = float(sum(plane.explained))
    return ArithmeticPicture(points, (float(corner[0]), float(corner[1])), result.label, shape, explained)
