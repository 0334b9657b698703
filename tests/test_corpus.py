"""Tokenisation, corpus statistics, the segmentation cache and the bundled sample corpora."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from embedlab.errors import Cancelled, InvalidInputError
from embedlab.training import corpus, samples, tokenize

ZH = "诸葛亮字孔明。刘备三顾茅庐，请诸葛亮出山！他研究量子纠缠态和超导环流。"


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(tmp_path / "models"))
    return tmp_path / "cache"


def test_chinese_is_segmented_by_jieba_without_punctuation():
    sentences = tokenize.tokenize(ZH, "zh")
    assert sentences[0] == ["诸葛亮", "字", "孔明"]
    assert sentences[1] == ["刘备", "三顾茅庐", "请", "诸葛亮", "出山"]
    assert all(token not in "，。！" for sentence in sentences for token in sentence)


def test_user_dictionary_keeps_its_words_whole():
    plain = tokenize.tokenize(ZH, "zh")[2]
    assert "量子纠缠态" not in plain and "超导环流" not in plain
    with_dict = tokenize.tokenize(ZH, "zh", user_dict="量子纠缠态 10 n\n超导环流 5\n")[2]
    assert "量子纠缠态" in with_dict and "超导环流" in with_dict


def test_too_long_user_dictionary_is_refused():
    with pytest.raises(InvalidInputError, match="user dictionary"):
        corpus.segment(ZH, "zh", user_dict="词 1\n" * 300_000, cache=False)


def test_english_tokeniser_lowercases_and_keeps_contractions():
    sentences = tokenize.tokenize("Mr. Darcy didn't dance. 'Well!' said she.\n\nNew paragraph", "en")
    assert sentences == [["mr"], ["darcy", "didn't", "dance"], ["well", "said", "she"], ["new", "paragraph"]]


def test_language_detection():
    assert tokenize.detect_language(ZH) == "zh"
    assert tokenize.detect_language("It is a truth universally acknowledged 诸葛") == "en"


def test_stats_count_like_a_counter():
    sentences = tokenize.tokenize(ZH * 3, "zh")
    stats = corpus.corpus_stats(sentences, characters=len(ZH) * 3)
    counts = Counter(t for s in sentences for t in s)
    assert stats.tokens == sum(counts.values()) and stats.vocabulary == len(counts)
    assert stats.sentences == len(sentences) == 9
    assert stats.top_words[0] == counts.most_common(1)[0] == ("诸葛亮", 6)


def test_segmentation_is_cached_per_text_hash(private_cache):
    first = corpus.segment(ZH * 5, "zh")
    assert not first.from_cache
    files = list((private_cache / "segmented").iterdir())
    assert len(files) == 1 and first.key in files[0].name
    again = corpus.segment(ZH * 5, "zh")
    assert again.from_cache and again.sentences == first.sentences and again.stats == first.stats
    # The cache key covers the options that change the tokens.
    assert not corpus.segment(ZH * 5, "zh", user_dict="量子纠缠态 10 n").from_cache
    assert not corpus.segment(ZH * 5, "zh", hmm=True).from_cache
    assert not corpus.segment(ZH * 5 + "。", "zh").from_cache


def test_damaged_cache_entry_is_recomputed(private_cache):
    first = corpus.segment(ZH, "zh")
    next((private_cache / "segmented").iterdir()).write_bytes(b"not gzip")
    again = corpus.segment(ZH, "zh")
    assert not again.from_cache and again.sentences == first.sentences


@pytest.mark.parametrize("text, message", [("", "empty"), ("   \n ", "empty"), ("😀😀 ！！ ……", "No words")])
def test_unusable_text_is_refused(text, message):
    with pytest.raises(InvalidInputError, match=message):
        corpus.segment(text, "auto", cache=False)


def test_cancel_stops_segmentation():
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        corpus.segment(ZH * 2000, "zh", cache=False, cancel=cancel)


def test_progress_reaches_the_total():
    seen = []
    corpus.segment(ZH * 2000, "zh", cache=False, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1] > 0
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_gutenberg_boilerplate_is_left_out():
    book = (
        "licence blah\n*** START OF THE PROJECT GUTENBERG EBOOK ALICE ***\nDown the rabbit hole.\n"
        "*** END OF THE PROJECT GUTENBERG EBOOK ALICE ***\nmore licence"
    )
    assert tokenize.strip_boilerplate(book).strip() == "Down the rabbit hole."
    assert tokenize.strip_boilerplate("plain text") == "plain text"


def test_corpus_files_in_any_encoding_are_joined(tmp_path):
    (tmp_path / "a.txt").write_bytes("诸葛亮字孔明。".encode("gb18030"))
    (tmp_path / "b.txt").write_bytes("刘备三顾茅庐。".encode("utf-16"))
    assert corpus.read_corpus_files([tmp_path / "a.txt", tmp_path / "b.txt"]) == "诸葛亮字孔明。\n\n刘备三顾茅庐。"
    with pytest.raises(InvalidInputError, match="No such corpus file"):
        corpus.read_corpus_files([tmp_path / "missing.txt"])


def test_samples_name_public_addresses_and_checksums():
    assert {s.language for s in samples.SAMPLES} == {"zh", "en"}
    for sample in samples.SAMPLES:
        assert sample.url.startswith("https://") and len(sample.sha256) == 64 and sample.size > 100_000
    with pytest.raises(InvalidInputError, match="Must be one of"):
        samples.get_sample("nope")


def test_samples_ship_with_the_product_and_read_offline():
    for sample in samples.SAMPLES:  # the bundled copies are checked against the public files in test_shipped.py
        assert sample.path.is_file() and sample.path.is_relative_to(samples.BUNDLED_DATA)
    assert "宴桃园豪杰三结义" in samples.fetch_sample("sanguo")[:200]
