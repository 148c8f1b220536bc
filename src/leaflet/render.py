"""Layout and PDF output with WeasyPrint — the only module that imports it.

Two promises are kept here:

* **Safety**: :class:`SafeFetcher` lets WeasyPrint read files only inside the bundled assets and
  the statement's own folder; every other URL (network, ``file://`` elsewhere, attachments) is
  refused and reported.
* **Machine independence**: WeasyPrint sees an empty fontconfig (``fonts/fonts.conf``), so the
  only fonts it can use are the bundled ones the stylesheets declare.
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .fonts import FONTS_DIR

# Must be set before WeasyPrint (and so fontconfig) is first loaded in this process.
os.environ["FONTCONFIG_FILE"] = str(FONTS_DIR / "fonts.conf")
# fontTools stamps the fonts it rewrites (variable fonts instanced at a weight) with the current
# time unless SOURCE_DATE_EPOCH says otherwise (reproducible-builds.org): same input, same bytes.
os.environ.setdefault("SOURCE_DATE_EPOCH", "0")

import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.urls import URLFetcher, URLFetcherResponse

__all__ = ["Block", "LaidOut", "SafeFetcher", "Typesetter", "layout", "write_pdf"]

LOGGER = logging.getLogger("leaflet.render")


class SafeFetcher(URLFetcher):  # type: ignore[misc]
    """Serve ``file:`` URLs inside *roots* (and inline ``data:`` URLs); refuse everything else.

    With *print_colours*, stylesheets are served with their colours in CMYK (for PDF/X).
    """

    def __init__(self, roots: Iterable[Path], *, print_colours: bool = False):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = tuple(Path(root).resolve() for root in roots)
        self.print_colours = print_colours

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(unquote(parts.path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                headers = {"Content-Type": mime_type}
                return URLFetcherResponse(url, body=self._body(path, mime_type), headers=headers)
        LOGGER.warning(
            "refused to load %s (only the statement's folder and leaflet's own files may be read)",
            url,
        )
        raise ValueError(f"leaflet does not load {url}")

    def _body(self, path: Path, mime_type: str) -> bytes:
        if self.print_colours and mime_type == "text/css":
            from .pdfx import cmyk_css

            return cmyk_css(path.read_text(encoding="utf-8")).encode("utf-8")
        return path.read_bytes()


@dataclass(frozen=True)
class LaidOut:
    """A laid-out document (WeasyPrint's pages), ready to be measured or written."""

    document: Any

    @property
    def page_count(self) -> int:
        return len(self.document.pages)

    @property
    def last_page_fill(self) -> float:
        """How much of the last page's content area the flow uses (0 … 1)."""
        return self.page_fill(-1)

    def page_fill(self, index: int) -> float:
        """How much of page *index*'s content area the flow uses (0 … 1)."""
        page_box = self.document.pages[index]._page_box
        top = page_box.content_box_y()
        # The bottom of the last block the body holds on this page (the html and body boxes
        # of a page the flow continues from span the whole page, whatever they hold).
        bottoms = [
            block.position_y + block.margin_height()
            for html in page_box.children
            if html.element_tag == "html"
            for body in html.children
            for block in getattr(body, "children", [])
        ]
        used = max(bottoms, default=top) - top
        return min(1.0, max(0.0, used / page_box.height)) if page_box.height else 1.0

    def blocks(self, element_id: str) -> list[Block]:
        """The laid-out fragments of the element with this id, on every page."""
        found = []
        for number, page in enumerate(self.document.pages):
            for box in page._page_box.descendants():
                element = getattr(box, "element", None)
                # Line and text boxes share their block's element: keep the block itself.
                if (
                    isinstance(box, boxes.BlockBox)
                    and element is not None
                    and element.get("id") == element_id
                ):
                    found.append(_block(box, number))
        return found


@dataclass(frozen=True, slots=True)
class Block:
    """A laid-out block in CSS pixels: its content size and the width of each line box."""

    page: int
    width: float
    height: float
    line_widths: tuple[float, ...]


def _block(box: Any, page: int) -> Block:
    lines = tuple(
        sum(child.margin_width() for child in line.children)
        for line in box.descendants()
        if isinstance(line, boxes.LineBox)
    )
    return Block(page, box.width, box.height, lines)


class Typesetter:
    """One HTML document laid out as often as a search needs: the HTML is parsed once, and the
    fonts are loaded once (WeasyPrint's font configuration is reused between layouts)."""

    def __init__(
        self, html: str, *, base_url: Path, roots: Iterable[Path], print_colours: bool = False
    ):
        from weasyprint.text.fonts import FontConfiguration

        self._fetcher = SafeFetcher(roots, print_colours=print_colours)
        self._html = weasyprint.HTML(
            string=html, base_url=base_url.resolve().as_uri() + "/", url_fetcher=self._fetcher
        )
        self._fonts = FontConfiguration()
        self._layouts: dict[str, LaidOut] = {}
        self.passes = 0

    def layout(self, extra_css: str = "") -> LaidOut:
        """Lay the document out, with *extra_css* (e.g. a type size) overriding its styles.

        Layouts are kept: asking again for the same styles costs nothing.
        """
        if extra_css not in self._layouts:
            self._layouts[extra_css] = self._layout(extra_css)
        return self._layouts[extra_css]

    def _layout(self, extra_css: str) -> LaidOut:
        stylesheets = []
        if extra_css:
            stylesheets.append(
                weasyprint.CSS(string=extra_css, font_config=self._fonts, url_fetcher=self._fetcher)
            )
        self.passes += 1
        with _forwarded_warnings():
            return LaidOut(self._html.render(font_config=self._fonts, stylesheets=stylesheets))


def layout(html: str, *, base_url: Path, roots: Iterable[Path]) -> LaidOut:
    """Lay *html* out into pages once; relative URLs resolve against the folder *base_url*."""
    return Typesetter(html, base_url=base_url, roots=roots).layout()


def write_pdf(
    laid_out: LaidOut, *, identifier: bytes, variant: str | None = None, date: str = ""
) -> bytes:
    """The PDF bytes; *identifier* (derived from the input) makes the output reproducible.

    *variant* is a WeasyPrint PDF variant (``pdf/x-4`` …).  Variants need creation and
    modification dates and an XMP document ID: *date* (W3C date) stands for both when the
    document has none, and the ID derives from *identifier* — never the clock or chance.
    """
    if variant is None:
        pdf: bytes = laid_out.document.write_pdf(pdf_identifier=identifier)
        return pdf
    metadata = laid_out.document.metadata
    metadata.created = metadata.created or date
    metadata.modified = metadata.modified or metadata.created
    with _document_id(identifier):
        pdf = laid_out.document.write_pdf(pdf_identifier=identifier, pdf_variant=variant)
    return pdf


class _Forward(logging.Handler):
    """Passes WeasyPrint's warnings (a CSS declaration it ignores, a glyph no font has) on to
    leaflet's logger, once each: a template author sees them as ``leaflet: warning:`` lines.
    The built-in templates cause none (tested)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        # Refused URLs are already reported by SafeFetcher, in plainer words.
        if record.levelno == logging.WARNING and message not in self.seen:
            self.seen.add(message)
            LOGGER.warning("WeasyPrint: %s", message)


@contextmanager
def _forwarded_warnings() -> Iterator[None]:
    handler = _Forward()
    weasyprint_logger = logging.getLogger("weasyprint")
    weasyprint_logger.addHandler(handler)
    try:
        yield
    finally:
        weasyprint_logger.removeHandler(handler)


@contextmanager
def _document_id(identifier: bytes) -> Iterator[None]:
    """WeasyPrint draws the XMP ``xmpMM:DocumentID`` of PDF/X-4 from ``uuid4()``: make it the
    UUID of *identifier* while writing, so the same input gives the same bytes."""
    from weasyprint.pdf import metadata as metadata_module

    fixed = uuid.UUID(bytes=hashlib.md5(identifier, usedforsecurity=False).digest())
    original = metadata_module.uuid4
    metadata_module.uuid4 = lambda: fixed
    try:
        yield
    finally:
        metadata_module.uuid4 = original
