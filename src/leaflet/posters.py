"""Slogan posters: each slogan set as large as it fits its box, its lines balanced.

Pure search logic over a *measure* function that lays out every poster at once (one layout pass
for all slogans) and reports, per poster, the height of the text and the width of each line.
WeasyPrint does the line breaking; this module only chooses sizes and measures:

1. **size**: per slogan, the largest type size at which the text fits the box with no word
   broken or overflowing; the next size is predicted from the measured height (text area grows
   with the square of the size) and kept inside the bracket found so far;
2. **balance**: at that size, the narrowest measure that keeps the same number of lines, so the
   lines come out even (no lone word on the last line when a better break exists).

A series of posters (:func:`fit_series`) then shares one size, the smallest of its slogans',
so the sheets look like one campaign; only a slogan far longer than the others (one that would
pull the whole series below :data:`SERIES_OUTLIER` of the usual size) keeps a smaller size of
its own.  A booklet's back page (:func:`fit_stack`) holds every slogan in one box, one size for
all: the stack is searched as one text, then each slogan is balanced on its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = [
    "PosterLayout",
    "PosterMeasure",
    "first_guess",
    "fit_posters",
    "fit_series",
    "fit_stack",
]

#: Sizes are settled when the largest fitting and the smallest failing differ by less than this.
SIZE_PRECISION = 0.02
#: Balancing stops when the measure is known to within this fraction of the box width.
WIDTH_PRECISION = 0.01
#: A booklet's back page settles size and measure to within this: a slogan 3 % smaller than
#: it could be does not show under the others, and each try is a layout.
STACK_PRECISION = 0.035
#: A slogan whose own size is below this fraction of the series' median keeps its own size
#: instead of shrinking the whole series.
SERIES_OUTLIER = 0.7
#: Balancing first tries a measure this much wider than perfectly even lines would need.
BALANCE_AIM = 1.04
#: After a measure that keeps the lines, the next try is its widest line and this much (px):
#: the line breaker wants a little more room than a line's boxes measure.
TIGHT = 3.0
#: Width tolerance for line boxes (px): rounding in the layout engine.
SLACK = 0.5
#: A stack whose widest unbreakable run is known starts this much below the size at which
#: that run fills the box (its width, measured at another size, is off by 0.02 % or so).
RUN_AIM = 0.995
#: A stack with a word alone on a line tries the type this much smaller, so many times at most.
LONELY_STEP, LONELY_STEPS = 0.95, 5


@dataclass(frozen=True, slots=True)
class PosterMeasure:
    """One poster as laid out: on how many pages, how tall, each line's width (px)."""

    pages: int
    height: float
    line_widths: tuple[float, ...]
    #: Lines holding one short word alone, among lines holding more (render.LONELY_LETTERS).
    lonely_lines: int = 0
    #: The widths of the lines holding a word alone (no space to break at): the type can
    #: grow until the widest of them fills the box, no further.
    unbroken: tuple[float, ...] = ()

    @property
    def lines(self) -> int:
        return len(self.line_widths)

    @property
    def lonely(self) -> bool:
        """A line holds one short word alone."""
        return self.lonely_lines > 0

    def fits(self, width: float, height: float) -> bool:
        return (
            self.pages == 1
            and self.height <= height + SLACK
            and all(line <= width + SLACK for line in self.line_widths)
        )


@dataclass(frozen=True, slots=True)
class PosterLayout:
    """The chosen type size and measure (px) of each poster, and the layout passes used."""

    sizes: tuple[float, ...]
    widths: tuple[float, ...]
    passes: int
    #: Each poster's height at its size and measure, as the search measured it (no layout
    #: more is needed to know it).
    heights: tuple[float, ...] = ()


Measure = Callable[[Sequence[float], Sequence[float]], Sequence[PosterMeasure]]


def first_guess(text: str, width: float, height: float, widest: float | None = None) -> float:
    """A starting size (px) from the text's length and its longest word: condensed type runs
    about half an em a character, lines about 1.1 em apart.  Given the width of its widest
    run no line breaks per pixel of type (*widest*, measured), just below the size at which
    that run fills the box instead of the longest word's guess."""
    longest = max((len(word) for word in text.split()), default=1)
    by_area = math.sqrt(width * height * 0.55 / (0.5 * 1.1 * max(len(text), 1)))
    by_word = (width + SLACK) / widest * RUN_AIM if widest else width / (0.55 * longest)
    return min(by_area, by_word, height / 1.1)


class _Remembered:
    """*measure* laid out once for each sizes and measures asked: the searches ask again for
    a layout they made (the size found is the last one fitted; the balance starts from it),
    and each layout is a pass of the layout engine.  :attr:`passes` counts those made."""

    def __init__(self, measure: Measure):
        self._measure = measure
        self._known: dict[tuple[tuple[float, ...], tuple[float, ...]], list[PosterMeasure]] = {}

    @property
    def passes(self) -> int:
        return len(self._known)

    def __call__(self, sizes: Sequence[float], widths: Sequence[float]) -> list[PosterMeasure]:
        key = (tuple(sizes), tuple(widths))
        if key not in self._known:
            self._known[key] = list(self._measure(sizes, widths))
        return self._known[key]


def fit_posters(
    texts: Sequence[str], measure: Measure, width: float, height: float, max_passes: int = 16
) -> PosterLayout:
    """Size then balance every poster; *width* × *height* is the text box (px)."""
    remembered = _Remembered(measure)
    sizes = _fit_sizes(texts, remembered, width, height, max_passes - 5)
    widths, heights = _balance(sizes, remembered, width, height)
    return PosterLayout(tuple(sizes), tuple(widths), remembered.passes, tuple(heights))


def fit_series(
    texts: Sequence[str], measure: Measure, width: float, height: float, max_passes: int = 16
) -> PosterLayout:
    """Posters of one series: each slogan's largest size, then one size shared by all (the
    smallest that is not an outlier), then balance at the shared size."""
    remembered = _Remembered(measure)
    own = _fit_sizes(texts, remembered, width, height, max_passes - 5)
    shared = series_size(own)
    sizes = [min(size, shared) for size in own]
    widths, heights = _balance(sizes, remembered, width, height)
    return PosterLayout(tuple(sizes), tuple(widths), remembered.passes, tuple(heights))


def series_size(sizes: Sequence[float]) -> float:
    """The size a series shares: the smallest of its slogans' sizes, leaving out a slogan far
    smaller than the median (it keeps its own, smaller size)."""
    ordered = sorted(sizes)
    median = ordered[len(ordered) // 2]
    return min(size for size in ordered if size >= median * SERIES_OUTLIER)


def fit_stack(
    texts: Sequence[str],
    measure: Measure,
    width: float,
    height: float,
    max_passes: int = 16,
    precision: float = STACK_PRECISION,
    runs: Sequence[Sequence[float]] | None = None,
    centred: bool = False,
) -> PosterLayout:
    """Every slogan stacked in one *width* × *height* box at one size (a booklet's back page).

    *measure* reports each slogan on its own, its height counting the space above it; the
    stack fits when the heights add up to the box's.

    *runs*, when known, are the widths of each slogan's runs no line breaks (a word, words
    tied), in order, per pixel of type (measured).  A run grows with the type, so no size
    past the one at which the widest fills the box fits: the search starts just below it
    rather than at a size guessed from the letters, and where that run holds the type down,
    the first layout fits and its line holding the run alone shows the next size up
    failing.  A *centred* slogan whose runs go on its lines one way only within the box (no
    other way keeps as many lines, whatever the spaces) is balanced as it is: a narrower
    measure that keeps its lines shows them the same.
    """
    count = len(texts)
    remembered = _Remembered(measure)

    def stacked(sizes: Sequence[float], widths: Sequence[float]) -> list[PosterMeasure]:
        results = remembered([sizes[0]] * count, [widths[0]] * count)
        return [
            PosterMeasure(
                # Each slogan on the one page, or the stack does not fit (a slogan pushed off
                # the page is on none).
                1 if all(result.pages == 1 for result in results) else 2,
                sum(result.height for result in results),
                tuple(line for result in results for line in result.line_widths),
                unbroken=tuple(line for result in results for line in result.unbroken),
            )
        ]

    # A slogan's height as measured in a stack that fits: one the others pushed across the
    # box's foot may have been measured in pieces, and is measured again with the stack.
    whole: dict[tuple[int, float, float], float] = {}

    def kept(sizes: Sequence[float], widths: Sequence[float]) -> Sequence[PosterMeasure]:
        results = remembered(sizes, widths)
        if sum(result.height for result in results) <= height + SLACK:
            for index, (each, across, result) in enumerate(
                zip(sizes, widths, results, strict=True)
            ):
                whole[index, each, across] = result.height
        return results

    widest = max((run for each in runs or () for run in each), default=None)
    first = first_guess(" ".join(texts), width, height, widest)
    (size,) = _fit_sizes(
        [" ".join(texts)], stacked, width, height, max_passes - 5, precision, [first]
    )
    # A word alone on a line of a slogan ("… DIGNITY / IN / OUR SCHOOLS!"): a step smaller
    # at a time, the word may join a line (the size kept when none of the steps helps).
    if any(result.lonely for result in kept([size] * count, [width] * count)):
        for step in range(1, LONELY_STEPS + 1):
            smaller = size * LONELY_STEP**step
            if not any(result.lonely for result in kept([smaller] * count, [width] * count)):
                size = smaller
                break
    scaled = [[run * size for run in each] for each in runs] if runs and centred else None
    widths, _ = _balance([size] * count, kept, width, height, precision, scaled)
    # A slogan balanced without a layout (its lines each a run alone) is as tall as across
    # the whole box.
    full = remembered([size] * count, [width] * count)
    found = [
        whole.get((index, size, width if _runs_alone(full[index]) else across))
        for index, across in enumerate(widths)
    ]
    heights = [tall for tall in found if tall is not None]
    if len(heights) < count:
        heights = [result.height for result in remembered([size] * count, widths)]
    return PosterLayout((size,) * count, tuple(widths), remembered.passes, tuple(heights))


def _fit_sizes(
    texts: Sequence[str],
    measure: Measure,
    width: float,
    height: float,
    max_passes: int,
    precision: float = SIZE_PRECISION,
    first: Sequence[float] = (),
) -> list[float]:
    count = len(texts)
    fits: list[float | None] = [None] * count
    fails: list[float | None] = [None] * count
    sizes = list(first) or [first_guess(text, width, height) for text in texts]
    passes = 0
    while passes < max_passes:
        results = measure(sizes, [width] * count)
        passes += 1
        for index, result in enumerate(results):
            size = sizes[index]
            if result.fits(width, height):
                fits[index] = max(fits[index] or size, size)
            else:
                fails[index] = min(fails[index] or size, size)
            if result.unbroken:
                # A word alone on its line grows with the type: past the size at which the
                # widest fills the box, nothing fits.
                past = size * (width + SLACK) / max(result.unbroken) * (1 + 1e-6)
                fails[index] = min(fails[index] or past, past)
            sizes[index] = _next_size(
                size, result, fits[index], fails[index], width, height, precision
            )
        if all(_settled(low, high, precision) for low, high in zip(fits, fails, strict=True)):
            break
    # A poster never found to fit (a word wider than the box even tiny) keeps its smallest try.
    return [
        low if low is not None else (high or 1.0) / 2 for low, high in zip(fits, fails, strict=True)
    ]


def _settled(low: float | None, high: float | None, precision: float = SIZE_PRECISION) -> bool:
    return low is not None and high is not None and high / low - 1 < precision


def _next_size(
    size: float,
    result: PosterMeasure,
    low: float | None,
    high: float | None,
    width: float,
    height: float,
    precision: float = SIZE_PRECISION,
) -> float:
    """Predict from the measured overflow or room; bisect when that leaves the bracket."""
    widest = max(result.line_widths, default=width)
    by_height = size * math.sqrt(height / max(result.height, 1.0))
    by_width = size * width / max(widest, 1.0) if widest > width + SLACK else by_height
    aim = 1.0 if low is None or result.fits(width, height) else 0.99
    guess = min(by_height, by_width) * aim
    if result.fits(width, height):
        # Grow towards the bracket's top, by at least a step that can settle it.
        guess = max(guess, size * (1 + precision * 0.9))
    floor = low if low is not None else 0.0
    ceiling = high if high is not None else math.inf
    if not floor < guess < ceiling:
        guess = (
            math.sqrt(floor * ceiling)
            if low is not None and high is not None
            else (size * 1.5 if high is None else size / 1.5)
        )
    return guess


def _balance(
    sizes: list[float],
    measure: Measure,
    width: float,
    height: float,
    precision: float = WIDTH_PRECISION,
    runs: Sequence[Sequence[float]] | None = None,
) -> tuple[list[float], list[float]]:
    """The narrowest measure keeping each poster's line count (even lines), and each
    poster's height at that measure.  A centred poster whose *runs* (their widths at its
    size, in order) go on its lines one way only is balanced as it is."""
    results = measure(sizes, [width] * len(sizes))
    lines = [result.lines for result in results]
    heights = [result.height for result in results]
    # A measure that leaves a short word alone on a line is too narrow (unless the widest
    # does too).
    lonely = [result.lonely for result in results]
    # No narrower than the text would need if its lines were perfectly even, nor than its
    # widest word alone on a line (no measure breaks it).
    narrow = [
        max(
            sum(result.line_widths) / max(result.lines, 1),
            max(result.unbroken, default=0.0) - SLACK,
        )
        for result in results
    ]
    wide = [width] * len(sizes)
    for index, result in enumerate(results):
        if lines[index] > 1 and _runs_alone(result):
            # Each line one run no measure breaks: at any measure no narrower than the widest,
            # each still holds its line alone (narrower, no two join), so the lines are
            # these: balanced at the widest, no layout to try.
            wide[index] = narrow[index] = min(max(result.line_widths) + TIGHT, width)
        elif runs is not None and lines[index] > 1 and _one_way(runs[index], lines[index], width):
            # Any measure keeping the line count keeps these lines, which a centred poster
            # shows the same at any measure that holds them.
            narrow[index] = wide[index]
    # Each measure tried next: just above perfectly even lines (words do not divide evenly),
    # then just above the widest line of the last measure that kept the lines, else halving.
    trial = [min(n * BALANCE_AIM, width) for n in narrow]
    while any(w - n > width * precision for n, w in zip(narrow, wide, strict=True)):
        trial = [
            t if n < t < w else (n + w) / 2 for n, w, t in zip(narrow, wide, trial, strict=True)
        ]
        for index, result in enumerate(measure(sizes, trial)):
            if lines[index] < 2:
                narrow[index] = wide[index]
            elif result.lonely and not lonely[index]:
                narrow[index] = trial[index]
            elif result.lines == lines[index] and result.fits(trial[index], height):
                wide[index], heights[index] = trial[index], result.height
                trial[index] = max(result.line_widths, default=0.0) + TIGHT
            elif result.lines == lines[index]:
                # As many lines, one of them wider than the measure: a run that cannot break
                # (a tie, a long word); no narrower measure fits it.
                widest = max(result.line_widths, default=trial[index]) - SLACK
                narrow[index] = min(wide[index], max(trial[index], widest))
            else:
                narrow[index] = trial[index]
    return wide, heights


def _runs_alone(result: PosterMeasure) -> bool:
    """Whether every line of a poster holds one run no line breaks (a word alone, words
    tied): its lines stay the same at any measure that holds the widest of them."""
    return bool(result.line_widths) and len(result.unbroken) == len(result.line_widths)


def _one_way(runs: Sequence[float], lines: int, width: float) -> bool:
    """Whether *runs* (widths, in order) go on *lines* lines one way only, no line's runs
    wider together than *width* (the spaces between them left out: a line is wider still)."""
    # ways[n][i]: the ways the runs from the i-th on go on n lines (counted up to two).
    count = len(runs)
    ways = [[0] * (count + 1) for _ in range(lines + 1)]
    ways[0][count] = 1
    for n in range(1, lines + 1):
        for start in range(count - 1, -1, -1):
            total, found = 0.0, 0
            for end in range(start, count):
                total += runs[end]
                if total > width + SLACK:
                    break
                found += ways[n - 1][end + 1]
            ways[n][start] = min(found, 2)
    return ways[lines][0] == 1
