"""Hostile input on the static pages: markup stays text, odd words work, nothing shows a traceback."""

from __future__ import annotations

import pytest
from helpers import SCREENSHOTS, app_test, assert_no_exception, expect_chart_text, open_app, write_vector_file

HOSTILE = ["<b>bold</b>", "<img/src=x/onerror=alert(1)>", "😀", "**star**", "$x$", "诸葛亮", "king", "queen"]


@pytest.fixture(scope="module")
def hostile_model_id() -> str:
    """A real vector file whose vocabulary holds markup, emoji and LaTeX-looking words."""
    return write_vector_file("hostile.txt", HOSTILE)


@pytest.mark.parametrize("word", ["<b>bold</b>", "😀", "$x$", "**star**"])
def test_odd_words_work_and_stay_literal(hostile_model_id, word):
    at = app_test("pages/explorer.py", model=hostile_model_id, word=word, topn="3", words=",".join(HOSTILE[:5]))
    assert not at.exception and not at.error
    heading = at.subheader[0].value
    assert "\\" in heading or word == "😀"  # markdown-escaped, so it renders literally
    assert len(at.dataframe[0].value) == 3


@pytest.mark.parametrize(
    "query",
    [
        {"word": "", "topn": "5"},
        {"word": "😀😀😀", "topn": "-3"},
        {"words": "a," * 5000},
        {"word": "<script>alert(1)</script>"},
        {"model": "../../etc/passwd"},
    ],
)
def test_hostile_query_parameters_get_messages(query):
    at = app_test("pages/explorer.py", **query)
    assert not at.exception
    assert at.warning or at.error


@pytest.mark.browser
def test_markup_in_words_renders_as_text(app_url, browser_page, hostile_model_id):
    dialogs = []
    browser_page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    words = ",".join(["<b>bold</b>", "<img/src=x/onerror=alert(1)>", "😀", "king"])
    open_app(browser_page, f"{app_url}/explorer?model={hostile_model_id}&word=<b>bold</b>&topn=5&words={words}&lang=en")
    assert_no_exception(browser_page)
    expect_chart_text(browser_page, "<b>bold</b>")  # the tags are shown, not applied
    assert browser_page.locator(".js-plotly-plot b").count() == 0
    assert dialogs == []
    browser_page.screenshot(path=str(SCREENSHOTS / "explorer-hostile.png"), full_page=True)
