"""Rendered PDFs read back with pypdf: sizes, pages, fonts, links, every word, determinism."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from leaflet.pipeline import RenderOptions, RenderResult, render_statement
from leaflet.source import load_statement, parse_statement
from leaflet.units import POINTS_PER

from conftest import EXAMPLES, embedded_fonts, missing_words, not_bundled, pdf_reader

MM = POINTS_PER["mm"]
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.md"))


@cache
def rendered(path: Path, fmt: str) -> RenderResult:
    return render_statement(load_statement(path), RenderOptions(format=fmt))


@pytest.mark.parametrize(("fmt", "width_mm", "height_mm"), [("a4", 210, 297), ("a5", 148, 210)])
def test_page_size(fmt: str, width_mm: float, height_mm: float) -> None:
    reader = pdf_reader(rendered(EXAMPLES / "en-free-transit.md", fmt).pdf)
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(width_mm * MM, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(height_mm * MM, abs=0.5)


def test_page_count_matches_layout_and_grows_on_smaller_pages() -> None:
    a4 = rendered(EXAMPLES / "en-free-transit.md", "a4")
    a5 = rendered(EXAMPLES / "en-free-transit.md", "a5")
    assert len(pdf_reader(a4.pdf).pages) == a4.page_count
    assert len(pdf_reader(a5.pdf).pages) == a5.page_count
    assert a5.page_count > 1
    assert a5.page_count >= a4.page_count


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", ["a4", "a5"])
def test_every_word_in_the_text_layer(example: Path, fmt: str) -> None:
    statement = load_statement(example)
    result = rendered(example, fmt)
    back_page = "with-back-page" in result.html  # the closing block after the notes
    assert missing_words(statement.words(closing_last=back_page), result.pdf) == []


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_only_bundled_fonts_embedded(example: Path) -> None:
    fonts = embedded_fonts(rendered(example, "a5").pdf)
    assert fonts, "no fonts found"
    assert not_bundled(fonts) == set()


def test_fonts_are_embedded_as_font_files() -> None:
    reader = pdf_reader(rendered(EXAMPLES / "uk-labour-rights.md", "a5").pdf)
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert any(key in descriptor for key in ("/FontFile2", "/FontFile3", "/FontFile"))


def test_greek_falls_back_to_a_bundled_font() -> None:
    statement = parse_statement("---\ntitle: Ελευθερία\nlang: el\n---\n\nΨωμί, παιδεία.\n")
    result = render_statement(statement, RenderOptions(format="a5"))
    assert missing_words(statement.words(), result.pdf) == []
    assert any(name.startswith("Noto-Serif") for name in embedded_fonts(result.pdf))
    assert not_bundled(embedded_fonts(result.pdf)) == set()


def _links(pdf: bytes) -> tuple[list[str], int]:
    uris, internal = [], 0
    for page in pdf_reader(pdf).pages:
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            if annot.get("/Subtype") != "/Link":
                continue
            action = annot.get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
            elif "/Dest" in annot or (action is not None and "/D" in action):
                internal += 1
    return uris, internal


def test_note_urls_are_clickable_and_calls_link_both_ways() -> None:
    statement = load_statement(EXAMPLES / "en-free-transit.md")
    uris, internal = _links(rendered(EXAMPLES / "en-free-transit.md", "a4").pdf)
    assert (
        "https://example.org/council/documents/fares-and-charges-schedule-2025-2026-final-version.pdf"
        in uris
    )
    assert "https://example.org/research/fare-free-public-transport-cities-evaluation-2024" in uris
    assert "https://example.org/transit-union" in uris  # the front-matter website
    calls = sum(note.calls for note in statement.notes)
    referenced = sum(note.referenced for note in statement.notes)
    assert internal == calls + referenced  # each call → note, each referenced note → back


def test_unreferenced_note_is_printed_after_the_others() -> None:
    result = rendered(EXAMPLES / "en-free-transit.md", "a4")
    text = " ".join(page.extract_text() for page in pdf_reader(result.pdf).pages)
    assert "Earlier statements of the union" in " ".join(text.split())
    assert text.index("Annual report") < text.index("Earlier statements")


def test_same_input_gives_identical_bytes() -> None:
    statement = load_statement(EXAMPLES / "es-vivienda.md")
    first = render_statement(statement, RenderOptions(format="a5")).pdf
    second = render_statement(
        load_statement(EXAMPLES / "es-vivienda.md"), RenderOptions(format="a5")
    ).pdf
    assert first == second
    other = render_statement(statement, RenderOptions(format="a4")).pdf
    assert pdf_reader(first).trailer["/ID"] != pdf_reader(other).trailer["/ID"]


@pytest.mark.parametrize(("fmt", "template"), [("a5-fold", "bold"), ("poster-a3", "zine")])
def test_identical_bytes_whatever_the_clock(
    fmt: str, template: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Variable fonts (Oswald, Roboto Slab) are rewritten by fontTools, which would stamp them
    with the current time; booklets and posters go through more steps than a flat render."""
    import time

    options = RenderOptions(format=fmt, template=template)
    first = render_statement(load_statement(EXAMPLES / "en-free-transit.md"), options).pdf
    later = time.time() + 86400 * 400
    monkeypatch.setattr(time, "time", lambda: later)
    second = render_statement(load_statement(EXAMPLES / "en-free-transit.md"), options).pdf
    assert first == second


def test_metadata_from_front_matter() -> None:
    reader = pdf_reader(rendered(EXAMPLES / "es-vivienda.md", "a5").pdf)
    info = reader.metadata
    assert info is not None
    assert info.title == "La vivienda es un derecho, no una mercancía"
    assert info.author == "Sindicato de Inquilinas de San Roque"
    assert str(info["/CreationDate"]).startswith("D:20251004")
    assert reader.trailer["/Root"]["/Lang"] == "es"


def test_page_numbers_from_the_second_page() -> None:
    result = rendered(EXAMPLES / "en-free-transit.md", "a5")
    reader = pdf_reader(result.pdf)
    last_lines = [page.extract_text().strip().splitlines()[-1].strip() for page in reader.pages]
    # A back page (the closing block set like a poster, after the notes) has no number.
    numbered = result.page_count - ("with-back-page" in result.html)
    assert last_lines[1:numbered] == [str(n) for n in range(2, numbered + 1)]
    assert last_lines[0] != "1"
    assert all(line != str(result.page_count) for line in last_lines[numbered:])
