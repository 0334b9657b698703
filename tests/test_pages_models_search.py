"""The model manager and semantic search pages: AppTest for logic, Chromium for what people see."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from helpers import SCREENSHOTS, app_test, assert_no_exception, expect_text, open_app, own_milvus_lite, wait_for_paint

SEARCH = "model=minilm&corpus=alice&n=60&q=a+rabbit+with+a+pocket+watch&topn=3"


def models_dir() -> Path:
    folder = Path(os.environ["EMBEDLAB_MODELS_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module", autouse=True)
def own_milvus_lite_file(tmp_path_factory):
    """AppTests run in this process, the browser tests in a server process: this process gets its own file."""
    with own_milvus_lite(tmp_path_factory.mktemp("milvus-apptest") / "milvus.db"):
        yield


@pytest.fixture(autouse=True)
def leave_no_models_behind():
    """Other tests share the session's models folder and pick models from it: remove what we add."""
    before = set(models_dir().iterdir())
    yield
    import shutil

    from embedlab import ui

    for path in set(models_dir().iterdir()) - before:
        if path.name.startswith("."):  # caches (and the Milvus Lite file a server may hold open) stay
            continue
        ui.model_pool().unload(path.name)
        shutil.rmtree(path) if path.is_dir() else path.unlink()


def write_vectors(name: str, words: list[str]) -> Path:
    rng = np.random.default_rng(0)
    lines = [f"{len(words)} 5"] + [w + " " + " ".join(f"{v:.4f}" for v in rng.normal(size=5)) + " " for w in words]
    path = models_dir() / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def messages(elements) -> str:
    """Shown texts without the markdown escapes that keep user text literal."""
    return " ".join(e.value.replace("\\", "") for e in elements)


def table_column(at, column: int = 0) -> list:
    return list(at.dataframe[0].value.iloc[:, column])


def test_models_page_lists_models_and_seeds():
    at = app_test("pages/models.py", lang="en")
    assert not at.exception and not at.error
    ids = table_column(at)
    assert {"minilm", "minilm-static", "sgns.literature.word", "bert-base-chinese", "BAAI/bge-m3"} <= set(ids)
    assert at.title[0].value == "Model manager"
    assert any("Baidu Netdisk" in caption.value for caption in at.caption)  # how to get sgns.literature.word


def test_models_page_loads_adds_and_deletes():
    from embedlab import ui

    ui.model_pool.clear()  # earlier tests in this process may have loaded minilm-static already
    write_vectors("sgns.page-test.word", ["诸葛亮", "刘备", "关羽", "曹操"])
    at = app_test("pages/models.py", model="minilm-static", lang="en")
    at = at.button(key="models.load").click().run()
    assert not at.exception and "Loaded minilm-static" in messages(at.success)
    table = at.dataframe[0].value.set_index("Model")
    assert table.loc["minilm-static", "Loaded"] and float(table.loc["minilm-static", "Memory"].removesuffix(" MB")) > 10

    at.text_input(key="models.local_name").input("sgns.page-test.word")
    at = at.button(key="models.add_local").click().run()
    assert "Added sgns.page-test.word" in messages(at.success)
    table = at.dataframe[0].value.set_index("Model")
    assert table.loc["sgns.page-test.word", "Vocabulary"] == "4" and table.loc["sgns.page-test.word", "Dimensions"] == "5"

    at.selectbox(key="models.model").select("sgns.page-test.word")
    at = at.run()
    at = at.checkbox(key="models.confirm").check().run()
    at = at.button(key="models.delete").click().run()
    assert not at.exception and "Deleted sgns.page-test.word" in messages(at.success) and not at.warning
    assert "sgns.page-test.word" not in table_column(at)
    assert not (models_dir() / "sgns.page-test.word").exists()


def test_models_page_uploads_a_vector_file(minilm_static):
    from embedlab.serving.registry import load_model

    words = minilm_static.kv.index_to_key[2000:2300]
    text = f"{len(words)} {minilm_static.dims}\n" + "".join(
        w + " " + " ".join(f"{x:.6f}" for x in minilm_static.kv[w]) + "\n" for w in words
    )
    at = app_test("pages/models.py", lang="en")
    at.file_uploader(key="models.upload").set_value(("uploaded.vec", text.encode("utf-8"), "text/plain")).run()
    at = at.button(key="models.save_upload").click().run()
    assert not at.exception and not at.error and "Added uploaded.vec" in messages(at.success)
    table = at.dataframe[0].value.set_index("Model")
    assert table.loc["uploaded.vec", "Vocabulary"] == "300" and table.loc["uploaded.vec", "Dimensions"] == str(minilm_static.dims)
    uploaded = load_model("uploaded.vec")
    np.testing.assert_allclose(uploaded.kv[words[7]], minilm_static.kv[words[7]], atol=1e-6)


def test_models_page_refuses_files_outside_the_folder(tmp_path):
    at = app_test("pages/models.py", lang="en")
    at.text_input(key="models.local_name").input(str(tmp_path / "x.txt"))
    at = at.button(key="models.add_local").click().run()
    assert not at.exception and "Only files inside the models folder" in messages(at.error)


def test_search_page_indexes_and_finds_by_meaning():
    at = app_test("pages/search.py", **dict(pair.split("=") for pair in SEARCH.replace("+", " ").split("&")), lang="en")
    assert not at.exception and not at.error
    sentences = table_column(at, 1)
    assert len(sentences) == 3 and any("watch" in s.lower() and "rabbit" in s.lower() for s in sentences[:2])
    scores = table_column(at, 2)
    assert scores == sorted(scores, reverse=True) and 0 < scores[-1] <= scores[0] <= 1
    assert "60 sentences" in messages(at.success)


def test_search_page_bad_links_get_messages():
    at = app_test("pages/search.py", model="minilm", corpus="nope", n="abc", q="x" * 5000, lang="en")
    assert not at.exception
    problems = " ".join(w.value for w in at.warning)
    assert "(corpus=)" in problems and "(n=)" in problems and "(q=)" in problems


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_browser_models_and_search(app_url, browser_page, lang):
    SCREENSHOTS.mkdir(exist_ok=True)
    open_app(browser_page, f"{app_url}/models?lang={lang}", timeout_ms=120_000)  # a busy CI machine is slow
    assert_no_exception(browser_page)
    expect_text(browser_page, "模型管理" if lang == "zh" else "Model manager", timeout_ms=90_000)
    expect_text(browser_page, "sgns.literature.word", timeout_ms=90_000)
    browser_page.locator('[data-testid="stDataFrame"] canvas').first.wait_for(state="visible", timeout=90_000)
    wait_for_paint(browser_page)  # the grid draws its cells on a canvas, after the run
    browser_page.screenshot(path=str(SCREENSHOTS / f"models-{lang}.png"), full_page=True)

    open_app(browser_page, f"{app_url}/search?{SEARCH}&lang={lang}", timeout_ms=180_000)
    assert_no_exception(browser_page)
    expect_text(browser_page, "最接近" if lang == "zh" else "Closest", timeout_ms=120_000)
    expect_text(browser_page, "watch", timeout_ms=60_000)
    wait_for_paint(browser_page)
    browser_page.screenshot(path=str(SCREENSHOTS / f"search-{lang}.png"), full_page=True)


def test_index_built_on_the_models_page_makes_the_explorer_approximate(monkeypatch):
    from embedlab.static import ann

    write_vectors("sgns.ann-test.word", [f"w{i}" for i in range(300)])
    at = app_test("pages/models.py", model="sgns.ann-test.word", lang="en")
    at = at.button(key="models.load").click().run()
    at = at.button(key="models.ann_build").click().run()
    assert not at.exception and "Index built: 300 vectors" in messages(at.success)
    assert "Index built (M=32" in messages(at.caption)

    explorer = app_test("pages/explorer.py", model="sgns.ann-test.word", word="w7", topn="5", lang="en")
    assert not explorer.exception and "Approximate" not in messages(explorer.caption)  # 300 words: exact
    monkeypatch.setattr(ann, "AUTO_THRESHOLD", 100)
    explorer = app_test("pages/explorer.py", model="sgns.ann-test.word", word="w7", topn="5", lang="en")
    assert not explorer.exception and "Approximate" in messages(explorer.caption)
    assert len(explorer.dataframe[0].value) == 5


def test_models_page_downloads_from_a_url(tmp_path):
    import functools
    import hashlib
    import http.server
    import threading

    served = tmp_path / "served"
    served.mkdir()
    rng = np.random.default_rng(1)
    data = (
        "3 4\n" + "".join(f"{w} " + " ".join(f"{v:.3f}" for v in rng.normal(size=4)) + " \n" for w in ("甲", "乙", "丙"))
    ).encode()
    (served / "sgns.url-test.word").write_bytes(data)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        at = app_test("pages/models.py", lang="en")
        at.text_input(key="models.url").input(f"http://127.0.0.1:{server.server_address[1]}/sgns.url-test.word")
        at.text_input(key="models.sha256").input(hashlib.sha256(data).hexdigest())
        at = at.button(key="models.download_url").click().run()
        assert not at.exception and "Downloaded and added sgns.url-test.word" in messages(at.success)
        assert (models_dir() / "sgns.url-test.word").read_bytes() == data
        table = at.dataframe[0].value.set_index("Model")
        assert table.loc["sgns.url-test.word", "Vocabulary"] == "3"

        at.text_input(key="models.url").input(f"http://127.0.0.1:{server.server_address[1]}/sgns.url-test.word")
        at.text_input(key="models.sha256").input("0" * 64)
        at.text_input(key="models.file_name").input("other.word")
        at = at.button(key="models.download_url").click().run()
        assert not at.exception and "Checksum mismatch" in messages(at.error)
        assert not (models_dir() / "other.word").exists()
    finally:
        server.shutdown()
        server.server_close()
