"""``project``: word vectors drawn in 2-D or 3-D, written as CSV (and Embedding Projector TSV).

The CSV's ``kept`` column is each word's share of its 10 nearest drawn words in the original
space (cosine) that are also among its 10 nearest in the picture (Euclidean).

    python -m embedlab project --model minilm-static --groups "apple,banana,pear|thames,nile,danube" \\
        --method umap --dims 2 --seed 0 --out coords.csv
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from embedlab import share
from embedlab.errors import InvalidInputError
from embedlab.progress import fraction
from embedlab.projection import engine as projection
from embedlab.projection import word_projection
from embedlab.serving import registry


def _selection(args: argparse.Namespace, model) -> word_projection.Selection:
    if args.top:
        return word_projection.frequent_words(model, args.top)
    groups = share.parse_groups(args.groups, "groups") if args.groups else [share.parse_words(args.words, "words")]
    return word_projection.select_words(model, groups, expand=args.expand, skip_missing=args.skip_missing)


def _stderr_progress():
    last = [""]

    def report(done: float, total: float, /, stage: str = "") -> None:
        if stage != last[0]:
            last[0] = stage
            print(f"[{fraction(done, total):4.0%}] {stage}", file=sys.stderr, flush=True)

    return report


def _write(path: str, text: str) -> str:
    target = Path(path).expanduser()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError(f"Cannot write {target}: {exc.strerror or exc}") from exc
    return str(target)


def _project(args: argparse.Namespace) -> dict:
    model = registry.load_model(args.model, kind="static")
    selection = _selection(args, model)
    result = word_projection.project_words(
        model,
        selection,
        method=args.method,
        dims=args.dims,
        seed=args.seed,
        n_neighbors=args.n_neighbors,
        min_dist=args.min_dist,
        perplexity=args.perplexity,
        progress=_stderr_progress() if sys.stderr.isatty() else None,
    )
    found = result.projection
    summary = {
        "model": model.id,
        "method": found.method,
        "dims": found.dims,
        "seed": found.seed,
        "parameters": found.parameters,
        "count": len(selection),
        "explained_variance": found.explained_variance,
        "trustworthiness": found.trustworthiness,
        "knn_preservation": found.knn_preservation,
        "quality_k": found.quality.k,
        "kept_k": min(10, result.distortion.max_k),
        "kept_mean": result.distortion.mean_kept(min(10, result.distortion.max_k)),
        "notes": [str(note) for note in result.notes],
        "seconds": round(found.seconds, 3),
    }
    if args.projector:
        folder = Path(args.projector).expanduser()
        summary["projector"] = [
            _write(str(folder / "vectors.tsv"), word_projection.projector_vectors(model, selection)),
            _write(str(folder / "metadata.tsv"), word_projection.projector_metadata(selection)),
        ]
    if args.out:
        summary["out"] = _write(args.out, word_projection.to_csv(result))
    elif not args.json:
        summary["csv"] = word_projection.to_csv(result)
    if args.json:
        summary["points"] = result.records()
    return summary


def _format(result: dict) -> str:
    if "csv" in result:
        return result["csv"].rstrip("\n")
    lines = [f"{result['count']} points, {result['method']} {result['dims']}-D, seed {result['seed']} → {result['out']}"]
    if result["explained_variance"]:
        lines.append("explained variance: " + ", ".join(f"{v:.1%}" for v in result["explained_variance"]))
    lines.append(
        f"trustworthiness@{result['quality_k']}: {result['trustworthiness']:.3f}"
        f"   k-NN preserved: {result['knn_preservation']:.1%}"
        f"   neighbours kept (k = {result['kept_k']}, the CSV's kept column): {result['kept_mean']:.1%}"
    )
    lines += [f"note: {note}" for note in result["notes"]]
    lines += [f"projector file: {path}" for path in result.get("projector", [])]
    return "\n".join(lines)


def register(subparsers) -> None:
    parser = subparsers.add_parser("project", help="draw words in 2-D or 3-D with PCA, UMAP or t-SNE (CSV out)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=_project, formatter=_format)
    parser.add_argument("--model", default="minilm-static", help="registry id or path to a vector file")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--words", help="comma-separated words (one group)")
    source.add_argument("--groups", help='word groups: "a,b,c|d,e|f,g"')
    source.add_argument("--top", type=int, help=f"the first N words of the vocabulary (up to {projection.MAX_POINTS:,})")
    parser.add_argument("--expand", type=int, default=0, help="also draw each word's K nearest neighbours")
    parser.add_argument(
        "--skip-missing", action="store_true", help="leave out unknown words (named in the notes) instead of failing"
    )
    parser.add_argument("--method", choices=projection.METHODS, default="pca")
    parser.add_argument("--dims", type=int, choices=projection.DIMS, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-neighbors", type=int, default=projection.DEFAULT_N_NEIGHBORS, help="UMAP")
    parser.add_argument("--min-dist", type=float, default=projection.DEFAULT_MIN_DIST, help="UMAP")
    parser.add_argument("--perplexity", type=float, default=projection.DEFAULT_PERPLEXITY, help="t-SNE")
    parser.add_argument("--out", help="write the coordinates here as CSV (word, group, x, y[, z], kept); default: print them")
    parser.add_argument(
        "--projector", help="also write vectors.tsv and metadata.tsv for projector.tensorflow.org into this folder"
    )
