"""Fast reading of word2vec text files: a compiled parser with gensim's results.

gensim parses a text vector file line by line in Python (about 29 s for the 540 MB
``sgns.literature.word`` on a 2-core machine). Here a compiled kernel (numba,
:mod:`embedlab.io.fastload_kernels`) parses every line of a block in parallel, so the same file
loads in a small fraction of that time, with the same words and bit-identical float32 values as
gensim's ``load_word2vec_format``::

    >>> from embedlab.io.fastload import read_word2vec_text
    >>> kv = read_word2vec_text("sgns.literature.word.bz2")           # doctest: +SKIP

To parse a big file only once, go through :mod:`embedlab.io.vector_cache` (``load_text``), which
keeps a memory-mapped copy of the arrays on disk.

How it works: the file is read in blocks of :data:`BLOCK_BYTES`, cut after the last complete
line; the kernel finds the lines, parses the numbers of every line at once, and marks the rare
lines it cannot parse exactly (long mantissas, ``nan``, junk), which are then parsed the way gensim
does, in Python. A wrong number of fields is reported with its line number.

What is accepted, as gensim accepts it: an optional ``count dims`` header; one line per word,
``word v1 ... vN``, fields separated by single spaces; trailing whitespace (the sgns files end
every line with a space; CRLF line ends); any bytes in words (undecodable ones become U+FFFD);
duplicate words (the first one wins). Anything else is an :class:`~embedlab.errors.InvalidInputError`
naming the file and the line.
"""

from __future__ import annotations

import bz2
import gzip
import logging
import zlib
from pathlib import Path

import numpy as np
from gensim.models import KeyedVectors

from embedlab.errors import InvalidInputError
from embedlab.progress import Progress  # here ``progress(bytes_read, file_size)``

log = logging.getLogger(__name__)

BLOCK_BYTES = 64 * 2**20
"""Bytes of the (decompressed) file parsed at a time."""

MAX_DIMS = 65_536
"""No embedding has more dimensions; a header claiming more is a broken or hostile file."""

_OK, _FIELD_COUNT, _SLOW = 0, 1, 2  # a line's status, as the compiled kernel reports it
_POW10 = np.array([10.0**k for k in range(23)])


def _open_raw(path: Path):
    """The file, decompressed by its extension, plus the raw handle (for progress)."""
    raw = path.open("rb")
    name = path.name.lower()
    if name.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw, mode="rb"), raw
    if name.endswith(".bz2"):
        return bz2.BZ2File(raw, mode="rb"), raw
    return raw, raw


def _header(line: bytes, name: str) -> tuple[int | None, int]:
    """``(count, dims)`` from a ``count dims`` header, or ``(None, dims)`` for a first data line."""
    fields = line.split()
    if len(fields) == 2 and all(field.isdigit() for field in fields):
        count, dims = int(fields[0]), int(fields[1])
        if not 1 <= dims <= MAX_DIMS:
            raise InvalidInputError.coded("vector_header_dims", name=name, dims=f"{dims:,}", max_dims=f"{MAX_DIMS:,}")
        return count, dims
    parts = line.rstrip().split(b" ")
    if len(parts) < 2:
        raise InvalidInputError.coded("vector_first_line_shape", name=name, line=repr(line[:80]))
    if len(parts) - 1 > MAX_DIMS:
        raise InvalidInputError.coded("vector_line_too_long", name=name, numbers=f"{len(parts) - 1:,}", max_dims=f"{MAX_DIMS:,}")
    return None, len(parts) - 1


def _careful_line(line: bytes, dims: int, name: str, line_no: int) -> np.ndarray:
    """One line parsed the way gensim does (``np.float32(token)``), for the rare slow tokens."""
    tokens = line.rstrip().split(b" ")[1:]
    try:
        return np.array([np.float32(token.decode("utf-8")).item() for token in tokens], dtype=np.float32)
    except (ValueError, UnicodeDecodeError):
        bad = next(t for t in tokens if not _is_number(t))
        if not bad:
            raise InvalidInputError.coded("vector_empty_field", name=name, line=line_no) from None
        raise InvalidInputError.coded(
            "vector_not_a_number", name=name, line=line_no, token=repr(bad.decode("utf-8", "replace")[:40])
        ) from None


def _is_number(token: bytes) -> bool:
    try:
        np.float32(token.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return False
    return True


class _Parser:
    """Parses blocks of whole lines into one growing result; knows line numbers for messages."""

    def __init__(self, name: str, dims: int, wanted: int | None, header_count: int | None, *, preallocate: bool):
        self.name = name
        self.header_count = header_count
        self.dims = dims
        self.wanted = wanted  # lines to read, or None for all
        self.next_line_no = 2 if header_count is not None else 1
        self.words: list[str] = []
        # With a believable count the rows go straight into their final array (no concatenation).
        self.out = np.empty((wanted, dims), dtype=np.float32) if wanted is not None and preallocate else None
        self.blocks: list[np.ndarray] = []
        self.count = 0

    @property
    def done(self) -> bool:
        return self.wanted is not None and self.count >= self.wanted

    def feed(self, data: bytearray | bytes, size: int) -> None:
        """Parse the complete lines in ``data[:size]`` (ending at a line end or the file's end)."""
        from embedlab.io.fastload_kernels import _gather_words, _line_bounds, _parse_lines  # numba, on the first file parsed

        buf = np.frombuffer(data, dtype=np.uint8, count=size)
        starts, ends = _line_bounds(buf)
        if self.wanted is not None:
            starts, ends = starts[: self.wanted - self.count], ends[: self.wanted - self.count]
        n = len(starts)
        if self.out is not None:
            out = self.out[self.count : self.count + n]
        else:
            out = np.empty((n, self.dims), dtype=np.float32)
            self.blocks.append(out)
        word_ends = np.empty(n, dtype=np.int64)
        fields = np.empty(n, dtype=np.int64)
        status = np.empty(n, dtype=np.int8)
        _parse_lines(buf, starts, ends, self.dims, _POW10, out, word_ends, fields, status)
        bad = np.flatnonzero(status == _FIELD_COUNT)
        if len(bad):
            i = int(bad[0])
            self._field_count_error(bytes(data[starts[i] : ends[i]]), int(fields[i]), self.next_line_no + i)
        for i in np.flatnonzero(status == _SLOW).tolist():
            out[i] = _careful_line(bytes(data[starts[i] : ends[i]]), self.dims, self.name, self.next_line_no + i)
        # One decode for the whole block: words never hold a newline, so joining on it is safe.
        joined = _gather_words(buf, starts, word_ends)
        if n:
            self.words.extend(joined.tobytes().decode("utf-8", "replace").split("\n"))
        self.count += n
        self.next_line_no += n

    def _field_count_error(self, line: bytes, fields: int, line_no: int) -> None:
        if not line.strip():
            raise InvalidInputError.coded("vector_empty_line", name=self.name, line=line_no, dims=self.dims)
        code = "vector_field_spacing" if b"\t" in line or b"  " in line else "vector_field_count"
        start = repr(line[:60].decode("utf-8", "replace"))
        raise InvalidInputError.coded(code, name=self.name, line=line_no, dims=self.dims, fields=fields, start=start)

    def result(self) -> tuple[list[str], np.ndarray]:
        if self.out is not None:
            return self.words, self.out[: self.count]
        return self.words, self.blocks[0] if len(self.blocks) == 1 else np.concatenate(self.blocks)


def parse_word2vec_text(
    path: str | Path, *, limit: int | None = None, progress: Progress | None = None
) -> tuple[list[str], np.ndarray]:
    """Words and float32 vectors of a word2vec text file, duplicates included.

    Parameters
    ----------
    path : str or Path
        Plain, ``.gz`` or ``.bz2``; with or without a ``count dims`` header.
    limit : int, optional
        Read only the first ``limit`` vectors (the rest of the file is not read).
    progress : callable, optional
        ``progress(bytes_read, file_size)`` after each block (sizes of the file on disk).

    Raises
    ------
    InvalidInputError
        For an empty, truncated or malformed file, naming the line.
    """
    path = Path(path)
    name = path.name
    total = path.stat().st_size
    handle, raw = _open_raw(path)
    with handle, raw:
        try:
            parser = _read_blocks(handle, raw, name, total, limit, progress)
        except InvalidInputError:
            raise
        except (OSError, EOFError, ValueError, zlib.error) as exc:
            raise InvalidInputError.coded("vector_file_incomplete", name=name, detail=str(exc)) from exc
    # with a header, wanted is never None (the header's count, or the limit below it)
    if parser.header_count is not None and parser.wanted is not None and parser.count < parser.wanted:
        promised, found = f"{parser.header_count:,}", f"{parser.count:,}"
        raise InvalidInputError.coded(
            "vector_file_short", name=name, promised=promised, count=found, line=parser.next_line_no - 1
        )
    if parser.count == 0:
        raise InvalidInputError.coded("no_vectors", name=name)
    if progress is not None:
        progress(total, total)
    return parser.result()


def _read_blocks(handle, raw, name: str, total: int, limit: int | None, progress: Progress | None) -> _Parser:
    first = handle.readline()
    if not first:
        raise InvalidInputError.coded("vector_file_empty", name=name)
    if not first.strip():
        raise InvalidInputError.coded("vector_first_line_empty", name=name)
    count, dims = _header(first, name)
    wanted = count if limit is None else (limit if count is None else min(count, limit))
    # Each number takes at least 2 bytes of text; word2vec text compresses less than 20:1. A header
    # promising more than that is not believed with memory: rows then go into blocks as they come.
    ratio = 1 if raw is handle else 20
    plausible = wanted is not None and wanted * dims * 2 <= total * ratio
    parser = _Parser(name, dims, wanted, count, preallocate=plausible)
    carry = b"" if count is not None else first
    data = bytearray(BLOCK_BYTES + len(carry))
    while not parser.done:
        if len(data) < len(carry) + BLOCK_BYTES:  # a line longer than a block
            data = bytearray(len(carry) + BLOCK_BYTES)
        data[: len(carry)] = carry
        got = handle.readinto(memoryview(data)[len(carry) : len(carry) + BLOCK_BYTES])
        size = len(carry) + got
        if not got:
            while size and data[size - 1] in b" \t\r\n":  # blank lines after the last vector are harmless
                size -= 1
            if size:
                parser.feed(data, size)
            break
        cut = data.rfind(b"\n", 0, size) + 1
        if cut:
            parser.feed(data, cut)
        carry = bytes(data[cut:size])
        if progress is not None:
            progress(min(raw.tell(), total), total)
    return parser


def keyed_vectors(words: list[str], vectors: np.ndarray, *, norms: np.ndarray | None = None) -> KeyedVectors:
    """Build ``KeyedVectors`` around arrays without copying them, as gensim's loader would.

    Duplicate words keep their first vector (gensim's rule). Counts are gensim's made-up
    descending ones.
    """
    key_to_index = dict(zip(words, range(len(words))))
    if len(key_to_index) != len(words):
        # Built from the end, each word's last assignment is its first occurrence.
        first = dict(zip(reversed(words), range(len(words) - 1, -1, -1)))
        keep = np.sort(np.fromiter(first.values(), dtype=np.int64, count=len(first)))
        log.warning("%d duplicate words: keeping the first vector of each", len(words) - len(keep))
        words = [words[i] for i in keep]
        vectors = np.ascontiguousarray(vectors[keep])
        norms = None if norms is None else norms[keep]
        key_to_index = {word: index for index, word in enumerate(words)}
    kv = KeyedVectors(vectors.shape[1], count=0, dtype=vectors.dtype)
    kv.index_to_key = words
    kv.key_to_index = key_to_index
    kv.vectors = vectors
    kv.norms = norms
    kv.expandos = {"count": np.arange(len(words), 0, -1, dtype=np.int64)}
    return kv


def read_word2vec_text(path: str | Path, *, limit: int | None = None, progress: Progress | None = None) -> KeyedVectors:
    """A word2vec text file as ``KeyedVectors`` equal to gensim's ``load_word2vec_format`` (not frozen).

    Raises
    ------
    InvalidInputError
        For an empty, truncated or malformed file, naming the line.
    """
    words, vectors = parse_word2vec_text(path, limit=limit, progress=progress)
    return keyed_vectors(words, vectors)
