"""Start-up: health after launch, and each page's first share link on a fresh server.

    .venv/bin/python benchmarks/bench_startup.py            # one fresh server per page (~3 min)

1. Health: seconds from starting ``python -m streamlit run app.py`` (what ``make run`` runs once
   its install stamp is there) until ``/_stcore/health`` answers 200. Baseline, same run: a
   Streamlit app of one line started the same way.
2. First view: for every page, a fresh server; its share link is opened (by the protocol-level
   client, so this is the server's part) as soon as the server is healthy: "page sent" is when its
   last element arrived (what a browser draws), "run ended" when the script run finished (on a
   fresh server that includes importing torch for the background warm-up, after the page).
3. The same on one fresh server, every page's link in turn (the background warm-ups, UMAP and the
   bundled MiniLM, run beside the visits).
Goal (issue 14): health within 3 s; every page's first share link within 5 s.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import ROOT, load_average  # noqa: E402
from load_client import PAGES  # noqa: E402
from streamlit_client import StreamlitClient  # noqa: E402
from streamlit_server import free_port  # noqa: E402


def launch(script: Path, home: Path) -> tuple[subprocess.Popen, str, float]:
    """Start ``streamlit run script``; return it, its URL and the seconds until health answered."""
    port = free_port()
    env = {
        **os.environ,
        "EMBEDLAB_MODELS_DIR": str(home / "models"),
        "EMBEDLAB_CONFIG": str(home / "none.toml"),
        "HF_HUB_OFFLINE": "1",
        "EMBEDLAB_MILVUS_URI": str(home / "milvus.db"),
        "NUMBA_CACHE_DIR": os.environ.get("NUMBA_CACHE_DIR", str(Path.home() / ".cache" / "embedlab" / "numba")),
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        cwd=script.parent,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    while time.perf_counter() - started < 120:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return process, url, time.perf_counter() - started
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{script} never became healthy")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


async def first_view(url: str, page: str, query: str) -> tuple[float, float, bool]:
    async with StreamlitClient(url, timeout=300) as client:
        run = await client.open("" if page == "home" else page, query)
        return run.drawn, run.seconds, run.ok


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="embedlab-startup-"))
    bare = home / "bare" / "app.py"
    bare.parent.mkdir()
    bare.write_text('import streamlit as st\nst.write("hello")\n', encoding="utf-8")
    health, baseline = [], []
    for _ in range(3):
        process, _, seconds = launch(bare, home)
        baseline.append(seconds)
        stop(process)
        process, _, seconds = launch(ROOT / "app.py", home)
        health.append(seconds)
        stop(process)
    print(f"Start-up ({load_average()})")
    print(
        f"health after launch: EmbedLab {min(health):.2f} s best / {max(health):.2f} s worst of 3; "
        f"a one-line Streamlit app {min(baseline):.2f} s ({min(health) / min(baseline):.2f}x)"
    )
    slow = []
    print(f"{'page':12s} {'health':>7s} {'page sent':>10s} {'run ended':>10s}  (fresh server each; the goal counts 'page sent')")
    for page, (query, _) in PAGES.items():
        process, url, seconds = launch(ROOT / "app.py", Path(tempfile.mkdtemp(prefix="embedlab-startup-")))
        try:
            view, ended, ok = asyncio.run(first_view(url, page, query))
        finally:
            stop(process)
        print(f"{page:12s} {seconds:6.2f}s {view:9.2f}s {ended:9.2f}s{'' if ok else '  (error)'}", flush=True)
        if view > 5:
            slow.append(page)
    print(f"({load_average()})")
    print(
        f"goal: health <= 3 s: {'met' if max(health) <= 3 else 'missed'}; first view <= 5 s on every page: "
        f"{'met' if not slow else 'missed on ' + ', '.join(slow)}"
    )

    # The other reading: one fresh server, every page's link followed once, one after another (a visitor
    # touring the app), so that the background warm-ups run beside the visits.
    process, url, _ = launch(ROOT / "app.py", Path(tempfile.mkdtemp(prefix="embedlab-startup-")))
    slow = []
    try:
        print("\none fresh server, each page's first link in turn:")
        for page, (query, _) in PAGES.items():
            view, ended, ok = asyncio.run(first_view(url, page, query))
            print(f"{page:12s} {view:9.2f}s {ended:9.2f}s{'' if ok else '  (error)'}", flush=True)
            if view > 5:
                slow.append(page)
    finally:
        stop(process)
    print(f"({load_average()}) first view <= 5 s on every page: {'met' if not slow else 'missed on ' + ', '.join(slow)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
