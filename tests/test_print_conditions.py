"""Printing conditions: the US condition (GRACoL, CGATS TR 006) beside FOGRA39 and FOGRA29, its
bundled profile measured with LittleCMS against the CGATS data set it was built from, and the
choice of condition by paper and market (:func:`leaflet.pdfx.condition_for`)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import ImageCms

from leaflet.pdfx import (
    CONDITION,
    FOGRA29,
    FOGRA39,
    GRACOL,
    cmyk,
    cmyk_css,
    condition_for,
    output_profile,
    profile_css,
)

from conftest import REPO, delta_e, lab_through

#: CGATS TR 006-2007 (GRACoL, grade 1 coated; ``TR006.ti3``): CIELAB (D50) of paper, the solid
#: inks and their two-colour overprints, as published.
TR006_SOLIDS = {
    (0, 0, 0, 0): (95.0, -0.02, -1.96),
    (100, 0, 0, 0): (54.96, -37.12, -50.0),
    (0, 100, 0, 0): (47.93, 74.11, -3.01),
    (0, 0, 100, 0): (88.94, -5.02, 93.17),
    (0, 0, 0, 100): (14.95, 0.19, -0.14),
    (100, 100, 0, 0): (24.13, 17.2, -46.14),
    (0, 100, 100, 0): (47.37, 68.25, 48.79),
    (100, 0, 100, 0): (50.12, -68.43, 25.0),
}
TR006 = Path("/usr/share/color/icc/TR006.ti3")


def test_gracol_is_the_registered_us_condition() -> None:
    """The registered identifier (ICC characterization data registry), the profile's model tag
    (WeasyPrint names the output intent after it) and a CMYK output profile LittleCMS reads."""
    assert GRACOL.identifier == "CGATS TR 006"
    assert GRACOL.registry == "http://www.color.org"
    assert "TR 006" in GRACOL.condition and "coated" in GRACOL.condition
    profile = ImageCms.ImageCmsProfile(io.BytesIO(output_profile(GRACOL)))
    assert (profile.profile.xcolor_space, profile.profile.device_class) == ("CMYK", "prtr")
    assert profile.profile.model == GRACOL.identifier
    assert "GRACoL" in profile.profile.profile_description
    assert "TR 006" in profile.profile.copyright  # the data's source, as CGATS requires


def test_gracol_profile_reproduces_the_published_solids() -> None:
    """Paper, C, M, Y, K and the overprints within 2 ΔE76 of CGATS TR 006 (8-bit Lab: ±0.5)."""
    patches = list(TR006_SOLIDS)
    for patch, measured in zip(patches, lab_through(GRACOL, patches), strict=True):
        assert delta_e(measured, TR006_SOLIDS[patch]) < 2, (patch, measured)


def test_gracol_is_not_fogra39() -> None:
    """The US profile is its own: solid black on GRACoL paper is darker than on FOGRA39's, and
    a saturated colour separates differently."""
    (gracol_black,) = lab_through(GRACOL, [(0, 0, 0, 100)])
    (fogra_black,) = lab_through(FOGRA39, [(0, 0, 0, 100)])
    assert gracol_black[0] < fogra_black[0] - 0.5
    assert output_profile(GRACOL) != output_profile(FOGRA39)
    assert cmyk("#c0392b", GRACOL) != cmyk("#c0392b", FOGRA39)
    assert profile_css(GRACOL) != profile_css(FOGRA39)


def test_gracol_profile_matches_the_whole_data_set() -> None:
    """Every whole-percent patch of TR006 (1617), where Debian's icc-profiles-free is installed:
    average error under 1 ΔE76, none over 4."""
    if not TR006.is_file():
        pytest.skip("icc-profiles-free is not installed (scripts/system-deps.sh installs it)")
    rows = [line.split() for line in TR006.read_text(encoding="latin-1").splitlines()]
    samples = [row for row in rows if len(row) == 11 and row[0].isdigit()]
    exact = [row for row in samples if all(float(v).is_integer() for v in row[1:5])]
    patches = [tuple(round(float(v)) for v in row[1:5]) for row in exact]
    measured = lab_through(GRACOL, patches)
    errors = [
        delta_e(lab, tuple(float(v) for v in row[8:11]))
        for row, lab in zip(exact, measured, strict=True)
    ]
    assert len(errors) > 1000
    assert sum(errors) / len(errors) < 1 and max(errors) < 4


def test_colours_through_gracol_keep_text_solid_black() -> None:
    """Greys are black ink alone and text black is 100 % K under the US condition too; CSS
    colours are rewritten through its profile."""
    assert cmyk("#000", GRACOL) == (0, 0, 0, 1)
    assert cmyk("#777", GRACOL)[:3] == (0, 0, 0) and 0 < cmyk("#777", GRACOL)[3] < 1
    cyanish = cmyk("#0077cc", GRACOL)
    assert cyanish[0] > 0.5 and cyanish[1] > 0.1
    assert "device-cmyk(0 0 0 1)" in cmyk_css("p { color: #000 }", GRACOL)


def test_condition_for_paper_and_market() -> None:
    """Coated paper for US formats is GRACoL; uncoated stays FOGRA29 (no free US data); the
    European choice (and the old call without the keyword) is unchanged."""
    assert condition_for("coated") is FOGRA39 is CONDITION
    assert condition_for("uncoated") is FOGRA29
    assert condition_for("coated", american=False) is FOGRA39
    assert condition_for("coated", american=True) is GRACOL
    assert condition_for("uncoated", american=True) is FOGRA29
    with pytest.raises(ValueError, match="unknown paper 'newsprint'"):
        condition_for("newsprint", american=True)


def test_profiles_readme_and_build_script_name_the_us_data() -> None:
    """Provenance: the README documents the data set and its licence; the script rebuilds it."""
    readme = (REPO / "src/leaflet/profiles/README.md").read_text(encoding="utf-8")
    assert GRACOL.profile_file in readme and "TR 006" in readme
    script = (REPO / "scripts/build-profiles.sh").read_text(encoding="utf-8")
    assert "TR006" in script and "-l$4" in script and "320" in script
