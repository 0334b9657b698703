"""The model manager: what models there are, what they cost, and adding, fetching and deleting them.

Everything here works on the models directory (``EMBEDLAB_MODELS_DIR``) and nowhere else: a local
file can be added only when it is already inside it, uploads and downloads land in it, and only
models that live in it can be deleted (never a bundled model or a file named in the config)::

    >>> from embedlab.serving import manager
    >>> rows = manager.list_rows()                          # one row per model, loaded or not
    >>> manager.add_local("sgns.literature.word.bz2")       # validate + build the fast cache  # doctest: +SKIP
    >>> manager.delete("sgns.literature.word.bz2")          # the file and its caches           # doctest: +SKIP

The seed article's models are always listed (:data:`SEEDS`), with how to get them and, where
there is a direct address (a model hub id, or a web address of a vector file), a one-click download.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from embedlab import files
from embedlab.config import Settings, load_settings
from embedlab.errors import DiskFullError, InvalidInputError, UnknownModelError
from embedlab.io import downloads, fastload, streamed_vectors, vector_cache
from embedlab.progress import Progress
from embedlab.serving import registry

UPLOAD_SUFFIXES = (".word", ".vec", ".txt", ".bin", ".w2v", ".char", ".bigram")
"""Vector files that may be uploaded, optionally ``.gz``/``.bz2``. No pickles (``.kv``/``.model``):
loading one runs code, so they may only be placed in the folder by its owner."""


@dataclass(frozen=True)
class Seed:
    """How to get one of the seed article's models.

    ``hub_id`` or ``url`` is a direct address (one-click download); ``instructions`` say what to
    do otherwise. ``installed_as`` names the files or folders in the models directory that count
    as having it. A ``url`` seed is a (compressed) word2vec text file, streamed and cut after its
    first ``words`` words (:func:`embedlab.io.streamed_vectors.download_vectors`).
    """

    id: str
    hub_id: str | None
    installed_as: tuple[str, ...]
    instructions: str
    url: str | None = None
    words: int | None = None


SEEDS: tuple[Seed, ...] = (
    Seed(
        "sgns.literature.word",
        None,
        ("sgns.literature.word", "sgns.literature.word.bz2"),
        "Chinese-Word-Vectors (github.com/Embedding/Chinese-Word-Vectors), table 'Literature 文学作品', "
        "column 'Word': it links to Baidu Netdisk and Google Drive only (no direct address). "
        "Put sgns.literature.word.bz2 (187,961 x 300) into the models folder, then press 'Add'.",
    ),
    Seed(
        "bert-base-chinese", "bert-base-chinese", ("bert-base-chinese",), registry.SEED_MODELS["bert-base-chinese"]["how_to_get"]
    ),
    Seed("BAAI/bge-m3", "BAAI/bge-m3", ("BAAI--bge-m3",), registry.SEED_MODELS["BAAI/bge-m3"]["how_to_get"]),
    Seed(
        "cc.zh.300.vec",
        None,
        ("cc.zh.300.vec",),
        registry.SEED_MODELS["cc.zh.300.vec"]["how_to_get"],
        url=registry.SEED_MODELS["cc.zh.300.vec"]["url"],
        words=registry.SEED_MODELS["cc.zh.300.vec"]["words"],
    ),
)


@dataclass(frozen=True)
class ModelRow:
    """One line of the model list.

    ``vocab``/``dims``/``disk_bytes``/``memory_bytes`` are None where unknown (not loaded, no
    header). ``mapped`` means the vectors are memory-mapped from the cache, so the memory is
    shared by every process on the machine. ``where`` is one of ``bundled``, ``config``,
    ``models folder``, ``hub``, ``missing``.
    """

    id: str
    kinds: tuple[str, ...]
    language: str
    available: bool
    where: str
    vocab: int | None
    dims: int | None
    disk_bytes: int | None
    loaded: bool
    memory_bytes: int | None
    mapped: bool
    deletable: bool
    how_to_get: str
    seed: Seed | None = None


def _folder_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _in_models_dir(path: Path, settings: Settings) -> bool:
    try:
        path.resolve().relative_to(settings.models_dir.resolve())
    except ValueError:
        return False
    return True


def file_shape(path: Path) -> tuple[int | None, int | None]:
    """``(vocab, dims)`` of a vector file from its cache or header line, without loading it."""
    if path.suffix in (".kv", ".model"):
        return None, None
    if path.is_file() and path.name.lower().removesuffix(".gz").removesuffix(".bz2").endswith(".bin"):
        from embedlab.io.vectors_io import fasttext_header, is_fasttext_bin

        try:
            if is_fasttext_bin(path):
                header = fasttext_header(path, full=False)  # the first hundred bytes only
                return header.words, header.dims
        except InvalidInputError:
            return None, None
    for folder in sorted(vector_cache.cache_folder(path).parent.glob("*")) if path.is_file() else ():
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if meta.get("limit") is None:
            return meta.get("count"), meta.get("dims")
    if path.is_dir():
        try:
            config = json.loads((path / "config.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None, None
        return config.get("vocab_size"), config.get("hidden_size")
    try:
        handle, raw = fastload._open_raw(path)
        with handle, raw:
            fields = handle.readline(200).split()
    except (OSError, EOFError, ValueError):
        return None, None
    if len(fields) == 2 and all(f.isdigit() for f in fields):
        return int(fields[0]), int(fields[1])
    return None, (len(fields) - 1 if len(fields) > 1 else None)


def _loaded_info(model: Any) -> tuple[int | None, int | None, bool]:
    kv = getattr(model, "kv", None)
    if kv is not None:
        return len(kv.index_to_key), int(kv.vector_size), isinstance(kv.vectors, np.memmap)
    network = getattr(getattr(model, "contextual", model), "network", None)
    config = getattr(network, "config", None)
    return getattr(config, "vocab_size", None), getattr(config, "hidden_size", None), False


def list_rows(*, loaded: dict[str, tuple[Any, int]] | None = None, settings: Settings | None = None) -> list[ModelRow]:
    """Every known model, then the seed models not yet present.

    Parameters
    ----------
    loaded : dict, optional
        ``{model_id: (model, memory_bytes)}`` for the models loaded in this process (the UI's pool).
    """
    settings = settings or load_settings()
    loaded = loaded or {}
    rows = []
    specs = registry.all_specs(settings)
    config_ids = set(settings.models)
    for spec in specs.values():
        path = Path(spec.source).expanduser()
        in_folder = spec.id not in config_ids and _in_models_dir(path, settings) and path.exists()
        if spec.id in ("minilm", "minilm-static"):
            where = "bundled"
        elif spec.id in config_ids:
            where = "config"
        elif in_folder:
            where = "models folder"
        else:
            where = "hub" if spec.available else "missing"
        vocab: int | None = None
        dims: int | None = None
        mapped = False
        if spec.id in loaded:
            vocab, dims, mapped = _loaded_info(loaded[spec.id][0])
        elif path.exists() and where != "bundled":
            vocab, dims = file_shape(path)
        disk: int | None
        if spec.id == "minilm":
            from embedlab.io.bundled import minilm_path

            disk = _folder_bytes(minilm_path())
        else:
            disk = _folder_bytes(path) if path.exists() and where != "bundled" else None
        seed = next((s for s in SEEDS if s.id == spec.id), None)
        rows.append(
            ModelRow(
                spec.id,
                spec.kinds,
                spec.language,
                spec.available,
                where,
                vocab,
                dims,
                disk,
                spec.id in loaded,
                loaded[spec.id][1] if spec.id in loaded else None,
                mapped,
                in_folder,
                spec.how_to_get,
                seed,
            )
        )
    for seed in SEEDS:
        if seed.id not in specs:
            rows.append(
                ModelRow(
                    seed.id,
                    ("static",),
                    "zh",
                    False,
                    "missing",
                    None,
                    None,
                    None,
                    False,
                    None,
                    False,
                    False,
                    seed.instructions,
                    seed,
                )
            )
    return rows


def seed_installed(seed: Seed, settings: Settings | None = None) -> Path | None:
    """The file or folder in the models directory that holds ``seed``, if any."""
    settings = settings or load_settings()
    for name in seed.installed_as:
        if (settings.models_dir / name).exists():
            return settings.models_dir / name
    return None


def add_local(path_text: str, *, settings: Settings | None = None, progress: Progress | None = None) -> str:
    """Check a vector file already inside the models directory and build its fast cache.

    ``path_text`` is a file name in the folder or a path into it. Text vector files are parsed
    once (so a broken file is reported now, with its line) and cached memory-mapped; binary and
    checkpoint folders are checked by their headers. Returns the model id.

    Raises
    ------
    InvalidInputError
        When the path is outside the models directory, missing, or not a usable model.
    DiskFullError
        When the disk fills up while the cache is written (the file stays and loads without it).
    """
    from embedlab.io.vectors_io import fasttext_header, is_vector_file, load_vectors, sniff_format

    settings = settings or load_settings()
    text = (path_text or "").strip()
    if not text:
        raise InvalidInputError("Type the name of a file in the models folder.")
    path = Path(text).expanduser()
    path = path if path.is_absolute() else settings.models_dir / path
    if not _in_models_dir(path, settings):
        raise InvalidInputError(
            f"Only files inside the models folder ({settings.models_dir}) can be added. Move the file there, "
            "or list it in embedlab.toml."
        )
    try:
        exists = path.exists()
    except OSError as exc:  # e.g. a name longer than the file system allows
        raise InvalidInputError(
            f"Unusable file name ({len(text):,} characters, starting {text[:40]!r}): {exc.strerror}."
        ) from None
    if not exists:
        raise InvalidInputError(f"{path.name} is not in the models folder ({settings.models_dir}).")
    path = path.resolve()
    if path.is_dir():
        if not (path / "config.json").is_file():
            raise InvalidInputError(f"{path.name} is a folder without config.json: not a model checkpoint.")
        return path.name
    if not is_vector_file(path):
        raise InvalidInputError(
            f"{path.name}: rename it to end with one of {list(UPLOAD_SUFFIXES)} (optionally + .gz/.bz2) so it is "
            "recognised as a vector file."
        )
    has_header, binary = sniff_format(path)
    if binary and not has_header:
        fasttext_header(path)  # a fastText .bin: its structure is walked now, the vectors load at first use
    elif binary:
        load_vectors(path, limit=1_000)  # reads only the start: junk after a valid header is refused now, not at first use
    elif path.suffix not in (".kv", ".model"):
        vector_cache.load_text(path, cache=True, progress=progress)
    return path.name


def upload_limit_bytes(settings: Settings | None = None) -> int:
    return (settings or load_settings()).limits.upload_mb * 2**20


def check_upload_size(name: str, size: int, *, settings: Settings | None = None) -> None:
    """Refuse an uploaded file (vectors, corpus or test set) over the server's ``limits.upload_mb``.

    Raises
    ------
    InvalidInputError
        Naming the file, its size and the cap.
    """
    cap = upload_limit_bytes(settings)
    if size > cap:
        shown = f"{size / 2**20:,.1f} MB"
        if round(size / 2**20, 1) <= cap / 2**20:  # "1.0 MB; limited to 1 MB" would read as a contradiction
            shown = f"{size:,} bytes"
        raise InvalidInputError.coded("upload_too_big", name=name[:100], size=shown, limit=cap // 2**20)


def save_upload(
    name: str, data: BinaryIO, *, size: int, settings: Settings | None = None, progress: Progress | None = None
) -> str:
    """Store an uploaded vector file in the models directory (after checks) and return its id.

    Raises
    ------
    InvalidInputError
        Over the size cap (``[embedlab.limits] upload_mb``), a name that is not a vector file,
        a file that already exists, or content that is not a readable vector file (then nothing
        is kept).
    DiskFullError
        When the disk fills up while the file or its cache is written (then nothing is kept).
    """
    settings = settings or load_settings()
    check_upload_size(name, size, settings=settings)
    cap = upload_limit_bytes(settings)
    base = name.lower().removesuffix(".gz").removesuffix(".bz2")
    if not base.endswith(UPLOAD_SUFFIXES):
        raise InvalidInputError(
            f"{name[:100]!r} is not a vector file name: it must end with one of {list(UPLOAD_SUFFIXES)} "
            "(optionally + .gz or .bz2). Saved gensim models (.kv, .model) cannot be uploaded."
        )
    settings.models_dir.mkdir(parents=True, exist_ok=True)
    target = downloads.inside(settings.models_dir, name)
    if target.exists():
        raise InvalidInputError(f"{target.name} already exists in the models folder; delete it first or rename the file.")
    staging = target.with_name(target.name + ".part")
    try:
        try:
            with staging.open("wb") as out:
                shutil.copyfileobj(data, out, length=1 << 20)
            if staging.stat().st_size > cap:
                raise InvalidInputError(f"The file is larger than the {cap // 2**20:,} MB upload limit.")
            staging.replace(target)
            return add_local(target.name, settings=settings, progress=progress)
        except (OSError, DiskFullError) as exc:  # the file itself, or its cache (add_local): either way nothing stays
            if files.no_space(exc) or isinstance(exc, DiskFullError):
                raise DiskFullError.coded("disk_full_upload", name=target.name, folder=str(settings.models_dir)) from exc
            raise
    except BaseException:
        staging.unlink(missing_ok=True)
        if target.exists():
            for cache in _caches_of(target):  # a lock file or empty folder left by the failed cache write
                shutil.rmtree(cache, ignore_errors=True)
            target.unlink()
        raise


def _caches_of(path: Path) -> Iterable[Path]:
    """The fast-load cache folders (with any approximate index inside) made from ``path``."""
    folder = vector_cache.cache_folder(path).parent
    return [folder] if folder.exists() else []


def delete(model_id: str, *, settings: Settings | None = None) -> list[Path]:
    """Delete a model that lives in the models directory, with its caches; return what was removed.

    Raises
    ------
    UnknownModelError
        For an unknown id.
    InvalidInputError
        For a bundled model, a model from the config file, or anything outside the models folder.
    """
    settings = settings or load_settings()
    specs = registry.all_specs(settings)
    if model_id not in specs:
        raise UnknownModelError(model_id, list(specs))
    path = Path(specs[model_id].source).expanduser()
    if (
        model_id in settings.models
        or not path.exists()
        or not _in_models_dir(path, settings)
        or path.resolve() == settings.models_dir.resolve()
    ):
        raise InvalidInputError(f"{model_id} does not live in the models folder, so it cannot be deleted here.")
    removed = []
    for cache in _caches_of(path):
        shutil.rmtree(cache, ignore_errors=True)
        removed.append(cache)
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()
    removed.append(path)
    return removed


def download_seed(
    seed: Seed,
    *,
    words: int | None = None,
    settings: Settings | None = None,
    progress: Progress | None = None,
    cache_progress: Progress | None = None,
) -> Path:
    """One-click download of a seed model that has a direct address; returns what landed in the models folder.

    A hub seed is fetched with :func:`embedlab.io.downloads.download_hub`. A ``url`` seed (a vector
    file) is streamed with :func:`embedlab.io.streamed_vectors.download_vectors`, keeping its first ``words``
    words (default: the seed's own ``words``), then converted into the memory-mapped cache, so
    its first load takes well under a second.

    Parameters
    ----------
    seed : Seed
    words : int, optional
        For a ``url`` seed: how many words to keep.
    progress : callable, optional
        ``progress(done, total)``: files (hub) or words (vector file) downloaded.
    cache_progress : callable, optional
        ``cache_progress(bytes_read, file_size)`` while a vector file is converted into the cache.

    Raises
    ------
    InvalidInputError
        For a seed without a direct address (its ``instructions`` say what to do), or one already there.
    downloads.DownloadError
        When the hub or the server cannot be reached, or the transfer breaks (run it again to resume).
    """
    settings = settings or load_settings()
    if seed.url is not None:
        streamed = streamed_vectors.download_vectors(
            seed.url,
            words=words or seed.words,
            filename=seed.installed_as[0],
            models_dir=settings.models_dir,
            progress=progress,
        )
        add_local(streamed.path.name, settings=settings, progress=cache_progress)  # parse once, cache memory-mapped
        return streamed.path
    if seed.hub_id is None:
        raise InvalidInputError(f"{seed.id} has no direct download address. {seed.instructions}")
    return downloads.download_hub(seed.hub_id, models_dir=settings.models_dir, progress=progress)


def seed_by_id(seed_id: str) -> Seed | None:
    """The seed called ``seed_id`` (e.g. ``cc.zh.300.vec``, ``bert-base-chinese``), if there is one."""
    return next((seed for seed in SEEDS if seed.id == seed_id), None)
