"""Plain helpers the test files share: paths, data, small models on disk, and driving the app.

``conftest.py`` holds what pytest injects (fixtures, the session's private folders); this module
holds what tests call by name, imported as ``from helpers import ...`` (pytest puts ``tests/`` on
``sys.path``: see ``pythonpath`` in pyproject.toml). Nothing here runs at import time, so
importing it never loads embedlab, Streamlit or a browser.

Waiting in the browser
----------------------
A Streamlit page is ready when its script run has finished: the app root then carries
``data-test-script-state="notRunning"`` (:data:`APP_IDLE`). Tests never sleep for a fixed time;
they wait for a condition:

* after opening a URL, :func:`open_app` waits for a finished run that drew the page;
* after a click or a key press, wait for what the rerun must show (:func:`expect_text`,
  :func:`expect_chart_text`), then :func:`wait_for_app_idle` if the rest of the run matters. Checking
  ``notRunning`` straight after the click is not enough: the browser may not have heard yet that the
  rerun started, and would report the old run's "not running";
* before a screenshot, :func:`wait_for_paint` lets charts and tables draw their pixels.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

if TYPE_CHECKING:  # imported inside app_test: Streamlit's testing module is heavy
    from streamlit.testing.v1 import AppTest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout: ``app.py``, ``pages/``, ``embedlab/``."""

SCREENSHOTS = Path(os.environ.get("EMBEDLAB_SCREENSHOTS") or PROJECT_ROOT / "artifacts")
"""Where browser tests save what people would see (EMBEDLAB_SCREENSHOTS moves it); git ignores it."""

APP_IDLE = '.stApp[data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'
"""The app root while connected and between script runs."""


# ------------------------------------------------------------------ shared data


def data_root() -> Path:
    """Where the shared corpora, word lists and models live: EMBEDLAB_DATA_DIR, else ``../shared/data``.

    Returns
    -------
    Path
        The folder, whether or not it exists (see :func:`shared_data_dir`).
    """
    return Path(os.environ.get("EMBEDLAB_DATA_DIR") or PROJECT_ROOT.parent / "shared" / "data")


def shared_data_dir() -> Path:
    """The shared data folder, or skip the calling test when it is absent.

    Returns
    -------
    Path
        :func:`data_root`, known to hold ``SOURCES.md``.

    Raises
    ------
    pytest.skip.Exception
        When the data is missing (most machines without ``../shared``).
    pytest.fail.Exception
        When it is missing but EMBEDLAB_REQUIRE_DATA=1 says it must be there (CI with the data).
    """
    root = data_root()
    if not (root / "SOURCES.md").is_file():
        if os.environ.get("EMBEDLAB_REQUIRE_DATA") == "1":
            pytest.fail(f"EMBEDLAB_REQUIRE_DATA=1 but the shared data is missing at {root}")
        pytest.skip(f"shared data not found at {root}")
    return root


def segment_novel(path: Path, *, max_chars: int | None = None) -> list[list[str]]:
    """Sentences of a Chinese novel cut into words by jieba (punctuation and spaces dropped).

    Parameters
    ----------
    path:
        A UTF-8 text file.
    max_chars:
        Read only this many characters from the start (fast tests), or all when None.

    Returns
    -------
    list[list[str]]
        One word list per sentence that has at least two words with Chinese characters.
    """
    import re

    import jieba

    jieba.setLogLevel(60)
    text = path.read_text(encoding="utf-8")[:max_chars]
    sentences = []
    for chunk in re.split(r"[。！？\n]+", text):
        words = [w for w in jieba.lcut(chunk) if re.search(r"[\u4e00-\u9fff]", w)]
        if len(words) > 1:
            sentences.append(words)
    return sentences


def write_vector_file(file_name: str, words: list[str], *, seed: int = 0, dims: int = 8) -> str:
    """A word2vec text file of ``words`` (seeded values) in the session's models folder.

    Parameters
    ----------
    file_name:
        The file's name inside EMBEDLAB_MODELS_DIR, which is also the model id.
    words:
        The vocabulary, one vector each.
    seed, dims:
        The random generator's seed and the vectors' length.

    Returns
    -------
    str
        The model id, for ``?model=`` and ``load_model``.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    folder = Path(os.environ["EMBEDLAB_MODELS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"{len(words)} {dims}"] + [w + " " + " ".join(f"{x:.5f}" for x in rng.normal(size=dims)) for w in words]
    (folder / file_name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return file_name


# ------------------------------------------------------------------ Milvus


class LiveMilvus:
    """A Milvus standalone server (the ``milvus`` test package, v2.3.5) on a loopback port.

    :meth:`stop` and :meth:`start` take it away and bring it back on the same address with the same
    data, as a restarted server would be (the package probes its ports without SO_REUSEADDR, so a
    restart would otherwise land on new ports while the old ones sit in TIME_WAIT).
    """

    def __init__(self, base_dir: Path):
        import socket

        from milvus import MilvusServer
        from streamlit_server import free_port

        def bind(port: int):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
                sock.listen()
                return sock
            except OSError:
                sock.close()
                return None

        self.server = MilvusServer()
        self.server.config.try_bind_port = bind
        self.server.set_base_dir(str(base_dir))
        self.server.listen_port = free_port()
        self.uri = f"http://127.0.0.1:{self.server.listen_port}"

    def start(self) -> None:
        self.server.start()
        assert self.server.listen_port == int(self.uri.rsplit(":", 1)[1]), "Milvus came back on another port"

    def stop(self) -> None:
        self.server.stop()

    @property
    def running(self) -> bool:
        return self.server.running


@contextlib.contextmanager
def own_milvus_lite(path: Path):
    """Point this process's Milvus at its own Lite file for the ``with`` block.

    Milvus Lite serves one process per file, and a browser test's server process may hold the shared
    one. Patched here, not through the environment, which the server process would inherit.

    Parameters
    ----------
    path:
        The Lite database file this process uses.

    Yields
    ------
    milvus_store.Target
        The target every Milvus call in this process now reaches.
    """
    from embedlab import ui
    from embedlab.serving import milvus_store

    own = milvus_store.Target(str(path))
    original = milvus_store.target
    milvus_store.target = lambda settings=None: own
    ui.milvus.clear()
    try:
        yield own
    finally:
        milvus_store.target = original
        ui.milvus.clear()


# ------------------------------------------------------------------ the app without a browser


def app_test(page: str | None = None, *, timeout: float = 120, **query) -> AppTest:
    """An AppTest of the whole app, switched to ``page`` and run once.

    Parameters
    ----------
    page:
        A page script such as ``"pages/explorer.py"``, or None for the home page.
    timeout:
        Seconds each run may take.
    **query:
        The URL's query parameters (a share link's state).

    Returns
    -------
    AppTest
        After its first run; inspect it, change widgets, ``.run()`` again.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=timeout)
    if page:
        at.switch_page(page)
    for name, value in query.items():
        at.query_params[name] = value
    return at.run()


# ------------------------------------------------------------------ the app in Chromium

# True once the page under <main> shows an element (a title, an error): the first load of a fresh server
# runs a deep-linked page twice (ui.start_page reruns before drawing anything), and the pause between the
# two runs also reads "notRunning", with nothing drawn yet.
_RUN_DREW_THE_PAGE = """(idle) => {
    if (!document.querySelector(idle)) return false;
    return !!document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]');
}"""

# Resolves once web fonts are in and the browser has painted twice (canvases draw on animation frames).
_PAINTED = """() => document.fonts.ready.then(() => new Promise(resolve =>
    requestAnimationFrame(() => requestAnimationFrame(() => resolve(true)))))"""


def open_app(page, url: str, *, timeout_ms: int = 60_000) -> None:
    """Navigate to ``url`` and wait until Streamlit has finished the script run that draws the page.

    Parameters
    ----------
    page:
        A Playwright page.
    url:
        The app's address with a page path and query, e.g. ``f"{app_url}/explorer?word=king"``.
    timeout_ms:
        How long the run may take (a cold model load or a UMAP is slow on a busy machine).
    """
    page.goto(url)
    page.wait_for_function(_RUN_DREW_THE_PAGE, arg=APP_IDLE, timeout=timeout_ms, polling=100)


def wait_for_app_idle(page, *, timeout_ms: int = 60_000) -> None:
    """Wait until no script run is going. After an action, first wait for something that run shows."""
    page.wait_for_selector(APP_IDLE, timeout=timeout_ms)


def wait_for_paint(page, *, timeout_ms: int = 30_000) -> None:
    """Wait until the app is idle and the browser has drawn the result (before a screenshot)."""
    wait_for_app_idle(page, timeout_ms=timeout_ms)
    page.evaluate(_PAINTED)


def wait_until(condition: Callable[[], bool], *, timeout_s: float = 30, interval_s: float = 0.2) -> bool:
    """Poll ``condition`` until it holds or ``timeout_s`` has passed; return its last answer.

    For states the browser cannot be asked about in JavaScript, e.g. pixels of a WebGL canvas read
    through a screenshot.
    """
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval_s)
    return True


def assert_no_exception(page) -> None:
    """Fail with the traceback's text when the page shows a Streamlit exception box."""
    boxes = page.locator('[data-testid="stException"]')
    assert boxes.count() == 0, boxes.first.inner_text()


def expect_text(page, text: str, *, timeout_ms: int = 30_000) -> None:
    """Wait until ``text`` is on the page (DOM text or a Plotly SVG label; st.dataframe draws on a canvas)."""
    page.get_by_text(text, exact=False).first.wait_for(state="attached", timeout=timeout_ms)


def expect_chart_text(page, text: str, *, timeout_ms: int = 30_000) -> None:
    """Wait until a Plotly chart has drawn ``text`` (a tick label, a point label or a legend entry)."""
    page.locator(".js-plotly-plot text", has_text=text).first.wait_for(state="attached", timeout=timeout_ms)


# ---------------------------------------------------------------- faults: commands, files, pages

MB = 2**20


def cli(*args: str, env: dict | None = None, preexec=None, timeout: float = 180) -> subprocess.CompletedProcess:
    """``python -m embedlab ARGS`` in a fresh process (as a user runs it)."""
    return subprocess.run(
        [sys.executable, "-m", "embedlab", *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        preexec_fn=preexec,
        timeout=timeout,
    )


def one_clear_line(result: subprocess.CompletedProcess, *needles: str) -> None:
    """A failed command said what happened on one line of stderr, with no traceback."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip() and "%" not in line]  # progress lines aside
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def vector_text(words: list[str], dims: int, *, seed: int = 0) -> str:
    """A word2vec text file's content: fixed-width numbers, so two seeds give files of the same size."""
    rng = np.random.default_rng(seed)
    rows = [w + " " + " ".join(f"{x:+.5f}" for x in np.clip(rng.normal(size=dims), -9, 9)) for w in words]
    return f"{len(words)} {dims}\n" + "\n".join(rows) + "\n"


def models_dir() -> Path:
    """The models folder of this test session (``EMBEDLAB_MODELS_DIR``)."""
    return Path(os.environ["EMBEDLAB_MODELS_DIR"])


def texts(at, *kinds: str) -> str:
    """Every message of the given kinds (``"error"``, ``"warning"``, ...) an AppTest run shows, as one string."""
    return " ".join(element.value.replace("\\", "") for kind in kinds for element in getattr(at, kind))


def files_in(folder: Path) -> list[str]:
    """Every file under ``folder``, relative and sorted: what a fault left behind."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
