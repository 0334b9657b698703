"""Static-vector operations equal gensim's on the same vectors (same words, same order, scores within 1e-5)."""

from __future__ import annotations

import numpy as np
import pytest
from gensim.models import KeyedVectors

from embedlab.errors import InvalidInputError, OutOfVocabularyError
from embedlab.static import model as static
from embedlab.static.model import StaticModel, freeze


@pytest.fixture(scope="module")
def tiny() -> StaticModel:
    """Hand-built 4-d vectors with a clear geometry (royalty axis, gender axis, fruit)."""
    words = {
        "king": [1.0, 1.0, 0.0, 0.1],
        "queen": [1.0, -1.0, 0.0, 0.1],
        "man": [0.0, 1.0, 0.0, 0.0],
        "woman": [0.0, -1.0, 0.0, 0.0],
        "prince": [0.6, 1.0, 0.3, 0.4],
        "princess": [0.6, -1.0, 0.3, 0.4],
        "apple": [0.0, 0.0, 1.0, 0.0],
        "pear": [0.1, 0.0, 1.0, 0.1],
        "banana": [0.0, 0.1, 0.9, -0.1],
        "苹果": [0.0, 0.0, 1.0, 0.05],
        "苹果手机": [0.3, 0.0, 0.6, 0.6],
    }
    kv = KeyedVectors(vector_size=4)
    kv.add_vectors(list(words), np.array(list(words.values()), dtype=np.float32))
    return StaticModel("tiny", freeze(kv), "multi", "hand-built")


def _plain_kv(model: StaticModel) -> KeyedVectors:
    """An independent, writable gensim copy to compute the reference answers."""
    kv = KeyedVectors(vector_size=model.dims)
    kv.add_vectors(list(model.kv.index_to_key), np.array(model.kv.vectors))
    return kv


def _same(ours, theirs):
    assert [s.word for s in ours] == [w for w, _ in theirs]
    np.testing.assert_allclose([s.score for s in ours], [s for _, s in theirs], atol=1e-5)


def test_neighbors_equal_gensim_on_hand_built(tiny):
    reference = _plain_kv(tiny)
    for word in ["king", "apple", "苹果"]:
        _same(static.neighbors(tiny, word, topn=5), reference.most_similar(word, topn=5))


def test_analogy_add_and_mul_equal_gensim_on_hand_built(tiny):
    reference = _plain_kv(tiny)
    ours = static.analogy(tiny, positive=["king", "woman"], negative="man", topn=3)
    _same(ours.results, reference.most_similar(positive=["king", "woman"], negative=["man"], topn=3))
    assert ours.results[0].word == "queen"
    ours = static.analogy(tiny, positive=["king", "woman"], negative=["man"], method="mul", topn=3)
    _same(ours.results, reference.most_similar_cosmul(positive=["king", "woman"], negative=["man"], topn=3))


def test_positive_and_negative_accept_one_word_or_a_list(tiny):
    one = static.analogy(tiny, positive="king", negative="man", topn=3)
    many = static.analogy(tiny, positive=["king"], negative=["man"], topn=3)
    assert one.results == many.results
    assert static.analogy(tiny, positive="king", topn=2).negative == ()


def test_arithmetic_label_keeps_words_readable():
    assert static.arithmetic_label(["诸葛亮", "水浒传"], ["三国演义"]) == "(诸葛亮 + 水浒传 − 三国演义)"


def test_similarity_matrix_rank_odd_one_out_equal_gensim(tiny):
    reference = _plain_kv(tiny)
    words = ["king", "queen", "apple", "pear"]
    matrix = static.similarity_matrix(tiny, words)
    for i, a in enumerate(words):
        for j, b in enumerate(words):
            assert matrix[i, j] == pytest.approx(reference.similarity(a, b), abs=1e-5)
    assert static.similarity(tiny, "king", "queen") == pytest.approx(reference.similarity("king", "queen"), abs=1e-6)
    assert (
        static.odd_one_out(tiny, ["apple", "pear", "banana", "king"])
        == reference.doesnt_match(["apple", "pear", "banana", "king"])
        == "king"
    )
    assert static.rank(tiny, "king", "prince") == reference.rank("king", "prince")


def test_euclidean_neighbors_match_brute_force(tiny):
    vectors = tiny.kv.vectors
    query = tiny.kv["king"]
    distances = np.linalg.norm(vectors - query, axis=1)
    order = [i for i in np.argsort(distances, kind="stable") if tiny.kv.index_to_key[i] != "king"][:4]
    ours = static.neighbors(tiny, "king", topn=4, metric="euclidean")
    assert [s.word for s in ours] == [tiny.kv.index_to_key[i] for i in order]
    np.testing.assert_allclose([s.score for s in ours], distances[order], atol=1e-5)


def test_out_of_vocabulary_names_every_missing_word_with_suggestions(tiny):
    with pytest.raises(OutOfVocabularyError) as caught:
        static.analogy(tiny, positive=["kin", "woman"], negative=["苹"], topn=3)
    assert list(caught.value.missing) == ["kin", "苹"]
    assert caught.value.missing["kin"][0] == "king"
    assert set(caught.value.missing["苹"]) == {"苹果", "苹果手机"}
    assert "kin" in str(caught.value) and "苹" in str(caught.value)


def test_suggestions_for_chinese_share_characters(tiny):
    assert static.suggest(tiny, "果苹") == ["苹果", "苹果手机"]
    assert static.suggest(tiny, "zzz") == []


def test_unknown_words_never_become_zero_vectors(tiny):
    with pytest.raises(OutOfVocabularyError):
        static.vector(tiny, "unknown")
    with pytest.raises(OutOfVocabularyError):
        static.similarity_matrix(tiny, ["king", "unknown"])


@pytest.mark.parametrize("bad", ["", "   ", "x" * 10_000])
def test_bad_words_get_clear_errors(tiny, bad):
    with pytest.raises(InvalidInputError):
        static.neighbors(tiny, bad)


@pytest.mark.parametrize("topn", [0, -1, 10_000, "5"])
def test_bad_topn_is_rejected(tiny, topn):
    with pytest.raises(InvalidInputError):
        static.neighbors(tiny, "king", topn=topn)


def test_arrays_are_read_only(tiny):
    with pytest.raises(ValueError):
        tiny.kv.vectors[0, 0] = 1.0


def test_minilm_static_is_the_whole_word_token_table(minilm_static):
    assert 22_000 < minilm_static.vocab_size < 23_000
    assert minilm_static.dims == 384
    assert "king" in minilm_static and "##s" not in minilm_static and "[CLS]" not in minilm_static


def test_minilm_static_equals_gensim(minilm_static):
    reference = _plain_kv(minilm_static)
    for word in ["king", "paris", "computer"]:
        _same(static.neighbors(minilm_static, word, topn=10), reference.most_similar(word, topn=10))
    ours = static.analogy(minilm_static, positive=["king", "woman"], negative=["man"], topn=10)
    _same(ours.results, reference.most_similar(positive=["king", "woman"], negative=["man"], topn=10))
    assert ours.results[0].word == "queen"
    ours = static.analogy(minilm_static, positive=["king", "woman"], negative=["man"], method="mul", topn=10)
    _same(ours.results, reference.most_similar_cosmul(positive=["king", "woman"], negative=["man"], topn=10))


def test_trained_chinese_model_equals_gensim_and_finds_zhuge_liang_neighbours(zh_w2v):
    reference = _plain_kv(zh_w2v)
    ours = static.neighbors(zh_w2v, "诸葛亮", topn=10)
    _same(ours, reference.most_similar("诸葛亮", topn=10))
    assert {"刘备", "司马懿", "孔明", "玄德"} & {s.word for s in ours}
    analogy = static.analogy(zh_w2v, positive=["刘备", "曹操"], negative=["关羽"], method="mul", topn=5)
    _same(analogy.results, reference.most_similar_cosmul(positive=["刘备", "曹操"], negative=["关羽"], topn=5))


def test_analogy_picture_places_every_word_and_the_result(minilm_static):
    result = static.analogy(minilm_static, positive=["king", "woman"], negative=["man"], topn=5)
    points = static.analogy_picture(minilm_static, result)
    assert [p.role for p in points].count("answer") == 5
    assert points[-1].role == "result" and points[-1].label == "(king + woman − man)"
    # The target vector sits closer (in 2-D) to the top answer than to the negative word.
    target = np.array([points[-1].x, points[-1].y])
    queen = next(p for p in points if p.label == "queen")
    man = next(p for p in points if p.label == "man")
    assert np.linalg.norm(target - [queen.x, queen.y]) < np.linalg.norm(target - [man.x, man.y])
