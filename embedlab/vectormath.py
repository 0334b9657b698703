"""Small vector helpers shared by the backend: one place for the maths every module needs.

Keep these dependency-free (numpy only) and exact: tests compare results built on them with
gensim, scipy and scikit-learn.

>>> import numpy as np
>>> unit_rows(np.array([[3.0, 4.0], [0.0, 0.0]]))
array([[0.6, 0.8],
       [0. , 0. ]])
"""

from __future__ import annotations

import numpy as np


def unit_rows(vectors: np.ndarray, *, dtype: type = np.float64) -> np.ndarray:
    """Each row scaled to unit length (a zero row stays zero), as a 2-D array of ``dtype``.

    Parameters
    ----------
    vectors : array of shape (n, d) or (d,)
        One vector is treated as one row.
    dtype : numpy dtype
        float64 by default (exact statistics); float32 where memory matters (ANN indexes).
    """
    matrix: np.ndarray = np.atleast_2d(np.asarray(vectors, dtype=dtype))
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms).astype(dtype)
