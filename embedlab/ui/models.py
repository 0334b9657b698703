"""Models on a page: pick one in the sidebar (bound to ``model=``), load it through the server's pool, describe it.

A page calls :func:`page_static_model` or :func:`page_contextual_model` with its ``model=``
:class:`~embedlab.ui.state.Param` (:func:`model_param`); it gets a loaded model, or the page stops
with a message saying why there is none (not installed, failed to load). :func:`load` says when a
model had been evicted, was reloaded because its file changed, or had its damaged cache rebuilt.

Model and sample-corpus descriptions come in the UI language when :mod:`embedlab.i18n` has them
(:func:`describe`, :func:`how_to_get`, :func:`sample_title`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from embedlab import i18n
from embedlab.config import load_settings
from embedlab.contextual import model as contextual
from embedlab.errors import UnknownModelError
from embedlab.serving import registry
from embedlab.static import model as static
from embedlab.training import samples
from embedlab.ui import presets
from embedlab.ui.errors import guard, missing_words_text
from embedlab.ui.neighbours import forget_indexes
from embedlab.ui.server import model_pool, settle_heap
from embedlab.ui.state import Param, bind, show_problems, sync_url
from embedlab.ui.text import key, lang, md, t


def load(model_id: str) -> Any:
    """The model, loaded once per server process; says so when it was evicted and loads again."""
    pool = model_pool()
    if pool.is_loaded(model_id):
        model = pool.get(model_id)  # loads it again when its file changed on disk (raises when it is gone)
        if pool.was_replaced(model_id):
            _report_load_faults(model_id, model, replaced=True)
        return model
    if pool.was_evicted(model_id):
        st.info(t("app.model_evicted", model=model_id, limit=pool.max_models), icon=":material/memory:")
    with st.spinner(t("app.loading_model", model=model_id)):
        model = pool.get(model_id)
        settle_heap()  # the model's objects are long-lived: later collections skip them
    _report_load_faults(model_id, model, replaced=pool.was_replaced(model_id))
    return model


def _report_load_faults(model_id: str, model: Any, *, replaced: bool) -> None:
    """Say (on the run that loaded it) that a model was loaded again because its file changed, or that its
    damaged cache was rebuilt."""
    if replaced:
        st.info(t("faults.model_replaced", model=md(model_id)), icon=":material/published_with_changes:")
    repair = getattr(getattr(model, "kv", None), "cache_repair", None)
    if repair is not None:
        st.info(
            t("faults.cache_rebuilt", model=md(model_id), file=repair.file, problem=t(f"faults.cache_problem.{repair.reason}")),
            icon=":material/build:",
        )


def model_param(kind: registry.Kind) -> Param:
    """The ``model=`` query parameter for a page that needs a model of ``kind``."""

    def decode(value: str) -> str:
        known = [spec.id for spec in registry.list_models(kind=kind)]
        if value not in known:
            raise UnknownModelError(value[:100], known)
        return value

    return Param("model", default_model(kind), decode)


def default_model(kind: registry.Kind) -> str:
    """The model a page of ``kind`` opens with: one in the UI's language when there is one.

    The Chinese UI prefers the article's own ``sgns`` model, then any Chinese model (the shipped
    ``sidamingzhu`` for static pages); the English UI keeps the first model listed (``minilm-static``).
    """
    specs = registry.list_models(kind=kind, available_only=True)
    if lang() == "zh":
        chinese = [spec.id for spec in specs if spec.language == "zh"]
        article = [model_id for model_id in chinese if presets.family_of(model_id) == presets.ARTICLE]
        if article or chinese:
            return (article or chinese)[0]
    else:
        english = [spec.id for spec in specs if spec.language == "en"]
        if english:
            return english[0]
    return specs[0].id if specs else ""


def model_label(spec: registry.ModelSpec) -> str:
    """How a picker shows a model: its id without gensim's ``.kv`` ending, ✗ when it is not installed."""
    label = spec.id.removesuffix(".kv")
    return label if spec.available else f"{label} ✗"


def model_picker(page: str, kind: registry.Kind) -> registry.ModelSpec | None:
    """A sidebar select box of the models of ``kind``; the choice is bound to ``model=``."""
    specs = registry.list_models(kind=kind)
    if not specs:
        st.error(t("app.no_models", kind=t(f"kind.{kind}")))
        return None
    by_id = {spec.id: spec for spec in specs}
    chosen = st.session_state.get(key(page, "model"))
    if chosen is not None and chosen not in by_id:  # its file was deleted or moved since it was picked
        fallback = default_model(kind) if default_model(kind) in by_id else next(iter(by_id))
        st.warning(t("faults.model_gone", model=md(chosen), other=md(fallback)), icon=":material/hide_source:")
        st.session_state[key(page, "model")] = fallback
    st.sidebar.selectbox(
        t("app.model"),
        list(by_id),
        key=key(page, "model"),
        format_func=lambda model_id: model_label(by_id[model_id]),
        help="\n\n".join(f"**{md(s.id)}**: {md(describe(s.id, s.description))}" for s in specs),
    )
    spec = by_id[st.session_state[key(page, "model")]]
    if not spec.available:
        st.info(t("app.model_unavailable", model=md(spec.id), how=md(how_to_get(spec.id, spec.how_to_get))))
        return None
    return spec


def _catalog(entry: str, fallback: str) -> str:
    """i18n ``entry`` in the UI language when it exists, else ``fallback`` (a user model's own text)."""
    return t(entry) if entry in i18n.STRINGS else fallback


def describe(model_id: str, fallback: str = "") -> str:
    """A model's description in the UI language (``model.<id>.description``), else its own.

    Files in the models folder get a translated line too: what EmbedLab trained (from its training
    record), or just "a vector file".
    """
    entry = f"model.{model_id}.description"
    if entry in i18n.STRINGS:
        return t(entry)
    spec = registry.all_specs().get(model_id)
    if spec is not None and spec.trained:
        return t("model.trained_here", **spec.trained)
    if spec is not None and spec.source.startswith(str(load_settings().models_dir)):
        return t("model.folder_file", name=model_id)
    return fallback


def how_to_get(model_id: str, fallback: str = "") -> str:
    """How to get a model that is not installed, in the UI language (``model.<id>.how_to_get``), else its own text."""
    return _catalog(f"model.{model_id}.how_to_get", fallback)


def sample_title(sample: samples.SampleCorpus) -> str:
    """A sample corpus's title in the UI language (``sample.<id>.title``), else its own."""
    return _catalog(f"sample.{sample.id}.title", sample.title)


def sample_note(sample: samples.SampleCorpus) -> str:
    """A sample corpus's note (chapters, size) in the UI language (``sample.<id>.note``), else its own."""
    return _catalog(f"sample.{sample.id}.note", sample.note)


def source_name(url: str) -> str:
    """A short name for where a file comes from: ``GitHub · owner/repo`` for a GitHub file, else the host."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    path = [part for part in parts.path.split("/") if part]
    if parts.netloc in ("raw.githubusercontent.com", "github.com") and len(path) >= 2:
        return f"GitHub · {path[0]}/{path[1]}"
    return parts.netloc or url[:40]


def static_model(page: str) -> static.StaticModel | None:
    """Pick and load the page's static model, or show why there is none."""
    spec = model_picker(page, "static")
    if spec is None:
        return None
    with guard():
        return load(spec.id)
    return None


def _page_model(page: str, model: Param, pick: Callable[[str], Any]) -> Any:
    """Bind ``model=`` from the URL, pick and load the page's model; stop the page without one."""
    show_problems(bind(page, [model]))
    loaded = pick(page)
    if loaded is None:
        sync_url(page, [model])
        st.stop()
    return loaded


def page_static_model(page: str, model: Param) -> static.StaticModel:
    """The page's static model, bound to ``model`` (:func:`model_param`); the page stops, with a message, without one."""
    return _page_model(page, model, static_model)


def contextual_param() -> Param:
    """``model=`` for the contextual pages; a Chinese model first when the UI speaks Chinese."""
    return model_param("contextual")


def contextual_model(page: str) -> contextual.ContextualModel | None:
    """Pick and load the page's contextual model (BGE-M3 lends its XLM-R), or show why there is none."""
    spec = model_picker(page, "contextual")
    if spec is None:
        return None
    with guard():
        return contextual.as_contextual(load(spec.id))
    return None


def page_contextual_model(page: str, model: Param) -> contextual.ContextualModel:
    """The page's contextual model, bound to ``model`` (:func:`contextual_param`); the page stops without one."""
    return _page_model(page, model, contextual_model)


def known_words(model: static.StaticModel, words: Sequence[str]) -> list[str]:
    """The ``words`` the model knows; the others are named in a warning, with suggestions."""
    missing = {word: static.suggest(model, word) for word in words if word not in model}
    if missing:
        st.warning(missing_words_text(missing) + "\n\n" + t("common.left_out"), icon=":material/search_off:")
    return [word for word in words if word not in missing]


def warn_unreadable(model: contextual.ContextualModel, sentences: list[str]) -> None:
    """Name the sentences the model reads mostly as unknown tokens (e.g. Chinese in an English model)."""
    unknown = [i + 1 for i, share in enumerate(contextual.unknown_share(model, sentences)) if share > 0.3]
    if unknown:
        st.warning(t("polysemy.unknown", model=md(model.id), which=", ".join(f"#{i}" for i in unknown)))


def loaded_models() -> dict[str, tuple[Any, int]]:
    """``{id: (model, bytes)}`` of the models this server holds (looked at, not touched)."""
    pool = model_pool()
    found = {entry.id: (pool.peek(entry.id), entry.nbytes) for entry in pool.loaded()}
    return {model_id: pair for model_id, pair in found.items() if pair[0] is not None}


def unload(model_id: str) -> bool:
    """Drop a model (and its approximate index) from this server; False when it was not loaded."""
    forget_indexes()
    dropped = model_pool().unload(model_id)
    settle_heap()  # what the model held may sit in reference cycles
    return dropped
