"""Sentence encoders and the static-to-contextual alignment, made once per server and shared.

:func:`sentence_encoder` gives a registry model's own (exact) encoder; a sentence-transformers
checkpoint already loaded as a contextual model lends it its network (one copy of the weights).
:func:`search_encoder` swaps in ONNX Runtime where it reproduces the model (faster indexing).
:func:`static_alignment` is the Procrustes map the polysemy page compares static vectors through.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from embedlab.contextual import model as contextual
from embedlab.contextual import polysemy, sentences
from embedlab.ui.models import load
from embedlab.ui.server import model_pool, settle_heap
from embedlab.ui.text import t

log = logging.getLogger(__name__)


@st.cache_resource(show_spinner=False, max_entries=8)
def static_alignment(static_id: str, contextual_id: str) -> polysemy.StaticAlignment:
    """The Procrustes map from a static model into a contextual model's input space, fitted once."""
    pool = model_pool()
    return polysemy.align_static(pool.get(static_id), contextual.as_contextual(pool.get(contextual_id)))


@st.cache_resource(show_spinner=False, max_entries=4)
def _sentence_transformer(folder: str, model_id: str) -> sentences.SentenceTransformerEncoder:
    encoder = sentences.SentenceTransformerEncoder(folder, model_id=model_id)
    loaded = model_pool().peek(model_id)  # the same checkpoint as a contextual model: one copy of the weights, not two
    if isinstance(loaded, contextual.ContextualModel) and loaded.folder is not None and str(loaded.folder) == folder:
        encoder.share_network(loaded.network)
    settle_heap()
    return encoder


def sentence_encoder(model_id: str):
    """The sentence encoder a registry model is meant for (sentence-transformers, BGE-M3 or mean pooling)."""
    model = load(model_id)
    with st.spinner(t("app.loading_model", model=model_id)):
        return sentences.own_encoder(model, sentence_transformer=_sentence_transformer)


@st.cache_resource(show_spinner=False, max_entries=2)
def _fast_sentence_encoder(folder: str, model_id: str) -> Any:
    from embedlab.contextual import fastencode

    loaded = model_pool().peek(model_id)
    network = loaded.network if isinstance(loaded, contextual.ContextualModel) else None
    encoder = fastencode.OnnxSentenceEncoder(folder, model_id=model_id, network=network)  # exports once, then cached on disk
    settle_heap()
    return encoder


def search_encoder(model_id: str) -> Any:
    """The encoder the search page indexes and queries with: ONNX Runtime for a checkpoint it reproduces
    (the bundled MiniLM: same vectors, 2-3x faster), else the model's own (exact) encoder.

    ``EMBEDLAB_FAST_SEARCH=0`` keeps the exact encoder. The sentences page always uses the exact one.
    """
    import os

    from embedlab.contextual import fastencode

    exact = sentence_encoder(model_id)
    if os.environ.get("EMBEDLAB_FAST_SEARCH", "1") == "0" or not isinstance(exact, sentences.SentenceTransformerEncoder):
        return exact
    folder = getattr(load(model_id), "folder", None)  # the sentence-transformers folder the model was loaded from
    if folder is None or not fastencode.available() or not fastencode.supports(folder):
        return exact
    try:
        with st.spinner(t("app.loading_model", model=model_id)):
            return _fast_sentence_encoder(str(folder), model_id)
    except Exception:  # no export, no session: the exact encoder still works
        log.exception("The ONNX sentence encoder could not start; using sentence-transformers")
        return exact
