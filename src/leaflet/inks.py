"""The inks leaflet knows by name: stencil duplicator (Risograph) drum inks, for two-ink
leaflets (``--inks black,fluorescent-pink``).

Each ink has a name (the one ``--inks`` takes and the spot PDF's ``/Separation`` names), a
preview colour (sRGB: how the ink looks on white paper, for the composite preview), and a CMYK
alternate (what a composite printer or a screen shows for it in the spot PDF: the preview
colour through the coated-paper press profile, :func:`pdfx.cmyk`, so black is 100 % K alone).

Provenance of the preview colours: RISO Kagaku publishes its drum inks with Pantone
references; the sRGB values here are those of Stencil's public Risograph colour list
(stencil.wiki/colors), the table Riso studios commonly share, and used as is by many public
tools (e.g. ``#ff48b0`` for fluorescent pink, ``#3255a4`` for medium blue).  No Pantone names
are given: no public source lists their colour values for free use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from .colour import MAX_INKS, InkUse

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from .colour import Inks
    from .pdfx import CMYK
    from .templates import Template

__all__ = [
    "INKS",
    "Ink",
    "InkTable",
    "get_ink",
    "ink_names",
    "read_ink_table",
    "template_inks",
]


@dataclass(frozen=True, slots=True)
class Ink:
    """A printing ink: its name and how it looks on white paper (``#rrggbb``)."""

    name: str
    preview: str

    @property
    def rgb(self) -> tuple[int, int, int]:
        """The preview colour as 8-bit sRGB channels."""
        value = self.preview.lstrip("#")
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)

    @property
    def cmyk(self) -> CMYK:
        """The CMYK alternate (0 … 1): the preview colour on coated offset paper."""
        return _alternate(self.preview)

    @property
    def pdf_name(self) -> str:
        """The colorant name in a PDF (``/Separation /Fluorescent-Pink``): the name with each
        word capitalised, as RIPs and duplicator drivers list them."""
        return "-".join(part.capitalize() for part in self.name.split("-"))

    @property
    def darkness(self) -> float:
        """How much a solid of this ink darkens white paper (0 … 1: black), by
        :func:`lightness`."""
        return 1.0 - lightness(self.rgb)


def lightness(rgb: tuple[int, int, int]) -> float:
    """How light an 8-bit sRGB colour is (0 … 1): its luma (ITU-R BT.601 weights on the
    gamma-encoded values), as Pillow's greyscale conversion takes it, so a picture's pixels and
    a stylesheet's colours become tints alike."""
    red, green, blue = rgb
    return (0.299 * red + 0.587 * green + 0.114 * blue) / 255


@cache
def _alternate(preview: str) -> CMYK:
    from .pdfx import cmyk

    return cmyk(preview)


#: The inks by name (Stencil's Risograph list; see the module's docstring).
INKS: dict[str, Ink] = {
    ink.name: ink
    for ink in (
        Ink("black", "#000000"),
        Ink("burgundy", "#914e72"),
        Ink("blue", "#0078bf"),
        Ink("green", "#00a95c"),
        Ink("medium-blue", "#3255a4"),
        Ink("bright-red", "#f15060"),
        Ink("federal-blue", "#3d5588"),
        Ink("purple", "#765ba7"),
        Ink("teal", "#00838a"),
        Ink("flat-gold", "#bb8b41"),
        Ink("hunter-green", "#407060"),
        Ink("red", "#ff665e"),
        Ink("brown", "#925f52"),
        Ink("yellow", "#ffe800"),
        Ink("marine-red", "#d2515e"),
        Ink("orange", "#ff6c2f"),
        Ink("fluorescent-pink", "#ff48b0"),
        Ink("light-gray", "#88898a"),
        Ink("crimson", "#e45d50"),
        Ink("fluorescent-orange", "#ff7477"),
        Ink("cornflower", "#62a8e5"),
        Ink("sky-blue", "#4982cf"),
        Ink("sea-blue", "#0074a2"),
        Ink("lake", "#235ba8"),
        Ink("indigo", "#484d7a"),
        Ink("midnight", "#435060"),
        Ink("charcoal", "#70747c"),
        Ink("steel", "#375e77"),
        Ink("turquoise", "#00aa93"),
        Ink("kelly-green", "#67b346"),
        Ink("violet", "#9d7ad2"),
        Ink("scarlet", "#f65058"),
        Ink("cranberry", "#d1517a"),
        Ink("brick", "#a75154"),
        Ink("sunflower", "#ffb511"),
        Ink("fluorescent-green", "#44d62c"),
        Ink("fluorescent-yellow", "#f7ff58"),
    )
}


def ink_names() -> str:
    """The known inks' names, for messages."""
    return ", ".join(INKS)


def get_ink(name: str) -> Ink:
    """The ink called *name* (case and spaces forgiven: ``Fluorescent Pink``); KeyError
    naming the known ones otherwise."""
    key = "-".join(name.strip().lower().replace("_", "-").split())
    try:
        return INKS[key]
    except KeyError:
        raise KeyError(f"unknown ink {name!r} (known: {ink_names()})") from None


#: Keys of a manifest's ``[inks]`` table that name no colour role.
_TABLE_KEYS = ("default", "overprint")


@dataclass(frozen=True, slots=True)
class InkTable:
    """A template manifest's ``[inks]`` table::

        [inks]
        default = ["black", "fluorescent-pink"]  # the inks it is drawn for (optional)
        overprint = ["black"]     # roles that overprint; "black": any solid black (default)
        ink = [1, 100]            # colour role = [ink, tint %]: ink 1 is the first of --inks
        accent = [2, 100]
        panel = [2, 15]
        on-accent = "paper"       # no ink: the paper shows (knocks out what is below)
        qr = [1, 100]             # the QR code; images = [1]: pictures in the first ink

    Roles are the template's ``[colours]`` names, ``qr`` and ``images``."""

    roles: tuple[tuple[str, InkUse], ...] = ()
    default: tuple[str, ...] = ()
    #: None: the table does not say (a child template keeps its parent's setting).
    overprint_set: tuple[str, ...] | None = None

    @property
    def overprint(self) -> tuple[str, ...]:
        """The roles that overprint: the table's, else ``black`` (black text overprints)."""
        return ("black",) if self.overprint_set is None else self.overprint_set

    def merged(self, parent: InkTable) -> InkTable:
        """This table over a parent template's (roles and settings it does not name are the
        parent's)."""
        return InkTable(
            tuple(sorted({**dict(parent.roles), **dict(self.roles)}.items())),
            self.default or parent.default,
            self.overprint_set if self.overprint_set is not None else parent.overprint_set,
        )


#: Roles every template has besides its colours: the QR code and pictures.
PICTURE_ROLES = ("qr", "images")


def read_ink_table(value: object, colours: Iterable[str] = ()) -> InkTable:
    """A manifest's ``[inks]`` table (see :class:`InkTable`); ValueError saying what is wrong
    (the caller names the file).  With the template's *colours* (their names), a role that is
    none of them, nor ``qr`` or ``images``, is an error (a misspelt role would be ignored)."""
    if not isinstance(value, dict):
        raise ValueError("[inks] must be a table")
    known = {*colours, *PICTURE_ROLES}
    unknown = [key for key in value if key not in (*_TABLE_KEYS, *known)]
    if colours and unknown:
        raise ValueError(
            f"[inks] {unknown[0]}: no such colour role (roles: {', '.join(sorted(known))})"
        )
    default = _names(value.get("default", []), "default")
    for name in default:
        get_ink(name)  # KeyError naming the known inks
    overprint = tuple(_names(value["overprint"], "overprint")) if "overprint" in value else None
    roles = []
    for role, entry in value.items():
        if role in _TABLE_KEYS:
            continue
        roles.append((role, _use(role, entry)))
    return InkTable(tuple(sorted(roles)), tuple(default), overprint)


def _names(value: object, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ValueError(f"[inks] {key} must be a list of names")
    return list(value)


def _use(role: str, entry: object) -> InkUse:
    if entry == "paper":
        return InkUse(None, 0.0)
    numbers = entry if isinstance(entry, list) else None
    valid = (
        numbers is not None
        and 1 <= len(numbers) <= 2
        and all(isinstance(n, int | float) and not isinstance(n, bool) for n in numbers)
        and isinstance(numbers[0], int)
        and 1 <= numbers[0] <= MAX_INKS
        and (len(numbers) == 1 or 0 <= numbers[1] <= 100)
    )
    if not valid or numbers is None:
        raise ValueError(
            f'[inks] {role} must be [ink, tint %] (ink 1 … {MAX_INKS}, tint 0 … 100) or "paper"'
        )
    tint = float(numbers[1]) / 100 if len(numbers) == 2 else 1.0
    return InkUse(numbers[0] - 1, tint)


def template_inks(names: Sequence[str], template: Template) -> Inks:
    """The spot-ink colour mode for inks *names* (``--inks``; none: the template's
    ``default``) and *template*'s ``[inks]`` roles; :class:`UsageError` naming the option for
    an unknown ink, or none at all."""
    from .colour import inks_mode
    from .errors import UsageError

    chosen = tuple(names) or template.inks.default
    if not chosen:
        raise UsageError(
            f"--pdf-variant spot: name the inks with --inks (template {template.name!r} "
            f"declares none; known: {ink_names()})"
        )
    try:
        return inks_mode(chosen, dict(template.inks.roles), template.inks.overprint)
    except ValueError as error:
        raise UsageError(f"--inks: {error}") from None
