"""Polysemy: one word gets a new contextual vector in every sentence; a static model gives it one.

Share link: /polysemy?model=ID&word=W&s=SENT1&s=SENT2...[&layer=last|last4][&k=0..8][&static=ID]
"""

import numpy as np
import pandas as pd
import plotly.express as px
import streamlit as st

from embedlab import ui
from embedlab.contextual import model as contextual
from embedlab.contextual import polysemy
from embedlab.serving import registry
from embedlab.static import model as static
from embedlab.ui import pictures, presets

PAGE = "polysemy"
NO_STATIC = "-"
MODEL = ui.contextual_param()

ui.start_page("polysemy.title")
model = ui.page_contextual_model(PAGE, MODEL)

spec = registry.get_spec(st.session_state[ui.key(PAGE, "model")])
language = spec.language if spec.language in ("zh", "en") else ui.lang()
default = presets.page_preset(PAGE, language).params
statics = [s for s in registry.list_models(kind="static", available_only=True)]
same_language = [s.id for s in statics if s.language == spec.language]
static_choices = [NO_STATIC] + [s.id for s in statics]
PARAMS = [
    MODEL,
    ui.word_param("word", default["word"]),
    ui.sentences_param("s", default["s"].splitlines()),
    ui.choice_param("layer", "last", list(contextual.LAYERS)),
    ui.int_param("k", 0, low=0, high=polysemy.MAX_K),
    ui.choice_param("static", same_language[0] if same_language else NO_STATIC, static_choices),
]
ui.show_problems(ui.bind(PAGE, PARAMS[1:]))
word = st.session_state[ui.key(PAGE, "word")].strip()
st.caption(ui.t("polysemy.intro", word=ui.md(word or "…")))
st.caption(f"**{ui.md(model.id)}** · {ui.md(ui.describe(spec.id, spec.description))}")
ui.preset_buttons(PAGE)

col_text, col_options = st.columns([3, 2])
col_text.text_input(ui.t("polysemy.word"), key=ui.key(PAGE, "word"), max_chars=100)
col_text.text_area(ui.t("polysemy.sentences"), key=ui.key(PAGE, "s"), height=190)
col_options.radio(
    ui.t("polysemy.layer"),
    list(contextual.LAYERS),
    key=ui.key(PAGE, "layer"),
    horizontal=True,
    format_func=ui.option_labels("polysemy.layer"),
)
col_options.number_input(ui.t("polysemy.k"), min_value=0, max_value=polysemy.MAX_K, step=1, key=ui.key(PAGE, "k"))
no_static = ui.t("polysemy.static.none")  # fixed now: a format_func may be called outside this run (AppTest)
col_options.selectbox(
    ui.t("polysemy.static"),
    static_choices,
    key=ui.key(PAGE, "static"),
    format_func=lambda choice: no_static if choice == NO_STATIC else choice,
)

word = st.session_state[ui.key(PAGE, "word")].strip()
static_id = st.session_state[ui.key(PAGE, "static")]
k = st.session_state[ui.key(PAGE, "k")]

with ui.guard():
    sentences = ui.sentences_of(st.session_state[ui.key(PAGE, "s")], "s", page=PAGE)
    if len(sentences) < 2:
        st.info(ui.t("polysemy.need_sentences"))
    else:
        ui.warn_unreadable(model, sentences)
        static_model = alignment = None
        if static_id != NO_STATIC and word:
            static_model = ui.load(static_id)
            if word not in static_model:
                hint = static.suggest(static_model, word)
                st.info(
                    ui.t(
                        "polysemy.static_missing",
                        model=ui.md(static_id),
                        word=ui.md(word),
                        hint=ui.t("common.did_you_mean", words=", ".join(map(ui.md, hint))) if hint else "",
                    )
                )
                static_model = None
            else:
                alignment = ui.static_alignment(static_id, spec.id)
        with ui.working():
            report = polysemy.analyze(
                model,
                word,
                sentences,
                layer=st.session_state[ui.key(PAGE, "layer")],
                k=k or None,
                static_model=static_model,
                alignment=alignment,
            )
        found = report.context
        if found.truncated:
            st.info(ui.t("polysemy.truncated", which=", ".join(f"#{i + 1}" for i in found.truncated), n=found.max_length))

        labels = found.labels
        senses = [ui.t("polysemy.sense", n=label + 1) for label in report.clusters.labels]
        clusters = report.clusters
        reason = "no_split" if clusters.chosen_by == "silhouette" and clusters.k == 1 else clusters.chosen_by
        chosen = ui.t(f"polysemy.chosen.{reason}", score=clusters.silhouette or 0.0)
        upper = report.similarity[np.triu_indices(len(labels), k=1)]
        m1, m2, m3 = st.columns(3)
        m1.metric(ui.t("polysemy.contexts"), len(labels))
        m2.metric(ui.t("polysemy.senses"), clusters.k, chosen, delta_color="off", delta_arrow="off")
        m3.metric(
            ui.t("polysemy.range"),
            f"{upper.min():.2f} – {upper.max():.2f}",
            ui.t("polysemy.static_range"),
            delta_color="off",
            delta_arrow="off",
        )

        col_map, col_plot = st.columns([1, 1])
        heatmap = pictures.similarity_heatmap(
            report.similarity,
            labels,
            height=160 + 32 * len(labels),
            title=ui.t("polysemy.heatmap", word=ui.plot_text(found.word)),
        )
        col_map.plotly_chart(heatmap, width="stretch")
        frame = pd.DataFrame(
            {
                "x": report.projection.coords[:, 0],
                "y": report.projection.coords[:, 1],
                "label": labels,
                "sense": senses,
                "sentence": [ui.plot_text(found.sentences[o.sentence]) for o in found.occurrences],
            }
        )
        picture = px.scatter(
            frame,
            x="x",
            y="y",
            text="label",
            color="sense",
            hover_data={"sentence": True, "x": False, "y": False},
            height=160 + 32 * max(len(labels), 6),
            labels={
                "sense": ui.t("polysemy.col.sense"),
                "sentence": ui.t("polysemy.col.sentence"),
                "label": ui.t("polysemy.col.label"),
            },
        )
        picture.update_traces(textposition="top center", marker=dict(size=13))
        pictures.tight(
            picture,
            top=40,
            title=ui.t("polysemy.projection"),
            xaxis_title="PC1",
            yaxis_title="PC2",
            legend_title_text="",
        )
        col_plot.plotly_chart(picture, width="stretch")
        col_plot.caption(ui.t("polysemy.explained", a=report.projection.explained[0], b=report.projection.explained[1]))

        col_static, col_note = st.columns([1, 1])
        ones = np.ones((len(labels), len(labels)))
        flat = pictures.similarity_heatmap(
            ones, labels, height=160 + 24 * len(labels), coloraxis_showscale=False, title=ui.t("polysemy.static_heatmap")
        )
        col_static.plotly_chart(flat, width="stretch")
        col_note.info(ui.t("polysemy.static_note"))

        st.subheader(ui.t("polysemy.table"))
        static_col = ui.t("polysemy.col.static", model=report.static_id) if report.static_id else None
        table = pd.DataFrame(
            {
                ui.t("polysemy.col.label"): labels,
                ui.t("polysemy.col.sentence"): [found.sentences[o.sentence] for o in found.occurrences],
                ui.t("polysemy.col.tokens"): [" ".join(o.tokens) for o in found.occurrences],
                ui.t("polysemy.col.sense"): senses,
                ui.t("polysemy.col.input"): report.input_cosines,
            }
        )
        if report.static_cosines is not None:
            table[static_col] = report.static_cosines
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={
                name: st.column_config.NumberColumn(format="%.3f") for name in (ui.t("polysemy.col.input"), static_col) if name
            },
        )

        st.subheader(ui.t("polysemy.cosines"))
        bars = pd.DataFrame({"label": labels, ui.t("polysemy.col.input"): report.input_cosines})
        if report.static_cosines is not None:
            bars[static_col] = report.static_cosines
        long = bars.melt(id_vars="label", var_name="reference", value_name="cosine")
        chart = px.bar(
            long,
            x="label",
            y="cosine",
            color="reference",
            barmode="group",
            height=300,
            range_y=[-1, 1],
            labels={"cosine": ui.t("polysemy.cosine"), "label": ui.t("polysemy.col.label"), "reference": ""},
        )
        pictures.tight(chart, legend_title_text="", xaxis_title="")
        chart.update_xaxes(type="category")
        st.plotly_chart(chart, width="stretch")
        static_text = ""
        if report.alignment is not None:
            static_text = ui.t(
                "polysemy.alignment",
                model=ui.md(report.alignment.static_id),
                anchors=report.alignment.anchors,
                fit=report.alignment.fit,
            )
        st.caption(
            ui.t(
                "polysemy.cosines_note",
                word=ui.md(found.word),
                tokens=" + ".join(ui.md(tok) for tok in report.input_embedding.tokens),
                static=static_text,
            )
        )

ui.sync_url(PAGE, PARAMS)
