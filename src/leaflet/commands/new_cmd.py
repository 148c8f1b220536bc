"""Start a new statement: create DIR with a statement.md to fill in.

Then: cd DIR, edit statement.md, and run 'leaflet render'.  An existing statement.md is never
overwritten (the command refuses, and writes nothing).
"""

from __future__ import annotations

import argparse
import datetime
import os
from pathlib import Path
from typing import TextIO

from ..templates import DEFAULT_TEMPLATE


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="DIR", help="folder to create (or '.' for this one)")
    parser.add_argument(
        "-t",
        "--template",
        default=DEFAULT_TEMPLATE,
        metavar="TEMPLATE",
        help="template to suggest for the first render (default: %(default)s)",
    )
    parser.add_argument(
        "--lang",
        default="en",
        help="language of the statement, a tag such as en, es, uk, pt-BR (default: %(default)s)",
    )


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    from ..errors import UsageError
    from ..output import Output, write_outputs
    from ..scaffold import statement_skeleton
    from ..templates import get_template

    if not args.folder.strip():
        raise UsageError("the folder name is empty: give a folder to create, or '.'")
    template = get_template(args.template)
    folder = Path(args.folder)
    target = folder / "statement.md"
    if os.path.lexists(target):
        raise UsageError(f"{target} already exists; not overwriting it")
    text = statement_skeleton(datetime.date.today(), args.lang)
    write_outputs([Output(target, text.encode("utf-8"), make_folder=True)])
    stdout.write(f"{target}\n")
    stdout.write(f"Next: cd {folder} && leaflet render -t {template.name} -f a5\n")
    return 0
