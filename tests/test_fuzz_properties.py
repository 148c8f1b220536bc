"""Property tests over the whole command line: random bytes and random Markdown given to
``render``, ``import`` and ``check`` may only succeed or be refused with one clear line.

A refusal must be a reasoned one (a :class:`LeafletError`): the command line's last-resort guard
("unexpected failure") counts as a failure here, since it means an input reached a code path
that did not expect it.  A render that succeeds must keep every word of the statement.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import CliResult, assert_refused, joined_text, run_cli

_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _fresh(tmp_path: Path) -> Path:
    """A new folder for each example (hypothesis runs every example with the same tmp_path)."""
    return Path(tempfile.mkdtemp(dir=tmp_path))


def _succeeded_or_refused(result: CliResult) -> None:
    if result.code == 0:
        assert "Traceback" not in result.err
        assert "leaflet: error:" not in result.err
        return
    assert_refused(result)
    assert "unexpected failure" not in result.err, result.err


# --- random bytes --------------------------------------------------------------------------

_BYTES = st.one_of(
    st.binary(max_size=3000),
    st.binary(max_size=200).map(lambda tail: b"%PDF-1.7\n" + tail),
    st.binary(max_size=200).map(lambda tail: b"PK\x03\x04" + tail),
    st.binary(max_size=300).map(lambda tail: b"---\ntitle: x\n---\n" + tail),
)


@_SETTINGS
@given(data=_BYTES, suffix=st.sampled_from([".md", ".txt", ".html", ".docx", ".pdf"]))
def test_random_bytes_are_read_or_refused(tmp_path: Path, data: bytes, suffix: str) -> None:
    tmp_path = _fresh(tmp_path)
    source = tmp_path / f"input{suffix}"
    source.write_bytes(data)
    output = tmp_path / "out"
    if suffix == ".pdf":
        result = run_cli("check", source)
        assert result.code in (0, 1) or result.code == 2, result.err
        if result.code == 2:
            _succeeded_or_refused(result)
        for name, args in (("impose", ("--layout", "saddle")),):
            result = run_cli(name, source, *args, "-o", output.with_suffix(".pdf"))
            _succeeded_or_refused(result)
    elif suffix == ".md":
        _succeeded_or_refused(run_cli("render", source, "-f", "a5", "-o", output))
    else:
        _succeeded_or_refused(run_cli("import", source, "-o", output.with_suffix(".md")))
    assert source.read_bytes() == data


# --- random statements ---------------------------------------------------------------------

_WORD = st.sampled_from(
    ["strike", "Union", "rent", "huelga", "grève", "страйк", "Солідарність", "δίκαιο", "wage", "42"]
)
_SENTENCE = st.lists(_WORD, min_size=1, max_size=8).map(" ".join)
_MARKUP = st.sampled_from(
    ["", "*", "**", "_", "`", "[^a]", "[^b]", "<b>", "</i>", "&amp;", "\\", "«", '"', "'", "—"]
)
_INLINE = st.builds(lambda a, s, b: f"{a}{s}{b}", _MARKUP, _SENTENCE, _MARKUP)
_BLOCK = st.one_of(
    _INLINE,
    _INLINE.map(lambda text: "## " + text),
    st.builds(lambda depth, text: "  " * depth + "- " + text, st.integers(0, 6), _INLINE),
    st.builds(lambda depth, text: "> " * depth + text, st.integers(1, 6), _INLINE),
    _INLINE.map(lambda text: "1. " + text),
    _INLINE.map(lambda text: "[^a]: " + text),
    _INLINE.map(lambda text: "[^b]: " + text),
    st.just("![photo](фото 1.png)"),
    st.just("<script>alert(1)</script>"),
    st.just("```\ncode\n```"),
    st.just("---"),
    st.just("https://example.org/" + "a" * 300),
)
_FRONT = st.fixed_dictionaries(
    {"title": _SENTENCE},
    optional={
        "date": st.sampled_from(["2025-03-14", "2024-07-23", "2025-02-30", "tomorrow", "9" * 5000]),
        "lang": st.sampled_from(["en", "uk", "es", "el", "fr", "xx", "en\nx: y"]),
        "slogans": st.lists(_SENTENCE, max_size=3),
        "accent": st.sampled_from(["#c8102e", "red", "url(x)", "#12"]),
    },
)


def _front_matter(fields: dict[str, object]) -> str:
    lines = []
    for key, value in fields.items():
        if isinstance(value, list):
            lines.append(f"{key}:")
            lines.extend(f'  - "{item}"' for item in value)
        else:
            lines.append(f"{key}: {value!s}" if key != "title" else f'{key}: "{value}"')
    return "---\n" + "\n".join(lines) + "\n---\n\n"


_WORDS = re.compile(r"[^\W\d_]{4,}")


@_SETTINGS
@given(fields=_FRONT, blocks=st.lists(_BLOCK, min_size=1, max_size=12), notes=st.booleans())
def test_random_statements_render_every_word_or_are_refused(
    tmp_path: Path, fields: dict[str, object], blocks: list[str], notes: bool
) -> None:
    tmp_path = _fresh(tmp_path)
    if notes:  # most statements define the notes they cite
        blocks = [*blocks, "[^a]: Source one", "[^b]: Source two"]
    text = _front_matter(fields) + "\n\n".join(blocks) + "\n"
    source = tmp_path / "statement.md"
    source.write_text(text, encoding="utf-8")
    output = tmp_path / "out.pdf"
    result = run_cli("render", source, "-f", "a5", "-o", output)
    event(f"exit {result.code}")
    _succeeded_or_refused(result)
    assert source.read_text(encoding="utf-8") == text
    if result.code != 0:
        assert not output.exists()
        return
    body = "\n".join(block for block in blocks if not block.startswith(("<script", "![")))
    expected = {word for word in _WORDS.findall(body) if word not in ("script", "alert")}
    printed = joined_text(output).casefold()  # notes move to the end: look for each word
    assert not {word for word in expected if word.casefold() not in printed}, text


@pytest.mark.parametrize("command", ["render", "import", "check", "impose", "inspect"])
def test_a_missing_input_is_one_line(tmp_path: Path, command: str) -> None:
    args = ["--layout", "saddle"] if command == "impose" else []
    assert_refused(run_cli(command, tmp_path / "missing.pdf", *args), mentions="missing.pdf")
