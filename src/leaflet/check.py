"""Preflight: what a print shop checks before printing a PDF, as plain one-line findings.

:func:`check_pdf` reads the file with :mod:`leaflet.pdfscan` and judges it:

* boxes — MediaBox ⊇ BleedBox ⊇ TrimBox on every page (PDF 1.7 §14.11.2), a bleed when
  the page has room for crop marks, and no artwork running to the edge of a page cut at its
  edge without bleed (MediaBox = TrimBox; the edges are looked at rendered);
* booklets — a saddle-stitched booklet has a multiple of 4 pages; imposed sheets are told by
  their geometry (each side two pages placed side by side, :func:`saddle_sheets`), flat
  pages by the format leaflet writes in /Keywords (``format:a5-fold``);
* fonts — every font embedded;
* PDF/X (ISO 15930-7 for PDF/X-4) — an output intent, a TrimBox, and no RGB colour or images;
* PDF/A (ISO 19005-2 and -3), for a file whose XMP claims it — the rules veraPDF and PDFBox
  Preflight find broken most often: identification, output intent, encryption, actions,
  annotation flags, interpolated images, device colours the output intent does not cover,
  embedded files, Info entries missing from the XMP (:func:`_pdfa_problems`);
* images — at least :data:`MIN_DPI` as printed (a warning);
* lines — none thinner than :data:`MIN_LINE` (presses lose them);
* content — operators with wrong operands, Form XObjects that draw themselves, and pages too
  complex to check within the scan's bounds (:mod:`leaflet.pdfscan`) are problems: what a
  preflight cannot read, a RIP may not print;
* with the statement — every word of it in the text layer (hyphenated words rejoined), and
  the layout preflight's rules a PDF's lines are enough for (:mod:`leaflet.pdflines`) as notes.

Problems make ``leaflet check`` exit 1; warnings and notes are shown but do not.  Each
finding carries the id of its rule (:meth:`CheckReport.findings`, ``check --json``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from .errors import FormatError
from .formats import get_format
from .model import Statement, words
from .pdf import KEYWORD_LAYOUT, read_file
from .pdfscan import PageFacts, PdfFacts, scan_pdf
from .source import read_utf8, written_words
from .units import POINTS_PER

__all__ = [
    "MIN_DPI",
    "MIN_LINE",
    "CheckReport",
    "check_pdf",
    "copier_problems",
    "saddle_sheets",
]

#: Images printed below this resolution look soft (dots per inch).
MIN_DPI = 200
#: Lines thinner than this (points) may not print.
MIN_LINE = 0.25
#: Keyword prefix naming the format a file was rendered in.
KEYWORD_FORMAT = "format:"
#: Box edges closer than this (points) are the same edge.
_EPSILON = 0.01
_MM = POINTS_PER["mm"]

Box = tuple[float, float, float, float]
#: One finding: the id of the rule that made it (``trim-no-bleed``) and its line.
Finding = tuple[str, str]
#: Pages whose edges are looked at for artwork at an unbled trim (rendered at
#: :data:`EDGE_DPI`, a few milliseconds each).
EDGE_PAGE_LIMIT = 100
EDGE_DPI = 50
#: Pages whose images hold more pixels than this are not rendered (pdfium decodes them whole).
EDGE_IMAGE_PIXELS = 40_000_000
#: An edge is painted when this share of its pixels (one pixel deep, 0.5 mm) is not paper.
EDGE_PAINTED = 0.02


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What :func:`check_pdf` found: a summary of the pages, problems and warnings."""

    name: str
    facts: PdfFacts = field(repr=False)
    problems: tuple[str, ...]
    warnings: tuple[str, ...]
    #: Layout preflight notes (``page N: …``), with the statement only.
    notes: tuple[str, ...] = ()
    #: The rule id of each problem, in the same order (``--json``: ``findings``).
    problem_rules: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def findings(self) -> list[dict[str, str]]:
        """Every problem, warning and note with the id of the rule that found it."""
        rules = self.problem_rules or ("problem",) * len(self.problems)
        return [
            *(
                {"rule": rule, "severity": "problem", "message": message}
                for rule, message in zip(rules, self.problems, strict=True)
            ),
            *(
                {"rule": "image-resolution", "severity": "warning", "message": message}
                for message in self.warnings
            ),
            *({"rule": "layout", "severity": "note", "message": message} for message in self.notes),
        ]

    def verdict(self) -> str:
        """The last line of the report: ``ok: no problems found`` or ``3 problems``."""
        count = len(self.problems)
        return f"{count} problem{'s' * (count != 1)}" if count else "ok: no problems found"

    def summary(self) -> list[str]:
        """Human lines describing the file: page sizes and boxes, PDF/X, PDF/A, fonts."""
        if self.facts.encrypted:
            return [f"{self.facts.pdfa}, encrypted: only its identification was read"]
        sizes: dict[str, list[int]] = {}
        for page in self.facts.pages:
            sizes.setdefault(_describe(page), []).append(page.number)
        lines = [f"{_pages(numbers)}: {description}" for description, numbers in sizes.items()]
        fonts = self.facts.fonts
        embedded = sum(fonts.values())
        lines.append(f"fonts: {embedded} of {len(fonts)} embedded")
        if self.facts.pdfx:
            lines.append(f"PDF/X: {self.facts.pdfx}")
        if self.facts.pdfa:
            lines.append(f"PDF/A: {self.facts.pdfa}")
        return lines

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (``leaflet check --json``); lengths in millimetres."""
        return {
            "file": self.name,
            "ok": self.ok,
            "pages": [
                {
                    "number": page.number,
                    "trim_mm": _size_mm(page.trim),
                    "bleed_mm": round(_bleed(page) / _MM, 2),
                    "media_mm": _size_mm(page.media),
                }
                for page in self.facts.pages
            ],
            "pdfx": self.facts.pdfx,
            "pdfa": self.facts.pdfa,
            "fonts": dict(sorted(self.facts.fonts.items())),
            "problems": list(self.problems),
            "warnings": list(self.warnings),
            "notes": list(self.notes),
            "findings": self.findings(),
        }


def check_pdf(
    pdf: bytes | Path,
    *,
    statement: Statement | None = None,
    name: str | None = None,
    copier: bool = False,
) -> CheckReport:
    """Preflight *pdf*; with *statement*, also check that every word of it is in the text;
    with *copier*, that it survives a photocopier or a stencil duplicator
    (:func:`copier_problems`).

    Raises :class:`~leaflet.errors.LeafletError` when the file is not a readable PDF.
    """
    if isinstance(pdf, Path):
        name = name or str(pdf)
        pdf = read_file(pdf)
    name = name or "input"
    facts = scan_pdf(pdf, name)
    problems: list[Finding] = [
        *_box_problems(facts),
        *_trim_artwork_problems(pdf, facts),
        *_booklet_problems(facts),
        *_layout_page_problems(facts),
        *_font_problems(facts),
        *_pdfx_problems(facts),
        *_pdfa_problems(facts),
        *_line_problems(facts),
        *_content_problems(facts),
        *_metadata_problems(facts),
        *_text_colour_problems(facts),
    ]
    if copier:
        problems += copier_problems(pdf, facts)
    notes: tuple[str, ...] = ()
    if statement is not None:
        problems += _missing_word_problems(facts, _expected_words(facts, statement))
        notes = _layout_notes(pdf, facts, statement)
    return CheckReport(
        name,
        facts,
        tuple(message for _, message in problems),
        tuple(_image_warnings(facts)),
        notes,
        tuple(rule for rule, _ in problems),
    )


def _layout_notes(pdf: bytes, facts: PdfFacts, statement: Statement) -> tuple[str, ...]:
    """The layout preflight's notes that a PDF's lines tell (:mod:`leaflet.pdflines`); hyphens
    are told from the source's own hyphens by the source as written."""
    from .pdflines import pdf_notes

    if statement.source is None:
        return ()
    notes = pdf_notes(pdf, read_utf8(statement.source), saddle=saddle_sheets(facts))
    return tuple(message for _, message in _first_few([str(n) for n in notes], 20, rule="layout"))


def _box_problems(facts: PdfFacts) -> list[Finding]:
    problems = []
    for page in facts.pages:
        if not _contains(page.media, page.bleed):
            problems.append(f"page {page.number}: the BleedBox reaches outside the MediaBox")
        if not _contains(page.bleed, page.trim):
            problems.append(f"page {page.number}: the TrimBox reaches outside the BleedBox")
    room = [
        f"page {page.number}: room for crop marks but no bleed "
        "(artwork stops at the cut; render with --bleed 3mm)"
        for page in facts.pages
        if _margin(page.media, page.trim) > _EPSILON and _bleed(page) <= _EPSILON
    ]
    return [*_first_few(problems, rule="box-nesting"), *_first_few(room, rule="no-bleed")]


def _pdfium_pages(facts: PdfFacts) -> list[PageFacts]:
    """The pages the checks that load pages in pdfium may load: pages a preflight could not
    read in full are not loaded either (a form drawn 10^8 times would take pdfium as long;
    their own problem says so), nor pictures past :data:`EDGE_IMAGE_PIXELS`, nor more than
    :data:`EDGE_PAGE_LIMIT` pages."""
    return [
        page
        for page in facts.pages
        if page.unchecked is None
        and page.text_unread is None
        and not page.malformed
        and not facts.repairs
        and sum(image.width * image.height for image in page.images) <= EDGE_IMAGE_PIXELS
    ][:EDGE_PAGE_LIMIT]


def _trim_artwork_problems(pdf: bytes, facts: PdfFacts) -> list[Finding]:
    """Pages cut at their very edge (MediaBox = TrimBox, no bleed) with artwork running to
    that edge: the commonest file a shop sends back, since a cut a hair off leaves a white
    line.  The edges are looked at rendered (pypdfium2), one pixel of :data:`EDGE_DPI` deep."""
    pages = [
        page
        for page in _pdfium_pages(facts)
        if _bleed(page) <= _EPSILON and _margin(page.media, page.trim) <= _EPSILON
    ]
    if not pages:
        return []
    import pypdfium2

    problems = []
    document = pypdfium2.PdfDocument(pdf)
    try:
        for page in pages:
            edges = _painted_edges(document[page.number - 1], page.trim)
            if edges:
                problems.append(
                    f"page {page.number}: artwork runs to the trim on the {_and(edges)} "
                    f"edge{'s' * (len(edges) > 1)} but the file has no bleed (MediaBox = "
                    "TrimBox): a cut a hair off leaves a white line; extend it 3 mm past the "
                    "trim (leaflet: render with --bleed 3mm)"
                )
    except pypdfium2.PdfiumError:
        return []  # what pypdf read and pdfium cannot render: the other rules speak of it
    finally:
        document.close()
    return _first_few(problems, rule="trim-no-bleed")


def _painted_edges(page: Any, trim: Box) -> list[str]:
    """The edges of *trim* (``top``, ``right``…) along which *page* (pdfium) is painted."""
    if page.get_rotation() % 360:
        return []  # rendered turned: edges would be misnamed; rare in print files
    crop_box = page.get_cropbox()
    crop = (
        trim[0] - crop_box[0],
        trim[1] - crop_box[1],
        crop_box[2] - trim[2],
        crop_box[3] - trim[3],
    )
    if min(crop) < -_EPSILON:
        return []
    scale = EDGE_DPI / 72
    bitmap = page.render(scale=scale, crop=tuple(max(0.0, v) for v in crop), grayscale=True)
    image = bitmap.to_pil().convert("L")
    width, height = image.size
    if width < 3 or height < 3:
        return []
    lines = {
        "top": [image.getpixel((x, 0)) for x in range(width)],
        "bottom": [image.getpixel((x, height - 1)) for x in range(width)],
        "left": [image.getpixel((0, y)) for y in range(height)],
        "right": [image.getpixel((width - 1, y)) for y in range(height)],
    }
    return [
        edge
        for edge, pixels in lines.items()
        if sum(value < 240 for value in cast(list[int], pixels)) >= EDGE_PAINTED * len(pixels)
    ]


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def saddle_sheets(facts: PdfFacts) -> bool:
    """Whether the pages are the sheet sides of a saddle-stitched booklet: told by their
    geometry (every side places one or two pages as forms, each filling one half of the
    TrimBox, and some side two different ones — a 2-up sheet repeats one page), or by
    leaflet's ``layout:NAME`` keyword naming a stapled layout (another layout named there,
    such as cut-and-stack flyers two to a sheet, is no booklet whatever its geometry)."""
    from .impose import layouts

    for word in facts.keywords:
        layout = layouts().get(word.removeprefix(KEYWORD_LAYOUT))
        if word.startswith(KEYWORD_LAYOUT) and layout is not None:
            return "staple" in layout.OPERATIONS
    pairs = 0
    for page in facts.pages:
        halves = _halves(page)
        if halves is None:
            return False
        pairs += len(halves) == 2 and len(set(halves.values())) == 2
    return pairs > 0


def _halves(page: PageFacts) -> dict[str, str] | None:
    """The form placed in each half (``left``, ``right``) of *page*'s TrimBox, or None when
    the page is not one or two pages side by side."""
    left, bottom, right, top = page.trim
    half = (right - left) / 2
    slack = 2 * _bleed(page) + 2 * _MM  # a placed page's box may carry its bleed
    if half <= 0 or not 1 <= len(page.placed_forms) <= 2:
        return None
    found: dict[str, str] = {}
    for key, (x0, y0, x1, y1) in page.placed_forms:
        centre = (x0 + x1) / 2
        if abs((x1 - x0) - half) > slack or abs((y1 - y0) - (top - bottom)) > slack:
            return None
        if abs(centre - (left + half / 2)) <= slack:
            side = "left"
        elif abs(centre - (right - half / 2)) <= slack:
            side = "right"
        else:
            return None
        if side in found:
            return None
        found[side] = key
    return found


def _booklet_problems(facts: PdfFacts) -> list[Finding]:
    saddle = saddle_sheets(facts)
    booklet = saddle or any(_format_kind(name) == "booklet" for name in _formats(facts))
    # A saddle-imposed sheet side carries two pages.
    pages = 2 * len(facts.pages) if saddle else len(facts.pages)
    if not booklet or pages % 4 == 0:
        return []
    sides = f" ({len(facts.pages)} sheet sides of two pages)" if saddle else ""
    return [
        (
            "booklet-pages",
            f"booklet has {pages} pages{sides}: a saddle-stitched booklet needs a multiple of "
            f"4 (add {-pages % 4} blank or re-render it)",
        )
    ]


def _layout_page_problems(facts: PdfFacts) -> list[Finding]:
    """Flat pages of a folded or cut piece (rendered, or delivered for the shop to impose)
    must be as many as its layout takes (a tri-fold: exactly 6)."""
    imposed = any(
        word.startswith(KEYWORD_LAYOUT) and word != f"{KEYWORD_LAYOUT}pages"
        for word in facts.keywords
    )
    if imposed:
        return []
    for name in _formats(facts):
        try:
            fmt = get_format(name)
        except FormatError:
            continue
        pages = len(facts.pages)
        if fmt.imposed and not fmt.booklet and not fmt.page_rule.accepts(pages):
            return [
                (
                    "layout-pages",
                    f"{pages} page{'s' * (pages != 1)}, but a {fmt.name} takes "
                    f"{fmt.page_rule} (re-render it)",
                )
            ]
    return []


def _formats(facts: PdfFacts) -> list[str]:
    """Formats the file says it was rendered in (``format:NAME`` in /Keywords)."""
    return [
        word.removeprefix(KEYWORD_FORMAT)
        for word in facts.keywords
        if word.startswith(KEYWORD_FORMAT)
    ]


def _format_kind(name: str) -> str | None:
    """``"booklet"``, ``"poster"`` or ``"leaflet"`` for a known format name, else None."""
    try:
        fmt = get_format(name)
    except FormatError:
        return None
    return "booklet" if fmt.booklet else fmt.kind


def _font_problems(facts: PdfFacts) -> list[Finding]:
    return [
        ("font-embedding", f"font {name} is not embedded (the printer would substitute another)")
        for name, embedded in sorted(facts.fonts.items())
        if not embedded
    ]


def _pdfx_problems(facts: PdfFacts) -> list[Finding]:
    if not facts.pdfx:
        return []
    x1a = facts.pdfx.startswith("PDF/X-1")
    problems: list[Finding] = []
    if not facts.has_output_intent:
        problems.append(
            (
                "pdfx-output-intent",
                f"claims {facts.pdfx} but has no output intent (ISO 15930 requires one)",
            )
        )
    problems += [
        ("pdfx-trim-box", f"page {page.number}: no TrimBox (PDF/X requires the final size)")
        for page in facts.pages
        if not page.has_trim_box
    ]
    for page in facts.pages:
        if page.rgb_operations:
            problems.append(
                (
                    "pdfx-rgb-colour",
                    f"page {page.number}: RGB colour in a PDF/X file ({page.rgb_operations} "
                    "times); print colours must be CMYK",
                )
            )
        for image in page.images:
            size = f"{image.width}×{image.height} px"
            if image.uncalibrated_rgb:
                problems.append(
                    ("pdfx-rgb-image", f"page {page.number}: RGB image ({size}) in a PDF/X file")
                )
            elif image.rgb and x1a:
                problems.append(
                    (
                        "pdfx1a-rgb-image",
                        f"page {page.number}: RGB image ({size}) in a PDF/X-1a file, which "
                        "allows CMYK and grey only",
                    )
                )
            if image.soft_mask and x1a:
                problems.append(
                    (
                        "pdfx1a-transparency",
                        f"page {page.number}: a transparent image ({size}, soft mask) in a "
                        "PDF/X-1a file, which allows no transparency",
                    )
                )
        if page.annotations:
            problems.append(
                (
                    "pdfx-annotation",
                    f"page {page.number}: {page.annotations} annotation"
                    f"{'s' * (page.annotations > 1)} (links …) inside the trim, which PDF/X "
                    "does not allow",
                )
            )
    if len(problems) <= 10:
        return problems
    return [*problems[:10], (problems[10][0], f"… and {len(problems) - 10} more like these")]


#: PDF/A conformance levels by part (ISO 19005-1 §6.7.11, 19005-2 and -3 §6.6.4; PDF/A-4,
#: ISO 19005-4 §6.7.3, has none or E or F).
PDFA_LEVELS = {
    "1": ("A", "B"),
    "2": ("A", "B", "U"),
    "3": ("A", "B", "U"),
    "4": (None, "E", "F"),
}
#: Actions PDF/A forbids (ISO 19005-2 §6.5.1); named actions other than page turns too.
PDFA_FORBIDDEN_ACTIONS = {
    "/Launch": "starts a program",
    "/JavaScript": "runs JavaScript",
    "/Sound": "plays a sound",
    "/Movie": "plays a movie",
    "/Rendition": "plays media",
    "/ResetForm": "resets a form",
    "/ImportData": "imports data",
    "/Hide": "hides parts of the page",
    "/SetOCGState": "switches layers",
    "/Trans": "runs a transition",
    "/GoTo3DView": "turns a 3D view",
}
PDFA_NAMED_ACTIONS = {"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"}
#: Annotation kinds PDF/A forbids (ISO 19005-2 §6.3.1).
PDFA_FORBIDDEN_ANNOTATIONS = {"/3D", "/Sound", "/Screen", "/Movie"}
#: Adds a finding of a rule: ``add(rule, message)``.
_Add = Callable[[str, str], None]
#: Annotation flags (PDF 1.7 §12.5.3): PDF/A wants Print set and these clear (§6.3.2).
_PRINT = 4
_HIDING_FLAGS = {1: "Invisible", 2: "Hidden", 32: "NoView", 256: "ToggleNoView"}


def _pdfa_problems(facts: PdfFacts) -> list[Finding]:
    """The PDF/A rules a file claiming PDF/A (``pdfaid`` in its XMP) breaks most often in
    practice, one rule id each; clause numbers are ISO 19005-2 (PDF/A-2) and 19005-3 (PDF/A-3,
    the same clauses plus embedded files)."""
    if not facts.pdfa_claimed:
        return []
    claim = facts.pdfa or "PDF/A"
    found: dict[str, list[str]] = {}

    def add(rule: str, message: str) -> None:
        found.setdefault(rule, []).append(message)

    # §6.6.4: pdfaid:part is the part (an integer), pdfaid:conformance a level of that part.
    part, level = facts.pdfa_part, facts.pdfa_conformance
    if part not in PDFA_LEVELS:
        add(
            "pdfa-identification",
            f"claims PDF/A but its XMP metadata gives no valid part (pdfaid:part "
            f"{part!r}; 1 to 4): no validator knows which rules it follows",
        )
    elif level not in PDFA_LEVELS[part]:
        add(
            "pdfa-identification",
            f"claims PDF/A-{part} but its XMP metadata gives no valid conformance level "
            f"(pdfaid:conformance {level!r}; "
            f"{', '.join(level or 'none' for level in PDFA_LEVELS[part])})",
        )
    if facts.xmp_unreadable:
        add("pdfa-metadata", f"the XMP metadata cannot be read ({facts.xmp_unreadable})")
    # §6.1.3: no encryption (the file was read only to learn what it claims).
    if facts.encrypted:
        add(
            "pdfa-encryption",
            f"claims {claim} but is encrypted, which PDF/A forbids: an archive must open "
            "without a password or a decryption key (save an unprotected copy)",
        )
        return _findings(found)
    _pdfa_output_intent(facts, claim, add)
    _pdfa_pages(facts, add)
    # §6.5.1, §6.5.2: no scripts, launches or media, and no actions on document events.
    for where, kind in facts.document_actions:
        if where == "document events":
            add("pdfa-action", "the document has actions run on events (/AA in the catalog)")
        elif where == "document scripts":
            add("pdfa-action", "the document carries JavaScript (a JavaScript name tree)")
        elif _forbidden_action(kind):
            add("pdfa-action", f"{where} {_forbidden_action(kind)}, which PDF/A forbids")
    # ISO 19005-3 §6.8, 19005-4 §6.9 (PDF/A-1 allows no embedded file at all: ISO 19005-1
    # §6.1.11; PDF/A-2 only PDF/A files, which is not looked into here).
    attached = [
        *((None, file) for file in facts.embedded_files),
        *(
            (page.number, file)
            for page in facts.pages
            for annotation in page.annotation_list
            for file in annotation.files
        ),
    ]
    for number, file in attached:
        where = f"page {number}: " if number else ""
        if part == "1":
            add("pdfa-embedded-file", f"{where}embedded file {file.name!r} in PDF/A-1")
            continue
        if part in ("3", "4") and file.relationship is None:
            add(
                "pdfa-embedded-file",
                f"{where}embedded file {file.name!r} does not say how it relates to the "
                "document (/AFRelationship: Source, Data, Alternative …), which "
                f"PDF/A-{part} requires",
            )
        if part in ("3", "4") and not file.mime:
            add(
                "pdfa-embedded-file",
                f"{where}embedded file {file.name!r} has no MIME type (/Subtype, e.g. "
                f"application/xml), which PDF/A-{part} requires",
            )
    # ISO 19005-1 §6.7.3 (and PDFBox Preflight): each Info entry has its XMP counterpart;
    # where both say something, the metadata-sync rule compares them.  (PDF/A-4 wants no
    # Info dictionary at all, a rule not checked here.)
    if facts.info_not_in_xmp and part != "4":
        add(
            "pdfa-metadata",
            f"Info has {', '.join(facts.info_not_in_xmp)} but the XMP metadata does not "
            "(PDF/A readers take the XMP; export the file again)",
        )
    return _findings(found)


def _pdfa_output_intent(facts: PdfFacts, claim: str, add: _Add) -> None:
    """§6.2.3: a GTS_PDFA1 output intent with an embedded ICC profile, one profile for all."""
    intents = [intent for intent in facts.output_intents if intent.subtype == "/GTS_PDFA1"]
    if not intents and facts.pdfa_part != "4":  # PDF/A-4: only for device colours (§6.2.4.3)
        add(
            "pdfa-output-intent",
            f"claims {claim} but has no PDF/A output intent (GTS_PDFA1): its colours have no "
            "defined meaning",
        )
    elif any(intent.components is None for intent in intents):
        add(
            "pdfa-output-intent",
            "the PDF/A output intent has no embedded ICC profile (DestOutputProfile)",
        )
    profiles = {intent.profile for intent in facts.output_intents if intent.profile}
    if len(profiles) > 1:
        add(
            "pdfa-output-intent",
            f"{len(facts.output_intents)} output intents with different ICC profiles; "
            "PDF/A allows one profile for all",
        )


def _pdfa_pages(facts: PdfFacts, add: _Add) -> None:
    """Per page: device colours (§6.2.4.3), images (§6.2.8), annotations (§6.3), actions
    (§6.5)."""
    intents = [intent for intent in facts.output_intents if intent.subtype == "/GTS_PDFA1"]
    components = intents[0].components if intents else None
    allowed = {"/DeviceGray"} if intents else set()
    allowed |= {3: {"/DeviceRGB"}, 4: {"/DeviceCMYK"}}.get(components or 0, set())
    intent_name = {1: "grey", 3: "RGB", 4: "CMYK"}.get(components or 0)
    for page in facts.pages:
        for space, count in sorted(page.device_spaces.items()):
            if space in allowed:
                continue
            kind = space.removeprefix("/Device")
            used = (
                f"page {page.number}: {space.lstrip('/')} colour ({count} time{'s' * (count != 1)})"
            )
            if intent_name:
                why = f"but the output intent is {intent_name}"
                fix = f"tag it with an ICC profile or use a{'n' * (kind == 'RGB')} {kind} intent"
            else:
                why = "with no output intent to give it a meaning"
                fix = f"tag it with an ICC profile or add a{'n' * (kind == 'RGB')} {kind} intent"
            add("pdfa-device-colour", f"{used} {why}: {fix}")
        for image in page.images:
            if image.interpolate:
                add(
                    "pdfa-interpolate",
                    f"page {page.number}: image ({image.width}×{image.height} px) asks viewers "
                    "to smooth it (Interpolate true), which PDF/A forbids: each would show it "
                    "differently",
                )
        if page.additional_actions:
            add("pdfa-action", f"page {page.number}: actions run on opening or closing (/AA)")
        for annotation in page.annotation_list:
            kind = annotation.subtype.lstrip("/")
            where = f"page {page.number}: {kind} annotation"
            if annotation.subtype in PDFA_FORBIDDEN_ANNOTATIONS:
                add("pdfa-annotation", f"{where}: PDF/A allows no {kind} annotations")
            flags = annotation.flags
            if annotation.subtype != "/Popup" and (flags is None or not flags & _PRINT):
                add(
                    "pdfa-annotation",
                    f"{where} does not print (its Print flag is off): PDF/A needs every "
                    "annotation to print as it shows",
                )
            hiding = [name for bit, name in _HIDING_FLAGS.items() if (flags or 0) & bit]
            if hiding:
                add("pdfa-annotation", f"{where} is hidden ({', '.join(hiding)} flag)")
            if annotation.additional_actions:
                add("pdfa-action", f"{where} runs actions on events (/AA)")
            for action in annotation.actions:
                if _forbidden_action(action):
                    add("pdfa-action", f"{where} {_forbidden_action(action)}, which PDF/A forbids")


def _forbidden_action(kind: str) -> str | None:
    """What a forbidden action does (``runs JavaScript``), or None when PDF/A allows it."""
    if kind.startswith("/Named "):
        name = kind.removeprefix("/Named ")
        return None if name in PDFA_NAMED_ACTIONS else f"runs the viewer command {name[1:]}"
    return PDFA_FORBIDDEN_ACTIONS.get(kind)


def _findings(found: dict[str, list[str]]) -> list[Finding]:
    return [
        finding
        for rule, messages in found.items()
        for finding in _first_few(list(dict.fromkeys(messages)), rule=rule)
    ]


#: Text-showing operators in one colour before it counts as the body text's colour.
BODY_TEXT_MIN = 20


def _text_colour_problems(facts: PdfFacts) -> list[Finding]:
    """Body text (the colour most text is painted in, when painted in CMYK) must be solid
    black ink: a black tint is screened, and a four-colour black blurs at any misregister."""
    counts: dict[tuple[float, ...], int] = {}
    for page in facts.pages:
        for colour, count in page.text_colours.items():
            counts[colour] = counts.get(colour, 0) + count
    if not counts:
        return []
    body = max(counts, key=lambda colour: counts[colour])
    if counts[body] < BODY_TEXT_MIN or len(body) != 4:
        return []
    c, m, y, k = body
    inks = " ".join(f"{name}{round(v * 100)}" for name, v in zip("CMYK", body, strict=True))
    if c == m == y == 0 and 0.5 < k < 0.95:
        return [
            (
                "body-text-tint",
                f"body text is a tint of black ({inks}): small type is screened and looks "
                "grey; set it in 100 % K",
            )
        ]
    if min(c, m, y) > 0.3 and k > 0.5:
        return [
            (
                "body-text-rich-black",
                f"body text is a four-colour black ({inks}): small type blurs at the "
                "slightest misregistration; set it in 100 % K only",
            )
        ]
    return []


def _metadata_problems(facts: PdfFacts) -> list[Finding]:
    if not facts.metadata_disagreements:
        return []
    return [
        (
            "metadata-sync",
            "Info and XMP metadata disagree: "
            + "; ".join(facts.metadata_disagreements[:4])
            + " (readers show one or the other; export the file again)",
        )
    ]


def _line_problems(facts: PdfFacts) -> list[Finding]:
    return _first_few(
        [
            f"page {page.number}: a line {page.thinnest_line:.2f} pt wide "
            f"(thinner than {MIN_LINE} pt may not print)"
            for page in facts.pages
            if page.thinnest_line is not None and page.thinnest_line < MIN_LINE - 0.005
        ],
        rule="hairline",
    )


def _content_problems(facts: PdfFacts) -> list[Finding]:
    damaged: list[Finding] = []
    if facts.repairs:
        count = len(facts.repairs)
        first = " ".join(facts.repairs[0].split())[:160]
        damaged.append(
            (
                "damaged-file",
                f"the file is damaged: it was read only after {count} repair"
                f"{'s' * (count != 1)} (first: {first}); export it again",
            )
        )
    problems = []
    for page in facts.pages:
        if page.unchecked is not None:
            problems.append(f"page {page.number}: {page.unchecked}")
        elif page.text_unread is not None:
            problems.append(f"page {page.number}: text not read: {page.text_unread}")
        if page.malformed:
            problems.append(
                f"page {page.number}: {page.malformed} malformed content operator"
                f"{'s' * (page.malformed != 1)} (wrong operands, unknown XObjects, unbalanced"
                " Q, forms drawing themselves); a RIP may stop on them"
            )
    return [*damaged, *_first_few(problems, rule="content")]


def _image_warnings(facts: PdfFacts) -> list[str]:
    return [
        f"page {page.number}: image of {image.width}×{image.height} px printed at "
        f"{image.dpi:.0f} dpi (under {MIN_DPI} dpi looks soft)"
        for page in facts.pages
        for image in page.images
        if image.dpi < MIN_DPI
    ]


def _expected_words(facts: PdfFacts, statement: Statement) -> list[str]:
    """Every word of the statement; posters print only the slogans (or the headline).

    The words of the body are also read from the source file as written, without the Markdown
    parser (:func:`~leaflet.source.written_words`): text a parser lost is missing from the
    model it made as well as from the PDF, so only an independent reading can miss it.
    """
    if any(_format_kind(name) == "poster" for name in _formats(facts)):
        return [word for text in statement.slogans or (statement.title,) for word in words(text)]
    written = written_words(read_utf8(statement.source)) if statement.source else []
    return [*statement.words(), *written]


def _missing_word_problems(facts: PdfFacts, expected: list[str]) -> list[Finding]:
    """Words of *expected* not in the text layer; line-end hyphens and spaces are removed
    first, so words hyphenated or URLs broken across lines read whole again."""
    text = re.sub(r"-\s*\n\s*", "", facts.text)
    haystack = re.sub(r"\s+", "", text).casefold()
    printed = set(words(text.casefold()))  # most words, found without a search
    missing = [
        word
        for word in dict.fromkeys(expected)
        if word.casefold() not in printed
        and word.casefold() not in haystack
        and not _split_across_pages(word.casefold(), facts.text)
    ]
    if not missing:
        return []
    shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
    count = len(missing)
    return [
        (
            "missing-words",
            f"{count} word{'s' * (count != 1)} of the statement "
            f"{'are' if count != 1 else 'is'} not in the text: {shown}",
        )
    ]


def _split_across_pages(word: str, text: str) -> bool:
    """Whether *word* is printed hyphenated at the foot of one page and continued at the head
    of another that does not follow it in the text layer (booklet sheets hold pages out of
    reading order): one line ends with its start and a hyphen, another begins with its end."""
    lines = [line.strip().casefold() for line in text.splitlines() if line.strip()]
    heads = {line.split()[0] for line in lines}
    tails = {line.split()[-1][:-1] for line in lines if line.endswith("-")}
    return any(
        word[:cut] in tails and any(head.startswith(word[cut:]) for head in heads)
        for cut in range(1, len(word))
    )


def _first_few(problems: list[str], limit: int = 10, *, rule: str) -> list[Finding]:
    """At most *limit* findings of *rule*, then one line saying how many more."""
    shown = problems if len(problems) <= limit else problems[:limit]
    more = [f"… and {len(problems) - limit} more like these"] if len(problems) > limit else []
    return [(rule, problem) for problem in [*shown, *more]]


def _contains(outer: Box, inner: Box) -> bool:
    return (
        outer[0] <= inner[0] + _EPSILON
        and outer[1] <= inner[1] + _EPSILON
        and outer[2] >= inner[2] - _EPSILON
        and outer[3] >= inner[3] - _EPSILON
    )


def _margin(outer: Box, inner: Box) -> float:
    """The narrowest distance from *inner*'s edges out to *outer*'s."""
    return min(inner[0] - outer[0], inner[1] - outer[1], outer[2] - inner[2], outer[3] - inner[3])


def _bleed(page: PageFacts) -> float:
    return max(0.0, _margin(page.bleed, page.trim))


def _size_mm(box: Box) -> list[float]:
    return [round((box[2] - box[0]) / _MM, 1), round((box[3] - box[1]) / _MM, 1)]


def _describe(page: PageFacts) -> str:
    trim, media = _size_mm(page.trim), _size_mm(page.media)
    bleed = _bleed(page) / _MM
    return (
        f"trim {trim[0]:g}×{trim[1]:g} mm, bleed {bleed:.3g} mm, media {media[0]:g}×{media[1]:g} mm"
    )


def _pages(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"page {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"pages {numbers[0]}–{numbers[-1]}"
    return "pages " + ", ".join(map(str, numbers))


# -- photocopier-safe (check --copier) --------------------------------------------------------

#: A tint lighter than this (its darkness on white paper, 0 … 1) vanishes on a photocopier
#: or a stencil duplicator; paler than :data:`COPIER_PAPER` is taken for paper.
COPIER_LIGHTEST = 0.2
COPIER_PAPER = 0.02
#: Lines thinner than this (points) break up or vanish on a copier.
COPIER_LINE = 0.5
#: A solid (at least :data:`COPIER_DARK` dark) larger than this (square points: 20 cm²)
#: copies unevenly, streaked and grey, and smears on a duplicator.
COPIER_SOLID = 20 * (72 / 2.54) ** 2
COPIER_DARK = 0.5
#: Text smaller than this (points) on a coloured ground is lost in the ground's screen.
COPIER_SMALL_TEXT = 8.0
#: Objects looked at per page (a copier check is not a RIP: a page of more is left unchecked).
COPIER_OBJECT_LIMIT = 50_000


def copier_problems(pdf: bytes, facts: PdfFacts) -> list[Finding]:
    """What a photocopier or stencil duplicator loses, page by page (pypdfium2's page
    objects, forms included): tints under :data:`COPIER_LIGHTEST`, lines thinner than
    :data:`COPIER_LINE` (strokes, or filled rules that thin), solids larger than
    :data:`COPIER_SOLID`, and text under :data:`COPIER_SMALL_TEXT` on a coloured ground."""
    import pypdfium2

    found: dict[str, list[str]] = {rule: [] for rule in _COPIER_RULES}
    document = pypdfium2.PdfDocument(pdf)
    try:
        for page in _pdfium_pages(facts):
            _copier_page(document[page.number - 1], page.number, found)
    except pypdfium2.PdfiumError:
        return []  # what pypdf read and pdfium cannot: the other rules speak of it
    finally:
        document.close()
    return [
        finding
        for rule in _COPIER_RULES
        for finding in _first_few(found[rule], rule=f"copier-{rule}")
    ]


_COPIER_RULES = ("light-tint", "hairline", "solid", "small-text-on-colour")


def _copier_page(page: Any, number: int, found: dict[str, list[str]]) -> None:
    import pypdfium2.raw as pdfium_c

    grounds: list[tuple[Box, float]] = []
    tints: set[str] = set()
    thinnest: float | None = None
    solids: list[float] = []
    small: list[float] = []
    for count, obj in enumerate(page.get_objects(max_depth=8)):
        if count >= COPIER_OBJECT_LIMIT:
            break
        if obj.type not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_TEXT):
            continue
        box, scale = _placed(obj)
        fill = _object_colour(pdfium_c.FPDFPageObj_GetFillColor, obj.raw)
        if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT:
            size = obj.get_font_size() * scale
            if fill is not None and COPIER_PAPER < fill[0] < COPIER_LIGHTEST:
                tints.add(fill[1])
            centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
            if size < COPIER_SMALL_TEXT and any(
                _contains(ground, (*centre, *centre)) for ground, _ in grounds
            ):
                small.append(size)
            continue
        mode, stroked = _draw_mode(obj.raw)
        width, height = box[2] - box[0], box[3] - box[1]
        if mode and fill is not None and fill[0] > COPIER_PAPER:
            if fill[0] < COPIER_LIGHTEST:
                tints.add(fill[1])
            if min(width, height) < COPIER_LINE and max(width, height) > 6 * COPIER_LINE:
                thinnest = min(thinnest or COPIER_LINE, min(width, height))
            # A ground is a solid shape (a band, a box), not a rule or an outline whose
            # bounds span a block: most of its bounds filled.
            area = _filled_area(obj.raw) * scale**2 if width * height > 20 else 0.0
            if fill[0] >= COPIER_DARK and area >= COPIER_SOLID:
                solids.append(area)
            if area > 0.5 * width * height:
                grounds.append((box, fill[0]))
        stroke = _object_colour(pdfium_c.FPDFPageObj_GetStrokeColor, obj.raw)
        if stroked and stroke is not None and stroke[0] > COPIER_PAPER:
            if stroke[0] < COPIER_LIGHTEST:
                tints.add(stroke[1])
            line = _stroke_width(obj.raw) * scale
            if line < COPIER_LINE:
                thinnest = min(thinnest or COPIER_LINE, line)
    if tints:
        found["light-tint"].append(
            f"page {number}: {_and(sorted(tints))} "
            f"{'is a tint' if len(tints) == 1 else 'are tints'} lighter than "
            f"{COPIER_LIGHTEST:.0%}: a copier or duplicator drops it (darken it, or leave it out)"
        )
    if thinnest is not None:
        found["hairline"].append(
            f"page {number}: a line {thinnest:.2f} pt wide: thinner than {COPIER_LINE} pt "
            "breaks up on a copier"
        )
    if solids:
        found["solid"].append(
            f"page {number}: a solid area of {max(solids) / (72 / 2.54) ** 2:.0f} cm² (more "
            f"than {COPIER_SOLID / (72 / 2.54) ** 2:.0f}): it copies streaked and grey and "
            "smears on a duplicator (an outline or a lighter tint copies well)"
        )
    if small:
        found["small-text-on-colour"].append(
            f"page {number}: text {min(small):.1f} pt on a coloured ground: under "
            f"{COPIER_SMALL_TEXT:g} pt it is lost in the ground's screen (set it larger or on "
            "paper)"
        )


def _placed(obj: Any) -> tuple[Box, float]:
    """*obj*'s bounds on the page (through the forms holding it) and how much its user space
    is scaled there (for stroke widths and text sizes)."""
    left, bottom, right, top = obj.get_bounds()
    corners = [(left, bottom), (right, bottom), (left, top), (right, top)]
    # pdfium's bounds include the object's own matrix; its scale sizes strokes and text.
    matrix = obj.get_matrix().get()
    scale = abs(matrix[0] * matrix[3] - matrix[1] * matrix[2]) ** 0.5
    container = obj.container
    while container is not None:
        a, b, c, d, e, f = container.get_matrix().get()
        corners = [(a * x + c * y + e, b * x + d * y + f) for x, y in corners]
        scale *= abs(a * d - b * c) ** 0.5
        container = container.container
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    return (min(xs), min(ys), max(xs), max(ys)), scale


def _object_colour(getter: Any, raw: Any) -> tuple[float, str] | None:
    """An object's fill or stroke colour as its darkness on paper (0 … 1) and ``#rrggbb``;
    None when it has none or it is transparent."""
    import ctypes

    red, green, blue, alpha = (ctypes.c_uint() for _ in range(4))
    if not getter(raw, *(ctypes.byref(v) for v in (red, green, blue, alpha))):
        return None
    if alpha.value == 0:
        return None
    rgb = (red.value, green.value, blue.value)
    darkness = 1 - (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) / 255
    return darkness * alpha.value / 255, "#{:02x}{:02x}{:02x}".format(*rgb)


def _filled_area(raw: Any) -> float:
    """The area a filled path covers, in its own space: its closed subpaths' areas (their
    corners and curves' control points as a polygon), each hole inside a larger one taken
    off it (a border is drawn as a frame: a rectangle with a rectangle cut out)."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    subpaths: list[list[tuple[float, float]]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for index in range(min(pdfium_c.FPDFPath_CountSegments(raw), 10_000)):
        segment = pdfium_c.FPDFPath_GetPathSegment(raw, index)
        pdfium_c.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
        if pdfium_c.FPDFPathSegment_GetType(segment) == pdfium_c.FPDF_SEGMENT_MOVETO:
            subpaths.append([])
        if subpaths:
            subpaths[-1].append((x.value, y.value))
    shapes = []
    for points in subpaths:
        if len(points) < 3:
            continue
        area = (
            abs(
                sum(
                    ax * by - bx * ay
                    for (ax, ay), (bx, by) in zip(points, points[1:] + points[:1], strict=True)
                )
            )
            / 2
        )
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        shapes.append((area, (min(xs), min(ys), max(xs), max(ys))))
    shapes.sort(reverse=True)
    total = 0.0
    for number, (area, box) in enumerate(shapes):
        inside = any(_contains(outer, box) for _, outer in shapes[:number])
        total += -area if inside else area
    return max(total, 0.0)


def _draw_mode(raw: Any) -> tuple[int, bool]:
    import ctypes

    import pypdfium2.raw as pdfium_c

    mode, stroke = ctypes.c_int(), ctypes.c_int()
    if not pdfium_c.FPDFPath_GetDrawMode(raw, ctypes.byref(mode), ctypes.byref(stroke)):
        return 0, False
    return mode.value, bool(stroke.value)


def _stroke_width(raw: Any) -> float:
    import ctypes

    import pypdfium2.raw as pdfium_c

    width = ctypes.c_float()
    if not pdfium_c.FPDFPageObj_GetStrokeWidth(raw, ctypes.byref(width)):
        return 1.0
    return float(width.value)
