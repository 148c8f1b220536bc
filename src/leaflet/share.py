"""Share images: a statement as one picture for social media (``share-square``, ``share-story``).

The picture is a page laid out by the same templates as the leaflets (``share.html.j2``, in the
template's fonts and colours): the headline, one slogan, the website as a QR code and written
out, the logo and the author.  It is set like a poster: the headline and the slogan are stacked
in the room between the logo and the foot, the headline at :data:`TITLE_RATIO` of the
slogan's size, both as large as the room lets them be (:func:`posters.fit_stack`); a text
that this leaves with a word alone on a line is made smaller step by step until every line
holds two words; then each is balanced on its own.  Without a slogan the headline alone fills
the room.

:func:`render_share` makes the one-page PDF; :func:`share_png` rasterizes it (pypdfium2) at
exactly the format's pixels: 96 pixels an inch, so a page of 810 × 810 pt is 1080 × 1080 px.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import RenderError, UsageError
from .formats import Format
from .model import Statement
from .templates import Template

if TYPE_CHECKING:
    from .pipeline import RenderOptions, RenderResult
    from .render import LaidOut, Typesetter

__all__ = ["PIXELS_PER_POINT", "ShareGeometry", "pixel_size", "render_share", "share_png"]

#: The picture's pixels per point: CSS pixels (96 an inch, 72 points).
PIXELS_PER_POINT = 96 / 72
#: The headline's size, as a share of the slogan's: the slogan is the shout, the headline
#: says what it is about.
TITLE_RATIO = 0.5
#: Space between the headline and the slogan, in the slogan's size.
TITLE_GAP = 0.45
#: A tall picture (a story) keeps its text out of the bands the apps cover with their own
#: buttons, at the top and the foot: this share of its height each.
STORY_SAFE = 0.1
#: Room kept between the stack and the foot, in body sizes.
FOOT_GAP = 1.2
#: The least room the headline and slogan may have, in body sizes.
MIN_ROOM = 4
#: A headline or slogan of this many words or more has no line of one word.
FEW_WORDS = 4
#: Where the largest size leaves a word alone on a line, the size is made this much smaller at
#: a time, at most this many times (to 40 %: two words a line, not one).
SMALLER, SMALLER_STEPS = 0.97, 30


@dataclass(frozen=True, slots=True)
class ShareGeometry:
    """What ``share.html.j2`` needs to know besides the page (lengths in pt)."""

    #: The headline, and the first slogan or None (the headline alone fills the picture).
    title: str
    slogan: str | None
    #: Top and bottom margins (a story's keep clear of the apps' buttons).
    margin_y: float
    #: The height of the content area.
    height: float


def geometry(statement: Statement, fmt: Format) -> ShareGeometry:
    """The share picture's geometry for *statement* on *fmt*."""
    tall = fmt.height > 1.5 * fmt.width
    margin_y = max(fmt.margin, fmt.height * STORY_SAFE) if tall else fmt.margin
    slogan = statement.slogans[0] if statement.slogans else None
    return ShareGeometry(statement.title, slogan, margin_y, fmt.height - 2 * margin_y)


def pixel_size(fmt: Format) -> tuple[int, int]:
    """The picture's width and height in pixels."""
    return round(fmt.width * PIXELS_PER_POINT), round(fmt.height * PIXELS_PER_POINT)


def check_share_options(fmt: Format, options: RenderOptions) -> None:
    """Refuse the options a picture has no use for (each names itself)."""
    refused = {
        "--pages": options.pages is not None,
        "--bleed": bool(options.bleed),
        "--marks": options.marks,
        "--pdf-variant": options.pdf_variant is not None,
    }
    for option, given in refused.items():
        if given:
            raise UsageError(
                f"{option}: {fmt.name} is a picture for the screen (PNG), not a page to print"
            )


def render_share(
    statement: Statement, fmt: Format, template: Template, options: RenderOptions
) -> RenderResult:
    """The share picture as a one-page PDF (:func:`share_png` makes the PNG of it)."""
    from .compose import compose_html
    from .pipeline import RenderResult, _layout_notes, _typesetter, _write

    check_share_options(fmt, options)
    shape = geometry(statement, fmt)
    html = compose_html(statement, fmt, template, entry="share.html.j2", extra={"share": shape})
    typesetter = _typesetter(statement, template, html, options)
    name = statement.source.name if statement.source else "the statement"
    try:
        laid_out = _fitted(typesetter, fmt, shape)
    except RenderError as error:
        raise RenderError(f"{name}: {error}") from None
    if laid_out.page_count != 1:
        raise RenderError(
            f"{name}: the {fmt.name} picture does not fit one page "
            f"(the headline, logo, website and author take {laid_out.page_count} pages)"
        )
    notes = _layout_notes(laid_out, options, posters=True)
    pdf = _write(laid_out, options, template, typesetter, statement)
    return RenderResult(pdf, html, 1, passes=typesetter.passes, notes=notes)


#: The elements the search sizes (share.html.j2): each a ``flow-root`` wrapper, whose height
#: is its styled box's (padding, borders and margins counted), around the text's own element.
_TITLE, _SLOGAN = "share-title", "share-slogan"
#: What the layout preflight takes each for.
_ROLES = {_TITLE: "heading", _SLOGAN: "slogan"}


def _fitted(typesetter: Typesetter, fmt: Format, shape: ShareGeometry) -> LaidOut:
    """The picture with its headline and slogan as large as the room between the top (logo)
    and the foot lets them be, one above the other, centred together in the room."""
    from .posters import STACK_PRECISION, PosterMeasure, fit_stack
    from .posters import _balance as balance

    px = PIXELS_PER_POINT
    natural = typesetter.layout("")
    top = sum(block.height for block in natural.blocks("share-top"))
    foot = sum(block.height for block in natural.blocks("share-foot"))
    gap = fmt.body_size * FOOT_GAP * px if foot else 0.0
    room = shape.height * px - top - foot - gap - 2  # 2 px: rounding
    if room < MIN_ROOM * fmt.body_size * px:
        raise RenderError(
            f"the {fmt.name} picture has no room left for the headline: the logo, website "
            "and author take it (shorten them)"
        )
    ids = [_TITLE, _SLOGAN] if shape.slogan else [_TITLE]
    # The text's own element (a block inside its styled box) gives the measure left once the
    # box's padding and borders are taken.
    width = min(
        block.width
        for name in ids
        for block in natural.blocks(f"{name}-text") or natural.blocks(name)
    )
    ratios = [TITLE_RATIO, 1.0] if shape.slogan else [1.0]

    def css(sizes: Sequence[float], widths: Sequence[float], padding: float | None = None) -> str:
        rules = [
            f"#{name}-text, #{name}-text > * {{ font-size: {size * ratio:.3f}px !important; }}\n"
            f"#{name}-text {{ max-width: {measure:.3f}px !important; }}"
            for name, size, ratio, measure in zip(ids, sizes, ratios, widths, strict=True)
        ]
        if shape.slogan:
            rules.append(f"#{_SLOGAN} {{ margin-top: {sizes[-1] * TITLE_GAP:.3f}px !important; }}")
        if padding is not None:
            rules += [
                f"#share-main {{ height: {room:.3f}px !important; }}",
                f"#share-foot {{ margin-top: {gap:.3f}px !important; }}",
                f"#{_TITLE} {{ padding-top: {padding:.3f}px !important; }}",
            ]
        return "\n".join(rules)

    texts = [shape.title, shape.slogan] if shape.slogan else [shape.title]

    def measure(
        sizes: Sequence[float], widths: Sequence[float], *, whole: bool = True
    ) -> list[PosterMeasure]:
        """Each text's height and lines; with *whole*, a text with a line of one word is
        taken as not fitting (:func:`_lonely_words`)."""
        laid_out = typesetter.layout(css(sizes, widths))
        lonely = _lonely_words(laid_out) if whole else set()
        results = []
        for number, name in enumerate(ids):
            blocks = laid_out.blocks(name)
            lines = tuple(line for block in blocks for line in block.line_widths)
            gap = sizes[-1] * TITLE_GAP if number else 0.0
            on_page = len(blocks) == 1 and blocks[0].page == 0 and _ROLES[name] not in lonely
            height = gap + sum(block.height for block in blocks)
            results.append(PosterMeasure(1 if on_page else 2, height, lines))
        return results

    # The largest size the room takes for both; then, for each text with a line of one word, a
    # step smaller at a time (the sizes where every line holds two words or more are not one
    # range: a search between a fitting and a failing size would miss the largest); then each
    # text balanced.
    chosen = fit_stack(
        texts, lambda sizes, widths: measure(sizes, widths, whole=False), width, room
    )
    count = len(ids)
    largest = chosen.sizes[0]
    sizes = [largest] * count
    for _ in range(SMALLER_STEPS):
        results = measure(sizes, [width] * count)
        if all(result.pages == 1 for result in results):
            break
        sizes = [
            size * (SMALLER if result.pages != 1 else 1)
            for size, result in zip(sizes, results, strict=True)
        ]
    else:
        # No smaller size mends it: the largest, balanced.
        results = measure(sizes, [width] * count)
        sizes = [
            size if result.pages == 1 else largest
            for size, result in zip(sizes, results, strict=True)
        ]
    widths, heights = balance(sizes, measure, width, room, STACK_PRECISION)
    # The headline and the slogan centred in the room, together.
    padding = max(0.0, (room - sum(heights)) / 2)
    return typesetter.layout(css(sizes, widths, padding))


def _lonely_words(laid_out: LaidOut) -> set[str]:
    """The roles (``heading``, ``slogan``) of the texts set over several lines with a word
    alone on a line: on the last line always (a fault the preflight finds), on any line in a
    text of :data:`FEW_WORDS` words or more (broken a word a line, it no longer reads as a
    sentence; a shorter text on two lines has a line of one word however it breaks).  The
    search takes them as not fitting."""
    from itertools import groupby

    from .render import preflight_layout

    lonely: set[str] = set()
    lines = preflight_layout(laid_out, posters=True).lines
    for _, grouped in groupby(lines, key=lambda line: line.paragraph):
        paragraph = list(grouped)
        words = [len(line.text.split()) for line in paragraph]
        if len(words) > 1 and (words[-1] == 1 or (sum(words) >= FEW_WORDS and 1 in words)):
            lonely.add(paragraph[0].role)
    return lonely


def share_png(pdf: bytes, fmt: Format) -> bytes:
    """The share picture of *pdf* (:func:`render_share`'s) as PNG bytes: exactly *fmt*'s
    pixels, RGB without alpha, marked sRGB; the same PDF gives the same bytes."""
    import pypdfium2
    from PIL import PngImagePlugin

    width, height = pixel_size(fmt)
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        bitmap = page.render(scale=width / page.get_width(), fill_color=(255, 255, 255, 255))
        image = bitmap.to_pil().convert("RGB")
    finally:
        document.close()
    if image.size != (width, height):
        raise RenderError(
            f"the {fmt.name} picture came out {image.size[0]} × {image.size[1]} px, "
            f"not {width} × {height}"
        )
    info = PngImagePlugin.PngInfo()
    # PNG 1.2 §4.2.2.4: the pixels are sRGB (rendering intent 0, perceptual).
    info.add(b"sRGB", b"\0")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True, pnginfo=info)
    return buffer.getvalue()
