"""Write a file shaped like Chinese-Word-Vectors' ``sgns.*.word`` for load-speed benchmarks.

The vocabulary is real (jieba's bundled dictionary, most frequent words first, as sgns files are
sorted); the vectors are seeded Gaussian noise printed like the real files: a ``count dims``
header, then ``word v1 ... vN `` with six decimals and a trailing space before each newline.
Noise is fine for measuring parsing; it is useless for neighbour-search benchmarks (see
``bench_ann.py``).

    python benchmarks/make_sgns_like.py /tmp/sgns_like.word                 # 187,961 x 300 (~540 MB)
    python benchmarks/make_sgns_like.py /tmp/small.word --words 20000 --dims 50 --bz2
"""

from __future__ import annotations

import argparse
import bz2
import time
from pathlib import Path

import numpy as np

SGNS_WORDS = 187_961
SGNS_DIMS = 300


def jieba_vocabulary(count: int) -> list[str]:
    """The ``count`` most frequent distinct words of jieba's dictionary (ties keep dictionary order)."""
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    entries = []
    for order, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        word, freq = line.split(" ")[:2]
        entries.append((-int(freq), order, word))
    entries.sort()
    words = list(dict.fromkeys(word for _, _, word in entries))  # the dictionary repeats a few words
    if count > len(words):
        raise SystemExit(f"jieba's dictionary has only {len(words):,} distinct words; ask for at most that many.")
    return words[:count]


def format_rows(values: np.ndarray) -> list[bytes]:
    """Each row as ``b"v1 v2 ... vN "`` with six decimals, without a Python loop over numbers."""
    rows, dims = values.shape
    scaled = np.rint(np.abs(np.clip(values, -9.999999, 9.999999)) * 1e6).astype(np.int64)
    chars = np.zeros((rows, dims, 10), dtype=np.uint8)  # 0 marks a byte to drop (no minus sign)
    chars[..., 0] = np.where(values < 0, ord("-"), 0)
    chars[..., 1] = ord("0") + scaled // 1_000_000
    chars[..., 2] = ord(".")
    for place in range(6):
        chars[..., 8 - place] = ord("0") + (scaled // 10**place) % 10
    chars[..., 9] = ord(" ")
    flat = chars.reshape(rows, dims * 10)
    return [row[row != 0].tobytes() for row in flat]


def write_sgns_like(path: Path, *, words: int = SGNS_WORDS, dims: int = SGNS_DIMS, seed: int = 0, compress: bool = False) -> Path:
    """Write the file and return its path (``.bz2`` appended when ``compress``)."""
    vocab = jieba_vocabulary(words)
    rng = np.random.default_rng(seed)
    if compress and not path.name.endswith(".bz2"):
        path = path.with_name(path.name + ".bz2")
    opener = bz2.open if compress else open
    with opener(path, "wb") as out:
        out.write(f"{words} {dims}\n".encode())
        for start in range(0, words, 10_000):
            chunk = vocab[start : start + 10_000]
            values = rng.standard_normal((len(chunk), dims), dtype=np.float32) * 0.3
            out.write(b"".join(w.encode("utf-8") + b" " + row + b"\n" for w, row in zip(chunk, format_rows(values))))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--words", type=int, default=SGNS_WORDS)
    parser.add_argument("--dims", type=int, default=SGNS_DIMS)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--bz2", action="store_true", help="compress with bz2 (as the sgns downloads are)")
    args = parser.parse_args()
    started = time.perf_counter()
    path = write_sgns_like(args.path, words=args.words, dims=args.dims, seed=args.seed, compress=args.bz2)
    size = path.stat().st_size / 2**20
    print(f"wrote {path} ({args.words:,} x {args.dims}, {size:,.0f} MiB) in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
