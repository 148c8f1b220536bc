"""Excerpts' layouts kept for the next render (``render._ExcerptCache``): a back page or a
cover the last render laid out is not laid out again — same bytes as a first render — and a
change to the excerpt, its stylesheets or an image it shows is seen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from leaflet import render
from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import load_statement, parse_statement

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


pytestmark = pytest.mark.usefixtures("forgotten_layouts")


def _first_render(statement: object, options: RenderOptions) -> bytes:
    render.forget_layouts()
    return render_statement(statement, options).pdf  # type: ignore[arg-type]


def test_an_edit_of_the_body_lays_out_the_back_page_as_before() -> None:
    source = (EXAMPLES / "en-free-transit.md").read_text(encoding="utf-8")
    options = RenderOptions(format="a5-fold", template="classic")
    first = render_statement(parse_statement(source, EXAMPLES / "x.md"), options)
    edited = parse_statement(source.rstrip("\n") + " One more word.\n", EXAMPLES / "x.md")
    again = render_statement(edited, options)
    assert again.passes < first.passes - 3  # the slogans' search: no layout
    assert again.pdf == _first_render(edited, options)
    # A slogan changed: the back page is laid out anew.
    changed = parse_statement(source.replace("slogans:", "slogans:\n  - A new slogan!", 1))
    assert render_statement(changed, options).pdf == _first_render(changed, options)


def test_a_changed_logo_is_laid_out_anew(tmp_path: Path) -> None:
    """A tri-fold's cover, its logo replaced: the same bytes as a first render."""

    def logo(size: tuple[int, int], colour: str) -> None:
        Image.new("RGB", size, colour).save(tmp_path / "logo.png")

    source = tmp_path / "statement.md"
    source.write_text(
        "---\ntitle: A cover with a logo\nlogo: logo.png\nslogans: [Keep it!]\n---\n\n"
        + "A paragraph of the statement, long enough to wrap over a few lines of a panel. " * 6
        + "\n",
        encoding="utf-8",
    )
    options = RenderOptions(format="dl-trifold", template="classic")
    logo((400, 100), "red")
    wide = render_statement(load_statement(source), options)
    assert wide.passes > 3
    cached = render_statement(load_statement(source), options)
    assert cached.passes <= 3 and cached.pdf == wide.pdf  # the cover's search: kept
    logo((100, 400), "blue")
    tall = render_statement(load_statement(source), options).pdf
    assert tall != wide.pdf
    assert tall == _first_render(load_statement(source), options)


def test_an_excerpt_showing_a_changed_image_is_laid_out_anew(tmp_path: Path) -> None:
    """The layout kept is the layout shown (a booklet's back page is its page in the PDF):
    an image it shows that changed on disk makes it stale."""
    html = (
        '<body><div class="part"><img src="picture.png" style="width: auto; height: auto">'
        '</div><div class="other">Other text</div></body>'
    )

    def part() -> render.Typesetter:
        typesetter = render.Typesetter(html, base_url=tmp_path, roots=[tmp_path])
        return typesetter.excerpt("part")

    def picture_width(laid_out: render.LaidOut) -> float:
        boxes = [laid_out.document.pages[0]._page_box]
        while boxes:
            box = boxes.pop()
            if type(box).__name__ == "InlineReplacedBox":
                return float(box.width)
            boxes.extend(getattr(box, "children", []))
        raise AssertionError("no picture laid out")

    Image.new("RGB", (40, 20), "red").save(tmp_path / "picture.png")
    first = part().layout("")
    assert part().layout("") is first  # another document, the same excerpt: kept
    assert part().layout("p { color: red }") is not first  # other styles
    Image.new("RGB", (80, 20), "red").save(tmp_path / "picture.png")
    changed = part().layout("")
    assert changed is not first
    assert picture_width(changed) == 2 * picture_width(first)


def test_a_layout_that_reported_anything_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    statement = load_statement(EXAMPLES / "uk-labour-rights.md")
    options = RenderOptions(format="a5-fold", template="classic")
    original = render.Typesetter._layout

    def reporting(self: render.Typesetter, extra_css: str) -> render.LaidOut:
        laid_out = original(self, extra_css)
        self._reports = 1  # as if WeasyPrint had warned
        return laid_out

    monkeypatch.setattr(render.Typesetter, "_layout", reporting)
    first = render_statement(statement, options)
    again = render_statement(statement, options)
    assert again.passes == first.passes
    assert not render._EXCERPTS._entries


def test_other_stylesheets_do_not_share_layouts() -> None:
    statement = load_statement(EXAMPLES / "uk-labour-rights.md")
    render_statement(statement, RenderOptions(format="a5-fold", template="classic"))
    kept = len(render._EXCERPTS._entries)
    assert kept > 0
    other = RenderOptions(format="a5-fold", template="bold")
    assert render_statement(statement, other).pdf == _first_render(statement, other)


def test_layouts_showing_large_pictures_are_not_all_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The layouts kept hold their pictures: what the files they read weigh is bounded."""
    html = '<body><div class="part"><img src="{}"></div><div class="other">x</div></body>'
    for name in ("one.png", "two.png"):
        Image.new("RGB", (40, 20), "red").save(tmp_path / name)
    weight = (tmp_path / "one.png").stat().st_size
    monkeypatch.setattr(render._ExcerptCache, "FILE_BYTES", weight + weight // 2)

    def part(name: str) -> render.Typesetter:
        typesetter = render.Typesetter(html.format(name), base_url=tmp_path, roots=[tmp_path])
        return typesetter.excerpt("part")

    first = part("one.png").layout("")
    assert part("one.png").layout("") is first
    part("two.png").layout("")  # the two pictures weigh more than the bound: the first goes
    assert part("one.png").layout("") is not first
    assert len(render._EXCERPTS._entries) == 1
