"""The training job of the app: segment, train and save on a background thread, watched and cancellable.

A Streamlit page reruns its script on every click, so it cannot sit in a loop while word2vec trains
for a minute. The train page therefore starts a :class:`TrainingJob` and keeps it in the session;
each rerun reads :attr:`TrainingJob.state`, a frozen :class:`JobState` snapshot (phase, progress,
the losses so far) that the job's thread replaces as it goes. The phases, in order::

    queued → segmenting → training → saving → done        (or cancelled / failed at any point)

Compare mode trains CBOW and skip-gram on the same segmented corpus, one after the other, and saves
both (``<name>-cbow``, ``<name>-sg``).

:meth:`TrainingJob.cancel` sets a ``threading.Event`` that segmentation and training both watch:
the job stops within a few hundred sentences and saves nothing. On a shared server the job holds a
``"training"`` slot of :class:`~embedlab.training.jobs.JobSlots` while it runs, and a marker file
(:func:`embedlab.training.jobs.write_marker`) so that a server restarted after a crash can say the
job was lost.

>>> job = TrainingJob(text, "zh", TrainOptions(epochs=3), name="mine").start()   # doctest: +SKIP
>>> job.wait().phase                                                             # doctest: +SKIP
'done'
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from embedlab.config import load_settings
from embedlab.errors import Cancelled, EmbedLabError, InvalidInputError
from embedlab.progress import fraction
from embedlab.training import jobs
from embedlab.training.corpus import CorpusStats, segment
from embedlab.training.jobs import JobSlots
from embedlab.training.saving import Saved, model_file_name, save_trained
from embedlab.training.tokenize import Language
from embedlab.training.train import EpochReport, Trained, TrainOptions, train

log = logging.getLogger(__name__)

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

    Raises
    ------
    InvalidInputError
        For out-of-range options or a bad model name, before any work.

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
        """The latest snapshot (the job's thread replaces it as it goes)."""
        with self._lock:
            return self._state

    def cancel(self) -> None:
        """Ask the job to stop: it ends within a few hundred sentences, in phase ``"cancelled"``, having saved nothing."""
        self._cancel.set()

    def wait(self, timeout: float | None = None) -> JobState:
        """Wait for the job to end (at most ``timeout`` seconds) and return its state then."""
        self._thread.join(timeout)
        return self.state

    def _update(self, **changes) -> None:
        with self._lock:
            self._state = replace(self._state, **changes)

    def _segmenting(self, done: float, total: float, /, stage: str = "") -> None:
        """The :class:`~embedlab.progress.Progress` of the segmenting phase."""
        self._update(fraction=fraction(done, total))

    def _work(self) -> None:
        try:
            self._update(phase="segmenting")
            corpus = segment(
                self._text,
                self._language,
                user_dict=self._user_dict,
                hmm=self._hmm,
                max_chars=self._max_chars,
                progress=self._segmenting,
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

                def on_progress(epochs_done: float, epochs: float, /, stage: str = "", offset=offset) -> None:
                    self._update(fraction=(offset + epochs_done) / total_epochs)

                result = train(
                    corpus, options, on_epoch=on_epoch, progress=on_progress, cancel=self._cancel, model_id=self._name + suffix
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
