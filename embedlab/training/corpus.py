"""A training corpus: text tokenised once, its statistics, and an on-disk cache of the result.

:func:`segment` is the way in. It checks the text (not empty, not over the server's limit),
picks the language, tokenises with :mod:`embedlab.training.tokenize`, and hands back a
:class:`Segmented` corpus: the sentences of tokens word2vec trains on plus :class:`CorpusStats`
(sentences, running tokens, distinct words, the most frequent ones)::

    >>> from embedlab.training.corpus import segment
    >>> corpus = segment("诸葛亮字孔明。刘备三顾茅庐。", "zh", cache=False)
    >>> corpus.sentences                                   # doctest: +SKIP
    [['诸葛亮', '字', '孔明'], ['刘备', '三顾茅庐']]
    >>> corpus.stats.tokens                                # doctest: +SKIP
    5

Segmenting four novels takes jieba about half a minute, so :func:`segment` caches the result on
disk under :func:`~embedlab.config.cache_dir` (``segmented/<key>.txt.gz``, one sentence a line).
The key (:func:`corpus_key`) hashes everything that changes the tokens: the text, the language,
the user dictionary, jieba's HMM switch and the tokeniser's version. Retraining on the same text
skips jieba, and changing any of those makes a new entry rather than reusing a stale one.

:func:`read_corpus_files` turns the user's own files (any supported encoding) into one text.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from embedlab.config import cache_dir
from embedlab.errors import InvalidInputError
from embedlab.io.textio import decode_text
from embedlab.progress import Progress
from embedlab.training.tokenize import SEGMENTER_VERSION, Language, check_language, detect_language, strip_boilerplate, tokenize

log = logging.getLogger(__name__)

MAX_USER_DICT_CHARS = 1_000_000


# ---------------------------------------------------------------- statistics


@dataclass(frozen=True)
class CorpusStats:
    """What a tokenised corpus holds.

    Attributes
    ----------
    characters : int
        Characters of the original text.
    sentences, tokens, vocabulary : int
        Sentences with at least one token, running tokens, distinct tokens.
    top_words : tuple of (str, int)
        The most frequent tokens with their counts.
    """

    characters: int
    sentences: int
    tokens: int
    vocabulary: int
    top_words: tuple[tuple[str, int], ...]


def corpus_stats(sentences: Sequence[Sequence[str]], *, characters: int = 0, top: int = 30) -> CorpusStats:
    """Counts of sentences, tokens and distinct words, and the ``top`` most frequent words.

    >>> corpus_stats([["刘备", "曹操"], ["刘备"]], characters=7, top=1)
    CorpusStats(characters=7, sentences=2, tokens=3, vocabulary=2, top_words=(('刘备', 2),))
    """
    counts = Counter(token for sentence in sentences for token in sentence)
    return CorpusStats(
        characters=characters,
        sentences=len(sentences),
        tokens=sum(counts.values()),
        vocabulary=len(counts),
        top_words=tuple(counts.most_common(top)),
    )


# ---------------------------------------------------------------- cached segmentation


@dataclass(frozen=True)
class Segmented:
    """A tokenised corpus.

    Attributes
    ----------
    key : str
        Hash of text, language, user dictionary and tokeniser version (the cache key).
    language : {"zh", "en"}
    sentences : list of list of str
        What gensim's Word2Vec trains on. Treat as read-only.
    stats : CorpusStats
    from_cache : bool
        True when the segmentation was read from the on-disk cache.
    """

    key: str
    language: Language
    sentences: list[list[str]]
    stats: CorpusStats
    from_cache: bool = False


def corpus_key(text: str, language: Language, user_dict: str | None = None, hmm: bool = False) -> str:
    """The cache key of a segmentation: 32 hex digits of a hash over everything that changes the tokens.

    Each part is hashed with its length in front, so ("ab", "c") and ("a", "bc") differ.
    """
    digest = hashlib.sha256()
    for part in (SEGMENTER_VERSION, language, "hmm" if hmm else "", user_dict or "", text):
        data = part.encode("utf-8")
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()[:32]


def _cache_file(key: str) -> Path:
    return cache_dir() / "segmented" / f"{key}.txt.gz"


def _write_cache(path: Path, sentences: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with gzip.open(temporary, "wt", encoding="utf-8", compresslevel=1) as handle:
        for sentence in sentences:
            handle.write(" ".join(sentence))
            handle.write("\n")
    os.replace(temporary, path)


def _read_cache(path: Path) -> list[list[str]] | None:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            return [line.split(" ") for line in handle.read().split("\n") if line]
    except (OSError, EOFError, UnicodeDecodeError):
        return None  # a damaged cache entry is simply recomputed


def segment(
    text: str,
    language: Language | Literal["auto"] = "auto",
    *,
    user_dict: str | None = None,
    hmm: bool = False,
    cache: bool = True,
    max_chars: int | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Segmented:
    """Tokenise ``text`` for training, reusing the on-disk cache when the same text was seen.

    Parameters
    ----------
    text : str
    language : {"auto", "zh", "en"}
        ``"auto"`` picks by the share of CJK characters (:func:`~embedlab.training.tokenize.detect_language`).
    user_dict : str, optional
        jieba user dictionary text; part of the cache key.
    hmm : bool
        jieba's HMM for unknown words (see :func:`embedlab.training.tokenize.tokenize`); part of the cache key.
    cache : bool
        Read and write the cache under :func:`~embedlab.config.cache_dir`.
    max_chars : int, optional
        Refuse longer texts (a server's ``limits.training_chars``).
    progress, cancel
        As in :func:`embedlab.training.tokenize.tokenize` (a cached corpus reports its end at once).

    Returns
    -------
    Segmented

    Raises
    ------
    InvalidInputError
        For empty text, text over ``max_chars``, a user dictionary over ``MAX_USER_DICT_CHARS``, or
        text without a single word.
    Cancelled
        When ``cancel`` was set.
    """
    if not text or not text.strip():
        raise InvalidInputError.coded("empty_corpus")
    if max_chars is not None and len(text) > max_chars:
        raise InvalidInputError.coded("corpus_too_long", chars=len(text), limit=max_chars)
    if user_dict is not None and len(user_dict) > MAX_USER_DICT_CHARS:
        raise InvalidInputError.coded("user_dict_too_long", chars=len(user_dict), limit=MAX_USER_DICT_CHARS)
    language = detect_language(text) if language == "auto" else check_language(language)
    user_dict = (user_dict or "").strip() or None
    if language == "en":  # jieba's options mean nothing to the English tokeniser
        user_dict, hmm = None, False
    key = corpus_key(text, language, user_dict, hmm)
    sentences = _read_cache(_cache_file(key)) if cache and _cache_file(key).is_file() else None
    from_cache = sentences is not None
    if sentences is None:
        sentences = tokenize(text, language, user_dict=user_dict, hmm=hmm, progress=progress, cancel=cancel)
        if not sentences:
            raise InvalidInputError.coded("no_words_in_corpus")
        if cache:
            try:
                _write_cache(_cache_file(key), sentences)
            except OSError as exc:  # a read-only home must not stop training
                log.warning("Cannot write the segmentation cache: %s", exc)
    elif progress is not None:
        progress(len(text), len(text))
    return Segmented(key, language, sentences, corpus_stats(sentences, characters=len(text)), from_cache)


def read_corpus_files(paths: Sequence[str | Path]) -> str:
    """Decode and join several text files (any supported encoding) with blank lines between.

    Project Gutenberg's licence header and footer are left out (:func:`~embedlab.training.tokenize.strip_boilerplate`).

    Raises
    ------
    InvalidInputError
        For a missing or undecodable file.
    """
    parts = []
    for path in paths:
        path = Path(path).expanduser()
        if not path.is_file():
            raise InvalidInputError(f"No such corpus file: {path}")
        parts.append(strip_boilerplate(decode_text(path.read_bytes(), name=path.name).text))
    return "\n\n".join(parts)
