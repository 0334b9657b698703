"""Errors that carry a message meant for the person using EmbedLab.

Every error the backend raises on bad input derives from :class:`EmbedLabError`; the CLI prints
``str(error)`` (English) on one line, so the text must say what went wrong and how to fix it.

An error a user commonly meets also carries a message ``code`` and its ``params``: the UI shows
``error.<code>`` from :mod:`embedlab.i18n` in the page's language (``str(error)`` when there is no
code). :meth:`EmbedLabError.coded` makes such an error with the English text of the same entry, so
the CLI and the English UI say the same thing::

    >>> str(InvalidInputError.coded("empty_word"))
    'Empty word: type a word.'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Self, SupportsIndex, SupportsInt


class EmbedLabError(Exception):
    """Base class: a problem the user can fix; ``str(error)`` says how.

    Attributes
    ----------
    code : str or None
        The message code: ``error.<code>`` in :mod:`embedlab.i18n` has its text in every language.
    params : dict
        The values the text's ``{placeholders}`` take. ``field`` names the input at fault (a URL
        parameter or option name); the UI replaces it with the label the page shows.
    label : str or None
        That label, when the UI attached it where the input was read.
    """

    label: str | None = None

    def __init__(self, message: str = "", *, code: str | None = None, params: Mapping[str, object] | None = None):
        super().__init__(message)
        self.code = code
        self.params = dict(params or {})

    @classmethod
    def coded(cls, code: str, /, **params: object) -> Self:
        """An error with message ``code``, whose ``str()`` is the English text of ``error.<code>``."""
        from embedlab.i18n import error_text

        return cls(error_text(code, "en", params), code=code, params=params)


class InvalidInputError(EmbedLabError, ValueError):
    """Input that cannot be used as given (empty, too long, malformed)."""


class UnknownModelError(EmbedLabError, KeyError):
    """A model id that is neither registered nor a readable path."""

    def __init__(self, model_id: str, known: Sequence[str]):
        self.model_id = model_id
        self.known = list(known)
        super().__init__(
            f"Unknown model: {model_id!r}. Must be one of: {self.known} or a path to a vector file.",
            code="unknown_model",
            params={"model": repr(model_id), "known": self.known},
        )

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.args[0]


class OutOfVocabularyError(EmbedLabError, KeyError):
    """Words the model does not know, each with up to five suggestions.

    Attributes
    ----------
    missing : dict[str, list[str]]
        Every missing word mapped to its suggestions (possibly empty), in input order.
    """

    def __init__(self, missing: Mapping[str, Sequence[str]], *, model_id: str | None = None):
        self.missing = {word: list(suggestions) for word, suggestions in missing.items()}
        self.model_id = model_id
        parts = []
        for word, suggestions in self.missing.items():
            hint = f" (did you mean: {', '.join(suggestions)}?)" if suggestions else ""
            parts.append(f"{word!r}{hint}")
        where = f" in model {model_id!r}" if model_id else ""
        # The UI renders the words and suggestions itself (ui.show_error); the code marks the kind.
        super().__init__(f"Not in the vocabulary{where}: " + "; ".join(parts), code="oov", params={"words": list(self.missing)})

    def __str__(self) -> str:
        return self.args[0]


class MissingDependencyError(EmbedLabError, ImportError):
    """An optional backend is not installed; the message names the pip package to install."""


class ServerBusyError(EmbedLabError):
    """Every server-wide job slot is taken (see :class:`embedlab.training.jobs.JobSlots`); nothing was started.

    ``params`` hold ``count`` (the limit that is full) and ``place``: the visitor's place in line
    (1 = next). The visitor keeps that place by asking again within a few seconds (the page does).
    """

    @property
    def place(self) -> int:
        place = self.params.get("place", 1)
        if not isinstance(place, str | SupportsInt | SupportsIndex):
            raise TypeError(f"ServerBusyError's place must be a number, not {place!r}")
        return int(place)


class DiskFullError(EmbedLabError):
    """The disk filled up while a file was written; the message says what was kept (a resumable part, or nothing)."""


class Cancelled(EmbedLabError):
    """Work stopped because the user pressed cancel (segmenting or training a corpus); nothing was kept."""


def check_choice(value: object, name: str, choices: Sequence) -> None:
    """The one "must be one of" check: raise :class:`InvalidInputError` unless ``value`` is among ``choices``.

    >>> check_choice("umap", "method", ["pca", "umap"])
    >>> check_choice("div", "method", ["add", "mul"])
    Traceback (most recent call last):
    ...
    embedlab.errors.InvalidInputError: Unknown method: 'div'. Must be one of: ['add', 'mul'].
    """
    if value not in choices:
        raise InvalidInputError(f"Unknown {name}: {value!r}. Must be one of: {list(choices)}.")
