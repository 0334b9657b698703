"""Heavy work on a shared server: one server-wide limit with a queue, and markers that outlive a crash.

**Slots.** Training, projections, HNSW index builds and semantic-search indexing hold the CPU for
seconds to minutes. :class:`JobSlots` caps how many run at once on the whole server
(``limits.jobs``, and at most ``limits.training_jobs`` of them trainings, so short work always has
room). Taking a slot never waits: a visitor over the limit gets
:class:`~embedlab.errors.ServerBusyError` with their place in line. Asking again within
:attr:`JobSlots.ticket_seconds` keeps that place (the page asks every few seconds while it is open),
and a place whose visitor left lapses, so nobody waits behind a closed tab::

    >>> slots = JobSlots(2, per_kind={"training": 1})
    >>> with slots.hold("projection", owner="visitor-1"):      # doctest: +SKIP
    ...     project(...)

**Markers.** A training writes ``<models folder>/.jobs/<id>.json`` when it starts and removes it
when it ends, however it ends. A server killed meanwhile leaves the marker behind; a restarted
server finds it with :func:`lost_jobs` (its process is gone), removes what that process left half
written (temporary files under its process id), and the train page says the job was lost.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
import uuid
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from embedlab.errors import InvalidInputError, ServerBusyError

ANY = "job"
"""The kind of work with no cap of its own (only the server-wide one)."""

MARKERS = ".jobs"
"""Folder (inside the models folder) of the markers of running trainings."""


class JobSlots:
    """A server-wide cap on heavy jobs running at once, with a fair queue of waiting visitors.

    Parameters
    ----------
    count : int
        Jobs of any kind at once (``limits.jobs``).
    per_kind : mapping, optional
        A tighter cap for some kinds, e.g. ``{"training": 1}`` (``limits.training_jobs``).
    ticket_seconds : float
        A waiting visitor keeps their place this long after last asking.
    clock : callable
        Seconds, monotonic (tests pass their own).

    Raises
    ------
    InvalidInputError
        For a count below 1.
    """

    def __init__(
        self,
        count: int,
        *,
        per_kind: Mapping[str, int] | None = None,
        ticket_seconds: float = 20.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        for name, value in {"count": count, **dict(per_kind or {})}.items():
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise InvalidInputError(f"The number of job slots ({name}) must be a whole number of at least 1, not {value!r}.")
        self.count = count
        self.per_kind = dict(per_kind or {})
        self.ticket_seconds = ticket_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._running: Counter[str] = Counter()
        self._waiting: OrderedDict[str, tuple[str, float]] = OrderedDict()  # owner -> (kind, last asked)

    # ------------------------------------------------------------ state (call with the lock held)

    def _room(self, kind: str) -> bool:
        """Whether a job of ``kind`` fits now, queue aside."""
        cap = self.per_kind.get(kind)
        return sum(self._running.values()) < self.count and (cap is None or self._running[kind] < cap)

    def _expire(self) -> None:
        now = self._clock()
        for owner in [o for o, (_, seen) in self._waiting.items() if now - seen > self.ticket_seconds]:
            del self._waiting[owner]

    def _before(self, owner: str | None) -> list[str]:
        """Kinds of the tickets ahead of ``owner`` (all of them for a caller not in line)."""
        kinds = []
        for waiting, (kind, _) in self._waiting.items():
            if waiting == owner:
                break
            kinds.append(kind)
        return kinds

    def _fits(self, owner: str | None, kind: str) -> bool:
        """Whether ``owner``'s job of ``kind`` may start now without passing anyone ahead who could start."""
        if not self._room(kind):
            return False
        before = self._before(owner)
        if sum(1 for k in before if self._room(k)) >= self.count - sum(self._running.values()):
            return False
        cap = self.per_kind.get(kind)
        return cap is None or before.count(kind) < cap - self._running[kind]

    def _capped(self, kind: str) -> bool:
        """Whether ``kind`` has reached its own cap (its waiting jobs cannot start whatever else ends)."""
        cap = self.per_kind.get(kind)
        return cap is not None and self._running[kind] >= cap

    def _place(self, owner: str | None, kind: str) -> int:
        """1 + the tickets ahead that go first: those of the same kind, and those not held back by a cap of their own."""
        return 1 + sum(1 for k in self._before(owner) if k == kind or not self._capped(k))

    def _busy(self, owner: str | None, kind: str) -> ServerBusyError:
        place = self._place(owner, kind)
        if kind == "training" and self._capped(kind):
            return ServerBusyError.coded("training_busy", count=self.per_kind[kind], place=place)
        return ServerBusyError.coded("server_busy", count=self.count, place=place)

    # ------------------------------------------------------------ public

    def take(self, kind: str = ANY, *, owner: str | None = None) -> None:
        """Start a job of ``kind`` now, or raise (never waits).

        Parameters
        ----------
        kind : str
            ``"training"``, ``"projection"``, ``"index"``, ``"indexing"`` … (see ``per_kind``).
        owner : str, optional
            Who asks (a session id). An owner who cannot start joins the line and keeps their place
            by asking again; without one (scripts) the caller is refused without joining.

        Raises
        ------
        ServerBusyError
            With the place in line (1 = next), when the limit is reached or others wait before.
        """
        with self._lock:
            self._expire()
            if self._fits(owner, kind):
                self._running[kind] += 1
                if owner is not None:
                    self._waiting.pop(owner, None)
                return
            if owner is not None:  # join the line, or keep the place (updating a key keeps its position)
                self._waiting[owner] = (kind, self._clock())
            raise self._busy(owner, kind)

    def give_back(self, kind: str = ANY) -> None:
        """End a job of ``kind`` taken with :meth:`take`.

        Raises
        ------
        InvalidInputError
            When no job of ``kind`` runs (a slot given back twice).
        """
        with self._lock:
            if self._running[kind] < 1:
                raise InvalidInputError(f"No {kind} job holds a slot: a slot was given back twice.")
            self._running[kind] -= 1

    @contextmanager
    def hold(self, kind: str = ANY, *, owner: str | None = None) -> Iterator[None]:
        """:meth:`take` a slot for the duration of a ``with`` block (given back however it ends)."""
        self.take(kind, owner=owner)
        try:
            yield
        finally:
            self.give_back(kind)

    def place(self, owner: str, kind: str | None = None) -> int | None:
        """``owner``'s place in line (1 = next), renewing the ticket; 0 when their job fits now; None when not waiting."""
        with self._lock:
            self._expire()
            ticket = self._waiting.get(owner)
            if ticket is None:
                return None
            kind = kind or ticket[0]
            self._waiting[owner] = (ticket[0], self._clock())
            return 0 if self._fits(owner, kind) else self._place(owner, kind)

    def running(self) -> dict[str, int]:
        """Jobs running now, by kind."""
        with self._lock:
            return {kind: n for kind, n in self._running.items() if n}

    def waiting(self) -> int:
        """Visitors in line (tickets not yet lapsed)."""
        with self._lock:
            self._expire()
            return len(self._waiting)


# ---------------------------------------------------------------- markers of running jobs


@dataclass(frozen=True)
class LostJob:
    """A job whose server process ended before the job did (killed, crashed, restarted).

    Attributes
    ----------
    id : str
        The marker's id (also the tag of the job's temporary files).
    kind : str
        ``"training"``.
    names : tuple of str
        The models it was making.
    started : str
        When it started (ISO 8601, UTC).
    removed : tuple of str
        Half-written files it left, removed when it was found.
    """

    id: str
    kind: str
    names: tuple[str, ...]
    started: str
    removed: tuple[str, ...] = ()


def _process_identity(pid: int) -> str | None:
    """``<boot id>:<start time>`` of a live process (Linux), so a reused process id is not mistaken for it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
        boot = Path("/proc/sys/kernel/random/boot_id").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return f"{boot}:{stat[stat.rindex(')') + 2 :].split()[19]}"


def _alive(marker: dict) -> bool:
    pid = marker.get("pid")
    if not isinstance(pid, int):
        return False
    if marker.get("identity"):
        return _process_identity(pid) == marker["identity"]
    try:  # no /proc: the process id alone
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_marker(folder: str | Path, names: Sequence[str], *, kind: str = "training", job_id: str | None = None) -> Path:
    """Record that a job of this process makes ``names`` in ``folder``; return the marker to remove when it ends.

    Raises
    ------
    OSError
        When the folder cannot be written.
    """
    folder = Path(folder).expanduser()
    job_id = job_id or uuid.uuid4().hex
    marker = folder / MARKERS / f"{job_id}.json"
    marker.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "id": job_id,
        "kind": kind,
        "names": list(names),
        "pid": os.getpid(),
        "identity": _process_identity(os.getpid()),
        "host": socket.gethostname(),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    staging = marker.with_suffix(".tmp")
    staging.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    os.replace(staging, marker)
    return marker


def remove_marker(marker: Path | None) -> None:
    """Remove a marker written by :func:`write_marker` (the job ended, however it ended)."""
    if marker is not None:
        marker.unlink(missing_ok=True)


def temporary_files(folder: str | Path, job_id: str) -> list[Path]:
    """Files a job tagged ``job_id`` writes before renaming them into place (``*.<job_id>.tmp``)."""
    folder = Path(folder).expanduser()
    return [path for where in (folder, folder / "exports") if where.is_dir() for path in where.glob(f".*.{job_id}.tmp")]


def lost_jobs(folder: str | Path) -> list[LostJob]:
    """Jobs of ``folder`` whose server process is gone while the job was running, oldest first.

    What such a job left half-written (its temporary files) is removed here. Markers of other hosts
    sharing the folder are left alone (their processes cannot be checked from here). A marker stays
    until :func:`forget` removes it, so everyone who opens the train page learns of the loss.
    """
    folder = Path(folder).expanduser()
    lost = []
    for path in sorted((folder / MARKERS).glob("*.json")) if (folder / MARKERS).is_dir() else ():
        try:
            marker = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(marker, dict):
                raise ValueError("not a marker")
        except (OSError, ValueError):
            continue
        if marker.get("host") != socket.gethostname() or _alive(marker):
            continue
        job_id = str(marker.get("id") or path.stem)
        removed = []
        for leftover in temporary_files(folder, job_id):
            leftover.unlink(missing_ok=True)
            removed.append(leftover.name)
        lost.append(
            LostJob(
                job_id,
                str(marker.get("kind", "training")),
                tuple(map(str, marker.get("names", ()))),
                str(marker.get("started", "")),
                tuple(removed),
            )
        )
    return sorted(lost, key=lambda job: job.started)


def forget(folder: str | Path, job_id: str) -> None:
    """Remove the marker of a lost job (once people have been told)."""
    if not job_id or "/" in job_id or job_id.startswith("."):
        raise InvalidInputError(f"Not a job id: {job_id!r}.")
    (Path(folder).expanduser() / MARKERS / f"{job_id}.json").unlink(missing_ok=True)
