"""Projection: word groups, the first N words, or an atlas of the vocabulary, with honest per-point scores.

Share link: /projection?model=ID&groups=a,b,c|d,e|f,g&method=pca|umap|tsne&dims=2|3&seed=S
[&source=groups|top|atlas&top=N&expand=K&skip=0|1&n_neighbors=K&min_dist=D&perplexity=P&labels=0|1]
[&word=W&k=5|10|15|20|30&colour=group|kept]   a chosen word with its true neighbours; colour by neighbours kept
[&clusters=C&contours=0|1&zoom=x0,x1,y0,y1]    the atlas: k-means clusters (0 = automatic), density lines, zoom box
"""

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from embedlab import share, ui
from embedlab.config import load_settings
from embedlab.errors import OutOfVocabularyError
from embedlab.projection import atlas as A
from embedlab.projection import distortion as D
from embedlab.projection import engine as P
from embedlab.projection import word_projection as W
from embedlab.ui import pictures, presets

PAGE = "projection"
MODEL = ui.model_param("static")
MOST_POINTS = min(P.MAX_POINTS, load_settings().limits.projection_points)
MAX_LABELS = 1_000  # beyond this, labels hide the picture; hover still names every point
WEBGL_FROM = 2_000  # Plotly's SVG scatter slows down past a few thousand points
SELECT_UP_TO = 2_000  # a select box of the drawn words up to this many; a search box beyond
SOURCES = ("groups", "top", "atlas")

ui.start_page("projection.title")
model = ui.page_static_model(PAGE, MODEL)

default = presets.page_preset(PAGE, model.language, model.id).params
PARAMS = [
    MODEL,
    ui.groups_param("groups", default["groups"]),
    ui.choice_param("method", default["method"], P.METHODS),
    ui.int_param("dims", default["dims"], low=2, high=3),
    ui.int_param("seed", 0, low=0, high=P.MAX_SEED),
    ui.choice_param("source", "groups", SOURCES),
    ui.int_param("top", min(1_000, MOST_POINTS), low=3, high=MOST_POINTS),
    ui.int_param("expand", 0, low=0, high=P.MAX_EXPAND),
    ui.flag_param("skip", True),
    ui.int_param("n_neighbors", P.DEFAULT_N_NEIGHBORS, low=P.N_NEIGHBORS_RANGE[0], high=P.N_NEIGHBORS_RANGE[1]),
    ui.float_param("min_dist", P.DEFAULT_MIN_DIST, low=P.MIN_DIST_RANGE[0], high=P.MIN_DIST_RANGE[1]),
    ui.float_param("perplexity", P.DEFAULT_PERPLEXITY, low=P.PERPLEXITY_RANGE[0], high=P.PERPLEXITY_RANGE[1]),
    ui.flag_param("labels", True),
    ui.word_param("word", ""),
    ui.Param("k", D.DEFAULT_K, lambda v: int(share.parse_choice(v, "k", [str(c) for c in D.K_CHOICES]))),
    ui.choice_param("colour", "group", ["group", "kept"]),
    ui.int_param("clusters", 0, low=0, high=A.MAX_CLUSTERS),
    ui.flag_param("contours", True),
    ui.box_param("zoom"),
]
ui.show_problems(ui.bind(PAGE, PARAMS[1:]))
st.caption(" · ".join(filter(None, [f"**{ui.md(model.id)}**", ui.md(ui.describe(model.id, model.description))])))
st.write(ui.t("projection.intro"))
ui.preset_buttons(PAGE, model.id)


def value(name: str):
    return st.session_state[ui.key(PAGE, name)]


source = value("source")
by_groups, atlas_mode = source == "groups", source == "atlas"
col_source, col_method, col_dims, col_seed = st.columns([4, 3, 2, 2])
# Option labels looked up now, in this run's language (format_func may be called later).
sources = {s: ui.t(f"projection.source.{s}") for s in SOURCES}
methods = {m: ui.t(f"projection.method.{m}") for m in P.METHODS}
dimensions = {d: ui.t(f"projection.dims.{d}") for d in P.DIMS}
col_source.radio(ui.t("projection.source"), list(sources), key=ui.key(PAGE, "source"), horizontal=True, format_func=sources.get)
col_method.radio(ui.t("projection.method"), list(methods), key=ui.key(PAGE, "method"), horizontal=True, format_func=methods.get)
col_dims.radio(
    ui.t("projection.dims"),
    list(dimensions),
    key=ui.key(PAGE, "dims"),
    horizontal=True,
    format_func=dimensions.get,
    disabled=atlas_mode,
)
col_seed.number_input(
    ui.t("projection.seed"),
    min_value=0,
    max_value=P.MAX_SEED,
    step=1,
    key=ui.key(PAGE, "seed"),
    help=ui.t("projection.seed_help"),
)
if atlas_mode:
    st.caption(ui.t("atlas.intro"))

method = value("method")
col_words, col_params = st.columns([3, 2])
col_words.text_area(ui.t("projection.groups"), key=ui.key(PAGE, "groups"), height=130, disabled=not by_groups)
col_expand, col_top = col_words.columns(2)
col_expand.number_input(
    ui.t("projection.expand"), min_value=0, max_value=P.MAX_EXPAND, step=1, key=ui.key(PAGE, "expand"), disabled=not by_groups
)
col_top.number_input(
    ui.t("projection.top"),
    min_value=3,
    max_value=MOST_POINTS,
    step=500,
    key=ui.key(PAGE, "top"),
    disabled=by_groups,
    help=ui.t("projection.top_help"),
)
col_skip, col_labels = col_words.columns(2)
col_skip.toggle(ui.t("projection.skip"), key=ui.key(PAGE, "skip"), disabled=not by_groups)
col_labels.toggle(ui.t("projection.labels"), key=ui.key(PAGE, "labels"), disabled=atlas_mode)
col_clusters, col_contours = col_words.columns(2)
col_clusters.number_input(
    ui.t("atlas.clusters"),
    min_value=0,
    max_value=A.MAX_CLUSTERS,
    step=1,
    key=ui.key(PAGE, "clusters"),
    disabled=not atlas_mode,
    help=ui.t("atlas.clusters_help"),
)
col_contours.toggle(ui.t("atlas.contours"), key=ui.key(PAGE, "contours"), disabled=not atlas_mode)
col_params.slider(
    ui.t("projection.n_neighbors"),
    min_value=P.N_NEIGHBORS_RANGE[0],
    max_value=P.N_NEIGHBORS_RANGE[1],
    step=1,
    key=ui.key(PAGE, "n_neighbors"),
    disabled=method != "umap",
)
col_params.slider(
    ui.t("projection.min_dist"),
    min_value=P.MIN_DIST_RANGE[0],
    max_value=P.MIN_DIST_RANGE[1],
    step=0.05,
    key=ui.key(PAGE, "min_dist"),
    disabled=method != "umap",
)
col_params.slider(
    ui.t("projection.perplexity"),
    min_value=P.PERPLEXITY_RANGE[0],
    max_value=P.PERPLEXITY_RANGE[1],
    step=1.0,
    key=ui.key(PAGE, "perplexity"),
    disabled=method != "tsne" or atlas_mode,
)
if method == "pca":
    col_params.caption(ui.t("projection.pca_params"))
col_colour, col_k = col_params.columns([3, 2])
colours = {c: ui.t(f"honest.colour.{'cluster' if atlas_mode and c == 'group' else c}") for c in ("group", "kept")}
col_colour.radio(ui.t("honest.colour"), list(colours), key=ui.key(PAGE, "colour"), horizontal=True, format_func=colours.get)
col_k.select_slider(ui.t("honest.k"), options=list(D.K_CHOICES), key=ui.key(PAGE, "k"), help=ui.t("honest.k_help"))


def group_name(result, group: str) -> str:
    """A group's name for the legend and hovers: the typed group's first word, or "first N words" in the UI language."""
    return group if by_groups else ui.t("projection.first_n", n=len(result.selection))


def hover_text(result, row: int, kept: int, k: int) -> str:
    word, group, origin = result.selection.words[row], result.selection.groups[row], result.selection.origins[row]
    lines = [f"<b>{ui.plot_text(word)}</b>", f"{ui.t('projection.hover.group')}: {ui.plot_text(group_name(result, group))}"]
    if origin:
        lines.append(ui.plot_text(ui.t("projection.hover.origin", word=origin)))
    lines.append(ui.t("honest.hover_kept_count", kept=kept, k=k))
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


def figure(result, *, labels: bool, k: int, chosen: int | None, neighbours) -> go.Figure:
    found = result.projection
    points = found.coordinates
    kept = result.distortion.kept_counts(k)
    palette = px.colors.qualitative.Plotly + px.colors.qualitative.Dark24
    fig = go.Figure()
    for index, group in enumerate(dict.fromkeys(result.selection.groups)):
        rows = [i for i, g in enumerate(result.selection.groups) if g == group]
        marker = dict(color=palette[index % len(palette)], size=marker_size(len(points), found.dims))
        if value("colour") == "kept":  # colour says what the picture kept; the symbol keeps the group
            symbols = pictures.GROUP_SYMBOLS if found.dims == 2 else pictures.GROUP_SYMBOLS_3D
            marker.update(color=[kept[i] / k for i in rows], coloraxis="coloraxis", symbol=symbols[index % len(symbols)])
        common = dict(
            name=ui.plot_text(group_name(result, group)),
            mode="markers+text" if labels else "markers",
            text=[ui.plot_text(result.selection.words[i]) for i in rows],
            customdata=[[i, hover_text(result, i, int(kept[i]), k)] for i in rows],  # the row first: a click picks its word
            hovertemplate="%{customdata[1]}<extra></extra>",
            marker=marker,
        )
        if found.dims == 2:
            trace = go.Scattergl if len(points) >= WEBGL_FROM else go.Scatter
            fig.add_trace(trace(x=points[rows, 0], y=points[rows, 1], textposition="top center", **common))
        else:
            fig.add_trace(go.Scatter3d(x=points[rows, 0], y=points[rows, 1], z=points[rows, 2], **common))
    if chosen is not None:
        pictures.add_true_neighbours(fig, points, chosen, result.selection.words[chosen], neighbours, lang=ui.lang())
    if value("colour") == "kept":
        fig.update_layout(coloraxis=pictures.kept_axis(ui.lang(), k), legend=pictures.KEPT_LEGEND)
    titles = axis_titles(found)
    if found.dims == 2:
        fig.update_layout(xaxis_title=titles[0], yaxis_title=titles[1])
    else:
        fig.update_layout(scene=dict(xaxis_title=titles[0], yaxis_title=titles[1], zaxis_title=titles[2]))
    pictures.tight(fig, top=30, height=640, legend_title_text=ui.t("projection.hover.group"))
    return fig


def note_text(note) -> str:
    values = {name: ui.md(v) if isinstance(v, str) else v for name, v in note.values}
    return ui.t(note.key, **values)


def effective_k(max_k: int) -> int:
    """The chosen k, lowered (with a note) when the picture has too few points for it."""
    k = value("k")
    if k > max_k:
        st.caption(ui.t("honest.k_lowered", k=k, used=max_k))
    return min(k, max_k)


def word_picker(words, container, *, search: bool = False) -> str:
    """A select box of the drawn words (a search box for many words, or with ``search``), mirrored into the URL's ``word=``.

    A word typed into the search box also asks the atlas to zoom to it.
    """
    state = ui.key(PAGE, "word")

    def chosen_in(box: str) -> None:
        st.session_state[state] = st.session_state[ui.key(PAGE, box)] or ""
        st.session_state[ui.key(PAGE, "zoom_to_word")] = atlas_mode

    if len(words) <= SELECT_UP_TO and not search:
        options = ["", *words]
        if value("word") not in options:
            container.info(ui.t("honest.not_drawn", word=ui.md(value("word"))), icon=":material/info:")
            st.session_state[state] = ""
        st.session_state[ui.key(PAGE, "word_select")] = value("word")
        none = ui.t("honest.word_none")
        container.selectbox(
            ui.t("honest.word"),
            options,
            key=ui.key(PAGE, "word_select"),
            on_change=chosen_in,
            args=("word_select",),
            format_func=lambda w: w or none,
            help=ui.t("honest.word_help"),
        )
    else:
        st.session_state[ui.key(PAGE, "word_search")] = value("word")
        container.text_input(
            ui.t("honest.search"),
            key=ui.key(PAGE, "word_search"),
            max_chars=100,
            on_change=chosen_in,
            args=("word_search",),
            help=ui.t("honest.search_help"),
        )
    return value("word").strip()


def neighbours_panel(word: str, neighbours, k: int, *, drawn: int) -> None:
    """The chosen word's true neighbours, their cosines and where the picture put them."""
    st.subheader(ui.t("honest.neighbours_title", word=ui.md(word), k=k))
    near = sum(n.near for n in neighbours)
    st.caption(ui.t("honest.neighbours_caption", dims=model.dims, k=k, near=near, far=len(neighbours) - near, n=drawn))
    where = {True: ui.t("honest.near"), False: ui.t("honest.far")}
    cosine, rank = ui.t("honest.col.cosine"), ui.t("honest.col.rank")
    st.dataframe(
        pd.DataFrame(
            {
                ui.t("common.word"): [n.word for n in neighbours],
                cosine: [n.cosine for n in neighbours],
                rank: [n.picture_rank for n in neighbours],
                ui.t("honest.col.where"): [where[n.near] for n in neighbours],
            }
        ),
        hide_index=True,
        width="stretch",
        column_config={cosine: st.column_config.NumberColumn(format="%.4f")},
    )
    with ui.guard():
        whole = ui.neighbors(model, word, topn=k).results  # the whole vocabulary (gensim, or a big model's index)
        drawn_words = {n.word for n in neighbours}
        listed = "、".join(f"{ui.md(n.word)} {n.score:.3f}" + ("" if n.word in drawn_words else "†") for n in whole)
        st.caption(ui.t("honest.whole_vocabulary", words=listed))


def words_view(selection) -> None:
    """Groups or the first N words: project, score each point, draw, and show the chosen word's true neighbours."""
    for note in selection.notes:  # before projecting: a failed projection still names the skipped words
        st.info(note_text(note), icon=":material/info:")
    result = ui.project_words(
        model,
        selection,
        method=method,
        dims=value("dims"),
        seed=value("seed"),
        n_neighbors=value("n_neighbors"),
        min_dist=value("min_dist"),
        perplexity=value("perplexity"),
    )
    found = result.projection
    k = effective_k(result.distortion.max_k)
    cols = st.columns(4)
    cols[0].metric(ui.t("projection.points"), f"{len(selection):,}")
    cols[1].metric(
        ui.t("projection.trust"), f"{found.trustworthiness:.3f}", help=ui.t("projection.trust_help", k=found.quality.k)
    )
    cols[2].metric(ui.t("honest.kept_metric", k=k), f"{result.distortion.mean_kept(k):.0%}", help=ui.t("honest.kept_help", k=k))
    if found.explained_variance:
        kept = sum(found.explained_variance)
        parts = " · ".join(f"PC{i + 1} {v:.1%}" for i, v in enumerate(found.explained_variance))
        cols[3].metric(
            ui.t("projection.variance"), f"{kept:.1%}", help=ui.t("projection.variance_help", parts=parts, rest=f"{1 - kept:.1%}")
        )
    else:
        cols[3].metric(ui.t("projection.seconds"), f"{found.seconds:.2g} s" if found.seconds < 10 else f"{found.seconds:.0f} s")
    for note in found.notes:
        st.info(note_text(note), icon=":material/info:")

    st.session_state.pop(ui.key(PAGE, "zoom_to_word"), None)  # zooming is the atlas's
    words = result.selection.words
    word = word_picker(words, st.container())
    chosen = words.index(word) if word in words else None
    if word and chosen is None:
        st.info(ui.t("honest.not_drawn", word=ui.md(word)), icon=":material/info:")
    neighbours = D.true_neighbours(words, found.coordinates, result.distortion, chosen, k) if chosen is not None else ()
    show_labels = value("labels") and len(selection) <= MAX_LABELS
    if value("labels") and not show_labels:
        st.caption(ui.t("projection.labels_capped", limit=MAX_LABELS))
    chart = ui.key(PAGE, "chart")
    st.plotly_chart(
        figure(result, labels=show_labels, k=k, chosen=chosen, neighbours=neighbours),
        width="stretch",
        key=chart,
        on_select=ui.pick_from_chart(PAGE, chart, words) if found.dims == 2 else "ignore",
        selection_mode="points",
        config={"toImageButtonOptions": {"format": "png", "filename": f"embedlab-{found.method}-{found.dims}d", "scale": 2}},
    )
    if chosen is not None:
        neighbours_panel(word, neighbours, k, drawn=len(words))

    stem = f"{model.id}-{found.method}-{found.dims}d-seed{found.seed}"
    col_csv, col_vectors, col_meta = st.columns(3)
    col_csv.download_button(
        ui.t("projection.download_csv"), data=W.to_csv(result), file_name=f"{stem}.csv", mime="text/csv", width="stretch"
    )
    col_vectors.download_button(
        ui.t("projection.download_vectors"),
        data=lambda: W.projector_vectors(model, selection),
        file_name="vectors.tsv",
        mime="text/tab-separated-values",
        width="stretch",
    )
    col_meta.download_button(
        ui.t("projection.download_metadata"),
        data=W.projector_metadata(selection),
        file_name="metadata.tsv",
        mime="text/tab-separated-values",
        width="stretch",
    )
    st.caption(ui.t("projection.download_help"))


def reset_zoom() -> None:
    st.session_state[ui.key(PAGE, "zoom")] = None


def atlas_view() -> None:
    """The first N words on one map: clusters, density lines, a search box that zooms, the chosen word's true neighbours."""
    atlas_method = method
    if method not in A.METHODS:
        st.info(ui.t("atlas.no_tsne"), icon=":material/info:")
        atlas_method = "umap"
    found = ui.load_atlas(
        model,
        top=value("top"),
        method=atlas_method,
        seed=value("seed"),
        n_neighbors=value("n_neighbors"),
        min_dist=value("min_dist"),
        clusters=value("clusters"),
    )
    k = effective_k(found.distortion.max_k)
    cols = st.columns(5)
    cols[0].metric(ui.t("projection.points"), f"{len(found):,}")
    cols[1].metric(
        ui.t("projection.trust"), f"{found.trustworthiness:.3f}", help=ui.t("projection.trust_help", k=P.QUALITY_NEIGHBORS)
    )
    cols[2].metric(ui.t("honest.kept_metric", k=k), f"{found.distortion.mean_kept(k):.0%}", help=ui.t("honest.kept_help", k=k))
    cols[3].metric(ui.t("atlas.clusters_metric"), f"{len(found.labels)}")
    seconds = f"{found.seconds:.2g} s" if found.seconds < 10 else f"{found.seconds:.0f} s"
    cols[4].metric(
        ui.t("projection.seconds"), seconds, help=ui.t("atlas.cached" if found.cached else "atlas.computed", seconds=seconds)
    )

    col_search, col_reset = st.columns([4, 1])
    word = word_picker(found.words, col_search, search=True)
    chosen = None
    if word:
        hit = A.find(found, word, model=model)
        chosen = hit.row
        if hit.row is not None and hit.word is not None and hit.word != word:  # a drawn word has its word
            st.caption(ui.t("atlas.found_as", word=ui.md(word), found=ui.md(hit.word)))
        elif hit.vocabulary_rank:
            st.info(ui.t("atlas.beyond", word=ui.md(word), rank=hit.vocabulary_rank, n=len(found)), icon=":material/info:")
        elif hit.row is None:
            hint = ui.t("common.did_you_mean", words=", ".join(ui.md(w) for w in hit.suggestions)) if hit.suggestions else ""
            st.warning(ui.t("atlas.not_found", word=ui.md(word)) + (" " + hint if hint else ""), icon=":material/search_off:")
    if st.session_state.pop(ui.key(PAGE, "zoom_to_word"), False):
        st.session_state[ui.key(PAGE, "zoom")] = A.view_box(found, chosen, k=k) if chosen is not None else None
    zoom = value("zoom")
    col_reset.button(ui.t("atlas.zoom_reset"), on_click=reset_zoom, disabled=zoom is None, width="stretch")
    neighbours = D.true_neighbours(found.words, found.coordinates, found.distortion, chosen, k) if chosen is not None else ()
    fig = pictures.atlas_figure(
        found,
        lang=ui.lang(),
        colour="kept" if value("colour") == "kept" else "cluster",
        k=k,
        contours=value("contours"),
        chosen=chosen,
        neighbours=neighbours,
        zoom=zoom,
    )
    chart = ui.key(PAGE, "atlas_chart")
    st.plotly_chart(
        fig,
        width="stretch",
        key=chart,
        on_select=ui.pick_from_chart(PAGE, chart, found.words),
        selection_mode=("points", "box"),
        config={"toImageButtonOptions": {"format": "png", "filename": f"embedlab-atlas-{model.id}", "scale": 2}},
    )
    st.caption(ui.t("atlas.zoom_help"))
    if chosen is not None:
        neighbours_panel(found.words[chosen], neighbours, k, drawn=len(found))
    with st.expander(ui.t("atlas.cluster_table", n=len(found.labels))):
        st.dataframe(
            pd.DataFrame(
                {
                    ui.t("atlas.col.cluster"): list(found.labels),
                    ui.t("atlas.col.size"): [int((found.clusters == c).sum()) for c in range(len(found.labels))],
                    ui.t("atlas.col.central"): ["、".join(c) for c in found.central],
                }
            ),
            hide_index=True,
            width="stretch",
        )
    st.download_button(
        ui.t("atlas.download"),
        data=A.to_csv(found),
        file_name=f"{model.id}-atlas-{found.method}-{len(found)}-seed{found.seed}.csv",
        mime="text/csv",
    )


with ui.guard():
    if atlas_mode:
        atlas_view()
    else:
        selection = None
        if source == "top":
            selection = W.frequent_words(model, value("top"))
        elif groups := ui.groups_of(value("groups"), "groups", page=PAGE):
            try:
                selection = W.select_words(model, groups, expand=value("expand"), skip_missing=value("skip"))
            except OutOfVocabularyError as exc:  # skipping switched off: say which switch draws the rest
                ui.show_error(exc)
                st.info(ui.t("projection.skip_hint", switch=ui.t("projection.skip")), icon=":material/lightbulb:")
        else:
            st.info(ui.t("projection.need_words"))
        if selection is not None:
            words_view(selection)

ui.sync_url(PAGE, PARAMS)
