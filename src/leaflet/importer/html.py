"""Read a statement saved from a web page (HTML), with the standard library's HTML parser.

The page's own structure is kept as hints: ``<h1>`` is the headline, ``<h2>``–``<h6>`` are
headings, ``<li>`` are list items (numbered as in their ``<ol>``), ``<blockquote>`` is a
quotation, ``<sup>`` digits are note markers.  Links keep their address after their text, so a
note that only linked its source still cites it.  Scripts, styles and page furniture
(navigation, header, footer, forms) are skipped.
"""

from __future__ import annotations

import re
from collections import Counter
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
_MARKUP_OPEN = re.compile(r"<(?:!--|!\[(?:\s*(?P<conditional>if|else|endif)\b)?)?", re.IGNORECASE)
_SECTION_CLOSE = re.compile(r"\]\s*\]\s*>")
_CONDITIONAL_CLOSE = re.compile(r"\]\s*>")
#: Back-links of generated footnotes ("↩︎") are navigation, not text.
_BACKLINK = re.compile(r"[↩↑]\ufe0e?")


class _Reader(HTMLParser):
    """Collects blocks of text; a block ends at every block-level tag.

    Work is linear in the page's size whatever its tags: text is gathered in parts joined once
    per block, and the open tags are a stack with a count per name and a stack of the hinted
    ones, so neither an unclosed ``<div><div>…`` nor a stray end tag rescans what is open.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[SourceBlock] = []
        self.lines: list[list[str]] = [[]]
        self.has_text = False
        self.start_line = 1
        self.skipping = 0
        self.open_tags: list[str] = []
        self.open_counts: Counter[str] = Counter()
        #: (depth, hint) of every open hinted tag, innermost last.
        self.hints: list[tuple[int, Hint]] = []
        self.list_numbers: list[int | None] = []
        self.link: str | None = None
        self.link_start = (0, 0)
        self.sup_start: tuple[int, int] | None = None

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        """``<![…`` that HTML does not know (``<![foo[``) is a bogus comment, not an error."""
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            return self.parse_bogus_comment(i)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            self._void(tag)
            return
        if tag in _BLOCKS or tag in _SKIPPED:
            self.end_block()
        self.open_tags.append(tag)
        self.open_counts[tag] += 1
        if tag in _HINTS:
            self.hints.append((len(self.open_tags), _HINTS[tag]))
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BLOCKS:
            self._open_block(tag, dict(attrs))
        elif tag == "sup":
            self.sup_start = self._position()
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.link = href if href.startswith(("http://", "https://")) else None
            self.link_start = self._position()

    def _position(self) -> tuple[int, int]:
        return len(self.lines), len(self.lines[-1])

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
            self.lines.append([])
        elif tag == "hr":
            self.end_block()

    def handle_endtag(self, tag: str) -> None:
        if not self.open_counts[tag]:
            return
        if tag in _BLOCKS:
            self.end_block()
        while self.open_tags:  # also closes the tags left open inside this one
            closed = self.open_tags.pop()
            self.open_counts[closed] -= 1
            if self.hints and self.hints[-1][0] > len(self.open_tags):
                self.hints.pop()
            if closed in _SKIPPED:
                self.skipping -= 1
            elif closed in ("ol", "ul") and self.list_numbers:
                self.list_numbers.pop()
            if closed == tag:
                break
        if tag == "sup":
            self._bracket_note_number()
        elif tag == "a" and self.link is not None:
            if self.link not in "".join(self._since(self.link_start)):
                self._text(f" ({self.link})")
            self.link = None

    def _since(self, position: tuple[int, int]) -> list[str]:
        """The parts of the current line written since *position* (empty if a line began)."""
        line, part = position
        return self.lines[-1][part:] if line == len(self.lines) else []

    def _bracket_note_number(self) -> None:
        """``<sup>3</sup>`` is a note marker: write it as ``[3]``, as pasted text would."""
        start, self.sup_start = self.sup_start, None
        if start is None or start[0] != len(self.lines):
            return
        number = "".join(self._since(start)).strip()
        if number.isdecimal():
            self.lines[-1][start[1] :] = [f"[{number}]"]

    def handle_data(self, data: str) -> None:
        self._text(_SPACES.sub(" ", data))

    def _text(self, text: str) -> None:
        if self.skipping:
            return
        if not self.has_text:
            self.start_line = self.getpos()[0]
            self.has_text = bool(text.strip())
        self.lines[-1].append(text)

    def end_block(self) -> None:
        """End the current block; its hint is the innermost hinted tag still open."""
        lines = tuple(
            cleaned
            for parts in self.lines
            if (cleaned := _BACKLINK.sub("", "".join(parts)).strip())
        )
        if lines and not self.skipping:
            hint = self.hints[-1][1] if self.hints else None
            self.blocks.append(SourceBlock(lines, self.start_line, hint))
        self.lines = [[]]
        self.has_text = False


def read_html(text: str) -> list[SourceBlock]:
    """Blocks of the visible text of the HTML page *text*, with structure hints."""
    reader = _Reader()
    reader.feed(_unterminated_as_text(text))
    reader.close()
    reader.end_block()
    return reader.blocks


def _unterminated_as_text(page: str) -> str:
    """*page* with every ``<`` that starts markup never closed (a tag with no ``>`` after it, a
    comment with no ``-->``, a section with no ``]]>``) written as ``&lt;``.

    The standard library's parser reads such a ``<`` as text, but only after scanning to the
    end of the page for the close, once per ``<``: quadratic time on a page of unclosed
    ``<a <a <a …`` or ``<!--x> <!--x> …`` (fixed in Python 3.13.4).  Written as ``&lt;``, it
    is the same text, found in one pass.
    """
    last_tag = page.rfind(">")
    last_comment = page.rfind("-->")
    last_section = max((match.end() for match in _SECTION_CLOSE.finditer(page)), default=-1)
    last_conditional = max((match.end() for match in _CONDITIONAL_CLOSE.finditer(page)), default=-1)

    def as_text_if_unclosed(match: re.Match[str]) -> str:
        opener, start = match.group(), match.start()
        if opener == "<!--":
            closed = last_comment >= start + 4
        elif opener.startswith("<!["):
            closed = (last_conditional if match.group("conditional") else last_section) > start
        else:
            closed = last_tag > start
        return opener if closed else "&lt;" + opener[1:]

    first_unsafe = min(last_tag, last_comment, last_section, last_conditional)
    head, tail = page[: max(first_unsafe, 0)], page[max(first_unsafe, 0) :]
    return head + _MARKUP_OPEN.sub(as_text_if_unclosed, tail)
