"""Glyph coverage preflight: does some bundled font of the template draw every character?

WeasyPrint never fails on a character no font has: it prints an empty box ("tofu") and the
leaflet goes to the print shop with holes in it.  Before rendering, every character of the
statement is looked up in the character maps (fontTools) of the template's font families and
the universal fallback; what none of them has is a warning, or an error in strict mode.

Character maps are read once per font file and kept (:func:`functools.cache`): a check costs a
few milliseconds after the first (see the report in the tests).
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from .errors import RenderError
from .fonts import FALLBACK, FAMILIES
from .model import Statement
from .templates import Template

__all__ = ["check_coverage", "missing_characters"]

LOGGER = logging.getLogger("leaflet.coverage")

#: Unicode categories that are never drawn: controls, format characters (soft hyphen, zero
#: width joiner), line and paragraph separators.
_INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}
#: Variation selectors only choose between glyphs of the character before them.
_SELECTORS = range(0xFE00, 0xFE10)


@cache
def _font_cmap(path: Path) -> frozenset[int]:
    """Code points the font file at *path* maps to a glyph."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _drawn(char: str) -> bool:
    return unicodedata.category(char) not in _INVISIBLE and ord(char) not in _SELECTORS


def missing_characters(texts: Iterable[str], families: Iterable[str]) -> list[str]:
    """Characters of *texts* (in order of first appearance) that no font of *families* nor the
    fallback has; whitespace and invisible characters are ignored.

    The fallback is asked first: it covers every script leaflet supports, so the other
    families' character maps are only read for what it lacks (a cold check stays cheap).
    """
    seen = dict.fromkeys(char for text in texts for char in text)
    wanted = [char for char in seen if not char.isspace() and _drawn(char)]
    for family in dict.fromkeys([FALLBACK, *families]):
        if not wanted:
            break
        covered = _font_cmap(FAMILIES[family][0].path)
        wanted = [char for char in wanted if ord(char) not in covered]
    return wanted


def check_coverage(statement: Statement, template: Template, *, strict: bool = False) -> None:
    """Warn (or, when *strict*, raise :class:`RenderError`) about characters of *statement*
    that no bundled font of *template* can draw."""
    missing = missing_characters(statement.texts(), template.fonts)
    if not missing:
        return
    listed = ", ".join(f"U+{ord(char):04X} {char}" for char in missing)
    where = f"{statement.source}: " if statement.source else ""
    message = (
        f"{where}no bundled font of template {template.name!r} has "
        f"{'this character' if len(missing) == 1 else 'these characters'}: {listed} "
        "(they would print as empty boxes)"
    )
    if strict:
        raise RenderError(message)
    LOGGER.warning("%s", message)
