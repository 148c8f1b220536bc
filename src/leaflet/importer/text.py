"""Read pasted plain text: blocks are runs of non-blank lines.

Corpus-style files start with ``# source: …`` / ``# kind: …`` comment lines describing where the
text came from; they are not part of the statement and are set aside (and reported).
"""

from __future__ import annotations

import re

from .blocks import Consumed, SourceBlock

__all__ = ["read_text"]

_COMMENT = re.compile(r"^# (source|kind): ")


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
            blocks.append(SourceBlock(tuple(current), number - len(current)))
            current = []
    if current:
        blocks.append(SourceBlock(tuple(current), len(lines) - len(current) + 1))
    return blocks, consumed
