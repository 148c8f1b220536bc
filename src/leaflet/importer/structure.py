"""Decide what each block of a pasted statement is: date, headline, heading, list, slogan …

Decisions are taken in an order that peels the statement from both ends: the notes list at
the very end, date lines at the top, the headline, then a signature block and the closing
slogans at the end; what remains is the body (lead, headings, lists, quotes, paragraphs).
Every decision is recorded with the reason, for ``leaflet import --explain``.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from .blocks import ITEM, Consumed, SourceBlock
from .dates import parse_date_line
from .lang import guess_lang
from .notes import NoteDraft, take_notes

__all__ = ["Decision", "Draft", "Heading", "ListDraft", "ListItem", "Paragraph", "Quote",
           "build_draft"]  # fmt: skip

#: How many leading blocks may hold the date (date lines come before or just after the headline).
_DATE_BLOCKS = 3
_SHORT_WORDS = 14
_SHORT_CHARS = 120
_SLOGAN_WORDS = 20
_SUBSTANTIAL_WORDS = 15
_SUBTITLE_WORDS = 25
_SENTENCE_END = re.compile(r"[.!?…][\"”»’)]*\s+")
_OPENERS = "\"“«¡¿(‘'"


@dataclass(frozen=True, slots=True)
class Paragraph:
    lines: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Quote:
    lines: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class ListItem:
    """One list item: its number in an ordered list (None for bullets), lines, first line."""

    number: int | None
    lines: tuple[str, ...]
    line: int


@dataclass
class ListDraft:
    ordered: bool
    items: list[ListItem]
    line: int


Element = Paragraph | Heading | Quote | ListDraft
_KINDS: dict[type, str] = {Paragraph: "paragraph", Heading: "heading", Quote: "quote",
                           ListDraft: "list"}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Decision:
    """What the importer made of the block at ``line``, and why (``--explain``)."""

    line: int
    what: str
    why: str


@dataclass
class Draft:
    """The statement as recognized, before it is written out as Markdown."""

    title: str = ""
    subtitle: str | None = None
    date: datetime.date | None = None
    lang: str = "en"
    author: str | None = None
    slogans: list[str] = field(default_factory=list)
    body: list[Element] = field(default_factory=list)
    notes: list[NoteDraft] = field(default_factory=list)
    consumed: list[Consumed] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    guesses: list[tuple[int, str]] = field(default_factory=list)

    def decide(self, line: int, what: str, why: str, *, guess: bool = False) -> None:
        """Record a decision; a *guess* is also listed for a person to check."""
        self.decisions.append(Decision(line, what, why))
        if guess:
            self.guesses.append((line, f"{what} ({why})"))


def build_draft(blocks: list[SourceBlock], consumed: list[Consumed]) -> Draft:
    """Recognize the parts of a statement from its blocks (in reading order)."""
    draft = Draft(consumed=list(consumed))
    blocks, draft.notes, notes_consumed = take_notes(blocks)
    draft.consumed += notes_consumed
    if draft.notes:
        style = draft.notes[0].style
        what = f"notes ({len(draft.notes)})"
        draft.decide(draft.notes[0].line, what, f"trailing list of {style}-style notes")
    if any(parse_date_line(line) is None for block in blocks for line in block.lines):
        blocks = _take_dates(blocks, draft)  # a text that is only a date is its own headline
    blocks = _take_headline(blocks, draft)
    blocks = _take_signature(blocks, draft)
    blocks = _take_slogans(blocks, draft)
    draft.body = _classify(blocks, draft)
    draft.lang, why = guess_lang(" ".join(block.text for block in blocks) or draft.title)
    draft.decide(1, f"lang: {draft.lang}", why, guess=True)
    return draft


def _take_dates(blocks: list[SourceBlock], draft: Draft) -> list[SourceBlock]:
    """Consume lines that are only a date from the first blocks; the first date is kept."""
    kept: list[SourceBlock] = []
    for index, block in enumerate(blocks):
        lines = list(block.lines)
        first = block.line
        while index < _DATE_BLOCKS and lines and (date := parse_date_line(lines[0])):
            _use_date(draft, date, first, lines.pop(0))
            first += 1
        if lines:
            kept.append(SourceBlock(tuple(lines), first, block.hint))
    return kept


def _use_date(draft: Draft, date: datetime.date, line: int, text: str) -> None:
    draft.consumed.append(Consumed(line, text, f"date {date.isoformat()}"))
    if draft.date is None:
        draft.date = date
        draft.decide(line, f"date: {date.isoformat()}", f"read from {text!r}", guess=True)
    elif date != draft.date:
        draft.decide(line, "second date ignored", f"{text!r} differs from {draft.date}", guess=True)
    else:
        draft.decide(line, "date line", f"{text!r} repeats the date")


def _take_headline(blocks: list[SourceBlock], draft: Draft) -> list[SourceBlock]:
    """The first block (or the one marked as title) is the headline: title and subtitle.

    A subtitle is a line or a sentence, never a paragraph: what follows the title and is longer
    than :data:`_SUBTITLE_WORDS` words or several sentences goes back to the body.
    """
    if not blocks:
        return blocks
    index = next((i for i, block in enumerate(blocks) if block.hint == "title"), 0)
    headline = blocks.pop(index)
    if index > 0:
        draft.decide(blocks[0].line, "text before the headline", "kept as body text", guess=True)
    if len(headline.lines) > 1:
        draft.title = headline.lines[0]
        rest = headline.lines[1:]
        if _subtitle_fits(" ".join(rest)):
            draft.subtitle, rest = " ".join(rest), ()
        elif _subtitle_fits(rest[0]):
            draft.subtitle, rest = rest[0], rest[1:]
        if rest:
            blocks.insert(index, SourceBlock(rest, headline.line + len(headline.lines) - len(rest)))
        what = "title + subtitle" if draft.subtitle else "title"
        why = "headline of several lines" + ("; the rest is body text" if rest else "")
        draft.decide(headline.line, what, why, guess=True)
        return blocks
    sentences = _sentences(headline.lines[0])
    draft.title = sentences[0]
    if len(sentences) > 1 and _subtitle_fits(rest_text := " ".join(sentences[1:])):
        draft.subtitle = rest_text
        draft.decide(headline.line, "title + subtitle", "headline of two sentences", guess=True)
    elif len(sentences) > 1:
        blocks.insert(index, SourceBlock((rest_text,), headline.line))
        draft.decide(headline.line, "title", "first sentence; the rest is body text", guess=True)
    elif index + 1 < len(blocks) and _subtitle_like(blocks[index]):
        draft.subtitle = blocks.pop(index).lines[0]
        draft.decide(headline.line, "title + subtitle", "short line after headline", guess=True)
    else:
        draft.decide(headline.line, "title", "first block")
    return blocks


def _subtitle_fits(text: str) -> bool:
    """Whether *text* can be a subtitle: one sentence of at most :data:`_SUBTITLE_WORDS` words."""
    return len(text.split()) <= _SUBTITLE_WORDS and len(_sentences(text)) == 1


def _sentences(text: str) -> list[str]:
    """Split *text* after sentence ends followed by a capital (or an opening quote)."""
    sentences, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        following = text[match.end() :].lstrip(_OPENERS)
        if following[:1].isupper():
            sentences.append(text[start : match.end()].strip())
            start = match.end()
    sentences.append(text[start:].strip())
    return [sentence for sentence in sentences if sentence]


def _subtitle_like(block: SourceBlock) -> bool:
    text = block.lines[0]
    return (
        len(block.lines) == 1
        and block.hint in (None, "heading")
        and _short(text)
        and not text.endswith((".", ":", ",", ";"))
        and not ITEM.match(text)
    )


def _take_signature(blocks: list[SourceBlock], draft: Draft) -> list[SourceBlock]:
    """A last block of several short lines (names, place) is the signature → ``author``."""
    if len(blocks) < 2:
        return blocks
    last = blocks[-1]
    if (
        last.hint is None
        and len(last.lines) > 1
        and all(len(line) <= 100 and not line.endswith("!") for line in last.lines)
        and not any(ITEM.match(line) for line in last.lines)
    ):
        draft.author = " ".join(last.lines)
        draft.decide(last.line, "author", "closing block of short lines (signature)", guess=True)
        return blocks[:-1]
    return blocks


def _take_slogans(blocks: list[SourceBlock], draft: Draft) -> list[SourceBlock]:
    """Short exclamatory lines at the end are the closing slogans."""
    end = len(blocks)
    while end > 1 and _slogan_block(blocks[end - 1]):
        end -= 1
    slogans = [_item_text(line) for block in blocks[end:] for line in block.lines]
    if slogans:
        draft.slogans = slogans
        what = f"slogans ({len(slogans)})"
        draft.decide(blocks[end].line, what, "short lines ending in '!'", guess=True)
    return blocks[:end]


def _slogan_block(block: SourceBlock) -> bool:
    return block.hint in (None, "item") and all(
        len(line) <= 150
        and len(line.split()) <= _SLOGAN_WORDS
        and _item_text(line).rstrip('"”»’').endswith("!")
        for line in block.lines
    )


def _item_text(line: str) -> str:
    match = ITEM.match(line)
    return match.group("text") if match and match.group("bullet") else line


def _classify(blocks: list[SourceBlock], draft: Draft) -> list[Element]:
    """Body elements in order; consecutive list blocks become one list."""
    elements: list[Element] = []
    for index, block in enumerate(blocks):
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        element, why = _element(block, following, first=index == 0)
        what = _KINDS[type(element)]
        if isinstance(element, Heading):
            what = f"heading {element.text!r}"
        draft.decide(
            block.line, what, why, guess=isinstance(element, Heading) and block.hint is None
        )
        previous = elements[-1] if elements else None
        if (
            isinstance(element, ListDraft)
            and isinstance(previous, ListDraft)
            and previous.ordered == element.ordered
        ):
            previous.items += element.items
            continue
        elements.append(element)
    return elements


def _element(
    block: SourceBlock, following: SourceBlock | None, *, first: bool
) -> tuple[Element, str]:
    if block.hint in ("heading", "title"):
        return Heading(block.text, block.line), "marked as a heading"
    if block.hint == "quote":
        return Quote(block.lines, block.line), "marked as a quotation"
    if all(line.startswith(">") for line in block.lines):
        lines = tuple(line[1:].strip() for line in block.lines)
        return Quote(lines, block.line), "lines start with '>'"
    if ITEM.match(block.lines[0]):
        return _list(block), "lines start with a list marker"
    if first:
        return Paragraph(block.lines, block.line), "first paragraph: the lead"
    if len(block.lines) == 1 and _short(block.text) and _substantial(following):
        return Heading(block.text, block.line), "short line before the text it introduces"
    return Paragraph(block.lines, block.line), "running text"


def _short(text: str) -> bool:
    return (
        len(text.split()) <= _SHORT_WORDS
        and len(text) <= _SHORT_CHARS
        and not text.endswith((":", ",", ";"))
        and not text[:1].islower()
    )


def _substantial(block: SourceBlock | None) -> bool:
    """Whether *block* is body text a heading could introduce (not another short line)."""
    if block is None:
        return False
    return (
        block.hint in ("item", "quote")
        or bool(ITEM.match(block.lines[0]))
        or len(block.text.split()) >= _SUBSTANTIAL_WORDS
        or block.text.endswith(":")
    )


def _list(block: SourceBlock) -> ListDraft:
    """List items from a block: marker lines start items, other lines continue the last one."""
    items: list[ListItem] = []
    first = ITEM.match(block.lines[0])
    ordered = first is not None and first.group("number") is not None
    for offset, line in enumerate(block.lines):
        match = ITEM.match(line)
        if match is None:
            last = items[-1]
            items[-1] = ListItem(last.number, (*last.lines, line), last.line)
        elif ordered and match.group("number"):
            items.append(
                ListItem(int(match.group("number")), (match.group("text"),), block.line + offset)
            )
        elif match.group("bullet"):
            items.append(ListItem(None, (match.group("text"),), block.line + offset))
        else:
            items.append(ListItem(None, (line,), block.line + offset))
    return ListDraft(ordered, items, block.line)
