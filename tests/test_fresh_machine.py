"""A newcomer's machine: a copy of the project with no ``../shared`` beside it and an empty home folder.

Everything a user reaches without typing a path must work there, offline, in Chinese: the shipped
``sidamingzhu`` model through the CLI, and the home tour's links in the browser.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys

import pytest
from helpers import PROJECT_ROOT, SCREENSHOTS, assert_no_exception, expect_chart_text, open_app


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """``(project copy, environment)``: the tracked and new files of this checkout, a bare home, no EMBEDLAB_*."""
    root = tmp_path_factory.mktemp("fresh")
    project, home = root / "proj", root / "home"
    home.mkdir()
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, (item.decode() for item in listed)):
        source = PROJECT_ROOT / name
        if source.is_file():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, project / name)
    assert not (root / "shared").exists()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EMBEDLAB_", "XDG_"))}
    env.update(HOME=str(home), HF_HUB_OFFLINE="1", PYTHONPATH="")
    return project, env


def cli(fresh, *args: str) -> subprocess.CompletedProcess:
    project, env = fresh
    return subprocess.run(
        [sys.executable, "-m", "embedlab", *args], cwd=project, env=env, capture_output=True, text=True, timeout=300
    )


def test_cli_lists_and_uses_the_chinese_model(fresh):
    listed = json.loads(cli(fresh, "models", "--json").stdout)
    models = {m["id"]: m for m in listed["models"]}
    assert models["sidamingzhu"]["available"] and models["sidamingzhu"]["language"] == "zh"
    found = json.loads(cli(fresh, "neighbors", "--model", "sidamingzhu", "诸葛亮", "--topn", "10", "--json").stdout)
    assert "刘备" in [r["word"] for r in found["results"]]
    answer = json.loads(
        cli(
            fresh, "analogy", "--model", "sidamingzhu", "--pos", "诸葛亮,宋江", "--neg", "刘备", "--expect", "吴用", "--json"
        ).stdout
    )
    assert answer["expression"] == "(诸葛亮 + 宋江 − 刘备)" and answer["expected"]["rank"] <= 3


def test_cli_projects_and_trains_on_bundled_books(fresh, tmp_path):
    out = tmp_path / "coords.csv"
    done = cli(
        fresh,
        "project",
        "--model",
        "sidamingzhu",
        "--groups",
        "刘备,曹操,孙权|宝玉,黛玉,宝钗",
        "--method",
        "pca",
        "--dims",
        "2",
        "--out",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    with out.open(encoding="utf-8") as handle:
        assert {row["word"] for row in csv.DictReader(handle)} == {"刘备", "曹操", "孙权", "宝玉", "黛玉", "宝钗"}
    trained = cli(
        fresh,
        "train",
        "--sample",
        "alice",
        "--size",
        "16",
        "--epochs",
        "1",
        "--min-count",
        "3",
        "--out",
        str(tmp_path / "alice.kv"),
        "--json",
    )
    assert trained.returncode == 0, trained.stderr
    assert json.loads(trained.stdout)["vocabulary"] > 500


@pytest.mark.browser
def test_zh_tour_links_show_chinese_results(fresh, browser, tmp_path):
    """``/?lang=zh``: every tour link opens its page with a result, Chinese on the static steps."""
    from streamlit_server import StreamlitServer

    project, env = fresh
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with StreamlitServer(tmp_path / "streamlit.log", cwd=project, env=env, replace_env=True, timeout=120) as server:
        context = browser.new_context(viewport={"width": 1400, "height": 1100}, locale="zh-CN")
        page = context.new_page()
        try:
            _open(page, f"{server.url}/?lang=zh")
            assert "sidamingzhu" in page.inner_text("body")
            links = page.locator('[data-testid="stPageLink"] a')
            hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
            tour = [href for href in hrefs if "lang=zh" in (href or "")]
            assert len(tour) >= 6, hrefs
            page.screenshot(path=str(SCREENSHOTS / "fresh-zh-home.png"), full_page=True)
            # Words drawn in the page's charts (tables are canvases, and preset buttons also name words).
            drawn = {"explorer": "刘备", "analogy": "诸葛亮", "polysemy": "#1"}
            # The article's own groups (second projection link) are listed as missing words, by name.
            expected = {"projection": ["宝玉", "西游记"], "sentences": ["最接近"]}  # the sentences page's result caption
            for number, href in enumerate(tour):
                url = href if href.startswith("http") else server.url + "/" + href.lstrip("/")
                _open(page, url)
                body = page.inner_text("body")
                assert_no_exception(page)
                assert "词表中没有" not in body or "projection" in url, (url, body[:400])
                name = url.split("?")[0].rstrip("/").rsplit("/", 1)[-1]
                if name in drawn:
                    expect_chart_text(page, drawn[name])
                if name in expected:
                    assert any(word in body for word in expected[name]), (url, body[:400])
                page.screenshot(path=str(SCREENSHOTS / f"fresh-zh-tour-{number}-{name}.png"), full_page=True)
        finally:
            context.close()


def _open(page, url: str) -> None:
    """Open ``url`` with a fresh machine's patience: the first visits import torch and warm UMAP."""
    open_app(page, url, timeout_ms=180_000)
