"""The one-direction data flow: source → Statement → HTML → pages → PDF → file.

Each step is its own module; this one only strings them together with the options.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .formats import get_format
from .model import Statement
from .templates import DEFAULT_TEMPLATE, PACKAGE_DIR, get_template

__all__ = ["RenderOptions", "RenderResult", "render_statement", "write_atomic"]


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """Everything that shapes a render; the command line's defaults come from here."""

    format: str = "a4"
    template: str = DEFAULT_TEMPLATE
    #: A character no bundled font has is an error, not a warning (see coverage.py).
    strict: bool = False


@dataclass(frozen=True, slots=True)
class RenderResult:
    pdf: bytes
    html: str
    page_count: int


def render_statement(statement: Statement, options: RenderOptions | None = None) -> RenderResult:
    """Typeset *statement* as *options* say; returns the PDF bytes and the HTML used."""
    # Jinja2 and WeasyPrint load only when something is rendered (fast `leaflet --help`).
    from . import render
    from .compose import compose_html
    from .coverage import check_coverage

    options = options or RenderOptions()
    fmt = get_format(options.format)
    template = get_template(options.template)
    check_coverage(statement, template, strict=options.strict)
    html = compose_html(statement, fmt, template)
    folder = statement.folder or Path.cwd()
    roots = (
        [PACKAGE_DIR, template.folder, folder]
        if statement.folder
        else [PACKAGE_DIR, template.folder]
    )
    laid_out = render.layout(html, base_url=folder, roots=roots)
    identifier = hashlib.sha256(f"{options!r}\0{html}".encode()).hexdigest()[:32].encode()
    pdf = render.write_pdf(laid_out, identifier=identifier)
    return RenderResult(pdf, html, laid_out.page_count)


def write_atomic(path: Path, data: bytes) -> None:
    """Write *data* to *path* through a temporary file and a rename: a failed run never leaves
    a partial file, and never replaces a good file with a broken one."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
