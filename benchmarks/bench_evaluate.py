"""Analogy evaluation speed: ours (batched matrix products) vs gensim's ``evaluate_word_analogies``.

Both score the same vectors and the same file in the same run, and the benchmark checks that they
mark exactly the same questions correct.

* Speed, on a 187,961 x 300 vocabulary (the size of sgns.literature.word): jieba's real
  vocabulary, most frequent first, with seeded Gaussian vectors (shaped like the sgns files;
  see make_sgns_like.py). The questions are the CA8 sets' questions whose four words are in that
  vocabulary. Noise vectors answer almost nothing right, so this part measures speed only.
* Identical accuracy on real models: minilm-static (BERT's token table, 22.6k English words) on
  Mikolov's questions-words, and a word2vec trained here on 三国演义 on the CA8 sets.

    python benchmarks/bench_evaluate.py                    # ~2 min: 600 questions on 188k x 300
    python benchmarks/bench_evaluate.py --questions 3000   # more questions (gensim: ~0.1 s each)
    python benchmarks/bench_evaluate.py --full             # whole files for the real models too
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
from gensim.models import KeyedVectors

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

from make_sgns_like import SGNS_DIMS, SGNS_WORDS, jieba_vocabulary  # noqa: E402

from embedlab.static.eval_sets import read_analogies  # noqa: E402
from embedlab.static.evaluation import evaluate_analogies  # noqa: E402

DATA = Path(os.environ.get("EMBEDLAB_DATA_DIR") or ROOT.parent / "shared" / "data")


def in_vocab_questions(files: list[Path], vocab: set[str], limit: int, target: Path) -> int:
    """Write the questions of ``files`` whose words are all in ``vocab`` (every n-th, up to ``limit``)."""
    sections: list[tuple[str, list[str]]] = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith(":"):
                sections.append((line.strip(), []))
            elif line.split() and all(w in vocab for w in line.split()):
                sections[-1][1].append(line.strip())
    total = sum(len(q) for _, q in sections)
    step = max(1, total // limit) if limit else 1
    kept = 0
    with target.open("w", encoding="utf-8") as out:
        for header, questions in sections:
            out.write(header + "\n")
            for question in questions[::step]:
                if limit and kept >= limit:
                    break
                out.write(question + "\n")
                kept += 1
    return kept


def subset(path: Path, per_section: int | None, target: Path) -> Path:
    if per_section is None:
        return path
    lines, taken = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        taken = 0 if line.startswith(":") else taken + 1
        if line.startswith(":") or taken <= per_section:
            lines.append(line)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def compare(label: str, kv: KeyedVectors, path: Path, *, repeat_ours: int = 2) -> tuple[float, float]:
    """Time both on the same vectors and file; fail loudly unless exactly the same questions are wrong."""
    ours_seconds = []
    for _ in range(repeat_ours):
        started = time.perf_counter()
        ours = evaluate_analogies(kv, read_analogies(path), convention="gensim", worst=10**9)
        ours_seconds.append(time.perf_counter() - started)
    started = time.perf_counter()
    score, sections = kv.evaluate_word_analogies(str(path))
    gensim_seconds = time.perf_counter() - started
    total = sections.pop()
    same_counts = [(s.correct, s.total) for s in ours.sections] == [
        (len(s["correct"]), len(s["correct"]) + len(s["incorrect"])) for s in sections
    ]
    ours_wrong = Counter((m.a.upper(), m.b.upper(), m.c.upper(), m.expected.upper()) for m in ours.misses)
    identical = same_counts and ours.accuracy == score and ours_wrong == Counter(map(tuple, total["incorrect"]))
    ours_best = min(ours_seconds)
    print(
        f"{label:<58} {ours.total:>6} {ours.accuracy:>9.4f} {score:>9.4f} {'yes' if identical else 'NO':>9} "
        f"{ours_best:>8.2f} {gensim_seconds:>8.2f} {gensim_seconds / ours_best:>7.1f}x",
        flush=True,
    )
    if not identical:
        raise SystemExit(f"{label}: results differ from gensim")
    return ours_best, gensim_seconds


def trained_sanguo(cache: Path) -> KeyedVectors:
    os.environ["EMBEDLAB_CACHE_DIR"] = str(cache)
    from embedlab.training.corpus import read_corpus_files, segment
    from embedlab.training.train import TrainOptions, train

    corpus = segment(read_corpus_files([DATA / "corpora" / "zh" / "sanguo_yanyi.txt"]), "zh")
    return train(corpus, TrainOptions(vector_size=100, epochs=10, min_count=3, workers=2)).model.kv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=600, help="questions on the 188k vocabulary (0 = all in vocabulary)")
    parser.add_argument("--words", type=int, default=SGNS_WORDS)
    parser.add_argument("--dims", type=int, default=SGNS_DIMS)
    parser.add_argument("--full", action="store_true", help="whole evaluation files for the real models")
    args = parser.parse_args()
    if not (DATA / "SOURCES.md").is_file():
        raise SystemExit(f"Shared data not found at {DATA}; set EMBEDLAB_DATA_DIR.")
    print(
        f"{'vectors / file':<58} {'scored':>6} {'ours acc':>9} {'gensim':>9} {'identical':>9} "
        f"{'ours s':>8} {'gensim s':>8} {'speed':>8}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-evaluate-") as tmp:
        tmp = Path(tmp)
        vocab = jieba_vocabulary(args.words)
        kv = KeyedVectors(vector_size=args.dims, dtype=np.float32)
        vectors = np.random.default_rng(0).standard_normal((len(vocab), args.dims), dtype=np.float32) * 0.3
        kv.add_vectors(vocab, vectors)
        del vectors
        ca8 = [DATA / "eval" / "zh" / "ca8_morphological.txt", DATA / "eval" / "zh" / "ca8_semantic.txt"]
        kept = in_vocab_questions(ca8, set(vocab), args.questions, tmp / "ca8_in_vocab.txt")
        ours, theirs = compare(f"generated {len(vocab):,} x {args.dims}, CA8 ({kept} q)", kv, tmp / "ca8_in_vocab.txt")
        del kv

        per_section = None if args.full else 40
        from embedlab.io.bundled import minilm_static

        minilm = minilm_static()
        qw = subset(DATA / "eval" / "en" / "questions-words.txt", per_section, tmp / "qw.txt")
        compare(f"minilm-static 22.6k x 384, questions-words{'' if args.full else ' (40/section)'}", minilm, qw)
        del minilm

        sanguo = trained_sanguo(tmp / "cache")
        for name in ("ca8_morphological.txt", "ca8_semantic.txt"):
            compare(f"word2vec 三国演义 {len(sanguo):,} x 100, {name}", sanguo, DATA / "eval" / "zh" / name)
    print(
        f"\nOn {args.words:,} x {args.dims}: ours {ours:.2f} s, gensim {theirs:.2f} s -> "
        f"{theirs / ours:.1f}x faster, identical results."
    )


if __name__ == "__main__":
    main()
