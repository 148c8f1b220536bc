"""Local editions: one statement, one render per row of a table (CSV or XLSX).

A national statement goes out through local branches, each with its own meeting place, time,
contact and number of copies.  The table's header names the fields; the statement names them
as ``{{ field }}`` placeholders in its text and front matter, and each row fills them:

* the placeholders are read by Jinja2's parser, and a statement may hold nothing else of
  Jinja2 (no attribute or item access, no filters, calls, loops or includes): anything but
  ``{{ field }}`` is an error naming the line;
* a value is inserted as TEXT: in the Markdown body every ASCII punctuation character is
  backslash-escaped (CommonMark §2.4), so a row cannot add emphasis, links, HTML or blocks;
  in the front matter the YAML scalar holding a placeholder is written anew as one
  double-quoted scalar (a JSON string), so a row cannot add keys or change the structure
  (and escaped as in the body in the keys read as Markdown: title, contact …);
  line breaks in a value become spaces;
* every row is checked before anything is rendered: each placeholder's field must be a
  column, and no row may leave it empty (the error names the row and the field);
* files are named after the first column, slugged and made unique (``north-leeds``,
  ``north-leeds-2``);
* a ``copies`` column, when there is one, gives the print run of each edition (the packing
  list, the job ticket).

The row is also given to templates as ``edition`` (a dict of its fields) through a context
variable (:func:`using_edition`), and the template sets the contact block (contact line,
website, QR code) in a box of a fixed size (``local.html.j2``): when the placeholders are
only in the front matter's ``contact`` and ``website`` (the local block), the shared pages
are laid out once and each edition's block is placed on them (:mod:`leaflet.stamp`).  A
contact block longer than its box holds would be cut off by the box: on either path, that
edition fails (named with its row and fields), the others are written.
"""

from __future__ import annotations

import contextvars
import csv
import io
import json
import math
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
import jinja2.nodes
import jinja2.sandbox

from .errors import SourceError, UsageError
from .model import Statement

if TYPE_CHECKING:
    from .formats import Format

__all__ = [
    "LOCAL_FIELDS",
    "Edition",
    "EditionPlan",
    "LocalBlock",
    "current_edition",
    "edition_context",
    "escape_markdown",
    "plan_editions",
    "read_editions",
    "slug",
    "using_edition",
]

#: Front matter keys shown only in the local block (``local.html.j2``): placeholders there
#: leave the shared pages alike for every edition.
LOCAL_FIELDS = frozenset({"contact", "website"})
#: Front matter keys whose text is read as Markdown (inline: emphasis, links), as the body
#: is (:func:`leaflet.source.parse_statement`): a value inserted there is escaped too.
TYPESET_FIELDS = frozenset({"title", "subtitle", "author", "contact", "imprint", "slogans"})
#: The column giving each edition's print run.
COPIES = "copies"
#: More rows than this is not a run of local editions but a mistake (or an attack).
MAX_EDITIONS = 100_000
#: A value longer than this is no meeting place or contact.
MAX_VALUE = 2_000
#: A table larger than this (bytes) is refused before it is read.
MAX_TABLE_BYTES = 64 << 20

_TABLES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}
_FENCE = re.compile(r"^(---|\.\.\.)\s*$")
_PUNCTUATION = re.compile(r"""([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])""")


# --- the edition given to templates ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LocalBlock:
    """What a template knows of the edition it renders: the row's *fields*, and whether the
    local block is *hidden* (the shared pages of the fast path: the box is kept, empty)."""

    fields: Mapping[str, str]
    hidden: bool = False


_EDITION: contextvars.ContextVar[LocalBlock | None] = contextvars.ContextVar(
    "leaflet_edition", default=None
)


def current_edition() -> LocalBlock | None:
    """The edition being rendered (None outside a run of editions)."""
    return _EDITION.get()


@contextmanager
def using_edition(fields: Mapping[str, str], *, hidden: bool = False) -> Iterator[None]:
    """Render with *fields* as the template's ``edition`` (and its local block shown, or kept
    empty when *hidden*), in this context only."""
    token = _EDITION.set(LocalBlock(dict(fields), hidden))
    try:
        yield
    finally:
        _EDITION.reset(token)


def edition_context() -> dict[str, object]:
    """The template context's ``edition`` (the row's fields, None outside a run of editions)
    and ``local_block`` (``"shown"``, ``"hidden"`` or None)."""
    edition = current_edition()
    if edition is None:
        return {"edition": None, "local_block": None}
    return {
        "edition": dict(edition.fields),
        "local_block": "hidden" if edition.hidden else "shown",
    }


# --- the table -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Edition:
    """One row: its *row* number in the table (the header is row 1), its file *name* (a
    slug, unique in the run), its *fields* and its print run (*copies*, None: not given)."""

    row: int
    name: str
    fields: Mapping[str, str] = field(hash=False)
    copies: int | None = None


def read_editions(path: Path) -> list[Edition]:
    """The rows of the CSV or XLSX table *path*, named and checked (columns named, no two
    alike; ``copies`` a whole number)."""
    header, rows = _read_table(path)
    names = _unique_names(path, header, rows)
    editions = []
    for (row, values), name in zip(rows, names, strict=True):
        fields = dict(zip(header, values, strict=True))
        editions.append(Edition(row, name, fields, _copies(path, row, fields.get(COPIES))))
    return editions


def _read_table(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    kind = _TABLES.get(path.suffix.lower())
    if kind is None:
        raise UsageError(f"--editions {path}: a table must be .csv or .xlsx")
    from .files import read_input

    data = read_input(path, MAX_TABLE_BYTES)  # a regular file within the limit, or an error
    table = _csv_rows(path, data) if kind == "csv" else _xlsx_rows(path, data)
    numbered = [(number, row) for number, row in table if any(cell.strip() for cell in row)]
    if not numbered:
        raise SourceError("the table is empty: its first row names the fields", path)
    (_, header), rows = numbered[0], numbered[1:]
    header = [unicodedata.normalize("NFC", cell.strip()) for cell in header]
    while header and not header[-1]:
        header.pop()
    _check_header(path, header)
    if not rows:
        raise SourceError("the table has a header but no rows", path)
    if len(rows) > MAX_EDITIONS:
        raise SourceError(f"more than {MAX_EDITIONS} rows", path)
    width = len(header)
    checked = []
    for number, row in rows:
        if any(cell.strip() for cell in row[width:]):
            raise SourceError(f"row {number} has more cells than the header names", path, number)
        cells = [_clean(cell) for cell in [*row, *[""] * width][:width]]
        for name, cell in zip(header, cells, strict=True):
            if len(cell) > MAX_VALUE:
                raise SourceError(
                    f"row {number}: field {name!r} is longer than {MAX_VALUE} characters",
                    path,
                    number,
                )
        checked.append((number, cells))
    return header, checked


def _csv_rows(path: Path, data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SourceError(f"not UTF-8 text (byte {error.start})", path) from None
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:8192], delimiters=",;\t"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        return [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise SourceError(f"cannot read the table: {error}", path, reader.line_num) from None


def _xlsx_rows(path: Path, data: bytes) -> list[tuple[int, list[str]]]:
    import zipfile

    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:  # no zip bomb reaches openpyxl
            if sum(member.file_size for member in archive.infolist()) > 4 * MAX_TABLE_BYTES:
                raise SourceError("the workbook unpacks to too much data", path)
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise SourceError(f"cannot read the workbook: {error}", path) from None
    try:
        sheet = book.worksheets[0]
        return [
            (number, [_cell_text(cell) for cell in row])
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _clean(cell: str) -> str:
    """A cell as one line of text: line breaks and tabs are spaces, ends trimmed."""
    return " ".join(unicodedata.normalize("NFC", cell).split())


def _check_header(path: Path, header: list[str]) -> None:
    if not header or not header[0]:
        raise SourceError("the first column has no name: the header names the fields", path, 1)
    seen: set[str] = set()
    for number, name in enumerate(header, start=1):
        if not name:
            raise SourceError(f"column {number} has no name", path, 1)
        if not re.fullmatch(r"[^\W\d]\w*", name):
            raise SourceError(
                f"column {name!r}: a field's name is a word of letters, digits and '_' "
                "(as it is written in {{ field }})",
                path,
                1,
            )
        if name in seen:
            raise SourceError(f"column {name!r} is named twice", path, 1)
        seen.add(name)


def _copies(path: Path, row: int, text: str | None) -> int | None:
    if text is None or not text:
        return None
    if not re.fullmatch(r"\d{1,9}", text):
        raise SourceError(f"row {row}: copies {text!r} is not a whole number", path, row)
    return int(text)


def slug(text: str) -> str:
    """*text* as a file name: letters and digits (accents dropped), words joined by '-'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60].strip("-")


def _unique_names(path: Path, header: list[str], rows: list[tuple[int, list[str]]]) -> list[str]:
    names: list[str] = []
    taken: set[str] = set()
    for number, cells in rows:
        base = slug(cells[0]) or f"edition-{number}"
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name)
        names.append(name)
    return names


# --- placeholders ---------------------------------------------------------------------------


class _Placeholders(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """Jinja2 for statements: no loader, no globals, no filters or tests, and no attribute
    or item of anything is ever reachable (the parsed template is checked to hold only
    ``{{ name }}`` besides its text, and the sandbox refuses attributes even so)."""

    def __init__(self) -> None:
        super().__init__(autoescape=False, keep_trailing_newline=True)
        self.globals.clear()
        self.filters.clear()
        self.tests.clear()

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return False

    def getattr(self, obj: Any, attribute: str) -> Any:
        return self.unsafe_undefined(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        return self.unsafe_undefined(obj, str(argument))


_ENVIRONMENT = _Placeholders()


def _parse_placeholders(text: str, path: Path, first_line: int) -> list[tuple[str, int]]:
    """The placeholders of *text* (field, line) in order; anything of Jinja2 but
    ``{{ field }}`` is an error naming its line."""
    try:
        tree = _ENVIRONMENT.parse(text)
    except jinja2.TemplateSyntaxError as error:
        line = first_line + (error.lineno or 1) - 1
        raise SourceError(f"placeholder: {error.message}", path, line) from None
    found: list[tuple[str, int]] = []
    for node in tree.body:
        if not isinstance(node, jinja2.nodes.Output):
            line = first_line + node.lineno - 1
            raise SourceError(
                "only {{ field }} placeholders may be used in a statement (no {% … %})",
                path,
                line,
            )
        for part in node.nodes:
            if isinstance(part, jinja2.nodes.TemplateData):
                continue
            line = first_line + part.lineno - 1
            if not isinstance(part, jinja2.nodes.Name):
                raise SourceError(
                    "a placeholder is a field's name alone, as {{ place }} (no attributes, "
                    "filters or expressions)",
                    path,
                    line,
                )
            found.append((part.name, line))
    return found


def escape_markdown(value: str) -> str:
    """*value* as Markdown text that reads as itself: every ASCII punctuation character
    backslash-escaped (CommonMark §2.4), line breaks as spaces."""
    return _PUNCTUATION.sub(r"\\\1", " ".join(value.split()))


@dataclass(frozen=True, slots=True)
class _Scalar:
    """A front matter scalar holding placeholders: where it is in the front matter's text,
    its value as YAML reads it (placeholders still in it), and the top-level key it is of."""

    start: int
    end: int
    value: str
    key: str


def _front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, the body's first line) when *text* starts with one."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return None
    end = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), None)
    if end is None:
        return None
    return "".join(lines[: end + 1]), "".join(lines[end + 1 :]), end + 2


def _placeholder_scalars(front: str, path: Path) -> list[_Scalar]:
    """The scalars of the front matter (its fences included in *front*) that hold a ``{{``,
    read with YAML's own scanner; a placeholder outside a value's scalar (a key, or
    ``contact: {{ place }}`` unquoted, which YAML reads as a mapping) is an error."""
    import yaml

    start = front.index("\n") + 1
    body = front[start : front.rstrip().rindex("\n") + 1]
    scalars: list[_Scalar] = []
    covered: list[tuple[int, int]] = []
    key, top_key, expecting_key = "", "", False
    try:
        for token in yaml.scan(body, Loader=yaml.SafeLoader):
            if isinstance(token, yaml.KeyToken):
                expecting_key = True
                continue
            if isinstance(token, yaml.ScalarToken):
                first, last = token.start_mark.index, token.end_mark.index
                if expecting_key:
                    key = token.value
                    if token.start_mark.column == 0:
                        top_key = key
                    if "{{" in body[first:last]:
                        raise SourceError(
                            "a placeholder cannot name a front matter key",
                            path,
                            token.start_mark.line + 2,
                        )
                elif "{{" in body[first:last]:
                    scalars.append(_Scalar(start + first, start + last, token.value, top_key))
                    covered.append((first, last))
                expecting_key = False
    except yaml.YAMLError:
        pass  # the statement's parser reports it, with its line, once filled
    for match in re.finditer(r"\{\{", body):
        if not any(first <= match.start() < last for first, last in covered):
            line = body.count("\n", 0, match.start()) + 2
            raise SourceError(
                "a placeholder in the front matter must be inside a quoted value, as "
                'contact: "{{ contact }}" (YAML reads { as a mapping)',
                path,
                line,
            )
    return scalars


# --- the plan -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EditionPlan:
    """A run of editions, checked: the statement's text, the placeholders it uses and where,
    and the rows."""

    source: Path
    text: str
    table: Path
    editions: tuple[Edition, ...]
    #: Every field a placeholder names (each must be filled in every row).
    required: tuple[str, ...]
    #: The placeholders are only in the local block (front matter contact and website): the
    #: shared pages are the same for every edition (the fast path, :mod:`leaflet.stamp`).
    local_only: bool
    _front: str = field(repr=False, default="")
    _body: str = field(repr=False, default="")
    _scalars: tuple[_Scalar, ...] = field(repr=False, default=())

    @property
    def local_fields(self) -> tuple[str, ...]:
        """The fields whose placeholders fill the contact block (contact, website)."""
        found: dict[str, None] = {}
        for scalar in self._scalars:
            if scalar.key in LOCAL_FIELDS:
                for name, _ in _parse_placeholders(scalar.value, self.source, 1):
                    found[name] = None
        return tuple(found)

    @property
    def copies(self) -> int | None:
        """The whole print run, when the table gives copies."""
        counts = [edition.copies for edition in self.editions]
        if all(count is None for count in counts):
            return None
        return sum(count or 0 for count in counts)

    def local_text(self, fields: Mapping[str, str]) -> str:
        """The front matter alone, filled: all a local-only edition changes (its contact and
        website), parsed without the body it shares with every other edition."""
        filled = self.filled(fields)
        split = _front_matter(filled)
        return split[0] if split is not None else filled

    def filled(self, fields: Mapping[str, str]) -> str:
        """The statement's text with *fields* in its placeholders, as text (see the module)."""
        if not self.required:
            return self.text
        front, body = self._front, self._body
        if self._scalars:
            parts, position = [], 0
            for scalar in self._scalars:
                parts.append(front[position : scalar.start])
                escape = escape_markdown if scalar.key in TYPESET_FIELDS else _one_line
                value = _fill(scalar.value, fields, escape)
                parts.append(json.dumps(value, ensure_ascii=False))
                position = scalar.end
            parts.append(front[position:])
            front = "".join(parts)
        return front + _fill(body, fields, escape_markdown)


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _fill(text: str, fields: Mapping[str, str], escape: Any) -> str:
    if "{{" not in text:
        return text
    template = _ENVIRONMENT.from_string(text)
    values = {name: escape(value) for name, value in fields.items()}
    return template.render(values)


def plan_editions(source: Path, table: Path) -> EditionPlan:
    """Read the statement *source* and the table *table*, and check everything a run needs
    before anything is rendered: the placeholders (their syntax, their fields among the
    columns) and every row (each required field filled).  Raises :class:`SourceError`
    naming the file, the row or line, and the field."""
    from .source import read_utf8

    text = read_utf8(source)
    editions = read_editions(table)
    split = _front_matter(text)
    front, body, body_line = split if split is not None else ("", text, 1)
    scalars = _placeholder_scalars(front, source) if "{{" in front else []
    used: list[tuple[str, int]] = []
    for scalar in scalars:
        line = text.count("\n", 0, scalar.start) + 1
        used += [(name, line) for name, _ in _parse_placeholders(scalar.value, source, line)]
    used += _parse_placeholders(body, source, body_line) if "{{" in body or "{%" in body else []
    required = tuple(dict.fromkeys(name for name, _ in used))
    columns = list(editions[0].fields)
    for name, line in used:
        if name not in columns:
            raise SourceError(
                f"placeholder {{{{ {name} }}}}: no column {name!r} in {table} "
                f"(its columns: {', '.join(columns)})",
                source,
                line,
            )
    for edition in editions:
        for name in required:
            if not edition.fields[name]:
                raise SourceError(
                    f"row {edition.row}: field {name!r} is empty (the statement uses "
                    f"{{{{ {name} }}}}); nothing was rendered",
                    table,
                    edition.row,
                )
    local_only = (
        bool(scalars)
        and not any(line >= body_line for _, line in used)
        and all(scalar.key in LOCAL_FIELDS for scalar in scalars)
    )
    return EditionPlan(
        source,
        text,
        table,
        tuple(editions),
        required,
        local_only or not required,
        front,
        body,
        tuple(scalars),
    )


# --- the results ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EditionResult:
    """What became of one edition: its file and sheets, or the error that stopped it."""

    edition: Edition
    path: Path | None = None
    pages: int = 0
    #: Press sheets one copy takes (imposed formats; a fraction when a sheet holds several).
    sheets: float | None = None
    error: str | None = None
    notes: tuple[str, ...] = ()


def packing_list(results: Sequence[EditionResult], combined: Path | None = None) -> str:
    """The packing list for the print shop (CSV): each edition, its copies, its file and the
    sheets one copy takes, in the order of the table (and of the combined PDF)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["edition", "row", "copies", "file", "pages", "sheets per copy"])
    for result in results:
        edition = result.edition
        writer.writerow(
            [
                edition.fields.get(next(iter(edition.fields)), edition.name),
                edition.row,
                "" if edition.copies is None else edition.copies,
                result.path.name if result.path else f"FAILED: {result.error}",
                result.pages or "",
                "" if result.sheets is None else f"{result.sheets:g}",
            ]
        )
    if combined is not None:
        writer.writerow([])
        writer.writerow(["combined file", "", "", combined.name, "", ""])
    return out.getvalue()


# --- the run --------------------------------------------------------------------------------

#: Editions whose local blocks are laid out in one document (memory: a 1,000-edition run
#: peaks at 1.2× one render with 100, 1.4× with 200).
BATCH = 100


@dataclass(frozen=True, slots=True)
class _Task:
    """One edition to render in full, as sent to a worker (a process or a Dask worker)."""

    index: int
    text: str
    source: Path
    fields: Mapping[str, str]
    options: Any  # RenderOptions
    limits: Any  # limits.Limits
    #: The fields filling the contact block (named when it is too long for its box).
    local_fields: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Rendered:
    """A worker's answer: the render and its statement, or the error that stopped it; the
    library's warnings, to show once in the calling process."""

    index: int
    result: Any = None  # RenderResult
    statement: Statement | None = None
    error: str | None = None
    warnings: tuple[str, ...] = ()


def render_task(task: _Task) -> _Rendered:
    """Render one edition in full: fill, parse, render (in any process: everything it needs
    is in *task*).  A :class:`LeafletError` is its answer, not an exception; so is a contact
    block longer than its box (:func:`leaflet.stamp.check_local_block`), checked on the
    pages before they are finished (imposed, marked): the edition is never written cut off."""
    import logging

    from .errors import LeafletError
    from .limits import current_limits, using_limits
    from .pipeline import finish_pages, render_pages
    from .source import parse_statement
    from .stamp import check_local_block
    from .watchdog import time_limit

    seen: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    logger = logging.getLogger("leaflet")
    handler = _Collect(logging.WARNING)
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        with using_limits(task.limits), using_edition(task.fields):
            statement = parse_statement(task.text, task.source)
            # render_statement's steps, the block checked between them, in its time limit
            seconds = current_limits().render_seconds
            message = f"rendering took longer than {seconds:g} s; raise it with --time-limit"
            with time_limit(seconds, message):
                pages = render_pages(statement, task.options)
                check_local_block(pages, statement, task.options, task.local_fields)
                result = finish_pages(pages, statement, task.options)
        # The HTML is not written for editions: not sent back from a worker either.
        return _Rendered(task.index, replace(result, html=""), statement, warnings=tuple(seen))
    except LeafletError as error:
        return _Rendered(task.index, error=str(error), warnings=tuple(seen))
    except Exception as error:  # a bug: this row fails, the others go on
        what = f"unexpected failure ({type(error).__name__}: {error}); report it as a bug"
        return _Rendered(task.index, error=what, warnings=tuple(seen))
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def warm_worker() -> None:
    """A worker's initializer: load WeasyPrint, the fonts and the templates once, before the
    first edition (a tiny render, thrown away)."""
    from .pipeline import RenderOptions, render_statement
    from .source import parse_statement

    statement = parse_statement("---\ntitle: Warm\n---\n\nWarm.\n")
    render_statement(statement, RenderOptions(format="a5"))


@dataclass(frozen=True, slots=True)
class Finished:
    """One edition rendered (or failed) — what the run reports as it goes."""

    index: int
    result: EditionResult
    path: str = ""  # "fast" or "full"


class EditionRun:
    """A run of editions into a folder: every output checked before any rendering, each
    edition written as soon as it is rendered (atomically, :func:`leaflet.output.write_outputs`),
    a failed edition reported without losing the others.

    The fast path (:mod:`leaflet.stamp`) when the placeholders are only in the local block
    and the format's pages flow; otherwise each edition is rendered in full, in a pool of
    *workers* processes warmed once (1: in this process) or on a Dask cluster (*cluster*:
    the scheduler's address, :mod:`leaflet.cluster`)."""

    def __init__(
        self,
        plan: EditionPlan,
        options: Any,
        folder: Path,
        *,
        inputs: Sequence[Path] = (),
        first: Statement | None = None,
        workers: int | None = None,
        cluster: str | None = None,
        job: bool = False,
    ):
        from .formats import get_format

        self.plan = plan
        self.options = options
        self.folder = folder
        self.inputs = list(inputs)
        #: The first row's statement, when the caller parsed it already.
        self.first = first
        self.workers = workers
        self.cluster = cluster
        self.job = job
        self.suffix = ".png" if get_format(options.format).kind == "share" else ".pdf"
        self.results: list[EditionResult | None] = [None] * len(plan.editions)
        self.warnings: dict[str, None] = {}
        self.fast = False
        #: The first edition written (its render and statement), for a run's job ticket.
        self.sample: tuple[Any, Statement] | None = None

    def path(self, edition: Edition) -> Path:
        return self.folder / f"{edition.name}{self.suffix}"

    def outputs(self) -> list[Any]:
        """Every file the run may write (without data): checked before any rendering."""
        from .jobticket import job_ticket_outputs
        from .output import Output

        found: list[Any] = []
        for edition in self.plan.editions:
            path = self.path(edition)
            found.append(Output(path, make_folder=True))
            if self.job:
                found += [
                    replace(output, make_folder=True) for output in job_ticket_outputs(path, None)
                ]
        return found

    def run(self, report: Any = None) -> list[EditionResult]:
        """Render every edition; *report(Finished)* is called as each one ends."""
        from .output import check_outputs

        check_outputs(self.outputs(), self.inputs)
        done: set[int] = set()
        if self.plan.local_only and self.plan.required:
            done = self._fast(report)
        rest = [i for i in range(len(self.plan.editions)) if i not in done]
        if rest:
            self._full(rest, report)
        return [result for result in self.results if result is not None]

    # the fast path: render once, stamp many

    def _fast(self, report: Any) -> set[int]:
        from .coverage import check_coverage
        from .errors import LeafletError, RenderError
        from .source import parse_statement
        from .stamp import (
            fast_path_formats,
            local_pages,
            overflow_message,
            reads_edition,
            same_shared_pages,
            shared_pages,
            stamp,
        )
        from .templates import get_template

        template = get_template(self.options.template)
        if not fast_path_formats(self.options.format) or reads_edition(template):
            return set()
        plan, editions = self.plan, self.plan.editions
        first = self.first or parse_statement(plan.filled(editions[0].fields), plan.source)
        # A sample: the first and last rows, and a row whose every value differs from both.
        sample = [(first, editions[0].fields)]
        for fields in (editions[-1].fields, {k: f"{v} ~" for k, v in editions[0].fields.items()}):
            try:
                local = parse_statement(plan.local_text(fields), plan.source)
            except LeafletError:
                continue  # that row fails on its own below
            statement = replace(first, contact=local.contact, website=local.website)
            sample.append((statement, fields))
        if not same_shared_pages(sample, self.options):
            return set()
        shared = shared_pages(first, editions[0].fields, self.options)
        if shared is None:
            return set()
        self.fast = True
        done: set[int] = set()
        for start in range(0, len(editions), BATCH):
            batch: list[tuple[int, Statement]] = []
            for index in range(start, min(start + BATCH, len(editions))):
                edition = editions[index]
                try:
                    local = parse_statement(plan.local_text(edition.fields), plan.source)
                    statement = replace(first, contact=local.contact, website=local.website)
                    check_coverage(statement, template, strict=self.options.strict)
                except LeafletError as error:
                    self._finish(index, None, None, str(error), report, "fast")
                    done.add(index)
                    continue
                batch.append((index, statement))
            if not batch:
                continue
            blocks = local_pages(
                [(statement, editions[i].fields) for i, statement in batch], shared, self.options
            )
            for page, (index, statement) in enumerate(batch):
                try:
                    if blocks.overflows[page]:  # the box would cut it off: never half-printed
                        raise RenderError(
                            overflow_message(
                                blocks.overflows[page],
                                statement,
                                self.options,
                                shared.result.scale,
                                plan.local_fields,
                            )
                        )
                    result = stamp(shared, blocks.pages[page], statement, self.options)
                except LeafletError as error:
                    self._finish(index, None, None, str(error), report, "fast")
                else:
                    self._finish(index, result, statement, None, report, "fast")
                done.add(index)
        return done

    # the full path: each edition laid out in full, in a pool or on a cluster

    def _tasks(self, indices: Sequence[int]) -> Iterator[_Task]:
        from .limits import current_limits

        limits = current_limits()
        local_fields = self.plan.local_fields
        for index in indices:
            fields = self.plan.editions[index].fields
            text = self.plan.filled(fields)
            yield _Task(
                index,
                text,
                self.plan.source,
                dict(fields),
                self.options,
                limits,
                local_fields,
            )

    def _full(self, indices: Sequence[int], report: Any) -> None:
        import os

        if self.cluster:
            from .cluster import render_on_cluster

            answers: Iterator[_Rendered] = render_on_cluster(self.cluster, self._tasks(indices))
        else:
            workers = self.workers or os.cpu_count() or 1
            workers = min(workers, len(indices))
            if workers <= 1:
                answers = (render_task(task) for task in self._tasks(indices))
            else:
                answers = _in_pool(workers, self._tasks(indices))
        for answer in answers:
            self.warnings.update(dict.fromkeys(answer.warnings))
            self._finish(
                answer.index, answer.result, answer.statement, answer.error, report, "full"
            )

    def _finish(
        self,
        index: int,
        result: Any,
        statement: Statement | None,
        error: str | None,
        report: Any,
        how: str,
    ) -> None:
        from .errors import LeafletError

        edition = self.plan.editions[index]
        if result is not None and statement is not None:
            try:
                finished = self._write(edition, result, statement)
            except LeafletError as failure:
                finished = EditionResult(edition, error=str(failure))
        else:
            finished = EditionResult(edition, error=error or "failed")
        self.results[index] = finished
        if report is not None:
            report(Finished(index, finished, how))

    def _write(self, edition: Edition, result: Any, statement: Statement) -> EditionResult:
        from .formats import get_format
        from .jobticket import job_ticket, job_ticket_outputs
        from .output import Output, write_outputs

        path = self.path(edition)
        data = result.pdf
        if self.suffix == ".png":
            from .share import share_png

            data = share_png(result.pdf, get_format(self.options.format))
        outputs = [Output(path, data, make_folder=True)]
        if self.job:
            ticket = job_ticket(path, statement, self.options, result)
            if edition.copies is not None:
                ticket = replace(ticket, quantity=f"{edition.copies} copies")
            outputs += [
                replace(output, make_folder=True) for output in job_ticket_outputs(path, ticket)
            ]
        write_outputs(outputs, self.inputs)
        if self.sample is None:
            self.sample = (replace(result, html=""), statement)
        notes = tuple(str(note) for note in result.notes)
        sheets = _sheets_per_copy(get_format(self.options.format), result)
        return EditionResult(edition, path, result.page_count, sheets, None, notes)


def _sheets_per_copy(fmt: Format, result: Any) -> float | None:
    """Sheets one copy takes, as its job ticket counts them: the layout's yield for imposed
    formats, a sheet a poster, two pages a sheet for flat pages printed on both sides; None
    for a share picture (no paper)."""
    if result.imposed is not None:
        return float(result.imposed.sheets_per_copy)
    if fmt.kind == "share":
        return None
    if fmt.kind == "poster":
        return float(result.page_count)
    return float(math.ceil(result.page_count / 2))


def _in_pool(workers: int, tasks: Iterator[_Task]) -> Iterator[_Rendered]:
    """The answers of *tasks* rendered in a pool of *workers* processes (spawned, warmed once
    by :func:`warm_worker`), as they end.  A few tasks a worker are in flight at a time, and
    an answer is let go once given: a run of any length holds a few PDFs in memory."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=warm_worker) as pool:
        running: dict[Future[_Rendered], int] = {}
        pending = iter(tasks)
        try:
            while True:
                for task in pending:
                    running[pool.submit(render_task, task)] = task.index
                    if len(running) >= 2 * workers:
                        break
                if not running:
                    return
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    index = running.pop(future)
                    try:
                        answer = future.result()
                    except Exception as error:  # the worker died (out of memory, killed …)
                        answer = _Rendered(index, error=f"the worker failed: {error}")
                    yield answer
        finally:
            for future in running:
                future.cancel()
