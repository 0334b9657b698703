"""The compare, axes and bias pages' helpers: a second model, cached comparisons, axes in the URL, their errors.

:func:`comparison` aligns two static models once per server (:mod:`embedlab.static.compare`);
:func:`axis_param` checks a semantic axis (:mod:`embedlab.static.axes`) as it is read from the URL;
:func:`lab_guard` words the compare, axes and WEAT errors in the interface language.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import streamlit as st

from embedlab import share
from embedlab.errors import InvalidInputError
from embedlab.serving import registry
from embedlab.static import ann, axes, compare, weat
from embedlab.static import model as static
from embedlab.ui.errors import guard, show_error
from embedlab.ui.models import describe, how_to_get, load, model_label, model_param
from embedlab.ui.state import Param
from embedlab.ui.text import key, md, t


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
