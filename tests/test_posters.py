"""Slogan posters: the pure size/balance search with a fake measure, then real posters."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache
from typing import Any

import pytest

from leaflet.model import words
from leaflet.pipeline import RenderOptions, RenderResult, render_statement
from leaflet.posters import PosterMeasure, fit_posters, fit_series, fit_stack
from leaflet.source import load_statement, parse_statement
from leaflet.units import POINTS_PER

from conftest import EXAMPLES, pdf_reader

MM = POINTS_PER["mm"]


def greedy_lines(words: list[str], size: float, width: float) -> list[float]:
    """Break *words* greedily: each character 0.5 em wide, a space 0.25 em."""
    lines: list[float] = []
    current = 0.0
    for word in words:
        word_width = len(word) * 0.5 * size
        if current and current + 0.25 * size + word_width <= width:
            current += 0.25 * size + word_width
        else:
            if current:
                lines.append(current)
            current = word_width
    lines.append(current)
    return lines


def fake_measure(texts: list[str], box_height: float, calls: list[int] | None = None):  # type: ignore[no-untyped-def]
    def measure(sizes: Sequence[float], widths: Sequence[float]) -> list[PosterMeasure]:
        if calls is not None:
            calls.append(1)
        results = []
        for text, size, width in zip(texts, sizes, widths, strict=True):
            lines = greedy_lines(text.split(), size, width)
            height = len(lines) * size * 1.1
            results.append(PosterMeasure(1 if height <= box_height else 2, height, tuple(lines)))
        return results

    return measure


TEXTS = [
    "Bread and roses!",
    "No war!",
    "Housing for all, not for profit!",
    "Solidarity forever",
    "Reverse the cuts now and fund our schools!",
]


def test_each_poster_as_large_as_it_fits() -> None:
    width, height = 1000.0, 1400.0
    measure = fake_measure(TEXTS, height)
    chosen = fit_posters(TEXTS, measure, width, height)
    fitted = measure(chosen.sizes, chosen.widths)
    assert all(result.fits(width, height) for result in fitted)
    bigger = measure([size * 1.05 for size in chosen.sizes], [width] * len(TEXTS))
    assert not any(result.fits(width, height) for result in bigger)
    assert len(set(chosen.sizes)) == len(TEXTS)  # a size per slogan


@pytest.mark.parametrize("fit", [fit_posters, fit_series, fit_stack])
def test_the_search_tells_the_heights_it_chose(fit) -> None:  # type: ignore[no-untyped-def]
    """Each poster's height at its chosen size and measure comes with the choice: the
    pipeline centres the slogans without one more layout to learn it."""
    width, height = 1000.0, 1400.0
    lines = fake_measure(TEXTS, height)

    def measure(sizes: Sequence[float], widths: Sequence[float]) -> list[PosterMeasure]:
        # A narrower measure is a little taller too (a line's height is not all it has).
        return [
            PosterMeasure(result.pages, result.height + across / 1000, result.line_widths)
            for result, across in zip(lines(sizes, widths), widths, strict=True)
        ]

    chosen = fit(TEXTS, measure, width, height)
    assert chosen.widths != (width,) * len(TEXTS)  # balanced: the heights are not the first
    measured = measure(chosen.sizes, chosen.widths)
    assert chosen.heights == tuple(result.height for result in measured)


def test_a_stack_s_heights_are_those_of_the_stack_that_fits() -> None:
    """A slogan pushed across the box's foot by the others (while they are balanced) is
    measured in pieces, taller: its height comes from a stack that fits."""
    width, height = 1000.0, 1400.0
    texts = [*TEXTS[:3], TEXTS[4], TEXTS[3]]  # the longest pushes the last across the foot
    lines = fake_measure(texts, height)

    def measure(sizes: Sequence[float], widths: Sequence[float]) -> list[PosterMeasure]:
        results, top = [], 0.0
        for result in lines(sizes, widths):
            bottom = top + result.height
            pieces = 40.0 if top < height < bottom else 0.0  # split by the page's foot
            results.append(PosterMeasure(1, result.height + pieces, result.line_widths))
            top = bottom
        return results

    chosen = fit_stack(texts, measure, width, height)
    assert sum(chosen.heights) <= height
    assert chosen.heights == tuple(result.height for result in measure(chosen.sizes, chosen.widths))


def test_balancing_keeps_lines_and_evens_them() -> None:
    width, height = 1000.0, 1400.0
    measure = fake_measure(TEXTS, height)
    chosen = fit_posters(TEXTS, measure, width, height)
    unbalanced = measure(chosen.sizes, [width] * len(TEXTS))
    balanced = measure(chosen.sizes, chosen.widths)
    for before, after in zip(unbalanced, balanced, strict=True):
        assert after.lines == before.lines
        if before.lines > 1:
            spread_before = max(before.line_widths) - min(before.line_widths)
            spread_after = max(after.line_widths) - min(after.line_widths)
            assert spread_after <= spread_before + 1e-6


def test_a_long_word_limits_the_size() -> None:
    texts = ["Antidisestablishmentarianism"]
    chosen = fit_posters(texts, fake_measure(texts, 1400.0), 1000.0, 1400.0)
    assert chosen.sizes[0] * 0.5 * len(texts[0]) <= 1000.0
    assert chosen.sizes[0] * 1.05 * 0.5 * len(texts[0]) > 1000.0


def word_measure(text: str, box_height: float, calls: list[float]):  # type: ignore[no-untyped-def]
    """A stack of one slogan whose lines are measured as :func:`fake_measure` does, telling
    the widths of the lines that hold a word alone."""

    def measure(sizes: Sequence[float], widths: Sequence[float]) -> list[PosterMeasure]:
        calls.append(sizes[0])
        lines = greedy_lines(text.split(), sizes[0], widths[0])
        alone = [len(word) * 0.5 * sizes[0] for word in text.split()]
        unbroken = tuple(line for line in lines if line in alone)
        height = len(lines) * sizes[0] * 1.1
        return [PosterMeasure(1 if height <= box_height else 2, height, tuple(lines), 0, unbroken)]

    return measure


def test_a_word_alone_on_its_line_bounds_the_size_at_once() -> None:
    # The box is tall: only the long word limits the type.  The line it holds alone tells the
    # largest size at once (it grows with the type), so no larger size is tried after it.
    text = "Antidisestablishmentarianism now"
    calls: list[float] = []
    chosen = fit_stack([text], word_measure(text, 5000.0, calls), 1000.0, 5000.0)
    largest = 1000.0 / (0.5 * len("Antidisestablishmentarianism"))
    assert largest / 1.04 < chosen.sizes[0] <= largest
    tried = sorted(set(calls))
    assert len([size for size in tried if size > chosen.sizes[0]]) <= 1
    # Without the widths of words alone, the search tries more sizes.
    without: list[float] = []
    counted = fake_measure([text], 5000.0, None)

    def counting(sizes: Sequence[float], widths: Sequence[float]) -> list[PosterMeasure]:
        without.append(sizes[0])
        return counted(sizes, widths)

    fit_stack([text], counting, 1000.0, 5000.0)
    assert len(set(calls)) < len(set(without))


def runs_of(text: str) -> list[list[float]]:
    """Each word's width per pixel of type, as :func:`greedy_lines` sets them."""
    return [[0.5 * len(word) for word in text.split()]]


def test_a_stack_told_its_runs_is_sized_in_one_layout() -> None:
    # The long word holds the type down.  Told each word's width per pixel of type (measured
    # elsewhere), the search starts just below the size at which the widest fills the box:
    # that layout fits, and the word alone on its line shows a larger size failing.
    text = "Antidisestablishmentarianism now"
    calls: list[float] = []
    largest = 1000.0 / (0.5 * len("Antidisestablishmentarianism"))
    measure = word_measure(text, 5000.0, calls)
    chosen = fit_stack([text], measure, 1000.0, 5000.0, runs=runs_of(text))
    assert chosen.passes == len(set(calls)) == 1
    assert largest * 0.99 < chosen.sizes[0] <= largest
    # Told nothing, the search takes more layouts.
    assert fit_stack([text], word_measure(text, 5000.0, []), 1000.0, 5000.0).passes > 1
    # Where the box's height holds the type down, the runs change nothing.
    words = "Bread and roses for all of us now and always"
    short = fit_stack([words], word_measure(words, 300.0, []), 1000.0, 300.0)
    told = fit_stack([words], word_measure(words, 300.0, []), 1000.0, 300.0, runs=runs_of(words))
    assert told == short


def test_runs_go_on_lines_one_way_or_more() -> None:
    from leaflet.posters import _one_way

    assert _one_way([30.0, 45.0, 60.0], 2, 100.0)  # 30 45 | 60; 30 | 45 60 is too wide
    assert not _one_way([30.0, 40.0, 50.0], 2, 100.0)  # 30 40 | 50 or 30 | 40 50
    assert _one_way([30.0, 40.0], 2, 100.0)
    assert not _one_way([120.0, 40.0], 2, 100.0)  # a run wider than the box: no way
    assert not _one_way([30.0, 45.0, 60.0], 4, 100.0)  # fewer runs than lines


def test_a_centred_slogan_whose_runs_go_on_its_lines_one_way_is_balanced_as_it_is() -> None:
    # "Housing rights / Solidarity": no other way keeps two lines in the box, so no narrower
    # measure is tried for the centred slogan (it would show the same lines); set flush left,
    # its measure matters, and the balance tries one.
    text = "Housing rights Solidarity"
    width, height = 1000.0, 300.0  # the height holds the type down to two lines
    runs = runs_of(text)

    def tried(centred: bool) -> tuple[set[float], Any]:
        measures: set[float] = set()
        measure = word_measure(text, height, [])

        def recording(sizes: Sequence[float], widths: Sequence[float]) -> list[PosterMeasure]:
            measures.add(widths[0])
            return list(measure(sizes, widths))

        return measures, fit_stack([text], recording, width, height, runs=runs, centred=centred)

    measures, chosen = tried(centred=True)
    lines = word_measure(text, height, [])(chosen.sizes, [width])[0]
    assert lines.lines == 2
    assert measures == {width} and chosen.widths == (width,)
    measures, _ = tried(centred=False)
    assert len(measures) > 1


def test_balancing_never_tries_a_measure_narrower_than_a_word_alone_on_its_line() -> None:
    # The long word holds a line alone: no measure narrower than it keeps the lines, so
    # the balance tries none (perfectly even lines would be far narrower).
    text = "Antidisestablishmentarianism is not the answer"

    def widths_tried(measure: Any) -> list[float]:
        tried: list[float] = []

        def recording(sizes: Sequence[float], widths: Sequence[float]) -> list[PosterMeasure]:
            tried.append(widths[0])
            return list(measure(sizes, widths))

        fit_posters([text], recording, 1000.0, 5000.0)
        return tried

    tried = widths_tried(word_measure(text, 5000.0, []))
    chosen = fit_posters([text], word_measure(text, 5000.0, []), 1000.0, 5000.0)
    word = len("Antidisestablishmentarianism") * 0.5 * chosen.sizes[0]
    assert chosen.widths[0] >= word
    assert min(tried) >= word - 0.5
    # Told nothing of words alone, the balance tries narrower measures first.
    assert len(widths_tried(fake_measure([text], 5000.0))) > len(tried)


def test_a_slogan_whose_lines_each_hold_a_word_alone_is_balanced_with_no_layout() -> None:
    # The box's height limits the type; "Solidarity" and "Forever" each hold a line alone
    # (together they are wider than the box).  At any measure no narrower than the wider
    # word the lines are these, so the balance settles there without trying one.
    text = "Solidarity Forever"
    width, height = 1000.0, 330.0
    tried: list[float] = []
    measure = word_measure(text, height, [])

    def recording(sizes: Sequence[float], widths: Sequence[float]) -> list[PosterMeasure]:
        tried.append(widths[0])
        return list(measure(sizes, widths))

    chosen = fit_stack([text], recording, width, height)
    full = measure(chosen.sizes, [width])[0]
    assert full.lines == 2 and len(full.unbroken) == 2
    assert set(tried) == {width}  # no narrower measure laid out
    assert chosen.widths[0] == pytest.approx(max(full.line_widths) + 3.0)
    balanced = measure(chosen.sizes, chosen.widths)[0]
    assert balanced.line_widths == full.line_widths
    assert chosen.heights == (balanced.height,)


def test_search_is_bounded() -> None:
    calls: list[int] = []
    fit_posters(TEXTS, fake_measure(TEXTS, 1400.0, calls), 1000.0, 1400.0)
    assert len(calls) <= 20


# --- real posters ---------------------------------------------------------------------------


@cache
def poster(fmt: str = "poster-a3", footer: str | None = None) -> RenderResult:
    return render_statement(
        load_statement(EXAMPLES / "en-free-transit.md"),
        RenderOptions(format=fmt, poster_footer=footer),
    )


def test_one_page_per_slogan_with_every_word() -> None:
    statement = load_statement(EXAMPLES / "en-free-transit.md")
    result = poster()
    reader = pdf_reader(result.pdf)
    assert len(reader.pages) == len(statement.slogans) == 3
    for page, slogan in zip(reader.pages, statement.slogans, strict=True):
        text = "".join(page.extract_text().split()).casefold()
        assert [word for word in words(slogan) if word.casefold() not in text] == []
        assert float(page.mediabox.width) == pytest.approx(297 * MM, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(420 * MM, abs=0.5)


def _font_sizes(page) -> list[float]:  # type: ignore[no-untyped-def]
    sizes: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            sizes.append(abs(size * tm[3] * cm[3]))

    page.extract_text(visitor_text=visit)
    return sizes


def test_slogans_are_set_very_large_in_one_size_for_the_series() -> None:
    reader = pdf_reader(poster().pdf)
    largest = [max(_font_sizes(page)) for page in reader.pages]
    assert all(size > 100 for size in largest)  # points, on A3
    assert len({round(size) for size in largest}) == 1


def test_footer_on_every_poster() -> None:
    reader = pdf_reader(poster(footer="Transit Union · 5 April · example.org").pdf)
    for page in reader.pages:
        assert "Transit Union · 5 April · example.org" in " ".join(page.extract_text().split())


def test_headline_is_the_poster_without_slogans() -> None:
    statement = parse_statement("---\ntitle: Hands off our library!\n---\n\nLead.\n")
    result = render_statement(statement, RenderOptions(format="poster-a2"))
    reader = pdf_reader(result.pdf)
    assert len(reader.pages) == 1
    assert "library!" in reader.pages[0].extract_text()
    assert float(reader.pages[0].mediabox.width) == pytest.approx(420 * MM, abs=0.5)


def test_no_word_is_broken_on_a_poster() -> None:
    statement = parse_statement(
        "---\ntitle: T\nslogans:\n  - Internationalisation of solidarity!\n---\n"
    )
    result = render_statement(statement, RenderOptions(format="poster-a3"))
    lines = [line.strip() for line in pdf_reader(result.pdf).pages[0].extract_text().splitlines()]
    words = {"Internationalisation", "of", "solidarity!"}
    assert {word for line in lines for word in line.split()} >= words
    assert not any(line.endswith("-") for line in lines)
    assert math.isfinite(result.passes) and result.passes <= 20


def test_at_five_percent_larger_the_series_would_not_fit() -> None:
    """Read each slogan's size back from the PDF, lay it out again 5 % larger in the same
    box: the series' size is as large as its slogans allow, so at least one slogan no longer
    fits (too tall, a word too wide, or spilling onto another page)."""
    from leaflet.compose import compose_html
    from leaflet.formats import get_format
    from leaflet.render import Typesetter
    from leaflet.templates import PACKAGE_DIR, get_template

    statement = load_statement(EXAMPLES / "en-free-transit.md")
    fmt, template = get_format("poster-a3"), get_template("classic")
    reader = pdf_reader(poster().pdf)
    sizes = [max(_font_sizes(page)) for page in reader.pages]
    box_height = fmt.height - 2 * fmt.margin
    poster_context = {"texts": list(statement.slogans), "footer": None, "text_height": box_height}
    html = compose_html(
        statement, fmt, template, entry="poster.html.j2", extra={"poster": poster_context}
    )
    typesetter = Typesetter(html, base_url=EXAMPLES, roots=[PACKAGE_DIR])
    px = 96 / 72
    for scale, should_all_fit in [(1.0, True), (1.05, False)]:
        fitting = []
        css = "\n".join(
            f"#poster-{n} .poster-text {{ font-size: {size * scale:.3f}pt !important; }}"
            for n, size in enumerate(sizes, start=1)
        )
        laid_out = typesetter.layout(css)
        for n in range(1, len(sizes) + 1):
            blocks = laid_out.blocks(f"poster-text-{n}")
            fits = (
                len(blocks) == 1
                and blocks[0].height <= box_height * px + 1
                and max(blocks[0].line_widths) <= (fmt.width - 2 * fmt.margin) * px + 1
            )
            fitting.append(fits)
        assert all(fitting) == should_all_fit, (fitting, scale)


def _lonely_lines(words: list[str], size: float, width: float) -> int:
    """Lines of :func:`greedy_lines` holding one word of four letters or fewer alone."""
    lines: list[list[str]] = [[]]
    current = 0.0
    for word in words:
        word_width = len(word) * 0.5 * size
        if current and current + 0.25 * size + word_width <= width:
            current += 0.25 * size + word_width
        elif current:
            lines.append([])
            current = word_width
        else:
            current = word_width
        lines[-1].append(word)
    letters = ["".join(ch for ch in line[0] if ch.isalnum()) for line in lines if len(line) == 1]
    return sum(len(word) <= 4 for word in letters) if len(lines) > 1 else 0


def counting_measure(texts: list[str], box_height: float):  # type: ignore[no-untyped-def]
    """:func:`fake_measure` that counts the lines holding a short word alone too."""

    def measure(sizes: Sequence[float], widths: Sequence[float]) -> list[PosterMeasure]:
        results = []
        for text, size, width in zip(texts, sizes, widths, strict=True):
            lines = greedy_lines(text.split(), size, width)
            height = len(lines) * size * 1.1
            lonely = _lonely_lines(text.split(), size, width)
            pages = 1 if height <= box_height else 2
            results.append(PosterMeasure(pages, height, tuple(lines), lonely))
        return results

    return measure


STACK = [
    "Pas un enfant le ventre vide!",
    "Du local dans les assiettes, de la dignité dans les écoles!",
]


@pytest.mark.parametrize(("width", "height"), [(150, 350), (150, 500), (160, 350)])
def test_a_stack_leaves_no_word_alone_on_a_line(
    width: float, height: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At the largest size that fits, a word of the second slogan stands alone on a line; a
    # few per cent smaller, it joins the line before or after.
    measure = counting_measure(STACK, height)

    def lonely(layout) -> bool:  # type: ignore[no-untyped-def]
        return any(result.lonely for result in measure(list(layout.sizes), list(layout.widths)))

    chosen = fit_stack(STACK, measure, width, height)
    assert not lonely(chosen)
    found = PosterMeasure.lonely
    monkeypatch.setattr(PosterMeasure, "lonely", property(lambda _: False))
    largest = fit_stack(STACK, measure, width, height)
    monkeypatch.setattr(PosterMeasure, "lonely", found)
    assert lonely(largest)  # the case the rule is for
    assert largest.sizes[0] * 0.95**5 <= chosen.sizes[0] < largest.sizes[0]
    assert all(result.pages == 1 for result in measure(list(chosen.sizes), list(chosen.widths)))


def test_lonely_is_a_line_of_one_short_word() -> None:
    assert PosterMeasure(1, 10, (2, 5), 1).lonely
    assert not PosterMeasure(1, 10, (2, 5)).lonely
    # "Solidarity" / "forever now": a long word alone fills its line.
    assert not counting_measure(["Solidarity forever now"], 1000)([10.0], [60.0])[0].lonely
    # "No to" / "war": a short one is alone.
    assert counting_measure(["No to war"], 1000)([10.0], [25.0])[0].lonely
