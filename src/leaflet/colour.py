"""How a document's colours are painted: one choice, made once, applied in one place.

A :class:`ColourMode` is chosen from the render options (:func:`colour_mode`: the PDF variant
and the paper) and handed to the typesetter, which reads every stylesheet, ``<style>``
element, ``style`` attribute and SVG image (logos, the QR code) of the document through it
(``render.Typesetter``); the job ticket describes the inks with it and the PDF finisher
converts pictures for its printing condition.  Nothing else decides how a colour is painted.

* :data:`SCREEN` — sRGB, as written (screen PDFs, PDF/A, previews);
* :class:`Press` — CMYK for a registered printing condition (PDF/X): every colour becomes
  ``device-cmyk()`` (CSS Color 5 §5) through the condition's output profile with LittleCMS
  (:func:`pdfx.cmyk`; a neutral grey is black ink alone, text is never a rich black), and the
  profile is declared as the output intent;
* :class:`Inks` — spot inks, for stencil duplicators (Risograph) and spot-colour presses:
  every colour becomes one ink at a tint, by its role (the template manifest's ``[inks]``
  table: ``accent = [2, 100]``), written as a *marker* colour that encodes the ink and tint;
  :mod:`leaflet.separations` turns the markers of the rendered PDF into ``/Separation``
  colour spaces named after the inks (WeasyPrint cannot write those).

Colours are read the way WeasyPrint reads them (tinycss2's CSS Color parser), so a named colour
(``red``), ``rgb()``, ``hsl()`` or a hex value are all converted, only in property values —
never in selectors (``#main``) or text.  A statement's or template manifest's colour is checked
and normalised by :func:`parse_colour` when it is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import tinycss2
from tinycss2 import color4, color5
from tinycss2.serializer import serialize_identifier

from .errors import TemplateError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from .inks import Ink
    from .pdfx import CMYK, PrintingCondition

__all__ = [
    "SCREEN",
    "ColourMode",
    "InkUse",
    "Inks",
    "Press",
    "Screen",
    "colour_mode",
    "document_colours",
    "inks_mode",
    "parse_colour",
]


def parse_colour(text: str) -> str:
    """*text* (a CSS colour: ``#c8102e``, ``#c12``, ``red``, ``rgb(200 16 46)``, ``hsl(…)``)
    as ``#rrggbb``; ValueError for anything else, or a colour that is not opaque (a colour a
    statement or template names is printed as ink: no transparency)."""
    tokens = [
        token
        for token in tinycss2.parse_component_value_list(text.strip())
        if token.type not in ("whitespace", "comment")
    ]
    colour = color5.parse_color(tokens[0]) if len(tokens) == 1 else None
    if not isinstance(colour, color4.Color):
        raise ValueError(f"{text!r} is not a colour")
    if colour.alpha < 1:
        raise ValueError(f"{text!r} is not opaque")
    return _hex(colour, text)


def _hex(colour: Any, text: str) -> str:
    try:
        red, green, blue = colour.to("srgb").coordinates
    except NotImplementedError:
        raise ValueError(f"{text!r} is in a colour space leaflet cannot print") from None
    return "#" + "".join(f"{round(min(max(v, 0.0), 1.0) * 255):02x}" for v in (red, green, blue))


def document_colours(template_colours: Mapping[str, str], accent: str | None) -> dict[str, str]:
    """The colours a document is made with: the template's, with a statement's accent."""
    return {**template_colours, **({"accent": accent} if accent else {})}


class ColourMode:
    """How colours are painted (see the module's docstring).  The base class paints them as
    written; subclasses convert each colour value with :meth:`paint`."""

    #: Short name, for messages.
    name = "screen"
    #: The printing condition colours are made for (None: a screen).
    condition: PrintingCondition | None = None

    @property
    def converts(self) -> bool:
        return False

    def paint(self, colour: Any) -> str | None:
        """The CSS text painting *colour* (a parsed tinycss2 colour) in this mode, or None to
        keep it as written."""
        return None

    def paint_role(self, role: str, colour: Any) -> str | None:
        """Like :meth:`paint`, for the colour of a *role*: a template colour's custom property
        (``--accent`` → ``accent``), the QR code (``qr``), an SVG picture (``images``)."""
        return self.paint(colour)

    def preamble(self) -> str:
        """CSS that must come before every stylesheet (a colour profile)."""
        return ""

    def css(self, text: str) -> str:
        """A stylesheet's text with its colours painted in this mode."""
        return _converted_stylesheet(self, text) if self.converts else text

    def declarations(self, text: str) -> str:
        """A ``style`` attribute's declarations with their colours painted in this mode."""
        return _converted_declarations(self, text) if self.converts else text

    def svg(self, text: str) -> str:
        """An SVG image's source with its colours painted in this mode (presentation
        attributes, ``style`` attributes and ``<style>`` elements)."""
        return _converted_svg(self, text) if self.converts else text

    def describe(self, colours: Mapping[str, str], *, double_sided: bool) -> str:
        """The colours as the job ticket names them for a print shop."""
        inks = _coloured(colours)
        if not inks:
            return f"{_notation(1, double_sided)}: black only"
        return (
            f"{_notation(4, double_sided)}: full colour ({', '.join(inks)} and black); an RGB "
            "file: the shop converts it to its press's CMYK"
        )


class Screen(ColourMode):
    """sRGB as written: PDFs for screens and for PDF/A."""

    def __repr__(self) -> str:
        return "Screen()"


#: The mode of every output that is not a press file.
SCREEN = Screen()


@dataclass(frozen=True, slots=True)
class Press(ColourMode):
    """CMYK for a registered printing condition: every colour through its output profile."""

    condition: PrintingCondition
    name = "press"

    @property
    def converts(self) -> bool:
        return True

    def paint(self, colour: Any) -> str | None:
        if colour.space == "device-cmyk" or colour.alpha == 0:
            return None  # already ink, or nothing painted
        values = self.cmyk(_hex(colour, colour.space))
        alpha = "" if colour.alpha >= 1 else f" / {colour.alpha:g}"
        inks = " ".join(f"{value:g}" for value in values)
        return f"device-cmyk({inks}{alpha})"

    def cmyk(self, colour: str) -> CMYK:
        """The inks of ``#rrggbb`` *colour* under this condition."""
        from .pdfx import cmyk

        return cmyk(colour, self.condition)

    def preamble(self) -> str:
        from .pdfx import profile_css

        return profile_css(self.condition)

    def describe(self, colours: Mapping[str, str], *, double_sided: bool) -> str:
        inks = _coloured(colours)
        mixes = "".join(
            f"; {ink} as "
            + " ".join(
                f"{name}{round(v * 100)}" for name, v in zip("CMYK", self.cmyk(ink), strict=True)
            )
            for ink in inks
        )
        condition = self.condition
        notation = _notation(4 if inks else 1, double_sided)
        return (
            f"{notation}: CMYK for {condition.identifier} ({condition.info}); black text and "
            f"greys in black ink (K) only{mixes}"
        )


#: Marker colours (:class:`Inks`): ``rgb(R G B)`` with R = :data:`_MARK_INK` + the ink's
#: index (:data:`_MARK_PAPER`: paper, no ink), G = the tint in 255ths, B = :data:`_MARK_KNOCKOUT`
#: or :data:`_MARK_OVERPRINT`.  No colour a document is made with reaches the PDF unpainted in
#: this mode, so a marker is never a colour of its own; anything else (WeasyPrint's default
#: black) is read by its lightness (:meth:`Inks.fallback`).
_MARK_PAPER = 0x20
_MARK_INK = 0x21
_MARK_KNOCKOUT = 0x5A
_MARK_OVERPRINT = 0x5B
#: The most inks one document takes (duplicators have one or two drums; a spot press a few).
MAX_INKS = 6
#: Tints at least this strong of a black ink overprint by default ("black overprint").
SOLID = 0.95


@dataclass(frozen=True, slots=True)
class InkUse:
    """One ink at a tint (0 … 1; *ink* None: paper, nothing printed, knocking out what is
    below), overprinting what is below or knocking it out."""

    ink: int | None
    tint: float = 1.0
    overprint: bool = False


#: Where a template's roles go when its manifest says nothing: text and dark roles on the
#: first ink, accent roles on the second (:meth:`Inks.role_use`).
ACCENT_ROLES = ("accent",)


@dataclass(frozen=True, slots=True)
class Inks(ColourMode):
    """Spot inks: every colour one ink at a tint, written as a marker colour
    (:meth:`marker`), which :mod:`leaflet.separations` reads back from the rendered PDF.

    *roles* map a colour role (a template colour's name, ``qr``, ``images``) to its ink and
    tint (the manifest's ``[inks]``); a role it does not name, and any colour written in a
    stylesheet, goes by :meth:`fallback`.  *overprint* lists the roles that overprint, and
    ``black`` for any solid tint of a black ink (the default: black text overprints)."""

    inks: tuple[Ink, ...]
    roles: tuple[tuple[str, InkUse], ...] = ()
    overprint: tuple[str, ...] = ("black",)
    name = "inks"

    @property
    def converts(self) -> bool:
        return True

    def paint(self, colour: Any) -> str | None:
        if colour.alpha == 0:
            return None  # nothing painted
        return self.marker(self._faded(self.fallback(_rgb(colour)), colour.alpha))

    def paint_role(self, role: str, colour: Any) -> str | None:
        if colour.alpha == 0:
            return None
        return self.marker(self._faded(self.role_use(role, _rgb(colour)), colour.alpha))

    def svg(self, text: str) -> str:
        # segno's QR codes carry its class: the QR code's role; any other SVG is a picture.
        role = "qr" if 'class="segno"' in text[:400] else "images"
        return _converted_svg(self, text, role)

    def role_use(self, role: str, rgb: tuple[int, int, int]) -> InkUse:
        """The ink and tint of *role*, whose colour is *rgb*: the manifest's, else the
        default (accent roles solid in the second ink, the QR code solid in the first, other
        roles by their colour's lightness, :meth:`fallback`)."""
        use = dict(self.roles).get(role)
        if use is None and role in ACCENT_ROLES:
            use = InkUse(min(1, len(self.inks) - 1))
        elif use is None and role == "qr":
            use = InkUse(0)
        elif use is None:
            use = self.fallback(rgb)
        overprint = role in self.overprint or self._black_overprint(use)
        return InkUse(use.ink, use.tint, overprint) if use.ink is not None else use

    def fallback(self, rgb: tuple[int, int, int]) -> InkUse:
        """A colour no role names: white is paper; a grey (and anything with one ink) the
        first ink, another colour the nearest of the other inks, at the tint whose lightness
        on white paper matches the colour's."""
        from .inks import lightness as lightness_of

        lightness = lightness_of(rgb)
        if lightness >= 0.995:
            return InkUse(None, 0.0)
        index = 0
        if len(set(rgb)) > 1 and len(self.inks) > 1:
            others = range(1, len(self.inks))
            index = min(others, key=lambda i: _distance(self.inks[i].rgb, rgb))
        darkness = self.inks[index].darkness
        tint = min(1.0, (1 - lightness) / darkness) if darkness > 0 else 1.0
        use = InkUse(index, round(tint, 3))
        return InkUse(index, use.tint, self._black_overprint(use))

    def _black_overprint(self, use: InkUse) -> bool:
        return (
            "black" in self.overprint
            and use.ink is not None
            and self.inks[use.ink].name == "black"
            and use.tint >= SOLID
        )

    @staticmethod
    def _faded(use: InkUse, alpha: float) -> InkUse:
        """*use* painted at opacity *alpha*: a lighter tint (ink has no transparency)."""
        if alpha >= 1 or use.ink is None:
            return use
        return InkUse(use.ink, use.tint * alpha, use.overprint)

    def marker(self, use: InkUse) -> str:
        """The CSS colour standing for *use* until :mod:`leaflet.separations` reads it."""
        return "rgb({} {} {})".format(*self.marker_rgb(use))

    def marker_rgb(self, use: InkUse) -> tuple[int, int, int]:
        if use.ink is None:
            return _MARK_PAPER, 0, _MARK_KNOCKOUT
        tint = round(min(max(use.tint, 0.0), 1.0) * 255)
        return _MARK_INK + use.ink, tint, _MARK_OVERPRINT if use.overprint else _MARK_KNOCKOUT

    def read_marker(self, rgb: tuple[int, int, int]) -> InkUse | None:
        """The ink use a marker colour stands for; None when *rgb* is no marker."""
        red, tint, flag = rgb
        if flag not in (_MARK_KNOCKOUT, _MARK_OVERPRINT):
            return None
        if red == _MARK_PAPER and tint == 0:
            return InkUse(None, 0.0)
        if _MARK_INK <= red < _MARK_INK + len(self.inks):
            return InkUse(red - _MARK_INK, tint / 255, flag == _MARK_OVERPRINT)
        return None

    @property
    def image_ink(self) -> int:
        """The ink pictures are printed in (the ``images`` role; the first ink by default)."""
        use = dict(self.roles).get("images")
        return use.ink if use is not None and use.ink is not None else 0

    def describe(self, colours: Mapping[str, str], *, double_sided: bool) -> str:
        names = ", ".join(ink.name for ink in self.inks)
        count = len(self.inks)
        overprint = ", black text overprinting" if "black" in self.overprint else ""
        return (
            f"{_notation(count, double_sided)}: {count} spot ink{'s' * (count > 1)} ({names}); "
            f"a master or plate per ink and side{overprint}"
        )


def _rgb(colour: Any) -> tuple[int, int, int]:
    """A parsed colour as 8-bit sRGB (a device-cmyk value naively, as ink on white)."""
    if colour.space == "device-cmyk":
        c, m, y, k = colour.coordinates
        channels: Iterable[float] = ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    else:
        try:
            channels = colour.to("srgb").coordinates
        except NotImplementedError:
            channels = (0.0, 0.0, 0.0)
    red, green, blue = (round(min(max(v, 0.0), 1.0) * 255) for v in channels)
    return red, green, blue


def _distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> int:
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True))


def inks_mode(
    names: Iterable[str],
    roles: Mapping[str, InkUse] | None = None,
    overprint: Iterable[str] = ("black",),
) -> Inks:
    """The :class:`Inks` mode for the inks called *names* (``--inks``, :mod:`leaflet.inks`)
    and a template's role table; ValueError naming an unknown ink, or too many."""
    from .inks import get_ink

    chosen: list[Ink] = []
    for name in names:
        try:
            ink = get_ink(name)
        except KeyError as error:
            raise ValueError(str(error.args[0])) from None
        if ink in chosen:
            raise ValueError(f"ink {ink.name!r} is named twice")
        chosen.append(ink)
    if not chosen:
        raise ValueError("no ink named")
    if len(chosen) > MAX_INKS:
        raise ValueError(f"{len(chosen)} inks: leaflet prints at most {MAX_INKS}")
    last = len(chosen) - 1
    table = tuple(
        (role, InkUse(min(use.ink, last), use.tint) if use.ink is not None else use)
        for role, use in sorted((roles or {}).items())
    )
    return Inks(tuple(chosen), table, tuple(overprint))


def colour_mode(
    pdf_variant: str | None, paper: str = "coated", *, american: bool = False
) -> ColourMode:
    """The mode for a render: :class:`Press` for the PDF/X variants (the printing condition of
    *paper*, ``coated`` or ``uncoated``; *american* for the US conditions of letter-size
    formats), :data:`SCREEN` otherwise.  ValueError for an unknown paper."""
    from .pdfx import condition_for, is_print_variant

    condition = condition_for(paper, american=american)
    return Press(condition) if is_print_variant(pdf_variant) else SCREEN


def _notation(inks: int, double_sided: bool) -> str:
    """Colours as print shops write them: inks front / inks back (``4/4``, ``1/0``)."""
    return f"{inks}/{inks if double_sided else 0}"


def _coloured(colours: Mapping[str, str]) -> list[str]:
    """The non-grey colours among *colours* (``#rrggbb``), each once, sorted."""
    return sorted({value.lower() for value in colours.values() if not _is_grey(value)})


def _is_grey(colour: str) -> bool:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    return len(value) == 6 and value[0:2] == value[2:4] == value[4:6]


# -- converting CSS -----------------------------------------------------------------------

#: Properties whose values name no colour (an identifier there such as a font called "Red" is
#: no colour): left as written.
_NO_COLOUR = re.compile(
    r"^(font|content$|quotes$|string-set$|bookmark-|counter-|list-style-type$|grid-|"
    r"animation|transition|will-change$|page$|size$|src$|unicode-range$|hyphenate-|lang$)"
)
#: At-rules holding rules (their blocks are rule lists); any other at-rule's block holds
#: declarations (and margin rules, for ``@page``).
_RULE_LISTS = frozenset({"media", "supports", "layer", "container", "document", "scope"})


@lru_cache(maxsize=256)
def _converted_stylesheet(mode: ColourMode, text: str, role: str | None = None) -> str:
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    return "\n".join(_rule(mode, rule, role) for rule in rules)


@lru_cache(maxsize=1024)
def _converted_declarations(mode: ColourMode, text: str, role: str | None = None) -> str:
    return _block(mode, tinycss2.parse_component_value_list(text), role)


def _rule(mode: ColourMode, rule: Any, role: str | None = None) -> str:
    if rule.type == "error":
        return ""  # WeasyPrint would skip it too (and warn when it reads the original)
    prelude = tinycss2.serialize(rule.prelude)
    head = f"@{rule.at_keyword}{prelude}" if rule.type == "at-rule" else prelude
    if rule.content is None:
        return f"{head};"
    if rule.type == "at-rule" and rule.lower_at_keyword in _RULE_LISTS:
        body = "\n".join(
            _rule(mode, inner, role)
            for inner in tinycss2.parse_rule_list(
                rule.content, skip_comments=True, skip_whitespace=True
            )
        )
    else:
        body = _block(mode, rule.content, role)
    return f"{head}{{{body}}}"


def _block(mode: ColourMode, content: Iterable[Any], role: str | None = None) -> str:
    """Declarations (and nested rules) of one block; a custom property's colour is painted
    as its role's (``--accent``), any other in *role* when given."""
    parts = []
    for item in tinycss2.parse_blocks_contents(
        list(content), skip_comments=True, skip_whitespace=True
    ):
        if item.type == "declaration":
            value = item.value
            own = item.name[2:] if item.name.startswith("--") else role
            text = (
                tinycss2.serialize(value)
                if _NO_COLOUR.match(item.lower_name)
                else _values(mode, value, own)
            )
            important = " !important" if item.important else ""
            parts.append(f"{item.name}:{text.rstrip()}{important};")
        elif item.type in ("qualified-rule", "at-rule"):
            parts.append(_rule(mode, item, role))
    return "".join(parts)


def _values(mode: ColourMode, tokens: Iterable[Any], role: str | None = None) -> str:
    out = []
    for token in tokens:
        colour = color5.parse_color(token) if token.type in ("ident", "hash", "function") else None
        painted = None
        if isinstance(colour, color4.Color):
            painted = mode.paint_role(role, colour) if role else mode.paint(colour)
        if painted is not None:
            out.append(painted)
        elif token.type == "function" and colour is None:
            out.append(f"{serialize_identifier(token.name)}(")
            out.append(_values(mode, token.arguments, role))
            out.append(")")
        elif token.type in ("() block", "[] block"):
            opening = token.type[0]
            inner = _values(mode, token.content, role)
            out.append(opening + inner + {"(": ")", "[": "]"}[opening])
        else:
            out.append(token.serialize())
    return "".join(out)


# -- converting SVG -----------------------------------------------------------------------

#: SVG presentation attributes that take a colour.
_SVG_COLOUR_ATTRIBUTE = re.compile(
    r"""(\s(?:fill|stroke|stop-color|flood-color|lighting-color|color)\s*=\s*)(["'])([^"'<>]*)\2"""
)
_SVG_STYLE_ATTRIBUTE = re.compile(r"""(\sstyle\s*=\s*)(["'])([^"'<>]*)\2""")
_SVG_STYLE_ELEMENT = re.compile(r"(<style\b[^>]*>)(.*?)(</style\s*>)", re.DOTALL)


def _converted_svg(mode: ColourMode, text: str, role: str | None = None) -> str:
    def attribute(match: re.Match[str]) -> str:
        value = _values(mode, tinycss2.parse_component_value_list(match[3]), role)
        return f"{match[1]}{match[2]}{value}{match[2]}"

    def style(match: re.Match[str]) -> str:
        declarations = _converted_declarations(mode, match[3], role)
        return f"{match[1]}{match[2]}{declarations}{match[2]}"

    def element(match: re.Match[str]) -> str:
        body = match[2]
        cdata = body.strip().startswith("<![CDATA[")
        if cdata:
            body = body.strip()[9:-3]
        converted = _converted_stylesheet(mode, body, role)
        return match[1] + (f"<![CDATA[{converted}]]>" if cdata else converted) + match[3]

    text = _SVG_COLOUR_ATTRIBUTE.sub(attribute, text)
    text = _SVG_STYLE_ATTRIBUTE.sub(style, text)
    return _SVG_STYLE_ELEMENT.sub(element, text)


def check_template_colours(colours: Mapping[str, str], where: str) -> dict[str, str]:
    """A template manifest's ``[colours]``, each normalised to ``#rrggbb``; TemplateError
    naming *where* and the colour otherwise."""
    checked = {}
    for name, value in colours.items():
        try:
            checked[name] = parse_colour(value)
        except ValueError as error:
            raise TemplateError(f"{where}: colour {name!r}: {error}") from None
    return checked
