"""Sentences per second: EmbedLab's contextual engine vs sentence-transformers' ``encode``.

Both run the same checkpoint (the bundled all-MiniLM-L6-v2 unless ``--model`` names another
sentence-transformers folder), on the same real sentences (from ``../shared/data/corpora/en``),
with the same batch size and normalised mean pooling, in the same process. Rounds alternate
between the two so machine load hits both alike; the best round of each counts. The script also
checks that both give the same vectors.

    .venv/bin/python benchmarks/bench_contextual.py                 # 400 sentences, 3 rounds, 1 thread (~2 min)
    .venv/bin/python benchmarks/bench_contextual.py --threads 0     # torch's own thread count
    .venv/bin/python benchmarks/bench_contextual.py --sentences 5000 --rounds 5

One torch thread by default: on a 2-core machine shared with other busy processes, torch's two
OpenMP threads wait on each other and run several times slower than one. Both sides always run
under the same setting, so the ratio is fair either way.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402


def corpus_sentences(count: int) -> list[str]:
    data = Path(os.environ.get("EMBEDLAB_DATA_DIR") or ROOT.parent / "shared" / "data") / "corpora" / "en"
    files = sorted(data.glob("*.txt"))
    if not files:
        sys.exit(f"No English corpora found in {data}; set EMBEDLAB_DATA_DIR.")
    found: list[str] = []
    for path in files:
        text = re.sub(r"\s+", " ", path.read_text(encoding="utf-8", errors="replace"))
        found += [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 3]
    # Take sentences spread over all the books, in a fixed order.
    step = max(1, len(found) // count)
    return found[::step][:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sentences", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1, help="torch threads for both (0: torch's own choice)")
    parser.add_argument("--model", default=None, help="a sentence-transformers folder (default: bundled MiniLM)")
    args = parser.parse_args()

    import torch
    from sentence_transformers import SentenceTransformer

    from embedlab.contextual.encoding import sentence_vectors
    from embedlab.contextual.model import load_contextual
    from embedlab.io.bundled import minilm_path

    if args.threads:
        torch.set_num_threads(args.threads)
    folder = args.model or str(minilm_path())
    sentences = corpus_sentences(args.sentences)
    ours = load_contextual(folder)
    theirs = SentenceTransformer(folder, device="cpu")
    assert theirs.max_seq_length == ours.max_length, (theirs.max_seq_length, ours.max_length)
    lengths = [len(ids) for ids in ours.tokenizer(sentences, truncation=True, max_length=ours.max_length)["input_ids"]]
    print(
        f"model {folder}\n{len(sentences)} sentences, {np.mean(lengths):.1f} tokens on average (max {max(lengths)}), "
        f"batch size {args.batch_size}, torch threads {torch.get_num_threads()}"
    )

    def run_ours():
        return sentence_vectors(ours, sentences, batch_size=args.batch_size).vectors

    def run_theirs():
        return theirs.encode(sentences, batch_size=args.batch_size, normalize_embeddings=True, show_progress_bar=False)

    warm = sentences[:64]
    sentence_vectors(ours, warm, batch_size=args.batch_size)
    theirs.encode(warm, batch_size=args.batch_size, show_progress_bar=False)

    best = {"embedlab": float("inf"), "sentence-transformers": float("inf")}
    for round_number in range(1, args.rounds + 1):
        for name, run in (("sentence-transformers", run_theirs), ("embedlab", run_ours)):
            started = time.perf_counter()
            vectors = run()
            elapsed = time.perf_counter() - started
            best[name] = min(best[name], elapsed)
            print(f"round {round_number} {name:<22} {len(sentences) / elapsed:8.1f} sentences/s")
            if name == "embedlab":
                ours_vectors = vectors
            else:
                theirs_vectors = vectors
    difference = float(np.abs(ours_vectors - theirs_vectors).max())
    rate_ours = len(sentences) / best["embedlab"]
    rate_theirs = len(sentences) / best["sentence-transformers"]
    print(f"\nbest: embedlab {rate_ours:.1f} sentences/s, sentence-transformers {rate_theirs:.1f} sentences/s")
    print(f"ratio embedlab / sentence-transformers: {rate_ours / rate_theirs:.2f}x (goal >= 1.0x)")
    print(f"largest difference between the two sets of vectors: {difference:.2e}")


if __name__ == "__main__":
    main()
