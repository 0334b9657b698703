"""Reading the test sets the field uses: analogy questions and word-similarity pairs.

Analogy sets use Mikolov's format (``: section`` lines, then ``a b c d`` per line: a is to b as c
is to d); similarity sets have one ``w1 w2 score`` per line (TAB or spaces; ``#`` comments). Both
come from a path or from the bytes of an upload, in any encoding :mod:`embedlab.io.textio` detects;
lines that cannot be read are listed, not silently dropped::

    >>> from embedlab.static.eval_sets import read_analogies, find_eval_sets
    >>> questions = read_analogies("questions-words.txt")         # doctest: +SKIP
    >>> questions.questions, questions.sections[0].name, questions.skipped_lines   # doctest: +SKIP
    (19544, 'capital-common-countries', ())
    >>> [found.label for found in find_eval_sets("../shared/data/eval")]          # doctest: +SKIP

Scoring them is :mod:`embedlab.static.evaluation`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from embedlab.errors import InvalidInputError
from embedlab.io.textio import decode_text

NO_SECTION = "(no section)"


@dataclass(frozen=True)
class AnalogyQuestion:
    """``a`` is to ``b`` as ``c`` is to ``d``; ``line`` is its 1-based line number."""

    a: str
    b: str
    c: str
    d: str
    line: int


@dataclass(frozen=True)
class AnalogySection:
    name: str
    questions: tuple[AnalogyQuestion, ...]


@dataclass(frozen=True)
class AnalogySet:
    """A parsed analogy file; ``skipped_lines`` are lines that were neither a header nor four words."""

    name: str
    sections: tuple[AnalogySection, ...]
    skipped_lines: tuple[int, ...] = ()

    @property
    def questions(self) -> int:
        return sum(len(section.questions) for section in self.sections)


@dataclass(frozen=True)
class WordPair:
    first: str
    second: str
    score: float
    line: int


@dataclass(frozen=True)
class PairSet:
    """A parsed similarity file; ``skipped_lines`` could not be read as ``w1 w2 score``."""

    name: str
    pairs: tuple[WordPair, ...]
    skipped_lines: tuple[int, ...] = ()


def _text_of(source: str | Path | bytes, name: str | None) -> tuple[str, str]:
    if isinstance(source, bytes):
        label = name or "the uploaded file"
        return decode_text(source, name=label).text, label
    path = Path(source).expanduser()
    if not path.is_file():
        raise InvalidInputError(f"No such evaluation file: {path}")
    return decode_text(path.read_bytes(), name=path.name).text, name or path.name


def parse_analogies(text: str, *, name: str = "analogies") -> AnalogySet:
    """Parse Mikolov-format analogies (``: section`` headers, ``a b c d`` lines; CRLF tolerated).

    Lines that are not a header and not exactly four words are skipped (gensim skips them too)
    and listed in ``skipped_lines``; blank lines are ignored. Questions before any header go to
    a section called ``(no section)``.

    Raises
    ------
    InvalidInputError
        When the text holds no question at all.
    """
    sections: list[tuple[str, list[AnalogyQuestion]]] = []
    skipped = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(":"):
            sections.append((stripped.lstrip(": ").strip() or f"line {number}", []))
            continue
        words = stripped.split()
        if len(words) != 4:
            skipped.append(number)
            continue
        if not sections:
            sections.append((NO_SECTION, []))
        a, b, c, d = words
        sections[-1][1].append(AnalogyQuestion(a, b, c, d, line=number))
    result = AnalogySet(name, tuple(AnalogySection(n, tuple(q)) for n, q in sections), tuple(skipped))
    if result.questions == 0:
        raise InvalidInputError.coded("no_analogies", name=name)
    return result


def read_analogies(source: str | Path | bytes, *, name: str | None = None) -> AnalogySet:
    """Read an analogy file (a path, or the bytes of an upload) in any encoding :mod:`embedlab.io.textio` knows."""
    text, label = _text_of(source, name)
    return parse_analogies(text, name=label)


def parse_pairs(text: str, *, name: str = "pairs") -> PairSet:
    """Parse a similarity set: ``w1 w2 score`` per line, TAB- or space-separated, ``#`` comments.

    Extra columns after the score (COS960 lists every rater) are ignored.

    Raises
    ------
    InvalidInputError
        When the text holds no readable pair.
    """
    pairs = []
    skipped = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")] if "\t" in line else line.split()
        try:
            first, second, score = fields[0], fields[1], float(fields[2])
        except (IndexError, ValueError):
            skipped.append(number)
            continue
        if not first or not second or not math.isfinite(score):
            skipped.append(number)
            continue
        pairs.append(WordPair(first, second, score, number))
    if not pairs:
        raise InvalidInputError.coded("no_pairs", name=name)
    return PairSet(name, tuple(pairs), tuple(skipped))


def read_pairs(source: str | Path | bytes, *, name: str | None = None) -> PairSet:
    """Read a similarity file (a path, or the bytes of an upload)."""
    text, label = _text_of(source, name)
    return parse_pairs(text, name=label)


@dataclass(frozen=True)
class EvalFile:
    """A test set found on disk: ``kind`` is ``"analogies"`` or ``"pairs"``."""

    path: Path
    kind: Literal["analogies", "pairs"]
    label: str


def find_eval_sets(folder: str | Path) -> list[EvalFile]:
    """The analogy and similarity sets under ``folder`` (recursively), told apart by their content."""
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in (".txt", ".tsv", ".csv"):
            continue
        with path.open("rb") as handle:
            head = handle.read(4096)
        kind: Literal["analogies", "pairs"] = (
            "analogies" if any(line.lstrip().startswith(b":") for line in head.splitlines()) else "pairs"
        )
        found.append(EvalFile(path, kind, str(path.relative_to(folder))))
    return found
