"""Mini zine: an 8-page booklet from one sheet printed on one side, cut once and folded.

Eight pages (1 the cover, 8 the back; A7 pages make an A4 sheet), in two rows of four on one
landscape sheet: the bottom row reads 6, 7, 8, 1 and the top row 5, 4, 3, 2, upside down.
Print single-sided.  Crease every fold: in half along the length, in half across, and each
half in half again.  Fold the sheet in half across (its ends together) and cut from the folded
edge along the lengthwise crease to the next fold: the cut runs through the middle two panels
only (--marks draws it).  Unfold, fold in half along the length with the print outside, push
the two ends towards each other so that the cut opens into a diamond, and flatten the four
wings into a booklet with the cover (1) on top.
"""

from __future__ import annotations

from fractions import Fraction

from . import Box, Line, Operation, PageRule, Plan, Printing, Role, Sheet, Slot, booklet_roles

NAME = "zine"
FINISHING = "crease, cut the middle slit, fold into an 8-page zine"
OPERATIONS: tuple[Operation, ...] = ("cut", "fold")
PAGE_RULE = PageRule(exact=8)

#: Reading-order positions, left to right: the bottom row upright, the top row turned 180°.
BOTTOM = (5, 6, 7, 0)
TOP = (4, 3, 2, 1)


def reading_order(page_count: int, *, keep_last: int = 0) -> list[int | None]:
    """Pages in reading order, padded with blanks to eight."""
    return PAGE_RULE.order(page_count, keep_last=keep_last)


def roles(page_count: int) -> tuple[Role, ...]:
    """Cover, six inside pages, back."""
    return booklet_roles(PAGE_RULE.padded(page_count))


def printing(page_count: int, page_width: float, page_height: float) -> Printing:
    """One side only."""
    return Printing(1)


def copies_per_sheet(page_count: int, page_width: float, page_height: float) -> int:
    """A sheet is one zine."""
    return 1


def sheets_per_copy(page_count: int, page_width: float, page_height: float) -> Fraction:
    """A zine is one sheet."""
    return Fraction(1)


def panel_widths(page_width: float) -> tuple[float, ...]:
    """Four equal columns."""
    return (page_width,) * 4


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
    """One side of one sheet, 4 × 2 pages; folds between all of them but the middle two of
    each row, which are cut apart (a slit).  No gutter: the pages meet at folds and the slit."""
    order = reading_order(page_count, keep_last=keep_last)
    slots = [
        Slot(order[at], box, box, rotation)
        for positions, y, rotation in ((TOP, page_height, 180), (BOTTOM, 0.0, 0))
        for at, box in zip(
            positions,
            (Box(column * page_width, y, page_width, page_height) for column in range(4)),
            strict=True,
        )
    ]
    return Plan(
        4 * page_width,
        2 * page_height,
        (Sheet(tuple(slots)),),
        folds=(page_width, 2 * page_width, 3 * page_width),
        horizontal_folds=(page_height,),
        slits=(Line(page_width, page_height, 3 * page_width, page_height),),
    )
