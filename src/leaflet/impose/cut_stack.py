"""Cut and stack: flyers as many to a sheet as fit (A6 4 to an A4, A5 2, DL 3), cut into piles.

The grid is the one that wastes least paper on the smallest standard sheet holding at least
two flyers: A6 in 2 × 2 on A4, A5 side by side on A4, DL three in a row on A4 (landscape DL in
three rows on a portrait A4).  Pages are front/back pairs, one flyer each; a single page is a
one-sided flyer.  One flyer is stepped and repeated: every place on every sheet carries it,
and each sheet gives that many copies.  Several flyers (local or numbered versions) are set in
cut-and-stack order: they are dealt down the piles, so that once the whole stack is cut at
once, the piles laid one on the other (the top-left pile on top, then along each row, row
after row) hold the flyers in order, the first on top.  Print double-sided (a one-page flyer
single-sided), keep the sheets in the order printed with the first on top, cut through the
whole stack at every mark (pages with bleed are twice the bleed apart: cut each side of every
gutter) and stack the piles.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..errors import UsageError
from ..papers import paper_size
from ..units import POINTS_PER
from . import (
    FLYER_PAGES,
    STANDARD_SHEETS,
    TOLERANCE,
    Box,
    Operation,
    Plan,
    Printing,
    Role,
    Sheet,
    Slot,
    flyer_order,
    flyer_roles,
    step_and_repeat,
    uniform_panels,
)

NAME = "cut-stack"
FINISHING = "cut at the marks through the whole stack, stack the piles in order"
OPERATIONS: tuple[Operation, ...] = ("cut",)
PAGE_RULE = FLYER_PAGES

panel_widths = uniform_panels


def grid(page_width: float, page_height: float) -> tuple[int, int]:
    """Columns and rows of flyers *page_width* × *page_height* on a sheet: the grid using the
    most of its sheet, on the smallest standard sheet holding two or more."""
    best: tuple[float, int, int] | None = None
    for name in sorted(STANDARD_SHEETS, key=lambda name: math.prod(paper_size(name))):
        for width, height in (paper_size(name), paper_size(name, landscape=True)):
            columns = int((width + TOLERANCE) // page_width)
            rows = int((height + TOLERANCE) // page_height)
            used = columns * rows * page_width * page_height / (width * height)
            if columns * rows >= 2 and (best is None or used > best[0] + 1e-9):
                best = (used, columns, rows)
    if best is None:
        mm = POINTS_PER["mm"]
        size = f"{page_width / mm:.0f}×{page_height / mm:.0f} mm"
        known = ", ".join(STANDARD_SHEETS)
        raise UsageError(f"cut-stack: no standard sheet ({known}) holds two {size} flyers")
    return best[1], best[2]


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
    """One flyer: the places on a sheet; several: a sheet is part of one set of them."""
    columns, rows = grid(page_width, page_height)
    return columns * rows if _flyers(page_count) == 1 else 1


def sheets_per_copy(page_count: int, page_width: float, page_height: float) -> Fraction:
    """One flyer: a sheet's share of it; several: the sheets one set of them takes."""
    columns, rows = grid(page_width, page_height)
    flyers = _flyers(page_count)
    if flyers == 1:
        return Fraction(1, columns * rows)
    return Fraction(math.ceil(flyers / (columns * rows)))


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
    """One flyer stepped and repeated, or several in cut-and-stack order; *creep* does not
    apply to flat flyers; cells are *gutter* apart."""
    columns, rows = grid(page_width, page_height)
    order = flyer_order(page_count, keep_last)
    if len(order) <= 2:
        return step_and_repeat(
            page_count, page_width, page_height, columns, rows, keep_last, gutter
        )
    width = columns * page_width + (columns - 1) * gutter
    height = rows * page_height + (rows - 1) * gutter
    # Places in pile order: the top row first, left to right (y grows upwards in PDF).
    places = [
        Box(column * (page_width + gutter), row * (page_height + gutter), page_width, page_height)
        for row in reversed(range(rows))
        for column in range(columns)
    ]
    flyers = [(order[index], order[index + 1]) for index in range(0, len(order), 2)]
    sheet_count = math.ceil(len(flyers) / len(places))
    sheets = []
    for sheet in range(sheet_count):
        front, back = [], []
        for pile, place in enumerate(places):
            dealt = pile * sheet_count + sheet
            face, reverse = flyers[dealt] if dealt < len(flyers) else (None, None)
            # The back of a place, seen with the sheet turned over about its vertical axis.
            behind = Box(width - place.right, place.y, place.width, place.height)
            front.append(Slot(face, place, place))
            back.append(Slot(reverse, behind, behind))
        sheets.append(Sheet(tuple(front), tuple(back)))
    return Plan(width, height, tuple(sheets), gutter=gutter)


def _flyers(page_count: int) -> int:
    """How many flyers *page_count* pages make (front/back pairs; one page: one flyer)."""
    return (PAGE_RULE.padded(page_count) + 1) // 2
