"""Static-vector commands: ``models``, ``neighbors``, ``similarity``, ``analogy``, ``odd``."""

from __future__ import annotations

import argparse

from embedlab import share
from embedlab.serving import registry
from embedlab.static import model as static


def _model(model_id: str) -> static.StaticModel:
    return registry.load_model(model_id, kind="static")


def _models(args: argparse.Namespace) -> dict:
    return {
        "models": [
            {
                "id": s.id,
                "kinds": list(s.kinds),
                "language": s.language,
                "source": s.source,
                "description": s.description,
                "available": s.available,
            }
            for s in registry.list_models(kind=args.kind)
        ]
    }


def _scored(items) -> list[dict]:
    return [{"word": item.word, "score": item.score} for item in items]


def _neighbors(args: argparse.Namespace) -> dict:
    return {"results": _scored(static.neighbors(_model(args.model), args.word, topn=args.topn, metric=args.metric))}


def _similarity(args: argparse.Namespace) -> dict:
    return {"score": static.similarity(_model(args.model), args.first, args.second)}


def _analogy(args: argparse.Namespace) -> dict:
    result = static.analogy(
        _model(args.model),
        positive=share.parse_words(args.pos, "pos"),
        negative=share.parse_words(args.neg or "", "neg"),
        method=args.method,
        topn=args.topn,
    )
    answer: dict[str, object] = {"expression": result.label, "method": result.method, "results": _scored(result.results)}
    if args.expect:
        found = static.expected_answer(
            _model(args.model),
            positive=result.positive,
            negative=result.negative,
            expected=args.expect,
            method=args.method,
        )
        answer["expected"] = {"word": found.word, "rank": found.rank, "score": found.score}
    return answer


def _odd(args: argparse.Namespace) -> dict:
    return {"odd_one_out": static.odd_one_out(_model(args.model), args.words)}


def _format_results(result: dict) -> str:
    if "results" in result:
        head = result.get("expression", "")
        rows = [f"{r['word']}\t{r['score']:.4f}" for r in result["results"]]
        return "\n".join(([head] if head else []) + rows)
    if "models" in result:
        return "\n".join(
            f"{m['id']:<24} {'/'.join(m['kinds']):<20} {m['language']:<6} "
            f"{'' if m['available'] else '(not installed) '}{m['description']}"
            for m in result["models"]
        )
    return "\n".join(f"{k}: {v}" for k, v in result.items())


def register(subparsers) -> None:
    def add(name: str, handler, help_text: str) -> argparse.ArgumentParser:
        parser = subparsers.add_parser(name, help=help_text)
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.set_defaults(handler=handler, formatter=_format_results)
        return parser

    parser = add("models", _models, "list the known models")
    parser.add_argument("--kind", choices=registry.KINDS)

    parser = add("neighbors", _neighbors, "nearest words of a word")
    parser.add_argument("--model", default="minilm-static", help="registry id or path to a vector file")
    parser.add_argument("word")
    parser.add_argument("--topn", type=int, default=10)
    parser.add_argument("--metric", choices=["cosine", "euclidean"], default="cosine")

    parser = add("similarity", _similarity, "cosine similarity of two words")
    parser.add_argument("--model", default="minilm-static")
    parser.add_argument("first")
    parser.add_argument("second")

    parser = add("analogy", _analogy, "word arithmetic: pos1 + pos2 − neg")
    parser.add_argument("--model", default="minilm-static")
    parser.add_argument("--pos", required=True, help="comma-separated positive words")
    parser.add_argument("--neg", default="", help="comma-separated negative words")
    parser.add_argument("--method", choices=["add", "mul"], default="add")
    parser.add_argument("--topn", type=int, default=10)
    parser.add_argument("--expect", metavar="WORD", help="also report this word's rank and score among all answers")

    parser = add("odd", _odd, "the word that does not belong")
    parser.add_argument("--model", default="minilm-static")
    parser.add_argument("words", nargs="+")
