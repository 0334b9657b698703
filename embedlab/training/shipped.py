"""Static models that EmbedLab trains itself from the public-domain books it ships.

The seed article looks words up in ``sgns.literature.word`` (Chinese-Word-Vectors: 187,961 words ×
300, trained on a large literature corpus). That file is 1 GB and lives on cloud drives, so a fresh
machine has no Chinese static model at all. EmbedLab therefore ships two small word2vec models of
its own, trained by :mod:`embedlab.training.train` from the corpora in ``embedlab/data/corpora``:

``sidamingzhu``
    skip-gram on the four classic novels (三国演义, 水浒全传, 红楼梦, 西游记), segmented with
    jieba plus a dictionary of the novels' character names, so 诸葛亮, 贾母 and 八戒 are words.
``classics-en``
    skip-gram on three Project Gutenberg books (Pride and Prejudice, Alice in Wonderland, The
    Adventures of Sherlock Holmes).

Each model is one ``.npz`` file in ``embedlab/data/models`` (words, float16 vectors, word counts)
with a JSON record beside it (options, corpus statistics, corpus checksums). float16 halves the
file; the loaded model *is* that rounded table, so every answer is computed from exactly what
ships. Training is single-threaded with a fixed seed, so rebuilding gives the same vectors::

    python -m embedlab build-shipped            # both models, a few minutes on 2 cores
    python -m embedlab build-shipped sidamingzhu

>>> from embedlab.training import shipped
>>> model = shipped.load("sidamingzhu")                            # doctest: +SKIP
>>> [n.word for n in static.neighbors(model, "诸葛亮", topn=3)]     # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from embedlab.config import BUNDLED_DATA
from embedlab.errors import EmbedLabError, UnknownModelError
from embedlab.progress import Progress, with_stage
from embedlab.training.corpus import segment
from embedlab.training.samples import fetch_sample, get_sample, names_dictionary
from embedlab.training.tokenize import Language, strip_boilerplate
from embedlab.training.train import TrainOptions

MODELS_DIR = BUNDLED_DATA / "models"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class ShippedModel:
    """A model EmbedLab trains from its bundled corpora.

    Attributes
    ----------
    id : str
        Registry id.
    language : {"zh", "en"}
    samples : tuple of str
        Sample-corpus ids (:data:`embedlab.training.samples.SAMPLES`) it is trained on, in order.
    options : TrainOptions
        word2vec settings; ``workers=1`` keeps a rebuild identical.
    """

    id: str
    language: Language
    samples: tuple[str, ...]
    options: TrainOptions

    @property
    def path(self) -> Path:
        return MODELS_DIR / f"{self.id}.npz"

    @property
    def meta_path(self) -> Path:
        return MODELS_DIR / f"{self.id}.json"


SHIPPED: tuple[ShippedModel, ...] = (
    ShippedModel(
        "sidamingzhu",
        "zh",
        ("sanguo", "shuihu", "hongloumeng", "xiyouji"),
        TrainOptions(sg=1, vector_size=100, window=5, min_count=5, epochs=10, seed=1, workers=1),
    ),
    ShippedModel(
        "classics-en",
        "en",
        ("pride", "alice", "sherlock"),
        TrainOptions(sg=1, vector_size=100, window=5, min_count=5, epochs=15, seed=1, workers=1),
    ),
)


def get(model_id: str) -> ShippedModel:
    """The shipped model called ``model_id``.

    Raises
    ------
    UnknownModelError
    """
    for model in SHIPPED:
        if model.id == model_id:
            return model
    raise UnknownModelError(model_id, [model.id for model in SHIPPED])


def metadata(model_id: str) -> dict | None:
    """What the model was trained on (the JSON record), or None when the model file is missing."""
    model = get(model_id)
    if not model.path.is_file() or not model.meta_path.is_file():
        return None
    return json.loads(model.meta_path.read_text(encoding="utf-8"))


def corpus_text(model: ShippedModel) -> str:
    """The model's training text: its bundled books joined by blank lines (Gutenberg boilerplate left out)."""
    return "\n\n".join(strip_boilerplate(fetch_sample(sample_id)) for sample_id in model.samples)


def build(model_id: str, *, folder: str | Path | None = None, progress: Progress | None = None) -> Path:
    """Train a shipped model from its bundled corpora and write ``<id>.npz`` and ``<id>.json``.

    Parameters
    ----------
    model_id : str
    folder : path, optional
        Where to write (default: ``embedlab/data/models``, the copy that ships).
    progress : Progress, optional
        ``progress(done, total, stage)`` with stage ``"segmenting"`` (characters) or ``"training"`` (epochs).

    Returns
    -------
    Path
        The ``.npz`` file.
    """
    from embedlab.training.train import train

    model = get(model_id)
    folder = Path(folder) if folder is not None else MODELS_DIR
    text = corpus_text(model)
    segmented = segment(
        text,
        model.language,
        user_dict=names_dictionary(model.language),
        progress=with_stage(progress, "segmenting") if progress else None,
    )
    trained = train(
        segmented,
        model.options,
        model_id=model.id,
        progress=with_stage(progress, "training") if progress else None,
    )
    kv = trained.model.kv
    words = np.array(kv.index_to_key)
    counts = np.array([kv.get_vecattr(word, "count") for word in kv.index_to_key], dtype=np.int64)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{model.id}.npz"
    temporary = folder / f".{model.id}.{os.getpid()}.npz"
    np.savez_compressed(temporary, words=words, vectors=kv.vectors.astype(np.float16), counts=counts)
    os.replace(temporary, target)
    meta = {
        "id": model.id,
        "format": FORMAT_VERSION,
        "language": model.language,
        "corpora": [{"id": s, "title": get_sample(s).title, "sha256": get_sample(s).sha256} for s in model.samples],
        "options": asdict(model.options),
        "segmentation": {"tokeniser": "jieba + names dictionary" if model.language == "zh" else "letters, lower-cased"},
        "corpus": {
            "characters": segmented.stats.characters,
            "sentences": segmented.stats.sentences,
            "tokens": segmented.stats.tokens,
            "vocabulary": segmented.stats.vocabulary,
        },
        "words": len(words),
        "dims": int(kv.vector_size),
        "dtype": "float16",
        "losses": list(trained.losses),
        "rebuild": f"python -m embedlab build-shipped {model.id}",
    }
    (folder / f"{model.id}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if progress is not None:
        progress(model.options.epochs, model.options.epochs, stage="training")
    return target


_loaded: dict[str, object] = {}
_lock = threading.Lock()


def load(model_id: str):
    """The shipped model as a read-only :class:`~embedlab.static.model.StaticModel` (float32 in memory).

    Raises
    ------
    EmbedLabError
        When the model file is missing or unreadable (the message gives the rebuild command).
    """
    from gensim.models import KeyedVectors

    from embedlab.static.model import StaticModel, freeze

    model = get(model_id)
    try:
        with np.load(model.path, allow_pickle=False) as data:
            words, vectors, counts = data["words"], data["vectors"], data["counts"]
    except (OSError, KeyError, ValueError) as exc:
        raise EmbedLabError(
            f"The shipped model {model.id} cannot be read ({exc}). Rebuild it: python -m embedlab build-shipped {model.id}"
        ) from None
    kv = KeyedVectors(vector_size=vectors.shape[1], dtype=np.float32)
    kv.add_vectors(words.tolist(), vectors.astype(np.float32))
    kv.expandos["count"] = counts  # gensim's per-word attribute store: get_vecattr(word, "count")
    return StaticModel(model.id, freeze(kv), model.language, describe(model_id))


def describe(model_id: str) -> str:
    """One honest line: what the model was trained on and its size (English; the UI translates)."""
    model = get(model_id)
    meta = metadata(model_id) or {}
    titles = ", ".join(get_sample(s).title.split(" (")[0] for s in model.samples)
    size = f"{meta['words']:,} words × {meta['dims']}" if meta else "not built"
    tokens = f", {meta['corpus']['tokens'] / 1e6:.1f}M running words" if meta else ""
    return f"skip-gram word2vec trained by EmbedLab on {titles}{tokens}; {size}."
