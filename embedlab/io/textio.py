"""Turning uploaded bytes into text, whatever encoding a Chinese or English user's file is in.

Files reach EmbedLab from Windows editors (GB18030/GBK, UTF-16 with a BOM), from the web (UTF-8,
sometimes with a BOM) and by mistake (a PDF, a zip). :func:`decode_text` tries, in order:

1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
2. UTF-16 without a BOM, when the file has NUL bytes and reads as text in one byte order;
3. strict UTF-8;
4. strict GB18030, a superset of GBK and GB2312, accepted only when the result reads as text
   (random bytes often decode as GB18030 into a soup of rare characters);

and refuses anything else, or anything with control characters a text file does not hold::

    >>> decode_text("诸葛亮".encode("gb18030")).encoding
    'gb18030'
    >>> decode_text(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00")      # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    InvalidInputError: ...
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from embedlab.errors import InvalidInputError

BOMS = (  # UTF-32 first: its LE mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
SNIFF_BYTES = 64 * 1024
# Tab, newline, carriage return and form feed occur in text files; other C0 controls do not.
TEXT_CONTROLS = frozenset("\t\n\r\f")
BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
MAX_CONTROL_SHARE = 0.001
MIN_READABLE_SHARE = 0.95


@dataclass(frozen=True)
class DecodedText:
    """Text and the encoding it was found in (``utf-8``, ``utf-8-sig``, ``gb18030``, ``utf-16-le`` ...)."""

    text: str
    encoding: str


def _utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when the start decodes that way into readable text.

    Only tried when NUL bytes occur: UTF-16 gives every ASCII character (newlines included)
    a NUL byte, and text in UTF-8 or GB18030 has none.
    """
    sample = head[: len(head) - len(head) % 2]
    if b"\x00" not in sample:
        return None
    best, best_share = None, MIN_READABLE_SHARE
    for encoding in ("utf-16-le", "utf-16-be"):
        text = sample.decode(encoding, errors="replace")
        share = _readable_share(text)
        if share >= best_share:
            best, best_share = encoding, share
    return best


def _is_readable(char: str) -> bool:
    code = ord(char)
    return (
        0x20 <= code < 0x7F
        or char in TEXT_CONTROLS
        or 0xA0 <= code < 0x250  # Latin-1 and Latin Extended
        or 0x2000 <= code < 0x2070  # general punctuation
        or 0x3000 <= code < 0x3100  # CJK punctuation, kana
        or 0x3400 <= code < 0x4DC0  # CJK extension A
        or 0x4E00 <= code < 0xA000  # CJK unified ideographs
        or 0xFF00 <= code < 0xFFF0  # full-width forms
    )


def _readable_share(text: str) -> float:
    return sum(1 for ch in text if _is_readable(ch)) / len(text) if text else 0.0


def _check_text(text: str, name: str, encoding: str) -> None:
    controls = len(BINARY_CONTROLS.findall(text))
    if controls > max(1, MAX_CONTROL_SHARE * len(text)):
        raise InvalidInputError.coded("binary_file", name=name)


def decode_text(data: bytes, *, name: str = "The file") -> DecodedText:
    """Decode uploaded text, detecting UTF-8, GB18030/GBK and UTF-16 (with or without a BOM).

    Parameters
    ----------
    data : bytes
        The whole file.
    name : str, optional
        How to call the file in error messages (e.g. its upload name).

    Returns
    -------
    DecodedText
        The text (BOM removed, line ends untouched) and the encoding it was found in.

    Raises
    ------
    InvalidInputError
        For empty input, binary data, or bytes that are none of the supported encodings.
    """
    if not data:
        raise InvalidInputError.coded("empty_file", name=name)
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise InvalidInputError.coded("bad_bom", name=name, encoding=encoding.upper(), byte=exc.start) from None
            _check_text(text, name, encoding)
            return DecodedText(text, encoding)
    utf16 = _utf16_without_bom(data[:SNIFF_BYTES])
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            pass
        else:
            _check_text(text, name, utf16)
            return DecodedText(text, utf16)
    if b"\x00" in data[:SNIFF_BYTES]:
        raise InvalidInputError.coded("binary_file", name=name)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        _check_text(text, name, "utf-8")
        return DecodedText(text, "utf-8")
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    else:
        if _readable_share(text[:SNIFF_BYTES]) >= MIN_READABLE_SHARE:
            _check_text(text, name, "gb18030")
            return DecodedText(text, "gb18030")
    raise InvalidInputError.coded("unknown_encoding", name=name)
