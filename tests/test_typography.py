"""Typography a designer would sign: note calls glued to their word and kept apart from each
other, the zine's note numbers whole, each language's spacing and hyphenation patterns, words
with a hard hyphen broken only there.  Read back from rendered PDFs where the layout decides
(pypdf for the link boxes, pypdfium2 for the characters' boxes)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pypdfium2 as pdfium
import pyphen
import pytest

from leaflet import typography as typo
from leaflet.model import Paragraph
from leaflet.source import parse_statement

from conftest import pdf_reader, pdf_text, pdfium_text, run_cli

NNBSP = "\u202f"


def render(tmp_path: Path, source: str, template: str, fmt: str = "a5") -> bytes:
    statement = tmp_path / "statement.md"
    statement.write_text(source, encoding="utf-8")
    output = tmp_path / f"out-{template}.pdf"
    result = run_cli("render", statement, "-t", template, "-f", fmt, "-o", output)
    assert result.code == 0, result.err
    return output.read_bytes()


Box = tuple[float, float, float, float]


def link_boxes(pdf: bytes, prefix: str) -> list[tuple[int, str, Box]]:
    """(page, destination, rectangle) of every internal link whose destination starts with
    *prefix* (WeasyPrint writes a link as one annotation per line it spans)."""
    links = []
    for number, page in enumerate(pdf_reader(pdf).pages):
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            destination = str(annotation.get("/Dest", ""))
            if destination.startswith(prefix):
                x0, y0, x1, y1 = map(float, annotation["/Rect"])
                box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
                links.append((number, destination, box))
    return links


def char_boxes(pdf: bytes) -> list[list[tuple[str, Box]]]:
    """Every printed character of every page with its box (left, bottom, right, top)."""
    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            textpage = page.get_textpage()
            chars = []
            for index in range(textpage.count_chars()):
                char = textpage.get_text_range(index, 1)
                if char.strip() and char != "\ufffe":
                    chars.append((char, textpage.get_charbox(index)))
            pages.append(chars)
        return pages
    finally:
        document.close()


# --- note calls -------------------------------------------------------------------------------


def many_calls() -> tuple[str, int]:
    """A statement whose sentences of random lengths each end with a call after a comma or a
    full stop (every fourth with two calls): calls land at every position of the lines."""
    rng = random.Random(7)
    words = ["the", "council", "workers", "housing", "rent", "strike", "union", "transit"]
    words += ["public", "control", "democracy", "resistance", "solidarity", "organize", "wages"]
    paragraphs, count = [], 0
    for _ in range(12):
        sentences = []
        for index in range(9):
            text = " ".join(rng.choice(words) for _ in range(rng.randint(3, 12)))
            count += 1
            calls = f"[^{count}]"
            if index % 4 == 3:
                count += 1
                calls += f"[^{count}]"
            sentences.append(text.capitalize() + ("." if index % 2 else ",") + calls)
        paragraphs.append(" ".join(sentences))
    notes = "\n".join(f"[^{number}]: Source {number}." for number in range(1, count + 1))
    body = "\n\n".join(paragraphs)
    return f"---\ntitle: Calls\nlang: en\n---\n\n{body}\n\n{notes}\n", count


def loose_calls(pdf: bytes) -> tuple[int, list[str]]:
    """How many note calls the PDF has, and those that start a line: no character of the text
    ends just before the call's box on the same line."""
    pages = char_boxes(pdf)
    calls = link_boxes(pdf, "note-")
    loose = []
    for number, destination, (x0, y0, _, y1) in calls:
        height = y1 - y0
        glued = any(
            x0 - height <= right <= x0 + 1 and bottom < y1 - height / 2 and top > y0 - height
            for _, (_, bottom, right, top) in pages[number]
        )
        if not glued:
            loose.append(destination)
    return len(calls), loose


@pytest.mark.parametrize("template", ["classic", "zine", "modern"])
def test_a_note_call_is_on_the_line_of_the_word_before_it(tmp_path: Path, template: str) -> None:
    source, count = many_calls()
    pdf = render(tmp_path, source, template)
    calls, loose = loose_calls(pdf)
    assert calls == count
    assert not loose, f"calls starting a line: {loose}"


def test_adjacent_calls_are_separated_each_its_own_link(tmp_path: Path) -> None:
    source = (
        "---\ntitle: Calls\nlang: en\n---\n\n"
        "Lead paragraph.\n\n"
        "Councils,[^a][^b][^c] and community resilience.[^d][^e]\n\n"
        + "".join(f"[^{label}]: Note {label}.\n" for label in "abcde")
    )
    pdf = render(tmp_path, source, "modern")
    text = pdf_text(pdf)
    assert "Councils,1,2,3" in text.replace(" ", "")
    assert "resilience.4,5" in text.replace(" ", "")
    destinations = [destination for _, destination, _ in link_boxes(pdf, "note-")]
    assert destinations == [f"note-{number}" for number in range(1, 6)]


def test_the_word_joiner_leaves_no_trace_in_the_text_layer(tmp_path: Path) -> None:
    source, _ = many_calls()
    pdf = render(tmp_path, source, "classic")
    assert "\u2060" not in pdf_text(pdf)
    assert "\u2060" not in pdfium_text(pdf)


def test_zine_note_numbers_of_two_digits_stay_whole(tmp_path: Path) -> None:
    calls = " ".join(f"Sentence {number}.[^{number}]" for number in range(1, 13))
    notes = "".join(f"[^{number}]: Note {number}.\n" for number in range(1, 13))
    pdf = render(tmp_path, f"---\ntitle: Notes\nlang: en\n---\n\n{calls}\n\n{notes}", "zine")
    pages = char_boxes(pdf)
    for number in (10, 11, 12):
        links = link_boxes(pdf, f"call-{number}-")
        assert len(links) == 1, f"note number {number} is broken over {len(links)} lines"
        page, _, (x0, y0, x1, y1) = links[0]
        inside = [
            (char, bottom)
            for char, (left, bottom, right, top) in pages[page]
            if x0 - 0.5 <= (left + right) / 2 <= x1 + 0.5 and y0 <= (bottom + top) / 2 <= y1
        ]
        assert "".join(char for char, _ in inside) == f"{number}."
        baselines = [bottom for _, bottom in inside]
        assert max(baselines) - min(baselines) < 1, f"{number}. is broken over two lines"


# --- language typography ----------------------------------------------------------------------

FRENCH = """\
---
title: "Le congrès : une « nouvelle » tendance !"
lang: fr
---

Un appel : le « bloc » ne suffit pas ; pourquoi ? Rejoignez-nous !

Déjà espacé\u202f: «\u202fmot\u202f» ; et « avec\u00a0» !
Réunion à 12:30, voir https://example.org/a?b=1 .
"""


def test_french_takes_narrow_no_break_spaces_never_doubled() -> None:
    statement = parse_statement(FRENCH)
    assert statement.title == f"Le congrès{NNBSP}: une «{NNBSP}nouvelle{NNBSP}» tendance{NNBSP}!"
    assert statement.lead is not None
    lead = statement.lead.content.text
    assert lead == (
        f"Un appel{NNBSP}: le «{NNBSP}bloc{NNBSP}» ne suffit pas{NNBSP}; "
        f"pourquoi{NNBSP}? Rejoignez-nous{NNBSP}!"
    )
    second = statement.body_texts()
    text = next(t for t in second if "espacé" in t)
    assert f"espacé{NNBSP}: «{NNBSP}mot{NNBSP}»{NNBSP}; et «{NNBSP}avec{NNBSP}»{NNBSP}!" in text
    assert "12:30" in text
    assert "https://example.org/a?b=1" in text


def french_sentences() -> str:
    """A French statement whose quotes and ; : ! ? land at every position of the lines, typed
    with ordinary spaces (where a line may break, unless they become no-break spaces)."""
    rng = random.Random(5)
    words = ["le", "bloc", "des", "travailleurs", "contre", "la", "gauche", "grève", "nous"]
    sentences = []
    for index in range(150):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 7)))
        quoted = " ".join(rng.choice(words) for _ in range(rng.randint(1, 3)))
        sentences.append(f"{text} « {quoted} » {rng.choice(words)} {';:!?'[index % 4]}")
    return "---\ntitle: Grève\nlang: fr\n---\n\nTexte.\n\n" + " ".join(sentences) + "\n"


def test_french_punctuation_never_starts_a_line_nor_a_guillemet_ends_one(
    tmp_path: Path,
) -> None:
    pdf = render(tmp_path, french_sentences(), "modern")
    lines = [line.strip() for line in re.split(r"\r\n|\n", pdfium_text(pdf)) if line.strip()]
    assert len(lines) > 60
    assert sum(line.count("«") for line in lines) == 150
    assert not [line for line in lines if line.endswith("«")]
    assert not [line for line in lines if line[0] in ";:!?»"]
    html = tmp_path / "out.html"
    statement = tmp_path / "statement.md"
    result = run_cli("render", statement, "-o", tmp_path / "out.pdf", "--html", html)
    assert result.code == 0, result.err
    assert html.read_text(encoding="utf-8").count(f"«{NNBSP}") == 150


def test_english_spaces_nothing() -> None:
    statement = parse_statement("---\ntitle: 'Why? Now: here!'\nlang: en\n---\n\nText.\n")
    assert statement.title == "Why? Now: here!"


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "en-US"), ("en-US", "en-US"), ("en-GB", "en-GB"), ("EN-gb", "en-GB"), ("fr-CA", "fr")],
)
def test_the_table_picks_the_html_language(lang: str, expected: str) -> None:
    assert typo.typography(lang).html_lang == expected


def test_every_supported_language_has_an_entry_with_patterns() -> None:
    for lang in ("en", "en-GB", "es", "fr", "de", "it", "pt", "pl", "uk", "ru", "be", "el"):
        entry = typo.TABLE[lang.lower()]
        assert pyphen.language_fallback(entry.html_lang.replace("-", "_")), lang
        assert len(entry.quotes) == 4


def test_us_and_british_english_hyphenate_differently() -> None:
    """WeasyPrint hands the HTML ``lang`` to pyphen (``language_fallback``): ``en`` alone
    would be the British dictionary."""

    def hyphenated(lang: str, word: str) -> str:
        tag = typo.typography(lang).html_lang
        dictionary = pyphen.Pyphen(lang=pyphen.language_fallback(tag.replace("-", "_")))
        return str(dictionary.inserted(word))

    assert hyphenated("en", "militarization") == "mil-i-ta-riza-tion"
    assert hyphenated("en-GB", "militarization") == "mil-it-ar-iz-a-tion"
    assert hyphenated("en", "activists") == "ac-tivists"
    assert hyphenated("en-GB", "activists") == "act-iv-ists"


def test_the_rendered_html_carries_the_us_language(tmp_path: Path) -> None:
    statement = tmp_path / "statement.md"
    statement.write_text("---\ntitle: T\nlang: en\n---\n\nText.\n", encoding="utf-8")
    html = tmp_path / "out.html"
    result = run_cli("render", statement, "-o", tmp_path / "out.pdf", "--html", html)
    assert result.code == 0, result.err
    assert '<html lang="en-US">' in html.read_text(encoding="utf-8")


# --- hyphenation hygiene ----------------------------------------------------------------------


def test_a_word_with_a_hard_hyphen_breaks_only_there(tmp_path: Path) -> None:
    rng = random.Random(3)
    fillers = ["a", "an", "the", "of", "to", "and", "we", "our", "all"]
    sentences = [
        " ".join(rng.choice(fillers) for _ in range(rng.randint(1, 9)))
        + " military-political socio-economic"
        for _ in range(60)
    ]
    source = "---\ntitle: Words\nlang: en\n---\n\nLead.\n\n" + ". ".join(sentences) + ".\n"
    pdf = render(tmp_path, source, "classic")
    document = pdfium.PdfDocument(pdf)
    # pdfium marks a hyphen ending a line with U+FFFE.
    text = "".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    ends = re.findall(r"(\S*)\ufffe", text)
    assert ends, "no line ends at a hyphen: the test text does not reach the line ends"
    assert set(ends) <= {"military", "socio"}, sorted(set(ends))


def test_a_paragraph_s_last_word_is_kept_whole() -> None:
    statement = parse_statement(
        "---\ntitle: T\nlang: en\n---\n\nLead.\n\nWe need organized resistance!\n"
    )
    block = statement.blocks[0]
    assert isinstance(block, Paragraph)
    assert block.content.html.endswith('<span class="last-word">resistance!</span>')


@pytest.mark.parametrize(
    ("body", "html"),
    [
        ("We meet from 7 am.", 'We meet from <span class="last-word">7\u00a0am.</span>'),
        ("the articles 17 y  18.", 'the articles 17 <span class="last-word">y\u00a018.</span>'),
        ("the articles 17 y\n18.", 'the articles 17 y\u00a0<span class="last-word">18.</span>'),
        ("See **this** am.", 'See <strong>this</strong><span class="last-word">\u00a0am.</span>'),
        ("See **this**am.", 'See <strong>this</strong><span class="last-word">am.</span>'),
        ("Organized resistance.", 'Organized <span class="last-word">resistance.</span>'),
        ("Now.", '<span class="last-word">Now.</span>'),
        # A short end after a slash or a hyphen is joined to the word (WORD JOINER).
        ("des travailleurs/ses.", 'des <span class="last-word">travailleurs/\u2060ses.</span>'),
        ("We are pro-EU.", 'We are <span class="last-word">pro-\u2060EU.</span>'),
        ("It is well-known.", 'It is <span class="last-word">well-known.</span>'),
    ],
)
def test_a_short_last_word_is_tied_to_the_word_before(body: str, html: str) -> None:
    statement = parse_statement(f"---\ntitle: T\nlang: en\n---\n\nLead.\n\n{body}\n")
    block = statement.blocks[0]
    assert isinstance(block, Paragraph)
    assert block.content.html == html
    # The model's text (word counts, the nothing-lost guard) keeps the space as written.
    assert "\u00a0" not in block.content.text and "\u2060" not in block.content.text
    assert len(block.content.text.split()) == len(body.split())


def test_a_note_ending_on_an_address_neither_overflows_nor_ends_on_a_fragment(
    corpus: Path, tmp_path: Path
) -> None:
    """The corpus statement whose note ended "…committee_platfo / rm": the address breaks
    anywhere (no line runs out of the narrow note column) and its last piece is no word
    ending a paragraph; every letter of it is on the page."""
    from leaflet.importer import import_file
    from leaflet.pipeline import RenderOptions, render_statement
    from leaflet.source import load_statement

    source = tmp_path / "statement.md"
    source.write_text(import_file(corpus / "07_en_dsa_lsc_platform.txt").markdown, encoding="utf-8")
    result = render_statement(
        load_statement(source), RenderOptions(format="a5", template="classic")
    )
    notes = [str(note) for note in result.notes]
    assert not [note for note in notes if "runs out of its column" in note]
    assert not [note for note in notes if "short word alone" in note]
    document = pdfium.PdfDocument(result.pdf)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    assert "housing_homelessness_committee_platform" in re.sub(r"\s+", "", text)


def test_a_subtitle_keeps_its_short_last_word_with_the_one_before() -> None:
    statement = parse_statement(
        "---\ntitle: T\nsubtitle: tech workers are walking out\n---\n\nLead.\n"
    )
    assert statement.subtitle == "tech workers are walking\u00a0out"


def short_endings() -> str:
    rng = random.Random(2)
    words = ["a", "the", "of", "council", "workers", "housing", "rent", "strike", "union"]
    words += ["transit", "public", "control", "democracy"]
    paragraphs = [
        " ".join(rng.choice(words) for _ in range(rng.randint(8, 30))) + " from 7 am."
        for _ in range(120)
    ]
    return "---\ntitle: Short words\nlang: en\n---\n\nLead.\n\n" + "\n\n".join(paragraphs) + "\n"


def test_a_paragraph_never_ends_on_a_short_word_alone(tmp_path: Path) -> None:
    """Paragraphs of every length ending "… from 7 am." (without the tie, 7 of 120 end on
    "am." alone): each last line holds at least two words, the layout preflight finds no
    short word alone, and the text layer still reads two words."""
    from leaflet.pipeline import RenderOptions, render_statement
    from leaflet.source import load_statement

    source = tmp_path / "statement.md"
    source.write_text(short_endings(), encoding="utf-8")
    result = render_statement(
        load_statement(source), RenderOptions(format="a5", template="classic")
    )
    assert not [note for note in result.notes if "short word alone" in str(note)]
    lines = [line.strip() for line in pdfium_text(result.pdf).splitlines()]
    assert sum(line.endswith("am.") for line in lines) == 120
    assert not [line for line in lines if line == "am."]
    assert sum(bool(re.search(r"\b7\s+am\.$", line)) for line in lines) == 120
    output = tmp_path / "statement.pdf"
    output.write_bytes(result.pdf)
    checked = run_cli("check", output, "--source", source)
    assert checked.code == 0, checked.out + checked.err


def test_proper_names_inside_a_sentence_are_not_hyphenated(tmp_path: Path) -> None:
    """The preflight finds a hyphenated name (its rule 11) and the repair after layout sets
    that paragraph without hyphenation (spans around names would upset WeasyPrint's lines)."""
    rng = random.Random(11)
    fillers = ["a", "an", "the", "of", "to", "and", "we", "our", "all", "in"]
    names = ["Zaporizhzhia", "Dnipropetrovsk", "Transnistria"]
    sentences = [
        " ".join(rng.choice(fillers) for _ in range(rng.randint(1, 9))) + " " + rng.choice(names)
        for _ in range(80)
    ]
    source = "---\ntitle: Names\nlang: en\n---\n\nLead.\n\n" + ". ".join(sentences) + ".\n"
    pdf = render(tmp_path, source, "classic")
    document = pdfium.PdfDocument(pdf)
    text = "".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    assert text.count("Zaporizhzhia") + text.count("Dnipropetrovsk") > 20
    split = [end for end in re.findall(r"(\S*)\ufffe", text) if end[:1].isupper()]
    assert not split


def test_german_nouns_keep_their_hyphenation() -> None:
    statement = parse_statement(
        "---\ntitle: T\nlang: de\n---\n\nLead.\n\nDie Arbeiterbewegung und die Gewerkschaften.\n"
    )
    block = statement.blocks[0]
    assert isinstance(block, Paragraph)
    assert 'class="name"' not in block.content.html


def test_imported_text_gets_its_language_s_typography(tmp_path: Path) -> None:
    text = tmp_path / "appel.txt"
    text.write_text(
        "Appel : contre la « réforme » !\n\n"
        "Nous appelons les travailleurs et les travailleuses à la grève générale : "
        "la « réforme » du gouvernement est une attaque contre nous tous ; "
        "pourquoi attendre ? Rejoignez les assemblées générales dans les quartiers !\n",
        encoding="utf-8",
    )
    source = tmp_path / "appel.md"
    result = run_cli("import", text, "-o", source)
    assert result.code == 0, result.err
    statement = parse_statement(source.read_text(encoding="utf-8"), source)
    assert statement.lang == "fr"
    assert statement.title == f"Appel{NNBSP}: contre la «{NNBSP}réforme{NNBSP}»{NNBSP}!"
    assert statement.lead is not None
    assert f"générale{NNBSP}: la «{NNBSP}réforme{NNBSP}»" in statement.lead.content.text


def test_no_short_hyphenated_body_line_in_a_real_statement(corpus: Path, tmp_path: Path) -> None:
    """The corpus statement that showed "Ukraine are the new sponta-" alone on a short line
    (a WeasyPrint defect after an inline span) lays out without short body lines."""
    from leaflet.importer import import_file
    from leaflet.pipeline import RenderOptions, render_statement
    from leaflet.source import load_statement

    source = tmp_path / "statement.md"
    source.write_text(
        import_file(corpus / "en-mobilization-referendums.txt").markdown, encoding="utf-8"
    )
    result = render_statement(
        load_statement(source), RenderOptions(format="a5-fold", template="bold")
    )
    assert not [note for note in result.notes if "fewer than 40 characters" in str(note)]
