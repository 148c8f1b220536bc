"""``leaflet check`` on files claiming PDF/A: leaflet's own PDF/A-3b output passes every
``pdfa-…`` rule; each rule catches a file broken the way veraPDF and PDFBox Preflight most
often find (crafted with pypdf from a real leaflet render) and names the page or object."""

from __future__ import annotations

import io
import json
import re
import tempfile
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from leaflet.check import CheckReport, check_pdf
from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import load_statement

from conftest import CliResult, pdf_reader, run_bounded, run_cli

# WeasyPrint 70 leaves its sRGB profile file open when writing PDF/A (a ResourceWarning).
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

STATEMENT = """---
title: An archived statement
author: The Archive Group
date: 2025-03-14
logo: logo.png
---

A lead paragraph with a [link](https://example.org/) and a note.[^1]

## What we want

Every leaflet kept as it was printed, for as long as anyone asks.

![A photo](photo.png)

[^1]: Sources: https://example.org/archive
"""


def _statement(folder: Path) -> Path:
    """A statement with a logo (RGBA, soft edge) and a photo (RGB), made here."""
    logo = Image.new("RGBA", (120, 60), (200, 16, 46, 255))
    for x in range(20):
        for y in range(60):
            logo.putpixel((x, y), (200, 16, 46, 0 if x < 10 else 180))
    logo.save(folder / "logo.png")
    photo = Image.new("RGB", (160, 90))
    photo.putdata([(x * 255 // 160, y * 255 // 90, 120) for y in range(90) for x in range(160)])
    photo.save(folder / "photo.png")
    (folder / "statement.md").write_text(STATEMENT, encoding="utf-8")
    return folder / "statement.md"


@cache
def pdfa(template: str = "classic", fmt: str = "a5", marks: bool = False) -> bytes:
    """leaflet's own ``--pdf-variant pdf/a-3b`` render of the statement with pictures."""
    with tempfile.TemporaryDirectory() as folder:
        statement = load_statement(_statement(Path(folder)))
        options = RenderOptions(format=fmt, template=template, marks=marks, pdf_variant="pdf/a-3b")
        return render_statement(statement, options).pdf


def crafted(change: Callable[[PdfWriter], Any], base: bytes | None = None) -> bytes:
    """*base* (leaflet's A5 PDF/A render) rewritten by pypdf after *change*."""
    writer = PdfWriter(clone_from=io.BytesIO(base or pdfa()))
    change(writer)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def pdfa_findings(report: CheckReport) -> list[tuple[str, str]]:
    return [
        (finding["rule"], finding["message"])
        for finding in report.findings()
        if finding["rule"].startswith("pdfa-")
    ]


def messages(pdf: bytes, rule: str) -> list[str]:
    """The messages of *rule* a check of *pdf* gives."""
    report = check_pdf(pdf)
    return [
        message
        for found, message in zip(report.problem_rules, report.problems, strict=True)
        if found == rule
    ]


def rewrite_xmp(writer: PdfWriter, edit: Callable[[str], str]) -> None:
    stream = writer.root_object["/Metadata"].get_object()
    stream.set_data(edit(stream.get_data().decode("utf-8")).encode("utf-8"))


def images(writer: PdfWriter) -> Iterator[tuple[int, StreamObject]]:
    """(page number, image XObject) for every image drawn, forms followed."""
    seen: set[int] = set()

    def walk(resources: Any, number: int) -> Iterator[tuple[int, StreamObject]]:
        xobjects = resources.get_object().get("/XObject", {}) if resources else {}
        for reference in xobjects.get_object().values():
            xobject = reference.get_object()
            if id(xobject) in seen:
                continue
            seen.add(id(xobject))
            if xobject.get("/Subtype") == "/Image":
                yield number, xobject
            elif xobject.get("/Subtype") == "/Form":
                yield from walk(xobject.get("/Resources"), number)

    for number, page in enumerate(writer.pages, start=1):
        yield from walk(page.get("/Resources"), number)


def first_link(writer: PdfWriter) -> tuple[int, DictionaryObject]:
    for number, page in enumerate(writer.pages, start=1):
        for reference in page.get("/Annots", []):
            annotation = reference.get_object()
            if annotation.get("/Subtype") == "/Link":
                return number, annotation
    raise AssertionError("the render has no link")


def paint_on_first_page(writer: PdfWriter, content: bytes, resources: dict[str, Any]) -> None:
    """Append *content* to page 1, with *resources* (``/ColorSpace`` …) added to its own."""
    page = writer.pages[0]
    stream = DecodedStreamObject()
    stream.set_data(content)
    existing = page.raw_get("/Contents")  # a stream must stay an indirect object
    contents = existing.get_object()
    parts = list(contents) if isinstance(contents, ArrayObject) else [existing]
    page[NameObject("/Contents")] = ArrayObject([*parts, writer._add_object(stream)])
    own = page["/Resources"].get_object()
    for key, entries in resources.items():
        merged = DictionaryObject(own.get(key, DictionaryObject()).get_object())
        merged.update(entries)
        own[NameObject(key)] = merged


# leaflet's own output ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "fmt", "marks"),
    [("classic", "a5", False), ("bold", "a4", True), ("modern", "a5-fold", True)],
)
def test_leaflets_own_pdfa_output_passes(template: str, fmt: str, marks: bool) -> None:
    """Several templates and formats (flat, with crop marks, an imposed booklet), with a logo
    and a photo: claimed as PDF/A-3B and free of every pdfa finding."""
    report = check_pdf(pdfa(template, fmt, marks))
    assert report.facts.pdfa == "PDF/A-3B"
    assert any(page.images for page in report.facts.pages)  # the pictures are in it
    assert pdfa_findings(report) == []
    assert "PDF/A: PDF/A-3B" in report.summary()


def test_rewriting_alone_breaks_nothing() -> None:
    """The crafting (pypdf clones and writes the file) adds no finding of its own, so each
    finding below comes from its one change."""
    assert pdfa_findings(check_pdf(crafted(lambda writer: None))) == []


def test_a_file_not_claiming_pdfa_is_not_judged_as_pdfa() -> None:
    """No ``pdfaid`` in the XMP: none of the PDF/A rules apply, whatever else the file does."""

    def unclaim_and_break(writer: PdfWriter) -> None:
        rewrite_xmp(writer, lambda xmp: re.sub(r' pdfaid:\w+="[^"]*"', "", xmp))
        del writer.root_object["/OutputIntents"]

    report = check_pdf(crafted(unclaim_and_break))
    assert report.facts.pdfa is None and pdfa_findings(report) == []


# identification and metadata (ISO 19005-2 §6.6) -----------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "words"),
    [
        ('pdfaid:conformance="B"', "", "no valid conformance level (pdfaid:conformance None"),
        ('pdfaid:conformance="B"', 'pdfaid:conformance="Z"', "conformance 'Z'"),
        ('pdfaid:part="3"', 'pdfaid:part="7"', "no valid part (pdfaid:part '7'"),
        ('pdfaid:part="3"', "", "no valid part (pdfaid:part None"),
    ],
)
def test_identification(before: str, after: str, words: str) -> None:
    pdf = crafted(lambda writer: rewrite_xmp(writer, lambda xmp: xmp.replace(before, after)))
    assert check_pdf(pdf).facts.pdfa_claimed
    found = messages(pdf, "pdfa-identification")
    assert len(found) == 1 and words in found[0], found


def test_pdfa_4_has_its_own_levels_and_an_optional_output_intent() -> None:
    """PDF/A-4 (ISO 19005-4) names no conformance level or E or F, and needs an output intent
    only for device colours: the DeviceRGB text is then what is caught."""

    def part_4(level: str) -> Callable[[PdfWriter], None]:
        def change(writer: PdfWriter) -> None:
            rewrite_xmp(
                writer,
                lambda xmp: xmp.replace('pdfaid:part="3"', 'pdfaid:part="4"').replace(
                    'pdfaid:conformance="B"', level
                ),
            )

        return change

    plain = crafted(part_4(""))
    assert check_pdf(plain).facts.pdfa == "PDF/A-4"
    assert pdfa_findings(check_pdf(plain)) == []
    assert messages(crafted(part_4('pdfaid:conformance="F"')), "pdfa-identification") == []
    assert messages(crafted(part_4('pdfaid:conformance="B"')), "pdfa-identification") == [
        "claims PDF/A-4 but its XMP metadata gives no valid conformance level "
        "(pdfaid:conformance 'B'; none, E, F)"
    ]

    def part_4_without_intent(writer: PdfWriter) -> None:
        part_4("")(writer)
        del writer.root_object["/OutputIntents"]

    bare = crafted(part_4_without_intent)
    assert messages(bare, "pdfa-output-intent") == []
    assert messages(bare, "pdfa-device-colour")[0].startswith("page 1: DeviceRGB colour")


def test_info_entries_missing_from_the_xmp_are_named() -> None:
    def drop_title(writer: PdfWriter) -> None:
        rewrite_xmp(writer, lambda xmp: re.sub(r"<dc:title>.*?</dc:title>", "", xmp))

    (message,) = messages(crafted(drop_title), "pdfa-metadata")
    assert message.startswith("Info has Title but the XMP metadata does not")


def test_info_and_xmp_that_disagree_are_caught_in_pdfa_too() -> None:
    """The general metadata rule (Info and XMP in sync) fires on a PDF/A file as well."""

    def other_producer(writer: PdfWriter) -> None:
        writer.add_metadata({"/Producer": "Another Producer 1.0"})

    (message,) = messages(crafted(other_producer), "metadata-sync")
    assert "Producer (Info 'Another Producer 1.0'" in message


def test_unreadable_xmp_of_a_pdfa_file() -> None:
    def damage(writer: PdfWriter) -> None:
        rewrite_xmp(writer, lambda xmp: xmp.replace("</rdf:RDF>", "</rdf:RDF><oops>"))

    (message,) = messages(crafted(damage), "pdfa-metadata")
    assert message.startswith("the XMP metadata cannot be read")


# output intent (§6.2.3) and device colours (§6.2.4.3) -----------------------------------


def test_no_output_intent() -> None:
    """Without an output intent, the DeviceRGB colours of every page are uncovered too."""
    pdf = crafted(lambda writer: writer.root_object.pop("/OutputIntents"))
    (message,) = messages(pdf, "pdfa-output-intent")
    assert "claims PDF/A-3B but has no PDF/A output intent (GTS_PDFA1)" in message
    colours = messages(pdf, "pdfa-device-colour")
    assert colours and colours[0].startswith("page 1: DeviceRGB colour (")
    assert colours[0].endswith(
        "with no output intent to give it a meaning: tag it with an ICC profile or add an RGB "
        "intent"
    )


def test_output_intent_of_another_kind_or_without_profile() -> None:
    def pdfx_subtype(writer: PdfWriter) -> None:
        intent = writer.root_object["/OutputIntents"][0].get_object()
        intent[NameObject("/S")] = NameObject("/GTS_PDFX")

    def no_profile(writer: PdfWriter) -> None:
        intent = writer.root_object["/OutputIntents"][0].get_object()
        del intent["/DestOutputProfile"]

    assert (
        "no PDF/A output intent (GTS_PDFA1)"
        in messages(crafted(pdfx_subtype), "pdfa-output-intent")[0]
    )
    assert messages(crafted(no_profile), "pdfa-output-intent") == [
        "the PDF/A output intent has no embedded ICC profile (DestOutputProfile)"
    ]


def test_cmyk_colour_under_an_rgb_output_intent() -> None:
    """DeviceCMYK paint (a ``k`` operator) under leaflet's sRGB intent is caught and named by
    page; the same paint with a DefaultCMYK colour space is not."""
    cmyk = b"q 0 0 0 1 k 10 10 20 20 re f Q"
    pdf = crafted(lambda writer: paint_on_first_page(writer, cmyk, {}))
    assert messages(pdf, "pdfa-device-colour") == [
        "page 1: DeviceCMYK colour (1 time) but the output intent is RGB: tag it with an ICC "
        "profile or use a CMYK intent"
    ]

    def with_default(writer: PdfWriter) -> None:
        profile = writer.root_object["/OutputIntents"][0].get_object()["/DestOutputProfile"]
        spaces = {NameObject("/DefaultCMYK"): ArrayObject([NameObject("/ICCBased"), profile])}
        paint_on_first_page(writer, cmyk, {"/ColorSpace": spaces})

    assert messages(crafted(with_default), "pdfa-device-colour") == []


def test_separation_with_a_cmyk_alternate_under_an_rgb_output_intent() -> None:
    """A spot colour (crop marks' registration colour) whose alternate is DeviceCMYK, under an
    RGB output intent: §6.2.4.4 judges the alternate as a device colour."""

    def spot(writer: PdfWriter) -> None:
        tint = DictionaryObject(
            {
                NameObject("/FunctionType"): NumberObject(2),
                NameObject("/Domain"): ArrayObject([NumberObject(0), NumberObject(1)]),
                NameObject("/C0"): ArrayObject([NumberObject(0)] * 4),
                NameObject("/C1"): ArrayObject([NumberObject(1)] * 4),
                NameObject("/N"): NumberObject(1),
            }
        )
        separation = ArrayObject(
            [
                NameObject("/Separation"),
                NameObject("/All"),
                NameObject("/DeviceCMYK"),
                writer._add_object(tint),
            ]
        )
        paint_on_first_page(
            writer,
            b"q /Reg CS 1 SCN 0.25 w 0 0 m 10 0 l S Q",
            {"/ColorSpace": {NameObject("/Reg"): separation}},
        )

    assert messages(crafted(spot), "pdfa-device-colour")[0].startswith(
        "page 1: DeviceCMYK colour (1 time) but the output intent is RGB"
    )


# fonts (§6.2.11.4.1) ----------------------------------------------------------------------


def test_a_font_not_embedded_is_caught_in_pdfa() -> None:
    """The general font rule fires on PDF/A files too, naming the font."""
    name: list[str] = []

    def unembed(writer: PdfWriter) -> None:
        fonts = writer.pages[0]["/Resources"]["/Font"]
        font = next(iter(fonts.values())).get_object()
        descendant = (
            font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        )
        descriptor = descendant["/FontDescriptor"].get_object()
        for key in ("/FontFile", "/FontFile2", "/FontFile3"):
            descriptor.pop(key, None)
        name.append(str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1])

    (message,) = messages(crafted(unembed), "font-embedding")
    assert message == f"font {name[0]} is not embedded (the printer would substitute another)"


# encryption (§6.1.3) ----------------------------------------------------------------------


def test_an_encrypted_pdfa_file_is_a_problem(tmp_path: Path) -> None:
    """Encrypted with an empty user password (a "protected" file anyone can open): the check
    reads what it claims and says PDF/A forbids encryption (exit 1, not an unreadable file)."""
    path = tmp_path / "locked.pdf"
    path.write_bytes(crafted(lambda writer: writer.encrypt("", "owner", algorithm="RC4-128")))
    result = run_cli("check", path)
    assert result.code == 1, result.err
    assert "PDF/A-3B, encrypted: only its identification was read" in result.out
    assert (
        "problem: claims PDF/A-3B but is encrypted, which PDF/A forbids: an archive must open "
        "without a password or a decryption key (save an unprotected copy)"
    ) in result.out
    report = json.loads(run_cli("check", path, "--json").out)
    assert [finding["rule"] for finding in report["findings"]] == ["pdfa-encryption"]
    assert report["pdfa"] == "PDF/A-3B"


def test_an_encrypted_file_not_claiming_pdfa_stays_unreadable(tmp_path: Path) -> None:
    def unclaim_and_lock(writer: PdfWriter) -> None:
        rewrite_xmp(writer, lambda xmp: re.sub(r' pdfaid:\w+="[^"]*"', "", xmp))
        writer.encrypt("", "owner", algorithm="RC4-128")

    path = tmp_path / "locked.pdf"
    path.write_bytes(crafted(unclaim_and_lock))
    result: CliResult = run_cli("check", path)
    assert result.code == 2 and "the PDF is encrypted" in result.err


# actions (§6.5) ---------------------------------------------------------------------------


def _javascript() -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello')"),
        }
    )


def test_javascript_run_on_opening() -> None:
    pdf = crafted(
        lambda writer: writer.root_object.__setitem__(NameObject("/OpenAction"), _javascript())
    )
    assert messages(pdf, "pdfa-action") == ["opening the file runs JavaScript, which PDF/A forbids"]


def test_a_link_that_runs_javascript_or_launches_a_program() -> None:
    number: list[int] = []

    def script_link(writer: PdfWriter) -> None:
        page, link = first_link(writer)
        number.append(page)
        link.pop("/Dest", None)
        launch = DictionaryObject(
            {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("x")}
        )
        action = _javascript()
        action[NameObject("/Next")] = launch
        link[NameObject("/A")] = action

    assert messages(crafted(script_link), "pdfa-action") == [
        f"page {number[0]}: Link annotation runs JavaScript, which PDF/A forbids",
        f"page {number[0]}: Link annotation starts a program, which PDF/A forbids",
    ]


def test_page_and_document_event_actions_and_scripts() -> None:
    def events(writer: PdfWriter) -> None:
        writer.pages[-1][NameObject("/AA")] = DictionaryObject({NameObject("/O"): _javascript()})
        scripts = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("hello"), _javascript()])}
        )
        names = writer.root_object.setdefault(NameObject("/Names"), DictionaryObject())
        names.get_object()[NameObject("/JavaScript")] = scripts

    found = messages(crafted(events), "pdfa-action")
    assert f"page {len(pdf_reader(pdfa()).pages)}: actions run on opening or closing (/AA)" in found
    assert "the document carries JavaScript (a JavaScript name tree)" in found


# images (§6.2.8) --------------------------------------------------------------------------


def test_an_interpolated_image() -> None:
    number: list[int] = []

    def interpolate(writer: PdfWriter) -> None:
        page, image = next(images(writer))
        number.append(page)
        image[NameObject("/Interpolate")] = BooleanObject(True)

    found = messages(crafted(interpolate), "pdfa-interpolate")
    assert len(found) == 1
    assert re.fullmatch(
        rf"page {number[0]}: image \(\d+×\d+ px\) asks viewers to smooth it \(Interpolate true\)"
        r", which PDF/A forbids: each would show it differently",
        found[0],
    ), found


# annotations (§6.3) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (
            None,
            "Link annotation does not print (its Print flag is off): PDF/A needs every "
            "annotation to print as it shows",
        ),
        (
            0,
            "Link annotation does not print (its Print flag is off): PDF/A needs every "
            "annotation to print as it shows",
        ),
        (4 | 2, "Link annotation is hidden (Hidden flag)"),
        (4 | 32 | 1, "Link annotation is hidden (Invisible, NoView flag)"),
    ],
)
def test_annotation_flags(flags: int | None, words: str) -> None:
    number: list[int] = []

    def set_flags(writer: PdfWriter) -> None:
        page, link = first_link(writer)
        number.append(page)
        if flags is None:
            del link["/F"]
        else:
            link[NameObject("/F")] = NumberObject(flags)

    assert messages(crafted(set_flags), "pdfa-annotation") == [f"page {number[0]}: {words}"]


def test_forbidden_annotation_kind() -> None:
    def sound(writer: PdfWriter) -> None:
        _, link = first_link(writer)
        link[NameObject("/Subtype")] = NameObject("/Sound")

    assert "Sound annotation: PDF/A allows no Sound annotations" in " ".join(
        messages(crafted(sound), "pdfa-annotation")
    )


# embedded files (ISO 19005-3 §6.8) --------------------------------------------------------


def test_embedded_file_needs_a_relationship_and_a_mime_type() -> None:
    bare = crafted(lambda writer: writer.add_attachment("data.xml", b"<data/>"))
    assert messages(bare, "pdfa-embedded-file") == [
        "embedded file 'data.xml' does not say how it relates to the document "
        "(/AFRelationship: Source, Data, Alternative …), which PDF/A-3 requires",
        "embedded file 'data.xml' has no MIME type (/Subtype, e.g. application/xml), which "
        "PDF/A-3 requires",
    ]

    def described(writer: PdfWriter) -> None:
        attachment = writer.add_attachment("data.xml", b"<data/>")
        specification = attachment.pdf_object
        specification[NameObject("/AFRelationship")] = NameObject("/Data")
        stream = specification["/EF"]["/F"].get_object()
        stream[NameObject("/Subtype")] = NameObject("/application#2Fxml")

    assert messages(crafted(described), "pdfa-embedded-file") == []


def test_findings_carry_rule_ids_and_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(
        crafted(
            lambda writer: writer.root_object.__setitem__(NameObject("/OpenAction"), _javascript())
        )
    )
    result = run_cli("check", path, "--json")
    assert result.code == 1
    report = json.loads(result.out)
    assert {"rule": "pdfa-action", "severity": "problem"}.items() <= report["findings"][0].items()
    assert run_cli("check", path).out.splitlines()[-1] == "1 problem"


def test_looping_actions_outlines_and_name_trees_are_bounded(tmp_path: Path) -> None:
    """A hostile PDF/A file whose action chain, outline and name tree refer to themselves:
    the check ends well within its bounds, names the JavaScript it found, writes nothing and
    leaves the file as it was."""

    def loops(writer: PdfWriter) -> None:
        action = writer._add_object(_javascript())
        chain = writer._add_object(ArrayObject())
        chain.get_object().extend([chain, action])
        action.get_object()[NameObject("/Next")] = chain
        writer.root_object[NameObject("/OpenAction")] = action
        item = writer._add_object(DictionaryObject({NameObject("/A"): action}))
        item.get_object().update({NameObject("/Next"): item, NameObject("/First"): item})
        outlines = DictionaryObject({NameObject("/First"): item})
        writer.root_object[NameObject("/Outlines")] = writer._add_object(outlines)
        node = writer._add_object(DictionaryObject())
        node.get_object()[NameObject("/Kids")] = ArrayObject([node] * 5000)
        names = writer.root_object.setdefault(NameObject("/Names"), DictionaryObject())
        names.get_object()[NameObject("/EmbeddedFiles")] = node

    path = tmp_path / "loops.pdf"
    data = crafted(loops)
    path.write_bytes(data)
    result = run_bounded("check", path, cwd=tmp_path)
    assert result.code == 1, result.err
    assert "problem: opening the file runs JavaScript, which PDF/A forbids" in result.out
    assert "problem: an outline entry runs JavaScript, which PDF/A forbids" in result.out
    assert "Traceback" not in result.err
    assert path.read_bytes() == data and [p.name for p in tmp_path.iterdir()] == ["loops.pdf"]
