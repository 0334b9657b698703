"""Where EmbedLab looks for things, read from the environment and ``embedlab.toml``.

Environment variables
---------------------
EMBEDLAB_CONFIG      path of the config file (default: ``./embedlab.toml``, then ``~/.embedlab/embedlab.toml``)
EMBEDLAB_MODELS_DIR  folder scanned for model files; trained models are saved here (default: ``~/.embedlab/models``)
EMBEDLAB_DATA_DIR    folder with evaluation sets (``eval/``) offered on the evaluate page (default: ``embedlab/data``,
                     the sets that ship with EmbedLab, with their licences)
EMBEDLAB_CACHE_DIR   derived files: segmentation cache, atlases, the ONNX export, numba's cache (default:
                     ``$XDG_CACHE_HOME/embedlab``, else ``~/.cache/embedlab``); see :func:`cache_dir`
EMBEDLAB_ONNX_CACHE  where the ONNX export of a sentence model goes (default: ``<cache dir>/onnx``)
NUMBA_CACHE_DIR      numba's compiled-function cache (default: ``<cache dir>/numba``)
EMBEDLAB_FAST_SEARCH ``0`` keeps sentence-transformers (not ONNX) for semantic search
EMBEDLAB_PRELOAD     ``0`` skips loading MiniLM in the background when the server starts
EMBEDLAB_HOSTED      ``1`` turns on hosted mode (no arbitrary server paths)
EMBEDLAB_MAX_MODELS  how many models stay loaded at once (default 4)
EMBEDLAB_MILVUS_URI / EMBEDLAB_MILVUS_TOKEN  a Milvus server for semantic search (overrides ``[milvus]``)
EMBEDLAB_RUN_LOG     a file the server appends one JSON line to per script run (page, fragment or not, wall and
                     CPU ms); unset (default): no timing. See :mod:`embedlab.ui.timing`

A config file looks like::

    [embedlab]
    hosted = true                     # same as EMBEDLAB_HOSTED=1
    max_models = 4
    [embedlab.limits]                 # hosted defaults are tighter; see Limits
    upload_mb = 20

    [models.sgns-literature]
    path = "~/models/sgns.literature.word.bz2"
    kind = "static"
    language = "zh"
    limit = 200000

    [models.bert-base-chinese]
    source = "bert-base-chinese"      # hub id or local folder
    kind = "contextual"
    language = "zh"

    [milvus]                          # semantic search; without it: a Milvus Lite file in the models folder
    uri = "http://localhost:19530"
    token = "root:Milvus"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import SupportsIndex, SupportsInt

from embedlab.errors import InvalidInputError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BUNDLED_DATA = Path(__file__).resolve().parent / "data"  # corpora, test sets and models that ship with EmbedLab


def cache_dir() -> Path:
    """Where EmbedLab keeps derived files: ``EMBEDLAB_CACHE_DIR``, else ``$XDG_CACHE_HOME/embedlab`` or ``~/.cache/embedlab``.

    Models' own caches (the memory-mapped vectors, ANN indexes, the Milvus Lite file) live beside the
    models instead, in ``<models_dir>/.cache``.
    """
    explicit = os.environ.get("EMBEDLAB_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "embedlab"


@dataclass(frozen=True)
class Limits:
    """Caps on work one request may ask for; tighter in hosted mode (``[embedlab.limits]`` overrides)."""

    upload_mb: int = 200  # one uploaded file (vectors, corpus, test set)
    projection_points: int = 50_000  # points in one projection
    training_chars: int = 50_000_000  # characters of one training corpus
    batch_sentences: int = 20_000  # sentences encoded for one request (semantic-search index)
    training_jobs: int = 2  # trainings running at once on the whole server
    jobs: int = 4  # heavy jobs at once on the whole server: trainings, projections, index builds, semantic-search indexing
    download_hosts: tuple[str, ...] = ()  # empty: any host (local use); hosted mode allows only these

    @classmethod
    def for_mode(cls, hosted: bool, overrides: dict | None = None) -> Limits:
        base = (
            cls(
                upload_mb=20,
                projection_points=5_000,
                training_chars=2_000_000,
                batch_sentences=2_000,
                training_jobs=1,
                jobs=2,
                download_hosts=("huggingface.co", "github.com", "objects.githubusercontent.com", "dl.fbaipublicfiles.com"),
            )
            if hosted
            else cls()
        )
        overrides = dict(overrides or {})
        if "download_hosts" in overrides:
            overrides["download_hosts"] = tuple(overrides["download_hosts"])
        unknown = set(overrides) - set(cls.__dataclass_fields__)
        if unknown:
            raise InvalidInputError.coded("unknown_limits", names=sorted(unknown), known=sorted(cls.__dataclass_fields__))
        for name, value in overrides.items():
            if name != "download_hosts":
                overrides[name] = _positive_int(value, f"limits.{name}")
        return replace(base, **overrides)


@dataclass(frozen=True)
class Settings:
    config_path: Path | None
    models_dir: Path
    data_dir: Path
    hosted: bool
    max_models: int = 4  # loaded models kept per server process (least recently used goes first)
    limits: Limits = field(default_factory=Limits)
    models: dict = field(default_factory=dict)  # raw [models.*] tables from the config file
    milvus: dict = field(default_factory=dict)  # raw [milvus] table: uri, token (see embedlab.serving.milvus_store)


def _config_path() -> Path | None:
    explicit = os.environ.get("EMBEDLAB_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    for candidate in (Path.cwd() / "embedlab.toml", Path.home() / ".embedlab" / "embedlab.toml"):
        if candidate.is_file():
            return candidate
    return None


def _positive_int(value: object, name: str) -> int:
    number = 0  # anything int() cannot read (a list, a table) counts as not a whole number
    if isinstance(value, str | bytes | SupportsInt | SupportsIndex):
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
    if number < 1:
        raise InvalidInputError.coded("not_positive_whole", name=name, value=repr(value))
    return number


def load_settings() -> Settings:
    """Read the environment and the config file afresh (cheap; call it when needed).

    Raises
    ------
    InvalidInputError
        When the config file exists but is not valid TOML.
    """
    path = _config_path()
    table: dict = {}
    if path is not None and path.is_file():
        try:
            table = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InvalidInputError.coded("config_not_toml", path=str(path), detail=str(exc)) from exc
    section = table.get("embedlab", {})
    models_dir = os.environ.get("EMBEDLAB_MODELS_DIR") or section.get("models_dir") or "~/.embedlab/models"
    data_dir = os.environ.get("EMBEDLAB_DATA_DIR") or section.get("data_dir") or str(BUNDLED_DATA)
    hosted_env = os.environ.get("EMBEDLAB_HOSTED")
    hosted = hosted_env == "1" if hosted_env is not None else bool(section.get("hosted", False))
    return Settings(
        config_path=path,
        models_dir=Path(models_dir).expanduser(),
        data_dir=Path(data_dir).expanduser(),
        hosted=hosted,
        limits=Limits.for_mode(hosted, section.get("limits")),
        max_models=_positive_int(os.environ.get("EMBEDLAB_MAX_MODELS") or section.get("max_models", 4), "max_models"),
        models=dict(table.get("models", {})),
        milvus=dict(table.get("milvus", {})),
    )
