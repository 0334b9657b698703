"""A faster sentence encoder for the semantic-search index: the same checkpoint through ONNX Runtime.

sentence-transformers runs MiniLM eagerly in torch. :class:`OnnxSentenceEncoder` exports the
checkpoint once to ONNX (cached on disk), lets ONNX Runtime's BERT optimizer fuse attention,
layer norm and GELU, and batches sentences by length so that little padding is computed. The
arithmetic stays float32, so vectors equal sentence-transformers' to rounding (cosine > 0.9999 on
the bundled MiniLM; ``benchmarks/bench_search_encode.py`` measures speed, cosines and the search's
top-10 overlap). Int8 quantisation was measured too and left out: on MiniLM it cost up to 0.03 of
cosine and a tenth of the top-10 neighbours (see the README).

Only sentence-transformers folders that mean-pool a BERT-style encoder (the bundled MiniLM) are
accepted; :func:`supports` says whether a folder is one. The exact path (sentence-transformers)
stays the default everywhere else; the search page uses this one for its index and queries.

>>> from embedlab.io.bundled import minilm_path
>>> encoder = OnnxSentenceEncoder(minilm_path(), model_id="minilm")        # doctest: +SKIP
>>> encoder.encode(["A rabbit with a pocket watch."]).vectors.shape       # doctest: +SKIP
(1, 384)
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embedlab.contextual.model import check_sentences
from embedlab.contextual.sentences import SentenceEmbeddings, _installed, _truncated
from embedlab.errors import InvalidInputError, MissingDependencyError

PINS = "onnx==1.23.1 onnxruntime==1.32.0"
TOKEN_BUDGET = 2048  # tokens per batch (rows x longest row): short sentences go many at a time, long ones few
MAX_BATCH = 64


def available() -> bool:
    """Whether ONNX Runtime and the ONNX exporter's package are installed."""
    return _installed("onnxruntime") and _installed("onnx")


def supports(folder: str | Path) -> bool:
    """Whether ``folder`` is a sentence-transformers checkpoint this encoder reproduces: a BERT-style
    transformer, mean pooling, then (optionally) normalisation."""
    folder = Path(folder)
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        kinds = [m["type"].rsplit(".", 1)[-1] for m in modules]
        pooling = next(m for m in modules if m["type"].endswith("Pooling"))
        config = json.loads((folder / pooling["path"] / "config.json").read_text(encoding="utf-8"))
        architecture = json.loads((folder / "config.json").read_text(encoding="utf-8")).get("model_type", "")
    except (OSError, ValueError, KeyError, StopIteration):
        return False
    modes = [k for k, v in config.items() if k.startswith("pooling_mode") and v]
    return (
        kinds[:2] == ["Transformer", "Pooling"]
        and set(kinds[2:]) <= {"Normalize"}
        and modes == ["pooling_mode_mean_tokens"]
        and architecture in ("bert", "roberta", "xlm-roberta")
        and (folder / "model.safetensors").is_file()
    )


def cache_dir() -> Path:
    """Where ONNX exports go: ``EMBEDLAB_ONNX_CACHE``, else ``onnx/`` in EmbedLab's cache folder."""
    from embedlab import config

    explicit = os.environ.get("EMBEDLAB_ONNX_CACHE")
    return Path(explicit).expanduser() if explicit else config.cache_dir() / "onnx"


class OnnxSentenceEncoder:
    """A sentence-transformers checkpoint (mean pooling) run by ONNX Runtime: a
    :class:`~embedlab.contextual.sentences.SentenceEncoder`, like
    :class:`~embedlab.contextual.sentences.SentenceTransformerEncoder`, with the same vectors to rounding.

    Parameters
    ----------
    folder : str or Path
        A sentence-transformers folder that :func:`supports` accepts.
    network : torch module, optional
        The checkpoint already loaded (e.g. the contextual model's), used for the one-time export.
    threads : int, optional
        ONNX Runtime's intra-op threads (default: torch's thread count, at most 2).

    Raises
    ------
    MissingDependencyError
        When onnx or onnxruntime is missing.
    InvalidInputError
        For a folder this encoder does not reproduce.
    """

    kind = "onnx"

    def __init__(self, folder: str | Path, *, model_id: str | None = None, network: Any = None, threads: int | None = None):
        if not available():
            raise MissingDependencyError(f"The fast sentence encoder needs ONNX Runtime and onnx: pip install {PINS}")
        folder = Path(folder)
        if not supports(folder):
            raise InvalidInputError(
                f"{folder.name} is not a mean-pooling sentence-transformers checkpoint; use the exact encoder."
            )
        import onnxruntime as ort
        from transformers import AutoTokenizer

        self.folder = folder
        self.model_id = model_id or folder.name
        self.name = f"{self.model_id} · ONNX Runtime"
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder), use_fast=True, local_files_only=True)
        bert_config = folder / "sentence_bert_config.json"
        settings = json.loads(bert_config.read_text(encoding="utf-8")) if bert_config.is_file() else {}
        self.max_length = int(settings.get("max_seq_length") or self.tokenizer.model_max_length)
        self.normalize = (folder / "modules.json").read_text(encoding="utf-8").count("Normalize") > 0
        self.lock = threading.Lock()
        path = export(folder, network=network)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or _default_threads()
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}

    def encode(self, sentences: Sequence[str]) -> SentenceEmbeddings:
        texts = check_sentences(list(sentences))
        with self.lock:
            encoded = self.tokenizer(
                texts, truncation=True, max_length=self.max_length, return_attention_mask=True, return_token_type_ids=True
            )
        ids, masks, types = encoded["input_ids"], encoded["attention_mask"], encoded["token_type_ids"]
        vectors = np.zeros((len(texts), 0), dtype=np.float32)
        order = np.argsort([-len(row) for row in ids], kind="stable")
        start = 0
        while start < len(order):
            width = len(ids[order[start]])
            count = max(1, min(MAX_BATCH, TOKEN_BUDGET // max(width, 1), len(order) - start))
            rows = order[start : start + count]
            batch = {
                "input_ids": np.zeros((len(rows), width), dtype=np.int64),
                "attention_mask": np.zeros((len(rows), width), dtype=np.int64),
                "token_type_ids": np.zeros((len(rows), width), dtype=np.int64),
            }
            for slot, row in enumerate(rows):
                length = len(ids[row])
                batch["input_ids"][slot, :length] = ids[row]
                batch["attention_mask"][slot, :length] = masks[row]
                batch["token_type_ids"][slot, :length] = types[row]
            hidden = self.session.run(None, {k: v for k, v in batch.items() if k in self.inputs})[0]
            mask = batch["attention_mask"][..., None].astype(np.float32)
            pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
            if vectors.shape[1] == 0:
                vectors = np.zeros((len(texts), pooled.shape[1]), dtype=np.float32)
            vectors[rows] = pooled
            start += count
        if self.normalize:
            vectors /= np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
        vectors.flags.writeable = False
        truncated = _truncated(self.tokenizer, texts, self.max_length, self.lock)
        return SentenceEmbeddings(self.name, self.kind, self.model_id, tuple(texts), vectors, truncated, self.max_length)


def _default_threads() -> int:
    try:
        import torch

        return max(1, min(2, torch.get_num_threads()))
    except ImportError:
        return 1


_export_lock = threading.Lock()


def export(folder: str | Path, *, network: Any = None) -> Path:
    """The checkpoint as an optimised ONNX file in :func:`cache_dir` (exported on first use, a few seconds)."""
    folder = Path(folder)
    weights = folder / "model.safetensors"
    stat = weights.stat()
    import onnxruntime

    key = hashlib.sha1(
        f"{weights.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0{onnxruntime.__version__}".encode()
    ).hexdigest()[:16]
    path = cache_dir() / f"{folder.name}-{key}.onnx"
    with _export_lock:
        if path.is_file():
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        import torch
        from onnxruntime.transformers import optimizer
        from transformers import AutoConfig, AutoModel

        config = AutoConfig.from_pretrained(str(folder), local_files_only=True)
        if network is None:
            network = AutoModel.from_pretrained(str(folder), dtype=torch.float32, local_files_only=True)
        network.eval()
        sample = {name: torch.ones((2, 8), dtype=torch.long) for name in ("input_ids", "attention_mask", "token_type_ids")}
        sample["token_type_ids"].zero_()
        raw = path.with_suffix(".raw.onnx")
        axes = {name: {0: "batch", 1: "tokens"} for name in (*sample, "last_hidden_state")}
        # The TorchScript exporter (deprecated in torch 2.9) on purpose: its graph is the one ONNX Runtime's
        # BERT optimizer recognises and fuses; the torch.export-based one needs onnxscript and is not fused.
        with torch.inference_mode(), warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="You are using the legacy TorchScript-based ONNX export")
            torch.onnx.export(
                network,
                (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"]),
                str(raw),
                input_names=list(sample),
                output_names=["last_hidden_state"],
                dynamic_axes=axes,
                opset_version=17,
                dynamo=False,
            )
        optimized = optimizer.optimize_model(
            str(raw), model_type="bert", num_heads=int(config.num_attention_heads), hidden_size=int(config.hidden_size)
        )
        partial = path.with_suffix(".partial")
        optimized.save_model_to_file(str(partial))
        partial.replace(path)  # whole or not at all
        raw.unlink(missing_ok=True)
    return path
