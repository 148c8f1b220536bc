"""Typeset a statement into a print-ready PDF.

SOURCE is a Markdown statement with YAML front matter (default: statement.md in the current
folder).  The PDF is written to OUTPUT (default: <source stem>-<format>.pdf in the current
folder) and its path printed.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from ..pdfx import PDF_VARIANTS
from ..pipeline import MARKS_BLEED, RenderOptions
from ..units import format_length
from . import add_format_argument, length_argument

DEFAULTS = RenderOptions()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source",
        nargs="?",
        default="statement.md",
        metavar="SOURCE",
        help="statement file (default: %(default)s)",
    )
    add_format_argument(parser)
    parser.add_argument(
        "-t",
        "--template",
        default=DEFAULTS.template,
        metavar="TEMPLATE",
        help="built-in template name or a template folder "
        "(default: %(default)s; see 'leaflet templates')",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="OUTPUT",
        help="PDF to write (default: <source stem>-<format>.pdf)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="fail when a character of the statement is in no bundled font of the template",
    )
    parser.add_argument(
        "--pages",
        type=int,
        metavar="N",
        help="fill exactly N pages, scaling the type within the template's bounds "
        "(for booklets a multiple of 4)",
    )
    parser.add_argument(
        "--poster-footer",
        metavar="TEXT",
        help="small line at the foot of every poster (organization, date, URL)",
    )
    parser.add_argument(
        "--bleed",
        type=length_argument,
        default=DEFAULTS.bleed,
        metavar="LENGTH",
        help="extend page backgrounds this far past the trim for the print shop's cutter "
        f"(e.g. 3mm; default: {format_length(MARKS_BLEED)} with --marks, else none)",
    )
    parser.add_argument(
        "--marks",
        action="store_true",
        default=DEFAULTS.marks,
        help="draw crop marks (and fold marks on booklet sheets) outside the bleed",
    )
    parser.add_argument(
        "--pdf-variant",
        choices=PDF_VARIANTS,
        default=DEFAULTS.pdf_variant,
        help="write a PDF/X (print colours in CMYK, with an output intent) or PDF/A file",
    )
    parser.add_argument(
        "--job",
        action="store_true",
        help="also write a job ticket for the print shop: <output stem>.job.txt and .job.json",
    )
    parser.add_argument(
        "--preview",
        type=Path,
        metavar="DIR",
        help="also write every page of the PDF as a PNG picture into DIR, to look at",
    )
    parser.add_argument(
        "--html",
        type=Path,
        metavar="FILE",
        help="also write the HTML given to WeasyPrint (for template authors)",
    )


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    from ..formats import get_format
    from ..pipeline import render_statement, write_atomic
    from ..source import load_statement
    from ..templates import get_template

    options = RenderOptions(
        format=get_format(args.format).name,
        template=args.template,
        strict=args.strict,
        pages=args.pages,
        poster_footer=args.poster_footer,
        bleed=args.bleed,
        marks=args.marks,
        pdf_variant=args.pdf_variant,
    )
    get_template(options.template)  # an unknown template fails before any parsing
    source = Path(args.source)
    statement = load_statement(source)
    output = args.output or Path(f"{source.stem}-{options.format}.pdf")
    result = render_statement(statement, options)
    if args.html is not None:
        write_atomic(args.html, result.html.encode("utf-8"))
    write_atomic(output, result.pdf)
    pages = "page" if result.page_count == 1 else "pages"
    scale = f", type at {result.scale:.0%}" if abs(result.scale - 1) > 1e-3 else ""
    stdout.write(f"{output} ({result.page_count} {pages}, {options.format}{scale})\n")
    if result.instruction:
        stdout.write(f"{result.instruction}\n")
    if args.preview is not None:
        from ..gallery import write_previews

        for path in write_previews(result.pdf, args.preview, output.stem):
            stdout.write(f"{path}\n")
    if args.job:
        from ..jobticket import job_ticket, write_job_ticket

        for path in write_job_ticket(output, job_ticket(output, statement, options, result)):
            stdout.write(f"{path}\n")
    return 0
