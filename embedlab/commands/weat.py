"""``weat``: the Word Embedding Association Test (effect size and permutation p-value).

python -m embedlab weat --model minilm-static --targets "x1,x2|y1,y2" --attributes "a1,a2|b1,b2" --json
python -m embedlab weat --model minilm-static --test weat6 --json
"""

from __future__ import annotations

import argparse

from embedlab import share
from embedlab.errors import InvalidInputError
from embedlab.serving import registry
from embedlab.static import weat


def _pair(text: str, name: str) -> weat.SetPair:
    groups = share.parse_groups(text, name)
    if len(groups) != 2:
        raise InvalidInputError(f"--{name} must be two word sets joined by '|', e.g. \"rose,lily|ant,wasp\"; got {len(groups)}.")
    first, second = groups
    return first, second


def _weat(args: argparse.Namespace) -> dict:
    model = registry.load_model(args.model, kind="static")
    targets: weat.SetPair
    attributes: weat.SetPair
    if args.test:
        test = weat.get_test(args.test)
        x, y, a, b = test.sets_in("en")
        targets, attributes = (x, y), (a, b)
    elif args.targets and args.attributes:
        targets, attributes = _pair(args.targets, "targets"), _pair(args.attributes, "attributes")
    else:
        raise InvalidInputError('Give --targets and --attributes ("x1,x2|y1,y2"), or --test with a shipped test id (see --list).')
    result = weat.weat(
        model,
        targets=targets,
        attributes=attributes,
        std=args.std,
        samples=args.samples,
        seed=args.seed,
        exact_limit=args.exact_limit,
        max_lost=args.max_lost,
    )
    return {"model": model.id, **result.to_dict()}


def _list(args: argparse.Namespace) -> dict:
    return {"tests": [{"id": t.id, "language": t.language, "title": t.title_in("en")} for t in weat.load_tests()]}


def _format(result: dict) -> str:
    if "tests" in result:
        return "\n".join(f"{t['id']:<24} {t['language']:<4} {t['title']}" for t in result["tests"])
    sets = result["sets"]
    how = (
        f"exact, all {result['total_splits']:,} splits"
        if result["p_method"] == "exact"
        else (f"sampled, {result['permutations']:,} random splits, seed {result['seed']}")
    )
    lines = [
        f"{sets['x']['name']} / {sets['y']['name']} × {sets['a']['name']} / {sets['b']['name']}",
        f"effect size d = {result['effect_size']:.4f} ({result['std']} standard deviation)",
        f"p-value (one-sided) = {result['p_value']:.4g} ({how})",
    ]
    for key, words in result["missing"].items():
        lines.append(f"not in the vocabulary, dropped from {sets[key]['name']}: {', '.join(words)}")
    return "\n".join(lines)


def register(subparsers) -> None:
    parser = subparsers.add_parser("weat", help="word embedding association test: effect size and p-value")
    parser.add_argument("--model", default="minilm-static", help="registry id or path to a vector file")
    parser.add_argument("--targets", default="", help='two target sets: "x1,x2|y1,y2"')
    parser.add_argument("--attributes", default="", help='two attribute sets: "a1,a2|b1,b2"')
    parser.add_argument("--test", default="", help="a shipped test id instead (weat1 … weat10, zh-…; see weat-tests)")
    parser.add_argument(
        "--std",
        choices=list(weat.STDS),
        default="population",
        help="effect size's standard deviation: population (ddof=0, as WEFE) or sample (ddof=1)",
    )
    parser.add_argument("--samples", type=int, default=weat.DEFAULT_SAMPLES, help="random splits when the test is sampled")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sampled splits")
    parser.add_argument("--exact-limit", type=int, default=weat.DEFAULT_EXACT_LIMIT, help="count every split up to this many")
    parser.add_argument(
        "--max-lost", type=float, default=weat.DEFAULT_MAX_LOST, help="largest share of a set that may be unknown"
    )
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=_weat, formatter=_format)

    parser = subparsers.add_parser("weat-tests", help="list the shipped WEAT word sets")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=_list, formatter=_format)
