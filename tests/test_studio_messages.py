"""The library's messages in the studio's languages (:mod:`leaflet.studio.messages`): every
note the layout preflight can make, and every message the studio recognizes, has its msgid and
its Spanish and Ukrainian translations; the library's real warnings, errors and import guesses
are recognized; the API gives them in the request's language (``Accept-Language`` or
``?lang=``), and leaves the others in English, without a translation."""

from __future__ import annotations

import logging
import string
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from leaflet.errors import SourceError
from leaflet.importer import import_text
from leaflet.preflight import NOTE_CODES, Layout, Line, Note, Page, preflight
from leaflet.source import parse_statement
from leaflet.studio import messages
from leaflet.studio.api import _warnings
from leaflet.studio.app import StudioSettings, create_app
from leaflet.studio.i18n import translations

with warnings.catch_warnings():  # Starlette asks for httpx2, which is not installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

TRANSLATED = ("es", "uk")


def fields_of(message: str) -> list[str]:
    """The named fields of a msgid or its translation (``{{`` is a brace, not a field)."""
    return sorted(name for _, name, _, _ in string.Formatter().parse(message) if name)


def line(page: int, text: str, paragraph: int, role: Any = "body", **fields: Any) -> Line:
    return Line(page=page, text=text, role=role, paragraph=paragraph, **fields)


def page(number: int, fill: float = 0.9, bottom: float = 500.0) -> Page:
    return Page(number=number, fill=fill, bottom=bottom)


#: Small layouts that make, between them, every kind of note the preflight has.
LAYOUTS = (
    Layout(
        (page(1), page(2, fill=0.2)),
        (
            line(1, "Fares rose", 1),
            line(1, "1 again this year, and again.", 1, calls=((0, 1),)),
            line(
                1,
                "Fares rose12 again and again and again and again.",
                2,
                calls=((10, 11), (11, 12)),
            ),
            line(1, "The council raised every fa-", 3, hyphenated=True),
            line(1, "re.", 3),
            line(1, "The council raised every fare", 4),
            line(1, "it.", 4),
            line(1, "What you can do", 5, "heading"),
            line(1, "today", 5, "heading"),
            line(1, "Buses for people", 6, "slogan"),
            line(1, "now!", 6, "slogan"),
            line(1, "short line", 7),
            line(1, "x" * 90, 7),
            line(1, "x" * 90, 7),
            line(1, "the end of it all and more", 7),
            line(1, "Too wide for its column", 8, right=120.0, box_right=100.0),
            line(1, "Below the text area", 9, bottom=600.0),
            line(1, "we met in Zaporiz-", 10, hyphenated=True, lang="en"),
            line(1, "hzhia and more.", 10),
        ),
    ),
    Layout(
        (page(1), page(2)),
        (
            line(1, "mmm-", 1, hyphenated=True),
            line(1, "mmm-", 1, hyphenated=True),
            line(1, "mmm-", 1, hyphenated=True),
            line(1, "mmm", 1),
            line(1, "Our demands", 2, "heading", top=480.0),
            line(1, "One and more.", 3, top=490.0),
            line(1, "Two and some mo-", 3, top=495.0, hyphenated=True),
            line(2, "re.", 3, top=10.0),
        ),
    ),
)


def all_notes() -> list[Note]:
    return [note for layout in LAYOUTS for note in preflight(layout)]


def test_every_kind_of_note_has_a_code_and_its_pieces() -> None:
    notes = all_notes()
    assert {note.code for note in notes} == set(NOTE_CODES)
    for note in notes:
        # the pieces are what the English message is made of
        for value in note.args.values():
            assert str(value) in note.message, (note.code, value)
        if "text" in note.args:
            assert f"“{note.args['text']}”" in note.message
        # and the message has a field for each piece (and no other)
        assert set(fields_of(messages.NOTES[note.code])) == set(note.args), note.code


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_note_is_translated(language: str) -> None:
    for note in all_notes():
        shown = messages.translated(note.code, note.args, language)
        assert shown is not None, (language, note.code)
        assert shown != note.message
        if "text" in note.args:  # quoted as the language quotes
            assert f"«{note.args['text']}»" in shown
        for value in note.args.values():
            assert str(value) in shown


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_library_message_has_its_translation(language: str) -> None:
    catalogue = translations(language)
    for code, message in messages.LIBRARY_MESSAGES.items():
        translation = catalogue.gettext(message)
        assert translation and translation != message, (language, code)
        assert "“" not in translation and "”" not in translation, (language, code)
        fields = fields_of(message)
        assert fields_of(translation) == fields, code
        shown = messages.translated(code, {field: f"<{field}>" for field in fields}, language)
        assert shown is not None and all(f"<{field}>" in shown for field in fields)
    assert messages.translated("call_starts_line", {"text": "x"}, "en") is None
    assert messages.translated("no_such_code", {}, language) is None


def shown_warnings(caplog: pytest.LogCaptureFixture, language: str = "es") -> list[dict[str, Any]]:
    """The library's warnings as the API gives them, from the messages a worker collects
    (``statement.md:N: …``)."""
    found = tuple(record.getMessage() for record in caplog.records)
    return _warnings(found, language)


def test_the_readers_warnings_are_recognized(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="leaflet")
    source = (
        "---\ntitle: Fares\ncolour: red\n---\n\n"
        "The lead.<b>bold</b> and <span lang='uk'>текст</span>\n\n"
        "<div>block</div>\n\n![map](/etc/passwd)\n\n{.wide}\n\n"
        "[^unused]: A note nothing refers to.\n"
    )
    parse_statement(source, Path("statement.md"))
    codes = {entry["code"] for entry in shown_warnings(caplog)}
    assert {
        "unknown_key",
        "raw_html",
        "raw_html_lang",
        "raw_html_block",
        "image_not_in_folder",
        "note_never_referenced",
    } <= codes
    assert None not in codes, shown_warnings(caplog)
    unknown = next(entry for entry in shown_warnings(caplog) if entry["code"] == "unknown_key")
    assert unknown["args"]["key"] == "colour" and unknown["line"] == 3
    assert unknown["translation"] == {
        "lang": "es",
        "text": "se ignora la clave desconocida «colour» de la cabecera de datos (se conocen: "
        + unknown["args"]["known"]
        + ")",
    }


def test_a_missing_character_is_recognized(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="leaflet")
    from leaflet.coverage import check_coverage
    from leaflet.templates import get_template

    statement = parse_statement("---\ntitle: Fares\n---\n\nA ☃ snowman.\n", Path("statement.md"))
    check_coverage(statement, get_template("classic"))
    (entry,) = shown_warnings(caplog, "uk")
    assert entry["code"] == "missing_character"
    assert entry["args"] == {"template": "classic", "characters": "U+2603 ☃"}
    assert entry["translation"]["text"].startswith("жоден вбудований шрифт шаблону «classic»")


ERROR_CASES = {
    "---\ntitle: [unclosed\n---\n\nText.\n": "yaml_error",
    "---\nsubtitle: Fares\n---\n\nText.\n": "no_title",
    "Text without front matter.\n": "no_front_matter",
    "---\ntitle: Fares\n\nText.\n": "front_matter_not_closed",
    "---\n- a list\n---\n\nText.\n": "front_matter_not_mapping",
    "---\ntitle: Fares\n---\n\nText[^a].\n": "note_not_defined",
    "---\ntitle: Fares\n---\n\nText[^a].\n\n[^a]: One.\n\n[^a]: Two.\n": "note_defined_twice",
    "---\ntitle: Fares\ndate: 2025-13-45\n---\n\nText.\n": "wrong_date",
    "---\ntitle: Fares\ndate: March\n---\n\nText.\n": "wrong_date",
    "---\ntitle: Fares\nauthor: {a: b}\n---\n\nText.\n": "wrong_text",
    "---\ntitle: Fares\nlang: english!\n---\n\nText.\n": "wrong_language",
    "---\ntitle: Fares\naccent: notacolour\n---\n\nText.\n": "wrong_colour",
    "---\ntitle: Fares\nwebsite: not an address\n---\n\nText.\n": "wrong_address",
}


@pytest.mark.parametrize("source", ERROR_CASES)
def test_the_common_statement_errors_are_recognized(source: str) -> None:
    with pytest.raises(SourceError) as raised:
        parse_statement(source, Path("statement.md"))
    reason = raised.value.reason
    entry = messages.described(reason, "es", known=messages.ERRORS)
    assert entry["code"] == ERROR_CASES[source], reason
    assert entry["translation"]["lang"] == "es"


PASTED = [
    """Stop the fare rise

Riverside Transit Users Union, 14 March 2025

The council raised the bus fare by forty per cent. We will not accept it.[3]

What we demand

1. Reverse the fare rise.

Buses for people, not for profit!
Public transit now!

Maria Lopez
Riverside Transit Users Union

[1] A note nobody calls.
[2] Another one.
""",
    """Житло для всіх. Ми вимагаємо справедливої оренди

12 березня 2025

Рада підняла ціни на оренду. Ми цього не приймемо.

Разом ми сильніші!
""",
    """Vivienda digna

Texto antes.

# Vivienda para todas

El 3 de marzo de 2025 el ayuntamiento subió los alquileres. No lo aceptamos.
El 5 de marzo de 2025 lo repitió.
""",
]


@pytest.mark.parametrize("text", PASTED)
@pytest.mark.parametrize("language", TRANSLATED)
def test_the_importers_guesses_are_recognized(text: str, language: str) -> None:
    imported = import_text(text)
    assert imported.guesses
    for guess in imported.guesses:
        entry = messages.described_guess(guess, language)
        assert entry["code"], guess
        shown = entry["translation"]["text"]
        assert shown.startswith("línea " if language == "es" else "рядок "), shown


def test_an_unknown_message_stays_in_english() -> None:
    entry = messages.described("something the studio has never seen", "es", known=messages.ERRORS)
    assert entry == {"text": "something the studio has never seen", "code": None, "args": None}


# --- through the API -----------------------------------------------------------------------------

#: A zine of eight small pages holds this statement on far fewer: a page is mostly empty.
SHORT_ZINE = """---
title: "Quorum"
---

The council wants to sell the depot. We say no.

[^unused]: A note nothing refers to.
"""


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(StudioSettings(workers=1, warm_up=False))) as test_client:
        yield test_client


def test_a_preview_gives_its_notes_and_warnings_in_the_asked_language(client: TestClient) -> None:
    request = {"source": SHORT_ZINE, "format": "a5-zine"}
    answer = client.post("/api/preview", json=request, headers={"Accept-Language": "es-ES,es"})
    assert answer.status_code == 200, answer.text
    notes = answer.json()["notes"]
    assert notes
    for note in notes:
        assert note["code"] in NOTE_CODES and note["text"]
        expected = messages.translated(note["code"], note["args"], "es")
        assert note["translation"] == {"lang": "es", "text": expected}
    empty = [note for note in notes if note["code"] == "mostly_empty_page"]
    assert empty and empty[0]["translation"]["text"].startswith("la página solo está ocupada en")
    (unused,) = [w for w in answer.json()["warnings"] if w["code"] == "note_never_referenced"]
    assert unused["translation"]["text"] == (
        "la nota [^unused] no se cita en ninguna parte; se imprime después de las demás"
    )
    assert unused["line"] == SHORT_ZINE.count("\n")
    # ?lang= chooses too (the page sends its own language); English: no translation
    answer = client.post("/api/preview?lang=uk", json=request)
    assert {note["translation"]["lang"] for note in answer.json()["notes"]} == {"uk"}
    answer = client.post("/api/preview", json=request)
    assert all("translation" not in note and note["code"] for note in answer.json()["notes"])


def test_errors_are_given_in_the_asked_language(client: TestClient) -> None:
    answer = client.post(
        "/api/preview?lang=es", json={"source": "---\nsubtitle: x\n---\n\nText.\n"}
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"] == "front matter has no 'title:' (it is required)"
    assert body["code"] == "no_title"
    assert body["translation"] == {
        "lang": "es",
        "text": "la cabecera de datos no tiene «title:» (es obligatorio)",
    }
    answer = client.post(
        "/api/render",
        json={"source": SHORT_ZINE, "format": "a9"},
        headers={"Accept-Language": "uk"},
    )
    assert answer.status_code == 400
    assert answer.json()["code"] == "unknown_format"
    assert answer.json()["translation"]["text"].startswith("невідомий формат «a9» (відомі: a4, ")
    # a message the studio does not know: English only
    answer = client.post("/api/preview?lang=es", json={"source": 3})
    assert answer.status_code == 400
    assert answer.json()["code"] is None and "translation" not in answer.json()


def test_import_guesses_in_the_asked_language(client: TestClient) -> None:
    answer = client.post("/api/import?lang=uk", json={"text": PASTED[0], "kind": "txt"})
    assert answer.status_code == 200, answer.text
    imported = answer.json()
    assert [entry["text"] for entry in imported["guess_messages"]] == imported["guesses"]
    assert all(entry["translation"]["lang"] == "uk" for entry in imported["guess_messages"])
    assert any(
        entry["translation"]["text"].startswith("рядок 1: заголовок")
        for entry in imported["guess_messages"]
    )
