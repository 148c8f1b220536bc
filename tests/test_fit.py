"""The copyfitting search, with a fake measure function (no WeasyPrint)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leaflet.fit import Law, Measure, NoFit, booklet_fit, fit_scale, natural_budget


def fake(volume_at_normal: float, calls: list[float] | None = None):  # type: ignore[no-untyped-def]
    """Text whose volume (in pages) grows with the square of the scale, like real text."""

    def measure(scale: float) -> Measure:
        if calls is not None:
            calls.append(scale)
        volume = volume_at_normal * scale * scale
        pages = max(1, math.ceil(volume - 1e-9))
        return Measure(pages, volume - (pages - 1))

    return measure


def test_shrinks_to_fit_the_budget() -> None:
    fit = fit_scale(fake(5.3), pages=4, low=0.7, high=1.0)
    assert fit.measure.pages == 4
    assert fake(5.3)(fit.scale * 1.01).pages > 4  # within 1 % of the largest fitting scale
    assert fit.passes <= 5


def test_grows_when_there_is_room() -> None:
    fit = fit_scale(fake(2.4), pages=4, low=0.7, high=1.4)
    assert fit.scale > 1.0
    assert fit.measure.pages == 4
    assert fit.measure.fill > 0.5  # room was used, not left half empty


def test_growth_stops_at_the_template_maximum() -> None:
    calls: list[float] = []
    fit = fit_scale(fake(1.0, calls), pages=4, low=0.7, high=1.3)
    assert fit.scale == pytest.approx(1.3)
    assert fit.measure.pages == 2
    assert max(calls) <= 1.3


def test_already_fitting_at_the_maximum_takes_one_pass() -> None:
    fit = fit_scale(fake(2.5), pages=3, low=0.7, high=1.0)
    assert (fit.scale, fit.passes) == (1.0, 1)


def test_impossible_reports_pages_needed_at_minimum() -> None:
    with pytest.raises(NoFit) as caught:
        fit_scale(fake(20.0), pages=4, low=0.8, high=1.0)
    assert caught.value.needed == math.ceil(20.0 * 0.8 * 0.8)
    assert caught.value.passes <= 3


def test_never_measures_outside_bounds() -> None:
    calls: list[float] = []
    fit_scale(fake(6.9, calls), pages=4, low=0.75, high=1.2)
    assert all(0.75 <= scale <= 1.2 for scale in calls)


@settings(max_examples=200, deadline=None)
@given(
    volume=st.floats(min_value=0.3, max_value=12.0),
    pages=st.integers(min_value=1, max_value=8),
    low=st.floats(min_value=0.5, max_value=1.0),
    spread=st.floats(min_value=0.0, max_value=0.6),
)
def test_result_fits_and_is_nearly_the_largest(
    volume: float, pages: int, low: float, spread: float
) -> None:
    high = low + spread
    measure = fake(volume)
    try:
        fit = fit_scale(measure, pages=pages, low=low, high=high)
    except NoFit as error:
        assert measure(low).pages > pages
        assert error.needed == measure(low).pages
        return
    assert low - 1e-9 <= fit.scale <= high + 1e-9
    assert fit.measure.pages <= pages
    # Within 2 % of the largest fitting scale (or of the template's maximum).
    assert fit.scale >= high / 1.02 or measure(fit.scale * 1.02).pages > pages
    assert fit.passes <= 8


@pytest.mark.parametrize(
    ("pages", "fill", "multiple", "reserved", "budgets"),
    [
        (1, 0.5, 1, 0, []),
        (3, 0.9, 1, 0, []),
        (3, 0.1, 1, 0, [2]),  # a last page holding a few lines
        (4, 0.6, 4, 0, []),  # already a multiple of four, its last page well filled
        (4, 0.3, 4, 0, [4]),  # a multiple of four whose last page is filled by growing
        (3, 0.1, 4, 1, [3]),  # the same, with a back page after three text pages
        (5, 0.2, 4, 0, [4, 8, 5]),  # just over four: pull back, else grow to eight, else fill
        (6, 0.9, 4, 0, [8, 6]),  # well over: fill eight pages rather than pad with blanks
        (2, 0.5, 4, 0, [4, 2]),
        (2, 0.5, 4, 1, [3, 2]),  # two text pages and the back page: three text pages
        (4, 0.2, 4, 1, [3, 7, 4]),  # a text page over: pulled back to three, else seven
    ],
)
def test_natural_budgets(
    pages: int, fill: float, multiple: int, reserved: int, budgets: list[int]
) -> None:
    assert natural_budget(Measure(pages, fill), multiple, reserved) == budgets


def test_a_booklet_grows_to_fill_its_pages_rather_than_pad_them() -> None:
    # Two text pages and a bit, a back page: three text pages fill the booklet's four.
    fit = booklet_fit(fake(2.3), Measure(3, 0.3), multiple=4, reserved=1, low=0.9, high=1.15)
    assert fit.measure.pages == 3
    assert fit.measure.fill >= 0.5


def test_a_booklet_too_short_to_fill_keeps_its_pages_full() -> None:
    # 1.3 text pages cannot grow to three: the text fills its two pages, blanks come after.
    fit = booklet_fit(fake(1.3), Measure(2, 0.3), multiple=4, reserved=1, low=0.9, high=1.15)
    assert fit.measure.pages == 2
    assert fit.measure.fill >= 0.65
    assert fit.scale == pytest.approx(1.15, abs=0.01)


def test_a_booklet_never_grows_into_a_page_of_a_few_lines() -> None:
    # 2.05 text pages at the largest type: three text pages would hold a few lines on the
    # third, so the booklet keeps two full ones (and a blank).
    fit = booklet_fit(fake(1.55), Measure(2, 0.55), multiple=4, reserved=1, low=0.9, high=1.15)
    assert fit.measure.pages == 2


def test_a_booklet_pulled_back_with_tighter_notes() -> None:
    # 3.4 text pages and a back page: the type alone (5 % smaller) cannot make three text
    # pages; with the notes set tighter (0.5 pages less) it can.
    fit = booklet_fit(
        fake(3.4),
        Measure(4, 0.4),
        multiple=4,
        reserved=1,
        low=0.95,
        high=1.15,
        tighter=[fake(2.9)],
    )
    assert (fit.measure.pages, fit.notes) == (3, 1)


def test_booklet_budgets_out_of_reach_are_not_searched() -> None:
    calls: list[float] = []
    # 1.2 text pages cannot grow to three (1.15² × 1.2 = 1.6): only the two are filled.
    booklet_fit(fake(1.2, calls), Measure(2, 0.2), multiple=4, reserved=1, low=0.9, high=1.15)
    assert len(calls) <= 4


def linear(volume_at_normal: float, calls: list[float]):  # type: ignore[no-untyped-def]
    """Text set to a measure in rem: as many lines at any size, each taller with the type."""

    def measure(scale: float) -> Measure:
        calls.append(scale)
        volume = volume_at_normal * scale
        pages = max(1, math.ceil(volume - 1e-9))
        return Measure(pages, volume - (pages - 1))

    return measure


@pytest.mark.parametrize("volume", [2.6, 3.3])
def test_the_search_predicts_with_the_law_it_is_given(volume: float) -> None:
    # Growing linear text to fill its last page: the square law would undershoot and
    # close in step by step; the linear law lands on the largest size at once.
    calls: list[float] = []
    fit = fit_scale(
        linear(volume, calls),
        pages=math.ceil(volume),
        low=0.9,
        high=1.15,
        max_passes=5,
        precision=0.02,
        law=Law(shrink=1, grow=1),
    )
    assert fit.scale == pytest.approx(1.15)
    assert len(calls) == 2
