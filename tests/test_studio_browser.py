"""The studio's page in a real browser (Playwright driving Debian's Chromium): paste a statement,
pick a template by its thumbnail and ``a5-fold``, watch the preview, download the PDF and read
it back; the work survives a reload; a broken front matter shows its line beside the text; no
serious accessibility violation (axe-core).

The page is served by :func:`leaflet.studio.page.routes` beside a small API made of the
library's own calls (render, rasterize, import), under the studio's Content-Security-Policy, by
a real uvicorn server on a free port.  The tests share one browser and one server (a module's
fixtures: run them in one xdist worker).
"""

from __future__ import annotations

import base64
import io
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "Debian's chromium is not installed (/usr/bin/chromium); scripts/system-deps.sh "
        "installs it",
        allow_module_level=True,
    )

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

pytestmark = pytest.mark.xdist_group("browser")

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def studio_api() -> Any:
    """The page's routes beside the API it calls, made of the library's own calls (renders one
    at a time: WeasyPrint is not shared between threads)."""
    import pypdfium2 as pdfium
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from leaflet import (
        FORMATS,
        RenderOptions,
        builtin_templates,
        import_text,
        parse_statement,
        render_statement,
    )
    from leaflet.errors import LeafletError
    from leaflet.studio.page import routes

    rendering = threading.Lock()

    def render(body: dict[str, Any], pages: bool) -> tuple[Any, Any]:
        fmt = FORMATS[body["format"]]
        options = body.get("options") or {}
        with rendering:
            statement = parse_statement(body["source"])
            chosen = RenderOptions(
                format=fmt.name,
                template=body["template"],
                pages=options.get("pages"),
                marks=bool(options.get("marks")),
                deliver="pages" if pages and fmt.layout_name else "sheets",
            )
            return statement, render_statement(statement, chosen)

    def failure(error: LeafletError) -> JSONResponse:
        return JSONResponse({"error": str(error), "line": getattr(error, "line", None)}, 422)

    async def formats(request: Request) -> Response:
        return JSONResponse(
            [
                {
                    "name": f.name,
                    "kind": f.kind,
                    "description": f.description,
                    "imposed": f.layout_name is not None,
                }
                for f in FORMATS.values()
            ]
        )

    async def templates(request: Request) -> Response:
        return JSONResponse(
            [{"name": t.name, "description": t.description} for t in builtin_templates().values()]
        )

    async def preview(request: Request) -> Response:
        body = await request.json()
        try:
            _, result = await run_in_threadpool(render, body, True)
        except LeafletError as error:
            return failure(error)
        document = pdfium.PdfDocument(result.pdf)
        count = 1 if body.get("first_page_only") else len(document)
        pictures = []
        for index in range(count):
            page = document[index]
            image = page.render(scale=body.get("width", 600) / page.get_width()).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, "PNG")
            data = base64.b64encode(buffer.getvalue()).decode("ascii")
            pictures.append(
                {
                    "png": f"data:image/png;base64,{data}",
                    "width": image.width,
                    "height": image.height,
                }
            )
        total = len(document)
        spreads = None
        if FORMATS[body["format"]].layout_name == "saddle":
            spreads = [[1], *[[n, n + 1] for n in range(2, total, 2)], [total]]
        return JSONResponse(
            {
                "pages": pictures,
                "page_count": total,
                "spreads": spreads,
                "notes": [{"page": note.page, "text": note.message} for note in result.notes],
                "warnings": [],
            }
        )

    async def render_pdf(request: Request) -> Response:
        body = await request.json()
        try:
            _, result = await run_in_threadpool(render, body, False)
        except LeafletError as error:
            return failure(error)
        name = f"statement-{body['format']}.pdf"
        return Response(
            result.pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    async def import_pasted(request: Request) -> Response:
        body = await request.json()
        result = import_text(body["text"])
        return JSONResponse(
            {"source": result.markdown, "guesses": result.guesses, "report": result.report}
        )

    async def secured(scope: Any, receive: Any, send: Any) -> None:
        async def with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    *message.get("headers", []),
                    (b"content-security-policy", CSP.encode()),
                ]
            await send(message)

        await app(scope, receive, with_headers)

    app = Starlette(
        routes=[
            Route("/api/formats", formats),
            Route("/api/templates", templates),
            Route("/api/preview", preview, methods=["POST"]),
            Route("/api/render", render_pdf, methods=["POST"]),
            Route("/api/import", import_pasted, methods=["POST"]),
            *routes(),
        ]
    )
    return secured


@pytest.fixture(scope="module")
def studio_url() -> Iterator[str]:
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            studio_api(), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the studio's test server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def test_paste_choose_preview_download_reload(
    browser: Browser, studio_url: str, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.goto(studio_url)
    statement = (EXAMPLES / "en-free-transit.md").read_text(encoding="utf-8")
    page.get_by_label("Statement (Markdown with front matter)").fill(statement)
    # the form follows the text
    expect(page.get_by_label("Title", exact=True)).to_have_value(
        "Free transit is a public good, not a luxury"
    )
    expect(page.get_by_label("Slogans (one per line)")).to_have_value(
        "Buses for people, not for profit!\nReverse the fare rise now!\n"
        "Public transit, public control!"
    )
    page.get_by_label("Format", exact=True).select_option("a5-fold")
    expect(page.locator("#download-pdf")).to_contain_text("a5-fold")
    # thumbnails come one at a time, rendered with the pasted text; pick one by its picture
    bold = page.locator(".thumb-picture[data-template='bold'] img")
    expect(bold).to_be_visible(timeout=120_000)
    bold.click()
    expect(page.get_by_role("radio", name="bold")).to_be_checked()
    # the booklet's preview, as reader spreads: the cover alone, then facing pages
    expect(page.locator("#status")).to_contain_text("Preview up to date", timeout=120_000)
    spreads = page.locator("#preview-pages figure.spread")
    expect(spreads.first.locator("img")).to_have_count(1)
    assert spreads.count() >= 3
    expect(spreads.nth(1).locator("img")).to_have_count(2)
    # typing in the form rewrites the front matter's line
    page.get_by_label("Subtitle").fill("A new subtitle")
    assert 'subtitle: "A new subtitle"' in page.locator("#statement-text").input_value()

    with page.expect_download(timeout=120_000) as download:
        page.locator("#download-pdf").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".pdf"
    reader = PdfReader(saved)
    assert len(reader.pages) >= 2
    assert len(reader.pages) % 2 == 0
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert width > height  # A4 landscape sheets, two A5 pages each
    # the bold template sets its headlines in capitals
    text = " ".join(page_.extract_text() for page_ in reader.pages).lower()
    assert "free transit is a public good" in " ".join(text.split())
    assert "a new subtitle" in text

    page.reload()
    expect(page.locator("#statement-text")).not_to_have_value("")
    kept = page.locator("#statement-text").input_value()
    assert "Riverside Transit Users' Union" in kept
    assert 'subtitle: "A new subtitle"' in kept
    expect(page.get_by_label("Format", exact=True)).to_have_value("a5-fold")
    expect(page.get_by_role("radio", name="bold")).to_be_checked()
    assert errors == []
    context.close()


def test_broken_front_matter_shows_its_line(browser: Browser, studio_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(studio_url)
    broken = '---\ntitle: "Fares"\ndate: 2025-13-45\n---\n\nThe lead.\n'
    page.get_by_label("Statement (Markdown with front matter)").fill(broken)
    problem = page.locator("#problems .problem.error")
    expect(problem).to_contain_text("date", timeout=60_000)
    line = problem.get_by_role("button", name="Go to line 3 in the statement")
    expect(line).to_have_text("Line 3")
    line.click()
    caret = page.locator("#statement-text").evaluate("area => area.selectionStart")
    assert caret == broken.index("date:")
    # a front matter never closed leaves the form alone and says so
    page.get_by_label("Statement (Markdown with front matter)").fill('---\ntitle: "Other"\n')
    expect(page.locator("#front-matter-status")).to_contain_text("---")
    expect(page.get_by_label("Title", exact=True)).to_have_value("Fares")
    # stacked at a phone's width: nothing wider than the screen
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375
    context.close()


def test_no_serious_accessibility_violations(browser: Browser, studio_url: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    # axe is injected by evaluating its source, which the page's CSP forbids: bypass it here
    for width in (1280, 375):
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page: Page = context.new_page()
        page.goto(studio_url + "?lang=uk")
        expect(page.locator("html")).to_have_attribute("lang", "uk")
        expect(page.locator(".thumb input")).to_have_count(6)
        expect(page.locator("#preview-pages img").first).to_be_visible(timeout=120_000)
        results = Axe().run(page)
        serious = [
            (violation["id"], [node["target"] for node in violation["nodes"]])
            for violation in results.response["violations"]
            if violation["impact"] in ("serious", "critical")
        ]
        assert serious == [], serious
        context.close()
