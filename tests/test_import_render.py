"""Every corpus statement imports, then renders with every word in the PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaflet.importer import import_file
from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import parse_statement

from conftest import CORPUS, missing_words

CORPUS_FILES = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not CORPUS_FILES, reason="the shared corpus is not beside this checkout")
@pytest.mark.parametrize("source", CORPUS_FILES, ids=lambda path: path.stem)
def test_imported_corpus_statement_renders_every_word(source: Path, tmp_path: Path) -> None:
    markdown = import_file(source).markdown
    statement_file = tmp_path / "statement.md"
    statement_file.write_text(markdown, encoding="utf-8")
    statement = parse_statement(markdown, statement_file)
    result = render_statement(statement, RenderOptions(format="a5"))
    assert result.page_count >= 1
    assert missing_words(statement.words(), result.pdf) == []
