"""The Streamlit edge: caching, URL state, model picking and error display.

Pages import this module and nothing else from ``embedlab``; it is the only module that imports
Streamlit. Models live in one :class:`~embedlab.serving.pool.ModelPool` per server process (held with
``st.cache_resource``) and are shared by every session, so they are read-only (static arrays are
frozen; torch runs in inference mode).

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
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import streamlit as st

# The backend modules used here; pages reach them as ``ui.<module>`` (they import this module and nothing else
# of ours), so some are imported only to be re-exported (F401).
from embedlab import i18n, result_cache, share  # noqa: F401
from embedlab.config import load_settings
from embedlab.contextual import model as contextual  # noqa: F401
from embedlab.contextual import (
    polysemy,  # noqa: F401
    sentences,  # noqa: F401
)
from embedlab.errors import EmbedLabError, OutOfVocabularyError, ServerBusyError, UnknownModelError
from embedlab.io import (
    downloads,  # noqa: F401
    textio,  # noqa: F401
)
from embedlab.projection import (
    distortion,  # noqa: F401
    word_projection,  # noqa: F401
)
from embedlab.projection import engine as projection  # noqa: F401
from embedlab.serving import (
    manager,  # noqa: F401
    milvus_store,  # noqa: F401
    registry,  # noqa: F401
)
from embedlab.serving.pool import ModelPool
from embedlab.static import (
    analogy_view,  # noqa: F401
    ann,  # noqa: F401
    eval_sets,  # noqa: F401
    evaluation,  # noqa: F401
)
from embedlab.static import model as static  # noqa: F401
from embedlab.training import (
    corpus,  # noqa: F401
    jobs,  # noqa: F401
)
from embedlab.training import train as training  # noqa: F401
from embedlab.ui import presets  # noqa: F401

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
    _translate_streamlit_chrome()
    st.title(t(title_key))


def _translate_streamlit_chrome() -> None:
    """Streamlit writes its file uploader's button and size note in English only; say them in the UI's language.

    A stylesheet swaps the two texts (hidden with ``font-size: 0``) for ours; nothing else changes.
    """
    if lang() == "en":
        return
    size_mb = st.get_option("server.maxUploadSize")
    upload, note = t("app.upload_button"), t("app.upload_note", mb=size_mb)
    st.html(
        "<style>"
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p{font-size:0}'
        '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after'
        f'{{content:"{upload}";font-size:0.875rem}}'
        '[data-testid="stFileUploaderDropzoneInstructions"] span{font-size:0}'
        f'[data-testid="stFileUploaderDropzoneInstructions"] span::after{{content:"{note}";font-size:0.875rem}}'
        "</style>"
    )


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
        i18n.t("app.language", lang()),
        i18n.LANGUAGES,
        key=Keys.LANG,
        horizontal=True,
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
    # (query, names bound from it): a page binds its model first and its other inputs later in
    # the same run, and a new URL must win for all of them, not only for the first call.
    last_query, names = bound.get(page, (None, frozenset()))
    done = names if last_query == query else frozenset()
    problems = []
    for param in params:
        state_key = key(page, param.name)
        if param.name in done and state_key in st.session_state:
            continue
        raw = st.query_params.get_all(param.name)
        value = param.default
        if raw:
            try:
                value = param.decode(raw if param.multi else raw[-1])
            except EmbedLabError as exc:
                text = error_text(exc, label=field_label(page, param.name))
                problems.append(t("app.param_problem", param=md(param.name), problem=md(text)))
        st.session_state[state_key] = value
    bound[page] = (query, done | {param.name for param in params})
    return problems


# Labels of URL parameters whose widget label is not the text ``<page>.<name>`` (nor the page-less entry here).
FIELD_LABELS = {
    "topn": "common.topn",
    "model": "app.model",
    "analogy.pos": "analogy.positive",
    "analogy.neg": "analogy.negative",
    "polysemy.s": "polysemy.sentences",
    "sentences.s": "sentences.sentences",
    "sentences.enc": "sentences.encoders",
    "search.q": "search.query",
    "evaluate.analogies": "evaluate.set",
    "evaluate.pairs": "evaluate.set",
}


def field_label(page: str | None, name: str) -> str | None:
    """The label ``page`` shows for its input ``name`` (URL parameter), in the UI language; None if unknown."""
    candidates = [FIELD_LABELS.get(key(page, name)), key(page, name)] if page else []
    for candidate in candidates + [FIELD_LABELS.get(name)]:
        if candidate and candidate in i18n.STRINGS:
            return t(candidate)
    return None


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
    bound = st.session_state.setdefault(Keys.BOUND, {})
    names = bound.get(page, (None, frozenset()))[1] | {param.name for param in params}
    bound[page] = (tuple(sorted((k, tuple(st.query_params.get_all(k))) for k in st.query_params.keys())), names)


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
        name,
        "\n".join(default),
        lambda values: "\n".join(share.parse_sentences(values, name)),
        _encode_sentences,
        multi=True,
    )


def _encode_sentences(text: str) -> list[str]:
    # Never raises: the URL keeps what was typed, and a bad value is reported when it is read.
    return [line.strip() for line in text.splitlines() if line.strip()][: share.MAX_SENTENCES]


@contextmanager
def _labelled(page: str | None, name: str) -> Iterator[None]:
    """Errors raised inside name the field as ``page`` labels input ``name``."""
    try:
        yield
    except EmbedLabError as exc:
        if page and "field" in exc.params:
            exc.label = field_label(page, name)
        raise


def sentences_of(text: str, name: str, *, page: str | None = None) -> list[str]:
    """The sentences typed into a sentences widget, one per line (raises InvalidInputError).

    With ``page``, an error names the field by the label that page shows for ``name``.
    """
    with _labelled(page, name):
        return share.parse_sentences(text, name)


def warn_unreadable(model: contextual.ContextualModel, sentences: list[str]) -> None:
    """Name the sentences the model reads mostly as unknown tokens (e.g. Chinese in an English model)."""
    unknown = [i + 1 for i, share in enumerate(contextual.unknown_share(model, sentences)) if share > 0.3]
    if unknown:
        st.warning(t("polysemy.unknown", model=md(model.id), which=", ".join(f"#{i}" for i in unknown)))


def words_of(text: str, name: str, *, page: str | None = None, drop_long: bool = True) -> list[str]:
    """The words typed into a words widget; an over-long word is left out with a note.

    Raises InvalidInputError for too long a text or too many words, and for an over-long word
    when ``drop_long`` is false (word arithmetic must not quietly lose a term). With ``page``, an
    error names the field by its label there.
    """
    with _labelled(page, name):
        words = share.parse_words(text, name, limit=share.MAX_PARAM_CHARS if drop_long else share.MAX_WORD_CHARS)
    return _without_long_words(words)


def _without_long_words(words: list[str]) -> list[str]:
    """``words`` less those over the word limit, which a warning lists (shortened)."""
    kept, dropped = share.split_long_words(words)
    if dropped:
        shown = "、".join(md(word[:20]) + "…" for word in dropped[:5])
        st.warning(
            t("common.dropped_long", n=len(dropped), limit=share.MAX_WORD_CHARS, words=shown), icon=":material/content_cut:"
        )
    return kept


def known_words(model: static.StaticModel, words: Sequence[str]) -> list[str]:
    """The ``words`` the model knows; the others are named in a warning, with suggestions."""
    missing = {word: static.suggest(model, word) for word in words if word not in model}
    if missing:
        st.warning(missing_words_text(missing) + "\n\n" + t("common.left_out"), icon=":material/search_off:")
    return [word for word in words if word not in missing]


def show_problems(problems: Sequence[str]) -> None:
    """Show the link problems :func:`bind` found (each already in the UI language, as markdown)."""
    for problem in problems:
        st.warning(problem, icon=":material/warning:")


# ---------------------------------------------------------------- models


@st.cache_resource(show_spinner=False)
def model_pool() -> ModelPool:
    """The server's one model pool (loaded models are shared by every session: read-only)."""
    return ModelPool(max_models=load_settings().max_models)


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


def sample_title(sample: corpus.SampleCorpus) -> str:
    """A sample corpus's title in the UI language (``sample.<id>.title``), else its own."""
    return _catalog(f"sample.{sample.id}.title", sample.title)


def sample_note(sample: corpus.SampleCorpus) -> str:
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
    return _page_model(page, model, contextual_model)


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


# ---------------------------------------------------------------- model manager & search (issue 5)


def loaded_models() -> dict[str, tuple[Any, int]]:
    """``{id: (model, bytes)}`` of the models this server holds (looked at, not touched)."""
    pool = model_pool()
    found = {entry.id: (pool.peek(entry.id), entry.nbytes) for entry in pool.loaded()}
    return {model_id: pair for model_id, pair in found.items() if pair[0] is not None}


def unload(model_id: str) -> bool:
    """Drop a model (and its approximate index) from this server; False when it was not loaded."""
    _ann_index.clear()
    dropped = model_pool().unload(model_id)
    settle_heap()  # what the model held may sit in reference cycles
    return dropped


@st.cache_resource(show_spinner=False, max_entries=4)
def _ann_index(model_id: str, fingerprint: str, _kv: Any) -> ann.HnswIndex | None:
    return ann.load(_kv)


def ann_index(model: static.StaticModel) -> ann.HnswIndex | None:
    """The model's saved HNSW index when its vocabulary is big enough to use one (never built here)."""
    if model.vocab_size < ann.AUTO_THRESHOLD:
        return None
    return _ann_index(model.id, ann.fingerprint(model.kv), model.kv)


def build_ann_index(model: static.StaticModel, progress: Callable[[int, int], None]) -> ann.HnswIndex:
    """Build (or load) and save the model's HNSW index; searches use it from now on (holds an ``"index"`` job slot)."""
    with heavy_job("index"):
        index = ann.load_or_build(model.kv, progress=progress)
    _ann_index.clear()
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


@st.cache_resource(show_spinner=False)
def milvus() -> milvus_store.Store:
    """One Milvus client per server (Lite file or the configured server)."""
    return milvus_store.connect()


def working(text_key: str = "app.working"):
    """A spinner for work that may take more than a second (it shows after half a second).

    Streamlit writes the time spent in English ("3.4 seconds"), so only the English UI shows it.
    """
    return st.spinner(t(text_key), show_time=lang() == "en")


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


def groups_of(text: str, name: str, *, page: str | None = None) -> list[list[str]]:
    """The word groups typed into a groups widget; over-long words are left out with a note.

    Raises InvalidInputError for too long a text or too many words.
    """
    with _labelled(page, name):
        groups = share.parse_groups(text, name, limit=share.MAX_PARAM_CHARS)
    kept = _without_long_words([word for group in groups for word in group])
    return [g for g in ([word for word in group if word in kept] for group in groups) if g]


def float_param(name: str, default: float, *, low: float, high: float) -> Param:
    return Param(name, default, lambda value: share.parse_float(value, name, low=low, high=high), lambda number: f"{number:g}")


def flag_param(name: str, default: bool) -> Param:
    """An on/off switch, ``1`` or ``0`` in the URL."""
    return Param(name, default, lambda value: share.parse_choice(value, name, ["0", "1"]) == "1", lambda on: "1" if on else "0")


def project_words(
    model: static.StaticModel, selection: word_projection.Selection, **options: Any
) -> word_projection.WordProjection:
    """:func:`embedlab.projection.word_projection.project_words` through the server's cache, with a spinner and a
    progress bar while it works."""
    bar = None

    def report(fraction: float, stage: str) -> None:
        nonlocal bar
        bar = bar or st.progress(0.0)
        bar.progress(min(max(fraction, 0.0), 1.0), text=t(f"projection.stage.{stage}", n=len(selection)))

    try:
        with working():
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


@st.cache_resource(show_spinner=False)
def evaluation_cache() -> result_cache.ResultCache:
    """Evaluation reports shared by every session, per (model, test set, options); reports are frozen."""
    return result_cache.ResultCache(max_entries=32)


# ---------------------------------------------------------------- errors


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


# ---------------------------------------------------------------- presets and the tour


def _apply_preset(page: str, params: dict) -> None:
    for name, value in params.items():
        st.session_state[key(page, name)] = ", ".join(value) if isinstance(value, (list, tuple)) else value


def preset_buttons(page: str, model_id: str | None = None) -> None:
    """One button per preset of ``page`` (those made for ``model_id`` first); a click fills the page's inputs."""
    available = presets.presets_for(page, model_id)
    if not available:
        return
    st.caption(t("common.presets"))
    per_row = 5
    for start in range(0, len(available), per_row):
        row = available[start : start + per_row]
        for column, preset in zip(st.columns(per_row), row):
            column.button(
                preset.title(lang()),
                key=key(page, f"preset-{preset.title_en}"),
                on_click=_apply_preset,
                args=(page, preset.params),
                width="stretch",
            )


TOUR = (  # (page file, url path, tour step, extra preset steps shown as further links)
    ("pages/explorer.py", "explorer", "static", ()),
    ("pages/explorer.py", "explorer", "similarity", ()),
    ("pages/analogy.py", "analogy", "analogy", ("analogy2",)),
    ("pages/projection.py", "projection", "projection", ()),
    ("pages/polysemy.py", "polysemy", "polysemy", ()),
    ("pages/sentences.py", "sentences", "sentences", ()),
)
STATIC_PAGES = ("explorer", "analogy", "projection")


def tour_models(language: str) -> dict[str, str | None]:
    """The models the tour uses in ``language``: ``static`` and ``contextual`` ids (None when there is none).

    In Chinese: the article's own ``sgns`` model when the user has one, else the shipped
    ``sidamingzhu``; a Chinese or multilingual contextual model when one is present.
    """
    statics = registry.list_models(kind="static", available_only=True)
    contextual = registry.list_models(kind="contextual", available_only=True)
    if language != "zh":
        english = [s.id for s in statics if s.language == "en"]
        return {"static": english[0] if english else None, "contextual": contextual[0].id if contextual else None}
    chinese = [s.id for s in statics if s.language == "zh"]
    article = [model_id for model_id in chinese if presets.family_of(model_id) == presets.ARTICLE]
    zh_contextual = [s.id for s in contextual if s.language in ("zh", "multi") and s.id != "minilm"]
    return {
        "static": (article or chinese)[0] if article or chinese else None,
        "contextual": zh_contextual[0] if zh_contextual else None,
    }


def _shipped_size(model_id: str) -> dict[str, int]:
    """``words`` and ``dims`` of a shipped model (for honest captions); empty for other models."""
    from embedlab.training import shipped

    if model_id not in {model.id for model in shipped.SHIPPED}:
        return {}
    meta = shipped.metadata(model_id) or {}
    return {
        "words": meta.get("words", 0),
        "dims": meta.get("dims", 0),
        "tokens_m": round(meta.get("corpus", {}).get("tokens", 0) / 1e6, 1),
    }


def _tour_query(preset: presets.Preset | None, model_id: str | None) -> dict[str, str]:
    query = {"lang": lang()}
    if preset is not None:
        query.update(
            {k: share.join_words(v) if isinstance(v, (list, tuple)) else str(v) for k, v in preset.params.items() if v != ""}
        )
    if model_id:
        query["model"] = model_id
    return query


def tour() -> None:
    """The home page's guided tour: each step links to its page with a preset in the URL.

    In the Chinese UI the static steps run on a Chinese model (the article's ``sgns`` model when
    present, else the shipped ``sidamingzhu``) with presets made for it, and each step says
    honestly what that model can and cannot show.
    """
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    models = tour_models(lang())
    static_id = models["static"] if models["static"] else tour_models("en")["static"]
    static_language = "zh" if lang() == "zh" and models["static"] else "en"
    family = presets.family_of(static_id or "") if static_language == "zh" else ""
    if lang() == "zh" and not models["static"]:
        st.info(t("home.no_zh_model"))
    elif static_id:
        st.caption(t(f"tour.model.{family or 'other'}", model=md(static_id), **_shipped_size(static_id)))
    shown = 0
    for page_file, url_path, step, more in TOUR:
        if not (root / page_file).is_file():
            continue
        shown += 1
        if url_path in STATIC_PAGES:
            language, model_id = static_language, static_id
        else:  # contextual steps: Chinese only with a Chinese (or multilingual) contextual model
            language = "zh" if lang() == "zh" and models["contextual"] else "en"
            model_id = models["contextual"] if language == "zh" else "minilm"
        with st.container(border=True):
            st.markdown(f"**{t('home.step', n=shown)} · {t(f'tour.{step}.title')}**")
            st.write(t(f"tour.{step}.text"))
            for link_step in (step, *more):
                preset = presets.tour_preset(link_step, language, family)
                if preset is None or (link_step != step and preset.step != link_step):
                    continue
                label = t("home.open", title=preset.title(lang()))
                st.page_link(page_file, label=label, icon=":material/arrow_forward:", query_params=_tour_query(preset, model_id))
            if url_path in STATIC_PAGES and family == presets.NOVELS:
                note = f"tour.{step}.novels_note"
                if note in i18n.STRINGS:
                    st.caption(t(note))
                if step == "projection":
                    article = presets.tour_preset("projection", "zh", presets.ARTICLE)
                    st.page_link(
                        page_file,
                        label=t("tour.projection.article_link"),
                        icon=":material/arrow_forward:",
                        query_params=_tour_query(article, model_id),
                    )
            if url_path not in STATIC_PAGES and lang() == "zh" and language == "en":
                st.caption(t("tour.no_zh_contextual"))
                st.page_link(
                    "pages/models.py",
                    label=t("tour.get_zh_contextual"),
                    icon=":material/download:",
                    query_params={"lang": lang()},
                )


# ---------------------------------------------------------------- compare, axes, bias (issue 12)

from embedlab.static import axes, compare, weat  # noqa: E402  (imported here, beside the helpers that use them)


def second_model_param() -> Param:
    """``model_b=`` of the compare page: the second available static model by default (the first when only one)."""
    import dataclasses

    param = model_param("static")
    choices = [spec.id for spec in registry.list_models(kind="static", available_only=True)]
    return dataclasses.replace(param, name="model_b", default=choices[1] if len(choices) > 1 else param.default)


def second_static_model(page: str, param: Param) -> static.StaticModel | None:
    """A second sidebar select box bound to ``param`` (``model_b=``) and its loaded model, or None with a message."""
    specs = registry.list_models(kind="static")
    by_id = {spec.id: spec for spec in specs}
    if st.session_state.get(key(page, param.name)) not in by_id:
        st.session_state[key(page, param.name)] = param.default
    st.sidebar.selectbox(
        t("compare.model_b"),
        list(by_id),
        key=key(page, param.name),
        format_func=lambda model_id: model_label(by_id[model_id]),
        help="\n\n".join(f"**{md(s.id)}**: {md(describe(s.id, s.description))}" for s in specs),
    )
    spec = by_id[st.session_state[key(page, param.name)]]
    if not spec.available:
        st.info(t("app.model_unavailable", model=md(spec.id), how=md(how_to_get(spec.id, spec.how_to_get))))
        return None
    with guard():
        return load(spec.id)
    return None


@st.cache_resource(show_spinner=False, max_entries=4)
def _comparison(
    a_key: tuple, b_key: tuple, vocab: int, topn: int, _a: static.StaticModel, _b: static.StaticModel
) -> compare.Comparison:
    return compare.compare(_a, _b, vocab=vocab, topn=topn)


def comparison(model_a: static.StaticModel, model_b: static.StaticModel, *, vocab: int, topn: int) -> compare.Comparison:
    """:func:`embedlab.static.compare.compare`, computed once per server for the same two models and options."""
    with st.spinner(t("compare.aligning", n=vocab)):
        return _comparison(
            (model_a.id, ann.fingerprint(model_a.kv)),
            (model_b.id, ann.fingerprint(model_b.kv)),
            vocab,
            topn,
            model_a,
            model_b,
        )


def url_is_new(page: str) -> bool:
    """Whether the URL changed since ``page`` last bound it (call before the page's first :func:`bind`)."""
    query = tuple(sorted((k, tuple(st.query_params.get_all(k))) for k in st.query_params.keys()))
    return st.session_state.get(Keys.BOUND, {}).get(page, (None,))[0] != query


def rebind(page: str, params: Sequence[Param], *, new: bool) -> list[str]:
    """:func:`bind` for inputs bound after the page's model: ``new`` (from :func:`url_is_new`, taken before
    the model was bound) makes the URL win for them too, as it did for the model."""
    if new:
        for param in params:
            st.session_state.pop(key(page, param.name), None)
    return bind(page, params)


def axis_param(name: str, default: str = "") -> Param:
    """A semantic axis, ``a-b`` or ``a1,a2 - b1,b2`` (checked when decoded; may be empty)."""

    def decode(value: str) -> str:
        text = share.parse_text(value, name)
        if text:
            try:
                axes.parse_axis(text, name=name)
            except axes.AxisError as exc:  # said in the interface language
                raise InvalidInputError(t(f"axes.error.{exc.reason}", name=name)) from None
        return text

    return Param(name, default, decode)


def show_missing(model: static.StaticModel, words: Sequence[str], *, note: str = "") -> None:
    """A warning naming words left out as unknown, with suggestions (the page still shows the rest)."""
    lines = [t("common.missing_words", words="、".join(md(w) for w in words))]
    for word in list(words)[:10]:  # suggestions scan the vocabulary: a few are enough
        suggestions = static.suggest(model, word)
        if suggestions:
            lines.append(f"- **{md(word)}** → " + t("common.did_you_mean", words=", ".join(md(s) for s in suggestions)))
    if note:
        lines.append("\n" + note)
    st.warning("\n".join(lines), icon=":material/search_off:")


def weat_tests(language: str) -> list[weat.WeatTest]:
    """The shipped WEAT tests, those in ``language`` first."""
    tests = list(weat.load_tests())
    return [x for x in tests if x.language == language] + [x for x in tests if x.language != language]


def show_lab_error(exc: BaseException) -> None:
    """Like :func:`show_error`, with the compare, axes and WEAT errors worded in the interface language."""
    if isinstance(exc, weat.WeatError):
        if exc.reason == "lost":
            lines = [t("bias.error.lost", model=md(exc.details["model"]), share=exc.details["max_lost"])]
            for name, words, given in exc.details["lost"]:
                lines.append(
                    f"- **{md(name)}**: "
                    + t("bias.error.lost_set", n=len(words), given=given, words="、".join(md(w) for w in words))
                )
            st.error("\n".join(lines), icon=":material/search_off:")
        else:
            st.error(t(f"bias.error.{exc.reason}", **{k: md(str(v)) for k, v in exc.details.items()}), icon=":material/warning:")
    elif isinstance(exc, axes.AxisError):
        st.error(t(f"axes.error.{exc.reason}", name=md(exc.name)), icon=":material/warning:")
    elif isinstance(exc, compare.CompareError):
        st.error(t(f"compare.error.{exc.reason}", **{k: md(str(v)) for k, v in exc.details.items()}), icon=":material/warning:")
    else:
        show_error(exc)


@contextmanager
def lab_guard() -> Iterator[None]:
    """:func:`guard` for the compare, axes and bias pages."""
    try:
        yield
    except Exception as exc:  # a page must never show a traceback
        show_lab_error(exc)


# ---------------------------------------------------------------- speed (issue 14)

import gc  # noqa: E402
import weakref  # noqa: E402
from collections import OrderedDict  # noqa: E402
from functools import cache  # noqa: E402

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


@cache
def favicon(path: str) -> str:
    """An SVG icon file as a data URI, read once (``st.set_page_config`` reads and encodes a path on every run)."""
    import base64
    from pathlib import Path

    return "data:image/svg+xml;base64," + base64.b64encode(Path(path).read_bytes()).decode("ascii")


# ---------------------------------------------------------------- honest pictures (issue 13)

from embedlab.projection import atlas  # noqa: E402  (imported here, beside the helpers that use them)
from embedlab.ui import pictures  # noqa: E402  (imported here, beside the helpers that use them)


def box_param(name: str) -> Param:
    """A zoom box ``x0,x1,y0,y1`` in the URL; the page state holds a tuple, or None for the whole picture."""
    return Param(name, None, lambda value: share.parse_box(value, name), lambda box: share.join_box(box) if box else None)


@st.cache_resource(show_spinner=False)
def atlas_cache() -> result_cache.ResultCache:
    """Atlases this server has read or computed, shared by every session (in front of the disk cache)."""
    return result_cache.ResultCache(max_entries=8)


def load_atlas(model: static.StaticModel, **options: Any) -> atlas.Atlas:
    """:func:`embedlab.projection.atlas.load_or_build` through this server's memory and the disk cache, with a progress
    bar while it computes.

    Computing takes one of the server's job slots (raises ServerBusyError with the place in line).
    """
    bar = None

    def report(fraction: float, stage: str) -> None:
        nonlocal bar
        bar = bar or st.progress(0.0)
        bar.progress(min(max(fraction, 0.0), 1.0), text=t(f"projection.stage.{stage}", n=options["top"]))

    key = (model.id, ann.fingerprint(model.kv), tuple(sorted(options.items())))
    try:
        with working():
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
