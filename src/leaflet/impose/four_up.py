"""4-up: four copies of each page per sheet side, to cut in four and stack (e.g. A6 from A4).

"Step and repeat" for cut-and-stack flyers: each side of a sheet carries the same page four
times in a 2 × 2 grid, so two cuts through the stack give four identical piles.  Page 1 is on
the front of the first sheet, page 2 on its back, page 3 on the front of the next sheet, and
so on.  Print double-sided (flip on the long edge of a portrait sheet), then cut along the
middle both ways (use --marks for crop marks).  Pages with bleed are set twice the bleed
apart, so that every cut has bleed on both sides: cut each side of those gutters (--marks
draws a mark at each cut).
"""

from __future__ import annotations

from fractions import Fraction

from . import FLYER_PAGES, Operation, Plan, Printing, step_and_repeat, uniform_panels

# The same pages as 2-up: front/back pairs.
from .two_up import page_widths as page_widths
from .two_up import reading_order as reading_order
from .two_up import roles as roles

NAME = "4up"
FINISHING = "cut in four, stack"
OPERATIONS: tuple[Operation, ...] = ("cut",)
PAGE_RULE = FLYER_PAGES
#: Copies of each page on a sheet side.
COPIES = 4

panel_widths = uniform_panels


def printing(page_count: int, page_width: float, page_height: float) -> Printing:
    """Both sides (one for a single page), the portrait sheet flipped on its long edge."""
    return Printing.of(plan(page_count, page_width, page_height))


def copies_per_sheet(page_count: int, page_width: float, page_height: float) -> int:
    """Each sheet is cut into copies of one flyer."""
    return COPIES


def sheets_per_copy(page_count: int, page_width: float, page_height: float) -> Fraction:
    """One sheet per flyer (a front/back pair), cut into copies."""
    return Fraction((PAGE_RULE.padded(page_count) + 1) // 2, COPIES)


def plan(
    page_count: int,
    page_width: float,
    page_height: float,
    *,
    keep_last: int = 0,
    creep: float = 0.0,
    gutter: float = 0.0,
) -> Plan:
    """Four copies of each page per side; *creep* does not apply to flat flyers;
    cells are *gutter* apart."""
    return step_and_repeat(page_count, page_width, page_height, 2, 2, keep_last, gutter)
