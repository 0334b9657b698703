"""The server's own time for every script run, one JSON line each, when ``EMBEDLAB_RUN_LOG`` names a file.

A client can only time a run from outside (sending a rerun, waiting for ``script_finished``), which
adds the network, the websocket and the client's own scheduling. This module times each run where it
happens: ``app.py`` calls :func:`install_run_log` once per process, which wraps the method of
Streamlit's ``ScriptRunner`` that performs one run (a full page run or a fragment rerun; the pages
use ``st.fragment``) and appends to the file::

    {"page": "explorer", "fragment": true, "wall_ms": 41.7, "cpu_ms": 38.2, "t": 1733112000.12}

* ``page``: the page's URL path (``home`` for the default page);
* ``fragment``: whether only fragments were rerun (a widget inside an ``st.fragment`` changed);
* ``wall_ms``: wall-clock time of the run, from Streamlit taking the rerun request to the end of
  its post-run clean-up; a run that calls ``st.rerun()`` counts with the run it causes (the visitor
  waits for both);
* ``cpu_ms``: CPU time of the script thread over the same span (``time.thread_time``): work the
  script hands to other threads (torch's, numba's) is not in it;
* ``t``: when the run started (Unix time).

Without ``EMBEDLAB_RUN_LOG`` nothing is wrapped and nothing is written. The wrap reaches into
Streamlit's internals (``ScriptRunner._run_script``); if a Streamlit version lacks them, one warning
is logged and the app runs untimed. The first run of a fresh process is not timed: it is the run
that installs the wrap. ``benchmarks/long_run.py`` reads the file (:func:`read_run_log`).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

RUN_LOG_ENV = "EMBEDLAB_RUN_LOG"
"""The environment variable that names the run log (unset: no timing)."""

_install_lock = threading.Lock()
_write_lock = threading.Lock()
_installed: Path | None = None


def install_run_log() -> bool:
    """Time every script run of this process into ``$EMBEDLAB_RUN_LOG`` (once per process; cheap to call again).

    Returns
    -------
    bool
        Whether runs are being timed: False when the variable is unset or Streamlit's script
        runner is not shaped as expected (then a warning is logged and nothing changes).
    """
    global _installed
    target = os.environ.get(RUN_LOG_ENV, "").strip()
    if not target:
        return False
    with _install_lock:
        if _installed is not None:
            return True
        try:
            from streamlit.runtime.scriptrunner import script_runner

            runner_class = script_runner.ScriptRunner
            original = runner_class._run_script
        except (ImportError, AttributeError) as exc:
            log.warning("%s is set but Streamlit's script runner has changed (%s): runs are not timed", RUN_LOG_ENV, exc)
            return False
        path = Path(target).expanduser()
        runner_class._run_script = _timed(original, path)  # type: ignore[method-assign]  # the wrap is the point
        _installed = path
        log.info("Timing every script run into %s", path)
        return True


def _timed(original: Callable[..., Any], path: Path) -> Callable[..., Any]:
    """``original`` (``ScriptRunner._run_script``), appending one line to ``path`` per call."""

    @functools.wraps(original)
    def run_script(runner: Any, rerun_data: Any, *args: Any, **kwargs: Any) -> Any:
        started_at = time.time()
        wall = time.perf_counter()
        cpu = time.thread_time()  # the script thread: _run_script runs on it
        try:
            return original(runner, rerun_data, *args, **kwargs)
        finally:
            wall_ms = (time.perf_counter() - wall) * 1000
            cpu_ms = (time.thread_time() - cpu) * 1000
            try:
                record = {
                    "page": _page_name(rerun_data),
                    "fragment": bool(getattr(rerun_data, "fragment_id_queue", None)),
                    "wall_ms": round(wall_ms, 2),
                    "cpu_ms": round(cpu_ms, 2),
                    "t": round(started_at, 3),
                }
                _append(path, record)
            except Exception as exc:  # timing must never break a run
                log.warning("Could not log a script run into %s: %s", path, exc)

    return run_script


def _page_name(rerun_data: Any) -> str:
    """The URL path of the page that just ran, as the script thread's run context knows it."""
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None:
        page = ctx.pages_manager.get_pages().get(ctx.page_script_hash)
        if page is not None:
            name = page.get("url_pathname") or ""
            if name:
                return name
            if page.get("script_path"):
                return Path(page["script_path"]).stem
    return getattr(rerun_data, "page_name", "") or ""


def _append(path: Path, record: dict) -> None:
    """One line, written with a single call under a lock: sessions run on threads of their own."""
    line = json.dumps(record, ensure_ascii=False) + "\n"
    with _write_lock, path.open("a", encoding="utf-8") as out:
        out.write(line)


def read_run_log(path: str | Path) -> list[dict]:
    """The records of a run log, oldest first (a line cut short by a killed server is skipped).

    Parameters
    ----------
    path : str or Path
        The file ``EMBEDLAB_RUN_LOG`` named.

    Returns
    -------
    list of dict
        One dict per timed run, with the keys described in this module's docstring.
    """
    records = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    for line in lines:
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return records
