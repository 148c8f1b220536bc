"""Local editions: one statement, one PDF per row of a CSV or XLSX table (leaflet.editions)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest

from leaflet.editions import escape_markdown, plan_editions, read_editions, slug
from leaflet.errors import SourceError
from leaflet.source import parse_statement

from conftest import assert_refused, pdf_reader, pdfium_text, run_bounded, run_cli

STATEMENT = """\
---
title: "Save the {{ branch }} library"
lang: en
slogans:
  - "Libraries for everyone!"
contact: "Meet {{ day }} at {{ place }}"
website: "example.org/libraries"
---

The council plans to close the library in {{ branch }}. Come and say no.

## What we ask

Keep every branch open, with its staff and its hours.
"""

#: Placeholders only in the local block (contact): the fast path.
LOCAL = STATEMENT.replace("{{ branch }}", "our")


def table(folder: Path, rows: list[list[str]], name: str = "editions.csv") -> Path:
    path = folder / name
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


HEADER = ["branch", "day", "place", "copies"]
ROWS = [
    HEADER,
    ["North Leeds", "Thursday", "Union Hall, 12 Mill Lane", "500"],
    ["Saint-Étienne", "Friday", "Salle 2", "300"],
    ["North Leeds", "Monday", "Hall B", ""],
]


def files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


# --- the table and the plan (no rendering) ----------------------------------------------------


def test_rows_are_named_after_the_first_column_slugged_and_unique(tmp_path: Path) -> None:
    editions = read_editions(table(tmp_path, ROWS))
    assert [edition.name for edition in editions] == [
        "north-leeds",
        "saint-etienne",
        "north-leeds-2",
    ]
    assert [edition.row for edition in editions] == [2, 3, 4]
    assert [edition.copies for edition in editions] == [500, 300, None]
    assert slug("  ***  ") == ""


def test_an_xlsx_table_is_read_like_a_csv(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in ROWS:
        sheet.append([int(cell) if cell.isdigit() else cell for cell in row])
    book.save(tmp_path / "editions.xlsx")
    editions = read_editions(tmp_path / "editions.xlsx")
    assert [edition.fields["place"] for edition in editions][:2] == [
        "Union Hall, 12 Mill Lane",
        "Salle 2",
    ]
    assert editions[0].copies == 500


def test_every_row_is_checked_before_anything_is_rendered(tmp_path: Path) -> None:
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT, encoding="utf-8")
    rows = [*ROWS[:3], ["Hull", "", "Guildhall", "10"]]
    with pytest.raises(SourceError) as caught:
        plan_editions(source, table(tmp_path, rows))
    assert "row 4" in str(caught.value) and "'day'" in str(caught.value)
    with pytest.raises(SourceError, match="no column 'place'"):
        plan_editions(source, table(tmp_path, [["branch", "day"], ["Hull", "Monday"]]))


def test_a_value_is_inserted_as_text_not_markup(tmp_path: Path) -> None:
    """A row cannot add emphasis, links, HTML or blocks to the body, nor keys to the front
    matter: its value reads as itself."""
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT, encoding="utf-8")
    hostile = '*bold* [x](http://evil) <b>tag</b> # head\n- item "q" \\ `c`'
    plan = plan_editions(
        source, table(tmp_path, [HEADER, [hostile, "Monday", 'Hall"\ntitle: pwned', "1"]])
    )
    statement = parse_statement(plan.filled(plan.editions[0].fields), source)
    assert (
        statement.title.replace("\u201c", '"')
        .replace("\u201d", '"')
        .startswith('Save the *bold* [x](http://evil) <b>tag</b> # head - item "q" \\ `c`')
    )
    assert statement.contact is not None and "title: pwned" in statement.contact
    assert statement.lead is not None
    html = statement.lead.content.html
    assert "<em>" not in html and "<a " not in html and "<b>" not in html
    assert "*bold*" in statement.lead.content.text
    assert len(statement.blocks) == 2  # the heading and its paragraph: no block was added
    assert escape_markdown("a*b") == "a\\*b"


@pytest.mark.parametrize(
    ("text", "mentions"),
    [
        ("{{ branch.__class__ }}", "a field's name alone"),
        ("{{ branch | upper }}", "a field's name alone"),
        ("{% for x in branch %}{{ x }}{% endfor %}", "only {{ field }}"),
        ("{{ branch[0] }}", "a field's name alone"),
        ("{{ branch", "placeholder"),
    ],
)
def test_only_plain_placeholders_are_allowed(tmp_path: Path, text: str, mentions: str) -> None:
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT + f"\n{text}\n", encoding="utf-8")
    before = source.read_bytes()
    out = tmp_path / "out"
    result = run_cli("render", source, "--editions", table(tmp_path, ROWS), "-o", out)
    assert_refused(result, mentions=mentions)
    assert "statement.md:" in result.err
    assert not out.exists() and source.read_bytes() == before


def test_an_unquoted_placeholder_in_the_front_matter_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT.replace('"Meet {{ day }} at {{ place }}"', "{{ place }}"))
    result = run_cli("render", source, "--editions", table(tmp_path, ROWS), "-o", tmp_path / "o")
    assert_refused(result, mentions="inside a quoted value")


def test_placeholders_only_in_the_local_block_take_the_fast_path(tmp_path: Path) -> None:
    source = tmp_path / "statement.md"
    source.write_text(LOCAL, encoding="utf-8")
    assert plan_editions(source, table(tmp_path, ROWS)).local_only
    source.write_text(STATEMENT, encoding="utf-8")
    assert not plan_editions(source, table(tmp_path, ROWS)).local_only


# --- runs -------------------------------------------------------------------------------------


def test_each_row_gets_its_pdf_with_its_values(tmp_path: Path) -> None:
    """The full path (a placeholder in running text), in this process."""
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(
        "render", source, "-f", "a5", "--editions", table(tmp_path, ROWS), "-o", out,
        "--workers", "1",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert files(out) == ["north-leeds-2.pdf", "north-leeds.pdf", "saint-etienne.pdf"]
    for name, branch, place in [
        ("north-leeds", "North Leeds", "Union Hall, 12 Mill Lane"),
        ("saint-etienne", "Saint-Étienne", "Salle 2"),
        ("north-leeds-2", "North Leeds", "Hall B"),
    ]:
        # (a hyphen at a line's end is not in the text layer: compare without hyphens)
        text = " ".join(pdfium_text((out / f"{name}.pdf").read_bytes()).split()).replace("-", "")
        assert f"library in {branch}.".replace("-", "") in text
        assert f"at {place}" in text
    assert "3 of 3 editions written" in result.err


def test_a_missing_field_is_an_error_before_any_render(tmp_path: Path) -> None:
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT, encoding="utf-8")
    rows = [*ROWS[:2], ["Hull", "Monday", "", "5"], ROWS[2]]
    out = tmp_path / "out"
    result = run_bounded("render", source, "--editions", table(tmp_path, rows), "-o", out)
    assert_refused(result, mentions="row 3: field 'place' is empty")
    assert not out.exists()


def test_a_failing_row_does_not_lose_the_others(tmp_path: Path) -> None:
    """A row with a character no bundled font has fails under --strict; the rows around it
    are written, the run ends with exit 1 naming the row."""
    source = tmp_path / "statement.md"
    source.write_text(LOCAL, encoding="utf-8")
    rows = [HEADER, ROWS[1], ["Hull", "Monday", "Hall \U00013000", "5"], ROWS[2]]
    out = tmp_path / "out"
    result = run_cli(
        "render", source, "-f", "a5", "--strict", "--editions", table(tmp_path, rows),
        "-o", out, "--workers", "1",
    )  # fmt: skip
    assert result.code == 1, result.err
    assert files(out) == ["north-leeds.pdf", "saint-etienne.pdf"]
    assert "leaflet: error: row 3 (hull)" in result.err
    assert "2 of 3 editions written" in result.err and "1 failed" in result.err


def test_combine_writes_all_editions_a_packing_list_and_one_ticket(tmp_path: Path) -> None:
    source = tmp_path / "statement.md"
    source.write_text(LOCAL, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(
        "render", source, "-f", "a5-fold", "--editions", table(tmp_path, ROWS), "-o", out,
        "--combine",
    )  # fmt: skip
    assert result.code == 0, result.err
    names = ["north-leeds", "saint-etienne", "north-leeds-2"]
    single = [len(pdf_reader(out / f"{name}.pdf").pages) for name in names]
    combined = pdf_reader(out / "statement-editions.pdf")
    assert len(combined.pages) == sum(single)
    for number, name in enumerate(names):  # in the table's order
        page = combined.pages[sum(single[:number])]
        first = pdf_reader(out / f"{name}.pdf").pages[0]
        assert page.extract_text() == first.extract_text()
    packing = list(csv.reader(io.StringIO((out / "statement-editions.packing.csv").read_text())))
    assert packing[0][:4] == ["edition", "row", "copies", "file"]
    assert [row[:4] for row in packing[1:4]] == [
        ["North Leeds", "2", "500", "north-leeds.pdf"],
        ["Saint-Étienne", "3", "300", "saint-etienne.pdf"],
        ["North Leeds", "4", "", "north-leeds-2.pdf"],
    ]
    # An A5 booklet's copy is one A4 sheet, folded.
    assert all(int(row[4]) == 4 and row[5] == "1" for row in packing[1:4]), packing
    ticket = (out / "statement-editions.job.txt").read_text()
    assert "Print job: statement-editions.pdf" in ticket
    assert "800 copies in 3 editions" in ticket


def test_the_packing_list_counts_sheets_of_flat_pages_too(tmp_path: Path) -> None:
    # Flat pages printed on both sides: two pages a sheet, as the job ticket counts them.
    source = tmp_path / "statement.md"
    source.write_text(LOCAL, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(
        "render", source, "-f", "a5", "--editions", table(tmp_path, ROWS), "-o", out,
        "--combine", "--workers", "1",
    )  # fmt: skip
    assert result.code == 0, result.err
    packing = list(csv.reader(io.StringIO((out / "statement-editions.packing.csv").read_text())))
    for row in packing[1:4]:
        pages = len(pdf_reader(out / row[3]).pages)
        assert row[4:6] == [str(pages), str(-(-pages // 2))]


def test_combine_is_refused_for_share_pictures_before_rendering(tmp_path: Path) -> None:
    source = tmp_path / "statement.md"
    source.write_text(LOCAL, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(
        "render", source, "-f", "share-square", "--editions", table(tmp_path, ROWS), "-o", out,
        "--combine",
    )  # fmt: skip
    assert_refused(result, mentions="--combine")
    assert not out.exists()


def test_a_statement_with_braces_but_no_table_renders_as_before(tmp_path: Path) -> None:
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT, encoding="utf-8")
    result = run_cli("render", source, "-f", "a5", "-o", tmp_path / "plain.pdf")
    assert result.code == 0, result.err
    assert "{{ branch }}" in pdfium_text((tmp_path / "plain.pdf").read_bytes())


def test_editions_need_a_folder_and_refuse_single_file_options(tmp_path: Path) -> None:
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT, encoding="utf-8")
    rows = table(tmp_path, ROWS)
    assert_refused(run_cli("render", source, "--editions", rows), mentions="-o")
    assert_refused(
        run_cli("render", source, "--editions", rows, "-o", tmp_path / "x.pdf"), mentions="-o"
    )
    assert_refused(run_cli("render", source, "--combine"), mentions="--editions")
    assert not (tmp_path / "x.pdf").exists()


def test_an_output_over_an_input_is_refused_before_rendering(tmp_path: Path) -> None:
    """The table's own folder as -o, with a row named like the table: never written over."""
    source = tmp_path / "statement.md"
    source.write_text(LOCAL, encoding="utf-8")
    rows = table(tmp_path, [HEADER, ["statement", "Monday", "Hall", "1"]], name="t.csv")
    (tmp_path / "statement.pdf").unlink(missing_ok=True)
    before = source.read_bytes()
    (tmp_path / "statement.pdf").symlink_to(source)
    result = run_cli("render", source, "-f", "a5", "--editions", rows, "-o", tmp_path)
    assert_refused(result, mentions="statement.md")
    assert source.read_bytes() == before


def test_a_pool_of_worker_processes_renders_the_editions(tmp_path: Path) -> None:
    """The full path in a pool of two processes (spawned, warmed once): the same files."""
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(
        "render", source, "-f", "a5", "--editions", table(tmp_path, ROWS), "-o", out,
        "--workers", "2",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert files(out) == ["north-leeds-2.pdf", "north-leeds.pdf", "saint-etienne.pdf"]
    text = pdfium_text((out / "north-leeds-2.pdf").read_bytes())
    assert "Meet Monday at Hall B" in text
    assert result.err.count("never referenced") <= 1  # the workers' warnings, shown once


@pytest.mark.parametrize(
    ("fmt", "suffix"), [("share-square", ".png"), ("dl-trifold", ".pdf"), ("poster-a3", ".pdf")]
)
def test_every_kind_of_format_makes_one_file_a_row(tmp_path: Path, fmt: str, suffix: str) -> None:
    """Pictures, pieces of panels and posters: each edition laid out in full."""
    source = tmp_path / "statement.md"
    source.write_text(LOCAL, encoding="utf-8")
    out = tmp_path / "out"
    rows = table(tmp_path, ROWS[:3])
    result = run_cli("render", source, "-f", fmt, "--editions", rows, "-o", out, "--workers", "1")
    assert result.code == 0, result.err
    assert files(out) == [f"north-leeds{suffix}", f"saint-etienne{suffix}"]
    if fmt == "dl-trifold":
        text = " ".join(pdfium_text((out / "saint-etienne.pdf").read_bytes()).split())
        assert "Meet Friday at Salle 2" in text


# --- hostile tables ---------------------------------------------------------------------------


def test_a_pipe_as_the_table_is_refused(tmp_path: Path) -> None:
    import os

    source = tmp_path / "statement.md"
    source.write_text(STATEMENT, encoding="utf-8")
    pipe = tmp_path / "editions.csv"
    os.mkfifo(pipe)
    out = tmp_path / "out"
    result = run_bounded("render", source, "--editions", pipe, "-o", out)
    assert_refused(result, mentions="editions.csv")
    assert not out.exists()


def test_an_overlong_cell_is_refused_naming_the_row(tmp_path: Path) -> None:
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT, encoding="utf-8")
    rows = [*ROWS[:2], ["Hull", "Monday", "x" * 100_000, "1"]]
    path = table(tmp_path, rows)
    before = path.read_bytes()
    out = tmp_path / "out"
    result = run_bounded("render", source, "--editions", path, "-o", out)
    assert_refused(result, mentions="row 3: field 'place' is longer than")
    assert not out.exists() and path.read_bytes() == before


def test_a_workbook_that_unpacks_to_too_much_is_refused_unread(tmp_path: Path) -> None:
    """A zip bomb dressed as a workbook: its members' sizes are read, not their data."""
    import zipfile

    bomb = tmp_path / "editions.xlsx"
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member,
    ):
        for _ in range(260):  # 260 MB of zeros: about 250 KB deflated
            member.write(b"\0" * (1 << 20))
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT, encoding="utf-8")
    out = tmp_path / "out"
    result = run_bounded("render", source, "--editions", bomb, "-o", out, memory=1 << 30)
    assert_refused(result, mentions="unpacks to too much")
    assert not out.exists()


def _kicker_run(
    tmp_path: Path, name: str, extends: str, kicker: str
) -> tuple[Path, Path, Path, Any]:
    """An editions run (a5) with a template of one's own, extending *extends*, whose
    masthead's kicker shows *kicker* (Jinja2): the template, the statement, the output folder
    and the run's result."""
    template = tmp_path / name
    template.mkdir()
    (template / "manifest.toml").write_text(
        f'name = "{name}"\ndescription = "a kicker of its own"\nextends = "{extends}"\n',
        encoding="utf-8",
    )
    (template / "statement.html.j2").write_text(
        '{% extends "base.html.j2" %}\n'
        f'{{% block kicker %}}<p class="kicker">{kicker}</p>{{% endblock %}}\n',
        encoding="utf-8",
    )
    source = tmp_path / "statement.md"
    source.write_text(LOCAL, encoding="utf-8")
    out = tmp_path / "out"
    rows = table(tmp_path, ROWS[:3])
    result = run_cli(
        "render", source, "-f", "a5", "-t", template, "--editions", rows, "-o", out,
        "--workers", "1",
    )  # fmt: skip
    return template, source, out, result


def test_a_template_reads_the_row_as_edition(tmp_path: Path) -> None:
    """A template of one's own shows a field of the row (here in the masthead's kicker),
    through ``edition``; outside a run of editions ``edition`` is none."""
    kicker = "{% if edition %}Branch: {{ edition.place }}{% else %}National{% endif %}"
    template, source, out, result = _kicker_run(tmp_path, "local-template", "classic", kicker)
    assert result.code == 0, result.err
    assert "Branch: Salle 2" in pdfium_text((out / "saint-etienne.pdf").read_bytes())
    plain = tmp_path / "plain.pdf"
    assert run_cli("render", source, "-f", "a5", "-t", template, "-o", plain).code == 0
    assert "National" in pdfium_text(plain.read_bytes())


def test_a_template_showing_the_contact_elsewhere_renders_each_edition(tmp_path: Path) -> None:
    """The contact line repeated in the masthead: the shared pages would not be shared, so
    each edition is laid out in full (its masthead holds its own contact)."""
    _, _, out, result = _kicker_run(tmp_path, "contact-template", "modern", "{{ s.contact }}")
    assert result.code == 0, result.err
    assert "each laid out in full" in result.err
    text = pdfium_text((out / "saint-etienne.pdf").read_bytes())
    assert text.count("Meet Friday at Salle 2") == 2 and "Union Hall" not in text


def test_progress_is_a_bar_on_a_terminal_and_lines_otherwise() -> None:
    from types import SimpleNamespace

    from leaflet.commands.render_cmd import _Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    done = SimpleNamespace(result=SimpleNamespace(edition=SimpleNamespace(name="hull"), error=None))
    terminal, plain = Terminal(), io.StringIO()
    for stream in (terminal, plain):
        with _Progress(stream, 2) as progress:
            progress.update(done)
            progress.update(done)
    assert "━" in terminal.getvalue() and "100%" in terminal.getvalue()
    assert plain.getvalue().splitlines() == [
        "leaflet: edition 1/2: hull done",
        "leaflet: edition 2/2: hull done",
    ]


# --- the local box: every word, or the row fails ----------------------------------------------


def words(count: int) -> str:
    """A meeting place of *count* short words (no hyphenation: each word whole in the text)."""
    return " ".join(f"qx{number}" for number in range(count))


def longest_fitting(folder: Path, source: Path, branch: str, fmt: str, template: str) -> int:
    """The most words a row's place can have with its contact block still inside the local
    box, found with the fast path's own measure (every candidate's block laid out at once)."""
    from dataclasses import replace

    from leaflet.pipeline import RenderOptions
    from leaflet.stamp import local_pages, shared_pages

    candidates = range(1, 61)
    rows = [HEADER, *([branch, "Monday", words(count), "1"] for count in candidates)]
    plan = plan_editions(source, table(folder, rows, "candidates.csv"))
    options = RenderOptions(format=fmt, template=template)
    first = parse_statement(plan.filled(plan.editions[0].fields), source)
    shared = shared_pages(first, plan.editions[0].fields, options)
    assert shared is not None
    editions = []
    for edition in plan.editions:
        local = parse_statement(plan.local_text(edition.fields), source)
        statement = replace(first, contact=local.contact, website=local.website)
        editions.append((statement, edition.fields))
    overflows = local_pages(editions, shared, options).overflows
    fitting = [count for count, excess in zip(candidates, overflows, strict=True) if not excess]
    # the shortest fit and the longest do not: the limit lies between, and words only add
    assert fitting == list(candidates[: len(fitting)]) and 2 <= len(fitting) < len(candidates)
    return len(fitting)


@pytest.mark.parametrize(
    ("statement", "fmt", "template", "path"),
    [
        (LOCAL, "a5", "classic", "shared pages laid out once"),
        (LOCAL, "a5-fold", "modern", "shared pages laid out once"),  # a booklet's back page
        (STATEMENT, "a5", "classic", "each laid out in full"),  # a placeholder in the text
    ],
    ids=["fast-a5", "fast-a5-fold", "full-a5"],
)
def test_a_contact_too_long_for_the_local_box_fails_its_row_never_cut(
    tmp_path: Path, statement: str, fmt: str, template: str, path: str
) -> None:
    """The local box hides what it cannot hold: a row whose contact block is longer fails
    (named, with its fields), its words in no file; a row that just fits is written with every
    word; the rows around them are written; exit 1 at the end."""
    source = tmp_path / "statement.md"
    source.write_text(statement, encoding="utf-8")
    most = longest_fitting(tmp_path, source, "Hull", fmt, template)
    rows = [
        HEADER,
        ROWS[1],
        ["Hull", "Monday", words(most), "5"],  # just fits
        ["Hull", "Monday", words(most + 1), "5"],  # one word too many
        ROWS[2],
    ]
    out = tmp_path / "out"
    result = run_cli(
        "render", source, "-f", fmt, "-t", template, "--editions", table(tmp_path, rows),
        "-o", out, "--workers", "1",
    )  # fmt: skip
    assert result.code == 1, result.err
    assert path in result.err
    assert files(out) == ["hull.pdf", "north-leeds.pdf", "saint-etienne.pdf"]
    failure = [line for line in result.err.splitlines() if line.startswith("leaflet: error:")]
    assert len(failure) == 1, result.err
    assert failure[0].startswith("leaflet: error: row 4 (hull-2): the contact block (contact")
    assert "fields day, place" in failure[0] and "too long for the local box" in failure[0]
    assert "2 of 3" not in result.err and "3 of 4 editions written" in result.err
    texts = {name: pdfium_text((out / name).read_bytes()) for name in files(out)}
    found = set(re.findall(r"qx\d+", texts["hull.pdf"]))
    assert found == {f"qx{number}" for number in range(most)}  # every word of the fit
    assert not any(f"qx{most}" in text for text in texts.values())  # the overlong never
    assert "Union Hall, 12 Mill Lane" in texts["north-leeds.pdf"]
    assert "Salle 2" in texts["saint-etienne.pdf"]


def test_a_contact_too_long_for_a_panel_s_box_fails_its_row(tmp_path: Path) -> None:
    """A piece of panels (each edition laid out in full), the box at the foot of a panel: a
    block running past it is broken off at the page's foot, and the row fails all the same."""
    source = tmp_path / "statement.md"
    source.write_text(LOCAL, encoding="utf-8")
    rows = [HEADER, ROWS[1], ["Hull", "Monday", words(120), "5"], ROWS[2]]
    out = tmp_path / "out"
    result = run_cli(
        "render", source, "-f", "dl-trifold", "--editions", table(tmp_path, rows), "-o", out,
        "--workers", "1",
    )  # fmt: skip
    assert result.code == 1, result.err
    assert files(out) == ["north-leeds.pdf", "saint-etienne.pdf"]
    assert "leaflet: error: row 3 (hull): the contact block (contact, website; fields day, " in (
        result.err
    )
    assert "too long for the local box" in result.err
    for name in files(out):
        assert "qx" not in pdfium_text((out / name).read_bytes())
