"""Shared by the server benchmarks (issue 14): a server to measure, its models folder, and the machine's load.

Not a benchmark itself. The 188k x 300 model is written once by ``make_sgns_like.py`` into
``~/.cache/embedlab/bench/models`` (513 MB of text) and named ``sgns.literature.word`` so that the
app treats it as the article's Chinese model (its presets, the Chinese tour).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from streamlit_server import StreamlitServer  # noqa: E402

BENCH_MODELS = Path(os.environ.get("EMBEDLAB_BENCH_MODELS", Path.home() / ".cache" / "embedlab" / "bench" / "models"))
SGNS = "sgns.literature.word"


def sgns_models_dir() -> Path:
    """A models folder holding the 187,961 x 300 sgns-shaped file (written on first use, ~15 s)."""
    path = BENCH_MODELS / SGNS
    if not path.is_file():
        BENCH_MODELS.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_sgns_like.py"), str(path)], check=True)
    return BENCH_MODELS


def server(*, models_dir: Path | None = None, env: dict | None = None) -> StreamlitServer:
    """``streamlit run app.py`` on a loopback port, hub off, with its own config and (by default) an empty models folder."""
    home = Path(tempfile.mkdtemp(prefix="embedlab-bench-"))
    settings = {
        "EMBEDLAB_MODELS_DIR": str(models_dir or home / "models"),
        "EMBEDLAB_CONFIG": str(home / "none.toml"),
        "HF_HUB_OFFLINE": "1",
        "NUMBA_CACHE_DIR": os.environ.get("NUMBA_CACHE_DIR", str(Path.home() / ".cache" / "embedlab" / "numba")),
        "EMBEDLAB_MILVUS_URI": str(home / "milvus.db"),
    }
    return StreamlitServer(home / "streamlit.log", env={**settings, **(env or {})}, timeout=120)


def wait_until_idle(pid: int, *, below: float = 15.0, seconds: float = 120) -> float:
    """Wait until the process tree uses less than ``below`` % of a core over a second (start-up warm-ups done)."""
    process = psutil.Process(pid)
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if tree_cpu_percent(process, 1.0) < below:
            break
    return time.perf_counter() - started


def tree_cpu_seconds(process: psutil.Process) -> float:
    """User + system CPU of the process and its children (Milvus Lite runs in one)."""
    total = 0.0
    for p in [process, *process.children(recursive=True)]:
        try:
            times = p.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def tree_cpu_percent(process: psutil.Process, interval: float) -> float:
    before = tree_cpu_seconds(process)
    time.sleep(interval)
    return (tree_cpu_seconds(process) - before) / interval * 100


def tree_rss(process: psutil.Process) -> int:
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)])


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0-100) by linear interpolation; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def server_run_times(run_log: Path, *, since: float = 0.0) -> dict:
    """The server's own timing of its script runs (``EMBEDLAB_RUN_LOG``, ``embedlab/ui/timing.py``) from ``since`` (Unix time).

    Returns ``runs``, ``fragment_runs``, ``wall_p50_ms``/``wall_p95_ms`` (wall time of a run on the
    server: no network, no client), ``cpu_mean_ms``/``cpu_p95_ms`` (the script thread's CPU per run).
    """
    from embedlab.ui.timing import read_run_log

    records = [r for r in read_run_log(run_log) if r.get("t", 0) >= since]
    walls = [float(r["wall_ms"]) for r in records]
    cpus = [float(r["cpu_ms"]) for r in records]
    return {
        "runs": len(records),
        "fragment_runs": sum(1 for r in records if r.get("fragment")),
        "wall_p50_ms": percentile(walls, 50),
        "wall_p95_ms": percentile(walls, 95),
        "cpu_mean_ms": sum(cpus) / len(cpus) if cpus else float("nan"),
        "cpu_p95_ms": percentile(cpus, 95),
    }
