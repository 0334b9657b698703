"""URL state: a page's inputs live in the address bar, so it is always a share link for the view.

A page declares its inputs as :class:`Param` (query name, default, decoder; the ``*_param``
functions make the usual ones). On arrival :func:`bind` fills each widget's session-state key from
the URL (or the default, with a message when the URL value is bad: :func:`show_problems`); after the
widgets run, :func:`sync_url` writes the current values back.

The widgets hold text; :func:`words_of`, :func:`sentences_of` and :func:`groups_of` read it back as
words, sentences or word groups, with the same limits as the URL (and errors that name the field).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import streamlit as st

from embedlab import i18n, share
from embedlab.errors import EmbedLabError
from embedlab.ui.errors import error_text
from embedlab.ui.text import Keys, key, lang, md, t


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


def _current_query() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The URL's query as a sorted, hashable tuple (what :func:`bind` remembers a page was bound from)."""
    return tuple(sorted((k, tuple(st.query_params.get_all(k))) for k in st.query_params.keys()))


def bind(page: str, params: Sequence[Param]) -> list[str]:
    """Fill the page's widget state from the URL; return the problems found in it.

    The URL wins when it changed since this page last bound it (a share link opened, a link
    followed from another page); otherwise the widgets keep what the user typed.
    """
    query = _current_query()
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
    bound[page] = (_current_query(), names)


def word_param(name: str, default: str = "") -> Param:
    """One word, trimmed; an over-long one is reported as a link problem when decoded."""
    return Param(name, default, lambda value: share.parse_word(value, name))


def words_param(name: str, default: Sequence[str] = ()) -> Param:
    """A comma-separated word list; the widget holds the text ``"a, b, c"``."""
    return Param(name, ", ".join(default), lambda value: ", ".join(share.parse_words(value, name)), _encode_words)


def _encode_words(text: str) -> str:
    return share.join_words([w.strip() for w in share.WORD_SEPARATORS.split(text) if w.strip()])


def int_param(name: str, default: int, *, low: int, high: int) -> Param:
    """A whole number from ``low`` to ``high``."""
    return Param(name, default, lambda value: share.parse_int(value, name, low=low, high=high))


def text_param(name: str, default: str = "", *, limit: int = share.MAX_PARAM_CHARS) -> Param:
    """Free text such as a search query."""
    return Param(name, default, lambda value: share.parse_text(value, name, limit=limit))


def choice_param(name: str, default: str, choices: Sequence[str]) -> Param:
    """One of ``choices`` (a select box or radio's option)."""
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


def show_problems(problems: Sequence[str]) -> None:
    """Show the link problems :func:`bind` found (each already in the UI language, as markdown)."""
    for problem in problems:
        st.warning(problem, icon=":material/warning:")


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
    """A number from ``low`` to ``high``, written short in the URL (``0.1``, not ``0.1000``)."""
    return Param(name, default, lambda value: share.parse_float(value, name, low=low, high=high), lambda number: f"{number:g}")


def flag_param(name: str, default: bool) -> Param:
    """An on/off switch, ``1`` or ``0`` in the URL."""
    return Param(name, default, lambda value: share.parse_choice(value, name, ["0", "1"]) == "1", lambda on: "1" if on else "0")


def url_is_new(page: str) -> bool:
    """Whether the URL changed since ``page`` last bound it (call before the page's first :func:`bind`)."""
    query = _current_query()
    return st.session_state.get(Keys.BOUND, {}).get(page, (None,))[0] != query


def rebind(page: str, params: Sequence[Param], *, new: bool) -> list[str]:
    """:func:`bind` for inputs bound after the page's model: ``new`` (from :func:`url_is_new`, taken before
    the model was bound) makes the URL win for them too, as it did for the model."""
    if new:
        for param in params:
            st.session_state.pop(key(page, param.name), None)
    return bind(page, params)


def box_param(name: str) -> Param:
    """A zoom box ``x0,x1,y0,y1`` in the URL; the page state holds a tuple, or None for the whole picture."""
    return Param(name, None, lambda value: share.parse_box(value, name), lambda box: share.join_box(box) if box else None)
