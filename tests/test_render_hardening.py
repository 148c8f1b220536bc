"""Rendering is bounded in time and memory, reports every image it cannot show, and gives the
same bytes wherever the statement and leaflet lie."""

from __future__ import annotations

import io
import os
import random
import shutil
import string
import struct
import subprocess
import sys
import time
import zlib
from dataclasses import replace
from pathlib import Path

import pytest

from leaflet.images import MAX_SVG_ELEMENTS, ImageRefused, check_image, image_problem
from leaflet.limits import DEFAULT_LIMITS, using_limits
from leaflet.pipeline import MAX_PAGES, RenderOptions, render_statement
from leaflet.source import load_statement
from leaflet.templates import PACKAGE_DIR
from leaflet.watchdog import RenderTimeout, time_limit

from conftest import (
    EXAMPLES,
    assert_refused,
    missing_words,
    pdf_reader,
    run_bounded,
    run_cli,
)

FRONT = "---\ntitle: Hardening\nlang: en\n---\n\nThe lead paragraph.\n\n"


def _statement(folder: Path, body: str, name: str = "statement.md") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(FRONT + body + "\n", encoding="utf-8")
    return path


def _letters(count: int, seed: int = 1) -> str:
    generator = random.Random(seed)
    return "".join(generator.choice(string.ascii_letters) for _ in range(count))


def _png(width: int, height: int, *, pixels: bool = True) -> bytes:
    """A PNG of *width* × *height* (grey); without *pixels*, only its header (no IDAT)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    data = b""
    if pixels:
        rows = b"".join(b"\0" + b"\x80" * width for _ in range(height))
        data = chunk(b"IDAT", zlib.compress(rows))
    return b"\x89PNG\r\n\x1a\n" + header + data + chunk(b"IEND", b"")


def _fan_out_svg(levels: int = 9, width: int = 10) -> bytes:
    """Billion laughs in SVG: each group holds *width* ``<use>`` of the group below."""
    groups = ['<g id="g0"><rect width="1" height="1"/></g>']
    for level in range(1, levels + 1):
        uses = "".join(f'<use href="#g{level - 1}"/>' for _ in range(width))
        groups.append(f'<g id="g{level}">{uses}</g>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><defs>'
        + "".join(groups)
        + f'</defs><use href="#g{levels}"/></svg>'
    ).encode()


def _sparse(path: Path, size: int) -> None:
    """A file of *size* bytes that takes no room on disk (nothing written)."""
    with path.open("wb") as stream:
        stream.truncate(size)


def _assert_untouched(folder: Path, before: dict[str, bytes]) -> None:
    """No output file was written into *folder* and its files are as they were."""
    after = {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}
    assert after == before


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.is_file()}


# --- long words: linear line breaking ---------------------------------------------------------


def test_a_40_kb_word_renders_whole(tmp_path: Path) -> None:
    word = _letters(40_000)
    source = _statement(tmp_path, f"Before {word} after.")
    result = run_bounded("render", source, "-o", tmp_path / "out.pdf", cwd=tmp_path)
    assert result.code == 0, result.err[-2000:]
    assert missing_words(["before", word, "after"], tmp_path / "out.pdf") == []


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(_letters(1 << 20), id="1 MB word"),
        pytest.param("See https://example.org/" + _letters(200_000) + " now.", id="200 KB URL"),
    ],
)
def test_a_word_of_pasted_data_is_refused_quickly(tmp_path: Path, body: str) -> None:
    source = _statement(tmp_path, body)
    before = _snapshot(tmp_path)
    result = run_bounded("render", source, cwd=tmp_path)
    assert_refused(result, mentions="too long to typeset")
    assert "statement.md" in result.err
    _assert_untouched(tmp_path, before)


# --- images: checked before they are decoded --------------------------------------------------


def test_image_checks_refuse_what_would_explode() -> None:
    assert image_problem(_png(4, 3)) is None
    assert "30000 × 30000" in (image_problem(_png(30000, 30000, pixels=False)) or "")
    assert "repeat" in (image_problem(_fan_out_svg()) or "")
    small = '<svg xmlns="http://www.w3.org/2000/svg"><g id="a"/><use href="#a"/></svg>'
    assert image_problem(small.encode()) is None
    looping = '<svg xmlns="http://www.w3.org/2000/svg"><g id="a"><use href="#a"/></g></svg>'
    assert "themselves" in (image_problem(looping.encode()) or "")
    external = '<svg xmlns="http://www.w3.org/2000/svg"><use href="other.svg#a"/></svg>'
    assert "another file" in (image_problem(external.encode()) or "")
    flat = "<svg xmlns='http://www.w3.org/2000/svg'>" + "<g/>" * (MAX_SVG_ELEMENTS + 1) + "</svg>"
    assert "elements" in (image_problem(flat.encode()) or "")
    with pytest.raises(ImageRefused, match=r"bomb\.svg"):
        check_image("bomb.svg", _fan_out_svg())
    with using_limits(replace(DEFAULT_LIMITS, image_pixels=10)):
        assert "4 × 3" in (image_problem(_png(4, 3)) or "")


@pytest.mark.parametrize(
    ("name", "make"),
    [
        pytest.param("bomb.svg", lambda path: path.write_bytes(_fan_out_svg()), id="svg fan-out"),
        pytest.param(
            "huge.png",
            lambda path: path.write_bytes(_png(30000, 30000, pixels=False)),
            id="png header 30000x30000",
        ),
        pytest.param(
            "sparse.png",
            lambda path: _sparse(path, 3 << 30),
            id="sparse 3 GB file",
        ),
        pytest.param(
            "corrupt.png",
            lambda path: path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not an image" * 10),
            id="corrupt png",
        ),
    ],
)
def test_a_statement_image_that_cannot_be_shown_is_an_error(
    tmp_path: Path, name: str, make: object
) -> None:
    make(tmp_path / name)  # type: ignore[operator]
    source = _statement(tmp_path, f"A picture: ![the picture]({name})\n\nAnd text after it.")
    before = {path.name: path.stat().st_size for path in tmp_path.iterdir()}
    result = run_bounded("render", source, cwd=tmp_path)
    assert_refused(result, mentions=name)
    assert {path.name: path.stat().st_size for path in tmp_path.iterdir()} == before
    assert result.seconds < 20


def test_a_template_image_that_cannot_be_shown_is_a_short_warning(tmp_path: Path) -> None:
    """A template's decoration that fails is a warning naming it, never megabytes of URL —
    even when the template's folder lies inside the statement's."""
    template = tmp_path / "statement" / "noisy"
    template.mkdir(parents=True)
    (template / "manifest.toml").write_text(
        'name = "noisy"\ndescription = "a broken background"\nfonts = ["Noto Serif"]\n',
        encoding="utf-8",
    )
    blob = "A" * (20 << 20)
    (template / "style.css").write_text(
        f'.lead {{ background: url("data:image/png;base64,{blob}"); }}\n'
        '.masthead { background: url("broken.png"); }\n',
        encoding="utf-8",
    )
    (template / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nbroken")
    source = _statement(tmp_path / "statement", "Some text.")
    output = tmp_path / "out.pdf"
    # A page budget: several layout passes, each failing to load the images again.
    args = ("render", source, "-t", template, "--pages", "1", "-o", output)
    result = run_bounded(*args, cwd=tmp_path)
    assert result.code == 0, result.err[-2000:]
    lines = result.err.splitlines()
    assert len(lines) == len(set(lines)), lines  # each told once
    assert lines and all(line.startswith("leaflet: warning: ") for line in lines), lines
    assert all(len(line) < 400 for line in lines), [len(line) for line in lines]
    assert any("broken.png" in line for line in lines), lines
    assert any("data:image/png;base64,AAAA" in line for line in lines), lines


# --- same input, same bytes, wherever it lies --------------------------------------------------


def test_same_bytes_from_another_folder(tmp_path: Path) -> None:
    first = tmp_path / "first"
    _statement(first, "Text and a picture: ![grey](pictures/grey.png)\n\nMore text.")
    (first / "pictures").mkdir()
    (first / "pictures" / "grey.png").write_bytes(_png(8, 8))
    second = tmp_path / "elsewhere" / "deeper" / "second"
    shutil.copytree(first, second)
    outputs = []
    for folder in (first, second):
        output = folder / "out.pdf"
        result = run_cli("render", folder / "statement.md", "-t", "bold", "-o", output)
        assert result.code == 0, result.err
        outputs.append(output.read_bytes())
    assert outputs[0] == outputs[1]
    assert len(pdf_reader(outputs[0]).pages[0]["/Resources"]["/XObject"]) == 1  # the picture


def test_same_bytes_with_leaflet_installed_elsewhere(tmp_path: Path) -> None:
    """A copy of the package at another path (and another second on the clock: fonts that
    fontTools rewrites must not carry the time) gives the same PDF, PDF/X-4 included."""
    copy = tmp_path / "site" / "packages"
    shutil.copytree(PACKAGE_DIR, copy / "leaflet", ignore=shutil.ignore_patterns("__pycache__"))
    source = EXAMPLES / "en-free-transit.md"
    outputs = []
    for path in (PACKAGE_DIR.parent, copy):
        output = tmp_path / f"{len(outputs)}.pdf"
        args = ["render", source, "-t", "bold", "--pdf-variant", "pdf/x-4", "-o", output]
        done = subprocess.run(
            [sys.executable, "-m", "leaflet", *map(str, args)],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(path)},
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        outputs.append(output.read_bytes())
        time.sleep(1.1)
    assert outputs[0] == outputs[1]


def test_rewritten_fonts_carry_no_clock(tmp_path: Path) -> None:
    from fontTools.ttLib import TTFont

    statement = load_statement(EXAMPLES / "en-free-transit.md")
    result = render_statement(statement, RenderOptions(template="bold"))
    reader = pdf_reader(result.pdf)
    checked = 0
    for number in range(1, int(reader.trailer["/Size"])):
        pdf_object = reader.get_object(number)
        if hasattr(pdf_object, "get_data") and "/Length1" in pdf_object:
            # checkChecksums=2: a patched date must leave every checksum right.
            head = TTFont(io.BytesIO(pdf_object.get_data()), checkChecksums=2)["head"]
            assert head.modified == head.created
            checked += 1
    assert checked >= 3  # Oswald (variable, instanced by fontTools) and Fira Sans


# --- budgets, time limits, side effects --------------------------------------------------------


def test_an_absurd_page_budget_is_refused(tmp_path: Path) -> None:
    source = _statement(tmp_path, "Short text.")
    result = run_cli("render", source, "--pages", "100000", "-o", tmp_path / "out.pdf")
    assert_refused(result, mentions=f"at most {MAX_PAGES} pages")
    assert not (tmp_path / "out.pdf").exists()


def test_a_budget_the_text_cannot_fill_says_so(tmp_path: Path) -> None:
    source = _statement(tmp_path, "Short text.")
    result = run_cli("render", source, "--pages", "5", "-o", tmp_path / "out.pdf")
    assert result.code == 0, result.err
    assert "fills only 1 page" in result.err


def test_the_watchdog_stops_busy_python() -> None:
    started = time.monotonic()
    with pytest.raises(RenderTimeout, match="too slow"), time_limit(0.05, "too slow"):
        while True:
            sum(range(100))
    assert time.monotonic() - started < 2
    with time_limit(0.05, "never"):
        pass
    time.sleep(0.1)  # a cancelled watchdog never fires later


def test_a_render_past_its_time_limit_is_stopped(tmp_path: Path) -> None:
    """In a process of its own, as a server would run it: the interrupt may land anywhere in
    WeasyPrint (even while it writes a font file), which leaves nothing for the next render."""
    body = "\n\n".join(f"Paragraph {n} " + "word " * 200 for n in range(200))
    source = tmp_path / "statement.md"
    source.write_text(FRONT + body, encoding="utf-8")
    output = tmp_path / "out.pdf"
    result = run_bounded("--time-limit", "0.05", "render", source, "-o", output, cwd=tmp_path)
    assert_refused(result, mentions="rendering took longer than 0.05 s; raise it with --time-limit")
    assert result.seconds < 10
    assert not output.exists()


def test_rendering_changes_nothing_process_wide() -> None:
    """Importing and rendering (PDF/X-4 too) leaves the environment and WeasyPrint as they were."""
    script = """
import os, uuid
before = dict(os.environ)
import leaflet.render
import weasyprint.pdf.metadata as metadata
assert dict(os.environ) == before, set(os.environ.items()) ^ set(before.items())
from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import parse_statement
render_statement(parse_statement("---\\ntitle: T\\n---\\n\\nText."),
                 RenderOptions(pdf_variant="pdf/x-4", template="bold"))
assert dict(os.environ) == before
assert metadata.uuid4 is uuid.uuid4
"""
    env = {key: value for key, value in os.environ.items() if key != "SOURCE_DATE_EPOCH"}
    env.pop("FONTCONFIG_FILE", None)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, timeout=120, env=env, check=False
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
