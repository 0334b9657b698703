"""Contextual commands: ``context`` (one word across sentences) and ``sentences`` (sentence similarity).

::

    python -m embedlab context --model minilm --word apple "He works at Apple." "He ate an apple." --json
    python -m embedlab sentences --model minilm "I like this book." "I don't like this book." --json
"""

from __future__ import annotations

import argparse

from embedlab.contextual import model as contextual
from embedlab.contextual import polysemy, sentences
from embedlab.serving import registry


def _rounded(matrix) -> list[list[float]]:
    return [[round(float(x), 6) for x in row] for row in matrix]


def _context(args: argparse.Namespace) -> dict:
    model = contextual.as_contextual(registry.load_model(args.model, kind="contextual"))
    static_model = registry.load_model(args.static, kind="static") if args.static else None
    report = polysemy.analyze(model, args.word, args.sentences, layer=args.layer, k=args.k, static_model=static_model)
    found = report.context
    result = {
        "model": args.model,
        "word": found.word,
        "layer": found.layer,
        "tokens": [list(tokens) for tokens in found.tokens],
        "contexts": [
            {"label": label, "sentence": occ.sentence, "start": occ.start, "end": occ.end, "pooled": list(occ.tokens)}
            for label, occ in zip(found.labels, found.occurrences)
        ],
        "similarity": _rounded(report.similarity),
        "senses": list(report.clusters.labels),
        "input_embedding_cosine": [round(float(x), 6) for x in report.input_cosines],
    }
    if report.static_cosines is not None:
        result["static_cosine"] = [round(float(x), 6) for x in report.static_cosines]
    if found.note:
        result["note"] = found.note
    return result


def _sentences(args: argparse.Namespace) -> dict:
    loaded = registry.load_model(args.model)
    if args.pooling == "model":
        encoder = sentences.own_encoder(loaded)
    else:
        encoder = sentences.BertPoolingEncoder(contextual.as_contextual(loaded), pooling=args.pooling, layer=args.layer)
    result = sentences.compare([encoder], args.sentences).results[0]
    i, j, score = result.closest_pair
    out = {
        "model": args.model,
        "encoder": result.encoder,
        "similarity": _rounded(result.similarity),
        "closest": {"pair": [i, j], "score": round(score, 6)},
    }
    if result.note:
        out["note"] = result.note
    return out


def _format(result: dict) -> str:
    lines = []
    if "contexts" in result:
        for context in result["contexts"]:
            lines.append(f"{context['label']}\t{' '.join(context['pooled'])}")
    lines += ["\t".join(f"{x:.3f}" for x in row) for row in result["similarity"]]
    if "closest" in result:
        i, j = result["closest"]["pair"]
        lines.append(f"closest: #{i + 1} and #{j + 1} ({result['closest']['score']:.3f})")
    if "note" in result:
        lines.append(result["note"])
    return "\n".join(lines)


def register(subparsers) -> None:
    parser = subparsers.add_parser("context", help="one word's contextual vectors across sentences")
    parser.add_argument("--model", default="minilm", help="contextual model id or checkpoint folder")
    parser.add_argument("--word", required=True)
    parser.add_argument("sentences", nargs="+", help="2 to 50 sentences that contain the word")
    parser.add_argument("--layer", choices=contextual.LAYERS, default="last")
    parser.add_argument("--k", type=int, default=None, help="number of senses (default: by silhouette)")
    parser.add_argument("--static", default=None, help="a static model to compare with (e.g. minilm-static)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=_context, formatter=_format)

    parser = subparsers.add_parser("sentences", help="cosine similarity of sentence vectors")
    parser.add_argument("--model", default="minilm", help="contextual or sentence model id")
    parser.add_argument("sentences", nargs="+", help="2 to 50 sentences")
    parser.add_argument(
        "--pooling",
        choices=("model",) + contextual.POOLINGS,
        default="model",
        help="model: the model's own sentence encoder (sentence-transformers, BGE-M3, else mean pooling)",
    )
    parser.add_argument("--layer", choices=contextual.LAYERS, default="last")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=_sentences, formatter=_format)
