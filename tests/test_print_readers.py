"""Independent readers: leaflet's print files pass ``qpdf --check`` and look the same in pdfium
(pypdfium2) and poppler (``pdftoppm``).  Skipped where those tools are not installed
(``scripts/system-deps.sh`` installs them on Debian/Ubuntu)."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops, ImageFilter

from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import load_statement

from conftest import EXAMPLES

CASES = [("a5", False), ("a5", True), ("a5-fold", True), ("poster-a3", True)]


@cache
def rendered(fmt: str, marks: bool) -> bytes:
    statement = load_statement(EXAMPLES / "en-free-transit.md")
    return render_statement(statement, RenderOptions(format=fmt, template="bold", marks=marks)).pdf


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (scripts/system-deps.sh installs it)")
    return path


@pytest.mark.parametrize(("fmt", "marks"), CASES)
def test_qpdf_finds_no_error(tmp_path: Path, fmt: str, marks: bool) -> None:
    qpdf = tool("qpdf")
    path = tmp_path / "file.pdf"
    path.write_bytes(rendered(fmt, marks))
    result = subprocess.run([qpdf, "--check", path], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


@pytest.mark.parametrize(("fmt", "marks"), CASES)
def test_pdfium_and_poppler_draw_the_same_page(tmp_path: Path, fmt: str, marks: bool) -> None:
    pdftoppm = tool("pdftoppm")
    path = tmp_path / "file.pdf"
    path.write_bytes(rendered(fmt, marks))
    subprocess.run(
        [pdftoppm, "-r", "36", "-f", "1", "-l", "1", "-png", path, tmp_path / "poppler"],
        check=True,
    )
    poppler = Image.open(next(tmp_path.glob("poppler*.png"))).convert("L")
    document = pdfium.PdfDocument(path)
    pdfium_image = document[0].render(scale=0.5).to_pil().convert("L")
    document.close()
    assert abs(poppler.size[0] - pdfium_image.size[0]) <= 1
    assert abs(poppler.size[1] - pdfium_image.size[1]) <= 1
    assert differing_share(poppler, pdfium_image.resize(poppler.size)) < 0.005


def differing_share(first: Image.Image, second: Image.Image) -> float:
    """Share of pixels that differ clearly, at the best alignment within one pixel.

    Anti-aliasing differs at glyph edges (blurred away) and the engines round the page origin
    differently (the one-pixel shift); areas drawn differently or elsewhere — a band, the bleed,
    a mark — still differ.
    """
    blur = ImageFilter.GaussianBlur(2)
    first, second = first.filter(blur), second.filter(blur)
    shares = []
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            difference = ImageChops.difference(first, ImageChops.offset(second, dx, dy))
            shares.append(sum(difference.histogram()[40:]) / (first.size[0] * first.size[1]))
    return min(shares)
