"""Errors said in plain language: a page shows a message, never a traceback.

Backend errors (:class:`~embedlab.errors.EmbedLabError`) carry a message code; :func:`error_text`
words it in the UI language, naming the field at fault. :func:`guard` wraps page work so any error
becomes a message (:func:`show_error`) and the page stays alive. A busy server
(:class:`~embedlab.errors.ServerBusyError`) gets :func:`show_busy`: the visitor's place in line,
kept while the page stays open, and a rerun at their turn.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager

import streamlit as st

from embedlab import i18n
from embedlab.config import load_settings
from embedlab.errors import EmbedLabError, OutOfVocabularyError, ServerBusyError
from embedlab.serving import milvus_store
from embedlab.training import jobs
from embedlab.ui.server import job_slots, milvus, visitor
from embedlab.ui.text import lang, md, t

log = logging.getLogger(__name__)


def error_text(exc: EmbedLabError, *, label: str | None = None) -> str:
    """The error's message in the UI language (plain text: escape it for markdown).

    Errors with a message code use ``error.<code>`` of :mod:`embedlab.i18n`, naming the field at
    fault by ``label`` (or the label attached where the input was read); others give ``str(exc)``.
    """
    if exc.code is None:
        return str(exc)
    return i18n.error_text(exc.code, lang(), exc.params, field=label or getattr(exc, "label", None))


def missing_words_text(missing: Mapping[str, Sequence[str]]) -> str:
    """Markdown naming words a model does not know, each with its suggestions."""
    lines = [t("common.missing_words", words="、".join(md(w) for w in missing))]
    for word, suggestions in missing.items():
        if suggestions:
            lines.append(f"- **{md(word)}** → " + t("common.did_you_mean", words=", ".join(md(s) for s in suggestions)))
    return "\n".join(lines)


def show_error(exc: BaseException) -> None:
    """A plain-language message for a backend error, in the UI language (never a traceback)."""
    if isinstance(exc, OutOfVocabularyError):
        st.error(missing_words_text(exc.missing), icon=":material/search_off:")
    elif isinstance(exc, ServerBusyError):
        show_busy(exc)
    elif isinstance(exc, EmbedLabError):
        st.error(md(error_text(exc)), icon=":material/warning:")
    else:
        log.exception("Unexpected error in a page")
        st.error(t("common.error", error=md(f"{type(exc).__name__}: {exc}")), icon=":material/error:")


@contextmanager
def guard(*, on_busy: Callable[[], None] | None = None) -> Iterator[None]:
    """Run page work, turning any error into a message so the page stays alive.

    ``on_busy`` runs when the server was too busy to start the work (e.g. to ask again at the
    visitor's turn). After Milvus stopped answering, the next run connects afresh.
    """
    try:
        yield
    except Exception as exc:  # a page must never show a traceback
        if isinstance(exc, milvus_store.MilvusUnavailableError):
            milvus.clear()
        if isinstance(exc, ServerBusyError) and on_busy is not None:
            on_busy()
        show_error(exc)


BUSY_POLL_SECONDS = 3.0


def show_busy(exc: ServerBusyError) -> None:
    """The busy message with the visitor's place; while the page stays open it keeps the place, and reruns at their turn."""
    st.warning(md(error_text(exc)), icon=":material/hourglass_top:")

    @st.fragment(run_every=BUSY_POLL_SECONDS)
    def wait_for_turn() -> None:
        place = job_slots().place(visitor())
        if place is None:  # the ticket lapsed or was used: try the page again
            return
        if place == 0:
            st.caption(t("faults.busy_ready"))
            if _fragment_rerun():
                st.rerun()
            return
        st.caption(t("faults.busy_place", place=place))

    wait_for_turn()


def _fragment_rerun() -> bool:
    """Whether this script run is a fragment's own timed rerun (not the page's full run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


def lost_trainings() -> None:
    """On the train page: say which trainings were lost when the server stopped, with a button to dismiss them."""
    folder = load_settings().models_dir
    for job in jobs.lost_jobs(folder):
        with st.container(border=True):
            st.warning(
                t("faults.lost_training", names=", ".join(md(name) for name in job.names), started=job.started),
                icon=":material/report:",
            )
            if st.button(t("faults.lost_dismiss"), key=f"faults.lost.{job.id}"):
                jobs.forget(folder, job.id)
                st.rerun()
