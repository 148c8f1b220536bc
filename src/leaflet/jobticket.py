"""The job ticket: what a print shop needs to know besides the PDF, as text and JSON.

It is the email an organizer would otherwise write by hand: finished size, press sheet and how
many per copy, duplex and flip, folding and stapling, colours, bleed and marks, and blanks for
the quantity, the paper and the proof.  ``leaflet render --job`` writes ``<output>.job.txt``
and ``<output>.job.json``.

The JSON object (every key always present):

=======================  ========  ==========================================================
key                      type      meaning
=======================  ========  ==========================================================
``file``                 string    the PDF's file name
``finished_size``        string    one finished page (``A5, 148 × 210 mm portrait``)
``pages``                integer   finished pages (a booklet's, blanks included)
``press_sheet``          string    the PDF's sheet, exactly, and the stock it is cut from
``sheets_per_copy``      number    press sheets one copy takes (0.5: two copies a sheet)
``printing``             string    sides and flip (``double-sided, flip on short edge``)
``finishing``            string    trim, fold, staple, cut
``colours``              string    inks in shop notation (``4/4``, ``1/0``) and, for PDF/X,
                                   the printing condition (``FOGRA39``) and the CMYK mixes
``bleed_mm``             number    bleed on every edge, mm (0: none)
``crop_marks``           boolean   the sheets carry crop marks
``pdf_standard``         string    ``PDF 1.7``, ``PDF/X-4``, ``PDF/X-1a:2003``, ``PDF/A-3b``
``fonts_embedded``       boolean   null when leaflet did not make the PDF
``quantity``             string    a blank for the organizer (``____ copies``)
``paper``                string    a blank for the stock and weight
``proof``                string    a blank: which proof is wanted before the run
``copies_per_sheet``     integer   copies one press sheet gives (2 for 2-up, 4 for 4-up)
``pdf_pages``            integer   pages in the PDF (sheet sides when imposed)
``notes``                list      the layout preflight's notes, for the organizer to judge
``delivery``             string    ``imposed sheets`` (folded or cut as ``finishing`` says) or
                                   ``single pages`` (in reading order, for a shop to impose)
``creep_mm``             number    creep applied per sheet of a saddle-stitched booklet, mm
                                   (0: none; a shop may add its own)
``creep_innermost_mm``   number    how far the innermost sheet's pages were shifted towards
                                   the spine, mm
``ink_coverage``         object    spot inks: per ink name, its share of each PDF page, %
                                   (tint-weighted, measured on the plates); ``{}`` otherwise
``masters``              integer   spot inks: masters or plates to make (one per ink and
                                   page it prints); 0 otherwise
``coverage_warnings``    list      pages an ink covers more than :data:`COVERAGE_LIMIT` of
=======================  ========  ==========================================================
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .colour import ColourMode, Inks, document_colours
from .formats import Format, get_format
from .model import Statement
from .papers import PAPER_SIZES, paper_size
from .pdfx import SPOT
from .templates import get_template
from .units import POINTS_PER

if TYPE_CHECKING:
    from .imposition import ImposedPDF
    from .output import Output
    from .pipeline import RenderOptions, RenderResult

__all__ = ["JobTicket", "impose_ticket", "job_ticket", "job_ticket_outputs", "write_job_ticket"]

_MM = POINTS_PER["mm"]
#: How a text ticket starts (:meth:`JobTicket.to_text`): tells a later run leaflet wrote it.
_TEXT_TICKET_START = b"Print job:"
#: Sheets a press room stocks, smallest first among those that fit (SRA: room for marks).
_PRESS_SHEETS = ("a5", "a4", "sra4", "a3", "sra3", "a2", "a1", "letter", "tabloid")
#: The ink coverage of a page over which a stencil duplicator's print smears and sets off
#: (a solid ink over a third of the page; RISO's guidance warns of large solid areas).
COVERAGE_LIMIT = 0.3
#: ``--pdf-variant`` values by the names of their standards.
_STANDARDS = {
    "pdf/x-4": "PDF/X-4",
    "pdf/x-1a": "PDF/X-1a:2003",
    "pdf/a-3b": "PDF/A-3b",
    "spot": "PDF 1.7, spot inks (a Separation colour space per ink)",
}


@dataclass(frozen=True, slots=True)
class JobTicket:
    """One print job; sizes are human strings, lengths in millimetres."""

    file: str
    finished_size: str
    pages: int
    press_sheet: str
    #: Sheets one copy takes: a fraction when a sheet carries several copies (2-up, 4-up).
    sheets_per_copy: float
    printing: str
    finishing: str
    colours: str
    bleed_mm: float
    crop_marks: bool
    pdf_standard: str
    #: None: not known (a PDF leaflet did not make); ``leaflet check`` tells.
    fonts_embedded: bool | None = True
    quantity: str = "____ copies"
    #: Paper stock and weight: for the organizer to fill in (or the shop to propose).
    paper: str = "____ (stock and weight, e.g. 135 g/m² gloss art)"
    #: Which proof the organizer wants before the run.
    proof: str = "____ (PDF proof, printed proof, or none)"
    #: Copies of the job one press sheet gives (2-up and 4-up sheets are cut into copies).
    copies_per_sheet: int = 1
    #: Pages in the PDF file: sheet sides when it is imposed (0: as many as ``pages``).
    pdf_pages: int = 0
    #: What leaflet's layout preflight noted (``page N: …``): for the organizer to judge
    #: before printing; none for a PDF leaflet did not lay out.
    notes: tuple[str, ...] = ()
    #: What the PDF is: sheets imposed for folding or cutting, or pages for a shop to impose.
    delivery: str = "single pages"
    #: Creep (saddle stitch) already applied: per sheet of depth and on the innermost sheet.
    creep_mm: float = 0.0
    creep_innermost_mm: float = 0.0
    #: Spot inks: each ink's share of every PDF page (percent, tint-weighted), by ink name.
    ink_coverage: dict[str, tuple[float, ...]] = field(default_factory=dict)
    #: Spot inks: masters (duplicator) or plates (offset) to make, one per ink and page.
    masters: int = 0
    #: Pages whose ink coverage is over the limit where duplicator prints smear.
    coverage_warnings: tuple[str, ...] = ()

    def _pdf_pages(self) -> str:
        if not self.pdf_pages or self.pdf_pages == self.pages:
            return ""
        sides = f"{self.pdf_pages} sheet side{'s' * (self.pdf_pages != 1)}"
        return f" finished pages, imposed: the PDF's {sides} carry them"

    def _sheets(self) -> str:
        if self.copies_per_sheet == 1:
            return f"{self.sheets_per_copy:g} per copy"
        sheets = round(self.sheets_per_copy * self.copies_per_sheet)
        return (
            f"{sheets} sheet{'s' * (sheets != 1)} per {self.copies_per_sheet} copies "
            f"({self.copies_per_sheet}-up: cut each sheet into {self.copies_per_sheet})"
        )

    def _creep(self) -> str:
        if self.creep_mm:
            return (
                f"{self.creep_mm:g} mm per sheet, {self.creep_innermost_mm:g} mm on the "
                "innermost sheet: applied (its pages shifted towards the spine)"
            )
        if self.delivery == "imposed sheets" and "staple" in self.finishing:
            return "none applied (the shop may add its own for the paper)"
        return ""

    def _inks(self) -> list[str]:
        if not self.ink_coverage:
            return []
        shares = "; ".join(
            f"{ink} " + ", ".join(f"{share:g} %" for share in pages)
            for ink, pages in self.ink_coverage.items()
        )
        return [
            f"Ink coverage (per PDF page): {shares}",
            f"Masters or plates: {self.masters} (one per ink and page it prints)",
            *(f"Warning: {warning}" for warning in self.coverage_warnings),
        ]

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n"

    def to_text(self) -> str:
        """The ticket as the lines of an email to the print shop."""
        bleed = f"{self.bleed_mm:g} mm on every edge" if self.bleed_mm else "none"
        lines = [
            f"Print job: {self.file}",
            f"Quantity: {self.quantity}",
            f"Paper: {self.paper}",
            f"Proof: {self.proof}",
            f"Finished size: {self.finished_size}",
            f"Pages: {self.pages}" + self._pdf_pages(),
            f"Press sheet: {self.press_sheet}, {self._sheets()}",
            f"Printing: {self.printing}",
            f"Delivery: {self.delivery}",
            f"Finishing: {self.finishing}",
            *([f"Creep: {creep}"] if (creep := self._creep()) else []),
            f"Colours: {self.colours}",
            *self._inks(),
            f"Bleed: {bleed}; crop marks: {'yes' if self.crop_marks else 'no'}",
            f"PDF: {self.pdf_standard}" + (", fonts embedded" if self.fonts_embedded else ""),
            *(f"Layout note: {note}" for note in self.notes),
        ]
        return "\n".join(lines) + "\n"


def job_ticket(
    output: Path,
    statement: Statement,
    options: RenderOptions,
    result: RenderResult,
    *,
    coverage_limit: float = COVERAGE_LIMIT,
) -> JobTicket:
    """The ticket for the render *result* of *statement* with *options*, written to *output*.
    In spot inks it gives each ink's coverage of each page, measured on the plates, and warns
    of a page an ink covers more than *coverage_limit* (0 … 1) of."""
    from .pdf import media_size, page_sizes

    fmt = get_format(options.format)
    template = get_template(options.template)
    colours = document_colours(template.colours, statement.accent)
    if result.imposed is not None:  # what the imposition made, as it says
        ticket = impose_ticket(output, result.imposed, marks=options.marks)
        double = ticket.printing.startswith("double")
        ticket = replace(
            ticket,
            finished_size=_describe_paper(fmt.paper, fmt.width, fmt.height),
            colours=options.colours.describe(colours, double_sided=double),
            pdf_standard="PDF 1.7",
            fonts_embedded=True,
        )
    else:
        ticket = _ticket(
            output, fmt, result.page_count, media_size(result.pdf), colours, options.colours,
            bleed=options.bleed_width, marks=options.marks,
        )  # fmt: skip
    ticket = replace(
        ticket,
        notes=tuple(str(note) for note in result.notes),
        pdf_pages=len(page_sizes(result.pdf)),
    )
    if isinstance(options.colours, Inks):
        ticket = _with_coverage(ticket, result.pdf, coverage_limit)
    variant = options.pdf_variant
    if variant is None:
        return ticket
    return replace(ticket, pdf_standard=_STANDARDS.get(variant, variant.upper()))


def _with_coverage(ticket: JobTicket, pdf: bytes, limit: float) -> JobTicket:
    """*ticket* with the spot PDF *pdf*'s ink coverage, masters and warnings."""
    from .separations import ink_coverage

    coverage = ink_coverage(pdf)
    warnings = [
        f"page {number}: {ink.name} covers {share:.0%} of it, more than {limit:.0%}: on a "
        "stencil duplicator heavy solids smear and set off (print it slower, interleave, "
        "or lighten the solids to a tint)"
        for ink, pages in zip(coverage.inks, coverage.pages, strict=True)
        for number, share in enumerate(pages, start=1)
        if share > limit
    ]
    return replace(
        ticket,
        ink_coverage={
            ink.name: tuple(round(share * 100, 1) for share in pages)
            for ink, pages in zip(coverage.inks, coverage.pages, strict=True)
        },
        masters=coverage.masters,
        coverage_warnings=tuple(warnings),
        pdf_standard=_STANDARDS[SPOT],
    )


def impose_ticket(output: Path, imposed: ImposedPDF, *, marks: bool) -> JobTicket:
    """The ticket for sheets made by ``leaflet impose`` (colours and PDF standard are those of
    the input, which imposition keeps)."""
    from .pdf import copies_per_sheet, media_size, page_sizes

    finishing = imposed.finishing if not marks else f"trim at the crop marks; {imposed.finishing}"
    if imposed.sheet == "page":
        copies = 1
    elif imposed.sheets_per_copy:  # the layout's own yield
        copies = imposed.copies_per_sheet
    else:
        copies = copies_per_sheet(imposed.data)
    sheets = (
        float(imposed.sheets_per_copy)
        if imposed.sheets_per_copy
        else imposed.sheet_count / copies
        if copies > 1
        else imposed.sheet_count
    )
    ticket = JobTicket(
        file=output.name,
        finished_size=_describe_size(imposed.page_size),
        pages=imposed.padded_count or imposed.page_count,
        press_sheet=_press_sheet(media_size(imposed.data)),
        sheets_per_copy=sheets,
        copies_per_sheet=copies,
        pdf_pages=len(page_sizes(imposed.data)),
        printing=imposed.printing,
        finishing=finishing,
        colours="as in the PDF",
        bleed_mm=round(imposed.bleed / _MM, 2),
        crop_marks=marks,
        pdf_standard="as supplied",
        fonts_embedded=None,
        delivery="imposed sheets",
        creep_mm=round(imposed.creep / _MM, 3),
        creep_innermost_mm=round(imposed.innermost_creep / _MM, 3),
    )
    return _single_pages(ticket, imposed)


def _single_pages(ticket: JobTicket, imposed: ImposedPDF) -> JobTicket:
    """Pages delivered for the shop to impose (``layout:pages``, :func:`impose.deliver_pages`):
    the press sheet is its choice."""
    if imposed.layout != "pages":
        return ticket
    return replace(
        ticket,
        delivery="single pages",
        press_sheet=f"the shop's choice (single pages of {ticket.press_sheet.split(',')[0]} "
        "with their bleed, to impose)",
        copies_per_sheet=1,
    )


def write_job_ticket(path: Path, ticket: JobTicket) -> tuple[Path, Path]:
    """Write ``<stem>.job.txt`` and ``<stem>.job.json`` beside *path* (together, atomically;
    see :func:`job_ticket_outputs`)."""
    from .output import write_outputs

    text, data = job_ticket_outputs(path, ticket)
    write_outputs([text, data])
    return text.path, data.path


def job_ticket_outputs(path: Path, ticket: JobTicket | None) -> tuple[Output, Output]:
    """The ticket files for the PDF at *path*, to write with the run's other files (without
    data when *ticket* is None: to check the names before rendering).  Each replaces only a
    ticket leaflet wrote (a text file starting ``Print job:``, a JSON object with the ticket's
    fields), never another file of that name."""
    from .output import Output

    text = ticket.to_text().encode("utf-8") if ticket is not None else b""
    data = ticket.to_json().encode("utf-8") if ticket is not None else b""
    return (
        Output(path.with_suffix(".job.txt"), text, _is_text_ticket, "a job ticket"),
        Output(path.with_suffix(".job.json"), data, _is_json_ticket, "a job ticket"),
    )


def _is_text_ticket(path: Path) -> bool:
    with path.open("rb") as stream:
        return stream.read(len(_TEXT_TICKET_START)) == _TEXT_TICKET_START


def _is_json_ticket(path: Path) -> bool:
    if path.stat().st_size > 1 << 16:
        return False
    try:
        data = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(data, dict) and {"file", "pages", "press_sheet"} <= data.keys()


def _ticket(
    output: Path,
    fmt: Format,
    pages: int,
    sheet_size: tuple[float, float],
    colours: dict[str, str],
    mode: ColourMode,
    *,
    bleed: float,
    marks: bool,
) -> JobTicket:
    """*pages* finished pages of *fmt*, printed on sheets whose PDF page (MediaBox) is
    *sheet_size* points; *colours* are the document's (name → colour), painted in *mode*."""
    if fmt.kind == "poster":
        sheets, printing, finishing = pages, "single-sided", "none"
    else:
        sheets = math.ceil(pages / 2) if pages > 1 else 1
        printing = "double-sided, flip on long edge" if pages > 1 else "single-sided"
        finishing = "none"
    if marks:
        finishing = f"trim at the crop marks; {finishing}" if finishing != "none" else "trim"
    return JobTicket(
        file=output.name,
        finished_size=_describe_paper(fmt.paper, fmt.width, fmt.height),
        pages=pages,
        press_sheet=_press_sheet(sheet_size),
        sheets_per_copy=sheets,
        printing=printing,
        finishing=finishing,
        colours=mode.describe(colours, double_sided=printing.startswith("double")),
        bleed_mm=round(bleed / _MM, 2),
        crop_marks=marks,
        pdf_standard="PDF 1.7",
        delivery="single pages",
    )


def _describe_paper(name: str, width: float, height: float) -> str:
    shape = "portrait" if width < height else "landscape"
    label = name.upper() if name[0] in "as" or name == "dl" else name
    return f"{label}, {width / _MM:.0f} × {height / _MM:.0f} mm {shape}"


def _press_sheet(size: tuple[float, float]) -> str:
    """The paper *size* is (either way round), else its exact size and the smallest stock
    sheet it is printed on (``163 × 225 mm portrait, on A4 (210 × 297 mm)``)."""
    width, height = size
    for name in PAPER_SIZES:
        if _fits(size, name, exact=True):
            return _describe_paper(name, *paper_size(name, landscape=width > height))
    shape = "portrait" if width < height else "landscape"
    exact = f"{width / _MM:.0f} × {height / _MM:.0f} mm {shape}"
    for name in _PRESS_SHEETS:
        if _fits(size, name):
            stock_width, stock_height = paper_size(name, landscape=width > height)
            label = name.upper() if name[0] in "as" else name
            return f"{exact}, on {label} ({stock_width / _MM:.0f} × {stock_height / _MM:.0f} mm)"
    return f"custom, {exact}"


def _describe_size(size: tuple[float, float]) -> str:
    """A page size by its paper name when it has one (``A5, 148 × 210 mm portrait``)."""
    for name in PAPER_SIZES:
        if _fits(size, name, exact=True):
            return _describe_paper(name, *size)
    return f"{size[0] / _MM:.0f} × {size[1] / _MM:.0f} mm"


def _fits(size: tuple[float, float], name: str, *, exact: bool = False) -> bool:
    short, long = paper_size(name)
    small, large = min(size), max(size)
    if exact:
        return abs(small - short) < 0.5 and abs(large - long) < 0.5
    return small <= short + 0.5 and large <= long + 0.5
