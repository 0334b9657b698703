"""WEAT, the Word Embedding Association Test (Caliskan, Bryson & Narayanan, *Science* 2017).

Two target sets ``X`` and ``Y`` (flowers, insects) and two attribute sets ``A`` and ``B``
(pleasant, unpleasant). Each target word gets an association score::

    s(w, A, B) = mean_{a∈A} cos(w, a) − mean_{b∈B} cos(w, b)

and the test asks whether ``X`` leans towards ``A`` (relative to ``B``) more than ``Y`` does:

* **effect size** ``d = (mean_{x∈X} s(x) − mean_{y∈Y} s(y)) / std_{w∈X∪Y} s(w)``, a Cohen's d.
  The standard deviation is the **population** one (``ddof=0``, as WEFE computes it) unless
  ``std="sample"`` (``ddof=1``) is asked for; the result says which.
* **p-value**, one-sided, of the permutation test: the share of the ways to split ``X ∪ Y``
  into two sets of sizes ``|X|`` and ``|Y|`` whose statistic ``Σ_X s − Σ_Y s`` is at least the
  observed one. **Exact** (every split counted, the observed one included) when there are at
  most ``exact_limit`` splits; otherwise **sampled**: ``samples`` random splits drawn with
  ``seed``, ``p = (hits + 1) / (samples + 1)``.

Words a model does not know are listed and dropped, as WEFE does; when a set loses more than
``max_lost`` of its words (WEFE's ``lost_vocabulary_threshold``, 0.2) the test is refused
rather than run on what is left. With ``case_fallback`` a missing word is looked up again in
lower case (WEFE's ``preprocessors=[{}, {"lowercase": True}]``), so ``John`` finds ``john`` in an
uncased model.

Word sets ship as data: :func:`load_tests` reads ``embedlab/data/weat/*.json``: the original English
sets, English sets that the small ``classics-en`` model knows, and Chinese sets for the four
classic novels (``sidamingzhu``).
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal, TypeAlias

import numpy as np

from embedlab.errors import InvalidInputError
from embedlab.static.model import StaticModel, _check_word, unit_vectors

Std = Literal["population", "sample"]
STDS: tuple[Std, ...] = ("population", "sample")
DEFAULT_EXACT_LIMIT = 100_000
DEFAULT_SAMPLES = 100_000
MAX_SAMPLES = 1_000_000
DEFAULT_MAX_LOST = 0.2
MAX_SET_WORDS = 100
DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "weat"
_SAMPLE_CHUNK = 10_000


class WeatError(InvalidInputError):
    """Word sets a WEAT cannot run on (empty, too small, or too many unknown words).

    ``reason`` says which (``"empty"``, ``"too_many"``, ``"lost"``, ``"few_targets"``) and
    ``details`` holds the values, so an interface can word the message in its own language;
    ``details["lost"]`` lists ``(set name, missing words, words given)``.
    """

    def __init__(self, message: str, *, reason: str, **details):
        super().__init__(message)
        self.reason = reason
        self.details = details


@dataclass(frozen=True)
class WordSet:
    """A named list of words (``name`` is shown in pictures and tables)."""

    name: str
    words: tuple[str, ...]


SetPair: TypeAlias = tuple[Sequence[str] | WordSet, Sequence[str] | WordSet]  # (X, Y) targets or (A, B) attributes


@dataclass(frozen=True)
class WeatTest:
    """One shipped test: targets ``X``, ``Y`` and attributes ``A``, ``B``.

    ``title`` maps ``"zh"``/``"en"`` to the test's title and ``labels`` maps them to the four
    set names in that language; ``language`` is the language of the words.
    """

    id: str
    language: str
    title: dict
    x: WordSet
    y: WordSet
    a: WordSet
    b: WordSet
    labels: dict = field(default_factory=dict)
    source: str = ""

    def title_in(self, lang: str) -> str:
        return self.title.get(lang) or self.title.get("en") or self.id

    def sets_in(self, lang: str) -> tuple[WordSet, WordSet, WordSet, WordSet]:
        """The four sets named in ``lang``."""
        names = self.labels.get(lang) or self.labels.get("en") or [s.name for s in (self.x, self.y, self.a, self.b)]
        x, y, a, b = (WordSet(name, s.words) for name, s in zip(names, (self.x, self.y, self.a, self.b)))
        return x, y, a, b


@dataclass(frozen=True)
class Association:
    """A target word's association ``s(w, A, B)`` and its two parts."""

    word: str
    group: Literal["x", "y"]
    score: float
    mean_a: float
    mean_b: float


@dataclass(frozen=True)
class WeatResult:
    """The outcome of :func:`weat`.

    Attributes
    ----------
    x, y, a, b : WordSet
        The sets as used (unknown words dropped, duplicates removed).
    missing : dict[str, tuple[str, ...]]
        Per set name (``"x"``, ``"y"``, ``"a"``, ``"b"``), the words dropped as unknown.
    associations : tuple of Association
        Every target word's ``s(w, A, B)``, X's first.
    statistic : float
        ``Σ_{x∈X} s(x) − Σ_{y∈Y} s(y)``.
    effect_size : float
        Cohen's d (see the module docstring); ``nan`` when every ``s`` is equal.
    std : {"population", "sample"}
    p_value : float
        One-sided: the chance of a statistic at least this large under random re-splits.
    p_method : {"exact", "sampled"}
    permutations : int
        Splits counted (all of them when exact).
    total_splits : int
        ``C(|X|+|Y|, |X|)``.
    seed : int or None
        The sampling seed (None when exact).
    """

    x: WordSet
    y: WordSet
    a: WordSet
    b: WordSet
    missing: dict
    associations: tuple[Association, ...]
    statistic: float
    effect_size: float
    std: Std
    p_value: float
    p_method: Literal["exact", "sampled"]
    permutations: int
    total_splits: int
    seed: int | None

    def to_dict(self) -> dict:
        """The CLI's JSON."""
        return {
            "effect_size": self.effect_size,
            "p_value": self.p_value,
            "p_method": self.p_method,
            "permutations": self.permutations,
            "total_splits": self.total_splits,
            "seed": self.seed,
            "std": self.std,
            "statistic": self.statistic,
            "sets": {key: {"name": s.name, "words": list(s.words)} for key, s in zip("xyab", (self.x, self.y, self.a, self.b))},
            "missing": {key: list(words) for key, words in self.missing.items()},
            "associations": [
                {"word": a.word, "set": a.group, "s": a.score, "mean_a": a.mean_a, "mean_b": a.mean_b} for a in self.associations
            ],
        }


# ---------------------------------------------------------------- word sets


def _word_set(value, default_name: str) -> WordSet:
    if isinstance(value, WordSet):
        return value
    if isinstance(value, str):
        raise InvalidInputError("Give each word set as a list of words (or a WordSet), not one string.")
    words = [w.strip() for w in value if isinstance(w, str) and w.strip()]
    return WordSet(default_name, tuple(words))


def _resolve(model: StaticModel, words: Sequence[str], *, case_fallback: bool) -> tuple[list[str], list[str]]:
    """(found words as the model spells them, missing words) in order, duplicates removed."""
    found, missing = [], []
    for word in dict.fromkeys(words):
        _check_word(word)
        if word in model:
            hit = word
        elif case_fallback and word.lower() in model:
            hit = word.lower()
        else:
            missing.append(word)
            continue
        if hit not in found:
            found.append(hit)
    return found, missing


# ---------------------------------------------------------------- the permutation test


def permutation_p_value(
    scores: Sequence[float],
    n_x: int,
    *,
    exact_limit: int = DEFAULT_EXACT_LIMIT,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
) -> tuple[float, Literal["exact", "sampled"], int, int]:
    """One-sided p-value of ``Σ_{first n_x} s − Σ_{rest} s`` under random re-splits of ``scores``.

    Returns
    -------
    (p_value, method, permutations counted, total splits)
    """
    values = np.asarray(scores, dtype=np.float64)
    n = len(values)
    total = math.comb(n, n_x)
    whole = float(values.sum())
    observed = 2.0 * float(values[:n_x].sum()) - whole
    tolerance = 1e-12 * max(1.0, float(np.abs(values).sum()))  # equal splits summed in another order
    if total <= exact_limit:
        combos = np.fromiter(itertools.combinations(range(n), n_x), dtype=np.dtype((np.intp, n_x)), count=total)
        stats = 2.0 * values[combos].sum(axis=1) - whole
        hits = int(np.count_nonzero(stats >= observed - tolerance))
        return hits / total, "exact", total, total
    rng = np.random.default_rng(seed)
    hits = 0
    base = np.arange(n)
    for start in range(0, samples, _SAMPLE_CHUNK):
        count = min(_SAMPLE_CHUNK, samples - start)
        order = rng.permuted(np.broadcast_to(base, (count, n)), axis=1)
        stats = 2.0 * values[order[:, :n_x]].sum(axis=1) - whole
        hits += int(np.count_nonzero(stats >= observed - tolerance))
    return (hits + 1) / (samples + 1), "sampled", samples, total


# ---------------------------------------------------------------- WEAT


def weat(
    model: StaticModel,
    *,
    targets: SetPair,
    attributes: SetPair,
    std: Std = "population",
    exact_limit: int = DEFAULT_EXACT_LIMIT,
    samples: int = DEFAULT_SAMPLES,
    seed: int = 0,
    max_lost: float = DEFAULT_MAX_LOST,
    case_fallback: bool = True,
) -> WeatResult:
    """Run WEAT on ``model``.

    Parameters
    ----------
    targets : (X, Y)
        Two lists of words (or :class:`WordSet`), e.g. flowers and insects.
    attributes : (A, B)
        Two lists of words, e.g. pleasant and unpleasant.
    std : {"population", "sample"}
        The effect size's standard deviation: ``ddof=0`` (WEFE's) or ``ddof=1``.
    exact_limit : int
        Count every split when there are at most this many; sample otherwise.
    samples : int
        Random splits drawn when sampling (1,000 to 1,000,000).
    seed : int
        Seed of the sampled splits (the same seed gives the same p-value).
    max_lost : float
        Largest share of a set that may be unknown (0 to 1); more is refused.
    case_fallback : bool
        Look a missing word up again in lower case.

    Returns
    -------
    WeatResult

    Raises
    ------
    WeatError
        An empty set, a target set left with no word, or a set that lost more than ``max_lost``.
    InvalidInputError
        Bad options.
    """
    if std not in STDS:
        raise InvalidInputError(f"std must be one of {list(STDS)}, not {std!r}.")
    if not isinstance(samples, int) or isinstance(samples, bool) or not 1_000 <= samples <= MAX_SAMPLES:
        raise InvalidInputError(f"samples must be a whole number from 1,000 to {MAX_SAMPLES:,}, not {samples!r}.")
    if not isinstance(max_lost, (int, float)) or not 0.0 <= max_lost <= 1.0:
        raise InvalidInputError(f"max_lost must be a share from 0 to 1, not {max_lost!r}.")
    if len(targets) != 2 or len(attributes) != 2:
        raise InvalidInputError("WEAT needs exactly two target sets and two attribute sets.")
    sets = dict(zip("xyab", (_word_set(v, n) for v, n in zip((*targets, *attributes), ("X", "Y", "A", "B")))))
    found, missing = {}, {}
    for key, word_set in sets.items():
        if not word_set.words:
            raise WeatError(
                f"Word set {word_set.name!r} is empty: give it at least one word.", reason="empty", name=word_set.name
            )
        if len(word_set.words) > MAX_SET_WORDS:
            raise WeatError(
                f"Word set {word_set.name!r} has {len(word_set.words)} words; at most {MAX_SET_WORDS} are accepted.",
                reason="too_many",
                name=word_set.name,
                count=len(word_set.words),
                most=MAX_SET_WORDS,
            )
        found[key], missing[key] = _resolve(model, word_set.words, case_fallback=case_fallback)
    lost_sets = []
    for key, word_set in sets.items():
        given = len(dict.fromkeys(word_set.words))
        if not found[key] or len(missing[key]) / given > max_lost + 1e-12:
            lost_sets.append((word_set.name, tuple(missing[key]), given))
    if lost_sets:
        problems = [
            f"{name!r} lost {len(words)} of {given} words ({', '.join(words[:8])}{'…' if len(words) > 8 else ''})"
            for name, words, given in lost_sets
        ]
        raise WeatError(
            f"Too many words unknown to {model.id!r} (at most {max_lost:.0%} of a set may be missing): "
            + "; ".join(problems)
            + ". Replace them with words the model knows, or allow a larger share of missing words.",
            reason="lost",
            lost=lost_sets,
            max_lost=max_lost,
            model=model.id,
        )
    if len(found["x"]) + len(found["y"]) < 2:
        raise WeatError("The two target sets need at least two known words in all.", reason="few_targets")

    unit = {key: unit_vectors(model, words) for key, words in found.items()}
    targets_rows = np.vstack([unit["x"], unit["y"]])
    mean_a = (targets_rows @ unit["a"].T).mean(axis=1)
    mean_b = (targets_rows @ unit["b"].T).mean(axis=1)
    s = mean_a - mean_b
    n_x = len(found["x"])
    statistic = float(s[:n_x].sum() - s[n_x:].sum())
    spread = float(np.std(s, ddof=0 if std == "population" else 1)) if len(s) > 1 else 0.0
    difference = float(s[:n_x].mean() - s[n_x:].mean())
    effect_size = difference / spread if spread > 0 else float("nan")
    p_value, method, counted, total = permutation_p_value(s, n_x, exact_limit=exact_limit, samples=samples, seed=seed)
    target_words = found["x"] + found["y"]
    associations = tuple(
        Association(w, "x" if i < n_x else "y", float(s[i]), float(mean_a[i]), float(mean_b[i]))
        for i, w in enumerate(target_words)
    )
    used = {key: WordSet(sets[key].name, tuple(found[key])) for key in "xyab"}
    return WeatResult(
        used["x"],
        used["y"],
        used["a"],
        used["b"],
        {k: tuple(v) for k, v in missing.items() if v},
        associations,
        statistic,
        effect_size,
        std,
        p_value,
        method,
        counted,
        total,
        seed if method == "sampled" else None,
    )


def usable(model: StaticModel, test: WeatTest, *, max_lost: float = DEFAULT_MAX_LOST, case_fallback: bool = True) -> bool:
    """Whether ``model`` knows enough of ``test``'s words for :func:`weat` to run (no set loses more than ``max_lost``)."""
    for word_set in (test.x, test.y, test.a, test.b):
        found, missing = _resolve(model, word_set.words, case_fallback=case_fallback)
        if not found or len(missing) / len(dict.fromkeys(word_set.words)) > max_lost + 1e-12:
            return False
    return True


# ---------------------------------------------------------------- shipped tests


@lru_cache(maxsize=1)
def load_tests() -> tuple[WeatTest, ...]:
    """Every shipped test from ``embedlab/data/weat/*.json``, by file name: the originals (``en.json``), English sets
    for the small ``classics-en`` model (``en_classics.json``), then Chinese ones (``zh.json``)."""
    tests = []
    for path in sorted(DATA_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        sets = data["sets"]
        for entry in data["tests"]:
            keys = [entry[k] for k in "xyab"]
            x, y, a, b = (WordSet(key, tuple(sets[key]["words"])) for key in keys)
            tests.append(
                WeatTest(
                    entry["id"],
                    data["language"],
                    entry["title"],
                    x,
                    y,
                    a,
                    b,
                    labels={lang: [sets[key].get(lang, key) for key in keys] for lang in ("zh", "en")},
                    source=entry.get("source", data.get("source", "")),
                )
            )
    return tuple(tests)


def get_test(test_id: str) -> WeatTest:
    """A shipped test by id.

    Raises
    ------
    InvalidInputError
        Listing the known ids.
    """
    for test in load_tests():
        if test.id == test_id:
            return test
    raise InvalidInputError(f"Unknown WEAT test {test_id!r}. Must be one of: {[t.id for t in load_tests()]}.")


def tests_for(language: str | None = None) -> list[WeatTest]:
    """The shipped tests in ``language`` (all when None)."""
    return [t for t in load_tests() if language is None or t.language == language]
