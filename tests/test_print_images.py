"""PDF/X files with pictures (:func:`leaflet.pdf.finish_variant`): PDF/X-1a converts every
image to the output condition's CMYK and has no transparency left; PDF/X-4 keeps RGB pixels
only with an ICC profile attached.  Checked by reading the structures with pypdf, by drawing
the pages with pdfium, and by Ghostscript's PDF/X mode and ``qpdf --check`` where installed."""

from __future__ import annotations

import io
import logging
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageCms

from leaflet.errors import RenderError
from leaflet.model import Statement
from leaflet.pdf import finish_variant
from leaflet.pdfx import CONDITION, cmyk_image, srgb_profile
from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import load_statement

from conftest import pdf_reader

RED = (200, 16, 46)
STATEMENT = """---
title: Pictures
date: 2025-03-14
logo: logo.png
---

Text with a [link](https://example.org/).

![A photo](photo.jpg)

![A cut-out](cutout.png)
"""


def _pictures(folder: Path) -> Path:
    """A statement with a logo (solid red, fully transparent corners, soft edges), an RGB
    photo (JPEG) and a cut-out (RGBA, only fully opaque or fully transparent pixels)."""
    logo = Image.new("RGBA", (120, 60), (*RED, 255))
    for x in range(120):
        for y in range(60):
            if x < 10 or y < 5:
                logo.putpixel((x, y), (*RED, 0))
            elif x < 20:
                logo.putpixel((x, y), (*RED, 200))  # soft edge
    logo.save(folder / "logo.png")
    photo = Image.new("RGB", (160, 90))
    photo.putdata([(x * 255 // 160, y * 255 // 90, 120) for y in range(90) for x in range(160)])
    photo.save(folder / "photo.jpg", quality=95)
    cutout = Image.new("RGBA", (80, 80), (0, 0, 0, 0))
    for x in range(20, 60):
        for y in range(20, 60):
            cutout.putpixel((x, y), (30, 120, 200, 255))
    cutout.save(folder / "cutout.png")
    (folder / "statement.md").write_text(STATEMENT)
    return folder / "statement.md"


@cache
def finished(
    variant: str, fmt: str = "a5", marks: bool = False, template: str = "classic"
) -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        statement = load_statement(_pictures(Path(folder)))
        options = RenderOptions(format=fmt, marks=marks, pdf_variant=variant, template=template)
        # render finishes the variant itself (pdf.finish_variant, last).
        return render_statement(statement, options).pdf


def images(pdf: bytes) -> list[Any]:
    """Every image XObject drawn, through Form XObjects (imposed sheets) too."""
    reader = pdf_reader(pdf)
    found: dict[int, Any] = {}

    def walk(resources: Any) -> None:
        for reference in resources.get_object().get("/XObject", {}).values():
            xobject = reference.get_object()
            if xobject["/Subtype"] == "/Image":
                found[reference.idnum] = xobject
            elif xobject["/Subtype"] == "/Form" and "/Resources" in xobject:
                walk(xobject["/Resources"])

    for page in reader.pages:
        walk(page["/Resources"])
    return list(found.values())


CASES = [("a5", False), ("a5", True), ("a5-fold", True)]


@pytest.mark.parametrize(("fmt", "marks"), CASES)
def test_x1a_has_only_cmyk_images_and_no_transparency(fmt: str, marks: bool) -> None:
    pdf = finished("pdf/x-1a", fmt, marks)
    pictures = images(pdf)
    assert len(pictures) == 3
    for picture in pictures:
        assert picture["/ColorSpace"] == "/DeviceCMYK"
        assert "/SMask" not in picture
    assert b"/SMask" not in pdf and b"/DeviceRGB" not in pdf and b"/ICCBased" not in pdf
    masks = [picture["/Mask"].get_object() for picture in pictures if "/Mask" in picture]
    assert len(masks) == 2  # the logo and the cut-out: stencils, not soft masks
    assert all(
        mask["/ImageMask"].value is True and mask["/BitsPerComponent"] == 1 for mask in masks
    )
    reader = pdf_reader(pdf)
    assert reader.pdf_header == "%PDF-1.4" and reader.metadata["/GTS_PDFXVersion"] == (
        "PDF/X-1a:2003"
    )


def test_x1a_pixels_come_from_the_output_profile() -> None:
    """The logo's red is LittleCMS's conversion through the output profile; where the logo
    is transparent, the page shows through (the mask); its soft edge is flattened onto white."""
    (logo,) = [p for p in images(finished("pdf/x-1a")) if p["/Width"] == 120]
    pixels = Image.frombytes("CMYK", (120, 60), logo.get_data())
    expected = cmyk_image(Image.new("RGB", (1, 1), RED)).getpixel((0, 0))
    assert pixels.getpixel((60, 30)) == expected
    softened = Image.composite(
        Image.new("RGB", (1, 1), RED),
        Image.new("RGB", (1, 1), (255, 255, 255)),
        Image.new("L", (1, 1), 200),
    )
    assert pixels.getpixel((15, 30)) == cmyk_image(softened).getpixel((0, 0))
    mask = Image.frombytes("1", (120, 60), logo["/Mask"].get_object().get_data())
    assert mask.getpixel((5, 30)) and mask.getpixel((60, 2)) and not mask.getpixel((60, 30))


def test_x1a_soft_edges_are_reported(caplog: pytest.LogCaptureFixture) -> None:
    finished.cache_clear()
    with caplog.at_level(logging.WARNING, logger="leaflet.pdf"):
        finished("pdf/x-1a")
    assert "partly transparent pixels were flattened onto white paper" in caplog.text


def test_x1a_pages_look_like_the_rgb_ones() -> None:
    """Drawn by pdfium, the converted page matches the screen version: same pictures in the
    same places, colours within what the press gamut changes."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        statement = load_statement(_pictures(Path(folder)))
        screen = render_statement(statement, RenderOptions(format="a5")).pdf
    press = finished("pdf/x-1a")
    first, second = (
        pdfium.PdfDocument(pdf)[0].render(scale=1).to_pil().convert("L") for pdf in (screen, press)
    )
    assert first.size == second.size
    difference = [abs(a - b) for a, b in zip(first.tobytes(), second.tobytes(), strict=True)]
    assert sum(d > 60 for d in difference) < 0.002 * len(difference)


def test_x1a_refuses_transparency_it_cannot_flatten() -> None:
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, FloatObject, NameObject

    writer = PdfWriter(clone_from=pdf_reader(finished("pdf/x-1a")))
    states = writer.pages[0]["/Resources"].get_object()["/ExtGState"]
    states[NameObject("/half")] = DictionaryObject({NameObject("/ca"): FloatObject(0.5)})
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(RenderError, match=r"page 1 uses transparency \(an opacity of 0.5\)"):
        finish_variant(buffer.getvalue(), "pdf/x-1a")


def test_x1a_takes_every_kind_of_picture(tmp_path: Path) -> None:
    """Palette PNG with a transparent colour, grey with alpha, CMYK and grey JPEGs: CMYK or
    grey without soft masks, and the preflight passes."""
    palette = Image.new("P", (40, 40), 0)
    palette.putpalette([255, 0, 0, 0, 160, 60] + [0] * 762)
    palette.paste(1, (0, 0, 20, 40))
    palette.save(tmp_path / "palette.png", transparency=0)
    Image.new("LA", (40, 40), (90, 128)).save(tmp_path / "grey-alpha.png")
    Image.new("CMYK", (40, 40), (0, 255, 255, 0)).save(tmp_path / "cmyk.jpg")
    Image.new("L", (40, 40), 90).save(tmp_path / "grey.jpg")
    names = ["palette.png", "grey-alpha.png", "cmyk.jpg", "grey.jpg"]
    body = "\n\n".join(f"![{name}]({name})" for name in names)
    (tmp_path / "s.md").write_text(f"---\ntitle: Kinds\n---\n\n{body}\n")
    options = RenderOptions(format="a5", pdf_variant="pdf/x-1a")
    pdf = finish_variant(
        render_statement(load_statement(tmp_path / "s.md"), options).pdf, "pdf/x-1a"
    )
    spaces = sorted(str(picture["/ColorSpace"]) for picture in images(pdf))
    assert spaces == ["/DeviceCMYK", "/DeviceCMYK", "/DeviceGray", "/DeviceGray"]
    assert b"/SMask" not in pdf
    from leaflet.check import check_pdf

    assert check_pdf(pdf).problems == ()


def unfinished(statement: Statement, variant: str) -> bytes:
    """The PDF *render_statement* makes for *variant* before :func:`finish_variant` (which
    render calls last): what the finisher starts from."""
    from unittest import mock

    with mock.patch("leaflet.pdf.finish_variant", lambda pdf, *args, **kwargs: pdf):
        return render_statement(statement, RenderOptions(format="a5", pdf_variant=variant)).pdf


def test_x1a_refuses_an_image_it_cannot_read() -> None:
    import tempfile

    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    with tempfile.TemporaryDirectory() as folder:
        statement = load_statement(_pictures(Path(folder)))
        raw = unfinished(statement, "pdf/x-1a")
    writer = PdfWriter(clone_from=pdf_reader(raw))
    for reference in writer.pages[0]["/Resources"]["/XObject"].values():
        image = reference.get_object()
        if image["/Width"] == 160:  # the photo: not JPEG data any more
            image._data = b"not an image"
            image[NameObject("/Filter")] = NameObject("/DCTDecode")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(RenderError, match=r"page 1: an image \(160×90 px\) cannot be read back"):
        finish_variant(buffer.getvalue(), "pdf/x-1a")


@pytest.mark.parametrize(("fmt", "marks"), CASES)
def test_x4_keeps_rgb_only_with_a_profile(fmt: str, marks: bool) -> None:
    pdf = finished("pdf/x-4", fmt, marks)
    pictures = images(pdf)
    assert len(pictures) == 3
    for picture in pictures:
        space = picture["/ColorSpace"]
        assert space[0] == "/ICCBased", space
        profile = space[1].get_object()
        assert profile["/N"] == 3 and profile.get_data() == srgb_profile()
        assert ImageCms.ImageCmsProfile(io.BytesIO(profile.get_data())).profile.xcolor_space == (
            "RGB "
        )
    assert b"/DeviceRGB cs" not in pdf
    assert sum("/SMask" in picture for picture in pictures) == 2  # X-4 keeps transparency


# WeasyPrint 70 leaves its sRGB profile file open when writing PDF/A (a ResourceWarning).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_pdfa_images_are_not_interpolated() -> None:
    pdf = finished("pdf/a-3b")
    pictures = images(pdf)
    assert len(pictures) == 3
    for picture in pictures:
        for image in (picture, picture.get("/SMask")):
            if image is not None:
                interpolate = image.get_object().get("/Interpolate")
                assert interpolate is None or interpolate.value is False
    assert any("/Annots" in page for page in pdf_reader(pdf).pages)  # PDF/A keeps its links


@pytest.mark.parametrize("variant", ["pdf/x-1a", "pdf/x-4"])
def test_output_intent_names_the_registered_condition(variant: str) -> None:
    (intent,) = pdf_reader(finished(variant)).root_object["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/OutputConditionIdentifier"] == "FOGRA39"
    assert intent["/RegistryName"] == "http://www.color.org"
    assert intent["/OutputCondition"] == CONDITION.condition
    assert intent["/Info"] == "Coated FOGRA39 (ISO 12647-2:2004)"


@pytest.mark.parametrize("variant", ["pdf/x-1a", "pdf/x-4"])
def test_no_links_on_pdfx_pages(variant: str) -> None:
    assert all("/Annots" not in page for page in pdf_reader(finished(variant)).pages)


def test_finishing_twice_changes_nothing() -> None:
    """The pipeline may finish a file its steps already finished (imposed sheets)."""
    for variant in ("pdf/x-1a", "pdf/x-4"):
        pdf = finished(variant)
        again = finish_variant(pdf, variant)
        for first, second in zip(images(pdf), images(again), strict=True):
            assert first.get_data() == second.get_data()
            assert family(first["/ColorSpace"]) == family(second["/ColorSpace"])
        assert pdf_reader(again).metadata == pdf_reader(pdf).metadata
        xmp = [pdf_reader(x).root_object["/Metadata"].get_object().get_data() for x in (pdf, again)]
        assert xmp[0] == xmp[1]
    assert finish_variant(b"anything", None) == b"anything"


def family(space: Any) -> str:
    space = space.get_object()
    return str(space[0] if isinstance(space, list) else space)


# Independent tools ------------------------------------------------------------------------


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (scripts/system-deps.sh installs it)")
    return path


@pytest.mark.parametrize("variant", ["pdf/x-1a", "pdf/x-4"])
@pytest.mark.parametrize(("fmt", "marks"), CASES)
def test_ghostscript_pdfx_and_qpdf_accept_it(
    tmp_path: Path, variant: str, fmt: str, marks: bool
) -> None:
    gs, qpdf = tool("gs"), tool("qpdf")
    path = tmp_path / "file.pdf"
    path.write_bytes(finished(variant, fmt, marks))
    result = subprocess.run(
        [
            gs,
            *("-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-dPDFX", "-sDEVICE=pdfwrite"),
            *("-sColorConversionStrategy=CMYK", f"-sOutputFile={tmp_path / 'out.pdf'}", str(path)),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stdout
    check = subprocess.run([qpdf, "--check", path], capture_output=True, text=True, check=False)
    assert check.returncode == 0 and "WARNING" not in check.stdout + check.stderr, check.stdout


@pytest.mark.parametrize(
    ("variant", "name"), [("pdf/x-1a", "PDF/X-1a:2003"), ("pdf/x-4", "PDF/X-4")]
)
def test_poppler_identifies_the_standard(tmp_path: Path, variant: str, name: str) -> None:
    pdfinfo = tool("pdfinfo")
    path = tmp_path / "file.pdf"
    path.write_bytes(finished(variant, "a5-fold", True))
    result = subprocess.run([pdfinfo, path], capture_output=True, text=True, check=True)
    assert re.search(rf"^PDF subtype:\s+{re.escape(name)}$", result.stdout, re.M), result.stdout


# Metadata: Info and XMP say the same ------------------------------------------------------------

XMP = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfxid": "http://www.npes.org/pdfx/ns/id/",
}


def xmp_properties(pdf: bytes) -> dict[str, list[str]]:
    """Each XMP property (element or attribute form) with its values, read with ElementTree."""
    import xml.etree.ElementTree as ElementTree

    packet = pdf_reader(pdf).root_object["/Metadata"].get_object().get_data()
    root = ElementTree.fromstring(packet[packet.find(b"<x:xmpmeta") : packet.rfind(b">") + 1])
    found: dict[str, list[str]] = {}
    prefixes = {uri: prefix for prefix, uri in XMP.items()}
    for description in root.iter(f"{{{XMP['rdf']}}}Description"):
        for key, value in description.attrib.items():
            uri, local = key[1:].split("}")
            found.setdefault(f"{prefixes.get(uri, uri)}:{local}", []).append(value)
        for child in description:
            uri, local = child.tag[1:].split("}")
            texts = [item.text or "" for item in child.iter(f"{{{XMP['rdf']}}}li")]
            found.setdefault(f"{prefixes.get(uri, uri)}:{local}", []).extend(
                texts or [child.text or ""]
            )
    return found


@pytest.mark.parametrize("variant", ["pdf/x-1a", "pdf/x-4"])
@pytest.mark.parametrize(("fmt", "marks"), CASES)
def test_info_and_xmp_agree(variant: str, fmt: str, marks: bool) -> None:
    pdf = finished(variant, fmt, marks)
    info = pdf_reader(pdf).metadata
    xmp = xmp_properties(pdf)
    assert xmp["pdf:Producer"] == [info["/Producer"]]
    assert xmp["pdf:Keywords"] == [info["/Keywords"]]
    assert xmp["xmp:CreatorTool"] == [info["/Creator"]]
    assert xmp["dc:title"] == [info["/Title"]]
    assert xmp["xmp:CreateDate"] == ["2025-03-14"] and info["/CreationDate"] == "D:20250314"
    assert xmp["pdfxid:GTS_PDFXVersion"] == [info["/GTS_PDFXVersion"]]
    if fmt == "a5-fold":
        assert "layout:saddle" in info["/Keywords"]


# WeasyPrint 70 leaves its sRGB profile file open when writing PDF/A (a ResourceWarning).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("variant", ["pdf/x-4", "pdf/a-3b"])
def test_imposed_files_agree_without_finishing(variant: str) -> None:
    """Imposition itself keeps Info and XMP in step (its producer and keywords), and names
    the PDF/X-4 version in Info."""
    from leaflet.source import parse_statement

    statement = parse_statement("---\ntitle: Folded\ndate: 2025-01-02\n---\n\nText.\n")
    options = RenderOptions(format="a5-fold", marks=True, pdf_variant=variant)
    pdf = render_statement(statement, options).pdf
    info, xmp = pdf_reader(pdf).metadata, xmp_properties(pdf)
    assert xmp["pdf:Producer"] == [info["/Producer"]] and "WeasyPrint" in info["/Producer"]
    assert xmp["pdf:Keywords"] == [info["/Keywords"]] == ["format:a5-fold, layout:saddle"]
    if variant == "pdf/x-4":
        assert info["/GTS_PDFXVersion"] == "PDF/X-4" == xmp["pdfxid:GTS_PDFXVersion"][0]


def test_pdf_dates_become_xmp_dates() -> None:
    from leaflet.pdf import _xmp_date

    assert _xmp_date("D:20250314") == "2025-03-14"
    assert _xmp_date("D:2025") == "2025"
    assert _xmp_date("D:20250314093000+01'00'") == "2025-03-14T09:30:00+01:00"
    assert _xmp_date("D:202503140930Z") == "2025-03-14T09:30Z"
    assert _xmp_date("yesterday") == ""


@pytest.mark.parametrize("variant", ["pdf/x-1a", "pdf/x-4"])
@pytest.mark.parametrize(("fmt", "marks"), CASES)
def test_check_passes_finished_files(variant: str, fmt: str, marks: bool) -> None:
    from leaflet.check import check_pdf

    report = check_pdf(finished(variant, fmt, marks))
    assert report.problems == () and report.facts.pdfx in ("PDF/X-1a:2003", "PDF/X-4")


def test_imposing_a_strangers_pdf_keeps_its_xmp_in_step(tmp_path: Path) -> None:
    """A PDF from elsewhere with XMP in other namespaces: the imposed file keeps them, and its
    Info and XMP agree on the keywords imposition adds."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    from leaflet.check import check_pdf
    from leaflet.source import parse_statement

    from conftest import run_cli

    flat = render_statement(parse_statement("---\ntitle: Flat\n---\n\nText.\n"), RenderOptions())
    writer = PdfWriter(clone_from=pdf_reader(flat.pdf))
    packet = DecodedStreamObject()
    packet.set_data(
        b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
        b'rdf:about="" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" '
        b'xmlns:pdf="http://ns.adobe.com/pdf/1.3/" photoshop:City="Leeds" '
        b'pdf:Keywords="format:a4"/></rdf:RDF></x:xmpmeta><?xpacket end="r"?>'
    )
    packet[NameObject("/Type")] = NameObject("/Metadata")
    writer.root_object[NameObject("/Metadata")] = writer._add_object(packet)
    source = tmp_path / "flat.pdf"
    with source.open("wb") as file:
        writer.write(file)
    output = tmp_path / "sheets.pdf"
    result = run_cli("impose", source, "--layout", "2up", "-o", output)
    assert result.code == 0, result.err
    imposed = output.read_bytes()
    xmp = pdf_reader(imposed).root_object["/Metadata"].get_object().get_data()
    assert b'photoshop:City="Leeds"' in xmp or b':City="Leeds"' in xmp
    assert xmp_properties(imposed)["pdf:Keywords"] == [pdf_reader(imposed).metadata["/Keywords"]]
    assert check_pdf(imposed).facts.metadata_disagreements == ()


def test_the_condition_comes_from_the_file() -> None:
    """A file rendered for uncoated paper (its output intent says FOGRA29) is finished for
    FOGRA29: the intent's names, and its pictures converted through that profile."""
    import tempfile

    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    from leaflet.pdfx import FOGRA29

    with tempfile.TemporaryDirectory() as folder:
        statement = load_statement(_pictures(Path(folder)))
        raw = unfinished(statement, "pdf/x-1a")
    writer = PdfWriter(clone_from=pdf_reader(raw))
    (intent,) = writer.root_object["/OutputIntents"]
    intent.get_object()[NameObject("/OutputConditionIdentifier")] = TextStringObject("FOGRA29")
    buffer = io.BytesIO()
    writer.write(buffer)
    pdf = finish_variant(buffer.getvalue(), "pdf/x-1a")
    (intent,) = pdf_reader(pdf).root_object["/OutputIntents"]
    assert intent.get_object()["/Info"] == "Uncoated FOGRA29 (ISO 12647-2:2004)"
    (logo,) = [p for p in images(pdf) if p["/Width"] == 120]
    pixels = Image.frombytes("CMYK", (120, 60), logo.get_data())
    expected = cmyk_image(Image.new("RGB", (1, 1), RED), FOGRA29).getpixel((0, 0))
    assert (
        pixels.getpixel((60, 30))
        == expected
        != cmyk_image(Image.new("RGB", (1, 1), RED)).getpixel((0, 0))
    )


# WeasyPrint 70 leaves its sRGB profile file open when writing PDF/A (a ResourceWarning).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize(
    ("variant", "alternate"),
    [("pdf/a-3b", "/DeviceRGB"), ("pdf/x-4", "/DeviceCMYK"), (None, "/DeviceCMYK")],
)
@pytest.mark.parametrize("fmt", ["a5", "a5-fold"])
def test_marks_fit_the_output_intent(variant: str | None, alternate: str, fmt: str) -> None:
    """Crop marks are a Separation /All; its alternate space is the intent's kind: RGB under
    PDF/A's sRGB intent, where DeviceCMYK is not allowed."""
    from leaflet.source import parse_statement

    statement = parse_statement("---\ntitle: Marks\ndate: 2025-01-02\n---\n\nText.\n")
    options = RenderOptions(format=fmt, marks=True, bleed=8.5, pdf_variant=variant)
    reader = pdf_reader(render_statement(statement, options).pdf)
    (space,) = {
        str(page["/Resources"]["/ColorSpace"]["/Reg"].get_object()[2]) for page in reader.pages
    }
    assert space == alternate
