"""The studio's page in a real browser (Playwright driving Debian's Chromium): paste a statement,
pick a template by its thumbnail and ``a5-fold``, watch the preview, download the PDF and read
it back; the work survives a reload; a broken front matter shows its line beside the text; no
serious accessibility violation (axe-core).

The studio is served for real (``studio_fixtures.studio_server``: uvicorn on a free port, the
application with its Content-Security-Policy and its pool of render workers).  The tests share
one browser and one server (a module's fixtures: run them in one xdist worker).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from studio_fixtures import serve_in_thread

from conftest import EXAMPLES

CHROMIUM = Path("/usr/bin/chromium")
PLAIN = """Stop the fare rise

Riverside Transit Users Union, 14 March 2025

The council raised the bus fare by forty per cent. We will not accept it.

What we demand

1. Reverse the fare rise.
2. Publish the contract.

Buses for people, not for profit!
"""
if not CHROMIUM.exists():
    pytest.skip(
        "Debian's chromium is not installed (/usr/bin/chromium); scripts/system-deps.sh "
        "installs it",
        allow_module_level=True,
    )

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

from leaflet.formats import FORMATS  # noqa: E402
from leaflet.studio.api import describe_format  # noqa: E402
from leaflet.studio.app import StudioSettings  # noqa: E402
from leaflet.studio.i18n import description_translations  # noqa: E402

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


def png_logo() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 40)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def studio_url() -> Iterator[str]:
    """The studio as ``studio_fixtures.studio_server`` serves it (two warm workers)."""
    server = serve_in_thread(StudioSettings(workers=2))
    yield next(server) + "/"
    server.close()


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
    # the renderer's warnings beside the text, with their line: a click shows it
    warning = page.locator("#problems .problem.warning")
    expect(warning).to_contain_text("never referenced", timeout=120_000)
    lines = statement.splitlines()
    archive = next(n for n, line in enumerate(lines, 1) if line.startswith("[^archive]:"))
    expect(warning.get_by_role("button")).to_have_text(f"Line {archive}")
    area = page.locator("#statement-text")
    area.evaluate("area => { area.scrollTop = 0; }")
    warning.get_by_role("button").click()
    expect(area).to_be_focused()
    selected = area.evaluate("area => area.value.slice(area.selectionStart, area.selectionEnd)")
    assert selected == lines[archive - 1]
    assert area.evaluate("area => area.scrollTop") > 0
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

    with page.expect_download(timeout=120_000) as ticket:
        page.get_by_role("button", name="Job ticket for the print shop (.txt)").click()
    assert ticket.value.suggested_filename.endswith("-a5-fold-job.txt")
    ticket_text = Path(ticket.value.path()).read_text(encoding="utf-8")
    assert ticket_text.startswith("Print job")
    with page.expect_download() as statement_file:
        page.get_by_role("button", name="Save the statement (.md)").click()
    assert (
        statement_file.value.suggested_filename == "free-transit-is-a-public-good-not-a-luxury.md"
    )
    saved_source = Path(statement_file.value.path()).read_text(encoding="utf-8")
    assert saved_source == page.locator("#statement-text").input_value()

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
    # "paste plain text": the importer's guesses shown to confirm before the text is replaced
    page.get_by_role("button", name="Paste plain text…").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Paste the statement as plain text").fill(PLAIN)
    dialog.get_by_role("button", name="Import", exact=True).click()
    expect(dialog.locator("#import-guesses")).to_contain_text("title", timeout=60_000)
    expect(dialog.get_by_label("The statement it made")).to_have_value(re.compile("^---\n"))
    dialog.get_by_role("button", name="Replace my statement").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_label("Title", exact=True)).to_have_value("Stop the fare rise")
    expect(page.get_by_label("Slogans (one per line)")).to_have_value(
        "Buses for people, not for profit!"
    )
    # the form rewrites the imported slogans' lines, and only those
    page.get_by_label("Slogans (one per line)").fill("One!\nTwo!")
    source = page.locator("#statement-text").input_value()
    assert 'slogans:\n  - "One!"\n  - "Two!"\n---' in source
    assert "title: Stop the fare rise\n" in source
    assert "Buses for people" not in source
    page.get_by_label("Title", exact=True).press("Enter")  # no submission, no reload
    expect(page).to_have_url(studio_url)
    expect(page.get_by_label("Slogans (one per line)")).to_have_value("One!\nTwo!")
    # a logo: kept for the requests, named in the front matter, drawn by the server
    page.locator("#logo-file").set_input_files(
        files=[{"name": "Our Logo.png", "mimeType": "image/png", "buffer": png_logo()}]
    )
    expect(page.locator("#logo-status")).to_have_text("Logo added: Our-Logo.png")
    assert 'logo: "Our-Logo.png"' in page.locator("#statement-text").input_value()
    expect(page.locator("#status")).to_contain_text("Preview up to date", timeout=120_000)
    expect(page.locator("#problems .problem.error")).to_have_count(0)
    page.reload()  # the logo is kept in the browser too
    expect(page.locator("#logo-status")).to_have_text("Logo added: Our-Logo.png")
    page.get_by_role("button", name="Remove the logo").click()
    expect(page.locator("#logo-status")).to_have_text("")
    assert "logo:" not in page.locator("#statement-text").input_value()
    page.locator("#logo-file").set_input_files(
        files=[{"name": "Our Logo.png", "mimeType": "image/png", "buffer": png_logo()}]
    )
    # a plain-text file goes through the importer, shown to confirm like pasted text
    page.locator("#statement-file").set_input_files(
        files=[{"name": "statement.txt", "mimeType": "text/plain", "buffer": PLAIN.encode()}]
    )
    expect(dialog.get_by_label("The statement it made")).to_have_value(
        re.compile("title: Stop the fare rise"), timeout=60_000
    )
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert 'logo: "Our-Logo.png"' in page.locator("#statement-text").input_value()
    # thumbnails are radio buttons: the arrow keys choose
    page.get_by_role("radio", name="classic").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="bold")).to_be_checked()
    expect(page.get_by_role("radio", name="bold")).to_be_focused()

    broken = '---\ntitle: "Fares"\ndate: 2025-13-45\n---\n\nThe lead.\n'
    page.get_by_label("Statement (Markdown with front matter)").fill(broken)
    problem = page.locator("#problems .problem.error")
    expect(problem).to_contain_text("date", timeout=60_000)
    line = problem.get_by_role("button", name="Go to line 3 in the statement")
    expect(line).to_have_text("Line 3")
    line.click()
    caret = page.locator("#statement-text").evaluate("area => area.selectionStart")
    assert caret == broken.index("date:")
    # values written other ways YAML allows are read into the form too
    page.get_by_label("Statement (Markdown with front matter)").fill(
        "---\ntitle: 'It''s ours'   # the headline\nslogans: [\"One!\", \"Two!\"]\n"
        "author: Plain words\n---\n\nThe lead.\n"
    )
    expect(page.get_by_label("Title", exact=True)).to_have_value("It's ours")
    expect(page.get_by_label("Slogans (one per line)")).to_have_value("One!\nTwo!")
    expect(page.get_by_label("Author or signatories")).to_have_value("Plain words")
    # a block scalar the form cannot show: the form is left alone, and says why
    page.get_by_label("Statement (Markdown with front matter)").fill(
        "---\ntitle: |\n  Two\n  lines\n---\n\nThe lead.\n"
    )
    expect(page.locator("#front-matter-status")).to_contain_text("title")
    expect(page.get_by_label("Title", exact=True)).to_have_value("It's ours")
    # a front matter never closed leaves the form alone and says so
    page.get_by_label("Statement (Markdown with front matter)").fill('---\ntitle: "Other"\n')
    expect(page.locator("#front-matter-status")).to_contain_text("---")
    expect(page.get_by_label("Title", exact=True)).to_have_value("It's ours")
    # stacked at a phone's width: nothing wider than the screen
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 375
    context.close()


def test_library_messages_are_shown_in_the_pages_language(
    browser: Browser, studio_url: str
) -> None:
    """On the Spanish page, an error and a layout note the studio knows are in Spanish; a
    message it cannot translate stays in English, marked ``lang="en"`` for screen readers."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(studio_url + "?lang=es")
    text = page.locator("#statement-text")
    text.fill("---\nsubtitle: x\n---\n\nTexto.\n")
    problem = page.locator("#problems .problem.error")
    expect(problem).to_contain_text(
        "la cabecera de datos no tiene «title:» (es obligatorio)", timeout=60_000
    )
    expect(problem.locator("[lang]")).to_have_count(0)
    text.fill(f"---\ntitle: {'x' * 2001}\n---\n\nTexto.\n")
    english = page.locator("#problems .problem.error [lang=en]")
    expect(english).to_contain_text("characters long", timeout=60_000)
    # a zine of eight pages holding a few lines: a page mostly empty, said in Spanish
    page.locator("#format").select_option("a5-zine")
    text.fill("---\ntitle: Vivienda\n---\n\nEl ayuntamiento sube los alquileres.\n")
    note = page.locator("#preview-pages .note").first
    expect(note).to_contain_text("la página solo está ocupada en", timeout=60_000)
    expect(note.locator("[lang]")).to_have_count(0)
    context.close()


def test_the_token_in_the_address_is_sent_with_every_request(browser: Browser) -> None:
    server = serve_in_thread(StudioSettings(workers=1, token="s3cret-token"))
    url = next(server)
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(url + "/")
        expect(page.locator("#status")).to_have_class(re.compile("failed"))
        expect(page.locator("#format option")).to_have_count(0)
        page.goto(url + "/#token=s3cret-token")
        page.reload()
        expect(page.locator("#format option")).not_to_have_count(0)
        expect(page.locator(".thumb input")).to_have_count(6)
        expect(page.locator("#status")).to_contain_text("Preview up to date", timeout=120_000)
        # another language keeps the token
        page.get_by_role("link", name="Español").click()
        expect(page.locator("html")).to_have_attribute("lang", "es")
        expect(page.locator("#status")).to_contain_text("Vista previa al día", timeout=120_000)
        # the formats' descriptions, sent in English, are shown in the page's language
        english = describe_format(FORMATS[page.get_by_label("Formato", exact=True).input_value()])
        spanish = description_translations("es").get(english, english)
        expect(page.locator("#format-description")).to_have_text(spanish)
        context.close()
    finally:
        server.close()


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
        # the check sees what it should: a control without a label is reported
        page.evaluate("document.querySelector('main').append(document.createElement('input'))")
        probed = Axe().run(page).response["violations"]
        assert "label" in {violation["id"] for violation in probed}
        context.close()
