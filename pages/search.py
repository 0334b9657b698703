"""Semantic search: a corpus's sentences indexed in Milvus with a sentence model, searched by meaning.

Share link: /search?model=ID&corpus=SAMPLE&n=N&q=TEXT&topn=K
"""

import time

import pandas as pd
import plotly.express as px
import streamlit as st

from embedlab import ui
from embedlab.config import load_settings
from embedlab.serving import milvus_store
from embedlab.training import samples
from embedlab.ui import pictures

PAGE = "search"
MODEL = ui.model_param("sentence")
CORPORA = [sample.id for sample in samples.SAMPLES]
TITLES = {sample.id: ui.sample_title(sample) for sample in samples.SAMPLES}  # in the UI language

ui.start_page("search.title")
st.caption(ui.t("search.intro"))
ui.show_problems(ui.bind(PAGE, [MODEL]))
arrived_with_query = bool(st.query_params.get("q", "").strip())
spec = ui.model_picker(PAGE, "sentence")
if spec is None:
    ui.sync_url(PAGE, [MODEL])
    st.stop()

chinese = spec.language == "zh"
MOST = load_settings().limits.batch_sentences
PARAMS = [
    MODEL,
    ui.choice_param("corpus", "sanguo" if chinese else "alice", CORPORA),
    ui.int_param("n", min(500, MOST), low=min(20, MOST), high=MOST),
    ui.text_param("q", "刘备三顾茅庐请诸葛亮出山" if chinese else "a rabbit in a hurry", limit=milvus_store.MAX_QUERY_CHARS),
    ui.int_param("topn", 5, low=1, high=50),
]
link_problems = ui.bind(PAGE, PARAMS[1:])
ui.show_problems(link_problems)
arrived_with_query = arrived_with_query and not link_problems

col_corpus, col_n, col_topn = st.columns([3, 2, 1])
col_corpus.selectbox(ui.t("search.corpus"), CORPORA, key=ui.key(PAGE, "corpus"), format_func=lambda sample_id: TITLES[sample_id])
col_n.number_input(ui.t("search.n"), min_value=min(20, MOST), max_value=MOST, step=100, key=ui.key(PAGE, "n"))
col_topn.number_input(ui.t("common.topn"), min_value=1, max_value=50, key=ui.key(PAGE, "topn"))
st.text_input(ui.t("search.query"), key=ui.key(PAGE, "q"), max_chars=milvus_store.MAX_QUERY_CHARS)
sample_id = st.session_state[ui.key(PAGE, "corpus")]
limit = int(st.session_state[ui.key(PAGE, "n")])
query = st.session_state[ui.key(PAGE, "q")]
topn = int(st.session_state[ui.key(PAGE, "topn")])
sample = samples.get_sample(sample_id)
if spec.language in ("zh", "en") and spec.language != sample.language:
    st.warning(
        ui.t("search.language_mismatch", model=ui.md(spec.id), corpus=ui.md(TITLES[sample_id])), icon=":material/translate:"
    )

with ui.guard():
    store = ui.milvus()
    st.caption(ui.t("search.backend", backend=ui.md(store.target.label)))
    name = milvus_store.collection_name(spec.id, f"{sample_id}:{limit}")
    indexed = milvus_store.count(store, name)
    col_state, col_button = st.columns([3, 1])
    state = col_state.empty()
    if indexed:
        state.success(
            ui.t("search.indexed", n=indexed, corpus=ui.md(TITLES[sample_id]), model=ui.md(spec.id)),
            icon=":material/check_circle:",
        )
    else:
        state.info(ui.t("search.not_indexed", corpus=ui.md(TITLES[sample_id]), model=ui.md(spec.id)))
    # A share link with a query indexes on arrival, so the link alone reproduces the view; on a hosted
    # server (strangers) it does not: building is CPU every visitor shares, so it waits for a click.
    hosted = load_settings().hosted
    if not indexed and arrived_with_query and query.strip() and hosted:
        st.info(ui.t("search.build_first", n=limit, seconds=max(1, round(limit / 100))), icon=":material/touch_app:")
    if col_button.button(ui.t("search.reindex" if indexed else "search.index"), icon=":material/database:") or (
        not indexed and arrived_with_query and query.strip() and not hosted
    ):
        encode = milvus_store.sentence_encoder(ui.search_encoder(spec.id))
        sentences = milvus_store.corpus_sentences(sample_id, limit=limit)
        started = time.perf_counter()
        slot = st.empty()
        with slot.container(), ui.heavy_job("indexing"):
            indexed = milvus_store.index_sentences(
                store, name, sentences, encode, progress=ui.progress_bar(ui.t("search.encoding"))
            )
        slot.empty()
        state.success(
            ui.t("search.indexed_now", n=indexed, seconds=time.perf_counter() - started), icon=":material/check_circle:"
        )

    if indexed and query.strip():
        encoder = ui.search_encoder(spec.id)
        encode = milvus_store.sentence_encoder(encoder)
        started = time.perf_counter()
        hits = milvus_store.search_text(store, name, query, encode, topn=topn)
        took = (time.perf_counter() - started) * 1000
        st.subheader(ui.t("search.results", query=ui.md(query)))
        st.caption(ui.t("search.took", ms=took, n=indexed))
        if getattr(encoder, "kind", "") == "onnx":
            st.caption(ui.t("search.fast_encoder"))
        if hits:
            st.success(ui.t("search.best", score=hits[0].score, sentence=ui.md(hits[0].text)), icon=":material/format_quote:")
        table = pd.DataFrame(
            {
                "#": range(1, len(hits) + 1),
                ui.t("search.sentence"): [hit.text for hit in hits],
                ui.t("search.score"): [hit.score for hit in hits],
            }
        )
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config={ui.t("search.score"): st.column_config.ProgressColumn(format="%.3f", min_value=0.0, max_value=1.0)},
        )
        chart = px.bar(
            x=[hit.score for hit in hits][::-1],
            y=[f"#{i}" for i in range(len(hits), 0, -1)],
            orientation="h",
            hover_name=[ui.plot_text(hit.text[:120]) for hit in hits][::-1],
            labels={"x": ui.t("search.score"), "y": ""},
            height=max(200, 40 * len(hits)),
        )
        pictures.tight(chart)
        st.plotly_chart(chart, width="stretch")
    elif indexed:
        st.info(ui.t("search.type_query"))

with st.expander(ui.t("search.about")):
    st.markdown(ui.t("search.about_text"))

ui.sync_url(PAGE, PARAMS)
