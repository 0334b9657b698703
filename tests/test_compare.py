"""Comparing two static models: Procrustes alignment (against scipy and numpy) and the words that moved."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest
from gensim.models import KeyedVectors
from helpers import PROJECT_ROOT, segment_novel
from scipy.linalg import orthogonal_procrustes
from scipy.stats import ortho_group, spearmanr

from embedlab.errors import InvalidInputError, OutOfVocabularyError
from embedlab.static import compare
from embedlab.static.model import StaticModel, freeze

VOCAB = 2_000


def _copy(model: StaticModel, vectors: np.ndarray, model_id: str, words: list[str] | None = None) -> StaticModel:
    words = list(model.kv.index_to_key) if words is None else words
    kv = KeyedVectors(vector_size=vectors.shape[1], dtype=np.float32)
    kv.add_vectors(words, vectors.astype(np.float32))
    return StaticModel(model_id, freeze(kv), model.language, "test copy")


@pytest.fixture(scope="module")
def rotated(minilm_static):
    """minilm-static multiplied by a random orthogonal matrix Q (B = A Q)."""
    q = ortho_group.rvs(minilm_static.dims, random_state=3)
    return _copy(minilm_static, minilm_static.kv.vectors @ q, "minilm-rotated"), q


@pytest.fixture(scope="module")
def itself(minilm_static):
    return compare.compare(minilm_static, minilm_static, vocab=VOCAB)


def _unit(rows: np.ndarray) -> np.ndarray:
    rows = rows.astype(np.float64)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_a_model_against_itself_moves_nothing(itself):
    assert itself.shared == VOCAB
    np.testing.assert_allclose(itself.cosines, 1.0, atol=1e-9)
    np.testing.assert_array_equal(itself.overlaps, 1.0)
    np.testing.assert_allclose(itself.rotation, np.eye(itself.rotation.shape[0]), atol=1e-9)
    assert itself.mean_cosine == pytest.approx(1.0) and itself.mean_cosine_before == pytest.approx(1.0)
    assert itself.reduced_to is None and itself.note == ""
    assert all(s.cosine == pytest.approx(1.0) and s.overlap == 1.0 for s in compare.follow(itself, ["king", "zebra"]))


def test_a_rotated_copy_aligns_perfectly_and_the_rotation_is_found(minilm_static, rotated):
    model_b, q = rotated
    result = compare.compare(minilm_static, model_b, vocab=VOCAB)
    assert result.mean_cosine > 0.9999
    assert result.cosines.min() > 0.999
    assert abs(result.mean_cosine_before) < 0.2  # the raw coordinates disagree before the rotation
    np.testing.assert_allclose(result.rotation, q.T, atol=1e-4)  # B Qᵀ = A
    # The neighbour overlap needs no alignment: a rotation leaves every neighbour list as it was
    # (float32 rounding may swap a near tie at the list's edge).
    assert result.overlaps.mean() > 0.995


def test_the_rotation_equals_scipys_and_the_svd_solution(minilm_static, rotated):
    model_b, _ = rotated
    noisy = _copy(
        model_b, model_b.kv.vectors + np.random.default_rng(0).normal(scale=0.02, size=model_b.kv.vectors.shape), "noisy"
    )
    result = compare.compare(minilm_static, noisy, vocab=VOCAB)
    words = compare.shared_vocabulary(minilm_static, noisy, size=VOCAB)
    assert list(result.words) == words
    a = _unit(np.stack([minilm_static.kv[w] for w in words]))
    b = _unit(np.stack([noisy.kv[w] for w in words]))
    expected, _ = orthogonal_procrustes(b, a)
    np.testing.assert_allclose(result.rotation, expected, atol=1e-10)
    u, _, vt = np.linalg.svd(b.T @ a)  # Schönemann: R = U Vᵀ of Bᵀ A
    np.testing.assert_allclose(result.rotation, u @ vt, atol=1e-8)
    aligned = _unit(b @ expected)
    np.testing.assert_allclose(result.cosines, np.sum(a * aligned, axis=1), atol=1e-10)
    assert result.mean_cosine == pytest.approx(float(np.mean(np.sum(a * aligned, axis=1))))


def test_overlap_equals_a_plain_neighbour_count(minilm_static, rotated):
    model_b, _ = rotated
    noisy = _copy(
        model_b, model_b.kv.vectors + np.random.default_rng(1).normal(scale=0.05, size=model_b.kv.vectors.shape), "noisy"
    )
    result = compare.compare(minilm_static, noisy, vocab=500, topn=5)
    a = _unit(np.stack([minilm_static.kv[w] for w in result.words]))
    b = _unit(np.stack([noisy.kv[w] for w in result.words]))
    for i in (0, 7, 123, 499):
        near_a = set(np.argsort(-(a @ a[i]))[1:6])
        near_b = set(np.argsort(-(b @ b[i]))[1:6])
        assert result.overlaps[i] == pytest.approx(len(near_a & near_b) / 5)


def test_different_widths_are_refused_or_reduced_with_a_message(minilm_static):
    from sklearn.decomposition import PCA

    words = list(minilm_static.kv.index_to_key)
    narrow = PCA(n_components=100, random_state=0).fit_transform(minilm_static.kv.vectors)
    model_b = _copy(minilm_static, narrow @ ortho_group.rvs(100, random_state=5), "minilm-100")
    with pytest.raises(compare.DimensionMismatchError, match="384 dimensions .* 100") as caught:
        compare.compare(minilm_static, model_b, vocab=VOCAB, reduce=False)
    assert isinstance(caught.value, InvalidInputError) and caught.value.reason == "dims"
    result = compare.compare(minilm_static, model_b, vocab=VOCAB)
    assert result.reduced_to == 100 and result.rotation.shape == (100, 100)
    assert re.search(r"384 dimensions .* 100: both were reduced to 100 by PCA", result.note)
    assert 0 < result.explained[0] <= 1 and result.explained[1] == pytest.approx(1.0, abs=0.05)
    assert result.mean_cosine > 0.8  # the same words, seen through PCA
    assert result.mean_cosine_before is None
    assert len(words) == model_b.vocab_size


def test_moved_ranks_by_cosine_or_overlap(minilm_static, rotated):
    model_b, _ = rotated
    rng = np.random.default_rng(2)
    vectors = model_b.kv.vectors.copy()
    shuffled = ["king", "music", "river"]
    for word in shuffled:  # give three words random vectors: they must top the moved list
        vectors[model_b.kv.key_to_index[word]] = rng.normal(size=model_b.dims) * np.linalg.norm(vectors[0])
    moved_model = _copy(model_b, vectors, "moved")
    result = compare.compare(minilm_static, moved_model, vocab=VOCAB)
    most = compare.moved(result, limit=3)
    assert {s.word for s in most} == set(shuffled)
    assert [s.cosine for s in most] == sorted(s.cosine for s in most)
    by_overlap = compare.moved(result, by="overlap", limit=10)
    assert [s.overlap for s in by_overlap] == sorted(s.overlap for s in by_overlap)
    least = compare.moved(result, most=False, limit=5)
    assert all(s.cosine > 0.999 for s in least)
    followed = {s.word: s for s in compare.follow(result, ["king", "queen"])}
    assert followed["king"].cosine < 0.3 and followed["queen"].cosine > 0.99
    pair = compare.side_by_side(result, "queen")  # same neighbours, except the word that moved away
    assert [s.word for s in pair.a if s.word not in shuffled][:5] == [s.word for s in pair.b if s.word not in shuffled][:5]
    assert "king" in {s.word for s in pair.a} - {s.word for s in pair.b}
    assert len(compare.side_by_side(result, "king").common) <= 1
    points = compare.picture(result, ["king", "queen", "apple"])  # apple: outside the aligned words, same rotation
    king = next(p for p in points if p.word == "king")
    queen = next(p for p in points if p.word == "queen")
    assert np.hypot(king.b_x - king.a_x, king.b_y - king.a_y) > 10 * np.hypot(queen.b_x - queen.a_x, queen.b_y - queen.a_y)


def test_unknown_words_name_the_model_that_lacks_them(minilm_static):
    words = list(minilm_static.kv.index_to_key[:3000])
    smaller = _copy(minilm_static, minilm_static.kv.vectors[:3000], "minilm-3000", words)
    result = compare.compare(minilm_static, smaller, vocab=1_000)
    missing = next(w for w in minilm_static.kv.index_to_key[3000:] if w.isalpha())
    with pytest.raises(OutOfVocabularyError) as caught:
        compare.follow(result, [missing])
    assert caught.value.model_id == "minilm-3000" and missing in caught.value.missing


def test_too_few_shared_words_is_explained(minilm_static):
    other = _copy(minilm_static, np.ones((3, 4)), "tiny", ["x1", "x2", "x3"])
    with pytest.raises(compare.CompareError, match="share only 0 words"):
        compare.compare(minilm_static, other, vocab=100)
    with pytest.raises(InvalidInputError, match="from 10 to 20,000"):
        compare.compare(minilm_static, minilm_static, vocab=5)


@pytest.fixture(scope="module")
def sanguo_skipgram(data_dir):
    """Skip-gram on 三国演义, to set beside the session's CBOW on the same novel (about 10 s)."""
    from gensim.models import Word2Vec

    sentences = segment_novel(data_dir / "corpora" / "zh" / "sanguo_yanyi.txt")
    model = Word2Vec(sentences, vector_size=100, window=5, min_count=3, sg=1, epochs=5, seed=11, workers=2)
    return StaticModel("sanguo-sg-test", freeze(model.wv), "zh", "skip-gram on 三国演义")


def test_cbow_and_skipgram_on_one_novel_the_two_measures_agree(zh_w2v, sanguo_skipgram):
    """The issue's example: alignment is needed (raw coordinates disagree), fits well, and the words
    that moved by the aligned cosine also lost their neighbours (the alignment-free measure)."""
    result = compare.compare(zh_w2v, sanguo_skipgram, vocab=1_000)
    assert result.shared == 1_000
    assert abs(result.mean_cosine_before) < 0.1
    assert 0.6 < result.mean_cosine < 0.95
    rho = spearmanr(result.cosines, result.overlaps).statistic
    assert rho > 0.15, rho  # the alignment-free measure agrees with the aligned one
    pair = compare.side_by_side(result, "刘备")
    assert len(pair.a) == 10 and pair.common


@pytest.mark.parametrize("extra", [[], ["--words", "king,queen", "--vocab", "500", "--top", "3"]])
def test_cli_json(extra):
    out = subprocess.run(
        [sys.executable, "-m", "embedlab", "compare", "--model", "minilm-static", "--model-b", "minilm-static", "--json", *extra],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        check=True,
    )
    result = json.loads(out.stdout)
    assert set(result["alignment"]) >= {"mean_cosine", "shared"}
    assert result["alignment"]["mean_cosine"] == pytest.approx(1.0)
    assert result["alignment"]["shared"] == (500 if extra else compare.DEFAULT_VOCAB)
    assert all(set(row) == {"word", "cosine", "overlap"} and row["overlap"] == 1.0 for row in result["moved"])
    if extra:
        assert len(result["moved"]) == 3 and [w["word"] for w in result["words"]] == ["king", "queen"]
        assert result["words"][0]["neighbors_a"] == result["words"][0]["neighbors_b"]


def test_cli_unknown_word_exits_2():
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "embedlab",
            "compare",
            "--model",
            "minilm-static",
            "--model-b",
            "minilm-static",
            "--vocab",
            "100",
            "--words",
            "qqqzzz",
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
    )
    assert out.returncode == 2 and "qqqzzz" in out.stderr
