"""Repairs after layout (:mod:`leaflet.repair`): the faults one paragraph's own settings can
mend — a heading ending on one word, a run of hyphenated lines, a word hyphenated across a
page turn — are mended by one more layout, read back from the PDF; a repair never costs a
page, and nothing of the text is lost."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

import leaflet.pipeline
from leaflet.fonts import font_face_css
from leaflet.pipeline import RenderOptions, RenderResult, render_statement
from leaflet.preflight import Line, hyphen_across_pages, hyphen_ladder, lonely_last_word
from leaflet.render import Typesetter, walk_lines
from leaflet.repair import EVEN_MARGIN, _greedy, balanced_measure, even_measure, repair_css
from leaflet.source import parse_statement
from leaflet.templates import PACKAGE_DIR


def line(text: str, width: float, paragraph: int = 1, role: str = "heading") -> Line:
    return Line(1, text, role, paragraph, left=0.0, right=width)  # type: ignore[arg-type]


def test_greedy_breaking() -> None:
    # (lines, words on the last line)
    assert _greedy([10, 10, 10], 100, 1) == (1, 3)
    assert _greedy([10, 10, 10], 21, 1) == (2, 1)
    assert _greedy([10, 10, 10], 20, 1) == (3, 1)
    # A word wider than the measure still takes a line of its own.
    assert _greedy([50, 10], 20, 1) == (2, 1)


def test_balanced_measure_ends_on_two_words_in_as_many_lines() -> None:
    lines = [line("Companies whose workers are joining the", 314.0), line("strike", 44.0)]
    measure = balanced_measure(lines, 334.0)
    sizes = [len(word) * 314.0 / 39 for word in lines[0].text.split()] + [44.0]
    lines_made, last_words = _greedy(sizes, measure, 314.0 / 39)
    assert (lines_made, last_words >= 2) == (2, True)
    # A heading whose words cannot move keeps its width.
    assert balanced_measure([line("Solidarity", 80.0), line("now", 30.0)], 300.0) == 300.0


def test_even_measure_keeps_the_lines_and_evens_them() -> None:
    # "Local food on every plate, dignity in all our" / "schools!": two lines, the second
    # short.  At the even measure the words still make two lines, the last of two words or
    # more (the last two are tied), and the measure is about half the text's width.
    per_char = 8.0
    first = "Local food on every plate, dignity in all our"
    lines = [
        line(first, len(first) * per_char, role="slogan"),
        line("schools!", 64.0, role="slogan"),
    ]
    measure = even_measure(lines, 400.0)
    assert measure < 400.0
    words = [len(word) * per_char for word in f"{first} schools!".split()]
    words[-2:] = [words[-2] + per_char + words[-1]]
    count, last = _greedy(words, measure / EVEN_MARGIN, per_char)
    assert count == 2 and last >= 2
    total = sum(words) + per_char * (len(words) - 1)
    assert measure / EVEN_MARGIN < total * 0.6
    # Too few words to move: the width stays.
    assert even_measure([line("Bread", 40.0), line("now!", 32.0)], 300.0) == 300.0


HEADING_STYLE = """
@page { size: 120mm 90mm; margin: 5mm; }
html { font-family: "PT Serif"; font-size: 10pt; line-height: 14pt; }
body { margin: 0; }
h2 { font-size: 16pt; line-height: 1.2; margin: 0 0 4pt; width: 70mm; }
p { margin: 0; hyphens: auto; hyphenate-character: "-"; }
"""


def typesetter(body: str, css: str = HEADING_STYLE) -> Typesetter:
    html = (
        f'<!DOCTYPE html><html lang="en"><head><style>{font_face_css(["PT Serif"])}'
        f"{css}</style></head><body>{body}</body></html>"
    )
    return Typesetter(html, base_url=PACKAGE_DIR, roots=[PACKAGE_DIR])


#: Words random headings are made of.
HEADING_WORDS = "the workers of every city demand their rights and fair wages now".split()  # noqa: SIM905


def lonely_heading() -> str:
    """A heading WeasyPrint ends on one word in a 70 mm measure (found by laying out)."""
    rng = random.Random(5)
    words = HEADING_WORDS
    for _ in range(200):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(5, 12)))
        walk = walk_lines(typesetter(f"<h2>{text}</h2>").layout())
        if lonely_last_word(walk.layout):
            return text
    raise AssertionError("no heading ending on one word found")


def test_a_heading_ending_on_one_word_is_balanced() -> None:
    text = lonely_heading()
    setter = typesetter(f"<h2>{text}</h2><p>Text after it.</p>")
    before = walk_lines(setter.layout())
    css = repair_css(before, setter.selector)
    assert "max-width" in css
    after = walk_lines(setter.layout(css))
    assert lonely_last_word(after.layout) == []
    heading = [found for found in after.layout.lines if found.role == "heading"]
    assert " ".join(found.text.strip() for found in heading).split() == text.split()
    assert len(heading[-1].text.split()) >= 2


def test_a_ladder_of_hyphens_is_repaired_by_the_paragraph_s_zone() -> None:
    long_words = ["internationalism", "responsibilities", "administrations", "organizational"]
    rng = random.Random(3)
    text = " ".join(rng.choice([*long_words, "of", "the", "and"]) for _ in range(160))
    style = HEADING_STYLE + "p { width: 40mm; text-align: justify; }"
    setter = typesetter(f"<p>{text}</p>", style)
    before = walk_lines(setter.layout())
    assert hyphen_ladder(before.layout), "the test text makes no ladder"
    css = repair_css(before, setter.selector)
    assert "hyphenate-limit-zone: 40%" in css
    after = walk_lines(setter.layout(css))
    ladders = sum(len(note.message) for note in hyphen_ladder(after.layout))
    assert ladders < sum(len(note.message) for note in hyphen_ladder(before.layout))


def test_a_word_hyphenated_across_the_page_turn_is_not_hyphenated() -> None:
    rng = random.Random(8)
    words = ["demonstration", "solidarity", "the", "union", "of", "workers", "organization", "and"]
    style = HEADING_STYLE + "p { width: 50mm; }"
    for _ in range(40):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(120, 220)))
        setter = typesetter(f"<p>{text}</p>", style)
        before = walk_lines(setter.layout())
        if hyphen_across_pages(before.layout):
            break
    else:
        pytest.fail("no text hyphenated across a page turn found")
    css = repair_css(before, setter.selector)
    assert "hyphens: manual" in css
    after = walk_lines(setter.layout(css))
    assert hyphen_across_pages(after.layout) == []


def pdf_lines(result: RenderResult) -> list[str]:
    document = pdfium.PdfDocument(result.pdf)
    text = "\n".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    return [re.sub(r"\s+", " ", found).strip() for found in text.splitlines()]


@pytest.fixture(scope="module")
def lonely_statement() -> str:
    """A statement whose heading classic sets on A5 with one word alone on its last line
    (found by rendering without repairs)."""
    rng = random.Random(21)
    words = HEADING_WORDS
    paragraph = "We will organize in every workplace and every street until we win. " * 6
    original = leaflet.pipeline.REPAIR_ROUNDS
    leaflet.pipeline.REPAIR_ROUNDS = 0
    try:
        for _ in range(60):
            heading = " ".join(rng.choice(words) for _ in range(rng.randint(6, 12)))
            source = f"---\ntitle: T\nlang: en\n---\n\nLead.\n\n## {heading}\n\n{paragraph}\n"
            result = render_statement(
                parse_statement(source), RenderOptions(format="a5", template="classic")
            )
            if any("one word alone" in note.message for note in result.notes):
                return source
    finally:
        leaflet.pipeline.REPAIR_ROUNDS = original
    raise AssertionError("no heading ending on one word found")


def test_render_balances_a_heading_and_loses_no_word(lonely_statement: str) -> None:
    statement = parse_statement(lonely_statement)
    result = render_statement(statement, RenderOptions(format="a5", template="classic"))
    assert not [note for note in result.notes if "one word alone" in note.message]
    heading = next(found for found in lonely_statement.splitlines() if found.startswith("## "))[3:]
    lines = pdf_lines(result)
    # The heading's lines, read back from the PDF: every word, the last line two or more.
    start = next(i for i, found in enumerate(lines) if heading.startswith(found))
    read, end = "", start
    while len(read) < len(heading):
        read = f"{read} {lines[end]}".strip()
        end += 1
    assert read == heading
    assert len(lines[end - 1].split()) >= 2


def test_repairs_never_cost_a_page() -> None:
    """An example in classic A5: the repaired layout has the pages of the unrepaired, and no
    more notes."""
    examples = sorted((Path(__file__).parents[1] / "examples").glob("*.md"))[:1]
    original = leaflet.pipeline.REPAIR_ROUNDS
    for example in examples:
        statement = parse_statement(example.read_text(encoding="utf-8"), path=example)
        options = RenderOptions(format="a5", template="classic")
        leaflet.pipeline.REPAIR_ROUNDS = 0
        try:
            plain = render_statement(statement, options)
        finally:
            leaflet.pipeline.REPAIR_ROUNDS = original
        repaired = render_statement(statement, options)
        assert repaired.page_count == plain.page_count
        assert len(repaired.notes) <= len(plain.notes)


def test_a_stack_of_words_too_long_to_share_a_line_is_left_as_it_is() -> None:
    # Each word fills the measure: no narrower measure brings a word down to the last line,
    # so no repair is proposed (nor a layout spent on it).
    words = "internationalism responsibilities organizational"
    setter = typesetter(
        f"<h2>{words}</h2><p>Text after it.</p>", HEADING_STYLE + "h2 { width: 45mm; }"
    )
    walk = walk_lines(setter.layout())
    heading = [found for found in walk.layout.lines if found.role == "heading"]
    assert [found.text.strip() for found in heading] == words.split()
    assert lonely_last_word(walk.layout)
    assert repair_css(walk, setter.selector) == ""
