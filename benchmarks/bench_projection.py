"""Projection speed: embedlab.projection.engine against plain umap-learn and scikit-learn, same data, same run.

Real vectors only:

* default: the first 10,000 words of ``minilm-static`` (BERT's token table, 384-d, bundled);
* ``--large``: also 50,000 words of a word2vec (100-d, min_count 2, seed 7) trained on the four
  Chinese novels in ``../shared/data/corpora/zh`` with jieba, about a minute the first time,
  then kept under ``artifacts/bench_projection/``.

What is compared, each with the same parameters (cosine, n_neighbors 15, min_dist 0.1, seed 0):

* UMAP 2-D: ``project(method="umap")`` (one neighbour graph: exact up to 10,000 points, NN-descent
  above; umap-learn's UMAP on it with EmbedLab's descent, ``embedlab/projection/umap_layout.py``;
  the quality scores) against ``umap.UMAP(...).fit_transform`` (its own NN-descent). Both are
  measured warm: umap-learn's numba code is compiled by a first run on 4,100 points (reported
  apart), ours by ``projection.warm_up()`` and a first NN-descent graph. The trustworthiness of
  both pictures is printed, and the difference (goal: within 0.01).
* PCA 2-D on the same points: ``project(method="pca")`` against sklearn ``PCA`` alone (ours also
  finds the neighbours and the scores, so expect a ratio below 1).
* t-SNE 2-D on 1,000 of them: ``project(method="tsne")`` (scikit-learn's Barnes-Hut on the shared
  graph, ``projection.tsne_threads()`` OpenMP threads: one on a 2-core machine) against sklearn
  ``TSNE(metric="cosine", init="pca")`` with its default threads and with one; then ours again, to
  show that the seed gives the same coordinates.

Wall and CPU seconds are both printed: the machine is shared, so the load average is printed too.

    python benchmarks/bench_projection.py            # 10,000 points (2 to 4 minutes on 2 busy cores)
    python benchmarks/bench_projection.py --large    # adds 50,000 points
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from embedlab.projection import engine as projection  # noqa: E402  (after sys.path)

projection.configure_numba_cache()
STORE = ROOT / "artifacts" / "bench_projection"
UMAP_OPTIONS = dict(n_neighbors=15, min_dist=0.1, random_state=0)


def timed(function):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def row(name: str, wall: float, cpu: float, extra: str = "") -> None:
    print(f"  {name:<44} {wall:8.2f} s wall {cpu:8.2f} s cpu  {extra}", flush=True)


def minilm_vectors(count: int) -> np.ndarray:
    from embedlab.serving.registry import load_model

    model = load_model("minilm-static")
    return np.array(model.kv.vectors[:count])


def novel_vectors(count: int) -> np.ndarray:
    """The ``count`` most frequent words of a word2vec trained on the four novels (kept on disk)."""
    from gensim.models import KeyedVectors, Word2Vec

    path = STORE / "novels-w2v.kv"
    if not path.is_file():
        import jieba

        jieba.setLogLevel(60)
        data = Path(os.environ.get("EMBEDLAB_DATA_DIR") or ROOT.parent / "shared" / "data") / "corpora" / "zh"
        sentences = []
        for text_file in sorted(data.glob("*.txt")):
            for chunk in re.split(r"[。！？\n]+", text_file.read_text(encoding="utf-8")):
                words = [w for w in jieba.lcut(chunk) if re.search(r"[\u4e00-\u9fff]", w)]
                if len(words) > 1:
                    sentences.append(words)
        print(f"  training word2vec on {len(sentences):,} sentences of the four novels (once)…", flush=True)
        model = Word2Vec(sentences, vector_size=100, window=5, min_count=2, sg=0, epochs=5, seed=7, workers=2)
        STORE.mkdir(parents=True, exist_ok=True)
        model.wv.save(str(path))
    kv = KeyedVectors.load(str(path))
    if len(kv) < count:
        raise SystemExit(f"the novels' word2vec has {len(kv):,} words, fewer than {count:,}")
    return np.array(kv.vectors[:count])


def umap_learn(vectors: np.ndarray) -> np.ndarray:
    import umap

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return umap.UMAP(n_components=2, metric="cosine", **UMAP_OPTIONS).fit_transform(vectors)


def startup() -> None:
    print("start-up (what a fresh server pays; the app does it in a background thread)")
    code = "import time; t = time.perf_counter(); import umap; print(time.perf_counter() - t)"
    seconds = float(
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ).stdout
    )
    row("import umap (numba disk cache warm)", seconds, float("nan"))
    _, wall, cpu = timed(projection.warm_up)
    row("projection.warm_up()", wall, cpu)
    from embedlab.projection.graph import neighbour_graph

    _, wall, cpu = timed(lambda: neighbour_graph(minilm_vectors(300), 30, exact_rows=0))
    row("first NN-descent graph (compiles pynndescent)", wall, cpu, "paid by the first set above 10,000 points")
    words = minilm_vectors(2000)[1000:1012]
    _, wall, cpu = timed(lambda: projection.project(words, method="umap", seed=0))
    row("first UMAP of 12 words after the warm-up", wall, cpu)


def compare_umap(vectors: np.ndarray, label: str) -> None:
    n = len(vectors)
    print(f"UMAP 2-D, {n:,} points ({label})")
    progress = []

    def note_stage(done: float, total: float, /, stage: str = "") -> None:
        progress.append(stage)

    ours, wall, cpu = timed(lambda: projection.project(vectors, method="umap", seed=0, progress=note_stage))
    row(
        "embedlab.projection.engine.project",
        wall,
        cpu,
        f"trustworthiness {ours.trustworthiness:.3f}  kNN kept {ours.knn_preservation:.1%}",
    )
    stages = " → ".join(dict.fromkeys(progress))
    print(f"  {'':<44} progress stages: {stages}")
    theirs, their_wall, their_cpu = timed(lambda: umap_learn(vectors))
    scored = projection.quality(vectors, theirs, seed=0)
    row(
        "umap-learn UMAP(metric='cosine') (warm)",
        their_wall,
        their_cpu,
        f"trustworthiness {scored.trustworthiness:.3f}  kNN kept {scored.knn_preservation:.1%}",
    )
    print(f"  ratio (umap-learn / ours): {their_wall / wall:.2f}× wall, {their_cpu / cpu:.2f}× cpu", flush=True)
    gap = ours.trustworthiness - scored.trustworthiness
    print(
        f"  trustworthiness, ours − umap-learn's: {gap:+.4f} (goal: within ±0.01); load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def compare_pca(vectors: np.ndarray) -> None:
    from sklearn.decomposition import PCA

    print(f"PCA 2-D, {len(vectors):,} points")
    _, wall, cpu = timed(lambda: projection.project(vectors, method="pca", seed=0))
    row("embedlab.projection.engine.project (+neighbours, scores)", wall, cpu)
    _, their_wall, their_cpu = timed(lambda: PCA(n_components=2, random_state=0).fit_transform(vectors))
    row("sklearn PCA", their_wall, their_cpu)
    print(f"  ratio (sklearn / ours): {their_wall / wall:.2f}× wall, {their_cpu / cpu:.2f}× cpu", flush=True)


def plain_tsne(vectors: np.ndarray) -> np.ndarray:
    from sklearn.manifold import TSNE

    return TSNE(metric="cosine", init="pca", random_state=0).fit_transform(vectors)


def compare_tsne(vectors: np.ndarray) -> None:
    from threadpoolctl import threadpool_limits

    print(f"t-SNE 2-D, {len(vectors):,} points; load average {os.getloadavg()[0]:.1f}")
    threads = projection.tsne_threads()
    ours, wall, cpu = timed(lambda: projection.project(vectors, method="tsne", seed=0))
    row(f"embedlab.projection.engine.project ({threads} OpenMP thread{'s' * (threads > 1)})", wall, cpu)
    for limit in (None, 1):
        with threadpool_limits(limits=limit, user_api="openmp"):
            theirs, their_wall, their_cpu = timed(lambda: plain_tsne(vectors))
        row(f"sklearn TSNE ({'default threads' if limit is None else '1 OpenMP thread'})", their_wall, their_cpu)
        print(f"  ratio (sklearn / ours): {their_wall / wall:.2f}× wall, {their_cpu / cpu:.2f}× cpu", flush=True)
    scored = projection.quality(vectors, theirs, seed=0)
    print(f"  trustworthiness ours {ours.trustworthiness:.3f}, sklearn's {scored.trustworthiness:.3f}")
    again, wall, cpu = timed(lambda: projection.project(vectors, method="tsne", seed=0))
    same = np.array_equal(again.coordinates, ours.coordinates)
    row("ours again, same seed", wall, cpu, f"identical coordinates: {same}; load average {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--large", action="store_true", help="also project 50,000 words (UMAP and PCA)")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    startup()
    vectors = minilm_vectors(10_000)
    print("compiling umap-learn's own nearest-neighbour search (first run on 4,100 points)")
    _, wall, cpu = timed(lambda: umap_learn(vectors[:4100]))
    row("umap-learn first run (compiles NN-descent)", wall, cpu)
    compare_umap(vectors, "minilm-static, first 10,000 words")
    compare_pca(vectors)
    compare_tsne(vectors[:1000])
    if args.large:
        big = novel_vectors(50_000)
        compare_umap(big, "word2vec of the four novels, 50,000 most frequent words")
        compare_pca(big)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
