"""The compare, axes and bias pages: AppTest for the logic, Chromium for what people see (issue 12)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np
import pytest
from gensim.models import KeyedVectors
from helpers import SCREENSHOTS, app_test, assert_no_exception, expect_chart_text, expect_text, open_app

from embedlab.serving.registry import load_model
from embedlab.static import axes, compare, weat

MODELS = Path(os.environ["EMBEDLAB_MODELS_DIR"])

# Words allowed in the Chinese interface besides the user's words and model ids: names of methods and libraries.
ALLOWED_LATIN = {
    "procrustes",
    "scipy",
    "linalg",
    "orthogonal",
    "spearman",
    "weat",
    "wefe",
    "cohen",
    "ddof",
    "word2viz",
    "embedding",
    "projector",
    "cbow",
    "skip",
    "gram",
    "hamilton",
    "gonen",
    "caliskan",
    "science",
    "pca",
    "svd",
    "bert",
    "cos",
    "json",
    "english",
}  # the language picker offers English by name


def _save(kv: KeyedVectors, name: str) -> str:
    MODELS.mkdir(parents=True, exist_ok=True)
    kv.save(str(MODELS / name))
    return name


@pytest.fixture(scope="module")
def zh_models(zh_w2v) -> dict[str, str]:
    """The session's 三国演义 word2vec, a rotated noisy copy (same width) and a 50-d PCA copy, in the models folder."""
    from scipy.stats import ortho_group
    from sklearn.decomposition import PCA

    words = list(zh_w2v.kv.index_to_key)
    rotated = KeyedVectors(vector_size=zh_w2v.dims)
    noise = np.random.default_rng(0).normal(scale=0.01, size=zh_w2v.kv.vectors.shape)
    rotated.add_vectors(words, (zh_w2v.kv.vectors + noise) @ ortho_group.rvs(zh_w2v.dims, random_state=1))
    narrow = KeyedVectors(vector_size=50)
    narrow.add_vectors(words, PCA(n_components=50, random_state=0).fit_transform(zh_w2v.kv.vectors))
    return {
        "a": _save(zh_w2v.kv, "sanguo-zh.kv"),
        "rotated": _save(rotated, "sanguo-rotated-zh.kv"),
        "narrow": _save(narrow, "sanguo-50-zh.kv"),
    }


def _texts(at) -> list[str]:
    """Every text the page shows (markdown, captions, messages, headings, metric and table labels)."""
    found = [
        e.value
        for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "error", "success")
        for e in getattr(at, kind)
    ]
    found += [m.label for m in at.metric] + [str(c) for d in at.dataframe for c in d.value.columns]
    found += [
        w.label
        for kind in ("text_input", "text_area", "number_input", "radio", "selectbox", "button", "expander")
        for w in getattr(at, kind)
    ]
    found += [o for r in at.radio for o in r.options]
    return found


def assert_no_english(at, allowed: set[str]) -> None:
    """The Chinese interface shows no English word except the user's words, model ids and method names."""
    allowed = {w.lower() for w in allowed} | ALLOWED_LATIN
    for text in _texts(at):
        for word in re.findall(r"[A-Za-z]{3,}", text.replace("\\", "")):
            assert word.lower() in allowed or any(word.lower() in a for a in allowed), f"{word!r} in {text!r}"


def _df_words(at, index: int = 0) -> list[str]:
    return list(at.dataframe[index].value.iloc[:, 0])


# ---------------------------------------------------------------- compare


def test_compare_a_model_with_itself_moves_nothing():
    at = app_test(
        "pages/compare.py", model="minilm-static", model_b="minilm-static", vocab="1000", words="king,queen", word="king"
    )
    assert not at.exception and not at.error, [e.value for e in at.error]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["对齐后平均余弦"] == "1.0000" and metrics["共有词"] == "1,000"
    assert any("同一个模型" in i.value for i in at.info)
    moved = at.dataframe[0].value
    assert len(moved) == 20 and (moved.iloc[:, 2] == 1.0).all()
    assert _df_words(at, 2) == ["king", "queen"]  # the followed words
    assert _df_words(at, 3) == _df_words(at, 4)  # neighbours side by side: the same lists
    assert_no_english(
        at, {"minilm", "static", "king", "queen"} | set(_df_words(at, 0)) | set(_df_words(at, 1)) | set(_df_words(at, 3))
    )
    assert at.query_params["vocab"] in ("1000", ["1000"])


def test_compare_two_chinese_models_share_link(zh_models):
    at = app_test(
        "pages/compare.py",
        model=zh_models["a"],
        model_b=zh_models["rotated"],
        vocab="1500",
        words="刘备,曹操,孔明",
        word="曹操",
        lang="en",
    )
    assert not at.exception and not at.error, [e.value for e in at.error]
    metrics = {m.label: m.value for m in at.metric}
    assert float(metrics["Mean cosine after alignment"]) > 0.99 and abs(float(metrics["Mean cosine before alignment"])) < 0.2
    assert _df_words(at, 2) == ["刘备", "曹操", "孔明"]
    expected = compare.compare(load_model(zh_models["a"]), load_model(zh_models["rotated"]), vocab=1500)
    assert float(metrics["Mean cosine after alignment"]) == pytest.approx(expected.mean_cosine, abs=1e-4)
    assert at.selectbox(key="compare.word").value == "曹操"


def test_compare_different_widths_says_it_reduced_them(zh_models):
    at = app_test("pages/compare.py", model=zh_models["a"], model_b=zh_models["narrow"], vocab="1000")
    assert not at.exception and not at.error
    reduced = next(i.value for i in at.info if "PCA" in i.value)
    assert "100" in reduced and "50" in reduced
    assert "对齐前平均余弦" not in {m.label for m in at.metric}  # no raw comparison across widths


def test_compare_follows_a_new_link_in_the_same_session(zh_models):
    """A link from another page (the train page's) sets both models, even when the page was open before."""
    at = app_test("pages/compare.py", model=zh_models["a"], model_b=zh_models["a"], vocab="500")
    assert any("同一个模型" in i.value for i in at.info)
    at.query_params["model_b"] = zh_models["rotated"]
    at.query_params["words"] = "刘备"
    at.run()
    assert not at.exception and not at.error
    assert at.selectbox(key="compare.model_b").value == zh_models["rotated"]
    assert not any("同一个模型" in i.value for i in at.info) and _df_words(at, 2) == ["刘备"]


def test_train_compare_mode_links_to_the_compare_page(tmp_path, monkeypatch, data_dir):
    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EMBEDLAB_DATA_DIR", str(data_dir))
    at = app_test("pages/train.py", lang="en", sample="alice", mode="compare", size="16", epochs="2", min_count="3")
    next(b for b in at.button if b.label == "Train").click().run()
    state = at.session_state["train.job"].wait(120)
    assert state.phase == "done", state.error
    at.run()
    links = [e for e in at.get("page_link") if "compare" in e.proto.page]
    assert len(links) == 1
    query = dict(re.findall(r"([a-z_]+)=([^&]*)", links[0].proto.query_string)) if links[0].proto.query_string else {}
    if not query:  # older protos keep the query in the page URL
        query = dict(re.findall(r"([a-z_]+)=([^&]*)", links[0].proto.page.split("?", 1)[-1]))
    saved = [s.model_id for s in state.saved]
    assert query["model"] == saved[0] and query["model_b"] == saved[1]
    page = app_test("pages/compare.py", model=saved[0], model_b=saved[1], vocab="200", words="alice,queen", lang="en")
    assert not page.exception and not page.error, [e.value for e in page.error]
    assert _df_words(page, 2) == ["alice", "queen"]


# ---------------------------------------------------------------- axes


def test_axes_share_link_two_axes_scores_and_table():
    words = "nurse,engineer,maid,banker,qqqzzz"
    at = app_test("pages/axes.py", model="minilm-static", x="woman-man", y="rich-poor", words=words, formula="cosine", lang="en")
    assert not at.exception and not at.error
    assert any("qqqzzz" in w.value for w in at.warning)  # left out, named
    table = at.dataframe[0].value
    expected = axes.place(load_model("minilm-static"), words.split(","), x="woman-man", y="rich-poor")
    by_word = {s.word: s for s in expected.scores}
    assert set(table.iloc[:, 0]) == set(by_word)
    for word, x_score, y_score in table.itertuples(index=False):
        assert x_score == pytest.approx(by_word[word].x) and y_score == pytest.approx(by_word[word].y)
    assert list(table.iloc[:, 1]) == sorted(table.iloc[:, 1], reverse=True)
    assert any("Cosine between the two axis directions" in c.value for c in at.caption)


def test_axes_one_axis_projection_and_the_zh_interface():
    at = app_test(
        "pages/axes.py", model="minilm-static", x="woman,mother - man,father", words="nurse,engineer,maid", formula="projection"
    )
    assert not at.exception and not at.error
    assert len(at.dataframe[0].value.columns) == 2  # one axis: a ranked strip
    assert any("w·d" in c.value for c in at.caption)
    assert_no_english(
        at,
        {"nurse", "engineer", "maid", "woman", "mother", "man", "father", "minilm", "static"}
        | set(load_model("minilm-static").description.split()),
    )


@pytest.mark.parametrize("x, message", [("woman", "恰好是"), ("woman-", "有一边是空的"), ("woman,man - man,woman", "没有方向")])
def test_axes_bad_axes_get_a_message_in_the_interface_language(x, message):
    at = app_test("pages/axes.py", model="minilm-static", x=x, words="nurse")
    assert not at.exception
    shown = [e.value for e in list(at.error) + list(at.warning)]
    assert any(message in text for text in shown), shown


def test_axes_presets_fit_the_model(zh_models):
    """A Chinese model trained on 三国演义 alone opens on the 三国 preset (it lacks the 红楼梦 names)."""
    at = app_test("pages/axes.py", model=zh_models["a"])
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.text_input(key="axes.x").value.startswith("军师")
    assert "诸葛亮" in set(at.dataframe[0].value.iloc[:, 0])


# ---------------------------------------------------------------- bias


def test_bias_share_link_with_a_shipped_test():
    at = app_test("pages/bias.py", model="minilm-static", test="weat7", lang="en")
    assert not at.exception and not at.error
    test = weat.get_test("weat7")
    expected = weat.weat(load_model("minilm-static"), targets=test.sets_in("en")[:2], attributes=test.sets_in("en")[2:])
    metrics = {m.label: m.value for m in at.metric}
    assert (
        metrics["Effect size d"] == f"{expected.effect_size:+.3f}" and metrics["p-value (one-sided)"] == f"{expected.p_value:.4g}"
    )
    assert at.subheader[0].value == "Math / Arts × Male terms / Female terms"
    text = " ".join(m.value for m in at.markdown)
    assert "population" in text and "exact" in text and "12,870" in text
    assert len(at.dataframe[0].value) == 16
    assert at.query_params["targets"][0].startswith("math,algebra") if isinstance(at.query_params["targets"], list) else True


def test_bias_custom_sets_drop_unknown_words_and_sample_std():
    targets = "math,algebra,geometry,calculus,qqqzzz|poetry,art,dance,literature"
    attributes = "he,man,boy,his|she,woman,girl,her"
    at = app_test("pages/bias.py", model="minilm-static", targets=targets, attributes=attributes, std="sample")
    assert not at.exception and not at.error
    assert any("qqqzzz" in w.value for w in at.warning)
    sets = [g.split(",") for g in targets.split("|") + attributes.split("|")]
    expected = weat.weat(load_model("minilm-static"), targets=sets[:2], attributes=sets[2:], std="sample", max_lost=0.2)
    assert {m.label: m.value for m in at.metric}["效应量 d"] == f"{expected.effect_size:+.3f}"
    assert at.selectbox(key="bias.test").value == ""  # your own sets
    assert any("样本" in m.value for m in at.markdown)
    words = [w for g in sets for w in g]
    assert_no_english(at, set(words) | {"minilm", "static"} | set(load_model("minilm-static").description.split()))


def test_bias_refuses_sets_the_model_does_not_know_in_chinese():
    at = app_test("pages/bias.py", model="minilm-static", test="weat1")
    assert not at.exception
    error = at.error[0].value
    assert "花" in error and "25 个词里缺了 16 个" in error and "放宽" in error


@pytest.mark.parametrize("model_id, first", [("sidamingzhu", "zh-gender-office"), ("classics-en", "classics-gender-career")])
def test_bias_opens_on_a_test_the_shipped_model_knows(model_id, first):
    from embedlab.serving import registry

    spec = registry.all_specs().get(model_id)
    if spec is None or not spec.available:
        pytest.skip(f"{model_id} is not built here")
    at = app_test("pages/bias.py", model=model_id)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.selectbox(key="bias.test").value == first
    assert float({m.label: m.value for m in at.metric}["效应量 d"]) > 0.5


# ---------------------------------------------------------------- hostile links


@pytest.mark.parametrize(
    "page, params, expected",
    [
        ("compare", {"vocab": "abc"}, "vocab"),
        ("compare", {"vocab": "999999"}, "vocab"),
        ("compare", {"topn": "0"}, "topn"),
        ("compare", {"model_b": "no-such-model"}, "no-such-model"),
        ("compare", {"by": "length"}, "by"),
        ("compare", {"words": "x" * 10_000}, "words"),
        ("axes", {"x": "x" * 10_000}, "x"),
        ("axes", {"formula": "dot"}, "formula"),
        ("axes", {"y": "a-b-c"}, "y"),
        ("bias", {"std": "both"}, "std"),
        ("bias", {"seed": "-1"}, "seed"),
        ("bias", {"max_lost": "2"}, "max_lost"),
        ("bias", {"test": "weat99"}, "test"),
        ("bias", {"samples": "10"}, "samples"),
    ],
)
def test_bad_links_get_a_message_and_the_default(page, params, expected):
    at = app_test(
        f"pages/{page}.py",
        model="minilm-static",
        lang="en",
        **({"vocab": "300"} if page == "compare" and "vocab" not in params else {}),
        **params,
    )
    assert not at.exception
    assert any(expected in w.value.replace("\\", "") for w in at.warning), [w.value for w in at.warning]
    assert at.dataframe  # the page still works on its defaults


def test_user_text_stays_text(zh_models):
    evil = "<img src=x onerror=alert(1)>,**bold**,[link](http://x)"
    at = app_test("pages/axes.py", model="minilm-static", x="woman-man", words=f"nurse,{evil}", lang="en")
    assert not at.exception
    assert all("<img" not in w.value or "\\<img" in w.value for w in at.warning)
    at = app_test(
        "pages/bias.py",
        model="minilm-static",
        targets="nurse,<b>x</b>|engineer,pilot",
        attributes="he,him|she,her",
        max_lost="0.5",
    )
    assert not at.exception and not at.error
    assert any("\\<b\\>" in w.value for w in at.warning)


# ---------------------------------------------------------------- browser


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_browser_share_links(app_url, browser_page, lang):
    SCREENSHOTS.mkdir(exist_ok=True)
    open_app(
        browser_page, f"{app_url}/compare?model=minilm-static&model_b=minilm-static&vocab=500&words=king,queen,river&lang={lang}"
    )
    assert_no_exception(browser_page)
    expect_chart_text(browser_page, "river")  # a label in the joint picture
    expect_text(browser_page, "对齐后平均余弦" if lang == "zh" else "Mean cosine after alignment")
    browser_page.screenshot(path=str(SCREENSHOTS / f"compare-{lang}.png"), full_page=True)

    open_app(
        browser_page, f"{app_url}/axes?model=minilm-static&x=woman-man&y=rich-poor&words=nurse,engineer,maid,banker&lang={lang}"
    )
    assert_no_exception(browser_page)
    expect_chart_text(browser_page, "engineer")
    browser_page.screenshot(path=str(SCREENSHOTS / f"axes-{lang}.png"), full_page=True)

    open_app(browser_page, f"{app_url}/bias?model=minilm-static&test=weat7&lang={lang}")
    assert_no_exception(browser_page)
    expect_chart_text(browser_page, "algebra")  # a word on the association strip
    expect_text(browser_page, "效应量" if lang == "zh" else "Effect size")
    browser_page.screenshot(path=str(SCREENSHOTS / f"bias-{lang}.png"), full_page=True)


@pytest.mark.browser
def test_browser_chinese_models(app_url, browser_page, zh_models):
    open_app(browser_page, f"{app_url}/compare?model={zh_models['a']}&model_b={zh_models['narrow']}&vocab=1000&words=刘备,曹操")
    assert_no_exception(browser_page)
    expect_chart_text(browser_page, "曹操")
    expect_text(browser_page, "PCA")
    open_app(browser_page, f"{app_url}/axes?model={zh_models['a']}&x=蜀-魏&words=刘备,曹操,孙权,关羽")
    assert_no_exception(browser_page)
    expect_chart_text(browser_page, "孙权")
    browser_page.screenshot(path=str(SCREENSHOTS / "axes-zh-sanguo.png"), full_page=True)
