"""Linear-time pieces of statement reading, for input that may come from strangers.

markdown-it-py and its footnote plugin are well kept, but two of the rules leaflet uses scan
ahead from every candidate position, so hostile text makes them quadratic (40 KB of ``[^``
took a minute).  This module holds drop-in rules, registered on leaflet's own parser instance
(never on the library), that give the same tokens for ordinary text in linear time:

* :func:`note_call_rule` — footnote references ``[^label]``; a label stops at the first ``[``,
  space or ``]``, so a run of ``[^`` is scanned once;
* :func:`smartquotes_rule` — typographic quotes, with openers indexed by kind so that a closing
  quote finds its opener without searching the whole stack, and replacements applied once;
  each passage gets its own language's quotes;
* :func:`linkify_rule` — bare links, looking at a bounded window around each ``://`` rather
  than at all the text before and after it.

and the attribute syntax of mdit_py_plugins' ``attrs`` plugin (its parser, rules of leaflet's
own that read a bounded window, keep the attributes apart in ``meta["attributes"]`` for the
caller to check, and never let one swallow text):

* :func:`span_rule` — a span ``[passage]{lang=fr}``;
* :func:`block_attributes_rule` and :func:`attach_block_attributes` — a line ``{lang=fr}``
  giving its attributes to the block below it;

and :func:`markup_spans`, the spans of raw HTML markup (tags, comments, processing
instructions, declarations, script and style elements) in a text, found without
:class:`html.parser.HTMLParser`, which is quadratic on malformed input in the Python versions
leaflet supports.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.attrs.parse import ParseError
from mdit_py_plugins.attrs.parse import parse as parse_attributes

from .typography import typography

__all__ = [
    "attach_block_attributes",
    "attributes_lang",
    "block_attributes_rule",
    "linkify_rule",
    "markup_spans",
    "note_call_rule",
    "smartquotes_rule",
    "span_rule",
]

# --- footnote references ---------------------------------------------------------------------

_NOTE_CALL = re.compile(r"\[\^([^\]\[\s]+)\]")


def note_call_rule(state: StateInline, silent: bool) -> bool:
    """Footnote reference ``[^label]`` (every reference matches; undefined ones are reported
    by the caller).  Same tokens as mdit_py_plugins' ``footnote_ref`` with
    ``always_match=True``, except that a label may not contain ``[`` or a tab."""
    if not state.src.startswith("[^", state.pos):
        return False
    match = _NOTE_CALL.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    if not silent:
        label = match.group(1)
        data = state.env.setdefault("footnotes", {})
        refs, notes = data.setdefault("refs", {}), data.setdefault("list", {})
        note_id = refs.get(":" + label, -1)
        if note_id < 0:
            note_id = len(notes)
            notes[note_id] = {"label": label, "count": 0}
            refs[":" + label] = note_id
        sub_id = notes[note_id]["count"]
        notes[note_id]["count"] += 1
        token = state.push("footnote_ref", "", 0)
        token.meta = {"id": note_id, "subId": sub_id, "label": label}
    state.pos = match.end()
    return True


# --- typographic quotes ----------------------------------------------------------------------

_QUOTE = re.compile(r"['\"]")
_APOSTROPHE = "\u2019"


def smartquotes_rule(state: StateCore) -> None:
    """markdown-it's ``smartquotes`` core rule (CommonMark's flanking logic), in linear time.

    The replacement quotes must be single punctuation characters (as leaflet's are): then a
    replaced quote keeps its length and its class (punctuation), so every decision can be made
    on the text as written, and replacements are applied once at the end.  A passage marked
    with a language (:func:`attributes_lang`, on a block or a span) takes that language's
    quotes (an unknown language, refused later, the parser's).
    """
    options = state.md.options
    if not options.typographer:
        return
    quotes = "".join(options.quotes)
    languages: list[str] = [quotes]
    for token in state.tokens:
        if token.nesting < 0:
            if len(languages) > 1:
                languages.pop()
            continue
        block_quotes = _passage_quotes(token, languages[-1])
        if token.nesting > 0:
            languages.append(block_quotes)
        if token.type == "inline" and token.children and _QUOTE.search(token.content):
            _QuoteMatcher(token.children, _quotes_by_child(token.children, block_quotes)).run()


def _passage_quotes(token: Token, outer: str) -> str:
    lang = attributes_lang(token)
    return outer if lang is None else typography(lang).quotes


def _quotes_by_child(children: list[Token], outer: str) -> list[str]:
    """The quotes of each child's language (spans may mark passages)."""
    quotes, stack = [], [outer]
    for child in children:
        if child.type == "span_open":
            stack.append(_passage_quotes(child, stack[-1]))
        quotes.append(stack[-1])
        if child.type == "span_close" and len(stack) > 1:
            stack.pop()
    return quotes


@dataclass
class _Opener:
    token: int
    position: int
    single: bool
    level: int


class _QuoteMatcher:
    """One inline token's children; see markdown_it.rules_core.smartquotes.process_inlines,
    whose decisions this reproduces."""

    def __init__(self, tokens: list[Token], quotes: list[str]) -> None:
        self.tokens = tokens
        #: The quotes of each token's language.
        self.quotes = quotes
        self.stack: list[_Opener] = []
        #: Indices into ``stack`` of the openers of each kind (single quote or not).
        self.by_kind: dict[bool, list[int]] = {True: [], False: []}
        self.edits: dict[int, list[str]] = {}

    def run(self) -> None:
        for index, token in enumerate(self.tokens):
            self._truncate_above(token.level)
            if token.type == "text":
                for match in _QUOTE.finditer(token.content):
                    self._quote(index, match.start())
        for index, chars in self.edits.items():
            self.tokens[index].content = "".join(chars)

    def _truncate_above(self, level: int) -> None:
        """Forget openers of deeper levels (the stack's levels never decrease upwards)."""
        keep = len(self.stack)
        while keep and self.stack[keep - 1].level > level:
            keep -= 1
        self._cut(keep)

    def _cut(self, size: int) -> None:
        del self.stack[size:]
        for indices in self.by_kind.values():
            while indices and indices[-1] >= size:
                indices.pop()

    def _replace(self, index: int, position: int, char: str) -> None:
        chars = self.edits.get(index)
        if chars is None:
            chars = self.edits[index] = list(self.tokens[index].content)
        chars[position] = char

    def _quote(self, index: int, position: int) -> None:
        text = self.tokens[index].content
        single = text[position] == "'"
        level = self.tokens[index].level
        last = ord(text[position - 1]) if position > 0 else self._char_before(index)
        following = position + 1
        after = ord(text[following]) if following < len(text) else self._char_after(index)

        last_punct = isMdAsciiPunct(last) or isPunctChar(chr(last))
        next_punct = isMdAsciiPunct(after) or isPunctChar(chr(after))
        last_space, next_space = isWhiteSpace(last), isWhiteSpace(after)
        can_open = not next_space and not (next_punct and not (last_space or last_punct))
        can_close = not last_space and not (last_punct and not (next_space or next_punct))
        if after == 0x22 and not single and 0x30 <= last <= 0x39:
            can_open = can_close = False  # 1"" — the first quote is an inch mark
        if can_open and can_close:
            # Inside a run of punctuation, but not in the middle of a word.
            can_open, can_close = last_punct, next_punct
        if not can_open and not can_close:
            if single:
                self._replace(index, position, _APOSTROPHE)
            return
        if can_close:
            openers = self.by_kind[single]
            if openers and self.stack[openers[-1]].level == level:
                where = openers[-1]
                opener = self.stack[where]
                quotes = self.quotes[opener.token]
                open_quote, close_quote = (
                    (quotes[2], quotes[3]) if single else (quotes[0], quotes[1])
                )
                self._replace(index, position, close_quote)
                self._replace(opener.token, opener.position, open_quote)
                self._cut(where)
                return
        if can_open:
            self.by_kind[single].append(len(self.stack))
            self.stack.append(_Opener(index, position, single, level))
        elif single:
            self._replace(index, position, _APOSTROPHE)

    def _char_before(self, index: int) -> int:
        """The last character of the nearest earlier token with text on the same line."""
        for earlier in range(index - 1, -1, -1):
            token = self.tokens[earlier]
            if token.type in ("softbreak", "hardbreak"):
                break
            if token.content:
                return ord(token.content[-1])
        return 0x20

    def _char_after(self, index: int) -> int:
        for later in range(index + 1, len(self.tokens)):
            token = self.tokens[later]
            if token.type in ("softbreak", "hardbreak"):
                break
            if token.content:
                return ord(token.content[0])
        return 0x20


# --- attributes: passages in another language ----------------------------------------------

#: Longest attribute list read (``{lang=fr}``); a longer one is text.
_ATTRIBUTES_WINDOW = 200
_SPAN_ENDS = re.compile(r"\]\{")


def attributes_lang(token: Token) -> str | None:
    """The ``lang`` a span or a block was given (``{lang=fr}``), as written, or None."""
    attributes = token.meta.get("attributes") if token.meta else None
    return attributes.get("lang") if attributes else None


def _attributes(text: str, start: int, end: int) -> tuple[int, dict[str, str]] | None:
    """(end, attributes) of the attribute list ``{…}`` at *start*, read on its line and at
    most :data:`_ATTRIBUTES_WINDOW` characters, or None.  A list that gives no ``lang`` is
    text ("{}" or "{.note}" in a statement is printed as written)."""
    window = text[start : min(end, start + _ATTRIBUTES_WINDOW)].split("\n", 1)[0]
    try:
        length, attributes = parse_attributes(window)
    except ParseError:
        return None
    if "lang" not in attributes:
        return None
    return start + length + 1, attributes


def span_rule(state: StateInline, silent: bool) -> bool:
    """A span with attributes, ``[passage]{lang=fr}`` (the ``attrs`` plugin's span syntax; a
    link or note call takes precedence), its attributes in ``meta["attributes"]``.

    Linear: a ``[`` is looked at only while a ``]{`` follows somewhere in the text (all found
    once), and the attribute list is read in a bounded window.
    """
    start, maximum = state.pos, state.posMax
    if state.src[start] != "[" or _next_span_end(state, start) < 0:
        return False
    label_end = state.md.helpers.parseLinkLabel(state, start, False)
    if label_end < 0 or label_end + 1 >= maximum or state.src[label_end + 1] != "{":
        return False
    found = _attributes(state.src, label_end + 1, maximum)
    if found is None:
        return False
    end, attributes = found
    if not silent:
        state.pos, state.posMax = start + 1, label_end
        token = state.push("span_open", "span", 1)
        token.meta = {"attributes": attributes}
        state.md.inline.tokenize(state)
        state.push("span_close", "span", -1)
    state.pos, state.posMax = end, maximum
    return True


def _next_span_end(state: StateInline, start: int) -> int:
    """Where the next ``]{`` after *start* is in the text (-1: none).  The places are found
    once per text (rules look ahead and back, so a remembered "next one" would not do)."""
    known = state.env.get("leaflet_span_ends")
    if known is None or known[0] is not state.src:
        ends = [match.start() for match in _SPAN_ENDS.finditer(state.src)]
        known = state.env["leaflet_span_ends"] = (state.src, ends)
    ends = known[1]
    index = bisect.bisect_right(ends, start)
    return ends[index] if index < len(ends) else -1


def block_attributes_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A line holding only an attribute list, ``{lang=fr}``: an ``attributes`` token for
    :func:`attach_block_attributes` (the ``attrs`` plugin's block syntax, except that a line
    with more after the list is text, never dropped)."""
    if state.is_code_block(start):
        return False
    first = state.bMarks[start] + state.tShift[start]
    last = state.eMarks[start]
    line = state.src[first:last].rstrip(" \t")
    if not line.startswith("{") or not line.endswith("}") or len(line) > _ATTRIBUTES_WINDOW:
        return False
    found = _attributes(line, 0, len(line))
    if found is None or found[0] != len(line):
        return False
    if not silent:
        token = state.push("attributes", "", 0)
        token.meta = {"attributes": found[1]}
        token.map = [start, start + 1]
        state.line = start + 1
    return True


def attach_block_attributes(state: StateCore) -> None:
    """Give each ``attributes`` token's attributes to the block below it (merged, the lower
    line winning); one with no block below is left in place for the caller to report."""
    tokens, kept = state.tokens, []
    pending: list[Token] = []
    for token in tokens:
        if token.type == "attributes":
            pending.append(token)
            kept.append(token)
            continue
        if pending and token.nesting >= 0:
            del kept[-len(pending) :]
            attributes = {
                key: value for line in pending for key, value in line.meta["attributes"].items()
            }
            # The first attribute line, for messages.
            token.meta = {
                **(token.meta or {}),
                "attributes": attributes,
                "attributes_map": pending[0].map,
            }
        pending = []
        kept.append(token)
    tokens[:] = kept


# --- raw HTML markup -------------------------------------------------------------------------

#: A start or end tag: a superset of CommonMark's (markdown-it's) raw HTML tag.
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:[^<>\"']|\"[^\"]*\"|'[^']*')*>")
_TAG_START = re.compile(r"<(?:/?[A-Za-z]|!|\?)")
_RAW_TEXT_ELEMENT = re.compile(r"<(script|style)\b", re.IGNORECASE)
#: What ends each construct that is not a tag.
_ENDINGS = (
    ("<!--->", "", 6),
    ("<!-->", "", 5),
    ("<!--", "-->", 4),
    ("<![CDATA[", "]]>", 9),
    ("<!", ">", 2),
    ("<?", "?>", 2),
)


class _Finder:
    """``text.find`` for a few fixed needles, remembering each answer, so that scanning from
    many starts is linear: the next occurrence after a start is reused by later starts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: dict[str, int] = {}

    def find(self, needle: str, start: int) -> int:
        known = self.found.get(needle)
        if known is not None and (known < 0 or known >= start):
            return known
        position = self.text.find(needle, start)
        self.found[needle] = position
        return position

    def search(self, pattern: re.Pattern[str], start: int) -> int:
        key = pattern.pattern
        known = self.found.get(key)
        if known is not None and (known < 0 or known >= start):
            return known
        match = pattern.search(self.text, start)
        position = match.start() if match else -1
        self.found[key] = position
        return position


def markup_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each piece of raw HTML markup in *text*, in order: tags, comments,
    processing instructions, declarations, CDATA, and script and style elements whole (an
    unclosed one runs to the end).  A ``<`` that starts no complete construct is text.

    As in CommonMark, only a construct that starts a line (an HTML block) may run past a blank
    line: one inside a paragraph is cut at the paragraph's end.
    """
    finder = _Finder(text)
    blank_lines = [match.start() for match in _BLANK_LINE.finditer(text)]
    position = 0
    while True:
        match = _TAG_START.search(text, position)
        if match is None:
            return
        start = match.start()
        end = _construct_end(text, start, finder)
        if end is not None and not _starts_line(text, start):
            end = min(end, _paragraph_end(blank_lines, start, len(text)))
        if end is None:
            position = start + 1
            continue
        yield start, end
        position = end


_BLANK_LINE = re.compile(r"\n[ \t]*(?=\r?\n)")
_LINE_OPENING = re.compile(r"[ \t>]*(?:(?:[-+*]|\d{1,9}[.)])[ \t]+)*")
#: Longest line prefix (indentation, quote and list markers) an HTML block may have.
_LONGEST_PREFIX = 200


def _paragraph_end(blank_lines: list[int], start: int, length: int) -> int:
    """Where the first blank line after *start* begins, or *length* (the end of the text)."""
    index = bisect.bisect_left(blank_lines, start)
    return blank_lines[index] if index < len(blank_lines) else length


def _starts_line(text: str, start: int) -> bool:
    """Whether only indentation and quote or list markers come before *start* on its line."""
    window = max(0, start - _LONGEST_PREFIX)
    line_start = text.rfind("\n", window, start) + 1
    if line_start == 0 and window > 0:
        return False
    return _LINE_OPENING.fullmatch(text, line_start, start) is not None


def _construct_end(text: str, start: int, finder: _Finder) -> int | None:
    for opening, closing, length in _ENDINGS:
        if text.startswith(opening, start):
            if not closing:
                return start + length
            found = finder.find(closing, start + length)
            return None if found < 0 else found + len(closing)
    tag = _TAG.match(text, start)
    if tag is None:
        return None
    element = _RAW_TEXT_ELEMENT.match(text, start)
    if element is None or text[start + 1] == "/":
        return tag.end()
    name = element.group(1).lower()
    end_tag = finder.search(re.compile(f"</{name}", re.IGNORECASE), tag.end())
    if end_tag < 0:
        return len(text)
    whole_end_tag = _TAG.match(text, end_tag)
    return whole_end_tag.end() if whole_end_tag else end_tag + len(name) + 2


# --- bare links ------------------------------------------------------------------------------

_SCHEME = re.compile(r"(?:^|[^a-z0-9.+-])([a-z][a-z0-9.+-]*)$", re.IGNORECASE)
#: Longest scheme name and link looked at: markdown-it's rule looks at all the text before and
#: after each "://", which makes a paragraph of them quadratic.
_SCHEME_WINDOW = 64
_LINK_WINDOW = 4096


def linkify_rule(state: StateInline, silent: bool) -> bool:
    """markdown-it's ``linkify`` inline rule (bare ``https://…`` links), looking only at a
    bounded window around each ``://``: same links for ordinary text, linear time."""
    if not state.md.options.linkify or state.linkLevel > 0 or state.md.linkify is None:
        return False
    position, maximum = state.pos, state.posMax
    if position + 3 > maximum or not state.src.startswith("://", position):
        return False
    match = _SCHEME.search(state.pending[-_SCHEME_WINDOW:])
    if match is None:
        return False
    scheme = match.group(1)
    start = position - len(scheme)
    link = state.md.linkify.match_at_start(state.src[start : start + _LINK_WINDOW])
    if not link:
        return False
    url: str = link.url.rstrip("*")  # a '*' at the end belongs to emphasis
    full_url = state.md.normalizeLink(url)
    if not state.md.validateLink(full_url):
        return False
    if not silent:
        state.pending = state.pending[: -len(scheme)]
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": full_url}
        token.markup, token.info = "linkify", "auto"
        token = state.push("text", "", 0)
        token.content = state.md.normalizeLinkText(url)
        token = state.push("link_close", "a", -1)
        token.markup, token.info = "linkify", "auto"
    state.pos += len(url) - len(scheme)
    return True
