"""Find the notes list at the end of a statement and the note markers in its text.

Pasted statements lose their footnote formatting: notes arrive as a trailing list (``1. …``,
``[1] …``, ``1) …``, ``¹ …``) and markers as ``[3]``, superscript digits, or bare digits glued
to the word or punctuation before them (``oil)1.``, ``FSB2``, ``end.5``).  Bare digits are
ambiguous (``G7``, ``1,300``), so a glued marker is accepted only when a note with that number
exists, it is glued to letters rather than to other digits, and glued markers appear in
increasing order; each accepted one is reported for a person to check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .blocks import URL, Consumed, SourceBlock

__all__ = ["Marker", "MarkerFinder", "NoteDraft", "take_notes"]

_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_FROM_SUPERSCRIPT = str.maketrans(_SUPERSCRIPTS, "0123456789")

_NOTE_LINE = re.compile(
    rf"^(?:\[(?P<bracket>\d{{1,3}})\]|(?P<number>\d{{1,3}})[.)](?=\s|$)|(?P<superscript>[{_SUPERSCRIPTS}]+))"
    r"\s*(?P<text>.*)$"
)
_NOTES_HEADING = re.compile(
    r"^(notes?|footnotes|endnotes|sources|references|notas|referencias|fuentes|références|"
    r"anmerkungen|fußnoten|quellen|примечания|источники|примітки|джерела|заўвагі|крыніцы)"
    r"\s*:?$",
    re.IGNORECASE,
)
_BRACKET_MARKER = re.compile(r"\s*\[(\d{1,3})\]")
_SUPERSCRIPT_MARKER = re.compile(rf"\s*([{_SUPERSCRIPTS}]+)")
_BARE_NUMBER = re.compile(r"(?<!\d)(\d{1,3})(?![\w%]|[.,]\d)")
#: What may stand between a word and a glued marker: closing punctuation and quotes.
_CLOSERS = set(").,;:!?\"”’'»]…")
#: Letters + digits that are names, not a word with a note marker.
_NOT_MARKERS = frozenset({"co", "no", "so", "ch", "mp", "g", "h", "nr", "ps", "rs", "covid"})


@dataclass
class NoteDraft:
    """One note of the trailing list: its label (the number) and its lines."""

    label: str
    line: int
    lines: list[str]
    style: str

    @property
    def has_url(self) -> bool:
        """Whether the note cites a web address (what real notes lists do)."""
        return any(URL.search(line) for line in self.lines)


@dataclass(frozen=True, slots=True)
class Marker:
    """A note marker found in text: ``text[start:end]`` becomes a reference to ``label``.

    An explicit marker (``[4]``, ``⁴``) for which no note exists is still found, with
    ``matched`` false, so it can be reported; it stays text.
    """

    start: int
    end: int
    label: str
    glued: bool
    matched: bool = True


@dataclass
class MarkerFinder:
    """Finds markers in body text, in reading order, for the notes that exist."""

    labels: frozenset[str]
    last_glued: int = 0

    def find(self, text: str) -> list[Marker]:
        """The markers in *text*, sorted by position (explicit ones without a note included)."""
        urls = [match.span() for match in URL.finditer(text)]
        found = self._explicit(text, urls) + self._glued(text, urls)
        return sorted(found, key=lambda marker: marker.start)

    def _explicit(self, text: str, urls: list[tuple[int, int]]) -> list[Marker]:
        markers = []
        for pattern in (_BRACKET_MARKER, _SUPERSCRIPT_MARKER):
            for match in pattern.finditer(text):
                label = str(int(match.group(1).translate(_FROM_SUPERSCRIPT)))
                if _inside(match.start(1), urls):
                    continue
                matched = label in self.labels
                markers.append(Marker(match.start(), match.end(), label, False, matched))
        return markers

    def _glued(self, text: str, urls: list[tuple[int, int]]) -> list[Marker]:
        markers = []
        for match in _BARE_NUMBER.finditer(text):
            label = str(int(match.group(1)))
            if (
                label in self.labels
                and int(label) > self.last_glued
                and not _inside(match.start(), urls)
                and _glued_to_word(text, match.start())
            ):
                self.last_glued = int(label)
                markers.append(Marker(match.start(), match.end(), label, glued=True))
        return markers


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _glued_to_word(text: str, start: int) -> bool:
    """Whether the digits at *start* follow a word directly (``FSB2``) or via punctuation."""
    index = start - 1
    while index >= 0 and text[index] in _CLOSERS:
        index -= 1
    if index < 0 or not text[index].isalpha():
        return False
    if index < start - 1:
        return True
    word_start = index
    while word_start > 0 and text[word_start - 1].isalnum():
        word_start -= 1
    word = text[word_start:start]
    return len(word) >= 2 and word.isalpha() and word.lower() not in _NOT_MARKERS


def take_notes(
    blocks: list[SourceBlock],
) -> tuple[list[SourceBlock], list[NoteDraft], list[Consumed]]:
    """Split the trailing notes list (and a "Notes" heading before it) off *blocks*.

    A ``1.``-style list counts as notes only if one of its items cites a URL or its numbers
    appear as markers in the text; otherwise it is an ordinary closing list.
    """
    start = _notes_start(blocks)
    if not start:  # none, or the whole text: then it is a list, not notes
        return blocks, [], []
    notes = _parse_notes(blocks[start:])
    if not all(note.lines for note in notes):
        return blocks, [], []
    body = blocks[:start]
    if notes[0].style == "number" and not any(note.has_url for note in notes):
        finder = MarkerFinder(frozenset(note.label for note in notes))
        if not any(marker.matched for block in body for marker in finder.find(block.text)):
            return blocks, [], []
    consumed = []
    if body and len(body[-1].lines) == 1 and _NOTES_HEADING.match(body[-1].lines[0]):
        heading = body.pop()
        consumed.append(Consumed(heading.line, heading.lines[0], "heading of the notes list"))
    return body, notes, consumed


def _notes_start(blocks: list[SourceBlock]) -> int | None:
    """Index of the first block of the trailing notes run numbered 1, 2, 3 …, if any.

    Linear in the run's length: the notes are parsed once, and the run numbered 1, 2, 3 … to
    the end is found from the end backwards.
    """
    start = len(blocks)
    while start > 0 and blocks[start - 1].hint in (None, "item"):
        if not _NOTE_LINE.match(blocks[start - 1].lines[0]):
            break
        start -= 1
    firsts: list[int] = []  # index of each block's first note
    labels: list[int] = []  # every note's number
    for block in blocks[start:]:
        firsts.append(len(labels))
        labels += [int(note.label) for note in _parse_notes([block])]
    consecutive = len(labels)  # labels[consecutive:] go up by one to the end
    while consecutive > 0 and (
        consecutive == len(labels) or labels[consecutive - 1] + 1 == labels[consecutive]
    ):
        consecutive -= 1
    for offset, first in enumerate(firsts):
        if first >= consecutive and first < len(labels) and labels[first] == 1:
            return start + offset
    return None


def _parse_notes(blocks: list[SourceBlock]) -> list[NoteDraft]:
    """Notes from blocks whose lines start with a note number; other lines continue a note."""
    notes: list[NoteDraft] = []
    for block in blocks:
        for offset, line in enumerate(block.lines):
            match = _NOTE_LINE.match(line)
            if match is None and notes:
                notes[-1].lines.append(line)
                continue
            if match is None:
                return []
            style = next(name for name in ("bracket", "number", "superscript") if match.group(name))
            label = str(int(match.group(style).translate(_FROM_SUPERSCRIPT)))
            text = match.group("text").strip()
            notes.append(NoteDraft(label, block.line + offset, [text] if text else [], style))
    return notes
