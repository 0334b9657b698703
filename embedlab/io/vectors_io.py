"""Reading static vector files into read-only gensim ``KeyedVectors``.

Understood formats (compression by extension: ``.gz``, ``.bz2``):

* word2vec text with a ``count dims`` header (Google, fastText ``.vec``, Chinese-Word-Vectors
  ``sgns.*`` files, whose lines end with a space);
* the same without a header line (GloVe style);
* word2vec binary (``.bin``, or any file whose body is not text);
* fastText's own ``.bin`` models (``cc.zh.300.bin``, or what ``fasttext`` ``save_model`` writes),
  through gensim's ``load_facebook_vectors``. Such a model keeps the vectors of character n-grams
  besides its words, so a word it never saw still gets a vector (the mean of its n-grams' vectors):
  :class:`~embedlab.static.model.StaticModel` then answers for out-of-vocabulary words too;
* gensim's own ``KeyedVectors.save`` / ``Word2Vec.save`` files (``.kv``, ``.model``).

A word2vec binary starts with a text line ``count dims``; a fastText ``.bin`` starts with binary
integers. :func:`fasttext_header` walks a fastText file's structure before gensim reads it, so a
truncated or foreign file is refused with a message instead of hanging or exhausting memory.

Undecodable bytes in words are replaced (``unicode_errors="replace"``), never fatal. A file that
cannot be read is refused with an :class:`~embedlab.errors.InvalidInputError` carrying a message code
(``error.vector_file_*``, ``error.bin_*``, ``error.fasttext_*`` ...), so the UI says why in its own language.
"""

from __future__ import annotations

import bz2
import gzip
import struct
from dataclasses import dataclass
from pathlib import Path

from gensim.models import KeyedVectors

from embedlab.errors import InvalidInputError
from embedlab.io.fastload import MAX_DIMS
from embedlab.io.vector_cache import load_text
from embedlab.static.model import freeze

VECTOR_SUFFIXES = (".word", ".vec", ".txt", ".bin", ".w2v", ".kv", ".model", ".char", ".bigram")
NATIVE_SUFFIXES = (".kv", ".model")


def _open_binary(path: Path):
    name = path.name.lower()
    if name.endswith(".gz"):
        return gzip.open(path, "rb")
    if name.endswith(".bz2"):
        return bz2.open(path, "rb")
    return path.open("rb")


def _base_suffix(path: Path) -> str:
    name = path.name.lower()
    for compressed in (".gz", ".bz2"):
        if name.endswith(compressed):
            name = name[: -len(compressed)]
    return Path(name).suffix


def sniff_format(path: Path) -> tuple[bool, bool]:
    """Return ``(has_header, binary)`` by reading the start of the file.

    ``(False, True)`` is a ``.bin`` file without a word2vec ``count dims`` line: a fastText model
    (see :func:`fasttext_header`), or not a vector file at all.

    Raises
    ------
    InvalidInputError
        For an empty file or one that is not a vector file at all.
    """
    try:
        with _open_binary(path) as handle:
            head = handle.read(64 * 1024)
    except (OSError, EOFError) as exc:
        raise InvalidInputError.coded("vector_file_unreadable", name=path.name, detail=str(exc)) from exc
    if not head.strip():
        raise InvalidInputError.coded("vector_file_empty", name=path.name)
    first_line, _, rest = head.partition(b"\n")
    fields = first_line.split()
    has_header = len(fields) == 2 and all(f.isdigit() for f in fields)
    binary = _base_suffix(path) == ".bin"
    if has_header and not binary:
        # A binary body holds raw float bytes: many non-text bytes soon after the header.
        sample = rest[:4096]
        control = sum(1 for b in sample if b < 9 or 13 < b < 32)
        binary = bool(sample) and control > len(sample) // 50
    if binary and not has_header:  # not word2vec: fastText's own .bin format, checked by fasttext_header
        return False, True
    if not binary:
        _require_utf8(path, head)
    if not has_header and not binary:
        if len(fields) < 2:
            raise InvalidInputError.coded("not_a_vector_file", name=path.name)
        try:
            [float(f) for f in fields[1:]]
        except ValueError as exc:
            raise InvalidInputError.coded("vector_file_first_line", name=path.name, line=repr(first_line[:80])) from exc
    return has_header, binary


def _require_utf8(path: Path, head: bytes) -> None:
    """Refuse a text vector file saved as UTF-16 or GB18030 instead of loading its words as mojibake.

    A few stray bytes stay allowed (they are replaced); a file mostly in another encoding is not.
    """
    text = head.decode("utf-8", errors="replace")
    if b"\x00" in head or text.count("\ufffd") > max(3, len(text) // 1000):
        raise InvalidInputError.coded("vector_file_not_utf8", name=path.name)


def load_vectors(path: str | Path, *, limit: int | None = None, cache: bool | None = None) -> KeyedVectors:
    """Load a vector file into frozen ``KeyedVectors``.

    Text files go through :mod:`embedlab.io.fastload` (a compiled parser) and
    :mod:`embedlab.io.vector_cache` (a memory-mapped cache for big files); binary and gensim-native files through gensim.

    Parameters
    ----------
    path : str or Path
        A file in one of the module's formats.
    limit : int, optional
        Read only the first ``limit`` words (files are usually sorted by frequency).
    cache : bool, optional
        For text files: see :func:`embedlab.io.vector_cache.load_text` (default: cache big files).

    Raises
    ------
    InvalidInputError
        When the file is missing, empty, truncated or malformed; the message names the file and,
        where known, the line.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise InvalidInputError.coded("no_vector_file", path=str(path))
    if limit is not None and limit < 1:
        raise InvalidInputError.coded("vector_limit", value=limit)
    if _base_suffix(path) in NATIVE_SUFFIXES:
        return freeze(_load_native(path))
    has_header, binary = sniff_format(path)
    if not binary:
        return freeze(load_text(path, limit=limit, cache=cache))
    if not has_header:
        if limit is not None:
            raise InvalidInputError.coded("fasttext_limit", name=path.name)
        return freeze(load_fasttext(path))
    try:
        kv = KeyedVectors.load_word2vec_format(
            str(path), binary=binary, limit=limit, unicode_errors="replace", no_header=not has_header
        )
    except (ValueError, EOFError, UnicodeDecodeError, IndexError, OSError) as exc:
        raise InvalidInputError.coded("vector_file_malformed", name=path.name, detail=str(exc)) from exc
    if len(kv.index_to_key) == 0:
        raise InvalidInputError.coded("no_vectors", name=path.name)
    return freeze(kv)


FASTTEXT_MAGIC = 793712314
FASTTEXT_VERSION = 12
_FASTTEXT_FIELDS = ("epoch", "min_count", "neg", "word_ngrams", "loss", "model", "bucket", "minn", "maxn", "lr_update_rate")
_SUPERVISED = 3  # fastText's model_name::sup
_COMPRESSION_RATIO = 20
"""Float tables compress far less than 20:1; a compressed file claiming more is broken or hostile."""


@dataclass(frozen=True)
class FastTextHeader:
    """What a fastText ``.bin`` file holds, read from its header.

    Attributes
    ----------
    dims : int
    words : int
        Words in the vocabulary.
    buckets : int
        Rows of the character n-gram table (0: no n-grams, so no vectors for unknown words).
    min_n, max_n : int
        Lengths of the character n-grams, in characters.
    new_format : bool
        Written by fastText 0.2 or later (the file starts with fastText's magic number).
    """

    dims: int
    words: int
    buckets: int
    min_n: int
    max_n: int
    new_format: bool


class _Truncated(InvalidInputError):
    """The file ends before its structure says it should."""


class _Reader:
    """Exact-size reads from a (possibly compressed) stream that say what is missing at the end."""

    def __init__(self, handle, name: str):
        self.handle, self.name, self.offset = handle, name, 0
        self.buffer, self.start = b"", 0

    def _refill(self, size: int) -> None:
        more = self.handle.read(max(size, 1 << 20))
        if not more:
            raise _Truncated.coded("fasttext_truncated_at", name=self.name, offset=self.offset + len(self.buffer) - self.start)
        self.buffer = self.buffer[self.start :] + more
        self.start = 0

    def take(self, size: int) -> bytes:
        while len(self.buffer) - self.start < size:
            self._refill(size)
        data = self.buffer[self.start : self.start + size]
        self.start += size
        self.offset += size
        return data

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack("@" + fmt, self.take(struct.calcsize("@" + fmt)))

    def skip_word(self) -> None:
        """Skip one NUL-terminated vocabulary word (at most 64 KiB)."""
        while (end := self.buffer.find(b"\0", self.start)) < 0:
            if len(self.buffer) - self.start > 65_536:
                raise InvalidInputError.coded("fasttext_long_word", name=self.name, offset=self.offset)
            self._refill(1 << 20)
        self.offset += end + 1 - self.start
        self.start = end + 1


def fasttext_header(path: str | Path, *, full: bool = True) -> FastTextHeader:
    """Check that ``path`` is a fastText ``.bin`` model gensim can load, and describe it.

    gensim's own reader loops forever on a file cut inside its vocabulary and allocates whatever
    table size a header claims, so a file is walked here first: the header, every vocabulary
    entry, and the shape of the vector table against the bytes that follow.

    Parameters
    ----------
    path : str or Path
        The file (optionally ``.gz``/``.bz2``).
    full : bool
        Also walk the vocabulary and check the vector table's shape against the file's size
        (``False`` reads only the first hundred bytes).

    Returns
    -------
    FastTextHeader

    Raises
    ------
    InvalidInputError
        For a file that is not a fastText model (naming what it would have to be), a supervised
        or quantized model (no word vectors to explore), or a truncated file.
    """
    path = Path(path)
    try:
        with _open_binary(path) as handle:
            reader = _Reader(handle, path.name)
            header, vocab_size = _fasttext_args(reader, path.name)
            if not full:
                return header
            rows, columns = _fasttext_table_shape(reader, path.name, header, vocab_size)
    except (OSError, EOFError) as exc:
        raise InvalidInputError.coded("vector_file_unreadable", name=path.name, detail=str(exc)) from exc
    if columns != header.dims or rows != header.words + header.buckets:
        raise InvalidInputError.coded(
            "fasttext_table_shape",
            name=path.name,
            rows=rows,
            columns=columns,
            expected_rows=header.words + header.buckets,
            dims=header.dims,
        )
    table = rows * columns * 4
    compressed = path.name.lower().endswith((".gz", ".bz2"))
    available = path.stat().st_size * _COMPRESSION_RATIO if compressed else path.stat().st_size - reader.offset
    if table > available:
        raise InvalidInputError.coded("fasttext_table_truncated", name=path.name, needed=table, available=max(available, 0))
    return header


def _fasttext_args(reader: _Reader, name: str) -> tuple[FastTextHeader, int]:
    """The model's arguments and vocabulary counts (fastText's ``Args::save`` then ``Dictionary::save``)."""
    # The bin_* messages say the file is neither a word2vec binary nor a fastText model, then why.
    try:
        magic, version = reader.unpack("2i")
        new_format = magic == FASTTEXT_MAGIC  # files from before fastText 0.2 start with the dimensions
        dims = reader.unpack("2i")[0] if new_format else magic  # (dim, ws) or, in old files, already read
        fields = dict(zip(_FASTTEXT_FIELDS, reader.unpack("10i")))
        reader.unpack("d")  # t, the sampling threshold
        vocab_size, words, labels = reader.unpack("3i")
    except _Truncated:
        raise InvalidInputError.coded("bin_too_short", name=name) from None
    if new_format and version > FASTTEXT_VERSION:
        raise InvalidInputError.coded("fasttext_too_new", name=name, version=version, supported=FASTTEXT_VERSION)
    buckets, min_n, max_n = fields["bucket"], fields["minn"], fields["maxn"]
    if not 1 <= dims <= MAX_DIMS or not 0 <= buckets < 2**31 or not 0 <= min_n <= max_n <= 1000:
        raise InvalidInputError.coded("bin_bad_header", name=name, dims=dims)
    if fields["model"] == _SUPERVISED or labels > 0:
        raise InvalidInputError.coded("fasttext_supervised", name=name)
    if not 0 <= words <= vocab_size or labels < 0 or words + labels != vocab_size:
        raise InvalidInputError.coded("bin_bad_counts", name=name, vocab_size=vocab_size, words=words)
    return FastTextHeader(dims, words, buckets, min_n, max_n, new_format), vocab_size


def _fasttext_table_shape(reader: _Reader, name: str, header: FastTextHeader, vocab_size: int) -> tuple[int, int]:
    """Walk the vocabulary and return the input vector table's ``(rows, columns)``."""
    reader.unpack("q")  # tokens seen in training
    pruned = reader.unpack("q")[0] if header.new_format else -1
    for _ in range(vocab_size):
        reader.skip_word()
        reader.take(9)  # count (int64) and entry type (int8)
    if pruned > 0 or (header.new_format and reader.unpack("?")[0]):
        raise InvalidInputError.coded("fasttext_quantized", name=name)
    return reader.unpack("2q")


def is_fasttext_bin(path: Path) -> bool:
    """Whether ``path`` is a ``.bin`` without a word2vec header (so fastText's format, if any)."""
    if _base_suffix(path) != ".bin":
        return False
    has_header, binary = sniff_format(path)
    return binary and not has_header


def load_fasttext(path: str | Path) -> KeyedVectors:
    """A fastText ``.bin`` model as gensim ``FastTextKeyedVectors`` (gensim's ``load_facebook_vectors``).

    Raises
    ------
    InvalidInputError
        When :func:`fasttext_header` refuses the file, or gensim cannot read it.
    """
    from gensim.models.fasttext import load_facebook_vectors

    path = Path(path)
    fasttext_header(path)
    try:
        return load_facebook_vectors(str(path))
    except Exception as exc:  # gensim raises assertions, ValueErrors and struct errors on broken files
        raise InvalidInputError.coded("fasttext_malformed", name=path.name, detail=str(exc)) from exc


def _load_native(path: Path) -> KeyedVectors:
    try:
        loaded = KeyedVectors.load(str(path))
    except Exception as exc:  # pickle raises many types; any of them means an unusable file
        raise InvalidInputError.coded("not_gensim_model", name=path.name, detail=str(exc)) from exc
    kv = getattr(loaded, "wv", loaded)
    if not isinstance(kv, KeyedVectors):
        raise InvalidInputError.coded("not_word_vectors", name=path.name, type=type(loaded).__name__)
    return kv


def is_vector_file(path: Path) -> bool:
    """Whether ``path`` looks like a static model by its name (used to scan the models folder)."""
    return path.is_file() and _base_suffix(path) in VECTOR_SUFFIXES
