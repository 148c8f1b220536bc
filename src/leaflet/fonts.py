"""The bundled fonts: which files make each family, and the ``@font-face`` rules for them.

Only the families a template names (and the few the base stylesheet uses) are declared, because
WeasyPrint loads every declared font file when it reads the stylesheet.  :data:`FALLBACK` covers
every script leaflet supports and ends every font stack, so no text ever depends on the
machine's fonts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import TemplateError

__all__ = ["BASE_FAMILIES", "FALLBACK", "FAMILIES", "FONTS_DIR", "FontFace", "font_face_css"]

FONTS_DIR = Path(__file__).resolve().parent / "fonts"

#: The family every stack ends with: Noto Serif has Latin, Cyrillic and Greek.
FALLBACK = "Noto Serif"
#: Families ``styles/base.css`` itself uses (page numbers, preformatted text, posters): declared
#: for every template, so those never fall back to the serif whatever the template names.
BASE_FAMILIES = ("Fira Sans", "Fira Sans Condensed", "Liberation Mono")


@dataclass(frozen=True, slots=True)
class FontFace:
    """One font file; ``weight`` is its CSS weight, ``None`` for a variable font (every
    weight, drawn from its ``wght`` axis)."""

    path: Path
    weight: str | None = "400"
    style: str = "normal"


def _static(folder: str, pattern: str, faces: dict[str, tuple[str, str]]) -> tuple[FontFace, ...]:
    return tuple(
        FontFace(FONTS_DIR / folder / pattern.format(name), weight, style)
        for name, (weight, style) in faces.items()
    )


_FOUR = {
    "Regular": ("400", "normal"),
    "Italic": ("400", "italic"),
    "Bold": ("700", "normal"),
    "BoldItalic": ("700", "italic"),
}

FAMILIES: dict[str, tuple[FontFace, ...]] = {
    "PT Serif": _static("pt-serif", "PT_Serif-Web-{}.ttf", _FOUR),
    "Noto Serif": _static("noto-serif", "NotoSerif-{}.ttf", _FOUR),
    "Fira Sans": _static("fira-sans", "FiraSans-{}.ttf", _FOUR),
    "Fira Sans Condensed": _static(
        "fira-sans-condensed",
        "FiraSansCondensed-{}.ttf",
        {
            "Regular": ("400", "normal"),
            "Bold": ("700", "normal"),
            "ExtraBold": ("800", "normal"),
            "Black": ("900", "normal"),
        },
    ),
    "Liberation Mono": _static("liberation-mono", "LiberationMono-{}.ttf", _FOUR),
    # WeasyPrint 70 rejects a weight range in @font-face ("200 700" is ignored with a
    # warning); without one, the face matches every weight and Pango sets the wght axis.
    "Oswald": (FontFace(FONTS_DIR / "oswald" / "Oswald[wght].ttf", None),),
    "Roboto Slab": (FontFace(FONTS_DIR / "roboto-slab" / "RobotoSlab[wght].ttf", None),),
}


def font_face_css(families: tuple[str, ...] | list[str]) -> str:
    """``@font-face`` rules for *families*, the base stylesheet's and the fallback, with
    absolute file URLs."""
    rules = []
    for family in dict.fromkeys([*families, *BASE_FAMILIES, FALLBACK]):
        if family not in FAMILIES:
            known = ", ".join(FAMILIES)
            raise TemplateError(f"font {family!r} is not bundled (bundled: {known})")
        for face in FAMILIES[family]:
            weight = f"font-weight: {face.weight}; " if face.weight else ""
            rules.append(
                f'@font-face {{ font-family: "{family}"; src: url("{face.path.as_uri()}"); '
                f"{weight}font-style: {face.style}; }}"
            )
    return "\n".join(rules)
