"""Preflight a PDF as a print shop would: boxes, bleed, page count, fonts, colour, images.

Checks that MediaBox ⊇ BleedBox ⊇ TrimBox on every page, that pages with room for crop
marks have a bleed and that artwork does not run to a trim without bleed; that a booklet
(told by its sheets' geometry) has a multiple of 4 pages; that every font is embedded; that
a PDF/X file has an output intent, no RGB colour, no transparency in PDF/X-1a and no
annotations inside the trim; that a file claiming PDF/A (in its XMP) keeps the PDF/A rules
validators find broken most often (output intent, no encryption or JavaScript, annotations
that print, no smoothed images, device colours its output intent covers, described
attachments); that body text is solid black; that Info and XMP agree; that no line is a
hairline; and warns about images under 200 dpi.  With --source, every word of the
statement must be in the PDF's text, and the layout preflight's notes that a PDF can tell are
shown (note calls parted from their word or touching, hyphenated lines in a row, a hyphen
across a page turn; they do not change the exit code).  With --copier, what a photocopier or
stencil duplicator loses is a problem too: tints lighter than 20 %, lines under 0.5 pt,
solids over 20 cm², text under 8 pt on a coloured ground (the copier template passes).
Exit code 0: no problems; 1: problems found (one line each); 2: unreadable input.  With
--json, ``findings`` lists each finding with the id of its rule (``trim-no-bleed``,
``booklet-pages``, ``pdfx-rgb-image`` …) and its severity.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pdf", type=Path, metavar="PDF", help="the PDF to check")
    parser.add_argument(
        "--source",
        type=Path,
        metavar="SOURCE",
        help="the statement it was made from: every word must be in the PDF's text",
    )
    parser.add_argument(
        "--json", action="store_true", help="print the report as JSON instead of lines"
    )
    parser.add_argument(
        "--copier",
        action="store_true",
        help="also check that it survives a photocopier or stencil duplicator: no tint "
        "lighter than 20 %%, no line under 0.5 pt, no solid over 20 cm², no text under "
        "8 pt on a coloured ground",
    )


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    from ..check import check_pdf
    from ..source import load_statement

    statement = load_statement(args.source) if args.source is not None else None
    report = check_pdf(args.pdf, statement=statement, copier=args.copier)
    if args.json:
        json.dump(report.to_dict(), stdout, ensure_ascii=False, indent=2)
        stdout.write("\n")
    else:
        lines = [
            f"{report.name}:",
            *(f"  {line}" for line in report.summary()),
            *(f"problem: {problem}" for problem in report.problems),
            *(f"warning: {warning}" for warning in report.warnings),
            *(f"note: {note}" for note in report.notes),
            report.verdict(),
        ]
        stdout.write("\n".join(lines) + "\n")
    return 0 if report.ok else 1
