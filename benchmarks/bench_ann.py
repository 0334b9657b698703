"""Approximate neighbour search (faiss HNSW, embedlab.static.ann) against gensim's exact most_similar.

Realistic geometry, not noise: the points are contextual token vectors (last layer of the bundled
all-MiniLM-L6-v2) of the shared corpora, in this order: Pride and Prejudice, Sherlock Holmes,
Alice, then 三国演义, 红楼梦, 西游记, 水浒全传. Special tokens and [UNK] are left out (MiniLM's
English vocabulary reads many Chinese characters as [UNK]; those 40% of the tokens would be one
blob, not embeddings of text). Every vector is a key in a gensim KeyedVectors; a query is "the 10
nearest neighbours of this key", answered by gensim's ``most_similar`` (exact) and by
``embedlab.static.ann`` (HNSW, then exact rescoring of the candidates), in the same run.
recall@10 = share of gensim's top 10 found; tie-aware = share of found words whose cosine is at
least gensim's 10th (equal scores are equally right answers).

Encoding the vectors is the slow part (a few hundred tokens per second on 2 busy CPU cores); they
are stored under ``artifacts/bench_ann/`` in parts, so later runs, and an interrupted one, reuse them.

    python benchmarks/bench_ann.py                      # 100,000 vectors (first run: encoding takes minutes)
    python benchmarks/bench_ann.py --size 1000000       # the 1M run (first run: encoding takes about an hour)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

CORPORA = [
    ("en", "en/pride_and_prejudice.txt"),
    ("en", "en/sherlock_holmes.txt"),
    ("en", "en/alice_in_wonderland.txt"),
    ("zh", "zh/sanguo_yanyi.txt"),
    ("zh", "zh/hongloumeng.txt"),
    ("zh", "zh/xiyouji.txt"),
    ("zh", "zh/shuihu_quanzhuan.txt"),
]
SKIPPED = {"[UNK]"}  # characters MiniLM cannot read (much of the Chinese): one blob, not an embedding of text


def _stored(store: Path) -> tuple[list[Path], dict]:
    parts = sorted(store.glob("part-*.npy"))
    progress = json.loads((store / "progress.json").read_text()) if (store / "progress.json").is_file() else {}
    return parts, {"corpus": 0, "sentence": 0, "count": 0, **progress}


def token_vectors(size: int, store: Path, data_dir: Path) -> tuple[np.ndarray, list[str]]:
    """``size`` contextual token vectors (float32) with labels; encoding resumes where the store stops.

    Special tokens and [UNK] are left out. The store holds one part per batch of sentences and a
    ``progress.json`` (next corpus and sentence), so an interrupted encoding loses one batch at most.
    """
    parts, progress = _stored(store)
    if progress["count"] < size:
        from embedlab.contextual.encoding import token_states
        from embedlab.contextual.model import load_contextual
        from embedlab.io.bundled import minilm_path
        from embedlab.training.tokenize import split_sentences

        model = load_contextual(minilm_path())
        store.mkdir(parents=True, exist_ok=True)
        have, started, fresh = progress["count"], time.perf_counter(), 0
        for corpus in range(progress["corpus"], len(CORPORA)):
            language, name = CORPORA[corpus]
            text = (data_dir / "corpora" / name).read_text(encoding="utf-8")
            sentences = [s.strip() for s in split_sentences(text, language) if len(s.strip()) > 1]
            first = progress["sentence"] if corpus == progress["corpus"] else 0
            for start in range(first, len(sentences), 512):
                rows, labels = [], []
                for state in token_states(model, sentences[start : start + 512], batch_size=64):
                    keep = [i for i, special in enumerate(state.special) if not special and state.tokens[i] not in SKIPPED]
                    rows.append(state.vectors[keep])
                    labels.extend(state.tokens[i] for i in keep)
                part = store / f"part-{len(parts):05d}"
                np.save(part.with_suffix(".npy"), np.concatenate(rows).astype(np.float32))
                part.with_suffix(".txt").write_bytes("\n".join(labels).encode("utf-8"))
                parts.append(part.with_suffix(".npy"))
                have += len(labels)
                fresh += len(labels)
                after = {"corpus": corpus, "sentence": start + 512, "count": have}
                (store / "progress.json").write_text(json.dumps(after))
                rate = fresh / (time.perf_counter() - started)
                print(f"\r  encoding {name}: {have:,} / {size:,} token vectors ({rate:,.0f}/s)", end="", flush=True)
                if have >= size:
                    break
            if have >= size:
                break
        print()
        if have < size:
            raise SystemExit(f"The corpora give only {have:,} token vectors; ask for at most that many.")
    vectors, labels = [], []
    for part in parts:
        vectors.append(np.load(part))
        labels.extend(part.with_suffix(".txt").read_bytes().decode("utf-8").split("\n"))
        if len(labels) >= size:
            break
    # Keys must be unique: the token and its position in the whole set.
    return np.concatenate(vectors)[:size], [f"{token}@{i}" for i, token in enumerate(labels[:size])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="number of vectors (1,000,000 for the full run)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--topn", type=int, default=10)
    parser.add_argument("--m", type=int, default=32)
    parser.add_argument("--ef-construction", type=int, default=200)
    parser.add_argument("--ef", type=int, nargs="+", default=[128, 256, 512])
    parser.add_argument("--store", type=Path, default=ROOT / "artifacts" / "bench_ann")
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("EMBEDLAB_DATA_DIR") or ROOT.parent / "shared" / "data")
    )
    args = parser.parse_args()

    from gensim.models import KeyedVectors

    from embedlab.static import ann
    from embedlab.static.model import StaticModel, freeze

    print(f"vectors: {args.size:,} contextual token vectors (MiniLM last layer) of the shared corpora")
    started = time.perf_counter()
    vectors, labels = token_vectors(args.size, args.store, args.data_dir)
    print(f"  ready in {time.perf_counter() - started:.1f} s: {vectors.shape[0]:,} x {vectors.shape[1]}")
    kv = KeyedVectors(vectors.shape[1], count=0)
    kv.add_vectors(labels, vectors)
    model = StaticModel("tokens", freeze(kv), "multi", "benchmark token vectors")

    rng = np.random.default_rng(0)
    queries = [labels[i] for i in rng.choice(len(labels), size=args.queries, replace=False)]

    kv.most_similar(queries[0], topn=args.topn)  # warm-up
    started = time.perf_counter()
    exact_scored = [kv.most_similar(q, topn=args.topn) for q in queries]
    exact = [[w for w, _ in found] for found in exact_scored]
    gensim_seconds = time.perf_counter() - started
    gensim_qps = len(queries) / gensim_seconds
    print(f"gensim most_similar (exact): {gensim_qps:,.1f} queries/s ({1000 / gensim_qps:.2f} ms/query)")

    started = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int) -> None:
        if time.perf_counter() - last[0] > 2 or done == total:
            last[0] = time.perf_counter()
            print(
                f"\r  building HNSW (M={args.m}, efConstruction={args.ef_construction}): {done:,}/{total:,}", end="", flush=True
            )

    # Kept under the store (by the vectors' fingerprint), so a rerun with other ef values skips the build.
    index = ann.load_or_build(kv, m=args.m, ef_construction=args.ef_construction, progress=progress, cache_root=args.store)
    print(
        f"\n  index ready in {time.perf_counter() - started:.1f} s (M={index.m}, efConstruction={index.ef_construction}; "
        f"re-scoring the best {args.topn + 1 + ann.RERANK_EXTRA} candidates exactly)"
    )

    # recall: share of gensim's words found. tie-aware: a found word counts when its cosine is at least
    # gensim's 10th (equal-scoring words are equally right; token vectors repeat exactly at times).
    print(f"{'ef':>5} {'recall@' + str(args.topn):>10} {'tie-aware':>10} {'queries/s':>11} {'ms/query':>9} {'x gensim':>9}")
    for ef in args.ef:
        ann.approximate_neighbors(model, queries[0], index, topn=args.topn, ef=ef)  # warm-up
        started = time.perf_counter()
        found = [ann.approximate_neighbors(model, q, index, topn=args.topn, ef=ef) for q in queries]
        seconds = time.perf_counter() - started
        recall = np.mean([len({s.word for s in f.results} & set(e)) / args.topn for f, e in zip(found, exact)])
        tie_aware = np.mean([sum(s.score >= e[-1][1] - 1e-6 for s in f.results) / args.topn for f, e in zip(found, exact_scored)])
        qps = len(queries) / seconds
        print(f"{ef:>5} {recall:>10.4f} {tie_aware:>10.4f} {qps:>11,.1f} {1000 / qps:>9.3f} {qps / gensim_qps:>8.1f}x")


if __name__ == "__main__":
    main()
