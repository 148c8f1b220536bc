"""``--pdf-variant pdf/x-4`` (ISO 15930-7): output intent, identification, CMYK colours,
reproducible bytes, and the generated output profile."""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from leaflet.check import check_pdf
from leaflet.errors import UsageError
from leaflet.pdfx import (
    CONDITION,
    FOGRA29,
    FOGRA39,
    PROFILE_NAME,
    cmyk,
    cmyk_css,
    condition_for,
    output_profile,
    profile_css,
)
from leaflet.pipeline import RenderOptions, RenderResult, render_statement
from leaflet.source import load_statement, parse_statement

from conftest import EXAMPLES, delta_e, lab_through, pdf_reader

EXAMPLE = EXAMPLES / "en-free-transit.md"


@cache
def rendered(fmt: str = "a5", template: str = "classic", marks: bool = False) -> RenderResult:
    options = RenderOptions(format=fmt, template=template, marks=marks, pdf_variant="pdf/x-4")
    return render_statement(load_statement(EXAMPLE), options)


def all_content(pdf: bytes) -> bytes:
    """Every content stream of every page, Form XObjects (imposed pages) included."""
    reader = pdf_reader(pdf)
    parts = [reader.pages[i].get_contents().get_data() for i in range(len(reader.pages))]
    for page in reader.pages:
        for reference in page["/Resources"].get("/XObject", {}).values():
            xobject = reference.get_object()
            if xobject["/Subtype"] == "/Form":
                parts.append(xobject.get_data())
    return b"\n".join(parts)


@pytest.mark.parametrize(("fmt", "marks"), [("a5", False), ("a5", True), ("a5-fold", True)])
def test_output_intent_and_identification(fmt: str, marks: bool) -> None:
    reader = pdf_reader(rendered(fmt, marks=marks).pdf)
    (intent,) = reader.root_object["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/S"] == "/GTS_PDFX"
    assert intent["/OutputConditionIdentifier"] == PROFILE_NAME
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 4 and profile.get_data() == output_profile()
    xmp = reader.root_object["/Metadata"].get_object().get_data().decode()
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    assert reader.metadata["/Trapped"] == "/False"
    # Dates come from the statement (2025-03-14), never from the clock.
    assert reader.metadata["/CreationDate"].startswith("D:20250314")
    assert reader.pdf_header == "%PDF-1.6"
    assert len(reader.trailer["/ID"]) == 2


def test_check_passes_pdfx_output() -> None:
    report = check_pdf(
        rendered("a5-fold", "bold", marks=True).pdf, statement=load_statement(EXAMPLE)
    )
    assert report.problems == () and report.facts.pdfx == "PDF/X-4"


@pytest.mark.parametrize("template", ["classic", "bold", "copier", "letter", "modern", "zine"])
def test_every_template_paints_in_cmyk_only(template: str) -> None:
    content = all_content(rendered(template=template).pdf)
    assert not re.search(rb"\b(rg|RG)\b", content)
    assert b"/DeviceCMYK cs" in content


@pytest.mark.parametrize("template", ["classic", "copier", "letter"])
def test_text_is_black_ink_only(template: str) -> None:
    """Text in black or grey (page numbers, notes) is set in K alone: no registration blur."""
    content = all_content(rendered(template=template).pdf)
    text_colours = {
        tuple(map(float, c.split())) for c in re.findall(rb"([\d. ]+) scn\nBT", content)
    }
    greys = {colour for colour in text_colours if colour[:3] == (0, 0, 0)}
    assert greys, "no text in black ink"
    if template == "copier":  # one ink by design: everything is black ink only
        assert text_colours == greys


def text_colours(pdf: bytes) -> dict[tuple[float, ...], int]:
    """How many text-showing operators (Tj, TJ, ', ") paint in each fill colour, over every
    page and Form XObject, read with pypdf's content-stream parser."""
    from pypdf.generic import ContentStream

    reader = pdf_reader(pdf)
    streams = [page.get_contents() for page in reader.pages]
    for page in reader.pages:
        for reference in page["/Resources"].get("/XObject", {}).values():
            xobject = reference.get_object()
            if xobject["/Subtype"] == "/Form":
                streams.append(ContentStream(xobject, reader))
    counts: dict[tuple[float, ...], int] = {}
    for stream in streams:
        colour: tuple[float, ...] = (0.0, 0.0, 0.0, 1.0)  # DeviceGray 0 = black
        stack: list[tuple[float, ...]] = []
        for operands, operator in stream.operations:
            if operator == b"q":
                stack.append(colour)
            elif operator == b"Q" and stack:
                colour = stack.pop()
            elif operator in (b"k", b"sc", b"scn") and len(operands) == 4:
                colour = tuple(float(v) for v in operands)
            elif operator == b"g":
                colour = (0.0, 0.0, 0.0, 1 - float(operands[0]))
            elif operator in (b"rg", b"sc", b"scn"):
                colour = ("rgb", *operands)  # type: ignore[assignment]
            elif operator in (b"Tj", b"TJ", b"'", b'"'):
                counts[colour] = counts.get(colour, 0) + 1
    return counts


@pytest.mark.parametrize("template", ["classic", "bold", "copier", "letter", "modern", "zine"])
def test_body_text_is_solid_black(template: str) -> None:
    """Body text (most of the text) is painted 0 0 0 1: black ink alone at 100 %, no tint,
    no rich black; no text anywhere is a four-colour black."""
    counts = text_colours(rendered(template=template).pdf)
    body = max(counts, key=counts.__getitem__)
    assert body == (0, 0, 0, 1), counts
    assert counts[body] > sum(counts.values()) / 2
    for colour in counts:
        assert not (len(colour) == 4 and colour[3] > 0.5 and min(colour[:3]) > 0.3), colour


def test_ghostscript_finds_black_ink_only_on_a_copier_page(tmp_path: Path) -> None:
    """Ghostscript's ink coverage device (an independent rasteriser): a page of the
    one-ink template uses no cyan, magenta or yellow at all."""
    import shutil
    import subprocess

    gs = shutil.which("gs")
    if gs is None:
        pytest.skip("gs is not installed (scripts/system-deps.sh installs it)")
    path = tmp_path / "copier.pdf"
    path.write_bytes(rendered(template="copier").pdf)
    result = subprocess.run(
        [gs, "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=inkcov", "-o", "-", str(path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    pages = [line.split()[:4] for line in result.stdout.splitlines() if "CMYK" in line]
    assert pages
    for c, m, y, k in pages:
        assert (float(c), float(m), float(y)) == (0, 0, 0) and float(k) > 0


def test_same_input_same_bytes() -> None:
    options = RenderOptions(format="a5", pdf_variant="pdf/x-4", marks=True)
    first = render_statement(load_statement(EXAMPLE), options).pdf
    second = render_statement(load_statement(EXAMPLE), options).pdf
    assert first == second


def test_undated_statement_gets_a_fixed_date() -> None:
    statement = parse_statement("---\ntitle: No date\n---\n\nText.\n")
    options = RenderOptions(format="a5", pdf_variant="pdf/x-4")
    first = render_statement(statement, options).pdf
    assert first == render_statement(statement, options).pdf
    assert pdf_reader(first).metadata["/CreationDate"].startswith("D:19800101")


def test_an_rgb_logo_in_a_pdfx4_render_gets_an_icc_profile(tmp_path: Path) -> None:
    """render itself finishes the variant: no DeviceRGB image is left in a PDF/X-4 file."""
    Image.new("RGB", (300, 100), (200, 16, 46)).save(tmp_path / "logo.png")
    source = tmp_path / "statement.md"
    source.write_text("---\ntitle: With a logo\nlogo: logo.png\n---\n\nText.\n")
    options = RenderOptions(format="a5", pdf_variant="pdf/x-4")
    pdf = render_statement(load_statement(source), options).pdf
    images = [
        xobject.get_object()
        for page in pdf_reader(pdf).pages
        for xobject in page["/Resources"].get("/XObject", {}).values()
        if xobject.get_object().get("/Subtype") == "/Image"
    ]
    assert images
    for image in images:
        assert image["/ColorSpace"] != "/DeviceRGB"


# WeasyPrint 70 leaves its sRGB profile file open when writing PDF/A (a ResourceWarning).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_pdfa_keeps_screen_colours() -> None:
    statement = parse_statement("---\ntitle: Archive\ndate: 2025-01-02\n---\n\nText.\n")
    pdf = render_statement(statement, RenderOptions(format="a5", pdf_variant="pdf/a-3b")).pdf
    reader = pdf_reader(pdf)
    assert reader.root_object["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert b"pdfaid" in reader.root_object["/Metadata"].get_object().get_data()


def test_unknown_variant_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown --pdf-variant 'pdf/x-9'"):
        render_statement(
            parse_statement("---\ntitle: T\n---\n"), RenderOptions(pdf_variant="pdf/x-9")
        )


def test_cli_option(tmp_path: Path) -> None:
    from conftest import run_cli

    output = tmp_path / "x.pdf"
    result = run_cli("render", EXAMPLE, "-f", "a5", "--pdf-variant", "pdf/x-4", "-o", output)
    assert result.code == 0, result.err
    assert "/OutputIntents" in pdf_reader(output).root_object


# Colour conversion and the profile ------------------------------------------------------------


def test_greys_are_black_ink_only_and_dark_ones_solid() -> None:
    """Neutral colours are black ink alone: a screen's near-black (the templates' text inks
    #111, #1a1a1a, #222) is solid black, a grey the black tint of the same lightness through
    the output profile, darker than the old uncalibrated split (#444 was 73 %)."""
    for black in ("#000000", "#000", "#111111", "#1a1a1a", "#222"):
        assert cmyk(black) == (0, 0, 0, 1)
    assert cmyk("#ffffff") == (0, 0, 0, 0)
    assert cmyk("#444") == (0, 0, 0, 0.9)
    assert cmyk("#999") == (0, 0, 0, 0.53)
    greys = [cmyk(f"#{v:02x}{v:02x}{v:02x}")[3] for v in range(0, 256, 5)]
    assert greys == sorted(greys, reverse=True)


def test_colours_go_through_the_profile() -> None:
    """A chromatic colour is LittleCMS's sRGB → FOGRA39 conversion (relative colorimetric,
    black point compensation), in whole percents; back through the profile it is close to
    the original."""
    assert cmyk("#c8102e") == (0, 0.98, 0.75, 0.16)
    profile = ImageCms.ImageCmsProfile(io.BytesIO(output_profile()))
    to_rgb = ImageCms.buildTransform(profile, ImageCms.createProfile("sRGB"), "CMYK", "RGB")
    for colour in ("#c8102e", "#1f3a5f", "#0a6cbd"):
        c, m, y, k = (round(v * 255) for v in cmyk(colour))
        back = ImageCms.applyTransform(Image.new("CMYK", (1, 1), (c, m, y, k)), to_rgb)
        assert back is not None
        pixel = back.getpixel((0, 0))
        original = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
        assert max(abs(a - b) for a, b in zip(pixel, original, strict=True)) < 14, colour  # type: ignore[arg-type]


def test_css_colours_are_rewritten_and_nothing_else() -> None:
    css = (
        "a { color: #c8102e; white-space: pre; } #note-1 { border: 1pt solid #000 }\n"
        "@media print { #fff { background: red; font-family: Red } }"
    )
    assert cmyk_css(css) == (
        "a {color: device-cmyk(0 0.98 0.75 0.16);white-space: pre;}\n"
        "#note-1 {border: 1pt solid device-cmyk(0 0 0 1);}\n"
        "@media print {#fff {background: device-cmyk(0 0.96 0.98 0);font-family: Red;}}"
    )


#: FOGRA39L (Fogra's characterisation data): CIELAB (D50) of paper, the solid inks and
#: the four-colour black.
FOGRA39_SOLIDS = {
    (0, 0, 0, 0): (95.0, 0.0, -2.0),
    (100, 0, 0, 0): (55.0, -37.0, -50.0),
    (0, 100, 0, 0): (48.0, 74.0, -3.0),
    (0, 0, 100, 0): (89.0, -5.0, 93.0),
    (0, 0, 0, 100): (16.0, 0.0, 0.0),
    (100, 100, 0, 0): (24.0, 22.0, -46.0),
}


#: FOGRA29L (uncoated): paper, solids; black ink alone is far lighter than on coated paper.
FOGRA29_SOLIDS = {
    (0, 0, 0, 0): (95.71, 0.61, -2.32),
    (100, 0, 0, 0): (59.04, -26.66, -42.80),
    (0, 100, 0, 0): (55.04, 59.46, -4.00),
    (0, 0, 100, 0): (88.85, -1.65, 79.16),
    (0, 0, 0, 100): (31.88, 2.05, 2.08),
}


def test_the_profile_is_the_registered_condition() -> None:
    """The bundled profile is a CMYK output profile LittleCMS reads, named FOGRA39 (its model,
    which WeasyPrint takes for the output intent), and reproduces Fogra's measured solids
    within 2 ΔE76 (8-bit Lab readings: ±0.5)."""
    profile = ImageCms.ImageCmsProfile(io.BytesIO(output_profile()))
    assert (profile.profile.xcolor_space, profile.profile.device_class) == ("CMYK", "prtr")
    assert profile.profile.model == PROFILE_NAME == CONDITION.identifier == "FOGRA39"
    assert "FOGRA39" in profile.profile.profile_description
    patches = list(FOGRA39_SOLIDS)
    for patch, measured in zip(patches, lab_through(CONDITION, patches), strict=True):
        assert delta_e(measured, FOGRA39_SOLIDS[patch]) < 2, (patch, measured)


def test_the_uncoated_profile() -> None:
    """FOGRA29 for uncoated paper: named so, its solids within 2 ΔE76 of Fogra's, and its
    greys black ink alone, solid from a lighter grey on (black ink is lighter there)."""
    assert condition_for("uncoated") is FOGRA29 and condition_for("coated") is CONDITION
    with pytest.raises(ValueError, match="unknown paper 'glossy'"):
        condition_for("glossy")
    profile = ImageCms.ImageCmsProfile(io.BytesIO(output_profile(FOGRA29)))
    assert profile.profile.model == "FOGRA29" and profile.profile.xcolor_space == "CMYK"
    patches = list(FOGRA29_SOLIDS)
    for patch, measured in zip(patches, lab_through(FOGRA29, patches), strict=True):
        assert delta_e(measured, FOGRA29_SOLIDS[patch]) < 2, (patch, measured)
    assert cmyk("#444", FOGRA29) == (0, 0, 0, 1) != cmyk("#444")
    assert cmyk("#999", FOGRA29)[:3] == (0, 0, 0)
    assert "device-cmyk(0 0 0 1)" in cmyk_css("a { color: #444 }", FOGRA29)
    assert profile_css(FOGRA29) != profile_css()


@pytest.mark.parametrize("name", ["FOGRA39", "FOGRA29"])
def test_the_profile_matches_the_whole_data_set(name: str) -> None:
    """Every patch of FOGRA39L (1617) or FOGRA29L, where Debian's icc-profiles-free is
    installed: average error under 1 ΔE76, none over 4."""
    data = Path(f"/usr/share/color/icc/{name}L.ti3")
    if not data.is_file():
        pytest.skip("icc-profiles-free is not installed (scripts/system-deps.sh installs it)")
    rows = [line.split() for line in data.read_text().splitlines()]
    samples = [row for row in rows if len(row) == 11 and row[0].isdigit()]
    patches = [tuple(round(float(v)) for v in row[1:5]) for row in samples]
    exact = [i for i, row in enumerate(samples) if all(float(v).is_integer() for v in row[1:5])]
    condition = FOGRA39 if name == "FOGRA39" else FOGRA29
    measured = lab_through(condition, [patches[i] for i in exact])  # type: ignore[misc]
    errors = [
        delta_e(lab, tuple(float(v) for v in samples[i][8:11]))
        for i, lab in zip(exact, measured, strict=True)
    ]
    assert len(errors) > 1000
    assert sum(errors) / len(errors) < 1 and max(errors) < 4


@pytest.mark.parametrize(("fmt", "marks"), [("a5", False), ("a5-fold", True)])
def test_pdfx_1a_is_pdf_1_4_without_object_streams(fmt: str, marks: bool) -> None:
    """PDF/X-1a:2003 is PDF 1.4: no object streams or cross-reference streams, through
    imposition and finishing too; CMYK output intent; the preflight accepts it."""
    from leaflet.pdf import finish_variant

    options = RenderOptions(format=fmt, marks=marks, pdf_variant="pdf/x-1a")
    pdf = finish_variant(render_statement(load_statement(EXAMPLE), options).pdf, "pdf/x-1a")
    assert pdf.startswith(b"%PDF-1.4")
    assert b"/ObjStm" not in pdf and b"/XRef" not in pdf
    reader = pdf_reader(pdf)
    assert reader.metadata["/GTS_PDFXVersion"] == "PDF/X-1a:2003"
    (intent,) = reader.root_object["/OutputIntents"]
    assert intent.get_object()["/DestOutputProfile"].get_object()["/N"] == 4
    report = check_pdf(pdf, statement=load_statement(EXAMPLE))
    assert report.problems == () and report.facts.pdfx == "PDF/X-1a:2003"
