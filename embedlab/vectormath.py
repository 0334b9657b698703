"""Small vector helpers shared by the backend: one place for the maths every module needs.

Keep these cheap to import (numpy only at the top; scikit-learn and torch are imported inside the
functions that use them) and exact: tests compare results built on them with gensim, scipy and
scikit-learn, so each variant a caller needs is a keyword option here rather than a copy there.

* :func:`unit_rows` scales rows to unit length (cosine geometry):

  >>> import numpy as np
  >>> unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))
  array([[0.6, 0.8],
         [0. , 0. ]])
  >>> unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]]), zero_rows="nan")
  array([[0.6, 0.8],
         [nan, nan]])

* :func:`pca_plane` draws rows on a plane: a seeded two-component PCA, for the small pictures
  (analogy arithmetic, polysemy contexts, two models compared):

  >>> plane = pca_plane(np.array([[0.0, 0.0, 1.0], [2.0, 0.0, 1.0], [0.0, 1.0, 1.0]]))
  >>> plane.coordinates.shape, float(plane.explained.sum())
  ((3, 2), 1.0)
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import torch

ZeroRows = Literal["zero", "nan"]


@overload
def unit_rows(
    vectors: npt.ArrayLike,
    *,
    dtype: npt.DTypeLike | None = ...,
    norms: np.ndarray | None = ...,
    zero_rows: ZeroRows = ...,
    tensor: Literal[False] = ...,
) -> np.ndarray: ...


@overload
def unit_rows(
    vectors: npt.ArrayLike,
    *,
    dtype: npt.DTypeLike | None = ...,
    norms: np.ndarray | None = ...,
    zero_rows: ZeroRows = ...,
    tensor: Literal[True],
) -> torch.Tensor: ...


def unit_rows(
    vectors: npt.ArrayLike,
    *,
    dtype: npt.DTypeLike | None = np.float64,
    norms: np.ndarray | None = None,
    zero_rows: ZeroRows = "zero",
    tensor: bool = False,
) -> np.ndarray | torch.Tensor:
    """Each row scaled to unit length, as a 2-D array of ``dtype``.

    Parameters
    ----------
    vectors : array of shape (n, d) or (d,)
        One vector is treated as one row.
    dtype : numpy dtype or None
        float64 by default (exact statistics); float32 where memory matters (ANN indexes, neighbour
        searches); None keeps the input's dtype.
    norms : array of shape (n,), optional
        The rows' lengths when they are already known (gensim's cached ``kv.norms``), so that they
        are not computed again.
    zero_rows : {"zero", "nan"}
        What a zero row becomes: zero (it has no direction, and scores 0 against everything), or
        NaN, as plain division makes it: gensim's ``get_normed_vectors``, which the analogy
        evaluation reproduces (its CA8 scoring skips NaN as the CA8 script's ``nanargmax`` does).
        Callers whose rows are known to be non-zero pass "nan" to skip the check.
    tensor : bool
        Return a torch tensor, normalised by torch (it shares the array's memory when no copy is
        needed). torch rounds lengths differently from numpy in the last bit, so the neighbour
        searches that have always used torch's keep it, and give the very same neighbours.

    Returns
    -------
    numpy array, or torch tensor with ``tensor=True``, of shape (n, d)
    """
    matrix: np.ndarray = np.atleast_2d(np.asarray(vectors, dtype=dtype))
    if tensor:
        import torch

        rows = torch.from_numpy(np.ascontiguousarray(matrix))
        lengths = rows.norm(dim=1, keepdim=True) if norms is None else torch.from_numpy(np.asarray(norms)).unsqueeze(1)
        return rows / (torch.where(lengths == 0, 1, lengths) if zero_rows == "zero" else lengths)
    lengths_array = np.linalg.norm(matrix, axis=1, keepdims=True) if norms is None else np.asarray(norms)[:, np.newaxis]
    if zero_rows == "zero":
        return matrix / np.where(lengths_array == 0, 1, lengths_array)
    with np.errstate(divide="ignore", invalid="ignore"):
        return matrix / lengths_array


@dataclass(frozen=True, eq=False)
class Plane:
    """Rows drawn on a plane by a two-component PCA fitted on them (see :func:`pca_plane`).

    Attributes
    ----------
    coordinates : float array of shape (n, 2)
        The fitted rows on the plane.
    explained : float array of shape (2,)
        The share of the rows' variance each axis keeps (NaN when the rows do not vary at all).
    fitted : sklearn.decomposition.PCA
        The fitted PCA, for :meth:`place`.
    """

    coordinates: np.ndarray
    explained: np.ndarray
    fitted: Any

    def place(self, vectors: npt.ArrayLike) -> np.ndarray:
        """Where other vectors (one, or one per row) fall on the same plane: shape (m, 2)."""
        return self.fitted.transform(np.atleast_2d(vectors))


def pca_plane(rows: npt.ArrayLike) -> Plane:
    """Fit scikit-learn's ``PCA(n_components=2, random_state=0)`` on ``rows`` and place them on its plane.

    The same rows always give the same picture (the seed fixes the solver's random choices, when
    it makes any). Rows that do not vary at all (the same context twice) give zero coordinates and
    NaN shares rather than a warning.

    Parameters
    ----------
    rows : array of shape (n, d)
        At least two rows; ``d`` at least 2.

    Returns
    -------
    Plane
    """
    from sklearn.decomposition import PCA

    with warnings.catch_warnings():  # zero variance: the shares become NaN, which callers handle
        warnings.simplefilter("ignore", RuntimeWarning)
        fitted = PCA(n_components=2, random_state=0).fit(rows)
    return Plane(fitted.transform(rows), fitted.explained_variance_ratio_, fitted)
