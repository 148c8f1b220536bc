"""Imposition: a flat PDF's pages placed on press sheets by a layout.

The two halves meet here and nowhere else: the layouts (:mod:`leaflet.impose`, pure geometry
and declarations, no PDF) make a plan, and :mod:`leaflet.pdf` (pypdf) reads the input and draws
the plan.  Neither imports the other's module of work: no import cycle.  :func:`impose` is what
``leaflet impose`` and the renderer's imposed formats call; :func:`deliver_pages` gives a
piece's pages in reading order for a shop that imposes itself.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ImposeError, UsageError
from .impose import (
    TOLERANCE,
    Flip,
    Layout,
    Plan,
    Printing,
    describe_area,
    fits,
    get_layout,
    layouts,
    oriented_sheet,
    pick_sheet,
    proof_plan,
    turn_side,
)
from .papers import paper_size
from .units import POINTS_PER

if TYPE_CHECKING:
    from .pdf import Source

__all__ = ["ImposeOptions", "ImposedPDF", "bleed_sheet", "deliver_pages", "impose"]

_MM = POINTS_PER["mm"]


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
    from . import pdf as pdf_module  # pypdf is heavy: import it only when imposing

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
    from . import pdf as pdf_module

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
    if marks or fits(paper, paper_size(name)) or fits(paper, paper_size(name, landscape=True)):
        return ""
    label = name.upper() if name[0] == "a" else name
    return (
        f"; the sheets are {describe_area(paper)}, larger than {label}, to carry the "
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
    from .pdf import write_imposed

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
