"""The projection page: AppTest for its logic and URL state, Chromium for the picture people see."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pytest
from helpers import SCREENSHOTS, app_test, assert_no_exception, expect_chart_text, open_app, wait_until
from streamlit.testing.v1 import AppTest

PAGE = "pages/projection.py"
EN_GROUPS = "hamlet,macbeth,dracula,frankenstein|apple,banana,orange,pear|thames,nile,danube,mississippi"
ZH_GROUPS = "刘备,关羽,张飞,诸葛亮|曹操,夏侯惇,许褚,司马懿|孙权,周瑜,鲁肃,吕蒙"  # in 三国演义's vocabulary


def words_of(group_text: str) -> list[str]:
    return [w for group in group_text.split("|") for w in group.split(",")]


def chart(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def plotted_words(at: AppTest) -> list[str]:
    return [word for trace in chart(at)["data"] for word in trace["text"]]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture(scope="module")
def chinese_model_id(zh_w2v) -> str:
    """The session's 三国演义 word2vec saved into the models folder, where every picker finds it."""
    folder = Path(os.environ["EMBEDLAB_MODELS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    zh_w2v.kv.save(str(folder / "sanguo-zh.kv"))
    return "sanguo-zh.kv"


def test_default_view_draws_the_english_groups_with_pca():
    at = app_test(PAGE, model="minilm-static", lang="en")
    assert not at.exception and not at.error
    assert at.title[0].value == "Projection: word vectors in 2-D and 3-D"
    assert plotted_words(at) == words_of(EN_GROUPS)
    shown = metrics(at)
    assert shown["Points"] == "12" and "PCA explained variance" in shown
    assert 0.0 < float(shown["Trustworthiness"]) <= 1.0
    assert at.query_params["groups"] == EN_GROUPS and at.query_params["method"] == "pca"


def test_share_link_umap_3d_with_clipped_parameters():
    at = app_test(PAGE, model="minilm-static", groups=EN_GROUPS, method="umap", dims="3", seed="5", lang="en")
    assert not at.exception and not at.error
    figure = chart(at)
    assert {trace["type"] for trace in figure["data"]} == {"scatter3d"}
    assert [trace["name"] for trace in figure["data"]] == ["hamlet", "apple", "thames"]
    assert sorted(plotted_words(at)) == sorted(words_of(EN_GROUPS))
    assert any("n_neighbors lowered from 15 to 11" in info.value for info in at.info)
    row, hover = figure["data"][0]["customdata"][0]  # the row (for clicks), then the hover text
    assert row == 0 and "hamlet" in hover and "nearest in the original space" in hover
    assert at.query_params["seed"] == "5" and at.query_params["dims"] == "3"


def test_same_link_same_coordinates():
    link = dict(model="minilm-static", groups="apple,banana,pear,plum|thames,nile,danube,rhine", method="umap", seed="3")
    first, again = chart(app_test(PAGE, **link)), chart(app_test(PAGE, **link))
    assert [t["x"] for t in first["data"]] == [t["x"] for t in again["data"]]


def test_unknown_words_are_named_and_can_be_skipped():
    groups = "apple,bananna,pear|thames,nilee,danube"
    at = app_test(PAGE, model="minilm-static", groups=groups, skip="0", lang="en")
    assert not at.exception
    assert "bananna" in at.error[0].value and "nilee" in at.error[0].value and "banana" in at.error[0].value
    assert any("Skip words not in the vocabulary" in info.value for info in at.info)  # names the switch that draws the rest
    at = app_test(PAGE, model="minilm-static", groups=groups, lang="en")  # skipping is the default
    assert not at.exception and not at.error
    assert plotted_words(at) == ["apple", "pear", "thames", "danube"]
    assert any("bananna, nilee" in info.value for info in at.info)


def test_chinese_seed_groups_on_an_english_model_say_what_is_missing():
    at = app_test(PAGE, model="minilm-static", groups="西游记,三国演义,水浒传,红楼梦|苹果,香蕉,橙子,梨|长江,黄河,淮河,黑龙江")
    assert not at.exception
    assert all(word in at.error[0].value for word in ["西游记", "红楼梦", "黑龙江"])


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"method": "mds"}, "method"),
        ({"dims": "4"}, "dims"),
        ({"seed": "-3"}, "seed"),
        ({"min_dist": "nan"}, "min_dist"),
        ({"groups": "|".join(",".join(f"w{i}x{j}" for j in range(60)) for i in range(4))}, "200"),
        ({"groups": "<script>alert(1)</script>,apple,pear"}, "script"),
    ],
)
def test_bad_links_get_a_message_and_the_page_still_draws(params, expected):
    at = app_test(PAGE, model="minilm-static", **params)
    assert not at.exception
    messages = [m.value.replace("\\", "") for m in [*at.warning, *at.error, *at.info]]  # markdown escapes removed
    assert any(expected in m for m in messages)
    assert at.get("plotly_chart") or at.error


def test_preset_button_switches_to_umap_3d_with_neighbours():
    at = app_test(PAGE, model="minilm-static", lang="en")
    next(b for b in at.button if "UMAP 3-D" in b.label).click().run()
    assert not at.exception and not at.error
    assert (at.query_params["method"], at.query_params["dims"], at.query_params["expand"]) == ("umap", "3", "5")
    assert int(metrics(at)["Points"]) > 12


def test_first_words_of_the_vocabulary_with_tsne():
    at = app_test(PAGE, model="minilm-static", source="top", top="150", method="tsne", lang="en")
    assert not at.exception and not at.error
    assert metrics(at)["Points"] == "150"
    assert not any("perplexity" in info.value for info in at.info)


def test_downloads_offer_csv_and_projector_files():
    at = app_test(PAGE, model="minilm-static", lang="en")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download coordinates (CSV)", "Download vectors.tsv", "Download metadata.tsv"]


def test_chinese_model_draws_its_groups(chinese_model_id):
    at = app_test(PAGE, model=chinese_model_id, groups=ZH_GROUPS, method="umap", lang="zh")
    assert not at.exception and not at.error
    assert sorted(plotted_words(at)) == sorted(words_of(ZH_GROUPS))
    assert "可信度 trustworthiness" in metrics(at)


# ------------------------------------------------------------------ per-point honesty (issue 13)


def test_a_chosen_word_lists_its_true_neighbours_with_gensims_cosines(minilm_static):
    from gensim.models import KeyedVectors

    at = app_test(PAGE, model="minilm-static", groups=EN_GROUPS, method="umap", seed="1", word="apple", k="5", lang="en")
    assert not at.exception and not at.error
    assert at.query_params["word"] == "apple" and at.query_params["k"] == "5"
    words = words_of(EN_GROUPS)
    drawn = KeyedVectors(minilm_static.dims)
    drawn.add_vectors(words, np.array([minilm_static.kv[w] for w in words]))
    expected = drawn.most_similar("apple", topn=5)  # among the drawn words, from the original vectors
    table = at.dataframe[0].value
    assert list(table["Word"]) == [w for w, _ in expected]
    np.testing.assert_allclose(table["Cosine"], [s for _, s in expected], atol=1e-5)
    figure = chart(at)
    names = [trace["name"] for trace in figure["data"]]
    assert "chosen word" in names
    far = [w for w, where in zip(table["Word"], table["In the picture"]) if where == "far"]
    assert ("lines to the far ones" in names) == bool(far)
    whole = [w for w, _ in minilm_static.kv.most_similar("apple", topn=5)]  # the whole vocabulary, named in a caption
    assert any(all(w in c.value for w in whole) for c in at.caption)


def test_colour_by_neighbours_kept_paints_each_point_with_its_share(minilm_static):
    from embedlab.projection import word_projection as W

    at = app_test(PAGE, model="minilm-static", source="top", top="300", method="pca", colour="kept", lang="en")
    assert not at.exception and not at.error
    result = W.project_words(minilm_static, W.frequent_words(minilm_static, 300), method="pca")
    kept = result.distortion.kept(10)
    (trace,) = [t for t in chart(at)["data"] if t["type"] in ("scatter", "scattergl")]
    np.testing.assert_allclose(trace["marker"]["color"], kept)
    assert {m.label: m.value for m in at.metric}["Neighbours kept (k = 10)"] == f"{kept.mean():.0%}"


def test_a_word_that_is_not_drawn_is_said_and_the_picture_still_draws():
    at = app_test(PAGE, model="minilm-static", groups=EN_GROUPS, word="zebra", lang="zh")
    assert not at.exception and at.get("plotly_chart")
    assert any("不在这张图上" in i.value for i in at.info)


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"zoom": "1,2,3"}, "x0,x1,y0,y1"),
        ({"zoom": "5,1,0,1"}, "x0 < x1"),
        ({"k": "7"}, "k"),
        ({"colour": "pink"}, "colour"),
        ({"clusters": "99"}, "clusters"),
        ({"word": "w" * 300}, "word"),
    ],
)
def test_bad_honesty_and_atlas_link_values_get_a_message(params, expected):
    at = app_test(PAGE, model="sidamingzhu", source="atlas", top="300", method="pca", lang="en", **params)
    assert not at.exception
    assert any(expected in w.value.replace("\\", "") for w in at.warning)
    assert at.get("plotly_chart")  # the defaults still draw


def test_a_click_or_a_dragged_box_is_read_back_from_the_chart_selection():
    from embedlab.ui import pictures

    assert pictures.picked({"points": [{"curve_number": 1, "point_index": 3, "customdata": [17, "hover"]}], "box": []}).row == 17
    box = pictures.picked({"points": [{"customdata": [4, 0.5]}], "box": [{"x": [3.0, 1.0], "y": [-2.0, 5.0]}]})
    assert box.box == (1.0, 3.0, -2.0, 5.0) and box.row is None  # a box zooms, even with points inside it
    assert pictures.picked({"points": [{"x": 1, "y": 2}], "box": []}) == pictures.Picked()  # contours, labels
    assert pictures.picked(None) == pictures.Picked()


# ------------------------------------------------------------------ in Chromium


def _canvas_is_drawn(page) -> bool:
    from PIL import Image

    shot = page.locator(".js-plotly-plot .gl-container canvas").first.screenshot()
    low, high = Image.open(io.BytesIO(shot)).convert("L").getextrema()
    assert isinstance(low, int | float) and isinstance(high, int | float)  # one band ("L"): (min, max), not one pair per band
    return high - low > 50


def _link(app_url: str, model: str, groups: str, **extra) -> str:
    query = "&".join(f"{k}={quote(str(v))}" for k, v in {"model": model, "groups": groups, **extra}.items())
    return f"{app_url}/projection?{query}"


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_browser_share_link_2d_and_3d(app_url, browser_page, lang, request):
    # Chinese on the 三国演义 word2vec (skipped without the shared data), English on the bundled model.
    model, groups = (request.getfixturevalue("chinese_model_id"), ZH_GROUPS) if lang == "zh" else ("minilm-static", EN_GROUPS)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser_page.set_viewport_size({"width": 1400, "height": 1900})

    open_app(browser_page, _link(app_url, model, groups, method="umap", dims=2, seed=0, lang=lang), timeout_ms=240_000)
    assert_no_exception(browser_page)
    for word in words_of(groups):
        expect_chart_text(browser_page, word, timeout_ms=60_000)
    box = browser_page.locator(".js-plotly-plot .scatterlayer .point").first.bounding_box()
    browser_page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # Plotly's drag layer takes the events
    hover = browser_page.locator(".js-plotly-plot .hoverlayer").first
    hover.get_by_text("原空间中的近邻" if lang == "zh" else "nearest in the original space", exact=False).wait_for(timeout=10_000)
    browser_page.screenshot(path=str(SCREENSHOTS / f"projection-{lang}-2d.png"), full_page=True)

    open_app(browser_page, _link(app_url, model, groups, method="pca", dims=3, seed=0, lang=lang), timeout_ms=240_000)
    assert_no_exception(browser_page)
    browser_page.locator(".js-plotly-plot .gl-container canvas").first.wait_for(timeout=60_000)
    browser_page.wait_for_function(  # Plotly has laid out the 3D scene and holds its traces
        "() => { const gd = document.querySelector('.js-plotly-plot');"
        " return !!(gd && gd._fullLayout && gd._fullLayout.scene); }",
        timeout=60_000,
    )
    drawn = browser_page.evaluate(
        "() => { const gd = document.querySelector('.js-plotly-plot');"
        " return {scene: !!gd._fullLayout.scene, text: gd.data.flatMap(t => t.text), types: gd.data.map(t => t.type)}; }"
    )
    assert drawn["scene"] and set(drawn["types"]) == {"scatter3d"}
    assert sorted(drawn["text"]) == sorted(words_of(groups))
    assert wait_until(lambda: _canvas_is_drawn(browser_page)), "the WebGL canvas stayed blank"
    assert browser_page.get_by_text("WebGL", exact=False).count() == 0  # Plotly's "WebGL not supported" notice
    browser_page.screenshot(path=str(SCREENSHOTS / f"projection-{lang}-3d.png"), full_page=True)
