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

from . import Plan, flyer_order, step_and_repeat

NAME = "4up"
FINISHING = "cut in four, stack"


def reading_order(page_count: int, *, keep_last: int = 0) -> list[int | None]:
    """Pages in reading order, padded to front/back pairs."""
    return flyer_order(page_count, keep_last)


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
