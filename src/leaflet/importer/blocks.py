"""What readers hand to the importer: blocks of text lines, with hints from structured sources.

Plain text gives no hints (the importer guesses everything from the words); HTML says which
block was a heading, a list item or a quotation, and the importer trusts it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import SourceError

__all__ = ["ITEM", "MAX_BLOCKS", "URL", "Consumed", "Hint", "SourceBlock", "check_block_count"]

#: Paragraphs (blocks) of one import: a long platform has a few hundred, a book a few thousand.
#: Past this the input is not a statement, and reading it would only take the machine's time.
MAX_BLOCKS = 20_000

Hint = Literal["title", "heading", "item", "quote"]

#: A list item: a bullet (``–`` ``-`` ``•`` ``*`` …), ``1.``/``1)`` or ``a)``, then its text.
ITEM = re.compile(
    r"^(?:(?P<bullet>[-–—•*·▪◦‣])|(?P<number>\d{1,3})[.)]|(?P<letter>[a-zA-Z])\))"
    r"\s+(?P<text>\S.*)$"
)

#: A web address as pasted text shows it (Markdown's linkify finds the same ones).
URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class SourceBlock:
    """A run of non-blank lines (stripped), its first line number and an optional hint."""

    lines: tuple[str, ...]
    line: int
    hint: Hint | None = None

    @property
    def text(self) -> str:
        """The block's lines joined by spaces."""
        return " ".join(self.lines)


@dataclass(frozen=True, slots=True)
class Consumed:
    """Input text that became metadata rather than body text (a date line, a comment line)."""

    line: int
    text: str
    reason: str


def check_block_count(count: int, source: Path | str) -> None:
    """Refuse an input of more than :data:`MAX_BLOCKS` paragraphs."""
    if count > MAX_BLOCKS:
        raise SourceError(
            f"more than {MAX_BLOCKS:,} paragraphs: not a statement (a long one has a few hundred)",
            source,
        )
