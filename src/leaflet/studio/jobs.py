"""What a studio worker does: preview, render, job ticket, import — and its warm-up.

These functions run in the pool's worker processes (:mod:`.pool`), the only place the studio
loads WeasyPrint.  Each takes the request's temporary folder, where the server wrote the
statement (``statement.md``, or an upload to import) and the logo: the statement is read from
there like the command line reads one, so the CLI's sandbox applies unchanged (images and the
logo only from that folder, bundled assets, never the network).  They return plain data the
server sends on; errors are the library's (the pool turns them into HTTP statuses).
"""

from __future__ import annotations

import base64
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..formats import get_format
from ..model import Statement
from ..pipeline import RenderOptions, RenderResult

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "STATEMENT",
    "import_statement",
    "preview",
    "render",
    "ticket",
    "warm_up",
]

#: The statement's name in the request's folder (what messages name).
STATEMENT = "statement.md"
#: Suffixes read as statement Markdown; any other upload goes through the importer.
MARKDOWN = (".md", ".markdown")

_WARM_UP = """---
title: Warm up
slogans: [Ready]
---

A paragraph to lay out once, so fonts and stylesheets are loaded before the first request.
"""


def warm_up() -> None:
    """Load WeasyPrint, the fonts and every built-in template once, in a small render each (a
    worker's first request is then as fast as its others)."""
    from ..pipeline import render_statement
    from ..source import parse_statement
    from ..templates import builtin_templates

    statement = parse_statement(_WARM_UP)
    for name in builtin_templates():
        pdf = render_statement(statement, RenderOptions(format="a5", template=name)).pdf
    _page_pngs(pdf, 100, first_only=True)


def _statement(folder: str, name: str) -> Statement:
    """The statement in *folder*: the Markdown file *name*, or an upload imported first."""
    from ..importer import import_file
    from ..source import load_statement, parse_statement

    path = Path(folder) / name
    if path.suffix.lower() in MARKDOWN:
        return load_statement(path)
    imported = import_file(path)
    return parse_statement(imported.markdown, Path(folder) / STATEMENT)


def _render(statement: Statement, options: RenderOptions) -> RenderResult:
    from ..pipeline import render_statement

    return render_statement(statement, options)


#: Options a thumbnail (``first_page_only``) leaves out: they change the sheet for the press
#: (bleed, marks) or its colours for a printing condition (a PDF/X conversion takes long).
PRESS_ONLY = ("bleed", "marks", "pdf_variant", "paper")


def preview(
    folder: str, name: str, options: dict[str, Any], width: int, first_only: bool
) -> dict[str, Any]:
    """The statement's pages as PNG data URLs *width* pixels wide, in reading order (booklets
    as their pages, not imposed sheets), with the layout preflight's notes; with
    *first_only*, the first page alone, rendered without :data:`PRESS_ONLY` options."""
    if first_only:  # a thumbnail: the page as designed, without what is only for the press
        options = {key: value for key, value in options.items() if key not in PRESS_ONLY}
    fmt = get_format(options["format"])
    # Pages in reading order, their PDF written fast: it is rasterized at once, never kept.
    shown = {**options, "deliver": "pages"} if fmt.imposed else options
    render_options = RenderOptions(**shown, compress=False)
    result = _render(_statement(folder, name), render_options)
    return {
        "pages": _page_pngs(result.pdf, width, first_only=first_only),
        "page_count": result.page_count,
        "scale": round(result.scale, 4),
        "format": fmt.name,
        "template": render_options.template,
        "spreads": reader_spreads(result.page_count) if fmt.booklet else None,
        "notes": [
            {"page": note.page, "text": note.message, "code": note.code, "args": dict(note.args)}
            for note in result.notes
        ],
    }


def reader_spreads(pages: int) -> list[list[int]]:
    """A bound booklet's pages as a reader sees them: the cover alone, facing pages, the back
    cover alone (``[[1], [2, 3], …, [n]]``)."""
    spreads = [[1]]
    spreads += [[left, left + 1] for left in range(2, pages, 2)]
    if pages > 1 and pages % 2 == 0:
        spreads.append([pages])
    return spreads


@cache
def _encoders() -> ThreadPoolExecutor:
    """Threads of a worker that encode its preview pictures: Pillow leaves the interpreter
    while it compresses, so one page is encoded while the next is drawn."""
    return ThreadPoolExecutor(max_workers=4, thread_name_prefix="leaflet-png")


def _page_png(image: Image.Image) -> dict[str, Any]:
    """*image* as a PNG data URL (:func:`gallery.palette_png`) with its size."""
    from ..gallery import palette_png

    data = base64.b64encode(palette_png(image)).decode("ascii")
    return {"png": f"data:image/png;base64,{data}", "width": image.width, "height": image.height}


def _page_pngs(pdf: bytes, width: int, *, first_only: bool) -> list[dict[str, Any]]:
    """The pages of *pdf* as PNG pictures *width* pixels wide, each encoded in a thread of its
    own as soon as it is drawn."""
    from ..gallery import page_pictures

    encoded = [
        _encoders().submit(_page_png, picture)
        for picture in page_pictures(pdf, width, 1 if first_only else None)
    ]
    return [future.result() for future in encoded]


def render(folder: str, name: str, options: dict[str, Any]) -> tuple[bytes, str, str, int]:
    """The finished file (a PDF, or a PNG for the share formats), its media type, the name to
    save it as (``<slug of the title>-<format>.pdf``) and the statement's page count."""
    from ..share import share_png

    render_options = RenderOptions(**options)
    statement = _statement(folder, name)
    fmt = get_format(render_options.format)
    result = _render(statement, render_options)
    stem = f"{slug(statement)}-{fmt.name}"
    if fmt.kind == "share":
        return share_png(result.pdf, fmt), "image/png", f"{stem}.png", result.page_count
    return result.pdf, "application/pdf", f"{stem}.pdf", result.page_count


def ticket(folder: str, name: str, options: dict[str, Any]) -> dict[str, Any]:
    """The job ticket for the print shop: its text and its fields."""
    from ..errors import UsageError
    from ..jobticket import job_ticket

    render_options = RenderOptions(**options)
    fmt = get_format(render_options.format)
    if fmt.kind == "share":
        raise UsageError(f"{fmt.name} is a PNG picture for the screen: it has no job ticket")
    statement = _statement(folder, name)
    result = _render(statement, render_options)
    job = job_ticket(Path(f"{slug(statement)}-{fmt.name}.pdf"), statement, render_options, result)
    return {"text": job.to_text(), "json": asdict(job)}


def import_statement(folder: str, name: str) -> dict[str, Any]:
    """Pasted text, a saved web page or a Word file as statement Markdown, with what the
    importer recognized and guessed."""
    from ..importer import import_file
    from ..limits import current_limits
    from ..watchdog import time_limit

    seconds = current_limits().render_seconds
    with time_limit(seconds, f"importing took longer than {seconds:g} s"):
        imported = import_file(Path(folder) / name)
    return {
        "source": imported.markdown,
        "guesses": list(imported.guesses),
        "report": list(imported.report),
    }


def slug(statement: Statement) -> str:
    """A file name stem from the statement's title: lower case, words joined by hyphens,
    letters of any script kept (``statement`` when the title has none)."""
    title = unicodedata.normalize("NFKC", statement.title or "")
    words = re.findall(r"\w+", title.casefold())
    stem = "-".join(words)[:60].strip("-_")
    return stem or "statement"
