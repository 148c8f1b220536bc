"""Glyph coverage preflight: characters no bundled font has are named before rendering."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from leaflet.coverage import check_coverage, missing_characters
from leaflet.errors import RenderError
from leaflet.source import load_statement, parse_statement
from leaflet.templates import builtin_templates, get_template

from conftest import EXAMPLES, run_cli

UNCOVERED = '---\ntitle: "Solidarity ✊ 团结"\n---\n\nWe stand together 🤝 (团结).\n'


def test_missing_characters_in_order_ignoring_invisible_ones() -> None:
    texts = ["Solidarity ✊\ufe0f 团结", "soft\u00adhyphen, zero\u200dwidth, ₴ ₽ € №", "Ελλάδα Ґґ"]
    assert missing_characters(texts, ["Fira Sans"]) == ["✊", "团", "结"]


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.md")), ids=lambda p: p.stem)
def test_examples_are_covered_by_every_template(example: Path) -> None:
    statement = load_statement(example)
    for template in builtin_templates().values():
        assert missing_characters(statement.texts(), template.fonts) == []


def test_uncovered_characters_are_a_warning_naming_them(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="leaflet.coverage"):
        check_coverage(parse_statement(UNCOVERED), get_template("zine"))
    (record,) = caplog.records
    message = record.getMessage()
    assert "U+270A ✊" in message and "U+56E2 团" in message and "U+1F91D 🤝" in message
    assert "'zine'" in message
    assert message.count("U+56E2") == 1  # each character once


def test_strict_makes_it_an_error() -> None:
    with pytest.raises(RenderError, match=r"U\+1F91D 🤝"):
        check_coverage(parse_statement(UNCOVERED), get_template("classic"), strict=True)


def test_covered_statement_is_silent(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="leaflet.coverage"):
        check_coverage(load_statement(EXAMPLES / "uk-labour-rights.md"), get_template("bold"))
    assert caplog.records == []


def test_cli_warns_and_still_renders(tmp_path: Path) -> None:
    source = tmp_path / "statement.md"
    source.write_text(UNCOVERED, encoding="utf-8")
    result = run_cli("render", source, "-f", "a5", "-o", tmp_path / "out.pdf")
    assert result.code == 0
    assert "leaflet: warning:" in result.err and "U+1F91D" in result.err
    assert (tmp_path / "out.pdf").is_file()


def test_cli_strict_exits_2_without_output(tmp_path: Path) -> None:
    source = tmp_path / "statement.md"
    source.write_text(UNCOVERED, encoding="utf-8")
    result = run_cli("render", source, "--strict", "-o", tmp_path / "out.pdf")
    assert result.code == 2
    assert result.err.startswith("leaflet: error:") and "U+270A ✊" in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "out.pdf").exists()
