"""Typography by language: one table entry per language, applied to every text leaflet sets.

Each entry says what a reader of that language expects of the typesetter: which quotation
marks the typographer puts in, which punctuation keeps a narrow no-break space (U+202F) from
the word beside it (French: inside « » and before ; : ! ?), which hyphenation patterns the
layout uses (the HTML ``lang`` attribute: WeasyPrint hands it to pyphen, whose ``en`` is the
British dictionary, so ``en`` is written ``en-US`` and ``en-GB`` asks for British patterns),
and the shortest word, and word fragments, hyphenation may make (CSS Text 4
``hyphenate-limit-chars``).

:func:`typography` looks a BCP 47 tag up: the whole tag first (``en-GB``), then its language
(``pt-BR`` → ``pt``), then English; :func:`known_typography` does the same without falling
back to English (a passage marked as being in another language must be in the table).
:func:`space_punctuation` applies an entry's spacing to a text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

__all__ = [
    "NARROW_NO_BREAK_SPACE",
    "TABLE",
    "Typography",
    "known_languages",
    "known_typography",
    "space_punctuation",
    "typography",
]

NARROW_NO_BREAK_SPACE = "\u202f"


@dataclass(frozen=True, slots=True)
class Typography:
    """What one language asks of the typesetter."""

    #: Primary open and close, secondary open and close quotation marks.
    quotes: str
    #: The tag set as the HTML ``lang`` attribute: it picks the hyphenation patterns.
    html_lang: str
    #: Shortest hyphenated word, shortest fragment before and after the hyphen.
    hyphenate_limit: tuple[int, int, int] = (6, 3, 3)
    #: Punctuation that takes a narrow no-break space before it (French ; : ! ?).
    space_before: str = ""
    #: Whether guillemets take a narrow no-break space inside them (French « … »).
    space_inside_guillemets: bool = False
    #: Whether a capitalised word inside a sentence (a proper name) is wrapped in a span that
    #: is never hyphenated.  Off in every language: the ``hyphens: manual`` span makes
    #: WeasyPrint 70 end the line after it with a hyphenated word on a short, unjustified line
    #: ("Ukraine are the new sponta-"), worse than a hyphenated name.  Names are kept whole
    #: after layout instead: the preflight finds a hyphenated name (its rule 11, not in German)
    #: and :mod:`leaflet.repair` sets that paragraph without hyphenation.
    keep_names_whole: bool = False

    @property
    def hyphenate_limit_chars(self) -> str:
        """The CSS value of ``hyphenate-limit-chars`` for this language."""
        return " ".join(str(number) for number in self.hyphenate_limit)


#: One entry per language leaflet supports (keys are lower-case tags).
TABLE: dict[str, Typography] = {
    "en": Typography("“”‘’", "en-US"),
    "en-gb": Typography("‘’“”", "en-GB"),
    "es": Typography("«»“”", "es"),
    "fr": Typography("«»“”", "fr", space_before=";:!?", space_inside_guillemets=True),
    "de": Typography("„“‚‘", "de"),
    "it": Typography("«»“”", "it"),
    "pt": Typography("«»“”", "pt"),
    "pt-br": Typography("“”‘’", "pt-BR"),
    "pl": Typography("„”«»", "pl"),
    "uk": Typography("«»„“", "uk"),
    "ru": Typography("«»„“", "ru"),
    "be": Typography("«»„“", "be"),
    "el": Typography("«»“”", "el"),
}
#: English spellings written the British way (pyphen has British and US patterns only).
for _region in ("au", "nz", "ie", "za", "in"):
    TABLE[f"en-{_region}"] = TABLE["en-gb"]


@cache
def typography(lang: str) -> Typography:
    """The table entry for the BCP 47 tag *lang* (whole tag, then language, then English)."""
    return known_typography(lang) or TABLE["en"]


def known_typography(lang: str) -> Typography | None:
    """The table entry for the BCP 47 tag *lang* (whole tag, then language), or None."""
    tag = lang.strip().lower().replace("_", "-")
    return TABLE.get(tag) or TABLE.get(tag.split("-")[0])


def known_languages() -> str:
    """The languages of the table as a message lists them ("be, de, el, en, en-GB, …")."""
    tags = {entry.html_lang for entry in TABLE.values()} | {"en"}
    return ", ".join(sorted(tags - {"en-US"}, key=str.lower))


#: Spaces an author may have typed where the narrow no-break space belongs.
_SPACES = "[ \u00a0\u2009\u202f]"


@cache
def _spacing_rules(space_before: str, inside_guillemets: bool) -> tuple[re.Pattern[str], ...]:
    rules = []
    if space_before:
        # After a word or a closing mark (not after other punctuation: "?!" stays whole), the
        # punctuation ending a clause: followed by a space, the end or a closing mark, so that
        # "12:30" and "a?b" in an address stay as they are.
        marks = re.escape(space_before)
        rules.append(
            re.compile(f"(?<=[^\\s{marks}«(\\[]){_SPACES}*(?=[{marks}](?:$|[\\s{marks}»)\\]”’.…]))")
        )
    if inside_guillemets:
        # A text may end or start at a guillemet (emphasis or a link follows): spaced too.
        rules.append(re.compile(f"(?<=«){_SPACES}*(?=\\S|$)"))
        rules.append(re.compile(f"(?:(?<=\\S)|^){_SPACES}*(?=»)"))
    return tuple(rules)


def space_punctuation(text: str, entry: Typography) -> str:
    """*text* with *entry*'s narrow no-break spaces (a space typed there is replaced, never
    doubled)."""
    for rule in _spacing_rules(entry.space_before, entry.space_inside_guillemets):
        text = rule.sub(NARROW_NO_BREAK_SPACE, text)
    return text
