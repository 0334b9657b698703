"""Keeping models resident: a thread-safe, size-bounded pool shared by every session.

Loading a model takes seconds and memory, so a server loads each one once and shares it. The pool
loads a model at most once even when many sessions ask at the same moment (one lock per id), keeps
at most ``max_models`` (least recently used goes first), and remembers which ids it evicted so the
UI can say why a model is loading again::

    >>> pool = ModelPool(max_models=2)
    >>> model = pool.get("minilm-static")          # doctest: +SKIP
    >>> [entry.id for entry in pool.loaded()]       # doctest: +SKIP
    ['minilm-static']
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from embedlab.errors import InvalidInputError


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
        ``loader(model_id)`` returning the model; defaults to :func:`embedlab.registry.load_model`.
    """

    def __init__(self, *, max_models: int = 4, loader: Callable[[str], Any] | None = None):
        if max_models < 1:
            raise InvalidInputError(f"max_models must be at least 1, not {max_models}.")
        if loader is None:
            from embedlab.registry import load_model as loader
        self.max_models = max_models
        self._loader = loader
        self._models: OrderedDict[str, tuple[Any, LoadedModel]] = OrderedDict()
        self._evicted: set[str] = set()
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Lock] = {}

    def get(self, model_id: str) -> Any:
        """The model, loading it first if needed (other callers for the same id wait, then share it)."""
        with self._lock:
            if model_id in self._models:
                self._models.move_to_end(model_id)
                return self._models[model_id][0]
            id_lock = self._loading.setdefault(model_id, threading.Lock())
        with id_lock:
            with self._lock:
                if model_id in self._models:
                    return self._models[model_id][0]
            started = time.perf_counter()
            model = self._loader(model_id)
            entry = LoadedModel(model_id, time.time(), time.perf_counter() - started, model_nbytes(model))
            with self._lock:
                self._models[model_id] = (model, entry)
                self._evicted.discard(model_id)
                while len(self._models) > self.max_models:
                    dropped, _ = self._models.popitem(last=False)
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

    def unload(self, model_id: str) -> bool:
        """Drop a model (it loads again on the next :meth:`get`); False when it was not loaded."""
        with self._lock:
            return self._models.pop(model_id, None) is not None
