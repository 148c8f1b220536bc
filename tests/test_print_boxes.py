"""Print-shop output read back: TrimBox, BleedBox and MediaBox on flat, poster and imposed pages,
with and without bleed and crop marks (CSS Paged Media 3 §7 ``bleed``; PDF 1.7 §14.11.2)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from leaflet.check import check_pdf
from leaflet.imposition import ImposeOptions, impose
from leaflet.pipeline import MARKS_BLEED, RenderOptions, render_statement
from leaflet.source import parse_statement
from leaflet.units import POINTS_PER

from conftest import pdf_reader, run_cli

MM = POINTS_PER["mm"]
Box = tuple[float, float, float, float]

STATEMENT = """---
title: "Bleed reaches the cut"
date: 2025-03-14
slogans: ["Print it right!"]
---

The lead paragraph of a short statement.

## A section

Body text long enough to set a paragraph or two on the page, and no more than that.
"""


@cache
def rendered(fmt: str, bleed: float | None = None, marks: bool = False) -> bytes:
    options = RenderOptions(format=fmt, template="bold", bleed=bleed, marks=marks)
    return render_statement(parse_statement(STATEMENT), options).pdf


def boxes(pdf: bytes, index: int = 0) -> tuple[Box, Box, Box]:
    page = pdf_reader(pdf).pages[index]
    return tuple(  # type: ignore[return-value]
        tuple(float(v) for v in (box.left, box.bottom, box.right, box.top))
        for box in (page.mediabox, page.bleedbox, page.trimbox)
    )


def size_mm(box: Box) -> tuple[float, float]:
    return round((box[2] - box[0]) / MM, 1), round((box[3] - box[1]) / MM, 1)


def contains(outer: Box, inner: Box) -> bool:
    return all(
        (outer[i] <= inner[i] + 0.01) if i < 2 else (outer[i] >= inner[i] - 0.01) for i in range(4)
    )


def grown(box: Box, by: float) -> Box:
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


def test_without_bleed_the_three_boxes_are_the_page() -> None:
    media, bleed, trim = boxes(rendered("a5"))
    assert size_mm(trim) == (148.0, 210.0)
    assert media == pytest.approx(bleed) and bleed == pytest.approx(trim)


@pytest.mark.parametrize("fmt", ["a5", "a4", "poster-a3"])
def test_bleed_grows_bleed_and_media_around_the_trim(fmt: str) -> None:
    pdf = rendered(fmt, bleed=3 * MM)
    for index in range(len(pdf_reader(pdf).pages)):
        media, bleed, trim = boxes(pdf, index)
        assert bleed == pytest.approx(grown(trim, 3 * MM), abs=0.01)
        assert media == pytest.approx(bleed, abs=0.01)


@pytest.mark.parametrize("fmt", ["a5", "poster-a3"])
def test_marks_grow_the_media_beyond_the_bleed(fmt: str) -> None:
    media, bleed, trim = boxes(rendered(fmt, marks=True))
    assert bleed == pytest.approx(grown(trim, MARKS_BLEED), abs=0.01)  # 3 mm by default
    assert contains(media, bleed) and media != pytest.approx(bleed)
    assert size_mm(media) == (size_mm(trim)[0] + 15, size_mm(trim)[1] + 15)


def test_booklet_sheets_keep_the_bleed_and_the_marks_fit_sra4() -> None:
    pdf = rendered("a5-fold", marks=True)
    media, bleed, trim = boxes(pdf)
    assert size_mm(trim) == (296.0, 210.0)  # two A5 pages side by side: the folded sheet
    assert bleed == pytest.approx(grown(trim, MARKS_BLEED), abs=0.01)
    assert size_mm(media) == (311.0, 225.0)  # fits an SRA4 sheet (320 × 225 mm)


def test_booklet_without_marks_grows_its_sheet_to_hold_the_bleed_on_every_edge() -> None:
    pdf = rendered("a5-fold", bleed=3 * MM)
    media, bleed, trim = boxes(pdf)
    assert size_mm(trim) == (296.0, 210.0)
    assert size_mm(media) == (302.0, 216.0)  # two A5 pages and 3 mm all round: not A4
    assert bleed == pytest.approx(grown(trim, 3 * MM), abs=0.01)
    image = raster(pdf)
    # The bold band of the front page (right half) runs into the top and right bleed: painted
    # 1.5 mm past the trim, not white.
    top = image.getpixel((int((trim[0] + 3 * trim[2]) / 4 * 2), int(1.5 * MM * 2)))
    right = image.getpixel((int((media[2] - 1.5 * MM) * 2), int(10 * MM * 2)))
    assert top != (255, 255, 255) and right != (255, 255, 255)


def test_booklet_with_bleed_tells_the_printer_the_sheet_is_larger_than_a4() -> None:
    from leaflet.pipeline import render_statement as render

    options = RenderOptions(format="a5-fold", template="bold", bleed=3 * MM)
    result = render(parse_statement(STATEMENT), options)
    assert "302×216 mm, larger than A4, to carry the 3 mm bleed" in (result.instruction or "")


def test_impose_marks_on_a4_pages_fit_sra3() -> None:
    flat = rendered("a4", bleed=3 * MM)
    imposed = impose(flat, ImposeOptions(layout="2up", marks=True)).data
    media, bleed, trim = boxes(imposed)
    assert size_mm(trim) == (426.0, 297.0)  # two A4 pages 6 mm apart: each cut has its bleed
    assert bleed == pytest.approx(grown(trim, 3 * MM), abs=0.01)
    assert size_mm(media)[0] <= 450 and size_mm(media)[1] <= 320


def raster(pdf: bytes, scale: float = 2.0) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    image = document[0].render(scale=scale).to_pil().convert("RGB")
    document.close()
    return image


def test_the_bold_band_runs_into_the_bleed_and_marks_stay_outside_it() -> None:
    pdf = rendered("a5", marks=True)
    media, bleed, trim = boxes(pdf)
    image = raster(pdf)
    scale = 2.0

    def pixel(x: float, y: float) -> tuple[int, int, int]:
        """The pixel at PDF point (x, y) (origin at the MediaBox's bottom left)."""
        return image.getpixel((int((x - media[0]) * scale), int((media[3] - y) * scale)))  # type: ignore[return-value]

    red = pixel((trim[0] + trim[2]) / 2, trim[3] - 10)  # inside the band, under the top edge
    assert red[0] > 150 and red[1] < 80
    assert pixel((trim[0] + trim[2]) / 2, trim[3] + 1.5 * MM) == red  # past the trim: bleed
    assert pixel(trim[0] - 1.5 * MM, trim[3] - 10) == red  # past the left edge too
    # Crop marks: dark lines beyond the bleed, on the trim lines, none inside the bleed.
    assert pixel(trim[0], bleed[3] + 2 * MM)[0] < 128
    assert pixel(trim[0] - 0.5 * MM, bleed[3] + 2 * MM)[0] > 200


def test_same_options_same_bytes_with_marks() -> None:
    # Flat pages: repeated booklet renders in one process are not always byte-identical, with
    # or without marks (a font subset differs; seen before this change too).
    options = RenderOptions(format="a5", template="bold", marks=True)
    first = render_statement(parse_statement(STATEMENT), options).pdf
    second = render_statement(parse_statement(STATEMENT), options).pdf
    assert first == second
    assert pdf_reader(first).trailer["/ID"][0] == pdf_reader(second).trailer["/ID"][0]


def test_cli_bleed_and_marks(tmp_path: Path) -> None:
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT)
    output = tmp_path / "out.pdf"
    result = run_cli("render", source, "-f", "a5", "--bleed", "2mm", "--marks", "-o", output)
    assert result.code == 0, result.err
    media, bleed, trim = boxes(output.read_bytes())
    assert bleed == pytest.approx(grown(trim, 2 * MM), abs=0.01)
    assert contains(media, bleed) and media != pytest.approx(bleed)


def test_negative_bleed_is_a_usage_error(tmp_path: Path) -> None:
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT)
    result = run_cli("render", source, "--bleed=-1mm", "-o", tmp_path / "x.pdf")
    assert result.code == 2
    assert "--bleed cannot be negative" in result.err
    assert not (tmp_path / "x.pdf").exists()


def test_imposed_files_name_their_layout_for_check() -> None:
    imposed = impose(rendered("a5", bleed=3 * MM), ImposeOptions(marks=True)).data
    assert "layout:saddle" in pdf_reader(imposed).metadata["/Keywords"]
    assert check_pdf(imposed).problems == ()
