"""Formats: a page geometry, and the layout that makes the finished piece of its pages.

A registry, not an if-chain: every format users can type is one entry in :data:`FORMATS`.  A
format names its layout (:mod:`leaflet.impose`: saddle-stitched booklet, roll fold, Z-fold,
cut-and-stack flyers, mini zine); the layout declares what the rest of leaflet would otherwise
assume from a name — the page counts it takes, which pages are set apart (a back page, a
cover panel), how it is printed and finished, what a sheet yields — and everything else
(fitting, templates, the job ticket, ``check``, the gallery) reads these declarations.
Lengths are PDF points.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import TYPE_CHECKING

from .errors import FormatError
from .papers import paper_size
from .units import POINTS_PER

if TYPE_CHECKING:
    from .impose import Layout, PageRule, Role

__all__ = ["FORMATS", "LARGER", "Format", "get_format"]

_MM = POINTS_PER["mm"]


@dataclass(frozen=True)
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
    #: The imposition layout that makes the finished piece (:func:`leaflet.impose.get_layout`);
    #: ``None``: the pages are delivered flat, as rendered.
    layout_name: str | None = None
    #: Press sheet for imposed formats.
    sheet: str | None = None
    #: ``"leaflet"`` (the statement flows over pages), ``"poster"`` (one slogan a page) or
    #: ``"share"`` (one picture for social media: headline, slogan, QR code).
    kind: str = "leaflet"
    #: The most pages the piece has (a flyer: its two sides; None: as many as the text needs).
    max_pages: int | None = None

    @cached_property
    def layout(self) -> Layout | None:
        """The layout's declarations and geometry (None for flat pages)."""
        from .impose import get_layout

        return get_layout(self.layout_name) if self.layout_name else None

    @cached_property
    def page_rule(self) -> PageRule:
        """The page counts the format takes (any, for flat pages)."""
        from .impose import PageRule

        return self.layout.PAGE_RULE if self.layout else PageRule()

    @property
    def page_multiple(self) -> int:
        """Page counts are rounded up to this (4 for saddle-stitched booklets, the exact count
        for a piece of so many panels)."""
        rule = self.page_rule
        return rule.exact or rule.multiple

    def roles(self, page_count: int) -> tuple[Role, ...]:
        """What each page of *page_count* (padded as the layout pads) is in the finished piece;
        flat pages flow, all ``inside``."""
        if self.layout is None:
            inside: Role = "inside"
            return (inside,) * page_count
        return self.layout.roles(page_count)

    @property
    def back_page(self) -> bool:
        """The closing block (slogans, contact, imprint) is a page of its own: the back cover
        of a folded piece (its last page, or the panel the layout names ``back``)."""
        layout = self.layout
        return (
            layout is not None
            and "fold" in layout.OPERATIONS
            and ("back" in layout.roles(self.page_multiple))
        )

    @property
    def imposed(self) -> bool:
        """The rendered pages are imposed on press sheets."""
        return self.layout is not None

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
        """Bound: sheets folded and stapled (a saddle-stitched booklet)."""
        return self.layout is not None and "staple" in self.layout.OPERATIONS


def _flat(
    name: str, paper: str, description: str, margin_mm: float, body: float, columns: int = 1
) -> Format:
    width, height = paper_size(paper)
    return Format(name, description, paper, width, height, margin_mm * _MM, body, columns)


def _fold(name: str, page: Format, sheet: str, description: str) -> Format:
    return replace(page, name=name, description=description, layout_name="saddle", sheet=sheet)


def _panels(
    name: str,
    layout: str,
    size_mm: tuple[float, float],
    sheet: str,
    description: str,
    *,
    paper: str,
    margin_mm: float,
    body: float,
    max_pages: int | None = None,
) -> Format:
    """A format of pages *size_mm* (width, height) imposed by *layout* on *sheet*."""
    width, height = (v * _MM for v in size_mm)
    return Format(
        name, description, paper, width, height, margin_mm * _MM, body,
        layout_name=layout, sheet=sheet, max_pages=max_pages,
    )  # fmt: skip


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

#: A roll fold's panels: the page width whose three panels (the tuck-in one narrower) fill
#: the sheet (A4: 100 mm; US letter: 94.1 mm).
_ROLL_A4 = (297 + 3) / 3
_ROLL_LETTER = (11 * 25.4 + 3) / 3

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
        _panels(
            "dl-trifold", "trifold", (_ROLL_A4, 210), "a4",
            "A4 folded in three to DL (roll fold): cover, three inside panels, back, flap",
            paper="dl", margin_mm=8, body=8.5,
        ),
        _panels(
            "dl-zfold", "zfold", (99, 210), "a4",
            "A4 folded in three to DL like a Z (accordion): six equal panels",
            paper="dl", margin_mm=8, body=8.5,
        ),
        _panels(
            "letter-trifold", "trifold", (_ROLL_LETTER, 11 * 25.4 * 8.5 / 11), "letter",
            "US letter folded in three (roll fold): cover, three inside panels, back, flap",
            paper="dl", margin_mm=8, body=8.5,
        ),
        _panels(
            "a6-flyer", "cut-stack", (105, 148), "a4",
            "A6 flyers, one- or two-sided, 4 to an A4 sheet, cut and stacked",
            paper="a6", margin_mm=7, body=8.5, max_pages=2,
        ),
        _panels(
            "a5-flyer", "cut-stack", (148, 210), "a4",
            "A5 flyers, one- or two-sided, 2 to an A4 sheet, cut and stacked",
            paper="a5", margin_mm=10, body=9.5, max_pages=2,
        ),
        _panels(
            "dl-flyer", "cut-stack", (99, 210), "a4",
            "DL flyers (99 × 210 mm), one- or two-sided, 3 to an A4 sheet, cut and stacked",
            paper="dl", margin_mm=8, body=8.5, max_pages=2,
        ),
        _panels(
            "a5-zine", "zine", (74, 105), "a4",
            "An 8-page A7 mini zine from one A4 sheet, printed one side, one cut, folded",
            paper="a7", margin_mm=5, body=8.0,
        ),
        _poster("a3"),
        _poster("a2"),
        _poster("a1"),
        # Pictures for social media: 96 pixels an inch, so 810 pt are 1080 px (share.py).
        Format(
            "share-square", "1080 × 1080 px PNG for social media: headline, slogan, QR code",
            "share", 810, 810, 54, 18, kind="share",
        ),
        Format(
            "share-story", "1080 × 1920 px PNG for stories: headline, slogan, QR code",
            "share", 810, 1440, 54, 18, kind="share",
        ),
    )
}  # fmt: skip

#: The next larger format, suggested when a statement cannot fit a page budget.
LARGER = {
    "a5": "a4",
    "a5-fold": "a4-fold",
    "letter-fold": "a4-fold",
    "dl-trifold": "a5-fold",
    "dl-zfold": "a5-fold",
    "letter-trifold": "letter-fold",
    "a6-flyer": "a5-flyer",
    "a5-flyer": "a4",
    "dl-flyer": "a5-flyer",
    "a5-zine": "a5-fold",
}


def get_format(name: str) -> Format:
    """Look a format up by the name users type."""
    try:
        return FORMATS[name.lower()]
    except KeyError:
        known = ", ".join(FORMATS)
        raise FormatError(f"unknown format {name!r} (known: {known})") from None
