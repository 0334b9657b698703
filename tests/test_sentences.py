"""Sentence encoders through pymilvus[model], for real.

BGE-M3 runs on a tiny random XLM-R written to disk with a Unigram tokenizer trained here by
``tokenizers`` (plus BGE-M3's sparse and ColBERT heads), loaded by pymilvus-model's
``BGEM3EmbeddingFunction`` exactly as the real BAAI/bge-m3 folder would be. MiniLM runs through
``SentenceTransformerEmbeddingFunction`` on the bundled checkpoint.
"""

from __future__ import annotations

import dataclasses
import json
import shutil

import numpy as np
import pytest
from tiny_checkpoints import TINY_EN_TEXT, build_tiny_xlmr_bge_m3

from embedlab.config import load_settings
from embedlab.contextual import sentences
from embedlab.contextual.encoding import sentence_vectors, word_in_context
from embedlab.contextual.model import ContextualModel, load_contextual
from embedlab.errors import InvalidInputError, MissingDependencyError
from embedlab.serving import registry

TEXTS = ["He works at Apple.", "他在吃苹果。", "I like this book.", "I don't like this book."]


@pytest.fixture(scope="session")
def tiny_m3_folder(tmp_path_factory):
    return build_tiny_xlmr_bge_m3(tmp_path_factory.mktemp("tiny-bge-m3"))


@pytest.fixture(scope="session")
def tiny_m3(tiny_m3_folder) -> sentences.BGEM3Encoder:
    return sentences.BGEM3Encoder(tiny_m3_folder, model_id="tiny-bge-m3")


@pytest.fixture(scope="session")
def minilm_st() -> sentences.SentenceTransformerEncoder:
    from embedlab.io.bundled import minilm_path

    return sentences.SentenceTransformerEncoder(minilm_path(), model_id="minilm")


# ---------------------------------------------------------------- BGE-M3 through pymilvus[model]


def test_bge_m3_dense_vectors_have_the_model_width_and_unit_length(tiny_m3):
    from pymilvus.model.hybrid import BGEM3EmbeddingFunction

    assert isinstance(tiny_m3.function, BGEM3EmbeddingFunction)
    result = tiny_m3.encode(TEXTS)
    assert result.vectors.shape == (4, 32) and result.kind == "bge-m3"
    np.testing.assert_allclose(np.linalg.norm(result.vectors, axis=1), 1.0, atol=1e-5)
    assert tiny_m3.function.dim["dense"] == 32


def test_bge_m3_sparse_weights_are_keyed_by_the_sentence_tokens(tiny_m3):
    result = tiny_m3.encode(TEXTS)
    tokenizer = tiny_m3.tokenizer
    reference = tiny_m3.function.model.encode(list(TEXTS), return_dense=False, return_sparse=True)["lexical_weights"]
    for text, weights, theirs in zip(TEXTS, result.lexical, reference):
        tokens = set(tokenizer.tokenize(text))
        assert weights and {token for token, _ in weights} <= tokens
        assert all(w > 0 for _, w in weights)
        assert [w for _, w in weights] == sorted((w for _, w in weights), reverse=True)
        # Same weights as FlagEmbedding's own output, keyed by token instead of id.
        as_ids = {tokenizer.convert_tokens_to_ids(token): w for token, w in weights}
        assert as_ids == pytest.approx({int(k): float(v) for k, v in theirs.items()}, abs=1e-6)


def test_bge_m3_dense_is_the_normalised_cls_of_its_own_xlmr(tiny_m3):
    # BGE-M3's dense vector is the [CLS] state; our engine reads the same weights through .contextual.
    assert isinstance(tiny_m3.contextual, ContextualModel)
    ours = sentence_vectors(tiny_m3.contextual, TEXTS, pooling="cls").vectors
    np.testing.assert_allclose(ours, tiny_m3.encode(TEXTS).vectors, atol=1e-5)


def test_xlmr_span_pooling_goes_through_sentencepiece_offsets(tiny_m3_folder):
    model = load_contextual(tiny_m3_folder)
    assert model.max_length == 128  # 130 positions minus XLM-R's padding offset
    found = word_in_context(model, "apple", ["He works at Apple.", "He ate an apple."])
    for occurrence in found.occurrences:
        assert "".join(occurrence.tokens).replace("▁", "").lower() == "apple"
    found = word_in_context(model, "苹果", ["他在吃苹果。", "苹果公司发布了新手机。"])
    assert all("".join(o.tokens).replace("▁", "") == "苹果" for o in found.occurrences)


def test_bge_m3_truncates_at_its_positions_with_a_note(tiny_m3):
    result = tiny_m3.encode(["I like this book.", " ".join(TINY_EN_TEXT * 20)])
    assert result.truncated == (1,) and "128" in result.note


def test_registry_loads_a_bge_m3_folder_through_pymilvus(tiny_m3_folder, tmp_path):
    shutil.copytree(tiny_m3_folder, tmp_path / "bge-m3-tiny")
    settings = dataclasses.replace(load_settings(), models_dir=tmp_path)
    assert sentences.is_bge_m3(tmp_path / "bge-m3-tiny") and sentences.is_bge_m3("BAAI/bge-m3")
    assert "bge-m3-tiny" in [s.id for s in registry.list_models(kind="contextual", settings=settings)]
    loaded = registry.load_model("bge-m3-tiny", settings=settings)
    assert isinstance(loaded, sentences.BGEM3Encoder) and loaded.model_id == "bge-m3-tiny"
    assert sentences.own_encoder(loaded) is loaded


def test_bge_m3_hub_id_missing_offline_says_how_to_get_it():
    spec = registry.get_spec("BAAI/bge-m3")
    assert "contextual" in spec.kinds and "sentence" in spec.kinds
    if not spec.available:
        with pytest.raises(InvalidInputError, match="huggingface-cli download BAAI/bge-m3"):
            spec.load()


# ---------------------------------------------------------------- sentence-transformers through pymilvus[model]


def test_sentence_transformer_paraphrase_scores_above_unrelated(minilm_st):
    result = minilm_st.encode(
        ["A man is playing a guitar.", "Someone is strumming a guitar.", "The stock market fell sharply today."]
    )
    sim = result.similarity
    assert sim[0, 1] > sim[0, 2] and sim[0, 1] > sim[1, 2]
    assert result.closest_pair[:2] == (0, 1)
    np.testing.assert_allclose(np.linalg.norm(result.vectors, axis=1), 1.0, atol=1e-5)


def test_sentence_transformer_equals_our_mean_pooling_of_the_same_model(minilm_st):
    from embedlab.serving.registry import load_model

    engine = sentences.BertPoolingEncoder(load_model("minilm"), pooling="mean").encode(TINY_EN_TEXT)
    np.testing.assert_allclose(minilm_st.encode(TINY_EN_TEXT).vectors, engine.vectors, atol=1e-5)


def test_sentence_transformer_notes_truncation(minilm_st):
    result = minilm_st.encode(["Short.", "word " * 400])
    assert result.truncated == (1,) and "256" in result.note


# ---------------------------------------------------------------- comparing encoders


def test_compare_puts_encoders_side_by_side(minilm_st):
    from embedlab.serving.registry import load_model

    minilm = load_model("minilm")
    encoders = [
        sentences.BertPoolingEncoder(minilm, pooling="mean"),
        sentences.BertPoolingEncoder(minilm, pooling="cls"),
        minilm_st,
    ]
    trio = ["I like this book.", "This book is very interesting.", "I don't like this book."]
    result = sentences.compare(encoders, trio)
    assert [r.kind for r in result.results] == ["mean", "cls", "sentence-transformers"]
    np.testing.assert_allclose(result.difference(0, 2), 0.0, atol=1e-5)  # MiniLM's pipeline is mean pooling
    assert np.abs(result.difference(0, 1)).max() > 0.05
    pairs = result.pair_scores()
    assert [(i, j) for i, j, _ in pairs] == [(0, 1), (0, 2), (1, 2)]
    for i, j, scores in pairs:
        assert scores == pytest.approx([r.similarity[i, j] for r in result.results])
    with pytest.raises(InvalidInputError, match="from 2 to 50"):
        sentences.compare(encoders, trio[:1])
    with pytest.raises(InvalidInputError, match="at least one encoder"):
        sentences.compare([], trio)


# fastencode exports with torch's TorchScript exporter on purpose (dynamo=False); torch warns about it
@pytest.mark.filterwarnings("ignore:You are using the legacy TorchScript-based ONNX export:DeprecationWarning")
def test_every_encoder_class_satisfies_the_sentence_encoder_protocol(minilm_st, tiny_m3):
    from embedlab.contextual import fastencode
    from embedlab.io.bundled import minilm_path
    from embedlab.serving.registry import load_model

    minilm = load_model("minilm")
    encoders = [sentences.BertPoolingEncoder(minilm, pooling="cls"), minilm_st, tiny_m3]
    if fastencode.available():
        encoders.append(fastencode.OnnxSentenceEncoder(minilm_path(), model_id="minilm"))
    for encoder in encoders:
        assert isinstance(encoder, sentences.SentenceEncoder), type(encoder).__name__
        # isinstance checks only that the members exist: check what encode gives too
        result = encoder.encode(["One sentence."])
        assert isinstance(result, sentences.SentenceEmbeddings)
        assert (result.encoder, result.kind) == (encoder.name, encoder.kind)
    assert not isinstance(minilm, sentences.SentenceEncoder)  # a loaded model is not an encoder: own_encoder makes one


def test_own_encoder_picks_the_model_pipeline(minilm_st, tiny_m3_folder):
    from embedlab.serving.registry import load_model

    assert isinstance(sentences.own_encoder(load_model("minilm")), sentences.SentenceTransformerEncoder)
    plain = load_contextual(tiny_m3_folder)  # no modules.json: a plain encoder gets mean pooling
    assert isinstance(sentences.own_encoder(plain), sentences.BertPoolingEncoder)


def test_missing_backend_names_what_to_install():
    sentences.require_backend("bge-m3")  # everything is pinned and installed here
    sentences.require_backend("sentence-transformers")
    with pytest.raises(MissingDependencyError, match="pip install embedlab-no-such-package"):
        sentences.require_backend("bge-m3", modules=["FlagEmbedding", "embedlab-no-such-package"])


def test_requirements_pin_every_backend_package():
    from pathlib import Path

    pinned = (Path(__file__).resolve().parent.parent / "requirements.txt").read_text()
    for spec in sentences.PINS.values():
        for requirement in spec.split():
            assert requirement in pinned, requirement


def test_cli_sentences_prints_the_similarity_matrix(capsys):
    from embedlab import cli

    assert cli.main(["sentences", "--model", "minilm", "I like this book.", "I don't like this book.", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert len(result["similarity"]) == 2 and result["encoder"] == "minilm · sentence-transformers"
    assert cli.main(["sentences", "--model", "minilm", "--pooling", "cls", "a", "b", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["encoder"] == "minilm · cls"
