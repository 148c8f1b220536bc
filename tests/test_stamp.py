"""Render once, stamp many (leaflet.stamp): an edition made by placing its local block on the
shared pages has the same pages — text and positions — as that edition rendered alone."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from leaflet.editions import EditionRun, plan_editions, using_edition
from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import parse_statement
from leaflet.stamp import stamp

#: Placeholders only in the contact line: the fast path.
LOCAL = """\
---
title: "Save our library"
lang: en
slogans:
  - "Libraries for everyone!"
  - "No closures!"
contact: "Meet {{ day }} at {{ place }}"
website: "example.org/libraries"
---

The council plans to close the library. Come and say no: the library is where children
learn to read, where people without a computer apply for work, and where the town meets.

## What we ask

Keep every branch open, with its staff and its hours, and publish the council's figures.
"""
ROWS = [
    ["branch", "day", "place", "copies"],
    ["North", "Thursday", "Union Hall, 12 Mill Lane, a long way from the station", "500"],
    ["South", "Friday", "Library", "300"],
]


def glyphs(pdf: bytes) -> list[list[tuple[str, tuple[float, ...]]]]:
    """Every page's characters with their boxes, as pypdfium2 reads them."""
    pages = []
    for page in pdfium.PdfDocument(pdf):
        text = page.get_textpage()
        pages.append(
            [
                (text.get_text_range(index, 1), text.get_charbox(index))
                for index in range(text.count_chars())
            ]
        )
    return pages


def same_pages(stamped: bytes, alone: bytes) -> None:
    first, second = glyphs(stamped), glyphs(alone)
    assert len(first) == len(second)
    for number, (ours, theirs) in enumerate(zip(first, second, strict=True)):
        assert "".join(c for c, _ in ours) == "".join(c for c, _ in theirs), number
        for (char, box), (_, other) in zip(ours, theirs, strict=True):
            assert max(abs(a - b) for a, b in zip(box, other, strict=True)) < 0.01, (
                number,
                char,
            )


@pytest.mark.parametrize(
    "options",
    [
        RenderOptions(format="a5"),  # flat, the closing block on the last page
        RenderOptions(format="a5-fold", template="modern"),  # a booklet's back page, imposed
        RenderOptions(format="a4", template="classic", marks=True),  # two columns, marks
        # a press file: bleed and marks on the imposed sheets, CMYK through FOGRA39
        RenderOptions(format="a5-fold", pdf_variant="pdf/x-4", bleed=8.5, marks=True),
    ],
    ids=["a5", "a5-fold", "a4-marks", "a5-fold-pdfx"],
)
def test_stamped_pages_are_those_of_the_edition_alone(
    tmp_path: Path, options: RenderOptions
) -> None:
    source = tmp_path / "statement.md"
    source.write_text(LOCAL, encoding="utf-8")
    table = tmp_path / "editions.csv"
    out = io.StringIO()
    csv.writer(out).writerows(ROWS)
    table.write_text(out.getvalue(), encoding="utf-8")
    plan = plan_editions(source, table)
    run = EditionRun(plan, options, tmp_path / "out", workers=1)
    results = run.run()
    assert run.fast
    for result in results:
        assert result.path is not None, result.error
        fields = result.edition.fields
        statement = parse_statement(plan.filled(fields), source)
        with using_edition(fields):
            alone = render_statement(statement, options).pdf
        stamped = result.path.read_bytes()
        same_pages(stamped, alone)
        # The same kind of file: its PDF version (and its small objects packed alike).
        assert stamped[:9] == alone[:9]
        text = "".join(c for page in glyphs(stamped) for c, _ in page)
        assert f"Meet {fields['day']} at" in text


def test_a_block_that_just_fits_is_stamped_whole_and_one_word_more_is_refused(
    tmp_path: Path,
) -> None:
    """The fast path's measure of a block (laid out alone) and a render's (the block in the
    statement, :func:`check_local_block`) agree at the limit: the longest contact the box
    holds is stamped as the edition alone sets it; one word more, and both refuse it."""
    from dataclasses import replace

    from leaflet.errors import RenderError
    from leaflet.pipeline import render_pages
    from leaflet.stamp import check_local_block, local_pages, shared_pages

    options = RenderOptions(format="a5")
    source = tmp_path / "statement.md"
    source.write_text(LOCAL, encoding="utf-8")
    table = tmp_path / "editions.csv"
    candidates = range(1, 61)
    out = io.StringIO()
    csv.writer(out).writerows(
        [ROWS[0], *(["Hull", "Monday", " ".join(["Hall"] * count), "1"] for count in candidates)]
    )
    table.write_text(out.getvalue(), encoding="utf-8")
    plan = plan_editions(source, table)
    first = parse_statement(plan.filled(plan.editions[0].fields), source)
    shared = shared_pages(first, plan.editions[0].fields, options)
    assert shared is not None
    editions = []
    for edition in plan.editions:
        local = parse_statement(plan.local_text(edition.fields), source)
        editions.append((replace(first, contact=local.contact), edition.fields))
    blocks = local_pages(editions, shared, options)
    most = (
        next(count for count, excess in zip(candidates, blocks.overflows, strict=True) if excess)
        - 1
    )
    assert most >= 2 and not any(blocks.overflows[:most]) and all(blocks.overflows[most:])

    # the longest that fits: stamped, every word, as the edition alone
    statement, fields = editions[most - 1]
    stamped = stamp(shared, blocks.pages[most - 1], statement, options).pdf
    with using_edition(fields):
        pages = render_pages(statement, options)
        check_local_block(pages, statement, options, ("day", "place"))  # fits: no error
        alone = render_statement(statement, options).pdf
    same_pages(stamped, alone)
    text = "".join(c for page in glyphs(stamped) for c, _ in page)
    assert text.count("Hall") == most  # every word of the place

    # one word more: the render's own measure refuses it too
    statement, fields = editions[most]
    with using_edition(fields), pytest.raises(RenderError, match="too long for the local box"):
        check_local_block(render_pages(statement, options), statement, options, ("place",))
