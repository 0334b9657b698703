"""Training word2vec (CBOW or skip-gram) with gensim, watched epoch by epoch, cancellable.

CBOW predicts a word from the average of its neighbours; skip-gram predicts the neighbours from
the word. Both learn one vector per word, and this module lets people watch that happen::

    >>> from embedlab.training.corpus import segment
    >>> corpus = segment(open("sanguo_yanyi.txt", encoding="utf-8").read(), "zh")    # doctest: +SKIP
    >>> trained = train(corpus, TrainOptions(sg=0, vector_size=50, epochs=10),
    ...                 on_epoch=lambda report: print(report.epoch, report.loss))  # doctest: +SKIP

The pieces around it: :mod:`embedlab.training.corpus` makes the segmented corpus,
:mod:`embedlab.training.saving` writes the result into the models directory, and
:mod:`embedlab.training.background` runs all three on a thread for the app.

Training reports twice: ``on_epoch`` gets an :class:`EpochReport` (the epoch's loss) after every
epoch, and ``progress`` (an :class:`~embedlab.progress.Progress`) the epochs done so far, parts of
the running one included, every few hundred sentences. Cancelling stops within a few hundred
sentences (the corpus iterator checks a ``threading.Event``) and at every epoch boundary (a
gensim callback raises :class:`~embedlab.errors.Cancelled`).

The loss is gensim's ``compute_loss`` figure. gensim adds it up in float32 over a whole ``train``
call, which stops growing on big corpora, so the callback resets it at each epoch start and each
epoch reports its own sum. With several worker threads gensim's loss counter is racy: treat the
curve as a trend, not an exact value.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from embedlab.errors import Cancelled, EmbedLabError, InvalidInputError
from embedlab.progress import Progress
from embedlab.static.model import Scored, StaticModel, freeze
from embedlab.training.corpus import CorpusStats, Segmented
from embedlab.training.tokenize import Language

ARCHITECTURES = {0: "CBOW", 1: "skip-gram"}
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
    progress: Progress | None = None,
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
    progress : Progress, optional
        ``progress(epochs_done, epochs)``, where ``epochs_done`` counts the running epoch's part
        (2.5 = halfway through the third), called every few hundred sentences from gensim's
        producer thread.
    cancel : threading.Event, optional
        Set it to stop; ``train`` then raises :class:`~embedlab.errors.Cancelled`.
    model_id : str
        Id given to the resulting :class:`~embedlab.static.model.StaticModel`.

    Returns
    -------
    Trained

    Raises
    ------
    InvalidInputError
        For out-of-range options, or when no word reaches ``min_count``.
    Cancelled
        When ``cancel`` was set.
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

    def on_fraction(part: float) -> None:
        if progress is not None:
            progress(max(epoch_now[0] - 1, 0) + part, options.epochs)

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
