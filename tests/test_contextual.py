"""The contextual engine and the polysemy analysis, on real checkpoints.

A tiny BERT with a character-level Chinese vocabulary is built on disk once per session (random
weights, real tokenizer files); the bundled all-MiniLM-L6-v2 covers real English sentences.
Reference answers come from transformers, sentence-transformers, scikit-learn and scipy.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from gensim.models import KeyedVectors
from tiny_checkpoints import build_tiny_chinese_bert

from embedlab.contextual import encoding, polysemy
from embedlab.contextual import model as contextual
from embedlab.contextual.encoding import sentence_vectors, token_states, word_in_context
from embedlab.contextual.model import ContextualModel, load_contextual
from embedlab.errors import InvalidInputError, OutOfVocabularyError
from embedlab.static.model import StaticModel, freeze


@pytest.fixture(scope="session")
def tiny_bert_folder(tmp_path_factory):
    return build_tiny_chinese_bert(tmp_path_factory.mktemp("tiny-zh-bert"))


@pytest.fixture(scope="session")
def tiny_bert(tiny_bert_folder) -> ContextualModel:
    return load_contextual(tiny_bert_folder, model_id="tiny-zh-bert")


@pytest.fixture(scope="session")
def minilm() -> ContextualModel:
    from embedlab.serving.registry import load_model

    return load_model("minilm", kind="contextual")


# ---------------------------------------------------------------- loading


def test_registry_loads_minilm_through_the_engine(minilm):
    assert isinstance(minilm, ContextualModel)
    assert minilm.id == "minilm"
    assert minilm.dims == 384 and minilm.num_layers == 6
    assert minilm.max_length == 256  # sentence-transformers' max_seq_length for this model
    assert not minilm.network.training
    assert all(not p.requires_grad for p in minilm.parameters())


def test_models_folder_checkpoint_is_listed_and_loads_through_the_engine(tiny_bert_folder, tmp_path):
    import dataclasses
    import shutil

    from embedlab.config import load_settings
    from embedlab.serving import registry

    shutil.copytree(tiny_bert_folder, tmp_path / "tiny-zh")
    settings = dataclasses.replace(load_settings(), models_dir=tmp_path)
    assert "tiny-zh" in [spec.id for spec in registry.list_models(kind="contextual", settings=settings)]
    model = registry.load_model("tiny-zh", settings=settings)
    assert isinstance(model, ContextualModel) and model.id == "tiny-zh" and model.max_length == 64


def test_load_errors_say_how_to_fix(tmp_path):
    with pytest.raises(InvalidInputError, match="no config.json"):
        load_contextual(tmp_path)
    with pytest.raises(InvalidInputError, match="huggingface-cli download"):
        load_contextual("nobody/no-such-model-xyz")


# ---------------------------------------------------------------- span pooling


def test_chinese_word_pools_its_two_characters(tiny_bert):
    sentences = ["他在苹果上班。", "他在吃苹果。"]
    found = word_in_context(tiny_bert, "苹果", sentences)
    # The seed's tokens.index("苹果") cannot work: the tokenizer has no such token.
    assert "苹果" not in found.tokens[0] and "苹" in found.tokens[0]
    assert [occ.tokens for occ in found.occurrences] == [("苹", "果"), ("苹", "果")]
    states = token_states(tiny_bert, sentences)
    for row, state in zip(found.vectors, states):
        positions = [state.tokens.index("苹"), state.tokens.index("果")]
        np.testing.assert_allclose(row, state.vectors[positions].mean(axis=0), atol=1e-6)
    assert found.vectors.shape == (2, 32)
    assert not found.vectors.flags.writeable


def test_several_occurrences_in_one_sentence(tiny_bert):
    found = word_in_context(tiny_bert, "苹果", ["他在吃苹果，苹果很甜。", "他在苹果上班。"])
    assert [(o.sentence, o.start, o.end) for o in found.occurrences] == [(0, 3, 5), (0, 6, 8), (1, 2, 4)]
    assert found.labels == ["#1.1", "#1.2", "#2"]
    # Same word, same sentence, different positions: different vectors.
    assert not np.allclose(found.vectors[0], found.vectors[1])


def test_latin_words_match_whole_words_case_insensitively():
    assert contextual.find_word("apple", "Apple pie and pineapple, one APPLE.") == [(0, 5), (29, 34)]
    assert contextual.find_word("苹果", "吃苹果手机") == [(1, 3)]


def test_last4_is_the_mean_of_the_last_four_hidden_states(tiny_bert):
    import torch

    sentence = "苹果公司发布了新手机。"
    found = word_in_context(tiny_bert, "手机", [sentence, "小米手机很好用。"], layer="last4")
    encoded = tiny_bert.tokenizer(sentence, return_tensors="pt")
    with torch.no_grad():
        hidden = tiny_bert.network(**encoded, output_hidden_states=True).hidden_states
    expected = torch.stack(hidden[-4:]).mean(dim=0)[0]
    tokens = encoded.tokens()
    positions = [tokens.index("手"), tokens.index("机")]
    np.testing.assert_allclose(found.vectors[0], expected[positions].mean(dim=0).numpy(), atol=1e-5)


def test_input_embedding_is_the_mean_of_the_sub_token_rows(tiny_bert):
    own = encoding.input_embedding(tiny_bert, "苹果")
    table = tiny_bert.network.get_input_embeddings().weight.detach().numpy()
    ids = tiny_bert.tokenizer.convert_tokens_to_ids(["苹", "果"])
    assert own.tokens == ("苹", "果")
    np.testing.assert_allclose(own.vector, table[ids].mean(axis=0), atol=1e-7)


# ---------------------------------------------------------------- batching, truncation, pooling


def test_batching_and_length_sorting_do_not_change_vectors(tiny_bert):
    sentences = ["苹果。", "他在苹果上班，晚上吃苹果，早上喝小米粥。", "我喜欢这本书。", "书", "这本书非常有趣，我不喜欢这本书。"]
    one_by_one = np.stack([sentence_vectors(tiny_bert, s).vectors for s in sentences])
    batched = sentence_vectors(tiny_bert, sentences, batch_size=3).vectors
    np.testing.assert_allclose(batched, one_by_one, atol=1e-5)
    cls = sentence_vectors(tiny_bert, sentences, pooling="cls", normalize=False).vectors
    firsts = np.stack([state.vectors[0] for state in token_states(tiny_bert, sentences)])
    np.testing.assert_allclose(cls, firsts, atol=1e-5)


def test_one_string_in_gives_a_vector_a_list_gives_a_matrix(tiny_bert):
    assert sentence_vectors(tiny_bert, "我喜欢这本书。").vectors.shape == (32,)
    assert sentence_vectors(tiny_bert, ["我喜欢这本书。"]).vectors.shape == (1, 32)
    assert isinstance(token_states(tiny_bert, "书"), encoding.TokenStates)


def test_long_sentences_are_cut_with_a_note(tiny_bert):
    long = "苹果" + "很好" * 100  # 202 characters, the model reads 64 tokens
    result = sentence_vectors(tiny_bert, ["我喜欢这本书。", long])
    assert result.truncated == (1,)
    assert "#2" in result.note and "64" in result.note
    found = word_in_context(tiny_bert, "苹果", ["他在吃苹果。", long])
    assert found.truncated == (1,) and found.note
    with pytest.raises(InvalidInputError, match="first 64 tokens"):
        word_in_context(tiny_bert, "苹果", ["他在吃苹果。", "很好" * 100 + "苹果"])


def test_mean_pooling_equals_sentence_transformers_encode(minilm):
    from sentence_transformers import SentenceTransformer

    from embedlab.io.bundled import minilm_path

    sentences = ["I like this book.", "A man is playing a guitar on the stage tonight.", "Hi", "The weather is nice today."]
    reference = SentenceTransformer(str(minilm_path()), device="cpu").encode(sentences, normalize_embeddings=True)
    np.testing.assert_allclose(sentence_vectors(minilm, sentences).vectors, reference, atol=1e-5)


# ---------------------------------------------------------------- MiniLM on real sentences


def test_minilm_apple_company_and_fruit_are_further_apart_than_two_fruits(minilm):
    found = word_in_context(minilm, "apple", ["He works at Apple.", "He ate an apple.", "She peeled a green apple."])
    sim = encoding.cosine_matrix(found.vectors)
    assert sim[0, 1] < sim[1, 2] and sim[0, 2] < sim[1, 2]


def test_minilm_paraphrases_score_above_unrelated_pairs(minilm):
    vectors = sentence_vectors(
        minilm,
        [
            "A man is playing a guitar.",
            "Someone is strumming a guitar.",
            "The stock market fell sharply today.",
        ],
    ).vectors
    sim = vectors @ vectors.T
    assert sim[0, 1] > sim[0, 2] and sim[0, 1] > sim[1, 2]


def test_unknown_word_gets_a_clear_message(minilm):
    with pytest.raises(InvalidInputError, match=r"does not know '苹果'.*\[UNK\]"):
        word_in_context(minilm, "苹果", ["他在苹果上班。", "他在吃苹果。"])
    with pytest.raises(InvalidInputError, match="does not know"):
        encoding.input_embedding(minilm, "苹果")


@pytest.mark.parametrize(
    ("word", "sentences", "message"),
    [
        ("", ["a b", "c d"], "Empty word"),
        ("apple", ["He ate an apple.", "   "], "Sentence 2 is empty"),
        ("apple", ["He ate an apple.", "No fruit here."], "not in sentence"),
        ("apple", ["He ate an apple.", "apple " * 2000], "at most 10,000"),
        ("x" * 101, ["x", "x"], "too long"),
    ],
)
def test_bad_input_raises_clear_errors(minilm, word, sentences, message):
    with pytest.raises(InvalidInputError, match=message):
        word_in_context(minilm, word, sentences)


def test_emoji_and_html_are_just_text(minilm):
    found = word_in_context(minilm, "apple", ["<b>apple</b> 🍎", "<script>alert(1)</script> an apple 😀"])
    assert found.vectors.shape == (2, 384) and np.isfinite(found.vectors).all()


def test_concurrent_callers_share_one_model(tiny_bert):
    sentences = [["他在苹果上班。", "他在吃苹果。"], ["我喜欢这本书。", "这本书非常有趣。", "我不喜欢这本书。"]] * 4
    expected = [sentence_vectors(tiny_bert, group).vectors for group in sentences]
    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda group: sentence_vectors(tiny_bert, group, batch_size=1).vectors, sentences))
    for mine, theirs in zip(got, expected):
        np.testing.assert_allclose(mine, theirs, atol=1e-5)


# ---------------------------------------------------------------- polysemy analysis


def test_sense_clusters_pick_k_by_silhouette_as_sklearn_scores_it():
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import silhouette_score

    rng = np.random.default_rng(0)
    centres = np.eye(16)[:3] * 5
    vectors = np.vstack([centre + rng.normal(scale=0.3, size=(5, 16)) for centre in centres])
    clusters = polysemy.sense_clusters(vectors)
    assert clusters.k == 3 and clusters.chosen_by == "silhouette"
    assert clusters.labels == (0,) * 5 + (1,) * 5 + (2,) * 5
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    for k, score in clusters.scores:
        labels = AgglomerativeClustering(n_clusters=k, metric="cosine", linkage="average").fit_predict(unit)
        assert score == pytest.approx(silhouette_score(unit, labels, metric="cosine"), abs=1e-9)
    assert polysemy.sense_clusters(np.tile(vectors[:1], (4, 1))).k == 1  # identical contexts stay together
    assert polysemy.sense_clusters(vectors, k=2).chosen_by == "user"
    assert polysemy.sense_clusters(vectors[:2]).chosen_by == "too_few"
    with pytest.raises(InvalidInputError, match="from 1 to 15"):
        polysemy.sense_clusters(vectors, k=16)


def test_projection_equals_sklearn_pca_up_to_sign():
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(8, 20))
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    ours = polysemy.project_2d(vectors).coords
    theirs = PCA(n_components=2).fit_transform(unit)
    for axis in range(2):
        sign = np.sign(ours[0, axis] * theirs[0, axis])
        np.testing.assert_allclose(ours[:, axis], sign * theirs[:, axis], atol=1e-8)


def test_projection_of_two_contexts_has_a_flat_second_axis():
    rng = np.random.default_rng(3)
    found = polysemy.project_2d(rng.normal(size=(2, 20)))
    assert found.explained[0] == pytest.approx(1.0) and found.explained[1] < 1e-9
    assert np.all(found.coords[:, 1] == 0.0) and abs(found.coords[0, 0] - found.coords[1, 0]) > 0.1


def test_procrustes_equals_scipy_and_recovers_a_map_between_different_sizes():
    from scipy.linalg import orthogonal_procrustes

    rng = np.random.default_rng(2)
    source, target = rng.normal(size=(50, 6)), rng.normal(size=(50, 6))
    np.testing.assert_allclose(polysemy.procrustes(source, target), orthogonal_procrustes(source, target)[0], atol=1e-10)
    known, _ = np.linalg.qr(rng.normal(size=(9, 5)))  # 9×5, orthonormal columns
    small = rng.normal(size=(60, 5))
    np.testing.assert_allclose(polysemy.procrustes(small, small @ known.T), known.T, atol=1e-10)


def test_minilm_static_is_minilm_own_table_so_the_map_is_the_identity(minilm, minilm_static):
    alignment = polysemy.align_static(minilm_static, minilm, max_anchors=2000)
    assert alignment.anchors == 2000 and alignment.fit == pytest.approx(1.0, abs=1e-5)
    np.testing.assert_allclose(alignment.matrix, np.eye(384), atol=1e-4)
    report = polysemy.analyze(
        minilm, "apple", ["He works at Apple.", "He ate an apple."], static_model=minilm_static, alignment=alignment
    )
    np.testing.assert_allclose(report.static_cosines, report.input_cosines, atol=1e-4)


def test_analyze_separates_apple_the_company_from_apple_the_fruit(minilm):
    sentences = [
        "He works at Apple.",
        "He ate an apple.",
        "Apple released a new iPhone.",
        "She peeled a green apple.",
        "Apple shares rose after the launch.",
        "An apple a day keeps the doctor away.",
    ]
    report = polysemy.analyze(minilm, "apple", sentences)
    assert report.clusters.labels == (0, 1, 0, 1, 0, 1)
    assert report.similarity.shape == (6, 6) and np.allclose(np.diag(report.similarity), 1.0)
    assert report.projection.coords.shape == (6, 2)
    assert report.input_embedding.tokens == ("apple",)
    kv = KeyedVectors(vector_size=384)
    kv.add_vectors(["pear"], np.ones((1, 384), dtype=np.float32))
    with pytest.raises(OutOfVocabularyError):
        polysemy.analyze(minilm, "apple", sentences[:2], static_model=StaticModel("one-word", freeze(kv)))
    with pytest.raises(InvalidInputError, match="from 2 to 50"):
        polysemy.analyze(minilm, "apple", sentences[:1])


def test_cli_context_prints_tokens_and_similarity(capsys):
    from embedlab import cli

    code = cli.main(["context", "--model", "minilm", "--word", "apple", "He works at Apple.", "He ate an apple.", "--json"])
    result = json.loads(capsys.readouterr().out)
    assert code == 0
    assert result["tokens"][0] == ["[CLS]", "he", "works", "at", "apple", ".", "[SEP]"]
    assert len(result["similarity"]) == 2 and result["similarity"][0][0] == pytest.approx(1.0)
    assert [c["pooled"] for c in result["contexts"]] == [["apple"], ["apple"]]
    assert cli.main(["context", "--model", "minilm", "--word", "pear", "He works at Apple.", "He ate an apple."]) == 1
    assert "not in sentence" in capsys.readouterr().err
