"""WEAT: effect sizes against WEFE's WEAT, p-values against scipy and brute force, the shipped word sets, the CLI."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys

import numpy as np
import pytest
from helpers import PROJECT_ROOT

from embedlab.errors import InvalidInputError
from embedlab.static import weat

try:  # a test dependency (requirements-test-nodeps.txt: installed with --no-deps, see requirements-test.txt)
    from wefe.datasets import load_weat
    from wefe.metrics import WEAT
    from wefe.query import Query
    from wefe.word_embedding_model import WordEmbeddingModel
except ImportError as exc:  # pragma: no cover - make test installs it
    raise ImportError("tests/test_weat.py needs wefe: pip install --no-deps -r requirements-test-nodeps.txt") from exc

LOWERCASE_FALLBACK = [{}, {"lowercase": True}]  # WEFE's spelling of weat(case_fallback=True)


_WEFE_MODELS: dict = {}


def _wefe_model(model) -> WordEmbeddingModel:
    """WEFE's model over the same vectors, held in float64 (as ours computes): WEFE then computes in
    float64 too, so the two agree to rounding, not merely to float32's seven digits."""
    if model.id not in _WEFE_MODELS:
        from gensim.models import KeyedVectors

        kv = KeyedVectors(vector_size=model.dims, dtype=np.float64)
        kv.add_vectors(list(model.kv.index_to_key), model.kv.vectors.astype(np.float64))
        _WEFE_MODELS[model.id] = WordEmbeddingModel(kv, model.id)
    return _WEFE_MODELS[model.id]


def _wefe(model, sets, *, threshold=0.2, preprocessors=LOWERCASE_FALLBACK) -> dict:
    query = Query([list(sets[0]), list(sets[1])], [list(sets[2]), list(sets[3])], ["X", "Y"], ["A", "B"])
    return WEAT().run_query(query, _wefe_model(model), lost_vocabulary_threshold=threshold, preprocessors=preprocessors)


def _ours(model, sets, **options):
    return weat.weat(model, targets=(sets[0], sets[1]), attributes=(sets[2], sets[3]), **options)


def test_the_shipped_english_sets_are_the_original_ones():
    original = load_weat()
    for test in [t for t in weat.tests_for("en") if t.id.startswith("weat")]:
        for word_set in (test.x, test.y, test.a, test.b):
            assert list(word_set.words) == original[word_set.name], word_set.name
    assert [t.id for t in weat.tests_for("en")][:10] == [f"weat{i}" for i in range(1, 11)]


@pytest.mark.parametrize("test_id", [f"weat{i}" for i in range(1, 11)])
def test_effect_sizes_equal_wefe_on_minilm(minilm_static, test_id):
    """All ten original tests: equal effect sizes, or (too many unknown words) WEFE's nan where we refuse."""
    test = weat.get_test(test_id)
    sets = [s.words for s in (test.x, test.y, test.a, test.b)]
    theirs = _wefe(minilm_static, sets)
    if math.isnan(theirs["effect_size"]):
        with pytest.raises(weat.WeatError) as caught:
            _ours(minilm_static, sets)
        assert caught.value.reason == "lost"
        return
    ours = _ours(minilm_static, sets)
    assert ours.effect_size == pytest.approx(theirs["effect_size"], abs=1e-9)
    assert ours.statistic == pytest.approx(theirs["weat"], abs=1e-9)


def test_effect_sizes_equal_wefe_somewhere_above_threshold(minilm_static):
    """weat1 loses too many words at WEFE's default 0.2; with 0.7 both drop the same words and agree."""
    test = weat.get_test("weat1")
    sets = [s.words for s in (test.x, test.y, test.a, test.b)]
    theirs = _wefe(minilm_static, sets, threshold=0.7)
    ours = _ours(minilm_static, sets, max_lost=0.7)
    assert ours.effect_size == pytest.approx(theirs["effect_size"], abs=1e-9)
    assert ours.effect_size > 0.5  # flowers lean pleasant, insects unpleasant


def test_unknown_words_are_listed_and_dropped_as_wefe_drops_them(minilm_static):
    from wefe.preprocessing import get_embeddings_from_set

    sets = (
        ["rose", "tulip", "lily", "daisy", "qqflower"],
        ["ant", "spider", "wasp", "moth"],
        ["love", "peace", "happy", "Gift"],
        ["death", "grief", "ugly", "kill", "zzbad"],
    )
    ours = _ours(minilm_static, sets, max_lost=0.5, case_fallback=False)
    wefe_model = _wefe_model(minilm_static)
    for key, words in zip("xyab", sets):
        not_found, found = get_embeddings_from_set(wefe_model, words)
        assert list(ours.missing.get(key, ())) == not_found
        assert list(getattr(ours, key).words) == list(found)
    theirs = _wefe(minilm_static, sets, threshold=0.5, preprocessors=[{}])
    assert ours.effect_size == pytest.approx(theirs["effect_size"], abs=1e-9)
    with_case = _ours(minilm_static, sets, max_lost=0.5)  # "Gift" found as "gift"
    assert "Gift" not in with_case.missing.get("a", ()) and "gift" in with_case.a.words


def test_effect_sizes_equal_wefe_on_a_chinese_model(zh_w2v):
    test = weat.get_test("zh-instruments-weapons")  # made for the four novels: on 三国演义 alone some words are unknown
    sets = [s.words for s in (test.x, test.y, test.a, test.b)]
    theirs = _wefe(zh_w2v, sets, threshold=0.5, preprocessors=[{}])
    ours = _ours(zh_w2v, sets, max_lost=0.5)
    assert ours.missing and ours.effect_size == pytest.approx(theirs["effect_size"], abs=1e-9)
    custom = (
        ["刘备", "关羽", "张飞", "诸葛亮", "赵云"],
        ["曹操", "司马懿", "夏侯惇", "许褚", "张辽"],
        ["汉", "蜀", "玄德"],
        ["魏", "曹", "丞相"],
    )
    assert _ours(zh_w2v, custom).effect_size == pytest.approx(_wefe(zh_w2v, custom, preprocessors=[{}])["effect_size"], abs=1e-9)


def test_sample_and_population_standard_deviation(minilm_static):
    test = weat.get_test("weat7")
    sets = [s.words for s in (test.x, test.y, test.a, test.b)]
    population = _ours(minilm_static, sets)
    sample = _ours(minilm_static, sets, std="sample")
    n = len(population.associations)
    assert population.std == "population" and sample.std == "sample"
    assert sample.effect_size == pytest.approx(population.effect_size * math.sqrt((n - 1) / n))
    s = np.array([a.score for a in population.associations])
    assert population.effect_size == pytest.approx((s[:8].mean() - s[8:].mean()) / np.std(s))
    assert sample.effect_size == pytest.approx((s[:8].mean() - s[8:].mean()) / np.std(s, ddof=1))


def test_association_scores_equal_numpy(minilm_static):
    sets = (["math", "algebra"], ["poetry", "art", "dance"], ["he", "man"], ["she", "woman"])
    result = _ours(minilm_static, sets)

    def unit(w):
        v = minilm_static.kv[w].astype(np.float64)
        return v / np.linalg.norm(v)

    for item in result.associations:
        w = unit(item.word)
        expected = np.mean([w @ unit(a) for a in sets[2]]) - np.mean([w @ unit(b) for b in sets[3]])
        assert item.score == pytest.approx(expected, abs=1e-12)
    assert [a.group for a in result.associations] == ["x", "x", "y", "y", "y"]


def test_exact_p_value_equals_scipy_and_brute_force(minilm_static):
    from scipy.stats import permutation_test

    test = weat.get_test("weat6")
    result = _ours(minilm_static, [s.words for s in (test.x, test.y, test.a, test.b)])
    assert result.p_method == "exact" and result.permutations == result.total_splits == math.comb(16, 8)
    s = np.array([a.score for a in result.associations])
    scipy_p = permutation_test(
        (s[:8], s[8:]),
        lambda x, y, axis: np.mean(x, axis=axis) - np.mean(y, axis=axis),
        permutation_type="independent",
        alternative="greater",
        n_resamples=np.inf,
        vectorized=True,
    ).pvalue
    assert result.p_value == pytest.approx(scipy_p, abs=1e-12)
    observed = s[:8].sum() - s[8:].sum()
    count = sum(1 for chosen in itertools.combinations(range(16), 8) if 2 * s[list(chosen)].sum() - s.sum() >= observed - 1e-12)
    assert result.p_value == pytest.approx(count / math.comb(16, 8))


def test_sampled_p_value_is_seeded_and_close_to_the_exact_one():
    rng = np.random.default_rng(0)
    scores = np.concatenate([rng.normal(0.05, 0.1, 8), rng.normal(0.0, 0.1, 8)])
    exact = weat.permutation_p_value(scores, 8)
    sampled = weat.permutation_p_value(scores, 8, exact_limit=100, samples=50_000, seed=3)
    again = weat.permutation_p_value(scores, 8, exact_limit=100, samples=50_000, seed=3)
    other = weat.permutation_p_value(scores, 8, exact_limit=100, samples=50_000, seed=4)
    assert exact[1:] == ("exact", 12_870, 12_870) and sampled[1:] == ("sampled", 50_000, 12_870)
    assert sampled == again and sampled != other
    assert abs(sampled[0] - exact[0]) < 0.01


def test_large_sets_are_sampled_with_the_seed_said(minilm_static):
    test = weat.get_test("weat2")  # 21 + 21 known words: C(42, 21) splits
    result = _ours(minilm_static, [s.words for s in (test.x, test.y, test.a, test.b)], samples=2_000, seed=9)
    assert result.p_method == "sampled" and result.seed == 9 and result.permutations == 2_000
    assert result.total_splits == math.comb(42, 21)
    assert result.p_value == pytest.approx(1 / 2_001)  # no random split beats instruments vs weapons
    assert result.missing == {
        "x": ("bagpipe", "lute", "bassoon", "bongo"),
        "y": ("harpoon", "hatchet", "teargas", "slingshot"),
        "b": ("filth", "pollute"),
    }


def test_refusals_say_how_to_fix(minilm_static):
    with pytest.raises(weat.WeatError, match="'Flowers' lost 16 of 25") as caught:
        weat.weat(
            minilm_static, targets=weat.get_test("weat1").sets_in("en")[:2], attributes=weat.get_test("weat1").sets_in("en")[2:]
        )
    assert "allow a larger share" in str(caught.value) and isinstance(caught.value, InvalidInputError)
    with pytest.raises(weat.WeatError, match="empty"):
        weat.weat(minilm_static, targets=([], ["a"]), attributes=(["b"], ["c"]))
    with pytest.raises(InvalidInputError, match="std"):
        weat.weat(minilm_static, targets=(["man"], ["woman"]), attributes=(["he"], ["she"]), std="both")


@pytest.mark.parametrize("model_id, prefix", [("sidamingzhu", "zh-"), ("classics-en", "classics-")])
def test_the_shipped_sets_work_on_the_shipped_models(model_id, prefix):
    """The Chinese sets on the four-novel model, the classics sets on classics-en: every word known, a clear effect."""
    from embedlab.serving import registry

    spec = registry.all_specs().get(model_id)
    if spec is None or not spec.available:
        pytest.skip(f"the shipped {model_id} model is not built here (python -m embedlab build-shipped {model_id})")
    model = registry.load_model(model_id)
    tests = [t for t in weat.load_tests() if t.id.startswith(prefix)]
    assert len(tests) >= 3
    for test in tests:
        assert weat.usable(model, test)
        result = weat.weat(model, targets=test.sets_in("en")[:2], attributes=test.sets_in("en")[2:])
        assert not result.missing and result.effect_size > 0.5 and result.p_value < 0.05, test.id


def test_cli_json():
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "embedlab",
            "weat",
            "--model",
            "minilm-static",
            "--targets",
            "math,algebra,geometry|poetry,art,dance",
            "--attributes",
            "he,man,boy|she,woman,girl",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=True,
    )
    result = json.loads(out.stdout)
    assert {"effect_size", "p_value", "p_method", "std", "missing", "associations"} <= set(result)
    assert result["p_method"] == "exact" and result["std"] == "population" and result["total_splits"] == 20
    listed = json.loads(
        subprocess.run(
            [sys.executable, "-m", "embedlab", "weat", "--model", "minilm-static", "--test", "weat7", "--json"],
            capture_output=True,
            text=True,
            cwd=PROJECT_ROOT,
            check=True,
        ).stdout
    )
    assert listed["sets"]["x"]["name"] == "Math" and listed["effect_size"] > 0
    bad = subprocess.run(
        [sys.executable, "-m", "embedlab", "weat", "--model", "minilm-static", "--test", "weat1"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    assert bad.returncode == 1 and "lost 16 of 25" in bad.stderr
