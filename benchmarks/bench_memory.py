"""Server memory after every page was served once: what it holds, against the 800 MB goal.

    .venv/bin/python benchmarks/bench_memory.py                  # ~1 min
    .venv/bin/python benchmarks/bench_memory.py --static-only    # home + the static-vector pages, no preload

Starts the app on a loopback port (its own empty models folder: only the bundled models and the
shipped Chinese model), opens every page's share link once in English and the explorer in
Chinese (the shipped ``sidamingzhu``), each in a new session through the protocol-level client,
waits for the background warm-up to finish, and prints the resident memory of the server's
process tree (RSS; anonymous and file-backed parts from ``/proc``), the models it holds, and
the heavy packages it imported. Baseline, same run: the server's RSS when it first became healthy.
Goal (issue 14): under 800 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import load_average, server, tree_rss, wait_until_idle  # noqa: E402
from streamlit_client import StreamlitClient  # noqa: E402

VISITS = [
    ("", "lang=en"),
    ("explorer", "lang=en"),
    ("explorer", "lang=zh"),
    ("analogy", "lang=en"),
    ("projection", "lang=en"),
    ("compare", "lang=en"),
    ("axes", "lang=en"),
    ("bias", "lang=en"),
    ("polysemy", "lang=en"),
    ("sentences", "lang=en"),
    ("search", "lang=en"),
    ("train", "lang=en"),
    ("evaluate", "lang=en"),
    ("models", "lang=en"),
]
HEAVY = [
    "torch",
    "transformers",
    "sentence_transformers",
    "pymilvus",
    "milvus_lite",
    "FlagEmbedding",
    "peft",
    "datasets",
    "accelerate",
    "onnxruntime",
    "sklearn",
    "umap",
    "numba",
    "pynndescent",
    "faiss",
    "gensim",
    "jieba",
    "plotly",
    "pyarrow",
]


def status(pid: int) -> dict[str, int]:
    """RssAnon / RssFile / RssShmem of a process, MiB."""
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {line.split(":")[0]: int(line.split()[1]) >> 10 for line in lines if line.startswith("Rss")}


STATIC = {"", "explorer", "analogy", "projection", "compare", "axes", "bias"}


async def visit_all(url: str, visits: list[tuple[str, str]]) -> list[tuple[str, float, int]]:
    seen = []
    for page, query in visits:
        async with StreamlitClient(url, timeout=300) as client:
            run = await client.open(page, query)
            if not run.ok:
                raise RuntimeError(f"/{page}?{query}: {run.exceptions}")
            seen.append((f"/{page}?{query}", run.seconds, len(client.widgets)))
    return seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--static-only",
        action="store_true",
        help="only the home page and the static-vector pages, with EMBEDLAB_PRELOAD=0 (no contextual model)",
    )
    args = parser.parse_args()
    wanted = [v for v in VISITS if v[0] in STATIC] if args.static_only else VISITS
    with server(env={"EMBEDLAB_PRELOAD": "0"} if args.static_only else None) as app:
        process = psutil.Process(app.process.pid)
        healthy = tree_rss(process)
        started = time.perf_counter()
        visits = asyncio.run(visit_all(app.url, wanted))
        wait_until_idle(app.process.pid)
        took = time.perf_counter() - started
        total = tree_rss(process)
        parts = status(app.process.pid)
        children = {f"{c.name()} ({c.pid})": c.memory_info().rss >> 20 for c in process.children(recursive=True)}
        modules = _modules_of(app.process.pid)
    print(f"Server memory after serving {'the static pages' if args.static_only else 'every page'} once ({load_average()})")
    for where, seconds, _ in visits:
        print(f"  {where:22s} {seconds:6.2f} s")
    print(
        f"RSS when healthy: {healthy / 2**20:.0f} MiB; after the visits ({took:.0f} s): {total / 2**20:.0f} MiB "
        f"({total / healthy:.1f}x); server process {parts}; children {children or 'none'}"
    )
    if modules:
        print("heavy packages imported:", ", ".join(m for m in HEAVY if m in modules))
    print(f"goal under 800 MB: {'met' if total < 800 * 2**20 else f'missed by {(total - 800 * 2**20) / 2**20:.0f} MiB'}")
    return 0


def _modules_of(pid: int) -> set[str]:
    """Top-level packages whose shared libraries or sources the server has open or mapped."""
    found = set()
    try:
        for line in Path(f"/proc/{pid}/maps").read_text().splitlines():
            path = line.split()[-1]
            if "site-packages/" in path:
                found.add(path.split("site-packages/")[1].split("/")[0].split(".")[0])
    except OSError:
        pass
    return found


if __name__ == "__main__":
    sys.exit(main())
