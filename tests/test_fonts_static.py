"""The bundled faces are static fonts: the variable Oswald and Roboto Slab are instanced once
(``scripts/build-fonts.py``) at the weights the templates use, never at render time."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import tinycss2
from fontTools.ttLib import TTFont

from leaflet.fonts import FAMILIES, FONTS_DIR, FontFace
from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import load_statement

from conftest import EXAMPLES, embedded_fonts

FACES = [face for faces in FAMILIES.values() for face in faces]
INSTANCES = [face for face in FACES if face.source is not None]
PACKAGE = FONTS_DIR.parent


def _family(face: FontFace) -> str:
    return next(family for family, faces in FAMILIES.items() if face in faces)


@pytest.mark.parametrize("face", FACES, ids=lambda face: face.path.name)
def test_every_face_is_a_static_font_of_its_weight(face: FontFace) -> None:
    with TTFont(face.path, lazy=True) as font:
        assert "fvar" not in font
        assert font["OS/2"].usWeightClass == int(face.weight)
        assert bool(font["OS/2"].fsSelection & 1) == (face.style == "italic")
        name = font["name"]
        assert (name.getDebugName(16) or name.getDebugName(1)) == _family(face)


def test_the_variable_fonts_are_instanced_at_the_weights_templates_use() -> None:
    weights = {
        family: sorted(face.weight for face in faces)
        for family, faces in FAMILIES.items()
        if any(face.source for face in faces)
    }
    assert weights == {"Oswald": ["700"], "Roboto Slab": ["700", "800", "900"]}


@pytest.mark.parametrize("face", INSTANCES, ids=lambda face: face.path.name)
def test_an_instance_keeps_its_source_glyphs_names_and_notices(face: FontFace) -> None:
    assert face.source is not None
    with TTFont(face.source, lazy=True) as source, TTFont(face.path, lazy=True) as instance:
        (axis,) = source["fvar"].axes
        assert axis.axisTag == "wght"
        assert axis.minValue <= int(face.weight) <= axis.maxValue
        # Same characters (Cyrillic, ₴ …) and glyph ids as the variable font.
        assert instance.getBestCmap() == source.getBestCmap()
        assert instance.getGlyphOrder() == source.getGlyphOrder()
        # Copyright, trademark and licence notices kept; the change said in the file itself.
        for name_id in (0, 7, 13, 14):
            assert instance["name"].getDebugName(name_id) == source["name"].getDebugName(name_id)
        notice = instance["name"].getDebugName(10)
        assert notice is not None
        assert f"wght {face.weight} of {face.source.name}" in notice


def test_every_shipped_font_is_declared_and_listed_in_the_checksums() -> None:
    shipped = {
        path
        for path in FONTS_DIR.rglob("*.ttf")
        if "source" not in path.relative_to(FONTS_DIR).parts
    }
    assert shipped == {face.path for face in FACES}
    listed = {}
    for line in (FONTS_DIR / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        listed[(FONTS_DIR / name).resolve()] = digest
    assert listed == {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in shipped}


def _weights_set(stylesheet: Path) -> list[tuple[str, str, str]]:
    """(selector, first family, weight) of each rule of *stylesheet* that sets a bundled
    family first and a weight."""
    found = []
    for rule in tinycss2.parse_stylesheet(stylesheet.read_text(), True, True):
        if rule.type != "qualified-rule":
            continue
        values = {
            item.lower_name: [token for token in item.value if token.type != "whitespace"]
            for item in tinycss2.parse_blocks_contents(rule.content, True, True)
            if item.type == "declaration"
        }
        family = values.get("font-family", [None])[0]
        if family is None or family.type != "string" or family.value not in FAMILIES:
            continue
        weight = values.get("font-weight", [None])[0]
        if weight is not None:
            text = tinycss2.serialize([weight])
            weight_value = {"normal": "400", "bold": "700"}.get(text, text)
            found.append((tinycss2.serialize(rule.prelude).strip(), family.value, weight_value))
        elif any(face.source for face in FAMILIES[family.value]):
            found.append((tinycss2.serialize(rule.prelude).strip(), family.value, "inherited"))
    return found


def test_every_weight_the_stylesheets_ask_of_a_family_is_one_of_its_faces() -> None:
    """A weight a family has no face for would be drawn in the nearest face: the instances
    must follow the templates (and a family with instances is set with a weight of its own)."""
    sheets = [PACKAGE / "styles" / "base.css", *sorted(PACKAGE.glob("templates/*/style.css"))]
    asked = [entry for sheet in sheets for entry in _weights_set(sheet)]
    assert any(family == "Oswald" for _, family, _ in asked)
    assert any(family == "Roboto Slab" for _, family, _ in asked)
    wrong = [
        (selector, family, weight)
        for selector, family, weight in asked
        if weight not in {face.weight for face in FAMILIES[family]}
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("example", "template", "expected"),
    [
        ("uk-labour-rights", "bold", {"Oswald-Bold"}),
        ("en-free-transit", "zine", {"Roboto-Slab-Bold", "Roboto-Slab-Heavy"}),
    ],
)
def test_a_render_instances_no_font(
    example: str, template: str, expected: set[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """WeasyPrint instances a variable font on every PDF it writes; none is declared."""
    import weasyprint.pdf.fonts

    instanced: list[object] = []
    original = weasyprint.pdf.fonts.instantiateVariableFont

    def spy(font: object, *args: object, **kwargs: object) -> object:
        # Recorded, not raised: WeasyPrint turns a failed instancing into a log line.
        instanced.append(font)
        return original(font, *args, **kwargs)

    monkeypatch.setattr(weasyprint.pdf.fonts, "instantiateVariableFont", spy)
    statement = load_statement(EXAMPLES / f"{example}.md")
    result = render_statement(statement, RenderOptions(format="a4", template=template))
    assert instanced == []
    assert expected <= embedded_fonts(result.pdf)
