"""Sentence vectors side by side: BERT mean / CLS pooling against sentence models (MiniLM, BGE-M3).

Share link: /sentences?model=ID&s=SENT1&s=SENT2...[&enc=ID1,ID2]
``model`` is the contextual model whose pooling is shown; ``enc`` the sentence models beside it.
"""

import numpy as np
import pandas as pd
import plotly.express as px
import streamlit as st

from embedlab import share, ui
from embedlab.contextual import sentences as sentence_models
from embedlab.errors import InvalidInputError
from embedlab.serving import registry
from embedlab.ui import pictures, presets

PAGE = "sentences"
MODEL = ui.contextual_param()

ui.start_page("sentences.title")
st.caption(ui.t("sentences.intro"))
model = ui.page_contextual_model(PAGE, MODEL)

spec = registry.get_spec(st.session_state[ui.key(PAGE, "model")])
language = spec.language if spec.language in ("zh", "en") else ui.lang()
default = presets.page_preset(PAGE, language).params
sentence_specs = registry.list_models(kind="sentence", available_only=True)
sentence_ids = [s.id for s in sentence_specs]


def decode_encoders(value: str) -> list[str]:
    chosen = share.parse_words(value, "enc")
    unknown = [model_id for model_id in chosen if model_id not in sentence_ids]
    if unknown:
        raise InvalidInputError.coded(
            "unknown_choices", field="enc", values=[repr(m[:40]) for m in unknown[:5]], choices=sentence_ids
        )
    return chosen


PARAMS = [
    MODEL,
    ui.sentences_param("s", default["s"].splitlines()),
    ui.Param("enc", sentence_ids, decode_encoders, share.join_words),
]
ui.show_problems(ui.bind(PAGE, PARAMS[1:]))
st.caption(f"**{ui.md(model.id)}** · {ui.md(ui.describe(spec.id, spec.description))}")
ui.preset_buttons(PAGE)

col_text, col_options = st.columns([3, 2])
col_text.text_area(ui.t("sentences.sentences"), key=ui.key(PAGE, "s"), height=150)
col_options.multiselect(ui.t("sentences.encoders"), sentence_ids, key=ui.key(PAGE, "enc"), placeholder=ui.t("sentences.choose"))
if not any(sentence_models.is_bge_m3(s.source) for s in sentence_specs):
    col_options.caption(ui.t("sentences.no_bge"))


def encoder_label(result) -> str:
    return f"{ui.t('sentences.kind.' + result.kind)} · {result.model_id}"


with ui.guard():
    sentences = ui.sentences_of(st.session_state[ui.key(PAGE, "s")], "s", page=PAGE)
    if len(sentences) < 2:
        st.info(ui.t("sentences.need_sentences"))
    else:
        ui.warn_unreadable(model, sentences)
        encoders = [sentence_models.BertPoolingEncoder(model, pooling=pooling) for pooling in ("mean", "cls")]
        encoders += [ui.sentence_encoder(model_id) for model_id in st.session_state[ui.key(PAGE, "enc")]]
        with ui.working():
            comparison = sentence_models.compare(encoders, sentences)
        results = comparison.results
        names = [encoder_label(r) for r in results]
        labels = [f"#{i + 1}" for i in range(len(sentences))]
        for result in results:
            if result.truncated:
                st.info(ui.t("polysemy.truncated", which=", ".join(f"#{i + 1}" for i in result.truncated), n=result.max_length))

        for start in range(0, len(results), 2):
            columns = st.columns(2)
            for column, result, name in zip(columns, results[start : start + 2], names[start : start + 2]):
                heatmap = pictures.similarity_heatmap(
                    result.similarity, labels, height=150 + 40 * len(labels), title=ui.plot_text(name)
                )
                column.plotly_chart(heatmap, width="stretch")
                i, j, score = result.closest_pair
                column.caption(ui.t("sentences.closest", i=i + 1, j=j + 1, score=score))

        st.subheader(ui.t("sentences.pairs"))
        pair_rows = comparison.pair_scores()
        table = pd.DataFrame(
            [[f"#{i + 1} ↔ #{j + 1}", sentences[i], sentences[j], *scores] for i, j, scores in pair_rows],
            columns=[ui.t("sentences.pair"), "A", "B", *names],
        )
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={name: st.column_config.NumberColumn(format="%.3f") for name in names},
        )

        st.subheader(ui.t("sentences.difference"))
        col_a, col_b = st.columns(2)
        first = col_a.selectbox(
            ui.t("sentences.diff_a"), range(len(names)), index=0, format_func=names.__getitem__, key=ui.key(PAGE, "diff_a")
        )
        second = col_b.selectbox(
            ui.t("sentences.diff_b"),
            range(len(names)),
            index=len(names) - 1,
            format_func=names.__getitem__,
            key=ui.key(PAGE, "diff_b"),
        )
        difference = comparison.difference(first, second)
        scale = max(float(np.abs(difference).max()), 0.05)
        diff_map = pictures.similarity_heatmap(
            difference,
            labels,
            height=150 + 40 * len(labels),
            limit=scale,
            title=ui.plot_text(ui.t("sentences.diff_title", a=names[first], b=names[second])),
        )
        st.plotly_chart(diff_map, width="stretch")
        if float(np.abs(difference).max()) < 1e-4 and {results[first].kind, results[second].kind} == {
            "mean",
            "sentence-transformers",
        }:
            st.caption(ui.t("sentences.same_pipeline", model=ui.md(model.id)))

        for number, result in enumerate(results):
            if result.lexical is None:
                continue
            st.subheader(ui.t("sentences.lexical"))
            tabs = st.tabs(labels)
            for index, (tab, sentence, weights) in enumerate(zip(tabs, sentences, result.lexical)):
                tab.caption(ui.md(sentence))
                bars = pd.DataFrame(
                    {
                        ui.t("sentences.token"): [ui.plot_text(tok) for tok, _ in weights],
                        ui.t("sentences.weight"): [w for _, w in weights],
                    }
                )
                chart = px.bar(bars, x=ui.t("sentences.token"), y=ui.t("sentences.weight"), height=260)
                pictures.tight(chart)
                tab.plotly_chart(chart, width="stretch", key=ui.key(PAGE, f"lexical-{number}-{index}"))

ui.sync_url(PAGE, PARAMS)
