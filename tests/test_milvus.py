"""Milvus Lite and a Milvus server: an indexed vector finds itself first, and results agree with exact search.

The same tests run on both, through the same code (``milvus_store.connect``): a Lite file, and a
real Milvus standalone server (the ``milvus`` test package, v2.3.5, started on a loopback port).
"""

from __future__ import annotations

import numpy as np
import pytest

from embedlab.errors import InvalidInputError
from embedlab.serving import milvus_store


@pytest.fixture(scope="module", params=["lite", "server"])
def store(request, tmp_path_factory):
    if request.param == "lite":
        instance = milvus_store.connect(tmp_path_factory.mktemp("milvus") / "test.db")
    else:
        instance = milvus_store.connect(request.getfixturevalue("milvus_server_uri"))
    assert instance.target.lite == (request.param == "lite")
    yield instance
    for name in instance.client.list_collections():  # a server outlives the module
        instance.client.drop_collection(name)
    instance.client.close()


@pytest.fixture(scope="module")
def words(minilm_static):
    """2,000 real word vectors (minilm-static), unit length, with their words as the texts."""
    kv = minilm_static.kv
    texts = kv.index_to_key[1000:3000]
    return texts, np.stack([kv.get_vector(w, norm=True) for w in texts])


def test_indexed_vectors_find_themselves_and_agree_with_exact_search(store, words):
    texts, vectors = words
    name = milvus_store.collection_name("minilm-static", "words 1000-3000")
    assert milvus_store.index_vectors(store, name, texts, vectors, index_type="FLAT") == len(texts)
    assert milvus_store.count(store, name) == len(texts)
    rng = np.random.default_rng(0)
    queries = rng.choice(len(texts), size=25, replace=False)
    answers = milvus_store.search_vectors(store, name, vectors[queries], topn=10)
    for row, hits in zip(queries, answers):
        assert hits[0].id == row and hits[0].text == texts[row] and hits[0].score == pytest.approx(1.0, abs=1e-5)
        exact = vectors @ vectors[row]
        best = np.argsort(-exact, kind="stable")[:10]
        assert [h.id for h in hits] == best.tolist() or np.allclose(
            sorted(exact[[h.id for h in hits]]), sorted(exact[best]), atol=1e-5
        )
        np.testing.assert_allclose([h.score for h in hits], exact[[h.id for h in hits]], atol=1e-5)


def test_default_index_agrees_too(store, words):
    texts, vectors = words
    name = milvus_store.collection_name("minilm-static", "auto index")
    milvus_store.index_vectors(store, name, texts, vectors)  # AUTOINDEX, as on a server
    hits = milvus_store.search_vectors(store, name, vectors[:5], topn=5)
    for row, found in enumerate(hits):
        assert found[0].id == row
        assert {h.id for h in found} == set(np.argsort(-(vectors @ vectors[row]))[:5].tolist())


def test_search_by_free_text_with_a_sentence_model(store):
    from embedlab.serving.registry import load_model

    model = load_model("minilm", kind="sentence")
    encode = milvus_store.sentence_encoder(model)
    sentences = [
        "The White Rabbit took a watch out of its waistcoat-pocket.",
        "The Queen of Hearts shouted 'Off with her head!'",
        "Alice drank from the little bottle and began to shrink.",
        "The Mad Hatter poured tea at the endless tea party.",
        "Stock markets fell sharply after the interest rate rise.",
        "<script>alert('x')</script> should be stored as plain text",
    ]
    name = milvus_store.collection_name("minilm", "six sentences")
    progress = []
    count = milvus_store.index_sentences(
        store, name, sentences + ["", "   "], encode, index_type="FLAT", progress=lambda d, t: progress.append((d, t)), batch=4
    )
    assert count == 6 and progress[-1] == (6, 6)
    hits = milvus_store.search_text(store, name, "a rabbit checking the time on a pocket watch", encode, topn=3)
    assert hits[0].text == sentences[0]
    exact = encode(sentences) @ encode(["a rabbit checking the time on a pocket watch"])[0]
    np.testing.assert_allclose([h.score for h in hits], np.sort(exact)[::-1][:3], atol=1e-4)
    assert milvus_store.search_text(store, name, "html script tag", encode, topn=6)[0].text.startswith("<script>")


def test_bad_requests_are_clear(store, words):
    texts, vectors = words
    with pytest.raises(InvalidInputError, match="index the corpus first"):
        milvus_store.search_vectors(store, "el_never_indexed", vectors[:1])
    with pytest.raises(InvalidInputError, match="Type something"):
        milvus_store.search_text(store, "el_never_indexed", "   ", lambda t: vectors[:1])
    with pytest.raises(InvalidInputError, match="too long"):
        milvus_store.search_text(store, "el_never_indexed", "x" * 5000, lambda t: vectors[:1])
    with pytest.raises(InvalidInputError, match="topn"):
        milvus_store.search_vectors(store, "el_never_indexed", vectors[:1], topn=0)
    with pytest.raises(InvalidInputError, match="No sentences"):
        milvus_store.index_sentences(store, "el_empty", ["", " "], lambda t: vectors[: len(t)])
    with pytest.raises(milvus_store.MilvusUnavailableError, match=r"Milvus server \(http://127.0.0.1:9\) is not answering"):
        milvus_store.connect("http://127.0.0.1:9")


def test_target_comes_from_config_or_environment(tmp_path, monkeypatch):
    config = tmp_path / "embedlab.toml"
    config.write_text('[milvus]\nuri = "http://milvus.example:19530"\ntoken = "root:Milvus"\n', encoding="utf-8")
    monkeypatch.setenv("EMBEDLAB_CONFIG", str(config))
    monkeypatch.delenv("EMBEDLAB_MILVUS_URI", raising=False)
    found = milvus_store.target()
    assert found == milvus_store.Target("http://milvus.example:19530", "root:Milvus") and not found.lite
    monkeypatch.setenv("EMBEDLAB_MILVUS_URI", str(tmp_path / "lite.db"))
    assert milvus_store.target().lite
    config.write_text("", encoding="utf-8")
    monkeypatch.delenv("EMBEDLAB_MILVUS_URI")
    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(tmp_path / "models"))
    assert milvus_store.target().uri == str(tmp_path / "models" / ".cache" / "milvus.db")


def test_collection_names_are_valid_and_distinct():
    names = {milvus_store.collection_name(m, c) for m in ("minilm", "BAAI/bge-m3") for c in ("三国演义.txt", "a b", "a_b")}
    assert len(names) == 6
    assert all(n.startswith("el_") and n.replace("_", "").isalnum() and n.isascii() for n in names)


def test_search_page_works_against_a_milvus_server(milvus_server_uri, monkeypatch, data_dir):
    from helpers import app_test

    from embedlab import ui

    monkeypatch.setenv("EMBEDLAB_MILVUS_URI", milvus_server_uri)  # what a deployment sets
    ui.milvus.clear()
    try:
        at = app_test(
            "pages/search.py", model="minilm", corpus="alice", n="60", q="a rabbit with a pocket watch", topn="3", lang="en"
        )
        assert not at.exception and not at.error
        captions = " ".join(caption.value for caption in at.caption)
        assert f"Milvus server ({milvus_server_uri})" in captions.replace("\\", ""), captions
        sentences = list(at.dataframe[0].value.iloc[:, 1])
        assert len(sentences) == 3 and any("watch" in s.lower() and "rabbit" in s.lower() for s in sentences[:2])
    finally:
        ui.milvus.clear()
