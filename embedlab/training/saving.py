"""Saving a trained model where the app and the CLI find it, without ever showing half a model.

A trained model becomes three files in the models directory (``load_settings().models_dir``):

* ``<name>.kv``: gensim's native ``KeyedVectors`` file, which
  :func:`embedlab.serving.registry.list_models` lists at once (the registry reads ``zh`` in the
  name as "Chinese", hence :func:`model_file_name`);
* ``exports/<name>.txt``: the same vectors in word2vec text format, for other tools;
* ``exports/<name>.json``: the options, per-epoch losses and corpus statistics it was made with.

The exports live outside the registry's scan, so the model is not listed twice::

    >>> saved = save_trained(trained, name="sanguo-cbow")     # doctest: +SKIP
    >>> saved.model_id                                         # doctest: +SKIP
    'sanguo-cbow-zh.kv'

Writing is all or nothing: each file goes to a temporary name first and is renamed into place
only when all three are complete, the model last. A full disk raises
:class:`~embedlab.errors.DiskFullError` and keeps nothing; a server killed meanwhile leaves only
temporary files tagged with the job's id, which :func:`embedlab.training.jobs.lost_jobs` removes.
"""

from __future__ import annotations

import json
import os
import re
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from embedlab import files
from embedlab.config import load_settings
from embedlab.errors import DiskFullError, InvalidInputError
from embedlab.training.tokenize import Language
from embedlab.training.train import Trained, TrainOptions

MODEL_NAME = re.compile(r"^[\w][\w.-]{0,79}$")


@dataclass(frozen=True)
class Saved:
    """Where a trained model was written; ``model_id`` is its id in the registry."""

    model_id: str
    path: Path
    text_path: Path
    meta_path: Path


def model_file_name(name: str, language: Language) -> str:
    """``<name>[-zh].kv``: the registry guesses a model's language from ``zh`` in its file name.

    >>> model_file_name("sanguo-cbow", "zh"), model_file_name("alice.kv", "en")
    ('sanguo-cbow-zh.kv', 'alice.kv')

    Raises
    ------
    InvalidInputError
        For names with characters other than letters, digits, ``.``, ``_`` and ``-``.
    """
    name = name.strip()
    if name.endswith(".kv"):
        name = name[:-3]
    if not MODEL_NAME.match(name) or ".." in name:
        raise InvalidInputError.coded("bad_model_name", name=repr(name[:40]))
    if language == "zh" and "zh" not in name.lower():
        name = f"{name}-zh"
    return f"{name}.kv"


def default_name(
    options: TrainOptions,
    language: Language,
    corpus_key: str,
    *,
    compare: bool = False,
    stem: str | None = None,
    folder: str | Path | None = None,
) -> str:
    """A short fresh name such as ``sanguo-sg-100d`` (``w2v-<corpus hash>`` without ``stem``).

    Compare mode leaves out the architecture (each run adds its own suffix). With ``folder``, a
    number is added until no saved model (of either run) has the name.

    >>> default_name(TrainOptions(sg=1, vector_size=100), "zh", "9f3c0b", stem="sanguo")
    'sanguo-sg-100d'
    """
    arch = "" if compare else ("sg-" if options.sg else "cbow-")
    base = f"{stem or 'w2v-' + corpus_key[:4]}-{arch}{options.vector_size}d"
    if folder is None:
        return base
    folder = Path(folder).expanduser()
    suffixes = ("-cbow", "-sg") if compare else ("",)
    for number in range(1, 1000):
        name = base if number == 1 else f"{base}-{number}"
        if not any((folder / model_file_name(name + suffix, language)).exists() for suffix in suffixes):
            return name
    return f"{base}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"


def save_trained(
    trained: Trained,
    *,
    name: str,
    folder: str | Path | None = None,
    overwrite: bool = False,
    exact_name: bool = False,
    tag: str | None = None,
) -> Saved:
    """Write a trained model into ``folder`` (default: the models directory).

    Files: ``<id>`` (gensim ``KeyedVectors.save``, one file), ``exports/<stem>.txt`` (word2vec
    text format) and ``exports/<stem>.json`` (options, losses, corpus statistics). Each is written
    under a temporary name (``.<name>.<tag>.tmp``) and renamed into place only when all three are
    complete, the model last, so a model listing never sees a half-written model, and a full disk
    or a killed server leaves no model behind (:func:`embedlab.training.jobs.lost_jobs` removes a killed
    job's temporary files by its tag).

    Parameters
    ----------
    trained : Trained
        From :func:`embedlab.training.train.train`.
    name : str
        The model's name (see :func:`model_file_name`).
    folder : path, optional
        Where to write (default: the models directory).
    overwrite : bool
        Replace an existing model of that name.
    exact_name : bool
        Keep ``name`` as given instead of adding ``-zh`` to Chinese models (see :func:`model_file_name`).
    tag : str, optional
        Marks the temporary files (a :class:`~embedlab.training.background.TrainingJob` passes its id);
        default: a fresh one.

    Returns
    -------
    Saved

    Raises
    ------
    InvalidInputError
        For a bad name, or an existing model of that name when ``overwrite`` is false (loaded
        models are cached by id, so a silently replaced file would keep showing the old vectors).
    DiskFullError
        When the disk fills up while writing (nothing is kept).
    """
    folder = Path(folder).expanduser() if folder is not None else load_settings().models_dir
    model_id = model_file_name(name, "en" if exact_name else trained.language)
    stem = model_id[:-3]
    path = folder / model_id
    if path.exists() and not overwrite:
        raise InvalidInputError.coded("model_exists", model=model_id)
    exports = folder / "exports"
    text_path = exports / f"{stem}.txt"
    meta_path = exports / f"{stem}.json"
    tag = tag or uuid.uuid4().hex
    staged = {final: final.with_name(f".{final.name}.{tag}.tmp") for final in (text_path, meta_path, path)}
    meta = {
        "model_id": model_id,
        "architecture": trained.options.architecture,
        "options": {k: v for k, v in asdict(trained.options).items()},
        "language": trained.language,
        "losses": list(trained.losses),
        "seconds": round(trained.seconds, 3),
        "vocabulary": trained.model.vocab_size,
        "corpus": {k: v for k, v in asdict(trained.corpus).items() if k != "top_words"},
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    try:
        exports.mkdir(parents=True, exist_ok=True)
        trained.model.kv.save_word2vec_format(str(staged[text_path]), binary=False)
        staged[meta_path].write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
        # One file: arrays inside the pickle rather than beside it, so deleting the model is deleting a file.
        trained.model.kv.save(str(staged[path]), sep_limit=2**62)
        for temporary in staged.values():
            with temporary.open("rb") as handle:
                os.fsync(handle.fileno())  # on some file systems a full disk surfaces only here
        for final, temporary in staged.items():  # the model last: once it is listed, its exports are there
            os.replace(temporary, final)
    except OSError as exc:
        if files.no_space(exc):
            raise DiskFullError.coded("disk_full_save", name=model_id, folder=str(folder)) from exc
        raise
    finally:
        for temporary in staged.values():
            temporary.unlink(missing_ok=True)
    return Saved(model_id, path, text_path, meta_path)
