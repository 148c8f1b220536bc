"""2-up: two copies of each page per sheet side, to cut in half and stack (e.g. A5 flyers from A4).

This is "step and repeat", what print shops expect for cut-and-stack flyers: each side of a sheet
carries the same page twice (side by side for portrait pages, one above the other for landscape
ones), so one cut through the stack gives two identical piles.  Page 1 is on the front of the
first sheet, page 2 on its back, page 3 on the front of the next sheet, and so on.  Print
double-sided (flip on the short edge of a landscape sheet), then cut along the middle.  Pages
with bleed are set twice the bleed apart, so that every cut has bleed on both sides: cut each
side of that gutter (--marks draws a mark at each cut).
"""

from __future__ import annotations

from fractions import Fraction

from . import (
    FLYER_PAGES,
    Operation,
    Plan,
    Printing,
    Role,
    flyer_order,
    flyer_roles,
    step_and_repeat,
    uniform_panels,
)

NAME = "2up"
FINISHING = "cut in half, stack"
OPERATIONS: tuple[Operation, ...] = ("cut",)
PAGE_RULE = FLYER_PAGES
#: Copies of each page on a sheet side.
COPIES = 2

panel_widths = uniform_panels


def reading_order(page_count: int, *, keep_last: int = 0) -> list[int | None]:
    """Pages in reading order, padded to front/back pairs."""
    return flyer_order(page_count, keep_last)


def roles(page_count: int) -> tuple[Role, ...]:
    """Each flyer's front is its cover, its reverse its back."""
    return flyer_roles(PAGE_RULE.padded(page_count))


def printing(page_count: int, page_width: float, page_height: float) -> Printing:
    """Both sides (one for a single page), flipped as the sheet turns like a book."""
    return Printing.of(plan(page_count, page_width, page_height))


def copies_per_sheet(page_count: int, page_width: float, page_height: float) -> int:
    """Each sheet is cut into copies of one flyer."""
    return COPIES


def sheets_per_copy(page_count: int, page_width: float, page_height: float) -> Fraction:
    """One sheet per flyer (a front/back pair), cut into copies."""
    return Fraction((PAGE_RULE.padded(page_count) + 1) // 2, COPIES)


def page_widths(page_count: int, page_width: float) -> tuple[float, ...]:
    """Every page is as wide as it was rendered."""
    return (page_width,) * PAGE_RULE.padded(page_count)


def plan(
    page_count: int,
    page_width: float,
    page_height: float,
    *,
    keep_last: int = 0,
    creep: float = 0.0,
    gutter: float = 0.0,
) -> Plan:
    """Two copies of each page per side; *creep* does not apply to flat flyers;
    cells are *gutter* apart."""
    columns, rows = (2, 1) if page_width <= page_height else (1, 2)
    return step_and_repeat(page_count, page_width, page_height, columns, rows, keep_last, gutter)
