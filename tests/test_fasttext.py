"""fastText: Chinese vectors streamed from a gzip ``.vec`` (stop after N words, resume), and native ``.bin`` models.

The streamed file is served by :class:`loopback_servers.FileServer` on 127.0.0.1, shaped like
``cc.zh.300.vec.gz`` (a ``count dims`` header, one word per line, four decimals); what lands in
the models folder must equal gensim's ``load_word2vec_format(..., limit=N)`` on the same file.
The ``.bin`` models are the fastText files in gensim's own test data, compared with gensim's
``load_facebook_vectors``, out-of-vocabulary words included.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import gensim
import numpy as np
import pytest
from gensim.models import KeyedVectors
from gensim.models.fasttext import load_facebook_vectors
from helpers import PROJECT_ROOT, app_test
from loopback_servers import FileServer

from embedlab.config import Limits
from embedlab.errors import InvalidInputError, OutOfVocabularyError
from embedlab.io import downloads, http_transfer
from embedlab.io.downloads import DownloadError
from embedlab.io.streamed_vectors import download_vectors
from embedlab.io.vectors_io import fasttext_header, load_vectors
from embedlab.serving import manager, registry
from embedlab.static import model as static

ARTICLE_WORDS = ["诸葛亮", "水浒传", "三国演义", "苹果", "长江", "黄河", "刘备", "宋江"]
WORDS = 4_000
DIMS = 30


@pytest.fixture(scope="module")
def vec_gz(tmp_path_factory) -> Path:
    """A cc.zh.300.vec.gz look-alike: header, the article's words first, seeded values with 4 decimals."""
    rng = np.random.default_rng(11)
    words = ARTICLE_WORDS + [f"词{i}" for i in range(WORDS - len(ARTICLE_WORDS))]
    lines = [f"{WORDS} {DIMS}"] + [w + " " + " ".join(f"{x:.4f}" for x in rng.normal(size=DIMS)) for w in words]
    path = tmp_path_factory.mktemp("fasttext-src") / "cc.zh.300.vec.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), compresslevel=6))
    return path


@pytest.fixture()
def server(vec_gz):
    with FileServer({vec_gz.name: vec_gz.read_bytes()}) as instance:
        yield instance


@pytest.fixture()
def small_chunks(monkeypatch):
    monkeypatch.setattr(http_transfer, "CHUNK_BYTES", 16 * 1024)


def assert_equals_gensim(kv, source: Path, limit: int | None) -> None:
    reference = KeyedVectors.load_word2vec_format(str(source), limit=limit)
    assert kv.index_to_key == reference.index_to_key
    np.testing.assert_array_equal(np.asarray(kv.vectors), reference.vectors)


# ---------------------------------------------------------------- streaming a .vec.gz


def test_stops_after_n_words_without_fetching_the_rest(tmp_path, server, vec_gz, small_chunks):
    calls = []
    result = download_vectors(
        server.address(vec_gz.name), words=500, models_dir=tmp_path, progress=lambda done, total: calls.append((done, total))
    )
    assert result.path == (tmp_path / "cc.zh.300.vec").resolve() and result.words == 500 and result.dims == DIMS
    assert not result.complete and result.fetched_bytes < vec_gz.stat().st_size / 4  # ~1/8 needed, plus a chunk
    assert result.path.read_text(encoding="utf-8").split("\n", 1)[0] == f"500 {DIMS}"
    assert calls[-1] == (500, 500) and [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cc.zh.300.vec"]  # no .part left behind
    assert_equals_gensim(load_vectors(result.path), vec_gz, 500)


def test_a_dropped_connection_resumes_with_range(tmp_path, server, vec_gz, small_chunks):
    server.cuts = [40_000]
    with pytest.raises(DownloadError, match="interrupted after 40,000 of .* Run it again to resume"):
        download_vectors(server.address(vec_gz.name), words=2_000, models_dir=tmp_path, retries=0)
    part = tmp_path / "cc.zh.300.vec.gz.part"
    assert part.stat().st_size == 40_000 and not (tmp_path / "cc.zh.300.vec").exists()
    result = download_vectors(server.address(vec_gz.name), words=2_000, models_dir=tmp_path)
    assert server.ranges == [None, "bytes=40000-"] and result.resumed_from == 40_000
    assert result.words == 2_000 and not part.exists()
    assert_equals_gensim(load_vectors(result.path), vec_gz, 2_000)


def test_broken_connections_resume_by_themselves_to_the_end(tmp_path, server, vec_gz, small_chunks):
    server.cuts = [30_000, 50_000]
    result = download_vectors(server.address(vec_gz.name), models_dir=tmp_path, retries=2)  # every word
    assert server.ranges == [None, "bytes=30000-", "bytes=80000-"]
    assert result.complete and result.words == WORDS and result.fetched_bytes == vec_gz.stat().st_size
    assert_equals_gensim(load_vectors(result.path), vec_gz, None)


def test_bytes_already_there_are_decompressed_again_not_fetched(tmp_path, server, vec_gz, small_chunks):
    server.cuts = [60_000]
    with pytest.raises(DownloadError, match="interrupted"):
        download_vectors(server.address(vec_gz.name), words=3_000, models_dir=tmp_path, retries=0)
    result = download_vectors(server.address(vec_gz.name), words=100, models_dir=tmp_path)  # 60 kB hold 100 words
    assert len(server.ranges) == 1 and result.words == 100
    assert_equals_gensim(load_vectors(result.path), vec_gz, 100)


def test_a_server_that_ignores_range_starts_over_cleanly(tmp_path, server, vec_gz, small_chunks):
    (tmp_path / "cc.zh.300.vec.gz.part").write_bytes(vec_gz.read_bytes()[:25_000])
    server.ignore_range = True
    result = download_vectors(server.address(vec_gz.name), words=1_500, models_dir=tmp_path)
    assert server.ranges == ["bytes=25000-"] and result.words == 1_500
    assert_equals_gensim(load_vectors(result.path), vec_gz, 1_500)


def test_broken_sources_are_refused_and_cleaned_up(tmp_path, vec_gz):
    data = vec_gz.read_bytes()
    files = {
        "junk.vec.gz": b"this is not gzip at all" * 100,
        "cut.vec.gz": data[: len(data) // 2],
        "empty.vec.gz": gzip.compress(b""),
    }
    with FileServer(files) as server:
        with pytest.raises(DownloadError, match="junk.vec.gz is unusable: not a readable gzip stream"):
            download_vectors(server.address("junk.vec.gz"), models_dir=tmp_path)
        with pytest.raises(DownloadError, match="cut.vec.gz is unusable: the compressed stream ends early"):
            download_vectors(server.address("cut.vec.gz"), models_dir=tmp_path)
        with pytest.raises(DownloadError, match="holds no vectors"):
            download_vectors(server.address("empty.vec.gz"), models_dir=tmp_path)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(InvalidInputError, match="positive whole number"):
        download_vectors("http://127.0.0.1:9/x.vec.gz", words=0, models_dir=tmp_path)


def test_hosted_servers_may_fetch_from_fasttexts_host_only():
    hosts = Limits.for_mode(True).download_hosts
    seed = manager.seed_by_id("cc.zh.300.vec")
    assert "dl.fbaipublicfiles.com" in hosts and seed.url.startswith("https://dl.fbaipublicfiles.com/")
    assert downloads.check_url(seed.url, allowed_hosts=hosts) == seed.url
    with pytest.raises(InvalidInputError, match="not allowed"):
        downloads.check_url("https://example.org/cc.zh.300.vec.gz", allowed_hosts=hosts)


# ---------------------------------------------------------------- the seed: registry, manager, CLI, page


@pytest.fixture()
def own_models_dir(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "models"
    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(folder))
    return folder


def test_seed_is_listed_then_downloaded_cached_and_loaded(own_models_dir, server, vec_gz, small_chunks):
    spec = registry.get_spec("cc.zh.300.vec")
    assert spec.kinds == ("static",) and spec.language == "zh" and not spec.available
    assert "cc.zh.300.vec" in [s.id for s in registry.list_models(kind="static")]
    seed = dataclasses.replace(manager.seed_by_id("cc.zh.300.vec"), url=server.address(vec_gz.name))
    path = manager.download_seed(seed, words=1_000)
    assert path == own_models_dir / "cc.zh.300.vec"
    spec = registry.get_spec("cc.zh.300.vec")
    assert spec.available and spec.language == "zh" and spec.description.startswith("fastText's Chinese word vectors")
    model = registry.load_model("cc.zh.300.vec")
    assert isinstance(model.kv.vectors, np.memmap)  # read from the memory-mapped cache built after the download
    assert model.language == "zh" and all(word in model for word in ARTICLE_WORDS)
    assert_equals_gensim(model.kv, vec_gz, 1_000)
    row = next(r for r in manager.list_rows() if r.id == "cc.zh.300.vec")
    assert (row.where, row.vocab, row.dims, row.deletable) == ("models folder", 1_000, DIMS, True)


def cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "embedlab", *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )


def test_cli_streams_a_vector_address_and_knows_the_seed(tmp_path, server, vec_gz):
    env = {**os.environ, "EMBEDLAB_MODELS_DIR": str(tmp_path / "models"), "PYTHONPATH": str(PROJECT_ROOT)}
    done = cli(env, "download", server.address(vec_gz.name), "--words", "700", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["words"] == 700 and result["dims"] == DIMS and result["resumed_from"] == 0
    assert_equals_gensim(load_vectors(result["path"]), vec_gz, 700)
    # The seed id goes to fastText's own host: here refused by a hosted allowlist before any traffic.
    config = tmp_path / "embedlab.toml"
    config.write_text('[embedlab]\nhosted = true\n[embedlab.limits]\ndownload_hosts = ["huggingface.co"]\n', encoding="utf-8")
    refused = cli({**env, "EMBEDLAB_CONFIG": str(config)}, "download", "cc.zh.300.vec", "--words", "10")
    assert refused.returncode == 1 and "Downloads from dl.fbaipublicfiles.com are not allowed here" in refused.stderr
    wrong = cli(env, "download", "bert-base-chinese", "--words", "10")
    assert wrong.returncode == 1 and "--words applies to vector files" in wrong.stderr


def test_models_page_downloads_the_seed_in_one_click(own_models_dir, server, vec_gz, monkeypatch):
    seeds = tuple(
        dataclasses.replace(s, url=server.address(vec_gz.name)) if s.id == "cc.zh.300.vec" else s for s in manager.SEEDS
    )
    monkeypatch.setattr(manager, "SEEDS", seeds)
    at = app_test("pages/models.py", lang="zh", model="cc.zh.300.vec")
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "边下载边解压" in captions and "Decompressed as it downloads" not in captions  # the zh UI shows no English
    assert at.number_input(key="models.seed_words").label == "保留前多少个词（按词频排序）"
    at.number_input(key="models.seed_words").set_value(1_500)
    at = at.button(key="models.seed_download").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("cc.zh.300.vec" in s.value.replace("\\", "") for s in at.success)
    assert_equals_gensim(load_vectors(own_models_dir / "cc.zh.300.vec"), vec_gz, 1_500)


# ---------------------------------------------------------------- fastText .bin models

GENSIM_DATA = Path(gensim.__file__).parent / "test" / "test_data"
BIN_MODELS = ["lee_fasttext.bin", "lee_fasttext_new.bin", "toy-model.bin", "non_ascii_fasttext.bin", "crime-and-punishment.bin"]
OOV = ["nightx", "governmentalism", "rainning", "внутрь", "xyz"]


@pytest.mark.parametrize("name", BIN_MODELS)
def test_fasttext_bin_loads_as_gensim_does_and_builds_unknown_words(name):
    path = GENSIM_DATA / name
    ours = load_vectors(path)
    reference = load_facebook_vectors(str(path))
    assert ours.index_to_key == reference.index_to_key
    np.testing.assert_array_equal(ours.vectors, reference.vectors)
    np.testing.assert_array_equal(ours.vectors_ngrams, reference.vectors_ngrams)
    model = static.StaticModel(name, ours)
    assert model.subword
    known = reference.index_to_key[3]
    for word in OOV:
        assert word not in model and model.has_vector(word)
        np.testing.assert_array_equal(static.vector(model, word), reference.get_vector(word))
        assert static.similarity(model, word, known) == pytest.approx(float(reference.similarity(word, known)), abs=1e-6)
        expected = reference.most_similar(word, topn=5)
        got = static.neighbors(model, word, topn=5)
        assert [s.word for s in got] == [w for w, _ in expected]
        assert [s.score for s in got] == pytest.approx([s for _, s in expected], abs=1e-6)


def test_unknown_words_work_across_the_static_operations():
    path = GENSIM_DATA / "lee_fasttext_new.bin"
    reference = load_facebook_vectors(str(path))
    model = static.StaticModel("lee", load_vectors(path))
    word, known, other = "governmentalism", "government", "the"
    result = static.analogy(model, positive=[word, "man"], negative="woman", topn=5)
    assert [(s.word, s.score) for s in result.results] == [
        (w, pytest.approx(s, abs=1e-6)) for w, s in reference.most_similar(positive=[word, "man"], negative=["woman"], topn=5)
    ]
    cosmul = static.analogy(model, positive=[word, "man"], negative="woman", method="mul", topn=3)
    assert [s.word for s in cosmul.results] == [w for w, _ in reference.most_similar_cosmul([word, "man"], ["woman"], topn=3)]
    assert static.odd_one_out(model, [word, known, "rainning", "the"]) == reference.doesnt_match([word, known, "rainning", "the"])
    matrix = static.similarity_matrix(model, [word, known])
    assert matrix[0, 1] == pytest.approx(float(reference.similarity(word, known)), abs=1e-6)
    # rank: one more than the vocabulary words closer to the unknown word than `other` is (gensim's closer_than rule)
    distances = reference.distances(word)
    assert static.rank(model, word, other) == int(np.sum(distances < distances[reference.key_to_index[other]])) + 1
    assert static.rank(model, known, other) == reference.rank(known, other)
    euclid = static.neighbors(model, word, topn=4, metric="euclidean")
    query = reference.get_vector(word)
    order = np.argsort(np.linalg.norm(reference.vectors - query, axis=1), kind="stable")[:4]
    assert [s.word for s in euclid] == [reference.index_to_key[i] for i in order]


def test_models_without_ngrams_still_refuse_unknown_words(minilm_static):
    with pytest.raises(OutOfVocabularyError, match="governmentalism"):
        static.similarity(minilm_static, "governmentalism", "king")
    assert not minilm_static.subword


def test_fasttext_arrays_are_read_only():
    kv = load_vectors(GENSIM_DATA / "toy-model.bin")
    for table in (kv.vectors, kv.vectors_ngrams, kv.vectors_vocab, kv.norms):
        assert not table.flags.writeable


def test_broken_or_unusable_bin_files_are_refused_quickly(tmp_path):
    data = (GENSIM_DATA / "lee_fasttext_new.bin").read_bytes()
    cases = {
        "cut-vocab.bin": (data[:300], "cut-vocab.bin is truncated"),
        "cut-table.bin": (data[: len(data) - 80_000], "truncated: its vector table needs"),  # the last 70 kB: output layer
        "tiny.bin": (data[:10], "not a word2vec binary file .* nor a fastText model"),
        "png.bin": (b"\x89PNG\r\n\x1a\n" + bytes(200), "not a word2vec binary file"),
    }
    for name, (content, message) in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(InvalidInputError, match=message):
            load_vectors(tmp_path / name)
    with pytest.raises(InvalidInputError, match="supervised fastText model"):
        load_vectors(GENSIM_DATA / "pang_lee_polarity_fasttext.bin")
    with pytest.raises(InvalidInputError, match="loads whole"):
        load_vectors(GENSIM_DATA / "toy-model.bin", limit=10)
    header = fasttext_header(GENSIM_DATA / "lee_fasttext_new.bin")
    assert (header.dims, header.words, header.buckets, header.min_n, header.max_n) == (10, 1763, 1000, 3, 6)


def test_models_folder_takes_a_fasttext_bin(own_models_dir):
    own_models_dir.mkdir(parents=True)
    (own_models_dir / "toy.bin").write_bytes((GENSIM_DATA / "toy-model.bin").read_bytes())
    assert manager.add_local("toy.bin") == "toy.bin"
    row = next(r for r in manager.list_rows() if r.id == "toy.bin")
    assert (row.vocab, row.dims) == (22, 5)
    model = registry.load_model("toy.bin")
    assert model.subword and static.neighbors(model, "nightx", topn=2)
