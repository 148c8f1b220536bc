"""Recognize a line that is nothing but a date, in the forms statements are dated with.

A date line is accepted only when *every* word on it is date vocabulary (a month name, a
weekday, a filler such as "de" or "року", an ordinal suffix), so a sentence that merely
mentions a date is never taken for the statement's date; a place may come first, before a
comma ("Paris, 23 July 2024").

Month and weekday names come from the CLDR data Babel ships, for every language the templates
support: wide and abbreviated names, in the forms used inside a date (Polish "lipca", Ukrainian
"липня", Greek "Ιουλίου") and standing alone ("lipiec", "липень", "Ιούλιος").  Matching ignores
case and accents; a word that starts only one month's names ("Sept", "juil") is that month.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata

from babel.dates import get_day_names, get_month_names

__all__ = ["DATE_LANGUAGES", "parse_date_line"]

#: Languages whose month and weekday names are read (the languages templates support).
DATE_LANGUAGES = ("en", "es", "fr", "de", "it", "pt", "pl", "uk", "ru", "be", "el")

#: Words that may stand between the parts of a date ("23 de julio de 2024", "23 липня 2024 р."),
#: and ordinal suffixes ("23rd", "1er", "1º"); accents removed, as matching does.
_FILLERS = frozenset({
    "de", "del", "of", "the", "le", "am", "den", "el", "em", "do", "il", "lo", "dia",
    "st", "nd", "rd", "th", "er", "e", "o", "a", "º", "ª",
    "року", "рік", "р", "года", "год", "г", "roku", "r", "ετους",
})  # fmt: skip
#: Common abbreviations CLDR does not list.
_EXTRA_WEEKDAYS = frozenset({"tues", "thur", "thurs"})

_TOKEN = re.compile(r"\d+|[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")
_ALLOWED = re.compile(r"^[\w\s.,/'’ʼ()°-]*$")
_MAX_LENGTH = 60
#: A place before the date: one to three capitalized words and a comma ("Kyiv, 23 липня 2024").
_PLACE = re.compile(
    r"^(?P<place>[^\W\d_][\w'’ʼ.-]*(?:[ -][^\W\d_][\w'’ʼ.-]*){0,2}),\s+(?P<date>\S.*)$"
)
#: Shortest word read as the start of a month's name ("Sep", "lip").
_MIN_PREFIX = 3


def parse_date_line(line: str) -> datetime.date | None:
    """The date *line* states, or None if the line is anything more than a date (or a place
    and a date: "Paris, 23 July 2024")."""
    line = line.strip()
    if len(line) > _MAX_LENGTH:
        return None
    place = _PLACE.match(line)
    if place and all(word[:1].isupper() for word in place.group("place").split()):
        line = place.group("date")
    return _parse(_fold(line))


def _parse(text: str) -> datetime.date | None:
    """The date in folded *text* that holds nothing else."""
    if not text or not _ALLOWED.match(text):
        return None
    numbers: list[str] = []
    months: list[int] = []
    either: list[int] = []  # "mar.": March, or Tuesday in French, Spanish and Italian
    weekdays, months_too = _weekdays()
    for token in _TOKEN.findall(text):
        if token.isdigit():
            numbers.append(token)
        elif token in weekdays or token in _FILLERS:
            continue
        elif (month := _month(token)) is not None:
            (either if token in months_too else months).append(month)
        else:
            return None
    months = months or either
    if len(months) == 1 and len(numbers) == 2:
        return _named_month_date(numbers, months[0])
    if not months and len(numbers) == 3:
        return _numeric_date(numbers)
    return None


def _fold(text: str) -> str:
    """*text* in lower case without accents (``Μαΐου`` → ``μαιου``, ``août`` → ``aout``)."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _words(names: dict[int, str]) -> dict[str, int]:
    """Each word of each name (folded, without a final dot) → the name's number."""
    return {word: number for number, name in names.items() for word in _TOKEN.findall(_fold(name))}


@functools.cache
def _months() -> dict[str, int]:
    names: dict[str, int] = {}
    for lang in DATE_LANGUAGES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                names.update(_words(dict(get_month_names(width, context, lang))))
    return names


@functools.cache
def _weekdays() -> tuple[frozenset[str], frozenset[str]]:
    """Weekday words; and those that are also month words."""
    names: set[str] = set(_EXTRA_WEEKDAYS)
    for lang in DATE_LANGUAGES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                names.update(_words(dict(get_day_names(width, context, lang))))
    return frozenset(names - _months().keys()), frozenset(names & _months().keys())


@functools.cache
def _month(token: str) -> int | None:
    """The month *token* names: a name, the start of one month's names only, or a name
    (abbreviation) followed by more letters ("Sept", "Septemb")."""
    months = _months()
    if token in months:
        return months[token]
    if len(token) < _MIN_PREFIX:
        return None
    starting = {number for name, number in months.items() if name.startswith(token)}
    if len(starting) == 1:
        return starting.pop()
    stems = [name for name in months if len(name) >= _MIN_PREFIX and token.startswith(name)]
    return months[max(stems, key=len)] if stems and not starting else None


def _named_month_date(numbers: list[str], month: int) -> datetime.date | None:
    years = [n for n in numbers if len(n) == 4]
    days = [n for n in numbers if len(n) <= 2]
    if len(years) != 1 or len(days) != 1:
        return None
    return _make(int(years[0]), month, int(days[0]))


def _numeric_date(numbers: list[str]) -> datetime.date | None:
    """``2024-07-23``; ``23.07.2024`` (day first, as in most of the world); ``07/23/2024``."""
    first, second, third = numbers
    if len(first) == 4:
        return _make(int(first), int(second), int(third))
    if len(third) != 4:
        return None
    day, month = int(first), int(second)
    if month > 12 >= day:
        day, month = month, day
    return _make(int(third), month, day)


def _make(year: int, month: int, day: int) -> datetime.date | None:
    if not 1900 <= year <= 2199:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None
