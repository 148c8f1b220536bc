"""Bounds on the images a statement or template uses, checked before WeasyPrint decodes them.

An image is small on disk and huge in memory when its header claims a large canvas (a PNG of
30000 × 30000 pixels compresses to kilobytes and decodes to gigabytes), and an SVG is small and
endless when its ``<use>`` elements repeat groups of ``<use>`` elements (each level multiplies
the drawing: nine levels of ten make a billion shapes).  :func:`check_image` reads only what it
needs to know — a raster image's header (Pillow does not decode on open), an SVG's element tree
— and refuses, with the reason, what would exceed :func:`~leaflet.limits.current_limits`.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

from .errors import RenderError
from .limits import current_limits, size_text

__all__ = [
    "MAX_SVG_DEPTH",
    "MAX_SVG_ELEMENTS",
    "ImageRefused",
    "check_image",
    "image_problem",
    "shorten",
]

#: Elements an SVG may draw once every ``<use>`` is expanded (real drawings have hundreds).
MAX_SVG_ELEMENTS = 100_000
#: Nesting an SVG may have, ``<use>`` references included (WeasyPrint draws by recursion).
MAX_SVG_DEPTH = 200

_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


class ImageRefused(RenderError):
    """An image that would cost more time or memory than the limits allow."""


def check_image(name: Path | str, data: bytes) -> None:
    """Raise :class:`ImageRefused` naming *name* if *data* (a whole image file) is over the
    limits in force; data that is no image at all passes (WeasyPrint reports it)."""
    problem = image_problem(data)
    if problem:
        raise ImageRefused(f"image {shorten(str(name))} {problem}")


def image_problem(data: bytes) -> str | None:
    """Why *data* may not be loaded (``"is larger than …"``), or None."""
    limits = current_limits()
    if len(data) > limits.image_bytes:
        return f"is larger than {size_text(limits.image_bytes)}"
    size = _raster_size(data)
    if size is None:  # WeasyPrint, too, reads as SVG what Pillow cannot read
        return _svg_problem(data)
    return _pixels_problem(size, limits.image_pixels)


def _pixels_problem(size: tuple[int, int], max_pixels: int) -> str | None:
    from PIL import Image

    # Never past Pillow's own bound either: past it, Pillow warns on stderr (or refuses).
    if Image.MAX_IMAGE_PIXELS:
        max_pixels = min(max_pixels, Image.MAX_IMAGE_PIXELS)
    width, height = size
    if width * height > max_pixels:
        return f"has {width} × {height} pixels (at most {max_pixels:,} are decoded)"
    return None


def _raster_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from a raster image's header, as Pillow reads it (nothing decoded),
    or None when no Pillow format reads *data*.

    Pillow's ``Image.open`` would be one call, but it warns on stderr about a large image
    before it can be refused: its format registry is asked directly, as ``open`` does.
    """
    from PIL import Image

    Image.init()
    prefix = data[:16]
    for format_id in Image.ID:
        factory, accept = Image.OPEN[format_id]
        try:
            if accept is not None and accept(prefix) is not True:
                continue
            with factory(io.BytesIO(data), "") as image:
                return image.size
        except (SyntaxError, IndexError, TypeError, ValueError, OSError, struct.error):
            continue
    return None


def _svg_problem(data: bytes) -> str | None:
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, ValueError, LookupError):
        return None  # not XML: not an SVG WeasyPrint could draw either
    elements = list(root.iter())
    if len(elements) > MAX_SVG_ELEMENTS:
        return f"is an SVG of more than {MAX_SVG_ELEMENTS:,} elements"
    by_id = {element.get("id"): element for element in elements if element.get("id")}
    for element in elements:
        target = _use_target(element)
        if target is not None and not target.startswith("#"):
            return f"is an SVG whose <use> refers to another file ({shorten(target)})"
    try:
        drawn = _expanded_size(root, by_id)
    except _Endless as error:
        return f"is an SVG {error}"
    if drawn > MAX_SVG_ELEMENTS:
        return (
            f"is an SVG whose <use> elements repeat its shapes more than {MAX_SVG_ELEMENTS:,} times"
        )
    return None


class _Endless(Exception):
    pass


def _use_target(element: ElementTree.Element) -> str | None:
    if not isinstance(element.tag, str) or element.tag.rpartition("}")[2] != "use":
        return None
    href = element.get("href") or element.get(_XLINK_HREF)
    return href.strip() if href is not None else None


def _expanded_size(root: ElementTree.Element, by_id: dict[str | None, ElementTree.Element]) -> int:
    """How many elements drawing *root* visits once each ``<use>`` is replaced by what it
    refers to; counting stops as soon as the total passes :data:`MAX_SVG_ELEMENTS`."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()

    def size(element: ElementTree.Element, depth: int) -> int:
        key = id(element)
        if key in sizes:
            return sizes[key]
        if key in on_path:
            raise _Endless("whose <use> elements refer to themselves")
        if depth > MAX_SVG_DEPTH:
            raise _Endless(f"with elements nested more than {MAX_SVG_DEPTH} deep")
        on_path.add(key)
        total = 1
        for child in _drawn_children(element, by_id):
            total += size(child, depth + 1)
            if total > MAX_SVG_ELEMENTS:
                break
        on_path.discard(key)
        sizes[key] = total
        return total

    return size(root, 0)


def _drawn_children(
    element: ElementTree.Element, by_id: dict[str | None, ElementTree.Element]
) -> Iterator[ElementTree.Element]:
    yield from element
    target = _use_target(element)
    if target and target[1:] in by_id:
        yield by_id[target[1:]]


def shorten(text: str, limit: int = 100) -> str:
    """*text* cut to *limit* characters (a ``data:`` URL can be megabytes long): for messages."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
