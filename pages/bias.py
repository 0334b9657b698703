"""Bias tests (WEAT): effect size, permutation p-value and every word's association, beside the picture.

Share link: /bias?model=ID&targets=x1,x2|y1,y2&attributes=a1,a2|b1,b2[&std=population|sample&seed=S&samples=N&max_lost=F]
            /bias?model=ID&test=weat7   (a shipped test; its words are filled in)
"""

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from embedlab import ui
from embedlab.errors import InvalidInputError
from embedlab.static import weat as W
from embedlab.ui import pictures

PAGE = "bias"
MODEL = ui.model_param("static")
CUSTOM = ""
DEFAULT_TEST = {"en": "weat7", "zh": "zh-gender-office"}

ui.start_page("bias.title")
NEW_URL = ui.url_is_new(PAGE)
model = ui.page_static_model(PAGE, MODEL)
TESTS = {test.id: test for test in ui.weat_tests(model.language)}


def pair_text(first, second) -> str:
    return f"{', '.join(first.words)}\n{', '.join(second.words)}"


# The page opens on a test this model knows enough words of (the originals are too rare for small models).
candidates = [TESTS[i] for i in (DEFAULT_TEST.get(model.language),) if i in TESTS] + list(TESTS.values())
default_test = next((test for test in candidates if W.usable(model, test)), candidates[0])
x, y, a, b = default_test.sets_in(ui.lang())
PARAMS = [
    MODEL,
    ui.choice_param("test", CUSTOM, [CUSTOM, *TESTS]),
    ui.groups_param("targets", "|".join(",".join(s.words) for s in (x, y))),
    ui.groups_param("attributes", "|".join(",".join(s.words) for s in (a, b))),
    ui.choice_param("std", "population", list(W.STDS)),
    ui.int_param("seed", 0, low=0, high=2**31 - 1),
    ui.int_param("samples", W.DEFAULT_SAMPLES, low=1_000, high=W.MAX_SAMPLES),
    ui.float_param("max_lost", W.DEFAULT_MAX_LOST, low=0.0, high=1.0),
]
ui.show_problems(ui.rebind(PAGE, PARAMS[1:], new=NEW_URL))


def value(name: str):
    return st.session_state[ui.key(PAGE, name)]


def load_test() -> None:
    """The test picker's callback: fill the four word sets with the chosen test's words."""
    chosen = TESTS.get(st.session_state[ui.key(PAGE, "test")])
    if chosen is not None:
        st.session_state[ui.key(PAGE, "targets")] = pair_text(chosen.x, chosen.y)
        st.session_state[ui.key(PAGE, "attributes")] = pair_text(chosen.a, chosen.b)


def matching_test() -> str:
    """The shipped test whose words the four sets hold now, or CUSTOM."""
    try:
        targets = ui.groups_of(value("targets"), "targets")
        attributes = ui.groups_of(value("attributes"), "attributes")
    except InvalidInputError:
        return CUSTOM
    for test in TESTS.values():
        if [list(test.x.words), list(test.y.words)] == targets and [list(test.a.words), list(test.b.words)] == attributes:
            return test.id
    return CUSTOM


# A link that names a test but not its words (/bias?test=weat7) gets the test's words; otherwise the
# picker follows the words (typing into a set turns it to "your own sets").
if NEW_URL and value("test") in TESTS and "targets" not in st.query_params:
    load_test()
st.session_state[ui.key(PAGE, "test")] = matching_test()

st.caption(" · ".join(filter(None, [f"**{ui.md(model.id)}**", ui.md(ui.describe(model.id, model.description))])))
st.write(ui.t("bias.intro"))

st.selectbox(
    ui.t("bias.test"),
    [CUSTOM, *TESTS],
    key=ui.key(PAGE, "test"),
    on_change=load_test,
    format_func=lambda test_id: ui.t("bias.custom") if test_id == CUSTOM else TESTS[test_id].title_in(ui.lang()),
)
col_targets, col_attributes = st.columns(2)
col_targets.text_area(ui.t("bias.targets"), key=ui.key(PAGE, "targets"), height=110, help=ui.t("bias.sets_help"))
col_attributes.text_area(ui.t("bias.attributes"), key=ui.key(PAGE, "attributes"), height=110, help=ui.t("bias.sets_help"))
with st.expander(ui.t("bias.options")):
    col_std, col_seed, col_samples, col_lost = st.columns([3, 2, 2, 2])
    col_std.radio(
        ui.t("bias.std"),
        list(W.STDS),
        key=ui.key(PAGE, "std"),
        format_func=ui.option_labels("bias.std"),
        help=ui.t("bias.std_help"),
    )
    col_seed.number_input(
        ui.t("bias.seed"), min_value=0, max_value=2**31 - 1, step=1, key=ui.key(PAGE, "seed"), help=ui.t("bias.seed_help")
    )
    col_samples.number_input(
        ui.t("bias.samples"), min_value=1_000, max_value=W.MAX_SAMPLES, step=10_000, key=ui.key(PAGE, "samples")
    )
    col_lost.number_input(
        ui.t("bias.max_lost"),
        min_value=0.0,
        max_value=1.0,
        step=0.05,
        key=ui.key(PAGE, "max_lost"),
        help=ui.t("bias.max_lost_help"),
    )


def set_names() -> tuple[str, str, str, str]:
    """The shipped test's set names when the words are exactly one test's; X, Y, A, B otherwise."""
    test = TESTS.get(value("test"))
    if test is None:
        return ("X", "Y", "A", "B")
    x, y, a, b = test.sets_in(ui.lang())
    return x.name, y.name, a.name, b.name


def strength(d: float) -> str:
    size = abs(d)
    return ui.t(
        "bias.size.large"
        if size >= 0.8
        else "bias.size.medium"
        if size >= 0.5
        else "bias.size.small"
        if size >= 0.2
        else "bias.size.none"
    )


with ui.lab_guard():
    targets = ui.groups_of(value("targets"), "targets")
    attributes = ui.groups_of(value("attributes"), "attributes")
    if len(targets) != 2 or len(attributes) != 2:
        st.info(ui.t("bias.need_sets"), icon=":material/info:")
    else:
        nx, ny, na, nb = set_names()
        result = W.weat(
            model,
            targets=(W.WordSet(nx, tuple(targets[0])), W.WordSet(ny, tuple(targets[1]))),
            attributes=(W.WordSet(na, tuple(attributes[0])), W.WordSet(nb, tuple(attributes[1]))),
            std=value("std"),
            seed=value("seed"),
            samples=value("samples"),
            max_lost=value("max_lost"),
        )
        names = dict(x=ui.md(nx), y=ui.md(ny), a=ui.md(na), b=ui.md(nb))
        if result.missing:
            ui.show_missing(model, [w for words in result.missing.values() for w in words], note=ui.t("bias.dropped"))

        st.subheader(ui.t("bias.result", **names))
        col_d, col_p, col_n = st.columns(3)
        col_d.metric(ui.t("bias.effect_size"), f"{result.effect_size:+.3f}", help=ui.t("bias.effect_size_help"))
        col_p.metric(ui.t("bias.p_value"), f"{result.p_value:.4g}", help=ui.t("bias.p_value_help"))
        col_n.metric(
            ui.t("bias.words_used"),
            f"{len(result.x.words)} + {len(result.y.words)} / {len(result.a.words)} + {len(result.b.words)}",
        )
        d = result.effect_size
        if d == d:  # not nan
            side = "bias.meaning.positive" if d > 0 else "bias.meaning.negative"
            st.markdown(ui.t(side, size=strength(d), d=abs(d), **names))
        else:
            st.warning(ui.t("bias.no_spread"), icon=":material/warning:")
        st.markdown(ui.t(f"bias.std_used.{result.std}"))
        if result.p_method == "exact":
            st.markdown(
                ui.t(
                    "bias.p_exact",
                    p=result.p_value,
                    splits=result.total_splits,
                    n=len(result.associations),
                    nx=len(result.x.words),
                )
            )
        else:
            st.markdown(
                ui.t(
                    "bias.p_sampled",
                    p=result.p_value,
                    samples=result.permutations,
                    seed=result.seed,
                    splits=f"{result.total_splits:.3g}",
                    limit=W.DEFAULT_EXACT_LIMIT,
                )
            )
        st.caption(ui.t("bias.p_meaning"))

        # every target word's association on one axis
        S = ui.t("bias.col.s")
        label = {"x": nx, "y": ny}
        frame = pd.DataFrame(
            {
                ui.t("common.word"): [item.word for item in result.associations],
                ui.t("bias.col.set"): [label[item.group] for item in result.associations],
                S: [item.score for item in result.associations],
                ui.t("bias.col.mean_a", a=na): [item.mean_a for item in result.associations],
                ui.t("bias.col.mean_b", b=nb): [item.mean_b for item in result.associations],
            }
        )
        # One row per set; neighbouring words alternate between four lanes so their labels do not collide.
        lanes = np.zeros(len(frame))
        for row, group in enumerate(("x", "y")):
            members = [i for i, item in enumerate(result.associations) if item.group == group]
            for rank, i in enumerate(sorted(members, key=lambda i: result.associations[i].score)):
                lanes[i] = row + (rank % 4 - 1.5) * 0.16
        colors = {"x": "#4c78a8", "y": "#e45756"}
        chart = go.Figure()
        for group in ("x", "y"):
            chosen = [i for i, item in enumerate(result.associations) if item.group == group]
            chart.add_trace(
                go.Scatter(
                    x=frame[S].iloc[chosen],
                    y=lanes[chosen],
                    mode="markers+text",
                    name=ui.plot_text(label[group]),
                    text=[ui.plot_text(result.associations[i].word) for i in chosen],
                    textposition="top center",
                    textfont=dict(size=11),
                    marker=dict(size=10, color=colors[group], opacity=0.85),
                    hovertemplate="%{text}: %{x:.4f}<extra></extra>",
                )
            )
            chart.add_vline(x=frame[S].iloc[chosen].mean(), line_dash="dash", line_color=colors[group], opacity=0.7)
        chart.add_vline(x=0, line_color="#bbb")
        pictures.tight(
            chart,
            top=40,
            height=460,
            showlegend=False,
            title=ui.t("bias.picture"),
            xaxis_title=ui.plot_text(ui.t("bias.picture_axis", a=na, b=nb)),
            yaxis=dict(
                tickvals=[0, 1],
                ticktext=[ui.plot_text(nx), ui.plot_text(ny)],
                range=[-0.5, 1.55],
                title=None,
                autorange="reversed",
            ),
        )
        st.plotly_chart(chart, width="stretch")
        st.caption(ui.t("bias.picture_note"))
        table = frame.sort_values(S, ascending=False).reset_index(drop=True)
        table.index = range(1, len(table) + 1)
        st.dataframe(
            table,
            width="stretch",
            column_config={name: st.column_config.NumberColumn(format="%+.4f") for name in table.columns[2:]},
        )

with st.expander(ui.t("bias.about")):
    st.markdown(ui.t("bias.about_text"))

ui.sync_url(PAGE, PARAMS)
