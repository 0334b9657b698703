"""The sample corpora: public-domain books that ship with EmbedLab, ready to train on.

Training needs text, and a fresh machine has none, so EmbedLab bundles seven books: the four
classic Chinese novels and three Project Gutenberg classics (:data:`SAMPLES`). Each is stored
xz-compressed under ``embedlab/data/corpora``, and each :class:`SampleCorpus` records where it was
copied from (``url``) with the original file's size and SHA-256. :func:`fetch_sample` checks the
bundled copy against them, so what a user trains on is exactly the public text named in
``embedlab/data/SOURCES.md``, and a damaged install says so instead of training on garbage::

    >>> [sample.id for sample in SAMPLES if sample.language == "en"]
    ['pride', 'alice', 'sherlock']
    >>> "宴桃园豪杰三结义" in fetch_sample("sanguo")[:20]
    True

The novels' character names (贾母, 凤姐, 八戒 …) are not in jieba's dictionary, so it cuts them
into single characters; :func:`names_dictionary` gives them as a jieba user dictionary.

This is the one catalogue of local sample text: the semantic-search page indexes the same books
(:func:`embedlab.serving.milvus_store.corpus_sentences` reads them through :func:`fetch_sample`).
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from embedlab.config import BUNDLED_DATA
from embedlab.errors import EmbedLabError, InvalidInputError
from embedlab.io.textio import decode_text
from embedlab.progress import Progress
from embedlab.training.tokenize import Language

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
        """Where the original file is published (``raw.githubusercontent.com``)."""
        return urlsplit(self.url).netloc

    @property
    def path(self) -> Path:
        """The bundled, xz-compressed copy."""
        return BUNDLED_DATA / "corpora" / self.file


def _github_raw(repo: str, commit: str, path: str) -> str:
    """The address of a file of ``repo`` at ``commit``: pinned, so it never changes under the checksum."""
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
    """The sample corpus called ``sample_id`` (see :data:`SAMPLES`).

    Raises
    ------
    InvalidInputError
        For an unknown id; the message lists the known ones.
    """
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
    progress : Progress, optional
        ``progress(bytes_done, bytes_total)``, called once the text is read.

    Returns
    -------
    str
        The decoded text, Project Gutenberg's boilerplate included (read once per process, then kept).

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
