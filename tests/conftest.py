"""Shared fixtures: real data, real models loaded once, and a running app with a browser.

Tests never touch the user's own config or models folder: both point into a temporary folder
for the whole session (set before anything imports embedlab). The helpers tests call by name
(paths, ``app_test``, ``open_app``, ...) live in ``helpers.py``; this file keeps what pytest
injects and the session-wide settings.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from helpers import LiveMilvus, segment_novel, shared_data_dir

_SESSION_HOME = Path(tempfile.mkdtemp(prefix="embedlab-tests-"))
atexit.register(shutil.rmtree, _SESSION_HOME, ignore_errors=True)
os.environ["EMBEDLAB_MODELS_DIR"] = str(_SESSION_HOME / "models")
os.environ["EMBEDLAB_CONFIG"] = str(_SESSION_HOME / "embedlab.toml")
os.environ["EMBEDLAB_CACHE_DIR"] = str(_SESSION_HOME / "cache")  # segmentation cache, sample downloads
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("EMBEDLAB_PRELOAD", "0")  # no background model loads racing the tests' own pools (issue 14)
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """``../shared/data``; skips when absent unless EMBEDLAB_REQUIRE_DATA=1."""
    return shared_data_dir()


@pytest.fixture(scope="session")
def minilm_static():
    from embedlab.serving.registry import load_model

    return load_model("minilm-static")


@pytest.fixture(scope="session")
def zh_w2v(data_dir):
    """A real word2vec trained on 三国演义 with jieba (a few seconds), as a StaticModel."""
    from gensim.models import Word2Vec

    from embedlab.static.model import StaticModel, freeze

    sentences = segment_novel(data_dir / "corpora" / "zh" / "sanguo_yanyi.txt")
    model = Word2Vec(sentences, vector_size=100, window=5, min_count=3, sg=0, epochs=20, seed=7, workers=2)
    return StaticModel("sanguo-test", freeze(model.wv), "zh", "word2vec trained on 三国演义 in the test session")


@pytest.fixture(scope="session")
def alice_text():
    """Alice in Wonderland, already segmented once (the cache lives outside the small disk)."""
    from embedlab.training import corpus, samples, tokenize

    text = tokenize.strip_boilerplate(samples.fetch_sample(samples.get_sample("alice")))
    corpus.segment(text, "en")
    return text


# ------------------------------------------------------------------ a live Milvus server


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
