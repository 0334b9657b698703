"""Training text: tokenisation, statistics, a segmentation cache and sample corpora.

word2vec learns from sentences of tokens. Chinese has no spaces, so it is segmented with jieba
(optionally with a user dictionary, one ``word [freq] [tag]`` per line); English is split on
letters and digits and lower-cased. Punctuation never becomes a token::

    >>> from embedlab.training.corpus import segment
    >>> corpus = segment("诸葛亮字孔明。刘备三顾茅庐。", "zh", cache=False)
    >>> corpus.sentences                                   # doctest: +SKIP
    [['诸葛亮', '字', '孔明'], ['刘备', '三顾茅庐']]
    >>> corpus.stats.tokens                                # doctest: +SKIP
    5

Segmenting four novels takes jieba about half a minute, so :func:`segment` caches the result on
disk under :func:`cache_dir`, keyed by a hash of the text, the language and the user dictionary:
retraining on the same text skips it.

Sample corpora (:data:`SAMPLES`) are public-domain books that ship with EmbedLab (compressed, with
their sources and checksums); :func:`fetch_sample` reads one, and :func:`names_dictionary` gives the
novels' character names as a jieba dictionary.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import logging
import os
import re
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote, urlsplit

from embedlab.config import BUNDLED_DATA, cache_dir
from embedlab.errors import EmbedLabError, InvalidInputError
from embedlab.io.textio import decode_text

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")
Progress = Callable[[int, int], None]  # (done, total)

SEGMENTER_VERSION = "1"  # part of the cache key: bump when tokenisation changes
MAX_USER_DICT_CHARS = 1_000_000
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
WORD_CHAR = re.compile(r"\w")
ENGLISH_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Sentence ends: Chinese full stops, question and exclamation marks; English ones before a space.
ZH_SENTENCE_END = re.compile(r"(?<=[。！？!?])")
EN_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
GUTENBERG_START = re.compile(r"\*\*\* ?START OF (?:THE|THIS) PROJECT GUTENBERG[^\n]*")
GUTENBERG_END = re.compile(r"\*\*\* ?END OF (?:THE|THIS) PROJECT GUTENBERG")


class Cancelled(EmbedLabError):
    """Work stopped because the user pressed cancel."""


def detect_language(text: str) -> Language:
    """``"zh"`` when at least a tenth of the letters in the first 100k characters are CJK, else ``"en"``."""
    sample = text[:100_000]
    letters = len(WORD_CHAR.findall(sample))
    return "zh" if letters and len(CJK.findall(sample)) >= 0.1 * letters else "en"


def strip_boilerplate(text: str) -> str:
    """The book without Project Gutenberg's licence header and footer (other texts unchanged)."""
    start = GUTENBERG_START.search(text)
    if start:
        text = text[start.end() :]
    end = GUTENBERG_END.search(text)
    return text[: end.start()] if end else text


def check_language(language: str) -> Language:
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
    """The word tokens of one sentence, without punctuation or whitespace."""
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
    progress : callable, optional
        ``progress(characters_done, characters_total)``, called now and then.
    cancel : threading.Event, optional
        When set, stop and raise :class:`Cancelled`.

    Raises
    ------
    InvalidInputError
        For an unknown language.
    Cancelled
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
        if number % 500 == 0:
            if cancel is not None and cancel.is_set():
                raise Cancelled("Segmentation cancelled.")
            if progress is not None:
                progress(done, total)
    if progress is not None:
        progress(total, total)
    return result


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
    """Counts of sentences, tokens and distinct words, and the ``top`` most frequent words."""
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
        ``"auto"`` picks by the share of CJK characters (:func:`detect_language`).
    user_dict : str, optional
        jieba user dictionary text; part of the cache key.
    hmm : bool
        jieba's HMM for unknown words (see :func:`tokenize`); part of the cache key.
    cache : bool
        Read and write the cache under :func:`cache_dir`.
    max_chars : int, optional
        Refuse longer texts (a server's ``limits.training_chars``).
    progress, cancel
        As in :func:`tokenize`.

    Raises
    ------
    InvalidInputError
        For empty text, text over ``max_chars``, or text without a single word.
    Cancelled
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
                logging.getLogger("embedlab.training.corpus").warning("Cannot write the segmentation cache: %s", exc)
    elif progress is not None:
        progress(len(text), len(text))
    return Segmented(key, language, sentences, corpus_stats(sentences, characters=len(text)), from_cache)


def read_corpus_files(paths: Sequence[str | Path]) -> str:
    """Decode and join several text files (any supported encoding) with blank lines between.

    Project Gutenberg's licence header and footer are left out (:func:`strip_boilerplate`).

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


# ---------------------------------------------------------------- sample corpora

NAMES_DICTIONARY = BUNDLED_DATA / "corpora" / "zh" / "names.txt"


@dataclass(frozen=True)
class SampleCorpus:
    """A public-domain text that ships with EmbedLab (xz-compressed under ``embedlab/data/corpora``).

    ``sha256`` and ``size`` describe the original UTF-8 file at ``url`` (where it was copied
    from, byte for byte); reading the bundled copy checks them, so what a user trains on is
    exactly the public text named in ``embedlab/data/SOURCES.md``.
    """

    id: str
    title: str
    language: Language
    url: str
    sha256: str
    size: int
    file: str  # the bundled copy, relative to embedlab/data/corpora
    note: str = ""
    probe_words: tuple[str, ...] = ()  # words worth looking up in a model trained on it

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc

    @property
    def path(self) -> Path:
        return BUNDLED_DATA / "corpora" / self.file


def _github_raw(repo: str, commit: str, path: str) -> str:
    return f"https://raw.githubusercontent.com/{repo}/{commit}/{quote(path)}"


_SIDAMINGZHU = ("weiyinfu/SiDaMingZhu", "fa19bb1c4bae7c06a5cd157b867494eb94c228c1")
SAMPLES: tuple[SampleCorpus, ...] = (
    SampleCorpus(
        "sanguo",
        "三国演义 Romance of the Three Kingdoms (罗贯中)",
        "zh",
        _github_raw(*_SIDAMINGZHU, "src/三国演义.txt"),
        "0b5b51509dc24dd9c8b3614097a023928c08878f45a64f7281e4a481bd1dd276",
        1_788_608,
        "zh/sanguo_yanyi.txt.xz",
        "120 回, 599k characters",
        ("诸葛亮", "刘备", "曹操"),
    ),
    SampleCorpus(
        "shuihu",
        "水浒全传 Water Margin (施耐庵)",
        "zh",
        _github_raw(*_SIDAMINGZHU, "src/水浒全传.txt"),
        "b41297bfbdc67e482254cc8ea0893046182684cc555c1e9edd00b3d05795a30d",
        2_685_670,
        "zh/shuihu_quanzhuan.txt.xz",
        "120 回, 900k characters",
        ("宋江", "武松", "林冲"),
    ),
    SampleCorpus(
        "hongloumeng",
        "红楼梦 Dream of the Red Chamber (曹雪芹)",
        "zh",
        _github_raw(*_SIDAMINGZHU, "src/红楼梦.txt"),
        "d8881ffc7fddbdd1ae90648422f045d26e94b9b76adf44976b182aef6d861e68",
        2_588_050,
        "zh/hongloumeng.txt.xz",
        "120 回, 866k characters",
        ("宝玉", "黛玉", "贾母"),
    ),
    SampleCorpus(
        "xiyouji",
        "西游记 Journey to the West (吴承恩)",
        "zh",
        _github_raw(*_SIDAMINGZHU, "src/西游记.txt"),
        "3e29bdbdf48477419287a89403e6f9de0ad5206efc2e71e1320f2e785baf4d08",
        2_150_453,
        "zh/xiyouji.txt.xz",
        "100 回, 721k characters",
        ("行者", "八戒", "唐僧"),
    ),
    SampleCorpus(
        "pride",
        "Pride and Prejudice (Jane Austen)",
        "en",
        _github_raw("gutenbergbooks/1342", "041e520899f9a02af517d6cb253bc1fdfbf923e2", "1342-0.txt"),
        "86dab871eec9c0cef97f4cb6313f86c6cc48f6f7809534e65cd3f1c1d486d247",
        737_944,
        "en/pride_and_prejudice.txt.xz",
        "Project Gutenberg #1342",
        ("elizabeth", "darcy", "sister"),
    ),
    SampleCorpus(
        "alice",
        "Alice's Adventures in Wonderland (Lewis Carroll)",
        "en",
        _github_raw("gutenbergbooks/11", "5e5120e12a58a10254e0e6a42661d887e61c2aac", "11-0.txt"),
        "f17aa0bf7466424a8b357b688678666bad7a0148963ef349016a3098faa6bd1e",
        151_095,
        "en/alice_in_wonderland.txt.xz",
        "Project Gutenberg #11",
        ("alice", "queen", "rabbit"),
    ),
    SampleCorpus(
        "sherlock",
        "The Adventures of Sherlock Holmes (Arthur Conan Doyle)",
        "en",
        _github_raw("gutenbergbooks/1661", "4583fe51c670727bf1edf51b41e7b67b7736224a", "1661-0.txt"),
        "e21895308fe6da6919abc53e2cf77d81f914887897546153cc5d49b2eadefe50",
        575_796,
        "en/sherlock_holmes.txt.xz",
        "Project Gutenberg #1661",
        ("holmes", "watson", "window"),
    ),
)
_sample_texts: dict[str, str] = {}  # id -> decoded text; a few MB each, read once per process
_sample_lock = threading.Lock()


def get_sample(sample_id: str) -> SampleCorpus:
    for sample in SAMPLES:
        if sample.id == sample_id:
            return sample
    raise InvalidInputError(f"Unknown sample corpus: {sample_id!r}. Must be one of: {[s.id for s in SAMPLES]}.")


def fetch_sample(sample: SampleCorpus | str, *, progress: Progress | None = None) -> str:
    """The text of a sample corpus, read from its bundled copy (no network).

    Parameters
    ----------
    sample : SampleCorpus or str
        A sample or its id (see :data:`SAMPLES`).
    progress : callable, optional
        ``progress(bytes_done, bytes_total)``, called once the text is read.

    Raises
    ------
    EmbedLabError
        When the bundled copy is missing or differs from the published file (a damaged install:
        reinstall EmbedLab).
    """
    import lzma

    sample = get_sample(sample) if isinstance(sample, str) else sample
    with _sample_lock:
        text = _sample_texts.get(sample.id)
    if text is None:
        try:
            data = lzma.decompress(sample.path.read_bytes())
        except (OSError, lzma.LZMAError) as exc:
            raise EmbedLabError(f"The bundled copy of {sample.title} cannot be read ({exc}); reinstall EmbedLab.") from None
        if len(data) != sample.size or hashlib.sha256(data).hexdigest() != sample.sha256:
            raise EmbedLabError(f"The bundled copy of {sample.title} is damaged (checksum mismatch); reinstall EmbedLab.")
        text = decode_text(data, name=sample.title).text
        with _sample_lock:
            _sample_texts[sample.id] = text
    if progress is not None:
        progress(sample.size, sample.size)
    return text


def names_dictionary(language: Language = "zh") -> str | None:
    """The jieba user dictionary of the sample novels' character names (``None`` for English).

    With it, names such as 贾母, 凤姐 and 八戒 stay whole instead of being cut into characters.
    """
    if language != "zh":
        return None
    lines = NAMES_DICTIONARY.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if line.strip() and not line.startswith("#"))
