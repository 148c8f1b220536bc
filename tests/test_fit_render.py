"""Fitting real statements to page budgets, and booklet formats, read back with pypdf."""

from __future__ import annotations

from functools import cache

import pypdfium2 as pdfium
import pytest

from leaflet.errors import RenderError, UsageError
from leaflet.model import Statement
from leaflet.pipeline import MIN_BODY_SIZE, RenderOptions, RenderResult, render_statement
from leaflet.source import load_statement, parse_statement
from leaflet.units import POINTS_PER

from conftest import EXAMPLES, missing_words, pdf_reader, run_cli

MM = POINTS_PER["mm"]

SENTENCES = [
    "The assembly met on Saturday and agreed to continue the campaign until the council listens.",
    "Every household on the estate received a letter explaining the new charges in detail.",
    "Tenants described damp, broken lifts and repairs that were promised and never carried out.",
    "Our members collected signatures at the market, outside the school and at the bus station.",
    "We will hold the landlord to the commitments it made in writing two years ago.",
]


def statement_of(paragraphs: int, *, slogans: bool = True) -> Statement:
    """A statement of our own making, *paragraphs* paragraphs long, with sections."""
    body = []
    for index in range(paragraphs):
        if index % 4 == 0:
            body.append(f"## Part {index // 4 + 1} of the argument\n")
        sentences = SENTENCES[index % 5 :] + SENTENCES[: index % 5]
        body.append(" ".join(sentences) + f" (paragraph {index + 1})\n")
    front = "---\ntitle: Repairs now, not promises\nlang: en\n"
    if slogans:
        front += "slogans:\n  - Repairs now!\n  - No to the new charges!\n"
    return parse_statement(
        front + "---\n\nA lead paragraph opens the statement.\n\n" + "\n".join(body)
    )


@cache
def render(paragraphs: int, fmt: str, pages: int | None = None) -> RenderResult:
    return render_statement(statement_of(paragraphs), RenderOptions(format=fmt, pages=pages))


def natural_pages(paragraphs: int, fmt: str) -> int:
    return render(paragraphs, fmt).page_count


def test_pages_shrinks_to_an_exact_count_with_every_word() -> None:
    assert natural_pages(16, "a5") == 4
    result = render(16, "a5", 3)
    assert len(pdf_reader(result.pdf).pages) == 3
    assert result.scale < 1
    assert 9.5 * result.scale >= MIN_BODY_SIZE
    assert missing_words(statement_of(16).words(), result.pdf) == []


def test_pages_grows_into_spare_room() -> None:
    normal = render(8, "a5")
    assert normal.page_count == 2
    result = render(8, "a5", 3)
    assert len(pdf_reader(result.pdf).pages) == 3
    assert result.scale > 1.05
    assert missing_words(statement_of(8).words(), result.pdf) == []


def test_impossible_budget_says_what_would_fit() -> None:
    with pytest.raises(RenderError) as caught:
        render_statement(statement_of(40), RenderOptions(format="a5", pages=1))
    message = str(caught.value)
    assert "does not fit 1 a5 page" in message
    assert "8 pt body" in message
    needed = int(message.split("it needs ")[1].split(";")[0])
    assert needed >= 2
    assert f"--pages {needed}" in message and "--format a4" in message


def test_impossible_budget_on_the_command_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "long.md"
    source.write_text(
        "---\ntitle: T\n---\n\n" + "\n\n".join(" ".join(SENTENCES) for _ in range(60)),
        encoding="utf-8",
    )
    result = run_cli("render", source, "-f", "a5", "--pages", "1", "-o", tmp_path / "x.pdf")
    assert result.code == 2
    assert result.err.startswith("leaflet: error: long.md does not fit 1 a5 page")
    assert not (tmp_path / "x.pdf").exists()


def test_booklet_budget_must_be_a_multiple_of_four() -> None:
    with pytest.raises(UsageError, match="multiple of 4"):
        render_statement(statement_of(4), RenderOptions(format="a5-fold", pages=6))


def test_a_last_page_holding_a_few_lines_is_pulled_back() -> None:
    # At its normal size the English example spills a few lines onto a second letter page.
    result = render_statement(
        load_statement(EXAMPLES / "en-free-transit.md"), RenderOptions(format="letter")
    )
    assert result.page_count == 1
    assert 0.9 <= result.scale < 1
    assert missing_words(load_statement(EXAMPLES / "en-free-transit.md").words(), result.pdf) == []


def test_fitting_takes_few_layout_passes() -> None:
    assert render(16, "a5", 3).passes <= 6


# --- booklets ---------------------------------------------------------------------------------


def halves(pdf: bytes) -> list[tuple[str, str]]:
    """Text of the left and right half of every sheet side (read with pdfium)."""
    document = pdfium.PdfDocument(pdf)
    sides = []
    for page in document:
        width, height = page.get_size()
        text = page.get_textpage()
        sides.append(
            (
                text.get_text_bounded(left=0, bottom=0, right=width / 2, top=height),
                text.get_text_bounded(left=width / 2, bottom=0, right=width, top=height),
            )
        )
    document.close()
    return sides


@pytest.mark.parametrize(("fmt", "sheet_mm"), [("a5-fold", (297, 210)), ("a4-fold", (420, 297))])
def test_booklet_sheets_are_landscape_and_a_multiple_of_four(
    fmt: str, sheet_mm: tuple[int, int]
) -> None:
    result = render(20, fmt)
    assert result.page_count % 4 == 0
    reader = pdf_reader(result.pdf)
    assert len(reader.pages) == result.page_count // 2  # two sides a sheet, two pages a side
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(sheet_mm[0] * MM, abs=1)
        assert float(page.mediabox.height) == pytest.approx(sheet_mm[1] * MM, abs=1)
    assert result.instruction and "flip on short edge" in result.instruction


def test_booklet_cover_first_back_page_last_blanks_before_it() -> None:
    result = render(10, "a5-fold")
    assert result.page_count == 4
    sides = halves(result.pdf)
    (back, cover), (inside_left, inside_right) = sides
    assert "Repairs now, not promises" in cover
    back_words = " ".join(back.split()).casefold()
    assert "repairs now!" in back_words  # the slogans are the back page
    assert "no to the new charges!" in back_words
    assert "Part" not in back  # nothing of the body on the back
    # Pages 2 and 3 carry the rest of the text; no blank page inside it.
    assert inside_left.strip() and inside_right.strip()
    text = " ".join(part for side in sides for part in side)
    flat = text.replace("-\r\n", "").casefold()
    assert [w for w in statement_of(10).words() if w.casefold() not in flat] == []


def test_booklet_padding_goes_before_the_back_page() -> None:
    # Two pages of text and the back page: the type grows as far as the template allows,
    # then one blank page is added — before the back page, never inside the text.
    result = render(6, "a5-fold")
    assert result.page_count == 4
    assert result.instruction and "(1 blank)" in result.instruction
    (back, cover), (page_2, page_3) = halves(result.pdf)
    assert "Repairs now, not promises" in cover
    assert "repairs now!" in back.casefold()
    assert page_2.strip() and not page_3.strip()
