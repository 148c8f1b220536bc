"""Turn a pasted statement (plain text, a saved web page, a .docx) into a statement file.

Recognizes the date, the headline (title and subtitle), section headings, lists, block quotes,
the closing slogans, a signature block, the language, and the notes list at the end, whose
markers in the text (``[3]``, ``¹``, ``oil)1.``, ``FSB2``) become footnote references.  Every
word of the input is kept.  The report says what was recognized and lists every guess a person
should check; --explain shows the decision taken for each paragraph.

With -o the statement file is written there and the report goes to standard output; without
it the statement goes to standard output and the report to standard error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..errors import UsageError

if TYPE_CHECKING:
    from ..importer import ImportResult


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "input",
        metavar="INPUT",
        help="statement as .txt, .md, .html or .docx ('-' reads standard input)",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUTPUT.md",
        type=Path,
        help="write the statement file here (never over INPUT; '-': standard output)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="also show the decision taken for each paragraph"
    )


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    output: Path | None = None if args.output in (None, Path("-")) else args.output
    inputs = [Path(args.input)] if args.input != "-" else []
    if output is not None:
        _check_output(output, inputs)
    result = _import(args.input)
    if output is None:
        stdout.write(result.markdown)
        _write_report(result, args.explain, args.stderr)
        return 0
    from ..output import Output, write_outputs

    write_outputs([Output(output, result.markdown.encode("utf-8"))], inputs)
    stdout.write(f"wrote {output}\n")
    _write_report(result, args.explain, stdout)
    return 0


def _import(source: str) -> ImportResult:
    """Import a file, or standard input (``-``: HTML if it looks like a web page)."""
    from ..errors import SourceError
    from ..importer import import_file, import_html, import_text
    from ..limits import current_limits, size_text

    if source != "-":
        return import_file(source)
    limit = current_limits().import_bytes
    data = sys.stdin.buffer.read(limit + 1)
    if len(data) > limit:
        raise SourceError(
            f"more than {size_text(limit)} of text (raise it with --max-size)", "<stdin>"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError("not UTF-8 text (save the file as UTF-8)", "<stdin>") from None
    if text.lstrip().lower().startswith(("<!doctype html", "<html")):
        return import_html(text, source_name="<stdin>")
    return import_text(text, source_name="<stdin>")


def _write_report(result: ImportResult, explain: bool, stream: TextIO) -> None:
    for line in result.report:
        stream.write(f"  {line}\n")
    if result.guesses:
        stream.write("check these guesses:\n")
        stream.writelines(f"  {guess}\n" for guess in result.guesses)
    if explain:
        stream.write("decisions:\n")
        stream.writelines(f"  {decision}\n" for decision in result.explain)


def _check_output(path: Path, inputs: list[Path]) -> None:
    """Before reading anything: the statement file can be written, and not over its input."""
    from ..output import Output, check_outputs

    if not path.parent.is_dir():
        raise UsageError(f"cannot write {path}: folder {path.parent} does not exist")
    check_outputs([Output(path)], inputs)
