"""Layout and PDF output with WeasyPrint — the only module that imports it.

Two promises are kept here:

* **Safety**: :class:`SafeFetcher` lets WeasyPrint read only stylesheets, fonts and images of the
  bundled assets and the template's folders, and images of the statement's own folder; every
  other URL (network, ``file://`` elsewhere, other kinds of file, an SVG naming files outside
  its own folder) is refused and reported.
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
from typing import Any, NoReturn
from urllib.parse import unquote, urljoin, urlsplit

from .fonts import FONTS_DIR
from .limits import current_limits, size_text

# Must be set before WeasyPrint (and so fontconfig) is first loaded in this process.
os.environ["FONTCONFIG_FILE"] = str(FONTS_DIR / "fonts.conf")
# fontTools stamps the fonts it rewrites (variable fonts instanced at a weight) with the current
# time unless SOURCE_DATE_EPOCH says otherwise (reproducible-builds.org): same input, same bytes.
os.environ.setdefault("SOURCE_DATE_EPOCH", "0")

import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.urls import URLFetcher, URLFetcherResponse

__all__ = [
    "ASSETS",
    "IMAGES",
    "Block",
    "LaidOut",
    "Root",
    "SafeFetcher",
    "Typesetter",
    "layout",
    "write_pdf",
]

LOGGER = logging.getLogger("leaflet.render")


#: What a folder may give WeasyPrint, by file suffix: stylesheets, fonts, images.
STYLESHEETS = frozenset({".css"})
FONTS = frozenset({".otf", ".ttf", ".woff", ".woff2"})
IMAGES = frozenset({".bmp", ".gif", ".jpeg", ".jpg", ".png", ".svg", ".tif", ".tiff", ".webp"})
ASSETS = STYLESHEETS | FONTS | IMAGES


@dataclass(frozen=True, slots=True)
class Root:
    """A folder :class:`SafeFetcher` reads from, and the kinds of file (suffixes) it reads
    there: the bundled assets and a template's folder give stylesheets, fonts and images
    (:data:`ASSETS`); a statement's folder gives only images (:meth:`images`)."""

    folder: Path
    suffixes: frozenset[str] = ASSETS

    @classmethod
    def images(cls, folder: Path) -> Root:
        """*folder* as a root of images only (a statement's folder: never its text)."""
        return cls(folder, IMAGES)

    def serves(self, path: Path) -> bool:
        """Whether *path* (resolved: links followed) is a file of a kind this root gives."""
        return path.is_relative_to(self.folder) and path.suffix.lower() in self.suffixes


class SafeFetcher(URLFetcher):  # type: ignore[misc]
    """Serve ``file:`` URLs of the kinds each of *roots* gives (and inline ``data:`` URLs);
    refuse everything else.

    WeasyPrint gives a fetcher only the URL, never who asks for it, so the rule holds whoever
    asks: a file is served when, links followed, it lies inside a root and is of a kind that
    root gives (:class:`Root`; a plain path gives :data:`ASSETS`).  An SVG image — or any
    file WeasyPrint could end up reading as one — may name only files of the root it comes
    from (an SVG of the statement's folder cannot reach into the template's folder, nor the
    other way round), an SVG from a ``data:`` URL no file at all, and ``xml:base`` is refused.

    With *print_colours*, stylesheets are served with their colours in CMYK (for PDF/X).
    """

    def __init__(self, roots: Iterable[Path | Root], *, print_colours: bool = False):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = tuple(
            Root(root.folder.resolve(), root.suffixes)
            if isinstance(root, Root)
            else Root(Path(root).resolve())
            for root in roots
        )
        self.print_colours = print_colours

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            response = super().fetch(url, headers)
            body = response.read()
            response.close()
            self._check_svg(url, body, ())
            return URLFetcherResponse(url, body=body, headers=response.headers)
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(unquote(parts.path)).resolve()
            serving = tuple(root for root in self.roots if root.serves(path))
            if serving and path.is_file():
                body = self._read(url, path)
                self._check_svg(url, body, serving)
                mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                headers = {"Content-Type": mime_type}
                return URLFetcherResponse(url, body=self._body(body, mime_type), headers=headers)
        self._refuse(
            url,
            "only the statement's images and the template's and leaflet's own stylesheets, "
            "fonts and images may be read",
        )

    def _refuse(self, url: str, why: str) -> NoReturn:
        LOGGER.warning("refused to load %s (%s)", url, why)
        raise ValueError(f"leaflet does not load {url}")

    def _read(self, url: str, path: Path) -> bytes:
        limit = current_limits().image_bytes
        if path.stat().st_size > limit:
            self._refuse(url, f"larger than {size_text(limit)}")
        return path.read_bytes()

    def _check_svg(self, url: str, body: bytes, serving: tuple[Root, ...]) -> None:
        """Refuse *body* if WeasyPrint would read it as an SVG that names a file none of the
        roots *serving* it gives."""
        references = _svg_references(body)
        if references is None:
            return
        for reference in references:
            if reference is _XML_BASE:
                self._refuse(url, "an SVG image may not set xml:base")
            target = urlsplit(urljoin(url, reference.strip()))
            if target.scheme != "file":
                continue  # data: is checked when fetched; other schemes are never fetched
            path = Path(unquote(target.path)).resolve()
            if target.netloc not in ("", "localhost") or not any(
                root.serves(path) for root in serving
            ):
                self._refuse(
                    url, f"an SVG image may use only files of its own folder, not {reference}"
                )

    def _body(self, body: bytes, mime_type: str) -> bytes:
        if self.print_colours and mime_type == "text/css":
            from .pdfx import cmyk_css

            return cmyk_css(body.decode("utf-8")).encode("utf-8")
        return body


_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


def _svg_references(body: bytes) -> list[str] | None:
    """The URLs an SVG document names (``href``, ``xlink:href``, ``src``, and ``url()`` and
    ``@import`` in its ``<style>`` elements, read as WeasyPrint reads them), with
    :data:`_XML_BASE` for an ``xml:base``; None when *body* is not XML (then WeasyPrint cannot
    read it as SVG either: it parses SVG with the same ElementTree)."""
    from xml.etree import ElementTree

    try:
        tree = ElementTree.fromstring(body)
    except (ElementTree.ParseError, ValueError, LookupError):
        return None
    references: list[str] = []
    for element in tree.iter():
        for name, value in element.attrib.items():
            if name == _XML_BASE:
                references.append(_XML_BASE)
            elif name.rpartition("}")[2] in ("href", "src"):
                references.append(value)
        if isinstance(element.tag, str) and element.tag.rpartition("}")[2] == "style":
            references += _css_urls(element.text or "")
    return [reference for reference in references if not reference.startswith("#")]


def _css_urls(css: str) -> list[str]:
    """Every URL in a stylesheet (``url()`` tokens and functions, ``@import`` strings)."""
    import tinycss2  # type: ignore[import-untyped]

    urls: list[str] = []

    def walk(tokens: Iterable[Any]) -> None:
        for token in tokens:
            if token.type == "url":
                urls.append(token.value)
            elif token.type == "function" and token.lower_name == "url":
                urls.extend(arg.value for arg in token.arguments if arg.type == "string")
            elif token.type == "at-rule" and token.lower_at_keyword == "import":
                urls.extend(arg.value for arg in token.prelude if arg.type == "string")
            for attribute in ("prelude", "content", "arguments"):
                walk(getattr(token, attribute, None) or [])

    walk(tinycss2.parse_stylesheet(css))
    return urls


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
        self,
        html: str,
        *,
        base_url: Path,
        roots: Iterable[Path | Root],
        print_colours: bool = False,
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


def layout(html: str, *, base_url: Path, roots: Iterable[Path | Root]) -> LaidOut:
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
