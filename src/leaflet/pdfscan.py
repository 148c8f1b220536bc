"""Reading a finished PDF for preflight (``leaflet check``): boxes, fonts, colours, images,
line widths and text.

The second and last module importing pypdf (:mod:`leaflet.pdf` writes; this one only reads).
It reports facts as plain dataclasses; :mod:`leaflet.check` judges them.  Content streams are
walked with the graphics state they need (PDF 1.7 §8.4: ``q``/``Q``/``cm``, line width, colour
spaces), descending into Form XObjects (imposed sheets place whole pages that way).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, cast

from pypdf import PageObject, PdfReader
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, NameObject

from .pdf import keywords, open_pdf

__all__ = ["Image", "PageFacts", "PdfFacts", "scan_pdf"]

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1, 0, 0, 1, 0, 0)
_STROKES = {"S", "s", "B", "B*", "b", "b*"}
_XMP_PDFX = re.compile(r"GTS_PDFXVersion(?:>|=[\"'])([^<\"']+)")
_RGB_SPACES = {"/DeviceRGB", "/CalRGB", "/RGB", "/ICCRGB"}


@dataclass(frozen=True, slots=True)
class Image:
    """An image drawn on a page: its pixels, colour space and resolution as printed."""

    width: int
    height: int
    colour_space: str
    dpi: float

    @property
    def rgb(self) -> bool:
        return self.colour_space in _RGB_SPACES


@dataclass(slots=True)
class PageFacts:
    """One page: boxes (left, bottom, right, top in points) and what its content does."""

    number: int
    media: tuple[float, float, float, float]
    bleed: tuple[float, float, float, float]
    trim: tuple[float, float, float, float]
    has_trim_box: bool
    rgb_operations: int = 0
    images: list[Image] = field(default_factory=list)
    #: Width (points, as printed) of the thinnest stroked line.
    thinnest_line: float | None = None


@dataclass(frozen=True, slots=True)
class PdfFacts:
    """A whole document: its pages, fonts (base name → embedded?), keywords and PDF/X state."""

    pages: tuple[PageFacts, ...]
    fonts: dict[str, bool]
    keywords: tuple[str, ...]
    #: The PDF/X version it claims (``GTS_PDFXVersion`` in /Info or XMP), or None.
    pdfx: str | None
    has_output_intent: bool
    text: str = field(repr=False)


def scan_pdf(pdf: bytes, name: str) -> PdfFacts:
    """Read *pdf* (named *name* in errors); raises :class:`~leaflet.errors.ImposeError` when it
    is not a readable PDF."""
    reader = open_pdf(pdf, name)
    fonts: dict[str, bool] = {}
    pages = []
    for number, page in enumerate(reader.pages, start=1):
        facts = _page_boxes(number, page)
        resources = _resolved(page.get("/Resources"))
        _Walker(facts, fonts).walk(page.get_contents(), resources, _IDENTITY, reader)
        pages.append(facts)
    return PdfFacts(
        tuple(pages),
        fonts,
        tuple(keywords(reader)),
        _pdfx_version(reader),
        "/OutputIntents" in reader.root_object,
        "\n".join(page.extract_text() for page in reader.pages),
    )


def _page_boxes(number: int, page: PageObject) -> PageFacts:
    def box(rectangle: Any) -> tuple[float, float, float, float]:
        return (
            float(rectangle.left),
            float(rectangle.bottom),
            float(rectangle.right),
            float(rectangle.top),
        )

    # pypdf applies PDF 1.7 §14.11.2 defaults: BleedBox → CropBox → MediaBox, TrimBox likewise.
    return PageFacts(
        number, box(page.mediabox), box(page.bleedbox), box(page.trimbox), "/TrimBox" in page
    )


def _pdfx_version(reader: PdfReader) -> str | None:
    info: dict[str, Any] = dict(reader.metadata or {})
    if "/GTS_PDFXVersion" in info:
        return str(info["/GTS_PDFXVersion"])
    metadata = reader.root_object.get("/Metadata")
    if metadata is None:
        return None
    xmp = metadata.get_object().get_data().decode("utf-8", "replace")
    # <pdfxid:GTS_PDFXVersion>PDF/X-4</…> or pdfxid:GTS_PDFXVersion="PDF/X-4"
    found = _XMP_PDFX.search(xmp)
    return found.group(1).strip() if found else None


def _resolved(value: Any) -> DictionaryObject:
    value = value.get_object() if value is not None else None
    return value if isinstance(value, DictionaryObject) else DictionaryObject()


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m × n for PDF matrices [a b c d e f] (PDF 1.7 §8.3.4)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (
        a * p + b * r,
        a * q + b * s,
        c * p + d * r,
        c * q + d * s,
        e * p + f * r + t,
        e * q + f * s + u,
    )


def _scale(m: Matrix) -> float:
    """How much lengths grow under *m* (the geometric mean of its axes)."""
    return math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))


class _Walker:
    """Interprets the operators that matter for preflight; everything else is skipped."""

    def __init__(self, facts: PageFacts, fonts: dict[str, bool]):
        self.facts = facts
        self.fonts = fonts
        self.seen: set[int] = set()

    def walk(self, contents: Any, resources: DictionaryObject, ctm: Matrix, pdf: Any) -> None:
        self._fonts(resources)
        if contents is None:
            return
        stack: list[tuple[Matrix, float]] = []
        width = 1.0
        spaces = _resolved(resources.get("/ColorSpace"))
        if not isinstance(contents, ContentStream):
            contents = ContentStream(contents, pdf)
        for operands, operator in contents.operations:
            op = operator.decode("latin-1") if isinstance(operator, bytes) else str(operator)
            if op == "q":
                stack.append((ctm, width))
            elif op == "Q" and stack:
                ctm, width = stack.pop()
            elif op == "cm":
                ctm = _multiply(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
            elif op == "w":
                width = float(operands[0])
            elif op in _STROKES:
                self._stroke(width * _scale(ctm))
            elif op in ("rg", "RG") or (op in ("cs", "CS") and _is_rgb(operands[0], spaces)):
                self.facts.rgb_operations += 1
            elif op == "Do":
                self._xobject(operands[0], resources, ctm, pdf)
            elif op == "INLINE IMAGE":
                self._image(operands["settings"], ctm, inline=True)

    def _stroke(self, printed: float) -> None:
        thinnest = self.facts.thinnest_line
        self.facts.thinnest_line = printed if thinnest is None else min(thinnest, printed)

    def _xobject(self, name: Any, resources: DictionaryObject, ctm: Matrix, pdf: Any) -> None:
        reference = _resolved(resources.get("/XObject")).raw_get(name)
        xobject = reference.get_object()
        if xobject.get("/Subtype") == "/Image":
            self._image(xobject, ctm)
        elif xobject.get("/Subtype") == "/Form":
            matrix = tuple(float(v) for v in xobject.get("/Matrix", _IDENTITY))
            inner = _resolved(xobject.get("/Resources")) or resources
            self.walk(xobject, inner, _multiply(matrix, ctm), pdf)  # type: ignore[arg-type]

    def _image(self, image: Any, ctm: Matrix, *, inline: bool = False) -> None:
        width = int(image.get("/W" if inline else "/Width", 0))
        height = int(image.get("/H" if inline else "/Height", 0))
        space = image.get("/CS" if inline else "/ColorSpace", NameObject("/DeviceGray"))
        drawn = max(math.hypot(ctm[0], ctm[1]), math.hypot(ctm[2], ctm[3])) / 72
        pixels = width if math.hypot(ctm[0], ctm[1]) >= math.hypot(ctm[2], ctm[3]) else height
        dpi = pixels / drawn if drawn else math.inf
        self.facts.images.append(Image(width, height, _space_name(space), dpi))

    def _fonts(self, resources: DictionaryObject) -> None:
        for reference in _resolved(resources.get("/Font")).values():
            font = reference.get_object()
            if id(font) in self.seen:
                continue
            self.seen.add(id(font))
            name = str(font.get("/BaseFont", "/unnamed")).lstrip("/").split("+", 1)[-1]
            self.fonts[name] = self.fonts.get(name, False) or _embedded(font)


def _embedded(font: DictionaryObject) -> bool:
    """A font's program is in the file (PDF 1.7 §9.9); Type 3 fonts are drawn by the file."""
    if font.get("/Subtype") == "/Type3":
        return True
    if font.get("/Subtype") == "/Type0":
        font = cast(ArrayObject, font["/DescendantFonts"])[0].get_object()
    descriptor = font.get("/FontDescriptor")
    if descriptor is None:
        return False
    descriptor = descriptor.get_object()
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _space_name(space: Any) -> str:
    space = space.get_object()
    if isinstance(space, ArrayObject):
        if space[0] == "/ICCBased":
            components = int(space[1].get_object().get("/N", 0))
            return {1: "/ICCGray", 3: "/ICCRGB", 4: "/ICCCMYK"}.get(components, "/ICCBased")
        return str(space[0])
    return str(space)


def _is_rgb(name: Any, spaces: DictionaryObject) -> bool:
    space = spaces.get(name, name)
    return _space_name(space) in _RGB_SPACES
