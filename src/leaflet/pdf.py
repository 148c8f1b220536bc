"""Reading and writing PDF files: the only module that imports pypdf.

Imposition draws a :class:`~leaflet.impose.Plan` here.  Each source page becomes one Form
XObject (PDF 1.7 §8.10) whose /BBox is the page's BleedBox, so its bleed travels with it; sheets
place it by reference (``q … cm /Pn Do Q``), so fonts and images are stored once and the imposed
file stays about the size of the flat one.
"""

from __future__ import annotations

import contextvars
import hashlib
import io
import logging
import math
import re
import struct
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from pypdf import PageObject, PdfReader, PdfWriter, apply_configuration
from pypdf.errors import DependencyError, LimitReachedError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    RectangleObject,
    StreamObject,
)

from .errors import ImposeError, LeafletError, PDFError
from .files import InputFileError, read_input
from .impose import TOLERANCE, Box, Plan, Sheet, Slot
from .limits import current_limits, size_text
from .units import POINTS_PER

if TYPE_CHECKING:
    from .pdfx import PrintingCondition

__all__ = [
    "KEYWORD_LAYOUT",
    "MAX_PAGES",
    "MAX_PAGE_SIDE",
    "PageBoxes",
    "Source",
    "add_marks",
    "clone_writer",
    "copies_per_sheet",
    "finish_variant",
    "keywords",
    "media_size",
    "metadata_disagreements",
    "open_pdf",
    "page_boxes",
    "page_rotation",
    "page_sizes",
    "read_file",
    "read_source",
    "reading",
    "serialize",
    "write_imposed",
    "write_pages",
]

_LOG = logging.getLogger("leaflet.pdf")

_MM = POINTS_PER["mm"]
#: Crop and fold marks: line length, least distance from the trim, line width (points).
MARK_LENGTH = 4 * _MM
MARK_OFFSET = 3 * _MM
MARK_WIDTH = 0.25
#: Room kept between the marks and the edge of the sheet: with a 3 mm bleed, marks take
#: 7.5 mm a side, so an A4 trim with its marks is exactly an SRA4 press sheet (225 × 320 mm).
MARK_SLUG = 0.5 * _MM
#: Cell edges this close (points) to the imposed area's edge are on it.
_EDGE = 0.001
#: Prefix of the /Keywords entry naming the imposition layout (read back by ``leaflet check``).
KEYWORD_LAYOUT = "layout:"


@dataclass(frozen=True, slots=True)
class PageBoxes:
    """A page's boxes (PDF 1.7 §14.11.2), read and checked, corners in order.

    Absent boxes take their defaults: CropBox → MediaBox, BleedBox and TrimBox → CropBox.
    """

    media: Box
    bleed: Box
    trim: Box
    has_trim_box: bool


@dataclass(frozen=True, slots=True)
class Source:
    """A validated input PDF: all pages share one trim size and one bleed."""

    reader: PdfReader
    trim_size: tuple[float, float]
    #: Widest bleed on any edge (BleedBox beyond TrimBox), in points.
    bleed: float
    #: The file's name in messages.
    name: str = "input"
    #: Every page's boxes, in page order.
    boxes: tuple[PageBoxes, ...] = ()

    @property
    def page_count(self) -> int:
        return len(self.reader.pages)


def read_source(pdf: bytes | Path, name: str | None = None) -> Source:
    """Open and check a PDF to impose; *name* (default: the path) is used in error messages.

    Raises :class:`PDFError` if it is not a readable PDF (see :func:`open_pdf`) and
    :class:`ImposeError` if it has rotated pages or pages of different sizes.
    """
    if isinstance(pdf, Path):
        name = name or str(pdf)
        pdf = read_file(pdf)
    name = name or "input"
    with reading(name):
        reader = open_pdf(pdf, name)
        boxes = tuple(page_boxes(page, n, name) for n, page in enumerate(reader.pages, 1))
        rotated = [
            n for n, page in enumerate(reader.pages, 1) if page_rotation(page, n, name) % 360
        ]
    sizes = {_rounded(_size(box.trim)): _size(box.trim) for box in boxes}
    bleeds = {_rounded(_size(box.bleed)) for box in boxes}
    if len(sizes) > 1 or len(bleeds) > 1:
        listed = ", ".join(f"{w / _MM:.0f}×{h / _MM:.0f} mm" for w, h in sorted(sizes.values()))
        raise ImposeError(f"{name}: pages have different sizes ({listed}); impose needs one size")
    if rotated:
        raise ImposeError(
            f"{name}: page {rotated[0]} is rotated (/Rotate); rotated pages cannot be imposed:"
            " rotate them first"
        )
    return Source(reader, _size(boxes[0].trim), _bleed_width(boxes[0]), name, boxes)


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """Trim size (width, height in points) of every page of *pdf*."""
    with reading("input"):
        reader = open_pdf(pdf, "input")
        return [_size(page_boxes(p, n, "input").trim) for n, p in enumerate(reader.pages, 1)]


def media_size(pdf: bytes) -> tuple[float, float]:
    """Width and height (points) of the first page's MediaBox: the sheet a printer feeds."""
    with reading("input"):
        return _size(page_boxes(open_pdf(pdf, "input").pages[0], 1, "input").media)


def read_file(path: Path) -> bytes:
    """The bytes of the PDF file *path*, checked before reading: it must be a regular file
    (not a folder, a pipe or a device) no larger than the ``pdf_bytes`` limit in force.

    Raises :class:`PDFError` naming the file.
    """
    try:
        return read_input(path, current_limits().pdf_bytes)
    except InputFileError as error:
        raise PDFError(f"cannot read {path}: {error.reason}") from None


def clone_writer(reader: PdfReader, *, keep_id: bool = True) -> PdfWriter:
    """A writer holding *reader*'s file, to change it: its PDF version kept, and (*keep_id*)
    its ``/ID``, so that a file finished or separated is still the same document."""
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header
    if keep_id and "/ID" in reader.trailer:
        writer._ID = cast(ArrayObject, reader.trailer["/ID"])
    return writer


def open_pdf(pdf: bytes, name: str) -> PdfReader:
    """A reader for *pdf* whose every page has valid boxes and rotation.

    Raises :class:`PDFError` (a :class:`LeafletError`) naming *name* when it is not a PDF,
    is encrypted, damaged, too large or too complex to read, or has no pages.  Later reads of
    the reader's objects must happen inside :func:`reading` too.
    """
    if not pdf:
        raise PDFError(f"{name}: not a PDF file (it is empty)")
    if b"%PDF-" not in pdf[:1024]:
        raise PDFError(f"{name}: not a PDF file")
    with reading(name):
        try:
            reader = PdfReader(io.BytesIO(pdf))
        except DependencyError:  # pypdf tried the empty password on an AES-encrypted file
            raise PDFError(_encrypted(name)) from None
        if reader.is_encrypted:
            raise PDFError(_encrypted(name))
        if len(reader.pages) == 0:
            raise PDFError(f"{name}: the PDF has no pages")
        if len(reader.pages) > MAX_PAGES:
            raise PDFError(
                f"{name}: the PDF has {len(reader.pages):,} pages; leaflet reads at most"
                f" {MAX_PAGES:,} (leaflets and booklets, not whole books)"
            )
        for number, page in enumerate(reader.pages, start=1):
            page_boxes(page, number, name)
            page_rotation(page, number, name)
    return reader


#: Most pages leaflet reads in one PDF (imposing 20 000 pages takes 5 s and 170 MB).
MAX_PAGES = 10_000


def _encrypted(name: str) -> str:
    return (
        f"{name}: the PDF is encrypted; leaflet imposes and checks only unencrypted PDFs"
        " (save an unprotected copy)"
    )


#: Most bytes one stream may inflate to, whatever its filter (pypdf stops decoding there).
STREAM_LIMIT = 64 << 20
_PYPDF_LIMITS = {
    key: STREAM_LIMIT
    for key in (
        "maximum_declared_stream_length",
        "array_based_stream_maximum_output_length",
        "jbig2_maximum_output_length",
        "lzw_maximum_output_length",
        "run_length_maximum_output_length",
        "zlib_maximum_output_length",
        "brotli_maximum_output_length",
        "image_maximum_buffer_size",
    )
}
_GUARD: contextvars.ContextVar[_Repairs | None] = contextvars.ContextVar(
    "leaflet_pdf_guard", default=None
)


@contextmanager
def reading(name: str) -> Iterator[_Repairs]:
    """The one guard around reading a PDF that came from outside (named *name*).

    Inside it pypdf works under :data:`STREAM_LIMIT`; every failure of pypdf on a damaged or
    hostile file — whatever its exception — becomes one :class:`PDFError` naming the file
    (the original stays chained for ``--debug``).  What pypdf repaired while reading is one
    warning at the end, unless the caller reports :attr:`_Repairs.messages` itself and sets
    :attr:`_Repairs.taken`.  Nested uses are one guard.
    """
    outer = _GUARD.get()
    if outer is not None:
        yield outer
        return
    repairs = _Repairs()
    token = _GUARD.set(repairs)
    pypdf_logger = logging.getLogger("pypdf")
    pypdf_logger.addHandler(repairs)
    try:
        with apply_configuration(None, **_PYPDF_LIMITS):
            yield repairs
    except LeafletError:
        raise
    except LimitReachedError as error:
        raise PDFError(
            f"{name}: too large or too complex to read safely (pypdf stopped at a limit:"
            f" {_reason(error)})"
        ) from error
    except DependencyError as error:
        raise PDFError(f"{name}: cannot be read ({error})") from error
    except RecursionError as error:
        raise PDFError(f"{name}: damaged PDF (objects nested too deep)") from error
    except MemoryError as error:
        raise PDFError(f"{name}: too large to read in the memory allowed") from error
    except Exception as error:  # pypdf raises many kinds on damaged input: all mean the same
        raise PDFError(f"{name}: damaged PDF ({_reason(error)})") from error
    finally:
        pypdf_logger.removeHandler(repairs)
        _GUARD.reset(token)
    if repairs.messages and not repairs.taken:
        count = len(repairs.messages)
        _LOG.warning(
            "%s: damaged PDF, read anyway (%d repair%s; first: %s)",
            name, count, "s" * (count != 1), _shorten(repairs.messages[0]),
        )  # fmt: skip


class _Repairs(logging.Handler):
    """Collects pypdf's warnings (what it repaired) from this thread, to report them once."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []
        #: The caller reports the repairs itself (``leaflet check`` makes them a problem).
        self.taken = False

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


def _reason(error: Exception) -> str:
    text = str(error)
    if isinstance(error, PyPdfError) and text:
        return _shorten(text)
    return _shorten(f"{type(error).__name__}: {text}" if text else type(error).__name__)


def _shorten(text: str, limit: int = 160) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def page_boxes(page: PageObject, number: int, name: str) -> PageBoxes:
    """The boxes of *page* (page *number* of *name*); :class:`PDFError` when a box present
    is not four finite numbers making a rectangle of 0 to 200 inches a side, or when there is
    no MediaBox."""
    media = _valid_box(page, "/MediaBox", number, name)
    if media is None:
        raise PDFError(f"{name}: damaged PDF: page {number} has no MediaBox")
    crop = _valid_box(page, "/CropBox", number, name) or media
    bleed = _valid_box(page, "/BleedBox", number, name)
    trim = _valid_box(page, "/TrimBox", number, name)
    return PageBoxes(media, bleed or crop, trim or crop, trim is not None)


#: PDF 1.7 Annex C.2: a page is at most 14 400 units (200 inches) a side.
MAX_PAGE_SIDE = 14_400.0


def _valid_box(page: PageObject, key: str, number: int, name: str) -> Box | None:
    """The rectangle *key* of *page*, corners put in order (PDF 1.7 §7.9.5), or None when
    absent; :class:`PDFError` when it is not a usable rectangle."""
    value = page.get(key)
    value = value.get_object() if value is not None else None
    if value is None or isinstance(value, NullObject):
        return None
    numbers = _finite_numbers(value)
    if numbers is None or len(numbers) != 4:
        raise PDFError(
            f"{name}: damaged PDF: page {number} has no valid {key} ({_shorten(str(value), 60)}:"
            " four numbers are needed)"
        )
    left, right = sorted(numbers[0::2])
    bottom, top = sorted(numbers[1::2])
    width, height = right - left, top - bottom
    if not (0 < width <= MAX_PAGE_SIDE and 0 < height <= MAX_PAGE_SIDE):
        raise PDFError(
            f"{name}: damaged PDF: page {number} has no valid {key} ({width:g} × {height:g} pt;"
            f" a page is more than 0 and at most {MAX_PAGE_SIDE:g} pt a side)"
        )
    return Box(left, bottom, width, height)


def _finite_numbers(value: Any) -> list[float] | None:
    """*value* as a list of finite floats, or None when it is not an array of numbers."""
    if not isinstance(value, ArrayObject):
        return None
    numbers = []
    for item in value:
        item = item.get_object() if isinstance(item, PdfObject) else item
        if isinstance(item, bool) or not isinstance(item, int | float):
            return None
        try:
            number = float(item)
        except OverflowError:  # an integer too large for a float
            return None
        if not math.isfinite(number):
            return None
        numbers.append(number)
    return numbers


def page_rotation(page: PageObject, number: int, name: str) -> int:
    """The /Rotate of *page* in degrees (0, 90, 180 or 270); :class:`PDFError` when it is not
    a multiple of 90 (PDF 1.7 §7.7.3.3)."""
    value = page.get("/Rotate", NumberObject(0))
    numbers = _finite_numbers(ArrayObject([value]))
    if numbers is None or numbers[0] % 90:
        raise PDFError(
            f"{name}: damaged PDF: page {number} has /Rotate {_shorten(str(value), 40)},"
            " which is not a multiple of 90"
        )
    return int(numbers[0]) % 360


def _size(box: Box) -> tuple[float, float]:
    return box.width, box.height


def _bleed_width(boxes: PageBoxes) -> float:
    """The widest edge of the BleedBox beyond the TrimBox (points, 0 without bleed)."""
    trim, bleed = boxes.trim, boxes.bleed
    edges = (trim.x - bleed.x, trim.y - bleed.y, bleed.right - trim.right, bleed.top - trim.top)
    return max(0.0, *edges)


def _rounded(size: tuple[float, float]) -> tuple[int, int]:
    """*size* in steps of :data:`TOLERANCE`, to compare sizes read from different pages."""
    return round(size[0] / TOLERANCE), round(size[1] / TOLERANCE)


def write_imposed(
    source: Source,
    plan: Plan,
    paper: tuple[float, float],
    *,
    marks: bool = False,
    layout: str | None = None,
) -> bytes:
    """Draw *plan* with the pages of *source* and return the PDF bytes.

    The imposed area is centred on *paper* (width, height); with *marks* the sheet is instead
    the imposed area plus room for bleed, crop marks and fold marks around it.  Every sheet
    side gets MediaBox ⊇ BleedBox ⊇ TrimBox, TrimBox being the imposed area.  *layout* (the
    layout's name) is added to /Keywords as ``layout:NAME`` so a preflight knows the sheets.
    """
    with reading(source.name):
        writer = PdfWriter()
        _copy_document_info(source.reader, writer, layout)
        budget = _ContentBudget(source.name)
        forms = [
            _form_xobject(writer, page, boxes, budget)
            for page, boxes in zip(source.reader.pages, _boxes(source), strict=True)
        ]
    sheet = _SheetGeometry.for_plan(plan, paper, source.bleed, marks)
    with reading(source.name):
        rgb = _rgb_intent(source.reader)
    registration = writer._add_object(_registration_colour(rgb=rgb)) if marks else None
    boxes = _boxes(source)
    sides = [(i == 1, side) for sheet_ in plan.sheets for i, side in enumerate(sheet_.sides)]
    for back, side in sides:
        placed = [(slot, slot.page) for slot in side if slot.page is not None]
        commands = [_place(slot, boxes[page], sheet, plan) for slot, page in placed]
        used = {f"/P{page}": forms[page] for _, page in sorted(placed, key=lambda item: item[1])}
        resources = _dictionary({"/XObject": _dictionary(used)})
        if registration is not None:
            commands.append(_marks(plan, sheet, back=back))
            resources[NameObject("/ColorSpace")] = _dictionary({"/Reg": registration})
        _add_sheet_page(writer, sheet, resources, "\n".join(commands))
    with reading(source.name):
        _sync_metadata(writer)
    return _serialize(writer)


def write_pages(source: Source, order: Sequence[int | None]) -> bytes:
    """The pages of *source* in *order* (``None``: a blank page with the first page's boxes),
    each page as it is, boxes and bleed kept: single pages for a shop that imposes itself.
    ``layout:pages`` is added to /Keywords."""
    boxes = _boxes(source)
    with reading(source.name):
        writer = PdfWriter()
        _copy_document_info(source.reader, writer, "pages")
        first = boxes[0]
        for index in order:
            if index is not None:
                writer.add_page(source.reader.pages[index])
                continue
            page = writer.add_blank_page(first.media.width, first.media.height)
            for key, box in (
                ("/MediaBox", first.media),
                ("/BleedBox", first.bleed),
                ("/TrimBox", first.trim),
            ):
                page[NameObject(key)] = _rectangle(box)
        _sync_metadata(writer)
    return _serialize(writer)


def _boxes(source: Source) -> tuple[PageBoxes, ...]:
    """The boxes of every page of *source* (read again for a :class:`Source` made by hand)."""
    if source.boxes:
        return source.boxes
    with reading(source.name):
        pages = source.reader.pages
        return tuple(page_boxes(page, n, source.name) for n, page in enumerate(pages, 1))


#: Most bytes of page descriptions (content streams, decoded) one imposition copies.
CONTENT_LIMIT = 128 << 20


class _ContentBudget:
    """Counts the content bytes an imposition decodes; :class:`PDFError` past the limit."""

    def __init__(self, name: str):
        self.name = name
        self.left = CONTENT_LIMIT

    def spend(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise PDFError(
                f"{self.name}: the pages' content is larger than {size_text(CONTENT_LIMIT)}"
                " once decompressed: too large to impose safely"
            )


def _copy_document_info(reader: PdfReader, writer: PdfWriter, layout: str | None) -> None:
    """Keep the title, author, producer…, XMP metadata and output intents (PDF/X, PDF/A) of
    the flat PDF (the XMP is brought in line with Info by :func:`_sync_metadata`)."""
    metadata: dict[str, Any] = dict(reader.metadata or {})
    if layout is not None:
        metadata["/Keywords"] = ", ".join([*keywords(reader), f"{KEYWORD_LAYOUT}{layout}"])
    writer.add_metadata(metadata)
    writer.pdf_header = reader.pdf_header
    if "/ID" in reader.trailer:
        writer._ID = cast(ArrayObject, reader.trailer["/ID"])
    for key in ("/Metadata", "/OutputIntents"):
        if key in reader.root_object:
            # The reference, not the object: a stream (the XMP) cannot be a direct object.
            writer.root_object[NameObject(key)] = reader.root_object.raw_get(key).clone(writer)


def copies_per_sheet(pdf: bytes) -> int:
    """How many copies of one page the first sheet side of an imposed PDF (from
    :func:`write_imposed`) carries: 1 for a booklet, 2 or 4 for step-and-repeat flyers."""
    from collections import Counter

    with reading("imposed"):
        contents = open_pdf(pdf, "imposed").pages[0].get_contents()
        data = contents.get_data() if contents is not None else b""
    placed = Counter(re.findall(rb"(/P\d+) Do\b", data))
    return max(placed.values(), default=1)


def keywords(reader: PdfReader) -> list[str]:
    """The document's /Keywords, split at commas (as WeasyPrint joins ``<meta name=keywords>``)."""
    text = str(reader.metadata.get("/Keywords", "")) if reader.metadata else ""
    return [word.strip() for word in text.split(",") if word.strip()]


def add_marks(pdf: bytes) -> bytes:
    """Crop marks at the trim corners of every page of a flat PDF, outside its bleed.

    CSS Paged Media 3 §7.2 ``marks: crop`` would draw them inside the bleed area (WeasyPrint
    does), where the bleed artwork covers them; here the MediaBox grows instead to hold them
    beyond the BleedBox, which is kept, as is the TrimBox (PDF 1.7 §14.11.2).
    """
    with reading("input"):
        reader = open_pdf(pdf, "input")
        writer = clone_writer(reader, keep_id=False)
        registration = writer._add_object(_registration_colour(rgb=_rgb_intent(reader)))
        for number, page in enumerate(writer.pages, start=1):
            _add_page_marks(writer, page, page_boxes(page, number, "input"), registration)
        _sync_metadata(writer)
        return _serialize(writer)


def _add_page_marks(
    writer: PdfWriter, page: PageObject, boxes: PageBoxes, registration: IndirectObject
) -> None:
    trim, bleed = boxes.trim, _bleed_width(boxes)
    whole = Box(0, 0, trim.width, trim.height)
    plan = Plan(trim.width, trim.height, (Sheet((Slot(0, whole, whole),)),))
    margin = max(bleed, MARK_OFFSET) + MARK_LENGTH + MARK_SLUG
    sheet = _SheetGeometry(_grown(trim, margin), trim, bleed)
    resources = cast(DictionaryObject, page["/Resources"].get_object())
    colour_spaces = resources.setdefault(NameObject("/ColorSpace"), DictionaryObject())
    cast(DictionaryObject, colour_spaces.get_object())[NameObject("/Reg")] = registration
    contents = page.raw_get("/Contents")  # the reference: a stream cannot be a direct object
    listed = contents.get_object()
    streams = list(listed) if isinstance(listed, ArrayObject) else [contents]
    # The page's own stream may leave the graphics state changed: isolate it (q … Q).
    before = writer._add_object(_stream(b"q\n", {}))
    after = writer._add_object(_stream(f"Q\n{_marks(plan, sheet)}\n".encode("ascii"), {}))
    page[NameObject("/Contents")] = ArrayObject([before, *streams, after])
    for key, box in (("/MediaBox", sheet.media), ("/BleedBox", sheet.bleed_box)):
        page[NameObject(key)] = _rectangle(box)
    page[NameObject("/TrimBox")] = _rectangle(trim)
    if "/CropBox" in page:
        del page["/CropBox"]


def serialize(writer: PdfWriter) -> bytes:
    """The PDF bytes of *writer* as leaflet writes every PDF (:func:`_serialize`): for the
    modules that rewrite a PDF leaflet made (:mod:`leaflet.separations`)."""
    return _serialize(writer)


def _serialize(writer: PdfWriter) -> bytes:
    """The PDF bytes of *writer*, its small objects packed in one compressed object stream.

    pypdf writes every object uncompressed with a classic cross-reference table, which costs
    ~300 bytes per imposed page; like WeasyPrint, we pack every non-stream object into an
    object stream indexed by a cross-reference stream (PDF 1.7 §7.5.7, §7.5.8).
    """
    if _pdfx_before_1_5(writer):
        return _serialize_classic(writer)
    objects = writer._objects  # pypdf has no public way to list the objects it will write
    packed_number, xref_number = len(objects) + 1, len(objects) + 2
    output = io.BytesIO()
    output.write(f"{_header(writer)}\n%\xe2\xe3\xcf\xd3\n".encode("latin-1"))
    entries = [(0, 0, 65535)]  # (type, offset | object stream, generation | index in it)
    index: list[str] = []
    body = io.BytesIO()
    for number, obj in enumerate(objects, start=1):
        if obj is None:
            entries.append((0, 0, 0))
        elif isinstance(obj, StreamObject):
            entries.append((1, output.tell(), 0))
            _write_object(output, number, obj)
        else:
            entries.append((2, packed_number, len(index)))
            index.append(f"{number} {body.tell()}")
            obj.write_to_stream(body)
            body.write(b"\n")
    header = (" ".join(index) + "\n").encode()
    packed = _stream(
        header + body.getvalue(),
        {"/Type": NameObject("/ObjStm"), "/N": _int(len(index)), "/First": _int(len(header))},
    )
    entries.append((1, output.tell(), 0))
    _write_object(output, packed_number, packed)
    xref_offset = output.tell()
    entries.append((1, xref_offset, 0))
    table = b"".join(struct.pack(">BIH", *entry) for entry in entries)
    xref = _stream(
        table,
        {
            "/Type": NameObject("/XRef"),
            "/Size": _int(xref_number + 1),
            "/W": ArrayObject([_int(1), _int(4), _int(2)]),
            "/Root": writer.root_object.indirect_reference,
        },
    )
    if writer._info is not None:
        xref[NameObject("/Info")] = writer._info.indirect_reference
    xref[NameObject("/ID")] = _identifier(writer, output.getvalue())
    _write_object(output, xref_number, xref)
    output.write(f"startxref\n{xref_offset}\n%%EOF\n".encode())
    return output.getvalue()


def _pdfx_before_1_5(writer: PdfWriter) -> bool:
    """A PDF/X-1a or X-3 input (ISO 15930-4/-6: PDF 1.3 or 1.4) must stay at its version,
    which has no object streams; any other old input is upgraded to PDF 1.7 and packed."""
    metadata = writer.metadata
    version = str(metadata.get("/GTS_PDFXVersion", "")) if metadata is not None else ""
    return version.startswith(("PDF/X-1", "PDF/X-3"))


def _serialize_classic(writer: PdfWriter) -> bytes:
    """The PDF bytes of *writer* with a classic cross-reference table and no object streams,
    keeping its PDF 1.3 or 1.4 header (PDF 1.7 §7.5.4)."""
    objects = writer._objects
    output = io.BytesIO()
    output.write(f"{writer.pdf_header}\n%\xe2\xe3\xcf\xd3\n".encode("latin-1"))
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(output.tell() if obj is not None else None)
        if obj is not None:
            _write_object(output, number, obj)
    xref_offset = output.tell()
    output.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        line = f"{offset:010d} 00000 n \n" if offset is not None else "0000000000 00000 f \n"
        output.write(line.encode())
    trailer = _dictionary(
        {"/Size": _int(len(objects) + 1), "/Root": writer.root_object.indirect_reference}
    )
    if writer._info is not None:
        trailer[NameObject("/Info")] = writer._info.indirect_reference
    trailer[NameObject("/ID")] = _identifier(writer, output.getvalue())
    output.write(b"trailer\n")
    trailer.write_to_stream(output)
    output.write(f"\nstartxref\n{xref_offset}\n%%EOF\n".encode())
    return output.getvalue()


def _header(writer: PdfWriter) -> str:
    """The input's PDF version (a PDF/X-4 file stays 1.6); an input older than 1.5, which
    object streams need, becomes 1.7."""
    version = writer.pdf_header.removeprefix("%PDF-")
    return f"%PDF-{version if version >= '1.5' else '1.7'}"


def _identifier(writer: PdfWriter, body: bytes) -> ArrayObject:
    """The trailer's /ID (PDF 1.7 §14.4; PDF/X requires it): the input's permanent identifier
    when it had one, and a hash of the body as the changing one — same input, same bytes."""
    changing = ByteStringObject(hashlib.md5(body, usedforsecurity=False).digest())
    permanent = writer._ID[0] if writer._ID else changing
    return ArrayObject([ByteStringObject(bytes(permanent.original_bytes)), changing])


def _write_object(output: io.BytesIO, number: int, obj: PdfObject) -> None:
    output.write(f"{number} 0 obj\n".encode())
    obj.write_to_stream(output)
    output.write(b"\nendobj\n")


def _stream(data: bytes, entries: dict[str, Any]) -> StreamObject:
    """A Flate-compressed stream of *data* with the dictionary *entries*."""
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream.update(_dictionary(entries))
    return stream.flate_encode(level=9)


@dataclass(frozen=True, slots=True)
class _SheetGeometry:
    """Where the imposed area sits on the sheet, and the sheet's boxes."""

    media: Box
    trim: Box
    bleed: float

    @classmethod
    def for_plan(
        cls, plan: Plan, paper: tuple[float, float], bleed: float, marks: bool
    ) -> _SheetGeometry:
        if marks:
            margin = max(bleed, MARK_OFFSET) + MARK_LENGTH + MARK_SLUG
            media = Box(0, 0, plan.width + 2 * margin, plan.height + 2 * margin)
        else:
            media = Box(0, 0, *paper)
        x = (media.width - plan.width) / 2
        y = (media.height - plan.height) / 2
        return cls(media, Box(x, y, plan.width, plan.height), bleed)

    @property
    def bleed_box(self) -> Box:
        return _intersect(_grown(self.trim, self.bleed), self.media)


def _form_xobject(
    writer: PdfWriter, page: PageObject, boxes: PageBoxes, budget: _ContentBudget
) -> IndirectObject:
    """Page *page* as a Form XObject in *writer*, clipped to its BleedBox."""
    contents = page.get_contents()
    entries = {
        "/Subtype": NameObject("/Form"),
        "/BBox": _rectangle(boxes.bleed),
        "/Resources": page.get("/Resources", DictionaryObject()).clone(writer),
    }
    if "/Group" in page:  # keep the page's transparency group (PDF 1.7 §11.6.6)
        entries["/Group"] = page["/Group"].clone(writer)
    data = contents.get_data() if contents is not None else b""
    budget.spend(len(data))
    return writer._add_object(_stream(data, entries))


def _place(slot: Slot, boxes: PageBoxes, sheet: _SheetGeometry, plan: Plan) -> str:
    """Content stream drawing *page* in *slot*: clip to its cell, then place its form.

    The ``cm`` matrix maps the page's TrimBox corner onto the slot, turned 180° about the
    slot's centre when the slot says so.
    """
    trim_x, trim_y = boxes.trim.x, boxes.trim.y
    x, y = sheet.trim.x + slot.trim.x, sheet.trim.y + slot.trim.y
    if slot.rotation == 180:
        matrix = (-1, 0, 0, -1, x + slot.trim.width + trim_x, y + slot.trim.height + trim_y)
    else:
        matrix = (1, 0, 0, 1, x - trim_x, y - trim_y)
    clip = _clip(slot.cell, plan, sheet)
    return (
        f"q {_nums(clip.x, clip.y, clip.width, clip.height)} re W n"
        f" {_nums(*matrix)} cm /P{slot.page} Do Q"
    )


def _clip(cell: Box, plan: Plan, sheet: _SheetGeometry) -> Box:
    """The cell on the sheet, grown by the bleed on edges at the outside of the imposed area,
    and by up to half the gutter on inner edges (cut apart: each side keeps its bleed; a fold
    has no gutter)."""
    b, inner = sheet.bleed, min(sheet.bleed, plan.gutter / 2)
    left = b if cell.x <= _EDGE else inner
    bottom = b if cell.y <= _EDGE else inner
    right = b if cell.right >= plan.width - _EDGE else inner
    top = b if cell.top >= plan.height - _EDGE else inner
    return Box(
        sheet.trim.x + cell.x - left,
        sheet.trim.y + cell.y - bottom,
        cell.width + left + right,
        cell.height + bottom + top,
    )


def _marks(plan: Plan, sheet: _SheetGeometry, back: bool = False) -> str:
    """Crop marks at every cut line and dashed fold marks at every fold, outside the bleed,
    as they lie on a front side or, *back*, a back side; a cut that ends inside the sheet (a
    slit) is drawn where it runs, solid."""
    trim = sheet.trim
    near = max(sheet.bleed, MARK_OFFSET)
    far = near + MARK_LENGTH
    lines = plan.lines(back)

    def across(xs: Sequence[float], ys: Sequence[float]) -> list[str]:
        return [
            *(line for x in xs for line in _vertical(trim.x + x, trim, near, far)),
            *(line for y in ys for line in _horizontal(trim.y + y, trim, near, far)),
        ]

    slits = [
        f"{_nums(trim.x + s.x0, trim.y + s.y0)} m {_nums(trim.x + s.x1, trim.y + s.y1)} l S"
        for s in lines.slits
    ]
    folds = across(lines.folds_x, lines.folds_y)
    return "\n".join(
        [
            f"q /Reg CS 1 SCN {_nums(MARK_WIDTH)} w",
            *across(lines.cuts_x, lines.cuts_y),
            *slits,
            "[2 2] 0 d",
            *folds,
            "Q",
        ]
    )


def _vertical(x: float, trim: Box, near: float, far: float) -> Iterator[str]:
    for y0, y1 in ((trim.y - far, trim.y - near), (trim.top + near, trim.top + far)):
        yield f"{_nums(x, y0)} m {_nums(x, y1)} l S"


def _horizontal(y: float, trim: Box, near: float, far: float) -> Iterator[str]:
    for x0, x1 in ((trim.x - far, trim.x - near), (trim.right + near, trim.right + far)):
        yield f"{_nums(x0, y)} m {_nums(x1, y)} l S"


def _registration_colour(*, rgb: bool = False) -> ArrayObject:
    """Separation /All: marks print on every plate (PDF 1.7 §8.6.6.4).  Its alternate space
    (what a screen or a composite printer shows) is CMYK, or RGB black under an RGB output
    intent (PDF/A with sRGB: ISO 19005-2 §6.2.4.3 allows no DeviceCMYK there)."""
    white, black = ((1, 1, 1), (0, 0, 0)) if rgb else ((0, 0, 0, 0), (1, 1, 1, 1))
    tint = _dictionary(
        {
            "/FunctionType": _int(2),
            "/Domain": _numbers(0, 1),
            "/C0": _numbers(*white),
            "/C1": _numbers(*black),
            "/N": _int(1),
        }
    )
    space = NameObject("/DeviceRGB" if rgb else "/DeviceCMYK")
    return ArrayObject([NameObject("/Separation"), NameObject("/All"), space, tint])


def _rgb_intent(reader: PdfReader) -> bool:
    """The document's output intent is an RGB profile (PDF/A's sRGB)."""
    intents = reader.root_object.get("/OutputIntents")
    intents = intents.get_object() if intents is not None else None
    for intent in intents if isinstance(intents, ArrayObject) else ():
        entries = intent.get_object()
        profile = (
            entries.get("/DestOutputProfile") if isinstance(entries, DictionaryObject) else None
        )
        profile = profile.get_object() if profile is not None else None
        if isinstance(profile, StreamObject) and profile.get("/N") == 3:
            return True
    return False


def _add_sheet_page(
    writer: PdfWriter, sheet: _SheetGeometry, resources: DictionaryObject, content: str
) -> None:
    page = writer.add_blank_page(sheet.media.width, sheet.media.height)
    page.update(
        _dictionary(
            {
                "/Contents": writer._add_object(_stream(content.encode("ascii"), {})),
                "/Resources": resources,
                "/MediaBox": _rectangle(sheet.media),
                "/TrimBox": _rectangle(sheet.trim),
                "/BleedBox": _rectangle(sheet.bleed_box),
            }
        )
    )


def _grown(box: Box, by: float) -> Box:
    return Box(box.x - by, box.y - by, box.width + 2 * by, box.height + 2 * by)


def _intersect(a: Box, b: Box) -> Box:
    x, y = max(a.x, b.x), max(a.y, b.y)
    return Box(x, y, min(a.right, b.right) - x, min(a.top, b.top) - y)


def _rectangle(box: Box) -> RectangleObject:
    return RectangleObject([_round(v) for v in (box.x, box.y, box.right, box.top)])


def _dictionary(entries: dict[str, Any]) -> DictionaryObject:
    return DictionaryObject({NameObject(key): value for key, value in entries.items()})


def _int(value: int) -> NumberObject:
    return NumberObject(value)


def _numbers(*values: float) -> ArrayObject:
    return ArrayObject(FloatObject(value) for value in values)


def _round(value: float) -> float:
    """Round to 1/1000 pt: enough for print, short and stable in the output."""
    return round(value, 3) + 0.0  # + 0.0 turns -0.0 into 0.0


def _nums(*values: float) -> str:
    return " ".join(f"{_round(value):.3f}".rstrip("0").rstrip(".") for value in values)


# Print variants: images in the output condition's colours, output intent, metadata ------------


def finish_variant(
    pdf: bytes, variant: str | None, condition: PrintingCondition | None = None
) -> bytes:
    """The file of a PDF variant made ready for print, from leaflet's rendered output (flat,
    with marks, or imposed); without *variant*, or for a variant with nothing to do, *pdf*.

    * PDF/X (ISO 15930): the output intent names the registered printing condition
      (*condition*; by default the one whose profile the file carries, else
      :data:`pdfx.CONDITION`: ``/RegistryName``, ``/OutputCondition``, ``/Info``);
    * PDF/X: no annotations (links) on the pages: ISO 15930 permits none inside the trim, and
      a PDF/X file goes to a press, not a screen (RGB and PDF/A output keep their links);
    * PDF/X-1a: every image is converted to CMYK through the output profile
      (:func:`pdfx.cmyk_image`); alpha becomes an explicit stencil mask (``/Mask``, no
      transparency) painting the pixels at least half opaque, partly transparent ones
      flattened onto white paper first (a warning names the page: exact on paper, a light
      fringe on a coloured band); any other transparency is a :class:`RenderError`;
    * PDF/X-4: RGB images keep their pixels with an sRGB ICC profile attached (``ICCBased``),
      never ``DeviceRGB``;
    * PDF/A: no image asks to be interpolated (ISO 19005-2 §6.2.8: ``/Interpolate`` false);
    * every variant: Info and XMP say the same (:func:`_sync_metadata`; the Info dictionary is
      the one source), and a PDF/X-4 file names its version in Info too.
    """
    if variant is None:
        return pdf
    from .pdfx import is_print_variant

    with reading("output"):
        reader = open_pdf(pdf, "output")
        writer = clone_writer(reader)
        if is_print_variant(variant):
            condition = condition or _file_condition(writer)
            _name_condition(writer, condition)
            _drop_annotations(writer)
            if variant == "pdf/x-1a":
                _refuse_transparency(writer)
                _images_to_cmyk(writer, condition)
                _drop_unused_colour_spaces(writer)
            else:
                _images_with_profile(writer)
        elif variant.startswith("pdf/a"):
            _no_interpolation(writer)
        _sync_metadata(writer)
        return _serialize(writer)


def _no_interpolation(writer: PdfWriter) -> None:
    for _, _, xobject in _image_xobjects(writer):
        for image in (xobject, xobject.get("/SMask")):
            image = image.get_object() if image is not None else None
            if isinstance(image, StreamObject) and "/Interpolate" in image:
                image[NameObject("/Interpolate")] = BooleanObject(False)


def _file_condition(writer: PdfWriter) -> PrintingCondition:
    """The known condition whose identifier the file's PDF/X output intent names (WeasyPrint
    writes the profile's model tag there), else :data:`pdfx.CONDITION`."""
    from .pdfx import CONDITION, PAPERS, US_PAPERS

    intents = writer.root_object.get("/OutputIntents")
    intents = intents.get_object() if intents is not None else None
    for intent in intents if isinstance(intents, ArrayObject) else ():
        entries = intent.get_object()
        if isinstance(entries, DictionaryObject) and entries.get("/S") == "/GTS_PDFX":
            named = str(entries.get("/OutputConditionIdentifier", ""))
            for known in (*PAPERS.values(), *US_PAPERS.values()):
                if known.identifier == named:
                    return known
    return CONDITION


def _name_condition(writer: PdfWriter, condition: PrintingCondition) -> None:
    """The registered condition's names on the PDF/X output intent (ISO 15930-7 §6.2.3)."""
    intents = writer.root_object.get("/OutputIntents")
    for intent in cast(ArrayObject, intents.get_object() if intents is not None else []):
        entries = cast(DictionaryObject, intent.get_object())
        if entries.get("/S") != "/GTS_PDFX":
            continue
        entries.update(
            _dictionary(
                {
                    "/OutputConditionIdentifier": _text(condition.identifier),
                    "/RegistryName": _text(condition.registry),
                    "/OutputCondition": _text(condition.condition),
                    "/Info": _text(condition.info),
                }
            )
        )


def _drop_annotations(writer: PdfWriter) -> None:
    for page in writer.pages:
        if "/Annots" in page:
            del page["/Annots"]


def _text(value: str) -> PdfObject:
    from pypdf.generic import TextStringObject

    return TextStringObject(value)


def _image_xobjects(writer: PdfWriter) -> Iterator[tuple[int, IndirectObject, StreamObject]]:
    """Every image XObject the pages draw (through Form XObjects too), once each, with the
    number of the first page that draws it."""
    seen: set[int] = set()

    def walk(resources: Any, number: int) -> Iterator[tuple[int, IndirectObject, StreamObject]]:
        resources = resources.get_object() if resources is not None else None
        if not isinstance(resources, DictionaryObject):
            return
        xobjects = resources.get("/XObject")
        xobjects = xobjects.get_object() if xobjects is not None else None
        if not isinstance(xobjects, DictionaryObject):
            return
        for reference in xobjects.values():
            if not isinstance(reference, IndirectObject) or reference.idnum in seen:
                continue
            seen.add(reference.idnum)
            xobject = reference.get_object()
            if not isinstance(xobject, StreamObject):
                continue
            if xobject.get("/Subtype") == "/Image":
                yield number, reference, xobject
            elif xobject.get("/Subtype") == "/Form":
                yield from walk(xobject.get("/Resources"), number)

    for number, page in enumerate(writer.pages, start=1):
        yield from walk(page.get("/Resources"), number)


def _images_to_cmyk(writer: PdfWriter, condition: PrintingCondition) -> None:
    """PDF/X-1a: every image not already in DeviceCMYK or DeviceGray (or a stencil mask) in
    the output condition's CMYK, its alpha an explicit mask."""
    from PIL import Image

    from .pdfx import cmyk_image

    for number, reference, xobject in _image_xobjects(writer):
        if xobject.get("/ImageMask"):
            continue
        space = xobject.get("/ColorSpace")
        plain = space in ("/DeviceCMYK", "/DeviceGray")
        if plain and "/SMask" not in xobject:
            continue
        try:
            picture = xobject.decode_as_image()
        except Exception as error:  # pypdf raises many kinds on data it cannot decode
            from .errors import RenderError

            raise RenderError(
                f"page {number}: an image ({xobject.get('/Width')}×{xobject.get('/Height')} px) "
                f"cannot be read back to convert it to CMYK for PDF/X-1a ({_reason(error)}); "
                "save it as an 8-bit PNG or a JPEG, or use --pdf-variant pdf/x-4"
            ) from error
        alpha = picture.getchannel("A") if "A" in picture.getbands() else None
        if picture.mode in ("L", "LA", "1") or space == "/DeviceGray":
            colour, white = picture.convert("L"), 255
        elif picture.mode == "CMYK":
            colour, white = picture, (0, 0, 0, 0)  # type: ignore[assignment]
        else:
            colour, white = picture.convert("RGB"), (255, 255, 255)  # type: ignore[assignment]
        entries: dict[str, Any] = {
            "/Type": NameObject("/XObject"),
            "/Subtype": NameObject("/Image"),
            "/Width": _int(picture.width),
            "/Height": _int(picture.height),
            "/BitsPerComponent": _int(8),
        }
        if alpha is not None:
            counts = alpha.histogram()  # pixels at each alpha level 0 … 255
            if any(counts[1:255]):
                _LOG.warning(
                    "page %d: an image's partly transparent pixels were flattened onto white "
                    "paper, and those less than half opaque left out (PDF/X-1a has no "
                    "transparency; PDF/X-4 keeps it)",
                    number,
                )
                # Blended as the screen shows it over paper, before conversion.
                paper = Image.new(colour.mode, colour.size, white)
                colour = Image.composite(colour, paper, alpha)
            if any(counts[:128]):
                entries["/Mask"] = writer._add_object(_stencil(alpha))
        if colour.mode == "RGB":
            colour = cmyk_image(colour, condition)
        entries["/ColorSpace"] = NameObject("/DeviceGray" if colour.mode == "L" else "/DeviceCMYK")
        image = _stream(colour.tobytes(), entries)
        _replace_object(writer, reference, image)
        _drop_soft_mask(writer, xobject)


def _new_forms(resources: DictionaryObject, seen: set[int]) -> Iterator[StreamObject]:
    """The Form XObjects of *resources* not met before (their object numbers go into *seen*:
    a form drawn on many pages, or drawing itself, is visited once)."""
    xobjects = resources.get("/XObject")
    xobjects = xobjects.get_object() if xobjects is not None else None
    for reference in xobjects.values() if isinstance(xobjects, DictionaryObject) else ():
        if isinstance(reference, IndirectObject) and reference.idnum not in seen:
            seen.add(reference.idnum)
            xobject = reference.get_object()
            if isinstance(xobject, StreamObject) and xobject.get("/Subtype") == "/Form":
                yield xobject


def _drop_unused_colour_spaces(writer: PdfWriter) -> None:
    """PDF/X-1a (ISO 15930-4 §6.2.3) allows no ICCBased, CalRGB or Lab colour space, even
    one declared and never used: WeasyPrint declares its ``device-cmyk`` profile and two Lab
    spaces in every page's resources and paints with DeviceCMYK.  Unused ones go; a used one
    is an error."""
    from .errors import RenderError

    resources: list[DictionaryObject] = []
    contents: list[bytes] = []
    seen: set[int] = set()

    def collect(dictionary: Any) -> None:
        dictionary = dictionary.get_object() if dictionary is not None else None
        if not isinstance(dictionary, DictionaryObject):
            return
        resources.append(dictionary)
        for xobject in _new_forms(dictionary, seen):
            contents.append(xobject.get_data())
            collect(xobject.get("/Resources"))

    for page in writer.pages:
        page_contents = page.get_contents()
        contents.append(page_contents.get_data() if page_contents is not None else b"")
        collect(page.get("/Resources"))
    used = b"\n".join(contents)
    for dictionary in resources:
        spaces = dictionary.get("/ColorSpace")
        spaces = spaces.get_object() if spaces is not None else None
        if not isinstance(spaces, DictionaryObject):
            continue
        for name in list(spaces):
            space = spaces[name].get_object()
            family = space[0] if isinstance(space, ArrayObject) and space else space
            if family not in ("/ICCBased", "/CalRGB", "/CalGray", "/Lab", "/DeviceRGB"):
                continue
            if re.search(re.escape(name.encode()) + rb"\s+(cs|CS)\b", used):
                raise RenderError(
                    f"the PDF paints in the colour space {name} ({family}), which PDF/X-1a "
                    "does not allow: use --pdf-variant pdf/x-4"
                )
            del spaces[name]


def _stencil(alpha: Any) -> StreamObject:
    """An explicit mask (PDF 1.7 §8.9.6.3) painting where *alpha* is at least half opaque
    (a sample 0 paints, 1 masks)."""
    mask = alpha.point(lambda level: 0 if level >= 128 else 255).convert("1")
    return _stream(
        mask.tobytes(),
        {
            "/Type": NameObject("/XObject"),
            "/Subtype": NameObject("/Image"),
            "/Width": _int(mask.width),
            "/Height": _int(mask.height),
            "/ImageMask": BooleanObject(True),
            "/BitsPerComponent": _int(1),
        },
    )


def _replace_object(writer: PdfWriter, reference: IndirectObject, new: PdfObject) -> None:
    """*new* in place of the object *reference* points to (every reference sees it)."""
    new.indirect_reference = IndirectObject(reference.idnum, 0, writer)
    writer._objects[reference.idnum - 1] = new


def _drop_soft_mask(writer: PdfWriter, xobject: StreamObject) -> None:
    """The soft mask an image no longer uses, out of the file."""
    smask = xobject.raw_get("/SMask") if "/SMask" in xobject else None
    if isinstance(smask, IndirectObject):
        writer._objects[smask.idnum - 1] = None


def _refuse_transparency(writer: PdfWriter) -> None:
    """PDF/X-1a (ISO 15930-4 §6.3.5) has no transparency besides image alpha, which
    :func:`_images_to_cmyk` converts: a graphics state or page group using it is an error."""
    from .errors import RenderError

    def transparent(state: DictionaryObject) -> str | None:
        for key in ("/ca", "/CA"):
            opacity = _finite_numbers(ArrayObject([state.get(key, NumberObject(1))]))
            if opacity is None or opacity[0] < 1:
                return f"an opacity of {state.get(key)}"
        if state.get("/SMask", "/None") != "/None":
            return "a soft mask"
        if state.get("/BM", "/Normal") not in ("/Normal", "/Compatible"):
            return f"the blend mode {state['/BM']}"
        return None

    def check(resources: Any, number: int, seen: set[int]) -> None:
        resources = resources.get_object() if resources is not None else None
        if not isinstance(resources, DictionaryObject):
            return
        states = resources.get("/ExtGState")
        states = states.get_object() if states is not None else None
        for state in (states or {}).values() if isinstance(states, DictionaryObject) else ():
            reason = transparent(cast(DictionaryObject, state.get_object()))
            if reason is not None:
                raise RenderError(
                    f"page {number} uses transparency ({reason}), which PDF/X-1a cannot hold: "
                    "use --pdf-variant pdf/x-4, or a template without it"
                )
        for xobject in _new_forms(resources, seen):
            if "/Group" in xobject:
                del xobject["/Group"]
            check(xobject.get("/Resources"), number, seen)

    seen: set[int] = set()
    for number, page in enumerate(writer.pages, start=1):
        if "/Group" in page:
            del page["/Group"]  # a transparency group attribute; nothing transparent is left
        check(page.get("/Resources"), number, seen)


def _images_with_profile(writer: PdfWriter) -> None:
    """PDF/X-4 (ISO 15930-7 §6.2.4): RGB images carry an ICC profile; DeviceRGB becomes
    ICCBased sRGB (the colours WeasyPrint and browsers show them in), the pixels unchanged."""
    from .pdfx import srgb_profile

    profile: IndirectObject | None = None
    for _, _, xobject in _image_xobjects(writer):
        space = xobject.get("/ColorSpace")
        indexed = isinstance(space, ArrayObject) and len(space) > 1 and space[0] == "/Indexed"
        base = cast(ArrayObject, space)[1] if indexed else space
        if base != "/DeviceRGB":
            continue
        if profile is None:
            entries = {"/N": _int(3), "/Alternate": NameObject("/DeviceRGB")}
            profile = writer._add_object(_stream(srgb_profile(), entries))
        iccbased = ArrayObject([NameObject("/ICCBased"), profile])
        if indexed:
            cast(ArrayObject, space)[1] = iccbased
        else:
            xobject[NameObject("/ColorSpace")] = iccbased


# Metadata: Info and XMP from one source ---------------------------------------------------------

_XMP_NAMESPACES = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "pdfx": "http://ns.adobe.com/pdfx/1.3/",
    "pdfxid": "http://www.npes.org/pdfx/ns/id/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "pdfuaid": "http://www.aiim.org/pdfua/ns/id/",
}
_PREFIXES = {uri: prefix for prefix, uri in _XMP_NAMESPACES.items()}
_PREFIXES["http://www.w3.org/XML/1998/namespace"] = "xml"
#: Info entries and the XMP properties that must say the same (ISO 16684-1, PDF 2.0 §14.3.3).
_SIMPLE_PROPERTIES = {
    "/Producer": "pdf:Producer",
    "/Keywords": "pdf:Keywords",
    "/Creator": "xmp:CreatorTool",
    "/CreationDate": "xmp:CreateDate",
    "/ModDate": "xmp:ModifyDate",
}


def _sync_metadata(writer: PdfWriter) -> None:
    """The XMP packet's document properties rewritten from the Info dictionary (producer,
    keywords, creator tool, dates, title, author, subject), and ``GTS_PDFXVersion`` copied
    into Info from the XMP when only the XMP names it (WeasyPrint's PDF/X-4).  A file
    without XMP, or with XMP leaflet cannot parse, keeps it as it is."""
    import xml.etree.ElementTree as ElementTree

    metadata = writer.root_object.get("/Metadata")
    stream = metadata.get_object() if metadata is not None else None
    if not isinstance(stream, StreamObject):
        return
    packet = stream.get_data()
    start, end = packet.find(b"<x:xmpmeta"), packet.rfind(b"</x:xmpmeta>")
    if start < 0 or end < 0:
        return
    try:
        root = ElementTree.fromstring(packet[start : end + len(b"</x:xmpmeta>")])
    except ElementTree.ParseError:
        return
    rdf = root.find("rdf:RDF", _XMP_NAMESPACES)
    if rdf is None:
        return
    info: dict[str, Any] = dict(writer.metadata or {})
    version = rdf.find(".//pdfxid:GTS_PDFXVersion", _XMP_NAMESPACES)
    if version is not None and version.text and "/GTS_PDFXVersion" not in info:
        writer.add_metadata({"/GTS_PDFXVersion": version.text})
        info = dict(writer.metadata or {})
    names = {*_SIMPLE_PROPERTIES.values(), "dc:title", "dc:creator", "dc:description"}
    qualified = {_qualified(name) for name in names}
    for description in rdf.findall("rdf:Description", _XMP_NAMESPACES):
        for key in [key for key in description.attrib if key in qualified]:
            del description.attrib[key]
        for child in [child for child in description if child.tag in qualified]:
            description.remove(child)
        if not len(description) and set(description.attrib) <= {_qualified("rdf:about")}:
            rdf.remove(description)
    description = ElementTree.SubElement(rdf, _qualified("rdf:Description"))
    description.set(_qualified("rdf:about"), "")
    for key, name in _SIMPLE_PROPERTIES.items():
        if key in info:
            value = str(info[key])
            if key.endswith("Date"):
                value = _xmp_date(value)
            if value:
                ElementTree.SubElement(description, _qualified(name)).text = value
    for key, name, container in (
        ("/Title", "dc:title", "rdf:Alt"),
        ("/Author", "dc:creator", "rdf:Seq"),
        ("/Subject", "dc:description", "rdf:Alt"),
    ):
        if key in info:
            element = ElementTree.SubElement(description, _qualified(name))
            items = ElementTree.SubElement(element, _qualified(container))
            item = ElementTree.SubElement(items, _qualified("rdf:li"))
            if container == "rdf:Alt":
                item.set("{http://www.w3.org/XML/1998/namespace}lang", "x-default")
            item.text = str(info[key])
    body = _xml(root).encode("utf-8")
    new = packet[:start] + body + packet[end + len(b"</x:xmpmeta>") :]
    entries = {"/Type": NameObject("/Metadata"), "/Subtype": NameObject("/XML")}
    replacement = DecodedStreamObject()  # uncompressed: readers may look for it as text
    replacement.set_data(new)
    replacement.update(_dictionary(entries))
    reference = metadata if isinstance(metadata, IndirectObject) else None
    if reference is not None:
        _replace_object(writer, reference, replacement)
    else:
        writer.root_object[NameObject("/Metadata")] = writer._add_object(replacement)


def _xml(root: Any) -> str:
    """*root* (ElementTree) as XML text with the usual XMP prefixes (others get ``ns1``,
    ``ns2``…), every namespace declared on the root element (ElementTree's own writer would
    need them registered process-wide) and again on each ``rdf:Description`` that uses it,
    as Adobe's XMP toolkit writes them: PDFBox's xmpbox finds schemas only there."""
    from xml.sax.saxutils import escape, quoteattr

    prefixes = dict(_PREFIXES)
    declared: dict[str, str] = {}

    def name(tag: str) -> str:
        if not tag.startswith("{"):
            return tag
        uri, local = tag[1:].split("}", 1)
        if uri not in prefixes:
            prefixes[uri] = f"ns{len(prefixes)}"
        if prefixes[uri] != "xml":
            declared[prefixes[uri]] = uri
        return f"{prefixes[uri]}:{local}"

    description = _qualified("rdf:Description")

    def used(element: Any) -> dict[str, str]:
        """Prefix → URI of the namespaces *element* and its descendants are named in."""
        found: dict[str, str] = {}
        for node in element.iter():
            for tag in (node.tag, *node.attrib):
                prefix = name(tag).partition(":")[0]
                if prefix in declared and prefix not in ("rdf", "xml"):
                    found[prefix] = declared[prefix]
        return found

    def write(element: Any) -> str:
        tag = name(element.tag)
        local = used(element) if element.tag == description else {}
        attributes = "".join(
            f" xmlns:{prefix}={quoteattr(uri)}" for prefix, uri in local.items()
        ) + "".join(f" {name(key)}={quoteattr(value)}" for key, value in element.attrib.items())
        inner = escape(element.text or "") + "".join(
            write(child) + escape(child.tail or "") for child in element
        )
        return f"<{tag}{attributes}>{inner}</{tag}>" if inner else f"<{tag}{attributes}/>"

    body = write(root)
    tag = name(root.tag)
    namespaces = "".join(f" xmlns:{prefix}={quoteattr(uri)}" for prefix, uri in declared.items())
    return body.replace(f"<{tag}", f"<{tag}{namespaces}", 1)


#: Largest XMP packet compared with Info (leaflet's are ~2 kB).
XMP_LIMIT = 1 << 20


def metadata_disagreements(reader: PdfReader) -> list[str]:
    """Where the Info dictionary and the XMP packet of *reader* say different things (both
    present), as ``"Producer (Info 'a', XMP 'b')"``; dates are compared as dates.  A packet
    that cannot be parsed, or is too large, is one entry saying so."""
    import xml.etree.ElementTree as ElementTree

    metadata = reader.root_object.get("/Metadata")
    stream = metadata.get_object() if metadata is not None else None
    if not isinstance(stream, StreamObject):
        return []
    packet = stream.get_data()
    if len(packet) > XMP_LIMIT:
        return [f"XMP packet larger than {size_text(XMP_LIMIT)}: not compared"]
    start, end = packet.find(b"<x:xmpmeta"), packet.rfind(b"</x:xmpmeta>")
    try:
        if start < 0 or end < 0:
            raise ElementTree.ParseError("no x:xmpmeta element")
        root = ElementTree.fromstring(packet[start : end + len(b"</x:xmpmeta>")])
    except ElementTree.ParseError as error:
        return [f"XMP packet cannot be read ({error})"]
    xmp: dict[str, str] = {}
    simple = {_qualified(name): name for name in _SIMPLE_PROPERTIES.values()}
    listed = {_qualified(name): name for name in ("dc:title", "dc:creator", "dc:description")}
    for description in root.iter(_qualified("rdf:Description")):
        for key, value in description.attrib.items():
            if key in simple:
                xmp[simple[key]] = value
        for child in description:
            if child.tag in simple:
                xmp[simple[child.tag]] = child.text or ""
            elif child.tag in listed:
                items = [item.text or "" for item in child.iter(_qualified("rdf:li"))]
                xmp[listed[child.tag]] = ", ".join(items)
    info: dict[str, Any] = dict(reader.metadata or {})
    pairs = {**_SIMPLE_PROPERTIES, "/Title": "dc:title", "/Author": "dc:creator"}
    found = []
    for key, name in pairs.items():
        if key not in info or name not in xmp:
            continue
        said, written = str(info[key]), xmp[name]
        if key.endswith("Date"):
            same = _xmp_date(said) == written.strip()
        else:
            same = said.strip() == written.strip()
        if not same:
            found.append(
                f"{key.lstrip('/')} (Info {_shorten(said, 60)!r}, XMP {_shorten(written, 60)!r})"
            )
    return found


def _qualified(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{_XMP_NAMESPACES[prefix]}}}{local}"


def _xmp_date(value: str) -> str:
    """A PDF date (``D:YYYYMMDDHHmmSS+HH'mm'``, PDF 1.7 §7.9.4) as an XMP date (ISO 8601);
    its precision kept.  An unreadable date gives ``""``."""
    match = re.fullmatch(
        r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz])|([+-])(\d{2})'?(\d{2})?'?)?",
        value.strip(),
    )
    if match is None:
        return ""
    year, month, day, hour, minute, second, zulu, sign, zone_hour, zone_minute = match.groups()
    date = "-".join(part for part in (year, month, day) if part)
    if hour is None or minute is None:
        return date
    time = f"{hour}:{minute}" + (f":{second}" if second else "")
    zone = "Z" if zulu else (f"{sign}{zone_hour}:{zone_minute or '00'}" if sign else "")
    return f"{date}T{time}{zone}"
