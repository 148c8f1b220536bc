"""``leaflet check --copier``: what a photocopier or stencil duplicator loses — tints under
20 %, hairlines, large solids, small text on a coloured ground — found on crafted pages and
on templates' renders; the ``copier`` template passes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import pytest
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from leaflet.check import check_pdf

from conftest import EXAMPLES, run_cli


def _page(content: str) -> bytes:
    """An A5 page (420 × 595 pt) drawing *content*, with Helvetica as /F1."""
    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(420, 595)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    stream = DecodedStreamObject()
    stream.set_data(content.encode())
    page[NameObject("/Contents")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _copier_rules(pdf: bytes) -> dict[str, list[str]]:
    report = check_pdf(pdf, copier=True)
    found: dict[str, list[str]] = {}
    for finding in report.findings():
        if finding["rule"].startswith("copier-"):
            found.setdefault(finding["rule"], []).append(finding["message"])
    return found


#: Black 10 pt text and a 1 pt rule on white paper: what copies well.
CLEAN = "0 g BT /F1 10 Tf 50 500 Td (Copies well) Tj ET 0 G 1 w 50 480 m 300 480 l S"


def test_a_clean_page_passes() -> None:
    assert _copier_rules(_page(CLEAN)) == {}


@pytest.mark.parametrize(
    ("content", "rule", "mentions"),
    [
        # A 10 % grey box: gone on a copier.
        ("0.9 g 50 300 100 50 re f", "copier-light-tint", "#e6e6e6 is a tint lighter than 20%"),
        # Light grey text too.
        ("0.88 g BT /F1 12 Tf 50 300 Td (pale) Tj ET", "copier-light-tint", "lighter than"),
        # A 0.2 pt stroke, and a rule drawn as a 0.3 pt thin filled rectangle.
        ("0 G 0.2 w 50 300 m 300 300 l S", "copier-hairline", "0.20 pt wide"),
        ("0 g 50 300 200 0.3 re f", "copier-hairline", "0.30 pt wide"),
        # A black square of 10 × 10 cm.
        ("0 g 50 200 283.5 283.5 re f", "copier-solid", "a solid area of 100 cm²"),
        # 6 pt text on a mid-grey band.
        (
            "0.5 g 40 290 300 30 re f 0 g BT /F1 6 Tf 50 300 Td (small print) Tj ET",
            "copier-small-text-on-colour",
            "text 6.0 pt on a coloured ground",
        ),
    ],
)
def test_crafted_pages_fail_the_rule_they_break(content: str, rule: str, mentions: str) -> None:
    found = _copier_rules(_page(f"{CLEAN}\n{content}"))
    assert rule in found, found
    assert any(mentions in message for message in found[rule]), found[rule]
    assert found[rule][0].startswith("page 1: ")


def test_what_copies_well_is_not_taken_for_a_fault() -> None:
    """A large frame (a border: a rectangle cut out of a rectangle), a light band with
    large text on it, a 25 % tint and small text on white are all fine."""
    content = "\n".join(
        [
            CLEAN,
            "0 g 40 40 340 500 re 43 43 334 494 re f*",  # a 3 pt frame around the page
            "0.75 g 50 400 300 40 re f 0 g BT /F1 14 Tf 60 410 Td (Large) Tj ET",
            "0 g BT /F1 7 Tf 60 100 Td (small text on paper) Tj ET",
        ]
    )
    assert _copier_rules(_page(content)) == {}


def test_the_copier_check_is_off_unless_asked() -> None:
    report = check_pdf(_page("0.9 g 50 300 100 50 re f"))
    assert not any(rule.startswith("copier-") for rule in report.problem_rules)


@pytest.fixture(scope="module")
def renders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("copier")
    made = {}
    for template, fmt in (("copier", "a5"), ("copier", "a4"), ("bold", "a5"), ("modern", "a5")):
        output = folder / f"{template}-{fmt}.pdf"
        source = EXAMPLES / "en-free-transit.md"
        result = run_cli("render", source, "-f", fmt, "-t", template, "-o", output)
        assert result.code == 0, result.err
        made[f"{template}-{fmt}"] = output
    return made


def test_the_copier_template_passes(renders: dict[str, Path]) -> None:
    for name in ("copier-a5", "copier-a4"):
        result = run_cli("check", "--copier", renders[name])
        assert result.code == 0, result.out
        assert result.out.rstrip().endswith("ok: no problems found")


def test_other_templates_are_told_what_fails(renders: dict[str, Path]) -> None:
    result = run_cli("check", "--copier", "--json", renders["bold-a5"])
    assert result.code == 1
    rules = {finding["rule"] for finding in json.loads(result.out)["findings"]}
    assert "copier-solid" in rules  # the headline band
    result = run_cli("check", "--copier", renders["modern-a5"])
    assert result.code == 1
    assert "#f1f3f5 is a tint lighter than 20%" in result.out  # the slogans' panel
    # Without --copier the same files pass.
    assert run_cli("check", renders["bold-a5"]).code == 0
