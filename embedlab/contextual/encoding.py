"""Reading vectors out of a contextual model: token vectors, sentence vectors, a word in context.

The model comes from :func:`embedlab.contextual.model.load_contextual`; this module runs its
network and pools what comes out::

    >>> from embedlab.io.bundled import minilm_path
    >>> from embedlab.contextual.model import load_contextual
    >>> model = load_contextual(minilm_path())
    >>> found = word_in_context(model, "apple", ["He works at Apple.", "He ate an apple."])
    >>> found.vectors.shape                                   # one row per occurrence
    (2, 384)
    >>> found.occurrences[0].tokens                           # the sub-tokens that were pooled
    ('apple',)
    >>> sentence_vectors(model, ["I like this book.", "I don't like this book."]).vectors.shape
    (2, 384)
    >>> sentence_vectors(model, "One sentence in, one vector out.").vectors.shape
    (384,)

How it works
------------
* Sentences are tokenized in one call, sorted by token count and run in batches, so short
  sentences are not padded to the length of long ones. Results come back in input order.
* Sentences longer than the model's maximum length are cut there; results list which ones
  (``truncated``) and the UI shows a note.
* A word is found through the tokenizer's offset mapping: every token whose character span
  overlaps the word is mean-pooled. bert-base-chinese splits 苹果 into 苹 and 果; both are used.
  Each occurrence of the word is its own context (a sentence may hold several).
* ``layer="last"`` reads the last hidden layer; ``layer="last4"`` the mean of the last four
  hidden states (a model with fewer layers averages all it has, embeddings included).
* The network runs in eval mode under ``torch.inference_mode``; a lock serialises calls, because
  a fast tokenizer must not be used from two threads at once. One loaded model can therefore be
  shared by every session of a server.
* Every returned array is float32 and read-only, so a result shared between sessions cannot be
  changed by one of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from embedlab.contextual.model import (
    DEFAULT_BATCH_SIZE,
    LAYERS,
    POOLINGS,
    ContextualModel,
    Layer,
    Pooling,
    check_sentences,
    check_word,
    find_word,
    tokenize,
)
from embedlab.errors import InvalidInputError, check_choice
from embedlab.vectormath import unit_rows

# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class TokenStates:
    """One sentence's tokens with their vectors (special tokens included)."""

    text: str
    tokens: tuple[str, ...]
    offsets: tuple[tuple[int, int], ...]
    special: tuple[bool, ...]
    vectors: np.ndarray  # (len(tokens), dims), read-only
    truncated: bool


@dataclass(frozen=True)
class SentenceVectors:
    """Sentence vectors in input order.

    ``vectors`` is 1-D for one string in, 2-D (n, dims) for a list. ``truncated`` lists the
    indices of sentences cut at ``max_length`` tokens.
    """

    sentences: tuple[str, ...]
    vectors: np.ndarray
    pooling: Pooling
    layer: Layer
    normalized: bool
    truncated: tuple[int, ...]
    max_length: int

    @property
    def note(self) -> str:
        return truncation_note(self.truncated, self.max_length)


@dataclass(frozen=True)
class Occurrence:
    """Where one occurrence of the word sits and which tokens were pooled for it."""

    sentence: int  # index into the input sentences
    start: int  # character span in that sentence
    end: int
    tokens: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"#{self.sentence + 1}"


@dataclass(frozen=True)
class WordInContext:
    """The contextual vectors of one word across sentences: one row per occurrence."""

    word: str
    sentences: tuple[str, ...]
    tokens: tuple[tuple[str, ...], ...]  # the whole tokenization of each sentence
    occurrences: tuple[Occurrence, ...]
    vectors: np.ndarray  # (len(occurrences), dims), read-only
    layer: Layer
    truncated: tuple[int, ...]
    max_length: int

    @property
    def labels(self) -> list[str]:
        """A short name per row: ``#2`` for sentence 2, ``#2.1``/``#2.2`` when it holds the word twice."""
        counts: dict[int, int] = {}
        for occ in self.occurrences:
            counts[occ.sentence] = counts.get(occ.sentence, 0) + 1
        seen: dict[int, int] = {}
        labels = []
        for occ in self.occurrences:
            seen[occ.sentence] = seen.get(occ.sentence, 0) + 1
            labels.append(occ.label if counts[occ.sentence] == 1 else f"{occ.label}.{seen[occ.sentence]}")
        return labels

    @property
    def note(self) -> str:
        return truncation_note(self.truncated, self.max_length)


def truncation_note(truncated: Sequence[int], max_length: int) -> str:
    """A plain-English note on which sentences were cut ('' when none)."""
    if not truncated:
        return ""
    which = ", ".join(f"#{i + 1}" for i in truncated)
    return f"Sentences {which} are longer than {max_length} tokens; only their first {max_length} tokens were used."


# ---------------------------------------------------------------- running the network


def _hidden(model: ContextualModel, input_ids: Any, mask: Any, layer: Layer) -> Any:
    import torch

    output = model.network(input_ids=input_ids, attention_mask=mask, output_hidden_states=layer == "last4")
    if layer == "last":
        return output.last_hidden_state
    return torch.stack(output.hidden_states[-4:]).mean(dim=0)


def _run_batches(model: ContextualModel, ids: list[list[int]], *, layer: Layer, batch_size: int, reduce) -> list[Any]:
    """Run ``ids`` longest first in padded batches; ``reduce(hidden, mask)`` gives one item per row."""
    import torch

    if not isinstance(batch_size, int) or batch_size < 1:
        raise InvalidInputError(f"batch_size must be a positive whole number, not {batch_size!r}.")
    order = np.argsort([-len(row) for row in ids], kind="stable")
    pad_id = model.tokenizer.pad_token_id or 0
    results: list[Any] = [None] * len(ids)
    for start in range(0, len(order), batch_size):
        rows = order[start : start + batch_size]
        width = len(ids[rows[0]])
        input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
        mask = torch.zeros((len(rows), width), dtype=torch.long)
        for slot, row in enumerate(rows):
            input_ids[slot, : len(ids[row])] = torch.tensor(ids[row], dtype=torch.long)
            mask[slot, : len(ids[row])] = 1
        with model.lock, torch.inference_mode():
            reduced = reduce(_hidden(model, input_ids, mask, layer), mask)
        for slot, row in enumerate(rows):
            results[row] = reduced[slot]
    return results


def _frozen(array: np.ndarray) -> np.ndarray:
    array = np.ascontiguousarray(array, dtype=np.float32)
    array.flags.writeable = False
    return array


def token_states(
    model: ContextualModel, sentences: str | Sequence[str], *, layer: Layer = "last", batch_size: int = DEFAULT_BATCH_SIZE
) -> TokenStates | list[TokenStates]:
    """Every token's vector in each sentence.

    Returns
    -------
    TokenStates for one string in, a list of them (input order) for a list.

    Raises
    ------
    InvalidInputError
        For empty or over-long input, or an unknown ``layer``.
    """
    states = _token_states_list(model, sentences, layer=layer, batch_size=batch_size)
    return states[0] if isinstance(sentences, str) else states


def _token_states_list(
    model: ContextualModel, sentences: str | Sequence[str], *, layer: Layer, batch_size: int
) -> list[TokenStates]:
    """:func:`token_states`, always as a list (one item for one string)."""
    check_choice(layer, "layer", LAYERS)
    texts = check_sentences(sentences)
    encoded, truncated = tokenize(model, texts)

    def unpad(hidden, mask):
        lengths = mask.sum(dim=1).tolist()
        return [hidden[i, :n].float().numpy().copy() for i, n in enumerate(lengths)]

    vectors = _run_batches(model, encoded["input_ids"], layer=layer, batch_size=batch_size, reduce=unpad)
    return [
        TokenStates(
            text,
            tuple(encoded.encodings[i].tokens),
            tuple(map(tuple, encoded["offset_mapping"][i])),
            tuple(bool(s) for s in encoded["special_tokens_mask"][i]),
            _frozen(vectors[i]),
            truncated[i],
        )
        for i, text in enumerate(texts)
    ]


def sentence_vectors(
    model: ContextualModel,
    sentences: str | Sequence[str],
    *,
    pooling: Pooling = "mean",
    layer: Layer = "last",
    normalize: bool = True,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> SentenceVectors:
    """One vector per sentence, from the token vectors.

    Parameters
    ----------
    pooling : {"mean", "cls"}
        ``mean``: the average over all tokens, special ones included (as sentence-transformers
        pools). ``cls``: the vector of the first token.
    layer : {"last", "last4"}
    normalize : bool
        Scale each vector to unit length (cosine = dot product).

    Raises
    ------
    InvalidInputError
    """
    import torch

    check_choice(pooling, "pooling", POOLINGS)
    check_choice(layer, "layer", LAYERS)
    texts = check_sentences(sentences)
    encoded, truncated = tokenize(model, texts)

    def pool(hidden, mask):
        if pooling == "cls":
            pooled = hidden[:, 0]
        else:
            weights = mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
        if normalize:
            pooled = torch.nn.functional.normalize(pooled, p=2, dim=1)
        return pooled.float().numpy()

    rows = _run_batches(model, encoded["input_ids"], layer=layer, batch_size=batch_size, reduce=pool)
    matrix = _frozen(np.stack(rows))
    return SentenceVectors(
        tuple(texts),
        matrix[0] if isinstance(sentences, str) else matrix,
        pooling,
        layer,
        normalize,
        tuple(i for i, cut in enumerate(truncated) if cut),
        model.max_length,
    )


def word_in_context(
    model: ContextualModel,
    word: str,
    sentences: Sequence[str],
    *,
    layer: Layer = "last",
    ignore_case: bool = True,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> WordInContext:
    """The contextual vector of ``word`` at each of its occurrences in ``sentences``.

    Each occurrence is mean-pooled over the sub-tokens whose character spans overlap it
    (through the tokenizer's offset mapping), so a word split into pieces is whole again.

    Parameters
    ----------
    word : str
    sentences : list of str
        Each must contain ``word`` (case-insensitive unless ``ignore_case=False``).
    layer : {"last", "last4"}

    Raises
    ------
    InvalidInputError
        When the word is empty, a sentence does not contain it, or every occurrence in a
        sentence lies beyond the model's maximum length.
    """
    word = check_word(word)
    texts = check_sentences(sentences)
    spans = [find_word(word, text, ignore_case=ignore_case) for text in texts]
    missing = [i + 1 for i, found in enumerate(spans) if not found]
    if missing:
        raise InvalidInputError.coded("word_not_in_sentences", word=word, which=[f"#{i}" for i in missing])
    states = _token_states_list(model, texts, layer=layer, batch_size=batch_size)
    unknown = model.tokenizer.unk_token
    occurrences, rows, lost = [], [], []
    for index, (state, found) in enumerate(zip(states, spans)):
        kept = 0
        for start, end in found:
            picked = [
                t
                for t, ((a, b), special) in enumerate(zip(state.offsets, state.special))
                if not special and b > a and a < end and b > start
            ]
            if not picked:  # the occurrence lies in the part cut at max_length
                continue
            if all(state.tokens[t] == unknown for t in picked):
                raise _unknown_word(model, word)
            kept += 1
            occurrences.append(Occurrence(index, start, end, tuple(state.tokens[t] for t in picked)))
            rows.append(state.vectors[picked].mean(axis=0))
        if not kept:
            lost.append(index + 1)
    if lost:
        raise InvalidInputError.coded("word_beyond_max_length", which=[f"#{i}" for i in lost], max_length=model.max_length)
    return WordInContext(
        word,
        tuple(texts),
        tuple(s.tokens for s in states),
        tuple(occurrences),
        _frozen(np.stack(rows)),
        layer,
        tuple(i for i, s in enumerate(states) if s.truncated),
        model.max_length,
    )


def _unknown_word(model: ContextualModel, word: str) -> InvalidInputError:
    return InvalidInputError.coded("model_does_not_know", model=model.id, word=word, unk=model.tokenizer.unk_token)


@dataclass(frozen=True)
class InputEmbedding:
    """The model's own context-free vector of a word: the mean of its sub-tokens' input embeddings."""

    word: str
    tokens: tuple[str, ...]
    vector: np.ndarray


def input_embedding(model: ContextualModel, word: str) -> InputEmbedding:
    """The word's vector in the model's input embedding table (its "static" vector before context).

    Raises
    ------
    InvalidInputError
        For an empty word, or one the tokenizer turns into nothing.
    """
    word = check_word(word)
    with model.lock:
        encoded = model.tokenizer(word, add_special_tokens=False)
    ids = encoded["input_ids"]
    if not ids:
        raise InvalidInputError.coded("no_tokens", model=model.id, word=word)
    if all(i == model.tokenizer.unk_token_id for i in ids):
        raise _unknown_word(model, word)
    table = model.network.get_input_embeddings().weight.detach()
    vector = table[ids].mean(dim=0).float().numpy()
    return InputEmbedding(word, tuple(encoded.encodings[0].tokens), _frozen(vector))


def cosine_matrix(vectors: np.ndarray) -> np.ndarray:
    """Cosine similarity of every pair of rows, clipped to [-1, 1]."""
    unit = unit_rows(vectors)
    return np.clip(unit @ unit.T, -1.0, 1.0)
