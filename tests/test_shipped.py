"""What ships inside EmbedLab: the corpora, the test sets and the two word2vec models trained from them.

The corpora and test sets must be byte-for-byte the public files in ``../shared/data`` (which
records their sources), and the shipped Chinese model must answer the home tour's questions
sensibly: these are the results a newcomer sees first.
"""

from __future__ import annotations

import json
import lzma

import numpy as np
import pytest

from embedlab.config import BUNDLED_DATA
from embedlab.serving.registry import get_spec, list_models, load_model
from embedlab.static import model as static
from embedlab.training import samples, shipped, tokenize

NOVEL_CHARACTERS = {  # the home tour's projection preset: five main characters of each novel
    "sanguo": ["刘备", "张飞", "诸葛亮", "曹操", "孙权"],
    "shuihu": ["宋江", "武松", "林冲", "吴用", "鲁智深"],
    "hongloumeng": ["宝玉", "黛玉", "宝钗", "凤姐", "袭人"],
    "xiyouji": ["八戒", "沙僧", "唐僧", "行者", "悟空"],
}


@pytest.fixture(scope="module")
def sidamingzhu():
    return load_model("sidamingzhu")


def test_bundled_corpora_are_the_public_files(data_dir):
    for sample in samples.SAMPLES:
        original = data_dir / "corpora" / sample.file.removesuffix(".xz")
        assert lzma.decompress(sample.path.read_bytes()) == original.read_bytes(), sample.id
        assert samples.fetch_sample(sample) == original.read_text(encoding="utf-8")


def test_bundled_test_sets_and_licences_are_the_public_files(data_dir):
    for language in ("zh", "en"):
        shared = sorted(path.name for path in (data_dir / "eval" / language).iterdir())
        ours = sorted(path.name for path in (BUNDLED_DATA / "eval" / language).iterdir())
        assert ours == shared
        for name in ours:
            assert (BUNDLED_DATA / "eval" / language / name).read_bytes() == (data_dir / "eval" / language / name).read_bytes()
    for licence in (data_dir / "licenses").iterdir():
        assert (BUNDLED_DATA / "licenses" / licence.name).read_bytes() == licence.read_bytes()


def test_a_damaged_bundled_corpus_is_refused(tmp_path, monkeypatch):
    import dataclasses

    sample = samples.get_sample("alice")
    broken = tmp_path / "corpora" / sample.file
    broken.parent.mkdir(parents=True)
    broken.write_bytes(lzma.compress(b"not alice"))
    monkeypatch.setattr(samples, "BUNDLED_DATA", tmp_path)
    with pytest.raises(samples.EmbedLabError, match="damaged"):
        samples.fetch_sample(dataclasses.replace(sample, id="alice-broken"))


def test_names_dictionary_keeps_character_names_whole():
    text = "贾母笑道：“凤姐儿来了。”八戒道：“师父，沙僧去了。”"
    plain = tokenize.tokenize(text, "zh")
    named = tokenize.tokenize(text, "zh", user_dict=samples.names_dictionary("zh"))
    assert "贾母" not in [t for s in plain for t in s]  # jieba alone cuts it into 贾 + 母
    assert {"贾母", "凤姐儿", "八戒", "沙僧"} <= {t for s in named for t in s}
    assert samples.names_dictionary("en") is None
    assert not any(line.startswith("#") for line in samples.names_dictionary("zh").splitlines())


def test_shipped_models_are_listed_available_and_small():
    specs = {spec.id: spec for spec in list_models(kind="static", available_only=True)}
    assert {"sidamingzhu", "classics-en"} <= set(specs)
    assert specs["sidamingzhu"].language == "zh" and specs["classics-en"].language == "en"
    total = sum(path.stat().st_size for path in (BUNDLED_DATA / "models").iterdir())
    total += sum(path.stat().st_size for path in (BUNDLED_DATA / "corpora").rglob("*"))
    assert total < 15 * 2**20  # the repo addition the issue allows
    description = get_spec("sidamingzhu").description
    assert "三国演义" in description and "words ×" in description


def test_shipped_model_matches_its_record(sidamingzhu):
    meta = shipped.metadata("sidamingzhu")
    assert meta["words"] == sidamingzhu.vocab_size and meta["dims"] == sidamingzhu.dims
    assert [c["sha256"] for c in meta["corpora"]] == [samples.get_sample(s).sha256 for s in shipped.get("sidamingzhu").samples]
    with np.load(shipped.get("sidamingzhu").path) as data:
        np.testing.assert_array_equal(sidamingzhu.kv.vectors, data["vectors"].astype(np.float32))
        assert sidamingzhu.kv.index_to_key == data["words"].tolist()
    counts = [sidamingzhu.kv.get_vecattr(w, "count") for w in sidamingzhu.kv.index_to_key[:100]]
    assert counts == sorted(counts, reverse=True)  # gensim's order: most frequent first


def test_zhuge_liang_neighbours_are_three_kingdoms_people(sidamingzhu):
    found = [n.word for n in static.neighbors(sidamingzhu, "诸葛亮", topn=10)]
    assert found == [w for w, _ in sidamingzhu.kv.most_similar("诸葛亮", topn=10)]
    three_kingdoms_people = {
        "刘备",
        "司马懿",
        "姜维",
        "孔明",
        "关羽",
        "庞统",
        "袁本初",
        "孙皓",
        "诸葛丞相",
        "荀攸",
        "邓艾",
        "曹操",
        "周瑜",
    }
    assert "刘备" in found and len(three_kingdoms_people & set(found)) >= 3
    assert static.similarity(sidamingzhu, "诸葛亮", "刘备") > static.similarity(sidamingzhu, "诸葛亮", "贾母")


def test_tour_analogies_on_the_characters(sidamingzhu):
    kv = sidamingzhu.kv
    for positive, negative, expected, best in (
        (["吴用", "刘备"], ["宋江"], "诸葛亮", 5),
        (["诸葛亮", "宋江"], ["刘备"], "吴用", 1),
    ):
        for method, gensim_call in (("add", kv.most_similar), ("mul", kv.most_similar_cosmul)):
            found = static.expected_answer(sidamingzhu, positive=positive, negative=negative, expected=expected, method=method)
            ranked = [w for w, _ in gensim_call(positive=positive, negative=negative, topn=len(kv))]
            assert found.rank == ranked.index(expected) + 1  # gensim's own ranking
        assert static.expected_answer(sidamingzhu, positive=positive, negative=negative, expected=expected).rank <= best


def test_the_four_novels_characters_form_four_clusters(sidamingzhu):
    from embedlab.projection.word_projection import project_words, select_words

    groups = list(NOVEL_CHARACTERS.values())
    result = project_words(sidamingzhu, select_words(sidamingzhu, groups), method="pca", dims=2)
    coords = {record["word"]: np.array([record["x"], record["y"]]) for record in result.records()}
    centroids = {novel: np.mean([coords[w] for w in words], axis=0) for novel, words in NOVEL_CHARACTERS.items()}
    nearest_own = sum(
        min(centroids, key=lambda c: np.linalg.norm(coords[w] - centroids[c])) == novel
        for novel, words in NOVEL_CHARACTERS.items()
        for w in words
    )
    assert nearest_own >= 18  # of 20: each character sits nearest its own novel's centre


def test_english_shipped_model_works(tmp_path):
    model = load_model("classics-en")
    found = [n.word for n in static.neighbors(model, "holmes", topn=5)]
    assert "sherlock" in found
    meta = json.loads(shipped.get("classics-en").meta_path.read_text(encoding="utf-8"))
    assert meta["language"] == "en" and meta["words"] == model.vocab_size


@pytest.mark.slow
def test_rebuilding_gives_the_shipped_vectors(tmp_path):
    """``python -m embedlab build-shipped`` reproduces the shipped files exactly (one thread, fixed seed)."""
    for model in shipped.SHIPPED:
        rebuilt = shipped.build(model.id, folder=tmp_path)
        with np.load(rebuilt) as fresh, np.load(model.path) as ours:
            assert fresh["words"].tolist() == ours["words"].tolist()
            np.testing.assert_array_equal(fresh["vectors"], ours["vectors"])
