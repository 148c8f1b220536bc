"""The library's messages in the page's language.

The library speaks English: the layout preflight's notes, the renderer's and the reader's
warnings, a statement's errors, the importer's guesses.  The studio shows them in the page's
language where it can tell reliably what a message says:

* a preflight note carries its kind and its pieces (:attr:`leaflet.preflight.Note.code` and
  ``args``): each code has a message here (:data:`NOTES`);
* the other messages have no code: the most common ones are recognized by their whole English
  wording (:data:`WARNINGS`, :data:`ERRORS`, :data:`GUESSES`; a pattern's named groups are the
  message's pieces, a quoted piece taken out of its quotes);
* the studio's own refusals name their code where they are made (:data:`STUDIO`).

Each message is a gettext msgid with named fields (``"a note call starts a line, parted from
its word: “{text}”"``), translated in the studio's catalogues like the page's own text
(``scripts/studio-messages.py`` lists them in the template).  A message not recognized, or not
translated yet, stays in English, and the page marks it ``lang="en"``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..preflight import NOTE_CODES
from .i18n import DEFAULT_LANGUAGE, N_, translations

__all__ = [
    "ERRORS",
    "GUESSES",
    "LIBRARY_MESSAGES",
    "NOTES",
    "STUDIO",
    "WARNINGS",
    "Known",
    "described",
    "identify",
    "translated",
]


@dataclass(frozen=True, slots=True)
class Known:
    """A message the studio recognizes by its English wording (*pattern*, matched whole)."""

    code: str
    pattern: re.Pattern[str]


def _known(code: str, pattern: str) -> Known:
    return Known(code, re.compile(pattern, re.DOTALL))


def _fixed(code: str, text: str) -> Known:
    return Known(code, re.compile(re.escape(text)))


#: A piece the library quotes as Python writes a string (``'…'``, or ``"…"`` when it holds ').
_REPR = r"""'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*\""""

#: The preflight's notes, by :data:`leaflet.preflight.NOTE_CODES`.
NOTES: dict[str, str] = {
    "call_starts_line": N_("a note call starts a line, parted from its word: “{text}”"),
    "touching_calls": N_(
        "note calls touch with no separator ({calls} reads as one number): “{text}”"
    ),
    "hyphen_ladder": N_("hyphenated lines in a row: {count}, from “{text}”"),
    "fragment_short_word": N_("a paragraph ends on a short word alone: “{text}”"),
    "fragment_hyphen_end": N_("a paragraph ends on the end of a hyphenated word alone: “{text}”"),
    "hyphen_across_pages": N_("a word is hyphenated across the page turn: “{text}”"),
    "lonely_last_word_heading": N_("one word alone on the last line of a heading: “{text}”"),
    "lonely_last_word_slogan": N_("one word alone on the last line of a slogan: “{text}”"),
    "short_lines": N_(
        "body lines of fewer than {limit} characters: {count} (full lines of body paragraphs "
        "counted; e.g. {characters}: “{text}”)"
    ),
    "long_lines": N_(
        "body lines of more than {limit} characters: {count} (full lines of body paragraphs "
        "counted; e.g. {characters}: “{text}”)"
    ),
    "mostly_empty_page": N_("the page is only {percent}% full"),
    "heading_at_page_foot": N_(
        "a heading in the last {lines} lines of the page or column, its text following after "
        "the turn: “{text}”"
    ),
    "line_out_of_column": N_("a line runs out of its column: “{text}”"),
    "line_below_text_area": N_("a line runs below the page's text area: “{text}”"),
    "hyphenated_name": N_("a proper name is hyphenated: “{text}”"),
}
assert set(NOTES) == set(NOTE_CODES), "every preflight note has its message"

#: The library's warnings the studio recognizes (after ``statement.md:N:``, which gives the
#: line), and their messages.
WARNINGS: tuple[Known, ...] = (
    _known(
        "note_never_referenced",
        r"note \[\^(?P<label>[^\]]+)\] is never referenced; it is printed after the others",
    ),
    _known(
        "unknown_key",
        rf"unknown front-matter key (?P<key>{_REPR}) ignored \(known: (?P<known>[\w, -]+)\)",
    ),
    _known(
        "missing_character",
        r"(?:[\w.-]+: )?no bundled font of template '(?P<template>[\w-]+)' has this character: "
        r"(?P<characters>.+) \(they would print as empty boxes\)",
    ),
    _known(
        "missing_characters",
        r"(?:[\w.-]+: )?no bundled font of template '(?P<template>[\w-]+)' has these "
        r"characters: (?P<characters>.+) \(they would print as empty boxes\)",
    ),
    _fixed("raw_html_block", "raw HTML is not allowed; its tags were dropped"),
    _known("raw_html", rf"raw HTML (?P<html>{_REPR}) dropped"),
    _known(
        "raw_html_lang",
        rf"raw HTML (?P<html>{_REPR}) dropped \(mark a passage in another language as "
        r"\[its text\]\{lang=(?P<lang>[\w-]+)\}\)",
    ),
    _known(
        "image_not_in_folder",
        rf"image (?P<image>{_REPR}) is not a file in the statement's folder; its description "
        r"is printed instead",
    ),
    _fixed("attributes_without_block", "attributes with no block below them ignored"),
    _known("attributes_ignored", r"attribute (?P<names>.+) ignored \(only lang=… is read\)"),
    _known(
        "more_warnings",
        r"(?:[\w.-]+: )?… and (?P<count>\d+) more warnings like these",
    ),
)

#: A statement's errors the studio recognizes (the message after ``statement.md:N:``).
ERRORS: tuple[Known, ...] = (
    _known("yaml_error", r"front matter is not valid YAML: (?P<problem>.+)"),
    _fixed("no_title", "front matter has no 'title:' (it is required)"),
    _fixed(
        "no_front_matter",
        "missing front matter: start the file with a '---' line, 'title: …', and '---'",
    ),
    _fixed("front_matter_not_closed", "front matter is not closed by a '---' line"),
    _fixed("front_matter_not_mapping", "front matter must be 'key: value' lines"),
    _fixed("statement_empty", "the statement is empty"),
    _known(
        "note_not_defined",
        r"footnote \[\^(?P<label>[^\]]+)\] is referenced but never defined "
        r"\(add a line '\[\^(?P=label)\]: …'\)",
    ),
    _known(
        "note_defined_twice",
        r"note \[\^(?P<label>[^\]]+)\] is defined twice, on lines (?P<first>\d+) and "
        r"(?P<second>\d+): give each note its own label",
    ),
    _known(
        "wrong_date",
        rf"'(?P<key>\w+)' must be a (?:real )?date written YYYY-MM-DD, not (?P<value>{_REPR})",
    ),
    _known("wrong_text", r"'(?P<key>\w+)' must be a single text, not (?P<value>.+)"),
    _known(
        "wrong_list",
        rf"'(?P<key>\w+)' must be a list of texts \('- …' lines\), not (?P<value>{_REPR})",
    ),
    _known(
        "wrong_language",
        rf"'(?P<key>\w+)' must be a language tag such as en, es, uk, pt-BR, not "
        rf"(?P<value>{_REPR})",
    ),
    _known(
        "wrong_colour",
        rf"'(?P<key>\w+)' must be a colour such as '#c8102e' or 'red', not (?P<value>{_REPR})",
    ),
    _known(
        "wrong_address",
        rf"'(?P<key>\w+)' must be a web address such as example.org or "
        rf"https://example.org/join, not (?P<value>{_REPR})",
    ),
)

#: What the importer guessed (each ``line N: …``; the line is taken apart first).
GUESSES: tuple[Known, ...] = (
    _known("guess_lang", r"lang: (?P<lang>[\w-]+) \((?P<script>\w+) script\)"),
    _known(
        "guess_lang_words",
        r"lang: (?P<lang>[\w-]+) \((?P<script>\w+) script, (?P<score>\d+) common (?P=lang) "
        r"words and letters against (?P<other_score>\d+) (?P<other>[\w-]+)\)",
    ),
    _known(
        "guess_lang_assumed",
        r"lang: (?P<lang>[\w-]+) \((?P<script>\w+) script, no common words recognized; "
        r"(?P=lang) assumed\)",
    ),
    _known("guess_date", rf"date: (?P<date>[\d-]+) \(read from (?P<text>{_REPR})\)"),
    _known(
        "guess_second_date",
        rf"second date ignored \((?P<text>{_REPR}) differs from (?P<date>[\d-]+)\)",
    ),
    _fixed("guess_text_before_headline", "text before the headline (kept as body text)"),
    _fixed("guess_title_lines", "title (headline of several lines)"),
    _fixed("guess_title_lines_rest", "title (headline of several lines; the rest is body text)"),
    _fixed("guess_title_subtitle_lines", "title + subtitle (headline of several lines)"),
    _fixed(
        "guess_title_subtitle_lines_rest",
        "title + subtitle (headline of several lines; the rest is body text)",
    ),
    _fixed("guess_title_subtitle_sentences", "title + subtitle (headline of two sentences)"),
    _fixed("guess_title_sentence", "title (first sentence; the rest is body text)"),
    _fixed("guess_title_subtitle_short", "title + subtitle (short line after headline)"),
    _fixed("guess_author", "author (closing block of short lines (signature))"),
    _known(
        "guess_heading",
        rf"heading (?P<text>{_REPR}) \(short line before the text it introduces\)",
    ),
    _known("guess_slogans", r"slogans \((?P<count>\d+)\) \(short lines ending in '!'\)"),
    _known(
        "guess_marker_unmatched",
        rf"(?P<marker>{_REPR}) looks like a note marker, but there is no note (?P<label>\S+): "
        r"left as text",
    ),
    _known(
        "guess_marker_glued",
        rf"(?P<word>{_REPR}) read as text \+ a reference to note (?P<label>\S+)",
    ),
    _known(
        "guess_note_unreferenced",
        r"note (?P<label>\S+) is never referenced; add \[\^(?P=label)\] where it belongs",
    ),
)

#: The messages of the codes of :data:`WARNINGS`, :data:`ERRORS` and :data:`GUESSES`.
_RECOGNIZED: dict[str, str] = {
    "note_never_referenced": N_(
        "note [^{label}] is never referenced; it is printed after the others"
    ),
    "unknown_key": N_("unknown front-matter key “{key}” ignored (known: {known})"),
    "missing_character": N_(
        "no bundled font of template “{template}” has this character: {characters} (it would "
        "print as an empty box)"
    ),
    "missing_characters": N_(
        "no bundled font of template “{template}” has these characters: {characters} (they "
        "would print as empty boxes)"
    ),
    "raw_html_block": N_("raw HTML is not allowed; its tags were dropped"),
    "raw_html": N_("raw HTML “{html}” dropped"),
    "raw_html_lang": N_(
        "raw HTML “{html}” dropped (mark a passage in another language as "
        "[its text]{{lang={lang}}})"
    ),
    "image_not_in_folder": N_(
        "image “{image}” is not a file in the statement's folder; its description is printed "
        "instead"
    ),
    "attributes_without_block": N_("attributes with no block below them ignored"),
    "attributes_ignored": N_("attribute {names} ignored (only lang=… is read)"),
    "more_warnings": N_("… and more warnings like these: {count}"),
    "yaml_error": N_("the front matter is not valid YAML: {problem}"),
    "no_title": N_("the front matter has no “title:” (it is required)"),
    "no_front_matter": N_(
        "the front matter is missing: start the file with a line “---”, then “title: …”, and “---”"
    ),
    "front_matter_not_closed": N_("the front matter is not closed by a line “---”"),
    "front_matter_not_mapping": N_("the front matter must be lines “key: value”"),
    "statement_empty": N_("the statement is empty"),
    "note_not_defined": N_(
        "footnote [^{label}] is referenced but never defined (add a line “[^{label}]: …”)"
    ),
    "note_defined_twice": N_(
        "note [^{label}] is defined twice, on lines {first} and {second}: give each note its "
        "own label"
    ),
    "wrong_date": N_("“{key}” must be a real date written YYYY-MM-DD, not “{value}”"),
    "wrong_text": N_("“{key}” must be a single text"),
    "wrong_list": N_("“{key}” must be a list of texts (lines “- …”), not “{value}”"),
    "wrong_language": N_("“{key}” must be a language tag such as en, es, uk, pt-BR, not “{value}”"),
    "wrong_colour": N_("“{key}” must be a colour such as “#c8102e” or “red”, not “{value}”"),
    "wrong_address": N_(
        "“{key}” must be a web address such as example.org or https://example.org/join, not "
        "“{value}”"
    ),
    "guess_lang": N_("language: {lang} (from the letters: {script} script)"),
    "guess_lang_words": N_(
        "language: {lang} ({script} script; common words and letters: {score} for {lang}, "
        "{other_score} for {other})"
    ),
    "guess_lang_assumed": N_(
        "language: {lang} ({script} script, no common words recognized; {lang} assumed)"
    ),
    "guess_date": N_("date: {date} (read from “{text}”)"),
    "guess_second_date": N_("second date ignored (“{text}” differs from {date})"),
    "guess_text_before_headline": N_("text before the headline (kept as body text)"),
    "guess_title_lines": N_("title (a headline of several lines)"),
    "guess_title_lines_rest": N_("title (a headline of several lines; the rest is body text)"),
    "guess_title_subtitle_lines": N_("title and subtitle (a headline of several lines)"),
    "guess_title_subtitle_lines_rest": N_(
        "title and subtitle (a headline of several lines; the rest is body text)"
    ),
    "guess_title_subtitle_sentences": N_("title and subtitle (a headline of two sentences)"),
    "guess_title_sentence": N_("title (the first sentence; the rest is body text)"),
    "guess_title_subtitle_short": N_("title and subtitle (a short line after the headline)"),
    "guess_author": N_("author (a closing block of short lines: a signature)"),
    "guess_heading": N_("heading “{text}” (a short line before the text it introduces)"),
    "guess_slogans": N_("slogans: {count} (short lines ending in “!”)"),
    "guess_marker_unmatched": N_(
        "“{marker}” looks like a note marker, but there is no note {label}: left as text"
    ),
    "guess_marker_glued": N_("“{word}” read as text and a reference to note {label}"),
    "guess_note_unreferenced": N_(
        "note {label} is never referenced; add [^{label}] where it belongs"
    ),
}

#: The studio's own refusals that carry a code (:class:`~.api.ApiError`).
STUDIO: dict[str, str] = {
    "unknown_format": N_("unknown format “{name}” (known: {known})"),
    "unknown_template": N_("unknown template “{name}” (known: {known})"),
}

#: An importer's guess: its line, then what was guessed.
_GUESS_LINE = re.compile(r"line (?P<line>\d+): (?P<guess>.*)", re.DOTALL)
GUESS_LINE = N_("line {line}: {guess}")

#: Every message of this module, by code (the catalogues translate each).
LIBRARY_MESSAGES: dict[str, str] = {**NOTES, **_RECOGNIZED, **STUDIO, "guess_line": GUESS_LINE}
assert not {k.code for k in (*WARNINGS, *ERRORS, *GUESSES)} - set(_RECOGNIZED)


def _unquoted(value: str) -> str:
    """A piece the library quoted as Python writes a string, out of its quotes."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        try:
            unquoted = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return value
        if isinstance(unquoted, str):
            return unquoted
    return value


def identify(text: str, known: Iterable[Known]) -> tuple[str, dict[str, str]] | None:
    """The code and pieces of the English message *text*, when one of *known* is it."""
    for entry in known:
        match = entry.pattern.fullmatch(text)
        if match:
            args = {name: _unquoted(value) for name, value in match.groupdict().items()}
            return entry.code, args
    return None


def translated(code: str, args: Mapping[str, Any], language: str) -> str | None:
    """The message *code* with its *args* in *language*; None when the catalogue of
    *language* has no translation of it (or the language is English, the library's own)."""
    message = LIBRARY_MESSAGES.get(code)
    if message is None or language == DEFAULT_LANGUAGE:
        return None
    translation = translations(language).gettext(message)
    if translation == message:
        return None
    try:
        return translation.format_map(args)
    except (KeyError, IndexError, ValueError):  # a translation asking for a piece it lacks
        return None


def described(
    text: str,
    language: str,
    *,
    code: str | None = None,
    args: Mapping[str, Any] | None = None,
    known: Iterable[Known] = (),
) -> dict[str, Any]:
    """An English message as the API gives it: ``text`` (the English), ``code`` and ``args``
    (null when the message is not one the studio knows), and ``translation`` (``{"lang",
    "text"}``) when the request's *language* has one."""
    if code is None:
        found = identify(text, known)
        if found is not None:
            code, args = found
    entry: dict[str, Any] = {"text": text, "code": code, "args": dict(args or {}) if code else None}
    shown = translated(code, args or {}, language) if code else None
    if shown is not None:
        entry["translation"] = {"lang": language, "text": shown}
    return entry


def described_guess(text: str, language: str) -> dict[str, Any]:
    """An importer's guess (``line N: …``) as :func:`described` gives a message."""
    match = _GUESS_LINE.fullmatch(text)
    if match is None:
        return described(text, language)
    found = identify(match.group("guess"), GUESSES)
    if found is None:
        return described(text, language)
    code, args = found
    entry = described(text, language, code=code, args={"line": match.group("line"), **args})
    if "translation" in entry:
        line = translations(language).gettext(GUESS_LINE)
        guess = entry["translation"]["text"]
        entry["translation"]["text"] = line.format(line=match.group("line"), guess=guess)
    return entry
