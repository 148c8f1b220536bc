"""Layout preflight: typographic faults found in the laid-out lines, as notes.

The rules read a small model of the final layout — pages and the lines on them in reading
order (:class:`Layout`) — that :func:`leaflet.render.layout_lines` takes from WeasyPrint's line
boxes in one walk, and :mod:`leaflet.check` reads back from a finished PDF as far as a PDF
tells.  Each rule is a function of the model returning :class:`Note` objects; nothing here
knows WeasyPrint or PDF.

1. a note call starting a line (parted from its word);
2. note calls touching each other with no separator (¹² reads as twelve);
3. three or more hyphenated lines in a row;
4. a paragraph ending on a word fragment (a short word, or the end of a hyphenated word, alone);
5. a hyphen across a page turn;
6. one word alone on the last line of a heading or slogan;
7. body lines outside 40–80 characters (full lines of body paragraphs only);
8. a page less than half full (designed pages: a booklet's back page, posters, excepted);
9. a heading in the last three lines of a page;
10. text overflowing its box (wider than its column, or below the page's text area);
11. a proper name hyphenated (a capitalised word inside a sentence, in languages that do not
    capitalise every noun).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal

__all__ = [
    "NOTE_CODES",
    "RULES",
    "Layout",
    "Line",
    "Note",
    "Page",
    "automatic_hyphen",
    "preflight",
]

#: What a line belongs to: the rules judge body text, headings and slogans differently.
Role = Literal["body", "heading", "slogan", "note", "list", "other"]

#: Body lines should hold this many characters (Bringhurst: 45–75; 40–80 at the extremes).
MIN_CHARACTERS, MAX_CHARACTERS = 40, 80
#: A last line of fewer letters than this is a fragment.
MIN_LAST_LINE = 4
#: Hyphenated lines in a row that make a ladder.
LADDER = 3
#: A page filled less than this is mostly empty.
MIN_FILL = 0.5
#: A heading followed by fewer lines than this at the foot of its page is stranded.
HEADING_KEEP = 3
#: How much of a line a note quotes.
QUOTE = 40
#: Lengths closer than this (in the layout's unit) are equal.
EPSILON = 0.5


@dataclass(frozen=True, slots=True)
class Line:
    """One line as laid out, in reading order.  Lengths are in the layout's unit, *y* down."""

    page: int  # 1-based reader page
    text: str  # as printed, an automatic hyphen included
    role: Role
    #: Lines of one paragraph (one block of text, across pages) share this number.
    paragraph: int
    #: Where each note call is in :attr:`text` (start, end), in order.
    calls: tuple[tuple[int, int], ...] = ()
    #: Ends with a hyphen the typesetter added (see :func:`automatic_hyphen`).
    hyphenated: bool = False
    top: float = 0.0
    bottom: float = 0.0
    #: Where the line's content starts and ends, and its box (column) starts and ends.
    left: float = 0.0
    right: float = 0.0
    box_left: float = 0.0
    box_right: float = 0.0
    #: The language the line is set in (its ``lang``), where known.
    lang: str = ""
    #: The line ends inside a link's address (which breaks anywhere: no word, no fragment).
    address: bool = False


@dataclass(frozen=True, slots=True)
class Page:
    """One reader page: how full its text area is (0 … 1) and where that area ends."""

    number: int
    fill: float
    bottom: float
    #: A page laid out by design, whatever it holds (a booklet's back page, a poster).
    designed: bool = False


@dataclass(frozen=True, slots=True)
class Layout:
    """The pages and the lines of a laid-out document."""

    pages: tuple[Page, ...]
    lines: tuple[Line, ...]


#: What each kind of note is, by a stable code (one of :data:`NOTE_CODES`), so that a reader
#: of the notes (the studio, in other languages) can tell them apart without parsing the
#: English: the code and the pieces the message is made of (:attr:`Note.args`).
NOTE_CODES = (
    "call_starts_line",
    "touching_calls",
    "hyphen_ladder",
    "fragment_short_word",
    "fragment_hyphen_end",
    "hyphen_across_pages",
    "lonely_last_word_heading",
    "lonely_last_word_slogan",
    "short_lines",
    "long_lines",
    "mostly_empty_page",
    "heading_at_page_foot",
    "line_out_of_column",
    "line_below_text_area",
    "hyphenated_name",
)

#: A note's parameters: the quoted text (unquoted, shortened as quoted) and numbers.
NoteArgs = Mapping[str, str | int]


@dataclass(frozen=True, slots=True, order=True)
class Note:
    """One finding: the page it is on and what is wrong, quoting the text."""

    page: int
    message: str
    #: The line at fault, where one is (what :mod:`leaflet.repair` mends).
    line: Line | None = field(default=None, compare=False, repr=False)
    #: What kind of note it is (one of :data:`NOTE_CODES`; empty for a note made elsewhere).
    code: str = field(default="", compare=False, repr=False)
    #: The pieces :attr:`message` quotes, by name (``text``: the quoted text, unquoted).
    args: NoteArgs = field(default_factory=dict, compare=False, repr=False)

    def __str__(self) -> str:
        return f"page {self.page}: {self.message}"


def automatic_hyphen(line: str, following: str, source: str, hyphen: str = "-") -> bool:
    """Whether *line* ends with a hyphen added by hyphenation, not one the text has: the
    word it parts (its end on the *following* line) is not written with that hyphen in
    *source* (compared case-blind: headings may be set in capitals)."""
    head = line.split()[-1] if line.split() else ""
    tail = following.split()[0] if following.split() else ""
    if not head.endswith(hyphen) or len(head) <= len(hyphen) or not tail:
        return False
    return (head + tail).casefold() not in source.casefold()


def preflight(layout: Layout) -> tuple[Note, ...]:
    """Every note the :data:`RULES` find in *layout*, by page."""
    notes = [note for rule in RULES for note in rule(layout)]
    return tuple(sorted(notes, key=lambda note: note.page))


def _piece(text: str, *, end: bool = False) -> str:
    """A short piece of *text*: its start, or its *end*, at most :data:`QUOTE` characters."""
    text = " ".join(text.split())
    if len(text) > QUOTE:
        text = "…" + text[-(QUOTE - 1) :] if end else text[: QUOTE - 1] + "…"
    return text


def _paragraphs(lines: Sequence[Line]) -> Iterator[list[Line]]:
    """The lines of each paragraph, in reading order."""
    run: list[Line] = []
    for line in lines:
        if run and line.paragraph != run[-1].paragraph:
            yield run
            run = []
        run.append(line)
    if run:
        yield run


def _letters(word: str) -> int:
    return sum(ch.isalnum() for ch in word)


def call_starts_line(layout: Layout) -> list[Note]:
    """Rule 1: a note call at the start of a line (not of a paragraph), parted from its word."""
    notes = []
    for paragraph in _paragraphs(layout.lines):
        for line in paragraph[1:]:
            start = len(line.text) - len(line.text.lstrip())
            if line.calls and line.calls[0][0] <= start:
                text = _piece(line.text)
                notes.append(
                    Note(
                        line.page,
                        f"a note call starts a line, parted from its word: “{text}”",
                        code="call_starts_line",
                        args={"text": text},
                    )
                )
    return notes


def touching_calls(layout: Layout) -> list[Note]:
    """Rule 2: two note calls with nothing between them (¹² reads as note twelve)."""
    notes = []
    for line in layout.lines:
        for (begin, end), (start, stop) in pairwise(line.calls):
            if start == end:
                calls, text = line.text[begin:stop], _piece(line.text[:stop], end=True)
                notes.append(
                    Note(
                        line.page,
                        f"note calls touch with no separator ({calls} reads as one "
                        f"number): “{text}”",
                        code="touching_calls",
                        args={"calls": calls, "text": text},
                    )
                )
    return notes


def hyphen_ladder(layout: Layout) -> list[Note]:
    """Rule 3: :data:`LADDER` or more hyphenated lines in a row."""
    notes, run = [], []
    for line in [*layout.lines, None]:
        if line is not None and line.hyphenated:
            run.append(line)
            continue
        if len(run) >= LADDER:
            text = _piece(run[0].text, end=True)
            notes.append(
                Note(
                    run[0].page,
                    f"{len(run)} hyphenated lines in a row, from “{text}”",
                    run[0],
                    code="hyphen_ladder",
                    args={"count": len(run), "text": text},
                )
            )
        run = []
    return notes


def fragment_last_line(layout: Layout) -> list[Note]:
    """Rule 4: a paragraph of several lines ending on a short word or on the end of a
    hyphenated word, alone."""
    notes = []
    for paragraph in _paragraphs(layout.lines):
        if len(paragraph) < 2 or paragraph[-1].role not in ("body", "list", "note", "other"):
            continue
        last, before = paragraph[-1], paragraph[-2]
        words = last.text.split()
        if last.address and not before.hyphenated:
            continue  # the end of a web address, broken anywhere as addresses are
        if len(words) == 1 and (before.hyphenated or _letters(words[0]) < MIN_LAST_LINE):
            what = "the end of a hyphenated word" if before.hyphenated else "a short word"
            text = _piece(before.text + " / " + last.text, end=True)
            notes.append(
                Note(
                    last.page,
                    f"a paragraph ends on {what} alone: “{text}”",
                    code="fragment_hyphen_end" if before.hyphenated else "fragment_short_word",
                    args={"text": text},
                )
            )
    return notes


def hyphen_across_pages(layout: Layout) -> list[Note]:
    """Rule 5: the last line of a page ends hyphenated (the reader turns the page mid-word)."""
    lines = layout.lines
    return [
        Note(
            line.page,
            f"a word is hyphenated across the page turn: “{text}”",
            line,
            code="hyphen_across_pages",
            args={"text": text},
        )
        for line, following in pairwise(lines)
        if line.hyphenated and following.page != line.page
        for text in (_piece(line.text, end=True),)
    ]


def lonely_last_word(layout: Layout) -> list[Note]:
    """Rule 6: a heading or slogan of several lines whose last line is one word."""
    notes = []
    for paragraph in _paragraphs(layout.lines):
        last = paragraph[-1]
        if (
            len(paragraph) >= 2
            and last.role in ("heading", "slogan")
            and len(last.text.split()) == 1
        ):
            text = _piece(paragraph[-2].text + " / " + last.text, end=True)
            notes.append(
                Note(
                    last.page,
                    f"one word alone on the last line of a {last.role}: “{text}”",
                    last,
                    code=f"lonely_last_word_{last.role}",
                    args={"text": text},
                )
            )
    return notes


def line_length(layout: Layout) -> list[Note]:
    """Rule 7: full lines of body paragraphs (not last lines, headings, notes or lists) with
    fewer than :data:`MIN_CHARACTERS` or more than :data:`MAX_CHARACTERS` characters; one
    note per page and kind, with the worst line."""
    short: dict[int, list[Line]] = {}
    long: dict[int, list[Line]] = {}
    for paragraph in _paragraphs(layout.lines):
        for line in paragraph[:-1]:
            if line.role != "body":
                continue
            count = len(line.text.strip())
            if count < MIN_CHARACTERS:
                short.setdefault(line.page, []).append(line)
            elif count > MAX_CHARACTERS:
                long.setdefault(line.page, []).append(line)
    notes = []
    for found, code, limit, worst in (
        (short, "short_lines", f"fewer than {MIN_CHARACTERS}", min),
        (long, "long_lines", f"more than {MAX_CHARACTERS}", max),
    ):
        for page, lines in found.items():
            line = worst(lines, key=lambda line: len(line.text.strip()))
            count, characters, text = len(lines), len(line.text.strip()), _piece(line.text)
            notes.append(
                Note(
                    page,
                    f"{count} body line{'s' * (count > 1)} of {limit} "
                    f"characters (full lines of body paragraphs counted; e.g. "
                    f"{characters}: “{text}”)",
                    code=code,
                    args={
                        "count": count,
                        "limit": MIN_CHARACTERS if code == "short_lines" else MAX_CHARACTERS,
                        "characters": characters,
                        "text": text,
                    },
                )
            )
    return notes


def mostly_empty_page(layout: Layout) -> list[Note]:
    """Rule 8: a page less than half full (not a designed page, nor the only page)."""
    if len(layout.pages) < 2:
        return []
    return [
        Note(
            page.number,
            f"the page is only {percent}% full",
            code="mostly_empty_page",
            args={"percent": percent},
        )
        for page in layout.pages
        if not page.designed and page.fill < MIN_FILL
        for percent in (int(f"{page.fill:.0%}".rstrip("%")),)
    ]


def heading_at_page_foot(layout: Layout) -> list[Note]:
    """Rule 9: a heading followed by fewer than :data:`HEADING_KEEP` lines at the foot of its
    page (or column) while its text goes on overleaf (or in the next column)."""
    notes = []
    lines = layout.lines
    designed = {page.number for page in layout.pages if page.designed}
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        if line.role != "heading" or following is None or following.paragraph == line.paragraph:
            continue
        if line.page in designed:
            continue  # a cover's title set alone above its page's turn is the design
        below = 0
        for after in lines[index + 1 :]:
            if after.page != line.page or after.top < line.top:
                break  # the next page or column
            below += 1
        else:
            continue  # the document ends on this page: nothing is parted
        if below < HEADING_KEEP:
            text = _piece(line.text)
            notes.append(
                Note(
                    line.page,
                    f"a heading in the last {HEADING_KEEP} lines of the page or column, "
                    f"its text following after the turn: “{text}”",
                    code="heading_at_page_foot",
                    args={"lines": HEADING_KEEP, "text": text},
                )
            )
    return notes


def overflow(layout: Layout) -> list[Note]:
    """Rule 10: a line wider than its box, or reaching below its page's text area."""
    bottoms = {page.number: page.bottom for page in layout.pages}
    notes = []
    for line in layout.lines:
        text = _piece(line.text)
        if line.right > line.box_right + EPSILON or line.left < line.box_left - EPSILON:
            notes.append(
                Note(
                    line.page,
                    f"a line runs out of its column: “{text}”",
                    code="line_out_of_column",
                    args={"text": text},
                )
            )
        elif line.bottom > bottoms.get(line.page, line.bottom) + EPSILON:
            notes.append(
                Note(
                    line.page,
                    f"a line runs below the page's text area: “{text}”",
                    code="line_below_text_area",
                    args={"text": text},
                )
            )
    return notes


#: Languages that capitalise every noun: a capital inside a sentence is no name there.
NOUNS_CAPITALISED = frozenset({"de", "lb"})
#: What ends a sentence: the next word's capital says nothing.
_SENTENCE_END = '.!?:…»”"'


def hyphenated_name(layout: Layout) -> list[Note]:
    """Rule 11: a line ending on the start of a capitalised word, hyphenated, where a capital
    inside a sentence is a name ("Zaporiz-hzhia", "Dnipro-petrovsk" read badly)."""
    notes = []
    for line in layout.lines:
        # Only where the language is known (a finished PDF's lines do not carry it).
        language = line.lang.split("-")[0].lower()
        if not line.hyphenated or not language or language in NOUNS_CAPITALISED:
            continue
        words = line.text.split()
        if len(words) >= 2 and words[-1][:1].isupper() and words[-2][-1:] not in _SENTENCE_END:
            text = _piece(line.text, end=True)
            notes.append(
                Note(
                    line.page,
                    f"a proper name is hyphenated: “{text}”",
                    line,
                    code="hyphenated_name",
                    args={"text": text},
                )
            )
    return notes


#: The rules, in the order of the module docstring.
RULES: tuple[Callable[[Layout], list[Note]], ...] = (
    call_starts_line,
    touching_calls,
    hyphen_ladder,
    fragment_last_line,
    hyphen_across_pages,
    lonely_last_word,
    line_length,
    mostly_empty_page,
    heading_at_page_foot,
    overflow,
    hyphenated_name,
)
