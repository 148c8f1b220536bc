"""Reading and writing PDF files: the only module that imports pypdf.

Imposition draws a :class:`~leaflet.impose.Plan` here.  Each source page becomes one Form
XObject (PDF 1.7 §8.10) whose /BBox is the page's BleedBox, so its bleed travels with it; sheets
place it by reference (``q … cm /Pn Do Q``), so fonts and images are stored once and the imposed
file stays about the size of the flat one.
"""

from __future__ import annotations

import hashlib
import io
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    RectangleObject,
    StreamObject,
)

from .errors import ImposeError
from .impose import TOLERANCE, Box, Plan, Sheet, Slot
from .units import POINTS_PER

__all__ = [
    "KEYWORD_LAYOUT",
    "Source",
    "add_marks",
    "keywords",
    "media_size",
    "open_pdf",
    "page_sizes",
    "read_file",
    "read_source",
    "write_imposed",
]

_MM = POINTS_PER["mm"]
#: Crop and fold marks: line length, least distance from the trim, line width (points).
MARK_LENGTH = 4 * _MM
MARK_OFFSET = 3 * _MM
MARK_WIDTH = 0.25
#: Room kept between the marks and the edge of the sheet: with a 3 mm bleed, marks take
#: 7.5 mm a side, so an A4 trim with its marks is exactly an SRA4 press sheet (225 × 320 mm).
MARK_SLUG = 0.5 * _MM
#: Prefix of the /Keywords entry naming the imposition layout (read back by ``leaflet check``).
KEYWORD_LAYOUT = "layout:"


@dataclass(frozen=True, slots=True)
class Source:
    """A validated input PDF: all pages share one trim size and one bleed."""

    reader: PdfReader
    trim_size: tuple[float, float]
    #: Widest bleed on any edge (BleedBox beyond TrimBox), in points.
    bleed: float

    @property
    def page_count(self) -> int:
        return len(self.reader.pages)


def read_source(pdf: bytes | Path, name: str | None = None) -> Source:
    """Open and check a PDF to impose; *name* (default: the path) is used in error messages.

    Raises :class:`ImposeError` if it is not a PDF, is encrypted, has no pages, has rotated
    pages, or has pages of different sizes.
    """
    if isinstance(pdf, Path):
        name = name or str(pdf)
        pdf = read_file(pdf)
    name = name or "input"
    reader = open_pdf(pdf, name)
    sizes = {_rounded(_trim(page)): _trim(page) for page in reader.pages}
    bleeds = {_rounded(_bleed_size(page)) for page in reader.pages}
    if len(sizes) > 1 or len(bleeds) > 1:
        listed = ", ".join(f"{w / _MM:.0f}×{h / _MM:.0f} mm" for w, h in sorted(sizes.values()))
        raise ImposeError(f"{name}: pages have different sizes ({listed}); impose needs one size")
    if any(page.rotation % 360 for page in reader.pages):
        raise ImposeError(f"{name}: rotated pages (/Rotate) cannot be imposed; rotate them first")
    first = reader.pages[0]
    return Source(reader, _trim(first), _bleed_width(first))


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """Trim size (width, height in points) of every page of *pdf*."""
    return [_trim(page) for page in open_pdf(pdf, "input").pages]


def media_size(pdf: bytes) -> tuple[float, float]:
    """Width and height (points) of the first page's MediaBox: the sheet a printer feeds."""
    box = open_pdf(pdf, "input").pages[0].mediabox
    return float(box.width), float(box.height)


def read_file(path: Path) -> bytes:
    """The bytes of *path*; a missing or unreadable file is an :class:`ImposeError`."""
    try:
        return path.read_bytes()
    except OSError as error:
        raise ImposeError(f"cannot read {path}: {error.strerror}") from None


def open_pdf(pdf: bytes, name: str) -> PdfReader:
    """A reader for *pdf*; :class:`ImposeError` (a :class:`LeafletError`) when it is not a PDF,
    is encrypted, damaged or has no pages."""
    if b"%PDF-" not in pdf[:1024]:
        raise ImposeError(f"{name}: not a PDF file")
    try:
        reader = PdfReader(io.BytesIO(pdf))
        if reader.is_encrypted:
            raise ImposeError(f"{name}: the PDF is encrypted; save an unprotected copy first")
        if len(reader.pages) == 0:
            raise ImposeError(f"{name}: the PDF has no pages")
    except (PdfReadError, ValueError, KeyError) as error:
        raise ImposeError(f"{name}: damaged PDF ({error})") from None
    return reader


def _trim(page: PageObject) -> tuple[float, float]:
    box = page.trimbox  # pypdf applies the defaults of PDF 1.7 §14.11.2: CropBox, MediaBox
    return float(box.width), float(box.height)


def _bleed_size(page: PageObject) -> tuple[float, float]:
    box = page.bleedbox
    return float(box.width), float(box.height)


def _bleed_width(page: PageObject) -> float:
    trim, bleed = page.trimbox, page.bleedbox
    edges = (
        trim.left - bleed.left,
        trim.bottom - bleed.bottom,
        bleed.right - trim.right,
        bleed.top - trim.top,
    )
    return max(0.0, *(float(edge) for edge in edges))


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
    writer = PdfWriter()
    _copy_document_info(source.reader, writer, layout)
    sheet = _SheetGeometry.for_plan(plan, paper, source.bleed, marks)
    forms = [_form_xobject(writer, page) for page in source.reader.pages]
    registration = writer._add_object(_registration_colour()) if marks else None
    for side in (side for sheet_ in plan.sheets for side in sheet_.sides):
        placed = [(slot, slot.page) for slot in side if slot.page is not None]
        pages = source.reader.pages
        commands = [_place(slot, pages[page], sheet, plan) for slot, page in placed]
        used = {f"/P{page}": forms[page] for _, page in sorted(placed, key=lambda item: item[1])}
        resources = _dictionary({"/XObject": _dictionary(used)})
        if registration is not None:
            commands.append(_marks(plan, sheet))
            resources[NameObject("/ColorSpace")] = _dictionary({"/Reg": registration})
        _add_sheet_page(writer, sheet, resources, "\n".join(commands))
    return _serialize(writer)


def _copy_document_info(reader: PdfReader, writer: PdfWriter, layout: str | None) -> None:
    """Keep the title, author…, XMP metadata and output intents (PDF/X, PDF/A) of the flat PDF."""
    metadata: dict[str, Any] = dict(reader.metadata or {})
    if layout is not None:
        metadata["/Keywords"] = ", ".join([*keywords(reader), f"{KEYWORD_LAYOUT}{layout}"])
    writer.add_metadata({key: value for key, value in metadata.items() if key != "/Producer"})
    writer.pdf_header = reader.pdf_header
    if "/ID" in reader.trailer:
        writer._ID = cast(ArrayObject, reader.trailer["/ID"])
    for key in ("/Metadata", "/OutputIntents"):
        if key in reader.root_object:
            # The reference, not the object: a stream (the XMP) cannot be a direct object.
            writer.root_object[NameObject(key)] = reader.root_object.raw_get(key).clone(writer)


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
    reader = open_pdf(pdf, "input")
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header
    registration = writer._add_object(_registration_colour())
    for page in writer.pages:
        _add_page_marks(writer, page, registration)
    return _serialize(writer)


def _add_page_marks(writer: PdfWriter, page: PageObject, registration: IndirectObject) -> None:
    trim, bleed = _box(page.trimbox), _bleed_width(page)
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


def _form_xobject(writer: PdfWriter, page: PageObject) -> IndirectObject:
    """Page *page* as a Form XObject in *writer*, clipped to its BleedBox."""
    contents = page.get_contents()
    entries = {
        "/Subtype": NameObject("/Form"),
        "/BBox": _rectangle(_box(page.bleedbox)),
        "/Resources": page.get("/Resources", DictionaryObject()).clone(writer),
    }
    if "/Group" in page:  # keep the page's transparency group (PDF 1.7 §11.6.6)
        entries["/Group"] = page["/Group"].clone(writer)
    data = contents.get_data() if contents is not None else b""
    return writer._add_object(_stream(data, entries))


def _place(slot: Slot, page: PageObject, sheet: _SheetGeometry, plan: Plan) -> str:
    """Content stream drawing *page* in *slot*: clip to its cell, then place its form.

    The ``cm`` matrix maps the page's TrimBox corner onto the slot, turned 180° about the
    slot's centre when the slot says so.
    """
    trim_x, trim_y = float(page.trimbox.left), float(page.trimbox.bottom)
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
    """The cell on the sheet, grown by the bleed on edges at the outside of the imposed area."""
    b = sheet.bleed
    left = b if cell.x <= 0 else 0
    bottom = b if cell.y <= 0 else 0
    right = b if cell.right >= plan.width else 0
    top = b if cell.top >= plan.height else 0
    return Box(
        sheet.trim.x + cell.x - left,
        sheet.trim.y + cell.y - bottom,
        cell.width + left + right,
        cell.height + bottom + top,
    )


def _marks(plan: Plan, sheet: _SheetGeometry) -> str:
    """Crop marks at every cut line and dashed fold marks at every fold, outside the bleed."""
    trim = sheet.trim
    near = max(sheet.bleed, MARK_OFFSET)
    far = near + MARK_LENGTH
    cuts_x, cuts_y = plan.cuts
    lines: list[str] = []
    for x in cuts_x:
        lines += _vertical(trim.x + x, trim, near, far)
    for y in cuts_y:
        for x0, x1 in ((trim.x - far, trim.x - near), (trim.right + near, trim.right + far)):
            lines.append(f"{_nums(x0, trim.y + y)} m {_nums(x1, trim.y + y)} l S")
    folds = [line for x in plan.folds for line in _vertical(trim.x + x, trim, near, far)]
    return "\n".join([f"q /Reg CS 1 SCN {_nums(MARK_WIDTH)} w", *lines, "[2 2] 0 d", *folds, "Q"])


def _vertical(x: float, trim: Box, near: float, far: float) -> Iterator[str]:
    for y0, y1 in ((trim.y - far, trim.y - near), (trim.top + near, trim.top + far)):
        yield f"{_nums(x, y0)} m {_nums(x, y1)} l S"


def _registration_colour() -> ArrayObject:
    """Separation /All: marks print on every plate (PDF 1.7 §8.6.6.4)."""
    tint = _dictionary(
        {
            "/FunctionType": _int(2),
            "/Domain": _numbers(0, 1),
            "/C0": _numbers(0, 0, 0, 0),
            "/C1": _numbers(1, 1, 1, 1),
            "/N": _int(1),
        }
    )
    return ArrayObject(
        [NameObject("/Separation"), NameObject("/All"), NameObject("/DeviceCMYK"), tint]
    )


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


def _box(rectangle: RectangleObject) -> Box:
    return Box(
        float(rectangle.left),
        float(rectangle.bottom),
        float(rectangle.width),
        float(rectangle.height),
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
