"""The template gallery: a PNG per template and a contact sheet naming every template."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from leaflet.gallery import CONTACT_SHEET, PREVIEW_WIDTH_PX, grid_columns
from leaflet.templates import builtin_templates

from conftest import EXAMPLES, CliResult, pdf_reader, run_cli

A4_ASPECT = 297 / 210


@pytest.fixture(scope="module")
def gallery(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, CliResult]:
    folder = tmp_path_factory.mktemp("gallery") / "out"
    return folder, run_cli("gallery", "-o", folder)


def test_a_png_per_template(gallery: tuple[Path, CliResult]) -> None:
    folder, result = gallery
    assert result.code == 0, result.err
    for name in builtin_templates():
        with Image.open(folder / f"{name}.png") as image:
            assert image.format == "PNG"
            assert image.width == PREVIEW_WIDTH_PX
            assert image.height == pytest.approx(PREVIEW_WIDTH_PX * A4_ASPECT, abs=2)
            # Not a blank page: a leaflet has plenty of dark pixels (text, rules).
            dark = sum(image.convert("L").point(lambda v: v < 128).histogram()[1:])
            assert dark > image.width * image.height * 0.01, name


def test_contact_sheet_names_every_template(gallery: tuple[Path, CliResult]) -> None:
    folder, _ = gallery
    reader = pdf_reader(folder / CONTACT_SHEET)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for name, template in builtin_templates().items():
        assert name in text
        assert template.description.split()[0] in text
    images = reader.pages[0]["/Resources"]["/XObject"]
    assert len(images) == len(builtin_templates())


def test_progress_one_line_per_template_then_the_sheet(gallery: tuple[Path, CliResult]) -> None:
    folder, result = gallery
    lines = result.out.splitlines()
    count = len(builtin_templates())
    assert len(lines) == count + 1
    assert lines[0].startswith(f"[1/{count}] ")
    assert lines[-1].startswith(str(folder / CONTACT_SHEET))


def test_own_statement_and_format(tmp_path: Path) -> None:
    result = run_cli("gallery", EXAMPLES / "uk-labour-rights.md", "-f", "a5", "-o", tmp_path)
    assert result.code == 0, result.err
    text = pdf_reader(tmp_path / CONTACT_SHEET).pages[0].extract_text()
    assert "a5" in text and "Праця" in text


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli("gallery", "-f", "b7", "-o", tmp_path)
    assert result.code == 2 and "unknown format 'b7'" in result.err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("count", "expected"), [(1, 1), (2, 2), (4, 3), (6, 3), (7, 4), (9, 4)])
def test_grid_columns_fit_the_sheet(count: int, expected: int) -> None:
    assert grid_columns(count, A4_ASPECT) == expected
