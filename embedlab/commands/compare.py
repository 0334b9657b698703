"""``compare``: align two static models (orthogonal Procrustes) and list the words that moved.

python -m embedlab compare --model cbow.kv --model-b skipgram.kv --vocab 5000 --words 宝玉,黛玉 --json
"""

from __future__ import annotations

import argparse

from embedlab import share
from embedlab.serving import registry
from embedlab.static import compare


def _shift(shift: compare.WordShift) -> dict:
    return {"word": shift.word, "cosine": shift.cosine, "overlap": shift.overlap}


def _compare(args: argparse.Namespace) -> dict:
    model_a = registry.load_model(args.model, kind="static")
    model_b = registry.load_model(args.model_b, kind="static")
    result = compare.compare(model_a, model_b, vocab=args.vocab, topn=args.topn, reduce=not args.no_reduce)
    words = share.parse_words(args.words or "", "words")
    found = {
        "model_a": model_a.id,
        "model_b": model_b.id,
        "alignment": {
            "mean_cosine": result.mean_cosine,
            "shared": result.shared,
            "mean_cosine_before": result.mean_cosine_before,
            "reduced_to": result.reduced_to,
            "note": result.note,
        },
        "topn": result.topn,
        "by": args.by,
        "moved": [_shift(s) for s in compare.moved(result, by=args.by, most=True, limit=args.top)],
        "least": [_shift(s) for s in compare.moved(result, by=args.by, most=False, limit=args.top)],
    }
    if words:
        found["words"] = []
        for shift in compare.follow(result, words):
            pair = compare.side_by_side(result, shift.word)
            found["words"].append(
                {**_shift(shift), "neighbors_a": [s.word for s in pair.a], "neighbors_b": [s.word for s in pair.b]}
            )
    return found


def _format(result: dict) -> str:
    align = result["alignment"]
    lines = [
        f"{result['model_b']} aligned onto {result['model_a']} on {align['shared']:,} shared words: "
        f"mean cosine {align['mean_cosine']:.4f}"
    ]
    if align["note"]:
        lines.append(align["note"])
    lines.append(f"moved most (by {result['by']}; cosine, top-{result['topn']} overlap):")
    lines += [f"  {s['word']}\t{s['cosine']:.4f}\t{s['overlap']:.2f}" for s in result["moved"]]
    lines.append("moved least:")
    lines += [f"  {s['word']}\t{s['cosine']:.4f}\t{s['overlap']:.2f}" for s in result["least"]]
    for word in result.get("words", []):
        lines.append(f"{word['word']}\t{word['cosine']:.4f}\t{word['overlap']:.2f}")
        lines.append(f"  A: {', '.join(word['neighbors_a'])}")
        lines.append(f"  B: {', '.join(word['neighbors_b'])}")
    return "\n".join(lines)


def register(subparsers) -> None:
    parser = subparsers.add_parser("compare", help="align two static models and list the words that moved")
    parser.add_argument("--model", required=True, help="model A: registry id or path to a vector file")
    parser.add_argument("--model-b", required=True, help="model B, rotated onto A")
    parser.add_argument(
        "--vocab", type=int, default=compare.DEFAULT_VOCAB, help="shared words to align on (most frequent both know)"
    )
    parser.add_argument("--words", default="", help="comma-separated words to follow")
    parser.add_argument("--topn", type=int, default=compare.DEFAULT_TOPN, help="neighbours compared by the overlap measure")
    parser.add_argument("--top", type=int, default=20, help="how many words to list as moved most and least")
    parser.add_argument("--by", choices=["cosine", "overlap"], default="cosine", help="rank the moved words by")
    parser.add_argument(
        "--no-reduce", action="store_true", help="refuse models of different widths instead of reducing both by PCA"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=_compare, formatter=_format)
