"""What one server process holds once and every session shares: the model pool, the job slots, the caches.

Streamlit runs each visitor's page script in its own session, but these live once per process:

* :func:`model_pool`: the loaded models (read-only: static arrays are frozen, torch runs in
  inference mode), shared by every session;
* :func:`milvus`: one Milvus client;
* :func:`job_slots`: how many heavy jobs (trainings, projections, index builds) run at once, and
  who waits in line (:func:`visitor` names this session, :func:`heavy_job` holds a slot);
* :func:`projection_cache`, :func:`evaluation_cache`, :func:`atlas_cache`: finished results;
* :func:`remembered`: small results kept per loaded model (neighbours, analogies);
* :func:`settle_heap`: tells Python's collector to skip the long-lived objects.

Each is an ``st.cache_resource`` function (or a module-level lock and dictionary), so it exists
once however many modules import it; call ``.clear()`` on a cached function to start afresh (tests do).
"""

from __future__ import annotations

import gc
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import streamlit as st

from embedlab import result_cache
from embedlab.config import load_settings
from embedlab.serving import milvus_store
from embedlab.serving.pool import ModelPool
from embedlab.training import jobs


@st.cache_resource(show_spinner=False)
def model_pool() -> ModelPool:
    """The server's one model pool (loaded models are shared by every session: read-only)."""
    return ModelPool(max_models=load_settings().max_models)


@st.cache_resource(show_spinner=False)
def milvus() -> milvus_store.Store:
    """One Milvus client per server (Lite file or the configured server)."""
    return milvus_store.connect()


@st.cache_resource(show_spinner=False)
def job_slots() -> jobs.JobSlots:
    """The server's job slots, shared by every session: ``limits.jobs`` heavy jobs at once, at most
    ``limits.training_jobs`` of them trainings (see :mod:`embedlab.training.jobs`)."""
    limits = load_settings().limits
    return jobs.JobSlots(limits.jobs, per_kind={"training": min(limits.training_jobs, limits.jobs)})


training_slots = job_slots  # the train page's name for them


def visitor() -> str:
    """This session's id: it keeps the visitor's place in line while the server is busy."""
    import uuid

    return st.session_state.setdefault("_embedlab_visitor", uuid.uuid4().hex)


def heavy_job(kind: str):
    """Hold one of the server's job slots for a ``with`` block (raises ServerBusyError, with the place in line)."""
    return job_slots().hold(kind, owner=visitor())


@st.cache_resource(show_spinner=False)
def projection_cache() -> result_cache.ResultCache:
    """Projection results shared by every session, per (model, words, method, parameters)."""
    return result_cache.ResultCache(max_entries=32)


@st.cache_resource(show_spinner=False)
def evaluation_cache() -> result_cache.ResultCache:
    """Evaluation reports shared by every session, per (model, test set, options); reports are frozen."""
    return result_cache.ResultCache(max_entries=32)


@st.cache_resource(show_spinner=False)
def atlas_cache() -> result_cache.ResultCache:
    """Atlases this server has read or computed, shared by every session (in front of the disk cache)."""
    return result_cache.ResultCache(max_entries=8)


_remembered_lock = threading.Lock()
_remembered: weakref.WeakKeyDictionary[Any, OrderedDict] = weakref.WeakKeyDictionary()
REMEMBERED_PER_MODEL = 64


def remembered(model: Any, what: str, key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per (loaded ``model``, ``what``, ``key``) in this server process, shared by every session.

    Results are kept per model object (a model loaded again starts afresh; an unloaded one takes its
    results with it), the last :data:`REMEMBERED_PER_MODEL` of them. They must be read-only (frozen
    dataclasses, tuples). Errors are not kept: the next call computes again.
    """
    with _remembered_lock:
        entries = _remembered.setdefault(model, OrderedDict())
        full_key = (what, *key)
        if full_key in entries:
            entries.move_to_end(full_key)
            return entries[full_key]
    value = compute()
    with _remembered_lock:
        entries[full_key] = value
        while len(entries) > REMEMBERED_PER_MODEL:
            entries.popitem(last=False)
    return value


def forget_remembered(model: Any) -> None:
    """Drop what :func:`remembered` kept for ``model``."""
    with _remembered_lock:
        _remembered.pop(model, None)


def settle_heap() -> None:
    """Collect garbage once, then let Python's collector skip everything that lives now (``gc.freeze``).

    A server holds millions of long-lived objects (torch, transformers, the models); a full
    collection walks them all (about 0.3 s of CPU here), and Streamlit's own collection after every
    script run is switched off in ``.streamlit/config.toml`` (``runner.postScriptGC``). Called
    after a model is loaded or unloaded and once the start-up warm-up is done.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
