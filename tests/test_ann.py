"""The HNSW index finds gensim's neighbours on real geometry, scores them as gensim does, and is cached."""

from __future__ import annotations

import numpy as np
import pytest
from gensim.models import KeyedVectors

from embedlab.errors import InvalidInputError, OutOfVocabularyError
from embedlab.io import vector_cache
from embedlab.static import ann
from embedlab.static.model import StaticModel, freeze, neighbors


@pytest.fixture(scope="module")
def words(minilm_static):
    """The first 8,000 words of minilm-static: real 384-d geometry, small enough to index in seconds."""
    kv = KeyedVectors(384, count=0)
    keys = minilm_static.kv.index_to_key[:8000]
    kv.add_vectors(keys, np.asarray(minilm_static.kv.vectors[:8000]))
    return StaticModel("minilm-static-8k", freeze(kv), "en")


@pytest.fixture(scope="module")
def built(words):
    """An HNSW index over ``words``, with the progress it reported."""
    calls = []
    index = ann.build(words.kv, m=16, ef_construction=80, progress=lambda d, t: calls.append((d, t)))
    return index, calls


def test_build_reports_progress(words, built):
    index, calls = built
    count = words.vocab_size
    assert calls[-1] == (count, count) and [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert index.count == count and index.dims == 384 and index.index.ntotal == count


def test_recall_and_scores_against_gensim(words, built):
    index, _ = built
    kv = words.kv
    rng = np.random.default_rng(1)
    queries = [kv.index_to_key[i] for i in rng.choice(len(kv.index_to_key), size=100, replace=False)]
    recalls = []
    for word in queries:
        exact = dict(kv.most_similar(word, topn=10))
        found = ann.approximate_neighbors(words, word, index, topn=10, ef=128)
        assert found.approximate and "approximate" in found.method and len(found.results) == 10
        scores = [s.score for s in found.results]
        assert scores == sorted(scores, reverse=True) and word not in [s.word for s in found.results]
        for scored in found.results:
            if scored.word in exact:  # the same word gets gensim's score
                assert scored.score == pytest.approx(exact[scored.word], abs=1e-5)
            else:  # a word gensim ranked lower cannot beat gensim's 10th
                assert scored.score <= min(exact.values()) + 1e-5
        recalls.append(len(exact.keys() & {s.word for s in found.results}) / 10)
    assert np.mean(recalls) >= 0.95


def test_save_and_load_round_trip(tmp_path, words, built):
    index, _ = built
    path = ann.save(index, words.kv, cache_root=tmp_path)
    assert path.is_file() and path.parent.parent == tmp_path / "ann"
    loaded = ann.load(words.kv, m=16, ef_construction=80, cache_root=tmp_path)
    assert loaded is not None and loaded.count == index.count
    word = "king"
    assert ann.approximate_neighbors(words, word, loaded).results == ann.approximate_neighbors(words, word, index).results
    assert ann.load(words.kv, m=32, ef_construction=80, cache_root=tmp_path) is None  # other parameters
    other = KeyedVectors(384, count=0)
    other.add_vectors(["a", "b"], np.ones((2, 384), dtype=np.float32))
    assert ann.load(other, m=16, ef_construction=80, cache_root=tmp_path) is None  # other vectors


def test_index_sits_next_to_the_vector_cache(tmp_path):
    rng = np.random.default_rng(0)
    source = tmp_path / "vectors.txt"
    lines = [f"{len(range(300))} 8"] + [f"w{i} " + " ".join(f"{v:.5f}" for v in rng.normal(size=8)) for i in range(300)]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    kv = vector_cache.load_text(source, cache=True, cache_root=tmp_path / "cache")
    built = ann.load_or_build(kv, m=8, ef_construction=40)
    path = ann.index_path(kv, m=8, ef_construction=40)
    assert path.parent == vector_cache.cache_folder(source, cache_root=tmp_path / "cache") and path.is_file()
    assert ann.load(kv, m=8, ef_construction=40).count == built.count == 300


def test_search_is_exact_below_the_threshold(words, built):
    index, _ = built
    exact = ann.search(words, "queen", topn=7, index=index)  # 8,000 words < AUTO_THRESHOLD
    assert not exact.approximate and exact.method == "exact"
    assert list(exact.results) == neighbors(words, "queen", topn=7)
    assert not ann.search(words, "queen", index=index, threshold=0, metric="euclidean").approximate
    approx = ann.search(words, "queen", topn=7, index=index, threshold=0)
    assert approx.approximate and len(approx.results) == 7
    assert not ann.search(words, "queen", topn=7, index=None, threshold=0).approximate


def test_bad_input_is_clear(words, built):
    index, _ = built
    with pytest.raises(OutOfVocabularyError, match="qwertyzzz"):
        ann.approximate_neighbors(words, "qwertyzzz", index)
    with pytest.raises(InvalidInputError, match="topn"):
        ann.approximate_neighbors(words, "king", index, topn=0)
    with pytest.raises(InvalidInputError, match="M"):
        ann.build(words.kv, m=1)


def test_zero_vectors_do_not_break_the_index():
    kv = KeyedVectors(4, count=0)
    kv.add_vectors(
        ["zero", "a", "b", "c"], np.array([[0, 0, 0, 0], [1, 0, 0, 0], [0.9, 0.1, 0, 0], [0, 1, 0, 0]], dtype=np.float32)
    )
    model = StaticModel("tiny", freeze(kv))
    index = ann.build(kv, m=4, ef_construction=8)
    assert [s.word for s in ann.approximate_neighbors(model, "a", index, topn=2).results][0] == "b"
