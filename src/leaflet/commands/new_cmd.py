"""Start a new statement: create DIR with a statement.md to fill in.

Then: cd DIR, edit statement.md, and run 'leaflet render'.
"""

from __future__ import annotations

import argparse
import datetime
from pathlib import Path
from typing import TextIO

from ..templates import DEFAULT_TEMPLATE


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, metavar="DIR", help="folder to create")
    parser.add_argument(
        "-t",
        "--template",
        default=DEFAULT_TEMPLATE,
        metavar="TEMPLATE",
        help="template to suggest for the first render (default: %(default)s)",
    )
    parser.add_argument("--lang", default="en", help="language of the statement (default: en)")


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    from ..errors import UsageError
    from ..pipeline import write_atomic
    from ..scaffold import statement_skeleton
    from ..templates import get_template

    template = get_template(args.template)
    folder: Path = args.folder
    target = folder / "statement.md"
    if target.exists():
        raise UsageError(f"{target} already exists; not overwriting it")
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(target, statement_skeleton(datetime.date.today(), args.lang).encode("utf-8"))
    stdout.write(f"{target}\n")
    stdout.write(f"Next: cd {folder} && leaflet render -t {template.name} -f a5\n")
    return 0
