"""Server cost and latency under load, measured with a protocol-level client (no browsers).

    .venv/bin/python benchmarks/load_client.py                         # every page, then 1/10/50/100 sessions (~6 min)
    .venv/bin/python benchmarks/load_client.py --sessions 1 10 --skip-pages
    .venv/bin/python benchmarks/load_client.py --think 0 --sessions 12 --page analogy   # everyone at once, no pause

Each simulated visitor is a websocket speaking Streamlit's own protobuf messages, as the browser
does (``tests/streamlit_client.py``): a page view is a share link opened in a new session; an
interaction is a widget change (a fragment's own rerun where the widget sits in one). So the
server, not a room of Chromium renderers, is what gets measured.

1. Cost per page view and per interaction, every page: one session at a time, after a warm-up
   view; server CPU is the process tree's user+system time over the runs, divided by their number.
2. Latency under load: N sessions open the explorer (or ``--page``) link at the same moment, then
   each makes ``--interactions`` changes, pausing ``--think`` seconds (uniform 0.5x-1.5x) between
   them as a person reading the result would. p50/p95 of the views and of the interactions; the
   baseline is one session alone, measured first in the same run.

Goals (issue 14): <= 150 ms of server CPU per explorer or analogy interaction; 50 concurrent
sessions on the explorer with p95 <= 2 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import load_average, percentile, server, tree_cpu_seconds, tree_rss, wait_until_idle  # noqa: E402
from streamlit_client import StreamlitClient  # noqa: E402

WORDS = [
    "queen",
    "paris",
    "music",
    "river",
    "doctor",
    "apple",
    "table",
    "house",
    "water",
    "light",
    "green",
    "happy",
    "city",
    "money",
    "school",
    "winter",
    "horse",
    "ocean",
    "bread",
    "army",
    "garden",
    "engine",
    "letter",
    "summer",
]
PAIRS = [
    "king,woman",
    "paris,japan",
    "boy,queen",
    "uncle,woman",
    "brother,woman",
    "prince,woman",
    "father,woman",
    "son,girl",
    "actor,woman",
    "husband,girl",
    "king,girl",
    "emperor,woman",
]

# page -> (share-link query, widget label changed by an interaction, values it takes); None: a view only
PAGES = {
    "home": ("lang=en", None),
    "explorer": ("lang=en&model=minilm-static&word=king&topn=10", ("Word", WORDS)),
    "analogy": ("lang=en&model=minilm-static&pos=king,woman&neg=man&topn=10", ("Plus (comma-separated)", PAIRS)),
    "projection": ("lang=en&model=minilm-static", ("Dimensions", ["3-D", "2-D"])),
    "compare": (
        "lang=en&model=minilm-static&model_b=classics-en",
        ("Words to follow (optional, comma-separated)", ["king", "lady", "house", "queen"]),
    ),
    "axes": ("lang=en&model=minilm-static", ("Axis y (optional)", ["young-old", "rich-poor", "strong-weak", "happy-sad"])),
    "bias": ("lang=en&model=minilm-static&test=weat7", ("Random splits", [10_000.0, 20_000.0])),
    "polysemy": ("lang=en&model=minilm", ("Layer", ["last 4 layers (mean)", "last layer"])),
    "sentences": (
        "lang=en&model=minilm",
        (
            "Sentences (one per line, 2 to 50)",
            [
                "I like this book.\nI do not like this book.\nThe film was great.",
                "A cat sat on the mat.\nA dog lay on the rug.\nStocks fell today.",
            ],
        ),
    ),
    "search": ("lang=en&model=minilm", None),
    "train": ("lang=en", None),
    "evaluate": ("lang=en&model=minilm-static&task=pairs&pairs=en/wordsim353.tsv", None),
    "models": ("lang=en", None),
}


async def page_costs(url: str, process: psutil.Process, repeats: int) -> list[tuple]:
    rows = []
    for page, (query, change) in PAGES.items():
        async with StreamlitClient(url) as warm:
            first = await warm.open("" if page == "home" else page, query)  # loads its models, compiles what it compiles
        views, cpu_views = [], 0.0
        for _ in range(repeats):
            async with StreamlitClient(url) as client:
                before = tree_cpu_seconds(process)
                run = await client.open("" if page == "home" else page, query)
                cpu_views += tree_cpu_seconds(process) - before
                views.append(run.seconds)
        interactions, cpu_interactions = [], 0.0
        if change is not None:
            label, values = change
            async with StreamlitClient(url) as client:
                await client.open("" if page == "home" else page, query)
                await client.set_widget(label, values[0])
                for value in (values[1:] * repeats)[:repeats]:
                    before = tree_cpu_seconds(process)
                    run = await client.set_widget(label, value)
                    cpu_interactions += tree_cpu_seconds(process) - before
                    interactions.append(run.seconds)
                    if not run.ok:
                        raise RuntimeError(f"{page}: {run.exceptions}")
        change = (percentile(interactions, 50), cpu_interactions / repeats) if interactions else (None, None)
        rows.append((page, first.seconds, percentile(views, 50), cpu_views / repeats, *change))
    return rows


async def visitor(
    url: str,
    page: str,
    number: int,
    interactions: int,
    think: float,
    start: asyncio.Event,
    views: list,
    changes: list,
    errors: list,
) -> None:
    query, (label, values) = PAGES[page]
    rng = random.Random(number)
    await start.wait()
    try:
        async with StreamlitClient(url, timeout=600) as client:
            run = await client.open(page, query)
            views.append(run.seconds)
            for index in range(interactions):
                if think:
                    await asyncio.sleep(think * rng.uniform(0.5, 1.5))
                run = await client.set_widget(label, values[(number + index) % len(values)])
                changes.append(run.seconds)
                if not run.ok:
                    errors.append(f"visitor {number}: {run.exceptions[:1]}")
    except Exception as exc:  # every failure is counted and reported
        errors.append(f"visitor {number}: {type(exc).__name__}: {str(exc)[:200]}")


async def crowd(url: str, page: str, sessions: int, interactions: int, think: float) -> tuple[list, list, list]:
    views: list[float] = []
    changes: list[float] = []
    errors: list[str] = []
    start = asyncio.Event()
    tasks = [
        asyncio.create_task(visitor(url, page, n, interactions, think, start, views, changes, errors)) for n in range(sessions)
    ]
    await asyncio.sleep(0.1)
    start.set()  # everyone follows the link at the same moment
    await asyncio.gather(*tasks)
    return views, changes, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, nargs="*", default=[1, 10, 50, 100])
    parser.add_argument("--interactions", type=int, default=5, help="widget changes per session under load")
    parser.add_argument("--think", type=float, default=5.0, help="mean pause between a session's changes, seconds")
    parser.add_argument("--page", default="explorer", choices=["explorer", "analogy"])
    parser.add_argument("--repeats", type=int, default=8, help="views and interactions per page for the cost table")
    parser.add_argument("--skip-pages", action="store_true", help="only the load part")
    args = parser.parse_args()

    with server() as app:
        process = psutil.Process(app.process.pid)
        asyncio.run(_open_home(app.url))
        wait_until_idle(app.process.pid)  # the start-up warm-up runs in the background
        print(f"EmbedLab server cost, protocol-level client ({load_average()} at start)")
        if not args.skip_pages:
            rows = asyncio.run(page_costs(app.url, process, args.repeats))
            print(f"\n{'page':12s} {'first view':>10s} {'view p50':>9s} {'CPU/view':>9s} {'change p50':>10s} {'CPU/change':>10s}")
            for page, first, view, cpu_view, change, cpu_change in rows:
                shown = f"{change * 1000:8.0f}ms {cpu_change * 1000:8.0f}ms" if change is not None else f"{'-':>10s} {'-':>10s}"
                print(f"{page:12s} {first:9.2f}s {view * 1000:7.0f}ms {cpu_view * 1000:7.0f}ms {shown}")
            print(f"({load_average()})")
        print(
            f"\nLoad on /{args.page}: N sessions open the link at once, then {args.interactions} changes each, "
            f"~{args.think:g} s apart (uniform 0.5x-1.5x)"
        )
        print(
            f"{'sessions':>8s} {'view p50':>9s} {'view p95':>9s} {'change p50':>10s} {'change p95':>10s} {'CPU/run':>10s} "
            f"{'errors':>6s} {'wall':>6s}  load average"
        )
        solo = None
        for sessions in args.sessions:
            cpu_before = tree_cpu_seconds(process)
            started = time.perf_counter()
            views, changes, errors = asyncio.run(crowd(app.url, args.page, sessions, args.interactions, args.think))
            wall = time.perf_counter() - started
            cpu = (tree_cpu_seconds(process) - cpu_before) / max(1, len(views) + len(changes))
            solo = solo or percentile(changes, 50)
            print(
                f"{sessions:8d} {percentile(views, 50) * 1000:7.0f}ms {percentile(views, 95) * 1000:7.0f}ms "
                f"{percentile(changes, 50) * 1000:8.0f}ms {percentile(changes, 95) * 1000:8.0f}ms {cpu * 1000:8.0f}ms "
                f"{len(errors):6d} {wall:5.0f}s  {load_average()}",
                flush=True,
            )
            for line in errors[:3]:
                print("   ", line)
        print(f"server memory after the load: {tree_rss(process) / 2**20:.0f} MiB")
        print("goal: CPU per explorer/analogy change <= 150 ms; 50 sessions on the explorer: change p95 <= 2 s")
    return 0


async def _open_home(url: str) -> None:
    async with StreamlitClient(url) as client:
        await client.open("", "lang=en")


if __name__ == "__main__":
    sys.exit(main())
