"""Train word2vec on your own text: CBOW vs skip-gram, live progress, loss curve, cancel, compare.

Share link: /train?source=sample|upload|paste&sample=ID&text_lang=auto|zh|en&hmm=0|1&mode=cbow|sg|compare
            &size=D&window=W&min_count=C&epochs=E&negative=N&seed=S&words=a,b,c
"""

import os

import pandas as pd
import plotly.express as px
import streamlit as st

from embedlab import ui
from embedlab.config import load_settings
from embedlab.io import textio
from embedlab.serving import manager
from embedlab.static import model as static
from embedlab.training import background, corpus, samples, saving, tokenize
from embedlab.training import train as training
from embedlab.ui import pictures

PAGE = "train"
JOB = "train.job"  # the session's TrainingJob (runs on its own thread)
REQUEST = "train.request"  # the button pressed, set by its on_click (see requested())
STATS = "train.corpus_stats"  # (corpus key, CorpusStats, from cache) of the last tokenisation
SAMPLES = {sample.id: sample for sample in samples.SAMPLES}
LIMITS = training.OPTION_LIMITS
settings = load_settings()

ui.start_page("train.title")
st.caption(ui.t("train.intro"))
ui.lost_trainings()  # trainings a stopped server never finished


def int_param(name: str, default: int) -> ui.Param:
    low, high = LIMITS[name if name != "size" else "vector_size"]
    return ui.int_param(name, default, low=low, high=high)


PARAMS = [
    ui.choice_param("source", "sample", ["sample", "upload", "paste"]),
    ui.choice_param("sample", "sanguo" if ui.lang() == "zh" else "alice", list(SAMPLES)),
    ui.choice_param("text_lang", "auto", ["auto", "zh", "en"]),
    ui.flag_param("hmm", False),
    ui.choice_param("mode", "sg", ["cbow", "sg", "compare"]),  # skip-gram: sensible neighbours on one novel
    int_param("size", 100),
    int_param("window", 5),
    int_param("min_count", 5),
    int_param("epochs", 10),
    int_param("negative", 5),
    int_param("seed", 1),
    ui.words_param("words", ()),
]
ui.show_problems(ui.bind(PAGE, PARAMS))


def value(name: str):
    return st.session_state[ui.key(PAGE, name)]


def request(action: str) -> None:
    st.session_state[REQUEST] = action


def requested(action: str) -> bool:
    """Whether ``action``'s button was pressed; read once.

    Buttons record the press in a callback rather than through their return value: a callback's
    effect survives a rerun that happens before the script reaches the button.
    """
    if st.session_state.get(REQUEST) == action:
        del st.session_state[REQUEST]
        return True
    return False


# ---------------------------------------------------------------- 1 · corpus

st.subheader(ui.t("train.corpus"))
st.radio(
    ui.t("train.source"),
    ["sample", "upload", "paste"],
    key=ui.key(PAGE, "source"),
    horizontal=True,
    format_func=ui.option_labels("train.source"),
)
text = ""
probe_words: tuple[str, ...] = ()
with ui.guard():
    if value("source") == "sample":
        sample_titles = {i: ui.sample_title(s) for i, s in SAMPLES.items()}
        st.selectbox(
            ui.t("train.sample"),
            list(SAMPLES),
            key=ui.key(PAGE, "sample"),
            format_func=lambda sample_id: sample_titles[sample_id],
        )
        sample = SAMPLES[value("sample")]
        probe_words = sample.probe_words
        st.caption(
            ui.t("train.sample_source", source=f"[{ui.md(ui.source_name(sample.url))}]({sample.url})")
            + f" · {ui.md(ui.sample_note(sample))}"
        )
        text = tokenize.strip_boilerplate(samples.fetch_sample(sample))
        st.caption(ui.t("train.sample_ready", chars=len(text)))
    elif value("source") == "upload":
        files = st.file_uploader(ui.t("train.upload"), type=["txt"], accept_multiple_files=True, key="train.files")
        parts = []
        for upload in files or []:
            manager.check_upload_size(upload.name, upload.size, settings=settings)
            decoded = textio.decode_text(upload.getvalue(), name=upload.name)
            st.caption(ui.t("train.decoded", name=ui.md(upload.name), encoding=decoded.encoding, chars=len(decoded.text)))
            parts.append(tokenize.strip_boilerplate(decoded.text))
        text = "\n\n".join(parts)
    else:
        text = st.text_area(ui.t("train.paste"), key="train.paste", height=180, max_chars=settings.limits.training_chars)

left, right = st.columns([2, 3])
left.radio(
    ui.t("train.text_lang"),
    ["auto", "zh", "en"],
    key=ui.key(PAGE, "text_lang"),
    horizontal=True,
    format_func=ui.option_labels("train.text_lang"),
)
with right.expander(ui.t("train.segmentation")):
    names = st.checkbox(ui.t("train.names"), value=True, key="train.names", help=ui.t("train.names_help"))
    user_dict = st.text_area(ui.t("train.user_dict"), key="train.user_dict", height=90, placeholder="诸葛亮 100 nr\n孔明 100 nr")
    st.checkbox(ui.t("train.hmm"), key=ui.key(PAGE, "hmm"), help=ui.t("train.hmm_help"))

language = value("text_lang")
if text.strip() and language == "auto":
    language = tokenize.detect_language(text)
if names and language == "zh":  # the sample novels' character names stay whole (贾母, not 贾 + 母)
    user_dict = "\n".join(filter(None, [samples.names_dictionary("zh"), user_dict]))
corpus_key = corpus.corpus_key(text, language, (user_dict or "").strip() or None, value("hmm")) if text.strip() else ""


def show_stats(stats, from_cache: bool) -> None:
    st.markdown("**" + ui.t("train.stats") + "**")
    columns = st.columns(4)
    for column, name in zip(columns, ("characters", "sentences", "tokens", "vocabulary")):
        column.metric(ui.t(f"train.stats.{name}"), f"{getattr(stats, name):,}")
    if from_cache:
        st.caption(ui.t("train.from_cache"))
    top = pd.DataFrame(stats.top_words[:20], columns=[ui.t("common.word"), ui.t("train.count")])
    top[ui.t("common.word")] = top[ui.t("common.word")].map(ui.plot_text)
    chart = px.bar(
        top.iloc[::-1],
        x=ui.t("train.count"),
        y=ui.t("common.word"),
        orientation="h",
        title=ui.t("train.top_words"),
        height=140 + 22 * len(top),
    )
    pictures.tight(chart, top=40)
    st.plotly_chart(chart, width="stretch")


if not text.strip():
    st.info(ui.t("train.no_text"), icon=":material/info:")
else:
    st.button(ui.t("train.analyse"), icon=":material/bar_chart:", on_click=request, args=("analyse",))
if text.strip() and requested("analyse"):
    with ui.guard():
        bar = st.empty()
        with bar.container():
            progress = ui.progress_bar(ui.t("train.segmenting"))
        segmented = corpus.segment(
            text,
            language,
            user_dict=user_dict,
            hmm=value("hmm"),
            max_chars=settings.limits.training_chars,
            progress=progress,
        )
        bar.empty()
        st.session_state[STATS] = (segmented.key, segmented.stats, segmented.from_cache)
        del segmented  # the sentences stay in the on-disk cache, not in the session
stats_entry = st.session_state.get(STATS)
if stats_entry and stats_entry[0] == corpus_key:
    show_stats(stats_entry[1], stats_entry[2])

# ---------------------------------------------------------------- 2 · options

st.subheader(ui.t("train.options"))
st.radio(
    ui.t("train.mode"),
    ["cbow", "sg", "compare"],
    key=ui.key(PAGE, "mode"),
    horizontal=True,
    format_func=ui.option_labels("train.mode"),
)
columns = st.columns(6)
for column, name in zip(columns, ("size", "window", "min_count", "epochs", "negative", "seed")):
    low, high = LIMITS[name if name != "size" else "vector_size"]
    column.number_input(ui.t(f"train.{name}"), min_value=low, max_value=high, step=1, key=ui.key(PAGE, name))
col_workers, col_name = st.columns([1, 3])
col_workers.number_input(
    ui.t("train.workers"),
    min_value=1,
    max_value=max(1, os.cpu_count() or 1),
    value=1,
    step=1,
    key="train.workers",
    help=ui.t("train.workers_help"),
)
preview = saving.default_name(  # the name an empty box saves under, shown as its placeholder
    training.TrainOptions(sg=int(value("mode") == "sg"), vector_size=value("size")),
    language,
    corpus_key or "text",
    compare=value("mode") == "compare",
    stem=value("sample") if value("source") == "sample" else None,
)
name = col_name.text_input(ui.t("train.name"), key="train.name", max_chars=80, placeholder=preview)

job: background.TrainingJob | None = st.session_state.get(JOB)
running = job is not None and not job.state.finished
st.button(
    ui.t("train.start"),
    type="primary",
    icon=":material/model_training:",
    disabled=running or not text.strip(),
    on_click=request,
    args=("train",),
)
if requested("train") and not running and text.strip():
    with ui.guard(on_busy=lambda: request("train")):  # a busy server: asked again at the visitor's turn
        compare = value("mode") == "compare"
        options = training.TrainOptions(
            sg=int(value("mode") == "sg"),
            vector_size=value("size"),
            window=value("window"),
            min_count=value("min_count"),
            epochs=value("epochs"),
            negative=value("negative"),
            seed=value("seed"),
            workers=st.session_state["train.workers"],
        ).checked()
        stem = value("sample") if value("source") == "sample" else None
        chosen = name.strip() or saving.default_name(
            options, language, corpus_key or "text", compare=compare, stem=stem, folder=settings.models_dir
        )
        job = background.TrainingJob(
            text,
            language,
            options,
            compare=compare,
            name=chosen,
            user_dict=user_dict,
            hmm=value("hmm"),
            max_chars=settings.limits.training_chars,
        ).start(slots=ui.training_slots(), owner=ui.visitor())
        st.session_state[JOB] = job
        running = True

# ---------------------------------------------------------------- 3 · live progress


def loss_chart(losses: dict) -> None:
    rows = [(run, epoch, loss) for run, values in losses.items() for epoch, loss in enumerate(values, start=1)]
    if not rows:
        return
    frame = pd.DataFrame(rows, columns=[ui.t("train.mode"), ui.t("train.epoch_axis"), ui.t("train.loss_axis")])
    chart = px.line(
        frame,
        x=ui.t("train.epoch_axis"),
        y=ui.t("train.loss_axis"),
        color=ui.t("train.mode"),
        markers=True,
        title=ui.t("train.loss"),
        height=300,
    )
    pictures.tight(chart, top=40, xaxis_dtick=1)
    st.plotly_chart(chart, width="stretch")


if job is not None:
    st.subheader(ui.t("train.progress"))
    watched = job  # the job, no longer optional, for the fragment below (which reruns on its own)

    @st.fragment(run_every=0.5 if running else None)
    def live_progress() -> None:
        state = watched.state
        if state.phase == "training":
            label = ui.t(
                "train.phase.training",
                run=state.run,
                epoch=state.epoch,
                epochs=state.epochs,
                current=min(state.epoch + 1, state.epochs),
            )
        elif state.phase == "failed":
            label = ui.t("train.phase.failed", error=ui.md(ui.error_text(state.failure) if state.failure else state.error))
        else:
            label = ui.t(f"train.phase.{state.phase}")
        if state.phase == "failed":
            st.error(label, icon=":material/error:")
        elif state.phase == "cancelled":
            st.warning(label, icon=":material/cancel:")
        else:
            st.progress(min(max(state.fraction, 0.0), 1.0), text=label)
        if state.stats is not None:
            st.caption(
                " · ".join(f"{ui.t('train.stats.' + n)} {getattr(state.stats, n):,}" for n in ("tokens", "vocabulary"))
                + (" · " + ui.t("train.from_cache") if state.from_cache else "")
            )
        loss_chart(state.losses)
        if not state.finished:
            st.button(ui.t("train.cancel"), icon=":material/stop_circle:", on_click=watched.cancel, key="train.cancel")
        elif running:
            st.rerun()  # the job ended while this fragment watched it: redraw the whole page with the results

    live_progress()

with st.expander(ui.t("train.about")):
    st.markdown(ui.t("train.about_text"))

# ---------------------------------------------------------------- 4 · results

if job is not None and job.state.phase == "done":
    state = job.state
    for trained, saved in zip(state.trained, state.saved):
        st.success(
            ui.t(
                "train.saved",
                model=ui.md(saved.model_id),
                vocab=trained.model.vocab_size,
                dims=trained.model.dims,
                seconds=trained.seconds,
            ),
            icon=":material/check_circle:",
        )
        query = {"model": saved.model_id, "lang": ui.lang()}
        if probe_words:
            query.update(word=probe_words[0], words=",".join(probe_words))
        st.page_link(
            "pages/explorer.py",
            label=ui.t("train.open_explorer", model=saved.model_id),
            icon=":material/arrow_forward:",
            query_params=query,
        )

    st.subheader(ui.t("train.results"))
    if not value("words").strip():  # the sample's characters, else the corpus's most frequent words
        fallback = [word for word, _ in state.stats.top_words[:3]] if state.stats else []
        st.session_state[ui.key(PAGE, "words")] = ", ".join(probe_words or fallback)
    st.text_input(ui.t("train.words"), key=ui.key(PAGE, "words"))
    with ui.guard():
        words = list(dict.fromkeys(ui.words_of(value("words"), "words", page=PAGE)))[:8]
        models = [trained.model for trained in state.trained]
        table = training.compare_neighbors(models, words, topn=10)
        for word in words:
            st.markdown(f"**{ui.md(word)}**")
            model_columns = st.columns(len(models))
            for column, model in zip(model_columns, models):
                found = table[word][model.id]
                column.caption(f"{model.id}")
                if isinstance(found, str):
                    column.warning(ui.missing_words_text({word: static.suggest(model, word)}), icon=":material/search_off:")
                else:
                    column.dataframe(
                        pd.DataFrame(
                            {ui.t("common.word"): [n.word for n in found], ui.t("common.score"): [n.score for n in found]},
                            index=range(1, len(found) + 1),
                        ),
                        width="stretch",
                        column_config={ui.t("common.score"): st.column_config.NumberColumn(format="%.3f")},
                    )
    if len(state.saved) == 2:  # compare mode: align the two models on the compare page (issue 12)
        st.page_link(
            "pages/compare.py",
            label=ui.t("compare.open_from_train"),
            icon=":material/compare_arrows:",
            query_params={
                "model": state.saved[0].model_id,
                "model_b": state.saved[1].model_id,
                "words": ",".join(probe_words),
                "lang": ui.lang(),
            },
        )

ui.sync_url(PAGE, PARAMS)
