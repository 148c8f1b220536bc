"""Imposition layouts: their declarations and order tables as pure geometry (page order,
padding, creep, panels, folding simulated in code, cut-and-stack piles), then imposed PDFs
read back panel by panel, and their fold and cut marks."""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leaflet.errors import UsageError
from leaflet.impose import (
    Box,
    Line,
    PageRule,
    Plan,
    Printing,
    Slot,
    get_layout,
    layouts,
    padded_order,
    pick_sheet,
    proof_plan,
    turn_side,
)
from leaflet.impose.saddle import creep_from_thickness
from leaflet.imposition import ImposeOptions, impose
from leaflet.papers import paper_size
from leaflet.units import POINTS_PER

from conftest import assert_refused, run_bounded

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
    layout = get_layout(name)
    count, keep_last = case
    count = min(count, layout.PAGE_RULE.exact or count)
    keep_last = min(keep_last, count)
    plan = layout.plan(count, *A5, keep_last=keep_last)
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
    with pytest.raises(UsageError, match="2up, 4up, cut-stack, saddle, trifold, zfold, zine"):
        get_layout("gatefold")


def test_every_layout_documents_how_to_finish_the_sheets() -> None:
    for layout in layouts().values():
        assert layout.__doc__ and len(layout.__doc__.splitlines()) > 2
        assert layout.FINISHING


# Declarations: what every layout tells the rest of leaflet ------------------------------------

MM = POINTS_PER["mm"]
A4_LANDSCAPE = paper_size("a4", landscape=True)
#: The finished pages each layout is made for (points).
PAGES = {
    "saddle": A5,
    "2up": A5,
    "4up": paper_size("a6"),
    "cut-stack": paper_size("a6"),
    "trifold": (100 * MM, 210 * MM),
    "zfold": (99 * MM, 210 * MM),
    "zine": (74 * MM, 105 * MM),
}


def test_every_layout_declares_what_the_rest_of_leaflet_needs() -> None:
    assert sorted(layouts()) == sorted(PAGES)
    for name, layout in layouts().items():
        width, height = PAGES[name]
        for count in range(1, (layout.PAGE_RULE.exact or 9) + 1):
            padded = len(layout.reading_order(count))
            assert layout.PAGE_RULE.padded(count) == padded
            assert len(layout.roles(count)) == padded, name
            assert len(layout.page_widths(count, width)) == padded, name
            assert set(layout.roles(count)) <= {"cover", "inside", "back", "flap"}
            assert isinstance(layout.printing(count, width, height), Printing)
            assert layout.copies_per_sheet(count, width, height) >= 1
            assert layout.sheets_per_copy(count, width, height) > 0
        assert set(layout.OPERATIONS) <= {"fold", "cut", "staple"} and layout.OPERATIONS
        plan = layout.plan(layout.PAGE_RULE.exact or 2, width, height)
        assert sum(layout.panel_widths(width)) == pytest.approx(
            plan.width if "fold" in layout.OPERATIONS else width
        )


@pytest.mark.parametrize(
    ("rule", "padded", "accepted"),
    [
        (PageRule(multiple=4), {1: 4, 4: 4, 5: 8, 8: 8}, {4, 8}),
        (PageRule(exact=6), {1: 6, 5: 6, 6: 6}, {6}),
        (PageRule(), {1: 1, 3: 3, 7: 7}, {1, 2, 3, 4, 5, 6, 7, 8}),
        (PageRule(multiple=2, single=True), {1: 1, 2: 2, 3: 4, 4: 4}, {1, 2, 4, 6, 8}),
    ],
)
def test_page_rules_pad_and_accept_counts(
    rule: PageRule, padded: dict[int, int], accepted: set[int]
) -> None:
    assert {count: rule.padded(count) for count in padded} == padded
    assert {count for count in range(1, 9) if rule.accepts(count)} == accepted
    assert not rule.accepts(0)


def test_an_exact_page_rule_refuses_more_pages_and_says_how_many_it_takes() -> None:
    assert str(PageRule(exact=6)) == "exactly 6 pages"
    assert str(PageRule(multiple=4)) == "a multiple of 4 pages"
    with pytest.raises(UsageError, match="7 pages: the layout takes exactly 6 pages"):
        get_layout("trifold").reading_order(7)
    assert get_layout("trifold").reading_order(4, keep_last=1) == [0, 1, 2, None, None, 3]


@pytest.mark.parametrize(
    ("name", "count", "roles"),
    [
        ("saddle", 6, ("cover", *["inside"] * 6, "back")),
        ("2up", 1, ("cover",)),
        ("4up", 3, ("cover", "back", "cover", "back")),
        ("cut-stack", 2, ("cover", "back")),
        ("trifold", 6, ("cover", "inside", "inside", "inside", "back", "flap")),
        ("zfold", 5, ("cover", "inside", "inside", "inside", "inside", "back")),
        ("zine", 8, ("cover", *["inside"] * 6, "back")),
    ],
)
def test_roles_of_the_pages_in_reading_order(name: str, count: int, roles: tuple[str]) -> None:
    assert get_layout(name).roles(count) == roles


@pytest.mark.parametrize(
    ("name", "count", "page", "printing", "operations"),
    [
        ("saddle", 8, A5, Printing(2, "short"), ("fold", "staple")),
        ("2up", 2, A5, Printing(2, "short"), ("cut",)),  # side by side: landscape A4
        ("2up", 2, A5[::-1], Printing(2, "long"), ("cut",)),  # one above the other: portrait
        ("2up", 1, A5, Printing(1), ("cut",)),
        ("4up", 2, paper_size("a6"), Printing(2, "long"), ("cut",)),
        ("cut-stack", 2, (99 * MM, 210 * MM), Printing(2, "short"), ("cut",)),
        ("cut-stack", 2, (210 * MM, 99 * MM), Printing(2, "long"), ("cut",)),
        ("trifold", 6, PAGES["trifold"], Printing(2, "short"), ("fold",)),
        ("zfold", 6, PAGES["zfold"], Printing(2, "short"), ("fold",)),
        ("zine", 8, PAGES["zine"], Printing(1), ("cut", "fold")),
    ],
)
def test_printing_and_finishing(
    name: str,
    count: int,
    page: tuple[float, float],
    printing: Printing,
    operations: tuple[str, ...],
) -> None:
    layout = get_layout(name)
    assert layout.printing(count, *page) == printing
    assert operations == layout.OPERATIONS
    assert str(Printing(2, "short")) == "double-sided, flip on short edge"
    assert str(Printing(1)) == "single-sided"


@pytest.mark.parametrize(
    ("name", "count", "page", "copies", "sheets"),
    [
        # Worked by hand: a 10-page booklet pads to 12, 4 pages a sheet.
        ("saddle", 10, A5, 1, Fraction(3)),
        ("saddle", 4, A5, 1, Fraction(1)),
        # One flyer per sheet, cut in two: half a sheet a copy; 3 pages make 2 flyers, 2 sheets.
        ("2up", 1, A5, 2, Fraction(1, 2)),
        ("2up", 2, A5, 2, Fraction(1, 2)),
        ("2up", 3, A5, 2, Fraction(1)),
        ("4up", 2, paper_size("a6"), 4, Fraction(1, 4)),
        ("4up", 6, paper_size("a6"), 4, Fraction(3, 4)),
        ("cut-stack", 2, paper_size("a6"), 4, Fraction(1, 4)),
        ("cut-stack", 2, A5, 2, Fraction(1, 2)),
        ("cut-stack", 1, (99 * MM, 210 * MM), 3, Fraction(1, 3)),
        # Five different A6 flyers, four places a sheet: one set takes two sheets.
        ("cut-stack", 10, paper_size("a6"), 1, Fraction(2)),
        ("trifold", 6, PAGES["trifold"], 1, Fraction(1)),
        ("zfold", 6, PAGES["zfold"], 1, Fraction(1)),
        ("zine", 8, PAGES["zine"], 1, Fraction(1)),
    ],
)
def test_yield_of_a_sheet(
    name: str, count: int, page: tuple[float, float], copies: int, sheets: Fraction
) -> None:
    layout = get_layout(name)
    assert layout.copies_per_sheet(count, *page) == copies
    assert layout.sheets_per_copy(count, *page) == sheets


@FEW
@given(st.sampled_from(["saddle", "2up", "4up", "cut-stack"]), page_counts)
def test_yield_agrees_with_the_job_tickets_sheet_count(name: str, count: int) -> None:
    """The job ticket quotes ``sheets / copies`` with copies counted on the first side."""
    layout = get_layout(name)
    plan = layout.plan(count, *A5)
    copies = max(Counter(slot.page for slot in plan.sheets[0].front).values())
    expected = Fraction(len(plan.sheets), copies) if copies > 1 else Fraction(len(plan.sheets))
    assert layout.copies_per_sheet(count, *A5) == copies
    assert layout.sheets_per_copy(count, *A5) == expected


# Folding simulated: a strip of panels, each with the page facing up and the one facing down ---


@dataclass
class Panel:
    up: int | None
    down: int | None
    left: float
    right: float
    layer: int


def laid_out(plan: Plan, side_up: int) -> list[Panel]:
    """The one sheet of *plan* lying with side *side_up* (0 front, 1 back) facing up: panels
    left to right, each with the page behind it (a back is the front turned over about the
    vertical axis)."""
    sheet = plan.sheets[0]
    assert sheet.back is not None
    up, down = (sheet.front, sheet.back) if side_up == 0 else (sheet.back, sheet.front)
    panels = []
    for slot in up:
        behind = [s for s in down if s.cell.x == pytest.approx(plan.width - slot.cell.right)]
        panels.append(Panel(slot.page, behind[0].page, slot.cell.x, slot.cell.right, 0))
    return panels


def fold(panels: list[Panel], at: float, *, moving_right_of: bool, over: bool) -> None:
    """Fold the panels on one side of the line x = *at* over the others (*over*: on top,
    a valley fold) or under them (a mountain fold)."""
    moving = [
        p for p in panels if (p.left >= at - 1e-6 if moving_right_of else p.right <= at + 1e-6)
    ]
    top, bottom = max(p.layer for p in panels), min(p.layer for p in panels)
    lowest, highest = min(p.layer for p in moving), max(p.layer for p in moving)
    for panel in moving:
        panel.up, panel.down = panel.down, panel.up
        panel.left, panel.right = 2 * at - panel.right, 2 * at - panel.left
        # Turning the moving part over reverses its layers.
        panel.layer = (
            top + 1 + highest - panel.layer if over else bottom - 1 - (panel.layer - lowest)
        )


def stack(panels: list[Panel]) -> list[Panel]:
    return sorted(panels, key=lambda panel: -panel.layer)


def test_roll_fold_panels_on_an_a4_sheet_as_print_shops_set_them() -> None:
    layout = get_layout("trifold")
    width, height = PAGES["trifold"]
    plan = layout.plan(6, width, height)
    (sheet,) = plan.sheets
    assert sheet.back is not None
    # Outside, left to right: the flap (on the narrow panel), the back, the cover.
    assert [slot.page for slot in sheet.front] == [5, 4, 0]
    assert [round(slot.cell.width / MM, 3) for slot in sheet.front] == [97, 100, 100]
    # Inside: pages 2, 3, 4 (0-based 1, 2, 3), the narrow tuck-in panel on the right.
    assert [slot.page for slot in sheet.back] == [1, 2, 3]
    assert [round(slot.cell.width / MM, 3) for slot in sheet.back] == [100, 100, 97]
    assert plan.width == pytest.approx(A4_LANDSCAPE[0])
    assert layout.panel_widths(width) == pytest.approx((97 * MM, 100 * MM, 100 * MM))
    assert layout.page_widths(6, width) == pytest.approx(
        tuple(w * MM for w in (100, 100, 100, 97, 100, 97))
    )
    # Each page keeps its width, centred on its panel: the tuck-in panel shows its middle.
    for slot in (*sheet.front, *sheet.back):
        assert slot.trim.width == pytest.approx(width)
        assert slot.trim.x + slot.trim.width / 2 == pytest.approx(slot.cell.x + slot.cell.width / 2)
    # Folds between the panels: mirrored on the inside.
    assert [round(x / MM, 3) for x in plan.folds] == [97, 197]
    inside = plan.lines(back=True)
    assert [round(x / MM, 3) for x in inside.folds_x] == [100, 200]
    assert [round(x / MM, 3) for x in inside.cuts_x] == [0, 297]
    assert [round(x / MM, 3) for x in plan.lines().cuts_x] == [0, 297]


def test_roll_fold_folded_shows_the_cover_on_top_the_flap_inside_and_the_back_underneath() -> None:
    plan = get_layout("trifold").plan(6, *PAGES["trifold"])
    panels = laid_out(plan, side_up=1)  # inside up: 2, 3, 4
    middle_left, middle_right = panels[1].left, panels[1].right
    fold(panels, middle_right, moving_right_of=True, over=True)  # the narrow panel in first
    fold(panels, middle_left, moving_right_of=False, over=True)  # then the left one over it
    top, tucked, bottom = stack(panels)
    assert top.up == 0  # the cover
    assert tucked.up == 5  # the flap, seen on opening the cover, beside page 2 …
    assert top.down == 1
    assert bottom.down == 4  # … and the back underneath
    # The tuck-in panel lies inside the folded leaflet without reaching its far fold.
    assert tucked.left > middle_left + 2 * MM and tucked.right == pytest.approx(middle_right)
    assert top.left == pytest.approx(middle_left) and top.right == pytest.approx(middle_right)


def test_letter_roll_fold_fills_a_letter_sheet_with_a_narrower_tuck_in_panel() -> None:
    from leaflet.impose.roll_fold import page_width_for

    letter = paper_size("letter", landscape=True)
    width = page_width_for(letter[0])
    plan = get_layout("trifold").plan(6, width, letter[1])
    assert plan.width == pytest.approx(letter[0])
    widths = [slot.cell.width for slot in plan.sheets[0].front]
    assert widths[1] == widths[2] == pytest.approx(width)
    assert widths[1] - widths[0] == pytest.approx(3 * MM)


def test_z_fold_panels_are_equal_and_fold_to_the_cover_over_the_back() -> None:
    width, height = PAGES["zfold"]
    plan = get_layout("zfold").plan(6, width, height)
    (sheet,) = plan.sheets
    assert sheet.back is not None
    assert [slot.page for slot in sheet.front] == [3, 4, 0]
    assert [slot.page for slot in sheet.back] == [1, 2, 5]
    assert {round(slot.cell.width, 6) for slot in (*sheet.front, *sheet.back)} == {round(width, 6)}
    assert plan.width == pytest.approx(297 * MM)
    assert plan.folds == pytest.approx((width, 2 * width))
    assert plan.lines(back=True).folds_x == pytest.approx((width, 2 * width))
    panels = laid_out(plan, side_up=1)  # 2, 3, 6 facing up
    fold(panels, width, moving_right_of=False, over=True)  # 2 onto 3, face to face
    fold(panels, 2 * width, moving_right_of=True, over=False)  # 6 back under the middle
    top, middle, bottom = stack(panels)
    assert (top.up, top.down) == (0, 1)  # the cover, opening like a book onto 2 …
    assert middle.up == 2  # … and 3
    assert bottom.down == 5  # the back underneath
    assert all(
        p.left == pytest.approx(width) and p.right == pytest.approx(2 * width) for p in panels
    )


def test_mini_zine_rows_read_6_7_8_1_and_upside_down_5_4_3_2() -> None:
    width, height = PAGES["zine"]
    plan = get_layout("zine").plan(8, width, height)
    (sheet,) = plan.sheets
    assert sheet.back is None  # single-sided
    rows: dict[str, list[tuple[int | None, int]]] = {"top": [], "bottom": []}
    for slot in sorted(sheet.front, key=lambda slot: slot.cell.x):
        rows["top" if slot.cell.y > 0 else "bottom"].append((slot.page, slot.rotation))
    # 1-based: bottom 6 7 8 1 upright, top 5 4 3 2 turned 180°.
    assert rows == {
        "bottom": [(5, 0), (6, 0), (7, 0), (0, 0)],
        "top": [(4, 180), (3, 180), (2, 180), (1, 180)],
    }
    assert (plan.width, plan.height) == pytest.approx((4 * width, 2 * height))
    assert pick_sheet((plan.width, plan.height)) == "a4"
    lines = plan.lines()
    assert lines.folds_x == pytest.approx((width, 2 * width, 3 * width))
    assert lines.folds_y == pytest.approx((height,))
    assert lines.cuts_y == pytest.approx((0, 2 * height))  # the middle is a fold, not a cut
    assert lines.slits == (Line(width, height, 3 * width, height),)


def test_mini_zine_paper_left_uncut_joins_the_pages_in_reading_order_in_a_ring() -> None:
    """After the slit, each page is joined by a fold to the next (and the back to the cover):
    that is what lets the sheet fold into a booklet read in order."""
    width, height = PAGES["zine"]
    plan = get_layout("zine").plan(8, width, height)
    cells = {slot.page: slot.cell for slot in plan.sheets[0].front}
    slit = plan.lines().slits[0]

    def joined(a: Box, b: Box) -> bool:
        side_by_side = a.y == b.y and min(abs(a.right - b.x), abs(b.right - a.x)) < 1e-6
        stacked = a.x == b.x and min(abs(a.top - b.y), abs(b.top - a.y)) < 1e-6
        across_slit = stacked and slit.x0 - 1e-6 <= a.x and a.right <= slit.x1 + 1e-6
        return side_by_side or (stacked and not across_slit)

    assert all(joined(cells[page], cells[(page + 1) % 8]) for page in range(8))
    assert sum(joined(cells[a], cells[b]) for a in range(8) for b in range(a + 1, 8)) == 8


@pytest.mark.parametrize(
    ("page", "grid"),
    [
        (paper_size("a6"), (2, 2)),
        (A5, (2, 1)),
        ((99 * MM, 210 * MM), (3, 1)),  # DL portrait: three in a row on A4 landscape
        ((210 * MM, 99 * MM), (1, 3)),  # DL landscape: three rows on A4 portrait
        ((74 * MM, 105 * MM), (4, 2)),  # A7: eight to an A4
        (paper_size("half-letter"), (2, 1)),
    ],
)
def test_cut_stack_grid_fills_the_smallest_sheet_that_holds_two(
    page: tuple[float, float], grid: tuple[int, int]
) -> None:
    from leaflet.impose.cut_stack import grid as cut_stack_grid

    assert cut_stack_grid(*page) == grid


def test_cut_stack_refuses_pages_no_sheet_holds_two_of() -> None:
    with pytest.raises(UsageError, match=r"no standard sheet .* holds two 297×420 mm flyers"):
        get_layout("cut-stack").plan(2, *paper_size("a3"))


def test_one_flyer_is_stepped_and_repeated_on_every_place() -> None:
    plan = get_layout("cut-stack").plan(2, 99 * MM, 210 * MM, gutter=6 * MM)
    assert [[slot.page for slot in side] for side in plan.sheets[0].sides] == [[0] * 3, [1] * 3]
    assert plan.width == pytest.approx(3 * 99 * MM + 2 * 6 * MM)
    assert plan.gutter == pytest.approx(6 * MM)


def test_several_flyers_cut_and_stacked_fall_in_order() -> None:
    """Ten A6 flyers (20 pages), four places a sheet: three sheets; cutting the stack and
    laying the piles one on the other gives flyers 1 to 10 in order."""
    plan = get_layout("cut-stack").plan(20, *paper_size("a6"))
    assert len(plan.sheets) == 3
    piles: list[list[int | None]] = [[] for _ in range(4)]
    for sheet in plan.sheets:  # the first sheet printed on top of the stack
        # Pile order: top row first, left to right.
        places = sorted(sheet.front, key=lambda slot: (-slot.cell.y, slot.cell.x))
        for pile, slot in enumerate(places):
            piles[pile].append(slot.page)
    assert piles == [[0, 2, 4], [6, 8, 10], [12, 14, 16], [18, None, None]]
    # Every flyer's reverse is right behind its front.
    for sheet in plan.sheets:
        assert sheet.back is not None
        for front in sheet.front:
            (back,) = [
                s
                for s in sheet.back
                if s.cell.x == pytest.approx(plan.width - front.cell.right)
                and s.cell.y == front.cell.y
            ]
            assert back.page == (None if front.page is None else front.page + 1)


@FEW
@given(
    st.integers(min_value=3, max_value=60),
    st.sampled_from([paper_size("a6"), A5, (99 * MM, 210 * MM), (210 * MM, 99 * MM)]),
)
def test_cut_stack_piles_laid_in_order_give_every_flyer_once_in_order(
    count: int, page: tuple[float, float]
) -> None:
    plan = get_layout("cut-stack").plan(count, *page)
    places = len(plan.sheets[0].front)
    piles: list[list[int | None]] = [[] for _ in range(places)]
    for sheet in plan.sheets:
        ordered = sorted(sheet.front, key=lambda slot: (-slot.cell.y, slot.cell.x))
        for pile, slot in enumerate(ordered):
            piles[pile].append(slot.page)
    stacked = [page for pile in piles for page in pile]
    fronts = list(range(0, count + count % 2, 2))
    assert [page for page in stacked if page is not None] == fronts
    assert stacked[: len(fronts)] == fronts  # blank places only at the bottom of the last piles


# Read back: imposed PDFs rasterized and read panel by panel --------------------------------


def numbered_pdf(count: int, width_mm: float, height_mm: float, bleed: str = "3mm") -> bytes:
    """*count* pages, each showing its 1-based number at the top, on a grey background."""
    from weasyprint import HTML

    pages = "".join(f"<p>{number}</p>" for number in range(1, count + 1))
    css = (
        f"@page {{ size: {width_mm}mm {height_mm}mm; margin: 4mm; bleed: {bleed};"
        " background: #ddd }"
        "p { font: 30pt sans-serif; margin: 0; break-after: page }"
        "p:last-child { break-after: auto }"
    )
    return bytes(HTML(string=f"<style>{css}</style>{pages}").write_pdf())


def read_cells(data: bytes, widths_mm: Sequence[float], rows: int = 1) -> list[list[str]]:
    """For each sheet side, the text read in each cell (columns *widths_mm* left to right,
    *rows* rows top to bottom) of its TrimBox, marked ``^`` when it sits in the top half of
    its cell (upright) and ``v`` in the bottom half (upside down)."""
    import pypdfium2 as pdfium
    from pypdf import PdfReader

    document = pdfium.PdfDocument(data)
    sides = []
    for index, page in enumerate(PdfReader(io.BytesIO(data)).pages):
        trim = page.trimbox
        height = float(trim.height) / rows
        text = document[index].get_textpage()
        cells = []
        for row in range(rows):
            top = float(trim.top) - row * height
            left = float(trim.left)
            for width in (w * MM for w in widths_mm):
                upper, lower = (
                    text.get_text_bounded(
                        left=left, right=left + width, top=t, bottom=t - height / 2
                    ).strip()
                    for t in (top, top - height / 2)
                )
                cells.append(f"{upper}^" if upper else f"{lower}v" if lower else "")
                left += width
        sides.append(cells)
    document.close()
    return sides


def test_roll_fold_read_back_outside_and_inside() -> None:
    result = impose(numbered_pdf(6, 100, 210), ImposeOptions(layout="trifold"))
    assert result.sheet == "a4" and result.sheet_count == 1
    # Outside: flap, back, cover on 97, 100 and 100 mm panels; inside: 2, 3, 4 on 100, 100, 97.
    assert read_cells(result.data, [97, 100, 100])[0] == ["6^", "5^", "1^"]
    assert read_cells(result.data, [100, 100, 97])[1] == ["2^", "3^", "4^"]
    assert result.instruction.startswith(
        "6 pages on 1 A4 sheet: print double-sided, flip on short edge, fold in three"
    )
    assert (result.layout, result.copies_per_sheet, result.sheets_per_copy) == ("trifold", 1, 1)


def test_roll_fold_with_fewer_pages_gets_blank_panels_before_the_kept_ones() -> None:
    result = impose(numbered_pdf(4, 100, 210), ImposeOptions(layout="trifold", keep_last=1))
    # Reading order 1, 2, 3, blank, blank, 4: the back is blank, the flap carries page 4.
    assert read_cells(result.data, [97, 100, 100])[0] == ["4^", "", "1^"]
    assert read_cells(result.data, [100, 100, 97])[1] == ["2^", "3^", ""]
    assert result.instruction.startswith("6 pages (2 blank) on 1 A4 sheet")


def test_z_fold_read_back() -> None:
    result = impose(numbered_pdf(6, 99, 210), ImposeOptions(layout="zfold"))
    assert read_cells(result.data, [99, 99, 99]) == [["4^", "5^", "1^"], ["2^", "3^", "6^"]]


def test_z_fold_flipped_on_the_long_edge_turns_the_inside_upside_down() -> None:
    result = impose(numbered_pdf(6, 99, 210), ImposeOptions(layout="zfold", flip="long"))
    assert read_cells(result.data, [99, 99, 99]) == [["4^", "5^", "1^"], ["6v", "3v", "2v"]]


def test_mini_zine_read_back_with_the_top_row_upside_down() -> None:
    result = impose(numbered_pdf(8, 74, 105), ImposeOptions(layout="zine"))
    assert result.sheet == "a4" and result.printing == "single-sided"
    assert read_cells(result.data, [74] * 4, rows=2) == [
        ["5v", "4v", "3v", "2v", "6^", "7^", "8^", "1^"]
    ]


def test_cut_stack_read_back_in_pile_order() -> None:
    result = impose(numbered_pdf(6, 105, 148, bleed="0"), ImposeOptions(layout="cut-stack"))
    assert read_cells(result.data, [105, 105], rows=2) == [
        ["1^", "3^", "5^", ""],
        ["4^", "2^", "", "6^"],
    ]
    assert (result.copies_per_sheet, result.sheets_per_copy) == (1, 1)


def sheet_marks(data: bytes, side: int) -> tuple[list[tuple[float, ...]], list[tuple[float, ...]]]:
    """The solid and the dashed lines (x0, y0, x1, y1 from the TrimBox corner, in mm) drawn on
    sheet side *side*."""
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(data)).pages[side]
    trim = page.trimbox
    ox, oy = float(trim.left), float(trim.bottom)
    content = page.get_contents()
    assert content is not None
    text = content.get_data().decode("ascii")
    marks = text[text.index("/Reg CS") :]
    solid, dashed = marks.split("[2 2] 0 d")
    pattern = re.compile(r"([-\d.]+) ([-\d.]+) m ([-\d.]+) ([-\d.]+) l S")

    def lines(part: str) -> list[tuple[float, ...]]:
        return [
            tuple(round((float(v) - o) / MM, 1) for v, o in zip(m, (ox, oy, ox, oy), strict=True))
            for m in pattern.findall(part)
        ]

    return lines(solid), lines(dashed)


def test_roll_fold_marks_show_the_folds_where_each_side_has_them() -> None:
    result = impose(numbered_pdf(6, 100, 210), ImposeOptions(layout="trifold", marks=True))
    for side, folds in ((0, {97.0, 197.0}), (1, {100.0, 200.0})):
        solid, dashed = sheet_marks(result.data, side)
        assert {line[0] for line in dashed} == folds
        assert all(line[0] == line[2] for line in dashed)  # vertical
        assert {line[0] for line in solid if line[0] == line[2]} == {0.0, 297.0}


def test_roll_fold_marks_on_a_back_turned_for_a_long_edge_flip() -> None:
    result = impose(
        numbered_pdf(6, 100, 210), ImposeOptions(layout="trifold", marks=True, flip="long")
    )
    _, dashed = sheet_marks(result.data, 1)
    assert {line[0] for line in dashed} == {97.0, 197.0}


def test_mini_zine_marks_draw_the_slit_and_the_folds_both_ways() -> None:
    result = impose(numbered_pdf(8, 74, 105), ImposeOptions(layout="zine", marks=True))
    solid, dashed = sheet_marks(result.data, 0)
    assert (74.0, 105.0, 222.0, 105.0) in solid  # the slit, drawn where it is cut
    assert {line[0] for line in dashed if line[0] == line[2]} == {74.0, 148.0, 222.0}
    assert {line[1] for line in dashed if line[1] == line[3]} == {105.0}
    assert {line[1] for line in solid if line[1] == line[3] and line[0] < 0} == {0.0, 210.0}


def test_too_many_pages_for_a_fold_are_refused_naming_the_file(tmp_path: Path) -> None:
    source = tmp_path / "seven.pdf"
    source.write_bytes(numbered_pdf(7, 100, 210))
    before = source.read_bytes()
    result = run_bounded("impose", source, "--layout", "trifold", cwd=tmp_path)
    assert_refused(result, mentions=f"{source}: 7 pages, but the trifold layout takes exactly 6")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["seven.pdf"]
    assert source.read_bytes() == before


def test_impose_help_lists_the_new_layouts(capsys: pytest.CaptureFixture[str]) -> None:
    from leaflet.cli import main

    with pytest.raises(SystemExit):
        main(["impose", "--help"])
    help_text = capsys.readouterr().out
    assert "{2up,4up,cut-stack,saddle,trifold,zfold,zine}" in help_text
    for name in ("cut-stack", "trifold", "zfold", "zine"):
        summary = (get_layout(name).__doc__ or "").splitlines()[0]
        assert f"\n{name}\n  {summary}\n" in help_text
