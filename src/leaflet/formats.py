"""Formats: a page geometry plus, for booklets, an imposition onto press sheets.

A registry, not an if-chain: every format users can type is one entry in :data:`FORMATS`.
Lengths are PDF points.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import FormatError
from .papers import paper_size
from .units import POINTS_PER

__all__ = ["FORMATS", "Format", "get_format"]

_MM = POINTS_PER["mm"]


@dataclass(frozen=True, slots=True)
class Format:
    """A page geometry.  ``body_size`` is the template's body type size for this page size
    (templates scale everything else from it); ``columns`` the body columns a template may use.
    """

    name: str
    description: str
    width: float
    height: float
    margin: float
    body_size: float
    columns: int = 1
    #: Imposition layout name (``None``: pages are delivered flat, as rendered).
    imposition: str | None = None
    #: Press sheet for imposed formats.
    sheet: str | None = None

    @property
    def page_multiple(self) -> int:
        """Page counts are rounded up to this (4 for saddle-stitched booklets)."""
        return 4 if self.imposition == "saddle" else 1


def _flat(
    name: str, paper: str, description: str, margin_mm: float, body: float, columns: int = 1
) -> Format:
    width, height = paper_size(paper)
    return Format(name, description, width, height, margin_mm * _MM, body, columns)


FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        _flat("a4", "a4", "A4 pages, as many as needed (flat)", 16, 10.0, columns=2),
        _flat("a5", "a5", "A5 pages, as many as needed (flat)", 13, 9.5),
        _flat("letter", "letter", "US letter pages, as many as needed (flat)", 16, 10.0, columns=2),
    )
}


def get_format(name: str) -> Format:
    """Look a format up by the name users type."""
    try:
        return FORMATS[name.lower()]
    except KeyError:
        known = ", ".join(FORMATS)
        raise FormatError(f"unknown format {name!r} (known: {known})") from None
