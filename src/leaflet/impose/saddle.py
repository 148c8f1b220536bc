"""Saddle stitch: a booklet of sheets folded once and stapled on the fold.

Two pages side by side on each side of a sheet, in saddle-stitch order; the page count is padded
with blank pages to a multiple of 4 (at the end, or just before the --keep-last final pages).
Print double-sided, flipping on the short edge of the (landscape) sheet.  Keep the sheets in
the order they come out, fold the stack in half along the middle, and staple twice on the fold.
For thick booklets, --creep (or --paper-thickness) shifts the pages of inner sheets towards the
spine so they do not lose their outer margin when the folded booklet is trimmed.
"""

from __future__ import annotations

from fractions import Fraction

from . import Box, Operation, PageRule, Plan, Printing, Role, Sheet, Slot, booklet_roles

NAME = "saddle"
FINISHING = "fold, staple"
OPERATIONS: tuple[Operation, ...] = ("fold", "staple")
PAGE_RULE = PageRule(multiple=4)

#: Ratio of creep per sheet to paper thickness: each sheet folded around the inner ones pushes
#: them out by about its own thickness (the usual print-shop rule of thumb).
CREEP_PER_THICKNESS = 1.0


def creep_from_thickness(thickness: float) -> float:
    """Creep per sheet of depth (points) for paper *thickness* (points)."""
    return thickness * CREEP_PER_THICKNESS


def reading_order(page_count: int, *, keep_last: int = 0) -> list[int | None]:
    """Pages as the reader meets them, padded with blanks to a multiple of 4."""
    return PAGE_RULE.order(page_count, keep_last=keep_last)


def roles(page_count: int) -> tuple[Role, ...]:
    """The first page is the front cover, the last the back cover."""
    return booklet_roles(PAGE_RULE.padded(page_count))


def printing(page_count: int, page_width: float, page_height: float) -> Printing:
    """Both sides, the landscape sheet flipped on its short edge."""
    return Printing(2, "short")


def copies_per_sheet(page_count: int, page_width: float, page_height: float) -> int:
    """A sheet is part of one booklet."""
    return 1


def sheets_per_copy(page_count: int, page_width: float, page_height: float) -> Fraction:
    """A sheet carries 4 pages."""
    return Fraction(PAGE_RULE.padded(page_count) // 4)


def panel_widths(page_width: float) -> tuple[float, ...]:
    """Two pages, left and right of the spine."""
    return (page_width, page_width)


def page_widths(page_count: int, page_width: float) -> tuple[float, ...]:
    """Every page is as wide as it was rendered."""
    return (page_width,) * PAGE_RULE.padded(page_count)


def sheet_pages(n: int, sheet: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Positions (in the padded reading order of *n* pages) on *sheet*: outside, inside.

    Each pair is (left, right).  Sheet 0 is the outermost (cover) sheet.
    """
    return (n - 1 - 2 * sheet, 2 * sheet), (2 * sheet + 1, n - 2 - 2 * sheet)


def plan(
    page_count: int,
    page_width: float,
    page_height: float,
    *,
    keep_last: int = 0,
    creep: float = 0.0,
    gutter: float = 0.0,
) -> Plan:
    """Sheets of a saddle-stitched booklet; *creep* is the spine-ward shift per sheet of depth.
    A booklet is folded, not cut, between its pages: *gutter* does not apply."""
    order = reading_order(page_count, keep_last=keep_last)
    left = Box(0, 0, page_width, page_height)
    right = Box(page_width, 0, page_width, page_height)
    sheets = []
    for depth in range(len(order) // 4):
        shift = depth * creep
        sides = tuple(
            (
                Slot(order[left_at], _shifted(left, shift), left),
                Slot(order[right_at], _shifted(right, -shift), right),
            )
            for left_at, right_at in sheet_pages(len(order), depth)
        )
        sheets.append(Sheet(*sides))
    return Plan(2 * page_width, page_height, tuple(sheets), folds=(page_width,), creep=creep)


def _shifted(box: Box, dx: float) -> Box:
    return Box(box.x + dx, box.y, box.width, box.height)
