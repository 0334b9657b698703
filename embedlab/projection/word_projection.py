"""Words of a static model drawn with :mod:`embedlab.projection.engine`: groups, neighbours, hover and exports.

::

    >>> from embedlab.serving.registry import load_model
    >>> from embedlab.projection import word_projection
    >>> model = load_model("minilm-static")
    >>> chosen = word_projection.select_words(model, [["apple", "banana", "pear"], ["thames", "nile", "danube"]])
    >>> result = word_projection.project_words(model, chosen, method="umap", dims=2, seed=0)
    >>> result.neighbors_of(0)[0]                         # doctest: +SKIP
    Scored(word='banana', score=0.62)
    >>> print(word_projection.to_csv(result))            # doctest: +SKIP
    word,group,x,y,kept
    apple,apple,10.61,3.02,1
    ...

The steps, each usable on its own:

* :func:`select_words` (groups typed by a person, optionally with each word's nearest
  neighbours) or :func:`frequent_words` (the first N words of the vocabulary) → :class:`Selection`;
* :func:`project_words` → :class:`WordProjection` (the selection and its
  :class:`~embedlab.projection.engine.Projection`, row for row), optionally through a
  :class:`~embedlab.result_cache.ResultCache`;
* :attr:`WordProjection.distortion`: per-word honesty, which of each word's true neighbours the
  picture keeps near it (:mod:`embedlab.projection.distortion`);
* :func:`to_csv` (with each word's ``kept`` share), :func:`projector_vectors` and
  :func:`projector_metadata` (the TensorFlow Embedding Projector's ``vectors.tsv`` and ``metadata.tsv``).
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypedDict

import numpy as np

from embedlab.errors import InvalidInputError
from embedlab.progress import Progress
from embedlab.projection.distortion import DEFAULT_K, Distortion, largest_k, measure
from embedlab.projection.engine import (
    DEFAULT_MIN_DIST,
    DEFAULT_N_NEIGHBORS,
    DEFAULT_PERPLEXITY,
    HOVER_NEIGHBORS,
    MAX_EXPAND,
    MAX_POINTS,
    Method,
    Note,
    Projection,
    check_number,
    project,
)
from embedlab.result_cache import ResultCache
from embedlab.static import model as static
from embedlab.training.jobs import JobSlots


class _ProjectOptions(TypedDict):
    """The :func:`project` parameters a word projection is computed (and cached) with."""

    method: Method
    dims: int
    seed: int
    n_neighbors: int
    min_dist: float
    perplexity: float


@dataclass(frozen=True)
class Selection:
    """The words to draw, each with its group.

    Attributes
    ----------
    words : tuple of str
        Unique: the typed words in input order, then the added neighbours.
    groups : tuple of str
        The group of each word, named after the group's first word.
    origins : tuple of str
        ``""`` for a typed word; for an added neighbour, the typed word it is a neighbour of.
    skipped : tuple of str
        Out-of-vocabulary words left out because the caller asked to skip them.
    notes : tuple of Note
    """

    words: tuple[str, ...]
    groups: tuple[str, ...]
    origins: tuple[str, ...]
    skipped: tuple[str, ...] = ()
    notes: tuple[Note, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.words)


def _as_groups(groups: str | Sequence[str] | Sequence[Sequence[str]]) -> list[list[str]]:
    if isinstance(groups, str):
        return [[groups]]
    items = list(groups)
    words = [item for item in items if isinstance(item, str)]
    if items and len(words) == len(items):
        return [words]  # a flat list of words is one group
    return [[item] if isinstance(item, str) else list(item) for item in items]


def select_words(model: static.StaticModel, groups, *, expand: int = 0, skip_missing: bool = False) -> Selection:
    """Words in groups, validated against the vocabulary, optionally with their neighbours.

    Parameters
    ----------
    groups : list of lists of str
        E.g. ``[["苹果", "香蕉"], ["长江", "黄河"]]``; a flat list of words is one group.
    expand : int
        Add each typed word's ``expand`` nearest neighbours (cosine, gensim's ``most_similar``)
        to its group, unless already drawn (0 to :data:`MAX_EXPAND`).
    skip_missing : bool
        Leave out words the model does not know (``Selection.skipped`` names them) instead of
        raising.

    Raises
    ------
    OutOfVocabularyError
        Naming every missing word with suggestions (unless ``skip_missing``).
    InvalidInputError
        For empty or over-long words, or when nothing is left to draw.
    """
    check_number(expand, "expand", 0, MAX_EXPAND, whole=True)
    typed = [[word.strip() if isinstance(word, str) else word for word in group] for group in _as_groups(groups)]
    every = [word for group in typed for word in group]
    if not every:
        raise InvalidInputError.coded("need_words_to_draw")
    # Empty or over-long words are an error even when skipping: only unknown words are skipped.
    malformed = [word for word in every if not isinstance(word, str) or not word or len(word) > static.MAX_WORD_CHARS]
    if malformed or not skip_missing:
        static.require(model, malformed or every)
    missing = tuple(dict.fromkeys(word for word in every if word not in model))

    words: list[str] = []
    labels: list[str] = []
    origins: list[str] = []
    repeated: list[str] = []
    kept_groups = []
    for group in typed:
        fresh: list[str] = []
        for word in group:
            if word in words or word in fresh:
                repeated.append(word)
            elif word not in missing:
                fresh.append(word)
        if fresh:  # named after its first word, which no other group holds
            kept_groups.append((fresh[0], fresh))
            words += fresh
            labels += [fresh[0]] * len(fresh)
            origins += [""] * len(fresh)
    # Neighbours after every typed word, so that a typed word always stays in its own group.
    for label, fresh in kept_groups if expand else ():
        for word in fresh:
            for neighbour in static.neighbors(model, word, topn=expand):
                if neighbour.word not in words:
                    words.append(neighbour.word)
                    labels.append(label)
                    origins.append(word)
    if not words:
        raise InvalidInputError.coded("none_in_vocabulary", words=list(missing))
    notes = []
    if missing:
        notes.append(Note.of("skipped", words=", ".join(missing)))
    if repeated:
        notes.append(Note.of("duplicates", words=", ".join(dict.fromkeys(repeated))))
    return Selection(tuple(words), tuple(labels), tuple(origins), missing, tuple(notes))


def frequent_words(model: static.StaticModel, count: int) -> Selection:
    """The first ``count`` words of the vocabulary, as one group.

    word2vec files list words from the most frequent; other models (BERT's token table) keep
    their own order, which the group name does not hide: it says ``first N``.
    """
    check_number(count, "count", 3, MAX_POINTS, whole=True)
    words = tuple(model.kv.index_to_key[:count])
    label = f"first {len(words)}"
    return Selection(words, (label,) * len(words), ("",) * len(words))


@dataclass(frozen=True, eq=False)
class WordProjection:
    """A :class:`Selection` of a model's words and its :class:`Projection`, row for row."""

    model_id: str
    selection: Selection
    projection: Projection

    @cached_property
    def distortion(self) -> Distortion:
        """Each word's nearest drawn words in the original space and in the picture (:mod:`embedlab.projection.distortion`).

        Found once, on first use, from the neighbours the projection already searched.
        """
        found = self.projection
        return measure(None, found.coordinates, original=found.neighbors, similarities=found.neighbor_similarities)

    @property
    def notes(self) -> tuple[Note, ...]:
        return self.selection.notes + self.projection.notes

    def neighbors_of(self, row: int) -> list[static.Scored]:
        """The nearest drawn words of row ``row`` in the original space (cosine)."""
        words = self.selection.words
        return [
            static.Scored(words[j], float(s))
            for j, s in zip(
                self.projection.neighbors[row, :HOVER_NEIGHBORS], self.projection.neighbor_similarities[row, :HOVER_NEIGHBORS]
            )
        ]

    def records(self) -> list[dict]:
        """One dict per word: ``word``, ``group``, ``origin``, ``x``, ``y`` (and ``z``)."""
        axes = "xyz"[: self.projection.dims]
        return [
            {"word": word, "group": group, "origin": origin, **{a: float(v) for a, v in zip(axes, point)}}
            for word, group, origin, point in zip(
                self.selection.words, self.selection.groups, self.selection.origins, self.projection.coordinates
            )
        ]


def _selection_vectors(model: static.StaticModel, selection: Selection) -> np.ndarray:
    rows = [model.kv.key_to_index[word] for word in selection.words]
    zero = [word for word, row in zip(selection.words, rows) if model.kv.norms[row] == 0]
    if zero:
        raise InvalidInputError.coded("zero_vectors", words=zero[:10])
    return model.kv.vectors[rows]


def project_words(
    model: static.StaticModel,
    selection: Selection,
    *,
    method: Method = "pca",
    dims: int = 2,
    seed: int = 0,
    n_neighbors: int = DEFAULT_N_NEIGHBORS,
    min_dist: float = DEFAULT_MIN_DIST,
    perplexity: float = DEFAULT_PERPLEXITY,
    progress: Progress | None = None,
    cache: ResultCache | None = None,
    max_points: int = MAX_POINTS,
    slots: JobSlots | None = None,
    owner: str | None = None,
) -> WordProjection:
    """Project the words of ``selection`` with :func:`project` (see there for the parameters).

    ``cache``, when given, returns the earlier result for the same model, words, groups, method
    and parameters instead of computing it again. ``max_points`` is a server's cap
    (``limits.projection_points``), below :data:`MAX_POINTS` on a shared server. ``slots``, when
    given, are the server's job slots: computing (not a cached answer) holds a ``"projection"``
    slot, taken for ``owner`` (a session id).

    Raises
    ------
    InvalidInputError
        As :func:`project`, for words with a zero vector, and for more than ``max_points`` words.
    ServerBusyError
        When every job slot is taken (with ``owner``'s place in line).
    """
    if len(selection) > max_points:
        raise InvalidInputError.coded("too_many_points", count=len(selection), limit=max_points)
    options = _ProjectOptions(
        method=method, dims=dims, seed=seed, n_neighbors=n_neighbors, min_dist=min_dist, perplexity=perplexity
    )

    def compute() -> WordProjection:
        vectors = _selection_vectors(model, selection)
        with slots.hold("projection", owner=owner) if slots is not None else contextlib.nullcontext():
            return WordProjection(model.id, selection, project(vectors, progress=progress, **options))

    if cache is None:
        return compute()
    key = (model.id, model.vocab_size, model.dims, selection.words, selection.groups, tuple(sorted(options.items())))
    return cache.get_or_compute(key, compute)


# ---------------------------------------------------------------- exports


def to_csv(result: WordProjection, *, k: int = DEFAULT_K) -> str:
    """The coordinates as CSV: columns ``word, group, x, y`` (and ``z`` in 3-D), then ``kept``.

    ``kept`` is each word's share of its ``k`` nearest drawn words in the original space (cosine)
    that are also among its ``k`` nearest in the picture (Euclidean): :meth:`Distortion.kept`,
    with ``k`` lowered to ``n − 1`` for fewer than ``k + 1`` words.
    """
    buffer = io.StringIO()
    axes = list("xyz"[: result.projection.dims])
    kept = result.distortion.kept(largest_k(len(result.selection), k))
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["word", "group", *axes, "kept"])
    for word, group, point, share in zip(result.selection.words, result.selection.groups, result.projection.coordinates, kept):
        writer.writerow([word, group, *(f"{v:.6g}" for v in point), f"{share:.4g}"])
    return buffer.getvalue()


def _tsv_field(text: str) -> str:
    # The Projector splits on tabs and lines; neither may appear inside a field.
    return re.sub(r"[\t\r\n]+", " ", text)


def projector_vectors(model: static.StaticModel, selection: Selection) -> str:
    """``vectors.tsv`` for projector.tensorflow.org: one row of tab-separated numbers per word."""
    buffer = io.StringIO()
    np.savetxt(buffer, _selection_vectors(model, selection), fmt="%.6g", delimiter="\t")
    return buffer.getvalue()


def projector_metadata(selection: Selection) -> str:
    """``metadata.tsv`` for projector.tensorflow.org: a ``word<TAB>group`` header, then one row per word."""
    lines = ["word\tgroup"]
    lines += [f"{_tsv_field(word)}\t{_tsv_field(group)}" for word, group in zip(selection.words, selection.groups)]
    return "\n".join(lines) + "\n"
