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
with pypdfium2).  A block longer than its box would be cut off (the box hides what it cannot
hold): its third anchor (``#local-block-fill``, where its content ends) tells, on both paths
(:func:`local_pages`, :func:`check_local_block`), and that edition fails with a message
(:func:`overflow_message`) instead.  Pictures, marks and PDF variants are applied after the
stamp, as after a render.  pypdf is used here as in :mod:`leaflet.pdf`: this module only
adds a form to pages.
"""

from __future__ import annotations

import io
import re
from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .errors import RenderError
from .formats import get_format
from .model import Statement

if TYPE_CHECKING:
    from .pipeline import RenderOptions, RenderResult
    from .templates import Template

__all__ = [
    "LocalPages",
    "Shared",
    "check_local_block",
    "fast_path_formats",
    "local_pages",
    "overflow_message",
    "shared_pages",
    "stamp",
]

#: The anchors of the local block's corners (local.html.j2).
START, END = "local-block", "local-block-end"
#: The anchor where a shown local block's content ends (local.html.j2).
FILL = "local-block-fill"
#: Content ending less than this (points) below the box is no overflow (rounding).
TOLERANCE = 0.05
#: The room (points) below the box on a block's page (edition.html.j2): a block longer than
#: its box runs on there (measured, never stamped) rather than being broken across pages.
ROOM = 2000.0
#: One line of the contact block, in rem (its type is 0.85–1rem, leaded 1.38): an estimate.
LINE_REM = 1.2
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
    found = _anchors(result.pdf, (START, END))
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


def _anchors(pdf: bytes | Any, names: Container[str]) -> dict[str, tuple[int, float, float]]:
    """The page (index), left and top (points) of the anchors *names* in *pdf* (bytes or a
    pypdf reader)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf)) if isinstance(pdf, bytes) else pdf
    found = {}
    for name, destination in reader.named_destinations.items():
        if name in names:
            page = reader.get_destination_page_number(destination)
            if page is not None:
                found[name] = (page, float(destination.left or 0), float(destination.top or 0))
    return found


@dataclass(frozen=True, slots=True)
class LocalPages:
    """The local blocks of a batch of editions laid out alone: one PDF page (pypdf's) for
    each, and how far (points) each one's content reaches below its box (0: it fits)."""

    pages: list[Any]
    overflows: list[float]


def local_pages(
    statements: Sequence[tuple[Statement, Mapping[str, str]]],
    shared: Shared,
    options: RenderOptions,
) -> LocalPages:
    """One PDF page (pypdf's) for each (statement, fields) edition: its local block laid
    out alone on a page the size of the shared box, as the statement sets it; and whether
    it fits the box (its anchors are numbered: ``local-block-fill-N``)."""
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
    for number, (statement, fields) in enumerate(statements):
        with using_edition(fields):
            html = compose_html(
                statement,
                fmt,
                template,
                entry="edition.html.j2",
                extra={"local_size": shared.size, "local_room": ROOM, "local_index": number},
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
    reader = PdfReader(io.BytesIO(write_pdf(laid_out, identifier=identifier)))
    found = _anchors(reader, _Numbered())
    overflows = [_overflow(found, f"-{number}", number) for number in range(len(statements))]
    return LocalPages(list(reader.pages), overflows)


class _Numbered:
    """The numbered anchors of blocks laid out together (``local-block-end-3`` …)."""

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and re.fullmatch(rf"({END}|{FILL})-\d+", name) is not None


def _overflow(
    found: Mapping[str, tuple[int, float, float]], suffix: str = "", page: int | None = None
) -> float:
    """How far (points) a shown block's content reaches below its box, from its anchors
    (*suffix*: their number; *page*: a block laid out alone, on that page): 0 when it fits,
    shows nothing (no fill anchor) or there is no block (no anchor); infinite when the box's
    end anchor is lost (the content, longer than a page holds, was broken off at the page's
    foot: too long for any measure)."""
    fill, end = found.get(FILL + suffix), found.get(END + suffix)
    if page is None and START not in found:
        return 0.0  # no local block in this layout (a poster, a share picture)
    start = found.get(START) if page is None else (page, 0.0, 0.0)
    if end is None or start is None or end[0] != start[0]:
        return float("inf")
    if fill is None:
        return 0.0  # nothing shown in the box
    if fill[0] != end[0]:
        return float("inf")
    excess = end[2] - fill[2]  # the box's bottom above the content's end (PDF: y upwards)
    return excess if excess > TOLERANCE else 0.0


def overflow_message(
    excess: float, statement: Statement, options: RenderOptions, scale: float, fields: Sequence[str]
) -> str:
    """What an edition whose contact block runs *excess* points past its box is told."""
    import math

    keys = [key for key in ("contact", "website") if getattr(statement, key, None)]
    what = ", ".join(keys) or "contact"
    if fields:
        what += f"; {'field' if len(fields) == 1 else 'fields'} {', '.join(fields)}"
    if math.isinf(excess):
        return f"the contact block ({what}) is too long for the local box; shorten it"
    line = LINE_REM * get_format(options.format).body_size * scale
    lines = max(1, math.ceil(excess / line - 0.1))
    return (
        f"the contact block ({what}) is {'about ' if lines > 1 else ''}{lines} "
        f"line{'s' if lines > 1 else ''} ({excess * 25.4 / 72:.1f} mm) too long for the "
        "local box, which would cut it off; shorten it"
    )


def check_local_block(
    pages: RenderResult, statement: Statement, options: RenderOptions, fields: Sequence[str]
) -> None:
    """Raise a :class:`RenderError` when the local block of *pages* (a render's pages before
    they are finished, :func:`leaflet.pipeline.render_pages`) holds more than its box shows."""
    excess = _overflow(_anchors(pages.pdf, (START, END, FILL)))
    if excess:
        raise RenderError(overflow_message(excess, statement, options, pages.scale, fields))


def stamp(
    shared: Shared,
    block: Any,
    statement: Statement,
    options: RenderOptions,
) -> RenderResult:
    """The shared pages with *block* (a page of :func:`local_pages`) drawn in the local box
    (its links moved with it), imposed and finished as a render of *statement* would be."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        FloatObject,
        NameObject,
        RectangleObject,
    )

    from .pdf import clone_writer, serialize
    from .pipeline import finish_pages

    left, bottom, right, top = shared.box
    # The shared pages' version kept; an /ID of the edition's own (written anew).
    writer = clone_writer(shared.reader, keep_id=False)
    source = block
    page = writer.pages[shared.page]
    form = DecodedStreamObject()
    contents = source.get_contents()
    form.set_data(contents.get_data() if contents is not None else b"")
    form.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            # The block is at the top of its page, above the room below it (local_pages).
            NameObject("/BBox"): RectangleObject([0, ROOM, right - left, ROOM + top - bottom]),
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
    after.set_data(f"Q q 1 0 0 1 {left:.4f} {bottom - ROOM:.4f} cm {FORM} Do Q\n".encode())
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
            shift = bottom - ROOM
            corners = (x1 + left, y1 + shift, x2 + left, y2 + shift)
            moved[NameObject("/Rect")] = ArrayObject(FloatObject(value) for value in corners)
        moved.pop("/P", None)
        page.setdefault(NameObject("/Annots"), ArrayObject()).append(writer._add_object(moved))
    pages = replace(shared.result, pdf=serialize(writer))
    return finish_pages(pages, statement, options)
