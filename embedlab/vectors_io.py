"""Reading static vector files into read-only gensim ``KeyedVectors``.

Understood formats (compression by extension: ``.gz``, ``.bz2``):

* word2vec text with a ``count dims`` header (Google, fastText ``.vec``, Chinese-Word-Vectors
  ``sgns.*`` files, whose lines end with a space);
* the same without a header line (GloVe style);
* word2vec binary (``.bin``, or any file whose body is not text);
* gensim's own ``KeyedVectors.save`` / ``Word2Vec.save`` files (``.kv``, ``.model``).

Undecodable bytes in words are replaced (``unicode_errors="replace"``), never fatal.
"""

from __future__ import annotations

import bz2
import gzip
from pathlib import Path

from gensim.models import KeyedVectors

from embedlab.errors import InvalidInputError
from embedlab.fastload import load_text
from embedlab.static import freeze

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

    Raises
    ------
    InvalidInputError
        For an empty file or one that is not a vector file at all.
    """
    try:
        with _open_binary(path) as handle:
            head = handle.read(64 * 1024)
    except (OSError, EOFError) as exc:
        raise InvalidInputError(f"Cannot read {path.name}: {exc}") from exc
    if not head.strip():
        raise InvalidInputError(f"{path.name} is empty: a vector file has one word and its numbers per line.")
    first_line, _, rest = head.partition(b"\n")
    fields = first_line.split()
    has_header = len(fields) == 2 and all(f.isdigit() for f in fields)
    binary = _base_suffix(path) == ".bin"
    if has_header and not binary:
        # A binary body holds raw float bytes: many non-text bytes soon after the header.
        sample = rest[:4096]
        control = sum(1 for b in sample if b < 9 or 13 < b < 32)
        binary = bool(sample) and control > len(sample) // 50
    if binary and not has_header:  # gensim reads headerless files only as text
        raise InvalidInputError(
            f"{path.name} is not a word2vec binary file: it must start with a 'count dims' line (e.g. '3000000 300')."
        )
    if not binary:
        _require_utf8(path, head)
    if not has_header and not binary:
        if len(fields) < 2:
            raise InvalidInputError(
                f"{path.name} does not look like a vector file: its first line should be 'count dims' "
                "or 'word v1 v2 ...'."
            )
        try:
            [float(f) for f in fields[1:]]
        except ValueError as exc:
            raise InvalidInputError(
                f"{path.name} line 1: expected 'word' followed by numbers, got {first_line[:80]!r}."
            ) from exc
    return has_header, binary


def _require_utf8(path: Path, head: bytes) -> None:
    """Refuse a text vector file saved as UTF-16 or GB18030 instead of loading its words as mojibake.

    A few stray bytes stay allowed (they are replaced); a file mostly in another encoding is not.
    """
    text = head.decode("utf-8", errors="replace")
    if b"\x00" in head or text.count("\ufffd") > max(3, len(text) // 1000):
        raise InvalidInputError(
            f"{path.name} is not UTF-8 text (it may be UTF-16 or GB18030/GBK). Text vector files must be UTF-8: "
            f"save it again as UTF-8 (e.g. iconv -f GB18030 -t UTF-8 {path.name} > utf8-{path.name})."
        )


def load_vectors(path: str | Path, *, limit: int | None = None, cache: bool | None = None) -> KeyedVectors:
    """Load a vector file into frozen ``KeyedVectors``.

    Text files go through :mod:`embedlab.fastload` (a compiled parser, and a memory-mapped
    cache for big files); binary and gensim-native files through gensim.

    Parameters
    ----------
    path : str or Path
        A file in one of the module's formats.
    limit : int, optional
        Read only the first ``limit`` words (files are usually sorted by frequency).
    cache : bool, optional
        For text files: see :func:`embedlab.fastload.load_text` (default: cache big files).

    Raises
    ------
    InvalidInputError
        When the file is missing, empty, truncated or malformed; the message names the file and,
        where known, the line.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise InvalidInputError(f"No such vector file: {path}")
    if limit is not None and limit < 1:
        raise InvalidInputError(f"limit must be a positive number of words, not {limit}.")
    if _base_suffix(path) in NATIVE_SUFFIXES:
        return freeze(_load_native(path))
    has_header, binary = sniff_format(path)
    if not binary:
        return freeze(load_text(path, limit=limit, cache=cache))
    try:
        kv = KeyedVectors.load_word2vec_format(
            str(path), binary=binary, limit=limit, unicode_errors="replace", no_header=not has_header
        )
    except (ValueError, EOFError, UnicodeDecodeError, IndexError, OSError) as exc:
        raise InvalidInputError(f"{path.name} is malformed or truncated: {exc}") from exc
    if len(kv.index_to_key) == 0:
        raise InvalidInputError(f"{path.name} holds no vectors.")
    return freeze(kv)


def _load_native(path: Path) -> KeyedVectors:
    try:
        loaded = KeyedVectors.load(str(path))
    except Exception as exc:  # pickle raises many types; any of them means an unusable file
        raise InvalidInputError(f"{path.name} is not a gensim model file: {exc}") from exc
    kv = getattr(loaded, "wv", loaded)
    if not isinstance(kv, KeyedVectors):
        raise InvalidInputError(f"{path.name} holds a {type(loaded).__name__}, not word vectors.")
    return kv


def is_vector_file(path: Path) -> bool:
    """Whether ``path`` looks like a static model by its name (used to scan the models folder)."""
    return path.is_file() and _base_suffix(path) in VECTOR_SUFFIXES
