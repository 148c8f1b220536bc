"""Recognize a line that is nothing but a date, in the forms statements are dated with.

A date line is accepted only when *every* word on it is date vocabulary (a month name, a
weekday, a filler such as "de" or "року", an ordinal suffix), so a sentence that merely
mentions a date is never taken for the statement's date.  Month names are matched by stem,
which covers full names, abbreviations and grammatical cases ("июля", "липня", "julio").
"""

from __future__ import annotations

import datetime
import re

__all__ = ["parse_date_line"]

#: Month stems (lower case) → month number; the longest matching stem wins.
_MONTH_STEMS: dict[str, int] = {
    # English, Spanish, French, Portuguese, German (Latin script)
    "jan": 1, "ene": 1, "jän": 1,
    "feb": 2, "fév": 2, "fev": 2,
    "mar": 3, "mär": 3,
    "apr": 4, "abr": 4, "avr": 4,
    "may": 5, "mai": 5,
    "jun": 6, "juin": 6,
    "jul": 7, "juil": 7,
    "aug": 8, "ago": 8, "aoû": 8, "aou": 8,
    "sep": 9, "set": 9,
    "oct": 10, "okt": 10, "out": 10,
    "nov": 11,
    "dec": 12, "dic": 12, "déc": 12, "dez": 12,
    # Ukrainian
    "січ": 1, "лют": 2, "бер": 3, "квіт": 4, "трав": 5, "черв": 6,
    "лип": 7, "серп": 8, "верес": 9, "жовт": 10, "листоп": 11, "груд": 12,
    # Russian
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "мая": 5, "май": 5, "июн": 6,
    "июл": 7, "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
    # Belarusian
    "студз": 1, "сак": 3, "крас": 4, "чэрв": 6, "ліп": 7, "жнів": 8,
    "верас": 9, "каст": 10, "ліст": 11, "снеж": 12,
}  # fmt: skip

_WEEKDAYS = frozenset({
    "mon", "monday", "tue", "tues", "tuesday", "wed", "wednesday", "thu", "thur", "thurs",
    "thursday", "fri", "friday", "sat", "saturday", "sun", "sunday",
    "lunes", "martes", "miércoles", "miercoles", "jueves", "viernes", "sábado", "sabado",
    "domingo",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonnabend", "sonntag",
    "segunda", "terça", "terca", "quarta", "quinta", "sexta", "feira",
    "понеділок", "вівторок", "середа", "четвер", "п'ятниця", "пʼятниця", "субота", "неділя",
    "понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье",
    "панядзелак", "аўторак", "серада", "чацвер", "пятніца", "нядзеля",
})  # fmt: skip

#: Words that may stand between the parts of a date ("23 de julio de 2024", "23 липня 2024 р.").
_FILLERS = frozenset({
    "de", "del", "of", "the", "le", "am", "den", "el", "em", "do",
    "st", "nd", "rd", "th", "er", "e", "º", "ª",
    "року", "рік", "р", "года", "год", "г",
})  # fmt: skip

_TOKEN = re.compile(r"\d+|[^\W\d_]+(?:['’ʼ][^\W\d_]+)*")
_ALLOWED = re.compile(r"^[\w\s.,/'’ʼ()-]*$")
_MAX_LENGTH = 60


def parse_date_line(line: str) -> datetime.date | None:
    """The date *line* states, or None if the line is anything more than a date."""
    text = line.strip().lower()
    if not text or len(text) > _MAX_LENGTH or not _ALLOWED.match(text):
        return None
    numbers: list[str] = []
    months: list[int] = []
    for token in _TOKEN.findall(text):
        if token.isdigit():
            numbers.append(token)
        elif token in _WEEKDAYS or token in _FILLERS:
            continue
        elif (month := _month(token)) is not None:
            months.append(month)
        else:
            return None
    if len(months) == 1 and len(numbers) == 2:
        return _named_month_date(numbers, months[0])
    if not months and len(numbers) == 3:
        return _numeric_date(numbers)
    return None


def _month(token: str) -> int | None:
    stems = [stem for stem in _MONTH_STEMS if token.startswith(stem)]
    return _MONTH_STEMS[max(stems, key=len)] if stems else None


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
