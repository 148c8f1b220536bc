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
* (spot inks, for duplicators and spot presses, will be a third mode here.)

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

    from .pdfx import CMYK, PrintingCondition

__all__ = [
    "SCREEN",
    "ColourMode",
    "Press",
    "Screen",
    "colour_mode",
    "document_colours",
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
def _converted_stylesheet(mode: ColourMode, text: str) -> str:
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    return "\n".join(_rule(mode, rule) for rule in rules)


@lru_cache(maxsize=1024)
def _converted_declarations(mode: ColourMode, text: str) -> str:
    return _block(mode, tinycss2.parse_component_value_list(text))


def _rule(mode: ColourMode, rule: Any) -> str:
    if rule.type == "error":
        return ""  # WeasyPrint would skip it too (and warn when it reads the original)
    prelude = tinycss2.serialize(rule.prelude)
    head = f"@{rule.at_keyword}{prelude}" if rule.type == "at-rule" else prelude
    if rule.content is None:
        return f"{head};"
    if rule.type == "at-rule" and rule.lower_at_keyword in _RULE_LISTS:
        body = "\n".join(
            _rule(mode, inner)
            for inner in tinycss2.parse_rule_list(
                rule.content, skip_comments=True, skip_whitespace=True
            )
        )
    else:
        body = _block(mode, rule.content)
    return f"{head}{{{body}}}"


def _block(mode: ColourMode, content: Iterable[Any]) -> str:
    """Declarations (and nested rules) of one block."""
    parts = []
    for item in tinycss2.parse_blocks_contents(
        list(content), skip_comments=True, skip_whitespace=True
    ):
        if item.type == "declaration":
            value = item.value
            text = (
                tinycss2.serialize(value)
                if _NO_COLOUR.match(item.lower_name)
                else _values(mode, value)
            )
            important = " !important" if item.important else ""
            parts.append(f"{item.name}:{text.rstrip()}{important};")
        elif item.type in ("qualified-rule", "at-rule"):
            parts.append(_rule(mode, item))
    return "".join(parts)


def _values(mode: ColourMode, tokens: Iterable[Any]) -> str:
    out = []
    for token in tokens:
        colour = color5.parse_color(token) if token.type in ("ident", "hash", "function") else None
        painted = mode.paint(colour) if isinstance(colour, color4.Color) else None
        if painted is not None:
            out.append(painted)
        elif token.type == "function" and colour is None:
            out.append(f"{serialize_identifier(token.name)}(")
            out.append(_values(mode, token.arguments))
            out.append(")")
        elif token.type in ("() block", "[] block"):
            opening = token.type[0]
            out.append(opening + _values(mode, token.content) + {"(": ")", "[": "]"}[opening])
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


def _converted_svg(mode: ColourMode, text: str) -> str:
    def attribute(match: re.Match[str]) -> str:
        value = _values(mode, tinycss2.parse_component_value_list(match[3]))
        return f"{match[1]}{match[2]}{value}{match[2]}"

    def style(match: re.Match[str]) -> str:
        return f"{match[1]}{match[2]}{_converted_declarations(mode, match[3])}{match[2]}"

    def element(match: re.Match[str]) -> str:
        body = match[2]
        cdata = body.strip().startswith("<![CDATA[")
        if cdata:
            body = body.strip()[9:-3]
        converted = _converted_stylesheet(mode, body)
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
