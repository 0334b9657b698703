"""Turning text into the sentences of tokens word2vec learns from.

word2vec never sees text: it sees sentences, each a list of tokens, and learns one vector per
distinct token from the tokens around it. How the text is cut therefore decides what the model can
know. This module does the cutting, in three steps:

1. **Which language** (:func:`detect_language`): Chinese when at least a tenth of the letters are
   CJK characters, else English. A Project Gutenberg book first loses its licence header and footer
   (:func:`strip_boilerplate`), which would otherwise teach the model legal English.
2. **Sentences** (:func:`split_sentences`): Chinese ends a sentence at 。！？; English at ``.!?``
   before a space, and at blank lines. A sentence is word2vec's context boundary: neighbours never
   reach across it.
3. **Tokens** (:func:`tokenize_sentence`): English is split on letters and digits and lower-cased.
   Chinese has no spaces, so jieba segments it, optionally with a user dictionary (one
   ``word [freq] [tag]`` per line) that keeps names such as 诸葛亮 whole. Punctuation never becomes
   a token.

>>> tokenize("Mr. Darcy didn't dance. 'Well!' said she.", "en")
[['mr'], ['darcy', "didn't", 'dance'], ['well', 'said', 'she']]
>>> split_sentences("诸葛亮字孔明。刘备三顾茅庐！", "zh")
['诸葛亮字孔明。', '刘备三顾茅庐！']
>>> tokenize("诸葛亮字孔明。刘备三顾茅庐。", "zh")            # doctest: +SKIP
[['诸葛亮', '字', '孔明'], ['刘备', '三顾茅庐']]

Tokenising four novels takes jieba about half a minute; :mod:`embedlab.training.corpus` keeps the
result in an on-disk cache, keyed (among others) by :data:`SEGMENTER_VERSION`.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import threading
from typing import Literal

from embedlab.errors import Cancelled, InvalidInputError
from embedlab.progress import Progress

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")

SEGMENTER_VERSION = "1"  # part of the segmentation cache key: bump when this module's output changes
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
WORD_CHAR = re.compile(r"\w")
ENGLISH_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Sentence ends: Chinese full stops, question and exclamation marks; English ones before a space.
ZH_SENTENCE_END = re.compile(r"(?<=[。！？!?])")
EN_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
GUTENBERG_START = re.compile(r"\*\*\* ?START OF (?:THE|THIS) PROJECT GUTENBERG[^\n]*")
GUTENBERG_END = re.compile(r"\*\*\* ?END OF (?:THE|THIS) PROJECT GUTENBERG")
CANCEL_CHECK_SENTENCES = 500  # how often tokenize looks at the cancel event and reports progress


def detect_language(text: str) -> Language:
    """``"zh"`` when at least a tenth of the letters in the first 100k characters are CJK, else ``"en"``.

    >>> detect_language("诸葛亮字孔明"), detect_language("It is a truth universally acknowledged 诸葛")
    ('zh', 'en')
    """
    sample = text[:100_000]
    letters = len(WORD_CHAR.findall(sample))
    return "zh" if letters and len(CJK.findall(sample)) >= 0.1 * letters else "en"


def strip_boilerplate(text: str) -> str:
    """The book without Project Gutenberg's licence header and footer (other texts unchanged).

    >>> strip_boilerplate("licence\\n*** START OF THE PROJECT GUTENBERG EBOOK 11 ***\\nAlice\\n*** END OF THE PROJECT GUTENBERG")
    '\\nAlice\\n'
    """
    start = GUTENBERG_START.search(text)
    if start:
        text = text[start.end() :]
    end = GUTENBERG_END.search(text)
    return text[: end.start()] if end else text


def check_language(language: str) -> Language:
    """``language`` itself when it is one of :data:`LANGUAGES`.

    Raises
    ------
    InvalidInputError
        For any other value.
    """
    if language not in LANGUAGES:
        raise InvalidInputError(f"Unknown corpus language: {language!r}. Must be one of: {list(LANGUAGES)}.")
    return language


# ---------------------------------------------------------------- tokenisers

_jieba_lock = threading.Lock()
_jieba_tokenizers: dict[str, object] = {}  # user-dictionary hash -> jieba.Tokenizer
MAX_JIEBA_TOKENIZERS = 4


def _jieba(user_dict: str | None):
    """A jieba tokenizer of its own per user dictionary (never the global one: sessions share it)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    key = hashlib.sha256((user_dict or "").encode("utf-8")).hexdigest()
    with _jieba_lock:
        tokenizer = _jieba_tokenizers.get(key)
        if tokenizer is None:
            tokenizer = jieba.Tokenizer()
            tokenizer.initialize()
            if user_dict:  # jieba reads any line as 'word [freq] [tag]'; nothing to reject
                tokenizer.load_userdict(io.StringIO(user_dict))
            if len(_jieba_tokenizers) >= MAX_JIEBA_TOKENIZERS:
                _jieba_tokenizers.pop(next(iter(_jieba_tokenizers)))
            _jieba_tokenizers[key] = tokenizer
    return tokenizer


def split_sentences(text: str, language: Language) -> list[str]:
    """Lines, then sentences within them (Chinese) or sentence ends and blank lines (English)."""
    if language == "zh":
        return [part for line in text.splitlines() for part in ZH_SENTENCE_END.split(line) if part.strip()]
    return [part for part in EN_SENTENCE_END.split(text) if part.strip()]


def tokenize_sentence(sentence: str, language: Language, *, user_dict: str | None = None, hmm: bool = False) -> list[str]:
    """The word tokens of one sentence, without punctuation or whitespace (see :func:`tokenize` for the options)."""
    if language == "en":
        return [token.lower() for token in ENGLISH_TOKEN.findall(sentence)]
    tokens: list[str] = []
    for piece in _jieba(user_dict).lcut(sentence, HMM=hmm):
        tokens.extend(part for part in piece.split() if WORD_CHAR.search(part))
    return tokens


def tokenize(
    text: str,
    language: Language,
    *,
    user_dict: str | None = None,
    hmm: bool = False,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> list[list[str]]:
    """Split ``text`` into sentences of tokens (jieba for Chinese, a simple tokeniser for English).

    Parameters
    ----------
    text : str
    language : {"zh", "en"}
    user_dict : str, optional
        jieba user dictionary text (``word [freq] [tag]`` per line, e.g. ``诸葛亮 100 nr``); Chinese only.
    hmm : bool
        Let jieba guess words missing from its dictionary with its HMM. Off by default: on the
        classical novels it glues names to the next character (玄德正, 司马懿善), and word2vec
        then learns those fragments instead of the names.
    progress : Progress, optional
        ``progress(characters_done, characters_total)``, called now and then.
    cancel : threading.Event, optional
        When set, stop and raise :class:`~embedlab.errors.Cancelled`.

    Returns
    -------
    list of list of str
        The sentences that hold at least one token.

    Raises
    ------
    InvalidInputError
        For an unknown language.
    Cancelled
        When ``cancel`` was set.
    """
    language = check_language(language)
    sentences = split_sentences(text, language)
    total = sum(len(s) for s in sentences)
    done = 0
    result = []
    for number, sentence in enumerate(sentences):
        tokens = tokenize_sentence(sentence, language, user_dict=user_dict, hmm=hmm)
        if tokens:
            result.append(tokens)
        done += len(sentence)
        if number % CANCEL_CHECK_SENTENCES == 0:
            if cancel is not None and cancel.is_set():
                raise Cancelled("Segmentation cancelled.")
            if progress is not None:
                progress(done, total)
    if progress is not None:
        progress(total, total)
    return result
