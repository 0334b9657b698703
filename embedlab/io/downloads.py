"""Fetching models into the models directory: from a web address or from a model hub.

A web download streams into ``<name>.part``, reports progress, resumes an interrupted transfer
with an HTTP ``Range`` request, and, when a SHA-256 is given, only keeps a file whose checksum
matches (otherwise the partial file is removed and the error says so)::

    >>> from embedlab.io.downloads import download_url, download_hub
    >>> result = download_url("https://example.org/vectors.word.bz2", sha256="…",
    ...                       progress=lambda done, total: print(done, total))   # doctest: +SKIP
    >>> folder = download_hub("BAAI/bge-m3")                                       # doctest: +SKIP

A big compressed vector file can be *streamed*: :func:`download_vectors` decompresses the bytes as
they arrive and stops after the first ``words`` words: the first 200,000 words of fastText's
``cc.zh.300.vec.gz`` (over 1 GB, 2,000,000 words) cost about a tenth of the whole transfer::

    >>> from embedlab.io.downloads import download_vectors
    >>> done = download_vectors("https://dl.fbaipublicfiles.com/fasttext/vectors-crawl/cc.zh.300.vec.gz",
    ...                         words=200_000)                                  # doctest: +SKIP
    >>> done.path.name, done.words                                            # doctest: +SKIP
    ('cc.zh.300.vec', 200000)

A gzip stream cannot be picked up in the middle (the decompressor needs everything before), so the
compressed bytes are kept in ``<name>.gz.part`` as they arrive. An interrupted transfer resumes with
an HTTP ``Range`` request from the end of that file, after decompressing what it already holds.

Files only ever land in the models directory (``EMBEDLAB_MODELS_DIR``), under a plain file name
taken from the address or given by the caller: never a path chosen by the other end.
"""

from __future__ import annotations

import bz2
import hashlib
import http.client
import os
import re
import shutil
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

from embedlab import files
from embedlab.config import load_settings
from embedlab.errors import DiskFullError, EmbedLabError, InvalidInputError
from embedlab.io.fastload import Progress

CHUNK_BYTES = 1 << 20
_SAFE_NAME = re.compile(r"^[\w.\-+@\u3400-\u9fff]+$")
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*(/[A-Za-z0-9][\w.\-]*)?$")


class DownloadError(EmbedLabError):
    """A download that did not complete; the message says whether running it again resumes."""


@dataclass(frozen=True)
class Downloaded:
    """A finished download.

    Attributes
    ----------
    path : Path
        The file in the models directory.
    size : int
        Its size in bytes.
    sha256 : str
        Its checksum (hex).
    resumed_from : int
        Bytes that were already there from an earlier, interrupted attempt (0 for a fresh start).
    """

    path: Path
    size: int
    sha256: str
    resumed_from: int


def safe_file_name(name: str) -> str:
    """``name`` when it is a plain file name (no folders, no leading dot), else an error.

    Raises
    ------
    InvalidInputError
    """
    name = name.strip()
    if not name or name in (".", "..") or name.startswith(".") or not _SAFE_NAME.match(name) or len(name) > 200:
        raise InvalidInputError(
            f"Unusable file name {name[:80]!r}: use letters, digits, '.', '-', '_' (no folders, not starting with '.')."
        )
    return name


def inside(folder: Path, name: str) -> Path:
    """``folder / name`` after checking it cannot leave ``folder``."""
    target = (folder / safe_file_name(name)).resolve()
    if target.parent != folder.resolve():
        raise InvalidInputError(f"{name!r} would land outside the models folder {folder}.")
    return target


def _name_from_url(url: str) -> str:
    path = urllib.parse.unquote(urllib.parse.urlparse(url).path)
    return path.rsplit("/", 1)[-1]


def check_url(url: str, *, allowed_hosts: Sequence[str] = ()) -> str:
    """``url`` when it is an http(s) address on an allowed host (any host when none are listed).

    Raises
    ------
    InvalidInputError
    """
    parsed = urllib.parse.urlparse(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise InvalidInputError(f"Not a web address: {url[:100]!r}. It must start with http:// or https://.")
    host = parsed.hostname.lower()
    if allowed_hosts and not any(host == h or host.endswith("." + h) for h in allowed_hosts):
        raise InvalidInputError(f"Downloads from {host} are not allowed here. Allowed hosts: {list(allowed_hosts)}.")
    return url.strip()


def sha256_of(path: Path) -> str:
    """The file's SHA-256 as hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download_url(
    url: str,
    *,
    sha256: str | None = None,
    filename: str | None = None,
    models_dir: Path | None = None,
    progress: Progress | None = None,
    retries: int = 2,
    timeout: float = 30.0,
    overwrite: bool = False,
) -> Downloaded:
    """Download ``url`` into the models directory, resuming and verifying.

    Parameters
    ----------
    url : str
        An ``http://`` or ``https://`` address.
    sha256 : str, optional
        Expected checksum (hex). On a mismatch the file is removed and :class:`DownloadError` raised.
    filename : str, optional
        Name to save under (default: the last part of the address).
    models_dir : Path, optional
        Defaults to the configured models directory (tests pass their own).
    progress : callable, optional
        ``progress(bytes_done, bytes_total)``; ``bytes_total`` is 0 when the server does not say.
    retries : int
        How many times a broken connection is resumed automatically before giving up.
    overwrite : bool
        Replace an existing file of the same name (otherwise that is an error, unless its
        checksum equals ``sha256``, in which case nothing is downloaded).

    Raises
    ------
    InvalidInputError
        For a bad address (or, in hosted mode, a host not in ``[embedlab.limits] download_hosts``),
        file name or checksum string.
    DownloadError
        When the server refuses, the connection keeps breaking (the ``.part`` file is kept, so a
        later call resumes), or the checksum does not match (the file is removed).
    DiskFullError
        When the disk fills up (the ``.part`` file is kept, so a call after freeing space resumes).

    Two calls for the same file at once (two sessions, two server processes) take turns on a lock
    file: the second waits and returns the finished file (after checking ``sha256`` when given).
    """
    settings = load_settings()
    url = check_url(url, allowed_hosts=settings.limits.download_hosts)
    expected = (sha256 or "").strip().lower() or None
    if expected is not None and not re.fullmatch(r"[0-9a-f]{64}", expected):
        raise InvalidInputError("A SHA-256 checksum is 64 hexadecimal characters.")
    folder = models_dir or settings.models_dir
    folder.mkdir(parents=True, exist_ok=True)
    target = inside(folder, filename or _name_from_url(url))
    there_before = target.exists()
    # One download of a file at a time, across sessions and server processes: a second caller waits,
    # then finds the finished file instead of writing into the same .part.
    with _download_lock(folder, target.name):
        if target.exists() and not overwrite:
            if expected is not None and sha256_of(target) == expected:
                return Downloaded(target, target.stat().st_size, expected, target.stat().st_size)
            if not there_before and expected is None:  # finished by another session while this one waited
                return Downloaded(target, target.stat().st_size, sha256_of(target), target.stat().st_size)
            raise InvalidInputError(f"{target.name} already exists in the models folder; delete it first or choose another name.")
        part = target.with_name(target.name + ".part")
        try:
            total, resumed_from, _ = _fetch_resuming(url, part, target.name, progress=progress, retries=retries, timeout=timeout)
        except OSError as exc:
            if files.no_space(exc):
                raise _disk_full(target.name, folder, part) from exc
            raise
        size = part.stat().st_size
        if total and size != total:
            raise DownloadError(f"Download of {target.name} ended at {size:,} of {total:,} bytes. Run it again to resume.")
        digest = sha256_of(part)
        if expected is not None and digest != expected:
            part.unlink()
            raise DownloadError(
                f"Checksum mismatch for {target.name}: expected {expected}, got {digest}. "
                "The downloaded file was removed; check the address and the checksum, then try again."
            )
        os.replace(part, target)
    return Downloaded(target, size, digest, resumed_from)


def _download_lock(folder: Path, name: str):
    """The lock held while ``name`` is downloaded into ``folder`` (see :func:`embedlab.files.locked`)."""
    return files.locked(files.lock_path(folder, name))


def _disk_full(name: str, folder: Path, part: Path) -> DiskFullError:
    """The disk filled up while ``name`` was downloaded: say so, and what was kept in ``part`` for resuming."""
    if part.is_dir():  # a hub snapshot's staging folder
        kept = sum(f.stat().st_size for f in part.rglob("*") if f.is_file())
    else:
        kept = part.stat().st_size if part.exists() else 0
    return DiskFullError.coded("disk_full_download", name=name, folder=str(folder), part=part.name, mb=round(kept / 2**20, 1))


class _Sink(Protocol):
    """Receives the downloaded bytes as they arrive (see :class:`_FirstWords`)."""

    def reset(self) -> None:
        """The server starts over from byte 0: forget everything fed so far."""

    def feed(self, chunk: bytes) -> bool:
        """Take the next bytes; return True when nothing more is wanted (the transfer then stops)."""


def _fetch_resuming(
    url: str, part: Path, name: str, *, progress: Progress | None, retries: int, timeout: float, sink: _Sink | None = None
) -> tuple[int, int, bool]:
    """:func:`_fetch` again after each broken connection, up to ``retries`` times.

    Returns the full size (0 when unknown), the byte an earlier attempt had reached (0 for a fresh
    start) and whether ``sink`` stopped the transfer early.

    Raises
    ------
    DownloadError
        For an HTTP error, or when the connection keeps breaking (``part`` is kept for a later resume).
    """
    resumed_from = None
    attempt = 0
    while True:
        try:
            total, start, stopped = _fetch(url, part, progress=progress, timeout=timeout, sink=sink)
            resumed_from = start if resumed_from is None else resumed_from
            return total, resumed_from, stopped
        except _Interrupted as exc:
            resumed_from = exc.start if resumed_from is None else resumed_from
            attempt += 1
            if attempt > retries:
                raise DownloadError(
                    f"Download of {name} interrupted after {exc.done:,} of {exc.total:,} bytes. "
                    "Run it again to resume from there."
                ) from exc
        except (TimeoutError, urllib.error.URLError, http.client.HTTPException, ConnectionError) as exc:
            if isinstance(exc, urllib.error.HTTPError):
                raise DownloadError(f"The server answered {exc.code} {exc.reason} for {url}.") from exc
            attempt += 1
            if attempt > retries:
                have = part.stat().st_size if part.exists() else 0
                if not have:
                    raise DownloadError(f"Cannot download {url}: {_reason(exc)}.") from exc
                raise DownloadError(
                    f"Download of {name} interrupted after {have:,} bytes ({_reason(exc)}). Run it again to resume from there."
                ) from exc


class _Interrupted(Exception):
    """The connection broke before everything announced arrived (what did arrive is kept)."""

    def __init__(self, start: int, done: int, total: int):
        super().__init__(f"connection closed at {done:,} of {total:,} bytes")
        self.start, self.done, self.total = start, done, total


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    return str(exc) or type(exc).__name__


def _fetch(
    url: str, part: Path, *, progress: Progress | None, timeout: float, sink: _Sink | None = None
) -> tuple[int, int, bool]:
    """Append what is missing to ``part``; return the full size (0 when unknown), where it started
    and whether ``sink`` asked to stop early. Every byte written to ``part`` is also fed to ``sink``."""
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "EmbedLab"})
    if have:
        request.add_header("Range", f"bytes={have}-")
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 - scheme checked above
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and have:  # nothing left to fetch: the part is already complete
            total = _total_from_content_range(exc.headers.get("Content-Range"))
            if total == have:
                return total, have, False
        raise
    with response:
        if have and response.status == 206:
            start = _start_from_content_range(response.headers.get("Content-Range"))
            if start != have:
                raise DownloadError(f"The server resumed at byte {start}, not {have}; delete {part.name} and retry.")
            mode = "ab"
            total = _total_from_content_range(response.headers.get("Content-Range")) or 0
        else:  # a fresh start, or a server that ignores ranges: begin again
            have, mode = 0, "wb"
            total = int(response.headers.get("Content-Length") or 0)
            if sink is not None:
                sink.reset()
        start = done = have
        stopped = False
        with part.open(mode) as out:
            try:
                while not stopped:
                    chunk = response.read(CHUNK_BYTES)
                    if not chunk:
                        break
                    out.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
                    stopped = sink is not None and sink.feed(chunk)
            except (TimeoutError, http.client.IncompleteRead, ConnectionError) as exc:
                if isinstance(exc, http.client.IncompleteRead) and exc.partial:
                    out.write(exc.partial)
                    done += len(exc.partial)
                    if sink is not None and sink.feed(exc.partial):
                        return total, start, True
                raise _Interrupted(start, done, total) from exc
        if not stopped and total and done < total:
            raise _Interrupted(start, done, total)
    return total, start, stopped


def _start_from_content_range(value: str | None) -> int | None:
    match = re.match(r"bytes (\d+)-\d+/(\d+|\*)", value or "")
    return int(match.group(1)) if match else None


def _total_from_content_range(value: str | None) -> int | None:
    match = re.search(r"/(\d+)$", value or "")
    return int(match.group(1)) if match else None


# ---------------------------------------------------------------- streamed vector files

VECTORS_HEADER_MAX = 200
"""Longest believable ``count dims`` header line, in bytes."""

PIECE_BYTES = 16 * 2**20
"""Most decompressed bytes handled at once."""


@dataclass(frozen=True)
class StreamedVectors:
    """A vector file kept from the start of a (compressed) stream.

    Attributes
    ----------
    path : Path
        The plain word2vec text file in the models directory (``count dims`` header when the source
        had one, rewritten to the words kept).
    words : int
        Words kept.
    dims : int
        Numbers per word.
    fetched_bytes : int
        Bytes of the (compressed) source read in all: the rest of it was never downloaded.
    resumed_from : int
        Bytes already there from an earlier, interrupted attempt (0 for a fresh start).
    complete : bool
        Whether the whole source was read (it had no more than ``words`` words).
    """

    path: Path
    words: int
    dims: int
    fetched_bytes: int
    resumed_from: int
    complete: bool


class _BadStream(DownloadError):
    """The bytes are not what the file's name says (not gzip, not a vector file): resuming cannot help."""


class _FirstWords:
    """Decompresses a vector file as its bytes arrive and writes its first ``words`` lines to ``out``.

    The source's ``count dims`` header (when there is one) is rewritten to the number of words
    kept; a headerless source stays headerless. Lines are copied as they are (the models folder's
    loader checks them), so the kept file equals the start of the decompressed source. At most
    :data:`PIECE_BYTES` are decompressed at a time, so a small compressed chunk that expands
    enormously (a "zip bomb") never sits in memory at once.
    """

    def __init__(self, out: Path, *, words: int | None, compression: str | None, progress: Progress | None):
        self.out_path, self.words, self.compression, self.progress = out, words, compression, progress
        self.handle: BinaryIO = self.out_path.open("wb")
        self._start()

    def reset(self) -> None:
        """Begin the copy again, empty (the source is being sent again from its first byte)."""
        self.handle.close()
        self.handle = self.out_path.open("wb")
        self._start()

    def _start(self) -> None:
        self.inflate = self._decompressor()
        self.carry = b""
        self.header_seen = False
        self.promised: int | None = None  # words the header announces
        self.dims = 0
        self.count = 0
        self.fed = 0
        self.done = False

    def _decompressor(self):
        if self.compression == "gz":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        if self.compression == "bz2":
            return bz2.BZ2Decompressor()
        return None

    def _pieces(self, data: bytes):
        """The decompressed bytes of ``data``, at most :data:`PIECE_BYTES` at a time (members in turn)."""
        if self.inflate is None:
            yield data
            return
        if self.inflate.eof and data:  # the previous member ended exactly at a chunk's end
            self.inflate = self._decompressor()
        try:
            while True:
                unpack = self.inflate
                if isinstance(unpack, bz2.BZ2Decompressor):
                    out = unpack.decompress(data, PIECE_BYTES)
                    data, more = b"", not unpack.eof and not unpack.needs_input
                else:
                    out = unpack.decompress(data, PIECE_BYTES)
                    data, more = unpack.unconsumed_tail, len(out) == PIECE_BYTES
                if out:
                    yield out
                if unpack.eof:
                    data = unpack.unused_data  # the next member of a multi-member file
                    if not data:
                        return
                    self.inflate = self._decompressor()
                elif not data and not more:
                    return
        except (zlib.error, OSError, EOFError) as exc:
            kind = "gzip" if self.compression == "gz" else "bzip2"
            raise _BadStream(f"not a readable {kind} stream ({exc})") from exc

    @property
    def expected(self) -> int:
        """Words this download ends with, as far as is known (0 when unknown)."""
        known = [n for n in (self.words, self.promised) if n is not None]
        return min(known) if known else 0

    def feed(self, chunk: bytes) -> bool:
        self.fed += len(chunk)
        for piece in self._pieces(chunk):
            if self._take(piece):
                return True
        return False

    def _take(self, piece: bytes) -> bool:
        """Write the complete lines of ``carry + piece`` (up to the words wanted); True once there are enough."""
        data = self.carry + piece
        if not self.header_seen:
            end = data.find(b"\n")
            if end < 0:
                if len(data) > PIECE_BYTES:
                    raise _BadStream("its first line is longer than 16 MB: not a vector file")
                self.carry = data
                return False
            self._first_line(data[: end + 1])
            if self.promised is not None:
                data = data[end + 1 :]
        cut = data.rfind(b"\n") + 1
        lines, self.carry = data[:cut], data[cut:]
        if lines:
            got = lines.count(b"\n")
            if self.words is not None and got >= self.words - self.count:
                got = self.words - self.count
                lines = lines[: _nth_newline(lines, got) + 1]
            self.handle.write(lines)
            self.count += got
            if self.progress is not None:
                self.progress(self.count, self.expected)
        self.done = self.words is not None and self.count >= self.words
        return self.done

    def _first_line(self, line: bytes) -> None:
        self.header_seen = True
        fields = line.split()
        if len(fields) == 2 and all(f.isdigit() for f in fields) and len(line) <= VECTORS_HEADER_MAX:
            self.promised, self.dims = int(fields[0]), int(fields[1])
            self.handle.write(f"{self.expected} {self.dims}\n".encode())
        elif len(fields) >= 2:
            self.dims = len(fields) - 1  # a headerless (GloVe-style) file: no header in the copy either
        else:
            raise _BadStream(f"it does not start like a vector file ('count dims' or 'word v1 v2 ...'): {line[:60]!r}")

    def finish(self, *, source_ended: bool) -> None:
        """Close the copy; at the end of the source, keep a last line without a newline and check the count.

        Raises
        ------
        DownloadError
            When the source ended before its compressed stream or its header said it would.
        """
        if source_ended and not self.done:
            if self.inflate is not None and not self.inflate.eof:
                raise _BadStream("the compressed stream ends early (the file on the server is truncated)")
            if self.carry.strip():
                self.handle.write(self.carry.rstrip(b"\r\n") + b"\n")
                self.count += 1
                self.carry = b""
            if self.promised is not None and self.count < self.expected:
                raise _BadStream(f"its header promises {self.promised:,} words but it ends after {self.count:,} (truncated)")
        self.handle.close()


def _nth_newline(data: bytes, n: int) -> int:
    """Index of the ``n``-th newline (1-based) in ``data``."""
    index = -1
    for _ in range(n):
        index = data.index(b"\n", index + 1)
    return index


def _compression(name: str) -> str | None:
    lowered = name.lower()
    return "gz" if lowered.endswith(".gz") else "bz2" if lowered.endswith(".bz2") else None


def download_vectors(
    url: str,
    *,
    words: int | None = None,
    filename: str | None = None,
    models_dir: Path | None = None,
    progress: Progress | None = None,
    retries: int = 2,
    timeout: float = 30.0,
) -> StreamedVectors:
    """Stream a word2vec text file (``.vec``/``.txt``, optionally ``.gz``/``.bz2``) into the models
    directory, decompressing as it arrives and stopping after the first ``words`` words.

    The compressed bytes go to ``<source name>.part`` as they arrive; a broken connection is
    resumed from the end of that file (``Range``), here up to ``retries`` times, or by calling
    again later. The kept words are written, uncompressed, to ``filename`` (default: the source's
    name without ``.gz``/``.bz2``); its header says how many words it holds.

    Parameters
    ----------
    url : str
        An ``http://`` or ``https://`` address.
    words : int, optional
        Keep the first ``words`` words (default: all of them).
    filename : str, optional
        Name of the kept file in the models folder.
    models_dir : Path, optional
        Defaults to the configured models directory (tests pass their own).
    progress : callable, optional
        ``progress(words_done, words_total)``; ``words_total`` is 0 while unknown.

    Returns
    -------
    StreamedVectors

    Raises
    ------
    InvalidInputError
        For a bad address (or, in hosted mode, a host not in ``download_hosts``), a bad file name or
        word count, a file that already exists, or a source that is not a vector file.
    DownloadError
        When the server refuses, the connection keeps breaking (run again to resume), or the data
        is not what its name says (the partial download is then removed).
    DiskFullError
        When the disk fills up (the compressed ``.part`` is kept for resuming; the kept words are not).

    Two calls for the same file at once take turns on a lock file; the second returns the first's file.
    """
    settings = load_settings()
    url = check_url(url, allowed_hosts=settings.limits.download_hosts)
    if words is not None and (isinstance(words, bool) or not isinstance(words, int) or words < 1):
        raise InvalidInputError(f"The number of words to keep must be a positive whole number, not {words!r}.")
    folder = models_dir or settings.models_dir
    folder.mkdir(parents=True, exist_ok=True)
    source_name = safe_file_name(_name_from_url(url))
    compression = _compression(source_name)
    kept_name = filename or (source_name.rsplit(".", 1)[0] if compression else source_name)
    target = inside(folder, kept_name)
    there_before = target.exists()
    if there_before:
        raise InvalidInputError(f"{target.name} already exists in the models folder; delete it first to download it again.")
    part = inside(folder, source_name + ".part")
    if part.resolve() == target:
        raise InvalidInputError(f"Choose a file name other than {part.name}.")
    # One download of a file at a time, across sessions and server processes (see download_url).
    with _download_lock(folder, target.name):
        if target.exists():  # finished by another session while this one waited
            return _streamed_already(target)
        return _stream_vectors(
            url,
            target,
            part,
            source_name,
            words=words,
            compression=compression,
            progress=progress,
            retries=retries,
            timeout=timeout,
        )


def _stream_vectors(
    url: str,
    target: Path,
    part: Path,
    source_name: str,
    *,
    words: int | None,
    compression: str | None,
    progress: Progress | None,
    retries: int,
    timeout: float,
) -> StreamedVectors:
    """The body of :func:`download_vectors`, run under the download lock."""
    staging = target.with_name(target.name + ".kept.part")
    sink = _FirstWords(staging, words=words, compression=compression, progress=progress)
    try:
        stopped = _feed_existing(part, sink)  # what an earlier attempt fetched: decompress it again
        resumed_from = part.stat().st_size if part.exists() else 0
        ended = False
        if not stopped:
            _, resumed_from, stopped = _fetch_resuming(
                url,
                part,
                source_name,
                progress=None,
                retries=retries,
                timeout=timeout,
                sink=sink,
            )
            ended = not stopped
        sink.finish(source_ended=ended)
    except BaseException as exc:
        try:
            sink.handle.close()
        except OSError:  # a full disk fails the close's flush too; the file goes anyway
            pass
        staging.unlink(missing_ok=True)  # rebuilt from the kept compressed bytes on the next attempt
        if isinstance(exc, _BadStream):
            part.unlink(missing_ok=True)
            raise DownloadError(
                f"{source_name} is unusable: {exc}. The partial download was removed; check the address."
            ) from exc
        if files.no_space(exc):
            raise _disk_full(target.name, target.parent, part) from exc
        raise
    if sink.count == 0:
        staging.unlink(missing_ok=True)
        part.unlink(missing_ok=True)
        raise DownloadError(f"{source_name} holds no vectors.")
    os.replace(staging, target)
    part.unlink(missing_ok=True)  # only a prefix of the source (or all of it, now decompressed)
    return StreamedVectors(target, sink.count, sink.dims, sink.fed, resumed_from, ended)


def _streamed_already(target: Path) -> StreamedVectors:
    """What another session's finished :func:`download_vectors` left in ``target`` (nothing fetched here)."""
    words = dims = 0
    with target.open("rb") as handle:
        first = handle.readline(VECTORS_HEADER_MAX + 1)
        fields = first.split()
        if len(fields) == 2 and all(f.isdigit() for f in fields):
            words, dims = int(fields[0]), int(fields[1])
        else:  # headerless: count the lines
            dims = max(len(fields) - 1, 0)
            words = 1 + sum(block.count(b"\n") for block in iter(lambda: handle.read(CHUNK_BYTES), b""))
    return StreamedVectors(target, words, dims, 0, 0, False)


def _feed_existing(part: Path, sink: _Sink) -> bool:
    """Feed the bytes an interrupted attempt left in ``part`` to ``sink``; True when they already suffice."""
    if not part.exists():
        return False
    with part.open("rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK_BYTES), b""):
            if sink.feed(chunk):
                return True
    return False


# ---------------------------------------------------------------- model hubs


def hub_folder_name(repo_id: str) -> str:
    """The folder a hub model is saved under: ``BAAI/bge-m3`` → ``BAAI--bge-m3``."""
    return repo_id.replace("/", "--")


def hub_offline() -> bool:
    """Whether the model hub is switched off here (``HF_HUB_OFFLINE``).

    huggingface_hub reads the variable once, when it is first imported; the hub is off when either
    that reading or the variable now says so (then its downloads would refuse anyway).
    """
    if os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on"):
        return True
    constants = sys.modules.get("huggingface_hub.constants")
    return bool(getattr(constants, "HF_HUB_OFFLINE", False))


def hub_endpoint() -> str:
    """The hub address downloads go to: ``HF_ENDPOINT`` as huggingface_hub read it, else huggingface.co."""
    from huggingface_hub import constants

    return constants.ENDPOINT.rstrip("/")


def download_hub(repo_id: str, *, models_dir: Path | None = None, progress: Progress | None = None) -> Path:
    """Download a Hugging Face hub model into ``<models_dir>/<owner>--<name>`` and return the folder.

    Parameters
    ----------
    repo_id : str
        e.g. ``bert-base-chinese`` or ``BAAI/bge-m3``.
    progress : callable, optional
        ``progress(files_done, files_total)``.

    Raises
    ------
    InvalidInputError
        For a malformed id, or a hub host not in a hosted server's ``download_hosts``.
    DownloadError
        When the hub cannot be reached (offline mode, no network) or the id does not exist.
    """
    repo_id = repo_id.strip()
    if not _HUB_ID.match(repo_id) or ".." in repo_id:
        raise InvalidInputError(f"Not a hub id: {repo_id[:100]!r}. It looks like 'owner/name', e.g. 'BAAI/bge-m3'.")
    settings = load_settings()
    # The hub is one more download host: a hosted server's allowlist decides about it too.
    check_url(f"{hub_endpoint()}/{repo_id}", allowed_hosts=settings.limits.download_hosts)
    folder = (models_dir or settings.models_dir) / hub_folder_name(repo_id)
    manual = (
        f"On a machine with internet: `huggingface-cli download {repo_id} --local-dir {hub_folder_name(repo_id)}`, "
        f"then copy that folder into the models folder ({folder.parent})."
    )
    if hub_offline():
        raise DownloadError(f"Cannot download {repo_id}: the model hub is switched off here (HF_HUB_OFFLINE=1). {manual}")
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, RepositoryNotFoundError

    # Files arrive in a hidden staging folder (never listed as a model; kept for resuming) that takes
    # the model's name only when the whole snapshot is there; the lock keeps two sessions apart.
    staging = folder.with_name(f".{folder.name}.partial")
    with _download_lock(folder.parent, folder.name):
        try:
            _with_progress(lambda tqdm_class: snapshot_download(repo_id, local_dir=staging, tqdm_class=tqdm_class), progress)
        except RepositoryNotFoundError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise DownloadError(f"The hub has no model called {repo_id!r}.") from exc
        except (LocalEntryNotFoundError, HfHubHTTPError, OSError) as exc:
            if isinstance(exc, OSError) and files.no_space(exc):
                raise _disk_full(repo_id, folder.parent, staging) from None
            raise DownloadError(f"Cannot reach the model hub to download {repo_id} ({type(exc).__name__}). {manual}") from exc
        shutil.rmtree(staging / ".cache", ignore_errors=True)  # huggingface_hub's resume bookkeeping
        if folder.exists():  # a new download replaces the old folder only once it is complete
            old = folder.with_name(f".{folder.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(folder, old)
            os.replace(staging, folder)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, folder)
    return folder


def _with_progress(work, progress: Progress | None, *, poll_seconds: float = 0.2):
    """Run ``work(tqdm_class)`` and report its file counter through ``progress`` from *this* thread.

    huggingface_hub fetches files in worker threads, and tqdm counts each finished file from the
    worker that fetched it. A UI may only be touched from its own thread (Streamlit raises
    ``NoSessionContext`` otherwise), so the workers only count, under a lock, and the calling
    thread polls the count and calls ``progress(files_done, files_total)``.
    """
    from tqdm.auto import tqdm

    counts = [0, 0]  # files done, files in all
    lock = threading.Lock()

    class Counting(tqdm):
        def __init__(self, *args, **kwargs):
            kwargs["disable"] = True  # no console bar; ``progress`` shows it
            super().__init__(*args, **kwargs)
            with lock:
                counts[1] = int(self.total or 0)

        def update(self, n=1):
            with lock:
                counts[0] += int(n or 0)
            return super().update(n)

    outcome: dict = {}

    def run():
        try:
            outcome["value"] = work(Counting)
        except BaseException as exc:  # re-raised in the calling thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="embedlab-hub-download", daemon=True)
    worker.start()
    shown = None
    while worker.is_alive():
        worker.join(poll_seconds)
        with lock:
            now = (counts[0], counts[1])
        if progress is not None and now != shown and now[1]:
            shown = now
            progress(*now)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")
