"""Reading a finished PDF for preflight (``leaflet check``): boxes, fonts, colours, images,
line widths and text, and what PDF/A judges (its identification, output intents, actions,
annotations, device colour spaces and embedded files).

The second and last module importing pypdf (:mod:`leaflet.pdf` writes; this one only reads).
It reports facts as plain dataclasses; :mod:`leaflet.check` judges them.  Content streams are
walked with the graphics state they need (PDF 1.7 §8.4: ``q``/``Q``/``cm``, line width, colour
spaces), descending into Form XObjects (imposed sheets place whole pages that way).

Files come from strangers, so reading is bounded: every read happens inside
:func:`leaflet.pdf.reading` (one error for a damaged file), each Form XObject is interpreted
once per scale it is drawn at (a form drawing itself is a cycle, broken and reported), and one
scan parses at most :data:`CONTENT_LIMIT` bytes of content, interprets at most
:data:`OPERATOR_LIMIT` operators and :data:`FORM_VISIT_LIMIT` forms, nested at most
:data:`FORM_DEPTH_LIMIT` deep.  A page past a bound is reported as not checked completely
rather than read on.  pypdf parses content at under 1 MB/s (and extracts text slower), and a
leaflet page holds about 25 KB: the bounds let a check of 80 pages through and stop any
file within about ten seconds.
"""

from __future__ import annotations

import io
import math
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field
from typing import Any, cast

from pypdf import PageObject, PdfReader
from pypdf.errors import LimitReachedError, PyPdfError
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ContentStream,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
)

from .errors import PDFError
from .pdf import XMP_LIMIT, keywords, metadata_disagreements, open_pdf, page_boxes, reading

__all__ = [
    "Annotation",
    "EmbeddedFile",
    "Image",
    "OutputIntent",
    "PageFacts",
    "PdfFacts",
    "scan_pdf",
]

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1, 0, 0, 1, 0, 0)
_STROKES = {"S", "s", "B", "B*", "b", "b*"}
_TEXT_SHOWING = {"Tj", "TJ", "'", '"'}
_BLACK = (0.0, 0.0, 0.0, 1.0)
_XMP_PDFX = re.compile(r"GTS_PDFXVersion(?:>|=[\"'])([^<\"']+)")
_RGB_SPACES = {"/DeviceRGB", "/CalRGB", "/RGB", "/ICCRGB"}
#: Device colour spaces by their names and inline-image abbreviations (PDF 1.7 §8.9.7).
_DEVICE_SPACES = {
    "/DeviceRGB": "/DeviceRGB",
    "/RGB": "/DeviceRGB",
    "/DeviceCMYK": "/DeviceCMYK",
    "/CMYK": "/DeviceCMYK",
    "/DeviceGray": "/DeviceGray",
    "/G": "/DeviceGray",
}
#: Operators that set a device colour space (and a colour in it), for stroking and filling.
_DEVICE_OPERATORS = {
    "rg": "/DeviceRGB",
    "RG": "/DeviceRGB",
    "k": "/DeviceCMYK",
    "K": "/DeviceCMYK",
    "g": "/DeviceGray",
    "G": "/DeviceGray",
}
_PDFAID = "{http://www.aiim.org/pdfa/ns/id/}"

#: Content bytes (decoded) one scan parses for the graphics walk.
CONTENT_LIMIT = 3 << 20
#: Content bytes text extraction may parse, forms counted each time they are drawn.
TEXT_LIMIT = 2 << 20
#: Operators one scan interprets.
OPERATOR_LIMIT = 2_000_000
#: Form XObjects one scan interprets (each once per scale it is drawn at).
FORM_VISIT_LIMIT = 10_000
#: Form XObjects placed by a page's own content that are remembered (imposed pages).
PLACED_FORM_LIMIT = 64
#: Deepest nesting of Form XObjects followed.
FORM_DEPTH_LIMIT = 12
#: Stands for "more than any budget" in the text cost of a form drawn in a cycle.
_ENDLESS = 1 << 62


@dataclass(frozen=True, slots=True)
class Image:
    """An image drawn on a page: its pixels, colour space and resolution as printed."""

    width: int
    height: int
    colour_space: str
    dpi: float
    #: Transparent through a soft mask (``/SMask``, ``/SMaskInData``): not in PDF/X-1a.
    soft_mask: bool = False
    #: Asks viewers to smooth its pixels (``/Interpolate true``): not in PDF/A.
    interpolate: bool = False

    @property
    def rgb(self) -> bool:
        return self.colour_space in _RGB_SPACES

    @property
    def uncalibrated_rgb(self) -> bool:
        """RGB without an ICC profile (PDF/X-4 allows RGB only with one)."""
        return self.colour_space in ("/DeviceRGB", "/RGB")


@dataclass(frozen=True, slots=True)
class Annotation:
    """An annotation of a page, as PDF/A judges it (ISO 19005-2 §6.3, §6.5)."""

    subtype: str
    #: Its flags (``/F``, PDF 1.7 §12.5.3), or None when it has none.
    flags: int | None
    #: The types of the actions it runs (``/URI``, ``/JavaScript``, ``/Named /Print`` …),
    #: from ``/A`` and ``/AA``, ``/Next`` chains followed.
    actions: tuple[str, ...] = ()
    #: It has additional actions (``/AA``: run on events such as the pointer entering it).
    additional_actions: bool = False
    #: Embedded files it attaches (a FileAttachment annotation).
    files: tuple[EmbeddedFile, ...] = ()


@dataclass(frozen=True, slots=True)
class OutputIntent:
    """An output intent of the document (PDF 1.7 §14.11.5)."""

    #: ``/GTS_PDFA1`` (PDF/A), ``/GTS_PDFX`` (PDF/X) …
    subtype: str
    #: Colour components of its ICC profile (``DestOutputProfile``): 1 grey, 3 RGB, 4 CMYK;
    #: None without an embedded profile.
    components: int | None
    #: Identity of the profile object (every intent of a PDF/A file shares one, §6.2.3).
    profile: str | None


@dataclass(frozen=True, slots=True)
class EmbeddedFile:
    """A file embedded in the document (an attachment), as its file specification says."""

    name: str
    #: How it relates to the document (``/AFRelationship``: ``/Source``, ``/Data`` …).
    relationship: str | None
    #: Its MIME type (the embedded file stream's ``/Subtype``), or None.
    mime: str | None


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
    #: Operators whose operands are wrong (kind or number), unknown XObjects, Q without q.
    malformed: int = 0
    #: Why the content was not read to the end (too complex, undecodable), or None.
    unchecked: str | None = None
    #: Why the text of the page was not read, or None.
    text_unread: str | None = None
    #: Annotations (links …) reaching inside the TrimBox, other than printer's marks.
    annotations: int = 0
    #: Text-showing operators by the CMYK fill colour they paint in (grey as K; text in other
    #: colour spaces is not counted).
    text_colours: dict[tuple[float, ...], int] = field(default_factory=dict)
    #: Form XObjects the page's own content draws (imposed sheets place whole pages so): an
    #: identity of the form and its BBox as placed on the page (left, bottom, right, top).
    placed_forms: list[tuple[str, tuple[float, float, float, float]]] = field(default_factory=list)
    #: Every annotation of the page (at most :data:`ANNOTATION_LIMIT`).
    annotation_list: list[Annotation] = field(default_factory=list)
    #: The page has additional actions (``/AA``: run when it is opened or closed).
    additional_actions: bool = False
    #: Device colour spaces used without a Default colour space replacing them (PDF 1.7
    #: §8.6.5.6): ``/DeviceRGB``, ``/DeviceCMYK``, ``/DeviceGray`` → times set or drawn in.
    device_spaces: dict[str, int] = field(default_factory=dict)


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
    #: What pypdf had to repair to read the file (a damaged cross-reference table …).
    repairs: tuple[str, ...] = ()
    #: Where the Info dictionary and the XMP metadata disagree (:func:`pdf.metadata_disagreements`).
    metadata_disagreements: tuple[str, ...] = ()
    #: The PDF/A identification of the XMP metadata: ``pdfaid:part`` and
    #: ``pdfaid:conformance`` as written, None when missing; :attr:`pdfa_claimed` when either
    #: is there (a file that names neither is not judged as PDF/A).
    pdfa_part: str | None = None
    pdfa_conformance: str | None = None
    pdfa_claimed: bool = False
    #: Why the XMP packet could not be read, or None.
    xmp_unreadable: str | None = None
    #: Info entries (``Title``, ``Producer`` …) the XMP packet has no counterpart of.
    info_not_in_xmp: tuple[str, ...] = ()
    output_intents: tuple[OutputIntent, ...] = ()
    #: The file is encrypted (then only its identification was read, with the empty password).
    encrypted: bool = False
    #: Actions of the document itself: (where, action type), e.g. ``("opening the file",
    #: "/JavaScript")``; where is ``opening the file``, ``document events`` (catalog ``/AA``),
    #: ``document scripts`` (the JavaScript name tree) or ``an outline entry``.
    document_actions: tuple[tuple[str, str], ...] = ()
    #: Files embedded through the document's EmbeddedFiles name tree.
    embedded_files: tuple[EmbeddedFile, ...] = ()

    @property
    def pdfa(self) -> str | None:
        """``PDF/A-3B`` and the like when the file claims PDF/A, else None."""
        if not self.pdfa_claimed:
            return None
        return f"PDF/A-{self.pdfa_part or '?'}{self.pdfa_conformance or ''}"


def scan_pdf(pdf: bytes, name: str) -> PdfFacts:
    """Read *pdf* (named *name* in errors); raises :class:`~leaflet.errors.PDFError` when it
    is not a readable PDF.  Content past the scan's bounds is reported on its page
    (:attr:`PageFacts.unchecked`), not read."""
    with reading(name) as repairs:
        try:
            reader = open_pdf(pdf, name)
        except PDFError:
            encrypted = _encrypted_pdfa(pdf)
            if encrypted is None:
                raise
            repairs.taken = True
            return encrypted
        fonts: dict[str, bool] = {}
        budget = _Budget()
        pages, texts = [], []
        for number, page in enumerate(reader.pages, start=1):
            facts = _page_boxes(number, page, name)
            walker = _Walker(facts, fonts, budget, reader)
            cost = _ENDLESS
            try:
                cost = walker.walk_page(page)
            except _TooComplex as limit:
                facts.unchecked = f"content too complex to check completely ({limit})"
            except LimitReachedError as error:
                facts.unchecked = f"content too large to check ({_shorten(error)})"
            except (PyPdfError, RecursionError) as error:
                facts.unchecked = f"content cannot be read ({_shorten(error)})"
            # What pypdf says while extracting text (an encoding it does not know …) is about
            # its extraction, not damage in the file: only the text lost is reported.
            said = len(repairs.messages)
            texts.append(_page_text(page, facts, cost, budget))
            del repairs.messages[said:]
            pages.append(facts)
        keywords_, pdfx = tuple(keywords(reader)), _pdfx_version(reader)
        has_output_intent = "/OutputIntents" in reader.root_object
        disagreements = tuple(metadata_disagreements(reader))
        identification = _pdfa_identification(reader)
        document = _document_facts(reader)
        repairs.taken = True  # a problem of the report, not a warning
        return PdfFacts(
            tuple(pages),
            fonts,
            keywords_,
            pdfx,
            has_output_intent,
            "\n".join(texts),
            tuple(repairs.messages),
            disagreements,
            **identification,
            **document,
        )


def _encrypted_pdfa(pdf: bytes) -> PdfFacts | None:
    """The facts of an encrypted file that claims PDF/A (ISO 19005-2 §6.1.3 forbids
    encryption), read with the empty user password; None for any other file, which stays
    an error (leaflet checks only unencrypted PDFs)."""
    try:
        reader = PdfReader(io.BytesIO(pdf))
        if not reader.is_encrypted or not reader.decrypt(""):
            return None
        identification = _pdfa_identification(reader)
    except Exception:  # what cannot be decrypted and read stays the plain error
        return None
    if not identification.get("pdfa_claimed"):
        return None
    identification["info_not_in_xmp"] = ()  # the file is not judged further
    return PdfFacts((), {}, (), None, False, "", **identification, encrypted=True)


#: Info entries and the XMP property that says the same (ISO 19005-1 §6.7.3, Table 1).
_INFO_IN_XMP = {
    "/Title": "{http://purl.org/dc/elements/1.1/}title",
    "/Author": "{http://purl.org/dc/elements/1.1/}creator",
    "/Subject": "{http://purl.org/dc/elements/1.1/}description",
    "/Keywords": "{http://ns.adobe.com/pdf/1.3/}Keywords",
    "/Creator": "{http://ns.adobe.com/xap/1.0/}CreatorTool",
    "/Producer": "{http://ns.adobe.com/pdf/1.3/}Producer",
    "/CreationDate": "{http://ns.adobe.com/xap/1.0/}CreateDate",
    "/ModDate": "{http://ns.adobe.com/xap/1.0/}ModifyDate",
}


def _pdfa_identification(reader: PdfReader) -> dict[str, Any]:
    """The PDF/A identification of *reader*'s XMP packet (ISO 19005-2 §6.6.4) as
    :class:`PdfFacts` fields: ``pdfa_part``, ``pdfa_conformance``, ``pdfa_claimed``,
    ``xmp_unreadable`` and ``info_not_in_xmp``.  A packet that cannot be parsed claims PDF/A
    when it names the ``pdfaid`` schema at all."""
    metadata = reader.root_object.get("/Metadata")
    stream = metadata.get_object() if metadata is not None else None
    if not isinstance(stream, StreamObject):
        return {}
    packet = stream.get_data()
    unreadable = {"pdfa_claimed": b"pdfaid" in packet}
    if len(packet) > XMP_LIMIT:
        return {**unreadable, "xmp_unreadable": "larger than leaflet reads"}
    start, end = packet.find(b"<x:xmpmeta"), packet.rfind(b"</x:xmpmeta>")
    try:
        if start < 0 or end < 0:
            raise ElementTree.ParseError("no x:xmpmeta element")
        root = ElementTree.fromstring(packet[start : end + len(b"</x:xmpmeta>")])
    except ElementTree.ParseError as error:
        return {**unreadable, "xmp_unreadable": _shorten(error)}
    found: dict[str, str] = {}
    present: set[str] = set()
    for description in root.iter("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}Description"):
        for key, value in description.attrib.items():
            present.add(key)
            if key.startswith(_PDFAID):
                found[key.removeprefix(_PDFAID)] = value.strip()
        for child in description:
            present.add(child.tag)
            if child.tag.startswith(_PDFAID):
                found[child.tag.removeprefix(_PDFAID)] = (child.text or "").strip()
    info: dict[str, Any] = dict(reader.metadata or {})
    missing = tuple(
        key.lstrip("/") for key, tag in _INFO_IN_XMP.items() if key in info and tag not in present
    )
    part, conformance = found.get("part"), found.get("conformance")
    return {
        "pdfa_part": part,
        "pdfa_conformance": conformance,
        "pdfa_claimed": part is not None or conformance is not None,
        "info_not_in_xmp": missing,
    }


def _output_intents(root: DictionaryObject) -> tuple[OutputIntent, ...]:
    intents = _direct(root.get("/OutputIntents"))
    if not isinstance(intents, ArrayObject):
        return ()
    found = []
    for reference in list(intents)[:16]:
        intent = _resolved(reference)
        profile_reference = intent.get("/DestOutputProfile")
        profile = _direct(profile_reference)
        components = None
        if isinstance(profile, StreamObject):
            number = _number(_direct(profile.get("/N")))
            components = int(number) if number is not None else 0
        identity = str(_key(profile_reference, profile)) if components is not None else None
        found.append(OutputIntent(str(intent.get("/S", "/None")), components, identity))
    return tuple(found)


#: At most this many objects of one action chain, outline and name tree are looked at
#: (each walk also stops at an object seen before: hostile files loop).
ACTION_LIMIT = 64
OUTLINE_LIMIT = 2000
NAME_TREE_LIMIT = 1000


def _actions(action: Any) -> tuple[str, ...]:
    """The types of *action* and the actions its ``/Next`` chain runs (PDF 1.7 §12.6.2)."""
    found: list[str] = []
    pending, seen, steps = [action], set[int](), 0
    while pending and steps < ACTION_LIMIT:
        steps += 1
        current = _direct(pending.pop())
        if not isinstance(current, ArrayObject | DictionaryObject) or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ArrayObject):
            pending.extend(reversed(list(current)[:ACTION_LIMIT]))
            continue
        kind = str(current.get("/S", "/None"))
        if kind == "/Named":
            kind = f"/Named {current.get('/N', '/None')}"
        found.append(kind)
        if "/Next" in current:
            pending.append(current["/Next"])
    return tuple(found)


def _event_actions(events: Any) -> tuple[str, ...]:
    """The action types of an additional-actions dictionary (``/AA``)."""
    events = _direct(events)
    if not isinstance(events, DictionaryObject):
        return ()
    return tuple(kind for action in list(events.values())[:32] for kind in _actions(action))


def _document_facts(reader: PdfReader) -> dict[str, Any]:
    """What the catalog says that PDF/A judges: output intents, actions, embedded files."""
    root = reader.root_object
    actions: list[tuple[str, str]] = []
    opening = _direct(root.get("/OpenAction"))
    if isinstance(opening, DictionaryObject):  # an array is a destination, not an action
        actions += [("opening the file", kind) for kind in _actions(opening)]
    if "/AA" in root:
        actions += [("document events", kind) for kind in _event_actions(root["/AA"]) or ("",)]
    names = _resolved(root.get("/Names"))
    scripts = _name_tree(names.get("/JavaScript"))
    actions += [("document scripts", kind) for _, value in scripts for kind in _actions(value)]
    actions += [("an outline entry", kind) for kind in _outline_actions(root.get("/Outlines"))]
    files = tuple(
        _embedded_file(name, value) for name, value in _name_tree(names.get("/EmbeddedFiles"))
    )
    return {
        "output_intents": _output_intents(root),
        "document_actions": tuple(actions),
        "embedded_files": files,
    }


def _outline_actions(outlines: Any) -> list[str]:
    """The action types of the outline's entries (bookmarks), at most :data:`OUTLINE_LIMIT`
    entries visited."""
    found: list[str] = []
    pending, seen, steps = [_direct(_resolved(outlines).get("/First"))], set[int](), 0
    while pending and steps < OUTLINE_LIMIT:
        steps += 1
        item = pending.pop()
        if not isinstance(item, DictionaryObject) or id(item) in seen:
            continue
        seen.add(id(item))
        if "/A" in item:
            found += _actions(item["/A"])
        pending += [_direct(item.get("/Next")), _direct(item.get("/First"))]
    return found


def _name_tree(tree: Any) -> list[tuple[str, Any]]:
    """The (name, value) pairs of a name tree (PDF 1.7 §7.9.6), at most
    :data:`NAME_TREE_LIMIT` nodes and entries."""
    found: list[tuple[str, Any]] = []
    pending, seen, steps = [_direct(tree)], set[int](), 0
    while pending and steps < NAME_TREE_LIMIT and len(found) < NAME_TREE_LIMIT:
        steps += 1
        node = _direct(pending.pop())
        if not isinstance(node, DictionaryObject) or id(node) in seen:
            continue
        seen.add(id(node))
        pairs = _direct(node.get("/Names"))
        if isinstance(pairs, ArrayObject):
            items = list(pairs)[: 2 * NAME_TREE_LIMIT]
            found += [(str(_direct(items[i])), items[i + 1]) for i in range(0, len(items) - 1, 2)]
        kids = _direct(node.get("/Kids"))
        if isinstance(kids, ArrayObject):
            pending += list(kids)[:NAME_TREE_LIMIT]
    return found[:NAME_TREE_LIMIT]


def _embedded_file(name: str, specification: Any) -> EmbeddedFile:
    """An embedded file as its file specification (PDF 1.7 §7.11.3) describes it."""
    spec = _resolved(specification)
    label = str(spec.get("/UF") or spec.get("/F") or name)
    streams = _resolved(spec.get("/EF"))
    stream = _direct(streams.get("/UF") or streams.get("/F"))
    mime = stream.get("/Subtype") if isinstance(stream, StreamObject) else None
    relationship = spec.get("/AFRelationship")
    return EmbeddedFile(
        label,
        str(relationship) if relationship is not None else None,
        str(mime) if mime is not None else None,
    )


def _page_text(page: PageObject, facts: PageFacts, cost: int, budget: _Budget) -> str:
    """The text layer of *page*, unless reading it would parse more than the budget left
    (pypdf parses a form again each time it is drawn)."""
    if facts.unchecked is not None:
        facts.text_unread = "its content was not read"
        return ""
    if cost > budget.text_left:
        facts.text_unread = (
            f"more content than a check reads ({TEXT_LIMIT >> 20} MB in all, forms counted"
            " each time they are drawn)"
        )
        return ""
    budget.text_left -= cost
    try:
        return page.extract_text()
    except (PyPdfError, RecursionError) as error:
        facts.text_unread = _shorten(error)
        return ""


def _shorten(error: Exception, limit: int = 120) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _page_boxes(number: int, page: PageObject, name: str) -> PageFacts:
    boxes = page_boxes(page, number, name)  # checked, defaults of PDF 1.7 §14.11.2 applied

    def corners(box: Any) -> tuple[float, float, float, float]:
        return (box.x, box.y, box.right, box.top)

    facts = PageFacts(
        number, corners(boxes.media), corners(boxes.bleed), corners(boxes.trim), boxes.has_trim_box
    )
    facts.annotations = _annotations_in(page, corners(boxes.trim))
    facts.annotation_list = _annotation_list(page)
    facts.additional_actions = "/AA" in page
    return facts


#: At most this many annotations of a page are looked at.
ANNOTATION_LIMIT = 1000


def _annotations_in(page: PageObject, trim: tuple[float, float, float, float]) -> int:
    """How many of the page's annotations reach inside *trim* (ISO 15930-7 §6.6: PDF/X
    allows only TrapNet and PrinterMark annotations there)."""
    annotations = _direct(page.get("/Annots"))
    if not isinstance(annotations, ArrayObject):
        return 0
    count = 0
    for reference in list(annotations)[:ANNOTATION_LIMIT]:
        annotation = _resolved(reference)
        if annotation.get("/Subtype") in ("/TrapNet", "/PrinterMark"):
            continue
        rect = _direct(annotation.get("/Rect"))
        numbers = _numbers([_direct(v) for v in rect], 4) if isinstance(rect, list) else None
        if numbers is None:
            count += 1  # no readable place: it may be anywhere
            continue
        x0, y0, x1, y1 = numbers
        left, bottom, right, top = trim
        if (
            min(x0, x1) < right
            and max(x0, x1) > left
            and min(y0, y1) < top
            and max(y0, y1) > bottom
        ):
            count += 1
    return count


def _annotation_list(page: PageObject) -> list[Annotation]:
    """The page's annotations as PDF/A judges them (at most :data:`ANNOTATION_LIMIT`)."""
    annotations = _direct(page.get("/Annots"))
    if not isinstance(annotations, ArrayObject):
        return []
    found = []
    for reference in list(annotations)[:ANNOTATION_LIMIT]:
        annotation = _resolved(reference)
        flags = _number(_direct(annotation.get("/F")))
        actions = _actions(annotation["/A"]) if "/A" in annotation else ()
        files: tuple[EmbeddedFile, ...] = ()
        if annotation.get("/Subtype") == "/FileAttachment" and "/FS" in annotation:
            files = (_embedded_file("attachment", annotation["/FS"]),)
        found.append(
            Annotation(
                str(annotation.get("/Subtype", "/None")),
                int(flags) if flags is not None else None,
                actions + _event_actions(annotation.get("/AA")),
                "/AA" in annotation,
                files,
            )
        )
    return found


def _pdfx_version(reader: PdfReader) -> str | None:
    info: dict[str, Any] = dict(reader.metadata or {})
    if "/GTS_PDFXVersion" in info:
        return str(info["/GTS_PDFXVersion"])
    metadata = reader.root_object.get("/Metadata")
    metadata = metadata.get_object() if metadata is not None else None
    if not isinstance(metadata, StreamObject):
        return None
    xmp = metadata.get_data().decode("utf-8", "replace")
    # <pdfxid:GTS_PDFXVersion>PDF/X-4</…> or pdfxid:GTS_PDFXVersion="PDF/X-4"
    found = _XMP_PDFX.search(xmp)
    return found.group(1).strip() if found else None


def _resolved(value: Any) -> DictionaryObject:
    value = value.get_object() if isinstance(value, PdfObject) else None
    return value if isinstance(value, DictionaryObject) else DictionaryObject()


def _fill_colour(op: str, operands: Any) -> tuple[float, ...] | None:
    """The CMYK fill colour an operator sets (grey as black ink), or None when it is another
    colour space's (or not known until its ``sc``/``scn``)."""
    if op in ("k", "sc", "scn"):
        numbers = _numbers(list(operands), 4) if isinstance(operands, list) else None
        return tuple(round(v, 3) for v in numbers) if numbers is not None else None
    if op == "g":
        grey = _numbers(list(operands), 1) if isinstance(operands, list) else None
        return (0.0, 0.0, 0.0, round(1 - grey[0], 3)) if grey is not None else None
    return None


def _direct(value: Any) -> Any:
    """*value*, or the object it refers to."""
    return value.get_object() if isinstance(value, PdfObject) else value


def _number(value: Any) -> float | None:
    """*value* as a finite float, or None when it is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _numbers(values: Any, count: int) -> tuple[float, ...] | None:
    """*count* finite numbers from the list *values*, or None."""
    if not isinstance(values, list) or len(values) != count:
        return None
    numbers = tuple(_number(value) for value in values)
    return None if None in numbers else cast(tuple[float, ...], numbers)


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


class _TooComplex(Exception):
    """A bound of the scan was reached; the message says which."""


class _Budget:
    """What is left of one scan's bounds."""

    def __init__(self) -> None:
        self.content_left = CONTENT_LIMIT
        self.text_left = TEXT_LIMIT
        self.operators_left = OPERATOR_LIMIT
        self.forms_left = FORM_VISIT_LIMIT

    def parse(self, stream: Any) -> list[tuple[Any, Any]]:
        """The operations of the content *stream*, counted against the bounds."""
        if self.content_left <= 0:
            raise _TooComplex(f"more than {CONTENT_LIMIT >> 20} MB of content")
        self.content_left -= len(stream.get_data())  # decoded: pypdf stops at its own limit
        if self.content_left < 0:
            raise _TooComplex(f"more than {CONTENT_LIMIT >> 20} MB of content")
        operations = stream.operations
        self.operators_left -= len(operations)
        if self.operators_left < 0:
            raise _TooComplex(f"more than {OPERATOR_LIMIT:,} operators")
        return cast(list[tuple[Any, Any]], operations)

    def visit_form(self, depth: int) -> None:
        if depth > FORM_DEPTH_LIMIT:
            raise _TooComplex(f"Form XObjects nested more than {FORM_DEPTH_LIMIT} deep")
        self.forms_left -= 1
        if self.forms_left < 0:
            raise _TooComplex(f"more than {FORM_VISIT_LIMIT:,} Form XObjects drawn")


class _Walker:
    """Interprets the operators that matter for preflight; everything else is skipped.

    A Form XObject is walked once per scale it is drawn at (what it draws is then known:
    line widths and image resolutions depend on the scale only); :meth:`walk` returns the
    content bytes text extraction would parse for what it walked, forms counted each time
    they are drawn.
    """

    def __init__(self, facts: PageFacts, fonts: dict[str, bool], budget: _Budget, pdf: Any):
        self.facts = facts
        self.fonts = fonts
        self.budget = budget
        self.pdf = pdf
        self.seen_fonts: set[int] = set()
        self.seen_images: set[tuple[Any, int, int]] = set()
        #: Text cost of each form already walked, by (form, scale); forms being walked.
        self.costs: dict[tuple[Any, int], int] = {}
        self.active: set[Any] = set()
        self.cycle_reported = False

    def walk_page(self, page: PageObject) -> int:
        contents = page.get_contents()
        resources = _resolved(page.get("/Resources"))
        return self.walk(contents, resources, _IDENTITY, 0)

    def walk(self, contents: Any, resources: DictionaryObject, ctm: Matrix, depth: int) -> int:
        self._fonts(resources)
        if contents is None:
            return 0
        if not isinstance(contents, ContentStream):
            contents = ContentStream(contents, self.pdf)
        cost = len(contents.get_data())
        stack: list[tuple[Matrix, float, tuple[float, ...] | None]] = []
        width = 1.0
        fill: tuple[float, ...] | None = _BLACK  # the initial fill colour: DeviceGray 0
        spaces = _resolved(resources.get("/ColorSpace"))
        for operands, operator in self.budget.parse(contents):
            op = operator.decode("latin-1") if isinstance(operator, bytes) else str(operator)
            if op in _DEVICE_OPERATORS:
                self._device(_DEVICE_OPERATORS[op], spaces)
            elif op in ("cs", "CS", "sh") and operands and isinstance(operands[0], NameObject):
                self._colour_space(op, operands[0], resources, spaces)
            if op == "q":
                stack.append((ctm, width, fill))
            elif op == "Q":
                if stack:
                    ctm, width, fill = stack.pop()
                else:
                    self.facts.malformed += 1
            elif op in _TEXT_SHOWING:
                if fill is not None:
                    self.facts.text_colours[fill] = self.facts.text_colours.get(fill, 0) + 1
            elif op in ("k", "g", "sc", "scn", "cs", "rg"):
                fill = _fill_colour(op, operands)
                if op == "rg" or (op == "cs" and self._rgb_space(operands, spaces)):
                    self.facts.rgb_operations += 1
            elif op == "cm":
                ctm = self._matrix(operands, ctm)
            elif op == "w":
                width = self._width(operands, width)
            elif op in _STROKES:
                self._stroke(width * _scale(ctm))
            elif op in ("rg", "RG") or (op in ("cs", "CS") and self._rgb_space(operands, spaces)):
                self.facts.rgb_operations += 1
            elif op == "Do":
                cost = min(_ENDLESS, cost + self._xobject(operands, resources, ctm, depth))
            elif op == "INLINE IMAGE":
                self._image(operands.get("settings", {}), ctm, None, spaces, inline=True)
        return cost

    def _device(self, space: str, spaces: DictionaryObject) -> None:
        """Count a use of the device colour space *space*, unless the resources replace it
        with a Default colour space (PDF 1.7 §8.6.5.6)."""
        if "/Default" + space.removeprefix("/Device") in spaces:
            return
        used = self.facts.device_spaces
        used[space] = used.get(space, 0) + 1

    def _colour_space(
        self, op: str, name: NameObject, resources: DictionaryObject, spaces: DictionaryObject
    ) -> None:
        """The device colour spaces behind a ``cs``/``CS`` operand or a ``sh`` shading."""
        if op == "sh":
            shading = _resolved(_resolved(resources.get("/Shading")).get(name))
            space = shading.get("/ColorSpace")
        else:
            space = spaces.get(name, name)
        for device in _device_spaces(space):
            self._device(device, spaces)

    def _matrix(self, operands: Any, ctm: Matrix) -> Matrix:
        matrix = _numbers(operands, 6)
        product = _multiply(cast(Matrix, matrix), ctm) if matrix is not None else None
        if product is None or not all(math.isfinite(value) for value in product):
            self.facts.malformed += 1
            return ctm
        return product

    def _width(self, operands: Any, width: float) -> float:
        numbers = _numbers(operands, 1)
        if numbers is None or numbers[0] < 0:
            self.facts.malformed += 1
            return width
        return numbers[0]

    def _rgb_space(self, operands: Any, spaces: DictionaryObject) -> bool:
        if not operands or not isinstance(operands[0], NameObject):
            self.facts.malformed += 1
            return False
        return _is_rgb(operands[0], spaces)

    def _stroke(self, printed: float) -> None:
        thinnest = self.facts.thinnest_line
        self.facts.thinnest_line = printed if thinnest is None else min(thinnest, printed)

    def _xobject(self, operands: Any, resources: DictionaryObject, ctm: Matrix, depth: int) -> int:
        """Draw the XObject named by *operands*; the text cost of what it draws."""
        xobjects = _resolved(resources.get("/XObject"))
        name = operands[0] if operands and isinstance(operands[0], NameObject) else None
        if name is None or name not in xobjects:
            self.facts.malformed += 1
            return 0
        reference = xobjects.raw_get(name)
        xobject = reference.get_object()
        if not isinstance(xobject, StreamObject):
            self.facts.malformed += 1
            return 0
        key = _key(reference, xobject)
        if xobject.get("/Subtype") == "/Image":
            self._image(xobject, ctm, key, _resolved(resources.get("/ColorSpace")))
            return 0
        if xobject.get("/Subtype") != "/Form":
            return 0
        if key in self.active:  # a form that draws itself, directly or not: never ends
            if not self.cycle_reported:
                self.cycle_reported = True
                self.facts.malformed += 1
            return _ENDLESS
        matrix = _numbers(xobject.get("/Matrix", list(_IDENTITY)), 6)
        placed = _multiply(cast(Matrix, matrix or _IDENTITY), ctm)
        scale = _scale(placed)
        if not math.isfinite(scale):
            self.facts.malformed += 1
            return 0
        if depth == 0 and len(self.facts.placed_forms) < PLACED_FORM_LIMIT:
            box = _direct(xobject.get("/BBox"))
            bbox = _numbers([_direct(v) for v in box], 4) if isinstance(box, list) else None
            if bbox is not None:
                self.facts.placed_forms.append((str(key), _placed_box(bbox, placed)))
        # Once per scale, in steps of 1/64 of a doubling: what it draws is then known.
        memo = (key, round(math.log2(max(scale, 1e-300)) * 64))
        if memo in self.costs:
            return self.costs[memo]
        self.budget.visit_form(depth + 1)
        inner = _resolved(xobject.get("/Resources")) or resources
        self.active.add(key)
        try:
            cost = self.walk(xobject, inner, placed, depth + 1)
        finally:
            self.active.discard(key)
        self.costs[memo] = cost
        return cost

    def _image(
        self, image: Any, ctm: Matrix, key: Any, spaces: DictionaryObject, *, inline: bool = False
    ) -> None:
        width = int(_number(image.get("/W" if inline else "/Width", 0)) or 0)
        height = int(_number(image.get("/H" if inline else "/Height", 0)) or 0)
        space = image.get("/CS" if inline else "/ColorSpace", NameObject("/DeviceGray"))
        mask = _true(image.get("/IM" if inline else "/ImageMask"))
        if not mask and (inline or "/ColorSpace" in image):  # a mask paints the fill colour
            named = spaces.get(space, space) if inline and space not in _DEVICE_SPACES else space
            for device in _device_spaces(named):
                self._device(device, spaces)
        across, down = math.hypot(ctm[0], ctm[1]), math.hypot(ctm[2], ctm[3])
        drawn = max(across, down) / 72
        pixels = width if across >= down else height
        dpi = pixels / drawn if drawn else math.inf
        seen = (key, width, round(dpi) if math.isfinite(dpi) else -1)
        if key is not None and seen in self.seen_images:
            return
        self.seen_images.add(seen)
        soft_mask = not inline and (
            image.get("/SMask", "/None") != "/None" or bool(_number(image.get("/SMaskInData", 0)))
        )
        interpolate = _true(image.get("/I" if inline else "/Interpolate"))
        self.facts.images.append(
            Image(width, height, _space_name(space), dpi, soft_mask, interpolate)
        )

    def _fonts(self, resources: DictionaryObject) -> None:
        for reference in _resolved(resources.get("/Font")).values():
            font = reference.get_object()
            if id(font) in self.seen_fonts or not isinstance(font, DictionaryObject):
                continue
            self.seen_fonts.add(id(font))
            name = str(font.get("/BaseFont", "/unnamed")).lstrip("/").split("+", 1)[-1]
            self.fonts[name] = self.fonts.get(name, False) or _embedded(font)


def _placed_box(bbox: tuple[float, ...], m: Matrix) -> tuple[float, float, float, float]:
    """The rectangle *bbox* (x0, y0, x1, y1) mapped by *m*: the box around its four corners."""
    x0, y0, x1, y1 = bbox
    xs, ys = [], []
    for x, y in ((x0, y0), (x0, y1), (x1, y0), (x1, y1)):
        xs.append(m[0] * x + m[2] * y + m[4])
        ys.append(m[1] * x + m[3] * y + m[5])
    return (min(xs), min(ys), max(xs), max(ys))


def _key(reference: Any, obj: Any) -> Any:
    """Identity of a PDF object: its object number when indirect."""
    if isinstance(reference, IndirectObject):
        return (reference.idnum, reference.generation)
    return id(obj)


def _embedded(font: DictionaryObject) -> bool:
    """A font's program is in the file (PDF 1.7 §9.9); Type 3 fonts are drawn by the file."""
    if font.get("/Subtype") == "/Type3":
        return True
    if font.get("/Subtype") == "/Type0":
        descendants = font.get("/DescendantFonts")
        descendants = descendants.get_object() if descendants is not None else None
        if not isinstance(descendants, ArrayObject) or not descendants:
            return False
        font = _resolved(descendants[0])
    descriptor = _resolved(font.get("/FontDescriptor"))
    return any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def _space_name(space: Any) -> str:
    space = space.get_object() if isinstance(space, PdfObject) else space
    if isinstance(space, ArrayObject):
        if not space:
            return "/unknown"
        if space[0] == "/ICCBased" and len(space) > 1:
            components = _number(_resolved(space[1]).get("/N", 0))
            return {1: "/ICCGray", 3: "/ICCRGB", 4: "/ICCCMYK"}.get(
                int(components or 0), "/ICCBased"
            )
        return str(space[0])
    return str(space)


def _true(value: Any) -> bool:
    """Whether *value* is the PDF boolean ``true`` (or refers to it)."""
    value = _direct(value)
    return isinstance(value, BooleanObject) and bool(value.value)


def _device_spaces(space: Any, depth: int = 0) -> set[str]:
    """The device colour spaces *space* paints in: itself, or the base of an Indexed or
    Pattern space, or the alternate of a Separation or DeviceN space (ISO 19005-2 §6.2.4.4
    judges those alternates as §6.2.4.3 judges device spaces)."""
    space = _direct(space)
    if isinstance(space, NameObject):
        return {_DEVICE_SPACES[space]} if space in _DEVICE_SPACES else set()
    if not isinstance(space, ArrayObject) or not space or depth > 4:
        return set()
    family = str(_direct(space[0]))
    if family in ("/Indexed", "/I", "/Pattern") and len(space) > 1:
        return _device_spaces(space[1], depth + 1)
    if family in ("/Separation", "/DeviceN") and len(space) > 2:
        return _device_spaces(space[2], depth + 1)
    return set()


def _is_rgb(name: Any, spaces: DictionaryObject) -> bool:
    space = spaces.get(name, name)
    return _space_name(space) in _RGB_SPACES
