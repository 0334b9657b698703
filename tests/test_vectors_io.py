"""Every vector-file format loads to the same vectors; broken files give clear errors."""

from __future__ import annotations

import bz2
import gzip

import numpy as np
import pytest
from gensim.models import KeyedVectors

from embedlab.errors import InvalidInputError
from embedlab.io.vectors_io import load_vectors
from embedlab.serving.registry import get_spec, load_model

WORDS = ["诸葛亮", "刘备", "关羽", "king", "queen", "naïve"]


@pytest.fixture(scope="module")
def reference() -> KeyedVectors:
    rng = np.random.default_rng(3)
    kv = KeyedVectors(vector_size=5)
    kv.add_vectors(WORDS, rng.normal(size=(len(WORDS), 5)).astype(np.float32))
    return kv


def _text_lines(kv, *, header=True, trailing_space=False):
    lines = [f"{len(kv)} {kv.vector_size}"] if header else []
    for word in kv.index_to_key:
        line = word + " " + " ".join(f"{x:.6f}" for x in kv[word])
        lines.append(line + (" " if trailing_space else ""))
    return "\n".join(lines) + "\n"


def _check(loaded, reference, count=None):
    words = reference.index_to_key[:count] if count else reference.index_to_key
    assert loaded.index_to_key == words
    np.testing.assert_allclose(loaded.vectors, np.stack([reference[w] for w in words]), atol=1e-5)
    assert not loaded.vectors.flags.writeable


@pytest.mark.parametrize(
    "name, header, trailing",
    [
        ("plain.txt", True, False),
        ("sgns.literature.word", True, True),  # Chinese-Word-Vectors: a space ends every line
        ("glove.txt", False, False),
        ("cc.zh.300.vec", True, False),
    ],
)
def test_text_formats(tmp_path, reference, name, header, trailing):
    path = tmp_path / name
    path.write_text(_text_lines(reference, header=header, trailing_space=trailing), encoding="utf-8")
    _check(load_vectors(path), reference)


@pytest.mark.parametrize("opener, suffix", [(gzip.open, ".gz"), (bz2.open, ".bz2")])
def test_compressed_text(tmp_path, reference, opener, suffix):
    path = tmp_path / f"sgns.test.word{suffix}"
    with opener(path, "wt", encoding="utf-8") as handle:
        handle.write(_text_lines(reference, trailing_space=True))
    _check(load_vectors(path), reference)


def test_binary_and_native(tmp_path, reference):
    reference.save_word2vec_format(str(tmp_path / "vectors.bin"), binary=True)
    _check(load_vectors(tmp_path / "vectors.bin"), reference)
    reference.save(str(tmp_path / "vectors.kv"))
    _check(load_vectors(tmp_path / "vectors.kv"), reference)


def test_limit_reads_only_the_first_words(tmp_path, reference):
    path = tmp_path / "v.txt"
    path.write_text(_text_lines(reference), encoding="utf-8")
    _check(load_vectors(path, limit=3), reference, count=3)


def test_undecodable_bytes_are_replaced_not_fatal(tmp_path):
    path = tmp_path / "bad-bytes.txt"
    path.write_bytes(b"2 3\nok 0.1 0.2 0.3\n\xff\xfeword 0.4 0.5 0.6\n")
    loaded = load_vectors(path)
    assert loaded.index_to_key[0] == "ok" and "word" in loaded.index_to_key[1]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"just some prose here\n", "line 1"),
        (b"3 4\nking 0.1 0.2 0.3 0.4\nqueen 0.1 0.2\n", "malformed"),
        (b"3 2\nking 0.1 0.2\n", "malformed"),  # header promises more lines than there are
        (b"one\n", "vector file"),
    ],
)
def test_broken_files_get_clear_errors(tmp_path, content, message):
    path = tmp_path / "broken.txt"
    path.write_bytes(content)
    with pytest.raises(InvalidInputError, match=message):
        load_vectors(path)


def test_missing_file(tmp_path):
    with pytest.raises(InvalidInputError, match="No such vector file"):
        load_vectors(tmp_path / "nope.txt")


def test_registry_loads_paths_config_entries_and_models_folder(tmp_path, monkeypatch, reference):
    models = tmp_path / "models"
    models.mkdir()
    (models / "sgns.mini.word").write_text(_text_lines(reference, trailing_space=True), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text(_text_lines(reference), encoding="utf-8")
    config = tmp_path / "embedlab.toml"
    config.write_text(f'[models.mine]\npath = "{elsewhere}"\nkind = "static"\nlanguage = "zh"\nlimit = 2\n', encoding="utf-8")
    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(models))
    monkeypatch.setenv("EMBEDLAB_CONFIG", str(config))

    from_folder = load_model("sgns.mini.word")
    assert from_folder.language == "zh" and from_folder.vocab_size == len(WORDS)
    from_config = load_model("mine")
    assert from_config.vocab_size == 2 and get_spec("mine").language == "zh"
    from_path = load_model(str(elsewhere))
    _check(from_path.kv, reference)
