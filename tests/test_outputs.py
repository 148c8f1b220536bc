"""What a run writes: never over an input, all or nothing, through symlinks and devices, over
nothing leaflet did not write; file-system errors are one line."""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from leaflet.gallery import gallery_outputs, preview_mark
from leaflet.output import (
    Output,
    check_outputs,
    mark_png,
    png_mark,
    write_atomic,
    write_outputs,
)
from leaflet.templates import TEMPLATES_DIR, builtin_templates

from conftest import assert_refused, pdf_reader, run_bounded, run_cli

STATEMENT = """\
---
title: "Outputs never destroy inputs"
lang: en
---

A short lead paragraph, so that the render is quick.

## A section

Body text of the statement.
"""

AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def snapshot(folder: Path) -> dict[str, object]:
    """Every entry under *folder*: file bytes, symlink targets, the kind of anything else."""
    entries: dict[str, object] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            entries[name] = ("link", os.readlink(path))
        elif path.is_file():
            entries[name] = path.read_bytes()
        else:
            entries[name] = stat.S_IFMT(path.lstat().st_mode)
    return entries


def no_temporaries(folder: Path) -> bool:
    return not [path for path in folder.rglob(".*.tmp")]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with statement.md, as the current folder."""
    (tmp_path / "statement.md").write_text(STATEMENT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def png(colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def blank_pdf(path: Path, pages: int = 4) -> None:
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(419.53, 595.28)
    with path.open("wb") as stream:
        writer.write(stream)


# --- outputs never destroy inputs -------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "statement.md"], "output statement.md would overwrite the input statement.md"),
        (["--html", "statement.md"], "output statement.md would overwrite the input"),
        (["-o", "sub/../statement.md"], "output sub/../statement.md would overwrite the input"),
        (["-o", "hard.md"], "output hard.md would overwrite the input statement.md"),
        (["-o", "link.pdf"], "output link.pdf would overwrite the input statement.md"),
        (["-o", "x.pdf", "--html", "x.pdf"], "outputs x.pdf and x.pdf are the same file"),
        (["-o", "x.pdf", "--html", "y.html"], "outputs x.pdf and y.html are the same file"),
    ],
)
def test_render_never_writes_over_its_source(here: Path, args: list[str], message: str) -> None:
    (here / "sub").mkdir()
    os.link(here / "statement.md", here / "hard.md")
    (here / "link.pdf").symlink_to("statement.md")
    (here / "y.html").symlink_to("x.pdf")
    before = snapshot(here)
    result = run_cli("render", "statement.md", *args)
    assert_refused(result, mentions=message)
    assert snapshot(here) == before
    assert (here / "statement.md").read_text(encoding="utf-8") == STATEMENT


def test_a_ticket_never_overwrites_a_source_named_like_one(here: Path) -> None:
    (here / "statement.md").rename(here / "flyer.job.txt")
    before = snapshot(here)
    result = run_cli("render", "flyer.job.txt", "-o", "flyer.pdf", "--job")
    assert_refused(result, mentions="output flyer.job.txt would overwrite the input")
    assert snapshot(here) == before


def test_logo_and_template_files_are_inputs(here: Path) -> None:
    (here / "logo.png").write_bytes(png())
    text = STATEMENT.replace("lang: en\n", "lang: en\nlogo: logo.png\n")
    (here / "statement.md").write_text(text, encoding="utf-8")
    shutil.copytree(TEMPLATES_DIR / "classic", here / "mine")
    before = snapshot(here)
    result = run_cli("render", "-o", "x.pdf", "--html", "logo.png")
    assert_refused(result, mentions="output logo.png would overwrite the input")
    result = run_cli("render", "-t", "mine", "-o", "x.pdf", "--html", "mine/style.css")
    assert_refused(result, mentions="output mine/style.css would overwrite the input")
    assert snapshot(here) == before


def test_an_image_of_the_statement_is_an_input(here: Path) -> None:
    (here / "photo.png").write_bytes(png("blue"))
    text = STATEMENT + "\n![A photo](photo.png)\n"
    (here / "statement.md").write_text(text, encoding="utf-8")
    before = snapshot(here)
    result = run_cli("render", "-o", "x.pdf", "--html", "photo.png")
    assert_refused(result, mentions="output photo.png would overwrite the input")
    assert snapshot(here) == before  # no PDF either: checked before anything is written


@pytest.mark.parametrize("output", ["a.pdf", "./sub/../a.pdf", "hard.pdf"])
def test_impose_never_writes_over_its_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output: str
) -> None:
    monkeypatch.chdir(tmp_path)
    blank_pdf(tmp_path / "a.pdf")
    (tmp_path / "sub").mkdir()
    os.link(tmp_path / "a.pdf", tmp_path / "hard.pdf")
    before = snapshot(tmp_path)
    result = run_cli("impose", "a.pdf", "-o", output)
    assert_refused(result, mentions=f"output {Path(output)} would overwrite the input a.pdf")
    assert snapshot(tmp_path) == before


def test_import_never_writes_over_its_input_through_a_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pasted.txt").write_text("Headline\n\nSome text of the statement.\n")
    (tmp_path / "out.md").symlink_to("pasted.txt")
    before = snapshot(tmp_path)
    result = run_cli("import", "pasted.txt", "-o", "out.md")
    assert_refused(result, mentions="output out.md would overwrite the input pasted.txt")
    assert snapshot(tmp_path) == before


# --- symlinks and devices are written through ---------------------------------------------


def test_a_symlink_to_a_file_is_written_through(here: Path) -> None:
    (here / "real.pdf").write_bytes(b"old")
    (here / "link.pdf").symlink_to("real.pdf")
    result = run_cli("render", "-f", "a5", "-o", "link.pdf")
    assert result.code == 0, result.err
    assert (here / "link.pdf").is_symlink()
    assert os.readlink(here / "link.pdf") == "real.pdf"
    assert len(pdf_reader(here / "real.pdf").pages) == 1
    assert no_temporaries(here)


def test_a_dangling_symlink_gets_its_target(here: Path) -> None:
    (here / "out").mkdir()
    (here / "link.pdf").symlink_to("out/new.pdf")
    result = run_cli("render", "-f", "a5", "-o", "link.pdf")
    assert result.code == 0, result.err
    assert (here / "link.pdf").is_symlink()
    assert (here / "out" / "new.pdf").read_bytes().startswith(b"%PDF-")
    assert no_temporaries(here)


def test_a_symlink_to_a_device_or_a_pipe_is_written_into(here: Path) -> None:
    (here / "null.pdf").symlink_to(os.devnull)
    result = run_cli("render", "-f", "a5", "-o", "null.pdf")
    assert result.code == 0, result.err
    assert (here / "null.pdf").is_symlink()
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)

    os.mkfifo(here / "fifo")
    (here / "pipe.pdf").symlink_to("fifo")
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append((here / "fifo").read_bytes()))
    reader.start()
    result = run_cli("render", "-f", "a5", "-o", "pipe.pdf")
    reader.join(timeout=60)
    assert result.code == 0, result.err
    assert received and received[0].startswith(b"%PDF-")
    assert (here / "pipe.pdf").is_symlink() and (here / "fifo").is_fifo()
    assert no_temporaries(here)


def test_a_link_to_standard_output_writes_into_the_redirected_file(here: Path) -> None:
    """What ``-o /dev/stdout > out.pdf`` does, through a link of our own to the descriptor:
    the file gets the PDF and nothing else, the link stays a link."""
    (here / "stdout.pdf").symlink_to("/proc/self/fd/1")
    if not Path("/proc/self/fd/1").exists():
        pytest.skip("no /proc on this system")
    with (here / "out.pdf").open("wb") as redirected:
        done = subprocess.run(
            [sys.executable, "-m", "leaflet", "render", "-f", "a5", "-o", "stdout.pdf"],
            cwd=here,
            stdout=redirected,
            stderr=subprocess.PIPE,
            timeout=60,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    assert len(pdf_reader(here / "out.pdf").pages) == 1
    assert (here / "stdout.pdf").is_symlink()
    assert b"stdout.pdf (1 page, a5" in done.stderr  # the status line is not in the PDF
    assert no_temporaries(here)


def test_dash_writes_the_pdf_to_stdout_and_the_status_to_stderr(here: Path) -> None:
    result = run_bounded("render", "-f", "a5", "-o", "-", cwd=here, timeout=60)
    assert result.code == 0, result.err
    assert result.out.startswith("%PDF-") and result.out.rstrip().endswith("%%EOF")
    assert "- (1 page, a5" in result.err
    assert snapshot(here) == {"statement.md": STATEMENT.encode()}


def test_job_needs_a_file_to_name_the_tickets_after(here: Path) -> None:
    result = run_cli("render", "-o", "-", "--job")
    assert_refused(result, mentions="--job names the tickets after the PDF")


# --- file-system errors are one line and leave nothing half-done -------------------------------


def test_preview_into_a_file_writes_nothing(here: Path) -> None:
    (here / "look").write_text("not a folder")
    before = snapshot(here)
    result = run_cli("render", "-o", "x.pdf", "--preview", "look")
    assert_refused(result, mentions="look/x-1.png")
    assert snapshot(here) == before


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="no /proc on this system")
def test_a_folder_that_cannot_be_made_writes_nothing(here: Path) -> None:
    """Found only when writing (even as root, nothing can be made in /proc): the PDF and the
    HTML already staged are removed, nothing is left."""
    before = snapshot(here)
    result = run_cli("render", "-o", "x.pdf", "--html", "x.html", "--preview", "/proc/leaflet")
    assert_refused(result, mentions="cannot write /proc/leaflet/x-1.png")
    assert snapshot(here) == before


def test_a_full_disk_writes_nothing(here: Path) -> None:
    """/dev/full answers every write with ENOSPC."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    (here / "full.html").symlink_to("/dev/full")
    before = snapshot(here)
    result = run_cli("render", "-o", "x.pdf", "--html", "full.html")
    assert_refused(result, mentions="cannot write full.html: No space left on device")
    assert snapshot(here) == before


@pytest.mark.parametrize("option", ["-o", "--html"])
def test_a_name_too_long_writes_nothing(here: Path, option: str) -> None:
    name = "n" * 300 + ".pdf"
    args = ["-o", name] if option == "-o" else ["-o", "x.pdf", "--html", name]
    before = snapshot(here)
    result = run_cli("render", *args)
    assert_refused(result, mentions="File name too long")
    assert snapshot(here) == before


@pytest.mark.skipif(AS_ROOT, reason="root writes into read-only folders")
def test_a_read_only_folder_writes_nothing(here: Path) -> None:
    (here / "look").mkdir()
    (here / "look").chmod(0o555)
    before = snapshot(here)
    try:
        result = run_cli("render", "-o", "x.pdf", "--preview", "look")
    finally:
        (here / "look").chmod(0o755)
    assert_refused(result, mentions="cannot write look/x-1.png: Permission denied")
    assert snapshot(here) == before


def test_a_folder_denied_writes_nothing_even_for_root(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the test above, for a run as root (which the kernel lets write anywhere): the access
    check answers as it would for another user."""
    (here / "look").mkdir()
    real_access = os.access
    denied = {str(here / "look"), str(here / "kept.pdf")}
    monkeypatch.setattr(
        os, "access", lambda path, mode: str(path) not in denied and real_access(path, mode)
    )
    (here / "kept.pdf").write_bytes(b"kept")
    before = snapshot(here)
    result = run_cli("render", "-o", "x.pdf", "--preview", "look")
    assert_refused(result, mentions="cannot write look/x-1.png: Permission denied")
    result = run_cli("render", "-o", "kept.pdf")
    assert_refused(result, mentions="cannot write kept.pdf: Permission denied")
    assert snapshot(here) == before


@pytest.mark.skipif(AS_ROOT, reason="root writes read-only files")
def test_a_read_only_file_is_not_replaced(tmp_path: Path) -> None:
    target = tmp_path / "kept.pdf"
    target.write_bytes(b"kept")
    target.chmod(0o444)
    with pytest.raises(Exception, match="Permission denied"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"kept"


def test_a_replaced_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "shared.pdf"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_the_umask_is_read_by_the_kernel_never_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_umask(mask: int) -> int:
        raise AssertionError("os.umask changes the whole process's umask")

    monkeypatch.setattr(os, "umask", no_umask)
    write_atomic(tmp_path / "new.pdf", b"data")
    assert (tmp_path / "new.pdf").read_bytes() == b"data"
    assert no_temporaries(tmp_path)


def test_new_files_follow_the_umask(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "leaflet", "new", "fresh"],
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
        check=False,
        preexec_fn=lambda: os.umask(0o077),  # in the child only
    )
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE((tmp_path / "fresh" / "statement.md").stat().st_mode) == 0o600


# --- leaflet new ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en\ntitle: x", 'en"\ntitle: "x', "en title", "", "e"])
def test_new_refuses_a_language_that_is_not_a_tag(tmp_path: Path, lang: str) -> None:
    result = run_cli("new", tmp_path / "fresh", "--lang", lang)
    assert_refused(result, mentions="is not a language tag")
    assert list(tmp_path.iterdir()) == []


def test_new_writes_the_language_asked_for(tmp_path: Path) -> None:
    from leaflet.source import load_statement

    result = run_cli("new", tmp_path / "fresh", "--lang", "pt-BR")
    assert result.code == 0, result.err
    statement = load_statement(tmp_path / "fresh" / "statement.md")
    assert statement.lang == "pt-BR" and statement.title.startswith("Our headline")


@pytest.mark.parametrize("case", ["statement exists", "dangling link", "folder is a file"])
def test_new_never_overwrites(tmp_path: Path, case: str) -> None:
    folder = tmp_path / "fresh"
    if case == "folder is a file":
        folder.write_text("a file")
    else:
        folder.mkdir()
        if case == "statement exists":
            (folder / "statement.md").write_text("my statement")
        else:
            (folder / "statement.md").symlink_to(tmp_path / "elsewhere.md")
    before = snapshot(tmp_path)
    result = run_cli("new", folder)
    assert_refused(result, mentions=str(folder))
    assert snapshot(tmp_path) == before


# --- previews, gallery files and tickets: only leaflet's own are replaced ----------------------


def test_previews_replace_only_their_own(here: Path) -> None:
    look = here / "look"
    look.mkdir()
    (look / "x-1.png").write_bytes(png())  # a picture leaflet did not write
    before = snapshot(here)
    result = run_cli("render", "-f", "a5", "-o", "x.pdf", "--preview", "look")
    assert_refused(result, mentions="look/x-1.png exists and is not a picture leaflet wrote")
    assert snapshot(here) == before  # no PDF either

    (look / "x-1.png").unlink()
    (look / "x-7.png").write_bytes(mark_png(png(), preview_mark("x")))  # an earlier, longer run
    (look / "x-8.png").write_bytes(png())  # not leaflet's: kept
    (look / "y-9.png").write_bytes(mark_png(png(), preview_mark("y")))  # another stem: kept
    for run in range(2):  # the second run replaces the first one's pictures
        result = run_cli("render", "-f", "a5", "-o", "x.pdf", "--preview", "look")
        assert result.code == 0, result.err
        assert sorted(path.name for path in look.iterdir()) == ["x-1.png", "x-8.png", "y-9.png"]
        assert png_mark(look / "x-1.png") == "preview x", run
    assert no_temporaries(here)


def test_tickets_replace_only_their_own(here: Path) -> None:
    (here / "x.job.txt").write_text("my own notes for the print shop")
    before = snapshot(here)
    result = run_cli("render", "-f", "a5", "-o", "x.pdf", "--job")
    assert_refused(result, mentions="x.job.txt exists and is not a job ticket")
    assert snapshot(here) == before
    (here / "x.job.txt").unlink()
    for _ in range(2):
        result = run_cli("render", "-f", "a5", "-o", "x.pdf", "--job")
        assert result.code == 0, result.err
    assert (here / "x.job.txt").read_text().startswith("Print job: x.pdf")


@pytest.mark.parametrize(
    "case", ["foreign picture", "foreign sheet", "folder is a file", "statement is the sheet"]
)
def test_gallery_refuses_files_it_did_not_write(here: Path, case: str) -> None:
    folder = here / "previews"
    if case == "folder is a file":
        folder.write_text("a file")
    else:
        folder.mkdir()
    if case == "foreign picture":
        (folder / "classic.png").write_bytes(png())
    if case == "foreign sheet":
        blank_pdf(folder / "gallery.pdf", pages=1)
    source = "statement.md"
    if case == "statement is the sheet":
        source = "previews/gallery.pdf"
        shutil.copy(here / "statement.md", folder / "gallery.pdf")
    before = snapshot(here)
    result = run_cli("gallery", source, "-o", "previews")
    mentions = {
        "foreign picture": "previews/classic.png exists and is not a picture leaflet wrote",
        "foreign sheet": "previews/gallery.pdf exists and is not a contact sheet leaflet wrote",
        "folder is a file": "is not a folder",
        "statement is the sheet": "would overwrite the input previews/gallery.pdf",
    }[case]
    assert_refused(result, mentions=mentions)
    assert snapshot(here) == before


def test_gallery_accepts_the_files_it_wrote(tmp_path: Path) -> None:
    names = list(builtin_templates())
    outputs = gallery_outputs(tmp_path, names)
    for name in names:
        (tmp_path / f"{name}.png").write_bytes(mark_png(png(), f"gallery {name}"))
    writer = pypdf.PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_metadata({"/Creator": "leaflet gallery"})
    with (tmp_path / "gallery.pdf").open("wb") as stream:
        writer.write(stream)
    check_outputs(outputs)  # no error: every file is the gallery's own
    (tmp_path / f"{names[0]}.png").write_bytes(mark_png(png(), f"gallery {names[-1]}"))
    with pytest.raises(Exception, match=f"{names[0]}.png exists and is not"):
        check_outputs(outputs)


def test_a_gallery_recognizes_what_it_wrote(here: Path) -> None:
    """The pictures and contact sheet a real gallery run writes are its own to replace."""
    from leaflet.gallery import render_gallery
    from leaflet.source import load_statement

    statement = load_statement(here / "statement.md")
    render_gallery(statement, here / "previews", fmt="a5", templates=["classic"])
    assert png_mark(here / "previews" / "classic.png") == "gallery classic"
    check_outputs(gallery_outputs(here / "previews", ["classic"]))


def test_a_marked_png_is_still_a_valid_png(tmp_path: Path) -> None:
    path = tmp_path / "marked.png"
    path.write_bytes(mark_png(png(), "preview Праця (1)"))
    with Image.open(path) as image:
        image.load()  # checks every chunk's CRC
        assert image.size == (4, 4)
    assert png_mark(path) == "preview Праця (1)"
    (tmp_path / "plain.png").write_bytes(png())
    assert png_mark(tmp_path / "plain.png") is None
    assert png_mark(tmp_path / "missing.png") is None


def test_outputs_are_written_together_or_not_at_all(tmp_path: Path) -> None:
    """The second output fails while being written: the first is not put in place."""
    (tmp_path / "full").symlink_to("/dev/full")
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    (tmp_path / "a.pdf").write_bytes(b"good")
    with pytest.raises(Exception, match="cannot write"):
        write_outputs([Output(tmp_path / "a.pdf", b"new"), Output(tmp_path / "full", b"x")])
    assert (tmp_path / "a.pdf").read_bytes() == b"good"
    assert no_temporaries(tmp_path)


def test_pipeline_still_exports_write_atomic() -> None:
    import leaflet
    from leaflet import pipeline

    assert pipeline.write_atomic is write_atomic is leaflet.write_atomic
