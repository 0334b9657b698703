"""When does a Milvus server pay off? Milvus Lite and a Milvus server against gensim's exact search.

The same real vectors as ``bench_ann.py`` (contextual MiniLM token vectors of the shared corpora,
kept under ``artifacts/bench_ann/``), the same code path as the semantic-search page
(``embedlab.serving.milvus_store``: AUTOINDEX, cosine), one query at a time as a user would send them:

* gensim ``most_similar`` (exact, in process): the baseline;
* Milvus Lite (a local file, the app's default);
* a Milvus standalone server on loopback: started here from the ``milvus`` test package
  (v2.3.5), or an existing one with ``--uri``.

Printed for each: index time, queries per second, the ratio to gensim, and recall@10 against it.

    python benchmarks/bench_milvus.py                 # 100,000 vectors
    python benchmarks/bench_milvus.py --size 1000000 --no-lite
    python benchmarks/bench_milvus.py --size 200000 --uri http://127.0.0.1:19530
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from bench_ann import token_vectors  # noqa: E402  (after sys.path)
from streamlit_server import free_port  # noqa: E402

from embedlab.serving import milvus_store  # noqa: E402


def measure(
    label: str,
    store,
    vectors: np.ndarray,
    labels: list[str],
    queries: np.ndarray,
    exact: list[set[int]],
    gensim_qps: float,
    topn: int,
) -> None:
    name = milvus_store.collection_name("bench", f"tokens {len(vectors)}")
    started = time.perf_counter()
    milvus_store.index_vectors(store, name, labels, vectors)
    indexed = time.perf_counter() - started
    milvus_store.search_vectors(store, name, vectors[queries[:1]], topn=topn + 1)  # warm-up
    started = time.perf_counter()
    answers = [milvus_store.search_vectors(store, name, vectors[[q]], topn=topn + 1)[0] for q in queries]
    seconds = time.perf_counter() - started
    recall = np.mean(
        [len({h.id for h in hits if h.id != q}.intersection(truth)) / topn for q, hits, truth in zip(queries, answers, exact)]
    )
    qps = len(queries) / seconds
    print(
        f"  {label:<28} indexed in {indexed:7.1f} s   {qps:8.1f} queries/s ({1000 / qps:7.2f} ms)   "
        f"{qps / gensim_qps:6.2f}× gensim   recall@{topn} {recall:.4f}",
        flush=True,
    )
    milvus_store.drop(store, name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--topn", type=int, default=10)
    parser.add_argument("--uri", help="an existing Milvus server (default: start one from the milvus package)")
    parser.add_argument("--no-lite", action="store_true", help="skip Milvus Lite (seconds per query at 1M)")
    parser.add_argument("--store", type=Path, default=ROOT / "artifacts" / "bench_ann")
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("EMBEDLAB_DATA_DIR") or ROOT.parent / "shared" / "data")
    )
    args = parser.parse_args()
    from gensim.models import KeyedVectors

    vectors, labels = token_vectors(args.size, args.store, args.data_dir)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    print(
        f"{len(vectors):,} × {vectors.shape[1]} contextual token vectors; {args.queries} single queries, top {args.topn}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    kv = KeyedVectors(vectors.shape[1], count=0)
    kv.add_vectors(labels, vectors)
    queries = np.random.default_rng(0).choice(len(labels), size=args.queries, replace=False)
    kv.most_similar(labels[queries[0]], topn=args.topn)  # warm-up
    started = time.perf_counter()
    exact = [{kv.key_to_index[w] for w, _ in kv.most_similar(labels[q], topn=args.topn)} for q in queries]
    gensim_qps = len(queries) / (time.perf_counter() - started)
    print(f"  {'gensim most_similar (exact)':<28} {'':>20}   {gensim_qps:8.1f} queries/s ({1000 / gensim_qps:7.2f} ms)")

    texts = [label[:100] for label in labels]
    with tempfile.TemporaryDirectory() as folder:
        if not args.no_lite:
            lite = milvus_store.connect(Path(folder) / "bench.db")
            measure("Milvus Lite (local file)", lite, vectors, texts, queries, exact, gensim_qps, args.topn)
            lite.client.close()

        server = None
        uri = args.uri
        if uri is None:
            from milvus import MilvusServer

            server = MilvusServer()
            server.set_base_dir(str(Path(folder) / "server"))
            server.listen_port = free_port()
            started = time.perf_counter()
            server.start()
            uri = f"http://127.0.0.1:{server.listen_port}"
            print(f"  (Milvus 2.3.5 standalone started in {time.perf_counter() - started:.1f} s at {uri})")
        try:
            remote = milvus_store.connect(uri)
            measure("Milvus server (loopback)", remote, vectors, texts, queries, exact, gensim_qps, args.topn)
            remote.client.close()
        finally:
            if server is not None:
                server.stop()


if __name__ == "__main__":
    main()
