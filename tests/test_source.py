"""The statement parser and model: front matter, body blocks, endnotes, safety rules."""

from __future__ import annotations

import datetime
import json
import logging
from pathlib import Path

import pytest

from leaflet.errors import SourceError
from leaflet.model import ListBlock, Paragraph, Quote
from leaflet.source import load_statement, parse_statement

BASIC = """\
---
title: "Down with it!"
subtitle: Second line
date: 2024-07-23
lang: uk
author: The Committee
slogans:
  - "One!"
  - "Two!"
---

Lead paragraph with a call.[^b]

## First section

Body text.[^a] Again b.[^b]

- demand one
- demand two
  1. nested first
  2. nested second

> pull quote

[^a]: Note A with https://example.org/a-long/path
[^b]: Note B
[^c]: Never referenced
"""


def test_front_matter_fields() -> None:
    statement = parse_statement(BASIC)
    assert statement.title == "Down with it!"
    assert statement.subtitle == "Second line"
    assert statement.date == datetime.date(2024, 7, 23)
    assert statement.lang == "uk"
    assert statement.author == "The Committee"
    assert statement.slogans == ("One!", "Two!")


def test_first_paragraph_is_the_lead() -> None:
    statement = parse_statement(BASIC)
    assert statement.lead is not None
    assert statement.lead.content.text == "Lead paragraph with a call."
    assert statement.blocks[0].kind == "heading"


def test_blocks_and_nested_lists() -> None:
    statement = parse_statement(BASIC)
    kinds = [block.kind for block in statement.blocks]
    assert kinds == ["heading", "paragraph", "list", "quote"]
    demands = statement.blocks[2]
    assert isinstance(demands, ListBlock) and not demands.ordered
    assert len(demands.items) == 2
    nested = demands.items[1].blocks[1]
    assert isinstance(nested, ListBlock) and nested.ordered
    assert [item.blocks[0].content.text for item in nested.items] == [  # type: ignore[union-attr]
        "nested first",
        "nested second",
    ]
    quote = statement.blocks[3]
    assert isinstance(quote, Quote)
    assert isinstance(quote.blocks[0], Paragraph)


def test_notes_numbered_by_first_reference_unreferenced_last(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="leaflet"):
        statement = parse_statement(BASIC, Path("s.md"))
    assert [(n.label, n.number, n.calls) for n in statement.notes] == [
        ("b", 1, 2),
        ("a", 2, 1),
        ("c", 3, 0),
    ]
    assert not statement.notes[2].referenced
    assert any(
        "[^c] is never referenced" in r.getMessage() and "s.md:" in r.getMessage()
        for r in caplog.records
    )


def test_note_calls_link_to_notes_and_back() -> None:
    statement = parse_statement(BASIC)
    assert statement.lead is not None
    assert 'href="#note-1"' in statement.lead.content.html
    assert 'id="call-1-1"' in statement.lead.content.html
    second_call = statement.blocks[1].content.html  # type: ignore[union-attr]
    assert 'id="call-1-2"' in second_call and 'href="#note-2"' in second_call


def test_urls_become_links() -> None:
    statement = parse_statement(BASIC)
    note_a = statement.notes[1].blocks[0]
    assert '<a href="https://example.org/a-long/path">' in note_a.content.html  # type: ignore[union-attr]


def test_undefined_reference_names_label_and_line() -> None:
    text = "---\ntitle: T\n---\n\nFirst.\n\nSecond cites[^missing] here.\n"
    with pytest.raises(SourceError) as caught:
        parse_statement(text, Path("doc.md"))
    assert str(caught.value).startswith("doc.md:7: ")
    assert "[^missing]" in str(caught.value)


def test_reference_in_code_span_is_not_a_note() -> None:
    statement = parse_statement("---\ntitle: T\n---\n\nWrite `[^x]` for a note.\n")
    assert statement.notes == ()


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("no front matter\n", 1, "missing front matter"),
        ("---\ntitle: T\n", 1, "not closed"),
        ("---\ntitle: [unclosed\n---\n", 2, "not valid YAML"),
        ("---\ntitle: T\nbad: x: y\n---\n", 3, "not valid YAML"),
        ("---\nsubtitle: S\n---\nbody\n", 2, "no 'title:'"),
        ("---\ntitle: T\ndate: next tuesday\n---\n", 3, "'date' must be a date"),
        ("---\ntitle: T\nslogans:\n  a: b\n---\n", 3, "'slogans' must be a list"),
        ("---\ntitle: T\nlang: english language\n---\n", 3, "'lang' must be a language tag"),
        ("---\ntitle: [a, b]\n---\n", 2, "'title' must be a single text"),
        ("---\n- a\n- b\n---\n", 2, "must be 'key: value'"),
    ],
)
def test_front_matter_errors_name_file_and_line(text: str, line: int, message: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse_statement(text, Path("st.md"))
    assert str(caught.value).startswith(f"st.md:{line}: ")
    assert message in str(caught.value)


def test_empty_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty.md").write_text("  \n")
    with pytest.raises(SourceError, match="empty"):
        load_statement(tmp_path / "empty.md")


def test_non_utf8_file_names_line(tmp_path: Path) -> None:
    (tmp_path / "latin1.md").write_bytes(b"---\ntitle: T\n---\n\ncaf\xe9\n")
    with pytest.raises(SourceError) as caught:
        load_statement(tmp_path / "latin1.md")
    assert "latin1.md:5" in str(caught.value) and "UTF-8" in str(caught.value)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        load_statement(tmp_path / "nope.md")
    with pytest.raises(SourceError, match="folder"):
        load_statement(tmp_path)


def test_unknown_key_is_a_warning_with_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="leaflet"):
        statement = parse_statement("---\ntitle: T\ncolour: red\n---\n", Path("k.md"))
    assert statement.title == "T"
    assert any("k.md:3" in r.getMessage() and "'colour'" in r.getMessage() for r in caplog.records)


def test_raw_html_is_dropped_but_its_text_kept(caplog: pytest.LogCaptureFixture) -> None:
    text = (
        "---\ntitle: T\n---\n\nLead.\n\nSome <b>bold</b> words.\n\n"
        "<div>Kept words</div>\n\n<script>alert('x')</script>\n"
    )
    with caplog.at_level(logging.WARNING, logger="leaflet"):
        statement = parse_statement(text)
    html = "".join(b.content.html for b in statement.blocks)  # type: ignore[union-attr]
    assert "<b>" not in html and "<div>" not in html and "<script" not in html
    assert "alert" not in html
    assert statement.words()[-4:] == ["bold", "words", "Kept", "words"]
    assert sum("raw HTML" in r.getMessage() for r in caplog.records) == 4


def test_typographic_quotes_follow_language() -> None:
    uk = parse_statement('---\ntitle: T\nlang: uk\n---\n\nHe said "no".\n')
    en = parse_statement('---\ntitle: T\nlang: en\n---\n\nHe said "no".\n')
    assert uk.lead is not None and en.lead is not None
    assert "«no»" in uk.lead.content.text
    assert "“no”" in en.lead.content.text


def test_images_only_from_the_statement_folder(tmp_path: Path) -> None:
    folder = tmp_path / "st"
    folder.mkdir()
    (folder / "logo.png").write_bytes(b"\x89PNG")
    (tmp_path / "outside.png").write_bytes(b"\x89PNG")
    source = folder / "statement.md"
    source.write_text(
        "---\ntitle: T\n---\n\nLead.\n\n![ok](logo.png) ![out](../outside.png) "
        "![web](https://example.org/x.png) ![abs](/etc/passwd)\n"
    )
    paragraph = load_statement(source).blocks[0]
    html = paragraph.content.html  # type: ignore[union-attr]
    assert html.count("<img") == 1
    assert (folder / "logo.png").resolve().as_uri() in html
    assert "outside" not in html and "example.org" not in html and "passwd" not in html
    assert paragraph.content.text.split() == ["ok", "out", "web", "abs"]  # type: ignore[union-attr]


def test_words_cover_every_part() -> None:
    statement = parse_statement(BASIC)
    words = statement.words()
    for word in [
        "Down",
        "Second",
        "Committee",
        "Lead",
        "First",
        "demand",
        "nested",
        "pull",
        "One",
        "Two",
        "Note",
        "Never",
    ]:
        assert word in words


def test_to_dict_is_json() -> None:
    data = json.loads(json.dumps(parse_statement(BASIC).to_dict()))
    assert data["title"] == "Down with it!"
    assert data["date"] == "2024-07-23"
    assert [note["referenced"] for note in data["notes"]] == [True, True, False]
    assert data["blocks"][2]["kind"] == "list"


def test_examples_parse() -> None:
    examples = sorted((Path(__file__).parents[1] / "examples").glob("*.md"))
    assert len(examples) >= 3
    for example in examples:
        statement = load_statement(example)
        assert statement.title and statement.lead is not None and statement.slogans
        assert statement.notes
