"""Passages in another language than the statement's: ``[passage]{lang=fr}`` inside a text, a
line ``{lang=fr}`` above a block.  Each is hyphenated and spaced by its own language: read back
from rendered PDFs (pdfium's line-end hyphens, pyphen's patterns) and checked on the model."""

from __future__ import annotations

import logging
import random
import re
from pathlib import Path

import pypdfium2 as pdfium
import pyphen
import pytest
from markdown_it import MarkdownIt
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.footnote import footnote_plugin

import leaflet.pipeline
from leaflet import source
from leaflet.markup import attributes_lang
from leaflet.model import Heading, ListBlock, Paragraph, Quote
from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import load_statement, parse_statement, written_words

from conftest import assert_refused, run_bounded, run_cli

NNBSP = "\u202f"


def statement(body: str, lang: str = "en") -> str:
    return f"---\ntitle: Passages\nlang: {lang}\n---\n\nThe lead.\n\n{body}\n"


def first_block(body: str, lang: str = "en") -> Paragraph:
    block = parse_statement(statement(body, lang)).blocks[0]
    assert isinstance(block, Paragraph)
    return block


# --- the model and its HTML -------------------------------------------------------------------


def test_a_span_carries_its_language_and_its_typography() -> None:
    block = first_block(
        'They chanted [« la grève » : "gagnerons" ; pourquoi ?]{lang=fr} and asked: "why?" Now!'
    )
    html, text = block.content.html, block.content.text
    assert html.startswith(
        f'They chanted <span lang="fr">«{NNBSP}la grève{NNBSP}»{NNBSP}: '
        f"«{NNBSP}gagnerons{NNBSP}»{NNBSP}; pourquoi{NNBSP}?</span> and asked: "
    )
    # Outside the passage, the statement's rules: English quotes, no spacing.
    assert "asked: “why?”" in text
    assert block.content.lang is None
    assert "lang" not in text and "{" not in text


def test_a_block_carries_its_language_in_every_text() -> None:
    source = statement(
        "{lang=fr}\nUn appel : le « bloc » ne suffit pas !\n\n"
        "{lang=es}\n## Título\n\n"
        "{lang=de}\n- Die Arbeiter\n- kämpfen\n\n"
        '> {lang=uk}\n> Робітники "борються".\n\n'
        "Back in English: yes!"
    )
    blocks = parse_statement(source).blocks
    paragraph, heading, items, quote, english = blocks
    assert isinstance(paragraph, Paragraph) and paragraph.content.lang == "fr"
    assert paragraph.content.html.startswith(f'<span lang="fr">Un appel{NNBSP}: le «{NNBSP}bloc')
    assert paragraph.content.html.endswith("</span>")
    assert isinstance(heading, Heading) and heading.content.lang == "es"
    assert heading.content.html.startswith('<span lang="es">')
    assert isinstance(items, ListBlock)
    for item in items.items:
        (inner,) = item.blocks
        assert isinstance(inner, Paragraph) and inner.content.html.startswith('<span lang="de">')
    assert isinstance(quote, Quote)
    (quoted,) = quote.blocks
    assert isinstance(quoted, Paragraph) and quoted.content.lang == "uk"
    assert "«борються»" in quoted.content.text
    assert isinstance(english, Paragraph) and english.content.lang is None
    assert "lang=" not in english.content.html and english.content.text == "Back in English: yes!"


def test_a_note_may_be_in_another_language() -> None:
    parsed = parse_statement(statement("Text.[^1]\n\n{lang=fr}\n[^1]: Une note : oui !"))
    (note,) = parsed.notes
    (block,) = note.blocks
    assert isinstance(block, Paragraph)
    assert block.content.lang == "fr"
    assert block.content.text == f"Une note{NNBSP}: oui{NNBSP}!"


@pytest.mark.parametrize(
    ("tag", "html_lang"),
    [("fr", "fr"), ("FR-ca", "fr"), ("en-GB", "en-GB"), ("en", "en-US"), ('"pt-BR"', "pt-BR")],
)
def test_the_span_s_lang_picks_the_table_s_patterns(tag: str, html_lang: str) -> None:
    block = first_block(f"Einige Wörter [a passage]{{lang={tag}}} hier.", lang="de")
    assert f'<span lang="{html_lang}">a passage</span>' in block.content.html


def test_attributes_other_than_lang_are_ignored_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="leaflet.source"):
        block = first_block("A [styled]{.last-word #note-1 lang=fr onclick=x} passage here.")
    html = block.content.html
    assert '<span lang="fr">styled</span>' in html
    assert "note-1" not in html and "onclick" not in html and html.count("last-word") == 1
    assert "attribute 'class', 'id', 'onclick' ignored" in caplog.text
    assert "<statement>:8:" in caplog.text


def test_text_that_only_looks_like_attributes_is_printed() -> None:
    parsed = parse_statement(
        statement(
            "{lang=fr} and more text }\nstays.\n\n"
            "A set {a, b} and [brackets] {lang=fr} apart.\n\n"
            "A bracket [a]{lang=fr\n\n"
            "{.note}\n\n"
            "{}\n\n"
            "A [span]{.class #id} with no language."
        )
    )
    texts = [block.content.text for block in parsed.blocks if isinstance(block, Paragraph)]
    assert texts == [
        "{lang=fr} and more text } stays.",
        "A set {a, b} and [brackets] {lang=fr} apart.",
        "A bracket [a]{lang=fr",
        "{.note}",
        "{}",
        "A [span]{.class #id} with no language.",
    ]


def test_attributes_with_no_block_below_are_dropped_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="leaflet.source"):
        parsed = parse_statement(statement("Text.\n\n{lang=fr}"))
    assert len(parsed.blocks) == 1
    assert "<statement>:10: attributes with no block below them ignored" in caplog.text


def test_the_word_guard_leaves_attribute_lists_out() -> None:
    source = statement("{lang=fr}\nUn appel.\n\nThe [passage en français]{lang=fr} here.")
    assert "lang" not in written_words(source)
    assert "fr" not in written_words(source)
    assert {"passage", "en", "français", "appel"} <= set(written_words(source))


def test_a_dropped_html_span_with_a_language_says_how_to_mark_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="leaflet.source"):
        block = first_block('A <span lang="fr">passage</span> here.')
    assert block.content.text == "A passage here."
    assert "[its text]{lang=fr}" in caplog.text


# --- refused tags -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "line", "shown"),
    [
        ("One line.\nA [passage]{lang=xx} here.", 9, "'xx'"),
        ("{lang=klingon}\nA paragraph.", 8, "'klingon'"),
        ('A [passage]{lang="fr fr"}.', 8, "'fr fr'"),
        ("A [passage]{lang=1x} here.", 8, "'1x'"),
        ("{lang=fr}\n> [nested]{lang=zz-QQ}", 9, "'zz-QQ'"),
    ],
)
def test_an_unknown_or_invalid_language_is_one_error_naming_the_line(
    tmp_path: Path, body: str, line: int, shown: str
) -> None:
    source = tmp_path / "statement.md"
    source.write_text(statement(body), encoding="utf-8")
    before = source.read_bytes()
    output = tmp_path / "out.pdf"
    result = run_cli("render", source, "-o", output)
    assert_refused(result, mentions=f"{source}:{line}: {shown} is not a language")
    assert "use one of: be, de, el, en, en-GB, es, fr" in result.err
    assert not output.exists() and not list(tmp_path.glob("*.pdf"))
    assert source.read_bytes() == before


# --- bounded time -----------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["[[a]{lang=fr}", "[a]{lang=fr", "[a]{%", "]{", "{lang=fr}\n"])
def test_hostile_attribute_markup_parses_in_bounded_time(tmp_path: Path, unit: str) -> None:
    source = tmp_path / "statement.md"
    source.write_text(statement(unit * (400_000 // len(unit))), encoding="utf-8")
    result = run_bounded("inspect", source, cwd=tmp_path, timeout=20)
    assert result.code == 0, result.err[-500:]
    assert "Traceback" not in result.err


# --- read back from the PDF -------------------------------------------------------------------

#: Long words only: every line leaves enough room for hyphenation to be tried (base.css:
#: ``hyphenate-limit-zone``), and French and US English patterns split them differently.
FRENCH = ["démocratiquement", "gouvernementales", "nationalisation", "responsabilités"]
FRENCH += ["revendications", "administration", "manifestations", "extraordinaire"]
ENGLISH = ["responsibilities", "nationalization", "democratically", "demonstrations"]
ENGLISH += ["administration", "extraordinary", "organizational", "independence"]


def line_end_splits(pdf: bytes) -> list[tuple[str, str]]:
    """(before, after) of every word the layout hyphenated at a line end."""
    document = pdfium.PdfDocument(pdf)
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    # pdfium marks a hyphen it judged a line-end hyphenation with U+FFFE.
    return re.findall(r"(\w+)\ufffe\s*(\w+)", text)


def render_passage(tmp_path: Path, words: list[str], lang: str, mark: str) -> bytes:
    """300 of *words* in a statement in *lang*: marked as a ``block`` or a ``span`` in the
    words' language, or not marked."""
    rng = random.Random(4)
    passage = " ".join(rng.choice(words) for _ in range(300))
    passage_lang = "fr" if words is FRENCH else "en"
    if mark == "block":
        body = f"{{lang={passage_lang}}}\n{passage}"
    elif mark == "span":
        body = f"Before. [{passage}]{{lang={passage_lang}}} After."
    else:
        body = passage
    source = tmp_path / f"{mark}.md"
    source.write_text(statement(body, lang), encoding="utf-8")
    result = render_statement(
        load_statement(source), RenderOptions(format="letter", template="modern")
    )
    return result.pdf


def at_patterns(splits: list[tuple[str, str]], lang: str) -> list[bool]:
    dictionary = pyphen.Pyphen(lang=lang)
    return [len(before) in dictionary.positions(before + after) for before, after in splits]


@pytest.mark.parametrize(
    ("words", "statement_lang", "mark", "patterns"),
    [(FRENCH, "en", "span", "fr"), (ENGLISH, "fr", "block", "en_US")],
)
def test_a_passage_is_hyphenated_by_its_own_language(
    tmp_path: Path,
    words: list[str],
    statement_lang: str,
    mark: str,
    patterns: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same words, marked and not: marked, every line-end hyphen is at one of the
    passage's language's hyphenation points; unmarked, the statement's patterns break them
    elsewhere (or not at all).  The repairs after layout are off: a page of nothing but long
    words makes runs of hyphens, which they would set without hyphenation."""
    monkeypatch.setattr(leaflet.pipeline, "REPAIR_ROUNDS", 0)
    marked = line_end_splits(render_passage(tmp_path, words, statement_lang, mark))
    unmarked = line_end_splits(render_passage(tmp_path, words, statement_lang, "none"))
    assert len(marked) >= 20, marked
    assert all(at_patterns(marked, patterns)), marked
    assert not all(at_patterns(unmarked, patterns)), unmarked


def french_passage_sentences() -> str:
    """French sentences whose quotes and ; : ! ? land at every position of the lines, typed
    with ordinary spaces, in a French block and a French span of an English statement."""
    rng = random.Random(5)
    words = ["le", "bloc", "des", "travailleurs", "contre", "la", "gauche", "grève", "nous"]
    sentences = []
    for index in range(120):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 7)))
        quoted = " ".join(rng.choice(words) for _ in range(rng.randint(1, 3)))
        sentences.append(f"{text} « {quoted} » {rng.choice(words)} {';:!?'[index % 4]}")
    block = " ".join(sentences[:60])
    span = " ".join(sentences[60:])
    return statement(
        f"{{lang=fr}}\n{block}\n\nIn English, they said: [{span}]{{lang=fr}} Why? Now: here!"
    )


def test_a_french_passage_is_spaced_by_french_rules(tmp_path: Path) -> None:
    """Narrow no-break spaces inside the French passages (no line starts with ; : ! ? » nor
    ends with «, as in a French statement); the English text around them is left alone."""
    source = tmp_path / "statement.md"
    source.write_text(french_passage_sentences(), encoding="utf-8")
    output, html = tmp_path / "out.pdf", tmp_path / "out.html"
    result = run_cli("render", source, "-t", "modern", "-f", "a5", "-o", output, "--html", html)
    assert result.code == 0, result.err
    document = pdfium.PdfDocument(output.read_bytes())
    try:
        text = "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    lines = [line.strip() for line in re.split(r"\r\n|\n", text) if line.strip()]
    assert sum(line.count("«") for line in lines) == 120
    assert not [line for line in lines if line.endswith("«")]
    assert not [line for line in lines if line[0] in ";:!?»"]
    written = html.read_text(encoding="utf-8")
    assert written.count(f"«{NNBSP}") == 120
    assert written.count('<span lang="fr">') == 2
    assert 'Why? Now: <span class="last-word">here!</span>' in written
    checked = run_cli("check", output, "--source", source)
    assert checked.code == 0, checked.out + checked.err


# --- the same spans as the attrs plugin ---------------------------------------------------------

PIECES = [*"aab [[]]{}*`_!", "{lang=fr}", "{lang=es .x}", "{lang=fr", "](b)", "[^n]", " lang=de}"]


def span_dump(md: MarkdownIt, text: str) -> list[tuple[str, str, object]]:
    """Each inline token: type, content, and the language a span was given."""
    (_, inline, _) = md.parse(text, {})
    return [
        (child.type, child.content, child.attrs.get("lang") or attributes_lang(child))
        for child in inline.children or []
    ]


def test_the_span_rule_gives_the_attrs_plugin_s_spans() -> None:
    """On random text, leaflet's linear span rule finds the spans mdit_py_plugins' ``attrs``
    plugin finds (those that give a language)."""
    randomly = random.Random(3)
    ours = source._markdown("en")
    theirs = MarkdownIt("commonmark", {"typographer": True, "quotes": "“”‘’"})
    theirs.enable(["replacements", "smartquotes"])
    theirs.use(footnote_plugin, inline=False, move_to_end=False, always_match_refs=True)
    theirs.use(attrs_plugin, spans=True, after=())
    spans = 0
    for _ in range(1500):
        text = "x " + "".join(randomly.choice(PIECES) for _ in range(randomly.randint(1, 40)))
        if re.search(r"\]\{(?:(?!lang=)[^}])*\}", text):
            continue  # attributes without a language: text for leaflet
        expected = span_dump(theirs, text)
        assert span_dump(ours, text) == expected, text
        spans += sum(kind == "span_open" for kind, _, _ in expected)
    assert spans > 100
