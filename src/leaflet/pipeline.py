"""The one-direction data flow: source → Statement → HTML → pages → PDF → file.

Each step is its own module; this one only strings them together with the options:
compose the HTML, lay it out (fitting the type to a page budget when asked or when the format
has a natural one), write the PDF, and impose it for booklet formats.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .colour import ColourMode, Inks, colour_mode
from .errors import RenderError, UsageError
from .fit import (
    Fit,
    Law,
    Measure,
    NoFit,
    booklet_fit,
    economical,
    economical_fit,
    fit_scale,
)
from .formats import LARGER, Format, get_format
from .garbage import fewer_collections
from .inks import template_inks
from .limits import current_limits
from .model import Statement
from .output import write_atomic  # re-exported: the public API and older callers name it here
from .panels import render_panels
from .papers import US_SIZES
from .pdfx import PAPERS, PDF_VARIANTS, SPOT
from .share import render_share
from .templates import DEFAULT_TEMPLATE, PACKAGE_DIR, Template, get_template
from .units import POINTS_PER, format_length, parse_length

if TYPE_CHECKING:
    from .imposition import ImposedPDF
    from .preflight import Line, Note
    from .render import LaidOut, Typesetter

__all__ = [
    "MARKS_BLEED",
    "UNDATED",
    "RenderOptions",
    "RenderResult",
    "render_statement",
    "write_atomic",
]

LOGGER = logging.getLogger("leaflet.pipeline")

#: CSS pixels per point: WeasyPrint measures boxes in px (CSS Values 3: 1in = 96px = 72pt).
PX = 96 / 72
#: Never set body text below this size (points), whatever the budget.
MIN_BODY_SIZE = 8.0
#: Never grow type beyond this factor of the template's normal size.
MAX_SCALE = 1.2
#: Without an explicit budget, shrink at most this much to save a page (keeps the design).
NATURAL_SHRINK = 0.9
#: Without an explicit budget, a coarser search (a layout pass costs more than 2 % shows), and
#: a last page 90 % full is full enough (``--pages`` closes in on 97 %).
NATURAL: dict[str, Any] = {"max_passes": 5, "precision": 0.02, "full_enough": 0.9}
#: The date of a PDF/X or PDF/A file made from a statement without one (reproducible builds
#: use the same: the ZIP epoch).
UNDATED = "1980-01-01"
#: The bleed given with ``--marks`` when ``--bleed`` is not: the usual print-shop request.
MARKS_BLEED = 3 * POINTS_PER["mm"]
#: The largest page budget ``--pages`` takes: a statement is not a book.
MAX_PAGES = 1000


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """Everything that shapes a render; the command line's defaults come from here."""

    format: str = "a4"
    template: str = DEFAULT_TEMPLATE
    #: A character no bundled font has is an error, not a warning (see coverage.py).
    strict: bool = False
    #: Fill exactly this many pages, scaling the type (``--pages``); None: the format decides.
    pages: int | None = None
    #: A small line at the foot of every poster (organization, date, URL).
    poster_footer: str | None = None
    #: Artwork past the trim on every edge, in points (``--bleed 3mm``; CSS ``bleed``).
    #: None: :data:`MARKS_BLEED` when marks are drawn (marks without bleed help no one), else 0.
    bleed: float | None = None
    #: Crop marks (and fold marks on booklet sheets) outside the bleed (``--marks``).
    marks: bool = False
    #: ``pdf/x-4`` … (see :data:`pdfx.PDF_VARIANTS`); PDF/X variants paint in CMYK.
    pdf_variant: str | None = None
    #: The paper a PDF/X file is printed on (``--paper``): ``coated`` or ``uncoated`` chooses
    #: the printing condition (:data:`pdfx.PAPERS`).
    paper: str = "coated"
    #: Layout preflight notes (:mod:`leaflet.preflight`) are an error (``--strict-layout``).
    strict_layout: bool = False
    #: What a booklet is delivered as (``--deliver``): imposed ``sheets``, or its ``pages`` in
    #: reading order for a shop that imposes itself.
    deliver: str = "sheets"
    #: Spot inks by name (``--inks black,fluorescent-pink``, :mod:`leaflet.inks`): the
    #: document is printed in these inks, a ``/Separation`` each (:mod:`leaflet.separations`).
    #: Empty: the template's own inks with ``--pdf-variant spot``, else none.
    inks: tuple[str, ...] = ()
    #: Compress the PDF's streams.  A PDF rasterized at once and never kept (the studio's
    #: previews) is written faster without: the same pages, a larger file.
    compress: bool = True

    @property
    def colours(self) -> ColourMode:
        """How this render paints its colours (:mod:`leaflet.colour`), chosen here once: in
        CMYK for the paper's printing condition in PDF/X (a US condition for US paper sizes),
        as written otherwise."""
        if self.inks or self.pdf_variant == SPOT:
            return template_inks(self.inks, get_template(self.template))
        american = get_format(self.format).paper in US_SIZES
        return colour_mode(self.pdf_variant, self.paper, american=american)

    @property
    def bleed_width(self) -> float:
        """The bleed to render, in points, once the default is applied."""
        if self.bleed is not None:
            return self.bleed
        return MARKS_BLEED if self.marks else 0.0


@dataclass(frozen=True, slots=True)
class RenderResult:
    """The PDF, the HTML it was made from, and how it was made."""

    pdf: bytes = field(repr=False)
    html: str = field(repr=False)
    #: Pages of the statement (before imposition; blanks added for a booklet included).
    page_count: int
    #: Type scale chosen by fitting (1.0: the template's normal size).
    scale: float = 1.0
    #: Layout passes the render took (1 without fitting).
    passes: int = 1
    #: For imposed formats: what to tell the person printing it.
    instruction: str | None = None
    #: What the layout preflight found (:mod:`leaflet.preflight`), by reader page.
    notes: tuple[Note, ...] = ()
    #: For imposed formats: what the imposition made (sheets, yield, printing, finishing),
    #: which the job ticket reads (the PDF is not read again to learn it).
    imposed: ImposedPDF | None = field(default=None, repr=False)


def render_statement(statement: Statement, options: RenderOptions | None = None) -> RenderResult:
    """Typeset *statement* as *options* say; returns the PDF bytes and the HTML used.

    The whole render, fitting and imposition included, stops at the wall-clock limit in force
    (:func:`limits.current_limits`) with a :class:`~leaflet.watchdog.RenderTimeout`.
    """
    from .watchdog import time_limit

    seconds = current_limits().render_seconds
    message = f"rendering took longer than {seconds:g} s; raise it with --time-limit"
    with time_limit(seconds, message), fewer_collections():
        return _render_statement(statement, options or RenderOptions())


def render_pages(statement: Statement, options: RenderOptions) -> RenderResult:
    """The pages as laid out, before :func:`finish_pages` imposes them, draws marks or
    finishes a PDF variant: for a caller that changes the pages first (:mod:`leaflet.stamp`
    places local editions' blocks on them).  ``render_pages`` then ``finish_pages`` is
    :func:`render_statement`; the time limit is the same."""
    from .watchdog import time_limit

    seconds = current_limits().render_seconds
    message = f"rendering took longer than {seconds:g} s; raise it with --time-limit"
    with time_limit(seconds, message), fewer_collections():
        return _render_statement(statement, options, finish=False)


def _render_statement(
    statement: Statement, options: RenderOptions, *, finish: bool = True
) -> RenderResult:
    # Jinja2 and WeasyPrint load only when something is rendered (fast `leaflet --help`).
    from .coverage import check_coverage

    fmt = get_format(options.format)
    template = get_template(options.template)
    _check_budget(options.pages, fmt)
    if options.deliver != "sheets" and not fmt.imposed:
        raise UsageError(
            f"--deliver {options.deliver}: {fmt.name} pages are not imposed; only folded, "
            "bound and cut formats are"
        )
    check_coverage(statement, template, strict=options.strict)
    _check_print_options(options)
    if fmt.kind == "poster":
        result = _render_posters(statement, fmt, template, options)
    elif fmt.kind == "share":
        result = render_share(statement, fmt, template, options)
    elif fmt.page_rule.exact:  # cover, inside, back, flap: each page its role (panels.py)
        result = render_panels(statement, fmt, template, options)
    else:
        result = _render_leaflet(statement, fmt, template, options)
    return finish_pages(result, statement, options) if finish else result


def finish_pages(
    result: RenderResult, statement: Statement, options: RenderOptions
) -> RenderResult:
    """The pages of :func:`render_pages` imposed (or marked) and finished as *options* say."""
    fmt = get_format(options.format)
    if fmt.imposed:
        result = _impose(result, fmt, statement, options)
    elif options.marks:
        result = _add_marks(result)
    if isinstance(options.colours, Inks):
        # The marker colours become the inks' Separation spaces (separations.spot_pdf).
        from .separations import spot_pdf

        result = replace(result, pdf=spot_pdf(result.pdf, options.colours))
    elif options.pdf_variant:
        # The file made ready for its standard: pictures converted, links off a press file,
        # the printing condition named, Info and XMP in step (pdf.finish_variant).
        from .pdf import finish_variant

        condition = options.colours.condition
        result = replace(result, pdf=finish_variant(result.pdf, options.pdf_variant, condition))
    return result


def _render_leaflet(
    statement: Statement, fmt: Format, template: Template, options: RenderOptions
) -> RenderResult:
    """The statement flowing over pages, its type fitted to the format's page budget."""
    from .compose import compose_html

    back_page = fmt.back_page
    html = compose_html(statement, fmt, template, bleed=options.bleed_width, back_page=back_page)
    typesetter = _typesetter(statement, template, html, options)
    # An odd count is set with a back page below when that makes it even: filling its
    # last page first would be wasted (it is filled below when the back page does not help).
    turns = _may_turn_back(fmt, options, statement)
    fit = _fit(typesetter, fmt, options.pages, statement, back_page=back_page, fill_odd=not turns)
    if _odd_flat_leaflet(fit, fmt, options, statement):
        # Flat pages printed double-sided: an odd count leaves a blank side.  With the
        # closing block as a last side of its own — a back page, as on a booklet — the text
        # fills the pages before it, and the count is even.
        html_back = compose_html(
            statement, fmt, template, bleed=options.bleed_width, back_page=True
        )
        typesetter_back = _typesetter(statement, template, html_back, options)
        fit_back = _fit(typesetter_back, fmt, None, statement, back_page=True)
        if fit_back.measure.pages % 2 == 1:  # text pages, the back page left out
            html, typesetter, fit, back_page = html_back, typesetter_back, fit_back, True
        else:  # the search again, its layouts kept: only the filling is new
            fit = _fit(typesetter, fmt, options.pages, statement, back_page=back_page)
    if back_page and statement.slogans:
        laid_out = _back_page_poster(typesetter, fmt, fit.scale, statement.slogans)
    else:
        laid_out = _laid_out(typesetter, fmt, fit.scale)
    laid_out, notes = _repaired(typesetter, laid_out, options)
    pdf = _write(laid_out, options, template, typesetter, statement)
    return RenderResult(pdf, html, laid_out.page_count, fit.scale, typesetter.passes, notes=notes)


#: What a booklet may be delivered as (``--deliver``).
DELIVERIES = ("sheets", "pages")
#: The widest bleed accepted: shops ask for 2–5 mm; more is a typo (``30mm`` for ``3mm``).
MAX_BLEED = parse_length("20mm")


def _check_print_options(options: RenderOptions) -> None:
    if options.bleed_width < 0:
        raise UsageError(f"--bleed cannot be negative ({options.bleed_width:g} pt)")
    if options.bleed_width > MAX_BLEED:
        raise UsageError(
            f"--bleed {format_length(options.bleed_width)} is more than any print shop asks "
            f"for (at most {format_length(MAX_BLEED)}; 3mm is usual)"
        )
    if options.deliver not in DELIVERIES:
        raise UsageError(f"--deliver {options.deliver!r}: one of {', '.join(DELIVERIES)}")
    if options.pdf_variant is not None and options.pdf_variant not in PDF_VARIANTS:
        known = ", ".join(PDF_VARIANTS)
        raise UsageError(f"unknown --pdf-variant {options.pdf_variant!r} (known: {known})")
    if options.paper not in PAPERS:
        raise UsageError(f"unknown --paper {options.paper!r} (known: {', '.join(PAPERS)})")
    _check_inks(options)


def _check_inks(options: RenderOptions) -> None:
    """Spot inks make their own file: no PDF/X or PDF/A of it, no share picture."""
    if not options.inks and options.pdf_variant != SPOT:
        return
    if options.pdf_variant not in (None, SPOT):
        raise UsageError(
            f"--inks: a file in spot inks is its own variant (--pdf-variant spot), not "
            f"{options.pdf_variant}"
        )
    if get_format(options.format).kind == "share":
        raise UsageError(f"--inks: {options.format} is a picture for the screen, not print")
    _ = options.colours  # an unknown ink, or none named, fails here


def _layout_notes(
    laid_out: LaidOut, options: RenderOptions, *, posters: bool = False
) -> tuple[Note, ...]:
    """The layout preflight's notes on the final layout (one walk over its lines); with
    ``strict_layout`` any note is a :class:`~leaflet.errors.LayoutError`, raised before the
    PDF is written."""
    from .preflight import preflight
    from .render import preflight_layout

    return _strict(preflight(preflight_layout(laid_out, posters=posters)), options)


def _strict(notes: tuple[Note, ...], options: RenderOptions) -> tuple[Note, ...]:
    from .errors import LayoutError

    if notes and options.strict_layout:
        raise LayoutError(notes)
    return notes


#: Layouts the repairs may take: a second round mends what the first left (a heading's measure
#: is estimated from character counts).
REPAIR_ROUNDS = 2


def _repaired(
    typesetter: Typesetter, laid_out: LaidOut, options: RenderOptions
) -> tuple[LaidOut, tuple[Note, ...]]:
    """The final layout and its preflight notes, after one more layout with the faults a
    paragraph's own settings can mend (:mod:`leaflet.repair`) when that gives fewer notes on
    as many pages; then ``strict_layout`` applies."""
    from .preflight import preflight
    from .render import walk_lines
    from .repair import balance_css, repair_css

    walk = walk_lines(laid_out)
    notes = preflight(walk.layout)
    strong = False
    # Slogans in the text's flow evened out, in the same layout as the repairs.
    balance = balance_css(walk, typesetter.selector)
    for _ in range(REPAIR_ROUNDS):
        css = repair_css(walk, typesetter.selector, strong=strong) if notes else ""
        if not (css or balance):
            break
        again = typesetter.layout("\n".join(filter(None, [laid_out.css, css, balance])))
        again_walk = walk_lines(again)
        again_notes = preflight(again_walk.layout)
        better = _better(again_notes, notes, fewer=bool(css))
        if again.page_count == laid_out.page_count and better:
            laid_out, walk, notes, strong, balance = again, again_walk, again_notes, False, ""
        elif strong:
            break
        else:
            strong = True  # the gentle repair did not help: the next round hits harder
    return laid_out, _strict(notes, options)


#: Faults a repair must never add, whatever it mends (as the preflight words them).
_NEVER_ADDED = ("runs out of its column", "runs below the page", "a note call starts a line")


def _better(notes: tuple[Note, ...], before: tuple[Note, ...], *, fewer: bool = True) -> bool:
    """Fewer notes (as many, without *fewer*), and none of the faults a reader cannot get
    past added."""

    def counted(found: tuple[Note, ...], words: str) -> int:
        return sum(words in note.message for note in found)

    count = len(notes) < len(before) if fewer else len(notes) <= len(before)
    return count and all(counted(notes, words) <= counted(before, words) for words in _NEVER_ADDED)


def _add_marks(result: RenderResult) -> RenderResult:
    """Flat pages get crop marks outside the bleed (:func:`pdf.add_marks`)."""
    from .pdf import add_marks

    return replace(result, pdf=add_marks(result.pdf))


def _write(
    laid_out: LaidOut,
    options: RenderOptions,
    template: Template,
    typesetter: Typesetter,
    statement: Statement,
) -> bytes:
    """The PDF, with an identifier derived from the input: same input, same bytes, wherever
    the statement, the template and leaflet lie (the template by its name, the HTML by the
    typesetter's portable fingerprint: no absolute path is hashed).

    PDF variants need dates: the statement's, else :data:`UNDATED` (never the clock).
    """
    from .render import write_pdf

    portable = replace(options, template=template.name)
    key = f"{portable!r}\0{typesetter.fingerprint}"
    identifier = hashlib.sha256(key.encode()).hexdigest()[:32].encode()
    date = statement.date.isoformat() if statement.date else UNDATED
    variant = None if options.pdf_variant == SPOT else options.pdf_variant  # not WeasyPrint's
    return write_pdf(
        laid_out, identifier=identifier, variant=variant, date=date, compress=options.compress
    )


#: Room kept at the foot of a poster for the ``--poster-footer`` line (in body sizes).
POSTER_FOOTER_LINES = 4


def css_string(text: str) -> str:
    """*text* as a CSS string literal (CSS Syntax 3 §4.3.5), safe inside a stylesheet."""
    escaped = "".join(
        ch if ch.isalnum() or ch in " .,:;!?·-–—/@()'" else f"\\{ord(ch):x} " for ch in text
    )
    return f'"{escaped}"'


def _render_posters(
    statement: Statement, fmt: Format, template: Template, options: RenderOptions
) -> RenderResult:
    """One page per slogan (the headline when there are none), each as large as it fits."""
    from .compose import compose_html
    from .posters import PosterMeasure, fit_series

    texts = list(statement.slogans) or [statement.title]
    footer = options.poster_footer
    # Keep the slogan clear of the footer line printed in the bottom margin.
    text_height = fmt.height - 2 * fmt.margin - (fmt.body_size * 2 if footer else 0)
    poster = {"texts": texts, "footer": footer, "text_height": text_height}
    html = compose_html(
        statement,
        fmt,
        template,
        entry="poster.html.j2",
        extra={"poster": poster},
        bleed=options.bleed_width,
    )
    typesetter = _typesetter(statement, template, html, options)
    width_px, height_px = (fmt.width - 2 * fmt.margin) * PX, text_height * PX

    def css(sizes: Sequence[float], widths: Sequence[float], heights: Sequence[float] = ()) -> str:
        rules = [
            f"#poster-{n} .poster-text {{ font-size: {size:.3f}px !important; "
            f"max-width: {width:.3f}px !important; }}"
            for n, (size, width) in enumerate(zip(sizes, widths, strict=True), start=1)
        ]
        if footer:
            # Stylesheets given to the renderer are user style: !important beats the template.
            content = css_string(footer)
            rules.append(f"@page {{ @bottom-center {{ content: {content} !important; }} }}")
        # Centre each slogan vertically once its height is known.
        rules += [
            f"#poster-{n} {{ padding-top: {(height_px - height) / 2:.3f}px !important; }}"
            for n, height in enumerate(heights, start=1)
        ]
        return "\n".join(rules)

    def measure(sizes: Sequence[float], widths: Sequence[float]) -> list[PosterMeasure]:
        laid_out = typesetter.layout(css(sizes, widths))
        measures = []
        for number in range(1, len(texts) + 1):
            blocks = laid_out.blocks(f"poster-text-{number}")
            lines = tuple(line for block in blocks for line in block.line_widths)
            lonely = sum(block.lonely_lines for block in blocks)
            height = sum(block.height for block in blocks)
            unbroken = tuple(line for block in blocks for line in block.unbroken)
            measures.append(PosterMeasure(len(blocks), height, lines, lonely, unbroken))
        return measures

    chosen = fit_series(texts, measure, width_px, height_px)
    laid_out = typesetter.layout(css(chosen.sizes, chosen.widths, chosen.heights))
    notes = _layout_notes(laid_out, options, posters=True)
    pdf = _write(laid_out, options, template, typesetter, statement)
    return RenderResult(pdf, html, laid_out.page_count, passes=typesetter.passes, notes=notes)


#: Space between a booklet's back-page slogans and its foot (contact, imprint), in body sizes.
BACK_PAGE_GAP = 2.5
#: Hides all but a booklet's back page's slogans (base.html.j2: a ``back-page`` division in
#: the body, its slogans before its foot, which they never depend on).
BACK_PAGE_ALONE = "\nbody > :not(.back-page), #back-foot { display: none !important; }"
#: Space above each back-page slogan but the first, in the slogans' size (base.css agrees).
SLOGAN_GAP = 0.55
#: Sets the back page's slogans one run to a line (every break their lines may take), in
#: tiny type, in a layout whose back page is then set anew with the slogans sized (their
#: rules, by id, override this): their widest run no line breaks, measured, starts the
#: search for their size (:func:`posters.fit_stack`).  The type is tiny so that the back
#: page holds them whatever they are; a run's width grows in proportion with the type.
RUNS_MEASURED = ".back-page .slogan { font-size: 1px !important; max-width: 0 !important; }"


def _back_page_poster(
    typesetter: Typesetter,
    fmt: Format,
    scale: float,
    slogans: Sequence[str],
    *,
    extra_css: str = "",
) -> LaidOut:
    """A booklet's back page set like a poster: the slogans, one size for all, as large as the
    area above the page's foot lets them be, each balanced on its own (:func:`fit_stack`),
    then centred in that area, which the slogans' panel fills.  *extra_css* (rules for other
    pages, such as a cover title's size) is part of every layout, so that the fitting's last
    layout is reused and the result is the document's final one."""
    css, natural, alone = _back_page_css(typesetter, fmt, scale, slogans, extra_css=extra_css)
    # The text pages are those of the layout at this scale: only the back page is set anew.
    return typesetter.layout_part_page(css, natural, alone)


def _back_page_css(
    typesetter: Typesetter,
    fmt: Format,
    scale: float,
    slogans: Sequence[str],
    *,
    extra_css: str = "",
    natural: LaidOut | None = None,
) -> tuple[str, LaidOut, Typesetter]:
    """The stylesheet of :func:`_back_page_poster` (the back page's slogans sized), found
    without laying the whole document out with it, for a caller that adds rules of its own
    first; with the layout at *scale* it was found on and the back page's excerpt.  Given
    *natural* (a layout at *scale*), the stylesheet is its own and the back page's rules."""
    from .posters import PosterMeasure, fit_stack

    if natural is not None:
        base_css = natural.css
    else:
        base_css = f"{_scale_css(fmt, scale)}\n{extra_css}" if extra_css else _scale_css(fmt, scale)
        natural = typesetter.layout(base_css)
    (panel,) = natural.blocks("slogans")
    (wrapper,) = natural.blocks("back-slogans")
    feet = natural.blocks("back-foot")
    gap = fmt.body_size * scale * BACK_PAGE_GAP * PX
    foot = feet[0].height + gap if feet else 0.0
    area = (fmt.height - 2 * fmt.margin) * PX - foot - 2  # 2 px: rounding
    # The panel's padding and borders (the template's) come out of the area.
    chrome = wrapper.height - panel.height
    width, height = panel.width, area - chrome

    def css(sizes: Sequence[float], widths: Sequence[float], top: float | None = None) -> str:
        # While searching, the slogan area grows with its slogans (a slogan pushed past the
        # page is still measured: the heights tell whether the stack fits); once they are
        # sized, it is given the page's height above the foot.
        rules = [base_css]
        if top is not None:
            rules += [
                f"#back-slogans, #slogans {{ height: {area:.3f}px !important; }}",
                f"#slogan-1 {{ padding-top: {top:.3f}px !important; }}",
                f"#back-foot {{ margin-top: {gap:.3f}px !important; }}",
            ]
        rules += [
            f"#slogan-{n} {{ font-size: {size:.3f}px !important; "
            f"max-width: {width:.3f}px !important; }}"
            for n, (size, width) in enumerate(zip(sizes, widths, strict=True), start=1)
        ]
        return "\n".join(rules)

    # The search lays out the back page alone, in a document holding nothing else (the
    # rest of the statement emptied and hidden): the same slogan lines, at the cost of the
    # back page's few boxes.
    alone = typesetter.excerpt("back-page")

    def measure(sizes: Sequence[float], widths: Sequence[float]) -> list[PosterMeasure]:
        laid_out = alone.layout(css(sizes, widths) + BACK_PAGE_ALONE)
        measures = []
        for number, size in enumerate(sizes, start=1):
            blocks = laid_out.blocks(f"slogan-{number}")
            gap = SLOGAN_GAP * size if number > 1 else 0.0
            lines = tuple(line for block in blocks for line in block.line_widths)
            lonely = sum(block.lonely_lines for block in blocks)
            height = gap + sum(block.height for block in blocks)
            unbroken = tuple(line for block in blocks for line in block.unbroken)
            measures.append(PosterMeasure(1, height, lines, lonely, unbroken))
        return measures

    runs = _slogan_runs(natural, len(slogans)) if RUNS_MEASURED in natural.css else None
    first = natural.blocks("slogan-1")
    centred = bool(first) and first[0].align == "center"
    chosen = fit_stack(slogans, measure, width, height, runs=runs, centred=centred)
    top = max(0.0, (height - sum(chosen.heights)) / 2)
    rules = [css(chosen.sizes, chosen.widths, top), _slogan_edge(natural, chosen.widths, width)]
    return "\n".join(filter(None, rules)), natural, alone


def _slogan_runs(laid_out: LaidOut, count: int) -> list[list[float]] | None:
    """The widths of each of the *count* slogans' lines, in order, per pixel of their type,
    in a layout setting them one run to a line (:data:`RUNS_MEASURED`); None when it did not
    (a slogan not set so, as a template's rules may keep it)."""
    runs = []
    for number in range(1, count + 1):
        blocks = laid_out.blocks(f"slogan-{number}")
        if not blocks or any(block.size <= 0 or block.width > 0.01 for block in blocks):
            return None
        runs.append([width / block.size for block in blocks for width in block.line_widths])
    return runs


def _slogan_edge(natural: LaidOut, widths: Sequence[float], area: float) -> str:
    """Slogans set flush left (or right) share their left (right) edge, the stack centred as
    a whole by its widest slogan — each slogan's box centred alone, as base.css sets them,
    leaves the edge ragged when their measures differ.  Centred slogans stay as they are."""
    first = natural.blocks("slogan-1")
    align = first[0].align if first else "center"
    if align == "center" or len(widths) < 2:
        return ""
    edge = max(0.0, (area - max(widths)) / 2)
    near, far = ("right", "left") if align == "right" else ("left", "right")
    return "\n".join(
        f"#slogan-{n} {{ margin-{near}: {edge:.3f}px !important; margin-{far}: 0 !important; }}"
        for n in range(1, len(widths) + 1)
    )


def _check_budget(pages: int | None, fmt: Format) -> None:
    if pages is None:
        return
    if pages < 1:
        raise UsageError(f"--pages must be at least 1, not {pages}")
    if pages > MAX_PAGES:
        raise UsageError(f"--pages {pages}: leaflet sets at most {MAX_PAGES} pages")
    if fmt.imposed and not fmt.page_rule.accepts(pages):
        raise UsageError(f"--pages {pages}: {fmt.name} takes {fmt.page_rule}")
    if fmt.max_pages is not None and pages > fmt.max_pages:
        raise UsageError(
            f"--pages {pages}: {fmt.name} has at most {fmt.max_pages} pages (its two sides)"
        )


def _typesetter(
    statement: Statement, template: Template, html: str, options: RenderOptions
) -> Typesetter:
    from .render import Root, Typesetter

    folder = statement.folder or Path.cwd()
    # The template chain's folders give stylesheets, fonts and images; the statement's, images.
    roots: list[Path | Root] = [PACKAGE_DIR, *template.search_path]
    roots += [Root.images(folder)] if statement.folder else []
    try:
        return Typesetter(
            html,
            base_url=folder,
            roots=roots,
            colours=options.colours,
            images_folder=statement.folder,
        )
    except RenderError as error:  # text that cannot be set: name the statement
        name = statement.source.name if statement.source else "the statement"
        raise RenderError(f"{name}: {error}") from None


def _laid_out(typesetter: Typesetter, fmt: Format, scale: float) -> LaidOut:
    """The layout with the type at *scale* times the template's size (kept by the typesetter,
    so the search's layouts are reused)."""
    return typesetter.layout(_scale_css(fmt, scale))


class _Scale(float):
    """A type scale that also says how tight the notes are set (:func:`_notes_steps`): what
    :func:`_fit` chooses, so that every layout made at the chosen scale sets the notes alike."""

    __slots__ = ("notes",)
    notes: int

    def __new__(cls, scale: float, notes: int = 0) -> _Scale:
        made = super().__new__(cls, scale)
        made.notes = notes
        return made


#: Ways to set the endnotes tighter, tried before a page is added (:func:`fit.economical_fit`):
#: in two columns (templates set them so on formats with columns already), then in smaller
#: type with less leading as well.  User style: ``!important`` beats the template's.
NOTES_TWO_COLUMNS = ".notes ol { column-count: 2 !important; column-gap: 1.2rem !important; }"
NOTES_SMALLER = (
    ".notes ol { font-size: 0.9em !important; line-height: 1.2 !important; }\n"
    ".notes li { margin-bottom: 0.15em !important; }"
)


def _notes_steps(fmt: Format) -> tuple[str, ...]:
    """The stylesheets of the notes' tighter steps (1, 2 …) on *fmt*."""
    both = f"{NOTES_TWO_COLUMNS}\n{NOTES_SMALLER}"
    return (both,) if fmt.columns > 1 else (NOTES_TWO_COLUMNS, both)


def _scale_css(fmt: Format, scale: float) -> str:
    """The stylesheet setting the type at *scale* (none at the template's own size), and the
    notes as tight as a :class:`_Scale` says."""
    notes = getattr(scale, "notes", 0)
    rules = [_notes_steps(fmt)[notes - 1]] if notes else []
    if scale != 1:
        rules.insert(0, f"html {{ font-size: {fmt.body_size * scale:.4f}pt !important; }}")
    return "\n".join(rules)


#: Characters a body line keeps at least when the natural budget grows the type (45 is the
#: least that reads comfortably; a little is kept for the estimate's error).
LEAST_CHARACTERS = 48
#: How a text's volume follows the type where its measure follows it too (a measure in
#: ``rem``): about linearly (as many lines, each taller), a little more with page breaks.
RELATIVE_MEASURE = 1.25


def _measured(fmt: Format, lines: Sequence[Line]) -> tuple[float, Law]:
    """How far the natural budget may grow the type on *fmt*, and how the text's volume
    follows the type (:class:`fit.Law`), from its full body *lines* laid out at the normal
    size.  Growth is :attr:`Format.natural_growth` at most, and no more than keeps
    :data:`LEAST_CHARACTERS` a line.  A column wider than 60 % of the page is alone across
    it: its measure is in ``rem`` (templates and one-column formats set it so), narrowing with
    the type and widening up to the page's width, so it keeps its characters; columns side by
    side keep their width, and their lines lose characters as the type grows."""
    full = [
        line
        for line, following in pairwise(lines)
        if line.role == "body" and following.paragraph == line.paragraph
    ]
    if len(full) < 6:
        return fmt.natural_growth, Law()
    characters = sorted(len(line.text.strip()) for line in full)[len(full) // 2]
    width = sorted(line.box_right - line.box_left for line in full)[len(full) // 2]
    page = (fmt.width - 2 * fmt.margin) * PX
    alone = width > 0.6 * page
    room = page / width if alone else 1.0
    law = Law(
        shrink=RELATIVE_MEASURE if alone else 2.0,
        grow=RELATIVE_MEASURE if room > 1.05 else 2.0,
    )
    # At scale s a line holds characters * min(s, room) / s.
    if characters * room / fmt.natural_growth >= LEAST_CHARACTERS:
        return fmt.natural_growth, law
    return max(1.0, min(fmt.natural_growth, characters * room / LEAST_CHARACTERS)), law


def _notes_volume(fmt: Format, lines: Sequence[Line]) -> float:
    """The pages the endnotes' *lines* fill (their line heights summed)."""
    page = (fmt.height - 2 * fmt.margin) * PX
    return sum(line.bottom - line.top for line in lines if line.role == "note") / page


def _fit(
    typesetter: Typesetter,
    fmt: Format,
    pages: int | None,
    statement: Statement,
    *,
    back_page: bool = False,
    fill_odd: bool = True,
) -> Fit:
    """Choose the type scale: the budget asked for, or the format's natural budget (with the
    notes set tighter when that saves a page, see :data:`NOTES_TWO_COLUMNS`).  With a
    *back_page* (the closing block on a last page of its own) flat pages come in front/back
    pairs.  *fill_odd*: as :func:`fit.economical_fit` takes it."""
    from .render import preflight_layout

    # A back page is a page of its own whatever the scale: the natural budget counts the
    # text's pages, whose fill shows on the page before it.
    reserved = 1 if back_page and _has_back_page(statement) else 0
    multiple = fmt.page_multiple if fmt.page_multiple > 1 or not reserved else 2

    def measuring(notes: int, *, text_only: bool = True) -> Callable[[float], Measure]:
        def measure(scale: float) -> Measure:
            laid_out = _laid_out(typesetter, fmt, _Scale(scale, notes) if notes else scale)
            if laid_out.page_count <= 1:
                return Measure(laid_out.page_count, laid_out.page_fill(-1))
            pages = laid_out.page_count - (reserved if text_only else 0)
            return Measure(pages, laid_out.page_fill(-1 - reserved))

        return measure

    low = MIN_BODY_SIZE / fmt.body_size
    asked = pages is not None
    if pages is None and fmt.page_rule.exact:
        pages = fmt.page_rule.exact  # a piece of so many panels: the text fills them all
    high = MAX_SCALE
    if pages is None and fmt.max_pages:
        sides = measuring(0)(1.0)
        if sides.pages > fmt.max_pages:
            pages = fmt.max_pages  # a flyer has two sides: the type shrinks to fit them
        elif sides.pages == fmt.max_pages and economical(sides):
            # Both sides are seen: a reverse at least half full is filled, the type growing
            # as far as the natural budget grows it (a good measure kept).  One less than
            # half full is the natural budget's (a one-sided flyer first).
            pages = fmt.max_pages
            high = _measured(fmt, preflight_layout(_laid_out(typesetter, fmt, 1.0)).lines)[0]
    if pages is not None:
        try:
            # The budget counts every page, the back page included.
            fit = fit_scale(
                measuring(0, text_only=False), pages=pages, low=min(low, 1.0), high=high
            )
        except NoFit as error:
            raise RenderError(_no_fit_message(statement, fmt, pages, error.needed)) from None
        if fit.measure.pages < pages:
            LOGGER.warning(
                "%s: the statement fills only %d page%s, even with its type at %d %%",
                f"--pages {pages}" if asked else f"{fmt.name} ({pages} pages)",
                fit.measure.pages,
                "s" * (fit.measure.pages > 1),
                round(fit.scale * 100),
            )
        return fit
    measure = measuring(0)
    normal = measure(1.0)
    steps = range(1, len(_notes_steps(fmt)) + 1) if statement.notes else range(0)
    tighter = [measuring(step) for step in steps]
    lines = preflight_layout(_laid_out(typesetter, fmt, 1.0)).lines
    high, law = _measured(fmt, lines)
    low = max(low, NATURAL_SHRINK)
    if multiple == 1:
        notes = _notes_volume(fmt, lines)
        fit = economical_fit(
            measure,
            normal,
            low=low,
            high=high,
            tighter=tighter,
            notes=notes,
            law=law,
            fill_odd=fill_odd,
            **NATURAL,
        )
    else:
        fit = booklet_fit(
            measure,
            normal,
            multiple=multiple,
            reserved=reserved,
            low=low,
            high=high,
            tighter=tighter,
            law=law,
            **NATURAL,
        )
    return replace(fit, scale=_Scale(fit.scale, fit.notes)) if fit.notes else fit


def _no_fit_message(statement: Statement, fmt: Format, pages: int, needed: int) -> str:
    name = statement.source.name if statement.source else "the statement"
    message = (
        f"{name} does not fit {pages} {fmt.name} page{'s' * (pages > 1)}: even at the smallest "
        f"readable size ({MIN_BODY_SIZE:g} pt body) it needs"
    )
    larger = LARGER.get(fmt.name)
    if fmt.page_rule.exact or fmt.max_pages:  # a piece of so many pages: only a larger one
        message = f"{message} {needed} pages"
        return message + (f"; use a larger format (--format {larger})" if larger else "")
    needed = math.ceil(needed / fmt.page_multiple) * fmt.page_multiple
    message = f"{message} {needed}; use --pages {needed}"
    return message + (f" or a larger format (--format {larger})" if larger else "")


def _impose(
    result: RenderResult, fmt: Format, statement: Statement, options: RenderOptions
) -> RenderResult:
    """Impose the pages with the format's layout (or deliver them in reading order, padded as
    the layout takes them, ``--deliver pages``).

    Blank pages padding the count go just before the pages the layout sets apart at the end
    (a back page, a flap) when the statement fills them, so that text never continues after
    a blank; otherwise at the end.  The flat pages carry the bleed; the imposition keeps it
    on the sheet and draws the crop, cut and fold marks.
    """
    from .imposition import ImposeOptions, deliver_pages, impose

    padded = fmt.page_rule.padded(result.page_count)
    keep_last = _kept_last(fmt, statement, result.page_count)
    layout = fmt.layout_name or ""
    if options.deliver == "pages":
        imposed = deliver_pages(result.pdf, keep_last=keep_last, layout=layout)
    else:
        imposed = impose(
            result.pdf,
            ImposeOptions(layout=layout, sheet=fmt.sheet, keep_last=keep_last, marks=options.marks),
        )
    notes = _renumbered(result.notes, result.page_count, keep_last, padded)
    return RenderResult(
        imposed.data,
        result.html,
        padded,
        result.scale,
        result.passes,
        imposed.instruction,
        notes,
        imposed,
    )


def _renumbered(
    notes: tuple[Note, ...], page_count: int, kept: int, padded: int
) -> tuple[Note, ...]:
    """*notes* on their reader pages once blanks pad *page_count* pages to *padded* before the
    *kept* last ones (a back page: 5 pages → its notes on page 8)."""
    first_kept = page_count - kept + 1
    shift = padded - page_count
    return tuple(
        replace(note, page=note.page + shift) if kept and note.page >= first_kept else note
        for note in notes
    )


def _kept_last(fmt: Format, statement: Statement, page_count: int) -> int:
    """How many final pages the layout sets apart (a booklet's back page; a roll fold's back
    panel and flap), when the statement has a closing block to fill them: blanks go before."""
    if not (fmt.back_page and _has_back_page(statement) and page_count > 1):
        return 0
    roles = fmt.roles(fmt.page_rule.padded(page_count))
    inside = max(i for i, role in enumerate(roles) if role == "inside") if "inside" in roles else 0
    return min(len(roles) - 1 - inside, page_count - 1)


def _odd_flat_leaflet(fit: Fit, fmt: Format, options: RenderOptions, statement: Statement) -> bool:
    """A flat leaflet of the natural budget ending on an odd page past the first sheet, with
    slogans to set as a back page."""
    pages = fit.measure.pages
    return _may_turn_back(fmt, options, statement) and pages >= 3 and pages % 2 == 1


def _may_turn_back(fmt: Format, options: RenderOptions, statement: Statement) -> bool:
    """A flat leaflet of the natural budget with slogans: when it ends on an odd page past
    the first sheet, its closing block may become a back page (:func:`_odd_flat_leaflet`)."""
    return (
        fmt.page_multiple == 1
        and fmt.kind == "leaflet"
        and options.pages is None
        and bool(statement.slogans)
    )


def _has_back_page(statement: Statement) -> bool:
    """Booklets set the closing block (slogans, contact) alone on the last page."""
    return bool(statement.slogans or statement.contact or statement.website or statement.imprint)
