"""Pictures of the studio for the README: docs/images/studio-desktop.png (a wide screen) and
docs/images/studio-phone.png, studio-phone-preview.png (375 px wide, stacked).

The studio is served as the browser tests serve it (``tests/studio_fixtures.py``) and driven
by Playwright on Debian's Chromium with an example statement in the A5 booklet format.

    .venv/bin/python scripts/studio-screenshots.py
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

from leaflet.studio.app import StudioSettings  # noqa: E402
from studio_fixtures import serve_in_thread  # noqa: E402

IMAGES = REPO / "docs" / "images"
STATEMENT = REPO / "examples" / "en-free-transit.md"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def prepare(page: Page, url: str) -> None:
    """The example statement, the booklet format and the ``classic`` template, every picture
    rendered."""
    page.goto(url)
    page.get_by_label("Statement (Markdown with front matter)").fill(
        STATEMENT.read_text(encoding="utf-8")
    )
    page.get_by_label("Format", exact=True).select_option("a5-fold")
    page.get_by_role("radio", name="classic").check()
    expect(page.locator(".thumb-picture img")).to_have_count(6, timeout=300_000)
    expect(page.locator("#status")).to_contain_text("Preview up to date", timeout=120_000)
    page.locator("#statement-text").evaluate("area => { area.scrollTop = 0; area.blur(); }")
    page.wait_for_timeout(300)


def main() -> None:
    IMAGES.mkdir(parents=True, exist_ok=True)
    server = serve_in_thread(StudioSettings(workers=2))
    url = next(server) + "/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            desktop = browser.new_page(viewport={"width": 1440, "height": 1640})
            prepare(desktop, url)
            desktop.screenshot(path=IMAGES / "studio-desktop.png")
            phone = browser.new_page(
                viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True
            )
            prepare(phone, url)
            phone.evaluate("window.scrollTo(0, 0)")
            phone.screenshot(path=IMAGES / "studio-phone.png")
            phone.locator("#preview-heading").scroll_into_view_if_needed()
            phone.evaluate(
                "window.scrollBy(0, document.getElementById('preview-heading')"
                ".getBoundingClientRect().top - 8)"
            )
            phone.screenshot(path=IMAGES / "studio-phone-preview.png")
            browser.close()
    finally:
        server.close()
    for name in ("studio-desktop.png", "studio-phone.png", "studio-phone-preview.png"):
        compact(IMAGES / name)
        print(IMAGES / name)


def compact(path: Path) -> None:
    """A palette of 256 colours: a third of the size, no difference a reader sees."""
    from PIL import Image

    with Image.open(path) as picture:
        reduced = picture.convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT)
    reduced.save(path, optimize=True)


if __name__ == "__main__":
    main()
