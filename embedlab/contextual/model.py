"""Contextual vectors: one engine for BERT-style encoders (BERT, MiniLM, XLM-R).

A static model gives a word one vector; a contextual model gives it a new one in every sentence.
This module loads such a model once and reads vectors out of it::

    >>> from embedlab.io.bundled import minilm_path
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
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from embedlab.errors import InvalidInputError, MissingDependencyError, check_choice
from embedlab.vectormath import unit_rows  # noqa: F401  (re-exported for polysemy)

Layer = Literal["last", "last4"]
Pooling = Literal["mean", "cls"]
LAYERS: tuple[Layer, ...] = ("last", "last4")
POOLINGS: tuple[Pooling, ...] = ("mean", "cls")

MAX_SENTENCES = 10_000
MAX_SENTENCE_CHARS = 10_000
MAX_WORD_CHARS = 100
DEFAULT_BATCH_SIZE = 32


@dataclass(frozen=True)
class ContextualModel:
    """A loaded contextual encoder, read-only and safe to share across threads.

    Attributes
    ----------
    id : str
        The name it was loaded under (hub id or folder).
    source : str
        Hub id or local folder of the checkpoint.
    tokenizer : transformers.PreTrainedTokenizerFast
    network : transformers.PreTrainedModel
        The bare encoder (``AutoModel``), in eval mode.
    max_length : int
        Longest input in tokens, special tokens included; longer sentences are cut.
    """

    id: str
    source: str
    tokenizer: Any = field(repr=False)
    network: Any = field(repr=False)
    max_length: int
    lock: Any = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def dims(self) -> int:
        return int(self.network.config.hidden_size)

    @property
    def num_layers(self) -> int:
        return int(self.network.config.num_hidden_layers)

    @property
    def folder(self) -> Path | None:
        """The local checkpoint folder, when the model came from one."""
        path = Path(self.source)
        return path if path.is_dir() else None

    def parameters(self):
        """The network's parameters (the model pool sums them to report memory)."""
        return self.network.parameters()


def as_contextual(model: Any) -> ContextualModel:
    """The contextual network of a loaded registry model (BGE-M3 carries one inside).

    Raises
    ------
    InvalidInputError
        For a model with no contextual network (a static model).
    """
    if isinstance(model, ContextualModel):
        return model
    inner = getattr(model, "contextual", None)
    if isinstance(inner, ContextualModel):
        return inner
    raise InvalidInputError(f"{getattr(model, 'id', type(model).__name__)!r} is not a contextual model.")


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


# ---------------------------------------------------------------- loading


def model_max_length(source: str, tokenizer: Any, config: Any) -> int:
    """The longest usable input: the sentence-transformers setting, else tokenizer and positions."""
    limits = []
    st_config = Path(source) / "sentence_bert_config.json"
    if st_config.is_file():
        limits.append(int(json.loads(st_config.read_text(encoding="utf-8")).get("max_seq_length") or 10**9))
    if 0 < getattr(tokenizer, "model_max_length", 0) < 10**6:
        limits.append(int(tokenizer.model_max_length))
    positions = getattr(config, "max_position_embeddings", None)
    if positions:
        # RoBERTa-style models (XLM-R) number positions from padding_idx + 1.
        offset = config.pad_token_id + 1 if config.model_type in ("roberta", "xlm-roberta") else 0
        limits.append(int(positions) - offset)
    return min(limits) if limits else 512


def load_contextual(source: str | os.PathLike, *, model_id: str | None = None) -> ContextualModel:
    """Load a BERT-style encoder from a local folder or a hub id.

    Parameters
    ----------
    source : str or path
        A checkpoint folder (``config.json`` + weights + tokenizer files, e.g. the bundled
        MiniLM at :func:`embedlab.io.bundled.minilm_path`) or a hub id such as ``bert-base-chinese``.
        With ``HF_HUB_OFFLINE=1`` a hub id loads only from the local hub cache.
    model_id : str, optional
        The name shown for the model (default: ``source``).

    Raises
    ------
    InvalidInputError
        When nothing loadable is found at ``source`` (the message says how to get it).
    MissingDependencyError
        When transformers or torch are not installed.
    """
    try:
        import torch
        from transformers import AutoConfig, AutoModel, AutoTokenizer
    except ImportError as exc:
        raise MissingDependencyError("Contextual models need torch and transformers: pip install -r requirements.txt") from exc

    source = str(source)
    local = Path(source).expanduser()
    if local.exists():
        if not (local / "config.json").is_file():
            raise InvalidInputError(f"{local} is not a model folder: it has no config.json.")
        source = str(local)
    # A folder is complete as it is: never ask the hub about it (no network wait, online or not).
    only_local = local.exists()
    try:
        config = AutoConfig.from_pretrained(source, local_files_only=only_local)
        tokenizer = AutoTokenizer.from_pretrained(source, use_fast=True, local_files_only=only_local)
        network = AutoModel.from_pretrained(source, dtype=torch.float32, local_files_only=only_local)
    except OSError as exc:
        from huggingface_hub import constants

        offline = constants.HF_HUB_OFFLINE
        where = "not in the local hub cache and the hub is offline (HF_HUB_OFFLINE=1)" if offline else "not found"
        raise InvalidInputError(
            f"Cannot load contextual model {source!r}: {where}. Download it with "
            f"`huggingface-cli download {source}` on a machine with internet, or give a local folder. ({exc})"
        ) from exc
    except ValueError as exc:
        raise InvalidInputError(f"Cannot load contextual model {source!r}: {exc}") from exc
    if not getattr(tokenizer, "is_fast", False):
        raise InvalidInputError(
            f"{source!r} has no fast tokenizer (tokenizer.json); EmbedLab needs its offset mapping to find words."
        )
    network.eval()
    network.requires_grad_(False)
    return ContextualModel(model_id or source, source, tokenizer, network, model_max_length(source, tokenizer, config))


# ---------------------------------------------------------------- running


def check_sentences(sentences: str | Sequence[str], *, least: int = 1, most: int = MAX_SENTENCES) -> list[str]:
    """Validate a list of sentences: ``least``..``most`` non-empty strings of sane length.

    Raises
    ------
    InvalidInputError
    """
    items = [sentences] if isinstance(sentences, str) else list(sentences)
    if not least <= len(items) <= most:
        raise InvalidInputError.coded("sentence_count", least=least, most=most, count=len(items))
    checked = []
    for number, sentence in enumerate(items, 1):
        if not isinstance(sentence, str) or not sentence.strip():
            raise InvalidInputError.coded("empty_sentence", number=number)
        if len(sentence) > MAX_SENTENCE_CHARS:
            raise InvalidInputError.coded("sentence_too_long", number=number, length=len(sentence), limit=MAX_SENTENCE_CHARS)
        checked.append(sentence.strip())
    return checked


def _tokenize(model: ContextualModel, sentences: list[str]) -> tuple[Any, list[bool]]:
    with model.lock:
        encoded = model.tokenizer(
            sentences,
            truncation=True,
            max_length=model.max_length,
            return_offsets_mapping=True,
            return_special_tokens_mask=True,
            return_attention_mask=False,
            return_token_type_ids=False,
        )
    truncated = [bool(enc.overflowing) for enc in encoded.encodings]
    return encoded, truncated


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
    encoded, truncated = _tokenize(model, texts)

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
    encoded, truncated = _tokenize(model, texts)

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


def find_word(word: str, sentence: str, *, ignore_case: bool = True) -> list[tuple[int, int]]:
    """Character spans of ``word`` in ``sentence``.

    A word that starts or ends with a Latin letter or digit must stand alone there ("apple" is
    not found in "pineapple"); CJK words match anywhere, since Chinese has no spaces.
    """
    pattern = re.escape(word)
    if re.match(r"[A-Za-z0-9]", word):
        pattern = r"(?<![A-Za-z0-9])" + pattern
    if re.search(r"[A-Za-z0-9]$", word):
        pattern += r"(?![A-Za-z0-9])"
    flags = re.IGNORECASE if ignore_case else 0
    return [(m.start(), m.end()) for m in re.finditer(pattern, sentence, flags)]


def check_word(word: str) -> str:
    if not isinstance(word, str) or not word.strip():
        raise InvalidInputError.coded("empty_context_word")
    if len(word.strip()) > MAX_WORD_CHARS:
        raise InvalidInputError.coded("word_too_long", length=len(word.strip()), limit=MAX_WORD_CHARS)
    return word.strip()


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


def unknown_share(model: ContextualModel, sentences: Sequence[str]) -> list[float]:
    """For each sentence, the share of its tokens the model reads as unknown (``[UNK]``)."""
    texts = check_sentences(sentences)
    with model.lock:
        encoded = model.tokenizer(texts, add_special_tokens=False, truncation=True, max_length=model.max_length)
    unknown = model.tokenizer.unk_token_id
    return [sum(i == unknown for i in ids) / max(len(ids), 1) for ids in encoded["input_ids"]]


def cosine_matrix(vectors: np.ndarray) -> np.ndarray:
    """Cosine similarity of every pair of rows, clipped to [-1, 1]."""
    unit = unit_rows(vectors)
    return np.clip(unit @ unit.T, -1.0, 1.0)
