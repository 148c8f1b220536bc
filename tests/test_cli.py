"""The command line in-process: exit codes, one-line errors, outputs and their absence."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, REPO, pdf_reader, run_cli

EXAMPLE = EXAMPLES / "en-free-transit.md"


def assert_one_error_line(err: str, *fragments: str) -> None:
    lines = err.strip().splitlines()
    errors = [line for line in lines if line.startswith("leaflet: error: ")]
    assert len(errors) == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in errors[0], errors[0]


def test_render_default_source_and_output_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(EXAMPLE, tmp_path / "statement.md")
    monkeypatch.chdir(tmp_path)
    result = run_cli("render", "--format", "a5")
    assert result.code == 0, result.err
    assert (tmp_path / "statement-a5.pdf").is_file()
    assert result.out.startswith("statement-a5.pdf")
    assert len(pdf_reader(tmp_path / "statement-a5.pdf").pages) >= 1


def test_render_output_goes_to_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("render", EXAMPLE, "-f", "a4")
    assert result.code == 0, result.err
    assert (tmp_path / "en-free-transit-a4.pdf").is_file()


def test_render_with_output_and_html(tmp_path: Path) -> None:
    out, html = tmp_path / "x.pdf", tmp_path / "x.html"
    result = run_cli("render", EXAMPLE, "-o", out, "--html", html, "-t", "classic")
    assert result.code == 0, result.err
    assert out.is_file() and html.is_file()
    text = html.read_text(encoding="utf-8")
    # The title's short last word is kept with the one before (compose.glue_last_word).
    assert (
        '<h1 class="title">Free transit is a public good, not <span class="glue">a luxury</span>'
        in text
    )
    assert not list(tmp_path.glob(".*.tmp"))


def test_unreferenced_note_warns_on_stderr(tmp_path: Path) -> None:
    result = run_cli("render", EXAMPLE, "-o", tmp_path / "x.pdf")
    assert result.code == 0
    assert "leaflet: warning: " in result.err and "[^archive] is never referenced" in result.err


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["render", "missing.md"], ["missing.md", "no such file"]),
        (["render", "{example}", "-f", "a9"], ["unknown format 'a9'", "a4, a5"]),
        (["render", "{example}", "-t", "nope"], ["unknown template 'nope'", "classic"]),
        (["render", "{bad}"], ["bad.md:7", "[^ghost]"]),
        (["render", "{broken}"], ["broken.md:3", "not valid YAML"]),
        (["inspect", "missing.md"], ["no such file"]),
        (["render", "--no-such-option"], ["unrecognized arguments"]),
        (["frobnicate"], ["invalid choice"]),
    ],
)
def test_bad_input_is_one_line_exit_2_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], fragments: list[str]
) -> None:
    (tmp_path / "bad.md").write_text("---\ntitle: T\n---\n\nLead.\n\nCites[^ghost].\n")
    (tmp_path / "broken.md").write_text("---\ntitle: T\ndate: [\n---\n")
    monkeypatch.chdir(tmp_path)
    paths = {"example": str(EXAMPLE), "bad": "bad.md", "broken": "broken.md"}
    result = run_cli(*[arg.format(**paths) for arg in args])
    assert result.code == 2
    assert_one_error_line(result.err, *fragments)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.md", "broken.md"]


def test_failed_render_keeps_the_previous_good_file(tmp_path: Path) -> None:
    out = tmp_path / "leaflet.pdf"
    assert run_cli("render", EXAMPLE, "-o", out).code == 0
    good = out.read_bytes()
    (tmp_path / "bad.md").write_text("---\ntitle: T\n---\n\nCites[^ghost].\n")
    assert run_cli("render", tmp_path / "bad.md", "-o", out).code == 2
    assert out.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.md", "leaflet.pdf"]


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    from leaflet.errors import SourceError

    with pytest.raises(SourceError):
        run_cli("--debug", "render", tmp_path / "missing.md")


def test_inspect_prints_the_model_as_json() -> None:
    result = run_cli("inspect", EXAMPLE)
    assert result.code == 0
    data = json.loads(result.out)
    assert data["title"] == "Free transit is a public good, not a luxury"
    assert data["date"] == "2025-03-14"
    assert len(data["slogans"]) == 3
    assert [note["label"] for note in data["notes"]] == [
        "fares",
        "assessment",
        "dividend",
        "europe",
        "archive",
    ]
    assert data["notes"][-1]["referenced"] is False


def test_formats_and_templates_list_one_line_each() -> None:
    formats = run_cli("formats")
    assert formats.code == 0
    names = [line.split()[0] for line in formats.out.splitlines()]
    assert {"a4", "a5"} <= set(names)
    templates = run_cli("templates")
    assert templates.code == 0
    lines = {line.split()[0]: line for line in templates.out.splitlines()}
    assert lines["classic"].endswith("(default)")


def test_new_scaffolds_a_statement_that_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "my-leaflet"
    result = run_cli("new", folder)
    assert result.code == 0, result.err
    assert (folder / "statement.md").is_file()
    monkeypatch.chdir(folder)
    rendered = run_cli("render", "-f", "a5")
    assert rendered.code == 0, rendered.err
    assert (folder / "statement-a5.pdf").is_file()
    again = run_cli("new", folder)
    assert again.code == 2 and "already exists" in again.err


def test_help_works_for_every_command() -> None:
    from leaflet.commands import COMMANDS

    for command in COMMANDS:
        with pytest.raises(SystemExit) as caught:
            run_cli(command, "--help")
        assert caught.value.code == 0


def _python(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


def test_help_does_not_import_weasyprint_or_pypdf(tmp_path: Path) -> None:
    code = (
        "import sys; from leaflet.cli import main\n"
        "try: main(['--help'])\nexcept SystemExit: pass\n"
        "print(sorted(m for m in ('weasyprint', 'pypdf', 'jinja2') if m in sys.modules))"
    )
    result = _python("-c", code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_python_dash_m_is_the_same_program(tmp_path: Path) -> None:
    result = _python("-m", "leaflet", "render", str(EXAMPLE), "-f", "a5", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "en-free-transit-a5.pdf").is_file()
    bad = _python("-m", "leaflet", "render", "nope.md", cwd=tmp_path)
    assert bad.returncode == 2
    assert bad.stderr.strip() == "leaflet: error: nope.md: no such file"


def test_repo_layout_exposes_styles_and_fonts() -> None:
    assert (REPO / "styles" / "base.css").is_file()
    assert (REPO / "fonts" / "SHA256SUMS").is_file()


def test_preview_writes_one_picture_per_page(tmp_path: Path) -> None:
    from PIL import Image

    result = run_cli(
        "render", EXAMPLE, "-f", "a5", "-o", tmp_path / "x.pdf", "--preview", tmp_path / "look"
    )
    assert result.code == 0, result.err
    pages = len(pdf_reader(tmp_path / "x.pdf").pages)
    pictures = sorted((tmp_path / "look").glob("x-*.png"))
    assert [p.name for p in pictures] == [f"x-{n}.png" for n in range(1, pages + 1)]
    with Image.open(pictures[0]) as image:
        width, height = image.size
        assert height / width == pytest.approx(210 / 148, rel=0.02)
        assert image.convert("L").getextrema()[0] < 100  # something dark is drawn
    # Each picture is its page (a palette of 256 colours: white and black exact).
    import pypdfium2
    from PIL import ImageChops, ImageStat

    from leaflet.gallery import PREVIEW_WIDTH_PX

    document = pypdfium2.PdfDocument(tmp_path / "x.pdf")
    try:
        for index, path in enumerate(pictures):
            with Image.open(path) as image:
                assert image.mode == "P"
                shown = image.convert("RGB")
            page = document[index]
            scale = PREVIEW_WIDTH_PX / page.get_width()
            drawn = page.render(scale=scale).to_pil().convert("RGB")
            assert shown.size == drawn.size
            assert max(ImageStat.Stat(ImageChops.difference(shown, drawn)).mean) < 1.0
            assert shown.getpixel((1, 1)) == (255, 255, 255)
    finally:
        document.close()


def test_output_to_a_device_writes_into_it(tmp_path: Path) -> None:
    """``-o /dev/stdout`` (or a pipe) is written to, never renamed over."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    import threading

    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run_cli("render", EXAMPLE, "-f", "a5", "-o", fifo)
    reader.join(timeout=60)
    assert result.code == 0, result.err
    assert received and received[0].startswith(b"%PDF-")
    assert fifo.is_fifo()
