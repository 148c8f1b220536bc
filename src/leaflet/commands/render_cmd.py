"""Typeset a statement into a print-ready PDF.

SOURCE is a Markdown statement with YAML front matter (default: statement.md in the current
folder).  The PDF is written to OUTPUT (default: <source stem>-<format>.pdf in the current
folder) and its path printed.  With '-o -' (or -o naming where standard output goes, such as
/dev/stdout) the PDF goes to standard output and the lines saying what was written go to
standard error.

The share formats (share-square, share-story) make a PNG picture for social media instead:
<source stem>-<format>.png by default, -o naming a .png file (or '-'); the options for printed
pages (--pages, --bleed, --marks, --pdf-variant, --job, --preview) are refused with them.

What a run writes (the PDF, --html, --preview pictures, --job tickets):
  - never over an input: the statement, its images and logo, the template's files (compared
    by resolved path and by inode, so links and '..' are caught); nor two outputs on one file;
  - all or nothing: every target is checked before rendering, every file is written beside
    its target first and renamed into place once all are written, so an error (one line, exit
    2) leaves every file as it was;
  - through symlinks (the link's target is replaced, the link stays) and into devices and
    pipes (written into, never replaced);
  - --preview DIR writes DIR/<output stem>-<n>.png and replaces only pictures leaflet wrote
    as previews of that stem (they carry a note saying so); those of an earlier run with more
    pages are removed; any other file of those names makes the run refuse.  --job replaces
    only tickets leaflet wrote.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from ..errors import LayoutError, SourceError, UsageError
from ..pdfx import PAPERS, PDF_VARIANTS
from ..pipeline import DELIVERIES, MARKS_BLEED, RenderOptions, RenderResult
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
        help="PDF to write (default: <source stem>-<format>.pdf, a .png for the share "
        "formats; '-': standard output)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="fail when a character of the statement is in no bundled font of the template",
    )
    parser.add_argument(
        "--strict-layout",
        action="store_true",
        default=DEFAULTS.strict_layout,
        help="fail (writing nothing) when the layout preflight finds typographic faults: "
        "note calls parted from their word, hyphen ladders, a hyphen across a page turn, "
        "stranded headings, overflowing lines … (otherwise shown as 'leaflet: note:' lines)",
    )
    parser.add_argument(
        "--require-imprint",
        action="store_true",
        help="fail when the statement has no 'imprint:' (the 'printed and promoted by' line "
        "election law asks for)",
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
        "--deliver",
        choices=DELIVERIES,
        default=DEFAULTS.deliver,
        help="booklets only: imposed press 'sheets' (default), or the 'pages' in reading "
        "order with their bleed, for a print shop that imposes itself",
    )
    parser.add_argument(
        "--pdf-variant",
        choices=PDF_VARIANTS,
        default=DEFAULTS.pdf_variant,
        help="write a PDF/X (print colours in CMYK, with an output intent) or PDF/A file",
    )
    parser.add_argument(
        "--paper",
        choices=tuple(PAPERS),
        default=DEFAULTS.paper,
        help="the paper a PDF/X file is printed on: its printing condition (coated: FOGRA39, "
        "GRACoL for US sizes; uncoated: FOGRA29) (default: %(default)s)",
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
        help="also write every page of the PDF as a PNG picture into DIR, to look at: "
        "DIR/<output stem>-<n>.png (see above for what is replaced)",
    )
    parser.add_argument(
        "--html",
        type=Path,
        metavar="FILE",
        help="also write the HTML given to WeasyPrint (for template authors)",
    )


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    from ..formats import get_format
    from ..gallery import owned_png, preview_mark, preview_outputs, remove_stale_previews
    from ..jobticket import job_ticket, job_ticket_outputs
    from ..output import (
        STDOUT,
        Output,
        binary_stdout,
        check_outputs,
        html_files,
        is_stream,
        statement_files,
        template_files,
        write_outputs,
        writes_to,
    )
    from ..pipeline import render_statement
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
        paper=args.paper,
        strict_layout=args.strict_layout,
        deliver=args.deliver,
    )
    template = get_template(options.template)  # an unknown template fails before any parsing
    source = Path(args.source)
    share = get_format(options.format).kind == "share"
    if share:
        _check_share(args, options.format)
    suffix = ".png" if share else ".pdf"
    output: Path = args.output or Path(f"{source.stem}-{options.format}{suffix}")
    if args.job and is_stream(output):
        raise UsageError(f"--job names the tickets after the PDF: give -o a file, not {output}")
    # A PDF written to standard output keeps it to itself: the status lines go to stderr.
    report = args.stderr if writes_to(output, stdout) else stdout
    stem = source.stem if output == STDOUT else output.stem
    statement = load_statement(source)
    if args.require_imprint and not statement.imprint:
        raise SourceError(
            "no 'imprint:' in the front matter (--require-imprint): add the 'printed and "
            "promoted by' line election law asks for",
            source,
        )
    inputs = [*statement_files(statement), *template_files(template)]

    # Every output is checked before the render (previews by the first one's name).
    extras = [Output(args.html)] if args.html is not None else []
    if args.preview is not None:
        extras.append(owned_png(args.preview / f"{stem}-1.png", b"", preview_mark(stem)))
    if args.job:
        extras += job_ticket_outputs(output, None)
    check_outputs([Output(output), *extras], inputs)

    try:
        result = render_statement(statement, options)
    except LayoutError as error:
        _show_notes(args.stderr, error.notes)
        raise
    _show_notes(args.stderr, result.notes)
    if share:
        return _write_share(args, output, result, inputs, stdout, report)
    outputs = [Output(output, result.pdf)]
    if args.html is not None:
        outputs.append(Output(args.html, result.html.encode("utf-8")))
    previews = preview_outputs(result.pdf, args.preview, stem) if args.preview else []
    tickets: tuple[Output, ...] = ()
    if args.job:
        tickets = job_ticket_outputs(output, job_ticket(output, statement, options, result))
    write_outputs(
        [*outputs, *previews, *tickets],
        [*inputs, *html_files(result.html)],
        stdout=binary_stdout(stdout),
    )
    if args.preview is not None:
        remove_stale_previews(args.preview, stem, len(previews))

    pages = "page" if result.page_count == 1 else "pages"
    scale = f", type at {result.scale:.0%}" if abs(result.scale - 1) > 1e-3 else ""
    report.write(f"{output} ({result.page_count} {pages}, {options.format}{scale})\n")
    if result.instruction:
        report.write(f"{result.instruction}\n")
    report.writelines(f"{written.path}\n" for written in [*previews, *tickets])
    return 0


def _show_notes(stderr: TextIO, notes: Iterable[object]) -> None:
    """The layout preflight's notes (:mod:`leaflet.preflight`), one ``leaflet: note:`` line
    each on standard error, like warnings: they tell, they do not stop the run."""
    stderr.writelines(f"leaflet: note: {note}\n" for note in notes)


#: What a share picture (a PNG for the screen) has no use for: options for printed pages.
SHARE_REFUSED = {
    "pages": "--pages",
    "bleed": "--bleed",
    "marks": "--marks",
    "pdf_variant": "--pdf-variant",
    "job": "--job",
    "preview": "--preview",
}


def _check_share(args: argparse.Namespace, fmt: str) -> None:
    """Refuse, before anything is read or written, what a share picture cannot be: printed
    pages' options, and an output other than a PNG."""
    from ..output import is_stream

    for name, option in SHARE_REFUSED.items():
        if getattr(args, name) not in (None, False):
            raise UsageError(f"{option}: {fmt} is a PNG picture for the screen, not pages to print")
    output = args.output
    if output is not None and not is_stream(output) and output.suffix.lower() != ".png":
        raise UsageError(f"-o {output}: {fmt} is a PNG picture; name the output *.png")


def _write_share(
    args: argparse.Namespace,
    output: Path,
    result: RenderResult,
    inputs: list[Path],
    stdout: TextIO,
    report: TextIO,
) -> int:
    """Write the share picture (and --html), atomically, and say what was written."""
    from ..formats import get_format
    from ..output import Output, binary_stdout, html_files, write_outputs
    from ..share import pixel_size, share_png

    fmt = get_format(args.format)
    outputs = [Output(output, share_png(result.pdf, fmt))]
    if args.html is not None:
        outputs.append(Output(args.html, result.html.encode("utf-8")))
    write_outputs(outputs, [*inputs, *html_files(result.html)], stdout=binary_stdout(stdout))
    width, height = pixel_size(fmt)
    report.write(f"{output} ({width} × {height} px PNG, {fmt.name})\n")
    return 0
