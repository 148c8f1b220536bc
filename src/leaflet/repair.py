"""Repairs after layout: what CSS cannot ask of WeasyPrint, leaflet asks of one more layout.

The layout preflight (:mod:`leaflet.preflight`) finds faults in the final layout.  Some of them
the faulty paragraph's own settings can mend, without touching its text:

* a run of :data:`~leaflet.preflight.LADDER` hyphenated lines: the paragraph hyphenates only
  where a line would otherwise be very loose (``hyphenate-limit-zone``: :data:`LADDER_ZONE`);
* a word hyphenated across a page turn, or a proper name hyphenated: the paragraph is not
  hyphenated, so the line takes the word whole or leaves it to the next (one line's
  adjustment);
* a heading or slogan whose last line holds one word: a narrower measure evens its lines
  (``max-width`` a little over the average line, the block still centred when its text is);
  WeasyPrint has no ``text-wrap: balance``.

The pipeline lays the document out once more with these rules (:func:`repair_css`) and keeps
that layout only when it has fewer faults on as many pages: a repair never costs a page, and a
layout with nothing to repair costs nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .preflight import (
    Note,
    _paragraphs,
    hyphen_across_pages,
    hyphen_ladder,
    hyphenated_name,
    lonely_last_word,
)

if TYPE_CHECKING:
    from .preflight import Line
    from .render import Walk

__all__ = ["LADDER_ZONE", "balance_css", "balanced_measure", "even_measure", "repair_css"]

#: The hyphenation zone of a paragraph that made a ladder (base.css sets 16 % for all text).
LADDER_ZONE = "40%"


def repair_css(walk: Walk, selector: Callable[[Any], str], *, strong: bool = False) -> str:
    """CSS rules mending the faults the preflight's rules find in the layout *walk*
    describes, each naming its paragraph with *selector* (an element → a selector matching it
    alone); empty when there is nothing a rule can mend.  *strong*: after a gentle repair did
    not help, a run of hyphens sets its paragraph without hyphenation."""
    rules: dict[str, dict[str, str]] = {}
    layout, holders = walk.layout, walk.holders
    index = {id(line): number for number, line in enumerate(layout.lines)}

    def add(note: Note, **declarations: str) -> None:
        box = holders[index[id(note.line)]]
        if box is not None and box.element is not None:
            rules.setdefault(selector(box.element), {}).update(declarations)

    ladder = {"hyphens": "manual"} if strong else {"hyphenate_limit_zone": LADDER_ZONE}
    for note in hyphen_ladder(layout):
        add(note, **ladder)
    for note in [*hyphen_across_pages(layout), *hyphenated_name(layout)]:
        add(note, hyphens="manual")
    for note in lonely_last_word(layout):
        last = index[id(note.line)]
        start = last
        while start and layout.lines[start - 1].paragraph == layout.lines[last].paragraph:
            start -= 1
        box = holders[last]
        measure = balanced_measure(layout.lines[start : last + 1], box.width)
        if measure >= box.width:
            continue  # no narrower measure mends it (a stack of one word a line): no layout
        centred = box.style["text_align_all"] == "center"
        margins = {"margin_left": "auto", "margin_right": "auto"} if centred else {}
        add(note, max_width=f"{measure:.2f}px", **margins)
    return "\n".join(
        f"{name} {{ "
        + " ".join(f"{key.replace('_', '-')}: {value} !important;" for key, value in found.items())
        + " }"
        for name, found in rules.items()
    )


def balanced_measure(lines: tuple[Line, ...] | list[Line], width: float) -> float:
    """A measure (at most *width*) at which the lines of a heading that ends on one word end
    on two or more, in as many lines if it can be (else one more).

    The words are broken greedily, as WeasyPrint breaks them, with each word as wide as its
    characters are on average on its line; the measures that give such lines form ranges, and
    the widest range's middle is chosen (the estimate errs by a few per cent either way)."""
    chars = sum(len(line.text.strip()) for line in lines)
    if not chars or len(lines) < 2:
        return width
    words, space = _word_widths(lines)
    if len(words) < 3:
        return width
    step = space / 2
    for extra in (0, 1):
        ranges: list[list[float]] = []
        measure = width
        while measure >= max(words):
            count, last = _greedy(words, measure, space)
            if count <= len(lines) + extra and last >= 2:
                if ranges and ranges[-1][0] - measure <= step * 1.5:
                    ranges[-1][0] = measure
                else:
                    ranges.append([measure, measure])
            measure -= step
        if ranges:
            low, high = max(ranges, key=lambda found: found[1] - found[0])
            return (low + high) / 2
    return width


def _word_widths(lines: tuple[Line, ...] | list[Line]) -> tuple[list[float], float]:
    """Each word's width on *lines*, estimated as its characters times their average width
    on its line, and a space's (the widest character's average)."""
    words: list[float] = []
    space = 0.0
    for line in lines:
        per_char = (line.right - line.left) / max(len(line.text.strip()), 1)
        words += [len(word) * per_char for word in line.text.split()]
        space = max(space, per_char)
    return words, space


def _greedy(sizes: list[float], measure: float, space: float) -> tuple[int, int]:
    """Lines and words on the last line when *sizes* break greedily at *measure*."""
    count, used, last = 1, -space, 0
    for size in sizes:
        if used + space + size > measure and used > 0:
            count, used, last = count + 1, size, 1
        else:
            used, last = used + space + size, last + 1
    return count, last


#: A slogan whose last line is shorter than this share of its longest is evened out.
UNEVEN = 0.6
#: The even measure estimated from character counts is widened this much: the estimate errs
#: by a few per cent, and a measure a little too narrow would add a line.
EVEN_MARGIN = 1.04


def balance_css(walk: Walk, selector: Callable[[Any], str]) -> str:
    """CSS rules evening out the lines of each slogan set in the text's flow (a flat
    leaflet's closing block) whose last line is much shorter than its longest ("… DIGNITY
    IN OUR / SCHOOLS!"): a narrower measure (:func:`even_measure`), the slogan still centred
    when its text is.  A slogan broken by its own line breaks (after a phrase's "!") is left
    as it is; so are headings (:func:`repair_css` mends a one-word last line).  Empty when
    every slogan is even."""
    layout, holders = walk.layout, walk.holders
    index = {id(line): number for number, line in enumerate(layout.lines)}
    rules = []
    for lines in _paragraphs(layout.lines):
        widths = [line.right - line.left for line in lines]
        if (
            len(lines) < 2
            or lines[-1].role != "slogan"
            or widths[-1] >= UNEVEN * max(widths)
            or any(line.text.rstrip().endswith("!") for line in lines[:-1])
        ):
            continue
        box = holders[index[id(lines[-1])]]
        if box is None or box.element is None:
            continue
        measure = even_measure(lines, box.width)
        if measure >= box.width - 1:
            continue
        centred = box.style["text_align_all"] == "center"
        margins = " margin-left: auto !important; margin-right: auto !important;"
        rules.append(
            f"{selector(box.element)} {{ max-width: {measure:.2f}px !important;"
            f"{margins if centred else ''} }}"
        )
    return "\n".join(rules)


def even_measure(lines: tuple[Line, ...] | list[Line], width: float) -> float:
    """The narrowest measure (at most *width*) at which *lines* of a slogan, broken greedily
    with each word as wide as its characters are on average on its line and the last two
    words tied (the slogan's markup ties them), keep their count with two words or more on
    the last line; widened by :data:`EVEN_MARGIN`.  *width* when none is found."""
    words, space = _word_widths(lines)
    if len(words) < 3:
        return width
    words[-2:] = [words[-2] + space + words[-1]]  # the tie
    measure = max(max(words), sum(words) / len(lines))
    while measure < width:
        count, last = _greedy(words, measure, space)
        if count <= len(lines) and (last >= 2 or count == 1):
            return min(width, measure * EVEN_MARGIN)
        measure += space / 2
    return width
