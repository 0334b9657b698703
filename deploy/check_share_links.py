"""Open share links in Chromium against a running EmbedLab container and check that results are drawn.

Usage: python deploy/check_share_links.py http://127.0.0.1:PORT SCREENSHOT_DIR
Run by deploy/build-local-image.sh (``make container-check``); exits 1 when a link shows no result.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

# (share link, words one of which the neighbours chart must draw, screenshot name)
LINKS = [
    ("/explorer?model=minilm-static&word=king&topn=5&lang=en", ["monarch"], "explorer-en-king"),
    ("/explorer?lang=zh&model=sidamingzhu&word=诸葛亮", ["刘备"], "explorer-zh-sidamingzhu"),
]
IDLE = '.stApp[data-test-script-state="notRunning"]'


def main(base: str, shots: Path) -> int:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium is not installed (apt-get install -y chromium fonts-noto-cjk)")
        return 1
    shots.mkdir(parents=True, exist_ok=True)
    failed = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        for link, expected, name in LINKS:
            started = time.monotonic()
            page.goto(base.rstrip("/") + link)
            # Wait for the script to start and finish twice: the first idle state can precede the first run.
            page.wait_for_selector(IDLE, timeout=300_000)
            page.wait_for_timeout(500)
            page.wait_for_selector(IDLE, timeout=300_000)
            # The neighbours table is a canvas; the chart beside it draws each word as SVG text.
            chart = page.locator('[data-testid="stPlotlyChart"]').first
            try:
                chart.locator("svg.main-svg").first.wait_for(state="visible", timeout=60_000)
                page.wait_for_timeout(1000)
                drawn = chart.text_content() or ""
            except PlaywrightTimeout:
                drawn = ""
            errors = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count()
            shot = shots / f"{name}.png"
            page.screenshot(path=str(shot), full_page=True)
            found = [word for word in expected if word in drawn]
            ok = bool(found) and errors == 0
            failed += not ok
            print(
                f"{'ok  ' if ok else 'FAIL'} {link}: {found or 'none of ' + str(expected)} in the chart, "
                f"{errors} error boxes, {time.monotonic() - started:.1f} s, screenshot {shot}"
            )
            if not ok:
                print(page.inner_text("body")[-600:])
        context.close()
        browser.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], Path(sys.argv[2])))
