"""The statement as a typed model: what the parser produces and the templates consume.

Inline content (a paragraph, a heading, a list item's text) is kept twice: as safe HTML for the
templates (escaped text, sanitized links, note calls) and as plain text for word counts, the
fitting search and the "every word reaches the PDF" checks.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

__all__ = [
    "Block",
    "CodeBlock",
    "Heading",
    "Inline",
    "ListBlock",
    "ListItem",
    "Note",
    "Paragraph",
    "Quote",
    "Statement",
    "ThematicBreak",
    "words",
]

_WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    """The words of *text*: runs of letters and digits, as the text layer checks use them."""
    return _WORD.findall(text)


@dataclass(frozen=True, slots=True)
class Inline:
    """A run of formatted text: ``html`` is safe to insert into a template as is.  ``lang``
    is the language of a block marked as being in another language than the statement's
    (its ``html`` is then one span with that ``lang``); passages inside a text are spans of
    ``html``."""

    html: str
    text: str
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Paragraph:
    content: Inline
    line: int
    kind: str = "paragraph"


@dataclass(frozen=True, slots=True)
class Heading:
    """A section heading; ``level`` 2 is a section, 3 and more are sub-sections."""

    level: int
    content: Inline
    line: int
    kind: str = "heading"


@dataclass(frozen=True, slots=True)
class ListItem:
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class ListBlock:
    """A bulleted or numbered list (demands); items may hold nested lists."""

    ordered: bool
    start: int
    items: tuple[ListItem, ...]
    line: int
    kind: str = "list"


@dataclass(frozen=True, slots=True)
class Quote:
    """A block quote, set as a pull quote."""

    blocks: tuple[Block, ...]
    line: int
    kind: str = "quote"


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """Preformatted text (indented or fenced code), kept verbatim."""

    text: str
    line: int
    kind: str = "code"


@dataclass(frozen=True, slots=True)
class ThematicBreak:
    line: int
    kind: str = "break"


Block = Union[Paragraph, Heading, ListBlock, Quote, CodeBlock, ThematicBreak]  # noqa: UP007


@dataclass(frozen=True, slots=True)
class Note:
    """An endnote.  ``number`` follows the order of first reference; unreferenced notes come
    after the referenced ones.  ``calls`` is how many times the text refers to it."""

    number: int
    label: str
    blocks: tuple[Block, ...]
    calls: int
    line: int

    @property
    def referenced(self) -> bool:
        return self.calls > 0


@dataclass(frozen=True, slots=True)
class Statement:
    """A parsed statement: metadata from the front matter plus the body."""

    title: str
    subtitle: str | None = None
    date: datetime.date | None = None
    lang: str = "en"
    author: str | None = None
    slogans: tuple[str, ...] = ()
    contact: str | None = None
    website: str | None = None
    #: Who printed and promoted it (election law): printed small at the foot of the last page.
    imprint: str | None = None
    accent: str | None = None
    #: An image file in the statement's folder, printed in the masthead (path as written).
    logo: str | None = None
    lead: Paragraph | None = None
    blocks: tuple[Block, ...] = ()
    notes: tuple[Note, ...] = ()
    source: Path | None = field(default=None, compare=False)

    @property
    def folder(self) -> Path | None:
        """The statement's own folder: the only place its images may come from."""
        return self.source.parent if self.source is not None else None

    def texts(self, *, closing_last: bool = False) -> Iterator[str]:
        """Every piece of text the leaflet must print, in reading order.  The closing block
        (the call to action: slogans, contact, website) comes before the notes, or after them
        when it is a back page of its own (*closing_last*); the imprint ends it all."""
        yield self.title
        for value in (self.subtitle, self.author):
            if value:
                yield value
        yield from self.body_texts(notes=False)
        closing = [*self.slogans, *(value for value in (self.contact, self.website) if value)]
        if not closing_last:
            yield from closing
        for note in self.notes:
            yield from _block_texts(note.blocks)
        if closing_last:
            yield from closing
        if self.imprint:
            yield self.imprint

    def body_texts(self, *, notes: bool = True) -> Iterator[str]:
        """The text of the Markdown body: lead, blocks and (with *notes*) the endnotes."""
        if self.lead is not None:
            yield self.lead.content.text
        yield from _block_texts(self.blocks)
        if notes:
            for note in self.notes:
                yield from _block_texts(note.blocks)

    def words(self, *, closing_last: bool = False) -> list[str]:
        """Every word of the statement (metadata, body, slogans, notes), in reading order
        (see :meth:`texts`)."""
        return [word for text in self.texts(closing_last=closing_last) for word in words(text)]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view of the model (``leaflet inspect``)."""
        data: dict[str, Any] = _to_jsonable(self)
        for note_data, note in zip(data["notes"], self.notes, strict=True):
            note_data["referenced"] = note.referenced
        return data


def _block_texts(blocks: tuple[Block, ...]) -> Iterator[str]:
    for block in blocks:
        if isinstance(block, Paragraph | Heading):
            yield block.content.text
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from _block_texts(item.blocks)
        elif isinstance(block, Quote):
            yield from _block_texts(block.blocks)
        elif isinstance(block, CodeBlock):
            yield block.text


def _to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_to_jsonable(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value
