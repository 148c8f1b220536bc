"""Preflight: what a print shop checks before printing a PDF, as plain one-line findings.

:func:`check_pdf` reads the file with :mod:`leaflet.pdfscan` and judges it:

* boxes — MediaBox ⊇ BleedBox ⊇ TrimBox on every page (PDF 1.7 §14.11.2), and a bleed when
  the page has room for crop marks;
* booklets — a saddle-stitched booklet has a multiple of 4 pages (leaflet writes the format
  and the imposition layout in /Keywords: ``format:a5-fold``, ``layout:saddle``);
* fonts — every font embedded;
* PDF/X (ISO 15930-7 for PDF/X-4) — an output intent, a TrimBox, and no RGB colour or images;
* images — at least :data:`MIN_DPI` as printed (a warning);
* lines — none thinner than :data:`MIN_LINE` (presses lose them);
* content — operators with wrong operands, Form XObjects that draw themselves, and pages too
  complex to check within the scan's bounds (:mod:`leaflet.pdfscan`) are problems: what a
  preflight cannot read, a RIP may not print;
* with the statement — every word of it in the text layer (hyphenated words rejoined), and
  the layout preflight's rules a PDF's lines are enough for (:mod:`leaflet.pdflines`) as notes.

Problems make ``leaflet check`` exit 1; warnings and notes are shown but do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import FormatError
from .formats import get_format
from .model import Statement, words
from .pdf import KEYWORD_LAYOUT, read_file
from .pdfscan import PageFacts, PdfFacts, scan_pdf
from .source import read_utf8, written_words
from .units import POINTS_PER

__all__ = ["MIN_DPI", "MIN_LINE", "CheckReport", "check_pdf"]

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


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What :func:`check_pdf` found: a summary of the pages, problems and warnings."""

    name: str
    facts: PdfFacts = field(repr=False)
    problems: tuple[str, ...]
    warnings: tuple[str, ...]
    #: Layout preflight notes (``page N: …``), with the statement only.
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> list[str]:
        """Human lines describing the file: page sizes and boxes, PDF/X, fonts."""
        sizes: dict[str, list[int]] = {}
        for page in self.facts.pages:
            sizes.setdefault(_describe(page), []).append(page.number)
        lines = [f"{_pages(numbers)}: {description}" for description, numbers in sizes.items()]
        fonts = self.facts.fonts
        embedded = sum(fonts.values())
        lines.append(f"fonts: {embedded} of {len(fonts)} embedded")
        if self.facts.pdfx:
            lines.append(f"PDF/X: {self.facts.pdfx}")
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
            "fonts": dict(sorted(self.facts.fonts.items())),
            "problems": list(self.problems),
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }


def check_pdf(
    pdf: bytes | Path, *, statement: Statement | None = None, name: str | None = None
) -> CheckReport:
    """Preflight *pdf*; with *statement*, also check that every word of it is in the text.

    Raises :class:`~leaflet.errors.LeafletError` when the file is not a readable PDF.
    """
    if isinstance(pdf, Path):
        name = name or str(pdf)
        pdf = read_file(pdf)
    name = name or "input"
    facts = scan_pdf(pdf, name)
    problems = [
        *_box_problems(facts),
        *_booklet_problems(facts),
        *_font_problems(facts),
        *_pdfx_problems(facts),
        *_line_problems(facts),
        *_content_problems(facts),
        *_metadata_problems(facts),
        *_text_colour_problems(facts),
    ]
    notes: tuple[str, ...] = ()
    if statement is not None:
        problems += _missing_word_problems(facts, _expected_words(facts, statement))
        notes = _layout_notes(pdf, facts, statement)
    return CheckReport(name, facts, tuple(problems), tuple(_image_warnings(facts)), notes)


def _layout_notes(pdf: bytes, facts: PdfFacts, statement: Statement) -> tuple[str, ...]:
    """The layout preflight's notes that a PDF's lines tell (:mod:`leaflet.pdflines`); hyphens
    are told from the source's own hyphens by the source as written."""
    from .pdflines import pdf_notes

    if statement.source is None:
        return ()
    saddle = f"{KEYWORD_LAYOUT}saddle" in facts.keywords
    notes = pdf_notes(pdf, read_utf8(statement.source), saddle=saddle)
    return tuple(_first_few([str(note) for note in notes], 20))


def _box_problems(facts: PdfFacts) -> list[str]:
    problems = []
    for page in facts.pages:
        if not _contains(page.media, page.bleed):
            problems.append(f"page {page.number}: the BleedBox reaches outside the MediaBox")
        if not _contains(page.bleed, page.trim):
            problems.append(f"page {page.number}: the TrimBox reaches outside the BleedBox")
        if _margin(page.media, page.trim) > _EPSILON and _bleed(page) <= _EPSILON:
            problems.append(
                f"page {page.number}: room for crop marks but no bleed "
                "(artwork stops at the cut; render with --bleed 3mm)"
            )
    return _first_few(problems)


def _booklet_problems(facts: PdfFacts) -> list[str]:
    saddle = f"{KEYWORD_LAYOUT}saddle" in facts.keywords
    booklet = saddle or any(_format_kind(name) == "booklet" for name in _formats(facts))
    # A saddle-imposed sheet side carries two pages.
    pages = 2 * len(facts.pages) if saddle else len(facts.pages)
    if not booklet or pages % 4 == 0:
        return []
    return [
        f"booklet has {pages} pages: a saddle-stitched booklet needs a multiple of 4 "
        f"(add {-pages % 4} blank or re-render it)"
    ]


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


def _font_problems(facts: PdfFacts) -> list[str]:
    return [
        f"font {name} is not embedded (the printer would substitute another)"
        for name, embedded in sorted(facts.fonts.items())
        if not embedded
    ]


def _pdfx_problems(facts: PdfFacts) -> list[str]:
    if not facts.pdfx:
        return []
    x1a = facts.pdfx.startswith("PDF/X-1")
    problems = []
    if not facts.has_output_intent:
        problems.append(f"claims {facts.pdfx} but has no output intent (ISO 15930 requires one)")
    problems += [
        f"page {page.number}: no TrimBox (PDF/X requires the final size)"
        for page in facts.pages
        if not page.has_trim_box
    ]
    for page in facts.pages:
        if page.rgb_operations:
            problems.append(
                f"page {page.number}: RGB colour in a PDF/X file ({page.rgb_operations} times); "
                "print colours must be CMYK"
            )
        for image in page.images:
            size = f"{image.width}×{image.height} px"
            if image.uncalibrated_rgb:
                problems.append(f"page {page.number}: RGB image ({size}) in a PDF/X file")
            elif image.rgb and x1a:
                problems.append(
                    f"page {page.number}: RGB image ({size}) in a PDF/X-1a file, which allows "
                    "CMYK and grey only"
                )
            if image.soft_mask and x1a:
                problems.append(
                    f"page {page.number}: a transparent image ({size}, soft mask) in a PDF/X-1a "
                    "file, which allows no transparency"
                )
        if page.annotations:
            problems.append(
                f"page {page.number}: {page.annotations} annotation"
                f"{'s' * (page.annotations > 1)} (links …) inside the trim, which PDF/X does "
                "not allow"
            )
    return _first_few(problems)


#: Text-showing operators in one colour before it counts as the body text's colour.
BODY_TEXT_MIN = 20


def _text_colour_problems(facts: PdfFacts) -> list[str]:
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
            f"body text is a tint of black ({inks}): small type is screened and looks grey; "
            "set it in 100 % K"
        ]
    if min(c, m, y) > 0.3 and k > 0.5:
        return [
            f"body text is a four-colour black ({inks}): small type blurs at the slightest "
            "misregistration; set it in 100 % K only"
        ]
    return []


def _metadata_problems(facts: PdfFacts) -> list[str]:
    if not facts.metadata_disagreements:
        return []
    return [
        "Info and XMP metadata disagree: "
        + "; ".join(facts.metadata_disagreements[:4])
        + " (readers show one or the other; export the file again)"
    ]


def _line_problems(facts: PdfFacts) -> list[str]:
    return _first_few(
        [
            f"page {page.number}: a line {page.thinnest_line:.2f} pt wide "
            f"(thinner than {MIN_LINE} pt may not print)"
            for page in facts.pages
            if page.thinnest_line is not None and page.thinnest_line < MIN_LINE - 0.005
        ]
    )


def _content_problems(facts: PdfFacts) -> list[str]:
    problems = []
    if facts.repairs:
        count = len(facts.repairs)
        first = " ".join(facts.repairs[0].split())[:160]
        problems.append(
            f"the file is damaged: it was read only after {count} repair"
            f"{'s' * (count != 1)} (first: {first}); export it again"
        )
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
    return _first_few(problems)


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


def _missing_word_problems(facts: PdfFacts, expected: list[str]) -> list[str]:
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
    return [f"{len(missing)} words of the statement are not in the text: {shown}"]


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


def _first_few(problems: list[str], limit: int = 10) -> list[str]:
    """At most *limit* findings of one kind, then one line saying how many more."""
    if len(problems) <= limit:
        return problems
    return [*problems[:limit], f"… and {len(problems) - limit} more like these"]


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
