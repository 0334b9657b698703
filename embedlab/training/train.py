"""Training word2vec (CBOW or skip-gram) with gensim, watched epoch by epoch, cancellable.

CBOW predicts a word from the average of its neighbours; skip-gram predicts the neighbours from
the word. Both learn one vector per word, and this module lets people watch that happen::

    >>> from embedlab.training.corpus import segment
    >>> from embedlab.training.train import TrainOptions, train, save_trained
    >>> corpus = segment(open("sanguo_yanyi.txt", encoding="utf-8").read(), "zh")    # doctest: +SKIP
    >>> trained = train(corpus, TrainOptions(sg=0, vector_size=50, epochs=10),
    ...                 on_epoch=lambda report: print(report.epoch, report.loss))  # doctest: +SKIP
    >>> saved = save_trained(trained, name="sanguo-cbow")                             # doctest: +SKIP
    >>> saved.model_id                                                                # doctest: +SKIP
    'sanguo-cbow-zh.kv'

Saved models land in the models directory (``load_settings().models_dir``) as gensim's native
``<name>.kv``, which :func:`embedlab.serving.registry.list_models` lists at once, plus a word2vec text
export and a JSON record of the options and losses under ``exports/`` (outside the scan, so the
model is not listed twice).

:class:`TrainingJob` runs segmentation, training and saving on a background thread, for the app:
it exposes a progress snapshot and a cancel method. Cancelling stops within a few hundred
sentences (the corpus iterator checks a ``threading.Event``) and at every epoch boundary (a
gensim callback raises :class:`~embedlab.training.corpus.Cancelled`).

The loss is gensim's ``compute_loss`` figure. gensim adds it up in float32 over a whole ``train``
call, which stops growing on big corpora, so the callback resets it at each epoch start and each
epoch reports its own sum. With several worker threads gensim's loss counter is racy: treat the
curve as a trend, not an exact value.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from embedlab import files
from embedlab.config import load_settings
from embedlab.errors import DiskFullError, EmbedLabError, InvalidInputError
from embedlab.static.model import Scored, StaticModel, freeze
from embedlab.training import jobs
from embedlab.training.corpus import Cancelled, CorpusStats, Language, Segmented, segment
from embedlab.training.jobs import JobSlots  # noqa: F401  (the server-wide slots; kept here for callers of training.JobSlots)

log = logging.getLogger(__name__)

ARCHITECTURES = {0: "CBOW", 1: "skip-gram"}
MODEL_NAME = re.compile(r"^[\w][\w.-]{0,79}$")
CANCEL_CHECK_SENTENCES = 200
OPTION_LIMITS = {  # name -> (low, high), inclusive
    "sg": (0, 1),
    "vector_size": (2, 1000),
    "window": (1, 50),
    "min_count": (1, 10_000),
    "epochs": (1, 200),
    "negative": (1, 50),
    "seed": (0, 2**31 - 1),
    "workers": (1, 64),
}


@dataclass(frozen=True)
class TrainOptions:
    """Word2Vec settings (gensim's names).

    Attributes
    ----------
    sg : {0, 1}
        0 = CBOW, 1 = skip-gram.
    vector_size : int
        Dimensions of each word vector.
    window : int
        Largest distance between the word and a context word.
    min_count : int
        Words rarer than this are left out of the vocabulary.
    epochs : int
        Passes over the corpus.
    negative : int
        Negative samples per positive one (negative sampling).
    seed : int
        Seed of the initial vectors and of sampling. With ``workers=1`` the same seed and corpus
        give identical vectors; more threads make the order, and so the result, vary.
    sample : float
        Down-sampling threshold for frequent words.
    workers : int
        Training threads.
    """

    sg: int = 0
    vector_size: int = 100
    window: int = 5
    min_count: int = 5
    epochs: int = 5
    negative: int = 5
    seed: int = 1
    sample: float = 1e-3
    workers: int = 1

    @property
    def architecture(self) -> str:
        return ARCHITECTURES[self.sg]

    def checked(self) -> TrainOptions:
        """The options themselves, after range checks.

        Raises
        ------
        InvalidInputError
            Naming the option, its allowed range and the bad value.
        """
        for name, (low, high) in OPTION_LIMITS.items():
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise InvalidInputError.coded("option_range", field=name, low=low, high=high, value=repr(value))
        if not isinstance(self.sample, (int, float)) or not 0 <= self.sample <= 0.1:
            raise InvalidInputError(f"sample must be a number from 0 to 0.1, not {self.sample!r}.")
        return self


@dataclass(frozen=True)
class EpochReport:
    """One finished epoch: its number (1-based), its own loss, and seconds since training began."""

    architecture: str
    epoch: int
    epochs: int
    loss: float
    seconds: float


@dataclass(frozen=True)
class Trained:
    """A trained model with how it was made."""

    model: StaticModel
    options: TrainOptions
    losses: tuple[float, ...]
    seconds: float
    corpus: CorpusStats
    language: Language


@dataclass(frozen=True)
class Saved:
    """Where a trained model was written; ``model_id`` is its id in the registry."""

    model_id: str
    path: Path
    text_path: Path
    meta_path: Path


class _Sentences:
    """Restartable iterable over the corpus that reports progress and honours cancel.

    gensim iterates it once per epoch on its job-producer thread.
    """

    def __init__(
        self, sentences: Sequence[list[str]], *, cancel: threading.Event | None, on_fraction: Callable[[float], None] | None
    ):
        self.sentences = sentences
        self.cancel = cancel
        self.on_fraction = on_fraction

    def __iter__(self) -> Iterator[list[str]]:
        total = len(self.sentences)
        for number, sentence in enumerate(self.sentences):
            if number % CANCEL_CHECK_SENTENCES == 0:
                if self.cancel is not None and self.cancel.is_set():
                    return  # gensim ends the epoch early; the epoch-end callback raises
                if self.on_fraction is not None:
                    self.on_fraction(number / total)
            yield sentence


def _callback(options: TrainOptions, started: float, losses: list[float], cancel, on_epoch, on_epoch_start):
    from gensim.models.callbacks import CallbackAny2Vec

    class Watch(CallbackAny2Vec):
        def __init__(self):
            self.epoch = 0

        def on_epoch_begin(self, model):
            if cancel is not None and cancel.is_set():
                raise Cancelled("Training cancelled.")
            model.running_training_loss = 0.0  # per-epoch sums: see the module docstring
            if on_epoch_start is not None:
                on_epoch_start(self.epoch + 1)

        def on_epoch_end(self, model):
            if cancel is not None and cancel.is_set():
                raise Cancelled("Training cancelled.")
            self.epoch += 1
            losses.append(float(model.get_latest_training_loss()))
            if on_epoch is not None:
                on_epoch(EpochReport(options.architecture, self.epoch, options.epochs, losses[-1], time.perf_counter() - started))

    return Watch()


def train(
    corpus: Segmented,
    options: TrainOptions = TrainOptions(),
    *,
    on_epoch: Callable[[EpochReport], None] | None = None,
    on_progress: Callable[[int, float], None] | None = None,
    cancel: threading.Event | None = None,
    model_id: str = "trained",
) -> Trained:
    """Train Word2Vec on a segmented corpus.

    Parameters
    ----------
    corpus : Segmented
        From :func:`embedlab.training.corpus.segment`.
    options : TrainOptions
    on_epoch : callable, optional
        Called with an :class:`EpochReport` after every epoch (on the calling thread).
    on_progress : callable, optional
        ``on_progress(epoch, fraction_of_epoch)``, called every few hundred sentences from
        gensim's producer thread.
    cancel : threading.Event, optional
        Set it to stop; ``train`` then raises :class:`~embedlab.training.corpus.Cancelled`.
    model_id : str
        Id given to the resulting :class:`~embedlab.static.model.StaticModel`.

    Raises
    ------
    InvalidInputError
        For out-of-range options, or when no word reaches ``min_count``.
    Cancelled
    """
    from gensim.models import Word2Vec

    options = options.checked()
    model = Word2Vec(
        vector_size=options.vector_size,
        window=options.window,
        min_count=options.min_count,
        sg=options.sg,
        negative=options.negative,
        hs=0,
        sample=options.sample,
        seed=options.seed,
        workers=options.workers,
        compute_loss=True,
    )
    model.build_vocab(corpus.sentences)
    if len(model.wv) < 2:
        best = corpus.stats.top_words[0][1] if corpus.stats.top_words else 0
        raise InvalidInputError.coded("too_few_frequent_words", count=len(model.wv), min_count=options.min_count, best=best)
    epoch_now = [0]
    started = time.perf_counter()
    losses: list[float] = []

    def on_epoch_start(epoch: int) -> None:
        epoch_now[0] = epoch

    on_fraction = (lambda fraction: on_progress(epoch_now[0], fraction)) if on_progress is not None else None
    model.train(
        _Sentences(corpus.sentences, cancel=cancel, on_fraction=on_fraction),
        total_examples=len(corpus.sentences),
        epochs=options.epochs,
        compute_loss=True,
        callbacks=[_callback(options, started, losses, cancel, on_epoch, on_epoch_start)],
    )
    if cancel is not None and cancel.is_set():
        raise Cancelled("Training cancelled.")
    kv = freeze(model.wv)
    description = f"word2vec {options.architecture}, {options.vector_size}-d, trained in EmbedLab"
    return Trained(
        StaticModel(model_id, kv, corpus.language, description),
        options,
        tuple(losses),
        time.perf_counter() - started,
        corpus.stats,
        corpus.language,
    )


def compare_neighbors(
    models: Sequence[StaticModel], words: Sequence[str], *, topn: int = 10
) -> dict[str, dict[str, list[Scored] | str]]:
    """Each word's neighbours in each model: ``{word: {model.id: [Scored, ...] or error text}}``.

    A word a model does not know gets the error message instead of a list.
    """
    from embedlab.static import model as static

    table: dict[str, dict[str, list[Scored] | str]] = {}
    for word in words:
        row: dict[str, list[Scored] | str] = {}
        for model in models:
            try:
                row[model.id] = static.neighbors(model, word, topn=topn)
            except EmbedLabError as exc:
                row[model.id] = str(exc)
        table[word] = row
    return table


# ---------------------------------------------------------------- saving


def model_file_name(name: str, language: Language) -> str:
    """``<name>[-zh].kv``: the registry guesses a model's language from ``zh`` in its file name.

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
    exact_name : bool
        Keep ``name`` as given instead of adding ``-zh`` to Chinese models (see :func:`model_file_name`).
    tag : str, optional
        Marks the temporary files (a :class:`TrainingJob` passes its id); default: a fresh one.

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


# ---------------------------------------------------------------- background job for the app

Phase = Literal["queued", "segmenting", "training", "saving", "done", "cancelled", "failed"]


@dataclass(frozen=True)
class JobState:
    """A snapshot of a :class:`TrainingJob` (safe to read from any thread).

    ``fraction`` is the progress of the current phase (0 to 1); during training it counts
    finished epochs plus the part of the running one, over all runs (two in compare mode).
    """

    phase: Phase = "queued"
    fraction: float = 0.0
    run: str = ""
    epoch: int = 0
    epochs: int = 0
    losses: dict[str, tuple[float, ...]] = field(default_factory=dict)
    stats: CorpusStats | None = None
    from_cache: bool = False
    trained: tuple[Trained, ...] = ()
    saved: tuple[Saved, ...] = ()
    error: str = ""
    failure: EmbedLabError | None = None  # the error behind ``error``, for a message in the reader's language

    @property
    def finished(self) -> bool:
        return self.phase in ("done", "cancelled", "failed")


class TrainingJob:
    """Segment, train (one architecture, or CBOW and skip-gram in compare mode) and save, on a thread.

    Parameters
    ----------
    text : str
        The corpus text.
    language : {"auto", "zh", "en"}
    options : TrainOptions
        In compare mode ``sg`` is ignored: both architectures are trained with the rest.
    compare : bool
    name : str
        Model name; compare mode appends ``-cbow`` and ``-sg``.
    folder : path, optional
        Where to save (default: the models directory).
    user_dict : str, optional
        jieba user dictionary.
    hmm : bool
        Let jieba guess unknown words (see :func:`embedlab.training.corpus.segment`).
    max_chars : int, optional
        Refuse longer texts (a server's ``limits.training_chars``).

    Examples
    --------
    >>> job = TrainingJob(text, "zh", TrainOptions(epochs=3), name="mine").start()   # doctest: +SKIP
    >>> job.wait(); job.state.phase                                                  # doctest: +SKIP
    'done'
    """

    def __init__(
        self,
        text: str,
        language: Language | Literal["auto"],
        options: TrainOptions,
        *,
        compare: bool = False,
        name: str,
        folder: str | Path | None = None,
        user_dict: str | None = None,
        hmm: bool = False,
        max_chars: int | None = None,
    ):
        options.checked()
        runs = [replace(options, sg=0), replace(options, sg=1)] if compare else [options]
        suffixes = ["-cbow", "-sg"] if compare else [""]
        for suffix in suffixes:
            model_file_name(name + suffix, "en")  # refuse a bad name before any work
        self._text = text
        self._language = language
        self._runs = list(zip(runs, suffixes))
        self._name = name
        self._folder = folder
        self._user_dict = user_dict
        self._hmm = hmm
        self._max_chars = max_chars
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._state = JobState(epochs=sum(run.epochs for run, _ in self._runs))
        self._thread = threading.Thread(target=self._work, name="embedlab-training", daemon=True)
        self._slots: JobSlots | None = None
        self._marker: Path | None = None
        self.id = uuid.uuid4().hex

    def start(self, *, slots: JobSlots | None = None, owner: str | None = None) -> TrainingJob:
        """Start on a background thread, holding a ``"training"`` slot of ``slots`` (when given) until the job ends.

        A marker file (:func:`embedlab.training.jobs.write_marker`) records the running job until it ends, so
        a server restarted after a crash can tell that the job was lost.

        Parameters
        ----------
        slots : JobSlots, optional
            The server's job slots.
        owner : str, optional
            Who starts it (a session id): keeps their place in line while the server is busy.

        Raises
        ------
        ServerBusyError
            When the server runs as many jobs (or trainings) as it allows; nothing is started.
        """
        if slots is not None:
            slots.take("training", owner=owner)
        self._slots = slots
        try:
            self._marker = jobs.write_marker(
                self._save_folder(), [self._name + suffix for _, suffix in self._runs], job_id=self.id
            )
        except OSError as exc:  # the job still runs; only a crash would go unreported
            log.warning("No job marker for training %s: %s", self._name, exc)
        self._thread.start()
        return self

    def _save_folder(self) -> Path:
        return Path(self._folder).expanduser() if self._folder is not None else load_settings().models_dir

    @property
    def state(self) -> JobState:
        with self._lock:
            return self._state

    def cancel(self) -> None:
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> JobState:
        self._thread.join(timeout)
        return self.state

    def _update(self, **changes) -> None:
        with self._lock:
            self._state = replace(self._state, **changes)

    def _work(self) -> None:
        try:
            self._update(phase="segmenting")
            corpus = segment(
                self._text,
                self._language,
                user_dict=self._user_dict,
                hmm=self._hmm,
                max_chars=self._max_chars,
                progress=lambda done, total: self._update(fraction=done / max(total, 1)),
                cancel=self._cancel,
            )
            self._text = ""  # the segmented corpus is all that is needed from here on
            folder = self._save_folder()
            for _, suffix in self._runs:
                model_id = model_file_name(self._name + suffix, corpus.language)
                if (folder / model_id).exists():
                    raise InvalidInputError.coded("model_exists", model=model_id)
            self._update(phase="training", fraction=0.0, stats=corpus.stats, from_cache=corpus.from_cache)
            total_epochs = self.state.epochs
            done_before = 0
            trained = []
            for options, suffix in self._runs:
                self._update(run=options.architecture, losses={**self.state.losses, options.architecture: ()})
                offset = done_before

                def on_epoch(report: EpochReport, offset=offset) -> None:
                    losses = {**self.state.losses}
                    losses[report.architecture] = losses[report.architecture] + (report.loss,)
                    self._update(epoch=offset + report.epoch, losses=losses, fraction=(offset + report.epoch) / total_epochs)

                def on_progress(epoch: int, part: float, offset=offset) -> None:
                    self._update(fraction=(offset + max(epoch - 1, 0) + part) / total_epochs)

                result = train(
                    corpus, options, on_epoch=on_epoch, on_progress=on_progress, cancel=self._cancel, model_id=self._name + suffix
                )
                trained.append((result, suffix))
                done_before += options.epochs
            self._update(phase="saving", fraction=1.0)
            saved = []
            final = []
            for result, suffix in trained:
                record = save_trained(result, name=self._name + suffix, folder=folder, tag=self.id)
                # Give the in-memory model its registry id, so the app can show it without reloading.
                final.append(replace(result, model=replace(result.model, id=record.model_id)))
                saved.append(record)
            self._update(phase="done", trained=tuple(final), saved=tuple(saved))
        except Cancelled:
            self._update(phase="cancelled")
        except EmbedLabError as exc:
            self._update(phase="failed", error=str(exc), failure=exc)
        except Exception as exc:  # a background thread has no one else to report to
            self._update(phase="failed", error=f"{type(exc).__name__}: {exc}")
        finally:
            jobs.remove_marker(self._marker)
            if self._slots is not None:
                self._slots.give_back("training")
