"""Safe file work shared by downloads, caches, uploads and training: one lock helper, disk-full errors.

Two sessions of one server, or two server processes on one models folder, may convert or download
the same model at the same moment. :func:`locked` serialises them with an advisory lock file
(``fcntl.flock``): the second waits, then finds the finished result. The kernel drops the lock when
its holder ends, however it ends, so a killed process never leaves a stale lock behind (only, at
worst, an empty lock file)::

    >>> from embedlab.files import locked
    >>> with locked(folder / ".locks" / "cc.zh.300.vec.lock"):     # doctest: +SKIP
    ...     ...  # check whether the work is already done, else do it and rename the result into place

Writers pair the lock with an atomic rename: a result is written under a temporary name and
renamed into place only when complete, so no reader ever sees half of it.

:func:`no_space` tells a full disk (or a file-size limit) from other ``OSError``\\ s, so callers can
raise :class:`~embedlab.errors.DiskFullError` with a message that says so.
"""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

try:  # POSIX; elsewhere the lock only serialises threads of one process
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from embedlab.errors import InvalidInputError

NO_SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
"""Disk full, quota exceeded, and a file over the process's size limit (``RLIMIT_FSIZE``)."""

_POLL_SECONDS = 0.05
_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


def no_space(exc: BaseException) -> bool:
    """Whether ``exc`` (or an error it was raised from) means there is no room left to write."""
    current: BaseException | None = exc
    for _ in range(10):  # the error and those it was raised from
        if current is None:
            return False
        if isinstance(current, OSError) and current.errno in NO_SPACE_ERRNOS:
            return True
        current = current.__cause__ or current.__context__
    return False


def lock_path(folder: Path, name: str) -> Path:
    """The lock file for work on ``name`` in ``folder``: ``folder/.locks/<name>.lock`` (hidden, never a model)."""
    return Path(folder) / ".locks" / f"{name}.lock"


@contextmanager
def locked(path: Path, *, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` across threads and processes; the lock file goes when it is released.

    Parameters
    ----------
    path : Path
        The lock file (created, with its folder, when missing). It is removed on release, while
        still held; a waiter that then finds its file gone opens the new one, so no two holders
        ever hold different files. An emptied ``.locks`` folder is removed too.
    timeout : float, optional
        Give up after this many seconds (default: wait as long as the holder works).

    Raises
    ------
    InvalidInputError
        When ``timeout`` passes first.
    OSError
        When the lock file cannot be created (e.g. a read-only or full disk).
    """
    path = Path(path)
    deadline = None if timeout is None else time.monotonic() + timeout
    with _thread_locks_guard:  # flock alone would do on POSIX; this also serialises threads without fcntl
        thread_lock = _thread_locks.setdefault(str(path.absolute()), threading.Lock())
    if not thread_lock.acquire(timeout=-1 if deadline is None else max(0.0, deadline - time.monotonic())):
        raise InvalidInputError(f"Another task still works on {path.stem} after {timeout:.0f} s; try again later.")
    created = [folder for folder in path.parents if not folder.exists()]  # made for the lock: removed again if left empty
    try:
        handle = _acquire(path, deadline, timeout)
        try:
            yield
        finally:
            try:
                path.unlink(missing_ok=True)  # still held: nobody can be between opening and locking this file
                if path.parent.name == ".locks":
                    path.parent.rmdir()
            except OSError:  # another lock file in the folder, or a read-only folder: leave them
                pass
            for folder in created:  # innermost first; one that now holds files (the work's result) stays
                try:
                    folder.rmdir()
                except OSError:
                    break
            handle.close()  # closing releases the flock
    finally:
        thread_lock.release()


def _acquire(path: Path, deadline: float | None, timeout: float | None):
    """Open ``path`` and flock it, retrying when the file was removed by its previous holder meanwhile."""
    while True:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle = open(path, "a+b")  # noqa: SIM115 - held until the lock is released
        except FileNotFoundError:  # the folder went between mkdir and open
            continue
        if fcntl is None:
            return handle
        try:
            while True:
                try:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if deadline is not None and time.monotonic() > deadline:
                        raise InvalidInputError(
                            f"Another process still works on {path.stem} after {timeout:.0f} s; try again later."
                        ) from None
                    time.sleep(_POLL_SECONDS)
            try:
                same = os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
            except FileNotFoundError:
                same = False
        except BaseException:
            handle.close()
            raise
        if same:
            return handle
        handle.close()  # locked a file its holder had already removed: take the current one
