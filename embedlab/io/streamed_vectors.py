"""Streaming a big compressed vector file: keep its first words, never fetch the rest.

fastText's ``cc.zh.300.vec.gz`` is over 1 GB for 2,000,000 words, but the words are sorted by
frequency, so the first 200,000 are the ones worth having. :func:`download_vectors` decompresses
the bytes as they arrive and stops the transfer once it has the words it wants, which costs about a
tenth of the whole download::

    >>> from embedlab.io.streamed_vectors import download_vectors
    >>> done = download_vectors("https://dl.fbaipublicfiles.com/fasttext/vectors-crawl/cc.zh.300.vec.gz",
    ...                         words=200_000)                                  # doctest: +SKIP
    >>> done.path.name, done.words                                            # doctest: +SKIP
    ('cc.zh.300.vec', 200000)

How it works: the transfer itself is :func:`embedlab.io.http_transfer.fetch_resuming`, with a
*sink* (:class:`_FirstWords`) that is fed every byte as it is written. The sink decompresses
(gzip or bzip2, a bounded piece at a time), cuts the text into lines, rewrites the ``count dims``
header to the number of words kept, and says "enough" after the last wanted line.

A gzip stream cannot be picked up in the middle (the decompressor needs everything before), so the
compressed bytes are kept in ``<name>.gz.part`` as they arrive. An interrupted transfer resumes with
an HTTP ``Range`` request from the end of that file, after decompressing what it already holds.
The kept words land, uncompressed, in the models directory under a plain file name (checked by
:func:`embedlab.io.downloads.inside`), with the same lock as every other download.
"""

from __future__ import annotations

import bz2
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from embedlab import files
from embedlab.config import load_settings
from embedlab.errors import InvalidInputError
from embedlab.io import http_transfer
from embedlab.io.downloads import check_url, disk_full_error, download_lock, inside, name_from_url, safe_file_name
from embedlab.io.http_transfer import ByteSink, DownloadError, fetch_resuming
from embedlab.progress import Progress

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
    source_name = safe_file_name(name_from_url(url))
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
    with download_lock(folder, target.name):
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
            _, resumed_from, stopped = fetch_resuming(
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
            raise disk_full_error(target.name, target.parent, part) from exc
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
            words = 1 + sum(block.count(b"\n") for block in iter(lambda: handle.read(http_transfer.CHUNK_BYTES), b""))
    return StreamedVectors(target, words, dims, 0, 0, False)


def _feed_existing(part: Path, sink: ByteSink) -> bool:
    """Feed the bytes an interrupted attempt left in ``part`` to ``sink``; True when they already suffice."""
    if not part.exists():
        return False
    with part.open("rb") as handle:
        # Read in the transfer's own chunks (looked up now, so that a changed CHUNK_BYTES applies here too).
        for chunk in iter(lambda: handle.read(http_transfer.CHUNK_BYTES), b""):
            if sink.feed(chunk):
                return True
    return False
