"""Model files and search at scale: ``convert``, ``download``, ``semantic``.

``python -m embedlab convert sgns.literature.word.bz2 [--float16] [--ann]`` builds the
memory-mapped cache (and the HNSW index); ``download URL|HUB_ID [--sha256 H]`` fetches into the
models folder (``download cc.zh.300.vec [--words N]`` streams fastText's Chinese vectors, keeping the
first N words, and caches them; ``download URL.vec.gz --words N`` does the same for any address);
``semantic --model minilm --corpus alice "a rabbit in a hurry"`` searches a corpus's sentences through
Milvus (indexing them first when needed).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from embedlab.cli import progress as _progress
from embedlab.errors import InvalidInputError
from embedlab.io import downloads, streamed_vectors, vector_cache
from embedlab.serving import manager, milvus_store, registry
from embedlab.static import ann
from embedlab.training.samples import SAMPLES


def _convert(args: argparse.Namespace) -> dict:
    path = Path(args.file).expanduser()
    if not path.is_file():
        raise InvalidInputError(f"No such vector file: {path}")
    started = time.perf_counter()
    folder = vector_cache.convert(path, limit=args.limit, float16=args.float16, progress=_progress("reading"))
    result = {"cache": str(folder), "seconds": round(time.perf_counter() - started, 2)}
    kv = vector_cache.load_cache(folder)
    result.update(count=len(kv.index_to_key), dims=int(kv.vector_size))
    if args.ann:
        index = ann.load_or_build(kv, progress=_progress("building HNSW index"))
        result["index"] = str(ann.index_path(kv, m=index.m, ef_construction=index.ef_construction))
    return result


def _download(args: argparse.Namespace) -> dict:
    seed = manager.seed_by_id(args.source)
    if seed is not None and (seed.url or seed.hub_id):
        if seed.url is None and args.words is not None:
            raise InvalidInputError(f"--words applies to vector files; {seed.id} is a hub model and downloads whole.")
        path = manager.download_seed(
            seed, words=args.words, progress=_progress("downloading"), cache_progress=_progress("caching")
        )
        return {"path": str(path)}
    if args.words is not None:
        if not args.source.startswith(("http://", "https://")):
            raise InvalidInputError(
                f"--words applies to a vector file's web address or a seed id ({_seed_ids()}), not {args.source!r}."
            )
        if args.sha256:
            raise InvalidInputError("--sha256 cannot check a file cut after --words words: give one or the other.")
        done = streamed_vectors.download_vectors(
            args.source, words=args.words, filename=args.name, progress=_progress("downloading")
        )
        manager.add_local(done.path.name, progress=_progress("caching"))
        return {
            "path": str(done.path),
            "words": done.words,
            "dims": done.dims,
            "fetched_bytes": done.fetched_bytes,
            "resumed_from": done.resumed_from,
        }
    if args.source.startswith(("http://", "https://")):
        fetched = downloads.download_url(args.source, sha256=args.sha256, filename=args.name, progress=_progress("downloading"))
        return {"path": str(fetched.path), "bytes": fetched.size, "sha256": fetched.sha256, "resumed_from": fetched.resumed_from}
    folder = downloads.download_hub(args.source, progress=_progress("downloading"))
    return {"path": str(folder)}


def _seed_ids() -> str:
    return ", ".join(seed.id for seed in manager.SEEDS if seed.url or seed.hub_id)


def _semantic(args: argparse.Namespace) -> dict:
    store = milvus_store.connect()
    try:
        encode = milvus_store.sentence_encoder(registry.load_model(args.model, kind="sentence"))
        name = milvus_store.collection_name(args.model, f"{args.corpus}:{args.n}")
        if not milvus_store.count(store, name):
            sentences = milvus_store.corpus_sentences(args.corpus, limit=args.n)
            milvus_store.index_sentences(store, name, sentences, encode, progress=_progress("encoding"))
        hits = milvus_store.search_text(store, name, args.query, encode, topn=args.topn)
    finally:
        store.client.close()
    return {"store": store.target.label, "results": [{"text": h.text, "score": h.score} for h in hits]}


def _format(result: dict) -> str:
    if "results" in result:
        return "\n".join(f"{r['score']:.4f}\t{r['text']}" for r in result["results"])
    return "\n".join(f"{key}: {value}" for key, value in result.items())


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "convert", help="cache a word2vec text file for memory-mapped loading (and build its HNSW index)"
    )
    parser.add_argument("file")
    parser.add_argument("--limit", type=int, default=None, help="keep only the first N words")
    parser.add_argument("--float16", action="store_true", help="store the cache as float16 (half the disk)")
    parser.add_argument("--ann", action="store_true", help="also build the approximate-neighbour index")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=_convert, formatter=_format)

    parser = subparsers.add_parser("download", help="download a model into the models folder (URL, hub id or seed id)")
    parser.add_argument("source", help=f"an http(s) address, a hub id such as BAAI/bge-m3, or a seed id ({_seed_ids()})")
    parser.add_argument(
        "--words",
        type=int,
        default=None,
        help="for a vector file (.vec/.txt, optionally .gz): keep the first N words, streaming "
        "(the rest is never downloaded); cc.zh.300.vec keeps 200,000 unless told",
    )
    parser.add_argument("--sha256", default=None, help="expected checksum (the file is removed on a mismatch)")
    parser.add_argument("--name", default=None, help="file name to save under")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=_download, formatter=_format)

    parser = subparsers.add_parser("semantic", help="search a sample corpus's sentences by meaning (Milvus)")
    parser.add_argument("query")
    parser.add_argument("--model", default="minilm")
    parser.add_argument("--corpus", default="alice", choices=[s.id for s in SAMPLES])
    parser.add_argument("--n", type=int, default=500, help="index the first N sentences")
    parser.add_argument("--topn", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=_semantic, formatter=_format)
