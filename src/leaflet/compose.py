"""Compose the HTML given to WeasyPrint: statement + format + template → one HTML string.

Jinja2 with autoescape: every text from the statement is escaped; only the model's inline HTML
(built by :mod:`leaflet.source` from escaped text) is inserted as is.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

from .errors import TemplateError
from .fonts import font_face_css
from .formats import Format
from .model import Statement
from .templates import ENTRY, Template

__all__ = ["LABELS", "compose_html", "localized_date"]

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


@cache
def _environment(search_path: tuple[Path, ...]) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(str(p)) for p in search_path]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["localized_date"] = localized_date
    return environment


def compose_html(statement: Statement, fmt: Format, template: Template) -> str:
    """Render the template for *statement* on *fmt*; returns the complete HTML document."""
    environment = _environment(tuple(template.search_path))
    lang = _language(statement.lang)
    context = {
        "s": statement,
        "page": _Page(fmt.name, fmt.width, fmt.height, fmt.margin, fmt.body_size, fmt.columns),
        "labels": LABELS.get(lang, LABELS["en"]),
        "accent": statement.accent or template.accent,
        "font_faces": font_face_css(template.fonts),
        "stylesheets": [path.as_uri() for path in template.stylesheets],
        "template": template,
    }
    try:
        return environment.get_template(ENTRY).render(context)
    except jinja2.TemplateNotFound as error:
        searched = ", ".join(str(path) for path in template.search_path)
        raise TemplateError(
            f"template file {error.name!r} not found (searched: {searched})"
        ) from None
    except jinja2.TemplateSyntaxError as error:
        raise TemplateError(f"{error.filename}:{error.lineno}: {error.message}") from None
    except jinja2.TemplateError as error:
        raise TemplateError(f"template {template.name!r}: {error}") from None
