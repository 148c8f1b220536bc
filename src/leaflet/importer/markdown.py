"""Write a recognized statement as a statement file: YAML front matter + CommonMark.

The imported words are plain text, so every character Markdown would read as syntax is
backslash-escaped where it would be read so (CommonMark §2.4); the file parses back to exactly
the words that were pasted.  URLs are left untouched so they stay links.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from .blocks import URL
from .notes import Marker, MarkerFinder
from .structure import Draft, Element, Heading, ListDraft, ListItem, Quote

__all__ = ["MarkerUse", "write_markdown"]

#: Inline syntax: escapes, code, emphasis, links/notes, autolinks/HTML, entities, and the
#: typographer's (c) (r) (tm) (p) replacements, which would eat a letter.
_INLINE_SYNTAX = re.compile(r"[\\`*_\[\]<]|&(?=#?\w+;)|\((?=(?:c|r|tm|p)\))", re.IGNORECASE)
#: Characters that start a block construct at the beginning of a line (heading, quote, list,
#: setext underline, fence, table-ish pipes).
_LINE_START = re.compile(r"^[#>+=~|-]")
_ORDERED_START = re.compile(r"^(\d{1,9})([.)])")
#: A block of 3+ lines all this long (but the last) was hard-wrapped by a mail program or an
#: editor: its line breaks are not the author's.  Other line breaks are kept (hard breaks).
_WRAPPED_WIDTH = range(60, 91)


@dataclass(frozen=True, slots=True)
class MarkerUse:
    """A note marker turned into a reference (or, unmatched, left as text), for the report."""

    line: int
    label: str
    original: str
    word: str
    glued: bool
    matched: bool


def write_markdown(draft: Draft) -> tuple[str, list[MarkerUse]]:
    """The statement file for *draft*, and the note markers found in its text."""
    finder = MarkerFinder(frozenset(note.label for note in draft.notes))
    writer = _BodyWriter(finder)
    parts = [_front_matter(draft)]
    parts += [writer.element(element) for element in draft.body]
    parts += [_note(note.label, note.lines) for note in draft.notes if note.lines]
    return "\n\n".join(parts) + "\n", writer.uses


def _front_matter(draft: Draft) -> str:
    lines = ["---", _yaml("title", draft.title)]
    if draft.subtitle:
        lines.append(_yaml("subtitle", draft.subtitle))
    if draft.date is not None:
        sources = "; ".join(c.text for c in draft.consumed if c.reason.startswith("date "))
        lines.append(f"{_yaml('date', draft.date)}  # from: {sources}")
    lines.append(_yaml("lang", draft.lang))
    if draft.author:
        lines.append(_yaml("author", draft.author))
    if draft.slogans:
        lines.append(_yaml("slogans", draft.slogans))
    lines.append("---")
    return "\n".join(lines)


def _yaml(key: str, value: object) -> str:
    dumped = yaml.safe_dump(
        {key: value}, allow_unicode=True, sort_keys=False, width=1 << 16, default_flow_style=False
    )
    return dumped.rstrip("\n")


def _note(label: str, lines: list[str]) -> str:
    return f"[^{label}]: " + _join([_escape(line) for line in lines], "    ")


class _BodyWriter:
    """Writes body elements, turning note markers into references in reading order."""

    def __init__(self, finder: MarkerFinder) -> None:
        self.finder = finder
        self.uses: list[MarkerUse] = []

    def element(self, element: Element) -> str:
        if isinstance(element, Heading):
            return "## " + self.inline(element.text, element.line, heading=True)
        if isinstance(element, Quote):
            return "\n".join("> " + line for line in self.lines(element.lines, element.line))
        if isinstance(element, ListDraft):
            return self.list_block(element)
        return _join(self.lines(element.lines, element.line), "")

    def lines(self, lines: tuple[str, ...], first: int) -> list[str]:
        return [self.inline(line, first + offset) for offset, line in enumerate(lines)]

    def list_block(self, element: ListDraft) -> str:
        """Runs of consecutively numbered (or bulleted) items; adjacent runs alternate their
        delimiter so CommonMark keeps them apart (§5.3: a new delimiter starts a new list)."""
        out = []
        for index, run in enumerate(_runs(element.items)):
            for item in run:
                marker = "-*"[index % 2] + " "
                if item.number is not None:
                    marker = f"{item.number}{'.)'[index % 2]} "
                text = self.lines(item.lines, item.line)
                out.append(marker + _join(text, " " * len(marker)))
        return "\n".join(out)

    def inline(self, text: str, line: int, *, heading: bool = False) -> str:
        """*text* escaped, with its note markers as ``[^label]`` references."""
        pieces, position = [], 0
        for marker in self.finder.find(text):
            self.uses.append(_use(text, marker, line))
            if marker.matched:
                pieces.append(_escape(text[position : marker.start], line_start=position == 0))
                pieces.append(f"[^{marker.label}]")
                position = marker.end
        pieces.append(_escape(text[position:], line_start=position == 0))
        result = "".join(pieces)
        return re.sub(r"(#+)$", r"\\\1", result) if heading else result


def _use(text: str, marker: Marker, line: int) -> MarkerUse:
    """Record *marker* with the word it is glued to (``oil)1.``), for the report."""
    start = text.rfind(" ", 0, marker.start) + 1
    end = text.find(" ", marker.end)
    word = text[start : end if end != -1 else len(text)]
    original = text[marker.start : marker.end].strip()
    return MarkerUse(line, marker.label, original, word, marker.glued, marker.matched)


def _runs(items: list[ListItem]) -> Iterator[list[ListItem]]:
    """Split items where numbering breaks (or switches between numbers and bullets)."""
    run: list[ListItem] = []
    for item in items:
        previous = run[-1] if run else None
        if previous is not None and not _continues(previous, item):
            yield run
            run = []
        run.append(item)
    if run:
        yield run


def _continues(previous: ListItem, item: ListItem) -> bool:
    if previous.number is None or item.number is None:
        return previous.number is None and item.number is None
    return item.number == previous.number + 1


def _join(lines: list[str], indent: str) -> str:
    """Lines of one block: hard-wrapped prose joins softly, other lines keep their breaks."""
    wrapped = len(lines) > 2 and all(len(line) in _WRAPPED_WIDTH for line in lines[:-1])
    separator = "\n" if wrapped else "\\\n"
    return (separator + indent).join(lines)


def _escape(text: str, *, line_start: bool = True) -> str:
    """Backslash-escape what CommonMark would read as syntax in *text* (URLs left intact)."""
    pieces, position = [], 0
    for match in URL.finditer(text):
        pieces.append(_INLINE_SYNTAX.sub(r"\\\g<0>", text[position : match.start()]))
        pieces.append(match.group())
        position = match.end()
    pieces.append(_INLINE_SYNTAX.sub(r"\\\g<0>", text[position:]))
    escaped = "".join(pieces)
    if line_start:
        escaped = _LINE_START.sub(r"\\\g<0>", escaped)
        escaped = _ORDERED_START.sub(r"\1\\\2", escaped)
    return escaped
