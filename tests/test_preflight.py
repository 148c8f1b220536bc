"""The layout preflight (:mod:`leaflet.preflight`): each rule on a small document laid out by
WeasyPrint that breaks it and one that does not; then the notes through ``leaflet render``
(printed, ``--strict-layout``, the job ticket) and ``leaflet check --source``."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from leaflet.fonts import font_face_css
from leaflet.preflight import (
    NOTE_CODES,
    QUOTE,
    Layout,
    Line,
    Note,
    Page,
    automatic_hyphen,
    call_starts_line,
    fragment_last_line,
    heading_at_page_foot,
    hyphen_across_pages,
    hyphen_ladder,
    hyphenated_name,
    line_length,
    lonely_last_word,
    mostly_empty_page,
    overflow,
    preflight,
    touching_calls,
)
from leaflet.render import layout, preflight_layout, write_pdf
from leaflet.templates import PACKAGE_DIR

from conftest import CliResult, assert_refused

Cli = Callable[..., CliResult]
Rule = Callable[[Layout], list[Note]]

#: Ten-point type on a line of 20 pt: lines are easy to count.
STYLE = """
@page { size: 120mm 60mm; margin: 5mm; }
html { font-family: "PT Serif"; font-size: 10pt; line-height: 20pt; }
body { margin: 0; hyphens: manual; hyphenate-character: "-"; orphans: 1; widows: 1; }
h1, h2, p { margin: 0; font-size: 10pt; }
.narrow { width: 12mm; }
"""


def lay_out(body: str, css: str = "", *, posters: bool = False) -> Layout:
    """The preflight model of *body* laid out on small pages with a bundled font."""
    html = (
        f'<!DOCTYPE html><html lang="en"><head><style>{font_face_css(["PT Serif"])}'
        f"{STYLE}{css}</style></head><body>{body}</body></html>"
    )
    return preflight_layout(
        layout(html, base_url=PACKAGE_DIR, roots=[PACKAGE_DIR]), posters=posters
    )


def body(*paragraphs: str) -> str:
    return '<main class="body">' + "".join(f"<p>{p}</p>" for p in paragraphs) + "</main>"


def call(number: int) -> str:
    return f'<a class="note-call" href="#note-{number}">{number}</a>'


#: Fragments parted by soft hyphens: in a 12 mm column each fragment is a line.
def fragments(count: int) -> str:
    return "&shy;".join(["mmm"] * count)


#: Leaves room for two lines at the foot of the first page (seven lines a page).
FILLER = '<div style="height: 35mm"></div>'

CASES: dict[str, tuple[Rule, str, str, str]] = {
    # rule: (function, breaking document, sound document, words of the note)
    "1 call starts a line": (
        call_starts_line,
        body(f"Fares rose<br>{call(1)} again this year."),
        body(f"Fares rose{call(1)}<br>again this year."),
        "a note call starts a line",
    ),
    "2 touching calls": (
        touching_calls,
        body(f"Fares rose{call(1)}{call(2)} again."),
        body(f"Fares rose{call(1)},{call(2)} again."),
        "note calls touch with no separator (12 reads as one number)",
    ),
    "3 hyphen ladder": (
        hyphen_ladder,
        f'<p class="narrow">{fragments(4)}</p>',
        f'<p class="narrow">{fragments(3)} mmm-mmm-mmm</p>',
        "3 hyphenated lines in a row",
    ),
    "4 fragment last line": (
        fragment_last_line,
        body("The council raised every fare<br>it."),
        body("The council raised every fare<br>again and again."),
        "a paragraph ends on a short word alone",
    ),
    "5 hyphen across pages": (
        hyphen_across_pages,
        f'{FILLER}<p class="narrow">{fragments(3)}</p>',
        f'{FILLER}<p class="narrow">mmm mmm mmm mmm</p>',
        "a word is hyphenated across the page turn",
    ),
    "6 lonely last word": (
        lonely_last_word,
        "<h2>What you can do<br>today</h2>",
        "<h2>What you<br>can do today</h2>",
        "one word alone on the last line of a heading",
    ),
    "7 line length": (
        line_length,
        '<main class="body"><p style="width: 30mm">Buses for people, not for profit: '
        "reverse the fare rise now, and take the network back.</p></main>",
        '<main class="body"><p style="width: 90mm">Buses for people, not for profit: '
        "reverse the fare rise now, and take the network back into public hands.</p></main>",
        "body lines of fewer than 40 characters",
    ),
    "8 mostly empty page": (
        mostly_empty_page,
        '<p style="height: 40mm">Full.</p><p style="break-before: page">Nearly empty.</p>',
        '<p style="height: 40mm">Full.</p><p style="height: 40mm; break-before: page">Full.</p>',
        "the page is only",
    ),
    "9 heading at the page foot": (
        heading_at_page_foot,
        '<div style="height: 30mm"></div><h2>Our demands</h2>'
        + body("One.<br>Two.<br>Three.<br>Four."),
        '<div style="height: 10mm"></div><h2>Our demands</h2>'
        + body("One.<br>Two.<br>Three.<br>Four."),
        "a heading in the last 3 lines of the page or column",
    ),
    "10 overflow": (
        overflow,
        '<p class="narrow" style="overflow-wrap: normal">Unbreakable</p>',
        '<p style="overflow-wrap: normal">Unbreakable</p>',
        "a line runs out of its column",
    ),
    "11 hyphenated name": (
        hyphenated_name,
        '<p style="width: 24mm">met in Zapo&shy;rizh&shy;zhia</p>',
        '<p style="width: 24mm">met in zapo&shy;rizh&shy;zhia</p>',
        "a proper name is hyphenated",
    ),
}


def test_the_last_piece_of_an_address_is_no_short_word() -> None:
    address = "https://example.org/housing_committee_platform"
    narrow = '<p style="width: 38mm; overflow-wrap: anywhere">'
    linked = lay_out(f'<main class="body">{narrow}See <a href="{address}">{address}</a></p></main>')
    assert linked.lines[-1].address and len(linked.lines[-1].text.split()) == 1
    assert fragment_last_line(linked) == []
    plain = lay_out(f'<main class="body">{narrow}See {address}</p></main>')
    assert not plain.lines[-1].address


def test_german_capitals_are_nouns_not_names() -> None:
    breaking = CASES["11 hyphenated name"][1].replace("<p ", '<p lang="de" ')
    assert lay_out(breaking).lines[0].hyphenated
    assert hyphenated_name(lay_out(breaking)) == []


@pytest.mark.parametrize("case", CASES)
def test_rule_finds_its_fault_and_only_it(case: str) -> None:
    rule, breaking, sound, words = CASES[case]
    found = rule(lay_out(breaking))
    assert found, case
    assert words in found[0].message, found
    # each note says what kind it is, and the pieces its message quotes
    assert found[0].code in NOTE_CODES, found[0].code
    assert all(str(value) in found[0].message for value in found[0].args.values())
    assert rule(lay_out(sound)) == [], case


def test_notes_name_the_page_and_quote_at_most_40_characters() -> None:
    text = " ".join(["Buses for people, not for profit"] * 4)
    layout_ = lay_out(body(f"{text}<br>{call(1)} {text}"))
    (note,) = call_starts_line(layout_)
    assert str(note).startswith("page 1: a note call starts a line")
    quoted = note.message.split("“")[1].rstrip("”")
    assert len(quoted) <= QUOTE and quoted.endswith("…")
    # the code and pieces are extra: the note compares, sorts and prints as before
    assert (note.code, note.args) == ("call_starts_line", {"text": quoted})
    assert note == replace(note, code="", args={})
    assert "code" not in repr(note)


def test_page_numbers_follow_the_pages() -> None:
    found = hyphen_across_pages(lay_out(f'{FILLER}<p class="narrow">{fragments(11)}</p>'))
    assert [note.page for note in found] == [1, 2]


def test_explicit_hyphens_are_not_hyphenation() -> None:
    lines = lay_out('<p class="narrow">mmm-mmm-mmm-mmm-mmm</p>').lines
    assert [line.text for line in lines][:2] == ["mmm-", "mmm-"]
    assert not any(line.hyphenated for line in lines)
    assert automatic_hyphen("con-", "gestion", "more congestion")
    assert not automatic_hyphen("fare-", "free", "fare-free travel")
    assert not automatic_hyphen("FARE-", "FREE", "fare-free travel")  # capitals
    assert not automatic_hyphen("ends", "here", "ends here")


def test_designed_pages_may_be_empty() -> None:
    document = '<p style="height: 40mm">Full.</p><p style="break-before: page">Slogan</p>'
    assert mostly_empty_page(lay_out(document, posters=True)) == []
    back = '<p style="height: 40mm">Full.</p><div style="page: back; break-before: page">X</div>'
    assert mostly_empty_page(lay_out(back, "@page back { margin: 5mm; }")) == []


def test_slogans_and_notes_are_told_apart() -> None:
    model = lay_out(
        '<p class="slogan">Buses for people,<br>now!</p>'
        '<section class="notes"><ol><li>A source.</li></ol></section>'
        + body("Text.")
        + '<main class="body"><ul><li>A demand.</li></ul></main>'
    )
    assert [(line.role, line.text) for line in model.lines] == [
        ("slogan", "Buses for people,"),
        ("slogan", "now!"),
        ("note", "A source."),
        ("body", "Text."),
        ("list", "A demand."),
    ]
    assert [note.message[:45] for note in lonely_last_word(model)] == [
        "one word alone on the last line of a slogan: "
    ]


def test_overflow_below_the_page() -> None:
    lines = (Line(1, "Falls off", "body", 1, top=90, bottom=110, right=10, box_right=10),)
    model = Layout((Page(1, 1.0, 100.0),), lines)
    assert [str(note) for note in overflow(model)] == [
        "page 1: a line runs below the page's text area: “Falls off”"
    ]


def test_preflight_orders_notes_by_page() -> None:
    model = lay_out(f'<p class="narrow">{fragments(6)}</p>')
    notes = preflight(model)
    assert [note.page for note in notes] == sorted(note.page for note in notes)
    assert any("hyphenated lines in a row" in note.message for note in notes)


# --- through the command line ------------------------------------------------------------------

#: Body text long enough for several full lines.
TEXT = (
    "The council raised the single bus fare by forty per cent, the third increase in four "
    "years. For the nurses on early shifts and the students who cross the river every day, "
    "this is not a detail of the budget: it is a wall between them and their work."
)


@pytest.fixture
def narrow(tmp_path: Path) -> tuple[Path, Path]:
    """A statement and a template whose body paragraphs are 35 mm wide: every full line of
    body text is under 40 characters (rule 7), whatever else the layout does."""
    statement = tmp_path / "statement.md"
    statement.write_text(f"---\ntitle: Fares\n---\n\nLead.\n\n## Why\n\n{TEXT}\n")
    template = tmp_path / "narrow"
    template.mkdir()
    (template / "manifest.toml").write_text('extends = "classic"\n')
    (template / "style.css").write_text("main.body p { width: 35mm; }\n")
    return statement, template


def test_render_prints_notes(cli: Cli, narrow: tuple[Path, Path], tmp_path: Path) -> None:
    statement, template = narrow
    output = tmp_path / "out.pdf"
    result = cli("render", statement, "-f", "a5", "-t", template, "-o", output)
    assert result.code == 0, result.err
    assert output.is_file()
    notes = [line for line in result.err.splitlines() if line.startswith("leaflet: note: ")]
    assert any(
        line.startswith("leaflet: note: page 1: ") and "of fewer than 40 characters" in line
        for line in notes
    ), result.err


def test_strict_layout_refuses_and_writes_nothing(
    cli: Cli, narrow: tuple[Path, Path], tmp_path: Path
) -> None:
    statement, template = narrow
    source = statement.read_bytes()
    output = tmp_path / "out.pdf"
    result = cli(
        "render", statement, "-t", template, "--strict-layout", "--job", "-o", output, "-f", "a5"
    )
    assert_refused(result, mentions="--strict-layout")
    assert "layout note" in result.err and "leaflet: note: page 1: " in result.err
    assert not output.exists() and not (tmp_path / "out.job.json").exists()
    assert statement.read_bytes() == source


def test_strict_layout_passes_a_sound_layout(cli: Cli, tmp_path: Path) -> None:
    statement = tmp_path / "statement.md"
    statement.write_text("---\ntitle: Fares\n---\n\nThe fare rise must go.\n")
    output = tmp_path / "out.pdf"
    result = cli("render", statement, "-f", "a5", "--strict-layout", "-o", output)
    assert (result.code, result.err) == (0, "")
    assert output.is_file()


def test_job_ticket_lists_the_notes(cli: Cli, narrow: tuple[Path, Path], tmp_path: Path) -> None:
    statement, template = narrow
    output = tmp_path / "out.pdf"
    result = cli("render", statement, "-f", "a5", "-t", template, "--job", "-o", output)
    assert result.code == 0, result.err
    printed = [
        line.removeprefix("leaflet: note: ")
        for line in result.err.splitlines()
        if line.startswith("leaflet: note: ")
    ]
    ticket = json.loads((tmp_path / "out.job.json").read_text())
    assert ticket["notes"] == printed and printed
    text = (tmp_path / "out.job.txt").read_text().splitlines()
    assert [line for line in text if line.startswith("Layout note: ")] == [
        f"Layout note: {note}" for note in printed
    ]


# --- a finished PDF: leaflet check --source -----------------------------------------------------

#: Page 1: a call starting the second line, two calls touching, then a word hyphenated over
#: the page turn (room for two of its three lines); the notes the calls link to on page 2.
FINISHED = (
    ".note-call { font-size: 0.68em; vertical-align: 0.45em; line-height: 1; }",
    body(f"Fares rose<br>{call(1)} again{call(2)}{call(3)} this year.")
    + '<div style="height: 20mm"></div>'
    + f'<p class="narrow">{fragments(3)}</p>'
    + "".join(f'<p id="note-{n}">Source {n}.</p>' for n in (1, 2, 3)),
)


@pytest.fixture
def finished(tmp_path: Path) -> tuple[Path, Path]:
    """A PDF written from :data:`FINISHED` and the statement it stands for."""
    css, document = FINISHED
    html = (
        f'<!DOCTYPE html><html lang="en"><head><style>{font_face_css(["PT Serif"])}'
        f"{STYLE}{css}</style></head><body>{document}</body></html>"
    )
    laid_out = layout(html, base_url=PACKAGE_DIR, roots=[PACKAGE_DIR])
    pdf = tmp_path / "finished.pdf"
    pdf.write_bytes(write_pdf(laid_out, identifier=b"0" * 32))
    statement = tmp_path / "statement.md"
    statement.write_text("---\ntitle: Fares\n---\n\nFares rose again this year.\n")
    return pdf, statement


def test_check_source_reports_calls_and_page_turn_hyphens(
    cli: Cli, finished: tuple[Path, Path]
) -> None:
    pdf, statement = finished
    result = cli("check", pdf, "--source", statement)
    notes = [line for line in result.out.splitlines() if line.startswith("note: ")]
    assert [note.split(":")[1:3] for note in notes] == [
        [" page 1", " a note call starts a line, parted from its word"],
        [" page 1", " note calls touch with no separator (23 reads as one number)"],
        [" page 1", " a word is hyphenated across the page turn"],
    ], result.out
    report = json.loads(cli("check", pdf, "--source", statement, "--json").out)
    assert report["notes"] == [note.removeprefix("note: ") for note in notes]


def test_check_without_faults_has_no_notes(cli: Cli, tmp_path: Path) -> None:
    statement = tmp_path / "statement.md"
    statement.write_text(
        "---\ntitle: Fares\n---\n\nThe fare rise must go.[^1]\n\n[^1]: A source.\n"
    )
    pdf = tmp_path / "out.pdf"
    assert cli("render", statement, "-f", "a5", "-o", pdf).code == 0
    result = cli("check", pdf, "--source", statement)
    assert result.code == 0 and "note:" not in result.out, result.out


def test_a_booklet_is_read_in_reader_order(cli: Cli, tmp_path: Path) -> None:
    """Sheets of a saddle-stitched booklet hold pages out of order: the notes name reader
    pages, as ``render`` does."""
    statement = tmp_path / "statement.md"
    paragraphs = "\n\n".join(f"Paragraph {n} about fares.[^{n}]" for n in range(1, 40))
    notes = "\n\n".join(f"[^{n}]: Source {n}." for n in range(1, 40))
    statement.write_text(f"---\ntitle: Fares\n---\n\n{paragraphs}\n\n{notes}\n")
    pdf = tmp_path / "booklet.pdf"
    assert cli("render", statement, "-f", "a5-fold", "-o", pdf).code == 0
    from leaflet.pdflines import pdf_layout

    lines = pdf_layout(pdf.read_bytes(), statement.read_text(), saddle=True).lines
    numbers = [int(line.text.split()[1]) for line in lines if line.text.startswith("Paragraph ")]
    assert numbers == list(range(1, 40))
    assert [line.page for line in lines] == sorted(line.page for line in lines)


def test_a_pdf_pdfium_cannot_open_has_no_notes() -> None:
    from leaflet.pdflines import pdf_notes

    assert pdf_notes(b"%PDF-1.7\nnot really", "") == ()


def test_notes_and_the_strict_error_are_public() -> None:
    import leaflet

    assert leaflet.Note(2, "x").page == 2 and str(leaflet.Note(2, "x")) == "page 2: x"
    assert issubclass(leaflet.LayoutError, leaflet.RenderError)


def test_a_booklets_back_page_notes_name_its_reader_page() -> None:
    """Blanks go before a booklet's back page: its notes move with it (5 pages → page 8)."""
    from leaflet.pipeline import _renumbered

    notes = (Note(1, "text"), Note(5, "back"))
    assert [note.page for note in _renumbered(notes, 5, 1, 8)] == [1, 8]
    assert _renumbered(notes, 5, 0, 8) == notes  # no back page


@pytest.mark.parametrize("page", ["cover", "flap", "back"])
def test_a_designed_page_is_not_judged_by_the_texts_flow(page: str) -> None:
    """A folded piece's cover holds its title alone, its flap the notes: a heading near their
    foot, or a page far from full, is the design (CSS named pages, render.DESIGNED_PAGES)."""
    parted = (
        f'<div style="page: {page}"><div style="height: 30mm"></div><h2>Our demands</h2>'
        "<p>One.<br>Two.</p></div><p>Three.<br>Four.</p>"
    )
    assert heading_at_page_foot(lay_out(parted)) == []
    short = (
        '<p style="page: {}">Short.</p><p style="page: x">Next.</p><p style="height: 40mm">x</p>'
    )
    assert mostly_empty_page(lay_out(short.format(page))) == []
    assert mostly_empty_page(lay_out(short.format("auto")))  # a page of the flow is noted
    # The same on a page of the flow is noted.
    assert heading_at_page_foot(lay_out(parted.replace(f"page: {page}", "page: auto")))
