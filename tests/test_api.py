"""The root package is the public API, loaded lazily."""

from __future__ import annotations

import subprocess
import sys

import leaflet

from conftest import EXAMPLES, pdf_reader


def test_every_public_name_resolves() -> None:
    for name in leaflet.__all__:
        assert getattr(leaflet, name) is not None, name


def test_render_through_the_public_api(tmp_path) -> None:  # type: ignore[no-untyped-def]
    statement = leaflet.load_statement(EXAMPLES / "es-vivienda.md")
    result = leaflet.render_statement(statement, leaflet.RenderOptions(format="a5"))
    leaflet.write_atomic(tmp_path / "out.pdf", result.pdf)
    assert len(pdf_reader(tmp_path / "out.pdf").pages) == result.page_count
    assert issubclass(leaflet.SourceError, leaflet.LeafletError)


def test_importing_leaflet_loads_no_heavy_library() -> None:
    code = (
        "import sys, leaflet; "
        "print(sorted(m for m in ('weasyprint', 'pypdf', 'jinja2', 'markdown_it') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
