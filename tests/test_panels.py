"""Pieces of panels (tri-fold, Z-fold, mini zine): every page in its role — the cover holds the
masthead and no body text, the inside the text, the back the closing block, a roll fold's flap
the notes or a sign-up area — on exactly the layout's pages, every word kept; a statement too
long for the piece is refused, naming the larger format.  Read back from the PDFs."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest

from leaflet import panels
from leaflet.compose import LABELS, compose_html
from leaflet.formats import LARGER, get_format
from leaflet.importer import import_file
from leaflet.model import Paragraph, Statement
from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import load_statement, parse_statement
from leaflet.templates import get_template
from test_impose_layouts import read_cells

from conftest import EXAMPLES, assert_refused, pdf_reader, run_cli

TEMPLATES = ("classic", "bold", "copier", "letter", "modern", "zine")
PANELS = ("dl-trifold", "dl-zfold", "letter-trifold", "a5-zine")
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.md"))
#: Corpus statements short enough for a tri-fold; the others are refused.
CORPUS_FITTING = {"05_fr_npa_declaration_congres.txt", "06_en_twc_climate_strike.txt"}
#: What the preflight says of text leaving its page or column.
OVERFLOW = ("runs out of its column", "runs below the page")


def squeezed(text: str) -> str:
    """*text* without whitespace and hyphens, case-folded: comparable however its lines break
    (a URL may break after a hyphen of its own)."""
    return re.sub(r"[\s\-]+", "", text).casefold()


def page_texts(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        texts = [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()
    return [squeezed(text.replace("\ufffe", "")) for text in texts]


def first_body_words(statement: Statement, count: int = 6) -> str:
    """The first words of the first paragraph of the body (not the lead)."""
    paragraph = next(block for block in statement.blocks if isinstance(block, Paragraph))
    return squeezed(" ".join(paragraph.content.text.split()[:count]))


def render_pages(statement: Statement, fmt: str, template: str) -> tuple[bytes, str]:
    result = render_statement(
        statement, RenderOptions(format=fmt, template=template, deliver="pages")
    )
    assert not [note for note in result.notes if any(w in note.message for w in OVERFLOW)]
    return result.pdf, result.html


def assert_designed(statement: Statement, fmt_name: str, pdf: bytes) -> None:
    fmt = get_format(fmt_name)
    roles = fmt.roles(fmt.page_rule.exact or 0)
    assert len(pdf_reader(pdf).pages) == len(roles)
    texts = page_texts(pdf)
    body = first_body_words(statement)
    cover, back = texts[roles.index("cover")], texts[roles.index("back")]
    title = squeezed(statement.title)
    assert title[:20] in cover
    assert body not in cover
    assert body in "".join(texts[i] for i, role in enumerate(roles) if role == "inside")
    assert body not in back
    for slogan in statement.slogans:
        assert squeezed(slogan) in back
    for value in (statement.contact, statement.website, statement.imprint):
        if value:
            assert squeezed(value) in back
    if not (statement.slogans or statement.contact or statement.website or statement.imprint):
        assert squeezed(LABELS.get(statement.lang[:2], LABELS["en"])["join_us"]) in back
    if "flap" in roles:
        flap = texts[roles.index("flap")]
        if statement.notes:
            first_note = squeezed(" ".join(statement.notes[0].blocks[0].content.text.split()[:5]))  # type: ignore[union-attr]
            assert first_note in flap or first_note in "".join(texts)
        elif statement.slogans or statement.contact or statement.website or statement.imprint:
            assert squeezed(LABELS.get(statement.lang[:2], LABELS["en"])["join_us"]) in flap
    everything = "".join(texts)
    missing = [word for word in statement.words() if squeezed(word) not in everything]
    assert not missing, missing[:10]


@pytest.mark.parametrize("fmt", PANELS)
@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("source", EXAMPLE_FILES, ids=lambda path: path.stem)
def test_examples_are_designed_pieces_in_every_template(
    source: Path, template: str, fmt: str
) -> None:
    statement = load_statement(source)
    pdf, _ = render_pages(statement, fmt, template)
    assert_designed(statement, fmt, pdf)


@pytest.mark.parametrize("fmt", ("dl-trifold", "dl-zfold"))
def test_corpus_statements_fit_a_fold_or_are_refused_naming_a_larger_format(
    corpus: Path, fmt: str, tmp_path: Path
) -> None:
    for index, source in enumerate(sorted(corpus.glob("*.txt"))):
        markdown = tmp_path / f"{source.stem}.md"
        markdown.write_text(import_file(source).markdown, encoding="utf-8")
        template = TEMPLATES[index % len(TEMPLATES)]
        if source.name in CORPUS_FITTING:
            statement = load_statement(markdown)
            pdf, _ = render_pages(statement, fmt, template)
            assert_designed(statement, fmt, pdf)
        else:
            output = tmp_path / f"{source.stem}.pdf"
            result = run_cli("render", markdown, "-f", fmt, "-t", template, "-o", output)
            assert_refused(result, mentions=f"--format {LARGER[fmt]}")
            assert markdown.name in result.err
            assert not output.exists()


def test_the_roll_fold_sheet_puts_each_page_on_its_panel(tmp_path: Path) -> None:
    output = tmp_path / "trifold.pdf"
    result = run_cli("render", EXAMPLES / "en-free-transit.md", "-f", "dl-trifold", "-o", output)
    assert result.code == 0, result.err
    outside, inside = (
        [squeezed(cell) for cell in side]
        for side in read_cells(output.read_bytes(), [97, 100, 100])
    )
    # Outside, left to right: the flap (notes), the back (slogans), the cover (title).
    assert "notes" in outside[0] and "riversidecouncil" in outside[0]
    assert "busesfor" in outside[1]
    assert "freetransit" in outside[2] and "whatthefare" not in outside[2]
    # Inside: the text, from page 2 on the left.
    assert "whatthefare" in inside[0]
    assert run_cli("check", output).code == 0


def test_the_imposed_zine_and_z_fold_pass_the_check(tmp_path: Path) -> None:
    for fmt in ("a5-zine", "dl-zfold"):
        output = tmp_path / f"{fmt}.pdf"
        source = EXAMPLES / "uk-labour-rights.md"
        assert run_cli("render", source, "-f", fmt, "-o", output).code == 0
        check = run_cli("check", output)
        assert check.code == 0, check.out


STATEMENT = """\
---
title: "Keep the library open"
lang: {lang}
{extra}
---

The council wants to close the library on Saturdays.

## Why it matters

{body}
"""


def write(folder: Path, *, lang: str = "en", extra: str = "", words: int = 120) -> Path:
    body = " ".join(["Readers come every day to study, to borrow and to meet."] * (words // 11))
    source = folder / "statement.md"
    source.write_text(STATEMENT.format(lang=lang, extra=extra, body=body), encoding="utf-8")
    return source


def test_without_notes_the_flap_holds_a_sign_up_area_in_the_statements_language(
    tmp_path: Path,
) -> None:
    source = write(tmp_path, lang="es", extra='slogans:\n  - "¡Abrid la biblioteca!"')
    statement = load_statement(source)
    pdf, _ = render_pages(statement, "dl-trifold", "modern")
    flap = page_texts(pdf)[5]
    for label in ("join_us", "name", "phone", "email"):
        assert squeezed(LABELS["es"][label]) in flap
    assert squeezed("¡Abrid la biblioteca!") in page_texts(pdf)[4]


def test_without_a_closing_block_the_back_holds_the_sign_up_area(tmp_path: Path) -> None:
    statement = load_statement(write(tmp_path))
    pdf, _ = render_pages(statement, "dl-zfold", "classic")
    assert "joinus" in page_texts(pdf)[5]


def test_a_short_text_ends_the_inside_early_with_a_warning_never_a_blank_in_the_middle(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    source = write(tmp_path, extra='slogans:\n  - "Open on Saturdays!"', words=40)
    statement = load_statement(source)
    pdf, _ = render_pages(statement, "dl-zfold", "bold")
    texts = page_texts(pdf)
    assert len(texts) == 6
    inside = texts[1:5]
    used = [bool(text) for text in inside]
    assert used[0] and used == sorted(used, reverse=True)  # blanks only at the end
    if not all(used):
        assert "inside pages" in caplog.text


def test_a_statement_too_long_for_the_piece_is_refused_before_anything_is_written(
    tmp_path: Path,
) -> None:
    source = write(tmp_path, words=4000)
    before = source.read_bytes()
    output = tmp_path / "out.pdf"
    result = run_cli("render", source, "-f", "dl-trifold", "-o", output)
    assert_refused(result, mentions="statement.md does not fit 6 dl-trifold pages")
    assert "--format a5-fold" in result.err
    assert not output.exists()
    assert source.read_bytes() == before


def test_the_mini_zine_cover_holds_the_title_and_byline_alone(tmp_path: Path) -> None:
    statement = load_statement(EXAMPLES / "es-vivienda.md")
    pdf, _ = render_pages(statement, "a5-zine", "zine")
    cover = page_texts(pdf)[0]
    assert squeezed(statement.title) in cover
    assert squeezed(statement.author or "") in cover
    assert squeezed(statement.subtitle or "")[:20] not in cover
    assert squeezed(statement.subtitle or "")[:20] in page_texts(pdf)[1]


def test_the_cover_title_is_set_larger_than_the_templates_own_size() -> None:
    statement = load_statement(EXAMPLES / "en-free-transit.md")
    pdf, _ = render_pages(statement, "dl-trifold", "classic")
    document = pdfium.PdfDocument(pdf)
    try:
        textpage = document[0].get_textpage()
        # The cover's first character is the title's; its height in points.
        _, bottom, _, top = textpage.get_charbox(0)
    finally:
        document.close()
    # classic's narrow title is 2.3rem of 8.5 pt (20 pt): the cover sets it larger.
    assert top - bottom > 0.7 * 2.3 * 8.5 * 1.25


@pytest.mark.parametrize("fmt", ("a4", "a5", "a5-fold", "letter-fold"))
def test_other_formats_compose_no_panels(fmt: str) -> None:
    statement = parse_statement("---\ntitle: T\nslogans: [S]\n---\n\nLead.\n\nBody.\n")
    html = compose_html(statement, get_format(fmt), get_template("classic"))
    assert "panel" not in html and "signup" not in html


def test_notes_too_long_for_the_flap_end_the_inside_and_the_flap_takes_the_sign_up(
    tmp_path: Path,
) -> None:
    calls = " ".join(f"Fact {n}.[^n{n}]" for n in range(1, 31))
    notes = "\n".join(
        f"[^n{n}]: Source {n}: a long description of where this figure comes from, "
        f"published by the council's own office, https://example.org/sources/{n}"
        for n in range(1, 31)
    )
    source = tmp_path / "statement.md"
    source.write_text(
        f'---\ntitle: "Keep the library open"\nslogans: ["Open it!"]\n---\n\n'
        f"The council wants to close it.\n\n## Why\n\n{calls}\n\n{notes}\n",
        encoding="utf-8",
    )
    statement = load_statement(source)
    pdf, _ = render_pages(statement, "dl-trifold", "classic")
    texts = page_texts(pdf)
    assert "source30" in "".join(texts[1:4])
    assert "joinus" in texts[5] and "source1" not in texts[5]


def test_a_short_lead_on_the_cover_sits_at_its_foot_below_the_title() -> None:
    statement = load_statement(EXAMPLES / "en-free-transit.md")
    pdf, _ = render_pages(statement, "dl-trifold", "modern")
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        _, height = page.get_size()
        textpage = page.get_textpage()
        _, last_bottom, _, _ = textpage.get_charbox(textpage.count_chars() - 1)
        _, _, _, first_top = textpage.get_charbox(0)
    finally:
        document.close()
    assert first_top > 0.8 * height  # the title at the top
    assert last_bottom < 0.15 * height  # the lead's last line near the foot (8 mm margin)


def cover_search(
    name: str, fmt_name: str, template_name: str
) -> tuple[float, int, Callable[[float], tuple[bool, bool]]]:
    """The cover title's size the search chooses, the layouts it took, and an independent
    check of a size: (the masthead fits its share of the cover with no line wider than it,
    it fits with a one-word line wider than it or a taller masthead ruled out only)."""
    from leaflet.pipeline import MAX_SCALE, PX, _scale_css

    statement = load_statement(EXAMPLES / f"{name}.md")
    fmt, template = get_format(fmt_name), get_template(template_name)
    plan = panels.plan_panels(statement, fmt)
    _, typesetter = panels._compose(statement, fmt, template, RenderOptions(format=fmt_name), plan)
    before = typesetter.passes
    css = panels._cover_title(typesetter, fmt, plan, statement.title)
    passes = typesetter.passes - before
    found = re.search(r"font-size: ([\d.]+)pt", css)
    assert found, css
    cover = typesetter.excerpt("panel-cover")
    room = panels.MASTHEAD_SHARE[plan.cover_lead] * plan.area * PX

    def check(size: float) -> tuple[bool, bool]:
        laid_out = cover.layout(
            f"{_scale_css(fmt, MAX_SCALE)}\n#cover-masthead .title {{ font-size: {size:.2f}pt "
            f"!important; overflow-wrap: normal !important; }}{panels.COVER_ALONE}"
        )
        head = laid_out.blocks("cover-masthead")[0]
        one_page = {block.page for block in laid_out.blocks("panel-cover")} == {0}
        lines = laid_out.lines_of("cover-masthead", "title")
        word = any(
            len(line.text.split(" ")) == 1 and line.extent > head.width + 0.5 for line in lines
        )
        room_left = one_page and head.height <= room and not word
        return room_left and all(w <= head.width + 0.5 for w in head.line_widths), room_left

    return float(found.group(1)), passes, check


@pytest.mark.parametrize(
    ("name", "fmt", "template"),
    [
        ("en-free-transit", "dl-trifold", "classic"),
        ("en-free-transit", "dl-trifold", "zine"),  # label tape: padding on every line
        ("uk-labour-rights", "dl-trifold", "bold"),
        ("uk-labour-rights", "letter-trifold", "zine"),
        ("es-vivienda", "a5-zine", "modern"),
        ("uk-labour-rights", "a5-zine", "bold"),
    ],
)
def test_the_cover_title_is_the_largest_the_cover_lets_it_be(
    name: str, fmt: str, template: str
) -> None:
    size, _, check = cover_search(name, fmt, template)
    assert check(size)[0]
    # Larger, the masthead leaves its share of the cover or a word its measure (a line's
    # decoration may overflow at one size and not the next: those are tried a step apart).
    step = 1 + panels.TITLE_PRECISION
    smallest = panels.TITLE_SIZES[0] * get_format(fmt).body_size
    assert not check(size * step**3)[1]
    assert size > 1.5 * smallest


@pytest.mark.parametrize(
    ("name", "template"),
    [
        ("en-free-transit", "classic"),
        ("en-free-transit", "modern"),
        ("uk-labour-rights", "classic"),
    ],
)
@pytest.mark.usefixtures("forgotten_layouts")
def test_the_cover_title_is_found_in_a_few_layouts_predicted_from_its_words(
    name: str, template: str
) -> None:
    # The smallest size, the size its words predict, and one a step larger (a bisection to
    # the same precision takes six).
    _, passes, _ = cover_search(name, "dl-trifold", template)
    assert passes <= 4


@pytest.mark.usefixtures("forgotten_layouts")
def test_a_title_its_lines_show_too_tall_a_step_larger_is_not_laid_out_there() -> None:
    # "Праця — / не / розхідний / матеріал" fills its share of the cover in height: a step
    # larger, with as many lines at least, each taller, it cannot fit, which the layout at
    # the size found shows (the smallest size, then that one: two layouts).
    size, passes, check = cover_search("uk-labour-rights", "dl-trifold", "classic")
    assert passes == 2
    assert check(size)[0]
    assert not check(size * (1 + panels.TITLE_PRECISION / 2))[1]


@pytest.mark.usefixtures("forgotten_layouts")
def test_a_title_ending_on_a_word_alone_is_tried_smaller_only_where_that_helps() -> None:
    # "… no / una / mercancía" at the largest size: a step smaller still ends on "mercancía"
    # alone as its words predict, two steps too; three bring "una" down.  Only that size is
    # tried (the search: the words one to a line, the size they predict; then one layout),
    # and the title ends on two words.
    size, passes, check = cover_search("es-vivienda", "dl-trifold", "classic")
    assert passes == 3
    assert check(size)[0]
    statement = load_statement(EXAMPLES / "es-vivienda.md")
    fmt, template = get_format("dl-trifold"), get_template("classic")
    plan = panels.plan_panels(statement, fmt)
    _, typesetter = panels._compose(statement, fmt, template, RenderOptions("dl-trifold"), plan)
    from leaflet.pipeline import MAX_SCALE, _scale_css

    title = f"#cover-masthead .title {{ font-size: {size:.2f}pt !important; }}"
    laid_out = typesetter.layout(f"{_scale_css(fmt, MAX_SCALE)}\n{title}")
    lines = laid_out.lines_of("cover-masthead", "title")
    assert len(lines) > 1 and len(lines[-1].text.split()) == 2


@pytest.mark.parametrize("fmt", ["letter-trifold", "dl-zfold"])
@pytest.mark.usefixtures("forgotten_layouts")
def test_a_title_its_widest_word_holds_down_is_found_in_two_layouts(fmt: str) -> None:
    # "розхідний" holds the title down.  The search's first layout sets the title one word
    # to a line, which measures each word: the size they predict fits, and a step larger
    # that word, grown with the type, would run past the masthead: no layout there.
    # (Predicted from the words' letters, the first size tried was too large: three.)
    size, passes, check = cover_search("uk-labour-rights", fmt, "classic")
    assert passes == 2
    assert check(size)[0]
    larger = size * (1 + panels.TITLE_PRECISION / 2)
    assert not check(larger)[1]
    statement = load_statement(EXAMPLES / "uk-labour-rights.md")
    fmt_, template = get_format(fmt), get_template("classic")
    plan = panels.plan_panels(statement, fmt_)
    _, typesetter = panels._compose(statement, fmt_, template, RenderOptions(fmt), plan)
    from leaflet.pipeline import MAX_SCALE, _scale_css

    title = f"#cover-masthead .title {{ font-size: {larger:.2f}pt !important; }}"
    laid_out = typesetter.excerpt("panel-cover").layout(
        f"{_scale_css(fmt_, MAX_SCALE)}\n{title}{panels.COVER_ALONE}"
    )
    head = laid_out.blocks("cover-masthead")[0]
    assert any(
        line.text == "розхідний" and line.extent > head.width + 0.5
        for line in laid_out.lines_of("cover-masthead", "title")
    )


@pytest.mark.usefixtures("forgotten_layouts")
def test_a_title_of_long_words_one_to_a_line_is_not_tried_smaller() -> None:
    # "… не / розхідний / матеріал": the last two words never share a line on the panel, so
    # no smaller size is tried to end it on two words.
    _, passes, _ = cover_search("uk-labour-rights", "dl-trifold", "classic")
    assert passes <= 4
    statement = load_statement(EXAMPLES / "uk-labour-rights.md")
    pdf, _ = render_pages(statement, "dl-trifold", "classic")
    assert squeezed(statement.title) in page_texts(pdf)[0]


def watched_render(
    statement: Statement, fmt: str, template: str, owner: Any, name: str, watch: Any
) -> bytes:
    """The pages of a render during which each call of *owner*'s function *name* went
    through ``watch(original, *args)``."""
    original = getattr(owner, name)

    def watching(*args: Any) -> Any:
        return watch(original, *args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(owner, name, watching)
        pdf, _ = render_pages(statement, fmt, template)
    return pdf


def spread_passes(statement: Statement, fmt: str, template: str) -> tuple[list[int], bytes]:
    """The layouts each spreading of a short text took, and the pages."""
    spreads: list[int] = []

    def spread(original: Any, typesetter: Any, *args: Any) -> Any:
        before = typesetter.passes
        found = original(typesetter, *args)
        spreads.append(typesetter.passes - before)
        return found

    return spreads, watched_render(statement, fmt, template, panels, "_spread", spread)


@pytest.mark.usefixtures("forgotten_layouts")
def test_a_spreading_stops_at_the_most_pages_every_break_gives() -> None:
    # The mini zine's six inside pages: with every break the text takes five (a section runs
    # over two; seen before the fitting), so the first break reaching five ends the search:
    # the three breaks alone, instead of three rounds.
    statement = load_statement(EXAMPLES / "uk-labour-rights.md")
    spreads, pdf = spread_passes(statement, "a5-zine", "classic")
    assert spreads == [3]
    assert sum(bool(text) for text in page_texts(pdf)[1:7]) == 5


@pytest.mark.usefixtures("forgotten_layouts")
def test_sections_of_a_short_text_each_open_an_inside_page_in_one_layout(
    tmp_path: Path,
) -> None:
    sections = "\n\n".join(
        f"## Part {n}\n\n" + " ".join(["Word of part", str(n) + "."] * 25) for n in (1, 2, 3)
    )
    source = tmp_path / "statement.md"
    source.write_text(
        f'---\ntitle: "Three short parts"\nslogans: ["Join us!"]\n---\n\n{sections}\n',
        encoding="utf-8",
    )
    statement = load_statement(source)
    whole, pdf = whole_layouts(statement, "dl-zfold", "classic")
    # Every section on a page of its own at the largest type, then the blank fourth shown.
    assert len(whole) == 2
    texts = page_texts(pdf)
    for n, page in zip((1, 2, 3), texts[1:4], strict=True):
        assert page.startswith(f"part{n}"), page[:40]


def whole_layouts(statement: Statement, fmt: str, template: str) -> tuple[list[str], bytes]:
    """The stylesheets of the layouts of the whole document (no excerpt) a render took, and
    its pages."""
    from leaflet.render import Typesetter

    whole: list[str] = []

    def counted(original: Any, typesetter: Typesetter, extra_css: str) -> Any:
        if not typesetter._kept:
            whole.append(extra_css)
        return original(typesetter, extra_css)

    return whole, watched_render(statement, fmt, template, Typesetter, "_layout", counted)


@pytest.mark.usefixtures("forgotten_layouts")
def test_a_short_statement_s_tri_fold_lays_the_whole_document_out_once() -> None:
    # Its three sections each fit an inside panel at the largest type: that layout is the
    # document's, the back panel's slogans and the cover's lead then set a page at a time.
    statement = load_statement(EXAMPLES / "uk-labour-rights.md")
    whole, pdf = whole_layouts(statement, "dl-trifold", "classic")
    assert len(whole) == 1
    texts = page_texts(pdf)
    heads = [squeezed(h) for h in re.findall(r"^## (.+)$", statement.source.read_text(), re.M)]
    for head, page in zip(heads, texts[1:4], strict=True):
        assert page.startswith(head), (head, page[:40])
    assert_designed(statement, "dl-trifold", pdf)


@pytest.mark.usefixtures("forgotten_layouts")
def test_a_fitted_text_s_cover_lead_is_moved_down_on_the_cover_alone(tmp_path: Path) -> None:
    # A text filling the inside pages at a fitted size: its last layout of the whole document
    # is the fitting's; the cover, its lead moved to the foot, and the back panel, its
    # slogan sized, are each set anew alone — the same pages as laying the whole out again.
    source = write(tmp_path, extra='slogans:\n  - "Open on Saturdays!"', words=1300)
    statement = load_statement(source)
    whole, pdf = whole_layouts(statement, "dl-trifold", "classic")
    assert whole and not any("#cover-masthead { margin-bottom" in css for css in whole)
    from leaflet.render import Typesetter, forget_layouts

    def laid_out_whole(typesetter: Typesetter, extra_css: str, *_: Any) -> Any:
        return typesetter.layout(extra_css)

    forget_layouts()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Typesetter, "layout_part_page", laid_out_whole)
        again, _ = render_pages(statement, "dl-trifold", "classic")
    assert again == pdf
    cover = page_texts(pdf)[0]
    assert squeezed("The council wants to close the library") in cover


@pytest.mark.usefixtures("forgotten_layouts")
def test_back_panel_slogans_are_sized_and_balanced_in_one_layout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """uk-labour-rights' back panel: the whole piece's layout sets the slogans one run to a
    line, which measures their widest run, "ПРАЦІВНИКІВ —" (a dash tied to its word): the
    search starts just below the size at which it fills the panel, which fits, and its line
    holding the run alone shows a size 1 % larger failing.  "СОЛІДАРНІСТЬ / СИЛЬНІША /
    ЗА СТРАХ!" holds a run on each line: balanced with no layout.  "ГІДНА ПРАЦЯ — / ГІДНА
    ОПЛАТА!" (centred) can keep two lines one way only: balanced as it is.  Checked by
    laying out: each slogan keeps its lines and height at the measures chosen, a narrower
    measure for the first one breaks it onto three lines, and 1 % larger the stack does not
    fit the panel."""
    from leaflet import posters

    found: list[tuple[Any, Any, float, float, Any]] = []
    fit_stack = posters.fit_stack

    def recording(texts: Any, measure: Any, width: float, height: float, **options: Any) -> Any:
        chosen = fit_stack(texts, measure, width, height, **options)
        found.append((chosen, measure, width, height, options))
        return chosen

    monkeypatch.setattr(posters, "fit_stack", recording)
    statement = load_statement(EXAMPLES / "uk-labour-rights.md")
    render_statement(statement, RenderOptions(format="dl-trifold", template="classic"))
    ((chosen, measure, width, height, options),) = found
    widest = max(run for runs in options["runs"] for run in runs)
    assert widest == pytest.approx(width / chosen.sizes[0], rel=0.01)
    assert options["centred"]
    assert chosen.passes == 1
    full = measure(chosen.sizes, [width] * 3)
    balanced = measure(chosen.sizes, chosen.widths)
    assert [result.lines for result in balanced] == [result.lines for result in full]
    assert tuple(result.height for result in balanced) == pytest.approx(chosen.heights)
    assert chosen.widths[1] < width - 10  # the words' slogan is narrower than the panel
    larger = measure([size * 1.01 for size in chosen.sizes], [width] * 3)
    assert not all(result.fits(width, height) for result in larger)
    narrower = [max(full[0].line_widths) - 1, *chosen.widths[1:]]
    assert measure(chosen.sizes, narrower)[0].lines == 3


@pytest.mark.parametrize(
    ("name", "template", "heading"),
    [
        ("es-vivienda", "classic", "Lo que exigimos"),
        ("en-free-transit", "classic", "Our demands"),
        ("uk-labour-rights", "letter", "Що ми пропонуємо"),
    ],
)
def test_a_mini_zine_spread_keeps_a_short_section_on_one_page(
    name: str, template: str, heading: str
) -> None:
    # Too short for the mini zine's six inside pages, the text is spread over them by
    # starting sections on pages.  Breaks chosen one at a time used as many pages as every
    # break at once, but left a section's end alone on a page ("4. Un parque público…"):
    # every break at once, whose emptiest page is fuller, is kept.
    statement = load_statement(EXAMPLES / f"{name}.md")
    pdf, _ = render_pages(statement, "a5-zine", template)
    texts = page_texts(pdf)
    (page,) = [text for text in texts if squeezed(heading) in text]
    source = (EXAMPLES / f"{name}.md").read_text(encoding="utf-8")
    section = source.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    body = re.sub(r"\[\^\w+\]", "", section.split("\n\n[^", 1)[0])
    words = [squeezed(word) for word in re.findall(r"\w[\w'’-]*", body)]
    assert [word for word in words if word not in page] == []
