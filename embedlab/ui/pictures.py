"""Plotly pictures that say what they hide: per-point honesty, true neighbours, the atlas, the analogy parallelogram.

No Streamlit here: pages pass the language, and every text comes from :mod:`embedlab.i18n`.
User words are escaped for Plotly (which reads a little HTML in labels and hovers).

* :func:`add_true_neighbours` marks a chosen word, rings the true neighbours the picture kept near
  it, and draws dashed lines to those it put far away (2-D and 3-D);
* :func:`atlas_figure` draws an :class:`~embedlab.projection.atlas.Atlas` with WebGL (``scattergl``), one trace
  per cluster, coloured by cluster or by each word's kept share, with density contours
  (:func:`density`), cluster labels and a zoom box;
* :func:`analogy_figure` draws :class:`~embedlab.static.analogy_view.ArithmeticPicture`: the parallelogram
  ``a → b``, ``c → b − a + c`` and arrows from that corner to the answers;
* :func:`picked` reads a Streamlit chart selection back: the clicked word's row, or a dragged box;
* :func:`tight` and :func:`margins` give every chart the same narrow frame (10 px, more on top for a
  title), and :func:`similarity_heatmap` draws a matrix of cosines the same way on every page.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import plotly.express as px
import plotly.graph_objects as go

from embedlab import i18n
from embedlab.projection.distortion import TrueNeighbour

KEPT_SCALE = "RdYlGn"  # red: the picture lost this point's neighbours; green: it kept them
NEAR_COLOUR = "#1a9850"
FAR_COLOUR = "#d73027"
ZOOM_LABELS = 400  # a zoomed atlas names the points in view, up to this many
PALETTE = px.colors.qualitative.Dark24 + px.colors.qualitative.Light24 + px.colors.qualitative.Alphabet


# ---------------------------------------------------------------- the common frame

SIDE_MARGIN = 10  # pixels left, right and below every chart: Streamlit's column already pads it
DIVERGING_SCALE = "RdBu_r"  # blue below zero, white at zero, red above: cosines and vector values


def margins(top: int = 10) -> dict:
    """A layout ``margin``: :data:`SIDE_MARGIN` on three sides and ``top`` pixels above (30 or 40 leave room for a title)."""
    return dict(l=SIDE_MARGIN, r=SIDE_MARGIN, t=top, b=SIDE_MARGIN)


def tight(fig: go.Figure, *, top: int = 10, **layout: object) -> go.Figure:
    """Give ``fig`` the pages' narrow frame (:func:`margins`) and any other ``layout`` settings (height, title...).

    Parameters
    ----------
    fig : plotly Figure
    top : int
        The top margin in pixels: 10 for a chart without a title, 30 or 40 with one.
    **layout
        Further ``fig.update_layout`` settings, e.g. ``height=400`` or ``xaxis_title="PC1"``.

    Returns
    -------
    plotly Figure
        ``fig`` itself, changed in place (so calls can be chained).
    """
    return fig.update_layout(margin=margins(top), **layout)


def similarity_heatmap(
    matrix: np.ndarray, labels: Sequence[str], *, height: int, limit: float = 1.0, **layout: object
) -> go.Figure:
    """A square matrix between labelled items (cosines, or their differences) as a heatmap with each cell written out.

    Parameters
    ----------
    matrix : array of shape (n, n)
    labels : sequence of str
        The items' names along both axes (already escaped for Plotly); kept as categories, so ``#1``
        stays a label and is not read as the number 1.
    height : int
    limit : float
        The colour scale runs from ``-limit`` (blue) through 0 (white) to ``limit`` (red); 1 for cosines.
    **layout
        Further layout settings, e.g. ``title``.

    Returns
    -------
    plotly Figure
    """
    fig = px.imshow(matrix, x=labels, y=labels, text_auto=".2f", color_continuous_scale=DIVERGING_SCALE, zmin=-limit, zmax=limit)
    tight(fig, top=40, height=height, **layout)
    fig.update_xaxes(type="category").update_yaxes(type="category")
    return fig


# ---------------------------------------------------------------- user text and the honest pieces


def escaped(text: object) -> str:
    """User text made literal for Plotly labels and hovers."""
    return html.escape(str(text), quote=False)


KEPT_LEGEND = dict(orientation="h", yanchor="top", y=-0.12, x=0)  # the colour bar takes the right side
GROUP_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "star", "triangle-down", "pentagon", "hexagon", "x")
GROUP_SYMBOLS_3D = ("circle", "square", "diamond", "cross", "x", "circle-open", "square-open", "diamond-open")  # scatter3d's


def add_arrow(fig: go.Figure, start: Sequence[float], tip: Sequence[float], *, color: str, opacity: float) -> None:
    """An arrow in data coordinates from ``start`` to ``tip`` (a word moving, an arithmetic step)."""
    fig.add_annotation(
        x=tip[0], y=tip[1], ax=start[0], ay=start[1], xref="x", yref="y", axref="x", ayref="y",
        showarrow=True, arrowhead=2, arrowcolor=color, opacity=opacity, text="",
    )  # fmt: skip


def kept_axis(lang: str, k: int) -> dict:
    """A layout ``coloraxis`` for kept shares (0 to 1), titled in ``lang``."""
    return dict(
        colorscale=KEPT_SCALE,
        cmin=0.0,
        cmax=1.0,
        colorbar=dict(title=dict(text=i18n.t("honest.colourbar", lang, k=k)), tickformat=".0%", len=0.6),
    )


def add_true_neighbours(
    fig: go.Figure, coordinates: np.ndarray, row: int, word: str, neighbours: Sequence[TrueNeighbour], *, lang: str
) -> None:
    """Mark ``word`` (at ``row``), ring its true neighbours kept near, and draw dashed lines to those drawn far away.

    Parameters
    ----------
    fig : plotly Figure
        A 2-D (``x``, ``y``) or 3-D (``scene``) scatter of ``coordinates``.
    coordinates : array of shape (n, 2) or (n, 3)
    row : int
        The chosen word's row.
    word : str
    neighbours : sequence of TrueNeighbour
        From :func:`embedlab.projection.distortion.true_neighbours`.
    lang : str
        Language of the legend.
    """
    points = np.asarray(coordinates)
    three = points.shape[1] == 3
    scatter = go.Scatter3d if three else go.Scatter

    def axes(rows) -> dict:
        chosen = points[list(rows)] if len(rows) else np.zeros((0, points.shape[1]))
        return {name: chosen[:, i] for i, name in enumerate("xyz"[: points.shape[1]])}

    far = [n for n in neighbours if not n.near]
    near = [n for n in neighbours if n.near]
    if far:
        segments: dict[str, list[float | None]] = {name: [] for name in "xyz"[: points.shape[1]]}
        for n in far:
            for i, name in enumerate(segments):
                segments[name] += [points[row, i], points[n.row, i], None]
        fig.add_trace(
            scatter(
                **segments,
                mode="lines",
                line=dict(color=FAR_COLOUR, width=1.5, dash="dash"),
                name=i18n.t("honest.legend.far_lines", lang),
                hoverinfo="skip",
            )
        )
    for group, colour, key in ((near, NEAR_COLOUR, "honest.legend.near"), (far, FAR_COLOUR, "honest.legend.far")):
        if group:
            fig.add_trace(
                scatter(
                    **axes([n.row for n in group]),
                    mode="markers+text",
                    text=[escaped(n.word) for n in group],
                    textposition="bottom center",
                    name=i18n.t(key, lang),
                    textfont=dict(color=colour),
                    marker=dict(size=10 if three else 15, color="rgba(0,0,0,0)", line=dict(color=colour, width=2.5)),
                    customdata=[[n.row, n.cosine, n.picture_rank] for n in group],
                    hovertemplate="<b>%{text}</b><br>" + i18n.t("honest.hover_neighbour", lang) + "<extra></extra>",
                )
            )
    fig.add_trace(
        scatter(
            **axes([row]),
            mode="markers+text",
            text=[f"<b>{escaped(word)}</b>"],
            textposition="top center",
            name=i18n.t("honest.legend.chosen", lang),
            marker=dict(size=9 if three else 18, symbol="diamond", color="black"),
            customdata=[[row]],
            hovertemplate="<b>%{text}</b><extra></extra>",
        )
    )


# ---------------------------------------------------------------- atlas


@dataclass(frozen=True)
class Density:
    """Point density on a regular grid, for contour lines: ``z[j, i]`` at ``(x[i], y[j])``, from 0 to 1."""

    x: np.ndarray
    y: np.ndarray
    z: np.ndarray


def density(coordinates: np.ndarray, *, bins: int = 90, smooth: float = 1.5) -> Density:
    """A 2-D histogram of the points blurred by a Gaussian of ``smooth`` bins, scaled to a maximum of 1."""
    points = np.asarray(coordinates, dtype=np.float64)
    low, high = points.min(axis=0), points.max(axis=0)
    pad = (high - low) * 0.05 + 1e-9
    counts, x_edges, y_edges = np.histogram2d(
        points[:, 0], points[:, 1], bins=bins, range=[[low[0] - pad[0], high[0] + pad[0]], [low[1] - pad[1], high[1] + pad[1]]]
    )
    radius = max(1, int(3 * smooth))
    kernel = np.exp(-0.5 * (np.arange(-radius, radius + 1) / smooth) ** 2)
    kernel /= kernel.sum()
    blurred = np.apply_along_axis(np.convolve, 0, counts, kernel, mode="same")
    blurred = np.apply_along_axis(np.convolve, 1, blurred, kernel, mode="same")
    return Density((x_edges[:-1] + x_edges[1:]) / 2, (y_edges[:-1] + y_edges[1:]) / 2, (blurred / (blurred.max() or 1.0)).T)


def atlas_figure(
    found,
    *,
    lang: str,
    colour: str = "cluster",
    k: int = 10,
    contours: bool = True,
    chosen: int | None = None,
    neighbours: Sequence[TrueNeighbour] = (),
    zoom: tuple[float, float, float, float] | None = None,
    height: int = 760,
) -> go.Figure:
    """An :class:`~embedlab.projection.atlas.Atlas` as a WebGL scatter, one trace per cluster (named by its label).

    Parameters
    ----------
    found : Atlas
    lang : str
    colour : {"cluster", "kept"}
        Colour by cluster, or by each word's share of its ``k`` true neighbours kept near it.
    k : int
    contours : bool
        Draw density contour lines under the points.
    chosen : int, optional
        A highlighted word's row; ``neighbours`` its true neighbours (lines to the far ones).
    zoom : (x0, x1, y0, y1), optional
        The visible box.

    Every point carries ``customdata = [row, kept share]``, so a click can be traced back to its word.
    """
    points = found.coordinates
    kept = found.distortion.kept(k)
    fig = go.Figure()
    if contours:
        grid = density(points)
        fig.add_trace(
            go.Contour(
                x=grid.x,
                y=grid.y,
                z=grid.z,
                contours=dict(coloring="lines", start=0.05, end=0.95, size=0.15),
                line=dict(width=1),
                colorscale=[[0, "#b0b0b0"], [1, "#404040"]],
                showscale=False,
                hoverinfo="skip",
                name=i18n.t("atlas.legend.density", lang),
                showlegend=True,
            )
        )
    inside = np.arange(len(found))
    if zoom is not None:
        x, y = points[:, 0], points[:, 1]
        inside = np.flatnonzero((x >= zoom[0]) & (x <= zoom[1]) & (y >= zoom[2]) & (y <= zoom[3]))
    shown = len(inside)  # points in view: fewer in view, bigger markers
    size = 8 if shown <= 500 else 6 if shown <= 2_000 else 4 if shown <= 10_000 else 3
    hover = (
        "<b>%{text}</b><br>"
        + i18n.t("atlas.hover.cluster", lang)
        + ": {label}<br>"
        + i18n.t("honest.hover_kept", lang, k=k)
        + "<extra></extra>"
    )
    for c, label in enumerate(found.labels):
        rows = np.flatnonzero(found.clusters == c)
        marker: dict[str, object] = dict(size=size, opacity=0.8)
        if colour == "kept":
            marker.update(color=kept[rows], coloraxis="coloraxis")
        else:
            marker.update(color=PALETTE[c % len(PALETTE)])
        fig.add_trace(
            go.Scattergl(
                x=points[rows, 0],
                y=points[rows, 1],
                mode="markers",
                name=escaped(label),
                text=[escaped(found.words[i]) for i in rows],
                customdata=np.column_stack([rows, kept[rows]]),
                hovertemplate=hover.replace("{label}", escaped(label)),
                marker=marker,
            )
        )
    for label, (x, y) in zip(found.labels, found.label_points):
        fig.add_annotation(
            x=x, y=y, text=f"<b>{escaped(label)}</b>", showarrow=False, font=dict(size=12), bgcolor="rgba(255,255,255,0.7)"
        )
    if zoom is not None:  # zoomed in: name the points in view, unless there are too many to read
        inside = np.setdiff1d(inside, [chosen, *(n.row for n in neighbours)] if chosen is not None else [])
        if 0 < len(inside) <= ZOOM_LABELS:
            fig.add_trace(
                go.Scatter(
                    x=points[inside, 0],
                    y=points[inside, 1],
                    mode="text",
                    textposition="top center",
                    text=[escaped(found.words[i]) for i in inside],
                    textfont=dict(size=10, color="#555"),
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
    if chosen is not None:
        add_true_neighbours(fig, points, chosen, found.words[chosen], neighbours, lang=lang)
    if colour == "kept":
        fig.update_layout(coloraxis=kept_axis(lang, k))
        fig.update_layout(legend=KEPT_LEGEND)
    axis = (
        [i18n.t("projection.axis_pca", lang, n=i + 1, share=f"{v:.1%}") for i, v in enumerate(found.explained_variance)]
        if found.explained_variance
        else [i18n.t("projection.axis", lang, n=i + 1) for i in range(2)]
    )
    tight(
        fig,
        top=30,
        height=height,
        xaxis_title=axis[0],
        yaxis_title=axis[1],
        legend=dict(title=dict(text=i18n.t("atlas.legend.clusters", lang)), itemsizing="constant"),
        dragmode="pan",
        uirevision="atlas",
    )
    if zoom is not None:
        fig.update_xaxes(range=[zoom[0], zoom[1]])
        fig.update_yaxes(range=[zoom[2], zoom[3]])
    return fig


# ---------------------------------------------------------------- chart selections


@dataclass(frozen=True)
class Picked:
    """What a chart selection asks for: a word's ``row`` (a click), or a ``box`` (x0, x1, y0, y1) to zoom to."""

    row: int | None = None
    box: tuple[float, float, float, float] | None = None


def picked(selection: Mapping | None) -> Picked:
    """Read a Streamlit ``plotly_chart`` selection (``event.selection``): a dragged box wins over clicked points.

    A point is traced back through its ``customdata``, whose first value is its row; points
    without one (contours, labels) are ignored.
    """
    if not selection:
        return Picked()
    for box in selection.get("box") or ():
        xs, ys = box.get("x") or (), box.get("y") or ()
        if len(xs) >= 2 and len(ys) >= 2:
            return Picked(box=(float(min(xs)), float(max(xs)), float(min(ys)), float(max(ys))))
    for point in selection.get("points") or ():
        data = point.get("customdata")
        if isinstance(data, (list, tuple)) and data and isinstance(data[0], (int, float)):
            return Picked(row=int(data[0]))
    return Picked()


# ---------------------------------------------------------------- analogy


def analogy_figure(shown, *, lang: str, height: int = 460) -> go.Figure:
    """An :class:`~embedlab.static.analogy_view.ArithmeticPicture`: words by role, the parallelogram, arrows to the answers."""
    fig = go.Figure()
    by_role: dict[str, list] = {}
    for p in shown.points:
        by_role.setdefault(p.role, []).append(p)
    symbols = {"positive": "circle", "negative": "circle", "answer": "circle", "expected": "star"}
    for role, landed in by_role.items():
        fig.add_trace(
            go.Scatter(
                x=[p.x for p in landed],
                y=[p.y for p in landed],
                mode="markers+text",
                text=[escaped(p.word) for p in landed],
                textposition="top center",
                name=i18n.t(f"analogy.role.{role}", lang),
                marker=dict(size=14 if role == "expected" else 11, symbol=symbols[role]),
                customdata=[[p.cosine] for p in landed],
                hovertemplate="<b>%{text}</b><br>" + i18n.t("analogy.hover_cosine", lang) + "<extra></extra>",
            )
        )
    x, y = shown.corner
    fig.add_trace(
        go.Scatter(
            x=[x],
            y=[y],
            mode="markers+text",
            text=[escaped(shown.label)],
            textposition="bottom left",
            name=i18n.t("analogy.role.result", lang),
            marker=dict(size=13, symbol="x", color="black"),
            hoverinfo="skip",
        )
    )
    if shown.parallelogram:
        a, b, c = (shown.point(w) for w in shown.parallelogram)
        fig.add_trace(
            go.Scatter(
                x=[a.x, b.x, x, c.x, a.x],
                y=[a.y, b.y, y, c.y, a.y],
                mode="lines",
                line=dict(color="#888", dash="dash", width=1.5),
                name=i18n.t("analogy.parallelogram", lang),
                hoverinfo="skip",
            )
        )
        for start, tip in (((a.x, a.y), (b.x, b.y)), ((c.x, c.y), (x, y))):  # the same arrow, a → b and c → corner
            add_arrow(fig, start, tip, color="#666", opacity=0.8)
    else:
        for p in shown.points:
            if p.role == "positive":
                add_arrow(fig, (p.x, p.y), (x, y), color="#8aa", opacity=0.6)
    for p in shown.points:
        if p.role in ("answer", "expected"):
            fig.add_trace(
                go.Scatter(
                    x=[x, p.x],
                    y=[y, p.y],
                    mode="lines",
                    line=dict(color="#c0c0c0", width=1, dash="dot"),
                    showlegend=False,
                    hoverinfo="skip",
                )
            )
    tight(
        fig,
        top=40,
        height=height,
        title=i18n.t("analogy.picture", lang),
        xaxis_title="PC1",
        yaxis_title="PC2",
        legend_title_text=i18n.t("analogy.role", lang),
    )
    return fig
