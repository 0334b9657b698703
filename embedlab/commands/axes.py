"""``axes``: place words on semantic axes given by words (``woman-man``, ``rich-poor``).

python -m embedlab axes --model minilm-static --x "woman-man" --y "rich-poor" --words nurse,engineer,maid --json
"""

from __future__ import annotations

import argparse

from embedlab import share
from embedlab.serving import registry
from embedlab.static import axes


def _axes(args: argparse.Namespace) -> dict:
    model = registry.load_model(args.model, kind="static")
    result = axes.place(model, share.parse_words(args.words, "words"), x=args.x, y=args.y or None, formula=args.formula)
    found = {"model": model.id, "formula": result.formula, "x": result.x.label, "words": result.records()}
    if result.y is not None:
        found["y"] = result.y.label
        found["axes_cosine"] = result.axes_cosine
    if result.missing:
        found["missing"] = list(result.missing)
    return found


def _format(result: dict) -> str:
    head = f"{result['formula']} on x = {result['x']}" + (f", y = {result['y']}" if "y" in result else "")
    rows = [f"{w['word']}\t{w['x']:+.4f}" + (f"\t{w['y']:+.4f}" if "y" in w else "") for w in result["words"]]
    tail = [f"not in the vocabulary (left out): {', '.join(result['missing'])}"] if result.get("missing") else []
    return "\n".join([head] + rows + tail)


def register(subparsers) -> None:
    parser = subparsers.add_parser("axes", help="place words on semantic axes such as woman-man")
    parser.add_argument("--model", default="minilm-static", help="registry id or path to a vector file")
    parser.add_argument("--x", required=True, help='first axis: "a-b" or "a1,a2 - b1,b2"')
    parser.add_argument("--y", default="", help="second axis (optional)")
    parser.add_argument("--words", required=True, help="comma-separated words to place")
    parser.add_argument(
        "--formula",
        choices=list(axes.FORMULAS),
        default="cosine",
        help="cosine with the direction, or scalar projection on the unit direction",
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=_axes, formatter=_format)
