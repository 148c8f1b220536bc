"""Place the pages of a flat PDF on press sheets, ready to print, fold or cut.

INPUT is a PDF whose pages all have one size (e.g. 'leaflet render -f a5').  The imposed PDF
is written to OUTPUT (default: <input stem>-<layout>.pdf in the current folder); its path is
printed, then one line telling how to print and finish it.  Each page is stored once, so the
imposed file is about the size of the input.  Pages with bleed keep it on every edge: a sheet
too small for the pages and their bleed grows to hold them (the line says so), and creep that
eats into the outer bleed is reported there too.

OUTPUT is never INPUT (nor a link to it); it is written atomically (all of it or nothing,
together with the --job tickets, which replace only tickets leaflet wrote), through symlinks,
and into devices and pipes.
"""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path
from typing import TextIO

from ..errors import UsageError
from ..impose import STANDARD_SHEETS, layouts
from ..imposition import ImposeOptions
from ..units import format_length
from . import length_argument

DEFAULTS = ImposeOptions()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = _layouts_help()
    parser.add_argument("input", type=Path, metavar="INPUT.pdf", help="flat PDF to impose")
    parser.add_argument(
        "-l", "--layout", default=DEFAULTS.layout, choices=list(layouts()),
        help="imposition layout, described below (default: %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--sheet", default=DEFAULTS.sheet, choices=STANDARD_SHEETS,
        help="press sheet (default: the smallest that holds the layout, e.g. a4 for A5 pages)",
    )  # fmt: skip
    parser.add_argument(
        "--keep-last", type=int, default=DEFAULTS.keep_last, metavar="N",
        help="keep the N final pages (a back cover) last; blank padding goes before them "
             "(default: %(default)s, pad at the end)",
    )  # fmt: skip
    creep = parser.add_mutually_exclusive_group()
    creep.add_argument(
        "--creep", type=length_argument, metavar="LENGTH",
        help="saddle: shift pages of each deeper sheet this much towards the spine "
             f"(e.g. 0.1mm; default: {format_length(DEFAULTS.creep)})",
    )  # fmt: skip
    creep.add_argument(
        "--paper-thickness", type=length_argument, metavar="LENGTH",
        help="saddle: derive the creep from the paper thickness (e.g. 0.1mm)",
    )  # fmt: skip
    parser.add_argument(
        "--marks", action="store_true", default=DEFAULTS.marks,
        help="draw crop and fold marks; the sheet grows to hold them",
    )  # fmt: skip
    parser.add_argument(
        "--flip", choices=("short", "long"), default=DEFAULTS.flip,
        help="duplex flip the printer will use (default: short edge for landscape sheets, "
             "long edge for portrait ones); the other flip turns back sides 180°",
    )  # fmt: skip
    parser.add_argument(
        "--proof", action="store_true", default=DEFAULTS.proof,
        help="write reader spreads (1, 2-3, 4-5, …) to check on screen instead of press sheets",
    )  # fmt: skip
    parser.add_argument(
        "--job", action="store_true",
        help="also write a job ticket for the print shop: <output stem>.job.txt and .job.json",
    )  # fmt: skip
    parser.add_argument(
        "-o", "--output", type=Path, metavar="OUTPUT",
        help="PDF to write (default: <input stem>-<layout>.pdf; '-': standard output, and the "
             "lines that say what was written go to standard error)",
    )  # fmt: skip


def _layouts_help() -> str:
    """Every layout's docstring (its folding or cutting instruction), for the help epilog."""
    parts = ["layouts:"]
    for name, layout in layouts().items():
        body = textwrap.indent(textwrap.dedent((layout.__doc__ or "").strip()), "  ")
        parts.append(f"{name}\n{body}")
    return "\n\n".join(parts)


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    from ..impose.saddle import creep_from_thickness
    from ..imposition import impose
    from ..jobticket import impose_ticket, job_ticket_outputs
    from ..output import (
        Output,
        binary_stdout,
        check_outputs,
        is_stream,
        write_outputs,
        writes_to,
    )

    creep = args.creep
    if args.paper_thickness is not None:
        creep = creep_from_thickness(args.paper_thickness)
    options = ImposeOptions(
        layout=args.layout,
        sheet=args.sheet,
        keep_last=args.keep_last,
        creep=DEFAULTS.creep if creep is None else creep,
        marks=args.marks,
        flip=args.flip,
        proof=args.proof,
    )
    input_path: Path = args.input
    output: Path = args.output or Path(f"{input_path.stem}-{options.layout}.pdf")
    if args.job and is_stream(output):
        raise UsageError(f"--job names the tickets after the PDF: give -o a file, not {output}")
    # Sheets written to standard output keep it to themselves: the status lines go to stderr.
    report = args.stderr if writes_to(output, stdout) else stdout
    tickets = job_ticket_outputs(output, None) if args.job else ()
    check_outputs([Output(output), *tickets], [input_path])
    result = impose(input_path, options)
    if args.job:
        tickets = job_ticket_outputs(output, impose_ticket(output, result, marks=options.marks))
    write_outputs(
        [Output(output, result.data), *tickets], [input_path], stdout=binary_stdout(stdout)
    )
    report.write(f"{output}\n{result.instruction}\n")
    report.writelines(f"{ticket.path}\n" for ticket in tickets)
    return 0
