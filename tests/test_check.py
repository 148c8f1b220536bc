"""``leaflet check``: leaflet's own outputs pass; hand-made bad PDFs fail with the right line."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    RectangleObject,
)

from leaflet.check import check_pdf
from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import load_statement

from conftest import EXAMPLES, CliResult

EXAMPLE = EXAMPLES / "en-free-transit.md"
Cli = Callable[..., CliResult]


@cache
def rendered(fmt: str, marks: bool = False) -> bytes:
    options = RenderOptions(format=fmt, marks=marks)
    return render_statement(load_statement(EXAMPLE), options).pdf


def write(tmp_path: Path, pdf: bytes, name: str = "file.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


@pytest.mark.parametrize(
    ("fmt", "marks"), [("a5", False), ("a4", True), ("a5-fold", True), ("poster-a3", False)]
)
def test_leaflets_own_output_is_clean(cli: Cli, tmp_path: Path, fmt: str, marks: bool) -> None:
    path = write(tmp_path, rendered(fmt, marks))
    result = cli("check", path, "--source", EXAMPLE)
    assert result.code == 0, result.out
    assert result.out.splitlines()[-1] == "ok: no problems found"
    assert re.search(r"fonts: (\d+) of \1 embedded", result.out), result.out


def test_summary_gives_sizes_in_mm(cli: Cli, tmp_path: Path) -> None:
    result = cli("check", write(tmp_path, rendered("a4", marks=True)))
    assert "trim 210×297 mm, bleed 3 mm, media 225×312 mm" in result.out


def test_json_report(cli: Cli, tmp_path: Path) -> None:
    result = cli("check", write(tmp_path, rendered("a5-fold", marks=True)), "--json")
    report = json.loads(result.out)
    assert report["ok"] is True and report["problems"] == []
    assert report["pages"][0]["trim_mm"] == [296.0, 210.0]
    assert report["pages"][0]["bleed_mm"] == 3.0


def test_missing_words_are_named(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other.md"
    other.write_text("---\ntitle: Zebras unite\n---\n\nQuokkas demand rights.\n")
    result = cli("check", write(tmp_path, rendered("a5")), "--source", other)
    assert result.code == 1
    assert "problem: 4 words of the statement are not in the text: Zebras, unite, Quokkas" in (
        result.out
    )


def test_unreadable_input_is_exit_2(cli: Cli, tmp_path: Path) -> None:
    result = cli("check", write(tmp_path, b"not a pdf at all"))
    assert result.code == 2
    assert result.err.startswith("leaflet: error: ") and "not a PDF" in result.err


def test_missing_file_is_exit_2(cli: Cli, tmp_path: Path) -> None:
    assert cli("check", tmp_path / "nowhere.pdf").code == 2


# Hand-made PDFs -------------------------------------------------------------------------------


def crafted(
    content: bytes = b"",
    *,
    pages: int = 1,
    resources: DictionaryObject | None = None,
    info: dict[str, str] | None = None,
    pdfx: bool = False,
    boxes: dict[str, list[float]] | None = None,
) -> bytes:
    """A PDF of *pages* A5 pages drawing *content* with *resources*; *pdfx* makes it claim
    PDF/X-4 (XMP-less: /Info GTS_PDFXVersion) with an output intent."""
    writer = PdfWriter()
    for _ in range(pages):
        page = writer.add_blank_page(420, 595)
        stream = DecodedStreamObject()
        stream.set_data(content)
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = resources or DictionaryObject()
        page[NameObject("/TrimBox")] = RectangleObject([0, 0, 420, 595])
        for key, values in (boxes or {}).items():
            page[NameObject(key)] = RectangleObject(values)
    metadata = dict(info or {})
    if pdfx:
        metadata["/GTS_PDFXVersion"] = "PDF/X-4"
        intent = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/OutputIntent"),
                NameObject("/S"): NameObject("/GTS_PDFX"),
            }
        )
        writer.root_object[NameObject("/OutputIntents")] = ArrayObject([intent])
    writer.add_metadata(metadata)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def problems_of(pdf: bytes) -> list[str]:
    return list(check_pdf(pdf).problems)


def test_a_clean_hand_made_pdf_passes() -> None:
    assert problems_of(crafted(b"0 0 0 1 k 10 10 100 100 re f", pdfx=True)) == []


def test_unembedded_font() -> None:
    helvetica = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    resources = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): helvetica})}
    )
    pdf = crafted(b"BT /F1 12 Tf 50 50 Td (Hello) Tj ET", resources=resources)
    assert problems_of(pdf) == [
        "font Helvetica is not embedded (the printer would substitute another)"
    ]


def test_rgb_colour_in_a_pdfx_file(cli: Cli, tmp_path: Path) -> None:
    pdf = crafted(b"1 0 0 rg 10 10 100 100 re f 0 1 0 RG 0 0 m 50 50 l S", pdfx=True)
    result = cli("check", write(tmp_path, pdf))
    assert result.code == 1
    assert (
        "problem: page 1: RGB colour in a PDF/X file (2 times); print colours must be CMYK"
        in result.out.splitlines()
    )
    assert problems_of(crafted(b"1 0 0 rg 10 10 100 100 re f")) == []  # not PDF/X: fine


def rgb_image(width: int = 4, height: int = 4) -> DictionaryObject:
    image = DecodedStreamObject()
    image.set_data(b"\xff\x00\x00" * width * height)
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(width),
            NameObject("/Height"): NumberObject(height),
            NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
            NameObject("/BitsPerComponent"): NumberObject(8),
        }
    )
    return DictionaryObject({NameObject("/XObject"): DictionaryObject({NameObject("/Im1"): image})})


def test_rgb_image_in_a_pdfx_file_and_low_resolution() -> None:
    pdf = crafted(b"q 144 0 0 144 10 10 cm /Im1 Do Q", resources=rgb_image(), pdfx=True)
    report = check_pdf(pdf)
    assert report.problems == ("page 1: RGB image (4×4 px) in a PDF/X file",)
    # 4 pixels over 2 inches: 2 dpi.
    assert report.warnings == (
        "page 1: image of 4×4 px printed at 2 dpi (under 200 dpi looks soft)",
    )


def test_pdfx_1a_allows_no_calibrated_rgb_nor_soft_masks() -> None:
    """PDF/X-4 takes RGB with an ICC profile; PDF/X-1a takes neither it nor transparency."""
    resources = rgb_image()
    image = resources["/XObject"]["/Im1"]
    image[NameObject("/ColorSpace")] = ArrayObject([NameObject("/ICCBased"), icc_rgb()])
    image[NameObject("/SMask")] = grey_mask()
    content = b"q 400 0 0 400 10 10 cm /Im1 Do Q"
    assert problems_of(crafted(content, resources=resources, pdfx=True)) == []
    x1a = crafted(content, resources=resources, info={"/GTS_PDFXVersion": "PDF/X-1a:2003"})
    assert problems_of(x1a) == [
        "claims PDF/X-1a:2003 but has no output intent (ISO 15930 requires one)",
        "page 1: RGB image (4×4 px) in a PDF/X-1a file, which allows CMYK and grey only",
        "page 1: a transparent image (4×4 px, soft mask) in a PDF/X-1a file, which allows no "
        "transparency",
    ]


def icc_rgb() -> DecodedStreamObject:
    profile = DecodedStreamObject()
    profile.set_data(b"not checked here")
    profile.update({NameObject("/N"): NumberObject(3)})
    return profile


def grey_mask() -> DecodedStreamObject:
    mask = DecodedStreamObject()
    mask.set_data(b"\x80" * 16)
    for key, value in (("/Width", 4), ("/Height", 4), ("/BitsPerComponent", 8)):
        mask[NameObject(key)] = NumberObject(value)
    mask[NameObject("/Subtype")] = NameObject("/Image")
    mask[NameObject("/ColorSpace")] = NameObject("/DeviceGray")
    return mask


def test_links_inside_the_trim_of_a_pdfx_file() -> None:
    def link(rect: list[float]) -> DictionaryObject:
        return DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): RectangleObject(rect),
            }
        )

    def with_links(pdf: bytes) -> bytes:
        writer = PdfWriter(clone_from=io.BytesIO(pdf))
        outside = link([-30, -30, -10, -10])  # in the slug, beyond the trim: allowed
        writer.pages[0][NameObject("/Annots")] = ArrayObject(
            [link([10, 10, 100, 30]), link([300, 500, 500, 700]), outside]
        )
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    assert problems_of(with_links(crafted(b"", pdfx=True))) == [
        "page 1: 2 annotations (links …) inside the trim, which PDF/X does not allow"
    ]
    assert problems_of(with_links(crafted(b""))) == []  # links are fine outside PDF/X


def test_pdfx_without_output_intent() -> None:
    pdf = crafted(b"", info={"/GTS_PDFXVersion": "PDF/X-4"})
    assert problems_of(pdf) == ["claims PDF/X-4 but has no output intent (ISO 15930 requires one)"]


def test_seven_page_booklet(cli: Cli, tmp_path: Path) -> None:
    pdf = crafted(b"", pages=7, info={"/Keywords": "format:a5-fold"})
    result = cli("check", write(tmp_path, pdf))
    assert result.code == 1
    assert (
        "problem: booklet has 7 pages: a saddle-stitched booklet needs a multiple of 4 "
        "(add 1 blank or re-render it)"
    ) in result.out.splitlines()
    assert problems_of(crafted(b"", pages=8, info={"/Keywords": "format:a5-fold"})) == []
    assert problems_of(crafted(b"", pages=7, info={"/Keywords": "format:a5"})) == []


def test_odd_sides_of_a_saddle_imposed_file() -> None:
    pdf = crafted(b"", pages=3, info={"/Keywords": "format:a5-fold, layout:saddle"})
    assert problems_of(pdf)[0].startswith("booklet has 6 pages")


def test_hairline() -> None:
    # 0.5 units wide, scaled by 0.3: 0.15 pt as printed.
    pdf = crafted(b"q 0.3 0 0 0.3 0 0 cm 0.5 w 0 0 m 100 100 l S Q 1 w 0 0 m 9 9 l S")
    assert problems_of(pdf) == ["page 1: a line 0.15 pt wide (thinner than 0.25 pt may not print)"]


def test_boxes_out_of_order() -> None:
    pdf = crafted(b"", boxes={"/BleedBox": [-9, -9, 429, 604]})
    assert problems_of(pdf) == ["page 1: the BleedBox reaches outside the MediaBox"]
    pdf = crafted(b"", boxes={"/MediaBox": [-30, -30, 450, 625], "/BleedBox": [0, 0, 420, 595]})
    assert problems_of(pdf) == [
        "page 1: room for crop marks but no bleed (artwork stops at the cut; "
        "render with --bleed 3mm)"
    ]


def test_a_word_hyphenated_across_booklet_pages_is_found() -> None:
    from leaflet.check import _split_across_pages

    # Pages are out of reading order on booklet sheets: the word's end comes first.
    text = "ment, who were sent.\nOther text here\nbuy their own equip-\n"
    assert _split_across_pages("equipment", text)
    assert not _split_across_pages("equipping", text)
    assert not _split_across_pages("department", "depart\nment\n")  # no hyphen: not a split


def test_imported_long_statement_booklet_checks_clean(cli: Cli, tmp_path: Path) -> None:
    """A long booklet has words hyphenated across pages on different sheets."""
    from conftest import CORPUS

    source = CORPUS / "en-mobilization-referendums.txt"
    if not source.exists():
        pytest.skip("the shared corpus is not beside this checkout")
    statement = tmp_path / "statement.md"
    assert cli("import", source, "-o", statement).code == 0
    assert cli("render", statement, "-f", "a5-fold", "-o", tmp_path / "b.pdf").code == 0
    result = cli("check", tmp_path / "b.pdf", "--source", statement)
    assert result.code == 0, result.out


def with_xmp(pdf: bytes, packet: bytes) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    stream = DecodedStreamObject()
    stream.set_data(packet)
    stream[NameObject("/Type")] = NameObject("/Metadata")
    stream[NameObject("/Subtype")] = NameObject("/XML")
    writer.root_object[NameObject("/Metadata")] = writer._add_object(stream)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


XMP_PACKET = (
    '<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:pdf="http://ns.adobe.com/pdf/1.3/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/">'
    '<rdf:Description rdf:about="" pdf:Producer="{producer}">'
    "<xmp:CreateDate>2025-03-14</xmp:CreateDate>"
    '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Flyer</rdf:li></rdf:Alt></dc:title>'
    '</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="r"?>'
)


def test_info_and_xmp_that_disagree() -> None:
    info = {"/Producer": "Tool 2", "/CreationDate": "D:20250314", "/Title": "Flyer"}
    agreeing = with_xmp(crafted(b"", info=info), XMP_PACKET.format(producer="Tool 2").encode())
    assert problems_of(agreeing) == []
    disagreeing = with_xmp(crafted(b"", info=info), XMP_PACKET.format(producer="Tool 1").encode())
    assert problems_of(disagreeing) == [
        "Info and XMP metadata disagree: Producer (Info 'Tool 2', XMP 'Tool 1') "
        "(readers show one or the other; export the file again)"
    ]
    broken = with_xmp(crafted(b"", info=info), b"<x:xmpmeta><unclosed></x:xmpmeta>")
    (problem,) = problems_of(broken)
    assert problem.startswith("Info and XMP metadata disagree: XMP packet cannot be read (")


@pytest.mark.parametrize(
    ("colour", "problem"),
    [
        (b"0 0 0 1 k", None),
        (b"0 g", None),
        (b"/DeviceCMYK cs 0 0 0 1 scn", None),
        (b"0 0 0 0.9 k", "body text is a tint of black (C0 M0 Y0 K90): small type is screened"),
        (b"0.1 g", "body text is a tint of black (C0 M0 Y0 K90)"),
        (b"0.6 0.5 0.5 1 k", "body text is a four-colour black (C60 M50 Y50 K100)"),
    ],
)
def test_body_text_colour(colour: bytes, problem: str | None) -> None:
    text = b"BT 10 10 Td (word) Tj ET\n" * 30
    headings = b"q 0 0.9 0.8 0 k " + b"BT 10 10 Td (head) Tj ET " * 5 + b"Q\n"
    found = problems_of(crafted(colour + b"\n" + text + headings))
    if problem is None:
        assert found == []
    else:
        (line,) = found
        assert line.startswith(problem), line


# Artwork at an unbled trim, booklets by geometry, counts and rule ids --------------------------


def test_artwork_running_to_a_trim_without_bleed_is_a_problem(cli: Cli, tmp_path: Path) -> None:
    # A background across the top of the page, to its very edge; MediaBox = TrimBox.
    banner = crafted(b"0 0 0 1 k 0 495 420 100 re f")
    report = check_pdf(banner)
    assert report.problem_rules == ("trim-no-bleed",)
    assert report.problems[0].startswith(
        "page 1: artwork runs to the trim on the top, left and right edges but the file has "
        "no bleed (MediaBox = TrimBox)"
    )
    result = cli("check", write(tmp_path, banner))
    assert result.code == 1 and result.out.splitlines()[-1] == "1 problem"
    # Kept 5 mm inside the trim: nothing to cut into.
    assert problems_of(crafted(b"0 0 0 1 k 14 481 392 100 re f")) == []
    # The same banner with a bleed past the trim is what shops want.
    bled = crafted(
        b"0 0 0 1 k -9 495 438 109 re f",
        boxes={"/MediaBox": [-9, -9, 429, 604], "/BleedBox": [-9, -9, 429, 604]},
    )
    assert problems_of(bled) == []


def test_problems_are_counted_in_words_and_carry_rule_ids(cli: Cli, tmp_path: Path) -> None:
    pdf = crafted(b"q 0.3 0 0 0.3 0 0 cm 0.5 w 0 0 m 100 100 l S Q", pages=2)
    result = cli("check", write(tmp_path, pdf))
    assert result.out.splitlines()[-1] == "2 problems"
    report = json.loads(cli("check", write(tmp_path, pdf), "--json").out)
    assert [finding["rule"] for finding in report["findings"]] == ["hairline", "hairline"]
    assert {finding["severity"] for finding in report["findings"]} == {"problem"}
    assert [finding["message"] for finding in report["findings"]] == report["problems"]


def test_json_findings_name_each_rule() -> None:
    seven = crafted(b"", pages=7, info={"/Keywords": "format:a5-fold"})
    assert check_pdf(seven).findings() == [
        {
            "rule": "booklet-pages",
            "severity": "problem",
            "message": "booklet has 7 pages: a saddle-stitched booklet needs a multiple of 4 "
            "(add 1 blank or re-render it)",
        }
    ]


def sheets_without_keywords(layout: str, drop_last: bool = False) -> bytes:
    """Leaflet's imposed sheets of eight A5 pages with the /Keywords naming the layout removed
    (as another imposition program would write them), the last sheet side dropped if asked."""
    from pypdf import PdfReader

    from leaflet.imposition import ImposeOptions, impose

    flat = render_statement(load_statement(EXAMPLE), RenderOptions(format="a5", pages=4)).pdf
    doubled = PdfWriter()
    for _ in range(2):
        doubled.append(PdfReader(io.BytesIO(flat)))
    buffer = io.BytesIO()
    doubled.write(buffer)
    imposed = impose(buffer.getvalue(), ImposeOptions(layout=layout)).data
    reader = PdfReader(io.BytesIO(imposed))
    writer = PdfWriter()
    pages = list(reader.pages)
    for page in pages[:-1] if drop_last else pages:
        writer.add_page(page)
    writer.add_metadata({"/Producer": "another imposition program"})
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def test_booklet_sheets_are_told_by_their_geometry_not_keywords() -> None:
    from leaflet.check import saddle_sheets
    from leaflet.pdfscan import scan_pdf

    whole = sheets_without_keywords("saddle")
    assert "layout:" not in str(scan_pdf(whole, "sheets").keywords)
    assert saddle_sheets(scan_pdf(whole, "sheets"))
    assert check_pdf(whole).problem_rules == ()
    short = sheets_without_keywords("saddle", drop_last=True)
    report = check_pdf(short)
    assert report.problem_rules == ("booklet-pages",)
    assert report.problems[0].startswith("booklet has 6 pages (3 sheet sides of two pages)")
    # Step and repeat places one page twice: cut-and-stack flyers, not a booklet.
    two_up = sheets_without_keywords("2up", drop_last=True)
    assert not saddle_sheets(scan_pdf(two_up, "sheets"))
    assert "booklet-pages" not in check_pdf(two_up).problem_rules


@pytest.mark.parametrize("template", ["classic", "bold", "copier", "letter", "modern", "zine"])
def test_no_template_runs_its_artwork_to_an_unbled_trim(template: str) -> None:
    """Without --bleed, every template keeps its bands and backgrounds inside the page."""
    options = RenderOptions(format="a5", template=template)
    pdf = render_statement(load_statement(EXAMPLE), options).pdf
    assert "trim-no-bleed" not in check_pdf(pdf).problem_rules


def test_pages_with_huge_images_are_not_rendered_for_the_edge_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """pdfium decodes an image whole to render it: a page whose images hold more pixels than
    the bound is left out of the edge check (here the bound is lowered under a small black
    image covering the page, which the check otherwise finds at the trim)."""
    import leaflet.check

    image = b"BI /W 20 /H 20 /CS /G /BPC 8 /F /AHx ID " + b"00" * 400 + b"> EI"
    pdf = crafted(b"q 420 0 0 595 0 0 cm " + image + b" Q")
    assert "trim-no-bleed" in check_pdf(pdf).problem_rules
    monkeypatch.setattr(leaflet.check, "EDGE_IMAGE_PIXELS", 399)
    assert "trim-no-bleed" not in check_pdf(pdf).problem_rules


def test_flat_pages_of_a_folded_piece_must_be_as_many_as_its_layout_takes() -> None:
    """A tri-fold's pages delivered for the shop to impose are exactly six: a file that lost
    one is named by the layout's own rule."""
    from pypdf import PdfReader

    statement = load_statement(EXAMPLES / "es-vivienda.md")
    result = render_statement(statement, RenderOptions(format="dl-trifold", deliver="pages"))
    assert len(PdfReader(io.BytesIO(result.pdf)).pages) == 6
    assert not [f for f in check_pdf(result.pdf).findings() if f["rule"] == "layout-pages"]
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(result.pdf)))
    writer.remove_page(5)
    buffer = io.BytesIO()
    writer.write(buffer)
    findings = [f for f in check_pdf(buffer.getvalue()).findings() if f["rule"] == "layout-pages"]
    assert len(findings) == 1 and "dl-trifold takes exactly 6 pages" in findings[0]["message"]


def test_flyers_cut_and_stacked_are_not_taken_for_a_booklet() -> None:
    """Two different A5 flyers side by side look like a booklet's sheet side; the layout
    named in the file says what they are."""
    from pypdf import PdfReader

    from leaflet.check import saddle_sheets
    from leaflet.imposition import ImposeOptions, impose
    from leaflet.pdfscan import scan_pdf

    flat = render_statement(load_statement(EXAMPLE), RenderOptions(format="a5")).pdf
    assert len(PdfReader(io.BytesIO(flat)).pages) == 4  # two flyers, front and back
    for layout, booklet in (("cut-stack", False), ("saddle", True)):
        imposed = impose(flat, ImposeOptions(layout=layout)).data
        facts = scan_pdf(imposed, "imposed.pdf")
        # Both place two different pages side by side on a sheet side …
        assert any(len({key for key, _ in page.placed_forms}) == 2 for page in facts.pages)
        # … and only the booklet is one.
        assert saddle_sheets(facts) is booklet, layout
