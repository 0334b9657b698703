"""Word maps on a page: projections and atlases computed through the server's caches, and picking from them.

:func:`project_words` and :func:`load_atlas` wrap the backend with a spinner, a progress bar, the
server's result caches and a job slot (a busy server raises ServerBusyError with the visitor's place).
:func:`pick_from_chart` turns a click or a dragged box on a chart into the page's word or zoom.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import streamlit as st

from embedlab.config import load_settings
from embedlab.progress import Progress, fraction
from embedlab.projection import atlas, word_projection
from embedlab.static import ann
from embedlab.static import model as static
from embedlab.ui import pictures
from embedlab.ui.frame import working
from embedlab.ui.server import atlas_cache, job_slots, projection_cache, visitor
from embedlab.ui.text import key, t


def project_words(
    model: static.StaticModel, selection: word_projection.Selection, **options: Any
) -> word_projection.WordProjection:
    """:func:`embedlab.projection.word_projection.project_words` through the server's cache, with a spinner and a
    progress bar while it works."""
    with working(), _stage_bar(len(selection)) as report:
        return word_projection.project_words(
            model,
            selection,
            progress=report,
            cache=projection_cache(),
            max_points=load_settings().limits.projection_points,
            slots=job_slots(),
            owner=visitor(),
            **options,
        )


def load_atlas(model: static.StaticModel, **options: Any) -> atlas.Atlas:
    """:func:`embedlab.projection.atlas.load_or_build` through this server's memory and the disk cache, with a progress
    bar while it computes.

    Computing takes one of the server's job slots (raises ServerBusyError with the place in line).
    """
    key = (model.id, ann.fingerprint(model.kv), tuple(sorted(options.items())))
    with working(), _stage_bar(options["top"]) as report:
        return atlas_cache().get_or_compute(
            key,
            lambda: atlas.load_or_build(
                model,
                progress=report,
                max_points=load_settings().limits.projection_points,
                slots=job_slots(),
                owner=visitor(),
                **options,
            ),
        )


@contextmanager
def _stage_bar(count: int) -> Iterator[Progress]:
    """A :class:`~embedlab.progress.Progress` that shows a bar naming the projection's stage (made on the first
    report, so a cached result shows none), removed when the block ends."""
    bar = None

    def report(done: float, total: float, /, stage: str = "") -> None:
        nonlocal bar
        bar = bar or st.progress(0.0)
        bar.progress(fraction(done, total), text=t(f"projection.stage.{stage}", n=count))

    try:
        yield report
    finally:
        if bar is not None:
            bar.empty()


def pick_from_chart(page: str, chart: str, words: Sequence[str]) -> Callable[[], None]:
    """An ``on_select`` callback for chart ``chart``: a clicked point chooses its word (``<page>.word``), a dragged box
    becomes the zoom (``<page>.zoom``). Points carry their row as the first ``customdata`` value."""

    def apply() -> None:
        event = st.session_state.get(chart)
        choice = pictures.picked(event.get("selection") if event else None)
        if choice.box is not None:
            st.session_state[key(page, "zoom")] = choice.box
        elif choice.row is not None and 0 <= choice.row < len(words):
            st.session_state[key(page, "word")] = words[choice.row]
            st.session_state[key(page, "zoom_to_word")] = True

    return apply
