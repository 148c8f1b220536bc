"""Every template with the booklet and poster formats, in Latin and Cyrillic: nothing lost,
only bundled fonts, no empty boxes."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from leaflet.model import words
from leaflet.pipeline import RenderOptions, RenderResult
from leaflet.source import load_statement
from test_templates import TEMPLATES, render_watching_tofu

from conftest import EXAMPLES, embedded_fonts, not_bundled, pdf_reader, pdfium_text

SOURCES = {"latin": EXAMPLES / "en-free-transit.md", "cyrillic": EXAMPLES / "uk-labour-rights.md"}


@cache
def rendered(source: Path, template: str, fmt: str) -> tuple[RenderResult, list[str]]:
    return render_watching_tofu(
        load_statement(source), RenderOptions(format=fmt, template=template)
    )


def flat(text: str) -> str:
    """Text with line-end hyphens and whitespace removed, case-folded."""
    return re.sub(r"\s+", "", re.sub(r"-\s*\n\s*", "", text)).casefold()


@pytest.mark.parametrize("script", sorted(SOURCES))
@pytest.mark.parametrize("template", TEMPLATES)
def test_booklet_in_every_template(template: str, script: str) -> None:
    result, tofu = rendered(SOURCES[script], template, "a5-fold")
    assert tofu == []
    assert result.page_count % 4 == 0
    text = flat(pdfium_text(result.pdf))
    statement = load_statement(SOURCES[script])
    assert [word for word in statement.words() if word.casefold() not in text] == []
    assert not_bundled(embedded_fonts(result.pdf)) == set()
    assert embedded_fonts(result.pdf)


@pytest.mark.parametrize("script", sorted(SOURCES))
@pytest.mark.parametrize("template", TEMPLATES)
def test_posters_in_every_template(template: str, script: str) -> None:
    result, tofu = rendered(SOURCES[script], template, "poster-a3")
    assert tofu == []
    statement = load_statement(SOURCES[script])
    reader = pdf_reader(result.pdf)
    assert len(reader.pages) == len(statement.slogans)
    for page, slogan in zip(reader.pages, statement.slogans, strict=True):
        text = flat(page.extract_text())
        assert [word for word in words(slogan) if word.casefold() not in text] == []
    assert not_bundled(embedded_fonts(result.pdf)) == set()
