"""The semantic-search index's encoder: ONNX Runtime (embedlab.contextual.fastencode) vs sentence-transformers ``encode``.

    .venv/bin/python benchmarks/bench_search_encode.py                 # 500 sentences, 3 rounds, 1 thread (~2 min)
    .venv/bin/python benchmarks/bench_search_encode.py --threads 2 --sentences 1000

Both encode the first N sentences of the bundled Alice (what the search page indexes) with the
bundled MiniLM, in the same process and thread count; rounds alternate so that machine load hits
both alike, and the best round of each counts. The exact side is what the app used for the index:
pymilvus[model]'s sentence-transformers function (``embedlab.contextual.sentences.SentenceTransformerEncoder``,
batch 32). Quality: every vector's cosine to the exact one, and the top-10 overlap of a search
(each sentence as a query against all the others, exact cosine ranking) between the two indexes.
Goal (issue 14): >= 2x the speed, every cosine >= 0.99, top-10 overlap >= 0.95.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402


def top10_overlap(exact: np.ndarray, fast: np.ndarray) -> float:
    overlaps = []
    for vectors in (exact, fast):
        scores = vectors @ vectors.T
        np.fill_diagonal(scores, -np.inf)
        overlaps.append(np.argsort(-scores, axis=1, kind="stable")[:, :10])
    return float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(*overlaps)]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    from embedlab.contextual import fastencode, sentences
    from embedlab.io.bundled import minilm_path
    from embedlab.serving import milvus_store

    texts = milvus_store.corpus_sentences("alice", limit=args.sentences)
    exact_encoder = sentences.SentenceTransformerEncoder(minilm_path(), model_id="minilm")
    started = time.perf_counter()
    fast_encoder = fastencode.OnnxSentenceEncoder(minilm_path(), model_id="minilm", threads=args.threads)
    setup = time.perf_counter() - started
    exact_encoder.encode(texts[:16]), fast_encoder.encode(texts[:16])  # first-call costs out of the rounds
    best = {"exact": float("inf"), "fast": float("inf")}
    for _ in range(args.rounds):
        for name, encoder in (("exact", exact_encoder), ("fast", fast_encoder)):
            started = time.perf_counter()
            vectors = encoder.encode(texts).vectors
            best[name] = min(best[name], time.perf_counter() - started)
            if name == "exact":
                exact = vectors
            else:
                fast = vectors
    cosines = np.sum(exact * fast, axis=1)
    overlap = top10_overlap(exact, fast)
    speedup = best["exact"] / best["fast"]
    one, five, _ = os.getloadavg()
    print(f"{len(texts)} sentences, {args.threads} thread(s), best of {args.rounds} rounds (load average {one:.2f} {five:.2f})")
    print(f"sentence-transformers encode: {best['exact']:.2f} s ({len(texts) / best['exact']:.0f} sentences/s)")
    print(
        f"ONNX Runtime (fastencode):    {best['fast']:.2f} s ({len(texts) / best['fast']:.0f} sentences/s)  {speedup:.2f}x"
        f"   [setup {setup:.1f} s: export + optimise on the first run, then read from the cache]"
    )
    print(f"cosine to exact: min {cosines.min():.6f}, mean {cosines.mean():.6f}; search top-10 overlap {overlap:.4f}")
    met = speedup >= 2 and cosines.min() >= 0.99 and overlap >= 0.95
    print(f"goal (>= 2x, every cosine >= 0.99, overlap >= 0.95): {'met' if met else 'missed'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
