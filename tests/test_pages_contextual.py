"""The polysemy and sentences pages: AppTest runs of their share links, and a real browser."""

from __future__ import annotations

import pytest
from helpers import app_test, assert_no_exception, expect_chart_text, expect_text, open_app
from tiny_checkpoints import build_tiny_chinese_bert

BANK = [
    "I deposited the cash at the bank.",
    "We had a picnic on the river bank.",
    "The bank approved her loan.",
    "Reeds grew along the muddy bank.",
]


def _texts(at, kind: str) -> list[str]:
    return [element.value for element in getattr(at, kind)]


def test_polysemy_share_link_shows_contexts_senses_and_table():
    at = app_test("pages/polysemy.py", lang="en", model="minilm", word="bank", s=BANK, k="2", static="minilm-static")
    assert not at.exception, at.exception
    assert not _texts(at, "error") and not _texts(at, "warning")
    assert [m.value for m in at.metric][:2] == ["4", "2"]
    table = at.dataframe[0].value
    assert list(table.iloc[:, 2]) == ["bank"] * 4  # the pooled sub-tokens
    assert table.shape[1] == 6  # ... and both cosines: to the input embedding and to minilm-static
    assert at.query_params["s"] == BANK and at.query_params["word"] == "bank"


def test_polysemy_chinese_share_link_pools_both_characters(tmp_path_factory, monkeypatch):
    models = tmp_path_factory.mktemp("models-with-tiny-zh")
    build_tiny_chinese_bert(models / "tiny-zh")
    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(models))
    at = app_test(
        "pages/polysemy.py",
        lang="zh",
        model="tiny-zh",
        word="苹果",
        s=["他在苹果上班。", "他在吃苹果。", "苹果很甜。"],
        static="-",
    )
    assert not at.exception, at.exception
    assert not _texts(at, "error")
    assert list(at.dataframe[0].value.iloc[:, 2]) == ["苹 果"] * 3
    assert at.title[0].value.startswith("一词多义")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (dict(word="apple", s=["He ate an apple.", "No fruit here."]), "not in sentence"),
        (dict(word="apple", s=["<script>alert(1)</script> apple 🍎", "<b>apple</b> pie"]), None),
        (dict(word="apple", s=["He ate an apple.", "An apple a day."], k="99"), "must be from 0 to 8"),
    ],
)
def test_polysemy_bad_input_gives_messages_not_tracebacks(query, message):
    at = app_test("pages/polysemy.py", lang="en", model="minilm", **query)
    assert not at.exception, at.exception
    shown = " ".join(_texts(at, "error") + _texts(at, "warning"))
    if message is None:
        assert not shown and [m.value for m in at.metric][0] == "2"
    else:
        assert message in shown


def test_sentences_share_link_compares_encoders():
    trio = ["I like this book.", "This book is very interesting.", "I don't like this book."]
    at = app_test("pages/sentences.py", lang="en", model="minilm", s=trio, enc="minilm")
    assert not at.exception, at.exception
    assert not _texts(at, "error")
    pairs = at.dataframe[0].value
    assert pairs.shape == (3, 6)  # pair, A, B and three encoders: mean, CLS, sentence-transformers
    assert list(pairs.iloc[:, 1]) == [trio[0], trio[0], trio[1]]
    assert any("#1 ↔ #3" in caption for caption in _texts(at, "caption"))
    assert at.query_params["s"] == trio


def test_sentences_page_needs_two_sentences_and_rejects_unknown_encoders():
    at = app_test("pages/sentences.py", lang="en", s=["Only one."], enc="no-such-model")
    assert not at.exception, at.exception
    assert any("(enc=)" in w and "unknown values" in w for w in _texts(at, "warning"))
    assert any("at least two" in i for i in _texts(at, "info"))


@pytest.mark.browser
def test_browser_opens_both_share_links(app_url, browser_page):
    from urllib.parse import urlencode

    query = urlencode([("lang", "en"), ("model", "minilm"), ("word", "bank")] + [("s", s) for s in BANK], doseq=True)
    open_app(browser_page, f"{app_url}/polysemy?{query}", timeout_ms=180_000)
    expect_chart_text(browser_page, "#4", timeout_ms=180_000)
    expect_chart_text(browser_page, "sense 2")
    assert_no_exception(browser_page)

    trio = ["我喜欢这本书。", "这本书非常有趣。", "我不喜欢这本书。"]
    query = urlencode([("lang", "zh"), ("model", "minilm")] + [("s", s) for s in trio], doseq=True)
    open_app(browser_page, f"{app_url}/sentences?{query}", timeout_ms=180_000)
    expect_chart_text(browser_page, "BERT 平均池化", timeout_ms=180_000)
    expect_text(browser_page, "最接近")
    assert_no_exception(browser_page)
