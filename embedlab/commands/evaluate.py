"""``evaluate``: a static model on analogy or word-similarity benchmarks.

python -m embedlab evaluate --model M --analogies questions-words.txt [--convention gensim|ca8] [--method add|mul] --json
python -m embedlab evaluate --model M --pairs wordsim353.tsv --json
"""

from __future__ import annotations

import argparse

from embedlab.errors import InvalidInputError
from embedlab.serving import registry
from embedlab.static import eval_sets, evaluation


def _evaluate(args: argparse.Namespace) -> dict:
    if bool(args.analogies) == bool(args.pairs):
        raise InvalidInputError("Give either --analogies FILE or --pairs FILE.")
    model = registry.load_model(args.model, kind="static")
    if args.pairs:
        return evaluation.evaluate_pairs(
            model,
            eval_sets.read_pairs(args.pairs),
            restrict_vocab=args.restrict_vocab or evaluation.GENSIM_RESTRICT_VOCAB,
            case_insensitive=not args.case_sensitive,
        ).to_dict()
    report = evaluation.evaluate_analogies(
        model,
        eval_sets.read_analogies(args.analogies),
        convention=args.convention,
        method=args.method,
        restrict_vocab=args.restrict_vocab,
        case_insensitive=not args.case_sensitive,
    )
    return report.to_dict(misses=args.misses)


def _format(result: dict) -> str:
    if "spearman" in result:
        return (
            f"Spearman {result['spearman']:.4f}  Pearson {result['pearson']:.4f}  "
            f"OOV {result['oov_ratio']:.1f}% ({result['used']} of {result['pairs']} pairs scored)"
        )
    lines = [f"{'section':<32} {'correct':>8} {'total':>7} {'accuracy':>9} {'coverage':>9}"]
    for s in result["sections"]:
        lines.append(f"{s['section'][:32]:<32} {s['correct']:>8} {s['total']:>7} {s['accuracy']:>9.1%} {s['coverage']:>9.1%}")
    lines.append(
        f"{'all (' + result['convention'] + ', 3Cos' + result['method'].title() + ')':<32} {result['correct']:>8} "
        f"{result['total']:>7} {result['accuracy']:>9.1%} {result['coverage']:>9.1%}"
    )
    return "\n".join(lines)


def register(subparsers) -> None:
    parser = subparsers.add_parser("evaluate", help="score a static model on analogy or similarity benchmarks")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=_evaluate, formatter=_format)
    parser.add_argument("--model", default="minilm-static", help="registry id or path to a vector file")
    parser.add_argument("--analogies", metavar="F", help="Mikolov-format analogy file (': section', then 'a b c d')")
    parser.add_argument("--pairs", metavar="F", help="similarity file ('w1 w2 score' per line)")
    parser.add_argument(
        "--convention",
        choices=evaluation.CONVENTIONS,
        default="gensim",
        help="gensim: evaluate_word_analogies; ca8: the CA8 authors' script",
    )
    parser.add_argument("--method", choices=evaluation.METHODS, default="add", help="3CosAdd or 3CosMul (ca8 only)")
    parser.add_argument(
        "--restrict-vocab", type=int, metavar="N", help="search only the first N words (default: 300000 for gensim, all for ca8)"
    )
    parser.add_argument("--case-sensitive", action="store_true", help="gensim convention: do not fold case")
    parser.add_argument("--misses", type=int, default=20, help="how many worst misses to list in JSON")
