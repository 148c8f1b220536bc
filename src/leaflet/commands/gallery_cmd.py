"""Preview every template: render one statement in each, for choosing by looking.

Writes DIR/<template>.png (the first page of each template) and DIR/gallery.pdf (a contact
sheet of all of them with their names).  SOURCE defaults to a short sample statement that
ships with leaflet; give your own to see your text in every template.

With --inks black,fluorescent-pink every template is printed in those spot inks, and its
picture shows the inks as they lie on paper (as render --inks --preview does).

Files are replaced only when leaflet wrote them as a gallery (pictures carry a note saying so,
the contact sheet's Creator is "leaflet gallery"): any other file of those names in DIR makes
the command refuse, before anything is rendered or written.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from . import add_format_argument, ink_list_argument


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source",
        nargs="?",
        type=Path,
        metavar="SOURCE",
        help="statement file (default: leaflet's sample statement)",
    )
    add_format_argument(parser)
    parser.add_argument(
        "-o", "--output", type=Path, required=True, metavar="DIR", help="folder to write into"
    )
    parser.add_argument(
        "--inks",
        type=ink_list_argument,
        default=(),
        metavar="INK,INK",
        help="show every template printed in these spot inks (e.g. black,fluorescent-pink), "
        "the inks on paper instead of the screen colours",
    )


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    from ..formats import get_format
    from ..gallery import gallery_outputs, render_gallery
    from ..output import check_outputs, statement_files
    from ..source import load_statement
    from ..templates import SAMPLE_STATEMENT, builtin_templates

    fmt = get_format(args.format).name
    statement = load_statement(args.source or SAMPLE_STATEMENT)
    check_outputs(gallery_outputs(args.output, builtin_templates()), statement_files(statement))

    def progress(message: str) -> None:
        stdout.write(message + "\n")
        stdout.flush()

    render_gallery(statement, args.output, fmt=fmt, inks=args.inks, progress=progress)
    return 0
