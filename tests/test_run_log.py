"""``EMBEDLAB_RUN_LOG``: the server times its own script runs, full page runs and fragment reruns alike.

A live server is started with the variable set, a protocol-level client opens the explorer and
changes its word (a rerun of the neighbours fragment only), and the log must hold one line per run
with the page's name, the fragment flag and plausible times. Without the variable, or on a
Streamlit whose script runner is shaped differently, nothing is wrapped and the app runs as before.
"""

from __future__ import annotations

import asyncio
import logging
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit_client import StreamlitClient
from streamlit_server import StreamlitServer

from embedlab.ui import timing


async def _home_then_explorer(url: str) -> tuple:
    async with StreamlitClient(url) as client:
        home = await client.open("home", "lang=en")  # the process's first run: it installs the timing
        opened = await client.open("explorer", "lang=en&model=minilm-static&word=king&topn=5")
        changed = await client.set_widget("Word", "queen")
    return home, opened, changed


def test_the_server_logs_every_run_with_its_page_fragment_flag_and_times(tmp_path):
    run_log = tmp_path / "runs.jsonl"
    started = time.time()
    with StreamlitServer(tmp_path / "streamlit.log", env={"EMBEDLAB_RUN_LOG": str(run_log)}) as server:
        with ThreadPoolExecutor(max_workers=1) as pool:  # a loop of its own, whatever runs in this thread
            home, opened, changed = pool.submit(asyncio.run, _home_then_explorer(server.url)).result()
        time.sleep(0.5)  # the line is written once the run's clean-up is over, just after script_finished
    assert home.ok and opened.ok, (home.exceptions, opened.exceptions)
    assert changed.ok and changed.status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY

    records = timing.read_run_log(run_log)
    explorer = [r for r in records if r["page"] == "explorer"]
    assert [r["fragment"] for r in explorer] == [False, True], records
    full, fragment = explorer
    for record in explorer:
        assert set(record) == {"page", "fragment", "wall_ms", "cpu_ms", "t"}
        assert 0 < record["wall_ms"] < 120_000 and 0 <= record["cpu_ms"] <= record["wall_ms"] * 1.1 + 5
        assert started <= record["t"] <= time.time()
    # the server's own time is inside the client's: no network, no websocket, no client in it
    assert full["wall_ms"] <= opened.seconds * 1000 + 50 and fragment["wall_ms"] <= changed.seconds * 1000 + 50
    assert fragment["t"] > full["t"]
    assert all(r["page"] in ("home", "explorer") for r in records), records  # nothing else ran


def test_without_the_variable_nothing_is_wrapped(monkeypatch):
    from streamlit.runtime.scriptrunner import script_runner

    monkeypatch.delenv(timing.RUN_LOG_ENV, raising=False)
    before = script_runner.ScriptRunner._run_script
    assert timing.install_run_log() is False
    assert script_runner.ScriptRunner._run_script is before


def test_a_streamlit_without_the_expected_runner_is_told_in_the_log_and_runs_untimed(monkeypatch, tmp_path, caplog):
    from streamlit.runtime.scriptrunner import script_runner

    class OtherRunner:  # a future Streamlit whose runner has no _run_script
        pass

    monkeypatch.setenv(timing.RUN_LOG_ENV, str(tmp_path / "runs.jsonl"))
    monkeypatch.setattr(script_runner, "ScriptRunner", OtherRunner)
    monkeypatch.setattr(timing, "_installed", None)
    with caplog.at_level(logging.WARNING, logger="embedlab.ui.timing"):
        assert timing.install_run_log() is False
    assert "runs are not timed" in caplog.text
    assert not (tmp_path / "runs.jsonl").exists()


def test_a_line_cut_short_is_skipped(tmp_path):
    path = tmp_path / "runs.jsonl"
    whole = '{"page": "home", "fragment": false, "wall_ms": 3.5, "cpu_ms": 2.0, "t": 1.0}'
    path.write_text(whole + '\n{"page": "expl', encoding="utf-8")  # the server was killed mid-line
    assert timing.read_run_log(path) == [{"page": "home", "fragment": False, "wall_ms": 3.5, "cpu_ms": 2.0, "t": 1.0}]
    assert timing.read_run_log(tmp_path / "none.jsonl") == []


@pytest.fixture(autouse=True)
def _no_wrap_left_behind():
    """These tests never leave Streamlit's runner wrapped in the test process (AppTests run after them)."""
    from streamlit.runtime.scriptrunner import script_runner

    before = script_runner.ScriptRunner._run_script
    yield
    assert script_runner.ScriptRunner._run_script is before
