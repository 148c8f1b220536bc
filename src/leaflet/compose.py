"""Compose the HTML given to WeasyPrint: statement + format + template → one HTML string.

Jinja2 with autoescape: every text from the statement is escaped; only the model's inline HTML
(built by :mod:`leaflet.source` from escaped text) is inserted as is.
"""

from __future__ import annotations

import datetime
import io
import re
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote

import jinja2
from jinja2 import nodes

from .errors import SourceError, TemplateError
from .fonts import font_face_css
from .formats import Format
from .model import Statement
from .templates import BASE_DIR, ENTRY, TEMPLATES_DIR, Template

__all__ = ["LABELS", "compose_html", "localized_date", "template_environment"]

#: Words the templates print themselves, by language (English when a language is missing).
LABELS: dict[str, dict[str, str]] = {
    "en": {"notes": "Notes", "page": "Page"},
    "es": {"notes": "Notas", "page": "Página"},
    "fr": {"notes": "Notes", "page": "Page"},
    "pt": {"notes": "Notas", "page": "Página"},
    "de": {"notes": "Anmerkungen", "page": "Seite"},
    "it": {"notes": "Note", "page": "Pagina"},
    "uk": {"notes": "Примітки", "page": "Сторінка"},
    "ru": {"notes": "Примечания", "page": "Страница"},
    "be": {"notes": "Заўвагі", "page": "Старонка"},
    "pl": {"notes": "Przypisy", "page": "Strona"},
    "el": {"notes": "Σημειώσεις", "page": "Σελίδα"},
}


def _language(lang: str) -> str:
    return lang.split("-")[0].lower()


def localized_date(date: datetime.date, lang: str) -> str:
    """The date written out as readers of *lang* expect (CLDR data via Babel)."""
    from babel.core import UnknownLocaleError
    from babel.dates import format_date

    try:
        return str(format_date(date, format="long", locale=lang.replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        return str(format_date(date, format="long", locale="en"))


@dataclass(frozen=True, slots=True)
class _Page:
    """What the template needs to know of the page geometry (lengths in pt)."""

    name: str
    width: float
    height: float
    margin: float
    body_size: float
    columns: int
    #: A saddle-stitched booklet: the closing block becomes the back page.
    booklet: bool = False
    #: The paper of one page ("a5" for a5-fold too).
    paper: str = ""
    #: Artwork beyond the trim on every edge (CSS Paged Media 3 §7.1 ``bleed``), in pt.
    bleed: float = 0.0


@cache
def _environment(chain: tuple[tuple[str, tuple[Path, ...]], ...]) -> jinja2.Environment:
    """Jinja2 environment for a template chain (each template's name and search path, most
    specific first): names resolve along the first search path, and ``<name>/file`` resolves
    along that template's own, so a template can extend the same file of the one it inherits
    from."""

    def along(search_path: tuple[Path, ...]) -> jinja2.BaseLoader:
        return jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(path)) for path in search_path])

    # Parents come later and win a name clash: a user's "modern" extending the built-in one
    # reaches the built-in with "modern/…".
    prefixes = {name: along(search_path) for name, search_path in chain}
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader([along(chain[0][1]), jinja2.PrefixLoader(prefixes)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["localized_date"] = localized_date
    return environment


def template_environment(template: Template) -> jinja2.Environment:
    """The (cached) Jinja2 environment resolving names along *template*'s chain."""
    chain = [*template.chain, Template("base", "", BASE_DIR)]
    return _environment(tuple((t.name, tuple(t.search_path)) for t in chain))


def compose_html(
    statement: Statement,
    fmt: Format,
    template: Template,
    *,
    entry: str = ENTRY,
    extra: Mapping[str, object] | None = None,
    bleed: float = 0.0,
    print_colours: bool = False,
) -> str:
    """Render the template for *statement* on *fmt*; returns the complete HTML document.

    *entry* is the template file to render (posters use ``poster.html.j2``), *extra* more
    context for it, *bleed* the bleed in points (0: none).  With *print_colours* the styles
    paint in CMYK with leaflet's output profile (:mod:`leaflet.pdfx`, for PDF/X).
    """
    environment = template_environment(template)
    lang = _language(statement.lang)
    context = {
        "s": statement,
        "page": _Page(
            fmt.name,
            fmt.width,
            fmt.height,
            fmt.margin,
            fmt.body_size,
            fmt.columns,
            fmt.booklet,
            fmt.paper,
            bleed,
        ),
        "labels": LABELS.get(lang, LABELS["en"]),
        "colours": {**template.colours, "accent": statement.accent or template.accent},
        "font_faces": font_face_css(template.fonts),
        "stylesheets": [path.as_uri() for path in template.stylesheets],
        "template": template,
        "logo": _logo_uri(statement),
        "website_url": _website_url(statement.website),
        "qr_code": _qr_data_uri(statement.website, template.colours["ink"], print_colours),
        **(extra or {}),
    }
    try:
        document = environment.get_template(entry)
        if entry == ENTRY and not template.folder.is_relative_to(TEMPLATES_DIR):
            _check_blocks(environment, ENTRY)  # built-in templates are checked by the tests
        html = document.render(context)
        return _in_print_colours(html) if print_colours else html
    except jinja2.TemplateNotFound as error:
        searched = ", ".join(str(path) for path in template.search_path)
        raise TemplateError(
            f"template file {error.name!r} not found (searched: {searched})"
        ) from None
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(f"{error.filename}:{error.lineno}: {error.message}") from None
    except jinja2.TemplateError as error:
        raise TemplateError(f"{_where(error, template)}: {error}") from None


_STYLE = re.compile(r"(<style>)(.*?)(</style>)", re.DOTALL)


def _in_print_colours(html: str) -> str:
    """The document's own styles in CMYK, with the output profile declared first.  Only
    ``<style>`` elements change: the statement's text is never inside one (it is escaped)."""
    from .pdfx import cmyk_css, profile_css

    def convert(match: re.Match[str]) -> str:
        return f"{match[1]}\n{profile_css()}\n{cmyk_css(match[2])}{match[3]}"

    return _STYLE.sub(convert, html, count=1)


@cache
def _check_blocks(environment: jinja2.Environment, name: str) -> None:
    """A block a child template defines must exist in the template it extends: otherwise it
    is silently never shown (usually a typo), so it is an error naming the file and line.

    Checked once per environment (they are cached too): parsing costs more than rendering.
    """
    tree, filename, parent = _parse(environment, name)
    if parent is None:
        return
    known = _all_blocks(environment, parent)
    for block in tree.find_all(nodes.Block):
        if block.name not in known:
            raise TemplateError(
                f"{filename}:{block.lineno}: block {block.name!r} is not defined by "
                f"{parent!r} (its blocks: {', '.join(sorted(known))})"
            )
    _check_blocks(environment, parent)


def _all_blocks(environment: jinja2.Environment, name: str) -> set[str]:
    """Every block name template *name* and the templates it extends define."""
    tree, _, parent = _parse(environment, name)
    names = {block.name for block in tree.find_all(nodes.Block)}
    return names | _all_blocks(environment, parent) if parent else names


def _parse(environment: jinja2.Environment, name: str) -> tuple[nodes.Template, str, str | None]:
    """Template *name*'s syntax tree, its file name, and the name it extends (if literal)."""
    assert environment.loader is not None
    source, filename, _ = environment.loader.get_source(environment, name)
    tree = environment.parse(source, name, filename)
    extends = next(iter(tree.find_all(nodes.Extends)), None)
    parent = extends.template if extends is not None else None
    return tree, str(filename), str(parent.value) if isinstance(parent, nodes.Const) else None


def _where(error: BaseException, template: Template) -> str:
    """``file:line`` of the template line that raised *error* (Jinja2 rewrites tracebacks so
    that template frames carry the template's file name and line), else the template name."""
    location = f"template {template.name!r}"
    for frame, line in traceback.walk_tb(error.__traceback__):
        filename = frame.f_code.co_filename
        if filename.endswith(".j2"):
            location = f"{filename}:{line}"
    return location


def _logo_uri(statement: Statement) -> str | None:
    """The ``logo:`` image as a file URL, refused unless it is a file in the statement's folder
    (the renderer would refuse it too; this names the key instead of failing silently)."""
    if not statement.logo:
        return None
    folder = (statement.folder or Path.cwd()).resolve()
    path = (folder / statement.logo).resolve()
    if statement.folder is None or not path.is_relative_to(folder) or not path.is_file():
        raise SourceError(
            f"logo {statement.logo!r} is not an image file in the statement's folder",
            statement.source,
        )
    return path.as_uri()


def _website_url(website: str | None) -> str | None:
    if not website:
        return None
    return website if "://" in website else f"https://{website}"


@cache  # a QR code takes longer to make than the rest of the HTML
def _qr_data_uri(website: str | None, colour: str, print_colours: bool = False) -> str | None:
    """The website as a QR code: an SVG ``data:`` URI (no file is written; the renderer's
    fetcher serves ``data:`` URLs).  Error correction M survives a smudged photocopy.  In
    print colours its ink is CMYK, and its (empty) fill too, so no RGB reaches a PDF/X file."""
    url = _website_url(website)
    if url is None:
        return None
    import segno

    code = segno.make(url, error="m", micro=False)
    if not print_colours:
        uri: str = code.svg_data_uri(border=0, dark=colour)
        return uri
    from .pdfx import cmyk_css

    buffer = io.BytesIO()
    code.save(buffer, kind="svg", border=0, dark=colour, xmldecl=False)
    svg = cmyk_css(buffer.getvalue().decode("utf-8"))
    svg = svg.replace("<path ", '<path fill="device-cmyk(0 0 0 0)" ', 1)
    return "data:image/svg+xml;charset=utf-8," + quote(svg)
