"""``train``: word2vec (CBOW or skip-gram) on text files, saved where the app finds it.

    python -m embedlab train --corpus novel.txt --lang zh --sg 0 --size 100 --window 5 \\
        --epochs 5 --min-count 5 --seed 1 --out models/novel.kv --json
    python -m embedlab train --sample hongloumeng --sg 1 --epochs 10     # a bundled book, names kept whole

``build-shipped``: rebuild the models that ship with EmbedLab (see :mod:`embedlab.training.shipped`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from embedlab.config import load_settings
from embedlab.errors import InvalidInputError
from embedlab.progress import fraction
from embedlab.training import corpus, samples, saving, tokenize
from embedlab.training import train as training


def _train(args: argparse.Namespace) -> dict:
    options = training.TrainOptions(
        sg=args.sg,
        vector_size=args.size,
        window=args.window,
        min_count=args.min_count,
        epochs=args.epochs,
        negative=args.negative,
        seed=args.seed,
        workers=args.workers,
    ).checked()
    if not args.corpus and not args.sample:
        raise InvalidInputError(
            "Give --corpus FILE ... or --sample ID (one of: " + ", ".join(s.id for s in samples.SAMPLES) + ")."
        )
    parts = [corpus.read_corpus_files(args.corpus)] if args.corpus else []
    parts += [tokenize.strip_boilerplate(samples.fetch_sample(sample_id)) for sample_id in args.sample or []]
    text = "\n\n".join(parts)
    user_dict = Path(args.user_dict).read_text(encoding="utf-8") if args.user_dict else None
    if user_dict is None and args.sample and args.lang != "en":
        user_dict = samples.names_dictionary("zh")  # the sample novels' character names stay whole
    segmented = corpus.segment(text, args.lang, user_dict=user_dict, hmm=args.hmm)
    print(
        f"{segmented.stats.tokens:,} tokens, {segmented.stats.vocabulary:,} distinct"
        f"{' (segmentation from cache)' if segmented.from_cache else ''}",
        file=sys.stderr,
    )

    def report(epoch: training.EpochReport) -> None:
        print(
            f"{epoch.architecture} epoch {epoch.epoch}/{epoch.epochs}: loss {epoch.loss:,.0f} ({epoch.seconds:.1f} s)",
            file=sys.stderr,
        )

    trained = training.train(segmented, options, on_epoch=report)
    if args.out:
        out = Path(args.out).expanduser()
        saved = saving.save_trained(trained, name=out.name, folder=out.parent, overwrite=args.overwrite, exact_name=True)
    else:
        name = saving.default_name(options, segmented.language, segmented.key)
        saved = saving.save_trained(trained, name=name, folder=load_settings().models_dir, overwrite=args.overwrite)
    return {
        "model_id": saved.model_id,
        "path": str(saved.path),
        "text_path": str(saved.text_path),
        "language": segmented.language,
        "architecture": options.architecture,
        "vocabulary": trained.model.vocab_size,
        "dims": trained.model.dims,
        "losses": list(trained.losses),
        "seconds": trained.seconds,
        "corpus": {
            "sentences": segmented.stats.sentences,
            "tokens": segmented.stats.tokens,
            "vocabulary": segmented.stats.vocabulary,
            "cached": segmented.from_cache,
        },
    }


def _format(result: dict) -> str:
    return (
        f"saved {result['path']} ({result['architecture']}, {result['vocabulary']:,} words × {result['dims']}, "
        f"{result['seconds']:.1f} s)\nword2vec text: {result['text_path']}"
    )


def register(subparsers) -> None:
    register_build(subparsers)
    defaults = training.TrainOptions()
    parser = subparsers.add_parser("train", help="train word2vec (CBOW or skip-gram) on text files")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=_train, formatter=_format)
    parser.add_argument("--corpus", nargs="+", metavar="F", help="text files (UTF-8, GB18030/GBK or UTF-16)")
    parser.add_argument(
        "--sample",
        nargs="+",
        metavar="ID",
        choices=[s.id for s in samples.SAMPLES],
        help="bundled books: " + ", ".join(s.id for s in samples.SAMPLES),
    )
    parser.add_argument("--lang", choices=["auto", *tokenize.LANGUAGES], default="auto", help="zh: jieba; en: simple tokeniser")
    parser.add_argument("--sg", type=int, choices=[0, 1], default=defaults.sg, help="0 = CBOW, 1 = skip-gram")
    parser.add_argument("--size", type=int, default=defaults.vector_size, help="vector dimensions")
    parser.add_argument("--window", type=int, default=defaults.window)
    parser.add_argument("--epochs", type=int, default=defaults.epochs)
    parser.add_argument("--min-count", type=int, default=defaults.min_count)
    parser.add_argument("--negative", type=int, default=defaults.negative, help="negative samples")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--workers", type=int, default=defaults.workers, help="threads (1 = reproducible)")
    parser.add_argument("--user-dict", metavar="F", help="jieba user dictionary (word [freq] [tag] per line)")
    parser.add_argument("--hmm", action="store_true", help="let jieba guess unknown words with its HMM")
    parser.add_argument("--out", metavar="PATH", help="where to save (NAME.kv); default: the models directory")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing model of that name")


def _build_shipped(args: argparse.Namespace) -> dict:
    from embedlab.training import shipped

    built = {}
    for model_id in args.models or [model.id for model in shipped.SHIPPED]:
        shipped.get(model_id)  # an unknown id fails before any work
        last = [""]

        def report(done: float, total: float, /, stage: str = "", model_id=model_id, last=last) -> None:
            part = fraction(done, total)
            line = f"{model_id}: {stage} {part:4.0%}"
            if line != last[0]:
                print(line, file=sys.stderr, end="\r" if part < 1 else "\n")
                last[0] = line

        path = shipped.build(model_id, folder=args.folder, progress=report)
        built[model_id] = {"path": str(path), **((shipped.metadata(model_id) or {}) if args.folder is None else {})}
    return built


def register_build(subparsers) -> None:
    from embedlab.training import shipped

    parser = subparsers.add_parser("build-shipped", help="rebuild the word2vec models that ship with EmbedLab")
    parser.add_argument(
        "models", nargs="*", metavar="ID", help="model ids (default: all): " + ", ".join(m.id for m in shipped.SHIPPED)
    )
    parser.add_argument("--folder", metavar="DIR", help="write here instead of embedlab/data/models")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(handler=_build_shipped)
