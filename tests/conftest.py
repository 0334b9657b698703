"""Shared fixtures: real data, real models loaded once, and a running app with a browser.

Tests never touch the user's own config or models folder: both point into a temporary folder
for the whole session (set before anything imports embedlab).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # imported inside app_test: Streamlit's testing module is heavy
    from streamlit.testing.v1 import AppTest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_SESSION_HOME = Path(tempfile.mkdtemp(prefix="embedlab-tests-"))
atexit.register(shutil.rmtree, _SESSION_HOME, ignore_errors=True)
os.environ["EMBEDLAB_MODELS_DIR"] = str(_SESSION_HOME / "models")
os.environ["EMBEDLAB_CONFIG"] = str(_SESSION_HOME / "embedlab.toml")
os.environ["EMBEDLAB_CACHE_DIR"] = str(_SESSION_HOME / "cache")  # segmentation cache, sample downloads
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("EMBEDLAB_PRELOAD", "0")  # no background model loads racing the tests' own pools (issue 14)
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _data_root() -> Path:
    return Path(os.environ.get("EMBEDLAB_DATA_DIR") or PROJECT_ROOT.parent / "shared" / "data")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """``../shared/data``; skips when absent unless EMBEDLAB_REQUIRE_DATA=1."""
    root = _data_root()
    if not (root / "SOURCES.md").is_file():
        if os.environ.get("EMBEDLAB_REQUIRE_DATA") == "1":
            pytest.fail(f"EMBEDLAB_REQUIRE_DATA=1 but the shared data is missing at {root}")
        pytest.skip(f"shared data not found at {root}")
    return root


@pytest.fixture(scope="session")
def minilm_static():
    from embedlab.serving.registry import load_model

    return load_model("minilm-static")


def segment_novel(path: Path, *, max_chars: int | None = None) -> list[list[str]]:
    """Sentences of a Chinese novel cut into words by jieba (punctuation and spaces dropped)."""
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


@pytest.fixture(scope="session")
def zh_w2v(data_dir):
    """A real word2vec trained on 三国演义 with jieba (a few seconds), as a StaticModel."""
    from gensim.models import Word2Vec

    from embedlab.static.model import StaticModel, freeze

    sentences = segment_novel(data_dir / "corpora" / "zh" / "sanguo_yanyi.txt")
    model = Word2Vec(sentences, vector_size=100, window=5, min_count=3, sg=0, epochs=20, seed=7, workers=2)
    return StaticModel("sanguo-test", freeze(model.wv), "zh", "word2vec trained on 三国演义 in the test session")


# ------------------------------------------------------------------ a live Milvus server


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


@pytest.fixture(scope="session")
def milvus_server(tmp_path_factory):
    """A live Milvus standalone server for the session (about 20 s to start); tests may stop and restart it."""
    try:
        import milvus  # noqa: F401
    except ImportError:
        if os.environ.get("EMBEDLAB_REQUIRE_DATA") == "1":
            raise
        pytest.skip("the Milvus server test needs: pip install milvus==2.3.5 (requirements-test.txt)")
    server = LiveMilvus(tmp_path_factory.mktemp("milvus-server"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def milvus_server_uri(milvus_server):
    """The address of :func:`milvus_server`."""
    return milvus_server.uri


# ------------------------------------------------------------------ app + browser


@pytest.fixture(scope="session")
def app_url():
    """Start ``streamlit run app.py`` on a loopback port for the session; yield its base URL."""
    from streamlit_server import StreamlitServer

    try:
        server = StreamlitServer(_SESSION_HOME / "streamlit.log").__enter__()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    yield server.url
    server.__exit__(None, None, None)


@pytest.fixture(scope="session")
def browser():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield instance
        instance.close()


@pytest.fixture()
def browser_page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def open_app(page, url: str, *, timeout_ms: int = 60_000) -> None:
    """Navigate and wait until Streamlit has finished running the script."""
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    # The status widget shows while the script runs; give it a moment to appear, then wait it out.
    page.wait_for_timeout(500)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=timeout_ms)
    page.wait_for_timeout(300)


def assert_no_exception(page) -> None:
    boxes = page.locator('[data-testid="stException"]')
    assert boxes.count() == 0, boxes.first.inner_text()


def app_test(page: str | None = None, *, timeout: float = 120, **query) -> AppTest:
    """An AppTest of the whole app, switched to ``page`` (e.g. ``"pages/explorer.py"``), run with ``query`` in the URL."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=timeout)
    if page:
        at.switch_page(page)
    for name, value in query.items():
        at.query_params[name] = value
    return at.run()


def write_vector_file(file_name: str, words: list[str], *, seed: int = 0, dims: int = 8) -> str:
    """A word2vec text file of ``words`` (seeded values) in the session's models folder; returns its model id."""
    import numpy as np

    rng = np.random.default_rng(seed)
    folder = Path(os.environ["EMBEDLAB_MODELS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"{len(words)} {dims}"] + [w + " " + " ".join(f"{x:.5f}" for x in rng.normal(size=dims)) for w in words]
    (folder / file_name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return file_name


@contextlib.contextmanager
def own_milvus_lite(path: Path):
    """Point this process's Milvus at its own Lite file: Milvus Lite serves one process per file, and a
    browser test's server process may hold the shared one (patched here, not through the environment,
    which the server process would inherit)."""
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


def expect_text(page, text: str, *, timeout_ms: int = 30_000) -> None:
    """Wait until ``text`` is on the page (DOM text or a Plotly SVG label; st.dataframe draws on a canvas)."""
    page.get_by_text(text, exact=False).first.wait_for(state="attached", timeout=timeout_ms)


def expect_chart_text(page, text: str, *, timeout_ms: int = 30_000) -> None:
    """Wait until a Plotly chart has drawn ``text`` (a tick label, a point label or a legend entry)."""
    page.locator(".js-plotly-plot text", has_text=text).first.wait_for(state="attached", timeout=timeout_ms)


def _apptest_without_pages_folder_mode() -> None:
    """Make AppTest behave like a running server after its first session.

    AppTest resets Streamlit's "old-style pages/ folder" flag before every run, so each run would go
    through the one-time deep-link fix in ``ui.start_page`` (a rerun that drops button clicks).
    A served app leaves that mode for good once app.py has called ``st.navigation``; this keeps
    AppTest in the same state by letting its reset land on a subclass.
    """
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import app_test as app_test_module

    class _NavigationPagesManager(PagesManager):
        pass

    PagesManager.uses_pages_directory = False
    # Through the module's namespace: mypy refuses a plain assignment to a name that holds a class.
    vars(app_test_module)["PagesManager"] = _NavigationPagesManager


_apptest_without_pages_folder_mode()
