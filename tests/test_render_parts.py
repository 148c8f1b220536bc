"""One part of a document laid out alone (:meth:`render.Typesetter.excerpt`, a booklet's back
page while its slogans are sized) and a booklet's last page set anew on the text pages of a
layout already made (:meth:`render.Typesetter.layout_part_page`): the same lines and the same
pages as laying out the whole document, at the cost of one page."""

from __future__ import annotations

from typing import Any

import pytest

from leaflet.compose import compose_html
from leaflet.formats import get_format
from leaflet.pipeline import BACK_PAGE_ALONE, RenderOptions, _scale_css, _typesetter
from leaflet.preflight import Layout
from leaflet.render import LaidOut, Typesetter, preflight_layout, walk_lines, write_pdf
from leaflet.source import load_statement
from leaflet.templates import get_template

from conftest import EXAMPLES

#: The slogans set at a size of the search's, as :func:`pipeline._back_page_poster` does.
SIZED = "\n".join(
    f"#slogan-{n} {{ font-size: {size}px !important; max-width: 260px !important; }}"
    for n, size in ((1, 31.5), (2, 28.25), (3, 30.0))
)
#: The title running at the top of the back page: a part laid out alone has no title to run.
TITLED_BACK = (
    "<style>h1 { string-set: title content(); }\n"
    "@page back { @top-center { content: string(title); } }</style>"
)


def booklet(template: str = "classic", *, head: str = "") -> Typesetter:
    """A typesetter of an example statement as an A5 booklet with its back page."""
    statement = load_statement(EXAMPLES / "uk-labour-rights.md")
    assert statement.slogans
    fmt = get_format("a5-fold")
    html = compose_html(statement, fmt, get_template(template), back_page=True)
    html = html.replace("</head>", f"{head}</head>")
    return _typesetter(statement, get_template(template), html, RenderOptions(format="a5-fold"))


def element(laid_out: LaidOut, element_id: str) -> Any:
    """The element with *element_id* as laid out (its first block)."""
    return next(
        box.element
        for page in laid_out.document.pages
        for box in page._page_box.descendants()
        if getattr(box, "element", None) is not None and box.element.get("id") == element_id
    )


def slogan_lines(layout: Layout) -> list[tuple[str, float, float]]:
    return [(line.text, line.left, line.right) for line in layout.lines if line.role == "slogan"]


def roles(laid_out: LaidOut) -> set[str]:
    return {line.role for line in preflight_layout(laid_out).lines}


def lines(layout: Layout) -> tuple[object, ...]:
    """The pages and lines of *layout*, leaving out what names an element's identity."""
    return layout.pages, tuple(
        (line.page, line.text, line.role, line.hyphenated, line.top, line.left, line.right)
        for line in layout.lines
    )


def test_an_excerpt_sets_the_slogans_as_the_whole_document_does() -> None:
    typesetter = booklet()
    hidden = "\nbody > :not(.back-page) { display: none !important; }"
    whole = typesetter.layout(SIZED + hidden)
    alone = typesetter.excerpt("back-page").layout(SIZED + BACK_PAGE_ALONE)
    for number in (1, 2, 3):
        assert alone.blocks(f"slogan-{number}") == whole.blocks(f"slogan-{number}")
    # Nothing of the statement but its back page is there to lay out, hidden or not.
    part = typesetter.excerpt("back-page").layout(SIZED)
    assert roles(part) <= {"slogan", "other"}
    assert {"body", "heading"} <= roles(typesetter.layout())
    assert slogan_lines(preflight_layout(alone)) == slogan_lines(preflight_layout(whole))


def test_an_excerpt_names_its_elements_as_the_document_does() -> None:
    typesetter = booklet()
    whole = typesetter.layout()
    alone = typesetter.excerpt("back-page").layout(BACK_PAGE_ALONE)
    named = typesetter.selector(element(alone, "slogan-2"))
    assert named == typesetter.selector(element(whole, "slogan-2"))
    assert named.startswith("html > body:nth-child(") and named.endswith("p:nth-child(2)")


#: A page number on the back page: the part sets its page at the same place, so it is the same.
NUMBERED_BACK = "<style>@page back { @top-center { content: counter(page); } }</style>"


@pytest.mark.parametrize("head", ["", NUMBERED_BACK], ids=["plain", "numbered"])
def test_the_last_page_alone_is_set_anew_on_the_text_pages(head: str) -> None:
    typesetter = booklet(head=head)
    base = typesetter.layout(_scale_css(get_format("a5-fold"), 1.1))
    final_css = f"{base.css}\n{SIZED}"
    passes = typesetter.passes
    spliced = typesetter.layout_part_page(final_css, base, typesetter.excerpt("back-page"))
    assert typesetter.passes == passes + 1  # the back page's part, not the whole
    assert spliced.document.pages[:-1] == base.document.pages[:-1]
    assert typesetter.layout(final_css) is spliced  # kept like any layout
    whole = booklet(head=head).layout(final_css)
    assert spliced.page_count == whole.page_count
    assert lines(preflight_layout(spliced)) == lines(preflight_layout(whole))
    pdf = write_pdf(spliced, identifier=b"same")
    assert pdf == write_pdf(whole, identifier=b"same")


def test_a_last_page_in_another_page_context_is_laid_out_whole() -> None:
    typesetter = booklet(head=TITLED_BACK)
    base = typesetter.layout()
    final_css = f"{base.css}\n{SIZED}"
    laid_out = typesetter.layout_part_page(final_css, base, typesetter.excerpt("back-page"))
    assert laid_out.document.pages[0] is not base.document.pages[0]
    whole = booklet(head=TITLED_BACK).layout(final_css)
    assert write_pdf(laid_out, identifier=b"same") == write_pdf(whole, identifier=b"same")


def test_a_layout_s_lines_are_walked_once() -> None:
    laid_out = booklet().layout()
    walk = walk_lines(laid_out)
    assert walk_lines(laid_out) is walk
    assert preflight_layout(laid_out) is walk.layout  # the fitter's read, then the repairs'
    posters = walk_lines(laid_out, posters=True)
    assert posters is not walk and all(page.designed for page in posters.layout.pages)


def trifold() -> Typesetter:
    """A typesetter of an example statement as a tri-fold: its back panel is the fifth of six
    pages, the flap after it."""
    from leaflet.panels import plan_panels

    statement = load_statement(EXAMPLES / "uk-labour-rights.md")
    fmt = get_format("dl-trifold")
    plan = plan_panels(statement, fmt)
    html = compose_html(
        statement, fmt, get_template("classic"), back_page=True, extra={"panels": plan}
    )
    return _typesetter(statement, get_template("classic"), html, RenderOptions(format="dl-trifold"))


def test_a_page_between_others_is_set_anew_as_the_whole_document_sets_it() -> None:
    typesetter = trifold()
    base = typesetter.layout(_scale_css(get_format("dl-trifold"), 1.1))
    assert base.page_count == 4  # cover, one inside page (the others hidden), back, flap
    final_css = f"{base.css}\n{SIZED}"
    passes = typesetter.passes
    spliced = typesetter.layout_part_page(final_css, base, typesetter.excerpt("back-page"))
    assert typesetter.passes == passes + 1  # the back panel's part, not the whole
    pages = spliced.document.pages
    assert pages[:2] == base.document.pages[:2] and pages[3] is base.document.pages[3]
    assert pages[2] is not base.document.pages[2]
    whole = trifold().layout(final_css)
    assert lines(preflight_layout(spliced)) == lines(preflight_layout(whole))
    assert write_pdf(spliced, identifier=b"same") == write_pdf(whole, identifier=b"same")


def test_a_part_sharing_its_page_is_never_set_alone() -> None:
    # A booklet's masthead shares its page with the lead and the text: that page set from
    # the masthead alone would lose them, so the whole document is laid out.
    typesetter = booklet()
    base = typesetter.layout()
    final_css = f"{base.css}\n.masthead {{ margin-bottom: 3px !important; }}"
    passes = typesetter.passes
    laid_out = typesetter.layout_part_page(final_css, base, typesetter.excerpt("masthead"))
    assert typesetter.passes == passes + 1  # laid out whole, no part
    whole = booklet().layout(final_css)
    assert write_pdf(laid_out, identifier=b"same") == write_pdf(whole, identifier=b"same")


def test_lines_holding_a_word_alone_are_told() -> None:
    from leaflet.render import _unbreakable

    assert _unbreakable("Solidarity!")
    assert _unbreakable("¡desahucio\u00a0más!")  # tied by a no-break space
    assert not _unbreakable("¡Ni un")
    assert not _unbreakable("anti-war")  # may break after its hyphen
    assert not _unbreakable("desahu-")  # broken at a soft hyphen
    assert not _unbreakable("!")
    # A dash tied to its word by a no-break space ends the run: no line breaks before it.
    assert _unbreakable("ПРАЦЯ\u00a0—")
    assert _unbreakable("travail\u202f–")
    assert not _unbreakable("ПРАЦЯ—")  # a line may break before an em dash
    assert not _unbreakable("ПРАЦЯ\u00a0—\u00a0не")  # and after it, inside the run
    assert not _unbreakable("Solidarity\u200bforever")  # a zero-width space breaks
    # On a laid-out back page: the slogans' last two words are tied (white-space: nowrap).
    typesetter = booklet()
    laid_out = typesetter.excerpt("back-page").layout(SIZED + BACK_PAGE_ALONE)
    for number in (1, 2, 3):
        (block,) = laid_out.blocks(f"slogan-{number}")
        assert block.unbroken, number
        assert set(block.unbroken) <= set(block.line_widths)
        assert max(block.unbroken) <= block.width + 0.5


def test_a_stylesheet_adding_rules_to_one_laid_out_before_parses_only_its_new_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A search's stylesheets grow from one laid out before (the scale's, then the slogans'
    # sizes): that one's parsed sheets are reused, the new rules parsed alone, and the
    # pages are the bytes of the whole stylesheet parsed at once.
    fmt = get_format("a5-fold")
    base = _scale_css(fmt, 0.9)
    grown = f"{base}\n#slogan-1 {{ font-size: 40px !important; color: #c00 !important; }}"
    parsed: list[str] = []
    typesetter = booklet()
    original = Typesetter._extra_sheet

    def counting(self: Typesetter, text: str) -> Any:
        parsed.append(text)
        return original(self, text)

    monkeypatch.setattr(Typesetter, "_extra_sheet", counting)
    typesetter.layout(base)
    part = typesetter.excerpt("back-page")
    part.layout(grown + BACK_PAGE_ALONE)  # an excerpt shares the document's sheets
    reused = typesetter.layout(grown)
    assert parsed == [base, grown[len(base) + 1 :] + BACK_PAGE_ALONE, grown[len(base) + 1 :]]
    whole = booklet().layout(grown)
    assert write_pdf(reused, identifier=b"x") == write_pdf(whole, identifier=b"x")
    # A stylesheet whose braces do not all close is no start for another.
    parsed.clear()
    typesetter.layout("@media print { html { color: black; }")
    typesetter.layout("@media print { html { color: black; }\n} body { color: red; }")
    assert len(parsed) == 2 and parsed[1].startswith("@media print")
