"""Render once, stamp many: local editions whose placeholders are only in the local block.

When a run's placeholders are only in the front matter's contact and website
(:attr:`leaflet.editions.EditionPlan.local_only`), every edition's pages are alike but for the
contact block, which the template sets in a box of a fixed size (``local.html.j2``).  So:

1. the shared pages are laid out once, the box kept empty (:func:`shared_pages`); its two
   anchors (``#local-block``, ``#local-block-end``: WeasyPrint writes an element's id as a
   named destination) tell the page and the rectangle it takes;
2. the blocks of a batch of editions are laid out in one small document, one page the size
   of the box each, with the statement's stylesheets, fonts, colours, type scale and the
   block's ancestors' classes (``edition.html.j2``): the same rules reach it as in the
   statement (:func:`local_pages`);
3. each edition's page becomes a Form XObject drawn in the box on a copy of the shared pages
   (its links moved with it), which are then imposed and finished as a render would
   (:func:`stamp`, :func:`leaflet.pipeline.finish_pages`).

The result has the same pages, text and positions, as rendering that edition alone (tested
with pypdfium2).  Pictures, marks and PDF variants are applied after the stamp, as after a
render.  pypdf is used here as in :mod:`leaflet.pdf`: this module only adds a form to pages.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .errors import RenderError
from .formats import get_format
from .model import Statement

if TYPE_CHECKING:
    from .pipeline import RenderOptions, RenderResult
    from .templates import Template

__all__ = ["Shared", "fast_path_formats", "local_pages", "shared_pages", "stamp"]

#: The anchors of the local block's corners (local.html.j2).
START, END = "local-block", "local-block-end"
#: The form's name in a page's resources.
FORM = "/LeafletLocalBlock"

_EDITION = re.compile(r'<div class="local-edition">.*?</div>\s*(?=</body>)', re.S)


#: Template files that set the local block itself: the row may show there.
LOCAL_TEMPLATES = frozenset({"local.html.j2", "edition.html.j2"})


def reads_edition(template: Template) -> bool:
    """Whether a file of *template*'s chain (the base's included) names ``edition`` outside
    the local block: then the row may change the shared pages, and each edition is rendered
    in full.  Read from the templates' syntax trees (Jinja2's own parser), not run."""
    import jinja2
    import jinja2.meta

    from .compose import template_environment
    from .templates import BASE_DIR

    environment = template_environment(template)
    for folder in [*template.search_path, BASE_DIR]:
        for path in sorted(folder.glob("*.j2")):
            if path.name in LOCAL_TEMPLATES or not path.is_file():
                continue
            try:
                tree = environment.parse(path.read_text(encoding="utf-8"))
            except (jinja2.TemplateSyntaxError, OSError, UnicodeDecodeError):
                return True  # the full render reports it, naming the file and line
            if "edition" in jinja2.meta.find_undeclared_variables(tree):
                return True
    return False


def same_shared_pages(
    editions: Sequence[tuple[Statement, Mapping[str, str]]], options: RenderOptions
) -> bool:
    """Whether *editions* (a sample: statement and row) compose the same document once their
    local block is kept empty: a template that shows the contact line or the website, or a
    field of the row, anywhere else makes the shared pages differ, and each edition is then
    rendered in full."""
    from .compose import compose_html
    from .editions import using_edition
    from .templates import get_template

    fmt = get_format(options.format)
    template = get_template(options.template)
    for back_page in (None, True):
        documents = set()
        for statement, fields in editions:
            with using_edition(fields, hidden=True):
                documents.add(
                    compose_html(
                        statement, fmt, template, bleed=options.bleed_width, back_page=back_page
                    )
                )
        if len(documents) > 1:
            return False
    return True


def fast_path_formats(name: str) -> bool:
    """Whether the format's pages flow (a flat leaflet or a booklet): posters, share pictures
    and pieces of panels are rendered in full for each edition."""
    fmt = get_format(name)
    return fmt.kind == "leaflet" and not fmt.page_rule.exact


@dataclass(frozen=True, slots=True)
class Shared:
    """The pages every edition shares, and where the local block goes on them."""

    result: RenderResult
    #: The page (index) holding the box, and the box (left, bottom, right, top) in points.
    page: int
    box: tuple[float, float, float, float]
    #: The statement is set with a back page (the box is in its foot).
    back_page: bool
    #: The shared pages read once (pypdf), each edition's copy cloned from it.
    reader: Any = field(repr=False, compare=False, default=None)

    @property
    def size(self) -> tuple[float, float]:
        left, bottom, right, top = self.box
        return right - left, top - bottom


def shared_pages(
    statement: Statement, fields: Mapping[str, str], options: RenderOptions
) -> Shared | None:
    """The pages of *statement* (filled with any edition's *fields*) with the local block
    kept empty, before imposition; None when they have no local block to stamp."""
    from .editions import using_edition
    from .pipeline import render_pages

    with using_edition(fields, hidden=True):
        result = render_pages(statement, options)
    found = _anchors(result.pdf)
    if START not in found or END not in found or found[START][0] != found[END][0]:
        return None
    page, left, top = found[START]
    _, right, bottom = found[END]
    if not (right > left and top > bottom):
        return None
    from pypdf import PdfReader

    back_page = 'id="back-foot"' in result.html
    reader = PdfReader(io.BytesIO(result.pdf))
    return Shared(result, page, (left, bottom, right, top), back_page, reader)


def _anchors(pdf: bytes) -> dict[str, tuple[int, float, float]]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    found = {}
    for name, destination in reader.named_destinations.items():
        if name in (START, END):
            page = reader.get_destination_page_number(destination)
            if page is not None:
                found[name] = (page, float(destination.left or 0), float(destination.top or 0))
    return found


def local_pages(
    statements: Sequence[tuple[Statement, Mapping[str, str]]],
    shared: Shared,
    options: RenderOptions,
) -> list[Any]:
    """One PDF page (pypdf's) for each (statement, fields) edition: its local block laid
    out alone on a page the size of the shared box, as the statement sets it."""
    from pypdf import PdfReader

    from .compose import compose_html
    from .editions import using_edition
    from .pipeline import _scale_css, _typesetter
    from .render import write_pdf
    from .templates import get_template

    fmt = get_format(options.format)
    template = get_template(options.template)
    parts: list[str] = []
    html = ""
    for statement, fields in statements:
        with using_edition(fields):
            html = compose_html(
                statement,
                fmt,
                template,
                entry="edition.html.j2",
                extra={"local_size": shared.size},
                back_page=shared.back_page,
            )
        match = _EDITION.search(html)
        if match is None:  # a template of its own without the block: nothing to stamp
            raise RenderError(f"template {template.name}: no local block in edition.html.j2")
        parts.append(match.group(0))
    document = _EDITION.sub(lambda _: "\n".join(parts), html, count=1)
    typesetter = _typesetter(statements[0][0], template, document, options)
    laid_out = typesetter.layout(_scale_css(fmt, shared.result.scale))
    if laid_out.page_count != len(statements):
        raise RenderError(
            f"the local blocks took {laid_out.page_count} pages for {len(statements)} editions"
        )
    identifier = typesetter.fingerprint[:32].encode()
    return list(PdfReader(io.BytesIO(write_pdf(laid_out, identifier=identifier))).pages)


def stamp(
    shared: Shared,
    block: Any,
    statement: Statement,
    options: RenderOptions,
) -> RenderResult:
    """The shared pages with *block* (a page of :func:`local_pages`) drawn in the local box
    (its links moved with it), imposed and finished as a render of *statement* would be."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        RectangleObject,
    )

    from .pipeline import finish_pages

    left, bottom, right, top = shared.box
    writer = PdfWriter(clone_from=shared.reader)
    source = block
    page = writer.pages[shared.page]
    form = DecodedStreamObject()
    contents = source.get_contents()
    form.set_data(contents.get_data() if contents is not None else b"")
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): RectangleObject([0, 0, right - left, top - bottom]),
            NameObject("/Resources"): source.get("/Resources", DictionaryObject()).clone(writer),
        }
    )
    if "/Group" in source:
        form[NameObject("/Group")] = source["/Group"].clone(writer)
    reference = writer._add_object(form)
    resources = page.setdefault(NameObject("/Resources"), DictionaryObject())
    xobjects = resources.setdefault(NameObject("/XObject"), DictionaryObject())
    xobjects[NameObject(FORM)] = reference
    # The page's own content is wrapped in q … Q, so the form is placed in the page's
    # default space whatever the content leaves its graphics state in.
    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(b"q\n")
    after.set_data(f"Q q 1 0 0 1 {left:.4f} {bottom:.4f} cm {FORM} Do Q\n".encode())
    existing = page.raw_get("/Contents") if "/Contents" in page else None
    held = existing.get_object() if existing is not None else None
    streams = list(held) if isinstance(held, ArrayObject) else [existing] if existing else []
    page[NameObject("/Contents")] = ArrayObject(
        [writer._add_object(before), *streams, writer._add_object(after)]
    )
    for annotation in source.get("/Annots", ()) or ():
        moved = annotation.get_object().clone(writer)
        rect = moved.get("/Rect")
        if rect is not None:
            x1, y1, x2, y2 = (float(value) for value in rect)
            corners = (x1 + left, y1 + bottom, x2 + left, y2 + bottom)
            moved[NameObject("/Rect")] = ArrayObject(FloatObject(value) for value in corners)
        moved.pop("/P", None)
        page.setdefault(NameObject("/Annots"), ArrayObject()).append(writer._add_object(moved))
    out = io.BytesIO()
    writer.write(out)
    pages = replace(shared.result, pdf=out.getvalue())
    return finish_pages(pages, statement, options)
