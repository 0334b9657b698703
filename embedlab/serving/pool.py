"""Keeping models resident: a thread-safe, size-bounded pool shared by every session.

Loading a model takes seconds and memory, so a server loads each one once and shares it. The pool
loads a model at most once even when many sessions ask at the same moment (one lock per id), keeps
at most ``max_models`` (least recently used goes first), and remembers which ids it evicted so the
UI can say why a model is loading again::

    >>> pool = ModelPool(max_models=2)
    >>> model = pool.get("minilm-static")          # doctest: +SKIP
    >>> [entry.id for entry in pool.loaded()]       # doctest: +SKIP
    ['minilm-static']

A loaded model remembers the file (or folder) it came from as it was when loading began. When that
file is replaced while the model is loaded, the next :meth:`ModelPool.get` loads it again (and
:meth:`ModelPool.was_replaced` says so once); when it is deleted, the model is dropped and
:class:`ModelFileGoneError` names it. Other models are not touched either way, and old vectors are
never served for a changed file.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from embedlab.errors import EmbedLabError, InvalidInputError


class ModelFileGoneError(EmbedLabError):
    """A loaded model's file was deleted or moved; the model was unloaded (the message names both)."""


Stamp = tuple | None
"""What a model's file looked like: ``(inode, size, mtime_ns)`` (per file for a folder); None when gone."""


def file_stamp(path: Path) -> Stamp:
    """``path``'s identity and size/time (a folder: those of its files), or None when it is gone."""
    try:
        stat = path.stat()
        if path.is_dir():
            return tuple(
                sorted(
                    (entry.name, entry.stat().st_ino, entry.stat().st_size, entry.stat().st_mtime_ns)
                    for entry in path.iterdir()
                    if entry.is_file()
                )
            )
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def registry_source(model_id: str) -> Path | None:
    """The file or folder a registry model loads from, when it is one on this machine (else None)."""
    from embedlab.serving.registry import get_spec

    try:
        source = Path(get_spec(model_id).source).expanduser()
        return source.resolve() if source.exists() else None
    except (EmbedLabError, OSError, ValueError):
        return None


@dataclass(frozen=True)
class LoadedModel:
    id: str
    loaded_at: float
    load_seconds: float
    nbytes: int


def model_nbytes(model: Any) -> int:
    """Approximate memory held by a loaded model's arrays (vectors, norms, torch parameters)."""
    total = 0
    kv = getattr(model, "kv", None)
    if kv is not None:
        for name in ("vectors", "norms"):
            array = getattr(kv, name, None)
            total += getattr(array, "nbytes", 0) or 0
    for holder in (model, getattr(model, "model", None)):
        parameters = getattr(holder, "parameters", None)
        if callable(parameters):
            try:
                total += sum(p.numel() * p.element_size() for p in parameters())
            except TypeError:
                pass
    return total


class ModelPool:
    """Models by id, loaded once, at most ``max_models`` at a time.

    Parameters
    ----------
    max_models : int
        How many models stay loaded; the least recently used is dropped beyond that.
    loader : callable, optional
        ``loader(model_id)`` returning the model; defaults to :func:`embedlab.serving.registry.load_model`.
    source_of : callable, optional
        ``source_of(model_id)``: the file or folder to watch for that model (None: not a file).
        Defaults to :func:`registry_source` with the default loader, else nothing is watched.
    """

    def __init__(
        self,
        *,
        max_models: int = 4,
        loader: Callable[[str], Any] | None = None,
        source_of: Callable[[str], Path | None] | None = None,
    ):
        if max_models < 1:
            raise InvalidInputError(f"max_models must be at least 1, not {max_models}.")
        if loader is None:
            from embedlab.serving.registry import load_model

            loader = load_model
            source_of = source_of or registry_source
        self.max_models = max_models
        self._loader = loader
        self._source_of = source_of
        self._models: OrderedDict[str, tuple[Any, LoadedModel]] = OrderedDict()
        self._sources: dict[str, tuple[Path, Stamp]] = {}
        self._replaced: set[str] = set()
        self._evicted: set[str] = set()
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}

    def _check_source(self, model_id: str) -> None:
        """Drop ``model_id`` when its file changed since loading (call with the lock held).

        Raises
        ------
        ModelFileGoneError
            When the file is gone.
        """
        watched = self._sources.get(model_id)
        if watched is None:
            return
        path, stamp = watched
        now = file_stamp(path)
        if now == stamp:
            return
        self._models.pop(model_id, None)
        self._sources.pop(model_id, None)
        if now is None:
            raise ModelFileGoneError.coded("model_file_gone", model=model_id, path=str(path))
        self._replaced.add(model_id)

    def get(self, model_id: str) -> Any:
        """The model, loading it first if needed (other callers for the same id wait, then share it).

        Raises
        ------
        ModelFileGoneError
            When the file of a loaded model was deleted (the model is unloaded).
        """
        with self._lock:
            if model_id in self._models:
                self._check_source(model_id)
            if model_id in self._models:
                self._models.move_to_end(model_id)
                return self._models[model_id][0]
            id_lock = self._loading.setdefault(model_id, threading.Lock())
        with id_lock:
            with self._lock:
                if model_id in self._models:
                    return self._models[model_id][0]
            started = time.perf_counter()
            source = self._source_of(model_id) if self._source_of is not None else None
            stamp = file_stamp(source) if source is not None else None  # before loading: a change meanwhile shows next time
            model = self._loader(model_id)
            entry = LoadedModel(model_id, time.time(), time.perf_counter() - started, model_nbytes(model))
            with self._lock:
                self._models[model_id] = (model, entry)
                if source is not None and stamp is not None:
                    self._sources[model_id] = (source, stamp)
                self._evicted.discard(model_id)
                while len(self._models) > self.max_models:
                    dropped, _ = self._models.popitem(last=False)
                    self._sources.pop(dropped, None)
                    self._evicted.add(dropped)
                self._loading.pop(model_id, None)
            return model

    def peek(self, model_id: str) -> Any | None:
        """The model if it is loaded, else None; never loads and leaves the LRU order alone."""
        with self._lock:
            entry = self._models.get(model_id)
            return entry[0] if entry is not None else None

    def is_loaded(self, model_id: str) -> bool:
        with self._lock:
            return model_id in self._models

    def was_evicted(self, model_id: str) -> bool:
        """True when ``model_id`` was loaded before and dropped to respect ``max_models``."""
        with self._lock:
            return model_id in self._evicted

    def loaded(self) -> list[LoadedModel]:
        """The loaded models, least recently used first."""
        with self._lock:
            return [entry for _, entry in self._models.values()]

    def was_replaced(self, model_id: str) -> bool:
        """True once after ``model_id`` was loaded again because its file changed on disk."""
        with self._lock:
            if model_id in self._replaced:
                self._replaced.discard(model_id)
                return True
            return False

    def unload(self, model_id: str) -> bool:
        """Drop a model (it loads again on the next :meth:`get`); False when it was not loaded."""
        with self._lock:
            self._sources.pop(model_id, None)
            return self._models.pop(model_id, None) is not None
