"""The home, explorer and analogy pages: AppTest for logic, Chromium for what people see."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from helpers import SCREENSHOTS, app_test, assert_no_exception, expect_chart_text, expect_text, open_app
from streamlit.testing.v1 import AppTest


def _page(path: str, **params) -> AppTest:
    return app_test(path, **params)


def _words(at: AppTest, table: int = 0) -> list[str]:
    return list(at.dataframe[table].value.iloc[:, 0])


def test_home_tour_links_every_written_page(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(tmp_path))  # no Chinese model saved by other tests
    at = app_test()
    assert not at.exception
    assert at.title[0].value == "EmbedLab：看懂向量"
    assert not at.info  # the shipped Chinese model runs the Chinese tour: nothing is missing
    captions = " ".join(c.value for c in at.caption)
    assert "sidamingzhu" in captions and "sgns.literature.word" in captions  # what it is, and what the article used
    assert "水浒传" in captions and "MiniLM" in captions  # why the literal analogy needs more; no Chinese BERT offline


def test_tour_uses_the_articles_own_model_when_present(tmp_path, monkeypatch):
    """With sgns.literature.word in the models folder, the tour runs the article's literal examples on it."""
    import numpy as np

    from embedlab import ui
    from embedlab.ui import presets

    words = ["诸葛亮", "刘备", "关羽", "曹操", "苹果", "水浒传", "三国演义", "吴用", "宋江", "西游记", "红楼梦", "香蕉", "长江"]
    rng = np.random.default_rng(3)  # a file in the sgns format: only which model and presets the tour picks is tested
    lines = [f"{len(words)} 8"] + [w + " " + " ".join(f"{x:.5f}" for x in rng.normal(size=8)) + " " for w in words]
    (tmp_path / "sgns.literature.word").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(tmp_path))
    at = app_test()
    assert not at.exception and not at.info
    assert any("sgns.literature.word" in c.value.replace("\\", "") and "原文" in c.value for c in at.caption)
    assert presets.family_of("sgns.literature.word") == presets.ARTICLE
    article = presets.tour_preset("analogy", "zh", presets.ARTICLE)
    assert article.params["pos"] == ["诸葛亮", "水浒传"] and article.params["neg"] == ["三国演义"]
    page = app_test("pages/analogy.py", model="sgns.literature.word")  # the article's preset is the page's default
    assert not page.exception and not page.error
    assert "诸葛亮 + 水浒传 − 三国演义" in page.subheader[0].value.replace("\\", "")
    assert ui.presets.first_preset("projection", "zh", "sgns.literature.word").params["groups"].startswith("西游记")


def test_explorer_share_link_shows_neighbours():
    at = _page("pages/explorer.py", model="minilm-static", word="king", topn="5", lang="en")
    assert not at.exception and not at.error
    assert _words(at) == ["kings", "queen", "monarch", "prince", "monarchy"]
    assert at.title[0].value == "Word explorer"
    assert at.query_params["word"] == ["king"] or at.query_params["word"] == "king"


def test_explorer_compare_words_shows_odd_one_out():
    at = _page("pages/explorer.py", model="minilm-static", word="apple", words="apple,banana,orange,pear,car")
    assert not at.exception
    assert any("car" in s.value for s in at.success)


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"topn": "abc"}, "topn"),
        ({"model": "no-such-model"}, "no-such-model"),
        ({"word": "x" * 10_000}, "10,000"),
        ({"method": "div"}, "method"),
    ],
)
def test_bad_share_links_get_a_message_not_a_traceback(params, expected):
    page = "pages/analogy.py" if "method" in params else "pages/explorer.py"
    at = _page(page, **params)
    assert not at.exception
    assert any(expected in w.value.replace("\\", "") for w in at.warning)  # messages are markdown-escaped
    assert at.dataframe  # the page still works on its defaults


def test_out_of_vocabulary_words_are_named_with_suggestions():
    at = _page("pages/explorer.py", model="minilm-static", word="kingg")
    assert not at.exception
    message = at.error[0].value
    assert "kingg" in message and "king" in message


def test_seed_preset_on_an_english_model_says_which_words_are_missing():
    at = _page("pages/analogy.py", model="minilm-static", pos="诸葛亮,水浒传", neg="三国演义")
    assert not at.exception
    message = at.error[0].value
    assert all(word in message for word in ["诸葛亮", "水浒传", "三国演义"])


def test_analogy_share_link_and_preset_button():
    at = _page("pages/analogy.py", model="minilm-static", pos="king,woman", neg="man", method="mul", topn="5")
    assert not at.exception and not at.error
    assert _words(at)[0] == "queen"
    paris = next(b for b in at.button if "paris" in b.label)
    paris.click().run()
    assert _words(at)[0] == "tokyo"


def test_language_switch_to_english():
    at = _page("pages/analogy.py", lang="en")
    assert at.title[0].value == "Analogy: word arithmetic"


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_browser_share_links(app_url, browser_page, lang):
    SCREENSHOTS.mkdir(exist_ok=True)
    open_app(browser_page, f"{app_url}/explorer?model=minilm-static&word=king&topn=5&lang={lang}")
    assert_no_exception(browser_page)
    expect_chart_text(browser_page, "monarch")  # a bar-chart label of the neighbours
    # The page ran inside app.py's navigation (a fresh server's first deep link used to bypass it).
    expect_text(browser_page, "界面语言" if lang == "zh" else "Language")
    browser_page.screenshot(path=str(SCREENSHOTS / f"explorer-{lang}.png"), full_page=True)

    open_app(browser_page, f"{app_url}/analogy?model=minilm-static&pos=king,woman&neg=man&method=add&topn=5&lang={lang}")
    assert_no_exception(browser_page)
    heading = "最接近的词" if lang == "zh" else "Words nearest to"
    expect_text(browser_page, heading)
    expect_chart_text(browser_page, "queen")  # a label in the arithmetic picture
    browser_page.screenshot(path=str(SCREENSHOTS / f"analogy-{lang}.png"), full_page=True)

    open_app(browser_page, f"{app_url}/?lang={lang}")
    assert_no_exception(browser_page)
    browser_page.screenshot(path=str(SCREENSHOTS / f"home-{lang}.png"), full_page=True)


@pytest.fixture(scope="module")
def chinese_model_id(zh_w2v) -> str:
    """The session's 三国演义 word2vec saved into the models folder, where every picker finds it."""
    folder = Path(os.environ["EMBEDLAB_MODELS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    zh_w2v.kv.save(str(folder / "sanguo-zh.kv"))
    return "sanguo-zh.kv"


def test_explorer_on_a_trained_chinese_model(chinese_model_id):
    at = _page("pages/explorer.py", model=chinese_model_id, word="诸葛亮", topn="10", words="诸葛亮,刘备,关羽")
    assert not at.exception and not at.error
    assert {"刘备", "司马懿", "孔明", "玄德"} & set(_words(at))
    # The home tour now uses the seed's Chinese presets on this model.
    home = app_test()
    assert not home.info


@pytest.mark.browser
def test_browser_chinese_model(app_url, browser_page, chinese_model_id):
    open_app(browser_page, f"{app_url}/explorer?model={chinese_model_id}&word=诸葛亮&topn=10&words=诸葛亮,刘备,关羽,曹操")
    assert_no_exception(browser_page)
    expect_chart_text(browser_page, "刘备")  # in the neighbours' bar chart and the heatmap
    browser_page.screenshot(path=str(SCREENSHOTS / "explorer-zh-sanguo.png"), full_page=True)


def test_evicted_model_is_announced_and_reloaded(monkeypatch, chinese_model_id):
    from embedlab import ui

    monkeypatch.setenv("EMBEDLAB_MAX_MODELS", "1")
    ui.model_pool.clear()
    try:
        _page("pages/explorer.py", model="minilm-static", word="king")
        _page("pages/explorer.py", model=chinese_model_id, word="诸葛亮")
        at = _page("pages/explorer.py", model="minilm-static", word="king")
        assert not at.exception and _words(at)[0] == "kings"
        assert any("minilm-static" in info.value and "1" in info.value for info in at.info)
    finally:
        ui.model_pool.clear()


# -------------------------------------------------------------- analogy: expected rank, parallelogram, true cosines (issue 13)


def gensim_rank(model, positive, negative, expected, method) -> int:
    """The 1-based place of ``expected`` in gensim's full answer list, the query words left out (as gensim's topn does)."""
    scores = (model.kv.most_similar if method == "add" else model.kv.most_similar_cosmul)(
        positive=positive, negative=negative, topn=None
    )
    order = [model.kv.index_to_key[i] for i in sorted(range(len(scores)), key=lambda i: -scores[i])]
    answers = [word for word in order if word not in positive + negative]
    return answers.index(expected) + 1


@pytest.mark.parametrize(
    "model_id, positive, negative, expected, lang",
    [
        ("minilm-static", ["king", "woman"], ["man"], "princess", "en"),
        ("sidamingzhu", ["诸葛亮", "宋江"], ["刘备"], "吴用", "zh"),
    ],
)
def test_analogy_page_ranks_the_expected_answer_as_gensim_does(model_id, positive, negative, expected, lang):
    from embedlab.serving.registry import load_model

    model = load_model(model_id)
    at = _page("pages/analogy.py", model=model_id, pos=",".join(positive), neg=",".join(negative), expect=expected, lang=lang)
    assert not at.exception and not at.error
    add, mul = (gensim_rank(model, positive, negative, expected, m) for m in ("add", "mul"))
    text = at.info[0].value
    if lang == "en":
        assert f"rank {add} under 3CosAdd" in text and f"rank {mul} under 3CosMul" in text
    else:
        assert f"3CosAdd 排第 {add} 名" in text and f"3CosMul 排第 {mul} 名" in text
    assert at.query_params["expect"] == expected


def test_analogy_picture_draws_the_parallelogram_and_prints_the_true_cosines(minilm_static):
    import json

    at = _page("pages/analogy.py", model="minilm-static", pos="paris,germany", neg="france", expect="munich", lang="en")
    assert not at.exception and not at.error
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    shape = next(trace for trace in figure["data"] if trace.get("name") == "parallelogram")
    (xa, xb, xd, xc, _), (ya, yb, yd, yc, _) = shape["x"], shape["y"]  # france → paris, germany → the corner
    assert (xd, yd) == pytest.approx((xb - xa + xc, yb - ya + yc), abs=1e-6)  # PCA keeps the parallelogram exactly
    landing = at.dataframe[1].value.set_index("Word")
    for word, score in minilm_static.kv.most_similar(positive=["paris", "germany"], negative=["france"], topn=5):
        assert landing.loc[word, "Cosine to the result"] == pytest.approx(score, abs=1e-5)  # 3CosAdd's score is that cosine
    assert landing.loc["munich", "Role"] == "expected answer"
    assert list(landing["Cosine to the result"]) == sorted(landing["Cosine to the result"], reverse=True)


def test_analogy_on_a_user_added_chinese_model_ranks_and_draws(chinese_model_id, zh_w2v):
    at = _page("pages/analogy.py", model=chinese_model_id, pos="曹操,刘备", neg="孙权", expect="关羽", lang="zh")
    assert not at.exception and not at.error
    add = gensim_rank(zh_w2v, ["曹操", "刘备"], ["孙权"], "关羽", "add")
    assert f"3CosAdd 排第 {add} 名" in at.info[0].value
    assert "平行四边形" in [trace.get("name") for trace in __import__("json").loads(at.get("plotly_chart")[0].proto.spec)["data"]]
