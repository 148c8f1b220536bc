"""Paper sizes by name, in PDF points (portrait: width < height).

ISO 216 A sizes, the SRA press sizes (A plus room for bleed and marks) and the US sizes.
"""

from __future__ import annotations

from .errors import UsageError
from .units import POINTS_PER

__all__ = ["PAPER_SIZES", "US_SIZES", "paper_size"]

_MM = POINTS_PER["mm"]
_IN = POINTS_PER["in"]

PAPER_SIZES: dict[str, tuple[float, float]] = {
    "a1": (594 * _MM, 841 * _MM),
    "a2": (420 * _MM, 594 * _MM),
    "a3": (297 * _MM, 420 * _MM),
    "a4": (210 * _MM, 297 * _MM),
    "a5": (148 * _MM, 210 * _MM),
    "a6": (105 * _MM, 148 * _MM),
    "a7": (74 * _MM, 105 * _MM),
    "dl": (99 * _MM, 210 * _MM),
    "sra3": (320 * _MM, 450 * _MM),
    "sra4": (225 * _MM, 320 * _MM),
    "letter": (8.5 * _IN, 11 * _IN),
    "legal": (8.5 * _IN, 14 * _IN),
    "tabloid": (11 * _IN, 17 * _IN),
    "half-letter": (5.5 * _IN, 8.5 * _IN),
}
#: The North American sizes: printed under a US printing condition (``colour.colour_mode``).
US_SIZES = frozenset({"letter", "legal", "tabloid", "half-letter"})


def paper_size(name: str, *, landscape: bool = False) -> tuple[float, float]:
    """Return ``(width, height)`` in points of the named paper."""
    try:
        width, height = PAPER_SIZES[name.lower()]
    except KeyError:
        known = ", ".join(PAPER_SIZES)
        raise UsageError(f"unknown paper size {name!r} (known: {known})") from None
    return (height, width) if landscape else (width, height)
