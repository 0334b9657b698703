"""Share links: every input of a page lives in its URL's query string.

This module is the pure half (no Streamlit): decoding query values with clear errors, and building
links. ``embedlab.ui`` binds decoded values to widgets. Contracts::

    /explorer?model=ID&word=W&topn=N
    /analogy?model=ID&pos=W1,W2&neg=W3&method=add|mul&topn=N
    /projection?model=ID&groups=a,b,c|d,e|f,g&method=pca|umap|tsne&dims=2|3&seed=S[&word=W&k=K&colour=group|kept]
    /projection?model=ID&source=atlas&top=N&method=pca|umap&seed=S[&word=W&zoom=x0,x1,y0,y1&clusters=C]
    /polysemy?model=ID&word=W&s=SENT1&s=SENT2...
    /sentences?model=ID&s=SENT1&s=SENT2...
    /search?model=ID&corpus=SAMPLE&n=N&q=TEXT&topn=K
    /models?model=ID

A bad value never raises past the page: the decoder's :class:`InvalidInputError` becomes a
message on screen and the default is used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from embedlab.errors import InvalidInputError

MAX_PARAM_CHARS = 2000
MAX_WORDS = 200
MAX_WORD_CHARS = 100
WORD_SEPARATORS = re.compile(r"[,，、;；\n]+")
GROUP_SEPARATORS = re.compile(r"[|｜\n]+")


def _text(value: str, name: str, *, limit: int = MAX_PARAM_CHARS) -> str:
    if len(value) > limit:
        raise InvalidInputError.coded("text_too_long", field=name, length=len(value), limit=limit)
    return value


def parse_int(value: str, name: str, *, low: int, high: int) -> int:
    """A whole number within ``[low, high]``."""
    _text(value, name, limit=20)
    try:
        number = int(value.strip())
    except ValueError:
        raise InvalidInputError.coded("not_whole_number", field=name, low=low, high=high, value=repr(value[:20])) from None
    if not low <= number <= high:
        raise InvalidInputError.coded("out_of_range", field=name, low=low, high=high, value=number)
    return number


def parse_float(value: str, name: str, *, low: float, high: float) -> float:
    """A finite number within ``[low, high]``."""
    _text(value, name, limit=20)
    try:
        number = float(value.strip())
    except ValueError:
        raise InvalidInputError.coded("not_a_number", field=name, low=low, high=high, value=repr(value[:20])) from None
    if not low <= number <= high:  # also rejects nan
        raise InvalidInputError.coded("out_of_range", field=name, low=low, high=high, value=value.strip()[:20])
    return number


def parse_choice(value: str, name: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise InvalidInputError.coded("bad_choice", field=name, choices=list(choices), value=repr(value[:40]))
    return value


def parse_text(value: str, name: str, *, limit: int = MAX_PARAM_CHARS) -> str:
    """Free text (a search query): trimmed, at most ``limit`` characters; may be empty."""
    return _text(value.strip(), name, limit=limit)


def parse_word(value: str, name: str, *, limit: int = MAX_WORD_CHARS) -> str:
    """One word: trimmed, non-empty, at most ``limit`` characters."""
    word = _text(value, name).strip()
    if len(word) > limit:
        raise InvalidInputError.coded("word_too_long_in", field=name, length=len(word), limit=limit)
    return word


def parse_words(value: str, name: str, *, limit: int = MAX_WORD_CHARS) -> list[str]:
    """A comma-separated list (ASCII or Chinese commas, 、 or semicolons), blanks dropped."""
    words = [w.strip() for w in WORD_SEPARATORS.split(_text(value, name)) if w.strip()]
    if len(words) > MAX_WORDS:
        raise InvalidInputError.coded("too_many_words", field=name, count=len(words), limit=MAX_WORDS)
    for word in words:
        parse_word(word, name, limit=limit)
    return words


def split_long_words(words: Sequence[str], *, limit: int = MAX_WORD_CHARS) -> tuple[list[str], list[str]]:
    """``(kept, dropped)``: the words of at most ``limit`` characters, and the longer ones."""
    return [w for w in words if len(w) <= limit], [w for w in words if len(w) > limit]


def join_words(words: Sequence[str]) -> str:
    return ",".join(words)


def parse_groups(value: str, name: str, *, limit: int = MAX_WORD_CHARS) -> list[list[str]]:
    """Word groups: ``a,b,c|d,e`` (``|`` or a new line between groups, word separators within).

    Empty groups are dropped; at most :data:`MAX_WORDS` words in all.
    """
    groups = [parse_words(part, name, limit=limit) for part in GROUP_SEPARATORS.split(_text(value, name))]
    groups = [group for group in groups if group]
    total = sum(len(group) for group in groups)
    if total > MAX_WORDS:
        raise InvalidInputError.coded("too_many_words", field=name, count=total, limit=MAX_WORDS)
    return groups


def join_groups(groups: Sequence[Sequence[str]]) -> str:
    """The query form of word groups: ``a,b,c|d,e``."""
    return "|".join(join_words(group) for group in groups)


MAX_SENTENCES = 50


def parse_sentences(values: str | Sequence[str], name: str, *, most: int = MAX_SENTENCES) -> list[str]:
    """Sentences from repeated parameters (``s=…&s=…``) or lines of text: trimmed, blanks dropped.

    Each value may itself hold several lines. At most ``most`` sentences of at most
    :data:`MAX_PARAM_CHARS` characters each.
    """
    values = [values] if isinstance(values, str) else list(values)
    sentences = [line.strip() for value in values for line in _text(value, name, limit=MAX_PARAM_CHARS * most).splitlines()]
    sentences = [line for line in sentences if line]
    if len(sentences) > most:
        raise InvalidInputError.coded("too_many_sentences", field=name, count=len(sentences), limit=most)
    for sentence in sentences:
        _text(sentence, name)
    return sentences


def build_link(page: str, params: Mapping[str, object]) -> str:
    """A relative share link, e.g. ``build_link("analogy", {"pos": ["a", "b"]})`` → ``/analogy?pos=a%2Cb``.

    Lists are joined with commas; ``None`` values are left out.
    """
    pairs = []
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            value = join_words([str(v) for v in value])
        pairs.append((key, str(value)))
    query = urlencode(pairs)
    return f"/{page}" + (f"?{query}" if query else "")


# ---------------------------------------------------------------- honest pictures (issue 13)


def parse_box(value: str, name: str) -> tuple[float, float, float, float]:
    """A zoom box ``x0,x1,y0,y1``: four finite numbers with ``x0 < x1`` and ``y0 < y1``."""
    parts = _text(value, name, limit=200).split(",")
    try:
        box = tuple(float(part) for part in parts)
    except ValueError:
        box = ()
    if len(box) != 4 or not all(abs(v) < 1e12 for v in box) or not (box[0] < box[1] and box[2] < box[3]):
        raise InvalidInputError.coded("bad_box", field=name, value=repr(value[:60]))
    return box


def join_box(box: Sequence[float]) -> str:
    """The query form of a zoom box: ``x0,x1,y0,y1`` with six significant digits."""
    return ",".join(f"{v:.6g}" for v in box)


def analogy_link(model_id: str, a: str, b: str, c: str, expected: str, *, method: str = "add", lang: str | None = None) -> str:
    """A relative link to the analogy page asking ``a : b :: c : ?`` (``b − a + c``) with ``expected`` filled in.

    Relative to the current page (``analogy?…``), so it works under any base path.
    """
    params = {"model": model_id, "pos": [b, c], "neg": [a], "expect": expected, "method": method, "lang": lang}
    return build_link("analogy", params)[1:]


def pair_link(model_id: str, first: str, second: str, *, lang: str | None = None) -> str:
    """A relative link to the word explorer with ``first`` as the word and both words compared."""
    return build_link("explorer", {"model": model_id, "word": first, "words": [first, second], "lang": lang})[1:]
