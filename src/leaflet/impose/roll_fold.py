"""Tri-fold (roll fold, letter fold): one sheet folded in three, the narrow panel tucked inside.

Six pages: 1 the cover, 2, 3 and 4 the inside, 5 the back, 6 the flap.  One landscape sheet
(A4 for a DL leaflet, from pages 100 mm wide), printed double-sided, flipped on the short edge.
The outside (front of the sheet) carries, left to right, the flap (6), the back (5) and the
cover (1); the inside carries 2, 3 and 4.  The inside's right-hand panel (4, behind the flap)
is the tuck-in panel: 3 mm narrower than the others (100, 100 and 97 mm on A4), so that it
folds inside without buckling; its page loses 1.5 mm of margin on each side.  To fold, lay the
sheet inside up, fold the narrow right-hand panel in over the middle one, then fold the
left-hand panel over it: the cover is on top and the back underneath; opening the cover shows
page 2 beside the flap, and opening the flap shows 2, 3 and 4 side by side.
"""

from __future__ import annotations

from fractions import Fraction

from ..units import POINTS_PER
from . import Box, Operation, PageRule, Plan, Printing, Role, Sheet, Slot

NAME = "trifold"
FINISHING = "fold in three, the narrow panel inside (roll fold)"
OPERATIONS: tuple[Operation, ...] = ("fold",)
PAGE_RULE = PageRule(exact=6)
#: How much narrower the tuck-in panel is than the other two (print shops take 2–3 mm).
TUCK_IN = 3 * POINTS_PER["mm"]

#: Pages in reading order, by role; the flap backs the tuck-in panel.
COVER, INSIDE, BACK, FLAP = 0, (1, 2, 3), 4, 5
ROLES: tuple[Role, ...] = ("cover", "inside", "inside", "inside", "back", "flap")


def page_width_for(sheet_width: float) -> float:
    """The page width whose panels fill a sheet *sheet_width* wide (A4: 100 mm)."""
    return (sheet_width + TUCK_IN) / 3


def reading_order(page_count: int, *, keep_last: int = 0) -> list[int | None]:
    """Pages in reading order, padded with blanks to six."""
    return PAGE_RULE.order(page_count, keep_last=keep_last)


def roles(page_count: int) -> tuple[Role, ...]:
    """Cover, three inside panels, back, flap."""
    return ROLES


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
    """The outside, left to right: the narrow flap panel, the back, the cover."""
    return (page_width - TUCK_IN, page_width, page_width)


def page_widths(page_count: int, page_width: float) -> tuple[float, ...]:
    """Page 4 (tuck-in) and the flap (backing it) are seen narrower."""
    narrow = {INSIDE[-1], FLAP}
    return tuple(page_width - TUCK_IN * (page in narrow) for page in range(len(ROLES)))


def plan(
    page_count: int,
    page_width: float,
    page_height: float,
    *,
    keep_last: int = 0,
    creep: float = 0.0,
    gutter: float = 0.0,
) -> Plan:
    """One sheet, three panels a side; each page centred on its panel (the tuck-in panel
    shows its middle).  A folded sheet has no gutter and no creep."""
    order = reading_order(page_count, keep_last=keep_last)
    narrow, wide = page_width - TUCK_IN, page_width
    outside = ((order[FLAP], narrow), (order[BACK], wide), (order[COVER], wide))
    first, middle, tucked = INSIDE
    inside = ((order[first], wide), (order[middle], wide), (order[tucked], narrow))
    width = 2 * wide + narrow
    sheet = Sheet(
        _panels(outside, page_width, page_height), _panels(inside, page_width, page_height)
    )
    return Plan(width, page_height, (sheet,), folds=(narrow, narrow + wide))


def _panels(
    pages: tuple[tuple[int | None, float], ...], page_width: float, page_height: float
) -> tuple[Slot, ...]:
    """Slots for (page, panel width) left to right: each page centred on its panel."""
    slots, x = [], 0.0
    for page, width in pages:
        cell = Box(x, 0, width, page_height)
        slots.append(
            Slot(page, Box(x + (width - page_width) / 2, 0, page_width, page_height), cell)
        )
        x += width
    return tuple(slots)
