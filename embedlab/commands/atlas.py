"""``atlas``: the N most frequent words of a model on one map, clustered, written as CSV.

    python -m embedlab atlas --model sidamingzhu --top 5000 --method umap --seed 0 --out atlas.csv

The CSV has the columns ``word, x, y, cluster, label``; ``label`` is the cluster's label (its most
central words), the same on every row of the cluster. The atlas is kept in EmbedLab's cache
folder, so running the same command again (or opening the same atlas in the app) reads it back.
"""

from __future__ import annotations

import argparse
import sys

from embedlab.commands.project import _stderr_progress, _write
from embedlab.projection import atlas
from embedlab.projection.engine import DEFAULT_MIN_DIST, DEFAULT_N_NEIGHBORS, MAX_POINTS
from embedlab.serving import registry


def _atlas(args: argparse.Namespace) -> dict:
    model = registry.load_model(args.model, kind="static")
    found = atlas.load_or_build(
        model,
        top=args.top,
        method=args.method,
        seed=args.seed,
        n_neighbors=args.n_neighbors,
        min_dist=args.min_dist,
        clusters=args.clusters,
        progress=_stderr_progress() if sys.stderr.isatty() else None,
    )
    summary = {
        "model": model.id,
        "method": found.method,
        "seed": found.seed,
        "parameters": found.parameters,
        "count": len(found),
        "clusters": [
            {"cluster": c, "label": label, "size": int((found.clusters == c).sum()), "central": list(found.central[c])}
            for c, label in enumerate(found.labels)
        ],
        "trustworthiness": found.trustworthiness,
        "kept_mean": found.distortion.mean_kept(min(10, found.distortion.max_k)),
        "cached": found.cached,
        "seconds": round(found.seconds, 3),
    }
    if args.out:
        summary["out"] = _write(args.out, atlas.to_csv(found))
    elif not args.json:
        summary["csv"] = atlas.to_csv(found)
    return summary


def _format(result: dict) -> str:
    if "csv" in result:
        return result["csv"].rstrip("\n")
    source = "read from the cache" if result["cached"] else "computed"
    lines = [
        f"{result['count']:,} words, {result['method']}, seed {result['seed']}, {len(result['clusters'])} clusters "
        f"({source}; computing took {result['seconds']:.1f} s) → {result['out']}",
        f"trustworthiness: {result['trustworthiness']:.3f}   neighbours kept (k = 10): {result['kept_mean']:.1%}",
    ]
    lines += [f"  {c['cluster']:>2}  {c['size']:>6,}  {c['label']}" for c in result["clusters"]]
    return "\n".join(lines)


def register(subparsers) -> None:
    parser = subparsers.add_parser("atlas", help="the N most frequent words on one clustered map (CSV: word,x,y,cluster,label)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=_atlas, formatter=_format)
    parser.add_argument("--model", default="minilm-static", help="registry id or path to a vector file")
    parser.add_argument("--top", type=int, default=5_000, help=f"draw the first N words of the vocabulary (up to {MAX_POINTS:,})")
    parser.add_argument("--method", choices=atlas.METHODS, default="umap")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--clusters",
        type=int,
        default=0,
        help=f"k-means clusters (0: about sqrt(N) / 4, from 4 to 30; at most {atlas.MAX_CLUSTERS})",
    )
    parser.add_argument("--n-neighbors", type=int, default=DEFAULT_N_NEIGHBORS, help="UMAP")
    parser.add_argument("--min-dist", type=float, default=DEFAULT_MIN_DIST, help="UMAP")
    parser.add_argument("--out", help="write the CSV here; default: print it")
