"""The template gallery in two inks (``gallery --inks``): every picture shows the inks on
paper, nothing but mixtures of the paper and the two inks; the contact sheet names them; an
unknown ink is refused before anything is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from leaflet.gallery import CONTACT_SHEET, render_gallery
from leaflet.inks import INKS
from leaflet.source import load_statement
from leaflet.templates import SAMPLE_STATEMENT, builtin_templates

from conftest import EXAMPLES, CliResult, assert_refused, pdf_reader, run_cli

INK_NAMES = ("black", "fluorescent-pink")
#: The largest distance (8-bit RGB, Euclidean) of a picture's colour from a mixture of the
#: paper and the inks: the 256-colour palette and anti-aliasing blur colours a little.
MIXTURE_TOLERANCE = 6.0


@pytest.fixture(scope="module")
def galleries(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, CliResult]:
    """A gallery in two inks (the command line) and one in screen colours (the library)."""
    root = tmp_path_factory.mktemp("galleries")
    inks = root / "inks"
    result = run_cli("gallery", "--inks", ",".join(INK_NAMES), "-o", inks)
    screen = root / "screen"
    render_gallery(load_statement(SAMPLE_STATEMENT), screen)
    return inks, screen, result


def mixture_distance(colour: tuple[int, int, int], inks: tuple[str, str]) -> float:
    """How far *colour* is from the nearest ``paper × ink1 tint a × ink2 tint b`` (inks
    multiplied on white paper, as they print), over tints a, b in 0 … 1.

    A tint t of an ink of channel value I lays ``1 - t (1 - I/255)`` of the light on each
    channel; for a given a the mixture is linear in b, so b is solved by least squares and
    clipped, and a is searched in steps of 1 %."""
    first, second = (tuple(v / 255 for v in INKS[name].rgb) for name in inks)
    target = [v / 255 for v in colour]
    best = float("inf")
    for step in range(101):
        a = step / 100
        base = [1 - a * (1 - i) for i in first]  # paper under ink 1 at tint a
        slope = [p * (1 - i) for p, i in zip(base, second, strict=True)]  # minus b × this
        norm = sum(s * s for s in slope)
        b = (
            sum((p - t) * s for p, t, s in zip(base, target, slope, strict=True)) / norm
            if norm
            else 0
        )
        b = min(1.0, max(0.0, b))
        mixed = [p - b * s for p, s in zip(base, slope, strict=True)]
        distance = sum((m - t) ** 2 for m, t in zip(mixed, target, strict=True)) ** 0.5 * 255
        best = min(best, distance)
    return best


def colours(path: Path) -> list[tuple[tuple[int, int, int], int]]:
    """The colours of a picture with their pixel counts."""
    with Image.open(path) as image:
        found = image.convert("RGB").getcolors(maxcolors=1 << 16)
    assert found is not None
    return [(colour, count) for count, colour in found]


def test_the_model_tells_ink_mixtures_from_other_colours() -> None:
    assert mixture_distance((255, 255, 255), INK_NAMES) < 1  # paper
    assert mixture_distance((0, 0, 0), INK_NAMES) < 1  # black
    assert mixture_distance(INKS["fluorescent-pink"].rgb, INK_NAMES) < 1
    assert mixture_distance((128, 36, 88), INK_NAMES) < 1  # pink under a half tint of black
    assert mixture_distance((0x1F, 0x4E, 0x9E), INK_NAMES) > 40  # a screen blue
    assert mixture_distance((0xC8, 0x10, 0x2E), INK_NAMES) > 20  # a screen red


def test_every_picture_holds_only_paper_and_the_two_inks(
    galleries: tuple[Path, Path, CliResult],
) -> None:
    inks, _, result = galleries
    assert result.code == 0, result.err
    for name in builtin_templates():
        found = colours(inks / f"{name}.png")
        worst = max(found, key=lambda item: mixture_distance(item[0], INK_NAMES))
        assert mixture_distance(worst[0], INK_NAMES) <= MIXTURE_TOLERANCE, (name, worst)


def test_the_second_ink_shows_where_the_accent_was(
    galleries: tuple[Path, Path, CliResult],
) -> None:
    inks, _, _ = galleries
    pink = INKS["fluorescent-pink"].rgb
    # bold's headline band is its accent: solid pink in two inks.
    found = colours(inks / "bold.png")
    solid = sum(count for colour, count in found if _close(colour, pink, 8))
    assert solid > 0.02 * sum(count for _, count in found)


def test_the_pictures_differ_from_the_screen_gallery(
    galleries: tuple[Path, Path, CliResult],
) -> None:
    inks, screen, _ = galleries
    off_inks = []
    for name in builtin_templates():
        with (
            Image.open(inks / f"{name}.png") as printed,
            Image.open(screen / f"{name}.png") as shown,
        ):
            assert printed.size == shown.size, name
            assert ImageChops.difference(printed.convert("RGB"), shown.convert("RGB")).getbbox()
        if any(mixture_distance(c, INK_NAMES) > 20 for c, _ in colours(screen / f"{name}.png")):
            off_inks.append(name)
    # The screen colours (classic's red, modern's blue …) are no mixture of these inks.
    assert {"classic", "modern", "letter"} <= set(off_inks), off_inks


def test_the_contact_sheet_names_the_inks(galleries: tuple[Path, Path, CliResult]) -> None:
    inks, screen, _ = galleries
    text = pdf_reader(inks / CONTACT_SHEET).pages[0].extract_text()
    assert "printed in" in text and "black and" in text and "fluorescent-pink inks" in text
    screen_text = pdf_reader(screen / CONTACT_SHEET).pages[0].extract_text()
    assert "printed in" not in screen_text and "fluorescent-pink" not in screen_text


@pytest.mark.parametrize(
    ("inks", "mentions"),
    [
        ("black,nonsense", "unknown ink 'nonsense'"),
        ("black,Black", "named twice"),
        ("black,,pink", "ink names separated by commas"),
    ],
)
def test_a_bad_ink_is_refused_before_anything_is_written(
    tmp_path: Path, inks: str, mentions: str
) -> None:
    source = tmp_path / "statement.md"
    shutil.copyfile(EXAMPLES / "uk-labour-rights.md", source)
    before = source.read_bytes()
    out = tmp_path / "out"
    assert_refused(run_cli("gallery", source, "--inks", inks, "-o", out), mentions=mentions)
    assert not out.exists()
    assert source.read_bytes() == before


def test_a_screen_format_in_inks_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("gallery", "-f", "share-square", "--inks", "black,blue", "-o", out)
    assert_refused(result, mentions="--inks: share-square is a picture for the screen")
    assert not out.exists()


def _close(colour: tuple[int, int, int], other: tuple[int, int, int], tolerance: int) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, other, strict=True))
