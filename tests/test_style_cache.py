"""A warm process parses a template's stylesheets and loads its fonts once: the next
document with the same stylesheets reuses them, gives the same bytes, and still sees an
edited stylesheet and still reports a faulty one."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from leaflet import render
from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import parse_statement

STATEMENT = parse_statement(
    "---\ntitle: Warm stylesheets\nslogans: [Keep them warm!]\n---\n"
    "## One\n\nA paragraph of text long enough to wrap over a few lines of the page, "
    "so that the layout has something to do.\n"
)


@pytest.fixture(autouse=True)
def cold() -> Iterator[None]:
    render._STYLES.clear()
    yield
    render._STYLES.clear()


def _reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the fetchers serve from now on."""
    read: list[Path] = []
    original = render.SafeFetcher._read

    def spy(self: render.SafeFetcher, url: str, path: Path) -> bytes:
        read.append(path)
        return original(self, url, path)

    monkeypatch.setattr(render.SafeFetcher, "_read", spy)
    return read


@pytest.mark.parametrize(
    "options",
    [
        RenderOptions(format="a5", template="modern"),
        RenderOptions(format="a5-fold", template="classic"),
        RenderOptions(format="a5", template="zine", pdf_variant="pdf/x-4"),
        RenderOptions(format="a5", template="copier", inks=("black", "fluorescent-pink")),
    ],
    ids=["a5", "a5-fold", "pdf-x-4", "inks"],
)
def test_a_warm_render_gives_the_same_bytes(
    options: RenderOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    read = _reads(monkeypatch)
    cold = render_statement(STATEMENT, options).pdf
    first = len(read)
    warm = render_statement(STATEMENT, options).pdf
    assert warm == cold
    if options.pdf_variant is None:  # a colour profile's stylesheets are parsed each time
        fonts_and_sheets = [p for p in read[first:] if p.suffix in {".css", ".ttf", ".otf"}]
        assert fonts_and_sheets == []
        assert any(p.suffix == ".css" for p in read[:first])


def _template(folder: Path, css: str) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "manifest.toml").write_text('extends = "classic"\n', encoding="utf-8")
    style = folder / "style.css"
    before = style.stat().st_mtime_ns if style.exists() else None
    style.write_text(css, encoding="utf-8")
    if before is not None:  # a second's difference, whatever the file system's clock grain
        os.utime(style, ns=(before + 1_000_000_000, before + 1_000_000_000))
    return folder


def _text_width(pdf: bytes) -> float:
    """The width of the word "paragraph" on the first page (it follows the type size)."""
    document = pdfium.PdfDocument(pdf)
    try:
        text = document[0].get_textpage()
        found = text.search("paragraph", match_case=True)
        index, count = found.get_next()
        left = text.get_charbox(index)[0]
        right = text.get_charbox(index + count - 1)[2]
        return float(right - left)
    finally:
        document.close()


def test_an_edited_stylesheet_is_read_again(tmp_path: Path) -> None:
    folder = _template(tmp_path / "mine", "p { font-size: 9pt !important; }\n")
    options = RenderOptions(format="a5", template=str(folder))
    small = _text_width(render_statement(STATEMENT, options).pdf)
    _template(folder, "p { font-size: 13pt !important; }\n")
    large = _text_width(render_statement(STATEMENT, options).pdf)
    assert large / small == pytest.approx(13 / 9, rel=0.03)


def test_a_faulty_stylesheet_is_reported_every_time(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = _template(tmp_path / "faulty", "p { colour: red; }\n")
    options = RenderOptions(format="a5", template=str(folder))
    for _ in range(2):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="leaflet"):
            render_statement(STATEMENT, options)
        assert any("colour" in record.getMessage() for record in caplog.records)


def test_the_cache_keeps_a_few_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render._StyleCache, "SIZE", 2)
    for template in ("classic", "modern", "bold"):
        render_statement(STATEMENT, RenderOptions(format="a5", template=template))
    assert len(render._STYLES._entries) == 2


# WeasyPrint 70 leaves its sRGB profile file open when writing PDF/A (a ResourceWarning).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_pdf_a_render_leaves_the_next_render_s_colours_alone() -> None:
    # Writing PDF/A adds an sRGB profile to the document's colour profiles; the next plain
    # render with the same stylesheets keeps its marks' CMYK alternate.
    from io import BytesIO

    from pypdf import PdfReader

    statement = parse_statement("---\ntitle: Marks\ndate: 2025-01-02\n---\n\nText.\n")

    def alternate(variant: str | None) -> str:
        options = RenderOptions(format="a5", marks=True, bleed=8.5, pdf_variant=variant)
        page = PdfReader(BytesIO(render_statement(statement, options).pdf)).pages[0]
        return str(page["/Resources"]["/ColorSpace"]["/Reg"].get_object()[2])

    assert alternate("pdf/a-3b") == "/DeviceRGB"
    assert alternate(None) == "/DeviceCMYK"


def test_a_pdf_written_without_compression_shows_the_same_pages() -> None:
    """``compress=False`` (the studio's previews): streams as they are, the same pages."""
    import pypdfium2

    packed = render_statement(STATEMENT, RenderOptions(format="a5")).pdf
    plain = render_statement(STATEMENT, RenderOptions(format="a5", compress=False)).pdf
    assert b"/FlateDecode" in packed and b"/FlateDecode" not in plain
    assert len(plain) > len(packed)
    pictures = []
    for pdf in (packed, plain):
        document = pypdfium2.PdfDocument(pdf)
        pictures.append([page.render(scale=1).to_pil().tobytes() for page in document])
        document.close()
    assert pictures[0] == pictures[1] and pictures[0]
