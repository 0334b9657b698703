"""Fetching models into the models directory: from a web address or from a model hub.

A web download (:func:`download_url`) streams into ``<name>.part``, reports progress, resumes an
interrupted transfer with an HTTP ``Range`` request, and, when a SHA-256 is given, only keeps a file
whose checksum matches (otherwise the partial file is removed and the error says so). A hub download
(:func:`download_hub`) fetches a whole model folder through huggingface_hub::

    >>> from embedlab.io.downloads import download_url, download_hub
    >>> result = download_url("https://example.org/vectors.word.bz2", sha256="…",
    ...                       progress=lambda done, total: print(done, total))   # doctest: +SKIP
    >>> folder = download_hub("BAAI/bge-m3")                                       # doctest: +SKIP

The pieces, one module each:

* this module: the entry points, and the rules every download keeps: files only ever land in the
  models directory (``EMBEDLAB_MODELS_DIR``), under a plain file name taken from the address or
  given by the caller, never a path chosen by the other end (:func:`inside`); addresses are
  http(s) on an allowed host (:func:`check_url`); one download of a file at a time
  (:func:`download_lock`); a full disk says what was kept (:func:`disk_full_error`);
* :mod:`embedlab.io.http_transfer`: the one HTTP transfer with resume and retries (and
  :class:`DownloadError`, which every download raises);
* :mod:`embedlab.io.streamed_vectors`: a big ``.vec.gz`` decompressed as it arrives, stopping
  after its first words (fastText's ``cc.zh.300.vec.gz``).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sys
import threading
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from embedlab import files
from embedlab.config import load_settings
from embedlab.errors import DiskFullError, InvalidInputError
from embedlab.io.http_transfer import CHUNK_BYTES, DownloadError, fetch_resuming
from embedlab.progress import Progress

__all__ = [
    "DownloadError",
    "Downloaded",
    "check_url",
    "disk_full_error",
    "download_hub",
    "download_lock",
    "download_url",
    "hub_endpoint",
    "hub_folder_name",
    "hub_offline",
    "inside",
    "name_from_url",
    "safe_file_name",
    "sha256_of",
]

_SAFE_NAME = re.compile(r"^[\w.\-+@\u3400-\u9fff]+$")
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*(/[A-Za-z0-9][\w.\-]*)?$")


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


def name_from_url(url: str) -> str:
    """The last part of the address's path, unquoted (``…/cc.zh.300.vec.gz?x=1`` → ``cc.zh.300.vec.gz``); not yet checked."""
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
    target = inside(folder, filename or name_from_url(url))
    there_before = target.exists()
    # One download of a file at a time, across sessions and server processes: a second caller waits,
    # then finds the finished file instead of writing into the same .part.
    with download_lock(folder, target.name):
        if target.exists() and not overwrite:
            if expected is not None and sha256_of(target) == expected:
                return Downloaded(target, target.stat().st_size, expected, target.stat().st_size)
            if not there_before and expected is None:  # finished by another session while this one waited
                return Downloaded(target, target.stat().st_size, sha256_of(target), target.stat().st_size)
            raise InvalidInputError(f"{target.name} already exists in the models folder; delete it first or choose another name.")
        part = target.with_name(target.name + ".part")
        try:
            total, resumed_from, _ = fetch_resuming(url, part, target.name, progress=progress, retries=retries, timeout=timeout)
        except OSError as exc:
            if files.no_space(exc):
                raise disk_full_error(target.name, folder, part) from exc
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


def download_lock(folder: Path, name: str):
    """The lock held while ``name`` is downloaded into ``folder`` (see :func:`embedlab.files.locked`)."""
    return files.locked(files.lock_path(folder, name))


def disk_full_error(name: str, folder: Path, part: Path) -> DiskFullError:
    """The disk filled up while ``name`` was downloaded: say so, and what was kept in ``part`` for resuming."""
    if part.is_dir():  # a hub snapshot's staging folder
        kept = sum(f.stat().st_size for f in part.rglob("*") if f.is_file())
    else:
        kept = part.stat().st_size if part.exists() else 0
    return DiskFullError.coded("disk_full_download", name=name, folder=str(folder), part=part.name, mb=round(kept / 2**20, 1))


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
    with download_lock(folder.parent, folder.name):
        try:
            _with_progress(lambda tqdm_class: snapshot_download(repo_id, local_dir=staging, tqdm_class=tqdm_class), progress)
        except RepositoryNotFoundError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise DownloadError(f"The hub has no model called {repo_id!r}.") from exc
        except (LocalEntryNotFoundError, HfHubHTTPError, OSError) as exc:
            if isinstance(exc, OSError) and files.no_space(exc):
                raise disk_full_error(repo_id, folder.parent, staging) from None
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
