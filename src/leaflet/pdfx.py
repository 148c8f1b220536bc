"""Print colours for PDF/X output (ISO 15930): a registered printing condition, its profile,
and the CMYK values of a document's colours and images.

A PDF/X file for a CMYK press names the printing condition it was made for (its output
intent, PDF 1.7 §14.11.5) and paints with that press's inks.  Here:

* the condition is a registered characterisation, FOGRA39 (ISO 12647-2 offset on coated
  paper) by default, FOGRA29 for uncoated paper (:func:`condition_for`), each with an ICC
  output profile built from Fogra's published measurements (``profiles/``, rebuilt by
  ``scripts/build-profiles.sh``; provenance and licence in ``profiles/README.md``);
* every sRGB colour of a template becomes a ``device-cmyk()`` value (CSS Color 5 §5) through
  that profile with LittleCMS (Pillow's ImageCms), rounded to whole percents; a neutral grey
  is black ink alone, the tint whose lightness matches it through the profile, and any grey at
  least as dark as solid black ink is 100 % K: text is never a four-colour ("rich") black;
* RGB pixels (logos, photos) become CMYK through the same profile for PDF/X-1a
  (:func:`cmyk_image`); PDF/X-4 keeps them in RGB with an sRGB profile attached
  (:func:`srgb_profile`).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image, ImageCms

__all__ = [
    "CONDITION",
    "FOGRA29",
    "FOGRA39",
    "GRACOL",
    "PAPERS",
    "PDF_VARIANTS",
    "PROFILE_NAME",
    "SPOT",
    "US_PAPERS",
    "PrintingCondition",
    "cmyk",
    "cmyk_css",
    "cmyk_image",
    "condition_for",
    "is_print_variant",
    "output_profile",
    "profile_css",
    "srgb_profile",
]

#: ``--pdf-variant`` values leaflet offers (WeasyPrint writes the identification of the PDF/X
#: and PDF/A ones).  PDF/X-1a:2003 (ISO 15930-4) is PDF 1.4: imposition keeps it without
#: object streams.  ``spot``: the colours in spot inks, a ``/Separation`` colour space each
#: (``--inks``; :mod:`leaflet.separations`).
PDF_VARIANTS = ("pdf/x-4", "pdf/x-1a", "pdf/a-3b", "spot")
#: The variant painted in spot inks.
SPOT = "spot"

PROFILES_DIR = Path(__file__).parent / "profiles"


@dataclass(frozen=True, slots=True)
class PrintingCondition:
    """A characterised printing condition as the ICC registry lists it (ISO 15930 output
    intent: ``/OutputConditionIdentifier``, ``/RegistryName``, ``/OutputCondition``,
    ``/Info``), and the bundled profile file built from its data."""

    identifier: str
    condition: str
    info: str
    profile_file: str
    registry: str = "http://www.color.org"


FOGRA39 = PrintingCondition(
    identifier="FOGRA39",
    condition=(
        "Offset printing, according to ISO 12647-2:2004/Amd 1, OFCOM, paper type 1 or 2 = "
        "coated art, 115 g/m2, tone value increase curves A (CMY) and B (K)"
    ),
    info="Coated FOGRA39 (ISO 12647-2:2004)",
    profile_file="FOGRA39.icc",
)
FOGRA29 = PrintingCondition(
    identifier="FOGRA29",
    condition=(
        "Offset printing, according to ISO 12647-2:2004, OFCOM, paper type 4 = uncoated white, "
        "120 g/m2, screen ruling 60/cm"
    ),
    info="Uncoated FOGRA29 (ISO 12647-2:2004)",
    profile_file="FOGRA29.icc",
)
GRACOL = PrintingCondition(
    identifier="CGATS TR 006",
    condition=(
        "Commercial offset lithography (GRACoL) on grade 1 coated paper, ISO 12647-2 paper "
        "type 1, as characterised in ANSI CGATS TR 006-2007"
    ),
    info="Coated GRACoL (CGATS TR 006)",
    profile_file="GRACoL-TR006.icc",
)
#: The condition PDF/X output is made for unless told otherwise.
CONDITION = FOGRA39
#: Conditions by paper kind (``coated`` is the default).
PAPERS = {"coated": FOGRA39, "uncoated": FOGRA29}
#: Conditions by paper kind for US formats: GRACoL for coated paper.  The free CGATS data sets
#: at hand (Debian's icc-profiles-free: TR 002 newsprint, TR 003/005 SWOP coated grades 3 and
#: 5, TR 006 GRACoL coated) include none for uncoated paper, so uncoated stays FOGRA29.
US_PAPERS = {"coated": GRACOL, "uncoated": FOGRA29}


def condition_for(paper: str, *, american: bool = False) -> PrintingCondition:
    """The printing condition for a paper kind (``coated``, ``uncoated``); ValueError for
    another name (the caller names the option in its error).

    *american* (US formats: letter, tabloid) picks the US characterisation where one is freely
    available: GRACoL (CGATS TR 006) for coated paper.  Uncoated paper keeps FOGRA29: no
    freely redistributable US data set for uncoated offset is at hand to build a profile from.
    """
    papers = US_PAPERS if american else PAPERS
    try:
        return papers[paper]
    except KeyError:
        known = ", ".join(papers)
        raise ValueError(f"unknown paper {paper!r} (known: {known})") from None


#: The name WeasyPrint gives the output intent: the profile's model tag, which our build
#: sets to the registered identifier.
PROFILE_NAME = CONDITION.identifier

CMYK = tuple[float, float, float, float]


def is_print_variant(variant: str | None) -> bool:
    """PDF/X variants print in CMYK; PDF/A keeps screen colours."""
    return variant is not None and variant.startswith("pdf/x")


@cache
def output_profile(condition: PrintingCondition = CONDITION) -> bytes:
    """The ICC output profile of *condition* (bundled package data)."""
    return (PROFILES_DIR / condition.profile_file).read_bytes()


@cache
def srgb_profile() -> bytes:
    """An sRGB ICC profile (LittleCMS's built-in), attached to RGB images in PDF/X-4."""
    from PIL import ImageCms

    return bytes(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())


@cache
def cmyk(colour: str, condition: PrintingCondition = CONDITION) -> CMYK:
    """The CMYK inks (0 … 1, whole percents) of *condition* for a ``#rrggbb`` or ``#rgb`` sRGB
    colour."""
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    if red == green == blue:
        return 0.0, 0.0, 0.0, _black_tint(red, condition)
    pixel = cmyk_image(_image("RGB", (red, green, blue)), condition).getpixel((0, 0))
    assert isinstance(pixel, tuple)
    c, m, y, k = (round(ink / 255, 2) + 0.0 for ink in pixel)
    return c, m, y, k


def _black_tint(grey: int, condition: PrintingCondition) -> float:
    """Black ink alone, as a whole percent, for the sRGB grey *grey* (0 … 255): the tint whose
    lightness through the profile (relative colorimetric: paper is white) matches the grey's;
    a grey darker than solid black ink is solid black."""
    target = _srgb_lightness(grey / 255)
    ramp = _black_ramp(condition)
    if target <= ramp[-1]:
        return 1.0
    for step in range(1, len(ramp)):
        if ramp[step] <= target:
            lighter, darker = ramp[step - 1], ramp[step]
            fraction = (lighter - target) / (lighter - darker) if lighter > darker else 0.0
            return round((step - 1 + fraction) / (len(ramp) - 1), 2) + 0.0
    return 1.0  # pragma: no cover - the ramp ends at solid black


def _srgb_lightness(value: float) -> float:
    """CIE L* of an sRGB grey (IEC 61966-2-1 transfer, D50-relative like the PCS)."""
    linear = value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    if linear > (6 / 29) ** 3:
        return float(116 * linear ** (1 / 3) - 16)
    return linear * (29 / 3) ** 3


@cache
def _black_ramp(condition: PrintingCondition) -> tuple[float, ...]:
    """L* of black ink alone at 0, 1/255 … 100 % through the output profile."""
    from PIL import Image, ImageCms

    lab = ImageCms.createProfile("LAB", 5000)
    transform = ImageCms.buildTransform(
        _profile(condition),
        lab,
        "CMYK",
        "LAB",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
    )
    ramp = Image.new("CMYK", (256, 1))
    ramp.putdata([(0, 0, 0, k) for k in range(256)])
    converted = ImageCms.applyTransform(ramp, transform)
    assert converted is not None
    lightness = [converted.getpixel((k, 0)) for k in range(256)]
    return tuple(float(pixel[0]) * 100 / 255 for pixel in lightness)  # type: ignore[index]


def cmyk_image(image: Image.Image, condition: PrintingCondition = CONDITION) -> Image.Image:
    """*image* (mode ``RGB``) in the press's inks (mode ``CMYK``) through the output profile
    of *condition*: relative colorimetric with black point compensation, the usual choice for
    print."""
    from PIL import ImageCms

    converted = ImageCms.applyTransform(image, _to_cmyk(condition))
    assert converted is not None
    return converted


@cache
def _to_cmyk(condition: PrintingCondition) -> ImageCms.ImageCmsTransform:
    from PIL import ImageCms

    return ImageCms.buildTransform(
        ImageCms.createProfile("sRGB"),
        _profile(condition),
        "RGB",
        "CMYK",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
        flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
    )


@cache
def _profile(condition: PrintingCondition) -> ImageCms.ImageCmsProfile:
    import io

    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(io.BytesIO(output_profile(condition)))


def _image(mode: str, colour: tuple[int, ...]) -> Image.Image:
    from PIL import Image

    return Image.new(mode, (1, 1), colour)


def cmyk_css(text: str, condition: PrintingCondition = CONDITION) -> str:
    """*text* (CSS) with every colour written as ``device-cmyk(c m y k)`` for *condition*
    (:class:`leaflet.colour.Press`, which the renderer applies)."""
    from .colour import Press

    return Press(condition).css(text)


def profile_css(condition: PrintingCondition = CONDITION) -> str:
    """The ``@color-profile`` rule naming :func:`output_profile` as the device-cmyk space: it
    becomes the PDF's output intent (served inline, as a ``data:`` URL)."""
    return _profile_css(condition)


@cache
def _profile_css(condition: PrintingCondition) -> str:
    data = base64.b64encode(output_profile(condition)).decode("ascii")
    url = f"data:application/vnd.iccprofile;base64,{data}"
    return (
        f"@color-profile device-cmyk {{ src: url({url}); "
        "components: cyan, magenta, yellow, black }"
    )
