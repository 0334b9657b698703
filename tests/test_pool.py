"""The model pool loads once under concurrency and respects its bound."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from embedlab.errors import InvalidInputError
from embedlab.serving.pool import ModelPool, model_nbytes


class CountingLoader:
    """Loads real (tiny) objects slowly and counts calls, to expose double loads."""

    def __init__(self):
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, model_id: str):
        with self._lock:
            self.calls.append(model_id)
        time.sleep(0.05)
        return {"id": model_id}


def test_concurrent_requests_load_a_model_once():
    loader = CountingLoader()
    pool = ModelPool(max_models=2, loader=loader)
    with ThreadPoolExecutor(max_workers=16) as executor:
        results = list(executor.map(pool.get, ["a"] * 32))
    assert loader.calls == ["a"]
    assert all(result is results[0] for result in results)


def test_least_recently_used_is_evicted_and_reported():
    loader = CountingLoader()
    pool = ModelPool(max_models=2, loader=loader)
    pool.get("a"), pool.get("b"), pool.get("a"), pool.get("c")
    assert [entry.id for entry in pool.loaded()] == ["a", "c"]
    assert pool.was_evicted("b") and not pool.was_evicted("a")
    pool.get("b")
    assert loader.calls == ["a", "b", "c", "b"] and not pool.was_evicted("b")


def test_unload_and_bad_bound():
    pool = ModelPool(max_models=1, loader=CountingLoader())
    pool.get("a")
    assert pool.unload("a") and not pool.unload("a") and not pool.is_loaded("a")
    with pytest.raises(InvalidInputError):
        ModelPool(max_models=0)


def test_memory_of_a_real_static_model(minilm_static):
    assert model_nbytes(minilm_static) == minilm_static.kv.vectors.nbytes + minilm_static.kv.norms.nbytes
    assert model_nbytes(minilm_static) > 22_000 * 384 * 4
