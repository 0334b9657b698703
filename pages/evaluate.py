"""Evaluate a static model on analogy and word-similarity benchmarks.

Share link: /evaluate?model=ID&task=analogies|pairs&analogies=SET&pairs=SET&convention=gensim|ca8&method=add|mul
(SET is a path under the data folder's ``eval/``, e.g. ``en/questions-words.txt``.)
"""

import hashlib

import pandas as pd
import plotly.express as px
import streamlit as st

from embedlab import share, ui
from embedlab.config import load_settings
from embedlab.serving import manager
from embedlab.static import eval_sets, evaluation
from embedlab.ui import pictures

PAGE = "evaluate"
MODEL = ui.model_param("static")

ui.start_page("evaluate.title")
settings = load_settings()
eval_dir = settings.data_dir / "eval"
found = eval_sets.find_eval_sets(eval_dir)
paths = {f.label: f.path for f in found}
labels = {kind: [f.label for f in found if f.kind == kind] for kind in ("analogies", "pairs")}
st.caption(ui.t("evaluate.intro"))  # never the server's data path: sets are named by their label

ui.show_problems(ui.bind(PAGE, [MODEL]))
loaded_model = ui.static_model(PAGE)
if loaded_model is None:
    ui.sync_url(PAGE, [MODEL])
    st.stop()
model = loaded_model  # not None from here on, also inside the functions below


def preferred(kind: str, *names: str) -> str:
    """The first of ``names`` that exists (the model's language first), else any set of ``kind``."""
    return next((n for n in names if n in labels[kind]), labels[kind][0] if labels[kind] else "")


chinese = model.language == "zh"
PARAMS = [
    MODEL,
    ui.choice_param("task", "analogies", ["analogies", "pairs"]),
    ui.choice_param(
        "analogies",
        preferred(
            "analogies",
            *(
                ("zh/ca8_semantic.txt", "en/questions-words.txt")
                if chinese
                else ("en/questions-words.txt", "zh/ca8_semantic.txt")
            ),
        ),
        labels["analogies"] or [""],
    ),
    ui.choice_param(
        "pairs",
        preferred(
            "pairs", *(("zh/wordsim240.txt", "en/wordsim353.tsv") if chinese else ("en/wordsim353.tsv", "zh/wordsim240.txt"))
        ),
        labels["pairs"] or [""],
    ),
    ui.choice_param("convention", "ca8" if chinese else "gensim", list(evaluation.CONVENTIONS)),
    ui.choice_param("method", "add", list(evaluation.METHODS)),
]
ui.show_problems(ui.bind(PAGE, PARAMS[1:]))


def value(name: str):
    return st.session_state[ui.key(PAGE, name)]


st.caption(
    " · ".join(
        filter(
            None,
            [f"**{ui.md(model.id)}**", ui.md(ui.describe(model.id, model.description)), f"{model.vocab_size:,} × {model.dims}"],
        )
    )
)
st.radio(
    ui.t("evaluate.task"),
    ["analogies", "pairs"],
    key=ui.key(PAGE, "task"),
    horizontal=True,
    format_func=ui.option_labels("evaluate.task"),
)
task = value("task")
if task == "analogies":
    col_set, col_convention, col_method = st.columns([3, 3, 2])
    col_convention.radio(
        ui.t("evaluate.convention"),
        list(evaluation.CONVENTIONS),
        key=ui.key(PAGE, "convention"),
        format_func=ui.option_labels("evaluate.convention"),
        help=ui.t("evaluate.convention_help"),
    )
    col_method.radio(
        ui.t("evaluate.method"),
        list(evaluation.METHODS),
        key=ui.key(PAGE, "method"),
        format_func=ui.option_labels("evaluate.method"),
    )
else:
    col_set = st.container()
if labels[task]:
    col_set.selectbox(ui.t("evaluate.set"), labels[task], key=ui.key(PAGE, task))
else:
    col_set.info(ui.t("evaluate.no_sets"))
upload = st.file_uploader(ui.t("evaluate.upload"), type=["txt", "tsv", "csv"], key=f"evaluate.upload.{task}")


def source():
    """(cache key, display name, file path or uploaded bytes) of the chosen test set, or None."""
    if upload is not None:
        manager.check_upload_size(upload.name, upload.size, settings=settings)
        data = upload.getvalue()
        return ("upload", hashlib.sha256(data).hexdigest()), upload.name, data
    chosen = value(task)
    if not chosen:
        return None
    path = paths[chosen]
    stat = path.stat()
    return ("file", str(path), stat.st_size, stat.st_mtime_ns), chosen, path


def cached(key: tuple, compute):
    return ui.evaluation_cache().get_or_compute((model.id, model.vocab_size, *key), compute)


def show_analogies(report, set_name: str, skipped: tuple[int, ...]) -> None:
    st.caption(
        ui.t(
            "evaluate.summary",
            model=ui.md(model.id),
            set=ui.md(set_name),
            convention=ui.t(f"evaluate.convention.{report.convention}"),
            method=ui.t(f"evaluate.method.{report.method}"),
        )
    )
    metrics = st.columns(4)
    metrics[0].metric(ui.t("evaluate.accuracy"), f"{report.accuracy:.1%}")
    metrics[1].metric(ui.t("evaluate.coverage"), f"{report.coverage:.1%}")
    metrics[2].metric(ui.t("evaluate.scored", n=report.questions), f"{report.total:,}")
    metrics[3].metric(ui.t("evaluate.seconds"), f"{report.seconds:.2f} s")
    if skipped:
        st.caption(ui.t("evaluate.skipped", n=len(skipped), lines=", ".join(map(str, skipped[:5]))))

    st.subheader(ui.t("evaluate.sections"))
    section, accuracy, coverage = ui.t("evaluate.col.section"), ui.t("evaluate.accuracy"), ui.t("evaluate.coverage")
    table = pd.DataFrame(
        {
            section: [s.section for s in report.sections],
            ui.t("evaluate.col.correct"): [s.correct for s in report.sections],
            ui.t("evaluate.col.total"): [s.total for s in report.sections],
            ui.t("evaluate.col.questions"): [s.questions for s in report.sections],
            accuracy: [s.accuracy for s in report.sections],
            coverage: [s.coverage for s in report.sections],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=min(40 + 35 * len(table), 600),
        column_config={
            accuracy: st.column_config.ProgressColumn(format="percent", min_value=0.0, max_value=1.0),
            coverage: st.column_config.NumberColumn(format="percent"),
        },
    )
    plotted = table.assign(**{section: table[section].map(ui.plot_text)}).iloc[::-1]
    chart = px.bar(
        plotted,
        x=accuracy,
        y=section,
        orientation="h",
        range_x=[0, 1],
        hover_data={coverage: ":.1%"},
        height=120 + 30 * len(table),
    )
    pictures.tight(chart, xaxis_tickformat=".0%")
    st.plotly_chart(chart, width="stretch")

    if report.misses:
        st.subheader(ui.t("evaluate.misses"))
        st.caption(ui.t("evaluate.misses_help"))
        shown = report.misses[:30]
        open_column = ui.t("evaluate.col.open")
        st.dataframe(
            pd.DataFrame(
                {
                    ui.t("evaluate.col.question"): [f"{m.a} : {m.b} :: {m.c} : ?" for m in shown],
                    ui.t("evaluate.col.expected"): [m.expected for m in shown],
                    ui.t("evaluate.col.predicted"): [m.predicted for m in shown],
                    ui.t("evaluate.col.rank"): [f"{m.rank:,}" if m.rank else "—" for m in shown],
                    section: [m.section for m in shown],
                    open_column: question_links(shown, report.convention, report.method),
                }
            ),
            hide_index=True,
            width="stretch",
            column_config={
                open_column: st.column_config.LinkColumn(display_text=ui.t("evaluate.open_question")),
            },
        )
        st.caption(ui.t("evaluate.misses_links"))


def question_links(misses, convention: evaluation.Convention, method: str) -> list[str]:
    """A link per missed question to the analogy page, asked with the words the evaluation matched (gensim folds case)."""
    forms = evaluation.vocabulary_forms(model, {w for m in misses for w in (m.a, m.b, m.c, m.expected)}, convention=convention)
    return [
        share.analogy_link(model.id, *(forms[w] or w for w in (m.a, m.b, m.c, m.expected)), method=method, lang=ui.lang())
        for m in misses
    ]


def show_pairs(report, set_name: str, skipped: tuple[int, ...]) -> None:
    st.caption(f"{ui.md(model.id)} · {ui.md(set_name)}")
    metrics = st.columns(4)
    metrics[0].metric(ui.t("evaluate.spearman"), f"{report.spearman:.4f}")
    metrics[1].metric(ui.t("evaluate.pearson"), f"{report.pearson:.4f}")
    metrics[2].metric(ui.t("evaluate.oov"), f"{report.oov_ratio:.1f}%")
    metrics[3].metric(ui.t("evaluate.pairs_used", n=report.pairs), f"{report.used:,}")
    frame = pd.DataFrame(report.scored, columns=["w1", "w2", ui.t("evaluate.human"), ui.t("evaluate.cosine")])
    frame["pair"] = [ui.plot_text(f"{a} – {b}") for a, b in zip(frame["w1"], frame["w2"])]
    chart = px.scatter(
        frame, x=ui.t("evaluate.human"), y=ui.t("evaluate.cosine"), hover_name="pair", title=ui.t("evaluate.scatter"), height=420
    )
    pictures.tight(chart, top=40)
    st.plotly_chart(chart, width="stretch")
    st.subheader(ui.t("evaluate.pairs_table"))
    st.caption(ui.t("evaluate.pairs_help"))
    human, cosine, gap, open_column = (
        ui.t("evaluate.human"),
        ui.t("evaluate.cosine"),
        ui.t("evaluate.col.gap"),
        ui.t("evaluate.col.open"),
    )
    ranked = frame.assign(**{gap: (frame[human].rank(ascending=False) - frame[cosine].rank(ascending=False)).round().astype(int)})
    ranked = ranked.reindex(ranked[gap].abs().sort_values(ascending=False, kind="stable").index)
    forms = evaluation.vocabulary_forms(model, set(ranked["w1"]) | set(ranked["w2"]))
    st.dataframe(
        pd.DataFrame(
            {
                ui.t("evaluate.col.w1"): ranked["w1"],
                ui.t("evaluate.col.w2"): ranked["w2"],
                human: ranked[human],
                cosine: ranked[cosine],
                gap: ranked[gap],
                open_column: [
                    share.pair_link(model.id, forms[a] or a, forms[b] or b, lang=ui.lang())
                    for a, b in zip(ranked["w1"], ranked["w2"])
                ],
            }
        ),
        hide_index=True,
        width="stretch",
        height=420,
        column_config={
            cosine: st.column_config.NumberColumn(format="%.4f"),
            open_column: st.column_config.LinkColumn(display_text=ui.t("evaluate.open_pair")),
        },
    )
    if report.missing:
        with st.expander(ui.t("evaluate.missing_pairs", n=len(report.missing))):
            st.dataframe(pd.DataFrame(report.missing, columns=["w1", "w2"]), hide_index=True, width="stretch")


with ui.guard():
    chosen = source()
    if chosen is not None:
        key, set_name, where = chosen
        if task == "analogies":
            convention, method = value("convention"), value("method")
            if convention == "gensim" and method == "mul":
                st.info(ui.t("evaluate.mul_gensim"), icon=":material/info:")
            else:
                questions = eval_sets.read_analogies(where, name=set_name)
                bar = st.empty()

                def run():
                    with bar.container():
                        progress = ui.progress_bar(ui.t("evaluate.running"))
                    return evaluation.evaluate_analogies(
                        model, questions, convention=convention, method=method, worst=100, progress=progress
                    )

                report = cached((*key, "analogies", convention, method), run)
                bar.empty()
                show_analogies(report, set_name, questions.skipped_lines)
        else:
            pairs = eval_sets.read_pairs(where, name=set_name)
            show_pairs(cached((*key, "pairs"), lambda: evaluation.evaluate_pairs(model, pairs)), set_name, pairs.skipped_lines)

ui.sync_url(PAGE, PARAMS)
