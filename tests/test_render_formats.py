"""Several formats in one run (``leaflet render -f a5-fold -f poster-a3 -f share-square``):
one parsed statement, each format written as it would be alone, into the folder -o names."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from conftest import EXAMPLES, assert_refused, pdf_reader, pdfium_text, run_cli

SOURCE = EXAMPLES / "en-free-transit.md"


def test_several_formats_are_written_side_by_side(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli(
        "render", SOURCE, "-f", "a5-fold", "-f", "poster-a3", "-f", "share-square", "-o", out
    )
    assert result.code == 0, result.err
    assert sorted(path.name for path in out.iterdir()) == [
        "en-free-transit-a5-fold.pdf",
        "en-free-transit-poster-a3.pdf",
        "en-free-transit-share-square.png",
    ]
    alone = tmp_path / "alone.pdf"
    assert run_cli("render", SOURCE, "-f", "a5-fold", "-o", alone).code == 0
    booklet = out / "en-free-transit-a5-fold.pdf"
    assert pdfium_text(booklet.read_bytes()) == pdfium_text(alone.read_bytes())
    posters = pdf_reader(out / "en-free-transit-poster-a3.pdf")
    assert len(posters.pages) == 3  # one poster a slogan
    with Image.open(out / "en-free-transit-share-square.png") as picture:
        assert picture.width == picture.height
    for name in ("a5-fold.pdf", "poster-a3.pdf", "share-square.png"):
        assert f"en-free-transit-{name}" in result.out


def test_the_default_folder_is_the_current_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("render", SOURCE, "-f", "a4", "-f", "a5")
    assert result.code == 0, result.err
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "en-free-transit-a4.pdf",
        "en-free-transit-a5.pdf",
    ]


def test_one_bad_format_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert_refused(run_cli("render", SOURCE, "-f", "a5", "-f", "nope", "-o", out), mentions="nope")
    assert not out.exists()
    # a folder is needed, and --html names one file
    assert_refused(
        run_cli("render", SOURCE, "-f", "a5", "-f", "a4", "-o", tmp_path / "x.pdf"),
        mentions="folder",
    )
    assert_refused(
        run_cli("render", SOURCE, "-f", "a5", "-f", "a4", "--html", tmp_path / "x.html"),
        mentions="--html",
    )
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "x.html").exists()
