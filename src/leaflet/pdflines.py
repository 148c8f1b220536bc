"""A finished PDF's lines, read back with pypdfium2 for the layout preflight
(:mod:`leaflet.preflight`, ``leaflet check --source``).

What a PDF tells: the characters of each line in the order they were drawn (PDFium finds the
lines), their size and position, and the link annotations.  A note call is a run of digits
set smaller than the line's text; touching calls are told apart by their links (each call
links to its note).  A line ends hyphenated when its last word ends with a hyphen that the
source does not write there (:func:`~leaflet.preflight.automatic_hyphen`).  Saddle-imposed
sheets (``layout:saddle`` in the keywords) are cut back into reader pages.

What it does not tell: paragraphs, headings, slogans, notes and lists (no structure is
tagged), the text area of a page and the boxes lines were set in.  So only the rules that need
lines alone run on a PDF: note calls at a line start (1) and touching (2), hyphenated lines in
a row (3) and a hyphen across a page turn (5).
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from .preflight import (
    Layout,
    Line,
    Note,
    automatic_hyphen,
    call_starts_line,
    hyphen_across_pages,
    hyphen_ladder,
    touching_calls,
)

__all__ = ["PDF_RULES", "pdf_layout", "pdf_notes"]

#: The rules a PDF's lines are enough for.
PDF_RULES = (call_starts_line, touching_calls, hyphen_ladder, hyphen_across_pages)
#: A digit this much smaller than its line's text is a superscript (calls are set at 0.68 em).
SUPERSCRIPT = 0.85
#: Pages with more characters than this are not read (no leaflet page has them).
MAX_CHARACTERS = 50_000
#: Pages read at most (the preflight is for leaflets, not books).
MAX_PAGES = 200
#: Lines that are only a list number or a page number: drawn apart from the text.
_MARKER = re.compile(r"^\s*\d+\.?\s*$")


@dataclass(frozen=True, slots=True)
class _Char:
    text: str
    size: float
    x: float
    y: float
    link: int  # index of the link annotation it lies in, or -1


def pdf_notes(pdf: bytes, source: str, *, saddle: bool = False) -> tuple[Note, ...]:
    """What :data:`PDF_RULES` find in *pdf*, made from the statement text *source*."""
    layout = pdf_layout(pdf, source, saddle=saddle)
    notes = [note for rule in PDF_RULES for note in rule(layout)]
    return tuple(sorted(notes, key=lambda note: note.page))


def pdf_layout(pdf: bytes, source: str, *, saddle: bool = False) -> Layout:
    """The lines of *pdf* in reading order (no pages: the PDF does not tell their text area)."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(pdf)
    except pypdfium2.PdfiumError:  # what PDFium cannot open has no lines to judge
        return Layout((), ())
    try:
        halves: list[tuple[int, list[tuple[str, list[_Char]]]]] = []
        count = len(document)
        for index in range(min(count, MAX_PAGES)):
            page = document[index]
            lines = _page_lines(page)
            if not saddle:
                halves.append((index + 1, lines))
                continue
            middle = page.get_width() / 2
            left, right = _saddle_pages(index, 2 * count)
            halves.append((left, [line for line in lines if line[1][0].x < middle]))
            halves.append((right, [line for line in lines if line[1][0].x >= middle]))
    finally:
        document.close()
    halves.sort(key=lambda half: half[0])
    found = [
        (number, text, chars)
        for number, lines in halves
        for text, chars in lines
        if not _MARKER.match(text)
    ]
    source = re.sub(r"-\n\s*", "-", source)
    return Layout((), tuple(_lines(found, source)))


def _saddle_pages(side: int, pages: int) -> tuple[int, int]:
    """The reader pages (1-based) left and right on sheet side *side* of a saddle-stitched
    booklet of *pages* pages (DESIGN.md: sheet s carries [n-1-2s, 2s] outside, [2s+1, n-2-2s]
    inside, 0-based)."""
    sheet = side // 2
    if side % 2 == 0:
        return pages - 2 * sheet, 2 * sheet + 1
    return 2 * sheet + 2, pages - 1 - 2 * sheet


def _lines(found: list[tuple[int, str, list[_Char]]], source: str) -> Iterator[Line]:
    for index, (page, text, chars) in enumerate(found):
        following = found[index + 1][1] if index + 1 < len(found) else ""
        hyphenated = automatic_hyphen(text, following, source)
        # Paragraphs are not known: all lines are one, so only the first line is spared.
        yield Line(page, text, "other", 0, _calls(chars), hyphenated)


def _calls(chars: list[_Char]) -> tuple[tuple[int, int], ...]:
    """Where the note calls are in the line made of *chars*: runs of small digits, parted
    where one link ends and another begins."""
    body = sorted(char.size for char in chars if char.text.strip())
    if not body:
        return ()
    normal = body[len(body) // 2]
    calls: list[tuple[int, int]] = []
    for position, char in enumerate(chars):
        if not (char.text.isdigit() and char.size < SUPERSCRIPT * normal):
            continue
        if calls and calls[-1][1] == position and chars[position - 1].link == char.link:
            calls[-1] = (calls[-1][0], position + 1)
        else:
            calls.append((position, position + 1))
    return tuple(calls)


def _page_lines(page: object) -> list[tuple[str, list[_Char]]]:
    """The lines of *page*: their text and characters (one per position of the text).

    A line ends where the next character is drawn on another baseline (more than half its
    size away: a superscript stays on its line) or back to the left.  PDFium's own line ends
    are not used: it parts a line after a superscript, and joins two lines at a hyphen."""
    import pypdfium2.raw as pdfium

    textpage = page.get_textpage()  # type: ignore[attr-defined]
    try:
        count = textpage.count_chars()
        if not 0 < count <= MAX_CHARACTERS:
            return []
        links = _links(page)
        lines: list[tuple[str, list[_Char]]] = []
        chars: list[_Char] = []
        x, y = ctypes.c_double(), ctypes.c_double()
        for index in range(count):
            text = chr(pdfium.FPDFText_GetUnicode(textpage.raw, index))
            if pdfium.FPDFText_IsGenerated(textpage.raw, index):
                if text == " " and chars:
                    chars.append(replace(chars[-1], text=" ", link=-1))
                continue
            text = "-" if text == "\x02" else text  # PDFium's mark of a hyphen at a line end
            pdfium.FPDFText_GetCharOrigin(textpage.raw, index, x, y)
            size = pdfium.FPDFText_GetFontSize(textpage.raw, index)
            char = _Char(text, size, x.value, y.value, _link(links, x.value, y.value))
            if chars and (
                abs(char.y - chars[0].y) > 0.5 * max(size, chars[0].size)
                or char.x < chars[-1].x - size
            ):
                lines.append(("".join(c.text for c in chars), chars))
                chars = []
            chars.append(char)
        if chars:
            lines.append(("".join(c.text for c in chars), chars))
        return lines
    finally:
        textpage.close()


def _link(links: list[tuple[float, float, float, float]], x: float, y: float) -> int:
    """The index of the link whose rectangle holds (*x*, *y*), or -1."""
    for index, (left, bottom, right, top) in enumerate(links):
        if left <= x <= right and bottom <= y <= top:
            return index
    return -1


def _links(page: object) -> list[tuple[float, float, float, float]]:
    """The rectangles (left, bottom, right, top) of the page's link annotations."""
    import pypdfium2.raw as pdfium

    rects: list[tuple[float, float, float, float]] = []
    position, link = ctypes.c_int(0), pdfium.FPDF_LINK()
    while pdfium.FPDFLink_Enumerate(page.raw, position, link) and len(rects) < 10_000:  # type: ignore[attr-defined]
        rect = pdfium.FS_RECTF()
        if pdfium.FPDFLink_GetAnnotRect(link, rect):
            low, high = sorted((rect.bottom, rect.top))
            rects.append((rect.left, low - 1, rect.right + 0.5, high + 1))
    return rects
