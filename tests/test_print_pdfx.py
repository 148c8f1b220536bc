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
from leaflet.pdfx import PROFILE_NAME, cmyk, cmyk_css, output_profile
from leaflet.pipeline import RenderOptions, RenderResult, render_statement
from leaflet.source import load_statement, parse_statement

from conftest import EXAMPLES, pdf_reader

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


def test_rgb_image_is_reported(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    Image.new("RGB", (300, 100), (200, 16, 46)).save(tmp_path / "logo.png")
    source = tmp_path / "statement.md"
    source.write_text("---\ntitle: With a logo\nlogo: logo.png\n---\n\nText.\n")
    options = RenderOptions(format="a5", pdf_variant="pdf/x-4")
    render_statement(load_statement(source), options)
    assert "page 1: an RGB image (300×100 px) in a PDF/X file" in caplog.text


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


def test_greys_become_black_ink_only_and_the_accent_a_clean_mix() -> None:
    assert cmyk("#000000") == (0, 0, 0, 1)
    assert cmyk("#444") == (0, 0, 0, 0.73)
    assert cmyk("#ffffff") == (0, 0, 0, 0)
    assert cmyk("#c8102e") == (0, 0.92, 0.77, 0.22)


def test_css_colours_are_rewritten_and_nothing_else() -> None:
    css = "a { color: #c8102e; white-space: pre; } #note-1 { border: 1pt solid #000 }"
    assert cmyk_css(css) == (
        "a { color: device-cmyk(0 0.92 0.77 0.22); white-space: pre; } "
        "#note-1 { border: 1pt solid device-cmyk(0 0 0 1) }"
    )


def test_the_profile_is_a_cmyk_output_profile_that_lcms_reads() -> None:
    profile = ImageCms.ImageCmsProfile(io.BytesIO(output_profile()))
    assert profile.profile.profile_description == PROFILE_NAME
    assert (profile.profile.xcolor_space, profile.profile.device_class) == ("CMYK", "prtr")
    # Through the profile, the accent's CMYK comes back close to its sRGB original.
    to_rgb = ImageCms.buildTransform(profile, ImageCms.createProfile("sRGB"), "CMYK", "RGB")
    c, m, y, k = (round(v * 255) for v in cmyk("#c8102e"))
    red, green, blue = ImageCms.applyTransform(
        Image.new("CMYK", (1, 1), (c, m, y, k)), to_rgb
    ).getpixel((0, 0))  # type: ignore[union-attr, misc]
    assert abs(red - 200) < 12 and abs(green - 16) < 16 and abs(blue - 46) < 12


@pytest.mark.parametrize(("fmt", "marks"), [("a5", False), ("a5-fold", True)])
def test_pdfx_1a_is_pdf_1_4_without_object_streams(fmt: str, marks: bool) -> None:
    """PDF/X-1a:2003 is PDF 1.4: no object streams or cross-reference streams, through
    imposition too; CMYK output intent; the preflight accepts it."""
    options = RenderOptions(format=fmt, marks=marks, pdf_variant="pdf/x-1a")
    pdf = render_statement(load_statement(EXAMPLE), options).pdf
    assert pdf.startswith(b"%PDF-1.4")
    assert b"/ObjStm" not in pdf and b"/XRef" not in pdf
    reader = pdf_reader(pdf)
    assert reader.metadata["/GTS_PDFXVersion"] == "PDF/X-1a:2003"
    (intent,) = reader.root_object["/OutputIntents"]
    assert intent.get_object()["/DestOutputProfile"].get_object()["/N"] == 4
    report = check_pdf(pdf, statement=load_statement(EXAMPLE))
    assert report.problems == () and report.facts.pdfx == "PDF/X-1a:2003"
