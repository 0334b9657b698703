"""Fetching models into the models directory: from a web address or from a model hub.

A web download streams into ``<name>.part``, reports progress, resumes an interrupted transfer
with an HTTP ``Range`` request, and, when a SHA-256 is given, only keeps a file whose checksum
matches (otherwise the partial file is removed and the error says so)::

    >>> from embedlab.downloads import download_url, download_hub
    >>> result = download_url("https://example.org/vectors.word.bz2", sha256="…",
    ...                       progress=lambda done, total: print(done, total))   # doctest: +SKIP
    >>> folder = download_hub("BAAI/bge-m3")                                       # doctest: +SKIP

Files only ever land in the models directory (``EMBEDLAB_MODELS_DIR``), under a plain file name
taken from the address or given by the caller: never a path chosen by the other end.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import shutil
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from embedlab.config import load_settings
from embedlab.errors import EmbedLabError, InvalidInputError
from embedlab.fastload import Progress

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
    """
    settings = load_settings()
    url = check_url(url, allowed_hosts=settings.limits.download_hosts)
    expected = (sha256 or "").strip().lower() or None
    if expected is not None and not re.fullmatch(r"[0-9a-f]{64}", expected):
        raise InvalidInputError("A SHA-256 checksum is 64 hexadecimal characters.")
    folder = models_dir or settings.models_dir
    folder.mkdir(parents=True, exist_ok=True)
    target = inside(folder, filename or _name_from_url(url))
    if target.exists() and not overwrite:
        if expected is not None and sha256_of(target) == expected:
            return Downloaded(target, target.stat().st_size, expected, target.stat().st_size)
        raise InvalidInputError(f"{target.name} already exists in the models folder; delete it first or choose another name.")
    part = target.with_name(target.name + ".part")
    resumed_from = None
    attempt = 0
    while True:
        try:
            total, start = _fetch(url, part, progress=progress, timeout=timeout)
            resumed_from = start if resumed_from is None else resumed_from
            break
        except _Interrupted as exc:
            resumed_from = exc.start if resumed_from is None else resumed_from
            attempt += 1
            if attempt > retries:
                raise DownloadError(
                    f"Download of {target.name} interrupted after {exc.done:,} of {exc.total:,} bytes. "
                    "Run it again to resume from there."
                ) from exc
        except (urllib.error.URLError, http.client.HTTPException, socket.timeout, ConnectionError) as exc:
            if isinstance(exc, urllib.error.HTTPError):
                raise DownloadError(f"The server answered {exc.code} {exc.reason} for {url}.") from exc
            attempt += 1
            if attempt > retries:
                have = part.stat().st_size if part.exists() else 0
                if not have:
                    raise DownloadError(f"Cannot download {url}: {_reason(exc)}.") from exc
                raise DownloadError(
                    f"Download of {target.name} interrupted after {have:,} bytes ({_reason(exc)}). "
                    "Run it again to resume from there."
                ) from exc
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


class _Interrupted(Exception):
    """The connection broke before everything announced arrived (what did arrive is kept)."""

    def __init__(self, start: int, done: int, total: int):
        super().__init__(f"connection closed at {done:,} of {total:,} bytes")
        self.start, self.done, self.total = start, done, total


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.URLError):
        return str(exc.reason)
    return str(exc) or type(exc).__name__


def _fetch(url: str, part: Path, *, progress: Progress | None, timeout: float) -> tuple[int, int]:
    """Append what is missing to ``part``; return the full size (0 when unknown) and where it started."""
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
                return total, have
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
        start = done = have
        with part.open(mode) as out:
            try:
                while True:
                    chunk = response.read(CHUNK_BYTES)
                    if not chunk:
                        break
                    out.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
            except (http.client.IncompleteRead, ConnectionError, socket.timeout) as exc:
                if isinstance(exc, http.client.IncompleteRead) and exc.partial:
                    out.write(exc.partial)
                    done += len(exc.partial)
                raise _Interrupted(start, done, total) from exc
        if total and done < total:
            raise _Interrupted(start, done, total)
    return total, start


def _start_from_content_range(value: str | None) -> int | None:
    match = re.match(r"bytes (\d+)-\d+/(\d+|\*)", value or "")
    return int(match.group(1)) if match else None


def _total_from_content_range(value: str | None) -> int | None:
    match = re.search(r"/(\d+)$", value or "")
    return int(match.group(1)) if match else None


# ---------------------------------------------------------------- model hubs


def hub_folder_name(repo_id: str) -> str:
    """The folder a hub model is saved under: ``BAAI/bge-m3`` → ``BAAI--bge-m3``."""
    return repo_id.replace("/", "--")


def hub_offline() -> bool:
    """Whether the model hub is switched off here (``HF_HUB_OFFLINE``)."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


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
    check_url(f"{os.environ.get('HF_ENDPOINT', 'https://huggingface.co').rstrip('/')}/{repo_id}",
              allowed_hosts=settings.limits.download_hosts)
    folder = (models_dir or settings.models_dir) / hub_folder_name(repo_id)
    manual = (
        f"On a machine with internet: `huggingface-cli download {repo_id} --local-dir {hub_folder_name(repo_id)}`, "
        f"then copy that folder into the models folder ({folder.parent})."
    )
    if hub_offline():
        raise DownloadError(f"Cannot download {repo_id}: the model hub is switched off here (HF_HUB_OFFLINE=1). {manual}")
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, RepositoryNotFoundError

    try:
        snapshot_download(repo_id, local_dir=folder, tqdm_class=_progress_tqdm(progress))
    except RepositoryNotFoundError as exc:
        raise DownloadError(f"The hub has no model called {repo_id!r}.") from exc
    except (LocalEntryNotFoundError, HfHubHTTPError, OSError) as exc:
        shutil.rmtree(folder / ".cache", ignore_errors=True)
        raise DownloadError(f"Cannot reach the model hub to download {repo_id} ({type(exc).__name__}). {manual}") from exc
    return folder


def _progress_tqdm(progress: Progress | None):
    """A tqdm class that forwards the hub's file counter to ``progress``."""
    from tqdm.auto import tqdm

    class Forwarding(tqdm):
        def __init__(self, *args, **kwargs):
            kwargs["disable"] = False
            super().__init__(*args, **kwargs)

        def update(self, n=1):
            result = super().update(n)
            if progress is not None:
                progress(int(self.n), int(self.total or 0))
            return result

    return Forwarding
