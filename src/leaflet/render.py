"""Layout and PDF output with WeasyPrint — the only module that imports it.

Two promises are kept here:

* **Safety**: :class:`SafeFetcher` lets WeasyPrint read files only inside the bundled assets and
  the statement's own folder; every other URL (network, ``file://`` elsewhere, attachments) is
  refused and reported.
* **Machine independence**: WeasyPrint sees an empty fontconfig (``fonts/fonts.conf``), so the
  only fonts it can use are the bundled ones the stylesheets declare.
"""

from __future__ import annotations

import logging
import mimetypes
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .fonts import FONTS_DIR

# Must be set before WeasyPrint (and so fontconfig) is first loaded in this process.
os.environ["FONTCONFIG_FILE"] = str(FONTS_DIR / "fonts.conf")

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

__all__ = ["LaidOut", "SafeFetcher", "layout", "write_pdf"]

LOGGER = logging.getLogger("leaflet.render")


class SafeFetcher(URLFetcher):  # type: ignore[misc]
    """Serve ``file:`` URLs inside *roots* (and inline ``data:`` URLs); refuse everything else."""

    def __init__(self, roots: Iterable[Path]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = tuple(Path(root).resolve() for root in roots)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(unquote(parts.path)).resolve()
            if any(path.is_relative_to(root) for root in self.roots) and path.is_file():
                mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                headers = {"Content-Type": mime_type}
                return URLFetcherResponse(url, body=path.read_bytes(), headers=headers)
        LOGGER.warning(
            "refused to load %s (only the statement's folder and leaflet's own files may be read)",
            url,
        )
        raise ValueError(f"leaflet does not load {url}")


@dataclass(frozen=True)
class LaidOut:
    """A laid-out document (WeasyPrint's pages), ready to be measured or written."""

    document: Any

    @property
    def page_count(self) -> int:
        return len(self.document.pages)


def layout(html: str, *, base_url: Path, roots: Iterable[Path]) -> LaidOut:
    """Lay *html* out into pages; relative URLs resolve against the folder *base_url*."""
    fetcher = SafeFetcher(roots)
    document = weasyprint.HTML(
        string=html, base_url=base_url.resolve().as_uri() + "/", url_fetcher=fetcher
    ).render()
    return LaidOut(document)


def write_pdf(laid_out: LaidOut, *, identifier: bytes) -> bytes:
    """The PDF bytes; *identifier* (derived from the input) makes the output reproducible."""
    pdf: bytes = laid_out.document.write_pdf(pdf_identifier=identifier)
    return pdf
