"""Command line: turns arguments into calls of the library, nothing more.

Each subcommand is a module in :mod:`leaflet.commands` (a registry: adding a command is adding a
file and its name to ``COMMANDS``).  Heavy libraries (WeasyPrint, pypdf) are imported only by the
command that runs, so ``leaflet --help`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TextIO

from . import __version__
from .commands import COMMANDS
from .errors import LeafletError
from .limits import DEFAULT_LIMITS, Limits, parse_size, size_text, using_limits

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
    parser.add_argument(
        "--max-size",
        type=_size_argument,
        metavar="SIZE",
        help="largest input file to read: statement, import, PDF or image "
        f"(e.g. 50MB; default: {size_text(DEFAULT_LIMITS.statement_bytes)} for statements, "
        f"{size_text(DEFAULT_LIMITS.import_bytes)} for imports, "
        f"{size_text(DEFAULT_LIMITS.image_bytes)} for images, "
        f"{size_text(DEFAULT_LIMITS.pdf_bytes)} for PDFs)",
    )
    parser.add_argument(
        "--time-limit",
        type=_seconds_argument,
        default=DEFAULT_LIMITS.render_seconds,
        metavar="SECONDS",
        help="stop a render that takes longer than this (default: %(default)g)",
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


def _size_argument(text: str) -> int:
    try:
        size = parse_size(text)
    except LeafletError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    if size <= 0:
        raise argparse.ArgumentTypeError(f"a size must be positive, not {text!r}")
    return size


def _seconds_argument(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"cannot read seconds {text!r}") from None
    if not 0 < seconds < 1e7:
        raise argparse.ArgumentTypeError(f"a time limit must be a positive number, not {text!r}")
    return seconds


def _limits(args: argparse.Namespace) -> Limits:
    limits = DEFAULT_LIMITS
    if args.max_size is not None:
        limits = limits.with_max_size(args.max_size)
    return replace(limits, render_seconds=args.time_limit)


def _silence_stdout() -> None:
    """Point the standard output at /dev/null, so that Python's flush at exit does not fail
    again on the closed pipe (Python's documentation, "Note on SIGPIPE")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _one_line(text: str, limit: int = 1000) -> str:
    """*text* as one line of at most *limit* characters: a message may quote hostile input."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _warning_line(stream: TextIO) -> Callable[..., None]:
    """``warnings.showwarning`` for one run: other libraries' warnings as ``leaflet: warning:``
    lines too (Python's default prints the file and source line of the library)."""

    def show(message: Warning | str, *args: object, **kwargs: object) -> None:
        stream.write(f"{PROG}: warning: {_one_line(str(message))}\n")

    return show


class _StderrHandler(logging.Handler):
    """Show library warnings as ``leaflet: warning: …`` lines."""

    def __init__(self, stream: TextIO):
        super().__init__(logging.WARNING)
        self.stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        self.stream.write(f"{PROG}: warning: {_one_line(record.getMessage())}\n")


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
        command = next((arg for arg in argv if arg in COMMANDS), None)
        parser = build_parser(command)
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(stdout)
            return 2
        args.stderr = stderr  # for commands that report on stderr while stdout carries data
        with using_limits(_limits(args)), warnings.catch_warnings():
            warnings.showwarning = _warning_line(stderr)
            return int(args.run(args, stdout))
    except LeafletError as error:
        if debug:
            raise
        stderr.write(f"{PROG}: error: {_one_line(str(error))}\n")
        return 2
    except KeyboardInterrupt:
        stderr.write(f"{PROG}: interrupted\n")
        return 130
    except BrokenPipeError:  # the reader went away (`leaflet inspect | head`): stop quietly
        _silence_stdout()
        return 141  # as a shell reports a process ended by SIGPIPE
    except Exception as error:  # a bug, but never a traceback for users: one line, exit 2
        if debug:
            raise
        what = _one_line(f"{type(error).__name__}: {error}", 300)
        stderr.write(
            f"{PROG}: error: unexpected failure ({what}); nothing was written. "
            "Run again with --debug and report it as a bug\n"
        )
        return 2
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
