"""The closing block: a booklet's back page set like a poster, the call to action before the
notes on flat leaflets, the imprint, and poster series sharing one size (read back from PDFs)."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from leaflet.repair import UNEVEN

from conftest import assert_refused, run_cli

SLOGANS = (
    "Buses for people, not for profit!",
    "No to war! No to indebtedness!",
    "Public transit, public control!",
)
CONTACT = "Meetings every Thursday at the Union Hall"
IMPRINT = "Printed and promoted by Jo Bloggs, 12 Mill Lane"
TEMPLATES = ("classic", "bold", "copier", "letter", "modern", "zine")

STATEMENT = """\
---
title: "Free transit is a public good"
author: "Riverside Transit Users' Union"
slogans:
{slogans}
contact: "{contact}"
website: "example.org/transit"
{imprint}
---

The council raised the fare again, the third rise in four years.[^1]

## What it costs

{body}

[^1]: Council minutes, https://example.org/minutes/2025-03-01
"""


def write_statement(
    folder: Path, *, imprint: bool = True, slogans: tuple[str, ...] = SLOGANS
) -> Path:
    body = " ".join(["Riders pay more while the service gets worse every year."] * 12)
    source = folder / "statement.md"
    source.write_text(
        STATEMENT.format(
            slogans="\n".join(f'  - "{slogan}"' for slogan in slogans),
            contact=CONTACT,
            imprint=f'imprint: "{IMPRINT}"' if imprint else "",
            body=body,
        ),
        encoding="utf-8",
    )
    return source


def render(source: Path, *args: str) -> Path:
    output = source.parent / "out.pdf"
    result = run_cli("render", source, "-o", output, *args)
    assert result.code == 0, result.stderr
    return output


class Chars:
    """The characters of one PDF page (or its left half) with their boxes, in reading order."""

    def __init__(self, page: pdfium.PdfPage, *, left_half: bool = False) -> None:
        width, self.height = page.get_size()
        self.width = width / 2 if left_half else width
        textpage = page.get_textpage()
        self.text = ""
        self.boxes: list[tuple[float, float, float, float]] = []
        self.sizes: list[float] = []
        for index in range(textpage.count_chars()):
            box = textpage.get_charbox(index)
            if left_half and box[0] >= width / 2:
                continue
            self.text += textpage.get_text_range(index, 1) or " "
            self.boxes.append(box)
            self.sizes.append(pdfium_c.FPDFText_GetFontSize(textpage.raw, index))

    def lines(self) -> list[str]:
        return [line.strip() for line in self.text.replace("\r", "").split("\n") if line.strip()]

    def find(self, needle: str, start: int = 0) -> int:
        """Where *needle* starts in :attr:`text` (any case, lines broken anywhere), from
        *start* on."""
        pattern = re.compile(r"\s+".join(re.escape(word) for word in needle.split()), re.I)
        found = pattern.search(self.text.replace("\u00a0", " "), start)
        assert found, f"{needle!r} not on the page: {self.text!r}"
        return found.start()

    def top_bottom(self, start: int, end: int) -> tuple[float, float]:
        boxes = [box for box in self.boxes[start:end] if box[3] > box[1]]
        return max(box[3] for box in boxes), min(box[1] for box in boxes)


def fold(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split()).lower()


def back_page(pdf: Path) -> Chars:
    """The back page of an imposed booklet: the left half of the first sheet's outside."""
    return Chars(pdfium.PdfDocument(pdf)[0], left_half=True)


@pytest.mark.parametrize("template", TEMPLATES)
def test_back_page_is_a_poster(tmp_path: Path, template: str) -> None:
    page = back_page(render(write_statement(tmp_path), "-f", "a5-fold", "-t", template))
    lines = [fold(line) for line in page.lines()]
    # Each slogan's words on consecutive lines of their own, in order.
    position = 0
    slogan_spans = []
    for slogan in SLOGANS:
        words = fold(slogan).split()
        taken: list[str] = []
        start = position
        while len(taken) < len(words):
            assert position < len(lines), f"{slogan!r} not found in {lines}"
            taken += lines[position].split()
            position += 1
        assert taken == words, f"{slogan!r} shares a line with another: {lines[start:position]}"
        if len(words) >= 3:  # no short word alone on a line ("no / to indebtedness!")
            for line in lines[start:position]:
                assert len(line.split()) > 1 or len(line) > 8, f"alone: {lines[start:position]}"
        slogan_spans.append((start, position))
    # "No to war!" ends a line: the break after a phrase's "!".
    assert any(line.endswith("no to war!") for line in lines)
    # The slogans fill the page; the call to action and the imprint sit at its foot.
    first = page.find(SLOGANS[0].split()[0])
    last = page.find(SLOGANS[-1].split()[-1]) + len(SLOGANS[-1].split()[-1])
    top, bottom = page.top_bottom(first, last)
    # Half the page at least, unless the widest line limits the size ("no to indebtedness!"
    # on one line, no short word alone): then it spans most of the page's width.
    rows: dict[int, list[tuple[float, float, float, float]]] = {}
    for box in page.boxes[first:last]:
        if box[2] > box[0]:
            rows.setdefault(round(box[1] / 5), []).append(box)
    widest = max(max(box[2] for box in row) - min(box[0] for box in row) for row in rows.values())
    assert (top - bottom) / page.height > 0.5 or widest / page.width > 0.65
    for foot in (CONTACT, IMPRINT):
        start = page.find(foot)
        assert page.top_bottom(start, start + len(foot))[0] < page.height / 4, foot
    assert (
        page.top_bottom(first, last)[1]
        > page.top_bottom(page.find(CONTACT), page.find(CONTACT) + 5)[0]
    )


def test_flat_leaflet_call_to_action_before_the_notes(tmp_path: Path) -> None:
    pdf = pdfium.PdfDocument(render(write_statement(tmp_path), "-f", "a4"))
    text = fold("\n".join(Chars(page).text for page in pdf))
    assert text.find(fold(CONTACT)) < text.find("notes") < text.find("council minutes")
    assert text.find(fold(SLOGANS[-1])) < text.find("notes")
    # The imprint ends the leaflet: at the foot of its last page.
    last = Chars(pdf[len(pdf) - 1])
    start = last.find(IMPRINT)
    assert last.top_bottom(start, start + len(IMPRINT))[0] < last.height / 4


def test_require_imprint_refuses_a_statement_without_one(tmp_path: Path) -> None:
    source = write_statement(tmp_path, imprint=False)
    before = source.read_bytes()
    output = tmp_path / "out.pdf"
    result = run_cli("render", source, "--require-imprint", "-o", output)
    assert_refused(result, mentions="statement.md")
    assert "imprint" in result.err
    assert not output.exists()
    assert source.read_bytes() == before


def test_require_imprint_accepts_a_statement_with_one(tmp_path: Path) -> None:
    output = render(write_statement(tmp_path), "-f", "a5", "--require-imprint")
    assert output.exists()


def test_letter_signs_with_its_author_before_the_notes(tmp_path: Path) -> None:
    pdf = pdfium.PdfDocument(render(write_statement(tmp_path), "-f", "a5", "-t", "letter"))
    text = fold("\n".join(Chars(page).text for page in pdf))
    signature = text.find("riverside transit users", text.find("what it costs"))
    assert 0 < signature < text.find("notes")


def test_letter_signature_keeps_to_the_text_measure_on_a4(tmp_path: Path) -> None:
    pdf = pdfium.PdfDocument(render(write_statement(tmp_path), "-f", "a4", "-t", "letter"))
    page = Chars(pdf[0])
    body = page.find("Riders pay")
    text_right = max(box[2] for box in page.boxes[body : body + 400])
    signature = page.find("Riverside Transit Users", body)
    signature_right = max(box[2] for box in page.boxes[signature : signature + 20])
    assert signature_right <= text_right + 2, (signature_right, text_right)


def font_sizes(page: Chars) -> set[float]:
    return {
        round(size, 1) for size, char in zip(page.sizes, page.text, strict=True) if char.isalpha()
    }


def test_posters_of_a_series_share_one_size(tmp_path: Path) -> None:
    slogans = ("Reverse the fare rise!", "Buses for all of us!", "Public transit now!")
    pdf = pdfium.PdfDocument(render(write_statement(tmp_path, slogans=slogans), "-f", "poster-a3"))
    sizes = [font_sizes(Chars(page)) for page in pdf]
    assert len(sizes) == 3 and all(len(size) == 1 for size in sizes), sizes
    assert len(set.union(*sizes)) == 1, sizes


def test_a_poster_never_shares_a_line_between_phrases(tmp_path: Path) -> None:
    slogans = ("Stop the war! All power to the people!",)
    pdf = pdfium.PdfDocument(render(write_statement(tmp_path, slogans=slogans), "-f", "poster-a3"))
    lines = [fold(line) for line in Chars(pdf[0]).lines()]
    assert any(line.endswith("war!") for line in lines), lines


def test_series_size_keeps_an_outlier_apart() -> None:
    from leaflet.posters import series_size

    assert series_size([100.0, 90.0, 95.0]) == 90.0
    assert series_size([100.0, 90.0, 95.0, 30.0]) == 90.0


TRIFOLD_SLOGANS = (
    "Pas un enfant le ventre vide !",
    "La cantine est un droit, pas un privilège !",
    "Du local dans les assiettes, de la dignité dans les écoles !",
)


def cantines(folder: Path, *, sentences: int) -> Path:
    """A French statement of *sentences* sentences closing on :data:`TRIFOLD_SLOGANS`."""
    source = folder / "cantines.md"
    slogans = "\n".join(f'  - "{slogan}"' for slogan in TRIFOLD_SLOGANS)
    sentence = "Le prix du repas a encore augmenté dans nos communes cette année."
    source.write_text(
        f'---\ntitle: "Des cantines gratuites"\nlang: fr\nslogans:\n{slogans}\n'
        f'contact: "{CONTACT}"\n---\n\n{" ".join([sentence] * sentences)}\n',
        encoding="utf-8",
    )
    return source


def test_no_word_stands_alone_on_a_line_of_the_back_panel(tmp_path: Path) -> None:
    # At the largest size the panel takes, "dans" of the third slogan stood on a line of
    # its own; a little smaller, every line holds two words or more.
    source = cantines(tmp_path, sentences=14)
    output = render(source, "-f", "dl-trifold", "--deliver", "pages")
    page = Chars(pdfium.PdfDocument(output)[4])  # cover, three inside panels, the back
    lines = [fold(line) for line in page.lines()]
    position = 0
    for slogan in TRIFOLD_SLOGANS:
        words = [word for word in fold(slogan).split() if word != "!"]
        taken: list[str] = []
        while len(taken) < len(words):
            assert position < len(lines), f"{slogan!r} not found in {lines}"
            line = [word for word in lines[position].split() if any(c.isalnum() for c in word)]
            assert len(line) > 1, f"one word alone on a line of {slogan!r}: {lines}"
            taken += line
            position += 1
        assert taken == words


def _line_widths(page: Chars, start: int, end: int) -> list[float]:
    """The width of each line of the characters start … end (the text's line breaks)."""
    rows: list[list[tuple[float, float, float, float]]] = [[]]
    for index in range(start, end):
        if page.text[index] in "\r\n":
            if rows[-1]:
                rows.append([])
        elif page.boxes[index][2] > page.boxes[index][0]:
            rows[-1].append(page.boxes[index])
    return [max(b[2] for b in row) - min(b[0] for b in row) for row in rows if row]


@pytest.mark.parametrize("template", ["classic", "modern", "bold"])
def test_a_flat_leaflet_s_slogans_are_even(tmp_path: Path, template: str) -> None:
    # The closing block of a flat A5 leaflet: the long slogan's two lines come out even,
    # not "… de la dignité dans / les écoles !".
    source = cantines(tmp_path, sentences=30)
    output = render(source, "-f", "a5", "-t", template)
    document = pdfium.PdfDocument(output)
    page = Chars(document[len(document) - 1])
    start = page.find("Du local")
    end = page.find("écoles") + len("écoles")
    widths = _line_widths(page, start, end)
    assert len(widths) == 2, widths
    assert min(widths) >= UNEVEN * max(widths), widths


def _first_letters(pdf: bytes, page: int, words: list[str]) -> list[float]:
    """The left edge (pt) of the first occurrence of each of *words* on *page*."""
    document = pdfium.PdfDocument(pdf)
    try:
        text = document[page].get_textpage()
        edges = []
        for word in words:
            searcher = text.search(word, match_case=False)
            found = searcher.get_next()
            assert found is not None, word
            edges.append(text.get_charbox(found[0])[0])
        return edges
    finally:
        document.close()


@pytest.mark.parametrize(
    ("template", "flush"), [("modern", True), ("classic", False)], ids=["flush-left", "centred"]
)
def test_slogans_set_flush_left_share_their_left_edge(template: str, flush: bool) -> None:
    """A template setting its slogans flush left (modern) gets one left edge for the stack,
    centred as a whole; centred slogans (classic) stay centred each on its own."""
    from leaflet.pipeline import RenderOptions, render_statement
    from leaflet.source import load_statement

    statement = load_statement(Path(__file__).resolve().parents[1] / "examples/en-free-transit.md")
    options = RenderOptions(format="a5-fold", template=template, deliver="pages")
    result = render_statement(statement, options)
    firsts = ["Buses", "Reverse", "Public transit"]
    edges = _first_letters(result.pdf, result.page_count - 1, firsts)
    if flush:
        assert max(edges) - min(edges) < 0.5, edges
    else:
        assert max(edges) - min(edges) > 5, edges  # lines of different lengths, centred
