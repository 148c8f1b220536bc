"""Hostile and careless statement sources: nothing is lost silently, nothing hangs, no input
ends in a traceback.  Every input is generated here."""

from __future__ import annotations

import logging
import os
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from PIL import Image

from leaflet import source
from leaflet.errors import SourceError
from leaflet.model import Block, Note
from leaflet.source import load_statement, parse_statement, read_utf8, written_words

from conftest import assert_refused, pdf_reader, run_bounded, run_cli

HEAD = "---\ntitle: Hardening\n---\n\nThe lead paragraph.\n\n"


def write(folder: Path, text: str, name: str = "statement.md") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def assert_refused_untouched(folder: Path, statement: Path, result: object, mentions: str) -> None:
    """Refused with one error line naming *mentions*; no PDF written; the source unchanged."""
    before = statement.read_bytes()
    assert_refused(result, mentions=mentions)  # type: ignore[arg-type]
    assert not list(folder.glob("*.pdf"))
    assert statement.read_bytes() == before


# --- nesting: an error with its line, never a silent cut -----------------------------------------


def nested_list(depth: int) -> str:
    items = "".join("  " * level + f"- level {level}\n" for level in range(depth))
    return HEAD + items + "\n## Later heading\n\nThe closing paragraph.\n"


def nested_quotes(depth: int) -> str:
    return HEAD + "> " * depth + "deep words\n\n## Later heading\n\nThe closing paragraph.\n"


@pytest.mark.parametrize(
    ("text", "line", "mentions"),
    [
        (nested_list(10), 12, "lists are nested more than 5 deep"),
        (nested_quotes(25), 7, "quotes are nested more than 3 deep"),
    ],
    ids=["list-10", "quotes-25"],
)
def test_deep_nesting_is_refused_with_its_line(
    tmp_path: Path, text: str, line: int, mentions: str
) -> None:
    statement = write(tmp_path, text)
    result = run_cli("render", statement, "-f", "a5", "-o", tmp_path / "out.pdf")
    assert_refused_untouched(tmp_path, statement, result, f"{statement}:{line}: {mentions}")


def test_nesting_the_layouts_show_is_kept_whole() -> None:
    statement = parse_statement(nested_list(5))
    assert "closing" in statement.words() and "4" in statement.words()
    mixed = HEAD + "> - > - quoted list\n\nThe closing paragraph.\n"
    assert "closing" in parse_statement(mixed).words()


def test_lists_and_quotes_together_count() -> None:
    text = HEAD + "> > > - - - - too deep\n"
    with pytest.raises(SourceError, match=r":7: lists and quotes together are nested more"):
        parse_statement(text, Path("mix.md"))


# --- the independent word guard ----------------------------------------------------------------


def test_text_cut_by_markdown_it_is_caught_by_the_word_guard(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without leaflet's own nesting check, markdown-it cuts the text at its nesting limit
    and says nothing: the independent reading of the words still refuses it."""
    monkeypatch.setattr(source._BodyParser, "_check_nesting", lambda self, tokens: None)
    text = nested_quotes(source.MAX_NESTING + 8)
    with pytest.raises(SourceError) as caught:
        parse_statement(text, Path("cut.md"))
    message = str(caught.value)
    assert message.startswith("cut.md:7: text would be lost")
    assert "('deep', 'words')" in message


def drop_last_block(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the parser lose its last block without a word, as a buggy one would."""
    parse = source._BodyParser.parse

    def dropping(self: source._BodyParser, body: str) -> tuple[list[Block], tuple[Note, ...]]:
        blocks, notes = parse(self, body)
        return blocks[:-1], notes

    monkeypatch.setattr(source._BodyParser, "parse", dropping)


def test_a_parser_that_drops_text_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    drop_last_block(monkeypatch)
    text = HEAD + "## Section\n\nKept words.\n\nVanishing sentence here.\n"
    with pytest.raises(SourceError) as caught:
        parse_statement(text, Path("drop.md"))
    assert str(caught.value).startswith("drop.md:11: text would be lost")
    assert "'Vanishing'" in str(caught.value)


@pytest.mark.parametrize(
    "body",
    [
        '**a**b**c** `co`de caf*é* snake_case [link](https://example.org/x "Title")tail',
        'Call[^n] and a [reference][ref] link.\n\n[ref]: https://example.org "not printed"\n\n'
        "[^n]: The note, with https://example.org/%D1%84 and caf&eacute; and &amp; and (c).",
        "<div>\n<p>one</p><p>two</p>\n</div>\n\nSome <b>bold</b> and <!-- hidden --> words.\n\n"
        "<script>var gone = 1;</script>\n",
        "```python\ncode kept\n```\n\n1. first\n2. second\n   - nested\n\n> quoted\n\n"
        "![described](missing.png) <https://example.org/auto> www.example.org\n",
        "Quotes 'single' \"double\" «guillemets» it's 5' 6\" tall -- and --- dashes...",
        '<h1 align="center">\n<img src="logo.svg" width="300">\n</h1><br>\n\n'
        "[![Badge words](https://img.example/badge.svg?label=a%20b)](\nhttps://example.org)\n"
        "See [the tracker][t].\n\n[t]:\n  https://example.org/issues\n  'A title'\n",
    ],
)
def test_ordinary_markdown_passes_the_guard(body: str) -> None:
    statement = parse_statement(HEAD + body + "\n")
    printed = re.sub(r"\s+", "", "".join(statement.texts())).casefold()
    written = written_words(HEAD + body)
    assert written and all(word.casefold() in printed for word in written)


def test_written_words_leave_out_what_is_never_printed() -> None:
    text = (
        "---\ntitle: Front matter words\n---\n\n"
        'Body[^label] [text](https://hidden.example/path "hidden title") <span class=hidden>'
        "shown</span>\n\n```hiddeninfo\ncode\n```\n\n[ref]: https://hidden.example\n"
    )
    assert written_words(text) == ["Body", "text", "shown", "code"]


# --- notes ---------------------------------------------------------------------------------------


def test_duplicate_note_labels_name_both_lines(tmp_path: Path) -> None:
    text = HEAD + "A call.[^a]\n\n[^a]: First note.\n\n[^a]: Second note.\n"
    statement = write(tmp_path, text)
    result = run_cli("render", statement, "-o", tmp_path / "out.pdf")
    assert_refused_untouched(tmp_path, statement, result, "defined twice, on lines 9 and 11")
    assert f"{statement}:11:" in result.err


# --- linear time ---------------------------------------------------------------------------------

MIXED_QUOTES = "\"'«»„“”‘’‚"


def hostile(kind: str, size: int) -> str:
    if kind == "note-calls":
        body = "[^" * (size // 2)
    elif kind == "quotes":
        randomly = random.Random(7)
        body = "".join(randomly.choice(MIXED_QUOTES + "ab ") for _ in range(size // 2))
        body += "\"a' " * (size // 8)
    elif kind == "images":
        body = "![" * (size // 2)
    else:
        body = "<http://" * (size // 8)
    return HEAD + body + "\n"


@pytest.mark.parametrize(
    ("kind", "size"),
    [
        ("note-calls", 40_000),
        ("note-calls", 200_000),
        ("quotes", 250_000),
        ("images", 200_000),
        ("links", 200_000),
    ],
)
def test_hostile_inline_text_parses_in_bounded_time(tmp_path: Path, kind: str, size: int) -> None:
    statement = write(tmp_path, hostile(kind, size))
    result = run_bounded("inspect", statement, cwd=tmp_path, timeout=20)
    assert result.code == 0, result.err[-500:]
    assert "Traceback" not in result.err


def test_ordinary_prose_at_the_size_limit_parses_in_seconds(tmp_path: Path) -> None:
    paragraph = (
        'Workers demand "free" transit -- and it\'s *time* we won it.[^1] See '
        'https://example.org/a or [the plan](https://example.org/plan "Plan"). '
    ) * 4
    section = f"## Section\n\n{paragraph}\n\n- a demand\n- another one\n\n> a quote\n\n"
    count = (2 * 1024 * 1024 - 2000) // len(section.encode())
    statement = write(tmp_path, HEAD + section * count + "[^1]: A note.\n")
    result = run_bounded("inspect", statement, cwd=tmp_path, timeout=20)
    assert result.code == 0, result.err[-500:]


def stock_markdown(quotes: str) -> MarkdownIt:
    """markdown-it as leaflet configures it, with the library's own (quadratic) rules."""
    md = MarkdownIt(
        "commonmark", {"linkify": True, "typographer": True, "quotes": quotes, "html": True}
    )
    md.enable(["linkify", "replacements", "smartquotes"])
    md.use(footnote_plugin, inline=False, move_to_end=False, always_match_refs=True)
    return md


def token_dump(md: MarkdownIt, text: str) -> list[object]:
    return [
        (t.type, t.content, t.map, [(c.type, c.content, c.attrs, c.meta) for c in t.children or []])
        for t in md.parse(text, {})
    ]


PIECES = [*"aab c1\"'\"'*_`[]^()!<>.:-«»„’\\", "\n", "\n\n", "[^n]", "> ", "- ", "&amp;"]
PIECES += ["http://x.org/a", " www.example.com "]


@pytest.mark.parametrize(("lang", "quotes"), [("en", "“”‘’"), ("uk", "«»„“"), ("de", "„“‚‘")])
def test_linear_rules_give_the_librarys_tokens(lang: str, quotes: str) -> None:
    """On random text, leaflet's linear-time rules (notes, quotes, links) make the same tokens
    as the library's own, except for note labels holding '[' (no longer labels)."""
    randomly = random.Random(lang)
    ours, theirs = source._markdown(lang), stock_markdown(quotes)
    compared = 0
    while compared < 1500:
        text = "".join(randomly.choice(PIECES) for _ in range(randomly.randint(1, 50)))
        if re.search(r"\[\^[^\]\s]*\[", text):
            continue
        assert token_dump(ours, text) == token_dump(theirs, text), text
        compared += 1


# --- front matter --------------------------------------------------------------------------------


def alias_bomb(key: str) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in "bcdefghi":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "---\n" + "\n".join(lines) + f"\n{key}: *i\n---\n\nBody.\n"


@pytest.mark.parametrize("key", ["title", "slogans"])
def test_yaml_alias_bomb_is_refused_briefly(tmp_path: Path, key: str) -> None:
    statement = write(tmp_path, alias_bomb(key))
    result = run_bounded("render", statement, "-o", tmp_path / "out.pdf", cwd=tmp_path)
    assert_refused_untouched(tmp_path, statement, result, f"{statement}:2: ")
    assert "anchor or alias" in result.err
    assert len(result.err) < 2000


@pytest.mark.parametrize(
    ("line", "mentions"),
    [
        ("date: 2025-02-30", "'date' must be a real date written YYYY-MM-DD, not '2025-02-30'"),
        ("subtitle: " + "7" * 5000, "'subtitle' holds a number too long to read"),
        ("author: 0x" + "f" * 5000, "'author' holds a number too long to read"),
        ("slogans: [" + "9" * 5000 + "]", "'slogans' holds a number too long to read"),
        ("date: 2025-13-01", "'date' must be a real date"),
        ("subtitle: 2025-02-30", "'subtitle': '2025-02-30' is not a real date"),
    ],
    ids=["impossible-date", "digits", "hex", "list", "month-13", "date-as-text"],
)
def test_values_yaml_cannot_build_are_errors_with_the_line(
    tmp_path: Path, line: str, mentions: str
) -> None:
    statement = write(tmp_path, f"---\ntitle: T\n{line}\n---\n\nBody.\n")
    result = run_cli("render", statement, "-o", tmp_path / "out.pdf")
    assert_refused_untouched(tmp_path, statement, result, f"{statement}:3: {mentions}")
    assert len(result.err) < 400


def test_values_in_messages_are_shortened() -> None:
    with pytest.raises(SourceError) as caught:
        parse_statement("---\ntitle: T\nlang: " + "x" * 100_000 + "\n---\n")
    assert len(str(caught.value)) < 300 and "…" in str(caught.value)
    with pytest.raises(SourceError) as caught:
        parse_statement("---\ntitle: T\ndate: [" + "1, " * 50_000 + "1]\n---\n")
    assert "a list of 50001 items" in str(caught.value)


def test_overlong_values_are_refused() -> None:
    with pytest.raises(SourceError, match=r"t.md:2: 'title' is 999999 characters long"):
        parse_statement("---\ntitle: " + "word " * 200_000 + "\n---\n\nBody.\n", "t.md")
    slogans = "\n".join(f"  - slogan {n}" for n in range(500))
    with pytest.raises(SourceError, match="'slogans' has 500 items"):
        parse_statement(f"---\ntitle: T\nslogans:\n{slogans}\n---\n\nBody.\n")


# --- images with names markdown-it percent-encodes -----------------------------------------------


def png(path: Path, size: int) -> None:
    Image.new("RGB", (size, size), (200, 16, 46)).save(path)


IMAGE_NAMES = {"фото.png": 11, "εικόνα.png": 13, "my photo.png": 17, "other photo.png": 19}


def test_images_named_in_any_script_or_with_spaces_render(tmp_path: Path) -> None:
    for name, size in IMAGE_NAMES.items():
        png(tmp_path / name, size)
    body = "![Cyrillic](фото.png) ![Greek](εικόνα.png) ![spaces](my%20photo.png) "
    body += "![angle](<other photo.png>)\n"
    statement = write(tmp_path, HEAD + body)
    result = run_cli("render", statement, "-f", "a5", "-o", tmp_path / "out.pdf")
    assert result.code == 0, result.err
    assert "warning" not in result.err
    widths: set[int] = set()
    for page in pdf_reader(tmp_path / "out.pdf").pages:
        collect_image_widths(page["/Resources"], widths)
    assert set(IMAGE_NAMES.values()) <= widths


def collect_image_widths(resources: Any, widths: set[int]) -> None:
    """Widths of the image XObjects in *resources*, inside Form XObjects too."""
    for ref in resources.get_object().get("/XObject", {}).values():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Image":
            widths.add(int(xobject["/Width"]))
        elif "/Resources" in xobject:
            collect_image_widths(xobject["/Resources"], widths)


def test_decoded_image_paths_stay_in_the_folder(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "statement"
    folder.mkdir()
    png(tmp_path / "outside.png", 5)
    (folder / "link.png").symlink_to(tmp_path / "outside.png")
    body = "![a](..%2Foutside.png) ![b](%2E%2E/outside.png) ![c](link.png) ![d](%00.png)\n"
    with caplog.at_level(logging.WARNING, logger="leaflet"):
        statement = parse_statement(HEAD + body, folder / "statement.md")
    html = "".join(block.content.html for block in statement.blocks)  # type: ignore[union-attr]
    assert "<img" not in html
    assert (
        sum("not a file in the statement's folder" in r.getMessage() for r in caplog.records) == 4
    )


# --- reading files -------------------------------------------------------------------------------


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "statement.md"
    os.mkfifo(path)
    yield path


def test_special_files_are_refused_without_reading(tmp_path: Path, fifo: Path) -> None:
    for path, mentions in (
        (fifo, "is not a regular file"),
        (Path("/dev/zero"), "is not a regular file"),
        (tmp_path, "is a folder"),
    ):
        result = run_bounded("inspect", path, cwd=tmp_path, timeout=10)
        assert_refused(result, mentions=f"{path}: {mentions}")
        assert result.seconds < 10


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    statement = write(tmp_path, HEAD + "word " * (2 * 1024 * 1024 // 5 + 10))
    result = run_bounded("render", statement, "-o", tmp_path / "out.pdf", cwd=tmp_path)
    size = statement.stat().st_size
    assert_refused_untouched(
        tmp_path,
        statement,
        result,
        f"{statement}: the file is {size} bytes, over the limit of 2 MB (2097152 bytes) "
        "(raise it with --max-size)",
    )


def test_read_utf8_reads_no_more_than_its_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "x" * 100, "notes.txt")
    assert read_utf8(path, limit=100) == "x" * 100
    with pytest.raises(SourceError, match="the file is 101 bytes, over the limit of 100 bytes"):
        write(tmp_path, "x" * 101, "notes.txt")
        read_utf8(path, limit=100)


# --- leaflet check --source reads the source itself ----------------------------------------------


def test_check_source_finds_text_the_parser_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A parser that loses text makes a PDF without it *and* a model without it: check must
    compare the PDF with the source as written, not with that model."""
    drop_last_block(monkeypatch)
    monkeypatch.setattr(source, "_check_nothing_lost", lambda *args: None, raising=False)
    text = HEAD + "## Section\n\nKept words.\n\nPlatypuses vanish here.\n"
    statement = write(tmp_path, text)
    assert run_cli("render", statement, "-f", "a5", "-o", tmp_path / "out.pdf").code == 0
    result = run_cli("check", tmp_path / "out.pdf", "--source", statement)
    assert result.code == 1, result.out
    assert re.search(
        r"problem: \d+ words of the statement are not in the text: Platypuses", result.out
    )


def test_check_source_passes_a_faithful_pdf(tmp_path: Path) -> None:
    text = HEAD + "## Section\n\nKept **bold**words and caf*é* [a link](https://example.org).\n"
    statement = write(tmp_path, text)
    assert run_cli("render", statement, "-f", "a5", "-o", tmp_path / "out.pdf").code == 0
    result = run_cli("check", tmp_path / "out.pdf", "--source", statement)
    assert result.code == 0, result.out


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_file_with_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    text = HEAD + "Солідарність — ünïcödé text.\n"
    path = tmp_path / "statement.md"
    data = text.encode(encoding)
    path.write_bytes(data if data.startswith((b"\xff\xfe", b"\xfe\xff")) else b"\xfe\xff" + data)
    assert read_utf8(path) == text
    assert load_statement(path).lead is not None


def test_damaged_utf16_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "statement.md"
    path.write_bytes(b"\xff\xfe" + "title".encode("utf-16-le") + b"\x00\xd8")  # lone surrogate
    with pytest.raises(SourceError, match="damaged UTF-16 text"):
        read_utf8(path)
