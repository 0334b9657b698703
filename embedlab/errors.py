"""Errors that carry a message meant for the person using EmbedLab.

Every error the backend raises on bad input derives from :class:`EmbedLabError`; the UI shows
``str(error)`` in a message box and the CLI prints it on one line, so the text must say what went
wrong and how to fix it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class EmbedLabError(Exception):
    """Base class: a problem the user can fix; ``str(error)`` says how."""


class InvalidInputError(EmbedLabError, ValueError):
    """Input that cannot be used as given (empty, too long, malformed)."""


class UnknownModelError(EmbedLabError, KeyError):
    """A model id that is neither registered nor a readable path."""

    def __init__(self, model_id: str, known: Sequence[str]):
        self.model_id = model_id
        self.known = list(known)
        super().__init__(f"Unknown model: {model_id!r}. Must be one of: {self.known} or a path to a vector file.")

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
        super().__init__(f"Not in the vocabulary{where}: " + "; ".join(parts))

    def __str__(self) -> str:
        return self.args[0]


class MissingDependencyError(EmbedLabError, ImportError):
    """An optional backend is not installed; the message names the pip package to install."""
