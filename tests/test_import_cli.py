"""``leaflet import`` on the command line, run in-process: outputs, report, errors, exit codes."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from leaflet.cli import main

from conftest import assert_refused, run_bounded, run_cli

STATEMENT = """\
5 May 2025

Hands off our parks! The city wants to sell them.

The council plans to sell three parks to developers, the report says.1 We will not let it.

1. Council minutes, 2 May: https://example.org/minutes
2. Another source, never cited.
"""


def run(*argv: str) -> tuple[int, str, str]:
    result = run_cli("import", *argv)
    return result.code, result.out, result.err


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "parks.txt"
    path.write_text(STATEMENT, encoding="utf-8")
    return path


def test_output_file_and_report(source: Path, tmp_path: Path) -> None:
    output = tmp_path / "statement.md"
    code, out, err = run(str(source), "-o", str(output))
    assert code == 0
    text = output.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Hands off our parks!\n")
    assert "the report says.[^1] We will not" in text
    assert out.splitlines()[0] == f"wrote {output}"
    assert "  2 notes, 1 referenced (never referenced: 2)" in out
    assert "check these guesses:" in out
    assert "decisions:" not in out
    assert err == (
        f"leaflet: warning: {source}:8: note 2 is never referenced; add [^2] where it belongs\n"
    )
    assert {p.name for p in tmp_path.iterdir()} == {"parks.txt", "statement.md"}


def test_without_output_markdown_goes_to_stdout(source: Path) -> None:
    code, out, report = run(str(source), "--explain")
    assert code == 0
    assert out.startswith("---\ntitle: Hands off our parks!\n")
    assert "  title: Hands off our parks!" in report
    assert "decisions:" in report
    assert "first paragraph: the lead" in report


def _stdin(data: bytes) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")


def test_stdin_beyond_the_size_limit_is_refused_unread() -> None:
    result = run_bounded("--max-size", "1MB", "import", "-", stdin=b"word " * 300_000)
    assert_refused(result, mentions="<stdin>: more than 1 MB of text (raise it with --max-size)")


def test_stdin_that_is_not_utf8_is_one_line() -> None:
    assert_refused(run_bounded("import", "-", stdin=b"caf\xe9\n"), mentions="not UTF-8")


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", _stdin(STATEMENT.encode("utf-8")))
    code, out, _ = run("-")
    assert code == 0
    assert "date: 2025-05-05" in out


def test_stdin_html(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    page = "<!DOCTYPE html><html><body><h1>Parks for all</h1><p>Keep them open.</p></body></html>"
    monkeypatch.setattr("sys.stdin", _stdin(page.encode("utf-8")))
    code, out, _ = run("-")
    assert code == 0
    assert "title: Parks for all" in out
    assert "<" not in out


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.txt", None, "missing.txt: no such file"),
        ("latin1.txt", "Title\n\ncaf\xe9\n".encode("latin-1"), "latin1.txt:3: not UTF-8 text"),
        ("empty.txt", b"  \n\n", "empty.txt: the input is empty"),
        ("scan.pdf", b"%PDF-1.7", "cannot import '.pdf' files"),
    ],
)
def test_bad_input_fails_cleanly(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    output = tmp_path / "out.md"
    code, out, err = run(str(path), "-o", str(output))
    assert code == 2
    assert out == ""
    assert err.startswith("leaflet: error: ")
    assert message in err
    assert len(err.splitlines()) == 1
    assert not output.exists()


def test_failure_keeps_previous_output(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    output = tmp_path / "statement.md"
    output.write_text("a good statement\n", encoding="utf-8")
    code, _, _ = run(str(empty), "-o", str(output))
    assert code == 2
    assert output.read_text(encoding="utf-8") == "a good statement\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.txt", "statement.md"]


def test_refuses_to_overwrite_its_input(source: Path) -> None:
    code, _, err = run(str(source), "-o", str(source))
    assert code == 2
    assert "would overwrite the input" in err
    assert source.read_text(encoding="utf-8") == STATEMENT


def test_output_folder_must_exist(source: Path, tmp_path: Path) -> None:
    code, _, err = run(str(source), "-o", str(tmp_path / "nowhere" / "out.md"))
    assert code == 2
    assert "does not exist" in err


def test_help_is_the_module_docstring(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["import", "--help"], stdout=io.StringIO(), stderr=io.StringIO())
    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    assert "Turn a pasted statement (plain text, a saved web page, a .docx)" in help_text
    assert "--explain" in help_text
