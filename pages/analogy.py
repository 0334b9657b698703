"""Analogy: word arithmetic with 3CosAdd or 3CosMul; a 2-D picture with the parallelogram, and the true cosines beside it.

Share link: /analogy?model=ID&pos=W1,W2&neg=W3&method=add|mul&topn=N[&expect=W]
"""

import functools

import pandas as pd
import streamlit as st

from embedlab import ui
from embedlab.static import analogy_view
from embedlab.static import model as static
from embedlab.ui import pictures, presets

PAGE = "analogy"
MODEL = ui.model_param("static")

ui.start_page("analogy.title")
model = ui.page_static_model(PAGE, MODEL)

default = presets.page_preset(PAGE, model.language, model.id).params
PARAMS = [
    MODEL,
    ui.words_param("pos", default["pos"]),
    ui.words_param("neg", default["neg"]),
    ui.choice_param("method", "add", ["add", "mul"]),
    ui.int_param("topn", 10, low=1, high=100),
    ui.word_param("expect", default.get("expect", "")),
]
ui.show_problems(ui.bind(PAGE, PARAMS[1:]))
st.caption(f"**{ui.md(model.id)}** · {ui.md(ui.describe(model.id, model.description))}")
ui.preset_buttons(PAGE, model.id)


@st.fragment
def result_panel() -> None:
    """The inputs and the answer: a change here reruns only this panel (the URL follows)."""
    col_pos, col_neg, col_method, col_topn = st.columns([3, 3, 2, 1])
    col_pos.text_input(ui.t("analogy.positive"), key=ui.key(PAGE, "pos"))
    col_neg.text_input(ui.t("analogy.negative"), key=ui.key(PAGE, "neg"))
    col_method.radio(
        ui.t("analogy.method"),
        ["add", "mul"],
        key=ui.key(PAGE, "method"),
        horizontal=True,
        format_func=ui.option_labels("analogy.method"),
    )
    col_topn.number_input(ui.t("common.topn"), min_value=1, max_value=100, step=1, key=ui.key(PAGE, "topn"))
    st.text_input(ui.t("analogy.expect"), key=ui.key(PAGE, "expect"), max_chars=100, help=ui.t("analogy.expect_help"))

    with ui.guard():
        positive = ui.words_of(st.session_state[ui.key(PAGE, "pos")], "pos", page=PAGE, drop_long=False)
        negative = ui.words_of(st.session_state[ui.key(PAGE, "neg")], "neg", page=PAGE, drop_long=False)
        if not positive:
            st.info(ui.t("analogy.need_positive"))
        else:
            method, topn = st.session_state[ui.key(PAGE, "method")], st.session_state[ui.key(PAGE, "topn")]
            with ui.working():
                result = ui.remembered(
                    model,
                    "analogy",
                    (tuple(positive), tuple(negative), method, topn),
                    lambda: static.analogy(
                        model,
                        positive=positive,
                        negative=negative,
                        method=method,
                        topn=topn,
                    ),
                )
            st.subheader(ui.t("analogy.results", expr=ui.md(result.label)))
            expected = st.session_state[ui.key(PAGE, "expect")].strip()
            if expected:
                with ui.guard():
                    methods: tuple[static.AnalogyMethod, ...] = ("add", "mul")
                    ranks = [
                        ui.remembered(
                            model,
                            "expected",
                            (tuple(positive), tuple(negative), expected, m),
                            functools.partial(
                                static.expected_answer,
                                model,
                                positive=positive,
                                negative=negative,
                                expected=expected,
                                method=m,
                            ),
                        )
                        for m in methods
                    ]
                    st.info(
                        ui.t(
                            "analogy.expected",
                            word=ui.md(expected),
                            add_rank=ranks[0].rank,
                            add_score=ranks[0].score,
                            mul_rank=ranks[1].rank,
                            mul_score=ranks[1].score,
                        ),
                        icon=":material/flag:",
                    )
            table = pd.DataFrame(
                {ui.t("common.word"): [r.word for r in result.results], ui.t("common.score"): [r.score for r in result.results]}
            )
            table.index = range(1, len(table) + 1)
            col_table, col_picture = st.columns([2, 3])
            col_table.dataframe(
                table, width="stretch", column_config={ui.t("common.score"): st.column_config.NumberColumn(format="%.4f")}
            )

            shown = analogy_view.arithmetic_picture(model, result, expected=expected)
            col_picture.plotly_chart(pictures.analogy_figure(shown, lang=ui.lang()), width="stretch")
            if shown.parallelogram:
                a, b, c = (ui.md(w) for w in shown.parallelogram)
                col_picture.caption(ui.t("analogy.parallelogram_note", a=a, b=b, c=c, expr=ui.md(result.label)))
            col_picture.caption(ui.t("analogy.picture_note", dims=model.dims))
            col_table.markdown(f"**{ui.t('analogy.landing_title')}**")
            cosine, distance = ui.t("analogy.col.cosine"), ui.t("analogy.col.distance")
            landing = pd.DataFrame(
                {
                    ui.t("common.word"): [p.word for p in shown.points],
                    ui.t("analogy.col.role"): [ui.t(f"analogy.role.{p.role}") for p in shown.points],
                    cosine: [p.cosine for p in shown.points],
                    distance: [p.distance for p in shown.points],
                }
            ).sort_values(cosine, ascending=False)
            col_table.dataframe(
                landing,
                hide_index=True,
                width="stretch",
                column_config={
                    cosine: st.column_config.NumberColumn(format="%.4f"),
                    distance: st.column_config.NumberColumn(format="%.3f"),
                },
            )
            col_table.caption(
                ui.t("analogy.landing_caption", dims=model.dims, expr=ui.md(result.label), share=f"{shown.explained:.0%}")
            )
    ui.sync_url(PAGE, PARAMS)


result_panel()
