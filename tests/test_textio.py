"""Decoding uploads: UTF-8 (± BOM), GB18030/GBK, UTF-16 (± BOM), and clear errors for binary junk."""

from __future__ import annotations

import re
import zlib

import pytest

from embedlab.errors import InvalidInputError
from embedlab.io.textio import decode_text

SAMPLE = "第一回　宴桃园豪杰三结义　斩黄巾英雄首立功\n\n话说天下大势，分久必合，合久必分。Chapter 1, 1522 edition.\n"


def hanzi(text: str) -> str:
    return "".join(re.findall(r"[\u4e00-\u9fff]", text))


def test_gb18030_fixture_decodes_to_the_utf8_novels_opening(data_dir):
    fixture = (data_dir / "corpora" / "zh-gb18030" / "sanguo_yanyi_gb18030.txt").read_bytes()
    novel = (data_dir / "corpora" / "zh" / "sanguo_yanyi.txt").read_text(encoding="utf-8")
    with pytest.raises(UnicodeDecodeError):
        fixture.decode("utf-8")  # so the detection below is doing real work
    decoded = decode_text(fixture, name="sanguo_yanyi_gb18030.txt")
    assert decoded.encoding == "gb18030"
    assert decoded.text == fixture.decode("gb18030")
    # Two editions of the same book: the chapter heading is identical, the web copy then adds the
    # opening poem, and the narration starting 话说天下大势 agrees character for character (the
    # editions differ in punctuation and, after 74 characters, in one particle: 殆).
    assert decoded.text.splitlines()[0].strip() == novel.splitlines()[0].strip() == "第一回　宴桃园豪杰三结义　斩黄巾英雄首立功"
    web = hanzi(decoded.text[decoded.text.index("话说天下大势") :])
    book = hanzi(novel[novel.index("话说天下大势") :])
    assert web[:74] == book[:74]
    assert "\ufffd" not in decoded.text


@pytest.mark.parametrize(
    "encoding, expected",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),  # GBK is a subset of GB18030
        ("utf-16", "utf-16"),  # with a BOM
        ("utf-16-le", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
        ("utf-32", "utf-32"),
    ],
)
def test_round_trip(encoding, expected):
    decoded = decode_text(SAMPLE.encode(encoding))
    assert decoded.text == SAMPLE
    assert decoded.encoding == expected


def test_real_novel_opening_round_trips_through_every_encoding(data_dir):
    opening = (data_dir / "corpora" / "zh" / "sanguo_yanyi.txt").read_text(encoding="utf-8")[:20_000]
    for encoding in ("gb18030", "utf-16", "utf-8-sig"):
        assert decode_text(opening.encode(encoding)).text == opening


def test_crlf_kept_and_bom_removed():
    decoded = decode_text(b"\xef\xbb\xbfa b\r\nc d\r\n")
    assert decoded.text == "a b\r\nc d\r\n"


@pytest.mark.parametrize(
    "junk, reason",
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        (b"PK\x03\x04" + zlib.compress(SAMPLE.encode("utf-8") * 50), "not text|binary"),
        (bytes(range(128, 256)) * 64, "not text|binary"),
        (b"%PDF-1.7\n" + bytes([0x80, 0xFF, 0x81, 0x30]) * 300, "not text|binary"),
    ],
)
def test_binary_junk_is_refused_with_a_clear_message(junk, reason):
    with pytest.raises(InvalidInputError, match=reason):
        decode_text(junk, name="upload.bin")


def test_error_names_the_file_and_the_fix():
    with pytest.raises(InvalidInputError) as info:
        decode_text(b"\x00\x01\x02\x03" * 100, name="scan.pdf")
    assert "scan.pdf" in str(info.value) and "UTF-8" in str(info.value)


def test_emoji_and_html_survive():
    text = "<script>alert(1)</script> 😀 诸葛亮"
    assert decode_text(text.encode("utf-8")).text == text
    assert decode_text(text.encode("utf-16")).text == text
