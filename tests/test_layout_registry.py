"""A new fold is one layout plus one line in the format registry: a layout defined here, in the
test, registered, and a format naming it, render, impose, ticket and check like the bundled
ones, with nothing else told about it."""

from __future__ import annotations

import io
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

import leaflet.impose as impose_package
from leaflet.check import check_pdf
from leaflet.formats import FORMATS, Format
from leaflet.impose import (
    Box,
    Operation,
    PageRule,
    Plan,
    Printing,
    Role,
    Sheet,
    Slot,
    get_layout,
    register_layout,
    uniform_panels,
)
from leaflet.jobticket import job_ticket
from leaflet.papers import paper_size
from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import load_statement

from conftest import EXAMPLES


class HalfFold:
    """A folded card: one sheet printed both sides and folded once, four pages (cover, two
    inside, back).  Print double-sided, flip on the short edge, fold in half."""

    NAME = "half-fold"
    FINISHING = "fold in half"
    OPERATIONS: tuple[Operation, ...] = ("fold",)
    PAGE_RULE = PageRule(exact=4)

    @staticmethod
    def reading_order(page_count: int, *, keep_last: int = 0) -> list[int | None]:
        return HalfFold.PAGE_RULE.order(page_count, keep_last=keep_last)

    @staticmethod
    def roles(page_count: int) -> tuple[Role, ...]:
        return ("cover", "inside", "inside", "back")

    @staticmethod
    def printing(page_count: int, page_width: float, page_height: float) -> Printing:
        return Printing(2, "short")

    @staticmethod
    def copies_per_sheet(page_count: int, page_width: float, page_height: float) -> int:
        return 1

    @staticmethod
    def sheets_per_copy(page_count: int, page_width: float, page_height: float) -> Fraction:
        return Fraction(1)

    panel_widths = staticmethod(uniform_panels)

    @staticmethod
    def page_widths(page_count: int, page_width: float) -> tuple[float, ...]:
        return (page_width,) * 4

    @staticmethod
    def plan(
        page_count: int,
        page_width: float,
        page_height: float,
        *,
        keep_last: int = 0,
        creep: float = 0.0,
        gutter: float = 0.0,
    ) -> Plan:
        order = HalfFold.reading_order(page_count, keep_last=keep_last)
        left, right = (
            Box(0, 0, page_width, page_height),
            Box(page_width, 0, page_width, page_height),
        )
        front = (Slot(order[3], left, left), Slot(order[0], right, right))
        back = (Slot(order[1], left, left), Slot(order[2], right, right))
        return Plan(2 * page_width, page_height, (Sheet(front, back),), folds=(page_width,))


@pytest.fixture
def half_fold(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    register_layout(HalfFold)  # type: ignore[arg-type]  # a class providing what Layout lists
    width, height = paper_size("a6")
    # The one line a new format takes:
    card = Format(
        "a6-card", "A6 card", "a6", width, height, 20, 8.5, layout_name="half-fold", sheet="a5"
    )
    monkeypatch.setitem(FORMATS, card.name, card)
    yield card.name
    impose_package._REGISTERED.pop(HalfFold.NAME)


def test_a_layout_registered_from_outside_is_known_everywhere(half_fold: str) -> None:
    assert get_layout("half-fold") is HalfFold
    assert FORMATS[half_fold].page_rule == PageRule(exact=4)
    assert FORMATS[half_fold].back_page and FORMATS[half_fold].imposed


def test_a_format_naming_it_renders_imposes_tickets_and_checks(
    half_fold: str, tmp_path: Path
) -> None:
    source = EXAMPLES / "es-vivienda.md"
    statement = load_statement(source)
    options = RenderOptions(format=half_fold, template="copier")
    result = render_statement(statement, options)
    assert result.page_count == 4 and result.imposed is not None
    reader = PdfReader(io.BytesIO(result.pdf))
    assert len(reader.pages) == 2  # one sheet, both sides
    width, height = paper_size("a5", landscape=True)
    assert abs(float(reader.pages[0].mediabox.width) - width) < 1
    assert abs(float(reader.pages[0].mediabox.height) - height) < 1
    # The cover (the title) is on the right half of the front, the slogans on its left half.
    document = pdfium.PdfDocument(result.pdf)
    text = document[0].get_textpage()
    right = text.get_text_bounded(left=width / 2, bottom=0, right=width, top=height)
    left = text.get_text_bounded(left=0, bottom=0, right=width / 2, top=height)
    word = statement.title.split()[1].casefold()  # templates may set it in capitals
    assert word in right.casefold() and word not in left.casefold()
    assert statement.slogans[0].split()[-1].rstrip("!").casefold() in left.casefold()
    document.close()
    ticket = job_ticket(tmp_path / "card.pdf", statement, options, result)
    assert ticket.sheets_per_copy == 1 and "fold in half" in ticket.finishing
    assert check_pdf(result.pdf, statement=statement).problems == ()
    flat = render_statement(statement, RenderOptions(format=half_fold, deliver="pages"))
    assert len(PdfReader(io.BytesIO(flat.pdf)).pages) == 4
    assert check_pdf(flat.pdf, statement=statement).problems == ()  # every word, pages as taken
