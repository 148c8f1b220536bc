"""Spot inks as a colour mode: the ink table, the manifest's ``[inks]`` roles, marker colours
and how every colour of a document finds its ink and tint (:class:`leaflet.colour.Inks`)."""

from __future__ import annotations

from pathlib import Path

import pytest
import tinycss2
from tinycss2 import color5

from leaflet.colour import SCREEN, Inks, InkUse, inks_mode
from leaflet.errors import TemplateError, UsageError
from leaflet.inks import INKS, get_ink, read_ink_table, template_inks
from leaflet.pipeline import RenderOptions
from leaflet.templates import builtin_templates, get_template


def _colour(text: str) -> object:
    return color5.parse_color(tinycss2.parse_component_value_list(text)[0])


def _marker(css: str) -> tuple[int, int, int]:
    """The rgb() a painted value names, as 8-bit channels."""
    inside = css.removeprefix("rgb(").removesuffix(")")
    red, green, blue = (int(part) for part in inside.split())
    return red, green, blue


TWO = inks_mode(["black", "fluorescent-pink"])


def test_ink_table_names_and_colours() -> None:
    assert get_ink("Fluorescent Pink") is INKS["fluorescent-pink"]
    assert INKS["fluorescent-pink"].preview == "#ff48b0"
    assert INKS["fluorescent-pink"].pdf_name == "Fluorescent-Pink"
    # The CMYK alternate of black is black ink alone; a pink's is mostly magenta.
    assert INKS["black"].cmyk == (0.0, 0.0, 0.0, 1.0)
    c, m, _, k = INKS["fluorescent-pink"].cmyk
    assert m > 0.6 and c < 0.2 and k < 0.1
    with pytest.raises(KeyError, match="known: black"):
        get_ink("ultraviolet")


def test_markers_round_trip_every_ink_tint_and_overprint() -> None:
    for ink in (0, 1):
        for tint in (0.0, 0.2, 0.5, 1.0):
            for overprint in (False, True):
                use = InkUse(ink, tint, overprint)
                back = TWO.read_marker(TWO.marker_rgb(use))
                assert back is not None
                assert (back.ink, back.overprint) == (ink, overprint)
                assert back.tint == pytest.approx(tint, abs=1 / 255)
    assert TWO.read_marker(TWO.marker_rgb(InkUse(None, 0.0))) == InkUse(None, 0.0)
    # Ordinary colours are no markers; nor is a marker of an ink the document lacks.
    assert TWO.read_marker((0, 0, 0)) is None
    assert TWO.read_marker((255, 255, 255)) is None
    assert TWO.read_marker((0x21 + 5, 200, 0x5A)) is None


def test_roles_default_text_first_ink_accent_second() -> None:
    """Without a manifest table: accent solid in the second ink, greys the first ink by their
    lightness, white is paper, solid black overprints."""
    accent = TWO.read_marker(_marker(TWO.paint_role("accent", _colour("#c8102e")) or ""))
    assert accent == InkUse(1, 1.0, False)
    text = TWO.read_marker(_marker(TWO.paint(_colour("#000")) or ""))
    assert text == InkUse(0, 1.0, True)  # black text overprints
    grey = TWO.read_marker(_marker(TWO.paint(_colour("#808080")) or ""))
    assert grey is not None and grey.ink == 0 and 0.45 < grey.tint < 0.55 and not grey.overprint
    assert TWO.read_marker(_marker(TWO.paint(_colour("white")) or "")) == InkUse(None, 0.0)
    # A colour that is not grey goes to the second ink; half transparency halves the tint.
    red = TWO.read_marker(_marker(TWO.paint(_colour("rgb(255 72 176 / 0.5)")) or ""))
    assert red is not None and red.ink == 1 and red.tint == pytest.approx(0.5, abs=0.01)
    assert TWO.paint(_colour("transparent")) is None
    # One ink: everything is that ink.
    one = inks_mode(["blue"])
    assert one.read_marker(_marker(one.paint_role("accent", _colour("red")) or ""))
    assert one.fallback((200, 0, 0)).ink == 0


def test_manifest_roles_override_and_custom_properties_carry_them() -> None:
    """``--accent`` in a stylesheet is painted as the accent role: even when the accent and
    the text colour are the same black (the copier template), each goes to its own ink."""
    copier = get_template("copier")
    mode = template_inks(("black", "red"), copier)
    css = mode.css(":root { --ink: #000000; --accent: #000000; } p { color: #000; }")
    values = {
        item.name: item.value
        for rule in tinycss2.parse_stylesheet(css, skip_whitespace=True)
        for item in tinycss2.parse_declaration_list(rule.content, skip_whitespace=True)
        if item.type == "declaration"
    }
    read = {
        name: mode.read_marker(_marker(tinycss2.serialize(v).strip())) for name, v in values.items()
    }
    assert read["--ink"] == InkUse(0, 1.0, True)
    assert read["--accent"] == InkUse(1, 1.0, False)
    modern = template_inks(("black", "blue"), get_template("modern"))
    panel = modern.role_use("panel", (241, 243, 245))
    assert (panel.ink, panel.tint) == (1, 0.25)
    bold = template_inks(("black", "red"), get_template("bold"))
    assert bold.role_use("on-accent", (255, 255, 255)).ink is None  # paper


def test_qr_code_and_pictures_take_their_roles() -> None:
    mode = inks_mode(["black", "red"], {"qr": InkUse(1, 1.0), "images": InkUse(1)})
    qr = '<svg class="segno"><path stroke="#111111" d="M0 0h1"/></svg>'
    painted = mode.svg(qr)
    colour = painted.split('stroke="')[1].split('"')[0]
    assert mode.read_marker(_marker(colour)) == InkUse(1, 1.0, False)
    assert mode.image_ink == 1


def test_every_builtin_template_declares_two_inks_and_its_roles() -> None:
    for name, template in builtin_templates().items():
        assert template.inks.default, name
        roles = dict(template.inks.roles)
        assert {"ink", "accent", "qr", "images"} <= set(roles), name
        assert roles["ink"].ink == 0 and roles["accent"].ink == 1, name


def test_manifest_table_errors_name_the_file(tmp_path: Path) -> None:
    for table, mentions in (
        ('[inks]\naccent = "lots"', "[inks] accent must be [ink, tint %]"),
        ("[inks]\naccent = [9, 100]", "[inks] accent"),
        ("[inks]\naccent = [1, 140]", "[inks] accent"),
        ('[inks]\ndefault = ["glitter"]', "unknown ink 'glitter'"),
        ('[inks]\noverprint = "black"', "overprint must be a list"),
        ("[inks]\nacent = [2, 100]", "[inks] acent: no such colour role (roles: accent, "),
    ):
        folder = tmp_path / f"t{abs(hash(table))}"
        folder.mkdir()
        (folder / "manifest.toml").write_text(f'name = "x"\n{table}\n')
        with pytest.raises(TemplateError, match=r"manifest\.toml") as caught:
            get_template(folder)
        assert mentions in str(caught.value)
    with pytest.raises(ValueError, match="must be a table"):
        read_ink_table(["black"])


def test_options_choose_the_inks_mode_and_keep_the_others() -> None:
    assert RenderOptions().colours is SCREEN
    assert RenderOptions(pdf_variant="pdf/x-4").colours.name == "press"
    chosen = RenderOptions(inks=("black", "fluorescent-pink")).colours
    assert isinstance(chosen, Inks)
    assert [ink.name for ink in chosen.inks] == ["black", "fluorescent-pink"]
    # --pdf-variant spot alone: the template's inks.
    spot = RenderOptions(template="zine", pdf_variant="spot").colours
    assert isinstance(spot, Inks) and [ink.name for ink in spot.inks] == ["black", "orange"]
    with pytest.raises(UsageError, match="unknown ink 'glitter'"):
        _ = RenderOptions(inks=("black", "glitter")).colours
    with pytest.raises(UsageError, match="named twice"):
        _ = RenderOptions(inks=("black", "Black")).colours


def test_a_template_says_what_overprints() -> None:
    """``overprint = []``: even black text knocks out; ``["accent"]``: the accent overprints."""
    black = _colour("#000")
    nothing = inks_mode(["black", "red"], overprint=())
    assert nothing.read_marker(_marker(nothing.paint(black) or "")) == InkUse(0, 1.0, False)
    accent = inks_mode(["black", "red"], overprint=("accent",))
    painted = accent.paint_role("accent", _colour("#c8102e")) or ""
    assert accent.read_marker(_marker(painted)) == InkUse(1, 1.0, True)
    assert accent.read_marker(_marker(accent.paint(black) or "")) == InkUse(0, 1.0, False)
    # A tint of black does not overprint by default: only solids do.
    grey = TWO.read_marker(_marker(TWO.paint(_colour("#555")) or ""))
    assert grey is not None and not grey.overprint


def test_a_child_template_keeps_its_parents_overprint_unless_it_says_otherwise() -> None:
    parent = read_ink_table({"overprint": []})
    assert parent.overprint == ()
    assert read_ink_table({}).merged(parent).overprint == ()  # the child says nothing
    assert read_ink_table({"overprint": ["accent"]}).merged(parent).overprint == ("accent",)
    assert read_ink_table({}).overprint == ("black",)  # nobody says: black overprints
