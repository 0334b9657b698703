"""A link followed inside one session (the home tour, a preset link) sets every input of the page, not only its model."""

from __future__ import annotations

from helpers import app_test


def test_a_second_link_to_the_same_page_wins_over_the_first():
    at = app_test("pages/explorer.py", lang="en", model="minilm-static", word="king", words="king,queen")
    assert at.text_input(key="explorer.word").value == "king"
    # The tour's next step: the same page, other words, in the same session.
    at.query_params.clear()
    for name, value in dict(lang="en", model="sidamingzhu", word="贾母", words="贾母,王夫人,八戒").items():
        at.query_params[name] = value
    at.run()
    assert not at.exception
    assert at.text_input(key="explorer.word").value == "贾母"  # used to keep "king" once the model was bound first
    assert at.selectbox(key="explorer.model").value == "sidamingzhu"
    assert list(at.dataframe[0].value.iloc[:, 0])[:1] == ["王夫人"]


def test_typed_input_survives_a_rerun_of_the_same_link():
    at = app_test("pages/explorer.py", lang="en", model="minilm-static", word="king")
    at.text_input(key="explorer.word").set_value("queen").run()
    assert not at.exception
    assert at.text_input(key="explorer.word").value == "queen"
    assert "queen" in str(at.query_params["word"])
