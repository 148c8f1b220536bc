"""The bundled fonts: which files make each family, and the ``@font-face`` rules for them.

Only the families a template names (and the few the base stylesheet uses) are declared, because
WeasyPrint loads every declared font file when it reads the stylesheet.  :data:`FALLBACK` covers
every script leaflet supports and ends every font stack, so no text ever depends on the
machine's fonts.

Every face is a static font.  WeasyPrint instances a variable font with fontTools at each
weight a document uses, on every PDF it writes, so the variable Oswald and Roboto Slab are
instanced once instead, by ``scripts/build-fonts.py``, at the weights the templates use
(:attr:`FontFace.source` names the variable file, kept in the source tree and left out of the
wheel).  A weight a family has no face for is drawn in another of its faces (CSS Fonts 4
§5.2): Oswald has 700 only, the heaviest its ``wght`` axis (200–700) allows, so a bolder
``strong`` in an Oswald heading looks as it did; Roboto Slab has 700, 800 and 900.
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
    """One font file and its CSS weight and style; ``source`` is the variable font it was
    instanced from by ``scripts/build-fonts.py`` (in the source tree only), if any."""

    path: Path
    weight: str = "400"
    style: str = "normal"
    source: Path | None = None


def _static(folder: str, pattern: str, faces: dict[str, tuple[str, str]]) -> tuple[FontFace, ...]:
    return tuple(
        FontFace(FONTS_DIR / folder / pattern.format(name), weight, style)
        for name, (weight, style) in faces.items()
    )


def _instances(
    folder: str, source: str, pattern: str, weights: dict[str, str]
) -> tuple[FontFace, ...]:
    return tuple(
        FontFace(
            FONTS_DIR / folder / pattern.format(name),
            weight,
            source=FONTS_DIR / folder / "source" / source,
        )
        for name, weight in weights.items()
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
    # Static instances of variable fonts, at the weights the templates set them in (bold:
    # Oswald 700; zine: Roboto Slab 700, 800 and 900).
    "Oswald": _instances("oswald", "Oswald[wght].ttf", "Oswald-{}.ttf", {"Bold": "700"}),
    "Roboto Slab": _instances(
        "roboto-slab",
        "RobotoSlab[wght].ttf",
        "RobotoSlab-{}.ttf",
        {"Bold": "700", "ExtraBold": "800", "Black": "900"},
    ),
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
            rules.append(
                f'@font-face {{ font-family: "{family}"; src: url("{face.path.as_uri()}"); '
                f"font-weight: {face.weight}; font-style: {face.style}; }}"
            )
    return "\n".join(rules)
