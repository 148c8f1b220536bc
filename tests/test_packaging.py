"""What ships: the wheel holds the templates, stylesheets and fonts, and an installed copy
renders from any folder without the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO, pdf_reader


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(REPO),
        ],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("leaflet-*.whl")
    return found


def test_wheel_contains_assets(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = [
        "leaflet/templates/base/base.html.j2",
        "leaflet/templates/base/statement.html.j2",
        "leaflet/templates/classic/manifest.toml",
        "leaflet/templates/classic/style.css",
        "leaflet/templates/base/poster.html.j2",
        "leaflet/templates/sample.md",
        "leaflet/styles/base.css",
        "leaflet/fonts/fonts.conf",
        "leaflet/fonts/SHA256SUMS",
        "leaflet/fonts/pt-serif/OFL.txt",
        "leaflet/fonts/noto-serif/NotoSerif-Regular.ttf",
        "leaflet/py.typed",
        "leaflet/studio/templates/studio.html.j2",
        "leaflet/studio/static/studio.js",
        "leaflet/studio/static/studio.css",
        "leaflet/studio/locale/studio.pot",
        "leaflet/studio/locale/es/LC_MESSAGES/studio.po",
        "leaflet/studio/locale/uk/LC_MESSAGES/studio.po",
    ]
    assert [name for name in expected if name not in names] == []
    from leaflet.templates import builtin_templates

    for template in builtin_templates().values():
        assert f"leaflet/templates/{template.folder.name}/manifest.toml" in names
        assert f"leaflet/templates/{template.folder.name}/style.css" in names
    from leaflet.fonts import FAMILIES, FONTS_DIR

    for faces in FAMILIES.values():
        for face in faces:
            assert f"leaflet/fonts/{face.path.relative_to(FONTS_DIR).as_posix()}" in names
    assert any(name.endswith("entry_points.txt") for name in names)


def test_installed_wheel_renders_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "work"
    work.mkdir()
    (work / "statement.md").write_text(
        (EXAMPLES / "uk-labour-rights.md").read_text("utf-8"), encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    code = (
        "import sys, leaflet, leaflet.cli; print(leaflet.__file__); "
        "sys.exit(leaflet.cli.main(['render', '-f', 'a5']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(str(site))
    assert len(pdf_reader(work / "statement-a5.pdf").pages) >= 1
