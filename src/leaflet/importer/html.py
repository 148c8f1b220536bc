"""Read a statement saved from a web page (HTML), with the standard library's HTML parser.

The page's own structure is kept as hints: ``<h1>`` is the headline, ``<h2>``–``<h6>`` are
headings, ``<li>`` are list items (numbered as in their ``<ol>``), ``<blockquote>`` is a
quotation, ``<sup>`` digits are note markers.  Links keep their address after their text, so a
note that only linked its source still cites it.  Scripts, styles and page furniture
(navigation, header, footer, forms) are skipped.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .blocks import Hint, SourceBlock

__all__ = ["read_html"]

_SKIPPED = frozenset(
    {"script", "style", "head", "nav", "footer", "form", "noscript", "template", "svg",
     "button", "aside"}
)  # fmt: skip
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "wbr", "area", "base", "col"})
_BLOCKS = frozenset(
    {"p", "div", "section", "article", "main", "li", "ol", "ul", "blockquote", "pre", "h1", "h2",
     "h3", "h4", "h5", "h6", "table", "tr", "td", "th", "dl", "dt", "dd", "figure", "figcaption",
     "hr", "body"}
)  # fmt: skip
_HINTS: dict[str, Hint] = {
    "h1": "title", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading",
    "h6": "heading", "li": "item", "blockquote": "quote",
}  # fmt: skip
_SPACES = re.compile(r"[ \t\r\n\f]+")
#: Back-links of generated footnotes ("↩︎") are navigation, not text.
_BACKLINK = re.compile(r"[↩↑]\ufe0e?")


class _Reader(HTMLParser):
    """Collects blocks of text; a block ends at every block-level tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[SourceBlock] = []
        self.lines: list[str] = [""]
        self.start_line = 1
        self.skipping = 0
        self.open_tags: list[str] = []
        self.list_numbers: list[int | None] = []
        self.link: str | None = None
        self.sup_start: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            self._void(tag)
            return
        if tag in _BLOCKS or tag in _SKIPPED:
            self.end_block()
        self.open_tags.append(tag)
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self._open_block(tag, dict(attrs))
        elif tag == "sup":
            self.sup_start = len(self.lines[-1])
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.link = href if href.startswith(("http://", "https://")) else None

    def _open_block(self, tag: str, attrs: dict[str, str | None]) -> None:
        if tag == "ol":
            start = attrs.get("start") or ""
            self.list_numbers.append(int(start) if start.isdecimal() else 1)
        elif tag == "ul":
            self.list_numbers.append(None)
        elif tag == "li":
            number = self.list_numbers[-1] if self.list_numbers else None
            self._text("• " if number is None else f"{number}. ")
            if number is not None:
                self.list_numbers[-1] = number + 1

    def _void(self, tag: str) -> None:
        if tag == "br":
            self.lines.append("")
        elif tag == "hr":
            self.end_block()

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.open_tags:
            return
        if tag in _BLOCKS:
            self.end_block()
        while self.open_tags and self.open_tags.pop() != tag:
            pass
        if tag in _SKIPPED:
            self.skipping -= 1
        elif tag in ("ol", "ul") and self.list_numbers:
            self.list_numbers.pop()
        elif tag == "sup":
            self._bracket_note_number()
        elif tag == "a" and self.link is not None:
            if self.link not in self.lines[-1]:
                self._text(f" ({self.link})")
            self.link = None

    def _bracket_note_number(self) -> None:
        """``<sup>3</sup>`` is a note marker: write it as ``[3]``, as pasted text would."""
        line, start = self.lines[-1], self.sup_start
        self.sup_start = None
        if start is not None and line[start:].strip().isdecimal():
            self.lines[-1] = f"{line[:start]}[{line[start:].strip()}]"

    def handle_data(self, data: str) -> None:
        self._text(_SPACES.sub(" ", data))

    def _text(self, text: str) -> None:
        if self.skipping:
            return
        if not "".join(self.lines).strip():
            self.start_line = self.getpos()[0]
        self.lines[-1] += text

    def end_block(self) -> None:
        """End the current block; its hint is the innermost hinted tag still open."""
        lines = tuple(
            cleaned for line in self.lines if (cleaned := _BACKLINK.sub("", line).strip())
        )
        if lines and not self.skipping:
            hint = next((_HINTS[t] for t in reversed(self.open_tags) if t in _HINTS), None)
            self.blocks.append(SourceBlock(lines, self.start_line, hint))
        self.lines = [""]


def read_html(text: str) -> list[SourceBlock]:
    """Blocks of the visible text of the HTML page *text*, with structure hints."""
    reader = _Reader()
    reader.feed(text)
    reader.close()
    reader.end_block()
    return reader.blocks
