"""``leaflet render --inks``, ``--separations`` and ``--preview`` in spot inks: bad options
refused before anything is written; the plates and the composite preview written."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import assert_refused, run_cli

STATEMENT = """---
title: "Inks"
---

A lead.
"""


@pytest.mark.parametrize(
    ("args", "mentions"),
    [
        (("--inks", "black,glitter"), "unknown ink 'glitter'"),
        (("--inks", "black,"), "--inks"),
        (("--inks", "black", "--pdf-variant", "pdf/x-4"), "--pdf-variant spot"),
        (("--inks", "black", "-f", "share-square"), "share-square"),
        (("--separations", "plates", "--pdf-variant", "pdf/a-3b"), "--separations"),
        (("--inks", "black", "--coverage-limit", "0"), "--coverage-limit"),
        (("--inks", "black", "--coverage-limit", "lots"), "--coverage-limit"),
        (("--separations", "plates", "--editions", "table.csv", "-o", "out"), "--editions"),
    ],
)
def test_bad_ink_options_are_refused_before_anything_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], mentions: str
) -> None:
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT)
    result = run_cli("render", source, *args)
    assert_refused(result, mentions=mentions)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["statement.md"]
    assert source.read_text() == STATEMENT


def test_render_writes_the_spot_pdf_its_plates_and_the_inks_on_paper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT)
    args = ["render", source, "-f", "a5", "-t", "bold", "--inks", "black,fluorescent-pink"]
    result = run_cli(*args, "--separations", "plates", "--preview", "preview", "--job")
    assert result.code == 0, result.err
    plates = sorted(path.name for path in (tmp_path / "plates").iterdir())
    assert plates == ["statement-a5.black.pdf", "statement-a5.fluorescent-pink.pdf"]
    assert (tmp_path / "preview" / "statement-a5-1.png").is_file()
    for line in ("plates/statement-a5.black.pdf", "preview/statement-a5-1.png"):
        assert line in result.out
    ticket = (tmp_path / "statement-a5.job.txt").read_text()
    assert "2 spot inks (black, fluorescent-pink)" in ticket
    assert "Ink coverage (per PDF page): black " in ticket
    assert "Warning: page 1: fluorescent-pink covers" not in ticket  # under 30 %
    low = run_cli(*args, "--job", "--coverage-limit", "1%", "-o", "low.pdf")
    assert low.code == 0, low.err
    assert "Warning: page 1: fluorescent-pink covers" in (tmp_path / "low.job.txt").read_text()
    # A second run replaces the plates it wrote; a file of a plate's name it did not write
    # makes the run refuse, before anything is written.
    assert run_cli(*args, "--separations", "plates").code == 0
    stranger = tmp_path / "plates" / "statement-a5.black.pdf"
    stranger.write_bytes(b"%PDF-1.7 someone else's file")
    pdf = (tmp_path / "statement-a5.pdf").read_bytes()
    result = run_cli(*args, "--separations", "plates")
    assert_refused(result, mentions="statement-a5.black.pdf")
    assert stranger.read_bytes() == b"%PDF-1.7 someone else's file"
    assert (tmp_path / "statement-a5.pdf").read_bytes() == pdf


def test_separations_without_inks_take_the_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "statement.md").write_text(STATEMENT)
    result = run_cli("render", "-f", "a5", "-t", "zine", "--separations", "plates")
    assert result.code == 0, result.err
    names = sorted(path.name for path in (tmp_path / "plates").iterdir())
    assert names == ["statement-a5.black.pdf", "statement-a5.orange.pdf"]
