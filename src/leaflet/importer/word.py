"""Read a Word document (``.docx``) with python-docx, an optional dependency.

Paragraph styles are kept as hints, as HTML tags are: *Title* is the headline, *Heading n* a
heading, *List …* (or Word numbering) a list item, *Quote* a quotation; superscript digits are
note markers, and links keep their address after their text.  Each Word paragraph is a block;
table cells follow in reading order.  Word's own footnotes are not read (python-docx does not
expose them): only notes typed as a list at the end are found.

This module imports python-docx at the top: :mod:`leaflet.importer` imports it only when a
``.docx`` file is read, and says how to install python-docx when it is missing.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph

from ..errors import SourceError
from .blocks import Hint, SourceBlock

__all__ = ["read_docx"]

_STYLE_HINTS: dict[str, Hint] = {
    "title": "title", "heading": "heading", "list": "item", "quote": "quote",
    "intense quote": "quote",
}  # fmt: skip


def read_docx(path: Path) -> list[SourceBlock]:
    """Blocks of the Word document at *path*, with structure hints from paragraph styles.

    Blocks are numbered by paragraph (Word has no lines), so reports say "line" for paragraph.
    """
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError):
        raise SourceError("not a Word document (.docx)", path) from None
    blocks: list[SourceBlock] = []
    next_number = 1
    for index, paragraph in enumerate(_paragraphs(document.iter_inner_content()), 1):
        hint = _hint(paragraph)
        prefix = ""
        if hint != "item":
            next_number = 1
        elif "number" in _style(paragraph):
            prefix, next_number = f"{next_number}. ", next_number + 1
        else:
            prefix = "• "
        text = prefix + _text(paragraph)
        lines = tuple(line.strip() for line in text.split("\n") if line.strip())
        if lines:
            blocks.append(SourceBlock(lines, index, hint))
    return blocks


def _paragraphs(content: Iterator[Paragraph | Table]) -> Iterator[Paragraph]:
    """Body paragraphs in reading order, descending into table cells."""
    for item in content:
        if isinstance(item, Table):
            for row in item.rows:
                for cell in row.cells:
                    yield from _paragraphs(cell.iter_inner_content())
        else:
            yield item


def _style(paragraph: Paragraph) -> str:
    style = paragraph.style
    return (style.name or "").lower() if style is not None else ""


def _hint(paragraph: Paragraph) -> Hint | None:
    style = _style(paragraph)
    for prefix, hint in _STYLE_HINTS.items():
        if style.startswith(prefix):
            return hint
    properties = paragraph._p.pPr
    return "item" if properties is not None and properties.numPr is not None else None


def _text(paragraph: Paragraph) -> str:
    """The paragraph's text; superscript digits become ``[n]``, links keep their address."""
    parts = []
    for item in paragraph.iter_inner_content():
        if isinstance(item, Hyperlink):
            address = item.address
            cited = address.startswith(("http://", "https://")) and address not in item.text
            parts.append(f"{item.text} ({address})" if cited else item.text)
        elif item.font.superscript and item.text.strip().isdecimal():
            parts.append(f"[{item.text.strip()}]")
        else:
            parts.append(item.text)
    return "".join(parts)
