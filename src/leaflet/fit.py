"""Copyfitting: choose a type scale so that a statement fills a page budget.

WeasyPrint lays text out but will not fit it to a box, so the search lives here, as pure logic
over a *measure* function (scale → pages used), testable without any rendering.  Each
measurement is a full layout, so the search predicts the next scale from the measured overflow
instead of bisecting blindly: the area text needs grows with the square of the type size
(wider glyphs → more lines, and taller lines), so ``scale * sqrt(target / used)`` lands close to
the answer from the first try.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = [
    "SQUARE",
    "Budget",
    "Fit",
    "Law",
    "Measure",
    "NoFit",
    "booklet_fit",
    "economical",
    "economical_fit",
    "fit_scale",
    "flat_budgets",
    "natural_budget",
    "promising",
]

#: Aim the last page this full (not 100 %: the prediction is not exact, overshooting costs a pass).
TARGET_FILL = 0.94
#: A last page this full ends the search (finer steps would not show on paper).
FULL_ENOUGH = 0.97
#: What "a full last page" means when closing in from below.
FULL = 0.995
#: Stop when the bracket around the best scale is this narrow (relative).
PRECISION = 0.015
#: A last page filled less than this holds "a few lines": worth pulling back.
FEW_LINES = 0.2
#: A flat leaflet's last page should be at least this full (less looks unfinished).
HALF_FULL = 0.5
#: An odd flat leaflet whose last page is filled less than this first tries to drop it.
DROP_PAGE = 0.35
#: A booklet overflowing a multiple of 4 pages by less than this many pages is pulled back.
PULL_BACK = 0.6
#: How far the square law may be off when predicting whether a budget can be reached.
SLACK = 0.04


@dataclass(frozen=True, slots=True)
class Measure:
    """What one layout gives: pages used, and how full the last one is (0 … 1)."""

    pages: int
    fill: float

    @property
    def volume(self) -> float:
        """Pages used as a continuous quantity (2.3 = two pages and a third)."""
        return self.pages - 1 + self.fill


@dataclass(frozen=True, slots=True)
class Fit:
    """The chosen scale, its measurement, and how many layouts the search took."""

    scale: float
    measure: Measure
    passes: int
    #: How tight the notes are set (0: as the template sets them; see :func:`economical_fit`).
    notes: int = 0


@dataclass(frozen=True, slots=True)
class Law:
    """How a text's volume follows its type scale, for predicting whether a budget can be
    reached: as the square of the scale in columns of a fixed width (more lines, each taller),
    about linearly where the measure is set in ``rem`` and narrows or widens with the type (as
    many lines, each taller or shorter).  *shrink* and *grow*: the powers below and above 1."""

    shrink: float = 2.0
    grow: float = 2.0

    def volume(self, volume: float, scale: float) -> float:
        """The volume of a text of *volume* pages at scale 1, predicted at *scale*."""
        power = self.shrink if scale < 1 else self.grow
        return volume * math.pow(scale, power)


#: Columns of a fixed width: the area text needs grows with the square of the type size.
SQUARE = Law()


class NoFit(Exception):
    """Even at the smallest scale the text needs more pages than the budget."""

    def __init__(self, needed: int, measure: Measure, passes: int):
        super().__init__(f"needs {needed} pages at the smallest scale")
        self.needed = needed
        self.measure = measure
        self.passes = passes


def fit_scale(
    measure: Callable[[float], Measure],
    *,
    pages: int,
    low: float,
    high: float,
    start: float = 1.0,
    max_passes: int = 8,
    precision: float = PRECISION,
    full_enough: float = FULL_ENOUGH,
    law: Law | None = None,
) -> Fit:
    """The largest scale in [*low*, *high*] at which the text takes at most *pages* pages,
    found with at most *max_passes* calls of *measure* (one layout each); the next scale is
    predicted by *law* (the square law by default).  A fitting scale that fills the last page
    to *full_enough* ends the search.

    Raises :class:`NoFit` when even *low* needs more pages.
    """
    tried: dict[float, Measure] = {}

    def at(scale: float) -> Measure:
        if scale not in tried:
            tried[scale] = measure(scale)
        return tried[scale]

    fits: float | None = None  # largest scale known to fit
    too_big: float | None = None  # smallest scale known not to fit
    scale: float | None = min(max(start, low), high)
    while scale is not None and len(tried) < max_passes:
        result = at(scale)
        if result.pages <= pages:
            fits = scale if fits is None else max(fits, scale)
        else:
            too_big = scale if too_big is None else min(too_big, scale)
        if _settled(fits, too_big, low, high, precision) or _full(tried, fits, pages, full_enough):
            break
        scale = _next_scale(
            scale, result, pages, fits, too_big, low, high, tried, precision, law or SQUARE
        )
    if fits is None:
        lowest = at(low)
        if lowest.pages > pages:
            raise NoFit(lowest.pages, lowest, len(tried))
        fits = low
    return Fit(fits, tried[fits], len(tried))


def _full(tried: dict[float, Measure], fits: float | None, pages: int, full_enough: float) -> bool:
    """The fitting scale found fills the budget to its last page: good enough to stop."""
    return fits is not None and tried[fits].pages == pages and tried[fits].fill >= full_enough


def _settled(
    fits: float | None, too_big: float | None, low: float, high: float, precision: float
) -> bool:
    if fits is None:
        return too_big is not None and too_big <= low
    if fits >= high:
        return True
    return too_big is not None and too_big / fits - 1 < precision


def _next_scale(
    scale: float,
    result: Measure,
    pages: int,
    fits: float | None,
    too_big: float | None,
    low: float,
    high: float,
    tried: dict[float, Measure],
    precision: float,
    law: Law,
) -> float | None:
    """Predict the next scale from the overflow, kept strictly inside the known bracket;
    bisect when the prediction falls outside it.  None when nothing new is left to try."""
    # Coming from above, aim a little short of a full last page so that the guess fits;
    # coming from below, aim at a full page to close in on the largest fitting scale.
    fill = FULL if result.pages <= pages else TARGET_FILL
    target = pages - 1 + fill
    if fits is not None and too_big is not None:
        # Both sides known: interpolate the volume between them (page breaks make the
        # square law unreliable this close), keeping clear of the bracket's ends.
        below, above = tried[fits].volume, tried[too_big].volume
        share = (target - below) / (above - below) if above > below else 0.5
        share = min(max(share, 0.15), 0.85)
        predicted = fits + share * (too_big - fits)
    else:
        ratio = target / max(result.volume, 0.01)
        predicted = scale * math.pow(ratio, 1 / (law.grow if ratio > 1 else law.shrink))
    guess = min(max(predicted, low), high)
    # A guess a hair from a bound would be followed by the bound itself: try the bound.
    if guess < low * (1 + precision / 2):
        guess = low
    elif guess > high * (1 - precision / 2):
        guess = high
    floor = fits if fits is not None else low
    ceiling = too_big if too_big is not None else high
    inside = (fits is None or guess > fits) and (too_big is None or guess < too_big)
    if not inside or _near(guess, tried):
        # The prediction has converged on the largest fitting scale: a step just above it
        # settles the search; without one yet, bisect.
        step = fits * (1 + precision * 0.99) if fits is not None else ceiling
        guess = min(step, (floor + ceiling) / 2)
    if _near(guess, tried) or (fits is not None and guess <= fits):
        return None
    return guess


def _near(scale: float, tried: dict[float, Measure]) -> bool:
    return any(abs(scale - other) < 1e-4 for other in tried)


def natural_budget(measure: Measure, multiple: int, reserved: int = 0) -> list[int]:
    """Page budgets worth trying, best first, for a text measured at its normal size, when the
    format wants a multiple of *multiple* pages (4 for booklets, 1 for flat leaflets) and
    *reserved* pages come after the text whatever its size (a booklet's back page): budgets
    and *measure* count the text's pages only.

    A last page holding a few lines is pulled back onto the pages before it; a booklet is pulled
    down to the multiple below when it overflows it by little, and otherwise filled up to the
    multiple above rather than padded with blank pages; when that is out of reach, or the count
    is already a multiple, a last page less than half full is filled by growing the type.
    An empty list: nothing to improve.
    """
    pages = measure.pages
    if multiple <= 1:
        return [pages - 1] if pages > 1 and measure.fill < FEW_LINES else []
    total = pages + reserved
    # Blank pages to come, or a last page less than half full: fill the text's last page.
    fill = [pages] if measure.fill < HALF_FULL or total % multiple else []
    if total % multiple == 0:
        return fill
    below = total - total % multiple - reserved
    above = below + multiple
    budgets = [below] if below > 0 and measure.volume - below < PULL_BACK else []
    return [*budgets, above, *fill]


def booklet_fit(
    measure: Callable[[float], Measure],
    normal: Measure,
    *,
    multiple: int,
    reserved: int,
    low: float,
    high: float,
    tighter: Sequence[Callable[[float], Measure]] = (),
    law: Law = SQUARE,
    max_passes: int = 8,
    precision: float = PRECISION,
    full_enough: float = FULL_ENOUGH,
) -> Fit:
    """A booklet's natural budget (*measure* and *normal* count the text's pages, the
    *reserved* back page left out): of :func:`natural_budget`, the first the *law* says
    can be reached (:func:`promising`) and that, searched, fills its last page more than a few
    lines; pulling back to fewer pages tries the notes set tighter too (*tighter*, as in
    :func:`economical_fit`) when the type alone cannot.  The type grows (up to *high*) only to
    fill pages, never to pull back; scale 1 when nothing helps."""
    levels = [measure, *tighter]
    normals = {0: normal}

    def base(step: int) -> Measure:
        if step not in normals:
            normals[step] = levels[step](1.0)
        return normals[step]

    for budget in natural_budget(normal, multiple, reserved):
        fewer = budget < normal.pages
        top = 1.0 if fewer else high
        for step in range(len(levels) if fewer else 1):
            volume = base(step).volume
            if law.volume(volume, low) > budget * (1 + SLACK):
                continue  # cannot be pulled back so far
            if not fewer and law.volume(volume, top) < (budget - 1 + FEW_LINES) * (1 - SLACK):
                break  # cannot grow so far
            try:
                fit = fit_scale(
                    levels[step],
                    pages=budget,
                    low=low,
                    high=top,
                    max_passes=max_passes,
                    precision=precision,
                    full_enough=full_enough,
                    law=law,
                )
            except NoFit:
                continue
            if fit.measure.pages == budget and (fewer or fit.measure.fill >= FEW_LINES):
                return Fit(fit.scale, fit.measure, fit.passes, step)
            if budget == normal.pages:
                return Fit(fit.scale, fit.measure, fit.passes, step)
    return Fit(1.0, normal, 1)


@dataclass(frozen=True, slots=True)
class Budget:
    """A page budget worth trying; *grow*: the type may grow beyond its normal size."""

    pages: int
    grow: bool


def economical(measure: Measure) -> bool:
    """A flat leaflet printed both sides wastes no paper and looks finished: one page, or an
    even number of pages whose last is at least half full."""
    return measure.pages == 1 or (measure.pages % 2 == 0 and measure.fill >= HALF_FULL)


def flat_budgets(measure: Measure) -> list[Budget]:
    """Page budgets worth trying, best first, for a flat leaflet printed both sides, measured at
    its normal size (:func:`economical` says what a good result is):

    * one page (a flyer) that is not full is filled, as ``--pages 1`` would;
    * a last page holding a few lines is pulled back (onto one page: a flyer);
    * an odd count drops its last page when that is nearly empty, else the type grows to fill
      one more page (and drops it when growing cannot); when neither can be, a last page less
      than half full (often a few notes alone) is filled by growing the type;
    * an even count whose last page is less than half full grows into it; two pages whose
      second is less than half full first try to become a flyer.

    An empty list: nothing to improve.
    """
    pages, fill = measure.pages, measure.fill
    if pages == 1:
        return [Budget(1, grow=True)] if fill < FULL_ENOUGH else []
    if economical(measure):
        return []
    fewer = Budget(pages - 1, grow=pages - 1 == 1)
    if pages % 2 == 0:
        # Two pages, the second less than half full (often notes alone): a flyer first, when
        # the type may shrink that far (promising() skips it otherwise, at no cost).
        budgets = [fewer] if pages == 2 and fill < HALF_FULL else []
        return [*budgets, Budget(pages, grow=True)]
    more = Budget(pages + 1, grow=True)
    budgets = [fewer, more] if fill < DROP_PAGE else [more, fewer]
    # Neither reachable: at least fill the last page rather than leave a few notes on it.
    return budgets + [Budget(pages, grow=True)] * (fill < HALF_FULL)


def promising(volume: float, pages: int, *, low: float, high: float, law: Law = SQUARE) -> bool:
    """Whether a text of *volume* pages at scale 1 can, by its *law*, end on an
    economical page *pages* (a flyer, or a last page at least half full) with its type between
    *low* and *high* — with some slack, as page breaks make the law approximate.  A budget
    that cannot is not searched: every try is a layout pass."""
    least, most = law.volume(volume, low), law.volume(volume, high)
    if least > pages * (1 + SLACK):
        return False
    return pages == 1 or most >= (pages - 1 + HALF_FULL) * (1 - SLACK)


def economical_fit(
    measure: Callable[[float], Measure],
    normal: Measure,
    *,
    low: float,
    high: float,
    tighter: Sequence[Callable[[float], Measure]] = (),
    notes: float = math.inf,
    law: Law = SQUARE,
    max_passes: int = 8,
    precision: float = PRECISION,
    full_enough: float = FULL_ENOUGH,
    fill_odd: bool = True,
) -> Fit:
    """A flat leaflet's natural budget: of :func:`flat_budgets` for the *normal* measure (at
    scale 1), the first that gives an :func:`economical` leaflet.

    *tighter* measures the same text with its notes set tighter, step by step (two columns,
    smaller type): a second dimension of the search, tried before a page is added (and when
    nothing else works), each step one layout at scale 1 before any search; there only
    budgets of fewer pages than the normal count are tried, and only when the notes take enough
    of the text (*notes*: the pages they fill at scale 1) that halving them could get there.
    The :class:`Fit`'s ``notes`` is the step chosen (0: the notes as the template sets them).
    Budgets the *law* says cannot be economical (:func:`promising`) are not searched.

    When no budget is economical: the first giving an even count where the normal one is odd
    (its last page more than a few lines), else the first saving a page, else the one filling
    the normal count's last page most (by a tenth of a page at least), else scale 1.
    The type grows up to *high* only where the budget says so.

    Without *fill_odd* the last page of an odd count past the first sheet is not filled (a
    caller that sets such a leaflet's closing block on a page of its own when the count stays
    odd: the filling would be thrown away); the other budgets are searched alike, so asking
    again with it, the same *measure* answering from its layouts kept, adds that search alone.
    """
    levels = [measure, *tighter]
    normals = {0: normal}
    fits: list[Fit] = []

    def base(step: int) -> Measure:
        if step not in normals:
            normals[step] = levels[step](1.0)
        return normals[step]

    #: The text's volume measured at the smallest scale, once a search has gone down to it.
    smallest: list[float] = []

    def attempt(step: int, budget: Budget) -> Fit | None:
        """The fit for *budget* at notes *step* when it is economical (others are kept)."""
        top = high if budget.grow else 1.0
        try:
            found = fit_scale(
                levels[step],
                pages=budget.pages,
                low=low,
                high=top,
                max_passes=max_passes,
                precision=precision,
                full_enough=full_enough,
                law=law,
            )
        except NoFit as error:
            if not step:
                smallest.append(error.measure.volume)
            return None
        fit = Fit(found.scale, found.measure, found.passes, step)
        if economical(fit.measure):
            return fit
        fits.append(fit)
        return None

    def tightened() -> Fit | None:
        """Fewer pages with the notes set tighter, when that can be: the least the text
        takes (measured at the smallest scale, else predicted) less half its notes must
        come within the page before, then less what each step saves at scale 1.  With
        several steps, the tightest is measured at the smallest scale first: when even it
        needs more pages, no step can save one (one layout, not one for each step)."""
        if normal.pages == 1:
            return None
        pages = normal.pages - 1 - (normal.pages - 1) % 2 if normal.pages > 2 else 1
        least = smallest[0] if smallest else law.volume(normal.volume, low)
        shrink = least / normal.volume
        if least - notes / 2 * shrink > pages * (1 + SLACK):
            return None
        if len(levels) > 2 and levels[-1](low).pages > pages:
            return None
        for step in range(1, len(levels)):
            if economical(base(step)):
                return Fit(1.0, base(step), 1, step)
            if least - (normal.volume - base(step).volume) * shrink > pages:
                continue
            for budget in flat_budgets(base(step)):
                if budget.pages < normal.pages and (budget.pages == 1 or budget.pages % 2 == 0):
                    fit = attempt(step, budget)
                    if fit is not None:
                        return fit
        return None

    tried_tighter = False
    for budget in flat_budgets(normal):
        top = high if budget.grow else 1.0
        can_be_economical = budget.pages == 1 or budget.pages % 2 == 0
        if budget.pages == normal.pages:
            # Filling the last page: worth it if the type can grow by a tenth of a page.
            if law.volume(normal.volume, top) < normal.volume + 0.1:
                continue
            if not fill_odd and normal.pages > 1 and normal.pages % 2:
                continue
        elif not promising(normal.volume, budget.pages, low=low, high=top, law=law):
            continue
        if (budget.pages > normal.pages or not can_be_economical) and not tried_tighter:
            # Before a page is added, or a last page is merely filled: tighter notes.
            tried_tighter = True
            if (fit := tightened()) is not None:
                return fit
        if not can_be_economical and _even_or_fewer(fits, normal):
            continue  # filling an odd last page: only when nothing better was found
        if (fit := attempt(0, budget)) is not None:
            return fit
    if not tried_tighter and (fit := tightened()) is not None:
        return fit
    even = [
        fit
        for fit in fits
        if fit.measure.pages % 2 == 0 and normal.pages % 2 and fit.measure.fill >= FEW_LINES
    ]
    fewer = [fit for fit in fits if fit.measure.pages < normal.pages]
    fuller = sorted(
        (
            fit
            for fit in fits
            if fit.measure.pages == normal.pages
            and fit.measure.fill >= normal.fill + 0.1
            and not fit.notes
        ),
        key=lambda fit: -fit.measure.fill,
    )
    return next(iter(even + fewer + fuller), Fit(1.0, normal, 1))


def _even_or_fewer(fits: Sequence[Fit], normal: Measure) -> bool:
    return any(
        fit.measure.pages < normal.pages
        or (fit.measure.pages % 2 == 0 and normal.pages % 2 and fit.measure.fill >= FEW_LINES)
        for fit in fits
    )
