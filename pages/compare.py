"""Compare two static models: align B onto A (orthogonal Procrustes) and find the words that moved.

Share link: /compare?model=A&model_b=B&vocab=N&topn=K&by=cosine|overlap&words=w1,w2&word=W
"""

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from embedlab import ui
from embedlab.static import compare as C
from embedlab.ui import pictures

PAGE = "compare"
MODEL = ui.model_param("static")
MODEL_B = ui.second_model_param()
LISTED = 20  # rows in the moved most / least tables
PICTURED = 8  # words drawn when none are followed

ui.start_page("compare.title")
NEW_URL = ui.url_is_new(PAGE)  # a followed link (e.g. from the train page) sets every input, not only model A
model_a = ui.page_static_model(PAGE, MODEL)
ui.show_problems(ui.rebind(PAGE, [MODEL_B], new=NEW_URL))
model_b = ui.second_static_model(PAGE, MODEL_B)
if model_b is None:
    ui.sync_url(PAGE, [MODEL, MODEL_B])
    st.stop()

PARAMS = [
    MODEL,
    MODEL_B,
    ui.int_param("vocab", C.DEFAULT_VOCAB, low=C.MIN_VOCAB, high=C.MAX_VOCAB),
    ui.int_param("topn", C.DEFAULT_TOPN, low=1, high=C.MAX_TOPN),
    ui.choice_param("by", "cosine", ["cosine", "overlap"]),
    ui.words_param("words", ()),
    ui.text_param("word", "", limit=100),
]
ui.show_problems(ui.rebind(PAGE, PARAMS[2:], new=NEW_URL))


def value(name: str):
    return st.session_state[ui.key(PAGE, name)]


st.write(ui.t("compare.intro"))
st.caption(
    f"**A** = {ui.md(model_a.id)} ({model_a.vocab_size:,} × {model_a.dims}) · "
    f"**B** = {ui.md(model_b.id)} ({model_b.vocab_size:,} × {model_b.dims})"
)
if model_a.id == model_b.id:
    st.info(ui.t("compare.same_model"), icon=":material/info:")

col_vocab, col_topn, col_by = st.columns([2, 2, 3])
col_vocab.number_input(
    ui.t("compare.vocab"),
    min_value=C.MIN_VOCAB,
    max_value=C.MAX_VOCAB,
    step=500,
    key=ui.key(PAGE, "vocab"),
    help=ui.t("compare.vocab_help"),
)
col_topn.number_input(
    ui.t("compare.topn"), min_value=1, max_value=C.MAX_TOPN, step=1, key=ui.key(PAGE, "topn"), help=ui.t("compare.topn_help")
)
col_by.radio(
    ui.t("compare.by"), ["cosine", "overlap"], key=ui.key(PAGE, "by"), horizontal=True, format_func=ui.option_labels("compare.by")
)
st.text_input(ui.t("compare.words"), key=ui.key(PAGE, "words"), help=ui.t("compare.words_help"))

COSINE, OVERLAP, WORD = ui.t("compare.col.cosine"), ui.t("compare.col.overlap", k=value("topn")), ui.t("common.word")


def shift_table(shifts) -> pd.DataFrame:
    table = pd.DataFrame(
        {WORD: [s.word for s in shifts], COSINE: [s.cosine for s in shifts], OVERLAP: [s.overlap for s in shifts]}
    )
    table.index = range(1, len(table) + 1)
    return table


FORMATS = {COSINE: st.column_config.NumberColumn(format="%.4f"), OVERLAP: st.column_config.NumberColumn(format="%.2f")}

with ui.lab_guard():
    result = ui.comparison(model_a, model_b, vocab=value("vocab"), topn=value("topn"))

    # ------------------------------------------------------------ how good the alignment is
    st.subheader(ui.t("compare.alignment"))
    columns = st.columns(3)
    columns[0].metric(ui.t("compare.shared"), f"{result.shared:,}")
    columns[1].metric(ui.t("compare.mean_cosine"), f"{result.mean_cosine:.4f}", help=ui.t("compare.mean_cosine_help"))
    if result.mean_cosine_before is not None:
        columns[2].metric(ui.t("compare.before"), f"{result.mean_cosine_before:.4f}", help=ui.t("compare.before_help"))
    if result.reduced_to is not None and result.explained is not None:  # reduced: compare() sets both together
        st.info(
            ui.t(
                "compare.reduced",
                a=ui.md(model_a.id),
                da=model_a.dims,
                b=ui.md(model_b.id),
                db=model_b.dims,
                k=result.reduced_to,
                n=result.shared,
                ea=result.explained[0],
                eb=result.explained[1],
            ),
            icon=":material/compress:",
        )
    width = result.reduced_to or model_a.dims
    if result.shared < 2 * width:
        st.warning(ui.t("compare.few_words", n=result.shared, dims=width), icon=":material/warning:")
    st.caption(ui.t("compare.alignment_note"))

    # ------------------------------------------------------------ the words that moved
    st.subheader(ui.t("compare.moved"))
    by = value("by")
    col_most, col_least = st.columns(2)
    col_most.markdown("**" + ui.t("compare.most") + "**")
    col_most.dataframe(shift_table(C.moved(result, by=by, most=True, limit=LISTED)), width="stretch", column_config=FORMATS)
    col_least.markdown("**" + ui.t("compare.least") + "**")
    col_least.dataframe(shift_table(C.moved(result, by=by, most=False, limit=LISTED)), width="stretch", column_config=FORMATS)

    from scipy.stats import spearmanr

    varied = result.cosines.max() - result.cosines.min() > 1e-9 and result.overlaps.max() > result.overlaps.min()
    agreement = f"{spearmanr(result.cosines, result.overlaps).statistic:.2f}" if varied else "—"  # undefined when nothing moved
    everything = pd.DataFrame({WORD: [ui.plot_text(w) for w in result.words], COSINE: result.cosines, OVERLAP: result.overlaps})
    check = px.scatter(
        everything,
        x=COSINE,
        y=OVERLAP,
        hover_name=WORD,
        render_mode="webgl",
        opacity=0.45,
        height=340,
        title=ui.t("compare.check", rho=agreement),
    )
    pictures.tight(check, top=40)
    st.plotly_chart(check, width="stretch")
    st.caption(ui.t("compare.check_note"))

    # ------------------------------------------------------------ chosen words
    followed = list(dict.fromkeys(ui.words_of(value("words"), "words")))
    if followed:
        st.subheader(ui.t("compare.followed"))
        shifts = C.follow(result, followed)
        table = shift_table(shifts)
        table[ui.t("compare.col.in_vocab")] = [ui.t("compare.yes") if s.rank >= 0 else ui.t("compare.no") for s in shifts]
        st.dataframe(table, width="stretch", column_config=FORMATS)
    pictured = followed or [s.word for s in C.moved(result, by=by, most=True, limit=PICTURED)]

    st.subheader(ui.t("compare.side_by_side"))
    options = list(dict.fromkeys(pictured + [s.word for s in C.moved(result, by=by, most=True, limit=LISTED)]))
    if value("word") and value("word") not in options:
        options.insert(0, value("word"))
    if value("word") not in options:
        st.session_state[ui.key(PAGE, "word")] = options[0]
    st.selectbox(ui.t("compare.word"), options, key=ui.key(PAGE, "word"), accept_new_options=True)
    pair = C.side_by_side(result, value("word"))
    common = pair.common
    st.caption(ui.t("compare.side_note", n=len(common), k=len(pair.a)))
    left, right = st.columns(2)
    for column, label, found in ((left, f"A · {model_a.id}", pair.a), (right, f"B · {model_b.id}", pair.b)):
        column.markdown(f"**{ui.md(label)}**")
        frame = pd.DataFrame(
            {
                WORD: [s.word for s in found],
                ui.t("common.score"): [s.score for s in found],
                ui.t("compare.col.both"): ["✓" if s.word in common else "" for s in found],
            },
            index=range(1, len(found) + 1),
        )
        column.dataframe(
            frame, width="stretch", column_config={ui.t("common.score"): st.column_config.NumberColumn(format="%.4f")}
        )

    # ------------------------------------------------------------ the joint picture
    st.subheader(ui.t("compare.picture"))
    points = C.picture(result, pictured[: C.MAX_PICTURE_WORDS])
    figure = go.Figure()
    figure.add_trace(
        go.Scatter(
            x=[p.a_x for p in points],
            y=[p.a_y for p in points],
            mode="markers+text",
            name=f"A · {ui.plot_text(model_a.id)}",
            text=[ui.plot_text(p.word) for p in points],
            textposition="top center",
            marker=dict(size=10, color="#4c78a8"),
        )
    )
    figure.add_trace(
        go.Scatter(
            x=[p.b_x for p in points],
            y=[p.b_y for p in points],
            mode="markers+text",
            name=f"B · {ui.plot_text(model_b.id)}",
            text=[ui.plot_text(p.word) for p in points],
            textposition="bottom center",
            marker=dict(size=10, color="#e45756", symbol="diamond"),
            hovertext=[f"{ui.plot_text(p.word)}: cos {p.cosine:.3f}" for p in points],
            hoverinfo="text",
        )
    )
    for p in points:
        pictures.add_arrow(figure, (p.a_x, p.a_y), (p.b_x, p.b_y), color="#999", opacity=0.7)
    pictures.tight(
        figure,
        top=30,
        height=480,
        xaxis_title="PC1",
        yaxis_title="PC2",
        legend=dict(orientation="h", y=-0.15),
    )
    st.plotly_chart(figure, width="stretch")
    st.caption(ui.t("compare.picture_note"))

with st.expander(ui.t("compare.about")):
    st.markdown(ui.t("compare.about_text"))

ui.sync_url(PAGE, PARAMS)
