"""Nearest words: exact (gensim) for a small model, through its saved HNSW index for a big one.

The index is never built on a page visit: the models page builds it on request
(:func:`build_ann_index`, holding a job slot); :func:`ann_index` loads it once per server. Results
are kept per model and inputs (:func:`~embedlab.ui.server.remembered`).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from embedlab.progress import Progress
from embedlab.static import ann
from embedlab.static import model as static
from embedlab.ui.server import forget_remembered, heavy_job, remembered


@st.cache_resource(show_spinner=False, max_entries=4)
def _ann_index(model_id: str, fingerprint: str, _kv: Any) -> ann.HnswIndex | None:
    return ann.load(_kv)


def forget_indexes() -> None:
    """Drop the HNSW indexes this server loaded (a model was unloaded, or an index was just rebuilt)."""
    _ann_index.clear()


def ann_index(model: static.StaticModel) -> ann.HnswIndex | None:
    """The model's saved HNSW index when its vocabulary is big enough to use one (never built here)."""
    if model.vocab_size < ann.AUTO_THRESHOLD:
        return None
    return _ann_index(model.id, ann.fingerprint(model.kv), model.kv)


def build_ann_index(model: static.StaticModel, progress: Progress) -> ann.HnswIndex:
    """Build (or load) and save the model's HNSW index; searches use it from now on (holds an ``"index"`` job slot)."""
    with heavy_job("index"):
        index = ann.load_or_build(model.kv, progress=progress)
    forget_indexes()
    forget_remembered(model)  # its neighbours now come through the index
    return index


def neighbors(model: static.StaticModel, word: str, *, topn: int, metric: str = "cosine") -> ann.SearchResult:
    """Nearest words: exact (gensim), or through the HNSW index for a big model that has one.

    Results are kept per inputs (:func:`remembered`)."""
    index = ann_index(model)
    return remembered(
        model,
        "neighbors",
        (word, topn, metric, None if index is None else id(index)),
        lambda: ann.search(model, word, topn=topn, metric=metric, index=index),
    )
