"""The compiled kernels of :mod:`embedlab.io.fastload` (numba), imported on the first text file parsed.

Kept apart so that importing the app does not import numba (about a second, and tens of MB) on a
server that never parses a vector file; numba's on-disk cache keeps the compiled code.
"""

from __future__ import annotations

import numpy as np

from embedlab.io.fastload import _FIELD_COUNT, _OK, _SLOW
from embedlab.projection.engine import configure_numba_cache

configure_numba_cache()  # before numba is imported, so that the compiled kernels are cached

from numba import njit, prange  # noqa: E402


@njit(cache=True, nogil=True)
def _line_bounds(buf):  # pragma: no cover - compiled
    """Start and end (exclusive, before the newline) of every line in ``buf``."""
    n = 0
    for i in range(buf.shape[0]):
        if buf[i] == 10:
            n += 1
    if buf.shape[0] > 0 and buf[buf.shape[0] - 1] != 10:
        n += 1
    starts = np.empty(n, np.int64)
    ends = np.empty(n, np.int64)
    line = 0
    start = 0
    for i in range(buf.shape[0]):
        if buf[i] == 10:
            starts[line] = start
            ends[line] = i
            line += 1
            start = i + 1
    if line < n:
        starts[line] = start
        ends[line] = buf.shape[0]
    return starts, ends


@njit(cache=True, nogil=True, parallel=True)
def _parse_lines(buf, starts, ends, dims, pow10, out, word_ends, fields, status):  # pragma: no cover - compiled
    """Parse ``word v1 ... vN`` lines into ``out``; flag lines the fast path cannot take.

    A number takes the fast path when it has at most 15 significant digits and a decimal
    exponent within ±22: then ``m * 10**e`` (or ``m / 10**-e``) of two exact doubles is the
    correctly rounded double, and its float32 cast is exactly what gensim stores. Other numbers
    (long mantissas, nan, inf, junk) mark the line ``_SLOW`` for the careful path in Python.
    """
    for i in prange(starts.shape[0]):
        p = starts[i]
        e = ends[i]
        while e > p and (buf[e - 1] == 32 or (9 <= buf[e - 1] <= 13)):
            e -= 1
        q = p
        while q < e and buf[q] != 32:
            q += 1
        word_ends[i] = q
        col = 0
        slow = False
        while q < e:
            q += 1  # the single space before a number
            negative = False
            if q < e and (buf[q] == 45 or buf[q] == 43):
                negative = buf[q] == 45
                q += 1
            mantissa = 0
            digits = 0
            scale = 0
            seen = False
            while q < e and 48 <= buf[q] <= 57:
                if mantissa > 0 or buf[q] != 48:
                    digits += 1
                if digits <= 15:
                    mantissa = mantissa * 10 + (buf[q] - 48)
                seen = True
                q += 1
            if q < e and buf[q] == 46:
                q += 1
                while q < e and 48 <= buf[q] <= 57:
                    if mantissa > 0 or buf[q] != 48:
                        digits += 1
                    if digits <= 15:
                        mantissa = mantissa * 10 + (buf[q] - 48)
                    scale -= 1
                    seen = True
                    q += 1
            if q < e and (buf[q] == 101 or buf[q] == 69) and seen:
                q += 1
                exp_negative = False
                if q < e and (buf[q] == 45 or buf[q] == 43):
                    exp_negative = buf[q] == 45
                    q += 1
                exponent = 0
                exp_seen = False
                while q < e and 48 <= buf[q] <= 57:
                    if exponent < 10000:
                        exponent = exponent * 10 + (buf[q] - 48)
                    exp_seen = True
                    q += 1
                if not exp_seen:
                    seen = False
                scale += -exponent if exp_negative else exponent
            if not seen or digits > 15 or (q < e and buf[q] != 32) or scale < -22 or scale > 22:
                slow = True
                while q < e and buf[q] != 32:
                    q += 1
            elif col < dims:
                value = mantissa * pow10[scale] if scale >= 0 else mantissa / pow10[-scale]
                out[i, col] = -value if negative else value
            col += 1
        fields[i] = col
        if col != dims:
            status[i] = _FIELD_COUNT
        elif slow:
            status[i] = _SLOW
        else:
            status[i] = _OK


@njit(cache=True, nogil=True)
def _gather_words(buf, starts, word_ends):  # pragma: no cover - compiled
    """The words' bytes joined by newlines, for a single decode."""
    n = starts.shape[0]
    size = n - 1 if n else 0
    for i in range(n):
        size += word_ends[i] - starts[i]
    joined = np.empty(size, np.uint8)
    k = 0
    for i in range(n):
        if i:
            joined[k] = 10
            k += 1
        for j in range(starts[i], word_ends[i]):
            joined[k] = buf[j]
            k += 1
    return joined
