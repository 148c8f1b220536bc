"""``leaflet import``: turn a pasted statement (plain text, a saved web page, a Word file) into
a statement file (YAML front matter + CommonMark), losing nothing, and say what was decided.

Pipeline: a *reader* (chosen by file suffix in :data:`READERS`) splits the input into blocks;
:mod:`.structure` decides what each block is (date, headline, heading, list, slogans, notes …);
:mod:`.markdown` writes the statement file.  Every decision a person should check is listed in
:attr:`ImportResult.guesses`; notes that nothing references are also logged as warnings
(``leaflet.importer``), as DESIGN.md asks of unreferenced notes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError, UsageError
from ..limits import current_limits
from ..source import read_utf8
from .blocks import Consumed, SourceBlock, check_block_count
from .html import read_html
from .markdown import MarkerUse, write_markdown
from .structure import Draft, Heading, ListDraft, build_draft
from .text import read_text

__all__ = [
    "READERS",
    "ImportResult",
    "import_file",
    "import_html",
    "import_text",
]

LOGGER = logging.getLogger("leaflet.importer")

Blocks = tuple[list[SourceBlock], list[Consumed]]
#: A reader turns a file into blocks (and input it set aside, such as comment lines).
Reader = Callable[[Path], Blocks]


def _read_text_file(path: Path) -> Blocks:
    return read_text(read_utf8(path, limit=current_limits().import_bytes))


def _read_html_file(path: Path) -> Blocks:
    return read_html(read_utf8(path, limit=current_limits().import_bytes)), []


def _read_docx_file(path: Path) -> Blocks:
    try:
        from .word import read_docx
    except ImportError:
        raise UsageError("reading .docx files needs python-docx: pip install python-docx") from None
    return read_docx(path), []


#: Readers by file suffix: adding a format is adding a reader here.
READERS: dict[str, Reader] = {
    ".txt": _read_text_file,
    ".text": _read_text_file,
    ".md": _read_text_file,
    "": _read_text_file,
    ".html": _read_html_file,
    ".htm": _read_html_file,
    ".docx": _read_docx_file,
}


@dataclass(frozen=True, slots=True)
class ImportResult:
    """The statement file and everything the importer decided on the way."""

    markdown: str
    report: tuple[str, ...]
    guesses: tuple[str, ...]
    explain: tuple[str, ...]
    consumed: tuple[Consumed, ...]
    markers: tuple[MarkerUse, ...]


def import_text(text: str, *, source_name: str = "<text>") -> ImportResult:
    """Import pasted plain *text*; *source_name* names it in messages."""
    return _import(read_text(text), source_name)


def import_html(text: str, *, source_name: str = "<html>") -> ImportResult:
    """Import a statement saved from a web page."""
    return _import((read_html(text), []), source_name)


def import_file(path: Path | str) -> ImportResult:
    """Import the file at *path*, read by the reader its suffix names."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(suffix for suffix in READERS if suffix)
        raise UsageError(f"cannot import '{path.suffix}' files: {path} (known: {known})")
    return _import(reader(path), str(path))


def _import(read: Blocks, source_name: str) -> ImportResult:
    blocks, consumed = read
    if not blocks:
        raise SourceError("the input is empty (no statement text found)", source_name)
    check_block_count(len(blocks), source_name)
    draft = build_draft(blocks, consumed)
    markdown, found = write_markdown(draft)
    markers = [use for use in found if use.matched]
    guesses = _guesses(draft, found, source_name)
    return ImportResult(
        markdown=markdown,
        report=tuple(_report(draft, markers)),
        guesses=tuple(guesses),
        explain=tuple(
            f"line {d.line}: {d.what} — {d.why}"
            for d in sorted(draft.decisions, key=lambda decision: decision.line)
        ),
        consumed=tuple(draft.consumed),
        markers=tuple(markers),
    )


def _report(draft: Draft, markers: list[MarkerUse]) -> list[str]:
    """One line per part of the statement that was recognized."""
    headings = sum(isinstance(element, Heading) for element in draft.body)
    lists = [element for element in draft.body if isinstance(element, ListDraft)]
    items = sum(len(element.items) for element in lists)
    referenced = {use.label for use in markers}
    unreferenced = [note.label for note in draft.notes if note.label not in referenced]
    return [
        f"title: {draft.title}",
        f"subtitle: {draft.subtitle or '(none)'}",
        f"date: {draft.date.isoformat() if draft.date else '(none found)'}",
        f"lang: {draft.lang}",
        f"author: {draft.author or '(none found)'}",
        f"{_count(headings, 'heading')}, {_count(len(lists), 'list')} ({_count(items, 'item')})",
        f"{_count(len(draft.notes), 'note')}, {len(referenced)} referenced"
        + (f" (never referenced: {', '.join(unreferenced)})" if unreferenced else ""),
        _count(len(draft.slogans), "slogan"),
        *(
            f"set aside: line {item.line} {_shorten(item.text)!r} ({item.reason})"
            for item in draft.consumed
        ),
    ]


def _shorten(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _guesses(draft: Draft, markers: list[MarkerUse], source_name: str) -> list[str]:
    """What a person should check; unreferenced notes are also logged as warnings."""
    guesses = list(draft.guesses)
    for use in markers:
        if not use.matched:
            message = f"{use.original!r} looks like a note marker, but there is no note {use.label}"
            guesses.append((use.line, message + ": left as text"))
        elif use.glued:
            message = f"{use.word!r} read as text + a reference to note {use.label}"
            guesses.append((use.line, message))
    referenced = {use.label for use in markers if use.matched}
    for note in draft.notes:
        if note.label not in referenced:
            message = f"note {note.label} is never referenced; add [^{note.label}] where it belongs"
            LOGGER.warning("%s:%d: %s", source_name, note.line, message)
            guesses.append((note.line, message))
    return [f"line {line}: {text}" for line, text in sorted(guesses, key=lambda g: g[0])]
