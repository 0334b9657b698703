"""One HTTP transfer that survives broken connections: the engine under every web download.

:func:`fetch_resuming` appends what is missing of an address to a ``.part`` file. When the file
already holds bytes from an earlier attempt, it asks the server for the rest only, with an HTTP
``Range: bytes=<have>-`` request; a ``206 Partial Content`` answer is appended, a plain ``200`` (a
server that ignores ranges) starts the file again. A connection that breaks mid-transfer is picked
up again the same way, up to ``retries`` times; after that the ``.part`` file is kept and the
:class:`DownloadError` says that running the download again resumes from there::

    >>> from pathlib import Path
    >>> total, resumed_from, stopped = fetch_resuming(
    ...     "https://example.org/vectors.word.bz2", Path("vectors.word.bz2.part"), "vectors.word.bz2",
    ...     progress=None, retries=2, timeout=30.0)                                  # doctest: +SKIP

A *sink* (:class:`ByteSink`) may watch the bytes as they arrive and stop the transfer early: that
is how :mod:`embedlab.io.streamed_vectors` decompresses a ``.vec.gz`` on the fly and stops after
the words it wants. Checksums, locking and where files land are the callers' business
(:func:`embedlab.io.downloads.download_url`): this module only moves bytes.
"""

from __future__ import annotations

import http.client
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol

from embedlab.errors import EmbedLabError
from embedlab.progress import Progress

CHUNK_BYTES = 1 << 20
"""Bytes read from the connection (and written to the ``.part`` file) at a time."""


class DownloadError(EmbedLabError):
    """A download that did not complete; the message says whether running it again resumes."""


class ByteSink(Protocol):
    """Receives the downloaded bytes as they arrive (:mod:`embedlab.io.streamed_vectors` decompresses them on the fly)."""

    def reset(self) -> None:
        """The server starts over from byte 0: forget everything fed so far."""

    def feed(self, chunk: bytes) -> bool:
        """Take the next bytes; return True when nothing more is wanted (the transfer then stops)."""


def fetch_resuming(
    url: str, part: Path, name: str, *, progress: Progress | None, retries: int, timeout: float, sink: ByteSink | None = None
) -> tuple[int, int, bool]:
    """Fetch ``url`` into ``part``, resuming after each broken connection, up to ``retries`` times.

    Parameters
    ----------
    url : str
        An address already checked by the caller (:func:`embedlab.io.downloads.check_url`).
    part : Path
        The file the bytes are appended to; what it holds already is not fetched again.
    name : str
        The file's name, for messages.
    progress : callable, optional
        ``progress(bytes_done, bytes_total)``; ``bytes_total`` is 0 when the server does not say.
    retries : int
        Broken connections picked up again before giving up.
    timeout : float
        Seconds to wait for the server at each step.
    sink : ByteSink, optional
        Also receives every byte written to ``part``, and may stop the transfer early.

    Returns
    -------
    tuple of (int, int, bool)
        The full size (0 when unknown), the byte an earlier attempt had reached (0 for a fresh
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
    url: str, part: Path, *, progress: Progress | None, timeout: float, sink: ByteSink | None = None
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
