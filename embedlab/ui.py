"""The Streamlit edge: caching, URL state, model picking and error display.

Pages import this module and nothing else from ``embedlab``; it is the only module that imports
Streamlit. Models live in one :class:`~embedlab.pool.ModelPool` per server process (held with
``st.cache_resource``) and are shared by every session, so they are read-only (static arrays are frozen; torch runs in inference mode).

URL state: a page declares its inputs as :class:`Param` (query name, default, decoder). On arrival
:func:`bind` fills each widget's session-state key from the URL (or the default, with a message
when the URL value is bad); after the widgets run, :func:`sync_url` writes the current values back,
so the address bar is always a share link for the view.
"""

from __future__ import annotations

import html
import logging
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import streamlit as st

from embedlab import ann, contextual, corpus, downloads, eval_sets, evaluation, i18n, manager, milvus_store, polysemy, presets, projection, registry, result_cache, sentences, share, static, textio, training, word_projection
from embedlab.config import load_settings
from embedlab.pool import ModelPool
from embedlab.errors import EmbedLabError, OutOfVocabularyError, UnknownModelError

log = logging.getLogger("embedlab.ui")

# Re-exported for pages, which import only this module.
InvalidInputError = share.InvalidInputError


class Keys:
    """Session-state keys shared across pages (page inputs use :func:`key`)."""

    LANG = "lang"
    BOUND = "_bound_urls"  # page -> the URL query it was last bound from


def key(page: str, name: str) -> str:
    """The session-state key of input ``name`` on ``page``."""
    return f"{page}.{name}"


# ---------------------------------------------------------------- pages


def start_page(title_key: str) -> None:
    """First call of every page: make sure it runs inside app.py's navigation, then show the title.

    Before any session has run app.py, Streamlit treats ``pages/`` as an old-style page folder and
    runs a deep-linked page script on its own (no language picker, file-name navigation). That
    happens to the first visitor of a fresh server who opens a share link; rerunning fixes it,
    because the rerun goes through app.py and its ``st.navigation``.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
    st.title(t(title_key))


# ---------------------------------------------------------------- user text in markup

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<$:])")


def md(text: str) -> str:
    """User text made literal for st.markdown/st.subheader/st.error (no formatting, links or LaTeX)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def plot_text(text: str) -> str:
    """User text made literal for Plotly labels and hovers, which understand a little HTML."""
    return html.escape(str(text), quote=False)


# ---------------------------------------------------------------- language


def lang() -> str:
    """The current UI language (``zh`` or ``en``), from the URL on first visit."""
    if Keys.LANG not in st.session_state:
        wanted = st.query_params.get("lang", i18n.DEFAULT_LANGUAGE)
        st.session_state[Keys.LANG] = wanted if wanted in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
    return st.session_state[Keys.LANG]


def t(text_key: str, **values: object) -> str:
    return i18n.t(text_key, lang(), **values)


def language_picker() -> None:
    lang()
    st.sidebar.radio(
        i18n.t("app.language", lang()), i18n.LANGUAGES, key=Keys.LANG, horizontal=True,
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
    )


# ---------------------------------------------------------------- URL state


@dataclass(frozen=True)
class Param:
    """A page input that lives in the URL.

    ``decode`` turns the query value(s) into the widget value and raises ``InvalidInputError``
    for bad ones; ``encode`` turns the widget value back into a query string (or list of them).
    ``multi`` params repeat in the URL (``s=a&s=b``) and are decoded from the list of values.
    """

    name: str
    default: Any
    decode: Callable[[Any], Any]
    encode: Callable[[Any], Any] = str
    multi: bool = False


def bind(page: str, params: Sequence[Param]) -> list[str]:
    """Fill the page's widget state from the URL; return the problems found in it.

    The URL wins when it changed since this page last bound it (a share link opened, a link
    followed from another page); otherwise the widgets keep what the user typed.
    """
    query = tuple(sorted((k, tuple(st.query_params.get_all(k))) for k in st.query_params.keys()))
    bound = st.session_state.setdefault(Keys.BOUND, {})
    fresh = bound.get(page) != query
    problems = []
    for param in params:
        state_key = key(page, param.name)
        if not fresh and state_key in st.session_state:
            continue
        raw = st.query_params.get_all(param.name)
        value = param.default
        if raw:
            try:
                value = param.decode(raw if param.multi else raw[-1])
            except EmbedLabError as exc:
                problems.append(str(exc))
        st.session_state[state_key] = value
    bound[page] = query
    return problems


def sync_url(page: str, params: Sequence[Param], extra: dict[str, Any] | None = None) -> None:
    """Write the page's current inputs (and the language) into the URL."""
    values: dict[str, Any] = {"lang": lang()}
    values.update(extra or {})
    for param in params:
        values[param.name] = param.encode(st.session_state[key(page, param.name)])
    values = {k: v for k, v in values.items() if v not in (None, "", [])}
    if dict(st.query_params.to_dict()) != {k: (v[-1] if isinstance(v, list) else v) for k, v in values.items()} or any(
        isinstance(v, list) for v in values.values()
    ):
        st.query_params.from_dict(values)
    st.session_state.setdefault(Keys.BOUND, {})[page] = tuple(sorted((k, tuple(st.query_params.get_all(k))) for k in st.query_params.keys()))


def word_param(name: str, default: str = "") -> Param:
    return Param(name, default, lambda value: share.parse_word(value, name))


def words_param(name: str, default: Sequence[str] = ()) -> Param:
    """A comma-separated word list; the widget holds the text ``"a, b, c"``."""
    return Param(name, ", ".join(default), lambda value: ", ".join(share.parse_words(value, name)), _encode_words)


def _encode_words(text: str) -> str:
    return share.join_words([w.strip() for w in share.WORD_SEPARATORS.split(text) if w.strip()])


def int_param(name: str, default: int, *, low: int, high: int) -> Param:
    return Param(name, default, lambda value: share.parse_int(value, name, low=low, high=high))


def text_param(name: str, default: str = "", *, limit: int = share.MAX_PARAM_CHARS) -> Param:
    """Free text such as a search query."""
    return Param(name, default, lambda value: share.parse_text(value, name, limit=limit))


def choice_param(name: str, default: str, choices: Sequence[str]) -> Param:
    return Param(name, default, lambda value: share.parse_choice(value, name, choices))


def sentences_param(name: str, default: Sequence[str] = ()) -> Param:
    """Repeated ``name=`` sentences in the URL; the widget holds them one per line."""
    return Param(
        name, "\n".join(default), lambda values: "\n".join(share.parse_sentences(values, name)),
        _encode_sentences, multi=True,
    )


def _encode_sentences(text: str) -> list[str]:
    # Never raises: the URL keeps what was typed, and a bad value is reported when it is read.
    return [line.strip() for line in text.splitlines() if line.strip()][: share.MAX_SENTENCES]


def sentences_of(text: str, name: str) -> list[str]:
    """The sentences typed into a sentences widget, one per line (raises InvalidInputError)."""
    return share.parse_sentences(text, name)


def warn_unreadable(model: contextual.ContextualModel, sentences: list[str]) -> None:
    """Name the sentences the model reads mostly as unknown tokens (e.g. Chinese in an English model)."""
    unknown = [i + 1 for i, share in enumerate(contextual.unknown_share(model, sentences)) if share > 0.3]
    if unknown:
        st.warning(t("polysemy.unknown", model=md(model.id), which=", ".join(f"#{i}" for i in unknown)))


def words_of(text: str, name: str) -> list[str]:
    """The words typed into a words widget (raises InvalidInputError for bad ones)."""
    return share.parse_words(text, name)


def show_problems(problems: Sequence[str]) -> None:
    for problem in problems:
        st.warning(t("app.param_problem", problem=md(problem)), icon=":material/warning:")


# ---------------------------------------------------------------- models


@st.cache_resource(show_spinner=False)
def model_pool() -> ModelPool:
    """The server's one model pool (loaded models are shared by every session: read-only)."""
    return ModelPool(max_models=load_settings().max_models)


def load(model_id: str) -> Any:
    """The model, loaded once per server process; says so when it was evicted and loads again."""
    pool = model_pool()
    if pool.is_loaded(model_id):
        return pool.get(model_id)
    if pool.was_evicted(model_id):
        st.info(t("app.model_evicted", model=model_id, limit=pool.max_models), icon=":material/memory:")
    with st.spinner(t("app.loading_model", model=model_id)):
        return pool.get(model_id)


def model_param(kind: registry.Kind) -> Param:
    """The ``model=`` query parameter for a page that needs a model of ``kind``."""
    def decode(value: str) -> str:
        known = [spec.id for spec in registry.list_models(kind=kind)]
        if value not in known:
            raise UnknownModelError(value[:100], known)
        return value

    choices = [spec.id for spec in registry.list_models(kind=kind, available_only=True)]
    return Param("model", choices[0] if choices else "", decode)


def model_picker(page: str, kind: registry.Kind) -> registry.ModelSpec | None:
    """A sidebar select box of the models of ``kind``; the choice is bound to ``model=``."""
    specs = registry.list_models(kind=kind)
    if not specs:
        st.error(t("app.no_models", kind=t(f"kind.{kind}")))
        return None
    by_id = {spec.id: spec for spec in specs}
    st.sidebar.selectbox(
        t("app.model"), list(by_id), key=key(page, "model"),
        format_func=lambda model_id: model_id if by_id[model_id].available else f"{model_id} ✗",
        help="\n\n".join(f"**{s.id}**: {s.description}" for s in specs),
    )
    spec = by_id[st.session_state[key(page, "model")]]
    if not spec.available:
        st.info(t("app.model_unavailable", model=spec.id, how=spec.how_to_get))
        return None
    return spec


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
    return _page_model(page, model, static_model)


def contextual_param() -> Param:
    """``model=`` for the contextual pages; a Chinese model first when the UI speaks Chinese."""
    import dataclasses

    param = model_param("contextual")
    if lang() == "zh":
        chinese = [s.id for s in registry.list_models(kind="contextual", available_only=True) if s.language == "zh"]
        if chinese:
            return dataclasses.replace(param, default=chinese[0])
    return param


def contextual_model(page: str) -> contextual.ContextualModel | None:
    """Pick and load the page's contextual model (BGE-M3 lends its XLM-R), or show why there is none."""
    spec = model_picker(page, "contextual")
    if spec is None:
        return None
    with guard():
        return contextual.as_contextual(load(spec.id))
    return None


def page_contextual_model(page: str, model: Param) -> contextual.ContextualModel:
    return _page_model(page, model, contextual_model)


@st.cache_resource(show_spinner=False, max_entries=8)
def static_alignment(static_id: str, contextual_id: str) -> polysemy.StaticAlignment:
    """The Procrustes map from a static model into a contextual model's input space, fitted once."""
    pool = model_pool()
    return polysemy.align_static(pool.get(static_id), contextual.as_contextual(pool.get(contextual_id)))


@st.cache_resource(show_spinner=False, max_entries=4)
def _sentence_transformer(folder: str, model_id: str) -> sentences.SentenceTransformerEncoder:
    return sentences.SentenceTransformerEncoder(folder, model_id=model_id)


def sentence_encoder(model_id: str):
    """The sentence encoder a registry model is meant for (sentence-transformers, BGE-M3 or mean pooling)."""
    model = load(model_id)
    with st.spinner(t("app.loading_model", model=model_id)):
        return sentences.own_encoder(model, sentence_transformer=_sentence_transformer)


# ---------------------------------------------------------------- model manager & search (issue 5)


def loaded_models() -> dict[str, tuple[Any, int]]:
    """``{id: (model, bytes)}`` of the models this server holds (looked at, not touched)."""
    pool = model_pool()
    found = {entry.id: (pool.peek(entry.id), entry.nbytes) for entry in pool.loaded()}
    return {model_id: pair for model_id, pair in found.items() if pair[0] is not None}


def unload(model_id: str) -> bool:
    """Drop a model (and its approximate index) from this server; False when it was not loaded."""
    _ann_index.clear()
    return model_pool().unload(model_id)


@st.cache_resource(show_spinner=False, max_entries=4)
def _ann_index(model_id: str, fingerprint: str, _kv: Any) -> ann.HnswIndex | None:
    return ann.load(_kv)


def ann_index(model: static.StaticModel) -> ann.HnswIndex | None:
    """The model's saved HNSW index when its vocabulary is big enough to use one (never built here)."""
    if model.vocab_size < ann.AUTO_THRESHOLD:
        return None
    return _ann_index(model.id, ann.fingerprint(model.kv), model.kv)


def build_ann_index(model: static.StaticModel, progress: Callable[[int, int], None]) -> ann.HnswIndex:
    """Build (or load) and save the model's HNSW index; searches use it from now on."""
    index = ann.load_or_build(model.kv, progress=progress)
    _ann_index.clear()
    return index


def neighbors(model: static.StaticModel, word: str, *, topn: int, metric: str = "cosine") -> ann.SearchResult:
    """Nearest words: exact (gensim), or through the HNSW index for a big model that has one."""
    return ann.search(model, word, topn=topn, metric=metric, index=ann_index(model))


@st.cache_resource(show_spinner=False)
def milvus() -> milvus_store.Store:
    """One Milvus client per server (Lite file or the configured server)."""
    return milvus_store.connect()


def progress_bar(label: str) -> Callable[[int, int], None]:
    """A progress bar and the ``progress(done, total)`` callback that moves it."""
    bar = st.progress(0.0, text=label)

    def update(done: int, total: int) -> None:
        bar.progress(min(done / total, 1.0) if total else 0.0, text=f"{label} {done:,} / {total:,}" if total else label)

    return update


# ---------------------------------------------------------------- projection (issue 3)


@st.cache_resource(show_spinner=False)
def warm_projection() -> threading.Thread:
    """Start compiling umap-learn in a background thread, once per server process (app.py calls it)."""
    # torch is imported here, in the script thread, because importing it from two threads at once
    # (the warm-up's neighbour search and a page loading a contextual model) can leave its operator
    # registry half-built ("operator prims::full_like does not exist").
    import torch  # noqa: F401

    thread = threading.Thread(target=_warm_up_quietly, name="embedlab-umap-warm-up", daemon=True)
    thread.start()
    return thread


def _warm_up_quietly() -> None:
    try:
        log.info("UMAP warm-up took %.1f s", projection.warm_up())
    except Exception:  # a failed warm-up only means the first UMAP compiles on demand
        log.exception("UMAP warm-up failed")


@st.cache_resource(show_spinner=False)
def projection_cache() -> result_cache.ResultCache:
    """Projection results shared by every session, per (model, words, method, parameters)."""
    return result_cache.ResultCache(max_entries=32)


def groups_param(name: str, default: str = "") -> Param:
    """Word groups, ``a,b|c,d`` in the URL; the widget holds one group per line."""
    def decode(value: str) -> str:
        return "\n".join(", ".join(group) for group in share.parse_groups(value, name))

    def encode(text: str) -> str:
        lines = share.GROUP_SEPARATORS.split(text)
        return share.join_groups([[w.strip() for w in share.WORD_SEPARATORS.split(line) if w.strip()] for line in lines])

    return Param(name, decode(default) if default else "", decode, encode)


def groups_of(text: str, name: str) -> list[list[str]]:
    """The word groups typed into a groups widget (raises InvalidInputError for bad ones)."""
    return share.parse_groups(text, name)


def float_param(name: str, default: float, *, low: float, high: float) -> Param:
    return Param(name, default, lambda value: share.parse_float(value, name, low=low, high=high), lambda number: f"{number:g}")


def flag_param(name: str, default: bool) -> Param:
    """An on/off switch, ``1`` or ``0`` in the URL."""
    return Param(name, default, lambda value: share.parse_choice(value, name, ["0", "1"]) == "1", lambda on: "1" if on else "0")


def project_words(model: static.StaticModel, selection: word_projection.Selection, **options: Any) -> word_projection.WordProjection:
    """:func:`embedlab.word_projection.project_words` through the server's cache, with a progress bar while it works."""
    bar = None

    def report(fraction: float, stage: str) -> None:
        nonlocal bar
        bar = bar or st.progress(0.0)
        bar.progress(min(max(fraction, 0.0), 1.0), text=t(f"projection.stage.{stage}", n=len(selection)))

    try:
        return word_projection.project_words(
            model, selection, progress=report, cache=projection_cache(),
            max_points=load_settings().limits.projection_points, **options,
        )
    finally:
        if bar is not None:
            bar.empty()


# ---------------------------------------------------------------- train & evaluate (issue 6)


def option_labels(prefix: str) -> Callable[[str], str]:
    """A ``format_func`` showing option ``x`` as the text of ``prefix.x`` in the current language.

    The language is fixed when the widget is made, so the labels do not depend on a running
    script (AppTest formats widget values outside of one).
    """
    language = lang()
    return lambda option: i18n.t(f"{prefix}.{option}", language)


@st.cache_resource(show_spinner=False)
def training_slots() -> training.JobSlots:
    """The server's training slots, shared by every session (``limits.training_jobs``)."""
    return training.JobSlots(load_settings().limits.training_jobs)


@st.cache_resource(show_spinner=False)
def evaluation_cache() -> result_cache.ResultCache:
    """Evaluation reports shared by every session, per (model, test set, options); reports are frozen."""
    return result_cache.ResultCache(max_entries=32)


# ---------------------------------------------------------------- errors


def show_error(exc: BaseException) -> None:
    """A plain-language message for a backend error (never a traceback)."""
    if isinstance(exc, OutOfVocabularyError):
        lines = [t("common.missing_words", words="、".join(md(w) for w in exc.missing))]
        for word, suggestions in exc.missing.items():
            if suggestions:
                lines.append(f"- **{md(word)}** → " + t("common.did_you_mean", words=", ".join(md(s) for s in suggestions)))
        st.error("\n".join(lines), icon=":material/search_off:")
    elif isinstance(exc, EmbedLabError):
        st.error(md(str(exc)), icon=":material/warning:")
    else:
        log.exception("Unexpected error in a page")
        st.error(t("common.error", error=md(f"{type(exc).__name__}: {exc}")), icon=":material/error:")


@contextmanager
def guard() -> Iterator[None]:
    """Run page work, turning any error into a message so the page stays alive."""
    try:
        yield
    except Exception as exc:  # a page must never show a traceback
        show_error(exc)


# ---------------------------------------------------------------- presets and the tour


def _apply_preset(page: str, params: dict) -> None:
    for name, value in params.items():
        st.session_state[key(page, name)] = ", ".join(value) if isinstance(value, (list, tuple)) else value


def preset_buttons(page: str) -> None:
    """One button per preset of ``page``; a click fills the page's inputs."""
    available = presets.presets_for(page)
    if not available:
        return
    st.caption(t("common.presets"))
    columns = st.columns(len(available))
    for column, preset in zip(columns, available):
        column.button(
            preset.title(lang()), key=key(page, f"preset-{preset.title_en}"), on_click=_apply_preset,
            args=(page, preset.params), width="stretch",
        )


TOUR = (  # (page file, url path, tour step)
    ("pages/explorer.py", "explorer", "static"),
    ("pages/explorer.py", "explorer", "similarity"),
    ("pages/analogy.py", "analogy", "analogy"),
    ("pages/projection.py", "projection", "projection"),
    ("pages/polysemy.py", "polysemy", "polysemy"),
    ("pages/sentences.py", "sentences", "sentences"),
)


def tour() -> None:
    """The home page's guided tour: each step links to its page with a preset in the URL.

    Steps whose page has not been written yet are left out.
    """
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    static_specs = registry.list_models(kind="static", available_only=True)
    chinese = [s.id for s in static_specs if s.language == "zh"]
    language = "zh" if chinese and lang() == "zh" else "en"
    if lang() == "zh" and not chinese:
        st.info(t("home.no_zh_model"))
    shown = 0
    for page_file, url_path, step in TOUR:
        if not (root / page_file).is_file():
            continue
        shown += 1
        query = {"lang": lang()}
        preset = presets.tour_preset(step, language)
        if preset is not None:
            query.update({k: share.join_words(v) if isinstance(v, (list, tuple)) else str(v) for k, v in preset.params.items()})
        if url_path in ("explorer", "analogy", "projection") and static_specs:
            query["model"] = chinese[0] if language == "zh" else static_specs[0].id
        with st.container(border=True):
            st.markdown(f"**{t('home.step', n=shown)} · {t(f'tour.{step}.title')}**")
            st.write(t(f"tour.{step}.text"))
            st.page_link(page_file, label=t("home.open", title=t(f"tour.{step}.title")), icon=":material/arrow_forward:", query_params=query)
