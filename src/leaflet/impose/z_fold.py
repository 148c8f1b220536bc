"""Z-fold (accordion): one sheet, six equal panels, folded like a Z.

Six pages: 1 the cover, 2 to 5 the inside, 6 the back.  One landscape sheet (A4 for a DL
leaflet, from pages 99 mm wide), printed double-sided, flipped on the short edge.  The front of
the sheet carries, left to right, 4, 5 and the cover (1); its back carries 2, 3 and 6.  To
fold, lay the sheet with 2, 3 and 6 facing up, fold the left-hand panel (2) over onto the
middle one, face to face, then fold the right-hand panel (6) back under the middle one: the
cover is on top and 6 underneath.  The cover opens like a book onto 2 and 3; unfolded, one
side reads 2, 3, 6 and the other 4, 5 and the cover.
"""

from __future__ import annotations

from fractions import Fraction

from . import Box, Operation, PageRule, Plan, Printing, Role, Sheet, Slot, booklet_roles

NAME = "zfold"
FINISHING = "fold in three like a Z (accordion), the cover on top"
OPERATIONS: tuple[Operation, ...] = ("fold",)
PAGE_RULE = PageRule(exact=6)

#: Reading-order positions on each side of the sheet, left to right.
FRONT = (3, 4, 0)
BACK = (1, 2, 5)


def reading_order(page_count: int, *, keep_last: int = 0) -> list[int | None]:
    """Pages in reading order, padded with blanks to six."""
    return PAGE_RULE.order(page_count, keep_last=keep_last)


def roles(page_count: int) -> tuple[Role, ...]:
    """Cover, four inside panels, back."""
    return booklet_roles(PAGE_RULE.padded(page_count))


def printing(page_count: int, page_width: float, page_height: float) -> Printing:
    """Both sides, the landscape sheet flipped on its short edge."""
    return Printing(2, "short")


def copies_per_sheet(page_count: int, page_width: float, page_height: float) -> int:
    """A sheet is one leaflet."""
    return 1


def sheets_per_copy(page_count: int, page_width: float, page_height: float) -> Fraction:
    """A leaflet is one sheet."""
    return Fraction(1)


def panel_widths(page_width: float) -> tuple[float, ...]:
    """Three equal panels: none is tucked inside another."""
    return (page_width,) * 3


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
    """One sheet, three panels a side.  A folded sheet has no gutter and no creep."""
    order = reading_order(page_count, keep_last=keep_last)

    def side(positions: tuple[int, ...]) -> tuple[Slot, ...]:
        boxes = (Box(i * page_width, 0, page_width, page_height) for i in range(3))
        return tuple(Slot(order[at], box, box) for at, box in zip(positions, boxes, strict=True))

    folds = (page_width, 2 * page_width)
    return Plan(3 * page_width, page_height, (Sheet(side(FRONT), side(BACK)),), folds=folds)
