"""Layout and PDF output with WeasyPrint — the only module that imports it.

Two promises are kept here:

* **Safety**: :class:`SafeFetcher` lets WeasyPrint read only stylesheets, fonts and images of the
  bundled assets and the template's folders, and images of the statement's own folder; every
  other URL (network, ``file://`` elsewhere, other kinds of file, an SVG naming files outside
  its own folder) is refused and reported.
* **Machine independence**: WeasyPrint's fonts come from a Fontconfig configuration of their
  own (``fonts/fonts.conf``: the bundled fallback only), so the only fonts it can use are the
  bundled ones the stylesheets declare; folders get portable names and nothing depends on the
  clock, so the same input gives the same bytes on any machine.  Nothing process-wide changes.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import mimetypes
import re
import struct
import threading
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import unquote, urljoin, urlsplit

import weasyprint
from weasyprint.css.counters import CounterStyle
from weasyprint.formatting_structure import boxes
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .colour import SCREEN, ColourMode
from .columns import faster_columns
from .errors import RenderError
from .fonts import FONTS_DIR
from .images import image_problem, shorten
from .limits import current_limits, size_text
from .linebreaks import remembered_lines

if TYPE_CHECKING:
    from .preflight import Layout, Line, Role

__all__ = [
    "ASSETS",
    "IMAGES",
    "Block",
    "LaidOut",
    "Root",
    "SafeFetcher",
    "Typesetter",
    "layout",
    "preflight_layout",
    "write_pdf",
]

LOGGER = logging.getLogger("leaflet.render")


#: What a folder may give WeasyPrint, by file suffix: stylesheets, fonts, images.
STYLESHEETS = frozenset({".css"})
FONTS = frozenset({".otf", ".ttf", ".woff", ".woff2"})
IMAGES = frozenset({".bmp", ".gif", ".jpeg", ".jpg", ".png", ".svg", ".tif", ".tiff", ".webp"})
ASSETS = STYLESHEETS | FONTS | IMAGES


@dataclass(frozen=True, slots=True)
class Root:
    """A folder :class:`SafeFetcher` reads from, and the kinds of file (suffixes) it reads
    there: the bundled assets and a template's folder give stylesheets, fonts and images
    (:data:`ASSETS`); a statement's folder gives only images (:meth:`images`)."""

    folder: Path
    suffixes: frozenset[str] = ASSETS

    @classmethod
    def images(cls, folder: Path) -> Root:
        """*folder* as a root of images only (a statement's folder: never its text)."""
        return cls(folder, IMAGES)

    def serves(self, path: Path) -> bool:
        """Whether *path* (resolved: links followed) is a file of a kind this root gives."""
        return path.is_relative_to(self.folder) and path.suffix.lower() in self.suffixes


class SafeFetcher(URLFetcher):  # type: ignore[misc]
    """Serve ``file:`` URLs of the kinds each of *roots* gives (and inline ``data:`` URLs);
    refuse everything else.

    WeasyPrint gives a fetcher only the URL, never who asks for it, so the rule holds whoever
    asks: a file is served when, links followed, it lies inside a root and is of a kind that
    root gives (:class:`Root`; a plain path gives :data:`ASSETS`).  An SVG image — or any
    file WeasyPrint could end up reading as one — may name only files of the root it comes
    from (an SVG of the statement's folder cannot reach into the template's folder, nor the
    other way round), an SVG from a ``data:`` URL no file at all, and ``xml:base`` is refused.
    """

    def __init__(self, roots: Iterable[Path | Root]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        #: The files served so far, in order.
        self.read: list[Path] = []
        self.roots = tuple(
            Root(root.folder.resolve(), root.suffixes)
            if isinstance(root, Root)
            else Root(Path(root).resolve())
            for root in roots
        )

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.scheme == "data":
            response = super().fetch(url, headers)
            body = response.read()
            response.close()
            self._check_svg(url, body, ())
            return URLFetcherResponse(url, body=body, headers=response.headers)
        if parts.scheme == "file" and parts.netloc in ("", "localhost"):
            path = Path(unquote(parts.path)).resolve()
            serving = tuple(root for root in self.roots if root.serves(path))
            if serving and path.is_file():
                body = self._read(url, path)
                self.read.append(path)
                self._check_svg(url, body, serving)
                mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                headers = {"Content-Type": mime_type}
                return URLFetcherResponse(url, body=body, headers=headers)
        self._refuse(
            url,
            "only the statement's images and the template's and leaflet's own stylesheets, "
            "fonts and images may be read",
        )

    def _refuse(self, url: str, why: str) -> NoReturn:
        LOGGER.warning("refused to load %s (%s)", url, why)
        raise ValueError(f"leaflet does not load {url}")

    def _read(self, url: str, path: Path) -> bytes:
        if path.is_relative_to(_BUNDLED_FONTS):
            return _bundled_font(path)  # every document loads them: read them once
        limit = current_limits().image_bytes
        if path.stat().st_size > limit:
            self._refuse(url, f"larger than {size_text(limit)}")
        return path.read_bytes()

    def _check_svg(self, url: str, body: bytes, serving: tuple[Root, ...]) -> None:
        """Refuse *body* if WeasyPrint would read it as an SVG that names a file none of the
        roots *serving* it gives."""
        references = _svg_references(body)
        if references is None:
            return
        for reference in references:
            if reference is _XML_BASE:
                self._refuse(url, "an SVG image may not set xml:base")
            target = urlsplit(urljoin(url, reference.strip()))
            if target.scheme != "file":
                continue  # data: is checked when fetched; other schemes are never fetched
            path = Path(unquote(target.path)).resolve()
            if target.netloc not in ("", "localhost") or not any(
                root.serves(path) for root in serving
            ):
                self._refuse(
                    url, f"an SVG image may use only files of its own folder, not {reference}"
                )


_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_BUNDLED_FONTS = FONTS_DIR.resolve()


@functools.lru_cache(maxsize=64)
def _bundled_font(path: Path) -> bytes:
    """A font file of leaflet's own (package data, never changed while leaflet runs)."""
    return path.read_bytes()


def _svg_references(body: bytes) -> list[str] | None:
    """The URLs an SVG document names (``href``, ``xlink:href``, ``src``, and ``url()`` and
    ``@import`` in its ``<style>`` elements, read as WeasyPrint reads them), with
    :data:`_XML_BASE` for an ``xml:base``; None when *body* is not XML (then WeasyPrint cannot
    read it as SVG either: it parses SVG with the same ElementTree)."""
    from xml.etree import ElementTree

    try:
        tree = ElementTree.fromstring(body)
    except (ElementTree.ParseError, ValueError, LookupError):
        return None
    references: list[str] = []
    for element in tree.iter():
        for name, value in element.attrib.items():
            if name == _XML_BASE:
                references.append(_XML_BASE)
            elif name.rpartition("}")[2] in ("href", "src"):
                references.append(value)
        if isinstance(element.tag, str) and element.tag.rpartition("}")[2] == "style":
            references += _css_urls(element.text or "")
    return [reference for reference in references if not reference.startswith("#")]


def _css_urls(css: str) -> list[str]:
    """Every URL in a stylesheet (``url()`` tokens and functions, ``@import`` strings)."""
    import tinycss2

    urls: list[str] = []

    def walk(tokens: Iterable[Any]) -> None:
        for token in tokens:
            if token.type == "url":
                urls.append(token.value)
            elif token.type == "function" and token.lower_name == "url":
                urls.extend(arg.value for arg in token.arguments if arg.type == "string")
            elif token.type == "at-rule" and token.lower_at_keyword == "import":
                urls.extend(arg.value for arg in token.prelude if arg.type == "string")
            for attribute in ("prelude", "content", "arguments"):
                walk(getattr(token, attribute, None) or [])

    walk(tinycss2.parse_stylesheet(css))
    return urls


@dataclass(frozen=True)
class LaidOut:
    """A laid-out document (WeasyPrint's pages), ready to be measured or written."""

    document: Any
    #: The stylesheet added to the document's for this layout (see :meth:`Typesetter.layout`).
    css: str = ""
    #: Its lines walked once for all who read them (:func:`walk_lines`), posters or not.
    _walks: dict[bool, Walk] = field(default_factory=dict, compare=False, repr=False)
    #: Its block boxes of elements with an id, by id (with their pages), found in one walk.
    _by_id: dict[str, list[tuple[int, Any]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def page_count(self) -> int:
        return len(self.document.pages)

    @property
    def last_page_fill(self) -> float:
        """How much of the last page's content area the flow uses (0 … 1)."""
        return self.page_fill(-1)

    def page_fill(self, index: int) -> float:
        """How much of page *index*'s content area the flow uses (0 … 1)."""
        page_box = self.document.pages[index]._page_box
        top = page_box.content_box_y()
        # The bottom of the last block the body holds on this page (the html and body boxes
        # of a page the flow continues from span the whole page, whatever they hold).
        bottoms = [block.position_y + block.margin_height() for block in _body_blocks(page_box)]
        used = max(bottoms, default=top) - top
        return min(1.0, max(0.0, used / page_box.height)) if page_box.height else 1.0

    def text_fill(self, index: int) -> float:
        """How far down page *index*'s content area its lines and pictures reach (0 … 1):
        unlike :meth:`page_fill`, a page a block runs on from (the flow broken before the
        page's foot, at a forced break) shows as full only if its text is."""
        page_box = self.document.pages[index]._page_box
        top = page_box.content_box_y()
        bottoms = [
            box.position_y + box.margin_height()
            for block in _body_blocks(page_box)
            for box in block.descendants()
            if isinstance(box, (boxes.LineBox, boxes.ReplacedBox))
        ]
        used = max(bottoms, default=top) - top
        return min(1.0, max(0.0, used / page_box.height)) if page_box.height else 1.0

    def blocks(self, element_id: str) -> list[Block]:
        """The laid-out fragments of the element with this id, on every page."""
        return [_block(box, number) for number, box in self._boxes(element_id)]

    def pages_of(self, element_id: str) -> set[int]:
        """The pages (indices) holding a fragment of the element with this id."""
        return {number for number, _ in self._boxes(element_id)}

    def _boxes(self, element_id: str) -> list[tuple[int, Any]]:
        if not self._by_id:
            for number, page in enumerate(self.document.pages):
                for box in page._page_box.descendants():
                    element = getattr(box, "element", None)
                    # Line and text boxes share their block's element: keep the block itself.
                    if isinstance(box, boxes.BlockBox) and element is not None:
                        found = element.get("id")
                        if found:
                            self._by_id.setdefault(found, []).append((number, box))
            self._by_id.setdefault("", [])  # walked (a document with no id at all)
        return self._by_id.get(element_id, [])

    def lines_of(self, element_id: str, class_name: str) -> list[TextLine]:
        """The lines holding the text of the first element of class *class_name* in the
        element with id *element_id* (its own or its descendants' text), in order."""
        found: list[TextLine] = []
        for page in self.document.pages:
            for holder in page._page_box.descendants():
                element = getattr(holder, "element", None)
                if not isinstance(holder, boxes.BlockBox) or element is None:
                    continue
                if element.get("id") != element_id:
                    continue
                inner = next(
                    (
                        child
                        for child in element.iter()
                        if class_name in (child.get("class") or "").split()
                    ),
                    None,
                )
                if inner is None:
                    return found
                within = set(inner.iter())
                for line in holder.descendants():
                    if not isinstance(line, boxes.LineBox):
                        continue
                    texts = [
                        box
                        for box in line.descendants()
                        if isinstance(box, boxes.TextBox) and box.element in within
                    ]
                    if texts:
                        found.append(
                            TextLine(
                                "".join(box.text for box in texts),
                                sum(box.width for box in texts),
                                sum(child.margin_width() for child in line.children),
                                line.position_y,
                                line.position_y + line.height,
                                "".join(_tied(box) for box in texts),
                            )
                        )
                return found
        return found


@dataclass(frozen=True, slots=True)
class TextLine:
    """A line's text of one element (:meth:`LaidOut.lines_of`): its width, the width of
    everything on the line (the element's padding and borders, other elements' text), and
    its line box's top and bottom, in CSS pixels."""

    text: str
    width: float
    extent: float
    top: float
    bottom: float
    #: The text, the spaces of those set not to wrap made no-break spaces (:func:`_line_runs`).
    runs: str = ""


@dataclass(frozen=True, slots=True)
class Block:
    """A laid-out block in CSS pixels: its content size and the width of each line box."""

    page: int
    width: float
    height: float
    line_widths: tuple[float, ...]
    #: Lines holding one short word alone (:data:`LONELY_LETTERS` letters at most) among
    #: lines holding more.
    lonely_lines: int = 0
    #: How its lines are aligned: ``left``, ``right``, ``center`` or ``justify`` (``start``
    #: and ``end`` resolved with its direction).
    align: str = "left"
    #: The widths of its lines that hold one run of text with no space to break at (a word
    #: alone): no measure narrower than one of them holds it.
    unbroken: tuple[float, ...] = ()
    #: Its type size (px).
    size: float = 0.0


#: A word of this many letters or fewer alone on a line of a slogan is a lonely word ("no",
#: "in", "dans"); a longer one fills its line ("solidarity").
LONELY_LETTERS = 4


def _block(box: Any, page: int) -> Block:
    lines = [line for line in box.descendants() if isinstance(line, boxes.LineBox)]
    widths = tuple(sum(child.margin_width() for child in line.children) for line in lines)
    texts = [" ".join(_line_texts(line)) for line in lines]
    words = [_words(text) for text in texts]
    lonely = sum(len(found) == 1 and len(found[0]) <= LONELY_LETTERS for found in words)
    unbroken = tuple(
        width
        for width, line in zip(widths, lines, strict=True)
        if _unbreakable(" ".join(_line_runs(line)))
    )
    return Block(
        page,
        box.width,
        box.height,
        widths,
        lonely if len(lines) > 1 else 0,
        _align(box.style),
        unbroken,
        float(box.style["font_size"]),
    )


def _align(style: Any) -> str:
    """The alignment of a block's lines, ``start`` and ``end`` resolved."""
    align = str(style["text_align_all"])
    if align in ("start", "end"):
        rtl = style["direction"] == "rtl"
        return "right" if (align == "end") != rtl else "left"
    return align


def _line_texts(line: Any) -> Iterator[str]:
    for box in line.descendants():
        if isinstance(box, boxes.TextBox):
            yield box.text


#: Characters a line may break after inside a word (hyphens, dashes, a slash, a zero-width
#: space), or that end a word broken at a soft hyphen.
_BREAKING = frozenset("-\u2010\u2011\u2013\u2014/\u00ad\u200b")
#: A dash tied to the word before it by a no-break space, ending a run ("праця\u00a0—"): no
#: line breaks before it (the no-break space), and after it the run ends anyway.
_TIED_DASH = re.compile("[\u00a0\u202f][\u2013\u2014]$")


def _line_runs(line: Any) -> Iterator[str]:
    """A line's texts, the spaces of those set not to wrap (a heading's last words tied by
    ``white-space: nowrap``) made no-break spaces."""
    for box in line.descendants():
        if isinstance(box, boxes.TextBox):
            yield _tied(box)


def _tied(box: Any) -> str:
    """A text box's text, its spaces made no-break spaces when it is set not to wrap."""
    tied = box.style["white_space"] in ("nowrap", "pre")
    return str(box.text.replace(" ", "\u00a0") if tied else box.text)


def _unbreakable(text: str) -> bool:
    """Whether a line's *text* is one run no line can break: a word alone, or words tied by
    no-break spaces (their punctuation around them, a dash tied to its end), not broken at a
    hyphen and holding none to break at."""
    runs = [run for run in text.split(" ") if run.strip()]
    if len(runs) != 1:
        return False
    inner = runs[0].strip("!?.,;:¡¿«»\"'“”„‘’()…")
    return bool(inner) and not any(ch in _BREAKING for ch in _TIED_DASH.sub("", runs[0]))


def _words(text: str) -> list[str]:
    """The words of *text*, their letters and digits only ("!" is none)."""
    found = ("".join(ch for ch in run if ch.isalnum()) for run in text.split())
    return [word for word in found if word]


#: CSS named pages set as designed pages, not filled by the text's flow: a back page, the
#: cover and flap panels of a folded piece (base.css).
DESIGNED_PAGES = frozenset({"back", "cover", "flap"})

#: The type given to ``<style>`` and ``<link>`` elements once their stylesheets are read.
PARSED_STYLESHEET = "text/x-leaflet-parsed"

#: Characters that shape line breaks but are no text of the line.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060"))
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


def preflight_layout(laid_out: LaidOut, *, posters: bool = False) -> Layout:
    """The pages and lines of *laid_out* for :func:`leaflet.preflight.preflight`, in one walk
    over its line boxes (page margin boxes and list markers left out).  A booklet's back page
    and a folded piece's cover and flap (CSS pages :data:`DESIGNED_PAGES`) and *posters* are
    designed pages."""
    return walk_lines(laid_out, posters=posters).layout


@dataclass(frozen=True, slots=True)
class Walk:
    """A layout's lines for the preflight, and for each line the box holding it (its
    paragraph, heading or slogan), which a repair names."""

    layout: Layout
    holders: tuple[Any, ...]


def walk_lines(laid_out: LaidOut, *, posters: bool = False) -> Walk:
    """:func:`preflight_layout`, keeping each line's holder box (walked once a layout: the
    fitter reads the lines of the layout the repairs then read)."""
    if posters not in laid_out._walks:
        laid_out._walks[posters] = _walk(laid_out, posters)
    return laid_out._walks[posters]


def _walk(laid_out: LaidOut, posters: bool) -> Walk:
    from .preflight import Layout, Page

    pages = []
    lines: list[tuple[Line, Any, Any]] = []
    for index, page in enumerate(laid_out.document.pages):
        page_box = page._page_box
        designed = posters or page_box.page_type.name in DESIGNED_PAGES
        bottom = page_box.content_box_y() + page_box.height
        pages.append(Page(index + 1, laid_out.page_fill(index), bottom, designed))
        for html in page_box.children:
            if html.element_tag == "html":
                _collect_lines(html, index + 1, "other", lines)
    return Walk(Layout(tuple(pages), tuple(_with_hyphens(lines))), tuple(box for *_, box in lines))


def _role(box: Any, role: Role) -> Role:
    """What the text of *box* is, given what its parent's is."""
    element, tag = box.element, box.element_tag
    classes = (element.get("class") or "").split() if element is not None else []
    if tag in _HEADINGS:
        return "heading"
    if "slogan" in classes or "poster-text" in classes:
        return "slogan"
    if role == "note" or "notes" in classes:
        return "note"
    if tag == "li":
        return "list"
    if tag == "main" and "body" in classes:
        return "body"
    if tag in ("blockquote", "pre") or "lead" in classes:
        return "other"
    return role


def _collect_lines(box: Any, page: int, role: Role, found: list[tuple[Line, Any, Any]]) -> None:
    for child in box.children:
        if isinstance(child, boxes.LineBox):
            found.append((_line(child, box, page, role), child.element, box))
        elif (
            isinstance(child, boxes.ParentBox)
            and not isinstance(child, boxes.InlineBlockBox)
            and not (child.element_tag or "").endswith("::marker")
        ):
            _collect_lines(child, page, _role(child, role), found)


def _line(line: Any, block: Any, page: int, role: Role) -> Line:
    """One line box as a :class:`~leaflet.preflight.Line` (hyphenation judged later)."""
    from .preflight import Line

    parts: list[str] = []
    calls: list[tuple[int, int]] = []
    address = [False]  # whether the last text seen is a link's address

    def visit(box: Any, in_address: bool) -> None:
        for child in box.children:
            if isinstance(child, boxes.TextBox):
                parts.append(child.text.translate(_INVISIBLE))
                address[0] = in_address
            elif isinstance(child, boxes.InlineBox):
                start = len("".join(parts))
                href = child.element.get("href") or "" if child.element_tag == "a" else ""
                visit(child, in_address or "://" in href)
                classes = (child.element.get("class") or "").split()
                if "note-call" in classes and child.element_tag == "a":
                    calls.append((start, len("".join(parts))))

    visit(line, False)
    # Where the line's text starts and ends: its text boxes, not the padding an inline box
    # repeats at each line end (a headline's tape, box-decoration-break: clone).
    texts = list(_text_boxes(line))
    children = texts or line.children or (line,)
    left = min(child.position_x for child in children)
    right = max(child.position_x + child.margin_width() for child in children)
    box_left = block.content_box_x()
    paragraph = hash((id(block.element), block.element_tag))
    return Line(
        page, "".join(parts), role, paragraph, tuple(calls), False,
        line.position_y, line.position_y + line.margin_height(),
        left, right, box_left, box_left + block.width, block.style["lang"] or "", address[0],
    )  # fmt: skip


def _text_boxes(box: Any) -> Iterator[Any]:
    """The text boxes of a line, generated content left out (list markers and bullets drawn
    with ``::before`` hang outside the column by design)."""
    for child in box.children:
        if "::" in (child.element_tag or ""):
            continue
        if isinstance(child, boxes.TextBox):
            yield child
        elif isinstance(child, boxes.ParentBox):
            yield from _text_boxes(child)


def _with_hyphens(found: list[tuple[Line, Any, Any]]) -> Iterator[Line]:
    """The lines, each marked :attr:`~leaflet.preflight.Line.hyphenated` when it ends with a
    hyphen WeasyPrint added (the hyphen is not in its element's text there)."""
    from .preflight import automatic_hyphen

    sources: dict[int, str] = {}
    for index, (line, element, _) in enumerate(found):
        following = found[index + 1][0] if index + 1 < len(found) else None
        if following is None or following.paragraph != line.paragraph:
            yield line
            continue
        if not line.text.rstrip().endswith("-") or element is None:
            yield line
            continue
        source = sources.setdefault(id(element), "".join(element.itertext()).translate(_INVISIBLE))
        yield replace(line, hyphenated=automatic_hyphen(line.text, following.text, source))


def _local(tag: str) -> str:
    """An element name without its namespace."""
    return tag.rpartition("}")[2]


_Parsed = tuple[FontConfiguration, CounterStyle, dict[str, Any], list[Any]]


class _StyleCache:
    """Parsed stylesheets, with the fonts they load, kept for the next document that has
    the same ones: a warm process (``--watch``, the studio's workers, editions, a gallery, a
    fitting that composes a second document) parses a template's stylesheets and loads its
    fonts once, not once a document (about 60 ms each time).

    An entry serves a document whose :meth:`Typesetter._stylesheet_key` is the same and whose
    files read while parsing (stylesheets, fonts) have not changed since (their size and
    modification time); one whose parsing reported anything (a warning, a refused file) is
    not kept, so that every document reports it, nor one declaring a colour profile (its
    object records the PDF it was written into).  The :data:`SIZE` most recently used are
    kept.  WeasyPrint's font configuration and stylesheets are made to be shared by
    documents."""

    SIZE = 8

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[Any, tuple[_Parsed, tuple[tuple[Path, int, int], ...]]] = {}

    def get(self, typesetter: Typesetter) -> _Parsed:
        """The parsed stylesheets of *typesetter*'s document, from the cache or parsed."""
        try:
            key = typesetter._stylesheet_key()
            hash(key)
        except TypeError:  # a colour mode holding something unhashable: parse every time
            key = None
        with self._lock:
            entry = self._entries.pop(key, None) if key is not None else None
            if entry is not None and _unchanged(entry[1]):
                self._entries[key] = entry  # the most recently used goes last
                typesetter._retype()
                fonts, counters, profiles, sheets = entry[0]
                # Writing a PDF may add to a document's colour profiles (PDF/A's sRGB
                # intent): each document gets its own dictionary.
                return fonts, counters, dict(profiles), sheets
        warnings = _Counting()
        leaflet_logger = logging.getLogger("leaflet")
        leaflet_logger.addHandler(warnings)
        logging.getLogger("weasyprint").addHandler(warnings)
        try:
            first = len(typesetter._fetcher.read)
            sheets = typesetter._read_stylesheets()
            files = typesetter._fetcher.read[first:]
        finally:
            leaflet_logger.removeHandler(warnings)
            logging.getLogger("weasyprint").removeHandler(warnings)
        parsed: _Parsed = (
            typesetter._fonts,
            typesetter._counter_style,
            typesetter._colour_profiles,
            sheets,
        )
        # A colour profile (PDF/X's output profile) is written into each PDF from the
        # object the stylesheet made, which keeps where it was written: never shared.
        if key is not None and not warnings.count and not typesetter._colour_profiles:
            with self._lock:
                kept = (parsed[0], parsed[1], dict(parsed[2]), parsed[3])
                self._entries[key] = (kept, _signatures(files))
                while len(self._entries) > self.SIZE:
                    del self._entries[next(iter(self._entries))]
        return parsed

    def holds(self, sheets: Any) -> bool:
        """Whether *sheets* are an entry's (shared by the documents with its key)."""
        with self._lock:
            return any(entry[0][3] is sheets for entry in self._entries.values())

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class _Counting(logging.Handler):
    """Counts the reports of this thread at WARNING or above."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.count += 1


def _signatures(files: Iterable[Path]) -> tuple[tuple[Path, int, int], ...]:
    found = []
    for path in dict.fromkeys(files):
        stat = path.stat()
        found.append((path, stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def _unchanged(signatures: tuple[tuple[Path, int, int], ...]) -> bool:
    try:
        return _signatures(path for path, _, _ in signatures) == signatures
    except OSError:
        return False


_STYLES = _StyleCache()


class _ExcerptCache:
    """Layouts of excerpts (:meth:`Typesetter.excerpt`: a booklet's back page, a tri-fold's
    cover) kept for the next documents of this process: an edit of a statement's body leaves
    its back page and cover as they were, and their searches (the slogans' size, the cover
    title's) lay them out as the last render did (``--watch``, the studio's previews).

    A layout serves an excerpt of the same tree (its markup, the portable folder names in it)
    with the same extra stylesheet, laid out with the same parsed stylesheets and fonts (the
    same :data:`_STYLES` entry: same style elements, folders, roots, colours and limits, their
    files unchanged), when no file read while laying it out (images) has changed since (size
    and modification time).  One during which anything was reported (a warning, a refused or
    failed image) is not kept, so that every document reports it.  The :data:`SIZE` most
    recently used are kept, as long as the files they read (their pictures, held decoded)
    come to :data:`FILE_BYTES` at most."""

    SIZE = 48
    FILE_BYTES = 32 * 1024 * 1024

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[Any, ...], tuple[Any, LaidOut, Any]] = {}

    def layout(self, part: Typesetter, extra_css: str) -> LaidOut:
        """*part*'s layout with *extra_css*: kept, or laid out (and kept when it can be)."""
        key = (id(part._sheets), part._tree(), extra_css)
        with self._lock:
            entry = self._entries.pop(key, None)
            if entry is not None and entry[0] is not part._sheets:
                entry = None  # another document's sheets, at the same address since
            if entry is not None:
                self._entries[key] = entry  # the most recently used goes last
        if entry is not None and _unchanged(entry[2]):
            return entry[1]
        first = len(part._fetcher.read)
        told = _Counting()
        leaflet_logger = logging.getLogger("leaflet")
        leaflet_logger.addHandler(told)
        try:
            laid_out = part._layout(extra_css)
        finally:
            leaflet_logger.removeHandler(told)
        if told.count or part._reports or not _STYLES.holds(part._sheets):
            return laid_out
        try:
            files = _signatures(part._fetcher.read[first:])
        except OSError:
            return laid_out
        if sum(size for _, _, size in files) > self.FILE_BYTES:
            return laid_out
        with self._lock:
            self._entries[key] = (part._sheets, laid_out, files)
            while len(self._entries) > self.SIZE or self._file_bytes() > self.FILE_BYTES:
                del self._entries[next(iter(self._entries))]
        return laid_out

    def _file_bytes(self) -> int:
        return sum(size for _, _, files in self._entries.values() for _, _, size in files)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_EXCERPTS = _ExcerptCache()


def forget_layouts() -> None:
    """Forget what this process keeps from one render for the next (excerpts' layouts, line
    breaks), not the parsed stylesheets and fonts: the next render costs what a first render
    of a statement costs in a warm process (benchmarks)."""
    from .linebreaks import forget

    _EXCERPTS.clear()
    forget()


class Typesetter:
    """One HTML document laid out as often as a search needs: the HTML is parsed once, and the
    fonts are loaded once (WeasyPrint's font configuration is reused between layouts).

    Before WeasyPrint lays the document out, two things change in it (never its text layer):

    * every folder it reads from gets a portable name (``file:///.leaflet-1/…``), mapped back
      when a file is fetched: WeasyPrint names images after a hash of their URL, so that the
      PDF's bytes do not depend on where the statement or leaflet lies (:attr:`fingerprint`
      hashes the HTML with the same names, for the PDF identifier);
    * a run of more than :data:`LONG_RUN` characters with no space (pasted data, a long URL)
      gets a zero-width space every :data:`RUN_BREAK` characters: WeasyPrint lays the whole
      rest of an unbreakable run out again for each line it breaks off (quadratic time), and
      breaks such a run anywhere anyway.  A run longer than :data:`MAX_RUN` is refused.

    *colours* (:mod:`leaflet.colour`) paints every colour the document names: its stylesheets,
    ``<style>`` elements and ``style`` attributes, and its SVG images, are read through it, and
    its preamble (an output profile) comes before them.

    An image that cannot be loaded is an error when it is the statement's (in
    *images_folder*: nothing of the statement may be lost), a warning when it is a template's.
    """

    def __init__(
        self,
        html: str,
        *,
        base_url: Path,
        roots: Iterable[Path | Root],
        colours: ColourMode = SCREEN,
        images_folder: Path | None = None,
    ):
        roots = list(roots)
        folders = [root.folder if isinstance(root, Root) else Path(root) for root in roots]
        self._names = _PortableNames([*folders, base_url])
        self._fetcher = _PortableFetcher(self._names, roots, colours)
        self.colours = colours
        self._images_folder = images_folder.resolve() if images_folder else None
        self._folders = [folder.resolve() for folder in folders]
        #: A hash of the HTML with portable folder names: the same wherever the files lie.
        self.fingerprint = hashlib.sha256(self._names.portable(html).encode()).hexdigest()
        self._html = weasyprint.HTML(
            string=html, base_url=self._names.folder(base_url), url_fetcher=self._fetcher
        )
        _prepare(self._html.etree_element, self._names, colours)
        self._layouts: dict[str, LaidOut] = {}
        self._reported: set[str] = set()  # once per document, not once per layout pass
        self.passes = 0
        self._fonts, self._counter_style, self._colour_profiles, self._sheets = _STYLES.get(self)
        self._parents: dict[Any, Any] | None = None
        #: The typesetter whose :attr:`passes` count this one's layouts (an excerpt's parent).
        self._counted = self
        self._parts: list[Typesetter] = []  # excerpts, whose elements :meth:`selector` names
        self._kept = ""  # an excerpt's: the class of the body's children it holds
        self._serialized: str | None = None  # see _tree()
        self._reports = 0  # what the last layout reported (warnings, failed images)
        self._parsed: dict[str, list[Any]] = {}  # see _extra_sheets(), shared with excerpts

    def excerpt(self, kept: str) -> Typesetter:
        """This document with only the body's children of class *kept* holding anything, for
        a search that lays one part out alone (a booklet's back page, its slogans sized): its
        passes cost what that part costs, not what cascading and building the whole
        statement's tree costs.  The other children stay, emptied, so that every selector
        (``:nth-child``, ``+``) matches in the part as in the document, and
        :meth:`selector` names an element of the part as it names the document's.  The
        stylesheets, fonts and images are this typesetter's (nothing is read, parsed or
        loaded again); its layouts count in this one's :attr:`passes`, and it is made once
        for each *kept*."""
        import copy

        for part in self._parts:  # asked again (the cover searched twice): the same one
            if part._kept == kept:
                return part
        root = copy.deepcopy(self._html.etree_element)
        body = root.find("body")
        for child in body if body is not None else ():
            if kept not in (child.get("class") or "").split():
                child.text = None
                del child[:]
        part = copy.copy(self)
        part._html = copy.copy(self._html)
        # The tree WeasyPrint cascades over, as weasyprint.HTML wraps the tree it parses.
        wrapper = type(self._html.wrapper_element)
        part._html.wrapper_element = wrapper.from_html_root(root, content_language=None)
        part._html.etree_element = root
        part._layouts = {}
        part._parents = None
        part._counted = self._counted
        part._parts = []
        part._kept = kept
        part._serialized = None
        self._parts.append(part)
        self._parents = None
        return part

    def _tree(self) -> str:
        """The document's tree as WeasyPrint lays it out (portable folder names), as text."""
        if self._serialized is None:
            from xml.etree import ElementTree

            self._serialized = ElementTree.tostring(self._html.etree_element, encoding="unicode")
        return self._serialized

    def layout_part_page(self, extra_css: str, base: LaidOut, part: Typesetter) -> LaidOut:
        """:meth:`layout` with *extra_css*, which must differ from *base*'s stylesheet only
        in rules for the elements of *part* (an :meth:`excerpt`), which one page of *base*
        holds alone (between forced page breaks: a booklet's back page, a tri-fold's back
        panel): *base*'s other pages, and that page as *part* lays it out with *extra_css* —
        one page's work.

        *part* sets its page on the same side as *base*'s, and it is kept only when it is one
        page holding nothing else, in the same page context: the same named page and page
        groups, the same page box and the same margin boxes' text (page numbers, running
        strings); otherwise the whole document is laid out."""
        if extra_css in self._layouts:
            return self._layouts[extra_css]
        kept = part._kept
        held = _pages_holding(base, kept)
        if len(held) == 1 and _holds_only(base, held, kept):
            (index,) = held
            page = base.document.pages[index]._page_box
            side = page.page_type.side
            # What follows the part cannot change its page: left out, it costs no pages.  Of
            # the (emptied) pages before it, one is kept, so that its page is not the first.
            alone = part.layout(
                f"{extra_css}\n.{kept} {{ break-before: {side} !important; }}"
                f"\nbody > .{kept} ~ :not(.{kept}),"
                f" body > :not(.{kept}) ~ :not(.{kept}) {{ display: none !important; }}"
            )
            found = _pages_holding(alone, kept)
            if len(found) == 1 and _holds_only(alone, found, kept):
                (at,) = found
                if _same_context(page, alone.document.pages[at]._page_box):
                    pages = list(base.document.pages)
                    pages[index] = alone.document.pages[at]
                    self._layouts[extra_css] = LaidOut(base.document.copy(pages), extra_css)
                    return self._layouts[extra_css]
        return self.layout(extra_css)

    def _read_stylesheets(self) -> list[Any]:
        """The document's own stylesheets, parsed once for every layout pass (WeasyPrint
        would parse them anew for each, a third of a pass's time), into this typesetter's
        fonts, counter styles and colour profiles.  They are handed to each layout as user
        stylesheets, in document order, and the ``<style>`` and ``<link>`` elements are
        retyped (:meth:`_retype`) so that WeasyPrint does not read them again.  The cascade
        is the same: the sheets keep their order, a ``style`` attribute still beats them, and
        their ``!important`` rules still beat it."""
        from weasyprint.css import find_stylesheets

        self._fonts = _BundledFonts()
        self._counter_style = CounterStyle()
        self._colour_profiles = {}
        with _forwarded_warnings(self._reported):
            sheets = list(
                find_stylesheets(
                    self._html.wrapper_element,
                    self._html.media_type,
                    self._html.url_fetcher,
                    self._html.base_url,
                    self._fonts,
                    self._counter_style,
                    self._colour_profiles,
                    [],  # page rules and layers shared by the document's sheets, as
                    [],  # WeasyPrint shares them
                )
            )
        self._retype()
        preamble = self.colours.preamble()
        if preamble:  # the colour mode's output profile, declared before any colour
            sheets.insert(0, self._stylesheet(preamble))
        return sheets

    def _retype(self) -> None:
        for wrapper in self._html.wrapper_element.query_all("style", "link"):
            wrapper.etree_element.set("type", PARSED_STYLESHEET)

    def _stylesheet_key(self) -> tuple[Any, ...]:
        """What the stylesheets :meth:`_read_stylesheets` parses depend on, but the files
        they read: the ``<style>`` and ``<link>`` elements, the folders' names, the roots
        served, the colour mode and the limits in force."""
        elements = tuple(
            (
                wrapper.etree_element.tag,
                tuple(sorted(wrapper.etree_element.attrib.items())),
                wrapper.etree_element.text,
            )
            for wrapper in self._html.wrapper_element.query_all("style", "link")
        )
        names = tuple(self._names.mapping())
        return (elements, self._html.base_url, names, self._fetcher.roots, self.colours,
                self._html.media_type, current_limits())  # fmt: skip

    def _stylesheet(self, text: str) -> Any:
        return weasyprint.CSS(
            string=text,
            font_config=self._fonts,
            url_fetcher=self._fetcher,
            counter_style=self._counter_style,
            color_profiles=self._colour_profiles,
        )

    def layout(self, extra_css: str = "") -> LaidOut:
        """Lay the document out, with *extra_css* (e.g. a type size) overriding its styles.

        Layouts are kept: asking again for the same styles costs nothing.  An excerpt's are
        also kept for the next documents (:class:`_ExcerptCache`).
        """
        if extra_css not in self._layouts:
            if self._kept:
                self._layouts[extra_css] = _EXCERPTS.layout(self, extra_css)
            else:
                self._layouts[extra_css] = self._layout(extra_css)
        return self._layouts[extra_css]

    def _extra_sheets(self, extra_css: str) -> list[Any]:
        """*extra_css* parsed, as one stylesheet or several in a row.

        A search adds rules to a stylesheet it laid out before (the scale's, then the cover
        title's, then the slogans' sizes): such a stylesheet is that one's sheets, parsed
        once, and its new rules parsed alone.  The cascade is the same: the rules keep their
        order, and a stylesheet whose braces all close ends with a whole rule (leaflet's
        stylesheets quote text with its braces escaped, :func:`pipeline.css_string`).  The
        sheets are shared with this document's excerpts (the same fonts)."""
        if not extra_css:
            return []
        found = self._parsed.get(extra_css)
        if found is None:
            before = max(
                (
                    text
                    for text in self._parsed
                    if extra_css.startswith(f"{text}\n") and _whole_rules(text)
                ),
                key=len,
                default="",
            )
            rest = extra_css[len(before) + 1 :] if before else extra_css
            found = [*self._parsed.get(before, ()), self._extra_sheet(rest)]
            if len(self._parsed) >= EXTRA_SHEETS:
                self._parsed.clear()
            self._parsed[extra_css] = found
        return found

    def _extra_sheet(self, text: str) -> Any:
        return weasyprint.CSS(
            string=self.colours.css(text), font_config=self._fonts, url_fetcher=self._fetcher
        )

    def _layout(self, extra_css: str) -> LaidOut:
        stylesheets = [*self._sheets, *self._extra_sheets(extra_css)]
        self._counted.passes += 1
        with _forwarded_warnings(self._reported) as forward, faster_columns(), remembered_lines():
            document = self._html.render(
                font_config=self._fonts,
                counter_style=self._counter_style,
                color_profiles=self._colour_profiles,
                stylesheets=stylesheets,
            )
        self._reports = forward.count + len(forward.failed_images)
        for url, reason in forward.failed_images.items():
            self._failed_image(url, reason)
        return LaidOut(document, extra_css)

    def selector(self, element: Any) -> str:
        """A CSS selector matching *element* of this document alone (its path of
        ``:nth-child`` steps from the root): the text is never changed to name it."""
        if self._parents is None:
            roots = [typesetter._html.etree_element for typesetter in (self, *self._parts)]
            self._parents = {
                child: parent for root in roots for parent in root.iter() for child in parent
            }
        steps = []
        while element in self._parents:
            parent = self._parents[element]
            siblings = [child for child in parent if isinstance(child.tag, str)]
            steps.append(f"{_local(element.tag)}:nth-child({siblings.index(element) + 1})")
            element = parent
        return " > ".join([_local(element.tag), *reversed(steps)])

    def _owner(self, path: Path) -> Path | None:
        """The innermost folder read from that holds *path* (a template's folder may lie in
        the statement's, or the other way round)."""
        holding = [folder for folder in self._folders if path.is_relative_to(folder)]
        return max(holding, key=lambda folder: len(folder.parts), default=None)

    def _failed_image(self, url: str, reason: str) -> None:
        real = self._names.real(url)
        parts = urlsplit(real)
        path = Path(unquote(parts.path)) if parts.scheme == "file" else None
        name = shorten(str(path) if path else real)
        if path and self._images_folder and self._owner(path.resolve()) == self._images_folder:
            raise RenderError(f"image {name} cannot be shown: {reason}")
        if url not in self._reported:
            self._reported.add(url)
            LOGGER.warning("image %s was left out: %s", name, reason)


#: Extra stylesheets a typesetter keeps parsed (:meth:`Typesetter._extra_sheets`), at most.
EXTRA_SHEETS = 256


def _whole_rules(text: str) -> bool:
    """Whether a stylesheet's text ends with a whole rule: every brace it opens closes, and
    no comment is left open."""
    return text.count("{") == text.count("}") and text.rstrip().endswith("}") and "/*" not in text


def _body_blocks(page_box: Any) -> Iterator[Any]:
    """The fragments of the body's children a page box holds."""
    for html in page_box.children:
        if html.element_tag == "html":
            for body in html.children:
                yield from getattr(body, "children", [])


def _of_class(block: Any, kept: str) -> bool:
    return block.element is not None and kept in (block.element.get("class") or "").split()


def _pages_holding(laid_out: LaidOut, kept: str) -> set[int]:
    """The pages (indices) holding a fragment of a body child of class *kept*."""
    return {
        number
        for number, page in enumerate(laid_out.document.pages)
        if any(_of_class(block, kept) for block in _body_blocks(page._page_box))
    }


def _holds_only(laid_out: LaidOut, pages: set[int], kept: str) -> bool:
    """Whether *pages* hold nothing of the body but fragments of its children of class
    *kept*."""
    return all(
        _of_class(block, kept)
        for number in pages
        for block in _body_blocks(laid_out.document.pages[number]._page_box)
    )


#: What places a page box and paints it, the margin boxes apart (CSS Paged Media 3 §3).
_PAGE_GEOMETRY = (
    "width", "height", "margin_top", "margin_right", "margin_bottom", "margin_left",
    "padding_top", "padding_right", "padding_bottom", "padding_left",
    "border_top_width", "border_right_width", "border_bottom_width", "border_left_width",
)  # fmt: skip
_PAGE_PAINT = ("background_color", "background_image", "bleed_top", "bleed_left", "marks")


def _same_context(page: Any, other: Any) -> bool:
    """Whether two page boxes are of one kind: the same named page and page groups on the
    same side, both first or neither, the same box, paint and margin boxes (their text:
    page numbers, running strings)."""
    kind, other_kind = page.page_type, other.page_type
    return (
        (kind.side, kind.blank, kind.name, kind.groups, kind.index == 0)
        == (other_kind.side, other_kind.blank, other_kind.name, other_kind.groups,
            other_kind.index == 0)
        and all(getattr(page, name) == getattr(other, name) for name in _PAGE_GEOMETRY)
        and all(page.style[name] == other.style[name] for name in _PAGE_PAINT)
        and _margin_boxes(page) == _margin_boxes(other)
    )  # fmt: skip


def _margin_boxes(page: Any) -> list[tuple[str, float, float, float, float, str]]:
    return [
        (
            box.at_keyword, box.position_x, box.position_y, box.width, box.height,
            "".join(text.text for text in box.descendants() if isinstance(text, boxes.TextBox)),
        )
        for box in page.children
        if isinstance(box, boxes.MarginBox)
    ]  # fmt: skip


def layout(html: str, *, base_url: Path, roots: Iterable[Path | Root]) -> LaidOut:
    """Lay *html* out into pages once; relative URLs resolve against the folder *base_url*."""
    return Typesetter(html, base_url=base_url, roots=roots).layout()


class _PortableNames:
    """Portable names for folders: ``file:///.leaflet-N/`` stands for the N-th distinct one."""

    def __init__(self, folders: Iterable[Path]):
        self._to_portable: dict[str, str] = {}
        self._to_real: dict[str, str] = {}
        for folder in folders:
            real = _folder_uri(folder.resolve())
            if real not in self._to_portable:
                portable = f"file:///.leaflet-{len(self._to_real) + 1}/"
                self._to_real[portable] = real
                self._to_portable[real] = portable
            # The document may name the folder as given, links not followed.
            self._to_portable.setdefault(_folder_uri(folder.absolute()), self._to_portable[real])
        # Longest first: a template folder inside the package keeps its own name.
        self._order = sorted(self._to_portable, key=len, reverse=True)

    def folder(self, folder: Path) -> str:
        """The portable URL of *folder* (with a final slash, to resolve names against)."""
        return self.portable(_folder_uri(folder.resolve()))

    def portable(self, text: str) -> str:
        """*text* (a URL, a stylesheet, a document) with every known folder's portable name."""
        for real in self._order:
            if real in text:
                text = text.replace(real, self._to_portable[real])
        return text

    def mapping(self) -> Iterator[tuple[str, str]]:
        """Each real folder URL (as found or as given) and its portable name."""
        yield from sorted(self._to_portable.items())

    def real(self, url: str) -> str:
        """The real URL a portable *url* stands for (other URLs as they are)."""
        for portable, real in self._to_real.items():
            if url.startswith(portable):
                return real + url[len(portable) :]
        return url


def _folder_uri(folder: Path) -> str:
    uri = folder.as_uri()
    return uri if uri.endswith("/") else uri + "/"


class _PortableFetcher(SafeFetcher):
    """:class:`SafeFetcher` behind portable folder names, checking images against the limits
    (:func:`images.check_image`) before WeasyPrint decodes them."""

    def __init__(self, names: _PortableNames, roots: Iterable[Path | Root], colours: ColourMode):
        super().__init__(roots)
        self._names = names
        self._colours = colours

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        response = super().fetch(self._names.real(url), headers)
        try:
            body = response.read()
        finally:
            response.close()
        if response.content_type.startswith("image/"):
            problem = image_problem(body)
            if problem:
                raise ValueError(f"it {problem}")
        body = self._painted(body, response.content_type)
        # Names inside a stylesheet or an SVG resolve against the portable URL.
        return URLFetcherResponse(url, body=body, headers=response.headers)

    def _painted(self, body: bytes, content_type: str) -> bytes:
        """Stylesheets and SVG images (logos, the QR code) in the document's colour mode."""
        if not self._colours.converts or content_type not in ("text/css", "image/svg+xml"):
            return body
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return body  # WeasyPrint reports what it cannot read
        if content_type == "text/css":
            return self._colours.css(text).encode("utf-8")
        return self._colours.svg(text).encode("utf-8")


#: A run of characters with no space longer than this gets break opportunities.
LONG_RUN = 80
#: Characters between the break opportunities given to a long run.
RUN_BREAK = 40
#: The longest run of characters with no space leaflet sets: longer is pasted data.
MAX_RUN = 50_000
_RUN = re.compile(rf"[^ \t\n\r\f\u200b]{{{LONG_RUN + 1},}}")
_ZERO_WIDTH_SPACE = "\u200b"
#: Elements whose content is not laid out as text.
_NOT_TEXT = frozenset({"head", "style", "script", "title", "template"})


def _prepare(root: Any, names: _PortableNames, colours: ColourMode) -> None:
    """Portable folder names, breakable long runs and the colour mode's colours in
    WeasyPrint's element tree (see :class:`Typesetter`)."""
    stack = [(root, True)]
    while stack:
        element, in_text = stack.pop()
        for attribute in ("href", "src"):
            value = element.get(attribute)
            if value and value.startswith("file:"):
                element.set(attribute, names.portable(value))
        is_text = in_text and element.tag not in _NOT_TEXT
        style = element.get("style")
        if style and colours.converts:
            element.set("style", colours.declarations(style))
        if element.tag == "style" and element.text:
            element.text = colours.css(names.portable(element.text))
        elif is_text:
            element.text = _breakable(element.text)
        previous = None
        for child in element:
            stack.append((child, is_text))
            if is_text:
                _space_into(element, previous, child)
                child.tail = _breakable(child.tail)
            previous = child


#: Inline elements a space before which is moved inside them (see :func:`_space_into`).
_INLINE = frozenset({"a", "em", "strong", "span", "code", "s", "b", "i", "u"})
#: Classes of spans set unbroken (``white-space: nowrap``, base.css): a space moved inside
#: would be no break at all.
_KEPT_WHOLE = frozenset({"tie", "glue"})


def _space_into(parent: Any, previous: Any, child: Any) -> None:
    """Move the space between a word and the inline element *child* that follows it into the
    element ("service <em>and</em>" → "service<em> and</em>"; the same text).  WeasyPrint 70
    counts a space ending a text box in the width of the line that text would end: a line
    that fits without the space is taken to overflow, and its first word is hyphenated alone
    on the line ("tran-").  Inside the element the space is an ordinary break."""
    if child.tag not in _INLINE or _KEPT_WHOLE & set((child.get("class") or "").split()):
        return
    before = previous.tail if previous is not None else parent.text
    if not before or len(before) < 2 or before[-1] != " " or before[-2].isspace():
        return
    if previous is not None:
        previous.tail = before[:-1]
    else:
        parent.text = before[:-1]
    child.text = " " + (child.text or "")


def _breakable(text: str | None) -> str | None:
    if not text or len(text) <= LONG_RUN:
        return text
    return _RUN.sub(_break_run, text)


def _break_run(match: re.Match[str]) -> str:
    run = match[0]
    if len(run) > MAX_RUN:
        raise RenderError(
            f"a word of {len(run):,} characters with no space ({shorten(run, 30)}) is too long "
            f"to typeset (at most {MAX_RUN:,}): is it pasted data?"
        )
    pieces, start = [], 0
    while start < len(run):
        end = start + RUN_BREAK
        # Never part a letter from its accents (combining marks, joiners).
        while end < len(run) and unicodedata.category(run[end]) in ("Mn", "Mc", "Me", "Cf"):
            end += 1
        pieces.append(run[start:end])
        start = end
    return _ZERO_WIDTH_SPACE.join(pieces)


class _BundledFonts(FontConfiguration):  # type: ignore[misc]
    """WeasyPrint's font configuration with a Fontconfig configuration of its own, read from
    ``fonts/fonts.conf``, whose only font folder is the bundled fallback: every other font is
    a bundled one the stylesheets declare with ``@font-face``, and no font of the machine can
    ever be used (or embedded).  Nothing process-wide changes (no ``FONTCONFIG_FILE``)."""

    def __init__(self) -> None:
        # FontConfiguration.__init__ (WeasyPrint 68-70) with our configuration in place of
        # FcInitLoadConfigAndFonts(): calling it first would load and scan the machine's whole
        # font configuration for every document, only to throw it away.
        from weasyprint.text.ffi import ffi, fontconfig, gobject, pangoft2

        config = ffi.cast("FcConfig *", _bundled_fontconfig())
        self._config = config  # WeasyPrint adds each @font-face to this configuration
        self.font_map = ffi.gc(pangoft2.pango_ft2_font_map_new(), gobject.g_object_unref)
        pangoft2.pango_fc_font_map_set_config(ffi.cast("PangoFcFontMap *", self.font_map), config)
        fontconfig.FcConfigDestroy(config)  # the font map keeps a reference, as WeasyPrint's
        self._folder = None
        self.strut_layouts: dict[Any, Any] = {}
        self.font_features: dict[Any, Any] = {}


def _bundled_fontconfig() -> int:
    """A new Fontconfig configuration (its address) that knows only ``fonts/fonts.conf``."""
    library = _fontconfig()
    config = library.FcConfigCreate()
    conf = FONTS_DIR / "fonts.conf"
    if not config or not library.FcConfigParseAndLoad(config, str(conf).encode(), 1):
        raise RenderError(f"cannot read the font configuration {conf}")
    if not library.FcConfigBuildFonts(config):
        raise RenderError(f"cannot load the fonts {conf} names")
    return int(config)


@functools.cache
def _fontconfig() -> Any:
    """The few Fontconfig functions WeasyPrint's bindings lack (to make a configuration),
    through ctypes: declaring them with cffi would cost a C parser at every start."""
    import ctypes

    for name in ("libfontconfig.so.1", "libfontconfig.1.dylib", "libfontconfig-1.dll"):
        try:
            library = ctypes.CDLL(name)  # already loaded by WeasyPrint: the same library
        except OSError:
            continue
        library.FcConfigCreate.restype = ctypes.c_void_p
        library.FcConfigCreate.argtypes = []
        library.FcConfigParseAndLoad.restype = ctypes.c_int
        library.FcConfigParseAndLoad.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        library.FcConfigBuildFonts.restype = ctypes.c_int
        library.FcConfigBuildFonts.argtypes = [ctypes.c_void_p]
        return library
    raise RenderError("cannot find the Fontconfig library WeasyPrint uses")


def write_pdf(
    laid_out: LaidOut,
    *,
    identifier: bytes,
    variant: str | None = None,
    date: str = "",
    compress: bool = True,
) -> bytes:
    """The PDF bytes; *identifier* (derived from the input) makes the output reproducible;
    without *compress*, its streams are written as they are (faster, larger).

    *variant* is a WeasyPrint PDF variant (``pdf/x-4`` …).  Variants need creation and
    modification dates and an XMP document ID: *date* (W3C date) stands for both when the
    document has none, and the ID derives from *identifier* — never the clock or chance.
    """
    finisher = _Reproducible(identifier)
    if variant is None:
        pdf: bytes = laid_out.document.write_pdf(
            pdf_identifier=identifier, finisher=finisher, uncompressed_pdf=not compress
        )
        return pdf
    metadata = laid_out.document.metadata
    metadata.created = metadata.created or date
    metadata.modified = metadata.modified or metadata.created
    pdf = laid_out.document.write_pdf(
        pdf_identifier=identifier,
        pdf_variant=variant,
        finisher=finisher,
        uncompressed_pdf=not compress,
    )
    return pdf


class _Reproducible:
    """WeasyPrint's last step before the PDF is written (its ``finisher``): take the clock and
    chance out of what it wrote.

    * fonts rewritten with fontTools (variable fonts instanced at a weight) carry the time of
      the run as their ``head.modified``: make it the font's own ``head.created``;
    * the XMP ``xmpMM:DocumentID`` of PDF/X-4 is a random ``uuid4()``: make it the UUID of
      *identifier*.
    """

    _DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-fA-F-]{36}")

    def __init__(self, identifier: bytes):
        digest = hashlib.md5(identifier, usedforsecurity=False).digest()
        self.document_id = f"xmp.did:{uuid.UUID(bytes=digest)}".encode()

    def __call__(self, document: Any, pdf: Any) -> None:
        for pdf_object in pdf.objects:
            extra = getattr(pdf_object, "extra", None)
            if extra is None or not isinstance(getattr(pdf_object, "stream", None), list):
                continue
            if "Length1" in extra or extra.get("Subtype") == "/OpenType":
                font = _font_without_clock(b"".join(_bytes(part) for part in pdf_object.stream))
                pdf_object.stream = [font]
                if "Length1" in extra:
                    extra["Length1"] = len(font)
            elif extra.get("Type") == "/Metadata":
                pdf_object.stream = [
                    self._DOCUMENT_ID.sub(self.document_id, _bytes(part))
                    for part in pdf_object.stream
                ]


def _bytes(part: Any) -> bytes:
    return part if isinstance(part, bytes) else str(part).encode()


def _font_without_clock(data: bytes) -> bytes:
    """*data* (an OpenType font) with ``head.modified`` equal to ``head.created``.

    Patched in place rather than re-saved with fontTools (which costs a full decompile and
    compile of every embedded font): the two dates, the ``head`` table's checksum and the
    font's ``checkSumAdjustment`` (OpenType spec, "head" and "Calculating checksums")."""
    if len(data) < 12:
        return data
    (tables,) = struct.unpack_from(">H", data, 4)
    for record in range(12, min(12 + 16 * tables, len(data) - 15), 16):
        tag, _, offset, length = struct.unpack_from(">4sIII", data, record)
        if tag != b"head":
            continue
        if length < 54 or offset + length > len(data):
            return data
        created, modified = data[offset + 20 : offset + 28], data[offset + 28 : offset + 36]
        if created == modified:
            return data
        font = bytearray(data)
        font[offset + 28 : offset + 36] = created
        font[offset + 8 : offset + 12] = bytes(4)
        struct.pack_into(">I", font, record + 4, _checksum(font[offset : offset + length]))
        struct.pack_into(">I", font, offset + 8, (0xB1B0AFBA - _checksum(font)) & 0xFFFFFFFF)
        return bytes(font)
    return data


def _checksum(data: bytes | bytearray) -> int:
    """The OpenType checksum: the sum of big-endian 32-bit words, the last one zero-padded."""
    padded = bytes(data) + bytes(-len(data) % 4)
    words: tuple[int, ...] = struct.unpack(f">{len(padded) // 4}I", padded)
    return sum(words) & 0xFFFFFFFF


class _Forward(logging.Handler):
    """Passes what WeasyPrint reports while laying out this thread's document (a CSS
    declaration it ignores, a glyph no font has, a stylesheet it cannot read) on to leaflet's
    logger, once each and shortened (a ``data:`` URL can be megabytes long): a template author
    sees them as ``leaflet: warning:`` lines.  Images that fail to load are collected in
    :attr:`failed_images` (URL → reason) for the typesetter to judge.  The built-in templates
    cause none of these (tested)."""

    def __init__(self, seen: set[str]) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.seen = seen
        self.failed_images: dict[str, str] = {}
        #: Everything WeasyPrint reported, told or not.
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread != self.thread:
            return
        self.count += 1
        if record.msg.startswith("Failed to load image at") and len(record.args or ()) == 2:
            url, error = record.args  # type: ignore[misc]
            self.failed_images.setdefault(str(url), _reason(error))
            return
        message = _shortened(record.getMessage())
        # Refused URLs are already reported by SafeFetcher, in plainer words.
        if "leaflet does not load" in message or message in self.seen:
            return
        self.seen.add(message)
        LOGGER.warning("WeasyPrint: %s", message)


def _reason(error: object) -> str:
    """Why an image failed to load, in a user's words."""
    cause = getattr(error, "__cause__", None)
    text = str(error) or str(cause or "")
    if not str(error) and cause is not None:
        return "it is not an image leaflet can read (PNG, JPEG, GIF, WebP or SVG)"
    # WeasyPrint prefixes the fetcher's exception with its class name.
    return _shortened(re.sub(r"^\w+: ", "", text))


_LONG_WORD = re.compile(r"\S{101,}")


def _shortened(message: str) -> str:
    """*message* with every word (URL) longer than 100 characters cut short."""
    return _LONG_WORD.sub(lambda match: shorten(match[0]), message)


@contextmanager
def _forwarded_warnings(seen: set[str]) -> Iterator[_Forward]:
    """Forward WeasyPrint's reports while the body runs; *seen* holds those already told."""
    handler = _Forward(seen)
    weasyprint_logger = logging.getLogger("weasyprint")
    weasyprint_logger.addHandler(handler)
    try:
        yield handler
    finally:
        weasyprint_logger.removeHandler(handler)
