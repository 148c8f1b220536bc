"""`render -f a5-fold --deliver pages`: a booklet's pages in reading order for a shop that
imposes itself — a multiple of four, each with its trim and bleed, the back page last — and the
job ticket says so; `--deliver sheets` (the default) imposes."""

from __future__ import annotations

import re
from pathlib import Path

from leaflet.source import load_statement

from conftest import EXAMPLES, assert_refused, pdf_reader, run_cli

MM = 72 / 25.4


def test_pages_in_reading_order_with_their_bleed(tmp_path: Path) -> None:
    source = EXAMPLES / "uk-labour-rights.md"
    output = tmp_path / "pages.pdf"
    result = run_cli(
        "render", source, "-f", "a5-fold", "--deliver", "pages", "--bleed", "3mm", "-o", output,
        "--job",
    )  # fmt: skip
    assert result.code == 0, result.err
    reader = pdf_reader(output)
    assert len(reader.pages) % 4 == 0
    for page in reader.pages:
        trim, media = page.trimbox, page.mediabox
        assert round((float(trim.width)) / MM) == 148 and round(float(trim.height) / MM) == 210
        assert round((float(trim.left) - float(media.left)) / MM) == 3
        assert round((float(media.top) - float(trim.top)) / MM) == 3
    # Reading order: the title on the first page, the slogans on the last.
    statement = load_statement(source)
    first = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    last = re.sub(r"\s+", " ", reader.pages[-1].extract_text())
    assert statement.title.split()[0] in first
    assert statement.slogans[0].split()[0].upper() in last.upper()
    ticket = (tmp_path / "pages.job.txt").read_text(encoding="utf-8")
    assert "Delivery: single pages" in ticket


def test_sheets_are_the_default(tmp_path: Path) -> None:
    output = tmp_path / "sheets.pdf"
    result = run_cli("render", EXAMPLES / "uk-labour-rights.md", "-f", "a5-fold", "-o", output)
    assert result.code == 0, result.err
    reader = pdf_reader(output)
    # Imposed: landscape A4 sheets, two pages a side.
    assert float(reader.pages[0].mediabox.width) > float(reader.pages[0].mediabox.height)


def test_an_unknown_delivery_is_refused(tmp_path: Path) -> None:
    output = tmp_path / "x.pdf"
    result = run_cli(
        "render", EXAMPLES / "uk-labour-rights.md", "-f", "a5-fold", "--deliver", "plates",
        "-o", output,
    )  # fmt: skip
    assert_refused(result, mentions="--deliver")
    assert not output.exists()


def test_pages_of_a_flat_format_are_refused(tmp_path: Path) -> None:
    output = tmp_path / "x.pdf"
    result = run_cli(
        "render", EXAMPLES / "es-vivienda.md", "-f", "a4", "--deliver", "pages", "-o", output
    )
    assert_refused(result, mentions="not imposed")
    assert not output.exists()


def test_a_flyer_has_at_most_its_two_sides(tmp_path: Path) -> None:
    source = EXAMPLES / "es-vivienda.md"
    output = tmp_path / "flyer.pdf"
    result = run_cli("render", source, "-f", "a5-flyer", "--pages", "4", "-o", output)
    assert_refused(result, mentions="a5-flyer has at most 2 pages")
    assert not output.exists()


def test_a_flyers_sides_carry_no_page_number() -> None:
    from leaflet.pipeline import RenderOptions, render_statement
    from leaflet.source import load_statement

    statement = load_statement(EXAMPLES / "es-vivienda.md")
    flat = render_statement(statement, RenderOptions(format="a6-flyer", deliver="pages")).pdf
    pages = pdf_reader(flat).pages
    assert len(pages) == 2
    last_lines = [page.extract_text().strip().splitlines()[-1].strip() for page in pages]
    assert "2" not in last_lines and "1" not in last_lines
    # A flat leaflet of two pages still numbers its second.
    a5 = render_statement(statement, RenderOptions(format="a5", pages=2)).pdf
    assert pdf_reader(a5).pages[1].extract_text().strip().splitlines()[-1].strip() == "2"
