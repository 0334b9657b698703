"""Projection: word groups drawn in 2-D or 3-D with PCA, UMAP or t-SNE, with honest quality scores.

Share link: /projection?model=ID&groups=a,b,c|d,e|f,g&method=pca|umap|tsne&dims=2|3&seed=S
[&source=groups|top&top=N&expand=K&skip=0|1&n_neighbors=K&min_dist=D&perplexity=P&labels=0|1]
"""

import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from embedlab import ui

PAGE = "projection"
MODEL = ui.model_param("static")
P = ui.projection
W = ui.word_projection
MOST_POINTS = min(P.MAX_POINTS, ui.load_settings().limits.projection_points)
MAX_LABELS = 1_000  # beyond this, labels hide the picture; hover still names every point
WEBGL_FROM = 2_000  # Plotly's SVG scatter slows down past a few thousand points

ui.start_page("projection.title")
model = ui.page_static_model(PAGE, MODEL)

default = ui.presets.first_preset(PAGE, model.language, model.id).params
PARAMS = [
    MODEL,
    ui.groups_param("groups", default["groups"]),
    ui.choice_param("method", default["method"], P.METHODS),
    ui.int_param("dims", default["dims"], low=2, high=3),
    ui.int_param("seed", 0, low=0, high=P.MAX_SEED),
    ui.choice_param("source", "groups", ["groups", "top"]),
    ui.int_param("top", min(1_000, MOST_POINTS), low=3, high=MOST_POINTS),
    ui.int_param("expand", 0, low=0, high=P.MAX_EXPAND),
    ui.flag_param("skip", True),
    ui.int_param("n_neighbors", P.DEFAULT_N_NEIGHBORS, low=P.N_NEIGHBORS_RANGE[0], high=P.N_NEIGHBORS_RANGE[1]),
    ui.float_param("min_dist", P.DEFAULT_MIN_DIST, low=P.MIN_DIST_RANGE[0], high=P.MIN_DIST_RANGE[1]),
    ui.float_param("perplexity", P.DEFAULT_PERPLEXITY, low=P.PERPLEXITY_RANGE[0], high=P.PERPLEXITY_RANGE[1]),
    ui.flag_param("labels", True),
]
ui.show_problems(ui.bind(PAGE, PARAMS[1:]))
st.caption(" · ".join(filter(None, [f"**{ui.md(model.id)}**", ui.md(ui.describe(model.id, model.description))])))
st.write(ui.t("projection.intro"))
ui.preset_buttons(PAGE, model.id)


def value(name: str):
    return st.session_state[ui.key(PAGE, name)]


col_source, col_method, col_dims, col_seed = st.columns([3, 3, 2, 2])
# Option labels looked up now, in this run's language (format_func may be called later).
sources = {s: ui.t(f"projection.source.{s}") for s in ("groups", "top")}
methods = {m: ui.t(f"projection.method.{m}") for m in P.METHODS}
dimensions = {d: ui.t(f"projection.dims.{d}") for d in P.DIMS}
col_source.radio(ui.t("projection.source"), list(sources), key=ui.key(PAGE, "source"), horizontal=True, format_func=sources.get)
col_method.radio(ui.t("projection.method"), list(methods), key=ui.key(PAGE, "method"), horizontal=True, format_func=methods.get)
col_dims.radio(ui.t("projection.dims"), list(dimensions), key=ui.key(PAGE, "dims"), horizontal=True, format_func=dimensions.get)
col_seed.number_input(ui.t("projection.seed"), min_value=0, max_value=P.MAX_SEED, step=1, key=ui.key(PAGE, "seed"), help=ui.t("projection.seed_help"))

by_groups = value("source") == "groups"
method = value("method")
col_words, col_params = st.columns([3, 2])
col_words.text_area(ui.t("projection.groups"), key=ui.key(PAGE, "groups"), height=130, disabled=not by_groups)
col_expand, col_top = col_words.columns(2)
col_expand.number_input(ui.t("projection.expand"), min_value=0, max_value=P.MAX_EXPAND, step=1, key=ui.key(PAGE, "expand"), disabled=not by_groups)
col_top.number_input(
    ui.t("projection.top"), min_value=3, max_value=MOST_POINTS, step=500, key=ui.key(PAGE, "top"),
    disabled=by_groups, help=ui.t("projection.top_help"),
)
col_skip, col_labels = col_words.columns(2)
col_skip.toggle(ui.t("projection.skip"), key=ui.key(PAGE, "skip"), disabled=not by_groups)
col_labels.toggle(ui.t("projection.labels"), key=ui.key(PAGE, "labels"))
col_params.slider(
    ui.t("projection.n_neighbors"), min_value=P.N_NEIGHBORS_RANGE[0], max_value=P.N_NEIGHBORS_RANGE[1], step=1,
    key=ui.key(PAGE, "n_neighbors"), disabled=method != "umap",
)
col_params.slider(
    ui.t("projection.min_dist"), min_value=P.MIN_DIST_RANGE[0], max_value=P.MIN_DIST_RANGE[1], step=0.05,
    key=ui.key(PAGE, "min_dist"), disabled=method != "umap",
)
col_params.slider(
    ui.t("projection.perplexity"), min_value=P.PERPLEXITY_RANGE[0], max_value=P.PERPLEXITY_RANGE[1], step=1.0,
    key=ui.key(PAGE, "perplexity"), disabled=method != "tsne",
)
if method == "pca":
    col_params.caption(ui.t("projection.pca_params"))


def group_name(result, group: str) -> str:
    """A group's name for the legend and hovers: the typed group's first word, or "first N words" in the UI language."""
    return group if by_groups else ui.t("projection.first_n", n=len(result.selection))


def hover_text(result, row: int) -> str:
    word, group, origin = result.selection.words[row], result.selection.groups[row], result.selection.origins[row]
    lines = [f"<b>{ui.plot_text(word)}</b>", f"{ui.t('projection.hover.group')}: {ui.plot_text(group_name(result, group))}"]
    if origin:
        lines.append(ui.plot_text(ui.t("projection.hover.origin", word=origin)))
    lines.append(ui.t("projection.hover.neighbors") + ":")
    lines += [f"&nbsp;&nbsp;{ui.plot_text(n.word)} {n.score:.2f}" for n in result.neighbors_of(row)]
    return "<br>".join(lines)


def axis_titles(found) -> list[str]:
    if found.explained_variance:
        return [ui.t("projection.axis_pca", n=i + 1, share=f"{v:.1%}") for i, v in enumerate(found.explained_variance)]
    return [ui.t("projection.axis", n=i + 1) for i in range(found.dims)]


def marker_size(count: int, dims: int) -> int:
    size = 7 if count <= 500 else 4 if count <= 5_000 else 2
    return size if dims == 2 else max(2, size - 3)


def figure(result, *, labels: bool) -> go.Figure:
    found = result.projection
    points = found.coordinates
    palette = px.colors.qualitative.Plotly + px.colors.qualitative.Dark24
    fig = go.Figure()
    for index, group in enumerate(dict.fromkeys(result.selection.groups)):
        rows = [i for i, g in enumerate(result.selection.groups) if g == group]
        common = dict(
            name=ui.plot_text(group_name(result, group)), mode="markers+text" if labels else "markers",
            text=[ui.plot_text(result.selection.words[i]) for i in rows],
            customdata=[hover_text(result, i) for i in rows], hovertemplate="%{customdata}<extra></extra>",
            marker=dict(color=palette[index % len(palette)], size=marker_size(len(points), found.dims)),
        )
        if found.dims == 2:
            trace = go.Scattergl if len(points) >= WEBGL_FROM else go.Scatter
            fig.add_trace(trace(x=points[rows, 0], y=points[rows, 1], textposition="top center", **common))
        else:
            fig.add_trace(go.Scatter3d(x=points[rows, 0], y=points[rows, 1], z=points[rows, 2], **common))
    titles = axis_titles(found)
    if found.dims == 2:
        fig.update_layout(xaxis_title=titles[0], yaxis_title=titles[1])
    else:
        fig.update_layout(scene=dict(xaxis_title=titles[0], yaxis_title=titles[1], zaxis_title=titles[2]))
    fig.update_layout(height=640, margin=dict(l=10, r=10, t=30, b=10), legend_title_text=ui.t("projection.hover.group"))
    return fig


def note_text(note) -> str:
    values = {name: ui.md(v) if isinstance(v, str) else v for name, v in note.values}
    return ui.t(f"projection.note.{note.code}", **values)


with ui.guard():
    selection = None
    if not by_groups:
        selection = W.frequent_words(model, value("top"))
    elif groups := ui.groups_of(value("groups"), "groups", page=PAGE):
        try:
            selection = W.select_words(model, groups, expand=value("expand"), skip_missing=value("skip"))
        except ui.OutOfVocabularyError as exc:  # skipping switched off: say which switch draws the rest
            ui.show_error(exc)
            st.info(ui.t("projection.skip_hint", switch=ui.t("projection.skip")), icon=":material/lightbulb:")
    else:
        st.info(ui.t("projection.need_words"))

    if selection is not None:
        for note in selection.notes:  # before projecting: a failed projection still names the skipped words
            st.info(note_text(note), icon=":material/info:")
        result = ui.project_words(
            model, selection, method=method, dims=value("dims"), seed=value("seed"),
            n_neighbors=value("n_neighbors"), min_dist=value("min_dist"), perplexity=value("perplexity"),
        )
        found = result.projection
        cols = st.columns(4)
        cols[0].metric(ui.t("projection.points"), f"{len(selection):,}")
        cols[1].metric(ui.t("projection.trust"), f"{found.trustworthiness:.3f}", help=ui.t("projection.trust_help", k=found.quality.k))
        cols[2].metric(ui.t("projection.knn"), f"{found.knn_preservation:.0%}", help=ui.t("projection.knn_help", k=found.quality.k))
        if found.explained_variance:
            kept = sum(found.explained_variance)
            parts = " · ".join(f"PC{i + 1} {v:.1%}" for i, v in enumerate(found.explained_variance))
            cols[3].metric(ui.t("projection.variance"), f"{kept:.1%}", help=ui.t("projection.variance_help", parts=parts, rest=f"{1 - kept:.1%}"))
        else:
            cols[3].metric(ui.t("projection.seconds"), f"{found.seconds:.2g} s" if found.seconds < 10 else f"{found.seconds:.0f} s")
        for note in found.notes:
            st.info(note_text(note), icon=":material/info:")

        show_labels = value("labels") and len(selection) <= MAX_LABELS
        if value("labels") and not show_labels:
            st.caption(ui.t("projection.labels_capped", limit=MAX_LABELS))
        st.plotly_chart(
            figure(result, labels=show_labels), width="stretch",
            config={"toImageButtonOptions": {"format": "png", "filename": f"embedlab-{found.method}-{found.dims}d", "scale": 2}},
        )

        stem = f"{model.id}-{found.method}-{found.dims}d-seed{found.seed}"
        col_csv, col_vectors, col_meta = st.columns(3)
        col_csv.download_button(ui.t("projection.download_csv"), data=W.to_csv(result), file_name=f"{stem}.csv", mime="text/csv", width="stretch")
        col_vectors.download_button(
            ui.t("projection.download_vectors"), data=lambda: W.projector_vectors(model, selection), file_name="vectors.tsv",
            mime="text/tab-separated-values", width="stretch",
        )
        col_meta.download_button(
            ui.t("projection.download_metadata"), data=W.projector_metadata(selection), file_name="metadata.tsv",
            mime="text/tab-separated-values", width="stretch",
        )
        st.caption(ui.t("projection.download_help"))

ui.sync_url(PAGE, PARAMS)
