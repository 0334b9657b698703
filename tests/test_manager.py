"""The model manager lists, adds, uploads and deletes models, only inside the models folder."""

from __future__ import annotations

import bz2
import io

import numpy as np
import pytest

from embedlab.config import load_settings
from embedlab.errors import InvalidInputError, UnknownModelError
from embedlab.io import vector_cache
from embedlab.serving import manager
from embedlab.serving.registry import load_model


def vector_text(words, dims=6, *, seed=0, trailing=" ") -> bytes:
    rng = np.random.default_rng(seed)
    lines = [f"{len(words)} {dims}"] + [w + " " + " ".join(f"{v:.5f}" for v in rng.normal(size=dims)) + trailing for w in words]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture()
def folder(tmp_path, monkeypatch):
    models = tmp_path / "models"
    models.mkdir()
    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(models))
    monkeypatch.setenv("EMBEDLAB_CONFIG", str(tmp_path / "embedlab.toml"))
    return models


def rows_by_id(**kwargs):
    return {row.id: row for row in manager.list_rows(**kwargs)}


def test_list_shows_every_model_with_its_facts(folder):
    (folder / "sgns.mini.word").write_bytes(vector_text(["诸葛亮", "刘备", "关羽"]))
    with bz2.open(folder / "glove.small.txt.bz2", "wb") as handle:
        handle.write(vector_text(["a", "b"], dims=4))
    model = load_model("minilm-static")
    rows = rows_by_id(loaded={"minilm-static": (model, 1234)})
    mini = rows["sgns.mini.word"]
    assert (mini.vocab, mini.dims, mini.where, mini.deletable, mini.loaded) == (3, 6, "models folder", True, False)
    assert mini.disk_bytes == (folder / "sgns.mini.word").stat().st_size and mini.language == "zh"
    assert (rows["glove.small.txt.bz2"].vocab, rows["glove.small.txt.bz2"].dims) == (2, 4)
    static = rows["minilm-static"]
    assert static.loaded and static.memory_bytes == 1234 and static.vocab == model.vocab_size and static.dims == 384
    assert static.where == "bundled" and not static.deletable and rows["minilm"].disk_bytes > 10_000_000
    for seed in manager.SEEDS:  # the seed article's models are always listed, with how to get them
        assert seed.id in rows and rows[seed.id].how_to_get
    assert rows["sgns.literature.word"].seed.hub_id is None and rows["BAAI/bge-m3"].seed.hub_id == "BAAI/bge-m3"


def test_add_local_validates_and_builds_the_cache(folder):
    (folder / "sgns.mini.word").write_bytes(vector_text(["诸葛亮", "刘备", "关羽"]))
    calls = []
    assert manager.add_local("sgns.mini.word", progress=lambda d, t: calls.append((d, t))) == "sgns.mini.word"
    assert calls and calls[-1][0] == calls[-1][1]
    assert vector_cache.cache_is_valid(vector_cache.cache_folder(folder / "sgns.mini.word"), folder / "sgns.mini.word")
    model = load_model("sgns.mini.word")
    assert isinstance(model.kv.vectors, np.memmap)  # cached files load memory-mapped from now on
    assert rows_by_id()["sgns.mini.word"].vocab == 3


def test_add_local_refuses_what_it_should(folder, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(vector_text(["a"]))
    with pytest.raises(InvalidInputError, match="Only files inside the models folder"):
        manager.add_local(str(outside))
    with pytest.raises(InvalidInputError, match="Only files inside the models folder"):
        manager.add_local("../outside.txt")
    with pytest.raises(InvalidInputError, match="not in the models folder"):
        manager.add_local("nope.word")
    (folder / "vectors.dat").write_bytes(vector_text(["a"]))
    with pytest.raises(InvalidInputError, match="rename it"):
        manager.add_local("vectors.dat")
    (folder / "broken.vec").write_bytes(b"2 3\nok 0.1 0.2 0.3\nbad 0.1 x 0.3\n")
    with pytest.raises(InvalidInputError, match="line 3"):
        manager.add_local("broken.vec")
    with pytest.raises(InvalidInputError, match="Type the name"):
        manager.add_local("  ")


def test_upload_respects_the_cap_and_checks_content(folder, monkeypatch):
    data = vector_text(["king", "queen"])
    assert manager.save_upload("mine.vec", io.BytesIO(data), size=len(data)) == "mine.vec"
    assert load_model("mine.vec").vocab_size == 2
    with pytest.raises(InvalidInputError, match="already exists"):
        manager.save_upload("mine.vec", io.BytesIO(data), size=len(data))
    with pytest.raises(InvalidInputError, match="cannot be uploaded"):
        manager.save_upload("model.kv", io.BytesIO(b"pickle"), size=6)
    with pytest.raises(InvalidInputError, match="Unusable file name"):
        manager.save_upload("../escape.vec", io.BytesIO(data), size=len(data))
    with pytest.raises(InvalidInputError, match="line 2"):
        manager.save_upload("junk.txt", io.BytesIO(b"1 3\nword 0.1 0.2\n"), size=16)
    assert not (folder / "junk.txt").exists() and not list(folder.glob("*.part"))
    monkeypatch.setenv("EMBEDLAB_HOSTED", "1")  # hosted: 20 MB
    with pytest.raises(InvalidInputError, match="limited to 20 MB"):
        manager.save_upload("big.vec", io.BytesIO(b""), size=21 * 2**20)


def test_delete_removes_the_file_and_its_caches_only_in_the_folder(folder, tmp_path):
    path = folder / "sgns.mini.word"
    path.write_bytes(vector_text(["a", "b", "c"]))
    manager.add_local("sgns.mini.word")
    cache = vector_cache.cache_folder(path).parent
    assert cache.is_dir()
    removed = manager.delete("sgns.mini.word")
    assert path in removed and not path.exists() and not cache.exists()
    assert "sgns.mini.word" not in rows_by_id()
    with pytest.raises(InvalidInputError, match="cannot be deleted"):
        manager.delete("minilm-static")
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_bytes(vector_text(["x"]))
    (tmp_path / "embedlab.toml").write_text(f'[models.mine]\npath = "{elsewhere}"\nkind = "static"\n', encoding="utf-8")
    with pytest.raises(InvalidInputError, match="cannot be deleted"):
        manager.delete("mine")
    assert elsewhere.exists()
    with pytest.raises(UnknownModelError):
        manager.delete("no-such-model")


def test_seed_downloads(folder, monkeypatch):
    sgns, bert, *_ = manager.SEEDS
    with pytest.raises(InvalidInputError, match="no direct download address"):
        manager.download_seed(sgns)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from embedlab.io.downloads import DownloadError

    with pytest.raises(DownloadError, match="HF_HUB_OFFLINE"):
        manager.download_seed(bert)
    assert manager.seed_installed(sgns) is None
    (folder / "sgns.literature.word.bz2").write_bytes(b"")
    assert manager.seed_installed(sgns) == load_settings().models_dir / "sgns.literature.word.bz2"


def test_cli_convert_and_download(folder, capsys, monkeypatch):
    from embedlab.cli import main

    path = folder / "sgns.cli.word"
    path.write_bytes(vector_text(["a", "b", "c", "d"]))
    assert main(["convert", str(path), "--ann", "--json"]) == 0
    import json

    result = json.loads(capsys.readouterr().out)
    assert result["count"] == 4 and result["dims"] == 6 and result["index"].endswith(".faiss")
    assert vector_cache.cache_is_valid(vector_cache.cache_folder(path), path)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert main(["download", "BAAI/bge-m3"]) == 1
    assert "HF_HUB_OFFLINE=1" in capsys.readouterr().err
    assert main(["convert", str(folder / "missing.word")]) == 1
