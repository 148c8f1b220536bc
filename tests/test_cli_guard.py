"""The command line's last-resort guard and the run's limits (``--max-size``, ``--time-limit``)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

import pytest

from leaflet import cli
from leaflet.commands import formats_cmd
from leaflet.limits import DEFAULT_LIMITS, Limits, current_limits, parse_size

from conftest import EXAMPLES, assert_refused, run_cli


def _crashing(args: argparse.Namespace, stdout: TextIO) -> int:
    raise RuntimeError("boom\nsecond line " + "x" * 5000)


def test_an_unexpected_exception_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats_cmd, "run", _crashing)
    result = run_cli("formats")
    assert_refused(result, mentions="unexpected failure (RuntimeError: boom second line")
    assert len(result.err) < 600


def test_debug_shows_the_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats_cmd, "run", _crashing)
    with pytest.raises(RuntimeError):
        run_cli("--debug", "formats")


def test_limits_are_in_force_for_the_run_only(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Limits] = []

    def record(args: argparse.Namespace, stdout: TextIO) -> int:
        seen.append(current_limits())
        return 0

    monkeypatch.setattr(formats_cmd, "run", record)
    assert run_cli("--max-size", "50MB", "--time-limit", "7", "formats").code == 0
    assert seen[0].statement_bytes == seen[0].pdf_bytes == 50 << 20
    assert seen[0].unpacked_bytes == 250 << 20
    assert seen[0].render_seconds == 7
    assert current_limits() == DEFAULT_LIMITS
    assert run_cli("formats").code == 0
    assert seen[1] == DEFAULT_LIMITS


@pytest.mark.parametrize("bad", ["0", "lots", "-3MB", "5XB"])
def test_a_bad_size_names_its_option(bad: str) -> None:
    assert_refused(run_cli("--max-size", bad, "formats"), mentions="--max-size")


@pytest.mark.parametrize("bad", ["0", "soon", "nan", "-1"])
def test_a_bad_time_limit_names_its_option(bad: str) -> None:
    assert_refused(run_cli("--time-limit", bad, "formats"), mentions="--time-limit")


@pytest.mark.parametrize(
    ("text", "size"), [("512", 512), ("2k", 2048), ("1.5MB", 3 << 19), ("1GiB", 1 << 30)]
)
def test_sizes_read_as_typed(text: str, size: int) -> None:
    assert parse_size(text) == size


def test_a_long_warning_is_shortened_to_one_line() -> None:
    import io
    import logging

    stream = io.StringIO()
    handler = cli._StderrHandler(stream)
    handler.emit(logging.makeLogRecord({"msg": "data:" + "A" * 20_000 + "\nmore", "args": ()}))
    line = stream.getvalue()
    assert line.count("\n") == 1 and len(line) < 1100


def test_other_libraries_warnings_are_leaflet_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    import warnings

    def warn(args: argparse.Namespace, stdout: TextIO) -> int:
        warnings.warn("a library speaks\nover two lines", UserWarning, stacklevel=1)
        return 0

    monkeypatch.setattr(formats_cmd, "run", warn)
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        result = run_cli("formats")
    assert result.code == 0
    assert result.err == "leaflet: warning: a library speaks over two lines\n"


def test_new_refuses_an_empty_folder_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert_refused(run_cli("new", ""), mentions="folder name is empty")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("bleed", ["21mm", "500mm", "2in"])
def test_a_bleed_no_shop_asks_for_is_refused(tmp_path: Path, bleed: str) -> None:
    output = tmp_path / "out.pdf"
    result = run_cli("render", EXAMPLES / "es-vivienda.md", "--bleed", bleed, "-o", output)
    assert_refused(result, mentions="is more than any print shop asks for (at most 20mm")
    assert not output.exists()


def test_a_reader_that_goes_away_ends_the_run_quietly(tmp_path: Path) -> None:
    """``leaflet inspect | head``: no traceback and no error line when the pipe closes."""
    import subprocess
    import sys

    source = tmp_path / "statement.md"
    source.write_text("---\ntitle: Long\n---\n\n" + "Words in a row. " * 40_000, encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "leaflet", "inspect", str(source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(10)
    process.stdout.close()
    assert process.wait(timeout=60) == 141
    with process.stderr:
        assert process.stderr.read() == b""
