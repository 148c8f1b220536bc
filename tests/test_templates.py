"""Templates: every built-in template on every flat format and script keeps every word and
embeds only bundled fonts; the loader's precedence and error messages; front-matter
customising (logo, website QR code); ``leaflet templates``."""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest

from leaflet.compose import compose_html
from leaflet.errors import SourceError, TemplateError
from leaflet.formats import get_format
from leaflet.model import Statement
from leaflet.pipeline import RenderOptions, RenderResult, render_statement
from leaflet.source import load_statement, parse_statement
from leaflet.templates import BASE_DIR, STYLES_DIR, TEMPLATES_DIR, builtin_templates, get_template

from conftest import (
    EXAMPLES,
    embedded_fonts,
    joined_text,
    missing_words,
    not_bundled,
    pdf_reader,
    run_cli,
)

TEMPLATES = sorted(builtin_templates())
FLAT_FORMATS = ["a4", "a5", "letter"]
#: A Latin and a Cyrillic statement, each with notes, lists, a quote, slogans.
SCRIPTS = {"latin": EXAMPLES / "en-free-transit.md", "cyrillic": EXAMPLES / "uk-labour-rights.md"}
GREEK = """---
title: "Ψωμί, παιδεία, ελευθερία"
lang: el
slogans: ["Αλληλεγγύη στους εργαζόμενους!"]
website: example.org/somateio
---

Ο νέος προϋπολογισμός περικόπτει τις δαπάνες για την παιδεία.[^1]

## Τι ζητάμε

1. Απόσυρση των περικοπών — τιμές σε € και ₴ ₽ №.

[^1]: Στοιχεία: https://example.org/elstat/2025
"""


class _Tofu(logging.Handler):
    """Collects WeasyPrint's reports of characters drawn as .notdef (empty boxes)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if ".notdef" in record.getMessage():
            self.messages.append(record.getMessage())


def render_watching_tofu(
    statement: Statement, options: RenderOptions
) -> tuple[RenderResult, list[str]]:
    """Render; also return every character WeasyPrint had to draw as an empty box."""
    handler = _Tofu()
    logging.getLogger("weasyprint").addHandler(handler)
    try:
        return render_statement(statement, options), handler.messages
    finally:
        logging.getLogger("weasyprint").removeHandler(handler)


@cache
def rendered(source: Path, template: str, fmt: str) -> tuple[RenderResult, list[str]]:
    options = RenderOptions(format=fmt, template=template)
    return render_watching_tofu(load_statement(source), options)


def test_at_least_five_templates_each_described() -> None:
    assert len(TEMPLATES) >= 5
    for template in builtin_templates().values():
        assert template.description, template.name
        assert template.fonts[-1] == "Noto Serif", template.name


@pytest.mark.parametrize("script", sorted(SCRIPTS))
@pytest.mark.parametrize("fmt", FLAT_FORMATS)
@pytest.mark.parametrize("template", TEMPLATES)
def test_every_word_in_order_and_only_bundled_fonts(template: str, fmt: str, script: str) -> None:
    source = SCRIPTS[script]
    result, tofu = rendered(source, template, fmt)
    assert tofu == []
    back_page = "with-back-page" in result.html  # the closing block after the notes
    assert missing_words(load_statement(source).words(closing_last=back_page), result.pdf) == []
    fonts = embedded_fonts(result.pdf)
    assert fonts
    assert not_bundled(fonts) == set()
    assert len(pdf_reader(result.pdf).pages) == result.page_count


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def missing_words_ignoring_accents(words: list[str], pdf: bytes) -> list[str]:
    """Like ``missing_words``, but Greek set in capitals rightly drops its accents
    (ΕΡΓΑΖΟΜΕΝΟΥΣ for εργαζόμενους), so words are compared without them."""
    haystack, missing, position = _without_accents(joined_text(pdf)), [], 0
    for word in words:
        found = haystack.find(_without_accents(word), position)
        if found < 0:
            missing.append(word)
        else:
            position = found + len(_without_accents(word))
    return missing


@pytest.mark.parametrize("template", TEMPLATES)
def test_greek_in_every_template(template: str, caplog: pytest.LogCaptureFixture) -> None:
    statement = parse_statement(GREEK)
    with caplog.at_level(logging.WARNING, logger="leaflet"):
        options = RenderOptions(format="a5", template=template)
        result, tofu = render_watching_tofu(statement, options)
    assert tofu == []
    assert missing_words_ignoring_accents(statement.words(), result.pdf) == []
    assert not_bundled(embedded_fonts(result.pdf)) == set()
    assert [r.message for r in caplog.records if r.name == "leaflet.coverage"] == []


def test_css_sizes_follow_the_format_root_size() -> None:
    """Templates size type in rem/em so every format (and future ones) scales them; only
    rules, QR code and contact-sheet geometry may use physical units."""
    for template in builtin_templates().values():
        css = (template.folder / "style.css").read_text("utf-8")
        sizes = re.findall(r"font-size:\s*([^;]+);", css)
        assert sizes, template.name
        assert all(size.strip().endswith(("rem", "em")) for size in sizes), template.name


# --- loader: precedence and errors -----------------------------------------------------------


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


STATEMENT = parse_statement("---\ntitle: Loader test\n---\n\nLead.\n")
A5 = get_format("a5")


def test_user_template_is_a_few_lines_of_css_over_a_builtin(tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "mine",
        {
            "manifest.toml": 'extends = "bold"\ndescription = "mine"\n'
            '[colours]\naccent = "#123456"\n',
            "style.css": ".title { letter-spacing: 0.1em; }\n",
        },
    )
    template = get_template(folder)
    assert template.name == "mine"
    assert template.stylesheets == [
        STYLES_DIR / "base.css",
        TEMPLATES_DIR / "bold" / "style.css",
        folder / "style.css",
    ]
    assert template.search_path == [folder, TEMPLATES_DIR / "bold", BASE_DIR]
    assert template.fonts == builtin_templates()["bold"].fonts  # inherited
    html = compose_html(STATEMENT, A5, template)
    assert "--accent: #123456;" in html
    assert "--on-accent: #ffffff;" in html  # the parent's other colours are kept
    result = render_statement(STATEMENT, RenderOptions(format="a5", template=str(folder)))
    assert missing_words(STATEMENT.words(), result.pdf) == []


def test_block_precedence_user_over_extended_over_base(tmp_path: Path) -> None:
    parent = _write(
        tmp_path / "parent",
        {
            "manifest.toml": 'extends = "classic"\n',
            "statement.html.j2": '{% extends "base.html.j2" %}\n'
            '{% block kicker %}<p class="kicker">PARENT-KICKER</p>{% endblock %}\n'
            "{% block lead %}PARENT-LEAD{% endblock %}\n",
        },
    )
    child = _write(
        tmp_path / "child",
        {
            "manifest.toml": 'extends = "../parent"\n',
            "statement.html.j2": '{% extends "parent/statement.html.j2" %}\n'
            "{% block kicker %}CHILD-KICKER {{ super() }}{% endblock %}\n",
            "blocks.html.j2": "{% macro render_blocks(blocks) %}CHILD-BLOCKS{% endmacro %}\n",
        },
    )
    parent_html = compose_html(STATEMENT, A5, get_template(parent))
    assert "PARENT-KICKER" in parent_html
    assert "PARENT-LEAD" in parent_html
    assert '<h1 class="title">Loader test</h1>' in parent_html  # from the base
    child_html = compose_html(STATEMENT, A5, get_template(child))
    assert re.search(r"CHILD-KICKER\s*<p class=\"kicker\">PARENT-KICKER", child_html)
    assert "PARENT-LEAD" in child_html  # not overridden by the child: the parent's
    assert "CHILD-BLOCKS" in child_html  # a whole base file replaced by the child's


def test_extending_a_builtin_file_it_inherits_from_the_base(tmp_path: Path) -> None:
    """``modern/statement.html.j2`` means modern's version, even when modern has only CSS."""
    folder = _write(
        tmp_path / "modern",  # the same name as the built-in it extends
        {
            "manifest.toml": 'extends = "modern"\n',
            "statement.html.j2": '{% extends "modern/statement.html.j2" %}\n'
            "{% block kicker %}KICKER{% endblock %}\n",
        },
    )
    html = compose_html(STATEMENT, A5, get_template(folder))
    assert "KICKER" in html
    assert "template-modern" in html


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "broken",
        {"statement.html.j2": '{% extends "base.html.j2" %}\n\n{% block lead %}{% if %}\n'},
    )
    with pytest.raises(TemplateError, match=re.escape(f"{folder / 'statement.html.j2'}:3:")):
        compose_html(STATEMENT, A5, get_template(folder))


def test_block_the_base_does_not_have_is_an_error(tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "typo",
        {"statement.html.j2": '{% extends "base.html.j2" %}\n{% block mastead %}x{% endblock %}\n'},
    )
    with pytest.raises(TemplateError) as error:
        compose_html(STATEMENT, A5, get_template(folder))
    message = str(error.value)
    assert f"{folder / 'statement.html.j2'}:2:" in message
    assert "'mastead'" in message and "masthead" in message


def test_undefined_variable_names_file_and_line(tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "undefined",
        {
            "statement.html.j2": '{% extends "base.html.j2" %}\n'
            "{% block lead %}\n{{ s.no_such_field }}\n{% endblock %}\n"
        },
    )
    with pytest.raises(TemplateError, match=re.escape(f"{folder / 'statement.html.j2'}:3:")):
        compose_html(STATEMENT, A5, get_template(folder))


def test_unknown_template_lists_the_known_ones_and_where_it_looked() -> None:
    with pytest.raises(TemplateError) as error:
        get_template("no-such-template")
    message = str(error.value)
    for name in TEMPLATES:
        assert name in message
    assert str(TEMPLATES_DIR) in message


def test_unknown_parent_and_loops_are_errors(tmp_path: Path) -> None:
    orphan = _write(tmp_path / "orphan", {"manifest.toml": 'extends = "nope"\n'})
    with pytest.raises(TemplateError, match=r"manifest.toml: extends unknown template 'nope'"):
        get_template(orphan)
    _write(tmp_path / "a", {"manifest.toml": 'extends = "../b"\n'})
    _write(tmp_path / "b", {"manifest.toml": 'extends = "../a"\n'})
    with pytest.raises(TemplateError, match="loop"):
        get_template(tmp_path / "a")


def test_font_that_is_not_bundled_is_an_error(tmp_path: Path) -> None:
    folder = _write(tmp_path / "comic", {"manifest.toml": 'fonts = ["Comic Sans MS"]\n'})
    with pytest.raises(TemplateError, match=r"manifest.toml: font 'Comic Sans MS' is not bundled"):
        get_template(folder)


def test_cli_unknown_template_exit_2() -> None:
    result = run_cli("render", EXAMPLES / "en-free-transit.md", "-t", "nope")
    assert result.code == 2
    assert "unknown template 'nope'" in result.err and "classic" in result.err


def test_templates_command_lists_names_and_descriptions() -> None:
    result = run_cli("templates")
    assert result.code == 0
    lines = result.out.splitlines()
    assert len(lines) == len(TEMPLATES)
    for line, template in zip(lines, builtin_templates().values(), strict=True):
        assert line.startswith(template.name)
        assert template.description in line


# --- customising without CSS -----------------------------------------------------------------


def _png(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (40, 20), "#c8102e").save(path)
    return path


def _images_on_first_page(pdf: bytes) -> int:
    resources = pdf_reader(pdf).pages[0]["/Resources"]
    xobjects = resources.get("/XObject", {})
    return sum(1 for ref in xobjects.values() if ref.get_object()["/Subtype"] == "/Image")


def test_logo_from_the_statement_folder(tmp_path: Path) -> None:
    _png(tmp_path / "logo.png")
    source = tmp_path / "statement.md"
    source.write_text("---\ntitle: With a logo\nlogo: logo.png\n---\n\nLead.\n", "utf-8")
    statement = load_statement(source)
    html = compose_html(statement, A5, get_template("modern"))
    assert f'<img class="logo" src="{(tmp_path / "logo.png").as_uri()}"' in html
    result = render_statement(statement, RenderOptions(format="a5", template="modern"))
    assert _images_on_first_page(result.pdf) == 1


def test_logo_outside_the_statement_folder_is_refused(tmp_path: Path) -> None:
    _png(tmp_path / "outside.png")
    folder = tmp_path / "leaflet"
    folder.mkdir()
    source = folder / "statement.md"
    source.write_text("---\ntitle: Sneaky\nlogo: ../outside.png\n---\n\nLead.\n", "utf-8")
    with pytest.raises(SourceError, match=re.escape("logo '../outside.png' is not an image file")):
        compose_html(load_statement(source), A5, get_template("classic"))


def test_website_link_and_qr_code_without_files(tmp_path: Path) -> None:
    statement: Statement = parse_statement(
        "---\ntitle: QR\nwebsite: example.org/join\ncontact: Thursdays\n---\n\nLead.\n"
    )
    html = compose_html(statement, A5, get_template("copier"))
    assert '<img class="qr" src="data:image/svg+xml' in html
    assert '<a href="https://example.org/join">example.org/join</a>' in html
    result = render_statement(statement, RenderOptions(format="a5", template="copier"))
    last_page = pdf_reader(result.pdf).pages[-1]
    uris = [
        str(ref.get_object()["/A"]["/URI"])
        for ref in last_page.get("/Annots", [])
        if "/A" in ref.get_object()
    ]
    assert "https://example.org/join" in uris
    assert "example.org/join" in last_page.extract_text()
    assert list(tmp_path.iterdir()) == []


def test_no_qr_code_without_website() -> None:
    html = compose_html(STATEMENT, A5, get_template("classic"))
    assert 'class="qr"' not in html


@pytest.mark.parametrize("template", TEMPLATES)
def test_builtin_templates_only_override_blocks_their_parents_have(template: str) -> None:
    """Renders skip this check for built-in templates (it costs more than rendering): it is
    done here instead."""
    from leaflet.compose import _check_blocks, template_environment
    from leaflet.templates import ENTRY, get_template

    _check_blocks(template_environment(get_template(template)), ENTRY)


def test_css_mistakes_in_a_user_template_are_reported(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "manifest.toml").write_text('name = "mine"\nextends = "classic"\n')
    (folder / "style.css").write_text(".title { colour: red; }\n")
    result = run_cli("render", EXAMPLES / "es-vivienda.md", "-t", folder, "-o", tmp_path / "x.pdf")
    assert result.code == 0
    assert "leaflet: warning: WeasyPrint: Ignored `colour: red`" in result.err


@pytest.mark.parametrize("template", TEMPLATES)
def test_builtin_templates_give_weasyprint_nothing_to_complain_about(
    template: str, tmp_path: Path
) -> None:
    result = run_cli(
        "render",
        EXAMPLES / "en-free-transit.md",
        "-t",
        template,
        "-f",
        "a5-fold",
        "-o",
        tmp_path / "x.pdf",
    )
    assert result.code == 0
    assert "WeasyPrint:" not in result.err


def _heading_after(sentences: int) -> Statement:
    """A statement whose first heading, followed by a list of one-line items, falls lower on
    the first page the more *sentences* come before it."""
    sentence = "Riders pay more every year while the service gets worse for all of them. "
    return parse_statement(
        "---\ntitle: Headings keep their text\nlang: en\n---\n\nThe lead paragraph.\n\n"
        + sentence * sentences
        + "\n\n## Our demands\n\n"
        + "".join(f"- Demand number {n} for everyone.\n" for n in range(1, 6))
        + "\n## What comes next\n\n"
        + (sentence * 6 + "\n\n") * 6
    )


@pytest.mark.parametrize("template", ["classic", "zine"])
def test_a_heading_keeps_three_lines_of_its_list_at_a_page_foot(template: str) -> None:
    """However low the heading falls, the page does not turn within three lines after it
    (the first item of a list stays with the next one, base.css)."""
    stranded = []
    for sentences in range(16, 26):
        result = render_statement(
            _heading_after(sentences), RenderOptions(format="a5", template=template)
        )
        stranded += [str(note) for note in result.notes if "a heading in the last" in str(note)]
    assert stranded == []
