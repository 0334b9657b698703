"""Tokenisation, corpus statistics, the segmentation cache and sample-corpus downloads.

A loopback HTTP server (http.server on 127.0.0.1, in a thread) stands in for the public
addresses of the sample corpora.
"""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import socket
import threading
from collections import Counter

import pytest

from embedlab import corpus
from embedlab.errors import EmbedLabError, InvalidInputError

ZH = "诸葛亮字孔明。刘备三顾茅庐，请诸葛亮出山！他研究量子纠缠态和超导环流。"


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("EMBEDLAB_MODELS_DIR", str(tmp_path / "models"))
    return tmp_path / "cache"


def test_chinese_is_segmented_by_jieba_without_punctuation():
    sentences = corpus.tokenize(ZH, "zh")
    assert sentences[0] == ["诸葛亮", "字", "孔明"]
    assert sentences[1] == ["刘备", "三顾茅庐", "请", "诸葛亮", "出山"]
    assert all(token not in "，。！" for sentence in sentences for token in sentence)


def test_user_dictionary_keeps_its_words_whole():
    plain = corpus.tokenize(ZH, "zh")[2]
    assert "量子纠缠态" not in plain and "超导环流" not in plain
    with_dict = corpus.tokenize(ZH, "zh", user_dict="量子纠缠态 10 n\n超导环流 5\n")[2]
    assert "量子纠缠态" in with_dict and "超导环流" in with_dict


def test_too_long_user_dictionary_is_refused():
    with pytest.raises(InvalidInputError, match="user dictionary"):
        corpus.segment(ZH, "zh", user_dict="词 1\n" * 300_000, cache=False)


def test_english_tokeniser_lowercases_and_keeps_contractions():
    sentences = corpus.tokenize("Mr. Darcy didn't dance. 'Well!' said she.\n\nNew paragraph", "en")
    assert sentences == [["mr"], ["darcy", "didn't", "dance"], ["well", "said", "she"], ["new", "paragraph"]]


def test_language_detection():
    assert corpus.detect_language(ZH) == "zh"
    assert corpus.detect_language("It is a truth universally acknowledged 诸葛") == "en"


def test_stats_count_like_a_counter():
    sentences = corpus.tokenize(ZH * 3, "zh")
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
    with pytest.raises(corpus.Cancelled):
        corpus.segment(ZH * 2000, "zh", cache=False, cancel=cancel)


def test_progress_reaches_the_total():
    seen = []
    corpus.segment(ZH * 2000, "zh", cache=False, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1] > 0
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_gutenberg_boilerplate_is_left_out():
    book = "licence blah\n*** START OF THE PROJECT GUTENBERG EBOOK ALICE ***\nDown the rabbit hole.\n*** END OF THE PROJECT GUTENBERG EBOOK ALICE ***\nmore licence"
    assert corpus.strip_boilerplate(book).strip() == "Down the rabbit hole."
    assert corpus.strip_boilerplate("plain text") == "plain text"


def test_corpus_files_in_any_encoding_are_joined(tmp_path):
    (tmp_path / "a.txt").write_bytes("诸葛亮字孔明。".encode("gb18030"))
    (tmp_path / "b.txt").write_bytes("刘备三顾茅庐。".encode("utf-16"))
    assert corpus.read_corpus_files([tmp_path / "a.txt", tmp_path / "b.txt"]) == "诸葛亮字孔明。\n\n刘备三顾茅庐。"
    with pytest.raises(InvalidInputError, match="No such corpus file"):
        corpus.read_corpus_files([tmp_path / "missing.txt"])


def test_samples_name_public_addresses_and_checksums():
    assert {s.language for s in corpus.SAMPLES} == {"zh", "en"}
    for sample in corpus.SAMPLES:
        assert sample.url.startswith("https://") and len(sample.sha256) == 64 and sample.size > 100_000
    with pytest.raises(InvalidInputError, match="Must be one of"):
        corpus.get_sample("nope")


def test_shared_data_copies_are_found_without_download(data_dir, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_DATA_DIR", str(data_dir))
    for sample in corpus.SAMPLES:  # SOURCES.md: byte-for-byte copies of the same public files
        path = corpus.local_sample(sample)
        assert path is not None and path.parent.parent == data_dir / "corpora", sample.id


# ---------------------------------------------------------------- loopback downloads


class _Files(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}

    def do_GET(self):  # noqa: N802 (http.server's name)
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture()
def loopback():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Files.files
    server.shutdown()
    server.server_close()
    _Files.files.clear()


def _sample_for(base: str, path: str, body: bytes, **changes) -> corpus.SampleCorpus:
    sample = corpus.SampleCorpus("test-book", "测试书 Test book", "zh", base + path, hashlib.sha256(body).hexdigest(), len(body))
    return dataclasses.replace(sample, **changes)


def test_download_with_progress_then_from_cache(loopback, private_cache, monkeypatch, tmp_path):
    monkeypatch.setenv("EMBEDLAB_DATA_DIR", str(tmp_path / "no-data"))
    base, files = loopback
    body = ("话说天下大势，分久必合，合久必分。\n" * 20_000).encode("gb18030")
    files["/book.txt"] = body
    sample = _sample_for(base, "/book.txt", body)
    seen = []
    text = corpus.fetch_sample(sample, progress=lambda done, total: seen.append((done, total)))
    assert text == body.decode("gb18030")
    assert len(seen) > 3 and seen[-1] == (len(body), len(body))
    assert corpus.sample_path(sample).read_bytes() == body
    files.clear()  # the server forgets the file: the second fetch must come from the cache
    assert corpus.fetch_sample(sample) == text


def test_checksum_mismatch_is_refused_and_nothing_kept(loopback, private_cache, monkeypatch, tmp_path):
    monkeypatch.setenv("EMBEDLAB_DATA_DIR", str(tmp_path / "no-data"))
    base, files = loopback
    files["/book.txt"] = b"tampered text"
    sample = _sample_for(base, "/book.txt", b"the real text")
    with pytest.raises(EmbedLabError, match="not the expected file"):
        corpus.fetch_sample(sample)
    assert not corpus.sample_path(sample).exists()
    assert not any((private_cache / "corpora").iterdir())


def test_http_error_is_reported(loopback, monkeypatch, tmp_path):
    monkeypatch.setenv("EMBEDLAB_DATA_DIR", str(tmp_path / "no-data"))
    base, _ = loopback
    with pytest.raises(EmbedLabError, match="404"):
        corpus.fetch_sample(_sample_for(base, "/missing.txt", b"x"))


def test_offline_says_so_plainly(monkeypatch, tmp_path):
    monkeypatch.setenv("EMBEDLAB_DATA_DIR", str(tmp_path / "no-data"))
    with socket.socket() as probe:  # a port nobody listens on: the connection is refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sample = _sample_for(f"http://127.0.0.1:{port}", "/book.txt", b"x")
    with pytest.raises(EmbedLabError) as info:
        corpus.fetch_sample(sample, timeout=5)
    assert "offline" in str(info.value) and "Upload the text" in str(info.value)
