"""The colour seam (leaflet.colour): one mode, chosen once in the render options, paints every
colour a document names — stylesheets, style attributes, SVG logos and the QR code — and the
job ticket describes the inks with it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from leaflet.check import check_pdf
from leaflet.colour import SCREEN, Press, colour_mode, parse_colour
from leaflet.errors import SourceError, TemplateError, UsageError
from leaflet.jobticket import job_ticket
from leaflet.pdfx import FOGRA29, FOGRA39, GRACOL, cmyk
from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import load_statement

from conftest import pdf_reader, run_cli

FRONT = """---
title: Colours
date: 2025-03-14
accent: {accent}
website: example.org/join
{extra}---

A short text to set, with a [link](https://example.org) and *emphasis*.
"""

#: An SVG logo naming its colours in every way SVG can: presentation attributes, a style
#: attribute, a <style> element, a named colour and hsl().
SVG_LOGO = """<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30">
<style>.b { fill: hsl(220 80% 40%) }</style>
<rect width="20" height="30" fill="red"/>
<rect x="20" width="20" height="30" style="fill: #00ff00; stroke: rgb(0 0 255)"/>
<rect x="40" width="20" height="30" class="b"/>
</svg>
"""


def statement(tmp_path: Path, accent: str = "red", *, logo: bool = False) -> Path:
    extra = "logo: logo.svg\n" if logo else ""
    if logo:
        (tmp_path / "logo.svg").write_text(SVG_LOGO, encoding="utf-8")
    source = tmp_path / "s.md"
    source.write_text(FRONT.format(accent=accent, extra=extra), encoding="utf-8")
    return source


def content(pdf: bytes) -> bytes:
    """Every content stream of every page and of every Form XObject they draw."""
    reader = pdf_reader(pdf)
    parts, seen = [], set()
    stack = [page for page in reader.pages]
    while stack:
        item = stack.pop()
        parts.append(item.get_contents().get_data() if hasattr(item, "get_contents") else b"")
        resources = item.get("/Resources")
        resources = resources.get_object() if resources is not None else {}
        for reference in resources.get("/XObject", {}).values():
            xobject = reference.get_object()
            if reference.idnum in seen or xobject["/Subtype"] != "/Form":
                continue
            seen.add(reference.idnum)
            parts.append(xobject.get_data())
            stack.append(xobject)
    return b"\n".join(parts)


def cmyk_fills(data: bytes) -> set[tuple[float, ...]]:
    return {
        tuple(float(v) for v in match.split())
        for match in re.findall(rb"((?:[\d.]+ ){3}[\d.]+) (?:scn|k|sc|SCN|K|SC)\b", data)
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#C8102E", "#c8102e"),
        ("#c12", "#cc1122"),
        ("red", "#ff0000"),
        ("RebeccaPurple", "#663399"),
        ("rgb(200 16 46)", "#c8102e"),
        ("hsl(0 100% 50%)", "#ff0000"),
    ],
)
def test_colours_are_normalised_when_read(text: str, expected: str) -> None:
    assert parse_colour(text) == expected


@pytest.mark.parametrize(
    "text", ["rgb(0 0 0 / 50%)", "transparent", "blurple", "#12345", "red blue"]
)
def test_what_is_not_an_opaque_colour_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_colour(text)


def test_a_statement_colour_is_checked_and_normalised(tmp_path: Path) -> None:
    assert load_statement(statement(tmp_path, "red")).accent == "#ff0000"
    with pytest.raises(SourceError, match="accent"):
        load_statement(statement(tmp_path, "'rgba(255, 0, 0, 0.5)'"))


def test_a_template_colour_is_checked(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "manifest.toml").write_text(
        'extends = "classic"\n[colours]\naccent = "not-a-colour"\n', encoding="utf-8"
    )
    from leaflet.templates import get_template

    with pytest.raises(TemplateError, match="accent"):
        get_template(str(folder))


def test_the_mode_is_chosen_once_from_the_options() -> None:
    assert RenderOptions().colours is SCREEN
    assert RenderOptions(pdf_variant="pdf/a-3b").colours is SCREEN
    assert RenderOptions(pdf_variant="pdf/x-4").colours == Press(FOGRA39)
    assert RenderOptions(pdf_variant="pdf/x-1a", paper="uncoated").colours == Press(FOGRA29)
    assert RenderOptions(format="letter", pdf_variant="pdf/x-4").colours == Press(GRACOL)
    assert RenderOptions(format="letter-fold", pdf_variant="pdf/x-4").colours == Press(GRACOL)
    assert colour_mode(None, "uncoated") is SCREEN


def test_unknown_paper_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--paper"):
        render_statement(
            load_statement(statement(tmp_path)), RenderOptions(pdf_variant="pdf/x-4", paper="matt")
        )


@pytest.mark.parametrize("variant", ["pdf/x-4", "pdf/x-1a"])
def test_a_named_accent_and_an_svg_logo_are_painted_in_cmyk(tmp_path: Path, variant: str) -> None:
    """``accent: red`` once leaked RGB into PDF/X files (and broke --job); a vector logo's
    colours, named every way SVG allows, are converted too."""
    source = statement(tmp_path, "red", logo=True)
    result = render_statement(
        load_statement(source), RenderOptions(format="a5", pdf_variant=variant)
    )
    data = content(result.pdf)
    assert not re.search(rb"\b(rg|RG)\b", data), "RGB colour operators in a PDF/X file"
    fills = cmyk_fills(data)
    for colour in ("#ff0000", "#00ff00", "#0000ff", parse_colour("hsl(220 80% 40%)")):
        assert cmyk(colour) in fills, colour
    report = check_pdf(result.pdf, statement=load_statement(source))
    assert not [f for f in report.findings() if f["rule"].startswith("pdfx")], report.problems


def test_screen_output_keeps_rgb(tmp_path: Path) -> None:
    result = render_statement(load_statement(statement(tmp_path, "red")), RenderOptions("a5"))
    data = content(result.pdf)
    assert re.search(rb"1 0 0 (rg|RG)\b", data), "the red accent in RGB"
    assert b"/DeviceCMYK" not in data


def test_the_printing_condition_follows_the_paper_and_the_format(tmp_path: Path) -> None:
    source = load_statement(statement(tmp_path))
    for options, condition in (
        (RenderOptions("a5", pdf_variant="pdf/x-4", paper="uncoated"), FOGRA29),
        (RenderOptions("letter", pdf_variant="pdf/x-4"), GRACOL),
        (RenderOptions("a4-fold", pdf_variant="pdf/x-1a"), FOGRA39),
    ):
        reader = pdf_reader(render_statement(source, options).pdf)
        (intent,) = reader.root_object["/OutputIntents"]
        intent = intent.get_object()
        assert intent["/OutputConditionIdentifier"] == condition.identifier
        profile = intent["/DestOutputProfile"].get_object().get_data()
        assert (
            profile
            == (
                Path(__file__).parents[1] / "src/leaflet/profiles" / condition.profile_file
            ).read_bytes()
        )


def test_the_job_ticket_names_the_inks_of_the_condition(tmp_path: Path) -> None:
    source = statement(tmp_path, "red")
    options = RenderOptions("letter", pdf_variant="pdf/x-4")
    result = render_statement(load_statement(source), options)
    ticket = job_ticket(tmp_path / "out.pdf", load_statement(source), options, result)
    inks = " ".join(
        f"{n}{round(v * 100)}" for n, v in zip("CMYK", cmyk("#ff0000", GRACOL), strict=True)
    )
    assert GRACOL.identifier in ticket.colours and f"#ff0000 as {inks}" in ticket.colours


def test_cli_paper_option_and_job_with_a_named_colour(tmp_path: Path) -> None:
    source = statement(tmp_path, "red")
    out = tmp_path / "out.pdf"
    result = run_cli(
        "render",
        str(source),
        "-o",
        str(out),
        "--pdf-variant",
        "pdf/x-4",
        "--paper",
        "uncoated",
        "--job",
    )
    assert result.code == 0, result.err
    assert "FOGRA29" in (tmp_path / "out.job.txt").read_text(encoding="utf-8")
