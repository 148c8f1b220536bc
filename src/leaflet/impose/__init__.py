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
from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Literal, Protocol, cast

from ..errors import ImposeError, UsageError
from ..papers import paper_size
from ..units import POINTS_PER

if TYPE_CHECKING:
    from ..pdf import Source

__all__ = [
    "FLYER_PAGES",
    "STANDARD_SHEETS",
    "TOLERANCE",
    "Box",
    "ImposeOptions",
    "ImposedPDF",
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
    "bleed_sheet",
    "booklet_roles",
    "deliver_pages",
    "flyer_order",
    "flyer_roles",
    "get_layout",
    "impose",
    "layouts",
    "oriented_sheet",
    "padded_order",
    "pick_sheet",
    "proof_plan",
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


@cache
def layouts() -> dict[str, Layout]:
    """All layouts by name, discovered from the modules of this package."""
    found: dict[str, Layout] = {}
    for info in pkgutil.iter_modules(__path__):
        module: ModuleType = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "NAME"):
            found[module.NAME] = cast(Layout, module)
    return dict(sorted(found.items()))


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
        if _fits(area, (width, height)) or _fits(area, (height, width)):
            return name
    known = ", ".join(STANDARD_SHEETS)
    raise UsageError(f"no standard sheet ({known}) holds a {_describe(area)} imposition")


def oriented_sheet(name: str, area: tuple[float, float]) -> tuple[float, float]:
    """Size of the paper *name*, turned so that *area* fits (landscape first if *area* is)."""
    landscape_first = area[0] >= area[1]
    for landscape in (landscape_first, not landscape_first):
        paper = paper_size(name, landscape=landscape)
        if _fits(area, paper):
            return paper
    raise UsageError(
        f"a {_describe(area)} imposition does not fit on {name}"
        f" (the smallest sheet that holds it is {pick_sheet(area)})"
    )


def _fits(area: tuple[float, float], paper: tuple[float, float]) -> bool:
    return area[0] <= paper[0] + TOLERANCE and area[1] <= paper[1] + TOLERANCE


def _describe(area: tuple[float, float]) -> str:
    return f"{area[0] / _MM:.0f}×{area[1] / _MM:.0f} mm"


@dataclass(frozen=True, slots=True)
class ImposeOptions:
    """How to impose; the single source of the defaults ``leaflet impose`` shows.

    ``sheet`` ``None`` picks the smallest standard sheet that holds the layout.  ``creep`` is
    the shift per sheet of depth, in points (saddle only).  ``flip`` ``None`` is the book-like
    duplex flip (short edge for landscape sheets, long edge for portrait ones); the other flip
    turns back sides by 180°.  ``proof`` writes reader spreads instead of press sheets.
    """

    layout: str = "saddle"
    sheet: str | None = None
    keep_last: int = 0
    creep: float = 0.0
    marks: bool = False
    flip: Flip | None = None
    proof: bool = False


@dataclass(frozen=True, slots=True)
class ImposedPDF:
    """The imposed PDF and what to tell the person printing it."""

    data: bytes = field(repr=False)
    sheet_count: int
    page_count: int
    sheet: str
    instruction: str
    #: For the job ticket: "double-sided, flip on short edge" or "single-sided" …
    printing: str = ""
    #: … the layout's finishing ("fold, staple"), and the input's page size and bleed (pt).
    finishing: str = ""
    page_size: tuple[float, float] = (0.0, 0.0)
    bleed: float = 0.0
    #: Pages as the reader meets them, blanks added to fill the layout included.
    padded_count: int = 0
    #: Creep (saddle): the shift per sheet of depth and that of the innermost sheet (points).
    creep: float = 0.0
    innermost_creep: float = 0.0
    #: The layout's name, and its yield: copies a sheet gives, sheets a copy takes.
    layout: str = ""
    copies_per_sheet: int = 1
    sheets_per_copy: Fraction = Fraction(0)


def impose(pdf: bytes | Path, options: ImposeOptions | None = None) -> ImposedPDF:
    """Impose the pages of *pdf* (a flat PDF, bytes or path, all pages one size) on sheets.

    Raises :class:`~leaflet.errors.PDFError` for a file that cannot be read safely (not a
    PDF, encrypted, damaged, past the limits), :class:`~leaflet.errors.ImposeError` for pages
    that cannot be imposed (rotated, of different sizes, more than the layout takes) and
    :class:`~leaflet.errors.UsageError` for impossible options.
    """
    from .. import pdf as pdf_module  # pypdf is heavy: import it only when imposing

    options = options or ImposeOptions()
    layout = get_layout(options.layout)
    if options.creep < 0:
        raise UsageError("creep cannot be negative")
    if options.creep and "staple" not in layout.OPERATIONS:
        stitched = ", ".join(name for name, lay in layouts().items() if "staple" in lay.OPERATIONS)
        raise UsageError(
            f"creep only applies to the saddle-stitched layouts ({stitched}), not {layout.NAME!r}"
        )
    source = pdf_module.read_source(pdf)
    width, height = source.trim_size
    count, keep_last = source.page_count, options.keep_last
    try:
        layout.PAGE_RULE.padded(count)
    except UsageError:
        raise ImposeError(
            f"{source.name}: {count} pages, but the {layout.NAME} layout takes {layout.PAGE_RULE}"
        ) from None
    if options.proof:
        return _proof(source, layout, options)
    # The sheet is chosen for the finished pieces (two A5 pages: A4); gutters and bleed grow it.
    nominal = layout.plan(count, width, height, keep_last=keep_last)
    plan = layout.plan(
        count, width, height, keep_last=keep_last, creep=options.creep, gutter=2 * source.bleed
    )
    sheet = options.sheet or pick_sheet((nominal.width, nominal.height))
    paper = oriented_sheet(sheet, (nominal.width, nominal.height))
    landscape = paper[0] > paper[1]
    if not options.marks:
        paper = bleed_sheet(paper, plan, source.bleed)
    flip: Flip = options.flip or ("short" if landscape else "long")
    if (flip == "long") == landscape:  # the back comes out upside down: turn it
        plan = _tumble_backs(plan)
    data = pdf_module.write_imposed(source, plan, paper, marks=options.marks, layout=layout.NAME)
    printing = str(Printing.of(plan, flip))
    instruction = _instruction(layout, plan, sheet, printing, count, options.marks)
    instruction += _grown_sheet(sheet, paper, source.bleed, options.marks)
    instruction += _creep_note(plan, source.bleed)
    return ImposedPDF(
        data,
        len(plan.sheets),
        source.page_count,
        sheet,
        instruction,
        printing,
        layout.FINISHING,
        source.trim_size,
        source.bleed,
        len(layout.reading_order(source.page_count, keep_last=options.keep_last)),
        options.creep,
        plan.innermost_creep,
        layout.NAME,
        layout.copies_per_sheet(count, width, height),
        layout.sheets_per_copy(count, width, height),
    )


def deliver_pages(pdf: bytes | Path, *, keep_last: int = 0, layout: str = "saddle") -> ImposedPDF:
    """The pages of a piece *layout* makes (a saddle-stitched booklet by default), in reading
    order, for a shop that imposes itself: padded with blank pages as the layout's page rule
    says (before the *keep_last* final pages, so a back page stays last), each page with its
    boxes and bleed.  Errors as :func:`impose`."""
    from .. import pdf as pdf_module

    chosen = get_layout(layout)
    source = pdf_module.read_source(pdf)
    order = chosen.PAGE_RULE.order(source.page_count, keep_last=keep_last)
    data = pdf_module.write_pages(source, order)
    blanks = order.count(None)
    counted = f"{len(order)} pages" + (f" ({blanks} blank)" if blanks else "")
    width, height = source.trim_size
    sheets = chosen.sheets_per_copy(len(order), width, height)
    piece = (
        f"a saddle-stitched booklet of {sheets} sheet{'s' * (sheets > 1)}"
        if "staple" in chosen.OPERATIONS
        else f"the {chosen.NAME} layout ({chosen.FINISHING})"
    )
    instruction = (
        f"{counted} in reading order, as single pages with their bleed: to impose as {piece}"
    )
    printing = chosen.printing(len(order), width, height)
    return ImposedPDF(
        data,
        math.ceil(sheets),
        source.page_count,
        "page",
        instruction,
        str(printing),
        f"impose, {chosen.FINISHING}",
        source.trim_size,
        source.bleed,
        len(order),
        layout="pages",
        sheets_per_copy=sheets,
    )


def bleed_sheet(paper: tuple[float, float], plan: Plan, bleed: float) -> tuple[float, float]:
    """*paper*, grown where the imposed area of *plan* and its *bleed* on every edge do not fit
    on it (two A5 pages with 3 mm bleed need 302 × 216 mm: more than A4)."""
    return (max(paper[0], plan.width + 2 * bleed), max(paper[1], plan.height + 2 * bleed))


def _grown_sheet(name: str, paper: tuple[float, float], bleed: float, marks: bool) -> str:
    """The instruction's word on a sheet grown past the paper *name* to carry the bleed."""
    if marks or _fits(paper, paper_size(name)) or _fits(paper, paper_size(name, landscape=True)):
        return ""
    label = name.upper() if name[0] == "a" else name
    return (
        f"; the sheets are {_describe(paper)}, larger than {label}, to carry the "
        f"{bleed / _MM:.3g} mm bleed: print on larger stock (SRA) and trim"
    )


def _creep_note(plan: Plan, bleed: float) -> str:
    """Creep moves the innermost pages towards the spine, away from the sheet's outer bleed:
    say how much of it is left there (nothing when the shift passes the bleed)."""
    shift = plan.innermost_creep
    if shift <= 0:
        return ""
    note = f"; creep: innermost pages {shift / _MM:.2g} mm towards the spine"
    if bleed <= 0:
        return note
    left = bleed - shift
    if left > TOLERANCE:
        return f"{note}, leaving {left / _MM:.2g} of the {bleed / _MM:.2g} mm outer bleed"
    return (
        f"{note}, all of the {bleed / _MM:.2g} mm bleed: the innermost sheets have no outer "
        "bleed left (render with more --bleed or use less creep)"
    )


def _proof(source: Source, layout: Layout, options: ImposeOptions) -> ImposedPDF:
    """Reader spreads of the pages in *layout*'s reading order (blanks where they will be)."""
    from ..pdf import write_imposed

    order = layout.reading_order(source.page_count, keep_last=options.keep_last)
    plan = proof_plan(order, *source.trim_size)
    data = write_imposed(source, plan, (plan.width, plan.height))
    count = len(plan.sheets)
    instruction = f"{source.page_count} pages as {count} reader spreads, for checking on screen"
    return ImposedPDF(data, count, source.page_count, "spread", instruction)


def _tumble_backs(plan: Plan) -> Plan:
    sheets = tuple(
        replace(sheet, back=turn_side(sheet.back, plan.width, plan.height))
        if sheet.back is not None
        else sheet
        for sheet in plan.sheets
    )
    return replace(plan, sheets=sheets, backs_turned=not plan.backs_turned)


def _instruction(
    layout: Layout, plan: Plan, sheet: str, printing: str, pages: int, marks: bool = False
) -> str:
    """One line for the person printing: e.g. "8 pages on 2 A4 sheets: print double-sided, …"."""
    count = len(plan.sheets)
    paper = sheet.upper() if sheet[0] == "a" else sheet
    plural = "s" * (count != 1)
    # Blank pages of a folded piece are part of it; flyers are counted as the pages given.
    padded = layout.PAGE_RULE.padded(pages)
    blanks = padded - pages if "fold" in layout.OPERATIONS else 0
    counted = f"{padded} pages ({blanks} blank)" if blanks else f"{pages} pages"
    line = f"{counted} on {count} {paper} sheet{plural}: print {printing}, {layout.FINISHING}"
    # With marks the sheet grew to hold them (A4 → SRA4): say what it is trimmed to, or, for
    # copies a gutter apart, that every mark is a cut.
    if not marks:
        return line
    cut = "cut at every mark, both sides of each gutter" if plan.gutter else f"trim to {paper}"
    return f"{line}; sheets larger than {paper} carry crop marks: {cut}"
