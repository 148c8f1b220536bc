"""Imposition layouts as pure geometry: page order, padding, creep, sheets — no PDF involved."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leaflet.errors import UsageError
from leaflet.impose import (
    Box,
    Plan,
    Slot,
    get_layout,
    layouts,
    padded_order,
    pick_sheet,
    proof_plan,
    turn_side,
)
from leaflet.impose.saddle import creep_from_thickness
from leaflet.papers import paper_size

A5 = paper_size("a5")
FEW = settings(max_examples=60, deadline=None)

page_counts = st.integers(min_value=1, max_value=70)


@st.composite
def counts_and_kept(draw: st.DrawFn) -> tuple[int, int]:
    """A page count and a number of final pages to keep last (0 … count)."""
    count = draw(page_counts)
    return count, draw(st.integers(min_value=0, max_value=min(count, 6)))


def all_slots(plan: Plan) -> list[Slot]:
    return [slot for sheet in plan.sheets for side in sheet.sides for slot in side]


def folded_reading(plan: Plan) -> list[int | None]:
    """Pages as a reader meets them in the folded, stapled stack (sheet 0 outermost).

    Opening the booklet shows, going in, each sheet's front right then back left; past the
    centre spread, going out, each sheet's back right then front left.
    """
    going_in: list[int | None] = []
    going_out: list[int | None] = []
    for sheet in plan.sheets:
        assert sheet.back is not None
        (front_left, front_right), (back_left, back_right) = sheet.front, sheet.back
        going_in += [front_right.page, back_left.page]
        going_out = [back_right.page, front_left.page, *going_out]
    return going_in + going_out


@FEW
@given(counts_and_kept())
def test_saddle_places_every_page_exactly_once(case: tuple[int, int]) -> None:
    count, keep_last = case
    plan = get_layout("saddle").plan(count, *A5, keep_last=keep_last)
    pages = [slot.page for slot in all_slots(plan) if slot.page is not None]
    assert sorted(pages) == list(range(count))
    assert len(all_slots(plan)) == 4 * len(plan.sheets)
    assert len(all_slots(plan)) - count < 4  # no more than 3 blanks, no blank sheet


@FEW
@given(counts_and_kept())
def test_saddle_folded_stack_reads_in_order_with_blanks_only_before_kept_pages(
    case: tuple[int, int],
) -> None:
    count, keep_last = case
    reading = folded_reading(get_layout("saddle").plan(count, *A5, keep_last=keep_last))
    blanks = -count % 4
    split = count - keep_last
    expected = [*range(split), *[None] * blanks, *range(split, count)]
    assert reading == expected


def test_saddle_order_of_an_eight_page_booklet_matches_the_print_shop_table() -> None:
    plan = get_layout("saddle").plan(8, *A5)
    sides = [[slot.page for slot in side] for sheet in plan.sheets for side in sheet.sides]
    assert sides == [[7, 0], [1, 6], [5, 2], [3, 4]]


def test_keep_last_puts_blanks_before_the_back_cover() -> None:
    plan = get_layout("saddle").plan(6, *A5, keep_last=1)
    sides = [[slot.page for slot in side] for sheet in plan.sheets for side in sheet.sides]
    assert sides == [[5, 0], [1, None], [None, 2], [3, 4]]


@FEW
@given(st.integers(min_value=1, max_value=64), st.floats(min_value=0.01, max_value=2.0))
def test_creep_shifts_inner_sheets_towards_the_spine_growing_with_depth(
    count: int, creep: float
) -> None:
    plan = get_layout("saddle").plan(count, *A5, creep=creep)
    spine = plan.folds[0]
    shifts = []
    for depth, sheet in enumerate(plan.sheets):
        for slot in (*sheet.front, *(sheet.back or ())):
            towards_spine = 1 if slot.cell.x < spine else -1
            shift = (slot.trim.x - slot.cell.x) * towards_spine
            assert shift == pytest.approx(depth * creep)
        shifts.append(shift)
    assert shifts[0] == 0
    assert shifts == sorted(shifts)


def test_creep_from_paper_thickness_is_positive_and_proportional() -> None:
    assert creep_from_thickness(0.1) > 0
    assert creep_from_thickness(0.2) == pytest.approx(2 * creep_from_thickness(0.1))


@FEW
@given(st.sampled_from(sorted(layouts())), counts_and_kept())
def test_cells_tile_the_imposed_area_on_every_side(name: str, case: tuple[int, int]) -> None:
    count, keep_last = case
    plan = get_layout(name).plan(count, *A5, keep_last=keep_last)
    for sheet in plan.sheets:
        for side in sheet.sides:
            area = sum(slot.cell.width * slot.cell.height for slot in side)
            assert area == pytest.approx(plan.width * plan.height)
            for slot in side:
                assert slot.cell.x >= 0 and slot.cell.right <= plan.width + 1e-9
                assert slot.cell.y >= 0 and slot.cell.top <= plan.height + 1e-9


@FEW
@given(st.sampled_from(["2up", "4up"]), counts_and_kept())
def test_step_and_repeat_puts_one_page_on_each_side_in_reading_order(
    name: str, case: tuple[int, int]
) -> None:
    count, keep_last = case
    copies = {"2up": 2, "4up": 4}[name]
    plan = get_layout(name).plan(count, *A5, keep_last=keep_last)
    side_pages = []
    for sheet in plan.sheets:
        for side in sheet.sides:
            assert len(side) == copies
            assert len({slot.page for slot in side}) == 1
            side_pages.append(side[0].page)
    assert side_pages == padded_order(count, 1 if count == 1 else 2, keep_last)


def test_two_up_stacks_landscape_pages_and_sets_portrait_ones_side_by_side() -> None:
    width, height = A5
    portrait = get_layout("2up").plan(2, width, height)
    landscape = get_layout("2up").plan(2, height, width)
    assert (portrait.width, portrait.height) == pytest.approx((2 * width, height))
    assert (landscape.width, landscape.height) == pytest.approx((height, 2 * width))


def test_single_page_flyer_has_no_back() -> None:
    plan = get_layout("2up").plan(1, *A5)
    assert [sheet.back for sheet in plan.sheets] == [None]


@FEW
@given(counts_and_kept())
def test_proof_spreads_show_page_one_alone_then_pairs(case: tuple[int, int]) -> None:
    count, keep_last = case
    order = get_layout("saddle").reading_order(count, keep_last=keep_last)
    plan = proof_plan(order, *A5)
    spreads = [[slot.page for slot in sheet.front] for sheet in plan.sheets]
    cover = [slot.trim.x for slot in plan.sheets[0].front]
    assert cover == ([A5[0]] if order[0] is not None else [])  # alone, on the right
    assert len(plan.sheets) == 1 + len(order) // 2
    flattened = [page for spread in spreads for page in spread]
    assert flattened == [page for page in order if page is not None]
    assert all(sheet.back is None for sheet in plan.sheets)


def test_turning_a_side_twice_gives_it_back() -> None:
    side = get_layout("saddle").plan(4, *A5, creep=3).sheets[0].back
    assert side is not None
    once = turn_side(side, 2 * A5[0], A5[1])
    assert [slot.page for slot in once] == [slot.page for slot in side]
    assert once[0].trim == Box(A5[0], 0, *A5)  # left page moved to the right, turned
    assert once[0].rotation == 180
    assert turn_side(once, 2 * A5[0], A5[1]) == side


@pytest.mark.parametrize(
    ("page", "sheet"),
    [("a5", "a4"), ("a4", "a3"), ("letter", "tabloid"), ("half-letter", "letter")],
)
def test_pick_sheet_finds_the_smallest_sheet_holding_two_pages(page: str, sheet: str) -> None:
    width, height = paper_size(page)
    assert pick_sheet((2 * width, height)) == sheet


def test_pick_sheet_refuses_what_no_standard_sheet_holds() -> None:
    with pytest.raises(UsageError, match="no standard sheet"):
        pick_sheet((2 * paper_size("a3")[0], paper_size("a3")[1]))


@pytest.mark.parametrize(("count", "keep_last"), [(0, 0), (4, 5), (4, -1)])
def test_padded_order_rejects_impossible_requests(count: int, keep_last: int) -> None:
    with pytest.raises(UsageError):
        padded_order(count, 4, keep_last)


def test_unknown_layout_lists_the_known_ones() -> None:
    with pytest.raises(UsageError, match="2up, 4up, saddle"):
        get_layout("zine")


def test_every_layout_documents_how_to_finish_the_sheets() -> None:
    for layout in layouts().values():
        assert layout.__doc__ and len(layout.__doc__.splitlines()) > 2
        assert layout.FINISHING
