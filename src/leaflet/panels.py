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
the next larger format; a short one grows, its sections each opening an inside page when
that spreads it further, and when even the largest type leaves inside pages empty they are
the last of the inside (a warning says so), never a page in the middle.
Notes too long for the flap go to the end of the inside flow instead, and a lead too long for
the cover opens the inside.
"""

from __future__ import annotations

import logging
import math
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
#: Layouts the cover title's search may take (a layout of the cover alone is cheap), and how
#: close to the largest size that fits it comes (relative).
TITLE_PASSES, TITLE_PRECISION = 6, 0.04
#: A title line running past the measure by at most this many ems is no word too wide for
#: it (a template's padding cloned on each line, which WeasyPrint breaks lines without): the
#: search tries this many sizes a step below the largest for one whose lines all keep to it.
RAGGED, TITLE_RAGGED = 0.5, 8
#: A title whose last line holds one word is tried this much smaller, so many times at most.
TITLE_STEP, TITLE_STEPS = 0.95, 3
#: How far the title's lines predicted from its words' letters may be off (a share of the
#: size): a step is passed over only when predicted to end on one word even this smaller.
TITLE_HOPE = 0.03
#: The space between the cover's masthead and its lead, in rem (base.css agrees).
COVER_GAP = 1.4
#: Room kept below the cover's lead set at its foot, a share of the page's height: the cover
#: laid out alone measures a little shorter than in the whole document.
LEAD_DOWN_SLACK = 0.03
#: Hides all but the cover (the title's search lays out the cover alone).
COVER_ALONE = "\nbody > :not(.panel-cover) { display: none !important; }"
#: Sets the cover title one run to a line (every break its lines may take): the first
#: layout of its search measures its words so, each width exact for the sizes it predicts.
TITLE_RUNS = "\n#cover-masthead .title { display: block !important; max-width: 0 !important; }"
#: A space's width in the title's type, in ems, as its search estimates it where it cannot
#: measure one (a quarter em in the templates' title faces, give or take).
SPACE_EM = 0.25
#: Halvings of a step of the title's prediction (:data:`TITLE_PRECISION` / 4), to find the
#: largest size predicted to fit closer than the step.
LARGEST_REFINED = 4
#: A run measured at one size is this much narrower at another than the sizes' ratio makes
#: it, at most (measured: 0.02 %).
RUN_SCALING = 1e-3
#: The cover as tall as what it holds (not its page): how much room its lead may be moved
#: down by is measured so, and the title searched so (the same layout serves both).
COVER_NATURAL = "\n#panel-cover { min-height: 0 !important; }"
#: A section of the body that may start an inside page (for a text too short to fill them):
#: the *n*-th section head.
SECTION_START = ".panel-inside .body > h2:nth-of-type({n})"
_SECTION_HEAD = '<h2 class="section-head"'
#: Layouts the search for those breaks may take.
SPREAD_PASSES = 12
#: Sections that fill as many inside pages as there are, one to a page, are spread so at
#: once when their pages together fall this far short of one page less (the text unbroken
#: would leave an inside page empty).
SPARE = 0.25
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
    return len(laid_out.pages_of(element_id))


def _sections(laid_out: LaidOut) -> _Sections:
    inside = tuple(sorted(laid_out.pages_of("panel-inside")))
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
        whole_css = _whole_css(statement, plan, title_css)
        try:
            return _render(
                statement, fmt, template, options, plan, html, typesetter, title_css, whole_css
            )
        except NoFit as error:
            lowest = _sections(_layout(typesetter, fmt, MIN_BODY_SIZE / fmt.body_size, whole_css))
            if lowest.cover > 1 and plan.cover_lead:
                plan = replace(plan, cover_lead=False)
            elif lowest.flap > 1 and plan.notes == "flap":
                signup = _signup(closing=plan.signup != "back", flap=True, notes="inside")
                plan = replace(plan, notes="inside", signup=signup)
            else:
                needed = max(error.needed + 3, lowest.pages)
                message = _no_fit_message(statement, fmt, fmt.page_rule.exact or 0, needed)
                raise RenderError(message) from None


def _whole_css(statement: Statement, plan: PanelPlan, title_css: str) -> str:
    """The rules of every layout of the whole piece: the cover title's, and when the back
    panel's slogans are to be sized, theirs set one run to a line (their widest run measured
    for the search, :data:`pipeline.RUNS_MEASURED`; the back panel is set anew after)."""
    from .pipeline import RUNS_MEASURED

    if statement.slogans and plan.signup != "back":
        return f"{title_css}\n{RUNS_MEASURED}"
    return title_css


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


@dataclass(frozen=True, slots=True)
class _Masthead:
    """The cover's masthead laid out with its title at one size."""

    #: The cover on one page, the masthead within its share of it, no line wider than it.
    fits: bool
    #: The same, lines let run past the measure by a little (:data:`RAGGED`): a word no wider
    #: than the masthead, a line's decoration apart.
    room: bool
    #: The masthead's height and the title's lines (their text and width, px), for predicting
    #: the title's lines at another size.
    height: float
    width: float
    lines: tuple[tuple[str, float], ...]
    line_height: float
    #: Each line's extent: its text's width and the line's decoration (padding, borders).
    extents: tuple[float, ...] = ()
    #: The width of a space (px), estimated, for a title set one word to a line (whose
    #: lines hold none); else each line's letters, its spaces among them, share its width.
    space: float | None = None

    @property
    def lonely(self) -> bool:
        """The title's last line holds one word (a title of several lines)."""
        return len(self.lines) > 1 and len(self.lines[-1][0].split()) < 2

    def predicted(self, size: float, at: float) -> tuple[float, bool]:
        """The masthead's height with the title at *size* (this layout's at *at*), its words
        breaking as :meth:`broken` predicts; and whether no word is then wider than the
        masthead."""
        grow = size / at
        lines = self.broken(size, at)
        title = self.line_height * len(self.lines)
        height = self.height - title + len(lines) * self.line_height * grow
        return height, max((word for line in lines for word in line), default=0.0) <= self.width

    def outgrown(self, size: float, at: float, room: float) -> bool:
        """Whether the masthead is sure to be taller than *room* with the title at *size*,
        larger than this layout's *at*: the title then has as many lines at least (a larger
        size breaks no line later), each taller in proportion."""
        title = self.line_height * len(self.lines)
        return size > at and self.height + title * (size / at - 1) > room + SLACK

    def too_wide(self, size: float, at: float) -> bool:
        """Whether a line of this layout holding one word (or words tied) is sure to run past
        the masthead with the title at *size*, larger than *at*: the word grows with the
        type, its decoration does not shrink, and a word wider than the measure holds a line
        alone — a word too wide, which fails the cover."""
        grow = size / at
        return size > at and any(
            len(text.split(" ")) == 1
            and width * grow * (1 - RUN_SCALING) + max(extent - width, 0.0) > self.width + SLACK
            for (text, width), extent in zip(self.lines, self.extents, strict=True)
        )

    def broken(self, size: float, at: float) -> list[list[float]]:
        """The title's lines at *size* (this layout's at *at*), as its words' widths: the
        words breaking greedily as WeasyPrint breaks them, each as wide as its letters are
        on its line here, growing with the size."""
        grow = size / at
        words: list[float] = []
        space = 0.0 if self.space is None else self.space * grow
        for text, width in self.lines:
            per_letter = width / max(len(text.strip()), 1)
            words += [len(word) * per_letter * grow for word in text.split(" ") if word]
            if self.space is None:
                space = max(space, per_letter * grow)
        lines: list[list[float]] = [[]]
        used = -space
        for word in words:
            if used + space + word > self.width and used > 0:
                lines.append([word])
                used = word
            else:
                lines[-1].append(word)
                used += space + word
        return lines


def _cover_title(typesetter: Typesetter, fmt: Format, plan: PanelPlan, title: str) -> str:
    """The stylesheet setting the cover's title as large as the cover lets it be (in points,
    whatever the fitted scale: it is searched with the rest of the cover at the largest): the
    masthead taking at most its share of the page, no word wider than the panel, the cover on
    one page.  Nothing (the template's size) when even the smallest tried does not fit.

    The search lays out the cover alone at the smallest size first; the title's words measured
    there predict the largest size that fits, which is tried, and a size
    :data:`TITLE_PRECISION` larger to show it is the largest (bisecting the sizes known to fit
    and not when a prediction misses)."""
    from .pipeline import MAX_SCALE, PX, _scale_css

    title_words = title.split()
    base = _scale_css(fmt, MAX_SCALE)
    # The search lays out the cover alone, in a document holding nothing else.
    cover = typesetter.excerpt("panel-cover")
    room = MASTHEAD_SHARE[plan.cover_lead] * plan.area * PX
    tried: dict[float, _Masthead] = {}

    def css(size: float) -> str:
        return (
            f"#cover-masthead .title {{ font-size: {size:.2f}pt !important; "
            "overflow-wrap: normal !important; }"
        )

    def measure(size: float, one_run_a_line: bool = False) -> _Masthead:
        size = round(size, 2)
        if size in tried and not one_run_a_line:
            return tried[size]
        runs = TITLE_RUNS if one_run_a_line else ""
        laid_out = cover.layout(f"{base}\n{css(size)}{runs}{COVER_NATURAL}{COVER_ALONE}")
        # The masthead's first block (a template's ``::after`` makes another, empty one).
        masthead = laid_out.blocks("cover-masthead")
        head = masthead[0]
        tall = (
            _pages(laid_out, "panel-cover") == 1
            and _pages(laid_out, "cover-masthead") == 1
            and head.height <= room
        )
        over = max((width - head.width for width in head.line_widths), default=0.0)
        em = size / 0.75  # px
        heading = laid_out.lines_of("cover-masthead", "title")
        spacing = (heading[-1].bottom - heading[0].top) / len(heading) if heading else 0.0
        # Set one run to a line, a line's words tied (a heading's last two) are one run.
        found = tuple((line.runs if one_run_a_line else line.text, line.width) for line in heading)
        # A word wider than the masthead (a line of one word, its decoration counted): too
        # large, whatever else.
        word = any(
            len(line.text.split(" ")) == 1 and line.extent > head.width + SLACK for line in heading
        )
        result = _Masthead(
            tall and over <= SLACK,
            tall and not word and over <= RAGGED * em,
            head.height,
            head.width,
            found,
            spacing,
            tuple(line.extent for line in heading),
            SPACE_EM * em if one_run_a_line else None,
        )
        if not one_run_a_line:
            tried[size] = result
        return result

    def largest(known: float, masthead: _Masthead | None = None) -> float:
        """The largest size predicted to fit, from the layout at *known* (*masthead*, or
        the one the search made there); closer than a step from the words measured one to
        a line (their widths exact)."""
        masthead = masthead or tried[round(known, 2)]

        def fitting(size: float) -> bool:
            height, narrow = masthead.predicted(size, known)
            return narrow and height <= room

        size = high
        while size > low:
            if fitting(size):
                # Between the step that fits and the one above it, closer.
                above = size * (1 + TITLE_PRECISION / 4)
                for _ in range(
                    LARGEST_REFINED if masthead.space is not None and size < high else 0
                ):
                    middle = (size * above) ** 0.5
                    size, above = (middle, above) if fitting(middle) else (size, middle)
                return size
            size /= 1 + TITLE_PRECISION / 4
        return low

    low, high = (fmt.body_size * size for size in TITLE_SIZES)
    # The smallest size first, the title one word (or words tied) to a line: each word's
    # width measured exact for the predictions.  Fitting so, the cover fits with the title
    # at this size however its words break (fewer lines, none wider).
    probe = measure(low, one_run_a_line=True)
    runs = probe if probe.fits and _one_run_a_line(probe) else None
    if runs is None and not measure(low).fits:
        return ""
    # The largest size whose masthead fits the room (its height grows with the size), ...
    fits, fails = low, None
    guess = largest(low, runs) / (1 + TITLE_PRECISION / 4)
    for _ in range(TITLE_PASSES - 1):
        if fails is not None and fails / fits - 1 < TITLE_PRECISION:
            break
        if fits >= high / (1 + TITLE_PRECISION / 4):
            break
        ceiling = fails if fails is not None else high
        if not fits < guess < ceiling:
            guess = (fits * ceiling) ** 0.5
        if measure(guess).room:
            fits = guess
        else:
            fails = guess
        # Aimed a little short of the largest predicted; when that is no larger than the
        # largest known to fit, just above it (to show it is the largest), or between the two
        # known when they are far apart (the prediction misses).
        predicted = largest(guess) / (1 + TITLE_PRECISION / 4)
        if predicted > fits:
            guess = predicted
        elif fails is not None and fails / fits - 1 > 2 * TITLE_PRECISION:
            guess = (fits * fails) ** 0.5
        else:
            guess = fits * (1 + TITLE_PRECISION / 2)
            known = tried.get(round(fits, 2))
            if (known is not None and known.outgrown(guess, fits, room)) or any(
                masthead.too_wide(guess, at)
                for masthead, at in ((known, fits), (runs, low))
                if masthead is not None
            ):
                fails = guess  # larger than the largest, as its lines show without a layout
    # ... then, of it and a few sizes below, the first whose lines all keep to the measure:
    # a line's decoration (a template's padding cloned on each line) may push a line past it
    # at one size and not at the next.
    # (The smallest is known to fit when set one word to a line.)
    best = round(max((size for size, found in tried.items() if found.fits), default=low), 2)
    for step in range(TITLE_RAGGED + 1):
        size = round(fits * (1 - TITLE_PRECISION / 2) ** step, 2)
        if size <= best:
            break
        if measure(size).fits:
            best = size
            break
    if not measure(best).fits:  # the smallest (nothing larger fitted), as its words break
        return ""
    if len(title_words) >= 3 and tried[best].lonely and not _stacked(tried[best]):
        # A little smaller may bring the word before it down too: the steps its words, as
        # measured, predict to end on one word alone even a little smaller (the prediction
        # is no closer) are passed over, unless all are.
        steps = range(1, TITLE_STEPS + 1)
        hopeful = [
            step
            for step in steps
            if len(tried[best].broken(best * TITLE_STEP**step * (1 - TITLE_HOPE), best)[-1]) > 1
        ]
        for step in hopeful or steps:
            smaller = measure(best * TITLE_STEP**step)
            if smaller.fits and not smaller.lonely:
                return css(round(best * TITLE_STEP**step, 2))
    return css(best)


def _one_run_a_line(masthead: _Masthead) -> bool:
    """Whether each line of a title holds one word (or words tied): it was set so."""
    return all(len(text.split(" ")) == 1 for text, _ in masthead.lines)


def _stacked(masthead: _Masthead) -> bool:
    """Whether a title's last line of one word stays so however much smaller it is tried:
    its last two words do not fit on one line even at the smallest step (a stack of long
    words is no fault to mend)."""
    if len(masthead.lines) < 2:
        return False
    (before, before_width), (_, last) = masthead.lines[-2:]
    words = before.split(" ")
    # The line before's last word, as wide as its letters are on average on it.
    word = len(words[-1]) * before_width / max(len(before), 1)
    return (word + last) * TITLE_STEP**TITLE_STEPS > masthead.width * (1 + TITLE_PRECISION)


def _spread(
    typesetter: Typesetter,
    fit: Fit,
    starts: list[str],
    css: str,
    budget: int,
    every_page: _EveryBreak | None = None,
) -> tuple[Fit, str]:
    """A text too short to fill the inside pages even in the largest type, spread over more of
    them: sections of the body (or the notes) start a page (*css*: the whole stylesheet but
    those breaks).  Every one of the selectors *starts* at once when each section then fits
    on the page it opens, on the inside pages (the most pages the text can take, a section
    to a panel); else chosen one at a time (of the breaks that keep every section on the
    inside pages, the one using most pages, then leaving the emptiest page fullest), as long
    as pages are left to fill and the text can take more (as many as with every break).
    *every_page*: what every break was seen to give at this scale (a section running over
    two of them), when known.  The spreading chosen one at a time is kept only if it uses
    more pages than every break does, or as many with its emptiest page fuller (a list's
    last item is not left alone on a page a break could have spared)."""
    from .fit import Fit, Measure

    def laid(rules: str) -> tuple[_Sections, LaidOut]:
        laid_out = typesetter.layout(f"{css}\n{rules}")
        return _sections(laid_out), laid_out

    def rule(start: str) -> str:
        return f"{start} {{ break-before: page; }}"

    passes, best, broken = 0, fit, css
    # The most pages the text can take: every break adds pages or none.
    most = budget if every_page is None else every_page.pages
    every_way = every_page
    if starts and len(starts) < budget and every_page is None:
        every = "\n".join(rule(start) for start in starts)
        sections, laid_out = laid(every)
        passes += 1
        used = len(sections.inside)
        if not sections.overflows and used == len(starts) + 1 and used <= budget:
            best = Fit(fit.scale, Measure(used, sections.fill), fit.passes + passes)
            return best, f"{css}\n{every}"
        if not sections.overflows and used <= budget:
            most = used
            every_way = _EveryBreak(used, sections.fill, _emptiest(laid_out, sections))
    left, chosen, fullest = list(starts), "", 0.0
    while left and passes < SPREAD_PASSES:
        step: tuple[int, float, str, _Sections, LaidOut] | None = None
        for start in left[: SPREAD_PASSES - passes]:
            sections, laid_out = laid(f"{chosen}\n{rule(start)}")
            passes += 1
            if sections.overflows or len(sections.inside) > budget:
                continue
            emptiest = min(laid_out.page_fill(page) for page in sections.inside)
            if step is None or (len(sections.inside), emptiest) > step[:2]:
                step = (len(sections.inside), emptiest, start, sections, laid_out)
        if step is None:
            break
        used, _, start, sections, laid_out = step
        left.remove(start)
        chosen = f"{chosen}\n{rule(start)}"
        if used > best.measure.pages:
            best = Fit(fit.scale, Measure(used, sections.fill), fit.passes + passes)
            broken, fullest = f"{css}\n{chosen}", _emptiest(laid_out, sections)
        if used >= most:
            break
    if every_way is not None and (every_way.pages, every_way.emptiest) > (
        best.measure.pages,
        fullest,
    ):
        best = Fit(fit.scale, Measure(every_way.pages, every_way.fill), fit.passes + passes)
        broken = f"{css}\n" + "\n".join(rule(start) for start in starts)
    return best, broken


def _emptiest(laid_out: LaidOut, sections: _Sections) -> float:
    """How far down the emptiest inside page but the last its text reaches (the last one
    ends the text where it ends): a page holding a list's last item alone is near empty."""
    return min((laid_out.text_fill(page) for page in sections.inside[:-1]), default=1.0)


@dataclass(frozen=True, slots=True)
class _EveryBreak:
    """What every section break at once gives: the inside pages it takes, the last one's
    fill, and how far down the emptiest of them but the last its text reaches
    (:func:`_emptiest`)."""

    pages: int
    fill: float
    emptiest: float


def _spread_in_place(
    statement: Statement,
    typesetter: Typesetter,
    fmt: Format,
    plan: PanelPlan,
    fit: Fit,
    title_css: str,
    whole_css: str,
    starts: list[str],
    budget: int,
    every_page: _EveryBreak | None,
) -> tuple[Fit, LaidOut]:
    """The fitted text with the back page's slogans sized on the fitting's last layout and
    the cover's lead down; a text too short for the inside pages spread over them with these
    in place, so that the spreading's chosen layout is the document's."""
    from .pipeline import _back_page_css

    natural = _layout(typesetter, fmt, fit.scale, whole_css)
    alone: Typesetter | None = None
    if statement.slogans and plan.signup != "back":
        css, natural, alone = _back_page_css(
            typesetter, fmt, fit.scale, statement.slogans, extra_css=whole_css
        )
    else:
        css = natural.css

    def laid(lead_down: str) -> tuple[Fit, LaidOut]:
        fitted = "\n".join(filter(None, [css, lead_down]))
        whole, spread = fitted, fit
        if fit.measure.pages < budget:
            spread, whole = _spread(typesetter, fit, starts, whole, budget, every_page)
        shown = _shown(budget - spread.measure.pages)
        if whole != fitted or shown:
            return spread, typesetter.layout("\n".join(filter(None, [whole, shown])))
        # Nothing spread: the fitting's last layout, but for the back page (its slogans
        # sized) and the cover (its lead down), pages their parts hold alone, each set anew.
        laid_out = natural
        if alone is not None:
            laid_out = typesetter.layout_part_page(css, laid_out, alone)
        if lead_down:
            cover = typesetter.excerpt("panel-cover")
            laid_out = typesetter.layout_part_page(fitted, laid_out, cover)
        return spread, laid_out

    lead_down = _lead_down(typesetter, fmt, plan, fit.scale, title_css)
    spread, laid_out = laid(lead_down)
    if lead_down and _sections(laid_out).overflows:  # the lead pushed a hair too far
        spread, laid_out = laid("")
    return spread, laid_out


def _shown(blanks: int) -> str:
    """The stylesheet showing the first *blanks* blank inside pages."""
    return "\n".join(
        f"#panel-blank-{n} {{ display: block !important; }}" for n in range(1, blanks + 1)
    )


def _each_a_panel(
    typesetter: Typesetter, fmt: Format, css: str, starts: list[str], budget: int
) -> tuple[Fit, LaidOut] | tuple[float, _EveryBreak | None]:
    """A text of fewer sections than the piece has inside pages, each of them on a page of
    its own at the largest type (*css*: the cover's rules) — the layout the fitting and the
    spreading would come to for a short text, found at once: the fit and its layout (a
    cover running over its page is none), when every section fits the page it opens and
    the text could not fill the inside pages unbroken (fewer sections than pages, or their
    pages together :data:`SPARE` short of one page less).  Else the scale the fitting
    starts from (the largest, or below it as the text's volume predicts), and what every
    break gave when a section ran over two of them (:class:`_EveryBreak`)."""
    from .fit import TARGET_FILL, Fit, Measure
    from .pipeline import MAX_SCALE

    if not starts or len(starts) >= budget:
        return MAX_SCALE, None
    every = "\n".join(f"{start} {{ break-before: page; }}" for start in starts)
    laid_out = _layout(typesetter, fmt, MAX_SCALE, f"{css}\n{every}")
    sections = _sections(laid_out)
    if sections.overflows:
        return MAX_SCALE, None
    used = len(sections.inside)
    volume = _volume(laid_out, sections.inside)
    if used == len(starts) + 1 and (used < budget or volume <= budget - 1 - SPARE):
        return Fit(MAX_SCALE, Measure(used, sections.fill), 1), laid_out
    if volume > budget:  # too long for the pages even unbroken: predicted down
        return float(MAX_SCALE * math.sqrt((budget - 1 + TARGET_FILL) / volume)), None
    if len(starts) + 1 < used <= budget:
        return MAX_SCALE, _EveryBreak(used, sections.fill, _emptiest(laid_out, sections))
    return MAX_SCALE, None


def _volume(laid_out: LaidOut, pages: tuple[int, ...]) -> float:
    """How many pages' worth of text *pages* hold: on each, its text lines' extent down the
    page's content area (0 … 1), summed."""
    from .render import preflight_layout

    bottoms: dict[int, float] = {}
    for line in preflight_layout(laid_out).lines:
        bottoms[line.page - 1] = max(bottoms.get(line.page - 1, 0.0), line.bottom)
    volume = 0.0
    for page in pages:
        box = laid_out.document.pages[page]._page_box
        top = box.content_box_y()
        if page in bottoms and box.height:
            volume += min(1.0, max(0.0, (bottoms[page] - top) / box.height))
    return volume


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
        f"{_scale_css(fmt, scale)}\n{title_css}{COVER_NATURAL}{COVER_ALONE}"
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
    whole_css: str,
) -> RenderResult:
    from .fit import Fit, Measure, fit_scale
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
    starts = _starts(html, plan)

    # The cover's lead at the foot of the cover at the largest type (measured on the cover
    # title's last layout).
    lead_down = _lead_down(typesetter, fmt, plan, MAX_SCALE, title_css)
    found = _each_a_panel(typesetter, fmt, f"{whole_css}\n{lead_down}", starts, budget)
    if isinstance(found[0], Fit):
        # Every section on a panel of its own at the largest type, the cover's lead down:
        # the back page's slogans are sized on that layout and set on it, a page's work.
        fit, laid_out = found
        if fit.measure.pages < budget:
            laid_out = typesetter.layout(f"{laid_out.css}\n{_shown(budget - fit.measure.pages)}")
        if statement.slogans and plan.signup != "back":
            css, _, alone = _back_page_css(
                typesetter, fmt, fit.scale, statement.slogans, natural=laid_out
            )
            laid_out = typesetter.layout_part_page(css, laid_out, alone)
    else:
        # A piece of panels holds little text: most statements fit its pages at the largest
        # type, which one layout shows; a longer one is predicted down from there (or from
        # the volume every section on a panel of its own showed).
        start, every_page = found
        fit = fit_scale(measuring(whole_css), pages=budget, low=low, high=MAX_SCALE, start=start)
        fit, laid_out = _spread_in_place(
            statement,
            typesetter,
            fmt,
            plan,
            fit,
            title_css,
            whole_css,
            starts,
            budget,
            every_page if fit.scale == MAX_SCALE else None,
        )
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
    laid_out, notes = _repaired(typesetter, laid_out, options)
    expected = fmt.page_rule.exact
    if laid_out.page_count != expected or _sections(laid_out).overflows:
        name = statement.source.name if statement.source else "the statement"
        raise RenderError(
            f"{name}: the {fmt.name} pages came out as {laid_out.page_count}, not {expected}"
        )
    pdf = _write(laid_out, options, template, typesetter, statement)
    return RenderResult(pdf, html, laid_out.page_count, fit.scale, typesetter.passes, notes=notes)
