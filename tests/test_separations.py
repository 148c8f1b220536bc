"""Spot-ink output read back: the spot PDF's Separation colour spaces (pypdf), an independent
split of it into plates by Ghostscript's ``tiffsep`` device, the ``--separations`` plates
(pypdfium2), the composite preview against the plates recombined here, black text
overprinting, and the preflight accepting the file.

One statement made for it, in the ``modern`` template with black and fluorescent pink: a
section heading in the accent (pink), body text and the title in black, the closing slogans
black on a light pink panel (25 %: black overprints it), and a picture (black ink's grey)."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdf
import pypdfium2 as pdfium
import pytest
from PIL import Image
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    RectangleObject,
)

from leaflet import RenderOptions, load_statement, render_statement
from leaflet.inks import INKS
from leaflet.jobticket import job_ticket
from leaflet.separations import composite_pngs, ink_coverage
from leaflet.separations import plates as separation_plates

from conftest import pdf_reader, run_cli

PINK = INKS["fluorescent-pink"]
BLACK = INKS["black"]

STATEMENT = """---
title: "Spotink title"
date: 2025-05-01
slogans:
  - "Overprinted slogan!"
website: example.org/inks
---

A short lead paragraph for the test.

## Pinkheading here

Blackbody words in the body text, a paragraph long enough to run over two or three lines of
the column so that a region of plain black text exists on the page.

![A picture](picture.png)

Closing words of the body.
"""

#: Resolution of the rasters compared (dots per inch).
DPI = 72


@dataclass
class Rendered:
    folder: Path
    spot: Path
    plates: dict[str, Path]
    previews: list[Path]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    folder = tmp_path_factory.mktemp("spot")
    (folder / "statement.md").write_text(STATEMENT)
    # A picture: dark grey on the left half, white on the right.
    picture = Image.new("RGB", (120, 60), "white")
    picture.paste((40, 40, 40), (0, 0, 60, 60))
    picture.save(folder / "picture.png")
    statement = load_statement(folder / "statement.md")
    options = RenderOptions(
        format="a5", template="modern", inks=("black", "fluorescent-pink"), marks=True
    )
    spot = render_statement(statement, options).pdf
    (folder / "spot.pdf").write_bytes(spot)
    made = separation_plates(spot)
    plates = {}
    for ink, pdf in zip(made.inks, made.pdfs, strict=True):
        plates[ink.name] = folder / f"spot.{ink.name}.pdf"
        plates[ink.name].write_bytes(pdf)
    previews = []
    for number, png in enumerate(composite_pngs(spot), start=1):
        previews.append(folder / f"spot-{number}.png")
        previews[-1].write_bytes(png)
    return Rendered(folder, folder / "spot.pdf", plates, previews)


def _colour_spaces(reader: pypdf.PdfReader) -> Iterator[Any]:
    """Every colour space in the resources of the pages and their forms."""
    seen: set[int] = set()

    def walk(resources: Any) -> Iterator[Any]:
        resources = resources.get_object() if resources is not None else None
        if not isinstance(resources, DictionaryObject):
            return
        spaces = resources.get("/ColorSpace")
        for space in spaces.get_object().values() if spaces is not None else []:
            yield space.get_object()
        xobjects = resources.get("/XObject")
        for reference in xobjects.get_object().values() if xobjects is not None else []:
            if reference.idnum in seen:
                continue
            seen.add(reference.idnum)
            xobject = reference.get_object()
            if xobject.get("/Subtype") == "/Image" and "/ColorSpace" in xobject:
                yield xobject["/ColorSpace"].get_object()
            yield from walk(xobject.get("/Resources"))

    for page in reader.pages:
        yield from walk(page.get("/Resources"))


def _streams(reader: pypdf.PdfReader) -> Iterator[tuple[Any, DictionaryObject]]:
    """Every content stream (pages, forms) with its resources."""
    seen: set[int] = set()

    def forms(resources: Any) -> Iterator[tuple[Any, DictionaryObject]]:
        xobjects = resources.get("/XObject") if resources is not None else None
        for reference in xobjects.get_object().values() if xobjects is not None else []:
            xobject = reference.get_object()
            if reference.idnum in seen or xobject.get("/Subtype") != "/Form":
                continue
            seen.add(reference.idnum)
            own = xobject["/Resources"].get_object()
            yield ContentStream(xobject, reader), own
            yield from forms(own)

    for page in reader.pages:
        resources = page["/Resources"].get_object()
        yield page.get_contents(), resources
        yield from forms(resources)


def test_the_spot_pdf_paints_in_separations_named_after_the_inks(rendered: Rendered) -> None:
    reader = pdf_reader(rendered.spot)
    separations = {}
    for space in _colour_spaces(reader):
        if isinstance(space, ArrayObject) and space[0] == "/Separation":
            separations[str(space[1])] = space
    assert set(separations) == {"/Black", "/Fluorescent-Pink", "/All"}
    for name, ink in (("/Black", BLACK), ("/Fluorescent-Pink", PINK)):
        space = separations[name]
        assert space[2] == "/DeviceCMYK"
        function = space[3].get_object()
        assert [float(v) for v in function["/C0"]] == [0, 0, 0, 0]
        assert [float(v) for v in function["/C1"]] == pytest.approx(ink.cmyk)
    # No colour is left in a device space: every painting colour is an ink.
    for contents, _ in _streams(reader):
        operators = {operator for _, operator in contents.operations}
        assert not operators & {b"rg", b"RG", b"k", b"K", b"g", b"G"}, operators
    # The picture is one ink's greys.
    images = [s for s in _colour_spaces(reader) if isinstance(s, ArrayObject)]
    assert any(s[0] == "/Separation" and s[1] == "/Black" for s in images)


def test_black_text_overprints_and_the_accent_knocks_out(rendered: Rendered) -> None:
    reader = pdf_reader(rendered.spot)
    shown: set[tuple[str, bool]] = set()
    for contents, resources in _streams(reader):
        states = resources.get("/ExtGState")
        states = states.get_object() if states is not None else {}
        space, overprint, stack = "", False, []
        for operands, operator in contents.operations:
            if operator == b"q":
                stack.append((space, overprint))
            elif operator == b"Q":
                space, overprint = stack.pop()
            elif operator == b"cs":
                space = str(operands[0])
            elif operator == b"gs":
                state = states[operands[0]].get_object()
                if "/op" in state:
                    overprint = state["/op"] == True  # noqa: E712 (a BooleanObject)
                    assert state["/OPM"] == 1
            elif operator in (b"Tj", b"TJ"):
                spaces = resources["/ColorSpace"].get_object()
                shown.add((str(spaces[space].get_object()[1]), overprint))
    assert ("/Black", True) in shown  # black text overprints
    assert ("/Fluorescent-Pink", False) in shown  # the accent heading knocks out
    assert ("/Fluorescent-Pink", True) not in shown


def _box(pdf: Path, text: str) -> tuple[float, float, float, float]:
    """The box (left, bottom, right, top, in points) of *text* on the first page."""
    document = pdfium.PdfDocument(pdf)
    page = document[0]
    textpage = page.get_textpage()
    found = textpage.search(text).get_next()
    assert found, text
    start, count = found
    boxes = [textpage.get_charbox(i) for i in range(start, start + count)]
    box = (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
    document.close()
    return box


def _picture_box(pdf: Path) -> tuple[float, float, float, float]:
    document = pdfium.PdfDocument(pdf)
    images = list(document[0].get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE], max_depth=3))
    assert images
    box = images[0].get_bounds()
    document.close()
    return box


def _media(pdf: Path) -> tuple[float, float]:
    """The first page's media box's left and top (points)."""
    box = pdf_reader(pdf).pages[0].mediabox
    return float(box.left), float(box.top)


def _region(raster: Image.Image, pdf: Path, box: tuple[float, float, float, float]) -> Image.Image:
    """The pixels of *raster* (the page at :data:`DPI`) inside *box*, shrunk by a pixel."""
    left, top = _media(pdf)
    scale = DPI / 72
    x0, y0 = round((box[0] - left) * scale) + 1, round((top - box[3]) * scale) + 1
    x1, y1 = round((box[2] - left) * scale) - 1, round((top - box[1]) * scale) - 1
    return raster.crop((x0, y0, max(x1, x0 + 1), max(y1, y0 + 1)))


def _darkest(region: Image.Image) -> int:
    return int(region.convert("L").getextrema()[0])


def _lightest(region: Image.Image) -> int:
    return int(region.convert("L").getextrema()[1])


@pytest.fixture(scope="module")
def tiffsep(rendered: Rendered) -> dict[str, Image.Image]:
    """Ghostscript's own split of the spot PDF, one greyscale plate per colorant (255: no
    ink), the process inks included."""
    gs = shutil.which("gs")
    if gs is None:
        pytest.skip("Ghostscript (gs) is not installed (scripts/system-deps.sh installs it)")
    out = rendered.folder / "tiffsep"
    out.mkdir(exist_ok=True)
    subprocess.run(
        [gs, "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffsep", f"-r{DPI}",
         "-dFirstPage=1", "-dLastPage=1", f"-sOutputFile={out}/p%d.tif", rendered.spot],
        check=True, timeout=60,
    )  # fmt: skip
    plates = {}
    for path in out.glob("p1(*).tif"):
        with Image.open(path) as image:
            plates[path.name[3:-5]] = image.convert("L")
    return plates


def test_ghostscript_splits_the_spot_pdf_into_the_two_inks(
    rendered: Rendered, tiffsep: dict[str, Image.Image]
) -> None:
    assert {"Black", "Fluorescent-Pink"} <= set(tiffsep)
    for process in ("Cyan", "Magenta", "Yellow"):
        # Nothing in process colours: the whole page is in the two inks (marks are /All,
        # which tiffsep puts on the process plates too: crop to the trim).
        trim = pdf_reader(rendered.spot).pages[0].trimbox
        box = (float(trim.left), float(trim.bottom), float(trim.right), float(trim.top))
        assert _darkest(_region(tiffsep[process], rendered.spot, box)) == 255, process
    pink, black = tiffsep["Fluorescent-Pink"], tiffsep["Black"]
    heading = _box(rendered.spot, "Pinkheading")
    body = _box(rendered.spot, "Blackbody words in the body")
    slogan = _box(rendered.spot, "Overprinted slogan")
    picture = _picture_box(rendered.spot)
    # The accent heading: pink ink, nothing of black under it (knocked out).
    assert _darkest(_region(pink, rendered.spot, heading)) < 60
    assert _darkest(_region(black, rendered.spot, heading)) == 255
    # Body text: black, no pink.
    assert _darkest(_region(black, rendered.spot, body)) < 60
    assert _darkest(_region(pink, rendered.spot, body)) == 255
    # The slogan: black overprinting the panel's light pink, which stays under it.
    assert _darkest(_region(black, rendered.spot, slogan)) < 60
    under = _region(pink, rendered.spot, slogan)
    assert _darkest(under) > 150 and _lightest(under) < 225  # 25 % pink everywhere
    # The picture: black ink's grey on its dark half, no pink.
    assert _darkest(_region(black, rendered.spot, picture)) < 100
    assert _darkest(_region(pink, rendered.spot, picture)) == 255


def _plate_raster(pdf: Path) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    raster = document[0].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
    document.close()
    return raster


def test_each_plate_holds_only_its_own_roles(rendered: Rendered) -> None:
    black = _plate_raster(rendered.plates["black"])
    pink = _plate_raster(rendered.plates["fluorescent-pink"])
    spot = rendered.spot
    heading, body = _box(spot, "Pinkheading"), _box(spot, "Blackbody words in the body")
    slogan, picture = _box(spot, "Overprinted slogan"), _picture_box(spot)
    assert _darkest(_region(black, spot, body)) < 60
    assert _darkest(_region(black, spot, heading)) == 255
    assert _darkest(_region(black, spot, picture)) < 100
    assert _darkest(_region(pink, spot, heading)) < 60
    assert _darkest(_region(pink, spot, body)) == 255
    assert _darkest(_region(pink, spot, picture)) == 255
    # Overprinting black leaves the pink panel whole on the pink plate.
    under = _region(pink, spot, slogan)
    assert _darkest(under) > 150 and _lightest(under) < 225
    # Each plate's name is in the slug, below the bleed: the black plate's first, the pink's
    # beside it (so the composite shows both).
    page = pdf_reader(spot).pages[0]
    bleed, media = page.bleedbox, page.mediabox
    slug = (float(media.bottom) + 1, float(bleed.bottom) - 1)
    first = (float(bleed.left) + 12, slug[0], float(bleed.left) + 60, slug[1])
    second = (first[0] + 80, slug[0], first[2] + 80, slug[1])
    assert _darkest(_region(black, spot, first)) < 128
    assert _darkest(_region(black, spot, second)) == 255
    assert _darkest(_region(pink, spot, second)) < 128
    # Plates are greyscale: no colour operator but g/G, no colour space but /DeviceGray.
    for ink, path in rendered.plates.items():
        reader = pdf_reader(path)
        for contents, _ in _streams(reader):
            operators = {operator for _, operator in contents.operations}
            assert not operators & {b"rg", b"RG", b"k", b"K", b"sc", b"scn", b"cs", b"CS"}, ink
        assert all(space == "/DeviceGray" for space in _colour_spaces(reader) if space), ink
        for number in range(1, int(reader.trailer["/Size"])):
            obj = reader.get_object(number)
            assert not (isinstance(obj, ArrayObject) and obj and obj[0] == "/Separation"), ink
        assert reader.metadata["/LeafletPlate"] == ink


def test_plates_recombined_match_the_composite_preview(rendered: Rendered) -> None:
    """The preview (inks multiplied on paper) against the plates rendered here and combined
    pixel by pixel with the inks' preview colours."""
    assert len(rendered.previews) == 1
    preview = Image.open(rendered.previews[0]).convert("RGB")
    width = preview.width
    layers = []
    for ink, name in ((BLACK, "black"), (PINK, "fluorescent-pink")):
        document = pdfium.PdfDocument(rendered.plates[name])
        page = document[0]
        raster = page.render(scale=width / page.get_width(), grayscale=True).to_pil()
        layers.append((ink.rgb, raster.convert("L")))
        document.close()
    assert layers[0][1].size == preview.size
    differences = []
    coloured = 0
    for y in range(0, preview.height, 3):
        for x in range(0, width, 3):
            expected = [1.0, 1.0, 1.0]
            for colour, raster in layers:
                amount = 1 - raster.getpixel((x, y)) / 255
                for c in range(3):
                    expected[c] *= 1 - amount * (1 - colour[c] / 255)
            got = preview.getpixel((x, y))
            differences.append(
                max(abs(round(e * 255) - g) for e, g in zip(expected, got, strict=True))
            )
            coloured += got[0] > got[1] + 60  # pink, not grey
    differences.sort()
    assert sum(differences) / len(differences) < 2
    assert differences[int(len(differences) * 0.99)] < 24
    assert coloured > 100  # the preview does show pink


def test_the_preflight_accepts_the_spot_pdf(rendered: Rendered) -> None:
    result = run_cli("check", rendered.spot)
    assert result.code == 0, result.out + result.err


def test_spot_variant_without_inks_takes_the_templates_inks(tmp_path: Path) -> None:
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT.replace("![A picture](picture.png)\n", ""))
    options = RenderOptions(format="a5", template="zine", pdf_variant="spot")
    spot = render_statement(load_statement(source), options).pdf
    names = {
        str(space[1])
        for space in _colour_spaces(pdf_reader(spot))
        if isinstance(space, ArrayObject) and space[0] == "/Separation"
    }
    assert names == {"/Black", "/Orange"}


def test_a_spot_pdf_with_a_form_drawn_on_an_imposed_sheet(tmp_path: Path) -> None:
    """Booklet sheets draw the pages as Form XObjects: their colours are inks too, and the
    plates follow the sheets' order; a render is reproducible."""
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT.replace("![A picture](picture.png)\n", ""))
    options = RenderOptions(format="a5-fold", template="bold", inks=("black", "blue"))
    spot = render_statement(load_statement(source), options).pdf
    reader = pdf_reader(spot)
    for contents, _ in _streams(reader):
        operators = {operator for _, operator in contents.operations}
        assert not operators & {b"rg", b"RG", b"k", b"K"}
    made = separation_plates(spot)
    assert [ink.name for ink in made.inks] == ["black", "blue"]
    # Same statement, same options: the same bytes, spot PDF and plates alike.
    again = render_statement(load_statement(source), options).pdf
    assert again == spot
    assert separation_plates(again).pdfs == made.pdfs
    for pdf in made.pdfs:
        plate = pdf_reader(pdf)
        assert len(plate.pages) == len(reader.pages)
        assert [p.mediabox for p in plate.pages] == [p.mediabox for p in reader.pages]


def _spot_page(shapes: list[tuple[str, float, str]]) -> bytes:
    """A 200 × 100 pt spot PDF (its trim inside a 10 pt slug) painting *shapes*: (ink's
    PDF name, tint, rectangle operands ``x y w h`` in trim coordinates)."""
    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(220, 120)
    page[NameObject("/TrimBox")] = RectangleObject([10, 10, 210, 110])
    spaces = DictionaryObject()
    commands = ["1 0 0 1 10 10 cm"]
    for number, (name, tint, rectangle) in enumerate(shapes):
        ink = next(ink for ink in INKS.values() if ink.pdf_name == name)
        function = DictionaryObject(
            {
                NameObject("/FunctionType"): NumberObject(2),
                NameObject("/Domain"): ArrayObject([NumberObject(0), NumberObject(1)]),
                NameObject("/C0"): ArrayObject([FloatObject(0)] * 4),
                NameObject("/C1"): ArrayObject([FloatObject(v) for v in ink.cmyk]),
                NameObject("/N"): NumberObject(1),
            }
        )
        spaces[NameObject(f"/S{number}")] = ArrayObject(
            [NameObject("/Separation"), NameObject(f"/{name}"), NameObject("/DeviceCMYK"), function]
        )
        commands.append(f"/S{number} cs {tint} scn {rectangle} re f")
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/ColorSpace"): spaces})
    stream = DecodedStreamObject()
    stream.set_data("\n".join(commands).encode())
    page[NameObject("/Contents")] = writer._add_object(stream)
    writer.add_metadata({"/LeafletInks": "black fluorescent-pink"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_ink_coverage_of_a_page_with_known_areas() -> None:
    """Black solid on a quarter of the trim, pink at 50 % on a fifth (and solid past the
    trim, in the slug, where nothing is counted): 25 % and 10 %."""
    pdf = _spot_page(
        [
            ("Black", 1, "0 0 100 50"),
            ("Fluorescent-Pink", 0.5, "0 80 200 20"),
            ("Fluorescent-Pink", 1, "-10 -10 5 5"),  # in the slug, outside the trim
        ]
    )
    coverage = ink_coverage(pdf, scale=1.0)
    assert [ink.name for ink in coverage.inks] == ["black", "fluorescent-pink"]
    black, pink = (pages[0] for pages in coverage.pages)
    assert black == pytest.approx(0.25, abs=0.01)
    assert pink == pytest.approx(0.10, abs=0.01)
    assert coverage.masters == 2
    blank = ink_coverage(_spot_page([("Black", 1, "0 0 200 100")]), scale=1.0)
    assert blank.pages[0][0] == pytest.approx(1.0, abs=0.01)
    assert blank.pages[1] == (0.0,) and blank.masters == 1  # no master for an empty plate


def test_the_job_ticket_gives_coverage_masters_and_warns_of_heavy_solids(
    tmp_path: Path,
) -> None:
    """The bold template's cover is a solid accent band: over the limit on its page."""
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT.replace("![A picture](picture.png)\n", ""))
    statement = load_statement(source)
    options = RenderOptions(format="a5", template="bold", inks=("black", "red"))
    result = render_statement(statement, options)
    ticket = job_ticket(tmp_path / "bold.pdf", statement, options, result, coverage_limit=0.1)
    assert set(ticket.ink_coverage) == {"black", "red"}
    pages = len(pdf_reader(result.pdf).pages)
    assert all(len(shares) == pages for shares in ticket.ink_coverage.values())
    red = ticket.ink_coverage["red"][0]
    assert 10 < red < 60  # the band, not the whole page
    assert ticket.masters == 2 * pages
    assert ticket.coverage_warnings and "red covers" in ticket.coverage_warnings[0]
    text = ticket.to_text()
    assert "Ink coverage (per PDF page): black " in text
    assert f"Masters or plates: {2 * pages}" in text
    assert ticket.pdf_standard.startswith("PDF 1.7, spot inks")
    relaxed = job_ticket(tmp_path / "bold.pdf", statement, options, result, coverage_limit=0.9)
    assert relaxed.coverage_warnings == ()


def _picture_boxes(pdf: bytes) -> list[list[tuple[float, float, float, float]]]:
    """Per page, the boxes (left, bottom, right, top, in points) of the pictures it draws."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [
            [
                image.get_bounds()
                for image in page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE], max_depth=3)
            ]
            for page in document
        ]
    finally:
        document.close()


def _page_regions(
    pdf: bytes, boxes: list[list[tuple[float, float, float, float]]]
) -> list[list[Image.Image]]:
    """The pixels (greyscale, 72 dpi) of each page of *pdf* inside each of *boxes*."""
    document = pdfium.PdfDocument(pdf)
    try:
        regions = []
        for page, page_boxes in zip(document, boxes, strict=True):
            raster = page.render(scale=1, grayscale=True).to_pil().convert("L")
            top = page.get_mediabox()[3]
            regions.append(
                [
                    raster.crop(
                        (
                            round(b[0]) + 1,
                            round(top - b[3]) + 1,
                            round(b[2]) - 1,
                            round(top - b[1]) - 1,
                        )
                    )
                    for b in page_boxes
                ]
            )
        return regions
    finally:
        document.close()


def _image_objects(pdf: bytes) -> list[Any]:
    reader = pdf_reader(pdf)
    found = []
    for number in range(1, len(reader.xref_objStm) + int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(number)
        except Exception:  # a number pypdf does not know
            continue
        if isinstance(obj, DictionaryObject) and obj.get("/Subtype") == "/Image":
            found.append(obj)
    return found


def test_pictures_of_the_second_ink_stay_on_its_plate_on_every_page(tmp_path: Path) -> None:
    """WeasyPrint gives every page the same resources: a picture is converted once, on every
    page its ink's plate shows it, the other ink's is white there, and the spot PDF stores one
    image object for it."""
    template = tmp_path / "pinkpictures"
    template.mkdir()
    (template / "manifest.toml").write_text(
        'name = "pinkpictures"\nextends = "modern"\n\n[inks]\nimages = [2, 100]\n'
    )
    picture = Image.new("RGB", (120, 60), "white")
    picture.paste((40, 40, 40), (0, 0, 60, 60))
    picture.save(tmp_path / "picture.png")
    words = "Words of a long paragraph filling the column with plain running text. " * 40
    body = "\n\n".join(f"{words}\n\n![Picture {n}](picture.png)" for n in range(3))
    (tmp_path / "statement.md").write_text(
        f'---\ntitle: "Three pages"\ndate: 2025-05-01\n---\n\n{body}\n'
    )
    options = RenderOptions(format="a5", template=str(template), inks=("black", "fluorescent-pink"))
    spot = render_statement(load_statement(tmp_path / "statement.md"), options).pdf
    assert len(pdf_reader(spot).pages) >= 3
    boxes = _picture_boxes(spot)
    assert sum(1 for page in boxes if page) >= 3  # the picture on three pages
    made = separation_plates(spot)
    black, pink = (_page_regions(pdf, boxes) for pdf in made.pdfs)
    for number, regions in enumerate(pink):
        for region in regions:
            left = region.crop((0, 0, region.width // 2 - 1, region.height))
            right = region.crop((region.width // 2 + 1, 0, region.width, region.height))
            assert _lightest(left) < 100, f"page {number + 1}: the picture is missing"
            assert _darkest(right) > 200, f"page {number + 1}"
    for regions in black:
        for region in regions:
            assert _darkest(region) > 200  # knocked out on the black plate
    images = _image_objects(spot)
    assert len(images) == 1
    assert images[0]["/ColorSpace"][1] == "/Fluorescent-Pink"


def test_a_transparent_picture_knocks_out_only_where_it_paints(tmp_path: Path) -> None:
    """A picture of the second ink with transparent corners over a solid first-ink
    background: the first ink's plate stays solid under the corners."""
    from leaflet.colour import InkUse, inks_mode
    from leaflet.separations import spot_pdf

    picture = Image.new("RGBA", (40, 40), (60, 60, 60, 255))
    for x, y in ((0, 0), (30, 0), (0, 30), (30, 30)):
        picture.paste((0, 0, 0, 0), (x, y, x + 10, y + 10))
    picture.save(tmp_path / "corners.png")
    writer = pypdf.PdfWriter()
    page = writer.add_blank_page(200, 200)
    rgb = Image.open(tmp_path / "corners.png")
    mask = DecodedStreamObject()
    mask.set_data(rgb.getchannel("A").tobytes())
    mask.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(40),
            NameObject("/Height"): NumberObject(40),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/ColorSpace"): NameObject("/DeviceGray"),
        }
    )
    image = DecodedStreamObject()
    image.set_data(rgb.convert("RGB").tobytes())
    image.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(40),
            NameObject("/Height"): NumberObject(40),
            NameObject("/BitsPerComponent"): NumberObject(8),
            NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
            NameObject("/SMask"): writer._add_object(mask),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): writer._add_object(image)})}
    )
    contents = DecodedStreamObject()
    # A black background over the whole page, the picture 100 pt wide in its middle.
    contents.set_data(b"0 g 0 0 200 200 re f q 100 0 0 100 50 50 cm /Im0 Do Q")
    page[NameObject("/Contents")] = writer._add_object(contents)
    buffer = io.BytesIO()
    writer.write(buffer)
    mode = inks_mode(["black", "fluorescent-pink"], {"images": InkUse(1)})
    spot = spot_pdf(buffer.getvalue(), mode)
    for pdf in (spot, *separation_plates(spot).pdfs):  # a mask stays an object of its own
        resources = pdf_reader(pdf).pages[0]["/Resources"]
        assert isinstance(resources["/XObject"]["/Im0"].raw_get("/SMask"), IndirectObject)
    made = separation_plates(spot)
    corners = [(52, 52, 72, 72), (128, 52, 148, 72), (52, 128, 72, 148), (128, 128, 148, 148)]
    centre = [(80, 80, 120, 120)]
    black, pink = (_page_regions(pdf, [corners + centre])[0] for pdf in made.pdfs)
    black_corners, black_centre, pink_corners, pink_centre = (
        black[:4],
        black[4:],
        pink[:4],
        pink[4:],
    )
    for region in black_corners:
        assert _lightest(region) < 20  # solid black under the transparent corners
    assert _darkest(black_centre[0]) > 235  # knocked out where the picture paints
    for region in pink_corners:
        assert _darkest(region) > 235  # nothing of the picture there
    assert _lightest(pink_centre[0]) < 100
