"""Lengths as users type them (``3mm``, ``0.125in``, ``9pt``) turned into PDF points."""

from __future__ import annotations

import re

from .errors import UsageError

__all__ = ["POINTS_PER", "format_length", "parse_length"]

#: Points in one unit; CSS Values 3 §6.2 absolute lengths (1in = 72pt = 96px).
POINTS_PER = {
    "pt": 1.0,
    "mm": 72 / 25.4,
    "cm": 72 / 2.54,
    "in": 72.0,
    "px": 0.75,
    "pc": 12.0,
}

_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?|-?\.\d+)\s*([a-z]*)\s*$", re.IGNORECASE)


def parse_length(text: str | float, *, default_unit: str = "pt") -> float:
    """Return *text* in points; a bare number is read in *default_unit*.

    >>> round(parse_length("3mm"), 3)
    8.504
    """
    if isinstance(text, int | float):
        return float(text) * POINTS_PER[default_unit]
    match = _LENGTH.match(text)
    unit = (match.group(2).lower() or default_unit) if match else ""
    if not match or unit not in POINTS_PER:
        units = ", ".join(POINTS_PER)
        raise UsageError(f"cannot read length {text!r}: write a number and a unit ({units})")
    return float(match.group(1)) * POINTS_PER[unit]


def format_length(points: float, unit: str = "mm") -> str:
    """Show a length in points as a short human string (``"3mm"``)."""
    value = points / POINTS_PER[unit]
    return f"{value:.3f}".rstrip("0").rstrip(".") + unit
