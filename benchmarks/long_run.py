"""A long run: N sessions for M minutes across every page, watching the server for leaks and errors.

    .venv/bin/python benchmarks/long_run.py                      # 8 sessions for 30 minutes (the goal's setting)
    .venv/bin/python benchmarks/long_run.py --sessions 8 --minutes 10

Each session is a protocol-level client (``tests/streamlit_client.py``: Streamlit's own websocket
and protobuf messages, no browser), so the clients cost little and the server is what is measured.
A session opens a random page's share link, changes its widget twice (as ``load_client.py`` does),
pauses 1–3 s like a reader, and moves on, until the time is up.

Reported:

* errors: runs that ended in an exception box, a script error or a time-out (goal 0);
* per-interaction time p50/p95, two ways: from the client (sending a page view or widget change
  to the server's ``script_finished`` for it, over loopback), and from the server's own log of its
  script runs (``EMBEDLAB_RUN_LOG``, set for the server started here: wall time of each run, page
  runs and fragment reruns, with no network or client in it);
* the server's CPU per interaction, two ways: its process tree's CPU time over the run divided by
  the interactions (everything: other threads, Milvus, warm-ups), and the script thread's own CPU
  per run from the log;
* the server's memory (RSS), threads and open files every ``--every`` seconds; after warm-up (the
  first sample after every page has been served once) memory should grow by < 50 MB and threads and
  files stay flat;
* the client's own share of the CPU beside the server's, so that it is clear what was measured.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_support import (  # noqa: E402
    load_average,
    percentile,
    server,
    server_run_times,
    tree_cpu_seconds,
    tree_rss,
    wait_until_idle,
)
from load_client import PAGES  # noqa: E402
from streamlit_client import StreamlitClient  # noqa: E402


def tree_counts(process: psutil.Process) -> tuple[int, int]:
    """Threads and open files of the server process and its children."""
    threads = files = 0
    for proc in [process, *process.children(recursive=True)]:
        try:
            threads += proc.num_threads()
            files += len(proc.open_files())
        except psutil.Error:
            continue
    return threads, files


async def session(url: str, number: int, deadline: float, times: list[float], errors: list[str], served: set[str]) -> None:
    rng = random.Random(number)
    pages = list(PAGES)
    while time.monotonic() < deadline:
        page = rng.choice(pages)
        query, change = PAGES[page]
        try:
            async with StreamlitClient(url, timeout=180) as client:
                runs = [await client.open(page, query)]
                if change is not None:
                    label, values = change
                    for value in rng.sample(values, k=min(2, len(values))):
                        runs.append(await client.set_widget(label, value))
                for run in runs:
                    times.append(run.seconds)
                    if not run.ok:
                        errors.append(f"{page}: {run.exceptions[:1] or run.status}")
                served.add(page)
        except Exception as exc:  # a time-out or a dropped connection is an error to count, not a crash
            errors.append(f"{page}: {type(exc).__name__}: {exc}"[:200])
        await asyncio.sleep(rng.uniform(1.0, 3.0))


async def watch(process: psutil.Process, deadline: float, every: float, samples: list[tuple], served: set[str]) -> None:
    started = time.monotonic()
    while time.monotonic() < deadline:
        threads, files = tree_counts(process)
        samples.append((time.monotonic() - started, tree_rss(process) / 2**20, threads, files, len(served) == len(PAGES)))
        await asyncio.sleep(every)


async def run(url: str, process: psutil.Process, sessions: int, minutes: float, every: float) -> dict:
    times: list[float] = []
    errors: list[str] = []
    samples: list[tuple] = []
    served: set[str] = set()
    me = psutil.Process()
    cpu_server, cpu_client, wall = tree_cpu_seconds(process), me.cpu_times(), time.monotonic()
    deadline = time.monotonic() + minutes * 60
    await asyncio.gather(
        watch(process, deadline, every, samples, served),
        *(session(url, n, deadline, times, errors, served) for n in range(sessions)),
    )
    wall = time.monotonic() - wall
    client = me.cpu_times()
    return {
        "times": times,
        "errors": errors,
        "samples": samples,
        "wall": wall,
        "server_cpu": tree_cpu_seconds(process) - cpu_server,
        "client_cpu": (client.user + client.system) - (cpu_client.user + cpu_client.system),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--every", type=float, default=30, help="seconds between samples of the server")
    args = parser.parse_args()
    run_log = Path(tempfile.mkdtemp(prefix="embedlab-long-run-")) / "runs.jsonl"
    with server(env={"EMBEDLAB_RUN_LOG": str(run_log)}) as app:
        process = psutil.Process(app.process.pid)
        wait_until_idle(process.pid)
        print(f"{args.sessions} sessions for {args.minutes:g} min against {app.url} (load average before: {load_average()})")
        started = time.time()
        result = asyncio.run(run(app.url, process, args.sessions, args.minutes, args.every))
        time.sleep(1.0)  # the last runs' lines are written just after their script_finished
    server_times = server_run_times(run_log, since=started)
    times, samples = result["times"], result["samples"]
    print(f"\ninteractions: {len(times)}, errors: {len(result['errors'])}")
    for error in result["errors"][:10]:
        print("  ", error)
    if times:
        print(
            f"time per interaction, client-measured (send → script_finished): "
            f"p50 {percentile(times, 50):.2f} s, p95 {percentile(times, 95):.2f} s"
        )
        tree_ms = 1000 * result["server_cpu"] / len(times)
        print(f"server CPU per interaction (process tree over the run / interactions): {tree_ms:.0f} ms")
    if server_times["runs"]:
        print(
            f"time per interaction, server-measured ({server_times['runs']} runs in {run_log}, "
            f"{server_times['fragment_runs']} of them fragment reruns): "
            f"p50 {server_times['wall_p50_ms'] / 1000:.2f} s, p95 {server_times['wall_p95_ms'] / 1000:.2f} s"
        )
        print(
            f"script-thread CPU per interaction (server log): mean {server_times['cpu_mean_ms']:.0f} ms, "
            f"p95 {server_times['cpu_p95_ms']:.0f} ms"
        )
    else:
        print(f"no server-measured times: {run_log} is empty (see the server's log for why)")
    total = result["server_cpu"] + result["client_cpu"]
    print(
        f"CPU over {result['wall'] / 60:.1f} min: server {result['server_cpu']:.0f} s, clients {result['client_cpu']:.0f} s "
        f"(clients' share {100 * result['client_cpu'] / max(total, 1e-9):.1f} %); load average after: {load_average()}"
    )
    print("\n  t (min)   RSS (MB)  threads  files")
    for t, rss, threads, files, warm in samples:
        print(
            f"  {t / 60:7.1f}  {rss:9.0f}  {threads:7d}  {files:5d}{'' if warm else '   (warming up: not every page served yet)'}"
        )
    warm = [s for s in samples if s[4]]
    if len(warm) >= 2:
        first, last = warm[0], warm[-1]
        print(
            f"\nafter warm-up ({first[0] / 60:.1f} → {last[0] / 60:.1f} min): memory {last[1] - first[1]:+.0f} MB "
            f"(goal < 50), threads {first[2]} → {last[2]}, open files {first[3]} → {last[3]}"
        )
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
