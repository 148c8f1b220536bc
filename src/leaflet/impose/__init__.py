"""Imposition: placing the pages of a flat PDF on press sheets.

Two halves, kept apart so the order tables are testable without any PDF:

* **layouts** (one module each in this package: :mod:`.saddle`, :mod:`.two_up`,
  :mod:`.four_up`, :mod:`.cut_stack`, :mod:`.roll_fold`, :mod:`.z_fold`, :mod:`.mini_zine`)
  are pure geometry — a page count and page size in, a :class:`Plan` of sheets, sides and slots
  out.  A module's docstring is its folding/cutting instruction (CLI help).  Each also declares
  what the rest of leaflet needs to know about the piece it makes (:class:`Layout`): the page
  count it takes, the role of each page, how it is printed and finished, the panel widths and
  its yield.  Adding a layout is adding a module that defines what :class:`Layout` lists.
* :mod:`leaflet.pdf` (the only module importing pypdf) reads the input and draws the plan.

:func:`impose` joins the two; it is what ``leaflet impose`` and the renderer's booklet formats
call.
"""

from __future__ import annotations

import importlib
import math
import pkgutil
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from types import ModuleType
from typing import Literal, Protocol, cast

from ..errors import UsageError
from ..papers import paper_size
from ..units import POINTS_PER

__all__ = [
    "FLYER_PAGES",
    "STANDARD_SHEETS",
    "TOLERANCE",
    "Box",
    "Layout",
    "Line",
    "Operation",
    "PageRule",
    "Plan",
    "Printing",
    "Role",
    "Sheet",
    "SideLines",
    "Slot",
    "booklet_roles",
    "describe_area",
    "fits",
    "flyer_order",
    "flyer_roles",
    "get_layout",
    "layouts",
    "oriented_sheet",
    "padded_order",
    "pick_sheet",
    "proof_plan",
    "register_layout",
    "step_and_repeat",
    "turn_side",
    "uniform_panels",
]

#: Sheets ``leaflet impose --sheet`` accepts, and among which a sheet is picked automatically.
STANDARD_SHEETS = ("a4", "a3", "letter", "tabloid")

Flip = Literal["short", "long"]
#: What a page is in the finished piece (see :meth:`Layout.roles`).
Role = Literal["cover", "inside", "back", "flap"]
#: What is done to the printed sheets, machine-readable (see :attr:`Layout.OPERATIONS`).
Operation = Literal["fold", "cut", "staple"]

#: Sizes closer than this (points) are equal: paper sizes in mm are not exact in points.
TOLERANCE = 0.5

_MM = POINTS_PER["mm"]


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in sheet coordinates (points, origin bottom-left, as in PDF)."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def top(self) -> float:
        return self.y + self.height


@dataclass(frozen=True, slots=True)
class Slot:
    """Where one page lands on one side of a sheet.

    ``trim`` is where the page's trim box goes (shifted by creep for inner booklet sheets);
    ``cell`` is the part of the sheet the page owns: its artwork is clipped to the cell, plus
    bleed on cell edges that are on the outside of the sheet.  ``rotation`` (0 or 180 degrees)
    turns the page around the centre of ``trim``.  ``page`` is a 0-based source page index or
    ``None`` for a blank.
    """

    page: int | None
    trim: Box
    cell: Box
    rotation: int = 0


@dataclass(frozen=True, slots=True)
class Sheet:
    """One sheet of paper: its front and, when printed duplex, its back."""

    front: tuple[Slot, ...]
    back: tuple[Slot, ...] | None = None

    @property
    def sides(self) -> tuple[tuple[Slot, ...], ...]:
        return (self.front,) if self.back is None else (self.front, self.back)


@dataclass(frozen=True, slots=True)
class Line:
    """A straight segment in sheet coordinates (points), from (x0, y0) to (x1, y1)."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True, slots=True)
class SideLines:
    """Where one side of a sheet is cut and folded, in that side's coordinates (points).

    ``cuts_x`` and ``cuts_y`` are cut lines across the whole imposed area (vertical at x,
    horizontal at y), ``folds_x`` and ``folds_y`` folds across it, and ``slits`` cuts that stop
    inside it (the mini zine's), which marks outside the trim cannot show.
    """

    cuts_x: tuple[float, ...]
    cuts_y: tuple[float, ...]
    folds_x: tuple[float, ...]
    folds_y: tuple[float, ...]
    slits: tuple[Line, ...] = ()


@dataclass(frozen=True, slots=True)
class Plan:
    """A layout's answer: the sheets, the size of the imposed area, and where it is folded.

    ``width`` × ``height`` is the trimmed size of the imposed area (all cells), which
    :mod:`leaflet.pdf` centres on the paper.  ``folds`` are x positions of vertical folds
    (the spine), ``horizontal_folds`` y positions of horizontal ones, and ``slits`` cuts that
    end inside the area, all as seen on the front sides (:meth:`lines` gives them for a back);
    cell edges elsewhere are cuts.  ``gutter`` is the room between cells cut apart (twice the
    bleed, so that each side of an inner cut has its own bleed; 0 when the pages have none);
    ``creep`` the spine-ward shift per sheet of depth.  ``backs_turned``: the back sides were
    turned by 180° (:func:`turn_side`) for a printer that flips the other way.
    """

    width: float
    height: float
    sheets: tuple[Sheet, ...]
    folds: tuple[float, ...] = ()
    gutter: float = 0.0
    creep: float = 0.0
    horizontal_folds: tuple[float, ...] = ()
    slits: tuple[Line, ...] = ()
    backs_turned: bool = False

    @property
    def innermost_creep(self) -> float:
        """How far the pages of the innermost sheet are shifted towards the spine (points)."""
        return self.creep * max(0, len(self.sheets) - 1)

    def lines(self, back: bool = False) -> SideLines:
        """Cuts and folds of the front sides, or of the back sides (*back*).

        A back is the front turned over about the vertical axis, so its vertical folds lie
        mirrored (a roll fold's narrow panel is on the left of the front and the right of the
        back); a back turned by 180° as well has them where the front has, upside down.
        Cuts are the cell edges of those sides that are not folds.
        """

        def x_at(x: float) -> float:
            return self.width - x if back and not self.backs_turned else x

        def y_at(y: float) -> float:
            return self.height - y if back and self.backs_turned else y

        folds_x = tuple(sorted(x_at(x) for x in self.folds))
        folds_y = tuple(sorted(y_at(y) for y in self.horizontal_folds))
        cells = [
            slot.cell
            for sheet in self.sheets
            for index, side in enumerate(sheet.sides)
            if (index == 1) == back
            for slot in side
        ]
        xs = {round(x, 3) for cell in cells for x in (cell.x, cell.right)}
        ys = {round(y, 3) for cell in cells for y in (cell.y, cell.top)}
        slits = tuple(
            Line(x_at(line.x0), y_at(line.y0), x_at(line.x1), y_at(line.y1)) for line in self.slits
        )
        return SideLines(
            tuple(sorted(xs - {round(x, 3) for x in folds_x})),
            tuple(sorted(ys - {round(y, 3) for y in folds_y})),
            folds_x,
            folds_y,
            slits,
        )


@dataclass(frozen=True, slots=True)
class PageRule:
    """The page counts a layout takes.

    ``PageRule(multiple=4)``: a multiple of 4, padded with blank pages; ``PageRule(exact=6)``:
    exactly 6 (fewer are padded, more are refused); ``PageRule()``: any count.  ``single``: one
    page alone is taken as it is (a one-sided flyer) rather than padded to the multiple.
    """

    multiple: int = 1
    exact: int | None = None
    single: bool = False

    def accepts(self, count: int) -> bool:
        """Whether *count* pages fill the layout with no blank page added."""
        if count < 1:
            return False
        if self.exact is not None:
            return count == self.exact
        return count % self.multiple == 0 or (self.single and count == 1)

    def padded(self, count: int) -> int:
        """The page count once padded with blanks; :class:`UsageError` for counts it cannot
        take (none, or more than an exact count)."""
        if count < 1:
            raise UsageError("nothing to impose: the document has no pages")
        if self.exact is not None:
            if count > self.exact:
                raise UsageError(f"{count} pages: the layout takes {self}")
            return self.exact
        if self.single and count == 1:
            return 1
        return count + -count % self.multiple

    def order(self, page_count: int, *, keep_last: int = 0) -> list[int | None]:
        """Pages in reading order, padded with blanks (``None``) as :meth:`padded` says, at
        the end or just before the *keep_last* final pages (a back cover stays last)."""
        return _padded_to(page_count, self.padded(page_count), keep_last)

    def __str__(self) -> str:
        if self.exact is not None:
            return f"exactly {self.exact} pages"
        if self.multiple == 1:
            return "any number of pages"
        either = " (or a single page)" if self.single else ""
        return f"a multiple of {self.multiple} pages{either}"


@dataclass(frozen=True, slots=True)
class Printing:
    """How the sheets are printed: one side or both, and for both the duplex flip that keeps
    the back upright (``short``: turned over about the short edge)."""

    sides: Literal[1, 2]
    flip: Flip | None = None

    def __str__(self) -> str:
        return "single-sided" if self.sides == 1 else f"double-sided, flip on {self.flip} edge"

    @classmethod
    def of(cls, plan: Plan, flip: Flip | None = None) -> Printing:
        """How *plan* is printed: both sides when a back carries a page, flipped as *flip*
        says or, by default, as a book turns (short edge of a landscape sheet, long edge of a
        portrait one: the backs of a plan are its fronts turned over about the vertical axis).
        """
        if not any(slot.page is not None for s in plan.sheets for slot in s.back or ()):
            return cls(1)
        return cls(2, flip or ("short" if plan.width >= plan.height else "long"))


class Layout(Protocol):
    """What a layout module provides (checked structurally, modules need not subclass).

    Besides the geometry (:meth:`plan`), a layout declares what the rest of leaflet would
    otherwise have to assume from its name: the pages it takes, what each page is, how the
    sheets are printed and finished, the panels' widths and the yield of a sheet.  Page
    widths and heights are in points, as everywhere in leaflet.
    """

    NAME: str
    #: What to do after printing, for the instruction line ("fold, staple").
    FINISHING: str
    #: The same, machine-readable, in the order they are done: ``("fold", "staple")``.
    OPERATIONS: tuple[Operation, ...]
    #: The page counts it takes (a multiple, an exact count, any).
    PAGE_RULE: PageRule
    __doc__: str | None

    def roles(self, page_count: int) -> tuple[Role, ...]:
        """What each page of the padded reading order is in the finished piece: ``cover``
        (seen first: title, lead), ``inside`` (where the text runs), ``back`` (seen last, or
        on the back of the folded piece: slogans, contact, imprint) or ``flap`` (a roll fold's
        tuck-in panel seen on opening the cover: notes, a sign-up form)."""
        ...

    def printing(self, page_count: int, page_width: float, page_height: float) -> Printing:
        """How the sheets are printed with the book-like flip (one page may need one side)."""
        ...

    def copies_per_sheet(self, page_count: int, page_width: float, page_height: float) -> int:
        """Finished copies one press sheet gives (a flyer 4-up: 4; a booklet: 1)."""
        ...

    def sheets_per_copy(self, page_count: int, page_width: float, page_height: float) -> Fraction:
        """Press sheets one finished copy takes (a flyer 4-up: 1/4; 12-page booklet: 3)."""
        ...

    def panel_widths(self, page_width: float) -> tuple[float, ...]:
        """Widths of the panels across the front of an unfolded sheet, left to right, for pages
        *page_width* wide (a roll fold's tuck-in panel is narrower); a piece that is not
        folded is one panel."""
        ...

    def page_widths(self, page_count: int, page_width: float) -> tuple[float, ...]:
        """The width each page of the padded reading order is seen at: its panel's."""
        ...

    def plan(
        self,
        page_count: int,
        page_width: float,
        page_height: float,
        *,
        keep_last: int = 0,
        creep: float = 0.0,
        gutter: float = 0.0,
    ) -> Plan: ...

    def reading_order(self, page_count: int, *, keep_last: int = 0) -> list[int | None]:
        """Pages as the reader meets them, padded with blanks as :attr:`PAGE_RULE` says."""
        ...


#: Layouts defined outside this package (:func:`register_layout`), by name.
_REGISTERED: dict[str, Layout] = {}


def register_layout(layout: Layout) -> None:
    """Add a layout defined elsewhere — a module, or any object providing what
    :class:`Layout` lists: ``leaflet impose``, a format naming it, the job ticket and ``check``
    take it like the bundled ones.  A format using it is one entry in
    :data:`leaflet.formats.FORMATS`."""
    _REGISTERED[layout.NAME] = layout


def layouts() -> dict[str, Layout]:
    """All layouts by name: the modules of this package, and those registered."""
    return dict(sorted({**_bundled(), **_REGISTERED}.items()))


@cache
def _bundled() -> dict[str, Layout]:
    found: dict[str, Layout] = {}
    for info in pkgutil.iter_modules(__path__):
        module: ModuleType = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "NAME"):
            found[module.NAME] = cast(Layout, module)
    return found


def get_layout(name: str) -> Layout:
    """Return the layout called *name* or raise :class:`UsageError` listing the known ones."""
    try:
        return layouts()[name]
    except KeyError:
        known = ", ".join(layouts())
        raise UsageError(f"unknown imposition layout {name!r} (known: {known})") from None


def padded_order(page_count: int, multiple: int, keep_last: int = 0) -> list[int | None]:
    """Pages in reading order, padded with blanks (``None``) to a multiple of *multiple*.

    Blanks go at the end, or just before the *keep_last* final pages (a back cover stays last).
    """
    if page_count < 1:
        raise UsageError("nothing to impose: the document has no pages")
    return _padded_to(page_count, page_count + -page_count % multiple, keep_last)


def _padded_to(page_count: int, padded: int, keep_last: int) -> list[int | None]:
    if not 0 <= keep_last <= page_count:
        raise UsageError(f"--keep-last {keep_last} must be between 0 and the page count")
    split = page_count - keep_last
    pages: list[int | None] = list(range(page_count))
    return pages[:split] + [None] * (padded - page_count) + pages[split:]


def booklet_roles(padded_count: int) -> tuple[Role, ...]:
    """*padded_count* pages read one after the other: the first is the cover, the last the
    back, the others inside."""
    if padded_count == 1:
        return ("cover",)
    inside: Role = "inside"
    return ("cover", *(inside,) * (padded_count - 2), "back")


def flyer_roles(padded_count: int) -> tuple[Role, ...]:
    """Flyers in front/back pairs (:func:`flyer_order`): each front a cover, each reverse a
    back (a one-page flyer is all cover)."""
    return ("cover",) if padded_count == 1 else ("cover", "back") * (padded_count // 2)


def uniform_panels(page_width: float) -> tuple[float, ...]:
    """The panels of a piece that is not folded: one, the page."""
    return (page_width,)


def turn_side(side: Sequence[Slot], width: float, height: float) -> tuple[Slot, ...]:
    """Turn one side of a sheet by 180° around its centre (back sides printed tumbled)."""

    def turned(box: Box) -> Box:
        return Box(width - box.right, height - box.top, box.width, box.height)

    return tuple(
        Slot(slot.page, turned(slot.trim), turned(slot.cell), (slot.rotation + 180) % 360)
        for slot in side
    )


def proof_plan(order: Sequence[int | None], page_width: float, page_height: float) -> Plan:
    """Reader spreads for checking on screen: page 1 alone on the right, then 2–3, 4–5, …"""
    spreads: list[tuple[int | None, int | None]] = [(None, order[0])]
    rest = list(order[1:])
    spreads += [
        (rest[i], rest[i + 1] if i + 1 < len(rest) else None) for i in range(0, len(rest), 2)
    ]
    sheets = []
    for left, right in spreads:
        slots = tuple(
            Slot(page, box, box)
            for page, box in (
                (left, Box(0, 0, page_width, page_height)),
                (right, Box(page_width, 0, page_width, page_height)),
            )
            if page is not None
        )
        sheets.append(Sheet(slots))
    return Plan(2 * page_width, page_height, tuple(sheets), folds=(page_width,))


#: Flyers: front/back pairs, a single page alone being a one-sided flyer.
FLYER_PAGES = PageRule(multiple=2, single=True)


def flyer_order(page_count: int, keep_last: int = 0) -> list[int | None]:
    """Flyer pages are front/back pairs: padded to an even count, unless there is one page."""
    return FLYER_PAGES.order(page_count, keep_last=keep_last)


def step_and_repeat(
    page_count: int,
    page_width: float,
    page_height: float,
    columns: int,
    rows: int,
    keep_last: int = 0,
    gutter: float = 0.0,
) -> Plan:
    """Cut-and-stack sheets: every slot of a side carries the same page.

    Sheet *k* carries reading-order page 2k on its front and 2k+1 on its back, *columns* ×
    *rows* times; a single-page document gets single-sided sheets.  Cells are *gutter* apart
    (twice the bleed: both sides of an inner cut keep their bleed).
    """
    order = flyer_order(page_count, keep_last)
    cells = [
        Box(column * (page_width + gutter), row * (page_height + gutter), page_width, page_height)
        for row in reversed(range(rows))
        for column in range(columns)
    ]

    def side(page: int | None) -> tuple[Slot, ...]:
        return tuple(Slot(page, cell, cell) for cell in cells)

    sheets = tuple(
        Sheet(side(order[k]), side(order[k + 1]) if k + 1 < len(order) else None)
        for k in range(0, len(order), 2)
    )
    width = columns * page_width + (columns - 1) * gutter
    return Plan(width, rows * page_height + (rows - 1) * gutter, sheets, gutter=gutter)


def pick_sheet(area: tuple[float, float]) -> str:
    """The smallest standard sheet holding *area* (e.g. two A5 pages side by side → ``a4``)."""
    for name in sorted(STANDARD_SHEETS, key=lambda name: math.prod(paper_size(name))):
        width, height = paper_size(name)
        if fits(area, (width, height)) or fits(area, (height, width)):
            return name
    known = ", ".join(STANDARD_SHEETS)
    raise UsageError(f"no standard sheet ({known}) holds a {describe_area(area)} imposition")


def oriented_sheet(name: str, area: tuple[float, float]) -> tuple[float, float]:
    """Size of the paper *name*, turned so that *area* fits (landscape first if *area* is)."""
    landscape_first = area[0] >= area[1]
    for landscape in (landscape_first, not landscape_first):
        paper = paper_size(name, landscape=landscape)
        if fits(area, paper):
            return paper
    raise UsageError(
        f"a {describe_area(area)} imposition does not fit on {name}"
        f" (the smallest sheet that holds it is {pick_sheet(area)})"
    )


def fits(area: tuple[float, float], paper: tuple[float, float]) -> bool:
    return area[0] <= paper[0] + TOLERANCE and area[1] <= paper[1] + TOLERANCE


def describe_area(area: tuple[float, float]) -> str:
    return f"{area[0] / _MM:.0f}×{area[1] / _MM:.0f} mm"
