"""Imposition: placing the pages of a flat PDF on press sheets.

Two halves, kept apart so the order tables are testable without any PDF:

* **layouts** (one module each in this package: :mod:`.saddle`, :mod:`.two_up`,
  :mod:`.four_up`) are pure geometry — a page count and page size in, a :class:`Plan` of sheets,
  sides and slots out.  A module's docstring is its folding/cutting instruction (CLI help).
  Adding a layout is adding a module that defines what :class:`Layout` lists.
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
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Literal, Protocol, cast

from ..errors import UsageError
from ..papers import paper_size
from ..units import POINTS_PER

if TYPE_CHECKING:
    from ..pdf import Source

__all__ = [
    "STANDARD_SHEETS",
    "TOLERANCE",
    "Box",
    "ImposeOptions",
    "ImposedPDF",
    "Layout",
    "Plan",
    "Sheet",
    "Slot",
    "bleed_sheet",
    "deliver_pages",
    "flyer_order",
    "get_layout",
    "impose",
    "layouts",
    "oriented_sheet",
    "padded_order",
    "pick_sheet",
    "proof_plan",
    "step_and_repeat",
    "turn_side",
]

#: Sheets ``leaflet impose --sheet`` accepts, and among which a sheet is picked automatically.
STANDARD_SHEETS = ("a4", "a3", "letter", "tabloid")

Flip = Literal["short", "long"]

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
class Plan:
    """A layout's answer: the sheets, the size of the imposed area, and where it is folded.

    ``width`` × ``height`` is the trimmed size of the imposed area (all cells), which
    :mod:`leaflet.pdf` centres on the paper.  ``folds`` are x positions of vertical folds
    (the spine), drawn as fold marks; cell edges elsewhere are cuts.  ``gutter`` is the room
    between cells cut apart (twice the bleed, so that each side of an inner cut has its own
    bleed; 0 when the pages have none); ``creep`` the spine-ward shift per sheet of depth.
    """

    width: float
    height: float
    sheets: tuple[Sheet, ...]
    folds: tuple[float, ...] = ()
    gutter: float = 0.0
    creep: float = 0.0

    @property
    def innermost_creep(self) -> float:
        """How far the pages of the innermost sheet are shifted towards the spine (points)."""
        return self.creep * max(0, len(self.sheets) - 1)

    @property
    def cuts(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """Distinct x and y positions of cut lines (cell edges that are not folds)."""
        cells = [slot.cell for sheet in self.sheets for side in sheet.sides for slot in side]
        xs = {round(x, 3) for cell in cells for x in (cell.x, cell.right)}
        ys = {round(y, 3) for cell in cells for y in (cell.y, cell.top)}
        folds = {round(x, 3) for x in self.folds}
        return tuple(sorted(xs - folds)), tuple(sorted(ys))


class Layout(Protocol):
    """What a layout module provides (checked structurally, modules need not subclass)."""

    NAME: str
    #: What to do after printing, for the instruction line ("fold, staple").
    FINISHING: str
    __doc__: str | None

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

    def reading_order(self, page_count: int, *, keep_last: int = 0) -> list[int | None]: ...


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
    if not 0 <= keep_last <= page_count:
        raise UsageError(f"--keep-last {keep_last} must be between 0 and the page count")
    blanks = -page_count % multiple
    split = page_count - keep_last
    pages: list[int | None] = list(range(page_count))
    return pages[:split] + [None] * blanks + pages[split:]


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


def flyer_order(page_count: int, keep_last: int = 0) -> list[int | None]:
    """Flyer pages are front/back pairs: padded to an even count, unless there is one page."""
    return padded_order(page_count, 1 if page_count == 1 else 2, keep_last)


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


def impose(pdf: bytes | Path, options: ImposeOptions | None = None) -> ImposedPDF:
    """Impose the pages of *pdf* (a flat PDF, bytes or path, all pages one size) on sheets.

    Raises :class:`~leaflet.errors.PDFError` for a file that cannot be read safely (not a
    PDF, encrypted, damaged, past the limits), :class:`~leaflet.errors.ImposeError` for pages
    that cannot be imposed (rotated, of different sizes) and
    :class:`~leaflet.errors.UsageError` for impossible options.
    """
    from .. import pdf as pdf_module  # pypdf is heavy: import it only when imposing

    options = options or ImposeOptions()
    layout = get_layout(options.layout)
    if options.creep < 0:
        raise UsageError("creep cannot be negative")
    if options.creep and layout.NAME != "saddle":
        raise UsageError(f"creep only applies to the saddle layout, not {layout.NAME!r}")
    source = pdf_module.read_source(pdf)
    if options.proof:
        return _proof(source, layout, options)
    width, height = source.trim_size
    count, keep_last = source.page_count, options.keep_last
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
    printing = _printing(plan, flip)
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
    )


def deliver_pages(pdf: bytes | Path, *, keep_last: int = 0) -> ImposedPDF:
    """A saddle-stitched booklet's pages in reading order, for a shop that imposes itself:
    padded with blank pages to a multiple of 4 (before the *keep_last* final pages, so a back
    page stays last), each page with its boxes and bleed.  Errors as :func:`impose`."""
    from .. import pdf as pdf_module

    source = pdf_module.read_source(pdf)
    order = padded_order(source.page_count, 4, keep_last)
    data = pdf_module.write_pages(source, order)
    blanks = order.count(None)
    counted = f"{len(order)} pages" + (f" ({blanks} blank)" if blanks else "")
    instruction = (
        f"{counted} in reading order, as single pages with their bleed: to impose as a "
        f"saddle-stitched booklet of {len(order) // 4} sheet{'s' * (len(order) > 4)}"
    )
    return ImposedPDF(
        data,
        len(order) // 4,
        source.page_count,
        "page",
        instruction,
        "double-sided, flip on short edge",
        "impose, fold, staple",
        source.trim_size,
        source.bleed,
        len(order),
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
    return replace(plan, sheets=sheets)


def _printing(plan: Plan, flip: Flip) -> str:
    duplex = any(slot.page is not None for s in plan.sheets for slot in s.back or ())
    return f"double-sided, flip on {flip} edge" if duplex else "single-sided"


def _instruction(
    layout: Layout, plan: Plan, sheet: str, printing: str, pages: int, marks: bool = False
) -> str:
    """One line for the person printing: e.g. "8 pages on 2 A4 sheets: print double-sided, …"."""
    count = len(plan.sheets)
    paper = sheet.upper() if sheet[0] == "a" else sheet
    plural = "s" * (count != 1)
    slots = sum(len(side) for s in plan.sheets for side in s.sides)
    blanks = sum(slot.page is None for s in plan.sheets for side in s.sides for slot in side)
    counted = (
        f"{pages} pages"
        if not blanks or layout.NAME != "saddle"
        else (f"{slots} pages ({blanks} blank)")
    )
    line = f"{counted} on {count} {paper} sheet{plural}: print {printing}, {layout.FINISHING}"
    # With marks the sheet grew to hold them (A4 → SRA4): say what it is trimmed to, or, for
    # copies a gutter apart, that every mark is a cut.
    if not marks:
        return line
    cut = "cut at every mark, both sides of each gutter" if plan.gutter else f"trim to {paper}"
    return f"{line}; sheets larger than {paper} carry crop marks: {cut}"
