"""What the UI says: the interface language, its texts, and user text made literal in markup.

* :func:`lang` is the visitor's language (from ``?lang=`` on the first visit, then the sidebar picker);
  :func:`t` looks a text up in :mod:`embedlab.i18n` in that language.
* User text (words, sentences, model names) goes into Markdown and Plotly labels; :func:`md` and
  :func:`plot_text` escape it, so ``**x**`` or ``<b>`` typed by a visitor stays literal.
* :class:`Keys` and :func:`key` name the session-state entries pages share.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import streamlit as st

from embedlab import i18n


class Keys:
    """Session-state keys shared across pages (page inputs use :func:`key`)."""

    LANG = "lang"
    BOUND = "_bound_urls"  # page -> the URL query it was last bound from


def key(page: str, name: str) -> str:
    """The session-state key of input ``name`` on ``page``."""
    return f"{page}.{name}"


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
    """The text ``text_key`` of :mod:`embedlab.i18n` in the UI language, with ``values`` filled in.

    Parameters
    ----------
    text_key : str
        An entry of the catalogue, e.g. ``"explorer.title"``.
    **values
        The placeholders the text names (``{model}``, ``{n}``...).

    Returns
    -------
    str
        Markdown-ready text; user values passed in must already be escaped (:func:`md`).
    """
    return i18n.t(text_key, lang(), **values)


def language_picker() -> None:
    """The sidebar's language switch (``app.py`` shows it on every page); it writes :attr:`Keys.LANG`."""
    lang()  # the session's language is set (from the URL) before the widget reads its key
    st.sidebar.radio(
        i18n.t("app.language", lang()),
        i18n.LANGUAGES,
        key=Keys.LANG,
        horizontal=True,
        format_func=lambda code: {"zh": "中文", "en": "English"}[code],
    )


def option_labels(prefix: str) -> Callable[[str], str]:
    """A ``format_func`` showing option ``x`` as the text of ``prefix.x`` in the current language.

    The language is fixed when the widget is made, so the labels do not depend on a running
    script (AppTest formats widget values outside of one).
    """
    language = lang()
    return lambda option: i18n.t(f"{prefix}.{option}", language)
