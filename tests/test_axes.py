"""Semantic axes: scores against a plain numpy computation, axis words on their own side, parsing and the CLI."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from helpers import PROJECT_ROOT

from embedlab.errors import OutOfVocabularyError
from embedlab.static import axes

OCCUPATIONS = ["nurse", "engineer", "doctor", "teacher", "secretary", "farmer", "soldier", "maid", "banker", "pilot"]


def _numpy_scores(kv, words, left, right, formula):
    """The formula written out once more with numpy only, on the same vectors."""

    def unit(w):
        v = np.asarray(kv[w], dtype=np.float64)
        return v / np.linalg.norm(v)

    d = np.mean([unit(w) for w in left], axis=0) - np.mean([unit(w) for w in right], axis=0)
    out = []
    for word in words:
        v = np.asarray(kv[word], dtype=np.float64)
        out.append(v @ d / np.linalg.norm(d) if formula == "projection" else v @ d / (np.linalg.norm(v) * np.linalg.norm(d)))
    return np.array(out)


@pytest.mark.parametrize("formula", ["cosine", "projection"])
def test_scores_equal_numpy(minilm_static, formula):
    x = "woman,she,her,mother - man,he,him,father"
    y = "rich-poor"
    result = axes.place(minilm_static, OCCUPATIONS, x=x, y=y, formula=formula)
    assert result.formula == formula and [s.word for s in result.scores] == OCCUPATIONS
    expected_x = _numpy_scores(
        minilm_static.kv, OCCUPATIONS, ["woman", "she", "her", "mother"], ["man", "he", "him", "father"], formula
    )
    expected_y = _numpy_scores(minilm_static.kv, OCCUPATIONS, ["rich"], ["poor"], formula)
    np.testing.assert_allclose([s.x for s in result.scores], expected_x, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose([s.y for s in result.scores], expected_y, rtol=1e-10, atol=1e-12)
    dx = axes.direction(minilm_static, axes.parse_axis(x))
    dy = axes.direction(minilm_static, axes.parse_axis(y))
    assert result.axes_cosine == pytest.approx(float(dx @ dy / np.linalg.norm(dx) / np.linalg.norm(dy)))


def test_cosine_and_projection_differ_by_the_vector_length(minilm_static):
    cos = axes.place(minilm_static, OCCUPATIONS, x="woman-man", formula="cosine")
    proj = axes.place(minilm_static, OCCUPATIONS, x="woman-man", formula="projection")
    norms = np.linalg.norm(np.stack([minilm_static.kv[w] for w in OCCUPATIONS]).astype(np.float64), axis=1)
    np.testing.assert_allclose([s.x for s in proj.scores], np.array([s.x for s in cos.scores]) * norms, rtol=1e-9)


@pytest.mark.parametrize("x", ["woman-man", "rich-poor", "woman,mother,daughter - man,father,son", "king - queen"])
@pytest.mark.parametrize("formula", ["cosine", "projection"])
def test_an_axis_word_scores_highest_on_its_own_side(minilm_static, x, formula):
    axis = axes.parse_axis(x)
    words = OCCUPATIONS + list(axis.left) + list(axis.right)
    scores = {s.word: s.x for s in axes.place(minilm_static, words, x=axis, formula=formula).scores}
    others = [scores[w] for w in OCCUPATIONS]
    assert all(scores[w] > max(others) for w in axis.left)
    assert all(scores[w] < min(others) for w in axis.right)


def test_chinese_axis_on_a_trained_model(zh_w2v):
    words = ["刘备", "关羽", "张飞", "曹操", "司马懿", "夏侯惇", "孙权", "周瑜"]
    result = axes.place(zh_w2v, words + ["蜀", "魏"], x="蜀-魏")
    scores = {s.word: s.x for s in result.scores}
    assert scores["蜀"] == max(scores.values()) and scores["魏"] == min(scores.values())
    expected = _numpy_scores(zh_w2v.kv, words, ["蜀"], ["魏"], "cosine")
    np.testing.assert_allclose([scores[w] for w in words], expected, rtol=1e-10)


@pytest.mark.parametrize(
    "text, left, right",
    [
        ("女人-男人", ("女人",), ("男人",)),
        ("女人－男人", ("女人",), ("男人",)),
        ("woman − man", ("woman",), ("man",)),
        ("女人,母亲,女儿 - 男人,父亲,儿子", ("女人", "母亲", "女儿"), ("男人", "父亲", "儿子")),
        ("女人，母亲 - 男人、父亲", ("女人", "母亲"), ("男人", "父亲")),
        ("well-known - obscure", ("well-known",), ("obscure",)),
    ],
)
def test_parse_axis(text, left, right):
    axis = axes.parse_axis(text)
    assert (axis.left, axis.right) == (left, right)
    assert axes.parse_axis(axis.text) == axis  # the URL form reads back


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "empty"),
        ("woman", "sides"),
        ("a-b-c", "sides"),
        ("woman-", "empty_side"),
        (" - man", "empty_side"),
        (",".join(["w"] * 60) + "-man", "too_many"),
    ],
)
def test_bad_axes_say_how_to_fix(text, reason):
    with pytest.raises(axes.AxisError) as caught:
        axes.parse_axis(text, name="x")
    assert caught.value.reason == reason and "'x'" in str(caught.value)


def test_unknown_words_are_left_out_and_listed_but_axis_words_must_be_known(minilm_static):
    result = axes.place(minilm_static, ["nurse", "qqqzzz", "engineer"], x="woman-man")
    assert [s.word for s in result.scores] == ["nurse", "engineer"] and list(result.missing) == ["qqqzzz"]
    with pytest.raises(OutOfVocabularyError, match="womann"):
        axes.place(minilm_static, ["nurse"], x="womann-man")
    with pytest.raises(OutOfVocabularyError):
        axes.place(minilm_static, ["qqqzzz"], x="woman-man")
    with pytest.raises(axes.AxisError, match="no direction"):
        axes.place(minilm_static, ["nurse"], x="woman,man - man,woman")


def test_cli_json_one_and_two_axes():
    base = [
        sys.executable,
        "-m",
        "embedlab",
        "axes",
        "--model",
        "minilm-static",
        "--x",
        "woman-man",
        "--words",
        "nurse,engineer,qqqzzz",
        "--json",
    ]
    one = json.loads(subprocess.run(base, capture_output=True, text=True, cwd=PROJECT_ROOT, check=True).stdout)
    assert one["formula"] == "cosine" and [w["word"] for w in one["words"]] == ["nurse", "engineer"]
    assert all(set(w) == {"word", "x"} for w in one["words"]) and one["missing"] == ["qqqzzz"]
    two = json.loads(
        subprocess.run(
            base + ["--y", "rich-poor", "--formula", "projection"], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True
        ).stdout
    )
    assert two["formula"] == "projection" and all(set(w) == {"word", "x", "y"} for w in two["words"])
    bad = subprocess.run(base[:-1] + ["--x", "woman"], capture_output=True, text=True, cwd=PROJECT_ROOT)
    assert bad.returncode == 1 and "two sides" in bad.stderr
