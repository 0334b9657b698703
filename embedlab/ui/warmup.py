"""The start-up warm-up: compile UMAP and preload the bundled contextual model in the background.

``app.py`` calls :func:`warm_projection` after the first page has shown, once per server process,
so a fresh server's first projection or polysemy link does not wait for numba or for the model.
"""

from __future__ import annotations

import logging
import threading

import streamlit as st

from embedlab.contextual import model as contextual
from embedlab.projection import engine as projection
from embedlab.serving import registry
from embedlab.serving.pool import ModelPool
from embedlab.ui.encoders import _sentence_transformer
from embedlab.ui.server import model_pool, settle_heap

log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False)
def warm_projection() -> threading.Thread:
    """Start compiling umap-learn in a background thread, once per server process (app.py calls it)."""
    # torch is imported here, in the script thread, because importing it from two threads at once
    # (the warm-up's neighbour search and a page loading a contextual model) can leave its operator
    # registry half-built ("operator prims::full_like does not exist").
    import os

    import torch  # noqa: F401

    preload = os.environ.get("EMBEDLAB_PRELOAD", "1") != "0"
    thread = threading.Thread(
        target=_warm_up_quietly, args=(model_pool() if preload else None,), name="embedlab-umap-warm-up", daemon=True
    )
    thread.start()
    return thread


PRELOADED = "minilm"  # the bundled contextual model: the polysemy, sentences and search pages' default


def _warm_up_quietly(pool: ModelPool | None = None) -> None:
    if pool is not None:
        _preload(pool)
    try:
        log.info("UMAP warm-up took %.1f s", projection.warm_up())
    except Exception:  # a failed warm-up only means the first UMAP compiles on demand
        log.exception("UMAP warm-up failed")
    settle_heap()


def _preload(pool: ModelPool) -> None:
    """Load the bundled contextual model and its sentence encoder in the background (issue 14: a fresh
    server's first polysemy or sentences link should not wait for them). ``EMBEDLAB_PRELOAD=0`` skips it
    (about 150 MB on a server whose visitors never open those pages)."""
    try:
        spec = registry.get_spec(PRELOADED)
        if not spec.available:
            return
        model = pool.get(PRELOADED)
        if (
            isinstance(model, contextual.ContextualModel)
            and model.folder is not None
            and (model.folder / "modules.json").is_file()
        ):
            _sentence_transformer(str(model.folder), PRELOADED)
    except Exception:  # a failed preload only means the first visitor waits for the load
        log.exception("Preloading %s failed", PRELOADED)
