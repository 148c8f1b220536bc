"""leaflet: typeset campaign and political statements into print-ready PDFs.

The root package is the public API::

    import leaflet

    statement = leaflet.load_statement("statement.md")
    result = leaflet.render_statement(statement, leaflet.RenderOptions(format="a5-fold"))
    leaflet.write_atomic(Path("statement-a5-fold.pdf"), result.pdf)

Names are loaded on first use (PEP 562), so that importing :mod:`leaflet` — and running
``leaflet --help`` — never loads WeasyPrint, pypdf or Jinja2.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name → the module that defines it.
_EXPORTS = {
    "Statement": "model",
    "load_statement": "source",
    "parse_statement": "source",
    "RenderOptions": "pipeline",
    "RenderResult": "pipeline",
    "render_statement": "pipeline",
    "write_atomic": "output",
    "FORMATS": "formats",
    "Format": "formats",
    "get_format": "formats",
    "Template": "templates",
    "builtin_templates": "templates",
    "get_template": "templates",
    "ImposeOptions": "imposition",
    "ImposedPDF": "imposition",
    "impose": "imposition",
    "ImportResult": "importer",
    "import_file": "importer",
    "import_text": "importer",
    "import_html": "importer",
    "parse_length": "units",
    "LeafletError": "errors",
    "SourceError": "errors",
    "UsageError": "errors",
    "TemplateError": "errors",
    "RenderError": "errors",
    "ImposeError": "errors",
    "FormatError": "errors",
    "OutputError": "errors",
    "LayoutError": "errors",
    "Note": "preflight",
    "check_pdf": "check",
    "CheckReport": "check",
}

__all__ = [
    "FORMATS",
    "CheckReport",
    "Format",
    "FormatError",
    "ImportResult",
    "ImposeError",
    "ImposeOptions",
    "ImposedPDF",
    "LayoutError",
    "LeafletError",
    "Note",
    "OutputError",
    "RenderError",
    "RenderOptions",
    "RenderResult",
    "SourceError",
    "Statement",
    "Template",
    "TemplateError",
    "UsageError",
    "__version__",
    "builtin_templates",
    "check_pdf",
    "get_format",
    "get_template",
    "import_file",
    "import_html",
    "import_text",
    "impose",
    "load_statement",
    "parse_length",
    "parse_statement",
    "render_statement",
    "write_atomic",
]

if TYPE_CHECKING:
    from .check import CheckReport, check_pdf
    from .errors import (
        FormatError,
        ImposeError,
        LayoutError,
        LeafletError,
        OutputError,
        RenderError,
        SourceError,
        TemplateError,
        UsageError,
    )
    from .formats import FORMATS, Format, get_format
    from .importer import ImportResult, import_file, import_html, import_text
    from .imposition import ImposedPDF, ImposeOptions, impose
    from .model import Statement
    from .output import write_atomic
    from .pipeline import RenderOptions, RenderResult, render_statement
    from .preflight import Note
    from .source import load_statement, parse_statement
    from .templates import Template, builtin_templates, get_template
    from .units import parse_length


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'leaflet' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
