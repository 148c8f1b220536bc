"""The template gallery: one statement rendered in every template, so organizers choose by
looking.

For each template the first page (for booklet formats: the first press sheet, front cover on
the right) becomes ``<template>.png`` (rasterized with pypdfium2, the
only module that imports it), and all of them are laid out with their names on a contact sheet,
``gallery.pdf`` (an HTML grid typeset by the same renderer as the leaflets).

In spot inks (``gallery --inks black,fluorescent-pink``) each template is rendered in those
inks and its picture is the composite preview (:func:`separations.composite_pngs`: the inks'
plates multiplied on paper, as they print), not the screen colours; the contact sheet names
the inks.
"""

from __future__ import annotations

import glob
import hashlib
import html
import io
import logging
import math
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .fonts import font_face_css
from .formats import get_format
from .model import Statement
from .output import Output, mark_png, png_mark, write_atomic, write_outputs
from .pipeline import RenderOptions, render_statement
from .templates import PACKAGE_DIR, builtin_templates, get_template

if TYPE_CHECKING:
    from PIL import Image

    from .inks import Ink

__all__ = [
    "CONTACT_SHEET",
    "GalleryEntry",
    "gallery_inks",
    "gallery_outputs",
    "grid_columns",
    "page_pictures",
    "page_png",
    "palette_png",
    "preview_outputs",
    "remove_stale_previews",
    "render_gallery",
    "write_previews",
]

LOGGER = logging.getLogger("leaflet.gallery")

#: File name of the contact sheet inside the gallery folder.
CONTACT_SHEET = "gallery.pdf"
#: The contact sheet's Creator: what tells a later run that leaflet wrote it.
_CONTACT_SHEET_CREATOR = "leaflet gallery"
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
    """Every page of *pdf* as ``folder/<stem>-<n>.png`` (``render --preview``); the paths.

    The pictures are written together (:func:`output.write_outputs`) and replace only pictures
    leaflet wrote as previews of *stem*; those of an earlier, longer run are then removed.
    """
    outputs = preview_outputs(pdf, folder, stem)
    write_outputs(outputs)
    remove_stale_previews(folder, stem, len(outputs))
    return [output.path for output in outputs]


def preview_mark(stem: str) -> str:
    """What a preview picture of *stem* says it is (a PNG text chunk, :func:`mark_png`)."""
    return f"preview {stem}"


def preview_outputs(pdf: bytes, folder: Path, stem: str) -> list[Output]:
    """The preview pictures of *pdf* (:func:`page_pictures`, :data:`PREVIEW_WIDTH_PX` wide),
    to write with the run's other files: each replaces only a picture leaflet wrote as the
    same preview."""
    mark = preview_mark(stem)
    return [
        owned_png(folder / f"{stem}-{index + 1}.png", palette_png(picture), mark)
        for index, picture in enumerate(page_pictures(pdf, PREVIEW_WIDTH_PX))
    ]


def page_pictures(pdf: bytes, width_px: int, pages: int | None = None) -> Iterator[Image.Image]:
    """The pages of *pdf* (the first *pages* of them) as RGB pictures *width_px* wide, on
    white, one after another (PDFium is not thread-safe: one document at a time)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        for index in range(len(document) if pages is None else min(pages, len(document))):
            page = document[index]
            # In RGB order (PDFium's own is BGR): the picture needs no conversion.
            bitmap = page.render(
                scale=width_px / page.get_width(),
                fill_color=(255, 255, 255, 255),
                rev_byteorder=True,
            )
            picture = bitmap.to_pil()
            yield picture if picture.mode == "RGB" else picture.convert("RGB")
    finally:
        document.close()


def palette_png(picture: Image.Image) -> bytes:
    """*picture* as a PNG of 256 colours, fast (a preview: written or sent at once).

    The palette is a fast octree's of the picture at half its size (type, rules and pictures
    look the same at a preview's size), the octree's averages of the paper's white and the
    text's black made exact again; fast compression.  A tenth of the time of a median-cut
    palette with the smallest file, a third of the bytes of an RGB PNG."""
    from PIL import Image

    sample = picture.reduce(2) if min(picture.size) >= 2 else picture
    octree = sample.quantize(256, method=Image.Quantize.FASTOCTREE)
    levels = octree.getpalette() or []
    octree.putpalette([255 if level >= 252 else 0 if level <= 3 else level for level in levels])
    buffer = io.BytesIO()
    picture.quantize(palette=octree, dither=Image.Dither.NONE).save(
        buffer, format="PNG", compress_level=1
    )
    return buffer.getvalue()


def owned_png(path: Path, png: bytes, mark: str) -> Output:
    """*png* marked as *mark*, to write at *path* over nothing but a picture with that mark
    (no *png*: the file's name only, to check before rendering)."""
    return Output(
        path,
        mark_png(png, mark) if png else b"",
        replaces=lambda existing: png_mark(existing) == mark,
        owner=f"a picture leaflet wrote ({mark})",
        make_folder=True,
    )


def remove_stale_previews(folder: Path, stem: str, count: int) -> list[Path]:
    """Remove ``<stem>-<n>.png`` for n > *count* that leaflet wrote as previews of *stem* (an
    earlier run had more pages); other files are never touched.  The paths removed."""
    removed = []
    for path in folder.glob(f"{glob.escape(stem)}-*.png"):
        number = path.name[len(stem) + 1 : -len(".png")]
        if number.isdigit() and int(number) > count and png_mark(path) == preview_mark(stem):
            try:
                path.unlink()
            except OSError as error:
                LOGGER.warning("cannot remove the old preview %s: %s", path, error.strerror)
                continue
            removed.append(path)
    return sorted(removed)


def gallery_outputs(folder: Path, templates: Iterable[str]) -> list[Output]:
    """The files ``render_gallery`` writes into *folder*, without their data: to check before
    rendering that each is new or one leaflet wrote for a gallery."""
    pictures = [owned_png(folder / f"{name}.png", b"", gallery_mark(name)) for name in templates]
    sheet = Output(
        folder / CONTACT_SHEET,
        replaces=_is_contact_sheet,
        owner="a contact sheet leaflet wrote",
        make_folder=True,
    )
    return [*pictures, sheet]


def gallery_mark(template: str) -> str:
    """What a gallery picture of *template* says it is (a PNG text chunk)."""
    return f"gallery {template}"


def _is_contact_sheet(path: Path) -> bool:
    """A PDF leaflet wrote as a gallery's contact sheet (its Creator says so)."""
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(path)
    except (pypdfium2.PdfiumError, OSError):
        return False
    try:
        return bool(document.get_metadata_value("Creator") == _CONTACT_SHEET_CREATOR)
    finally:
        document.close()


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
    inks: Sequence[str] = (),
    progress: Callable[[str], None] = lambda message: None,
) -> list[GalleryEntry]:
    """Render *statement* in every template (or those named) into *folder*: one PNG per
    template and the contact sheet; *progress* receives one line per step.  With *inks*
    (names, :mod:`leaflet.inks`), every template is printed in those inks and shown as they
    lie on paper; an unknown ink is a :class:`UsageError` before anything is written."""
    names = list(templates) if templates is not None else list(builtin_templates())
    chosen = gallery_inks(inks, fmt, names)
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for number, name in enumerate(names, 1):
        started = time.perf_counter()
        entries.append(_preview(statement, folder, fmt, name, inks))
        elapsed = time.perf_counter() - started
        progress(f"[{number}/{len(names)}] {folder / (name + '.png')} ({elapsed:.1f} s)")
    sheet = folder / CONTACT_SHEET
    write_atomic(sheet, _contact_sheet(statement, fmt, entries, folder, chosen))
    progress(f"{sheet} ({len(entries)} templates)")
    return entries


def gallery_inks(names: Sequence[str], fmt: str, templates: Iterable[str]) -> tuple[Ink, ...]:
    """The inks called *names* (``gallery --inks``), checked against every template as
    ``render --inks`` checks them (:func:`inks.template_inks`): a :class:`UsageError` naming
    the option for an unknown or repeated ink, or a format that is no print.  None named:
    none (the screen colours)."""
    from .errors import UsageError
    from .inks import template_inks

    if not names:
        return ()
    if get_format(fmt).kind == "share":
        raise UsageError(f"--inks: {fmt} is a picture for the screen, not print")
    modes = [template_inks(names, get_template(name)) for name in templates]
    return modes[0].inks if modes else ()


def _preview(
    statement: Statement, folder: Path, fmt: str, name: str, inks: Sequence[str]
) -> GalleryEntry:
    template = get_template(name)
    options = RenderOptions(format=fmt, template=name, inks=tuple(inks))
    result = render_statement(statement, options)
    png = folder / f"{template.name}.png"
    picture, aspect = _composite_png(result.pdf) if inks else page_png(result.pdf)
    write_atomic(png, mark_png(picture, gallery_mark(template.name)))
    return GalleryEntry(template.name, template.description, png, aspect, result.page_count)


def _composite_png(pdf: bytes) -> tuple[bytes, float]:
    """The first page of the spot PDF *pdf* as its inks print on paper (a PNG as wide as
    :func:`page_png` makes it), and its height / width."""
    from PIL import Image

    from .separations import composite_pngs

    picture = composite_pngs(pdf, PREVIEW_WIDTH_PX)[0]
    with Image.open(io.BytesIO(picture)) as image:
        return picture, image.height / image.width


def _contact_sheet(
    statement: Statement,
    fmt: str,
    entries: list[GalleryEntry],
    folder: Path,
    inks: Sequence[Ink] = (),
) -> bytes:
    """The contact sheet PDF: every preview in a grid, each captioned with its template, and
    the inks they are printed in (a swatch and the name of each)."""
    from . import render

    columns = grid_columns(len(entries), max(entry.aspect for entry in entries))
    width = (_SHEET_WIDTH - _GAP * (columns - 1)) / columns
    document = _contact_sheet_html(statement, fmt, entries, columns, width, inks)
    laid_out = render.layout(document, base_url=folder, roots=[PACKAGE_DIR, folder])
    identifier = hashlib.sha256(document.encode()).hexdigest()[:32].encode()
    return render.write_pdf(laid_out, identifier=identifier)


def _contact_sheet_html(
    statement: Statement,
    fmt: str,
    entries: list[GalleryEntry],
    columns: int,
    width_mm: float,
    inks: Sequence[Ink] = (),
) -> str:
    figures = "\n".join(
        f'<figure><img src="{entry.png.resolve().as_uri()}" alt="">'
        f"<figcaption><b>{html.escape(entry.template)} "
        f"<small>{entry.page_count} page{'s' * (entry.page_count != 1)}</small></b>"
        f"{html.escape(entry.description)}</figcaption></figure>"
        for entry in entries
    )
    title = html.escape(statement.title)
    shown = "press sheet" if get_format(fmt).imposed else "page"
    printed = _inks_html(inks)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>leaflet templates</title>
<meta name="generator" content="{_CONTACT_SHEET_CREATOR}">
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
.ink {{ white-space: nowrap; }}
.swatch {{
  display: inline-block; width: 0.8em; height: 0.8em; margin: 0 0.3em 0 0.2em;
  vertical-align: -0.05em; border: 0.5pt solid #999;
}}
</style></head>
<body>
<h1>leaflet templates <small>“{title}”, {html.escape(fmt)}, first {shown}{printed}</small></h1>
<div class="grid">
{figures}
</div>
</body></html>
"""


def _inks_html(inks: Sequence[Ink]) -> str:
    """The contact sheet heading's words on the inks: ``, printed in <swatch> black and
    <swatch> fluorescent-pink inks`` (nothing for the screen colours)."""
    if not inks:
        return ""
    named = [
        f'<span class="ink"><span class="swatch" style="background: {ink.preview}"></span>'
        f"{html.escape(ink.name)}</span>"
        for ink in inks
    ]
    listed = ", ".join(named[:-1]) + " and " + named[-1] if len(named) > 1 else named[0]
    return f", printed in {listed} {'inks' if len(inks) > 1 else 'ink'}"
