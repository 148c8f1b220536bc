"""Pieces of panels: a tri-fold, a Z-fold, a mini zine — a statement set on an exact number of
pages, each with its role in the folded piece.

The layout names the roles (:meth:`leaflet.formats.Format.roles`): the **cover** holds the
masthead alone (the title set as large as the panel lets it be, the subtitle and the byline,
and the lead when it is short enough to stand there), the **inside** pages hold the text
flowing from one to the next, the **back** holds the closing block set like a booklet's back
page (the slogans sized like a poster above the contact, QR code and imprint), and a roll
fold's **flap** holds the notes.  A statement with no closing block gets a sign-up area on its
back instead (a heading such as "Join us" and ruled lines for a name, a phone number and an
email address), and the flap gets it when there are no notes for it.

The type is fitted so that the text fills the inside pages, between the smallest readable
size and :data:`pipeline.MAX_SCALE`, the cover, back and flap each staying on their page.  A
statement that does not fit even at the smallest size is a :class:`RenderError` suggesting
the next larger format; a short one grows, and when even the largest type leaves inside
pages empty they are the last of the inside (a warning says so), never a page in the middle.
Notes too long for the flap go to the end of the inside flow instead, and a lead too long for
the cover opens the inside.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .errors import RenderError
from .formats import Format
from .model import Statement
from .templates import Template

if TYPE_CHECKING:
    from .fit import Fit, Measure
    from .pipeline import RenderOptions, RenderResult
    from .render import LaidOut, Typesetter

__all__ = ["COVER_LEAD_WORDS", "PanelPlan", "plan_panels", "render_panels"]

LOGGER = logging.getLogger("leaflet.panels")

#: A lead of more words than this opens the inside instead of standing on the cover (one
#: that does not fit there with the title opens it too).
COVER_LEAD_WORDS = 120
#: Pages smaller than this (A6, in square points) have room on the cover for the title alone
#: and the byline: the subtitle and the lead open the inside (a mini zine's A7 pages).
SMALL_COVER = 297.64 * 419.53
#: The cover title's size, in body sizes: searched between these, as large as the cover lets
#: it be (its masthead taking at most :data:`MASTHEAD_SHARE` of the page).
TITLE_SIZES = (2.0, 7.5)
#: How much of the cover's height the masthead (title, subtitle, byline) may take, with the
#: lead below it, or alone.
MASTHEAD_SHARE = {True: 0.55, False: 0.7}
#: Layouts the cover title's search takes (a layout of the cover alone is cheap).
TITLE_PASSES = 6
#: A title whose last line holds one word is tried this much smaller, so many times at most.
TITLE_STEP, TITLE_STEPS = 0.95, 4
#: The space between the cover's masthead and its lead, in rem (base.css agrees).
COVER_GAP = 1.4
#: Room kept below the cover's lead set at its foot, a share of the page's height: the cover
#: laid out alone measures a little shorter than in the whole document.
LEAD_DOWN_SLACK = 0.03
#: Hides all but the cover (the title's search lays out the cover alone).
COVER_ALONE = "\nbody > :not(.panel-cover) { display: none !important; }"
#: A section of the body that may start an inside page (for a text too short to fill them):
#: the *n*-th section head.
SECTION_START = ".panel-inside .body > h2:nth-of-type({n})"
_SECTION_HEAD = '<h2 class="section-head"'
#: Layouts the search for those breaks may take.
SPREAD_PASSES = 12
#: Width tolerance for line boxes (px): rounding in the layout engine.
SLACK = 0.5


@dataclass(frozen=True, slots=True)
class PanelPlan:
    """Where a piece of panels puts the statement's blocks (read by ``base.html.j2``)."""

    #: The height of a page's text area (pt): designed panels (cover, flap, a blank inside
    #: page) fill it.
    area: float
    #: The lead stands on the cover (else it opens the inside).
    cover_lead: bool
    #: The subtitle stands on the cover (else it opens the inside).
    cover_subtitle: bool
    #: Where the notes go: ``"flap"``, ``"inside"`` (after the text) or ``""`` (none).
    notes: str
    #: Where the sign-up area goes: ``"back"`` (no closing block), ``"flap"`` (no notes for
    #: it) or ``""``.
    signup: str
    #: Blank inside pages the document holds in reserve (shown only when the text, even at
    #: the largest type, leaves inside pages empty).
    spare: int


@dataclass(frozen=True, slots=True)
class _Pieces:
    """The role of each page, checked: a cover, inside pages, a back, maybe a flap."""

    inside: int
    flap: bool


def _pieces(fmt: Format) -> _Pieces:
    count = fmt.page_rule.exact or 0
    roles = tuple(fmt.roles(count))
    inside = roles.count("inside")
    flap = roles[-1:] == ("flap",)
    expected = ("cover", *("inside",) * inside, "back", *(("flap",) if flap else ()))
    if roles != expected or inside < 1:
        raise RenderError(f"{fmt.name}: leaflet cannot set a piece whose pages are {roles}")
    return _Pieces(inside, flap)


def plan_panels(statement: Statement, fmt: Format) -> PanelPlan:
    """The first plan for *statement* on *fmt*: the lead on the cover when it is short and
    the cover large enough, the notes on the flap when there is one."""
    from .pipeline import _has_back_page

    pieces = _pieces(fmt)
    small = fmt.width * fmt.height < SMALL_COVER
    lead = statement.lead
    cover_lead = (
        lead is not None and not small and len(lead.content.text.split()) <= COVER_LEAD_WORDS
    )
    notes = ("flap" if pieces.flap else "inside") if statement.notes else ""
    closing = _has_back_page(statement)
    return PanelPlan(
        area=fmt.height - 2 * fmt.margin - 1,  # 1 pt: rounding, so it never spills over
        cover_lead=cover_lead,
        cover_subtitle=not small,
        notes=notes,
        signup=_signup(closing=closing, flap=pieces.flap, notes=notes),
        spare=pieces.inside - 1,
    )


def _signup(*, closing: bool, flap: bool, notes: str) -> str:
    if not closing:
        return "back"
    return "flap" if flap and notes != "flap" else ""


@dataclass(frozen=True, slots=True)
class _Sections:
    """One layout of a piece: which pages its sections span."""

    cover: int
    inside: tuple[int, ...]
    flap: int
    pages: int
    fill: float

    @property
    def overflows(self) -> bool:
        """The cover or the flap runs past its page."""
        return self.cover > 1 or self.flap > 1


def _pages(laid_out: LaidOut, element_id: str) -> int:
    """How many pages the element *element_id* spans."""
    return len({block.page for block in laid_out.blocks(element_id)})


def _sections(laid_out: LaidOut) -> _Sections:
    inside = tuple(sorted({block.page for block in laid_out.blocks("panel-inside")}))
    fill = laid_out.page_fill(inside[-1]) if inside else 0.0
    return _Sections(
        _pages(laid_out, "panel-cover"),
        inside,
        _pages(laid_out, "panel-flap"),
        laid_out.page_count,
        fill,
    )


def render_panels(
    statement: Statement, fmt: Format, template: Template, options: RenderOptions
) -> RenderResult:
    """Set *statement* on the exact pages of *fmt*, each in its role; the flat pages, which
    the pipeline then imposes."""
    from .fit import NoFit
    from .pipeline import MIN_BODY_SIZE, _no_fit_message

    plan = plan_panels(statement, fmt)
    while True:
        html, typesetter = _compose(statement, fmt, template, options, plan)
        title_css = _cover_title(typesetter, fmt, plan, statement.title)
        try:
            return _render(statement, fmt, template, options, plan, html, typesetter, title_css)
        except NoFit as error:
            lowest = _sections(_layout(typesetter, fmt, MIN_BODY_SIZE / fmt.body_size, title_css))
            if lowest.cover > 1 and plan.cover_lead:
                plan = replace(plan, cover_lead=False)
            elif lowest.flap > 1 and plan.notes == "flap":
                signup = _signup(closing=plan.signup != "back", flap=True, notes="inside")
                plan = replace(plan, notes="inside", signup=signup)
            else:
                needed = max(error.needed + 3, lowest.pages)
                message = _no_fit_message(statement, fmt, fmt.page_rule.exact or 0, needed)
                raise RenderError(message) from None


def _compose(
    statement: Statement,
    fmt: Format,
    template: Template,
    options: RenderOptions,
    plan: PanelPlan,
) -> tuple[str, Typesetter]:
    from .compose import compose_html
    from .pipeline import _typesetter

    html = compose_html(
        statement, fmt, template, bleed=options.bleed_width, back_page=True, extra={"panels": plan}
    )
    return html, _typesetter(statement, template, html, options)


def _cover_title(typesetter: Typesetter, fmt: Format, plan: PanelPlan, title: str) -> str:
    """The stylesheet setting the cover's title as large as the cover lets it be (in points,
    whatever the fitted scale: it is searched with the rest of the cover at the largest): the
    masthead taking at most its share of the page, no word wider than the panel, the cover on
    one page.  Nothing (the template's size) when even the smallest tried does not fit."""
    from .pipeline import MAX_SCALE, PX, _scale_css
    from .render import preflight_layout

    title_words = title.split()
    base = _scale_css(fmt, MAX_SCALE)
    # The search lays out the cover alone, in a document holding nothing else.
    cover = typesetter.excerpt("panel-cover")
    room = MASTHEAD_SHARE[plan.cover_lead] * plan.area * PX

    def css(size: float) -> str:
        return (
            f"#cover-masthead .title {{ font-size: {size:.2f}pt !important; "
            "overflow-wrap: normal !important; }"
        )

    def fits(size: float) -> bool:
        laid_out = cover.layout(f"{base}\n{css(size)}{COVER_ALONE}")
        # The masthead's first block (a template's ``::after`` makes another, empty one).
        masthead = laid_out.blocks("cover-masthead")
        if _pages(laid_out, "panel-cover") != 1 or _pages(laid_out, "cover-masthead") != 1:
            return False
        head = masthead[0]
        return head.height <= room and all(
            width <= head.width + SLACK for width in head.line_widths
        )

    def lonely(size: float) -> bool:
        # The title's last line one word alone (a title of three words or more).
        laid_out = cover.layout(f"{base}\n{css(size)}{COVER_ALONE}")
        lines = [line for line in preflight_layout(laid_out).lines if line.role == "heading"]
        title = [line for line in lines if lines and line.paragraph == lines[0].paragraph]
        return len(title) > 1 and len(title[-1].text.split()) < 2

    low, high = (fmt.body_size * size for size in TITLE_SIZES)
    if not fits(low):
        return ""
    for _ in range(TITLE_PASSES - 1):
        middle = (low * high) ** 0.5
        low, high = (middle, high) if fits(middle) else (low, middle)
    if len(title_words) >= 3:
        # A little smaller may bring the word before it down too.
        for step in range(1, TITLE_STEPS + 1):
            if not lonely(low * TITLE_STEP ** (step - 1)):
                return css(low * TITLE_STEP ** (step - 1))
    return css(low)


def _spread(
    typesetter: Typesetter, fmt: Format, fit: Fit, starts: list[str], css: str, budget: int
) -> tuple[Fit, str]:
    """A text too short to fill the inside pages even in the largest type, spread over more of
    them: sections of the body (or the notes) start a page, of the selectors *starts* chosen
    one at a time (of the breaks that keep every section on the inside pages, the one using
    most pages, then leaving the emptiest page fullest), as long as pages are left to fill."""
    from .fit import Fit, Measure

    passes, broken, best = 0, css, fit
    left = list(starts)
    while left and passes < SPREAD_PASSES:
        step: tuple[int, float, str, _Sections] | None = None
        for start in left[: SPREAD_PASSES - passes]:
            rule = f"{start} {{ break-before: page; }}"
            laid_out = _layout(typesetter, fmt, fit.scale, f"{broken}\n{rule}")
            passes += 1
            sections = _sections(laid_out)
            if sections.overflows or len(sections.inside) > budget:
                continue
            emptiest = min(laid_out.page_fill(page) for page in sections.inside)
            if step is None or (len(sections.inside), emptiest) > step[:2]:
                step = (len(sections.inside), emptiest, rule, sections)
        if step is None:
            break
        used, _, rule, sections = step
        left.remove(rule.split(" {")[0])
        broken = f"{broken}\n{rule}"
        if used > best.measure.pages:
            best, css = Fit(fit.scale, Measure(used, sections.fill), fit.passes + passes), broken
        if used == budget:
            break
    return best, css


def _starts(html: str, plan: PanelPlan) -> list[str]:
    """Where the inside may start a page to spread a short text: at a section head of the
    body but the first, and at the notes when they end the inside."""
    heads = html.count(_SECTION_HEAD)
    starts = [SECTION_START.format(n=n) for n in range(2, heads + 1)]
    return starts + ([".panel-inside > .notes"] if plan.notes == "inside" else [])


def _lead_down(
    typesetter: Typesetter, fmt: Format, plan: PanelPlan, scale: float, title_css: str
) -> str:
    """The stylesheet setting the cover's lead at the foot of the cover, the room the cover
    leaves below it moved above it (nothing when the lead is not on the cover)."""
    from .pipeline import PX, _scale_css

    if not plan.cover_lead:
        return ""
    probe = typesetter.excerpt("panel-cover").layout(
        f"{_scale_css(fmt, scale)}\n{title_css}\n#panel-cover {{ min-height: 0 !important; }}"
        f"{COVER_ALONE}"
    )
    cover = probe.blocks("panel-cover")
    if len(cover) != 1:
        return ""
    room = plan.area * PX * (1 - LEAD_DOWN_SLACK) - cover[0].height
    if room <= 0:
        return ""
    # base.css keeps the cover's masthead COVER_GAP rem above the lead (no calc(): WeasyPrint
    # resolves a rem inside it against the element's own size).
    gap = COVER_GAP * fmt.body_size * scale * PX
    return f"#cover-masthead {{ margin-bottom: {gap + room:.2f}px !important; }}"


def _layout(typesetter: Typesetter, fmt: Format, scale: float, title_css: str) -> LaidOut:
    from .pipeline import _scale_css

    return typesetter.layout(f"{_scale_css(fmt, scale)}\n{title_css}")


def _render(
    statement: Statement,
    fmt: Format,
    template: Template,
    options: RenderOptions,
    plan: PanelPlan,
    html: str,
    typesetter: Typesetter,
    title_css: str,
) -> RenderResult:
    from .fit import Measure, fit_scale
    from .pipeline import (
        MAX_SCALE,
        MIN_BODY_SIZE,
        RenderResult,
        _back_page_css,
        _repaired,
        _write,
    )

    pieces = _pieces(fmt)
    budget = pieces.inside

    def measuring(css: str) -> Callable[[float], Measure]:
        def measure(scale: float) -> Measure:
            sections = _sections(_layout(typesetter, fmt, scale, css))
            used = len(sections.inside)
            # A cover or flap running over its page does not fit, whatever the inside does.
            return Measure(max(used, budget + 1) if sections.overflows else used, sections.fill)

        return measure

    low = min(MIN_BODY_SIZE / fmt.body_size, 1.0)
    fit = fit_scale(measuring(title_css), pages=budget, low=low, high=MAX_SCALE)
    if fit.measure.pages < budget:
        fit, title_css = _spread(typesetter, fmt, fit, _starts(html, plan), title_css, budget)
    blanks = budget - fit.measure.pages
    if blanks:
        LOGGER.warning(
            "%s: the statement fills %d of the %d inside pages, even with its type at %d %%; "
            "the last %s left blank",
            fmt.name,
            fit.measure.pages,
            budget,
            round(fit.scale * 100),
            "is" if blanks == 1 else f"{blanks} are",
        )
    if plan.signup == "back" and pieces.flap and plan.notes != "flap":
        LOGGER.warning(
            "%s: the flap is left blank: the statement has no notes for it (and no slogans, "
            "contact or imprint for the back, which holds the sign-up area)",
            fmt.name,
        )
    # Every layout from here on carries the cover title's size: the fitting's last layout is
    # reused when nothing is added to it.  The back page's slogans are sized on it, and the
    # document laid out once with them and the rest (blank pages shown, the cover's lead down).
    shown = "\n".join(
        f"#panel-blank-{n} {{ display: block !important; }}" for n in range(1, blanks + 1)
    )
    lead_down = _lead_down(typesetter, fmt, plan, fit.scale, title_css)
    if statement.slogans and plan.signup != "back":
        css, natural, alone = _back_page_css(
            typesetter, fmt, fit.scale, statement.slogans, extra_css=title_css
        )
        if not (shown or lead_down):  # the back page alone is new
            typesetter.layout_last_page(css, natural, alone)
    else:
        css = _layout(typesetter, fmt, fit.scale, title_css).css
    base = "\n".join(filter(None, [css, shown]))
    laid_out = typesetter.layout(f"{base}\n{lead_down}" if lead_down else base)
    if lead_down and _sections(laid_out).overflows:  # the lead pushed a hair too far
        laid_out = typesetter.layout(base)
    laid_out, notes = _repaired(typesetter, laid_out, options)
    expected = fmt.page_rule.exact
    if laid_out.page_count != expected or _sections(laid_out).overflows:
        name = statement.source.name if statement.source else "the statement"
        raise RenderError(
            f"{name}: the {fmt.name} pages came out as {laid_out.page_count}, not {expected}"
        )
    pdf = _write(laid_out, options, template, typesetter, statement)
    return RenderResult(pdf, html, laid_out.page_count, fit.scale, typesetter.passes, notes=notes)
