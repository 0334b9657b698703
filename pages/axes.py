"""Semantic axes: words placed along directions given by words (女人-男人, rich-poor), one axis or two.

Share link: /axes?model=ID&x=a-b&y=c-d&words=w1,w2,w3&formula=cosine|projection
(an axis side may list several words: x=女人,母亲 - 男人,父亲)
"""

from typing import Any

import pandas as pd
import plotly.express as px
import streamlit as st

from embedlab import ui
from embedlab.static import axes as A
from embedlab.ui import pictures, presets

PAGE = "axes"
MODEL = ui.model_param("static")

ui.start_page("axes.title")
NEW_URL = ui.url_is_new(PAGE)
model = ui.page_static_model(PAGE, MODEL)


def fits(preset) -> bool:
    """Whether the model knows the preset's axis words and most of its words (small models lack the rarer ones)."""
    axes_words = []
    for name in ("x", "y"):
        if preset.params.get(name):
            axis = A.parse_axis(preset.params[name])
            axes_words += list(axis.left + axis.right)
    words = preset.params.get("words", [])
    return all(w in model for w in axes_words) and 2 * sum(w in model for w in words) >= len(words)


suited = [p for p in presets.presets_for(PAGE, model.id) if p.language == model.language]
preset = next((p for p in suited if fits(p)), None) or presets.first_preset(PAGE, model.language, model.id)
default: dict[str, Any] = preset.params if preset else {"x": "", "y": "", "words": []}  # as Preset.params: mixed values
PARAMS = [
    MODEL,
    ui.axis_param("x", default["x"]),
    # A link that gives x but no y asks for one axis: the preset's y is only for the page's own default view.
    ui.axis_param("y", default.get("y", "") if "x" not in st.query_params else ""),
    ui.words_param("words", default["words"]),
    ui.choice_param("formula", "cosine", list(A.FORMULAS)),
]
ui.show_problems(ui.rebind(PAGE, PARAMS[1:], new=NEW_URL))


def value(name: str):
    return st.session_state[ui.key(PAGE, name)]


st.caption(" · ".join(filter(None, [f"**{ui.md(model.id)}**", ui.md(ui.describe(model.id, model.description))])))
st.write(ui.t("axes.intro"))
ui.preset_buttons(PAGE, model.id)

col_x, col_y = st.columns(2)
col_x.text_input(ui.t("axes.x"), key=ui.key(PAGE, "x"), placeholder="女人-男人", help=ui.t("axes.axis_help"))
col_y.text_input(ui.t("axes.y"), key=ui.key(PAGE, "y"), placeholder="富-穷", help=ui.t("axes.y_help"))
st.text_area(ui.t("axes.words"), key=ui.key(PAGE, "words"), height=90)
st.radio(
    ui.t("axes.formula"),
    list(A.FORMULAS),
    key=ui.key(PAGE, "formula"),
    horizontal=True,
    format_func=ui.option_labels("axes.formula"),
)
formula = value("formula")
st.caption(ui.t(f"axes.formula_note.{formula}"))


def side_title(axis) -> str:
    """``← right · left →``: where each side of the axis lies."""
    return f"← {', '.join(axis.right)}   ·   {', '.join(axis.left)} →"


with ui.lab_guard():
    words = ui.words_of(value("words"), "words")
    if not value("x").strip():
        st.info(ui.t("axes.need_x"), icon=":material/info:")
    elif not words:
        st.info(ui.t("axes.need_words"), icon=":material/info:")
    else:
        result = A.place(model, words, x=value("x"), y=value("y").strip() or None, formula=formula)
        if result.missing:
            ui.show_missing(model, list(result.missing), note=ui.t("axes.left_out", n=len(result.missing)))
        score_name = ui.t(f"axes.score.{formula}")
        x_name = f"x: {result.x.label}"
        frame = pd.DataFrame({ui.t("common.word"): [s.word for s in result.scores], x_name: [s.x for s in result.scores]})
        if result.y is None:
            st.subheader(ui.t("axes.strip", axis=ui.md(result.x.label)))
            ranked = frame.sort_values(x_name, ascending=True).reset_index(drop=True)
            plotted = ranked.assign(**{ui.t("common.word"): ranked[ui.t("common.word")].map(ui.plot_text)})
            chart = px.scatter(
                plotted, x=x_name, y=ui.t("common.word"), text=ui.t("common.word"), height=max(300, 26 * len(ranked) + 80)
            )
            chart.update_traces(textposition="middle right", marker=dict(size=11, color="#4c78a8"))
            chart.add_vline(x=0, line_color="#bbb")
            pictures.tight(
                chart,
                xaxis_title=f"{score_name}   {ui.plot_text(side_title(result.x))}",
                yaxis=dict(showticklabels=False, title=None),
            )
            st.plotly_chart(chart, width="stretch")
        else:
            y_name = f"y: {result.y.label}"
            frame[y_name] = [s.y for s in result.scores]
            st.subheader(ui.t("axes.scatter", x=ui.md(result.x.label), y=ui.md(result.y.label)))
            plotted = frame.assign(**{ui.t("common.word"): frame[ui.t("common.word")].map(ui.plot_text)})
            chart = px.scatter(plotted, x=x_name, y=y_name, text=ui.t("common.word"), height=560)
            chart.update_traces(textposition="top center", marker=dict(size=10, color="#4c78a8"))
            chart.add_vline(x=0, line_color="#bbb")
            chart.add_hline(y=0, line_color="#bbb")
            pictures.tight(
                chart,
                xaxis_title=f"{score_name}   {ui.plot_text(side_title(result.x))}",
                yaxis_title=f"{score_name}   {ui.plot_text(side_title(result.y))}",
            )
            st.plotly_chart(chart, width="stretch")
            st.caption(ui.t("axes.axes_cosine", cos=result.axes_cosine))
        st.markdown("**" + ui.t("axes.table") + "**")
        table = frame.sort_values(x_name, ascending=False).reset_index(drop=True)
        table.index = range(1, len(table) + 1)
        st.dataframe(
            table,
            width="stretch",
            column_config={
                name: st.column_config.NumberColumn(format="%+.4f") for name in table.columns if name != ui.t("common.word")
            },
        )

with st.expander(ui.t("axes.about")):
    st.markdown(ui.t("axes.about_text"))

ui.sync_url(PAGE, PARAMS)
