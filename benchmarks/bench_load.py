"""Loading a sgns-size word2vec text file: embedlab.io.fastload against gensim, in the same run.

Writes the sgns-shaped file first if needed (``make_sgns_like.py``: 187,961 x 300, real jieba
vocabulary, seeded vectors, a space before every newline), then times

* gensim ``KeyedVectors.load_word2vec_format`` (the baseline),
* ``embedlab.io.fastload.read_word2vec_text`` (the compiled parser; its one-off JIT compile is done
  in a warm-up on a tiny file, as a server does once; it is cached on disk across runs),
* ``vector_cache.convert`` to the cache, then memory-mapped reloads (``vector_cache.load_cache``),

checks that both parsers give identical words and float32 values, and prints the ratio.

    python benchmarks/bench_load.py                          # ~540 MB file in /tmp (gensim takes ~30-60 s)
    python benchmarks/bench_load.py --words 20000            # a quick run
    python benchmarks/bench_load.py --bz2                    # the compressed file, as sgns downloads are
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def timed(label: str, run):
    started_wall, started_cpu = time.perf_counter(), time.process_time()
    result = run()
    wall, cpu = time.perf_counter() - started_wall, time.process_time() - started_cpu
    print(f"{label:<44} {wall:8.2f} s wall {cpu:8.2f} s cpu")
    return result, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=int, default=187_961)
    parser.add_argument("--dims", type=int, default=300)
    parser.add_argument("--bz2", action="store_true")
    parser.add_argument("--file", type=Path, default=None, help="an existing word2vec text file instead of a generated one")
    parser.add_argument("--reloads", type=int, default=5)
    args = parser.parse_args()

    from gensim.models import KeyedVectors
    from make_sgns_like import write_sgns_like

    from embedlab.io import fastload, vector_cache

    path = args.file
    if path is None:
        path = Path(tempfile.gettempdir()) / f"sgns_like_{args.words}x{args.dims}.word{'.bz2' if args.bz2 else ''}"
        if not path.exists():
            timed(f"writing {path.name}", lambda: write_sgns_like(path, words=args.words, dims=args.dims, compress=args.bz2))
    print(f"file: {path} ({path.stat().st_size / 2**20:,.0f} MiB)")

    warm = Path(tempfile.mkdtemp()) / "warm.txt"
    warm.write_text("2 3\na 0.1 0.2 0.3 \nb 0.4 0.5 0.6 \n", encoding="utf-8")
    timed("fastload warm-up (JIT compile or disk cache)", lambda: fastload.read_word2vec_text(warm))

    theirs, gensim_s = timed("gensim load_word2vec_format", lambda: KeyedVectors.load_word2vec_format(str(path), binary=False))
    ours, ours_s = timed("embedlab fastload.read_word2vec_text", lambda: fastload.read_word2vec_text(path))
    assert ours.index_to_key == theirs.index_to_key, "words differ"
    assert np.array_equal(ours.vectors, theirs.vectors), "vectors differ"
    print(f"identical words and float32 values; fastload is {gensim_s / ours_s:.1f}x gensim")

    cache_root = Path(tempfile.mkdtemp(prefix="bench-cache-"))
    try:
        folder, _ = timed("convert to cache (parse + write .npy)", lambda: vector_cache.convert(path, cache_root=cache_root))
        reloads = []
        for _ in range(args.reloads):
            kv, seconds = timed("memory-mapped reload (load_cache)", lambda: vector_cache.load_cache(folder))
            reloads.append(seconds)
        assert np.array_equal(kv.vectors, theirs.vectors) and kv.index_to_key == theirs.index_to_key
        print(f"mmap reload: median {np.median(reloads):.3f} s ({gensim_s / np.median(reloads):,.0f}x gensim's parse)")
        half, _ = timed("convert to float16 cache", lambda: vector_cache.convert(path, cache_root=cache_root, float16=True))
        _, half_s = timed("float16 cache reload (widened to float32)", lambda: vector_cache.load_cache(half))
        size = lambda f: (f / "vectors.npy").stat().st_size / 2**20  # noqa: E731
        print(f"cache size: float32 {size(folder):,.0f} MiB, float16 {size(half):,.0f} MiB")
    finally:
        shutil.rmtree(cache_root, ignore_errors=True)


if __name__ == "__main__":
    main()
