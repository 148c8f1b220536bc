"""``leaflet render --job``: the job ticket a print shop needs, as text and JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import EXAMPLES, CliResult, pdf_reader

Cli = Callable[..., CliResult]
EXAMPLE = EXAMPLES / "en-free-transit.md"


def test_booklet_ticket_with_marks(cli: Cli, tmp_path: Path) -> None:
    output = tmp_path / "transit.pdf"
    result = cli("render", EXAMPLE, "-f", "a5-fold", "--marks", "--job", "-o", output)
    assert result.code == 0, result.err
    text, data = tmp_path / "transit.job.txt", tmp_path / "transit.job.json"
    assert f"{text}\n{data}\n" in result.out
    ticket = json.loads(data.read_text())
    pages = ticket["pages"]
    assert pages % 4 == 0
    assert ticket == {
        "file": "transit.pdf",
        "finished_size": "A5, 148 × 210 mm portrait",
        "pages": pages,
        # The exact sheet (A4 trims with 3 mm bleed and marks), and the stock it is cut from.
        "press_sheet": "311 × 225 mm landscape, on SRA4 (320 × 225 mm)",
        "sheets_per_copy": pages // 4,
        "printing": "double-sided, flip on short edge",
        # The layout's own finishing (impose/saddle.py), as its instruction line says it.
        "finishing": "trim at the crop marks; fold, staple",
        "colours": "4/4: full colour (#c8102e and black); an RGB file: the shop converts it "
        "to its press's CMYK",
        "bleed_mm": 3.0,
        "crop_marks": True,
        "pdf_standard": "PDF 1.7",
        "fonts_embedded": True,
        "quantity": "____ copies",
        "paper": "____ (stock and weight, e.g. 135 g/m² gloss art)",
        "proof": "____ (PDF proof, printed proof, or none)",
        "copies_per_sheet": 1,
        "pdf_pages": pages // 2,
        "notes": ticket["notes"],  # the layout preflight's (tests/test_preflight.py)
        "delivery": "imposed sheets",
        "creep_mm": 0.0,
        "creep_innermost_mm": 0.0,
        "ink_coverage": {},
        "masters": 0,
        "coverage_warnings": [],
    }
    lines = text.read_text().splitlines()
    assert lines[0] == "Print job: transit.pdf"
    assert "Quantity: ____ copies" in lines
    assert "Paper: ____ (stock and weight, e.g. 135 g/m² gloss art)" in lines
    assert (
        f"Press sheet: 311 × 225 mm landscape, on SRA4 (320 × 225 mm), {pages // 4} per copy"
        in lines
    )
    assert (
        f"Pages: {pages} finished pages, imposed: the PDF's {pages // 2} sheet sides carry them"
        in lines
    )
    assert "Bleed: 3 mm on every edge; crop marks: yes" in lines
    assert "Delivery: imposed sheets" in lines
    assert "Creep: none applied (the shop may add its own for the paper)" in lines


def test_flat_ticket_without_bleed_and_black_only_template(cli: Cli, tmp_path: Path) -> None:
    output = tmp_path / "flat.pdf"
    assert cli("render", EXAMPLE, "-f", "a4", "-t", "copier", "--job", "-o", output).code == 0
    ticket = json.loads((tmp_path / "flat.job.json").read_text())
    assert ticket["press_sheet"] == "A4, 210 × 297 mm portrait"
    assert (ticket["bleed_mm"], ticket["crop_marks"], ticket["finishing"]) == (0, False, "none")
    assert (ticket["printing"], ticket["colours"]) in (
        ("single-sided", "1/0: black only"),
        ("double-sided, flip on long edge", "1/1: black only"),
    )
    text = (tmp_path / "flat.job.txt").read_text()
    assert "Bleed: none; crop marks: no" in text
    assert "Delivery: single pages" in text and "Creep:" not in text
    assert (ticket["delivery"], ticket["creep_mm"]) == ("single pages", 0)


def test_no_ticket_without_the_option(cli: Cli, tmp_path: Path) -> None:
    assert cli("render", EXAMPLE, "-f", "a5", "-o", tmp_path / "x.pdf").code == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["x.pdf"]


def test_pdfx_ticket_names_the_inks(cli: Cli, tmp_path: Path) -> None:
    output = tmp_path / "x.pdf"
    args = ("render", EXAMPLE, "-f", "a4", "--pdf-variant", "pdf/x-4", "--job", "-o", output)
    assert cli(*args).code == 0
    ticket = json.loads((tmp_path / "x.job.json").read_text())
    assert ticket["pdf_standard"] == "PDF/X-4"
    sides = "4/4" if ticket["printing"].startswith("double") else "4/0"
    assert ticket["colours"] == (
        f"{sides}: CMYK for FOGRA39 (Coated FOGRA39 (ISO 12647-2:2004)); black text and greys "
        "in black ink (K) only; #c8102e as C0 M98 Y75 K16"
    )


def test_pdf_standards_by_their_names(cli: Cli, tmp_path: Path) -> None:
    output = tmp_path / "x.pdf"
    args = ("render", EXAMPLE, "-f", "a5-fold", "--pdf-variant", "pdf/x-1a", "--job", "-o", output)
    assert cli(*args).code == 0
    ticket = json.loads((tmp_path / "x.job.json").read_text())
    assert ticket["pdf_standard"] == "PDF/X-1a:2003"
    assert ticket["colours"].startswith("4/4: CMYK for FOGRA39")


def test_impose_ticket(cli: Cli, tmp_path: Path) -> None:
    flat = tmp_path / "flat.pdf"
    assert cli("render", EXAMPLE, "-f", "a5", "--bleed", "3mm", "-o", flat).code == 0
    pages = len(pdf_reader(flat).pages)
    output = tmp_path / "booklet.pdf"
    result = cli("impose", flat, "--marks", "--job", "-o", output)
    assert result.code == 0, result.err
    assert result.out.splitlines()[-2:] == [
        str(tmp_path / "booklet.job.txt"),
        str(tmp_path / "booklet.job.json"),
    ]
    ticket = json.loads((tmp_path / "booklet.job.json").read_text())
    padded = -(-pages // 4) * 4
    assert ticket["pages"] == padded and ticket["sheets_per_copy"] == padded // 4
    assert ticket["finished_size"] == "A5, 148 × 210 mm portrait"
    assert ticket["press_sheet"] == "311 × 225 mm landscape, on SRA4 (320 × 225 mm)"
    assert ticket["printing"] == "double-sided, flip on short edge"
    assert ticket["finishing"] == "trim at the crop marks; fold, staple"
    assert (ticket["bleed_mm"], ticket["crop_marks"]) == (3.0, True)
    text = (tmp_path / "booklet.job.txt").read_text()
    assert "PDF: as supplied\n" in text  # leaflet did not make it: fonts are check's job


@pytest.mark.parametrize(
    ("layout", "copies", "sheet", "sheets_line"),
    [
        (
            "2up",
            2,
            "A4, 297 × 210 mm landscape",
            "1 sheet per 2 copies (2-up: cut each sheet into 2)",
        ),
        (
            "4up",
            4,
            "A3, 297 × 420 mm portrait",
            "1 sheet per 4 copies (4-up: cut each sheet into 4)",
        ),
        ("saddle", 1, "A4, 297 × 210 mm landscape", "1 per copy"),
    ],
)
def test_n_up_ticket_counts_copies_per_sheet(
    cli: Cli, tmp_path: Path, layout: str, copies: int, sheet: str, sheets_line: str
) -> None:
    """A one-page A5 flyer: a sheet holds one copy (saddle: padded to a 4-page booklet on one
    sheet), two (2-up on A4) or four (4-up on A3); the paper quoted per copy is 1, 1/2 and
    1/4 sheet."""
    source = tmp_path / "flyer.md"
    source.write_text("---\ntitle: One page\n---\n\nShort text.\n")
    flat = tmp_path / "flat.pdf"
    assert cli("render", source, "-f", "a5", "-o", flat).code == 0
    assert len(pdf_reader(flat).pages) == 1
    output = tmp_path / "sheets.pdf"
    assert cli("impose", flat, "--layout", layout, "--job", "-o", output).code == 0
    ticket = json.loads((tmp_path / "sheets.job.json").read_text())
    assert ticket["copies_per_sheet"] == copies
    assert ticket["sheets_per_copy"] == 1 / copies
    assert ticket["press_sheet"] == sheet
    assert f"Press sheet: {sheet}, {sheets_line}" in (tmp_path / "sheets.job.txt").read_text()


def test_the_json_schema_is_documented() -> None:
    """Every key of the JSON ticket is in the module's table, and nothing else."""
    import dataclasses
    import re

    from leaflet import jobticket

    documented = re.findall(r"^``(\w+)``\s", jobticket.__doc__ or "", re.M)
    assert documented == [field.name for field in dataclasses.fields(jobticket.JobTicket)]


def test_impose_ticket_records_the_creep(cli: Cli, tmp_path: Path) -> None:
    """Twelve A5 pages: three sheets; 0.1 mm paper gives 0.1 mm creep per sheet of depth, so
    the innermost (third) sheet's pages move 0.2 mm towards the spine."""
    from weasyprint import HTML

    pages = "".join(f"<p>{n}</p>" for n in range(1, 13))
    css = (
        "@page { size: A5; bleed: 3mm } p { break-after: page } p:last-child { break-after: auto }"
    )
    flat = tmp_path / "twelve.pdf"
    flat.write_bytes(bytes(HTML(string=f"<style>{css}</style>{pages}").write_pdf()))
    output = tmp_path / "booklet.pdf"
    args = ("impose", flat, "--paper-thickness", "0.1mm", "--job", "-o", output)
    assert cli(*args).code == 0
    ticket = json.loads((tmp_path / "booklet.job.json").read_text())
    assert (ticket["creep_mm"], ticket["creep_innermost_mm"]) == (0.1, 0.2)
    assert (ticket["sheets_per_copy"], ticket["delivery"]) == (3, "imposed sheets")
    assert (
        "Creep: 0.1 mm per sheet, 0.2 mm on the innermost sheet: applied (its pages shifted "
        "towards the spine)"
    ) in (tmp_path / "booklet.job.txt").read_text().splitlines()


def test_booklet_with_bleed_and_no_marks_names_its_grown_sheet(cli: Cli, tmp_path: Path) -> None:
    """Two A5 pages (2 × 148 × 210 mm) and 3 mm of bleed around them: 302 × 216 mm, more than
    A4, printed on SRA4."""
    output = tmp_path / "fold.pdf"
    args = ("render", EXAMPLE, "-f", "a5-fold", "--bleed", "3mm", "--job", "-o", output)
    result = cli(*args)
    assert result.code == 0, result.err
    assert "larger than A4, to carry the 3 mm bleed" in result.out
    ticket = json.loads((tmp_path / "fold.job.json").read_text())
    assert ticket["press_sheet"] == "302 × 216 mm landscape, on SRA4 (320 × 225 mm)"
    assert (ticket["bleed_mm"], ticket["crop_marks"]) == (3.0, False)


def test_ticket_of_single_pages_leaves_the_sheet_to_the_shop(tmp_path: Path) -> None:
    from leaflet.imposition import deliver_pages
    from leaflet.jobticket import impose_ticket
    from leaflet.pipeline import RenderOptions, render_statement
    from leaflet.source import load_statement

    statement = load_statement(EXAMPLE)
    flat = render_statement(statement, RenderOptions(format="a5", bleed=8.5)).pdf
    ticket = impose_ticket(tmp_path / "pages.pdf", deliver_pages(flat), marks=False)
    assert ticket.delivery == "single pages"
    assert ticket.press_sheet == (
        "the shop's choice (single pages of 154 × 216 mm portrait with their bleed, to impose)"
    )
    assert ticket.pages % 4 == 0 and ticket.pdf_pages == ticket.pages
    assert (ticket.copies_per_sheet, ticket.sheets_per_copy) == (1, ticket.pages // 4)
    assert "Delivery: single pages" in ticket.to_text()


def test_folded_and_cut_pieces_take_their_figures_from_the_layout(tmp_path: Path) -> None:
    """Hand-computed: a tri-fold is one A4 sheet, both sides, folded in three; two-sided A6
    flyers come four to an A4 sheet, so a copy takes a quarter of one."""
    from leaflet.jobticket import job_ticket
    from leaflet.pipeline import RenderOptions, render_statement
    from leaflet.source import load_statement

    statement = load_statement(EXAMPLES / "es-vivienda.md")
    cases = {
        "dl-trifold": ("DL, 100 × 210 mm portrait", 6, 1.0, 1, "roll fold"),
        "a6-flyer": ("A6, 105 × 148 mm portrait", 2, 0.25, 4, "cut at the marks"),
    }
    for fmt, (size, pages, sheets, copies, finishing) in cases.items():
        options = RenderOptions(format=fmt)
        result = render_statement(statement, options)
        ticket = job_ticket(tmp_path / f"{fmt}.pdf", statement, options, result)
        assert ticket.finished_size == size, fmt
        assert (ticket.pages, ticket.sheets_per_copy, ticket.copies_per_sheet) == (
            pages,
            sheets,
            copies,
        ), fmt
        assert ticket.printing == "double-sided, flip on short edge" or fmt == "a6-flyer"
        assert finishing in ticket.finishing and ticket.delivery == "imposed sheets", fmt
