"""The atlas of a vocabulary: clusters and their labels, search, the disk cache, the CLI, the page and a share link in Chromium.

Real models only: the shipped Chinese word2vec ``sidamingzhu`` (19,900 words) and the bundled English
``minilm-static``. Atlases here are small (a few hundred to 1,500 words) to stay fast; the 50,000-word
figure is ``benchmarks/bench_atlas.py``'s.
"""

from __future__ import annotations

import base64
import csv
import json
import re
from urllib.parse import quote

import numpy as np
import pytest
from helpers import SCREENSHOTS, app_test, assert_no_exception, expect_text, open_app

from embedlab import share
from embedlab.cli import main
from embedlab.errors import InvalidInputError, ServerBusyError
from embedlab.projection import atlas as A
from embedlab.projection import distortion as D
from embedlab.serving.registry import load_model
from embedlab.training.jobs import JobSlots

PAGE = "pages/projection.py"


@pytest.fixture(scope="module")
def sidamingzhu():
    return load_model("sidamingzhu")


@pytest.fixture(scope="module")
def small_atlas(sidamingzhu, tmp_path_factory):
    """800 words of the shipped Chinese model, UMAP, through a cache folder of its own."""
    return A.load_or_build(sidamingzhu, top=800, method="umap", seed=3, folder=tmp_path_factory.mktemp("atlas"))


def unit(model, words) -> np.ndarray:
    vectors = np.array([model.kv.get_vector(w) for w in words], dtype=np.float64)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


# ------------------------------------------------------------------ clusters and labels


def test_cluster_labels_are_the_most_central_words_of_their_own_cluster(sidamingzhu, small_atlas):
    found = small_atlas
    assert len(found) == 800 and found.words == tuple(sidamingzhu.kv.index_to_key[:800])
    assert len(found.labels) == A.auto_clusters(800) == 7
    for c, label in enumerate(found.labels):
        members = found.cluster_words(c)
        assert label.split(" · ") == list(found.central[c][: A.LABEL_WORDS])
        assert set(found.central[c]) <= set(members)  # a label names words of its own cluster
        vectors = unit(sidamingzhu, members)
        direction = vectors.mean(axis=0)
        cosines = vectors @ (direction / np.linalg.norm(direction))
        best = [members[i] for i in np.argsort(-cosines, kind="stable")[: len(found.central[c])]]
        assert list(found.central[c]) == best


def test_every_word_joins_the_cluster_whose_direction_is_nearest(sidamingzhu, small_atlas):
    found = small_atlas
    vectors = unit(sidamingzhu, found.words)
    directions = np.array([unit(sidamingzhu, found.cluster_words(c)).mean(axis=0) for c in range(len(found.labels))])
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    agree = np.mean(np.argmax(vectors @ directions.T, axis=1) == found.clusters)
    assert agree > 0.9  # one reassignment step after k-means on a sample: nearly every word is home
    assert len(set(found.clusters.tolist())) == len(found.labels)


# ------------------------------------------------------------------ search


def test_the_search_finds_every_word_of_the_map(sidamingzhu, small_atlas):
    for row, word in enumerate(small_atlas.words):
        hit = A.find(small_atlas, word, model=sidamingzhu)
        assert (hit.row, hit.word) == (row, word)


def test_the_search_says_where_a_word_beyond_the_map_is_and_suggests_for_unknown_ones(sidamingzhu, small_atlas):
    far = sidamingzhu.kv.index_to_key[5000]
    hit = A.find(small_atlas, f"  {far} ", model=sidamingzhu)
    assert hit.row is None and hit.vocabulary_rank == 5001
    unknown = A.find(small_atlas, "宝玉哥哥", model=sidamingzhu)
    assert unknown.row is None and unknown.vocabulary_rank is None
    assert "宝玉" in unknown.suggestions and all(small_atlas.row(w) is not None for w in unknown.suggestions)
    with pytest.raises(InvalidInputError):
        A.find(small_atlas, "  ", model=sidamingzhu)


def test_the_search_ignores_case(minilm_static, tmp_path):
    found = A.load_or_build(minilm_static, top=3000, method="pca", folder=tmp_path)
    row = found.row("king")
    assert row is not None and A.find(found, "KING").row == row and A.find(found, "King").word == "king"


def test_zooming_to_a_word_keeps_it_and_its_nearest_on_the_map_in_view(small_atlas):
    row = small_atlas.row("宝玉")
    x0, x1, y0, y1 = A.view_box(small_atlas, row, k=10)
    points = small_atlas.coordinates[[row, *small_atlas.distortion.picture[row, :10]]]
    assert ((points[:, 0] >= x0) & (points[:, 0] <= x1) & (points[:, 1] >= y0) & (points[:, 1] <= y1)).all()
    whole = np.ptp(small_atlas.coordinates, axis=0)
    assert x1 - x0 < whole[0] and y1 - y0 < whole[1]


# ------------------------------------------------------------------ the disk cache


def test_the_cached_atlas_equals_a_fresh_run_with_the_same_seed(sidamingzhu, tmp_path):
    options = dict(top=600, method="umap", seed=11, n_neighbors=10, min_dist=0.2)
    first = A.load_or_build(sidamingzhu, folder=tmp_path, **options)
    again = A.load_or_build(sidamingzhu, folder=tmp_path, **options)
    fresh = A.build(sidamingzhu, **options)
    assert not first.cached and again.cached and len(list(tmp_path.glob("*.npz"))) == 1
    for found in (again, fresh):
        assert found.words == first.words and found.labels == first.labels and found.central == first.central
        np.testing.assert_array_equal(found.coordinates, first.coordinates)
        np.testing.assert_array_equal(found.clusters, first.clusters)
        np.testing.assert_array_equal(found.distortion.original, first.distortion.original)
        np.testing.assert_array_equal(found.distortion.picture, first.distortion.picture)
        assert found.trustworthiness == first.trustworthiness and found.parameters == first.parameters
    assert again.seconds == first.seconds  # the time it took to compute, kept with it


def test_other_parameters_or_vectors_get_their_own_atlas_and_a_damaged_file_is_computed_again(
    sidamingzhu, minilm_static, tmp_path
):
    base = dict(top=300, method="pca", seed=0, n_neighbors=15, min_dist=0.1, clusters=0)
    paths = {
        A.cache_path(A.cache_key(sidamingzhu, **base), tmp_path),
        A.cache_path(A.cache_key(sidamingzhu, **{**base, "seed": 1}), tmp_path),
        A.cache_path(A.cache_key(sidamingzhu, **{**base, "top": 301}), tmp_path),
        A.cache_path(A.cache_key(sidamingzhu, **{**base, "clusters": 5}), tmp_path),
        A.cache_path(A.cache_key(minilm_static, **base), tmp_path),
    }
    assert len(paths) == 5
    first = A.load_or_build(sidamingzhu, top=300, method="pca", folder=tmp_path)
    (path,) = tmp_path.glob("*.npz")
    path.write_bytes(path.read_bytes()[:1000])  # cut short, as a full disk or a crash would leave it
    again = A.load_or_build(sidamingzhu, top=300, method="pca", folder=tmp_path)
    assert not again.cached and again.words == first.words
    assert A.load_or_build(sidamingzhu, top=300, method="pca", folder=tmp_path).cached


def test_computing_takes_a_job_slot_but_reading_the_cache_does_not(sidamingzhu, tmp_path):
    slots = JobSlots(1)
    with slots.hold("training", owner="someone else"):
        with pytest.raises(ServerBusyError):
            A.load_or_build(sidamingzhu, top=200, method="pca", folder=tmp_path, slots=slots, owner="visitor")
    A.load_or_build(sidamingzhu, top=200, method="pca", folder=tmp_path, slots=slots, owner="visitor")
    with slots.hold("training", owner="someone else"):
        assert A.load_or_build(sidamingzhu, top=200, method="pca", folder=tmp_path, slots=slots, owner="visitor").cached


@pytest.mark.parametrize(
    "options, message",
    [
        ({"method": "tsne"}, "method"),
        ({"top": 2}, "top"),
        ({"top": 60_000}, "top"),
        ({"clusters": 99}, "clusters"),
    ],
)
def test_bad_options_are_named(sidamingzhu, tmp_path, options, message):
    with pytest.raises(InvalidInputError, match=message):
        A.load_or_build(sidamingzhu, **{"top": 300, **options}, folder=tmp_path)


def test_the_server_cap_applies(sidamingzhu, tmp_path):
    with pytest.raises(InvalidInputError, match="top"):
        A.load_or_build(sidamingzhu, top=400, method="pca", folder=tmp_path, max_points=300)


# ------------------------------------------------------------------ CLI


def test_cli_writes_word_x_y_cluster_label(sidamingzhu, tmp_path, capsys):
    out = tmp_path / "atlas.csv"
    assert main(["atlas", "--model", "sidamingzhu", "--top", "500", "--method", "pca", "--seed", "4", "--out", str(out)]) == 0
    assert "500 words" in capsys.readouterr().out
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == ["word", "x", "y", "cluster", "label"] and len(rows) == 500
    found = A.load_or_build(sidamingzhu, top=500, method="pca", seed=4)  # the command's cached atlas
    assert found.cached
    assert [r["word"] for r in rows] == list(found.words)
    np.testing.assert_allclose([[float(r["x"]), float(r["y"])] for r in rows], found.coordinates, rtol=1e-5, atol=1e-6)
    for r in rows:  # one label per cluster, on every row of it
        assert r["label"] == found.labels[int(r["cluster"])]
        assert r["word"] in found.cluster_words(int(r["cluster"]))


def test_cli_json_lists_the_clusters(capsys):
    assert main(["atlas", "--model", "minilm-static", "--top", "400", "--method", "pca", "--clusters", "5", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["count"] == 400 and len(result["clusters"]) == 5 and sum(c["size"] for c in result["clusters"]) == 400
    assert all(c["label"].split(" · ")[0] == c["central"][0] for c in result["clusters"])


# ------------------------------------------------------------------ the page


def chart(at) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def values(data) -> np.ndarray:
    """A Plotly figure array: a list, or numpy's binary form (``{"dtype", "bdata", "shape"}``)."""
    if isinstance(data, dict):
        flat = np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"])
        return flat.reshape([int(n) for n in str(data.get("shape", len(flat))).split(",")])
    return np.asarray(data)


def test_atlas_share_link_restores_the_view_in_chinese(sidamingzhu):
    zoom = "1,6,2,7"
    at = app_test(PAGE, model="sidamingzhu", lang="zh", source="atlas", top="700", method="pca", seed="2", word="宝玉", zoom=zoom)
    assert not at.exception and not at.error
    assert at.query_params["word"] == "宝玉" and at.query_params["zoom"] == zoom and at.query_params["top"] == "700"
    figure = chart(at)
    assert figure["layout"]["xaxis"]["range"] == [1, 6] and figure["layout"]["yaxis"]["range"] == [2, 7]
    chosen = next(trace for trace in figure["data"] if trace.get("name") == "选中的词")
    assert chosen["text"] == ["<b>宝玉</b>"]
    assert {trace["type"] for trace in figure["data"]} >= {"scattergl", "contour"}
    found = A.load_or_build(sidamingzhu, top=700, method="pca", seed=2)
    table = at.dataframe[0].value
    listed = D.true_neighbours(found.words, found.coordinates, found.distortion, found.row("宝玉"), 10)
    assert list(table.iloc[:, 0]) == [n.word for n in listed]
    expected = sidamingzhu.kv.most_similar("宝玉", topn=10, restrict_vocab=700)  # the map holds the first 700 words
    assert list(table.iloc[:, 0]) == [w for w, _ in expected]
    np.testing.assert_allclose(table.iloc[:, 1], [s for _, s in expected], atol=1e-5)
    labels = {m.label for m in at.metric}
    assert {"点数", "聚类", "保留的近邻（k = 10）"} <= labels
    english_run = re.compile(r"[A-Za-z]{2,}(?:[\s,;:.!?'’()]+[A-Za-z]{2,})+")  # as tests/test_i18n.py: no English phrase
    texts = [c.value for c in at.caption[1:]]  # [0] is the model's own description
    texts += [s.value for s in at.subheader] + [m.label for m in at.metric] + [e.label for e in at.expander]
    texts += [trace.get("name", "") for trace in figure["data"]] + [figure["layout"]["xaxis"]["title"]["text"]]
    assert texts and not [t for t in texts if english_run.search(t)]


def test_atlas_search_zooms_and_a_word_beyond_the_map_is_explained():
    at = app_test(PAGE, model="sidamingzhu", lang="zh", source="atlas", top="600", method="pca")
    assert not at.exception and "zoom" not in at.query_params
    at.text_input(key="projection.word_search").set_value("林冲").run()
    assert not at.exception and at.query_params["word"] == "林冲"
    box = share.parse_box(at.query_params["zoom"], "zoom")  # zoomed to the word and its neighbours
    figure = chart(at)
    assert figure["layout"]["xaxis"]["range"] == pytest.approx([box[0], box[1]], rel=1e-5)
    next(b for b in at.button if b.label == "显示整张地图").click().run()
    assert "zoom" not in at.query_params and at.query_params["word"] == "林冲"
    at.text_input(key="projection.word_search").set_value("嫦娥").run()  # word 8,768 of the vocabulary
    assert not at.exception and any("第 8,768 个词" in i.value and "前 600 个" in i.value for i in at.info)


def test_atlas_coloured_by_neighbours_kept_and_tsne_falls_back_to_umap(sidamingzhu):
    at = app_test(PAGE, model="sidamingzhu", lang="en", source="atlas", top="400", method="tsne", colour="kept", k="5")
    assert not at.exception and not at.error
    assert any("UMAP is used" in i.value for i in at.info)
    figure = chart(at)
    found = A.load_or_build(sidamingzhu, top=400, method="umap", seed=0)
    kept = found.distortion.kept(5)
    for trace in figure["data"]:
        if trace["type"] == "scattergl":
            rows = values(trace["customdata"])[:, 0].astype(int)
            np.testing.assert_allclose(values(trace["marker"]["color"]), kept[rows])
    assert figure["layout"]["coloraxis"]["cmax"] == 1


# ------------------------------------------------------------------ in Chromium


@pytest.mark.browser
def test_browser_opens_an_atlas_share_link_of_the_shipped_chinese_model(app_url, browser_page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser_page.set_viewport_size({"width": 1400, "height": 2200})
    link = f"{app_url}/projection?model=sidamingzhu&source=atlas&top=1000&method=pca&seed=0&word={quote('宝玉')}&lang=zh"
    open_app(browser_page, link, timeout_ms=240_000)
    assert_no_exception(browser_page)
    expect_text(browser_page, "“宝玉”在原空间里真正的 10 个近邻", timeout_ms=120_000)
    browser_page.locator(".js-plotly-plot .gl-container canvas").first.wait_for(timeout=60_000)
    drawn = browser_page.evaluate(
        "() => { const gd = document.querySelector('.js-plotly-plot');"
        " const chosen = gd.data.find(t => t.name === '选中的词');"
        " return {chosen: chosen ? chosen.text : null, types: [...new Set(gd.data.map(t => t.type))],"
        " points: gd._fullData.filter(t => t.type === 'scattergl').reduce((n, t) => n + t._length, 0)}; }"
    )
    assert drawn["chosen"] == ["<b>宝玉</b>"] and drawn["points"] == 1000
    assert {"scattergl", "contour"} <= set(drawn["types"])
    browser_page.locator(".js-plotly-plot .scatterlayer text", has_text="宝玉").first.wait_for(state="attached", timeout=30_000)
    browser_page.screenshot(path=str(SCREENSHOTS / "atlas-zh.png"), full_page=True)

    # A click on one of its true neighbours (the one drawn farthest away, clear of other marks) picks that word.
    plot = browser_page.locator(".js-plotly-plot").first
    target = browser_page.evaluate(
        "() => { const gd = document.querySelector('.js-plotly-plot');"
        " const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;"
        " const chosen = gd._fullData.find(t => t.name === '选中的词');"
        " const at = (t, i) => ({x: xa._offset + xa.l2p(t.x[i]), y: ya._offset + ya.l2p(t.y[i]), word: t.text[i]});"
        " const home = at(chosen, 0);"
        " const rings = gd._fullData.filter(t => t.name === '真近邻，图上也近' || t.name === '真近邻，被图放远了')"
        "   .flatMap(t => Array.from(t.x, (_, i) => at(t, i)));"
        " const far = p => Math.hypot(p.x - home.x, p.y - home.y);"
        " return rings.reduce((a, b) => far(b) > far(a) ? b : a); }"
    )
    box = plot.bounding_box()
    browser_page.mouse.click(box["x"] + target["x"], box["y"] + target["y"])
    expect_text(browser_page, f"“{target['word']}”在原空间里真正的 10 个近邻", timeout_ms=60_000)
    assert f"word={quote(target['word'])}" in browser_page.url


# ------------------------------------------------------------------ a user-added model


def test_a_user_added_model_gets_an_atlas_honesty_and_a_share_link(tmp_path):
    from helpers import write_vector_file

    words = [f"{stem}{i}" for i in range(120) for stem in ("river", "stone", "cloud")]
    model_id = write_vector_file("user-atlas.txt", words, seed=5, dims=16)
    at = app_test(PAGE, model=model_id, lang="en", source="atlas", top="300", method="umap", word="CLOUD7", colour="kept")
    assert not at.exception and not at.error
    assert any("drawn as “cloud7”" in c.value for c in at.caption)  # found ignoring case
    assert at.dataframe[0].value.shape[0] == 10 and at.query_params["model"] == model_id
    at = app_test(PAGE, model=model_id, lang="zh", groups="river1,river2,stone3|cloud4,cloud5,stone6", word="cloud4")
    assert not at.exception and not at.error and at.dataframe[0].value.shape[0] == 5
