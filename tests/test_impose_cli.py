"""``leaflet impose`` in-process: output file, messages, exit codes, no partial files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from leaflet.cli import main
from leaflet.impose import layouts
from leaflet.papers import paper_size


def run(*argv: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main(["impose", *argv], stdout=stdout, stderr=stderr)
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder holding ``flyer.pdf``: 6 blank A5 pages."""
    monkeypatch.chdir(tmp_path)
    writer = PdfWriter()
    for _ in range(6):
        writer.add_blank_page(*paper_size("a5"))
    with (tmp_path / "flyer.pdf").open("wb") as stream:
        writer.write(stream)
    return tmp_path


def test_impose_writes_the_default_output_and_says_how_to_print(folder: Path) -> None:
    code, out, err = run("flyer.pdf", "--layout", "saddle")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "flyer-saddle.pdf",
        "8 pages (2 blank) on 2 A4 sheets: print double-sided, flip on short edge, fold, staple",
    ]
    assert len(PdfReader(folder / "flyer-saddle.pdf").pages) == 4


def test_options_reach_the_imposition(folder: Path) -> None:
    (folder / "out").mkdir()
    code, out, _ = run(
        "flyer.pdf", "--layout", "saddle", "--sheet", "a3", "--marks", "--flip", "long",
        "--keep-last", "1", "--paper-thickness", "0.1mm", "-o", "out/booklet.pdf",
    )  # fmt: skip
    assert code == 0
    assert out.splitlines()[0] == "out/booklet.pdf"
    assert "8 pages (2 blank) on 2 A3 sheets: print double-sided, flip on long edge" in out
    media = PdfReader(folder / "out" / "booklet.pdf").pages[0].mediabox
    assert float(media.width) > 2 * paper_size("a5")[0]  # grown for the marks


def test_an_unwritable_output_is_a_clear_error(folder: Path) -> None:
    code, _, err = run("flyer.pdf", "-o", "missing-folder/booklet.pdf")
    assert code == 2
    assert (
        err
        == "leaflet: error: cannot write missing-folder/booklet.pdf: No such file or directory\n"
    )


def test_proof_and_flyer_layouts(folder: Path) -> None:
    assert run("flyer.pdf", "--layout", "2up")[0] == 0
    assert len(PdfReader(folder / "flyer-2up.pdf").pages) == 6  # 3 sheets, front and back
    code, out, _ = run("flyer.pdf", "--layout", "saddle", "--proof", "-o", "proof.pdf")
    assert code == 0
    assert "reader spreads" in out
    assert len(PdfReader(folder / "proof.pdf").pages) == 5


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["missing.pdf"], "cannot read missing.pdf"),
        (["notes.pdf"], "notes.pdf: not a PDF file"),
        (["flyer.pdf", "--layout", "gatefold"], "invalid choice: 'gatefold'"),
        (["flyer.pdf", "--creep", "1mm", "--paper-thickness", "0.1mm"], "not allowed with"),
        (["flyer.pdf", "--creep", "lots"], "cannot read length 'lots'"),
        (["flyer.pdf", "--layout", "2up", "--creep", "1mm"], "creep only applies to the saddle"),
        (["flyer.pdf", "--keep-last", "9"], "--keep-last 9"),
    ],
)
def test_errors_are_one_line_exit_2_and_leave_no_file(
    folder: Path, argv: list[str], message: str
) -> None:
    (folder / "notes.pdf").write_text("just some notes")
    before = sorted(path.name for path in folder.iterdir())
    code, _, err = run(*argv, "-o", "result.pdf")
    assert code == 2
    assert err.startswith("leaflet: error: ")
    assert message in err
    assert err.count("\n") == 1
    assert sorted(path.name for path in folder.iterdir()) == before


def test_a_failed_run_keeps_the_previous_good_output(folder: Path) -> None:
    (folder / "notes.pdf").write_text("just some notes")
    (folder / "result.pdf").write_bytes(b"good")
    assert run("notes.pdf", "-o", "result.pdf")[0] == 2
    assert (folder / "result.pdf").read_bytes() == b"good"


def test_help_carries_every_layouts_instructions(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["impose", "--help"])
    assert exit_.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    for layout in layouts().values():
        first_line = (layout.__doc__ or "").strip().splitlines()[0]
        assert " ".join(first_line.split()) in help_text
