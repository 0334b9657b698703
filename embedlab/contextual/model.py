"""Contextual models: loading a BERT-style encoder (BERT, MiniLM, XLM-R) and tokenising for it.

A static model gives a word one vector; a contextual model gives it a new one in every sentence.
This module loads such a model once, into a :class:`ContextualModel` that every session of a
server can share, and holds what comes before the network runs: checking the input, tokenising,
finding a word in a sentence::

    >>> from embedlab.io.bundled import minilm_path
    >>> model = load_contextual(minilm_path())
    >>> model.dims, model.num_layers, model.max_length        # max_length: sentence-transformers' setting
    (384, 6, 256)
    >>> find_word("apple", "Apple pie, not pineapple.")       # "apple" inside "pineapple" does not count
    [(0, 5)]
    >>> unknown_share(model, ["I like this book.", "我喜欢这本书"])   # MiniLM's vocabulary has few Chinese characters
    [0.0, 0.6666666666666666]

Reading vectors out of the loaded model (token vectors, sentence vectors, a word in context) is
:mod:`embedlab.contextual.encoding`.

How loading works
-----------------
* A local folder is loaded as it is, never asking the hub (no network wait, online or not); a hub
  id loads from the hub, or only from the local hub cache when ``HF_HUB_OFFLINE=1``.
* Only fast tokenizers are accepted: their offset mapping says which characters each token
  covers, which is how a word is found among its sub-tokens.
* The longest input (:func:`model_max_length`) is the smallest of sentence-transformers' own
  setting, the tokenizer's limit and the position table; longer sentences are cut there.
* The network is put in eval mode with gradients off. A fast tokenizer must not be used from two
  threads at once, so every use of it (and of the network) holds ``model.lock``.
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

from embedlab.errors import InvalidInputError, MissingDependencyError

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


def as_contextual(model: object) -> ContextualModel:
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


# ---------------------------------------------------------------- checking and tokenising


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


def tokenize(model: ContextualModel, sentences: list[str]) -> tuple[Any, list[bool]]:
    """Tokenise checked ``sentences`` in one call, cut at the model's ``max_length``.

    Returns
    -------
    tuple
        The tokenizer's batch encoding (``input_ids``, ``offset_mapping``, ``special_tokens_mask``,
        and ``encodings`` with each sentence's tokens), and per sentence whether it was cut.
    """
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
    """``word`` without surrounding spaces, when it is a non-empty string of sane length.

    Raises
    ------
    InvalidInputError
    """
    if not isinstance(word, str) or not word.strip():
        raise InvalidInputError.coded("empty_context_word")
    if len(word.strip()) > MAX_WORD_CHARS:
        raise InvalidInputError.coded("word_too_long", length=len(word.strip()), limit=MAX_WORD_CHARS)
    return word.strip()


def unknown_share(model: ContextualModel, sentences: Sequence[str]) -> list[float]:
    """For each sentence, the share of its tokens the model reads as unknown (``[UNK]``)."""
    texts = check_sentences(sentences)
    with model.lock:
        encoded = model.tokenizer(texts, add_special_tokens=False, truncation=True, max_length=model.max_length)
    unknown = model.tokenizer.unk_token_id
    return [sum(i == unknown for i in ids) / max(len(ids), 1) for ids in encoded["input_ids"]]
