"""Command line: turns arguments into calls of the library, nothing more.

Each subcommand is a module in :mod:`leaflet.commands` (a registry: adding a command is adding a
file and its name to ``COMMANDS``).  Heavy libraries (WeasyPrint, pypdf) are imported only by the
command that runs, so ``leaflet --help`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence
from typing import TextIO

from . import __version__
from .commands import COMMANDS
from .errors import LeafletError

__all__ = ["build_parser", "main"]

PROG = "leaflet"


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose usage errors are :class:`LeafletError` (one line, exit 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageExit(f"{message} (see '{self.prog} --help')")


class _UsageExit(LeafletError):
    pass


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with *command*, only that subcommand is set up (and its module
    imported), which is all a run of one command needs."""
    parser = _Parser(
        prog=PROG,
        description="Typeset campaign and political statements into print-ready PDFs.",
        epilog="Run 'leaflet COMMAND --help' for the options of one command.",
    )
    parser.add_argument("--version", action="version", version=f"leaflet {__version__}")
    parser.add_argument(
        "--debug", action="store_true", help="show a Python traceback on errors (for bug reports)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in [command] if command in COMMANDS else COMMANDS:
        module = importlib.import_module(f".commands.{name.replace('-', '_')}_cmd", __package__)
        doc = (module.__doc__ or "").strip()
        summary = doc.splitlines()[0] if doc else ""
        sub = subparsers.add_parser(
            name,
            help=summary,
            description=doc,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


class _StderrHandler(logging.Handler):
    """Show library warnings as ``leaflet: warning: …`` lines."""

    def __init__(self, stream: TextIO):
        super().__init__(logging.WARNING)
        self.stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        self.stream.write(f"{PROG}: warning: {record.getMessage()}\n")


def main(
    argv: Sequence[str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the command line; return the exit code (0 ok, 1 check found problems, 2 bad input)."""
    stdout = stdout if stdout is not None else sys.stdout
    stderr = stderr if stderr is not None else sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    logger = logging.getLogger("leaflet")
    handler = _StderrHandler(stderr)
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    debug = "--debug" in argv
    try:
        command = next((arg for arg in argv if not arg.startswith("-")), None)
        parser = build_parser(command)
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(stdout)
            return 2
        args.stderr = stderr  # for commands that report on stderr while stdout carries data
        return int(args.run(args, stdout))
    except LeafletError as error:
        if debug:
            raise
        stderr.write(f"{PROG}: error: {error}\n")
        return 2
    except KeyboardInterrupt:
        stderr.write(f"{PROG}: interrupted\n")
        return 130
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
