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

Several formats at once (-f a5-fold -f poster-a3 -f share-square): one parsed statement, one
warm renderer; each is written to <source stem>-<format>.pdf (.png), in the folder -o names
(created if missing).  All are checked before any is rendered, and written together.

Local editions (--editions TABLE.csv or .xlsx, one edition per row; the header names the
fields): the statement's {{ field }} placeholders (in its text and its front matter, quoted
there) are filled from each row, as text; the row is also given to the template, whose
contact block is then a box of a fixed size.  -o names a folder (created if missing); each
edition is written to <folder>/<first column, slugged>.pdf as soon as it is rendered.  A
missing column or an empty field is an error naming the row and the field before anything is
rendered; an edition that fails is reported and the others are written (exit 1).  When the
placeholders are only in the front matter's contact and website, the shared pages are laid
out once and each edition's contact block is placed on them; otherwise each edition is laid
out in full, in --workers processes or on a Dask cluster (--cluster).  With a 'copies'
column, --combine also writes <stem>-editions.pdf (every edition in order), its packing list
<stem>-editions.packing.csv and one job ticket for the whole run.

--watch renders again whenever the statement, its images or the template change (Ctrl-C
stops), printing each render's time and its layout notes; --preview DIR refreshes pictures.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..errors import LayoutError, SourceError, UsageError
from ..formats import FORMATS
from ..jobticket import COVERAGE_LIMIT
from ..pdfx import PAPERS, PDF_VARIANTS, SPOT
from ..pipeline import DELIVERIES, MARKS_BLEED, RenderOptions, RenderResult
from ..units import format_length
from . import ink_list_argument, length_argument

if TYPE_CHECKING:
    from ..model import Statement
    from ..output import Output

DEFAULTS = RenderOptions()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "source",
        nargs="?",
        default="statement.md",
        metavar="SOURCE",
        help="statement file (default: %(default)s)",
    )
    parser.add_argument(
        "-f",
        "--format",
        action="append",
        metavar="FORMAT",
        help=f"page format; repeat it for several at once: {', '.join(FORMATS)} "
        f"(default: {DEFAULTS.format})",
    )
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
        "formats; '-': standard output); with several -f or --editions, the folder to "
        "write into",
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
        "--inks",
        type=ink_list_argument,
        default=DEFAULTS.inks,
        metavar="INK,INK",
        help="print in these spot inks (e.g. black,fluorescent-pink; the first takes the "
        "text, the second the accent): a PDF whose colours are Separation colour spaces "
        "named after the inks (--pdf-variant spot; without --inks, the template's inks); "
        "--preview then shows the inks on paper",
    )
    parser.add_argument(
        "--coverage-limit",
        type=_percent,
        default=COVERAGE_LIMIT,
        metavar="PERCENT",
        help="with spot inks and --job: warn of a page an ink covers more of than this, "
        f"where a duplicator's print smears (default: {COVERAGE_LIMIT * 100:.0f}%%)",
    )
    parser.add_argument(
        "--separations",
        type=Path,
        metavar="DIR",
        help="with spot inks: also write one greyscale PDF per ink (black = full ink), "
        "DIR/<output stem>.<ink>.pdf, for a duplicator's drums or a press's plates",
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
    editions = parser.add_argument_group("local editions and print runs")
    editions.add_argument(
        "--editions",
        type=Path,
        metavar="TABLE",
        help="render one edition per row of TABLE (.csv or .xlsx) into the folder -o names, "
        "filling the statement's {{ field }} placeholders from the row",
    )
    editions.add_argument(
        "--combine",
        action="store_true",
        help="with --editions: also write every edition in one PDF, in order, with a "
        "packing list (edition, copies, file, sheets) and one job ticket for the run",
    )
    editions.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="with --editions: processes rendering editions laid out in full "
        "(default: the machine's cores)",
    )
    editions.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="with --editions: render on the Dask scheduler at ADDRESS (tcp://host:8786) "
        "instead of local processes",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="render again whenever the statement, its images or the template change "
        "(Ctrl-C stops)",
    )


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    formats = _formats(args)
    if args.editions is not None:
        return _run_editions(args, formats, stdout)
    if args.watch:
        from ..watch import watch_render

        def render() -> list[Path]:
            read: list[Path] = []
            _render(args, formats, stdout, read)
            return read

        return watch_render(render, args.stderr, [Path(args.source)])
    return _render(args, formats, stdout)


def _formats(args: argparse.Namespace) -> list[str]:
    """The formats asked for (unknown names refused), and the options that go with them."""
    from ..formats import get_format

    formats = list(
        dict.fromkeys(get_format(name).name for name in args.format or [DEFAULTS.format])
    )
    several = len(formats) > 1
    if args.editions is None:
        for option, given in (
            ("--combine", args.combine),
            ("--workers", args.workers is not None),
            ("--cluster", args.cluster is not None),
        ):
            if given:
                raise UsageError(f"{option} goes with --editions TABLE")
    elif several or args.watch or args.html is not None or args.preview is not None:
        option = "several -f" if several else "--watch" if args.watch else "--html/--preview"
        raise UsageError(f"--editions: {option} cannot be used with local editions")
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers {args.workers}: give at least 1")
    if several and args.html is not None:
        raise UsageError("--html names one file: give one -f with it")
    return formats


def _render(
    args: argparse.Namespace, formats: list[str], stdout: TextIO, read: list[Path] | None = None
) -> int:
    """Render the statement in each of *formats*: one format as ever, several into a folder
    (every target checked first, everything written together).  The files read are added to
    *read* (for --watch)."""
    read = [] if read is None else read
    if len(formats) == 1:
        return _render_one(args, formats[0], stdout, read)
    from ..output import is_stream, write_outputs
    from ..source import load_statement

    folder: Path = args.output or Path()
    if is_stream(folder) or folder.suffix.lower() in (".pdf", ".png"):
        raise UsageError(f"-o {folder}: with several formats -o names a folder")
    statement = load_statement(Path(args.source))
    renders = []
    for name in formats:
        suffix = ".png" if _is_share(name) else ".pdf"
        output = folder / f"{Path(args.source).stem}-{name}{suffix}"
        renders.append(_Render(args, name, output, stdout, statement, folder=True))
    for render in renders:
        render.check()
        read += render.inputs
    for render in renders:
        render.render()
        read += _pictures(render)
    outputs = [output for render in renders for output in render.outputs]
    inputs = [path for render in renders for path in render.all_inputs]
    write_outputs(outputs, inputs)
    for render in renders:
        render.finish()
    return 0


def _pictures(render: _Render) -> list[Path]:
    """The files a render read beyond those known before it (the pictures its HTML names),
    which --watch watches too."""
    return [path for path in render.all_inputs if path not in render.inputs]


def _is_share(name: str) -> bool:
    from ..formats import get_format

    return get_format(name).kind == "share"


def _render_one(args: argparse.Namespace, fmt_name: str, stdout: TextIO, read: list[Path]) -> int:
    from ..output import write_outputs

    render = _Render(args, fmt_name, args.output, stdout)
    render.check()
    read += render.inputs
    render.render()
    read += _pictures(render)
    write_outputs(render.outputs, render.all_inputs, stdout=render.binary_stdout)
    render.finish()
    return 0


class _Render:
    """One format's render: its options and outputs checked (:meth:`check`), rendered
    (:meth:`render`: the files to write in :attr:`outputs`), then reported (:meth:`finish`,
    once written).  Several formats share one parsed *statement*."""

    def __init__(
        self,
        args: argparse.Namespace,
        fmt_name: str,
        output: Path | None,
        stdout: TextIO,
        statement: Statement | None = None,
        *,
        folder: bool = False,
    ):
        from ..formats import get_format
        from ..output import STDOUT, binary_stdout, writes_to

        self.args = args
        self.options = RenderOptions(
            format=get_format(fmt_name).name,
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
            inks=args.inks,
        )
        if args.separations is not None and args.editions is not None:
            raise UsageError(
                "--separations: plates are made for one statement at a time, not for --editions"
            )
        if args.separations is not None and not args.inks and args.pdf_variant is None:
            self.options = replace(self.options, pdf_variant=SPOT)  # the template's inks
        self.source = Path(args.source)
        self.share = get_format(self.options.format).kind == "share"
        if self.share:
            _check_share(args, self.options.format, folder=folder)
        suffix = ".png" if self.share else ".pdf"
        self.output: Path = output or Path(f"{self.source.stem}-{self.options.format}{suffix}")
        # A PDF written to standard output keeps it to itself: the status lines go to stderr.
        self.report = args.stderr if writes_to(self.output, stdout) else stdout
        self.stem = self.source.stem if self.output == STDOUT else self.output.stem
        self.binary_stdout = binary_stdout(stdout)
        self.statement = statement
        self.make_folder = folder  # several formats: -o names a folder, made if missing
        self.inputs: list[Path] = []
        self.outputs: list[Output] = []
        self.all_inputs: list[Path] = []
        self.previews: list[Output] = []
        self.plates: list[Output] = []
        self.tickets: tuple[Output, ...] = ()
        self.result: RenderResult | None = None

    def check(self) -> None:
        """Everything that can be refused before the render: the template, the statement,
        and every output against the inputs."""
        from ..gallery import owned_png, preview_mark
        from ..jobticket import job_ticket_outputs
        from ..output import Output, check_outputs, is_stream, statement_files, template_files
        from ..source import load_statement
        from ..templates import get_template

        args = self.args
        template = get_template(self.options.template)  # unknown: fails before any parsing
        if args.job and is_stream(self.output):
            raise UsageError(
                f"--job names the tickets after the PDF: give -o a file, not {self.output}"
            )
        if self.statement is None:
            self.statement = load_statement(self.source)
        if args.require_imprint and not self.statement.imprint:
            raise SourceError(
                "no 'imprint:' in the front matter (--require-imprint): add the 'printed and "
                "promoted by' line election law asks for",
                self.source,
            )
        self.inputs = [*statement_files(self.statement), *template_files(template)]
        # Every output is checked before the render (previews by the first one's name).
        extras = [Output(args.html)] if args.html is not None else []
        if args.preview is not None:
            extras.append(
                owned_png(args.preview / f"{self.stem}-1.png", b"", preview_mark(self.stem))
            )
        if args.job:
            extras += job_ticket_outputs(self.output, None)
        extras += _plate_outputs(args, self.options, self.stem)
        check_outputs([Output(self.output, make_folder=self.make_folder), *extras], self.inputs)

    def render(self) -> None:
        from ..jobticket import job_ticket, job_ticket_outputs
        from ..output import Output, html_files
        from ..pipeline import render_statement

        args, options, statement = self.args, self.options, self.statement
        assert statement is not None  # check() read it
        try:
            result = render_statement(statement, options)
        except LayoutError as error:
            _show_notes(args.stderr, error.notes)
            raise
        _show_notes(args.stderr, result.notes)
        self.result = result
        self.all_inputs = [*self.inputs, *html_files(result.html)]
        data = _share_png(options.format, result) if self.share else result.pdf
        self.outputs = [Output(self.output, data, make_folder=self.make_folder)]
        if args.html is not None:
            self.outputs.append(Output(args.html, result.html.encode("utf-8")))
        if args.preview is not None and not self.share:
            self.previews = _previews(result.pdf, args.preview, self.stem, options)
        self.plates = _plate_outputs(args, options, self.stem, result.pdf)
        if args.job and not self.share:
            limit = args.coverage_limit
            ticket = job_ticket(self.output, statement, options, result, coverage_limit=limit)
            self.tickets = job_ticket_outputs(self.output, ticket)
        self.outputs += [*self.previews, *self.plates, *self.tickets]

    def finish(self) -> None:
        """Once written: stale previews removed, and what was written said."""
        from ..gallery import remove_stale_previews

        result, report = self.result, self.report
        assert result is not None
        if self.share:
            from ..formats import get_format
            from ..share import pixel_size

            width, height = pixel_size(get_format(self.options.format))
            report.write(f"{self.output} ({width} × {height} px PNG, {self.options.format})\n")
            return
        if self.args.preview is not None:
            remove_stale_previews(self.args.preview, self.stem, len(self.previews))
        pages = "page" if result.page_count == 1 else "pages"
        scale = f", type at {result.scale:.0%}" if abs(result.scale - 1) > 1e-3 else ""
        report.write(f"{self.output} ({result.page_count} {pages}, {self.options.format}{scale})\n")
        if result.instruction:
            report.write(f"{result.instruction}\n")
        written = [*self.previews, *self.plates, *self.tickets]
        report.writelines(f"{output.path}\n" for output in written)


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
    "combine": "--combine",
}


def _check_share(args: argparse.Namespace, fmt: str, *, folder: bool = False) -> None:
    """Refuse, before anything is read or written, what a share picture cannot be: printed
    pages' options, and an output other than a PNG."""
    from ..output import is_stream

    for name, option in SHARE_REFUSED.items():
        if getattr(args, name) not in (None, False):
            raise UsageError(f"{option}: {fmt} is a PNG picture for the screen, not pages to print")
    output = None if folder else args.output
    if output is not None and not is_stream(output) and output.suffix.lower() != ".png":
        raise UsageError(f"-o {output}: {fmt} is a PNG picture; name the output *.png")


def _share_png(fmt_name: str, result: RenderResult) -> bytes:
    """The share picture of *result*: its page rasterized to the format's exact pixels."""
    from ..formats import get_format
    from ..share import share_png

    return share_png(result.pdf, get_format(fmt_name))


def _run_editions(args: argparse.Namespace, formats: list[str], stdout: TextIO) -> int:
    """One file per row of the --editions table (see the module's help); exit 1 when an
    edition failed (the others are written)."""
    from ..editions import EditionRun, plan_editions
    from ..output import is_stream, statement_files, template_files
    from ..source import parse_statement
    from ..templates import get_template

    folder: Path | None = args.output
    if folder is None or is_stream(folder) or folder.suffix.lower() in (".pdf", ".png"):
        raise UsageError("--editions writes one file per row: give -o a folder (-o editions/)")
    render = _Render(args, formats[0], folder / "x", stdout, folder=True)
    options = render.options
    template = get_template(options.template)
    if args.job and render.share:
        raise UsageError("--job: share pictures are not printed")
    plan = plan_editions(Path(args.source), args.editions)  # every row checked here
    first = parse_statement(plan.filled(plan.editions[0].fields), plan.source)
    if args.require_imprint and not first.imprint:
        raise SourceError("no 'imprint:' in the front matter (--require-imprint)", plan.source)
    inputs = [*statement_files(first), *template_files(template), args.editions]
    run = EditionRun(
        plan,
        options,
        folder,
        inputs=inputs,
        first=first,
        workers=args.workers,
        cluster=args.cluster,
        job=args.job,
    )
    combined = _Combined(folder, plan, run) if args.combine else None
    if combined is not None:
        combined.check(inputs)
    with _Progress(args.stderr, len(plan.editions)) as progress:
        results = run.run(progress.update)
    args.stderr.writelines(f"leaflet: warning: {warning}\n" for warning in run.warnings)
    failed = [result for result in results if result.error]
    for result in results:
        if result.path is not None:
            count = result.sheets or 0
            sheets = f", {count:g} sheet{'s' * (count != 1)} a copy" if count else ""
            stdout.write(f"{result.path} ({result.pages} pages{sheets})\n")
    for result in failed:
        args.stderr.write(
            f"leaflet: error: row {result.edition.row} ({result.edition.name}): {result.error}\n"
        )
    if combined is not None and len(failed) < len(results):
        for path in combined.write(results, inputs):
            stdout.write(f"{path}\n")
    how = "shared pages laid out once" if run.fast else "each laid out in full"
    args.stderr.write(
        f"leaflet: {len(results) - len(failed)} of {len(results)} editions written to "
        f"{folder} ({how})" + (f"; {len(failed)} failed\n" if failed else "\n")
    )
    return 1 if failed else 0


class _Progress:
    """A progress bar (rich) when standard error is a terminal, else a plain line for each
    edition."""

    def __init__(self, stream: TextIO, total: int):
        self.stream = stream
        self.total = total
        self.count = 0
        self.bar: Any = None

    def __enter__(self) -> _Progress:
        if self.stream.isatty():
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(file=self.stream), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("editions", total=self.total)
        return self

    def update(self, finished: Any) -> None:
        self.count += 1
        if self.bar is not None:
            self.bar.advance(self.task)
            return
        edition = finished.result.edition
        state = "failed" if finished.result.error else "done"
        self.stream.write(f"leaflet: edition {self.count}/{self.total}: {edition.name} {state}\n")

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


class _Combined:
    """--combine: every edition in one PDF, in the table's order, its packing list and one
    job ticket for the run."""

    def __init__(self, folder: Path, plan: Any, run: Any):
        stem = plan.source.stem
        self.pdf = folder / f"{stem}-editions.pdf"
        self.packing = folder / f"{stem}-editions.packing.csv"
        self.plan = plan
        self.run = run

    def outputs(self, pdf: bytes = b"", packing: bytes = b"", ticket: Any = None) -> list[Output]:
        import dataclasses

        from ..jobticket import job_ticket_outputs
        from ..output import Output

        tickets = job_ticket_outputs(self.pdf, ticket)
        return [
            Output(self.pdf, pdf, make_folder=True),
            Output(self.packing, packing, make_folder=True),
            *(dataclasses.replace(output, make_folder=True) for output in tickets),
        ]

    def check(self, inputs: list[Path]) -> None:
        from ..output import check_outputs

        check_outputs(self.outputs(), inputs)

    def write(self, results: list[Any], inputs: list[Path]) -> list[Path]:
        import dataclasses

        from pypdf import PdfReader, PdfWriter

        from ..editions import packing_list
        from ..jobticket import job_ticket
        from ..output import write_outputs
        from ..pdf import serialize

        writer = PdfWriter()
        written = [result for result in results if result.path is not None]
        for result in written:
            writer.append(PdfReader(result.path))
        data = serialize(writer)
        packing = packing_list(results, self.pdf).encode("utf-8")
        ticket = None
        if self.run.sample is not None:
            sample, statement = self.run.sample
            copies = self.plan.copies
            quantity = (
                f"{copies} copies in {len(written)} editions (see {self.packing.name})"
                if copies is not None
                else f"{len(written)} editions: ____ copies each (see {self.packing.name})"
            )
            ticket = dataclasses.replace(
                job_ticket(self.pdf, statement, self.run.options, sample),
                quantity=quantity,
                pdf_pages=len(writer.pages),
            )
        outputs = self.outputs(data, packing, ticket)
        write_outputs(outputs, inputs)
        return [output.path for output in outputs]


def _percent(text: str) -> float:
    """``--coverage-limit 40`` (or ``40%``) as a share, 0 … 1."""
    try:
        value = float(text.strip().removesuffix("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a percentage") from None
    if not 0 < value <= 100:
        raise argparse.ArgumentTypeError(f"{text!r}: give a percentage above 0, at most 100")
    return value / 100


def _plate_outputs(
    args: argparse.Namespace, options: RenderOptions, stem: str, pdf: bytes | None = None
) -> list[Output]:
    """``--separations DIR``: a greyscale PDF per ink (without *pdf*: their names, to check
    before rendering)."""
    from ..colour import Inks
    from ..separations import plate_output, plates

    if args.separations is None:
        return []
    mode = options.colours
    if not isinstance(mode, Inks):
        raise UsageError("--separations: the file has no spot inks (give --inks)")
    if pdf is None:
        return [plate_output(args.separations, stem, ink) for ink in mode.inks]
    made = plates(pdf, mode.inks)
    return [
        plate_output(args.separations, stem, ink, data)
        for ink, data in zip(made.inks, made.pdfs, strict=True)
    ]


def _previews(pdf: bytes, folder: Path, stem: str, options: RenderOptions) -> list[Output]:
    """``--preview DIR``: the pages as pictures; in spot inks, the inks on paper
    (:func:`separations.composite_pngs`)."""
    from ..colour import Inks
    from ..gallery import owned_png, preview_mark, preview_outputs
    from ..separations import composite_pngs

    if not isinstance(options.colours, Inks):
        return preview_outputs(pdf, folder, stem)
    mark = preview_mark(stem)
    return [
        owned_png(folder / f"{stem}-{number}.png", png, mark)
        for number, png in enumerate(composite_pngs(pdf), start=1)
    ]
