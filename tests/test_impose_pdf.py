"""Imposed PDFs read back: sheet sizes and boxes, page order, rotation, XObjects, bad inputs."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, ContentStream, DictionaryObject, NameObject, RectangleObject
from weasyprint import HTML

from leaflet.errors import ImposeError, UsageError
from leaflet.imposition import ImposedPDF, ImposeOptions, impose
from leaflet.papers import paper_size
from leaflet.pdf import page_sizes
from leaflet.units import parse_length

A4_LANDSCAPE = paper_size("a4", landscape=True)
A5 = paper_size("a5")
BLEED = parse_length("3mm")


def numbered_pdf(count: int, size: str = "A5", bleed: str = "3mm") -> bytes:
    """A PDF of *count* pages, each showing its 1-based number in big type, with a background."""
    pages = "".join(f"<p>{number}</p>" for number in range(1, count + 1))
    css = (
        f"@page {{ size: {size}; margin: 20mm; bleed: {bleed}; background: #ddd }}"
        "p { font: 100pt sans-serif; margin: 0; break-after: page }"
        "p:last-child { break-after: auto }"
    )
    return bytes(HTML(string=f"<style>{css}</style>{pages}").write_pdf())


@pytest.fixture(scope="module")
def eight() -> bytes:
    return numbered_pdf(8)


@pytest.fixture(scope="module")
def six() -> bytes:
    return numbered_pdf(6)


def blank_pdf(*sizes: tuple[float, float]) -> bytes:
    writer = PdfWriter()
    for width, height in sizes:
        writer.add_blank_page(width, height)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def reader(result: ImposedPDF) -> PdfReader:
    return PdfReader(io.BytesIO(result.data))


def texts_in_columns(data: bytes, columns: int, rows: int = 1) -> Iterator[list[str]]:
    """For each sheet side, the text in each cell of a columns × rows grid of its TrimBox."""
    document = pdfium.PdfDocument(data)
    for index, page in enumerate(PdfReader(io.BytesIO(data)).pages):
        trim = page.trimbox
        width = float(trim.width) / columns
        height = float(trim.height) / rows
        text_page = document[index].get_textpage()
        yield [
            text_page.get_text_bounded(
                left=float(trim.left) + column * width,
                bottom=float(trim.top) - (row + 1) * height,
                right=float(trim.left) + (column + 1) * width,
                top=float(trim.top) - row * height,
            ).strip()
            for row in range(rows)
            for column in range(columns)
        ]
    document.close()


def box(page_box: RectangleObject) -> tuple[float, ...]:
    return tuple(round(float(value), 2) for value in page_box)


def contains(outer: tuple[float, ...], inner: tuple[float, ...]) -> bool:
    """Whether box *outer* (x0, y0, x1, y1) contains box *inner*."""
    low = all(o <= i for o, i in zip(outer[:2], inner[:2], strict=True))
    high = all(o >= i for o, i in zip(outer[2:], inner[2:], strict=True))
    return low and high


def placements(page_data: PdfReader, index: int) -> list[tuple[float, ...]]:
    """The ``cm`` matrices of one sheet side's content stream, in order."""
    page = page_data.pages[index]
    content = ContentStream(page.get_contents(), page_data)
    return [
        tuple(float(value) for value in operands)
        for operands, operator in content.operations
        if operator == b"cm"
    ]


def test_eight_a5_pages_go_on_two_a4_sheets_in_saddle_order(eight: bytes) -> None:
    result = impose(eight)
    assert (result.sheet_count, result.sheet) == (2, "a4")
    assert list(texts_in_columns(result.data, 2)) == [
        ["8", "1"],
        ["2", "7"],
        ["6", "3"],
        ["4", "5"],
    ]
    assert result.instruction == (
        "8 pages on 2 A4 sheets: print double-sided, flip on short edge, fold, staple; the "
        "sheets are 302×216 mm, larger than A4, to carry the 3 mm bleed: print on larger "
        "stock (SRA) and trim"
    )
    unbled = impose(numbered_pdf(8, bleed="0"))
    assert unbled.instruction.endswith("fold, staple")


def test_padding_goes_before_kept_last_pages(six: bytes) -> None:
    kept = impose(six, ImposeOptions(keep_last=1))
    assert list(texts_in_columns(kept.data, 2)) == [["6", "1"], ["2", ""], ["", "3"], ["4", "5"]]
    padded = impose(six)
    assert list(texts_in_columns(padded.data, 2)) == [["", "1"], ["2", ""], ["6", "3"], ["4", "5"]]


def test_sheets_grow_past_a4_to_keep_the_bleed_on_every_edge(eight: bytes) -> None:
    for page in reader(impose(eight)).pages:
        media, bleed, trim = box(page.mediabox), box(page.bleedbox), box(page.trimbox)
        assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx((2 * A5[0], A5[1]), abs=0.02)
        assert bleed == pytest.approx(
            (trim[0] - BLEED, trim[1] - BLEED, trim[2] + BLEED, trim[3] + BLEED), abs=0.01
        )
        assert media[2:] == pytest.approx((2 * A5[0] + 2 * BLEED, A5[1] + 2 * BLEED), abs=0.01)
        assert contains(media, bleed) and contains(bleed, trim)


def test_sheets_without_bleed_stay_a4_landscape() -> None:
    for page in reader(impose(numbered_pdf(8, bleed="0"))).pages:
        media, trim = box(page.mediabox), box(page.trimbox)
        assert media == (0, 0, round(A4_LANDSCAPE[0], 2), round(A4_LANDSCAPE[1], 2))
        assert box(page.bleedbox) == trim


def test_a_sheet_large_enough_for_the_bleed_is_kept(eight: bytes) -> None:
    page = reader(impose(eight, ImposeOptions(sheet="a3"))).pages[0]
    assert box(page.mediabox)[2:] == pytest.approx(paper_size("a3", landscape=True), abs=0.01)
    assert "larger than" not in impose(eight, ImposeOptions(sheet="a3")).instruction


def test_marks_grow_the_sheet_and_stay_outside_the_bleed(eight: bytes) -> None:
    result = impose(eight, ImposeOptions(marks=True))
    page = reader(result).pages[0]
    media, bleed, trim = box(page.mediabox), box(page.bleedbox), box(page.trimbox)
    assert contains(media, bleed) and contains(bleed, trim) and media != bleed
    assert bleed == pytest.approx(
        (trim[0] - BLEED, trim[1] - BLEED, trim[2] + BLEED, trim[3] + BLEED), abs=0.01
    )
    outside = dark_pixels_outside(result.data, bleed)
    assert outside > 0
    assert dark_pixels_outside(impose(eight).data, bleed) == 0


def dark_pixels_outside(data: bytes, bleed: tuple[float, ...]) -> int:
    """Dark pixels of the first sheet beyond its BleedBox (where only marks may be)."""
    document = pdfium.PdfDocument(data)
    image = document[0].render(scale=1).to_pil().convert("L")
    document.close()
    width, height = image.size
    count = 0
    for y in range(height):
        for x in range(width):
            inside = (
                bleed[0] - 1 <= x <= bleed[2] + 1 and bleed[1] - 1 <= height - y <= bleed[3] + 1
            )
            if not inside and image.getpixel((x, y)) < 128:  # type: ignore[operator]
                count += 1
    return count


def test_the_bleed_of_each_page_is_kept_on_the_outside_edges(eight: bytes) -> None:
    result = impose(eight, ImposeOptions(marks=True))
    page = reader(result).pages[0]
    trim = box(page.trimbox)
    document = pdfium.PdfDocument(result.data)
    image = document[0].render(scale=1).to_pil().convert("L")
    document.close()
    height = image.size[1]
    just_outside_trim = (int(trim[0] - BLEED / 2), int(height - (trim[1] + trim[3]) / 2))
    assert image.getpixel(just_outside_trim) < 250  # page background, not white paper


def test_bleed_stops_at_the_spine() -> None:
    """Page 1 (red, bleeding 3 mm) must not paint over the back cover beside it."""
    css = "@page { size: A5; bleed: 3mm; background: #ccc } @page :first { background: red }"
    pages = "<p>1</p>" + "<p style='break-before: page'>x</p>" * 3
    flat = bytes(HTML(string=f"<style>{css}</style>{pages}").write_pdf())
    result = impose(flat)
    trim = box(reader(result).pages[0].trimbox)
    spine = (trim[0] + trim[2]) / 2
    document = pdfium.PdfDocument(result.data)
    image = document[0].render(scale=1).to_pil().convert("RGB")
    document.close()
    middle = int(image.size[1] / 2)
    assert image.getpixel((int(spine - BLEED / 2), middle)) == (204, 204, 204)  # back cover
    assert image.getpixel((int(spine + BLEED / 2), middle)) == (255, 0, 0)  # page 1


def test_each_source_page_is_one_form_xobject_placed_by_reference(eight: bytes) -> None:
    result = impose(eight)
    imposed = reader(result)
    forms = {}
    for page in imposed.pages:
        for name, reference in page["/Resources"]["/XObject"].items():
            form = reference.get_object()
            assert form["/Subtype"] == "/Form"
            forms[reference.idnum] = form
            assert f"{name} Do".encode() in page.get_contents().get_data()
    assert len(forms) == 8
    source = PdfReader(io.BytesIO(eight)).pages[0]
    bboxes = {box(form["/BBox"]) for form in forms.values()}
    assert bboxes == {box(source.bleedbox)}


@pytest.mark.parametrize("layout", ["saddle", "2up"])
def test_fonts_are_stored_once_and_sheets_only_place_pages(eight: bytes, layout: str) -> None:
    imposed = reader(impose(eight, ImposeOptions(layout=layout)))
    assert font_programs(imposed) == font_programs(PdfReader(io.BytesIO(eight))) >= 1
    for page in imposed.pages:
        content = page.get_contents().get_data()
        assert len(content) < 100 * content.count(b" Do")


def font_programs(document: PdfReader) -> int:
    """Number of embedded font files (each stored object counted once)."""
    seen = set()
    for page in document.pages:
        for font in iter_fonts(page["/Resources"]):
            descriptor = (
                font.get("/FontDescriptor")
                or font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            )
            descriptor = descriptor.get_object()
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if key in descriptor:
                    seen.add(descriptor.raw_get(key).idnum)
    return len(seen)


def iter_fonts(resources: DictionaryObject) -> Iterator[DictionaryObject]:
    """Fonts of a resource dictionary and of the Form XObjects it uses."""
    resources = resources.get_object()
    yield from (font.get_object() for font in resources.get("/Font", {}).values())
    for xobject in resources.get("/XObject", {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form" and "/Resources" in xobject:
            yield from iter_fonts(xobject["/Resources"])


def test_flip_long_turns_back_sides_half_a_turn(eight: bytes) -> None:
    short = reader(impose(eight))
    long = reader(impose(eight, ImposeOptions(flip="long")))
    for index in range(4):
        is_back = index % 2 == 1
        turned = [matrix[:4] == (-1, 0, 0, -1) for matrix in placements(long, index)]
        assert turned == [is_back, is_back]
        assert all(matrix[:4] == (1, 0, 0, 1) for matrix in placements(short, index))
    sides = list(texts_in_columns(impose(eight, ImposeOptions(flip="long")).data, 2))
    assert sides[1] == ["7", "2"]  # the back, turned, has its pages swapped


def test_creep_moves_pages_of_the_inner_sheet_towards_the_spine(eight: bytes) -> None:
    creep = parse_length("1mm")
    flat = reader(impose(eight))
    crept = reader(impose(eight, ImposeOptions(creep=creep)))
    for index, depth in ((0, 0), (1, 0), (2, 1), (3, 1)):
        left, right = (m[4] for m in placements(flat, index))
        crept_left, crept_right = (m[4] for m in placements(crept, index))
        assert crept_left - left == pytest.approx(depth * creep, abs=0.002)
        assert right - crept_right == pytest.approx(depth * creep, abs=0.002)


def test_two_up_repeats_each_page_on_a_landscape_sheet(eight: bytes) -> None:
    result = impose(eight, ImposeOptions(layout="2up"))
    assert result.sheet_count == 4
    sizes = {box(page.mediabox)[2:] for page in reader(result).pages}
    # Two A5 pages 6 mm apart (a gutter of twice the bleed) and 3 mm bleed all round.
    width, height = 2 * A5[0] + 4 * BLEED, A5[1] + 2 * BLEED
    assert sizes == {(round(width, 2), round(height, 2))}
    unbled = impose(numbered_pdf(2, bleed="0"), ImposeOptions(layout="2up"))
    sizes = {box(page.mediabox)[2:] for page in reader(unbled).pages}
    assert sizes == {(round(A4_LANDSCAPE[0], 2), round(A4_LANDSCAPE[1], 2))}
    assert list(texts_in_columns(result.data, 2)) == [[str(n), str(n)] for n in range(1, 9)]


def test_four_up_repeats_each_a6_page_four_times_on_portrait_a4() -> None:
    result = impose(numbered_pdf(2, size="A6", bleed="0"), ImposeOptions(layout="4up"))
    media = box(reader(result).pages[0].mediabox)
    assert media[2:] == (round(paper_size("a4")[0], 2), round(paper_size("a4")[1], 2))
    assert list(texts_in_columns(result.data, 2, 2)) == [["1"] * 4, ["2"] * 4]
    assert "flip on long edge" in result.instruction


def test_proof_writes_reader_spreads(six: bytes) -> None:
    result = impose(six, ImposeOptions(proof=True, keep_last=1))
    spreads = [["", "1"], ["2", "3"], ["4", "5"], ["", ""], ["6", ""]]  # back cover on the left
    assert list(texts_in_columns(result.data, 2)) == spreads


@pytest.mark.parametrize(
    ("page", "sheet", "sheet_size"),
    [("letter", "tabloid", (17 * 72, 11 * 72)), ("a4", "a3", paper_size("a3", landscape=True))],
)
def test_sheet_is_picked_from_the_page_size(
    page: str, sheet: str, sheet_size: tuple[float, float]
) -> None:
    result = impose(blank_pdf(*[paper_size(page)] * 4))
    assert result.sheet == sheet
    media = box(reader(result).pages[0].mediabox)
    assert media[2:] == pytest.approx(sheet_size, abs=0.01)


def test_a_sheet_too_small_is_refused() -> None:
    with pytest.raises(UsageError, match="does not fit on a4"):
        impose(blank_pdf(paper_size("a4")), ImposeOptions(sheet="a4"))


def test_output_is_deterministic(eight: bytes) -> None:
    options = ImposeOptions(marks=True, creep=1.0)
    assert impose(eight, options).data == impose(eight, options).data


def test_output_is_a_valid_compact_pdf_keeping_the_documents_metadata() -> None:
    writer = PdfWriter()
    for _ in range(4):
        writer.add_blank_page(*A5)
    writer.add_metadata({"/Title": "Down with forced mobilization!", "/GTS_PDFXVersion": "PDF/X-4"})
    intents = ArrayObject([DictionaryObject({NameObject("/S"): NameObject("/GTS_PDFX")})])
    writer.root_object[NameObject("/OutputIntents")] = intents
    source = io.BytesIO()
    writer.write(source)
    result = impose(source.getvalue())
    imposed = PdfReader(io.BytesIO(result.data), strict=True)
    assert imposed.pdf_header == "%PDF-1.7"
    assert imposed.metadata is not None
    assert imposed.metadata["/Title"] == "Down with forced mobilization!"
    assert imposed.metadata["/GTS_PDFXVersion"] == "PDF/X-4"
    assert imposed.root_object["/OutputIntents"][0]["/S"] == "/GTS_PDFX"
    assert b"/ObjStm" in result.data  # page dictionaries are packed and compressed
    assert len(pdfium.PdfDocument(result.data)) == 2


def test_page_sizes_reads_the_trim_size(eight: bytes) -> None:
    assert page_sizes(eight) == [pytest.approx(A5, abs=0.01)] * 8


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(*A5)
    writer.encrypt("secret", algorithm="RC4-128")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Hello, this is not a PDF", "input: not a PDF file"),
        (b"%PDF-1.7\nthen nothing useful", "input: damaged PDF"),
        (blank_pdf(), "input: the PDF has no pages"),
        (
            blank_pdf(A5, paper_size("a4")),
            r"input: pages have different sizes \(148×210 mm, 210×297 mm\)",
        ),
        (encrypted_pdf(), "input: the PDF is encrypted"),
    ],
)
def test_bad_inputs_are_one_clear_impose_error(data: bytes, message: str) -> None:
    with pytest.raises(ImposeError, match=message) as caught:
        impose(data)
    assert "\n" not in str(caught.value)


def grey_at(data: bytes, page: int, x: float, y: float) -> bool:
    """Whether the sheet side *page* is painted (not white) at PDF point (x, y)."""
    document = pdfium.PdfDocument(data)
    image = document[page].render(scale=2).to_pil().convert("L")
    height = document[page].get_height()
    document.close()
    return image.getpixel((int(x * 2), int((height - y) * 2))) < 250  # type: ignore[operator]


def test_two_up_cells_are_a_gutter_apart_and_each_side_of_the_cut_keeps_its_bleed() -> None:
    result = impose(numbered_pdf(2), ImposeOptions(layout="2up"))
    page = reader(result).pages[0]
    trim = box(page.trimbox)
    middle = (trim[0] + trim[2]) / 2
    # The gutter is twice the bleed: each page's bleed fills its half of it (grey background).
    assert trim[2] - trim[0] == pytest.approx(2 * A5[0] + 2 * BLEED, abs=0.01)
    y = (trim[1] + trim[3]) / 2
    for x in (middle - BLEED / 2, middle + BLEED / 2, trim[0] - BLEED / 2, trim[2] + BLEED / 2):
        assert grey_at(result.data, 0, x, y), x
    # Cut marks are doubled at the gutter: both sides of it are cut lines.
    marked = impose(numbered_pdf(2), ImposeOptions(layout="2up", marks=True))
    assert marked.instruction.endswith("cut at every mark, both sides of each gutter")
    data = reader(marked).pages[0].get_contents().get_data()  # type: ignore[union-attr]
    page = reader(marked).pages[0]
    left = box(page.trimbox)[0]
    for cut in (A5[0], A5[0] + 2 * BLEED):
        assert f"{round(left + cut, 3):g} ".encode() in data


def test_four_up_has_gutters_both_ways() -> None:
    result = impose(numbered_pdf(2, size="A6"), ImposeOptions(layout="4up"))
    trim = box(reader(result).pages[0].trimbox)
    a6 = paper_size("a6")
    assert (trim[2] - trim[0], trim[3] - trim[1]) == pytest.approx(
        (2 * a6[0] + 2 * BLEED, 2 * a6[1] + 2 * BLEED), abs=0.01
    )


@pytest.mark.parametrize(
    ("creep", "said"),
    [
        ("0.5mm", "creep: innermost pages 1.5 mm towards the spine, leaving 1.5 of the 3 mm"),
        ("1mm", "creep: innermost pages 3 mm towards the spine, all of the 3 mm bleed"),
    ],
)
def test_creep_eating_into_the_outer_bleed_is_on_the_instruction_line(
    creep: str, said: str
) -> None:
    result = impose(numbered_pdf(16), ImposeOptions(creep=parse_length(creep)))
    assert said in result.instruction
    assert result.innermost_creep == pytest.approx(3 * parse_length(creep))
    assert "creep" not in impose(numbered_pdf(16)).instruction


def test_pages_delivered_in_reading_order_padded_before_the_back_page(six: bytes) -> None:
    from leaflet.check import check_pdf
    from leaflet.imposition import deliver_pages

    result = deliver_pages(six, keep_last=1)
    pages = reader(result).pages
    assert len(pages) == 8 and result.padded_count == 8 and result.sheet_count == 2
    assert [texts[0] for texts in texts_in_columns(result.data, 1)] == [
        "1", "2", "3", "4", "5", "", "", "6",
    ]  # fmt: skip
    source = PdfReader(io.BytesIO(six)).pages[0]
    for page in pages:  # blanks too: every page keeps the size, boxes and bleed
        assert box(page.trimbox) == box(source.trimbox)
        assert box(page.bleedbox) == box(source.bleedbox)
        assert box(page.mediabox) == box(source.mediabox)
    assert result.instruction == (
        "8 pages (2 blank) in reading order, as single pages with their bleed: to impose as a "
        "saddle-stitched booklet of 2 sheets"
    )
    assert "layout:pages" in str(reader(result).metadata["/Keywords"])  # type: ignore[index]
    assert check_pdf(result.data).problems == ()
