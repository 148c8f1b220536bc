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
        text = "".join(c for page in glyphs(stamped) for c, _ in page)
        assert f"Meet {fields['day']} at" in text
