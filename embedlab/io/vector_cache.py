"""A memory-mapped cache of word2vec text files: parse once, map the arrays ever after.

Parsing a big text vector file takes seconds even with :mod:`embedlab.io.fastload`'s compiled
parser. Converting it once writes ``vectors.npy`` + ``norms.npy`` + ``vocab.txt`` into a cache
folder; later loads map the arrays from disk (well under a second, and every process that maps the
same file shares one copy of it in the page cache)::

    >>> from embedlab.io.vector_cache import convert, load_cache, load_text
    >>> folder = convert("sgns.literature.word.bz2")                   # doctest: +SKIP
    >>> kv = load_cache(folder)        # read-only, memory-mapped       # doctest: +SKIP
    >>> kv = load_text("sgns.literature.word.bz2")   # the cache when valid, else parse (and cache)   # doctest: +SKIP

:func:`load_text` does both: it uses a valid cache or parses and (for big files) writes one.
``float16=True`` halves the cache on disk; such a cache is widened to float32 in memory when
loaded (gensim's maths on float16 is slow), so it is not shared between processes.

How a cache stays trustworthy
-----------------------------
* **A changed source** is spotted cheaply: ``meta.json`` records the source's size, modification
  time and a CRC-32 of its first and last 64 KB (:func:`cache_is_valid`).
* **A damaged cache** (a file cut short, an altered ``.npy`` header or data) is spotted by the
  size and CRC-32 of each cache file, recorded when it was written (:func:`verify_cache`); a
  damaged cache raises :class:`CacheDamagedError` and :func:`load_text` rebuilds it.
* **Two writers at once** (sessions or server processes) take turns on a lock file; each writes
  into a temporary folder that is renamed into place, so a half-written cache is never read and
  readers that already mapped the old files keep them.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import zlib
from pathlib import Path

import numpy as np
from gensim.models import KeyedVectors

from embedlab import files
from embedlab.errors import DiskFullError, EmbedLabError, InvalidInputError
from embedlab.io.fastload import keyed_vectors, read_word2vec_text
from embedlab.progress import Progress

log = logging.getLogger(__name__)

CACHE_VERSION = 2  # 2: checksums of the cache files and a sampled checksum of the source
CACHE_MIN_BYTES = 16 * 2**20
"""Files at least this big are cached on first load when caching is left automatic."""

CACHE_FILES = ("vectors.npy", "norms.npy", "vocab.txt")
"""What a cache folder holds besides ``meta.json``, which records each file's size and CRC-32."""

_READ_BLOCK = 4 * 2**20
_SAMPLE_BYTES = 64 * 2**10


class CacheDamagedError(EmbedLabError):
    """A cache folder whose files differ from what its ``meta.json`` recorded when it was written.

    Attributes
    ----------
    reason : {"missing", "truncated", "corrupted", "unreadable"}
        What was found: a file gone, a file shorter than written, different bytes (the header or
        the data), or a ``meta.json`` that cannot be read.
    file : str
        The file at fault.
    """

    def __init__(self, folder: Path, reason: str, file: str, detail: str):
        self.reason, self.file = reason, file
        super().__init__(
            f"The vector cache in {folder} is damaged ({file}: {detail}). It is rebuilt from the source file "
            "when the model loads; or delete the folder."
        )


def default_cache_root() -> Path:
    """``<models_dir>/.cache``: caches live beside the models they speed up."""
    from embedlab.config import load_settings

    return load_settings().models_dir / ".cache"


def cache_folder(path: str | Path, *, limit: int | None = None, float16: bool = False, cache_root: Path | None = None) -> Path:
    """Where the cache of ``path`` (read with ``limit``, stored as float16 or not) lives."""
    path = Path(path).expanduser().resolve()
    digest = hashlib.sha1(str(path).encode("utf-8")).hexdigest()[:10]
    variant = ("all" if limit is None else f"limit{limit}") + ("-f16" if float16 else "")
    return (cache_root or default_cache_root()) / f"{path.name}-{digest}" / variant


def _lock_of(folder: Path) -> Path:
    """The lock that serialises writers of ``folder`` (a sibling file, removed with the model's caches)."""
    return folder.parent / f".{folder.name}.lock"


def _crc32(path: Path) -> tuple[int, int]:
    """``(size, CRC-32)`` of a file, read in blocks."""
    crc = size = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(_READ_BLOCK), b""):
            crc = zlib.crc32(block, crc)
            size += len(block)
    return size, crc


def _sample_crc32(path: Path, size: int) -> int:
    """CRC-32 of the source's first and last 64 KB: a same-size, same-time replacement still changes it."""
    with path.open("rb") as handle:
        crc = zlib.crc32(handle.read(_SAMPLE_BYTES))
        if size > _SAMPLE_BYTES:
            handle.seek(max(_SAMPLE_BYTES, size - _SAMPLE_BYTES))
            crc = zlib.crc32(handle.read(_SAMPLE_BYTES), crc)
    return crc


def _source_stamp(path: Path) -> dict:
    stat = path.stat()
    return {
        "source": str(path.resolve()),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "sample_crc32": _sample_crc32(path, stat.st_size),
    }


def _read_meta(folder: Path) -> dict:
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CacheDamagedError(folder, "missing", "meta.json", "no such file") from None
    except (OSError, ValueError) as exc:
        raise CacheDamagedError(folder, "unreadable", "meta.json", str(exc)) from None
    if not isinstance(meta, dict) or not isinstance(meta.get("files"), dict):
        raise CacheDamagedError(folder, "unreadable", "meta.json", "no file records")
    return meta


def cache_is_valid(folder: Path, source: Path) -> bool:
    """Whether ``folder`` holds a cache made from ``source`` as it is now (its size, time and sampled bytes).

    Cheap: only ``meta.json`` and 128 KB of the source are read. :func:`verify_cache` checks the
    cache's own files.
    """
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        stamp = _source_stamp(source)
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and meta.get("version") == CACHE_VERSION and all(meta.get(k) == v for k, v in stamp.items())


def verify_cache(folder: Path) -> dict:
    """Check every file of a cache folder against the size and CRC-32 recorded when it was written.

    Reads the files once (about 0.2 s for a 240 MB cache; the pages then sit in the page cache that
    the memory map uses anyway). Returns the folder's ``meta.json`` content.

    Raises
    ------
    CacheDamagedError
        For a missing, truncated or altered file (header or data), or an unreadable ``meta.json``.
    """
    folder = Path(folder)
    meta = _read_meta(folder)
    for name in CACHE_FILES:
        record = meta["files"].get(name) or {}
        path = folder / name
        try:
            size, crc = _crc32(path)
        except FileNotFoundError:
            raise CacheDamagedError(folder, "missing", name, "no such file") from None
        except OSError as exc:
            raise CacheDamagedError(folder, "unreadable", name, str(exc)) from None
        if size != record.get("size"):
            reason = "truncated" if isinstance(record.get("size"), int) and size < record["size"] else "corrupted"
            raise CacheDamagedError(folder, reason, name, f"{size:,} bytes where {record.get('size')!r} were written")
        if crc != record.get("crc32"):
            raise CacheDamagedError(folder, "corrupted", name, "its checksum differs from the one recorded when it was written")
    return meta


def convert(
    path: str | Path,
    *,
    limit: int | None = None,
    float16: bool = False,
    cache_root: Path | None = None,
    progress: Progress | None = None,
) -> Path:
    """Parse ``path`` once and write its cache folder; return the folder.

    The folder holds ``vectors.npy`` (float32, or float16 when asked), ``norms.npy`` (float32
    norms of the stored vectors), ``vocab.txt`` (one word per line: words never contain a newline
    in a line-based format) and ``meta.json`` (the source's size, time and sampled checksum, to spot
    a changed file; each cache file's size and CRC-32, to spot a damaged one). It is written to a
    temporary folder and renamed, under a lock file, so two writers at once (sessions or server
    processes) leave one complete cache and a half-written one is never read.

    Raises
    ------
    InvalidInputError
        For a malformed source file, or a cache folder that cannot be written.
    DiskFullError
        When the disk fills up while writing (nothing half-written is kept).
    """
    source = Path(path).expanduser()
    folder = cache_folder(source, limit=limit, float16=float16, cache_root=cache_root)
    kv = read_word2vec_text(source, limit=limit, progress=progress)
    try:
        with files.locked(_lock_of(folder)):
            _write_cache(kv, source, folder, limit=limit, float16=float16)
    except OSError as exc:
        raise _write_error(exc, source, folder) from exc
    return folder


def _write_error(exc: OSError, source: Path, folder: Path) -> EmbedLabError:
    if files.no_space(exc):
        return DiskFullError.coded("disk_full_cache", name=source.name, folder=str(folder.parent.parent))
    return InvalidInputError.coded("cache_unwritable", folder=str(folder.parent), detail=str(exc))


def _write_cache(kv: KeyedVectors, source: Path, folder: Path, *, limit: int | None, float16: bool) -> None:
    """Write the cache into a staging folder, record what was read back, and swap it into place (hold the lock)."""
    vectors = kv.vectors.astype(np.float16) if float16 else kv.vectors
    norms = np.linalg.norm(vectors.astype(np.float32, copy=False), axis=1)  # as gensim's fill_norms
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=folder.parent))
    try:
        _save_npy(staging / "vectors.npy", vectors)
        _save_npy(staging / "norms.npy", norms)
        (staging / "vocab.txt").write_bytes("\n".join(kv.index_to_key).encode("utf-8"))
        records = {}
        for name in CACHE_FILES:  # read back: what is recorded is what reached the disk
            with (staging / name).open("rb") as handle:
                os.fsync(handle.fileno())
            size, crc = _crc32(staging / name)
            records[name] = {"size": size, "crc32": crc}
        meta = {
            "version": CACHE_VERSION,
            **_source_stamp(source),
            "limit": limit,
            "count": len(kv.index_to_key),
            "dims": int(kv.vector_size),
            "dtype": str(vectors.dtype),
            "files": records,
        }
        (staging / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
        old = None
        if folder.exists():  # renamed away first: readers that mapped its files keep them
            old = Path(tempfile.mkdtemp(prefix=".old-", dir=folder.parent))
            os.replace(folder, old / folder.name)
        os.replace(staging, folder)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


class _PlainWriter:
    """A file as numpy sees a stream: ``np.save`` then writes through Python, whose errors keep their errno
    (on a real file numpy's own short-write error has none, so a full disk could not be told apart)."""

    def __init__(self, handle):
        self.write = handle.write


def _save_npy(path: Path, array: np.ndarray) -> None:
    with path.open("wb") as handle:
        np.lib.format.write_array(_PlainWriter(handle), np.ascontiguousarray(array), allow_pickle=False)


def load_cache(folder: str | Path, *, verify: bool = True) -> KeyedVectors:
    """``KeyedVectors`` over a cache folder: float32 arrays memory-mapped read-only, norms included.

    A float16 cache is widened to a private float32 copy in memory.

    Parameters
    ----------
    verify : bool
        Check every file against its recorded size and checksum first (:func:`verify_cache`).

    Raises
    ------
    CacheDamagedError
        For a missing, cut or altered file, or arrays that disagree with the recorded shape.
    """
    folder = Path(folder)
    meta = verify_cache(folder) if verify else _read_meta(folder)
    try:
        vectors = np.load(folder / "vectors.npy", mmap_mode="r")
        norms = np.load(folder / "norms.npy", mmap_mode="r")
        words = (folder / "vocab.txt").read_bytes().decode("utf-8").split("\n")  # not read_text: a word may hold "\r"
    except (OSError, ValueError) as exc:  # a bad .npy header, a file cut short, bytes that are not UTF-8
        raise CacheDamagedError(folder, "corrupted", "vectors.npy", str(exc)) from None
    expected = (meta.get("count"), meta.get("dims"))
    if (
        vectors.shape != expected
        or str(vectors.dtype) != meta.get("dtype")
        or norms.shape != (vectors.shape[0],)
        or len(words) != vectors.shape[0]
    ):
        raise CacheDamagedError(
            folder, "corrupted", "vectors.npy", f"arrays of shape {vectors.shape} where {expected} were written"
        )
    if vectors.dtype != np.float32:
        vectors = np.array(vectors, dtype=np.float32)  # a private ndarray, not a memmap
    return keyed_vectors(words, vectors, norms=norms)


def _intact(folder: Path, source: Path) -> KeyedVectors | None:
    """The cache when it matches ``source`` and passes its checks, else None."""
    if not cache_is_valid(folder, source):
        return None
    try:
        return load_cache(folder)
    except CacheDamagedError:
        return None


def load_text(
    path: str | Path,
    *,
    limit: int | None = None,
    cache: bool | None = None,
    float16: bool = False,
    cache_root: Path | None = None,
    progress: Progress | None = None,
) -> KeyedVectors:
    """A word2vec text file as ``KeyedVectors``, through the on-disk cache when wanted.

    A cache is used only when it was made from the source file as it is now and every file of it
    still has the size and checksum recorded when it was written. A damaged cache (cut short,
    altered header or data) is rebuilt from the source: the returned vectors then carry the
    problem in ``kv.cache_repair`` (a :class:`CacheDamagedError`), and a warning is logged.

    Parameters
    ----------
    cache : bool, optional
        ``True``: use the cache, writing it first if needed; ``False``: parse, touch nothing on
        disk; ``None`` (default): use a valid cache when there is one, and write one for files
        of at least :data:`CACHE_MIN_BYTES` or with a cache folder already (a plain parse when the
        folder cannot be written).
    float16 : bool
        Store the cache as float16 (half the disk; loaded as a private float32 copy).

    Raises
    ------
    InvalidInputError
        For a malformed source file (or, with ``cache=True``, an unwritable cache folder).
    DiskFullError
        With ``cache=True``, when the disk fills up while the cache is written.
    """
    source = Path(path).expanduser()
    if cache is False:
        return read_word2vec_text(source, limit=limit, progress=progress)
    folder = cache_folder(source, limit=limit, float16=float16, cache_root=cache_root)
    kv = _intact(folder, source)
    if kv is not None:
        return kv
    if cache is None and not folder.exists() and source.stat().st_size < CACHE_MIN_BYTES:
        return read_word2vec_text(source, limit=limit, progress=progress)
    parsed = None
    problem = None
    try:
        with files.locked(_lock_of(folder)):
            # Checked again under the lock: another session or process may have just written it, and a
            # damaged cache seen here is not one being swapped in by a writer.
            if cache_is_valid(folder, source):
                try:
                    return load_cache(folder)
                except CacheDamagedError as exc:
                    problem = exc
            parsed = read_word2vec_text(source, limit=limit, progress=progress)
            _write_cache(parsed, source, folder, limit=limit, float16=float16)
            kv = load_cache(folder)
    except OSError as exc:
        if cache:
            raise _write_error(exc, source, folder) from exc
        log.warning("No vector cache for %s (%s); using the parsed copy", source.name, exc)
        kv = parsed if parsed is not None else read_word2vec_text(source, limit=limit, progress=progress)
    if problem is not None:
        log.warning(
            "The vector cache of %s was damaged (%s: %s); rebuilt it from %s.",
            source.name,
            problem.file,
            problem.reason,
            source.name,
        )
        kv.cache_repair = problem
    return kv
