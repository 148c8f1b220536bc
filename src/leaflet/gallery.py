"""The template gallery: one statement rendered in every template, so organizers choose by
looking.

For each template the first page (for booklet formats: the first press sheet, front cover on
the right) becomes ``<template>.png`` (rasterized with pypdfium2, the
only module that imports it), and all of them are laid out with their names on a contact sheet,
``gallery.pdf`` (an HTML grid typeset by the same renderer as the leaflets).
"""

from __future__ import annotations

import hashlib
import html
import io
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .fonts import font_face_css
from .formats import get_format
from .model import Statement
from .pipeline import RenderOptions, render_statement, write_atomic
from .templates import PACKAGE_DIR, builtin_templates, get_template

__all__ = [
    "CONTACT_SHEET",
    "GalleryEntry",
    "grid_columns",
    "page_png",
    "render_gallery",
    "write_previews",
]

#: File name of the contact sheet inside the gallery folder.
CONTACT_SHEET = "gallery.pdf"
#: Width of the preview pictures: sharp on screen and in a README, small on disk.
PREVIEW_WIDTH_PX = 900

#: The contact sheet is an A4 page; these are its usable width and height (mm) for the grid
#: once the margins and the heading are taken off, and the gap and caption height per picture.
_SHEET_WIDTH, _SHEET_HEIGHT, _GAP, _CAPTION = 190.0, 250.0, 6.0, 14.0


@dataclass(frozen=True, slots=True)
class GalleryEntry:
    """One template's preview: its name, description, picture (and the picture's height /
    width: a page, or a press sheet for booklet formats) and page count."""

    template: str
    description: str
    png: Path
    aspect: float
    page_count: int


def write_previews(pdf: bytes, folder: Path, stem: str) -> list[Path]:
    """Every page of *pdf* as ``folder/<stem>-<n>.png`` (``render --preview``); the paths."""
    import pypdfium2

    folder.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(pdf)
    count = len(document)
    document.close()
    paths = []
    for index in range(count):
        png, _ = page_png(pdf, page=index)
        path = folder / f"{stem}-{index + 1}.png"
        write_atomic(path, png)
        paths.append(path)
    return paths


def page_png(pdf: bytes, width_px: int = PREVIEW_WIDTH_PX, page: int = 0) -> tuple[bytes, float]:
    """Page *page* of *pdf* as PNG bytes, *width_px* pixels wide, and its height / width."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        pdf_page = document[page]
        bitmap = pdf_page.render(scale=width_px / pdf_page.get_width())
        buffer = io.BytesIO()
        # 256 colours are plenty for type and flat colour, at a third of the file size.
        bitmap.to_pil().quantize(256).save(buffer, format="PNG", optimize=True)
        return buffer.getvalue(), pdf_page.get_height() / pdf_page.get_width()
    finally:
        document.close()


def grid_columns(count: int, aspect: float) -> int:
    """The fewest columns that fit *count* pages of height/width *aspect* on the sheet."""
    for columns in range(1, max(count, 1) + 1):
        width = (_SHEET_WIDTH - _GAP * (columns - 1)) / columns
        rows = math.ceil(count / columns)
        if rows * (width * aspect + _CAPTION + _GAP) <= _SHEET_HEIGHT:
            return columns
    return max(count, 1)


def render_gallery(
    statement: Statement,
    folder: Path,
    *,
    fmt: str = "a4",
    templates: Iterable[str] | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> list[GalleryEntry]:
    """Render *statement* in every template (or those named) into *folder*: one PNG per
    template and the contact sheet; *progress* receives one line per step."""
    names = list(templates) if templates is not None else list(builtin_templates())
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for number, name in enumerate(names, 1):
        started = time.perf_counter()
        entries.append(_preview(statement, folder, fmt, name))
        elapsed = time.perf_counter() - started
        progress(f"[{number}/{len(names)}] {folder / (name + '.png')} ({elapsed:.1f} s)")
    sheet = folder / CONTACT_SHEET
    write_atomic(sheet, _contact_sheet(statement, fmt, entries, folder))
    progress(f"{sheet} ({len(entries)} templates)")
    return entries


def _preview(statement: Statement, folder: Path, fmt: str, name: str) -> GalleryEntry:
    template = get_template(name)
    result = render_statement(statement, RenderOptions(format=fmt, template=name))
    png = folder / f"{template.name}.png"
    picture, aspect = page_png(result.pdf)
    write_atomic(png, picture)
    return GalleryEntry(template.name, template.description, png, aspect, result.page_count)


def _contact_sheet(
    statement: Statement, fmt: str, entries: list[GalleryEntry], folder: Path
) -> bytes:
    """The contact sheet PDF: every preview in a grid, each captioned with its template."""
    from . import render

    columns = grid_columns(len(entries), max(entry.aspect for entry in entries))
    width = (_SHEET_WIDTH - _GAP * (columns - 1)) / columns
    document = _contact_sheet_html(statement, fmt, entries, columns, width)
    laid_out = render.layout(document, base_url=folder, roots=[PACKAGE_DIR, folder])
    identifier = hashlib.sha256(document.encode()).hexdigest()[:32].encode()
    return render.write_pdf(laid_out, identifier=identifier)


def _contact_sheet_html(
    statement: Statement, fmt: str, entries: list[GalleryEntry], columns: int, width_mm: float
) -> str:
    figures = "\n".join(
        f'<figure><img src="{entry.png.resolve().as_uri()}" alt="">'
        f"<figcaption><b>{html.escape(entry.template)} "
        f"<small>{entry.page_count} page{'s' * (entry.page_count != 1)}</small></b>"
        f"{html.escape(entry.description)}</figcaption></figure>"
        for entry in entries
    )
    title = html.escape(statement.title)
    shown = "press sheet" if get_format(fmt).booklet else "page"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>leaflet templates</title>
<style>
{font_face_css([])}
@page {{ size: A4; margin: 10mm; }}
body {{ font-family: "Fira Sans", "Noto Serif"; margin: 0; }}
h1 {{ font-size: 13pt; margin: 0 0 5mm; }}
h1 small {{ font-weight: normal; font-size: 9pt; color: #555; }}
.grid {{ font-size: 0; }}  /* no gaps from the white space between the figures */
figure {{
  display: inline-block; vertical-align: top; width: {width_mm:.2f}mm;
  margin: 0 {_GAP}mm {_GAP}mm 0; break-inside: avoid; font-size: 8pt;
}}
figure:nth-child({columns}n) {{ margin-right: 0; }}
figure img {{ display: block; width: 100%; border: 0.5pt solid #999; box-sizing: border-box; }}
figcaption {{ margin-top: 1.2mm; line-height: 1.2; min-height: {_CAPTION - 2:.0f}mm; }}
figcaption b {{ font-size: 10pt; display: block; }}
figcaption small {{ font-weight: normal; font-size: 8pt; color: #555; }}
</style></head>
<body>
<h1>leaflet templates <small>“{title}”, {html.escape(fmt)}, first {shown}</small></h1>
<div class="grid">
{figures}
</div>
</body></html>
"""
