"""Formats: a page geometry plus, for booklets, an imposition onto press sheets.

A registry, not an if-chain: every format users can type is one entry in :data:`FORMATS`.
Lengths are PDF points.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .errors import FormatError
from .papers import paper_size
from .units import POINTS_PER

__all__ = ["FORMATS", "LARGER", "Format", "get_format"]

_MM = POINTS_PER["mm"]


@dataclass(frozen=True, slots=True)
class Format:
    """A page geometry.  ``body_size`` is the template's body type size for this page size
    (templates scale everything else from it); ``columns`` the body columns a template may use.
    """

    name: str
    description: str
    #: The paper size of one page ("a5" for a5-fold too): templates refine per paper.
    paper: str
    width: float
    height: float
    margin: float
    body_size: float
    columns: int = 1
    #: Imposition layout name (``None``: pages are delivered flat, as rendered).
    imposition: str | None = None
    #: Press sheet for imposed formats.
    sheet: str | None = None
    #: ``"leaflet"`` (the statement flows over pages) or ``"poster"`` (one slogan a page).
    kind: str = "leaflet"

    @property
    def page_multiple(self) -> int:
        """Page counts are rounded up to this (4 for saddle-stitched booklets)."""
        return 4 if self.imposition == "saddle" else 1

    @property
    def natural_growth(self) -> float:
        """The largest type scale the natural budget grows to (``--pages`` may grow more).  In
        columns, whose width does not follow the type, larger type leaves fewer characters a
        line: the pipeline grows them only as far as the lines measured keep a comfortable
        measure (``pipeline._measured``; Cyrillic text has about 45 a column at the normal size,
        Latin about 57)."""
        return 1.15

    @property
    def booklet(self) -> bool:
        return self.imposition == "saddle"


def _flat(
    name: str, paper: str, description: str, margin_mm: float, body: float, columns: int = 1
) -> Format:
    width, height = paper_size(paper)
    return Format(name, description, paper, width, height, margin_mm * _MM, body, columns)


def _fold(name: str, page: Format, sheet: str, description: str) -> Format:
    return replace(page, name=name, description=description, imposition="saddle", sheet=sheet)


def _poster(paper: str) -> Format:
    width, height = paper_size(paper)
    margin = width * 0.07
    return Format(
        f"poster-{paper}",
        f"{paper.upper()} posters: one slogan a page, set as large as it fits",
        paper,
        width,
        height,
        margin,
        body_size=width / 60,
        kind="poster",
    )


_A4 = _flat("a4", "a4", "A4 pages, as many as needed (flat)", 14, 9.5, columns=2)
# One column on A5 (wider margins keep it near 70 characters a line), two on A4 and letter
# (about 57 each, at a smaller size): a comfortable measure is 45–75 characters.
_A5 = _flat("a5", "a5", "A5 pages, as many as needed (flat)", 16, 10.0)
_LETTER = _flat("letter", "letter", "US letter pages, as many as needed (flat)", 14, 9.5, 2)

FORMATS: dict[str, Format] = {
    fmt.name: fmt
    for fmt in (
        _A4,
        _A5,
        _LETTER,
        _fold("a5-fold", _A5, "a4", "A5 booklet on A4 sheets, 2-up, saddle-stitch order, duplex"),
        _fold(
            "a4-fold",
            _A4,
            "a3",
            "A4 booklet on A3 sheets, 2-up, saddle-stitch order, duplex",
        ),
        _fold(
            "letter-fold",
            _LETTER,
            "tabloid",
            "US letter booklet on tabloid sheets, 2-up, saddle-stitch order, duplex",
        ),
        _poster("a3"),
        _poster("a2"),
        _poster("a1"),
    )
}

#: The next larger format, suggested when a statement cannot fit a page budget.
LARGER = {"a5": "a4", "a5-fold": "a4-fold", "letter-fold": "a4-fold"}


def get_format(name: str) -> Format:
    """Look a format up by the name users type."""
    try:
        return FORMATS[name.lower()]
    except KeyError:
        known = ", ".join(FORMATS)
        raise FormatError(f"unknown format {name!r} (known: {known})") from None
