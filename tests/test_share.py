"""Share pictures (share-square, share-story): PNG files of a page laid out by the templates —
the headline, one slogan, the website as a QR code and written out, the author."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import segno
from PIL import Image

from leaflet.formats import get_format
from leaflet.pipeline import RenderOptions, RenderResult, render_statement
from leaflet.share import pixel_size, share_png
from leaflet.source import load_statement
from leaflet.templates import builtin_templates

from conftest import EXAMPLES, assert_refused, run_bounded, run_cli

SHARE = ["share-square", "share-story"]
PIXELS = {"share-square": (1080, 1080), "share-story": (1080, 1920)}
TRANSIT = EXAMPLES / "en-free-transit.md"


def statement_file(folder: Path, front: str, body: str = "A lead paragraph.\n") -> Path:
    path = folder / "statement.md"
    path.write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
    return path


def render(source: Path, fmt: str = "share-square", template: str = "classic") -> RenderResult:
    return render_statement(load_statement(source), RenderOptions(format=fmt, template=template))


def text_sizes(pdf: bytes) -> list[tuple[str, float]]:
    """Each character of the one page and its font size (pt)."""
    document = pdfium.PdfDocument(pdf)
    try:
        assert len(document) == 1
        textpage = document[0].get_textpage()
        return [
            (textpage.get_text_range(index, 1), pdfium_c.FPDFText_GetFontSize(textpage, index))
            for index in range(textpage.count_chars())
        ]
    finally:
        document.close()


def size_of(sizes: list[tuple[str, float]], words: str) -> float:
    """The font size of *words* in the page's text (spaces and line breaks between words
    ignored), failing when they are not there."""
    letters = [(ch, size) for ch, size in sizes if ch.strip()]
    text = "".join(ch for ch, _ in letters).casefold()
    wanted = "".join(words.split()).casefold()
    found = text.find(wanted)
    assert found >= 0, (words, text)
    return min(size for _, size in letters[found : found + len(wanted)])


def decode_png(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


# --- pictures -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", SHARE)
def test_png_has_the_formats_pixels(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("render", TRANSIT, "-f", fmt)
    assert result.code == 0, result.err
    output = tmp_path / f"en-free-transit-{fmt}.png"
    assert result.out.startswith(f"{output.name} ({PIXELS[fmt][0]} × {PIXELS[fmt][1]} px PNG")
    image = decode_png(output.read_bytes())
    assert image.format == "PNG"
    assert image.size == PIXELS[fmt] == pixel_size(get_format(fmt))
    assert image.mode == "RGB"  # no alpha, no palette
    assert image.info.get("srgb") == 0  # an sRGB chunk: the colours are sRGB


def test_output_named_with_o(tmp_path: Path) -> None:
    output = tmp_path / "out" / "picture.PNG"
    output.parent.mkdir()
    result = run_cli("render", TRANSIT, "-f", "share-story", "-o", output)
    assert result.code == 0, result.err
    assert decode_png(output.read_bytes()).size == (1080, 1920)
    assert sorted(path.name for path in output.parent.iterdir()) == ["picture.PNG"]


def test_headline_and_one_slogan_large() -> None:
    result = render(TRANSIT)
    sizes = text_sizes(result.pdf)
    width = get_format("share-square").width
    slogan = size_of(sizes, "Buses for people, not for profit!")
    title = size_of(sizes, "Free transit is a public good, not a luxury")
    assert slogan >= 0.1 * width  # 81 pt on a 810 pt picture
    assert title >= 0.045 * width
    assert title < slogan  # the slogan is the shout
    text = "".join(ch for ch, _ in sizes).casefold()
    # One slogan only; the website written out and the author, small.
    assert "reverse the fare rise" not in text
    assert "public transit, public control" not in text
    assert size_of(sizes, "example.org/transit-union") < title
    assert size_of(sizes, "Riverside Transit Users’ Union") < title


def qr_region(pdf: bytes, scale: float) -> tuple[int, int, int, int]:
    """The QR code's place in the picture (pixels, left top right bottom): the one square
    path object of the foot, found in the PDF."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        height = page.get_height()
        squares = []
        for obj in page.get_objects(max_depth=3):
            left, bottom, right, top = obj.get_bounds()
            if (
                obj.type == pdfium_c.FPDF_PAGEOBJ_PATH
                and 0.9 < (right - left) / (top - bottom) < 1.1
            ):
                squares.append((left, bottom, right, top))
        (left, bottom, right, top), *_ = sorted(squares, key=lambda box: box[1])
        pad = 4
        return (
            int(left * scale) - pad,
            int((height - top) * scale) - pad,
            int(right * scale) + pad,
            int((height - bottom) * scale) + pad,
        )
    finally:
        document.close()


@pytest.mark.parametrize("template", ["classic", "bold"])
def test_qr_code_holds_the_website(template: str) -> None:
    """No QR decoder is installed: the picture's modules are read back at their centres and
    compared with the QR code of the website's URL, module by module."""
    result = render(TRANSIT, "share-square", template)
    image = decode_png(share_png(result.pdf, get_format("share-square"))).convert("L")
    region = image.crop(qr_region(result.pdf, 1080 / 810))
    dark = region.point(lambda value: 255 if value < 128 else 0)
    left, top, right, bottom = dark.getbbox() or (0, 0, 0, 0)
    matrix = segno.make("https://example.org/transit-union", error="m", micro=False).matrix
    modules = len(matrix)
    assert modules >= 21
    module = (right - left) / modules
    assert module > 4  # pixels a module: readable off a screen
    assert abs((bottom - top) - (right - left)) <= 2  # square
    read = [
        [region.getpixel((int(left + (x + 0.5) * module), int(top + (y + 0.5) * module))) < 128
         for x in range(modules)]
        for y in range(modules)
    ]  # fmt: skip
    assert read == [[bool(bit) for bit in row] for row in matrix]
    # Dark and light modules both there in a QR code's balance (about half each).
    share = sum(map(sum, read)) / modules**2
    assert 0.3 < share < 0.7


@pytest.mark.parametrize("fmt", SHARE)
@pytest.mark.parametrize("template", sorted(builtin_templates()))
def test_every_template(template: str, fmt: str) -> None:
    result = render(TRANSIT, fmt, template)
    # One page, laid out without a fault the preflight finds: no line out of its box, no
    # slogan or headline ending on one word.
    assert result.page_count == 1
    assert result.notes == (), result.notes
    sizes = text_sizes(result.pdf)
    width = get_format(fmt).width
    assert size_of(sizes, "Buses for people, not for profit!") >= 0.09 * width
    assert size_of(sizes, "Free transit is a public good, not a luxury") >= 0.04 * width
    image = decode_png(share_png(result.pdf, get_format(fmt)))
    assert (image.size, image.mode) == (PIXELS[fmt], "RGB")


def test_same_input_same_bytes(tmp_path: Path) -> None:
    first = share_png(render(TRANSIT, "share-story", "zine").pdf, get_format("share-story"))
    second = share_png(render(TRANSIT, "share-story", "zine").pdf, get_format("share-story"))
    assert first == second
    # Through the command line too, from a copy of the statement elsewhere.
    copy = tmp_path / "copy.md"
    copy.write_bytes(TRANSIT.read_bytes())
    assert (
        run_cli("render", copy, "-f", "share-story", "-t", "zine", "-o", tmp_path / "a.png").code
        == 0
    )
    assert (tmp_path / "a.png").read_bytes() == first


# --- statements with less ------------------------------------------------------------------------


def test_title_alone_fills_the_picture(tmp_path: Path) -> None:
    source = statement_file(tmp_path, 'title: "Hands off our library!"\n')
    for fmt in SHARE:
        result = render(source, fmt, "modern")
        assert result.notes == ()
        sizes = text_sizes(result.pdf)
        assert size_of(sizes, "Hands off our library!") >= 0.1 * get_format(fmt).width
        assert "".join(ch for ch, _ in sizes).split() == ["Hands", "off", "our", "library!"]
        image = decode_png(share_png(result.pdf, get_format(fmt)))
        assert image.size == PIXELS[fmt]
        # No QR code: the foot is empty, the picture's lower quarter blank.
        lower = image.convert("L").crop((0, image.height * 3 // 4, image.width, image.height))
        darkest = min(lower.tobytes())
        assert darkest > 200


def test_slogans_without_website_and_website_without_slogans(tmp_path: Path) -> None:
    slogans = statement_file(
        tmp_path, 'title: "Rent strike"\nslogans:\n  - "No rent for mould!"\nauthor: "Tenants"\n'
    )
    sizes = text_sizes(render(slogans, "share-square", "bold").pdf)
    assert size_of(sizes, "No rent for mould!") > size_of(sizes, "Rent strike")
    assert size_of(sizes, "Tenants") < size_of(sizes, "Rent strike")
    other = tmp_path / "other"
    other.mkdir()
    website = statement_file(other, 'title: "Rent strike"\nwebsite: "example.org/rent"\n')
    result = render(website, "share-story", "letter")
    assert result.notes == ()
    sizes = text_sizes(result.pdf)
    assert size_of(sizes, "Rent strike") >= 0.1 * 810
    assert size_of(sizes, "example.org/rent") < 30


def test_long_headline_and_slogan_fit(tmp_path: Path) -> None:
    title = (
        "We will not accept the closure of the only maternity ward between the river and the hills"
    )
    slogan = (
        "Keep the maternity ward open for every family in the valley, today, tomorrow and for"
        " as long as children are born here!"
    )
    source = statement_file(
        tmp_path, f'title: "{title}"\nslogans:\n  - "{slogan}"\nwebsite: "example.org/ward"\n'
    )
    for template in ("bold", "zine"):
        result = render(source, "share-square", template)
        assert result.page_count == 1
        assert result.notes == (), result.notes
        sizes = text_sizes(result.pdf)
        assert size_of(sizes, slogan) > size_of(sizes, title) > 12


def test_logo_above_the_headline(tmp_path: Path) -> None:
    Image.new("RGB", (40, 20), (0, 120, 200)).save(tmp_path / "logo.png")
    source = statement_file(
        tmp_path, 'title: "Logo test"\nslogans:\n  - "Blue box on top!"\nlogo: "logo.png"\n'
    )
    result = render(source, "share-square", "classic")
    assert result.notes == ()
    image = decode_png(share_png(result.pdf, get_format("share-square")))
    blue = [
        (x, y)
        for y in range(0, 400, 4)
        for x in range(0, 1080, 4)
        if image.getpixel((x, y)) == (0, 120, 200)
    ]
    assert blue, "the logo is not in the top of the picture"


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "mentions"),
    [
        (["--pages", "1"], "--pages"),
        (["--bleed", "3mm"], "--bleed"),
        (["--marks"], "--marks"),
        (["--pdf-variant", "pdf/x-4"], "--pdf-variant"),
        (["--job"], "--job"),
        (["--preview", "previews"], "--preview"),
        (["-o", "picture.pdf"], "picture.pdf"),
        (["--deliver", "pages"], "--deliver"),
    ],
)
def test_print_options_refused(
    options: list[str], mentions: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "statement.md"
    source.write_bytes(TRANSIT.read_bytes())
    before = source.read_bytes()
    monkeypatch.chdir(tmp_path)
    assert_refused(run_cli("render", "-f", "share-square", *options), mentions=mentions)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["statement.md"]
    assert source.read_bytes() == before


def test_library_refuses_print_options() -> None:
    from leaflet.errors import UsageError

    statement = load_statement(TRANSIT)
    for options in (
        RenderOptions(format="share-square", marks=True),
        RenderOptions(format="share-square", pages=1),
        RenderOptions(format="share-story", pdf_variant="pdf/x-4"),
        RenderOptions(format="share-story", bleed=8.5),
    ):
        with pytest.raises(UsageError, match="picture"):
            render_statement(statement, options)


def test_foot_leaving_no_room_is_refused(tmp_path: Path) -> None:
    author = " ".join(["Organisation"] * 150)
    source = statement_file(
        tmp_path, f'title: "Big foot"\nauthor: "{author}"\nwebsite: "example.org/{"x" * 300}"\n'
    )
    before = source.read_bytes()
    result = run_bounded("render", "-f", "share-square", cwd=tmp_path)
    assert_refused(result, mentions="statement.md: the share-square picture has no room left")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["statement.md"]
    assert source.read_bytes() == before
