"""Word explorer: one word's vector and neighbours; several words compared.

Share link: /explorer?model=ID&word=W&topn=N[&metric=cosine|euclidean][&words=a,b,c]
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from embedlab import ui
from embedlab.static import model as static
from embedlab.ui import pictures, presets

PAGE = "explorer"
MODEL = ui.model_param("static")

ui.start_page("explorer.title")
model = ui.page_static_model(PAGE, MODEL)

default = presets.page_preset(PAGE, model.language, model.id).params
PARAMS = [
    MODEL,
    ui.word_param("word", default["word"]),
    ui.int_param("topn", 10, low=1, high=100),
    ui.choice_param("metric", "cosine", ["cosine", "euclidean"]),
    ui.words_param("words", default["words"]),
]
ui.show_problems(ui.bind(PAGE, PARAMS[1:]))
st.caption(
    " · ".join(
        filter(
            None,
            [
                f"**{ui.md(model.id)}**",
                ui.md(ui.describe(model.id, model.description)),
                ui.t("explorer.vocab", size=model.vocab_size, dims=model.dims),
            ],
        )
    )
)
ui.preset_buttons(PAGE, model.id)


def light_figure(trace, **layout) -> go.Figure:
    """A plain ``go`` figure with tight margins: built in about a millisecond (Plotly Express takes tens)."""
    return go.Figure(trace, layout=dict(margin=pictures.margins(), **layout))


@st.fragment
def neighbours_panel() -> None:
    """The word, its neighbours and its vector: a change here reruns only this panel (the URL follows)."""
    left, middle, right = st.columns([3, 2, 2])
    left.text_input(ui.t("explorer.word"), key=ui.key(PAGE, "word"), max_chars=100)
    middle.number_input(ui.t("common.topn"), min_value=1, max_value=100, step=1, key=ui.key(PAGE, "topn"))
    right.radio(
        ui.t("explorer.metric"),
        ["cosine", "euclidean"],
        key=ui.key(PAGE, "metric"),
        horizontal=True,
        format_func=ui.option_labels("explorer.metric"),
    )
    word = st.session_state[ui.key(PAGE, "word")].strip()
    topn = st.session_state[ui.key(PAGE, "topn")]
    metric = st.session_state[ui.key(PAGE, "metric")]

    with ui.guard():
        vector = static.vector(model, word)
        with ui.working():
            found = ui.neighbors(model, word, topn=topn, metric=metric)  # exact unless a big model has an index; kept per inputs
        neighbors = found.results

        st.subheader(ui.t("explorer.neighbors", word=ui.md(word), n=topn))
        if found.approximate:
            st.caption(ui.t("explorer.approximate", method=found.method))
        score_label = ui.t(f"explorer.metric.{metric}")
        table = pd.DataFrame({ui.t("common.word"): [n.word for n in neighbors], score_label: [n.score for n in neighbors]})
        table.index = range(1, len(table) + 1)
        col_table, col_chart = st.columns([2, 3])
        col_table.dataframe(table, width="stretch", column_config={score_label: st.column_config.NumberColumn(format="%.4f")})
        chart = light_figure(
            go.Bar(
                x=np.array([n.score for n in neighbors][::-1]),
                y=[ui.plot_text(n.word) for n in neighbors][::-1],
                orientation="h",
                hovertemplate="%{y}: %{x:.4f}<extra></extra>",
            ),
            height=max(260, 28 * len(table)),
            xaxis=dict(title=dict(text=score_label)),
            yaxis=dict(type="category"),
        )
        col_chart.plotly_chart(chart, width="stretch")

        st.subheader(ui.t("explorer.vector", word=ui.md(word), dims=model.dims))
        first = min(10, model.dims)
        st.caption(ui.t("explorer.first_dims", n=first))
        st.dataframe(pd.DataFrame([vector[:first]], columns=[f"d{i}" for i in range(first)], index=[word]), width="stretch")
        # Every dimension as one strip of colour: a single heatmap row draws as one image, where a
        # bar per dimension meant hundreds of shapes redrawn on every word.
        values = np.asarray(vector, dtype=np.float32)[None, :]  # numpy goes to the browser as one binary block
        scale = max(float(np.abs(values).max()), 1e-6)
        strip = light_figure(
            go.Heatmap(
                z=values,
                x=np.arange(model.dims),
                y=[ui.plot_text(word)],
                colorscale=pictures.DIVERGING_SCALE,
                zmin=-scale,
                zmax=scale,
                hovertemplate=ui.t("explorer.dimension") + " %{x}: %{z:.4f}<extra></extra>",
                showscale=False,
            ),
            height=110,
            xaxis=dict(title=dict(text=ui.t("explorer.dimension"))),
            yaxis=dict(showticklabels=False),
        )
        st.plotly_chart(strip, width="stretch")
        st.caption(ui.t("explorer.all_dims", dims=model.dims))
    ui.sync_url(PAGE, PARAMS)


@st.fragment
def compare_panel() -> None:
    """Several words compared: similarity heatmap, odd one out, ranks; reruns on its own."""
    st.text_input(ui.t("explorer.words"), key=ui.key(PAGE, "words"))
    with ui.guard():
        typed = list(dict.fromkeys(ui.words_of(st.session_state[ui.key(PAGE, "words")], "words", page=PAGE)))
        words = ui.known_words(model, typed)  # an unknown or over-long word is named and left out, not fatal
        if words:
            matrix = ui.remembered(model, "similarity_matrix", tuple(words), lambda: static.similarity_matrix(model, words))
            labels = [ui.plot_text(w) for w in words]
            heatmap = go.Figure(
                go.Heatmap(
                    z=matrix,
                    x=labels,
                    y=labels,
                    colorscale=pictures.DIVERGING_SCALE,
                    zmin=-1,
                    zmax=1,
                    texttemplate="%{z:.2f}",
                    hovertemplate="%{y} · %{x}: %{z:.4f}<extra></extra>",
                ),
                layout=dict(
                    height=120 + 45 * len(words),
                    margin=pictures.margins(top=30),
                    title=dict(text=ui.t("explorer.heatmap")),
                    xaxis=dict(type="category"),
                    yaxis=dict(type="category", autorange="reversed"),
                ),
            )
            col_map, col_side = st.columns([3, 2])
            col_map.plotly_chart(heatmap, width="stretch")
            if len(words) >= 3:
                odd = ui.remembered(model, "odd_one_out", tuple(words), lambda: static.odd_one_out(model, words))
                col_side.success(ui.t("explorer.odd", word=ui.md(odd)))
            else:
                col_side.info(ui.t("explorer.odd_needs_three"))
            others = [w for w in words[1:] if w != words[0]]
            if others:
                found = ui.remembered(model, "ranks", (words[0], *others), lambda: static.ranks(model, words[0], others))
                ranks = pd.DataFrame({ui.t("common.word"): others, "#": found})
                col_side.caption(ui.t("explorer.rank", word=ui.md(words[0])))
                col_side.dataframe(ranks, hide_index=True, width="stretch")
    ui.sync_url(PAGE, PARAMS)


neighbours_panel()
st.divider()
st.subheader(ui.t("explorer.compare"))
compare_panel()
