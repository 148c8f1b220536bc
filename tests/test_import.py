"""``leaflet import``: plain text → statement file, with nothing lost.

Corpus statements are read from ``../shared/corpus`` (never copied into the project) and the
tests using them are skipped when it is absent.  The produced Markdown is checked by parsing it
back (PyYAML + markdown-it-py with the footnote plugin), not by looking at its characters.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from leaflet.errors import SourceError
from leaflet.importer import ImportResult, import_file, import_html, import_text
from leaflet.importer.dates import parse_date_line

from conftest import CORPUS

CORPUS_FILES = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
ORIGIN = CORPUS / "en-mobilization-referendums.txt"

#: Words for the "nothing lost" checks: letters and digits apart, so ``FSB2`` (text + marker)
#: is the same words as ``FSB[^2]``.
_WORD = re.compile(r"[^\W\d_]+|\d+")


def words(text: str) -> Counter[str]:
    return Counter(_WORD.findall(text))


# --- reading the produced statement back --------------------------------------------------


def split_front_matter(markdown: str) -> tuple[dict[str, Any], str]:
    assert markdown.startswith("---\n")
    front, body = markdown[4:].split("\n---\n", 1)
    meta = yaml.safe_load(front)
    assert isinstance(meta, dict)
    return meta, body


def parse_body(body: str) -> list[Token]:
    md = MarkdownIt("commonmark").use(footnote_plugin, move_to_end=False)
    return md.parse(body)


def inline_tokens(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield from token.children or []


def body_text(tokens: list[Token]) -> str:
    """The text a reader sees: list numbers, note labels and references shown as numbers."""
    parts = [t.info for t in tokens if t.type == "list_item_open"]
    parts += [t.meta["label"] for t in tokens if t.type == "footnote_reference_open"]
    for child in inline_tokens(tokens):
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "footnote_ref":
            parts.append(f" {child.meta['label']} ")
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return " ".join(parts)


def references(tokens: list[Token]) -> list[str]:
    return [c.meta["label"] for c in inline_tokens(tokens) if c.type == "footnote_ref"]


def blocks_of(tokens: list[Token], kind: str) -> list[str]:
    """Inline text of every block of *kind* (``heading``, ``paragraph``) at the top level."""
    found = []
    for index, token in enumerate(tokens):
        if token.type == f"{kind}_open" and token.level == 0:
            found.append(tokens[index + 1].content)
    return found


def meta_text(meta: dict[str, Any]) -> str:
    values = [meta.get(key) or "" for key in ("title", "subtitle", "author")]
    return " ".join([*values, *meta.get("slogans", [])])


def input_words(path: Path, result: ImportResult) -> Counter[str]:
    """Words of the input, less the lines the importer turned into metadata (said why)."""
    skipped = {consumed.line for consumed in result.consumed}
    lines = path.read_text(encoding="utf-8").splitlines()
    return words("\n".join(line for n, line in enumerate(lines, 1) if n not in skipped))


@pytest.fixture
def importer_warnings() -> Iterator[list[str]]:
    """Warnings logged by the importer (a handler of its own: the CLI stops propagation)."""
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("leaflet.importer")
    handler = Collect(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


# --- the originating statement -------------------------------------------------------------


@pytest.fixture(scope="module")
def origin() -> ImportResult:
    if not ORIGIN.is_file():
        pytest.skip("shared corpus not available")
    return import_file(ORIGIN)


def test_origin_front_matter(origin: ImportResult) -> None:
    meta, _ = split_front_matter(origin.markdown)
    assert meta["date"] == datetime.date(2024, 7, 23)
    assert meta["title"].startswith("Down with Putin")
    assert meta["title"].endswith("“referendums”!")
    assert meta["subtitle"] == "We must redouble support for the Ukrainian resistance!"
    assert meta["lang"] == "en"
    assert len(meta["slogans"]) == 5
    assert meta["slogans"][0] == "For Putin’s defeat! All for the victory of Ukraine!"
    assert meta["slogans"][-1] == "Dissolution of NATO and CSTO!"


def test_origin_headings_and_demands(origin: ImportResult) -> None:
    tokens = parse_body(split_front_matter(origin.markdown)[1])
    headings = blocks_of(tokens, "heading")
    assert len(headings) == 3
    assert headings[0] == "Support to the Ukrainian resistance!"
    assert headings[1].startswith("All support to the protests")
    assert headings[2].endswith("parties”?")
    lists = [t for t in tokens if t.type in ("bullet_list_open", "ordered_list_open")]
    assert len(lists) == 1
    items = [t for t in tokens if t.type == "list_item_open"]
    assert len(items) == 3
    first_paragraph = blocks_of(tokens, "paragraph")[0]
    assert first_paragraph.startswith("The advance of Ukrainian troops")


def test_origin_notes_and_markers(origin: ImportResult) -> None:
    _, body = split_front_matter(origin.markdown)
    tokens = parse_body(body)
    assert references(tokens) == ["1", "2", "5"]
    definitions = [t.meta["label"] for t in tokens if t.type == "footnote_reference_open"]
    assert definitions == ["1", "2", "3", "4", "5"]
    assert "(gas and oil)[^1]. To this end" in body
    assert "of the FSB[^2] and the oligarchs" in body
    assert "sovereignty to the end.[^5] Putin" in body
    assert "5 notes, 3 referenced (never referenced: 3, 4)" in origin.report


def test_origin_numbers_are_not_markers(origin: ImportResult) -> None:
    _, body = split_front_matter(origin.markdown)
    for text in ("1,300 arrested", "these 7 months of war", "up to 10 years", "in 38 cities",
                 "between 50,000 and 70,000"):  # fmt: skip
        assert text in body


def test_origin_unreferenced_notes_warn(importer_warnings: list[str]) -> None:
    if not ORIGIN.is_file():
        pytest.skip("shared corpus not available")
    result = import_file(ORIGIN)
    assert [m for m in importer_warnings if "never referenced" in m] == [
        f"{ORIGIN}:69: note 3 is never referenced; add [^3] where it belongs",
        f"{ORIGIN}:70: note 4 is never referenced; add [^4] where it belongs",
    ]
    assert any("'FSB2' read as text + a reference to note 2" in g for g in result.guesses)


# --- every corpus file ---------------------------------------------------------------------

#: file → (lang, headings, notes, referenced notes, slogans, author found)
EXPECTED = {
    "en-mobilization-referendums.txt": ("en", 3, 5, 3, 5, False),
    "05_fr_npa_declaration_congres.txt": ("fr", 0, 2, 2, 0, False),
    "06_en_twc_climate_strike.txt": ("en", 8, 0, 0, 0, False),
    "07_en_dsa_lsc_platform.txt": ("en", 5, 55, 55, 0, False),
    "08_es_ezln_sexta_declaracion.txt": ("es", 2, 0, 0, 0, True),
}


@pytest.fixture(params=CORPUS_FILES or [None], ids=lambda p: p.name if p else "no-corpus")
def corpus_file(request: pytest.FixtureRequest) -> Path:
    if request.param is None:
        pytest.skip("shared corpus not available")
    path: Path = request.param
    return path


def test_corpus_file_imports_as_expected(corpus_file: Path) -> None:
    result = import_file(corpus_file)
    meta, body = split_front_matter(result.markdown)
    tokens = parse_body(body)
    lang, headings, notes, referenced, slogans, author = EXPECTED[corpus_file.name]
    assert meta["title"]
    assert meta["lang"] == lang
    assert len(blocks_of(tokens, "heading")) == headings
    assert sum(t.type == "footnote_reference_open" for t in tokens) == notes
    assert len(set(references(tokens))) == referenced
    assert len(meta.get("slogans", [])) == slogans
    assert ("author" in meta) == author


def test_corpus_file_loses_no_word(corpus_file: Path) -> None:
    result = import_file(corpus_file)
    meta, body = split_front_matter(result.markdown)
    produced = words(meta_text(meta)) + words(body_text(parse_body(body)))
    missing = input_words(corpus_file, result) - produced
    assert not missing, f"words lost: {dict(missing)}"


def test_corpus_file_consumes_only_dates_and_comments(corpus_file: Path) -> None:
    result = import_file(corpus_file)
    meta, _ = split_front_matter(result.markdown)
    for consumed in result.consumed:
        if consumed.reason.startswith("date "):
            assert parse_date_line(consumed.text) == meta["date"]
        else:
            assert consumed.text.startswith(("# source: ", "# kind: "))
    raw = words(result.markdown)
    assert not input_words(corpus_file, result) - raw  # in the file itself, too


def test_corpus_file_loads_as_statement(corpus_file: Path, tmp_path: Path) -> None:
    """The lead's statement parser accepts the import and sees every input word."""
    source = pytest.importorskip("leaflet.source")
    result = import_file(corpus_file)
    path = tmp_path / "statement.md"
    path.write_text(result.markdown, encoding="utf-8")
    statement = source.load_statement(path)
    numbers = [use.label for use in result.markers] + [note.label for note in statement.notes]
    numbers += [
        str(block.start + index)
        for block in statement.blocks
        if getattr(block, "ordered", False)
        for index in range(len(block.items))
    ]
    seen = words(" ".join(statement.texts())) + Counter(numbers)
    missing = input_words(corpus_file, result) - seen
    assert not missing, f"words lost: {dict(missing)}"
    assert len(statement.notes) == EXPECTED[corpus_file.name][2]


# --- own examples --------------------------------------------------------------------------

STATEMENT = """\
12 March 2025

Bread and roses! Our town needs both.

The council wants to close the library on Mondays. We counted 1,250 readers[1] who use it \
every week, and the G7 promised more for culture in 2023.

Why does it matter?

Because the COVID-19 years taught us what a closed door costs: 7 months without books \
for the children of the estate, as the teachers' report said.2

– Keep the library open six days a week.
– Hire two more librarians.

We will meet at Gate1 of the town hall on Monday, the day it wants to close.

Read the full report!

Open the doors!

1. Count made by volunteers on 3 and 4 March.
2. Teachers' report, page 4:
https://example.org/reports/library-2024.pdf
3. A note nobody points to.
"""


def test_own_statement_structure() -> None:
    result = import_text(STATEMENT)
    meta, body = split_front_matter(result.markdown)
    tokens = parse_body(body)
    assert meta["date"] == datetime.date(2025, 3, 12)
    assert (meta["title"], meta["subtitle"]) == ("Bread and roses!", "Our town needs both.")
    assert meta["slogans"] == ["Read the full report!", "Open the doors!"]
    assert blocks_of(tokens, "heading") == ["Why does it matter?"]
    assert sum(t.type == "list_item_open" for t in tokens) == 2
    assert references(tokens) == ["1", "2"]


def test_numbers_that_are_not_markers_stay_text() -> None:
    _, body = split_front_matter(import_text(STATEMENT).markdown)
    assert "1,250 readers[^1] who" in body
    assert "the G7 promised more for culture in 2023." in body
    assert "the COVID-19 years" in body
    assert "7 months without" in body
    assert "report said.[^2]" in body
    assert "at Gate1 of the town hall" in body  # note 1 exists, but markers come in order


def test_note_with_url_on_next_line() -> None:
    _, body = split_front_matter(import_text(STATEMENT).markdown)
    tokens = parse_body(body)
    start = next(i for i, t in enumerate(tokens) if t.type == "footnote_reference_open"
                 and t.meta["label"] == "2")  # fmt: skip
    note = tokens[start + 2]
    assert note.content.startswith("Teachers' report, page 4:")
    assert note.content.endswith("https://example.org/reports/library-2024.pdf")


def test_unreferenced_note_is_kept_and_warned(importer_warnings: list[str]) -> None:
    result = import_text(STATEMENT, source_name="library.txt")
    assert "[^3]: A note nobody points to." in result.markdown
    assert importer_warnings == [
        "library.txt:23: note 3 is never referenced; add [^3] where it belongs"
    ]


def test_marker_without_matching_note_is_left_alone() -> None:
    text = "A title\n\nWe met 12 times in the G20 year [4] and kept notes.1\n\n1. Minutes.\n"
    result = import_text(text)
    _, body = split_front_matter(result.markdown)
    assert references(parse_body(body)) == ["1"]
    assert "year \\[4\\] and kept notes.[^1]" in body
    assert "line 3: '[4]' looks like a note marker, but there is no note 4: left as text" in (
        result.guesses
    )


def test_closing_numbered_list_is_not_notes() -> None:
    text = "Our plan\n\nWe ask for three things:\n\n1. Bread.\n2. Work.\n3. Peace.\n"
    _, body = split_front_matter(import_text(text).markdown)
    tokens = parse_body(body)
    assert "[^" not in body
    assert sum(t.type == "list_item_open" for t in tokens) == 3


@pytest.mark.parametrize(
    "line",
    [
        "23 July 2024",
        "July 23, 2024",
        "Tue Jul 23, 2024",
        "23.07.2024",
        "2024-07-23",
        "07/23/2024",
        "23rd July 2024",
        "23 de julio de 2024",
        "martes, 23 de julio de 2024",
        "23 juillet 2024",
        "mardi 23 juillet 2024",
        "23. Juli 2024",
        "23 de julho de 2024",
        "23 липня 2024 р.",
        "23 липня 2024 року",
        "23 июля 2024 г.",
        "23 июля 2024 года",
        "23 ліпеня 2024",
    ],
)
def test_date_lines(line: str) -> None:
    assert parse_date_line(line) == datetime.date(2024, 7, 23)


@pytest.mark.parametrize(
    "line",
    ["On 23 July 2024 we marched", "2024", "7 months", "July 2024", "Tuesday", "1,300",
     "31.02.2024", "23 Jul"],
)  # fmt: skip
def test_not_date_lines(line: str) -> None:
    assert parse_date_line(line) is None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Геть війну!\n\n23 липня 2024 р.\n\nМи вимагаємо миру і свободи для всіх людей. "
         "Це наша спільна боротьба, і ми її виграємо.", "uk"),
        ("Долой войну!\n\n23 июля 2024 года\n\nМы требуем мира и свободы для всех людей. "
         "Это наша общая борьба, и мы её выиграем.", "ru"),
        ("Не вайне!\n\n23 ліпеня 2024\n\nМы патрабуем міру і свабоды для ўсіх людзей. "
         "Гэта наша агульная барацьба.", "be"),
        ("Nein zum Krieg!\n\nWir fordern Frieden und die Freiheit für alle, die sich "
         "nicht mit dem Krieg abfinden.", "de"),
        ("Não à guerra!\n\nNós exigimos a paz e que os povos sejam livres, com os "
         "trabalhadores em todas as ruas.", "pt"),
    ],
)  # fmt: skip
def test_other_scripts_and_languages(text: str, lang: str) -> None:
    result = import_text(text)
    meta, body = split_front_matter(result.markdown)
    assert meta["lang"] == lang
    if lang in ("uk", "ru", "be"):
        assert meta["date"] == datetime.date(2024, 7, 23)
    produced = words(meta_text(meta)) + words(body_text(parse_body(body)))
    consumed = words(" ".join(c.text for c in result.consumed))
    assert not words(text) - produced - consumed


def test_markdown_syntax_in_text_reads_back_exactly() -> None:
    lines = [
        "# not a heading, and #hashtags",
        "1. not a list either, 2024. nor this",
        "- nor a bullet; *not emphasis*, _nor this_, `no code`",
        "[not a link](x) <b>not HTML</b> &amp; stays, so does (c) and \\ backslash",
        "+ plus, = equals, > not a quote | pipe ~~~ tildes",
    ]
    text = "Title\n\nA lead paragraph long enough to be the lead of this statement.\n\n"
    text += "\n".join(lines) + "\n\nA last paragraph.\n"
    _, body = split_front_matter(import_text(text).markdown)
    paragraph = next(t for t in parse_body(body) if t.type == "inline" and "#hashtags" in t.content)
    children = paragraph.children or []
    assert {c.type for c in children} <= {"text", "hardbreak", "softbreak", "text_special"}
    assert "".join(c.content if c.type != "hardbreak" else "\n" for c in children) == "\n".join(
        lines
    )


def test_quotes_lists_and_signature() -> None:
    text = (
        "A call to the city\n\n"
        "We write this letter because the housing crisis has reached every street of the city "
        "and nobody in power listens.\n\n"
        "> Housing is a right,\n> not a privilege.\n\n"
        "a) rents frozen for two years;\nb) empty flats requisitioned.\n\n"
        "5. item five\n6. item six\n9. item nine\n\n"
        "We will meet again next week at the square in front of the town hall, as every week.\n\n"
        "The tenants' union of the north district\nPaul Example, Ana Example\n"
    )
    meta, body = split_front_matter(import_text(text).markdown)
    tokens = parse_body(body)
    assert meta["author"] == "The tenants' union of the north district Paul Example, Ana Example"
    assert [t.type for t in tokens].count("blockquote_open") == 1
    assert "- a) rents frozen for two years;" in body
    starts = [t.attrs.get("start", 1) for t in tokens if t.type == "ordered_list_open"]
    assert starts == [5, 9]
    assert body_text(tokens).count("item nine") == 1


HTML_PAGE = """<!DOCTYPE html>
<html><head><title>Site name</title><script>var tracking = 1;</script></head>
<body><nav><a href="/">Home</a></nav>
<article>
<h1>Free the press!</h1>
<p>1 May 2024</p>
<p>Journalists were arrested this week<sup><a href="#fn1">1</a></sup> for doing their work,
and we will not stay silent while our <em>colleagues</em> sit in jail.</p>
<h2>What we ask</h2>
<ul><li>Release them all.</li><li>Drop the charges.</li></ul>
<blockquote><p>A free press is the first freedom.</p></blockquote>
<ol class="footnotes"><li id="fn1">Report by <a href="https://example.org/report">the union</a>
<a href="#ref1">↩</a></li></ol>
</article><footer>Copyright</footer></body></html>
"""


def test_html_input() -> None:
    result = import_html(HTML_PAGE)
    meta, body = split_front_matter(result.markdown)
    tokens = parse_body(body)
    assert meta["title"] == "Free the press!"
    assert meta["date"] == datetime.date(2024, 5, 1)
    assert blocks_of(tokens, "heading") == ["What we ask"]
    assert sum(t.type == "list_item_open" for t in tokens) == 2
    assert [t.type for t in tokens].count("blockquote_open") == 1
    assert references(tokens) == ["1"]
    assert "[^1]: Report by the union (https://example.org/report)" in body
    for absent in ("tracking", "Home", "Copyright", "Site name", "↩"):
        assert absent not in result.markdown


def test_html_file_by_suffix(tmp_path: Path) -> None:
    page = tmp_path / "page.htm"
    page.write_text(HTML_PAGE, encoding="utf-8")
    assert import_file(page).markdown == import_html(HTML_PAGE).markdown


def test_docx_input(tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("Water is not for sale!", style="Title")
    document.add_paragraph("14 February 2025")
    lead = document.add_paragraph("The region wants to privatize the water company")
    marker = lead.add_run("1")
    marker.font.superscript = True
    lead.add_run(", and the price will double within two years for every household.")
    document.add_heading("What we want", level=1)
    document.add_paragraph("Public water under public control", style="List Number")
    document.add_paragraph("Repair the old pipes first", style="List Number")
    document.add_paragraph("Water is life, not a commodity.", style="Quote")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Price today"
    table.cell(0, 1).text = "Price after"
    document.add_paragraph("1. Regional council, decision of 3 February.")
    path = tmp_path / "water.docx"
    document.save(str(path))

    result = import_file(path)
    meta, body = split_front_matter(result.markdown)
    tokens = parse_body(body)
    assert meta["title"] == "Water is not for sale!"
    assert meta["date"] == datetime.date(2025, 2, 14)
    assert "water company[^1], and the price" in body
    assert blocks_of(tokens, "heading") == ["What we want"]
    assert "1. Public water under public control\n2. Repair the old pipes first" in body
    assert [t.type for t in tokens].count("blockquote_open") == 1
    assert "Price today" in body and "Price after" in body
    assert "[^1]: Regional council, decision of 3 February." in body


def test_not_a_docx_file(tmp_path: Path) -> None:
    pytest.importorskip("docx")
    path = tmp_path / "fake.docx"
    path.write_text("plain text", encoding="utf-8")
    with pytest.raises(SourceError, match="not a Word document"):
        import_file(path)


def test_html_keeps_text_before_the_headline_and_line_breaks() -> None:
    page = (
        "<body><p>Tenants' union</p><h1>No to evictions</h1><h2>A winter without fear</h2>"
        "<p>We are the tenants of the north district and<br>we will not leave.</p>"
        "<p>Everyone who rents a flat in this city knows what a letter from the landlord means.</p>"
        '<ol start="x"><li>Stop the evictions now</li></ol></body>'
    )
    result = import_html(page)
    meta, body = split_front_matter(result.markdown)
    assert (meta["title"], meta["subtitle"]) == ("No to evictions", "A winter without fear")
    assert body.lstrip().startswith(
        "Tenants' union\n\nWe are the tenants of the north district and\\\nwe will not leave."
    )
    assert "1. Stop the evictions now" in body
    assert any("text before the headline" in guess for guess in result.guesses)


def test_hard_wrapped_text_is_rejoined() -> None:
    wrapped = (
        "Rents in the city have risen by a third in five years while wages\n"
        "have stayed where they were, and every month more families have to\n"
        "choose between heating their homes and feeding their children."
    )
    text = f"Rent strike\n\n{wrapped}\n\nName One\nName Two\n"
    meta, body = split_front_matter(import_text(text).markdown)
    assert wrapped in body  # soft line breaks: one paragraph, no hard breaks
    assert meta["author"] == "Name One Name Two"


def test_explain_gives_a_decision_per_block() -> None:
    decisions = [line.split(" — ")[0] for line in import_text(STATEMENT).explain]
    assert decisions == [
        "line 1: date: 2025-03-12",
        "line 1: lang: en",
        "line 3: title + subtitle",
        "line 5: paragraph",
        "line 7: heading 'Why does it matter?'",
        "line 9: paragraph",
        "line 11: list",
        "line 14: paragraph",
        "line 16: slogans (2)",
        "line 20: notes (3)",
    ]
