"""Print the parsed statement model as JSON.

Shows what leaflet understood of SOURCE (default: statement.md): metadata, lead, blocks,
endnotes in print order with how often each is referenced.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TextIO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source",
        nargs="?",
        default="statement.md",
        metavar="SOURCE",
        help="statement file (default: %(default)s)",
    )


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    from ..source import load_statement

    statement = load_statement(Path(args.source))
    json.dump(statement.to_dict(), stdout, ensure_ascii=False, indent=2)
    stdout.write("\n")
    return 0
