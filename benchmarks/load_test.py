"""Load test: N concurrent browser sessions, each making M interactions across the pages.

    .venv/bin/python benchmarks/load_test.py [--sessions 20] [--interactions 10]

Starts the app on a loopback port, opens N Playwright contexts in one headless Chromium, and has
each follow share links round-robin across the pages (every load waits until the page's chart is
drawn). Prints errors, p50/p95 latency and the server's memory before and after; the baseline is
one session alone, measured first in the same run, so the ratio shows the cost of sharing.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from streamlit_server import PROJECT_ROOT, StreamlitServer  # noqa: E402

# (page file, share-link path and query, text that must be drawn in a chart)
INTERACTIONS = [
    ("pages/explorer.py", "explorer?model=minilm-static&word={w}&topn=5", None),
    ("pages/analogy.py", "analogy?model=minilm-static&pos=king,woman&neg=man&topn=5&method={m}", "queen"),
    ("pages/explorer.py", "explorer?model=minilm-static&word={w}&words=apple,banana,orange,car", "car"),
    (
        "pages/projection.py",
        "projection?model=minilm-static&groups=king,queen,prince|apple,banana,pear&method=pca&dims=2",
        "banana",
    ),
    ("pages/polysemy.py", "polysemy?model=minilm&word=apple&s=He+ate+an+apple.&s=Apple+makes+phones.", None),
    ("pages/sentences.py", "sentences?model=minilm&s=I+like+this+book.&s=I+do+not+like+this+book.", None),
]
WORDS = ["king", "queen", "apple", "paris", "music", "river", "doctor", "computer"]


async def interact(page, base: str, index: int, rng: random.Random) -> float:
    available = [i for i in INTERACTIONS if (PROJECT_ROOT / i[0]).is_file()]
    _, path, drawn = available[index % len(available)]
    url = f"{base}/{path.format(w=rng.choice(WORDS), m=rng.choice(['add', 'mul']))}"
    started = time.perf_counter()
    await page.goto(url, timeout=120_000)  # as every other wait here: 20 renderers share 2 cores
    await page.wait_for_selector('[data-testid="stApp"]', timeout=120_000)
    await page.wait_for_timeout(300)
    await page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=120_000)
    if drawn:
        await page.locator(".js-plotly-plot text", has_text=drawn).first.wait_for(state="attached", timeout=120_000)
    else:
        await page.locator(".js-plotly-plot").first.wait_for(state="attached", timeout=120_000)
    elapsed = time.perf_counter() - started
    if await page.locator('[data-testid="stException"]').count():
        raise RuntimeError(f"exception box on {url}")
    return elapsed


async def session(browser, base: str, number: int, interactions: int, latencies: list, errors: list) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    rng = random.Random(number)
    for index in range(interactions):
        try:
            latencies.append(await interact(page, base, number + index, rng))
        except Exception as exc:  # every failure is counted and reported
            errors.append(f"session {number}, interaction {index}: {type(exc).__name__}: {str(exc)[:200]}")
    await context.close()


async def run(base: str, sessions: int, interactions: int) -> tuple[list, list]:
    from playwright.async_api import async_playwright

    latencies: list[float] = []
    errors: list[str] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        await asyncio.gather(*(session(browser, base, n, interactions, latencies, errors) for n in range(sessions)))
        await browser.close()
    return latencies, errors


def tree_rss(process: psutil.Process) -> int:
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--interactions", type=int, default=10)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="embedlab-load-"))
    env = {"EMBEDLAB_MODELS_DIR": str(home / "models"), "EMBEDLAB_CONFIG": str(home / "none.toml")}
    with StreamlitServer(home / "streamlit.log", env=env) as server:
        process = psutil.Process(server.process.pid)
        warm, warm_errors = asyncio.run(run(server.url, 1, len(INTERACTIONS)))  # loads every model once
        rss_warm = tree_rss(process)
        solo, solo_errors = asyncio.run(run(server.url, 1, args.interactions))
        started = time.perf_counter()
        latencies, errors = asyncio.run(run(server.url, args.sessions, args.interactions))
        wall = time.perf_counter() - started
        rss_after = tree_rss(process)
    errors = warm_errors + solo_errors + errors
    total = args.sessions * args.interactions
    p50 = statistics.median(latencies) if latencies else float("nan")
    p95 = statistics.quantiles(latencies, n=20)[18] if len(latencies) >= 20 else max(latencies, default=float("nan"))
    solo_p50 = statistics.median(solo) if solo else float("nan")
    print(f"sessions={args.sessions} interactions/session={args.interactions} total={total} wall={wall:.1f}s")
    print(f"errors: {len(errors)}")
    for line in errors[:10]:
        print("  ", line)
    print(f"latency p50={p50:.2f}s p95={p95:.2f}s (one session alone: p50={solo_p50:.2f}s; ratio {p50 / solo_p50:.1f}x)")
    print(
        f"server memory: {rss_warm / 2**20:.0f} MiB after warm-up, {rss_after / 2**20:.0f} MiB after the load "
        f"({(rss_after - rss_warm) / 2**20:+.0f} MiB)"
    )
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
