"""Read pasted plain text: blocks are runs of non-blank lines, or single lines in text pasted
one paragraph per line.

Corpus-style files start with ``# source: …`` / ``# kind: …`` comment lines describing where the
text came from; they are not part of the statement and are set aside (and reported).

Text copied from a web page or a chat often has no blank lines: each line is a paragraph (a
heading, a list item, a slogan).  A run of lines is read that way when it has several lines
that are whole paragraphs (longer than a wrapped line, or a sentence followed by a line starting
with a capital) and was not hard-wrapped (lines of nearly equal width).  It is then split
before every line, except lines that continue the one before (starting in lower case, or a web
address after a note); a closing run of short lines without full stops (a signature: names,
place) stays together.
"""

from __future__ import annotations

import itertools
import re

from .blocks import ITEM, URL, Consumed, SourceBlock

__all__ = ["read_text", "split_paragraph_lines"]

_COMMENT = re.compile(r"^# (source|kind): ")
#: Longer than any hard-wrapped line: a line this long is a paragraph of its own.
_PARAGRAPH_CHARS = 100
#: Widths a mail program or editor wraps at (as :mod:`.markdown` reads them).
_WRAPPED = range(60, 91)
_SENTENCE_END = re.compile(r"[.!?…][\"”»’)]*$")
_CONTINUES = re.compile(r"[,\-(‐]$")
_SIGNATURE_CHARS = 100


def read_text(text: str) -> tuple[list[SourceBlock], list[Consumed]]:
    """Split *text* into blocks of stripped lines; leading comment lines are consumed."""
    lines = text.lstrip("\ufeff").splitlines()
    consumed: list[Consumed] = []
    start = 0
    while start < len(lines) and _COMMENT.match(lines[start]):
        consumed.append(Consumed(start + 1, lines[start], "comment line, not the statement"))
        start += 1
    blocks: list[SourceBlock] = []
    current: list[str] = []
    for number, raw in enumerate(lines[start:], start + 1):
        line = raw.strip()
        if line:
            current.append(line)
            continue
        if current:
            blocks += split_paragraph_lines(SourceBlock(tuple(current), number - len(current)))
            current = []
    if current:
        blocks += split_paragraph_lines(SourceBlock(tuple(current), len(lines) - len(current) + 1))
    return blocks, consumed


def split_paragraph_lines(block: SourceBlock) -> list[SourceBlock]:
    """*block* as it is, or, if it was pasted one paragraph per line, one block per paragraph."""
    lines = block.lines
    if not _paragraph_per_line(lines):
        return [block]
    groups: list[list[str]] = []
    for line in lines:
        if groups and _continues(groups[-1][-1], line):
            groups[-1].append(line)
        else:
            groups.append([line])
    signature = len(groups)  # the closing lines up to the last full stop but one
    while signature > 0 and _signature_line(groups[signature - 1]):
        signature -= 1
        if signature < len(groups) - 1 and groups[signature][-1].endswith((".", "…")):
            signature += 1
            break
    if len(groups) - signature >= 2:
        groups[signature:] = [[line for group in groups[signature:] for line in group]]
    blocks, number = [], block.line
    for group in groups:
        blocks.append(SourceBlock(tuple(group), number, block.hint))
        number += len(group)
    return blocks


def _paragraph_per_line(lines: tuple[str, ...]) -> bool:
    if len(lines) < 3 or all(line.startswith(">") for line in lines):
        return False
    if all(len(line) in _WRAPPED for line in lines[:-1]):
        return False  # hard-wrapped: the line breaks are not the author's
    paragraphs = sum(len(line) > _PARAGRAPH_CHARS for line in lines)
    paragraphs += sum(
        bool(_SENTENCE_END.search(line)) and following[:1].isupper()
        for line, following in itertools.pairwise(lines)
    )
    return paragraphs >= 2


def _continues(previous: str, line: str) -> bool:
    """Whether *line* goes on with *previous* rather than starting a paragraph."""
    if ITEM.match(line):
        return False
    if previous.endswith(":") and not line[:1].isupper():  # "Source:" then "(p. 3) https://…"
        return True
    return line[:1].islower() or bool(URL.match(line)) or bool(_CONTINUES.search(previous))


def _signature_line(group: list[str]) -> bool:
    line = group[-1]
    return (
        len(group) == 1
        and len(line) <= _SIGNATURE_CHARS
        and not line.endswith(("!", "?", ":"))
        and not ITEM.match(line)
        and not URL.search(line)
    )
