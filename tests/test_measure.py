"""The measure, read back from the PDF: every body column of every template and format holds
45–75 characters a line (Bringhurst's comfortable range; single lines may reach 40–80 where a
long word or a justified line gives way), and a lead in display type keeps to it too.

The PDF is read with pypdfium2, independently of the layout preflight: its characters are
grouped into lines by baseline and into columns by where lines start; body text is the
largest type size that holds a quarter of the characters or more; a *full* line is one at
least nine tenths as wide as its column (last lines of paragraphs and lines beside list
markers are shorter)."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from leaflet.importer import import_file
from leaflet.model import Statement
from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import load_statement, parse_statement

from conftest import CORPUS, EXAMPLES

#: The comfortable measure, and the extremes a single line may reach.
COMFORTABLE, EXTREMES = (45, 75), (40, 80)
#: Each template and each format once, on Latin and Cyrillic text, and wide one-column pages.
SAMPLE = [
    ("classic", "a4", "en-free-transit"),
    ("bold", "a5", "uk-labour-rights"),
    ("copier", "letter", "es-vivienda"),
    ("letter", "a4", "en-free-transit"),
    ("modern", "a4-fold", "uk-labour-rights"),
    ("zine", "a5-fold", "es-vivienda"),
    ("zine", "letter", "en-free-transit"),
]
#: Corpus statements, each in another template and format.
CORPUS_CASES = [
    ("modern", "a4"),
    ("copier", "a5-fold"),
    ("classic", "letter"),
    ("bold", "a4-fold"),
    ("letter", "a5"),
    ("zine", "a4"),
]


@dataclass(frozen=True)
class PdfLine:
    page: int
    text: str
    size: float
    left: float
    right: float
    baseline: float


#: One character as pdfium places it: text, size, left, right, baseline.
_Char = tuple[str, float, float, float, float]


def pdf_lines(pdf: bytes) -> list[PdfLine]:
    """Every line of *pdf*: characters in the order pdfium reads them, on one baseline, split
    where the gap to the next character is wider than a justified space (the gap between two
    columns).  pdfium also ends a line before a raised note call's digits; the line goes on
    after them, so such pieces are joined again."""
    document = pdfium.PdfDocument(pdf)
    lines: list[PdfLine] = []
    try:
        for number, page in enumerate(document, start=1):
            text_page = page.get_textpage()
            run: list[_Char] = []
            for index in range(text_page.count_chars()):
                char = chr(pdfium_c.FPDFText_GetUnicode(text_page, index))
                size = pdfium_c.FPDFText_GetFontSize(text_page, index)
                left, bottom, right, _top = text_page.get_charbox(index)
                if char in "\r\n" or _parts(run, char, left, bottom):
                    lines = _joined(lines, _line(run, number))
                    run = []
                if char not in "\r\n":
                    run.append((char, size, left, right, bottom))
            lines = _joined(lines, _line(run, number))
    finally:
        document.close()
    return lines


def _parts(run: list[_Char], char: str, left: float, bottom: float) -> bool:
    """Whether *char* starts a new line after *run*: another baseline, or a gap wider than
    a justified space."""
    seen = [c for c in run if c[0].strip()]
    if not seen or not char.strip():
        return False
    _, size, _, right, baseline = seen[-1]
    return abs(bottom - baseline) > 0.8 * size or left - right > 1.2 * size


def _line(run: list[_Char], page: int) -> PdfLine | None:
    seen = [char for char in run if char[0].strip()]
    if not seen:
        return None
    size = statistics.mode(round(char[1], 1) for char in seen)
    text = "".join(char[0] for char in run).strip()
    baseline = max(seen, key=lambda char: char[1])[4]
    left, right = min(c[2] for c in seen), max(c[3] for c in seen)
    return PdfLine(page, text, size, left, right, baseline)


def _joined(lines: list[PdfLine], line: PdfLine | None) -> list[PdfLine]:
    """*lines* and *line*, joined to the last when it goes on right after it on its
    baseline (a note call and the text after it)."""
    if line is None:
        return lines
    last = lines[-1] if lines else None
    if (
        last is not None
        and last.page == line.page
        and -1 <= line.left - last.right <= 1.2 * min(last.size, line.size)
        and abs(line.baseline - last.baseline) <= 0.8 * max(last.size, line.size)
    ):
        size = last.size if len(last.text) >= len(line.text) else line.size
        text = f"{last.text} {line.text}" if line.text[0].isalpha() else last.text + line.text
        baseline = last.baseline if size == last.size else line.baseline
        return [*lines[:-1], PdfLine(line.page, text, size, last.left, line.right, baseline)]
    return [*lines, line]


def body_columns(pdf: bytes) -> list[list[int]]:
    """The characters of each full body line, column by column (columns with a few lines
    only are left out: a paragraph's end at the top of a column says nothing of its
    measure)."""
    lines = pdf_lines(pdf)
    share: dict[float, int] = {}
    for line in lines:
        share[line.size] = share.get(line.size, 0) + len(line.text)
    body = max(size for size, count in share.items() if count >= sum(share.values()) / 4)
    columns: dict[tuple[int, float], list[PdfLine]] = {}
    for line in (line for line in lines if line.size == body):
        start = next(
            (
                key
                for key in columns
                if key[0] == line.page and abs(key[1] - line.left) < 2.5 * body
            ),
            (line.page, line.left),
        )
        columns.setdefault(start, []).append(line)
    counts = []
    for column in columns.values():
        widths = sorted(line.right - line.left for line in column)
        width = widths[int(len(widths) * 0.9)]
        full = [len(line.text) for line in column if line.right - line.left >= 0.9 * width]
        if len(full) >= 4:
            counts.append(full)
    return counts


def lead_lines(pdf: bytes, statement: Statement) -> list[str]:
    """The lines of the statement's lead on the first pages (found by their text)."""
    assert statement.lead is not None
    lead = " ".join(statement.lead.content.text.split())
    found = []
    for line in pdf_lines(pdf):
        text = " ".join(line.text.split()).rstrip("-\ufffe")
        if line.page <= 2 and len(text) > 15 and text in lead:
            found.append(text)
    return found


def assert_comfortable(counts: list[list[int]], case: str) -> None:
    assert counts, f"{case}: no body column found"
    for column in counts:
        median = statistics.median(column)
        assert COMFORTABLE[0] <= median <= COMFORTABLE[1], f"{case}: {median} a line: {column}"
        assert EXTREMES[0] <= min(column) and max(column) <= EXTREMES[1], f"{case}: {column}"


@cache
def _render(source: Path, template: str, fmt: str) -> bytes:
    options = RenderOptions(format=fmt, template=template)
    return render_statement(load_statement(source), options).pdf


@pytest.mark.parametrize(("template", "fmt", "example"), SAMPLE)
def test_body_columns_hold_a_comfortable_measure(template: str, fmt: str, example: str) -> None:
    pdf = _render(EXAMPLES / f"{example}.md", template, fmt)
    assert_comfortable(body_columns(pdf), f"{example} in {template} {fmt}")


@pytest.mark.parametrize(("template", "fmt", "example"), SAMPLE)
def test_the_lead_keeps_to_the_measure(template: str, fmt: str, example: str) -> None:
    """A lead in display type across a whole A4 page ran to 90 characters a line; a long
    lead set as body text in a one-column template ran to 30 in two narrow columns."""
    source = EXAMPLES / f"{example}.md"
    lines = lead_lines(_render(source, template, fmt), load_statement(source))
    assert len(lines) >= 2
    full = [len(line) for line in lines[:-1]]
    assert max(full) <= COMFORTABLE[1] + 1, (template, fmt, lines)
    assert statistics.median(full) >= EXTREMES[0], (template, fmt, lines)


def test_the_sample_covers_every_template_and_format() -> None:
    from leaflet.templates import builtin_templates

    assert {case[0] for case in SAMPLE} == set(builtin_templates())
    assert {case[1] for case in SAMPLE} >= {"a4", "a5", "letter", "a5-fold", "a4-fold"}


def test_a_too_wide_column_is_seen(tmp_path: Path) -> None:
    """The reading is not blind: a template that sets one column across a whole A4 page
    (as a4 was before it had columns) is far over 75 characters a line."""
    folder = tmp_path / "wide"
    folder.mkdir()
    (folder / "manifest.toml").write_text('extends = "classic"\ndescription = "wide"\n')
    (folder / "style.css").write_text(".columns .body { column-count: 1; }\n")
    pdf = _render(EXAMPLES / "en-free-transit.md", str(folder), "a4")
    assert max(statistics.median(column) for column in body_columns(pdf)) > COMFORTABLE[1]


def _corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []


@pytest.mark.parametrize(
    "index", range(len(CORPUS_CASES)), ids=[f"{t}-{f}" for t, f in CORPUS_CASES]
)
def test_corpus_statements_hold_a_comfortable_measure(index: int, tmp_path: Path) -> None:
    files = _corpus_files()
    if not files:
        pytest.skip("the shared corpus is not beside this checkout")
    source = files[index % len(files)]
    template, fmt = CORPUS_CASES[index]
    statement_file = tmp_path / "statement.md"
    statement_file.write_text(import_file(source).markdown, "utf-8")
    statement = parse_statement(statement_file.read_text("utf-8"), statement_file)
    pdf = render_statement(statement, RenderOptions(format=fmt, template=template)).pdf
    name = re.sub(r"\W+", "-", source.stem)
    assert_comfortable(body_columns(pdf), f"{name} in {template} {fmt}")
