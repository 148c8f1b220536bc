"""The studio's page: one HTML page rendered on the server in the organizer's language, and its
static assets (a script and a stylesheet, no build step, no framework, nothing from elsewhere).

The page works under the application's Content-Security-Policy (``script-src 'self'``, no
inline script or style): the only ``<script>`` element with content is a JSON data block (the
script's messages), which browsers never execute.  Everything the page shows from the
statement comes from the API as JSON; preview pictures are ``data:`` URLs.

Static assets are linked with a digest of their content (``studio.js?v=…``): a request
carrying the current digest is cached for a year (``immutable``); any other is revalidated
(``no-cache`` with the ETag the files are served with).
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from .i18n import (
    LANGUAGES,
    choose_language,
    description_translations,
    script_messages,
    translations,
)

__all__ = ["STATIC_DIR", "TEMPLATES_DIR", "asset_digest", "render_page", "routes"]

STATIC_DIR = Path(__file__).parent / "static"
TEMPLATES_DIR = Path(__file__).parent / "templates"

#: A year: assets asked for by their current digest never change.
_IMMUTABLE = "public, max-age=31536000, immutable"


@cache
def asset_digest(name: str) -> str:
    """A short digest of the static asset *name*'s content, its cache-busting version."""
    return hashlib.sha256((STATIC_DIR / name).read_bytes()).hexdigest()[:16]


@cache
def _environment(language: str) -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return environment


def _script_data(value: object) -> Markup:
    """*value* as JSON that is safe inside a ``<script type="application/json">`` element:
    no ``<``, ``>`` or ``&`` that could close it."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def render_page(language: str) -> str:
    """The studio's page in *language* (one of :data:`~leaflet.studio.i18n.LANGUAGES`)."""
    template = _environment(language).get_template("studio.html.j2")
    return template.render(
        lang=language,
        languages=LANGUAGES,
        messages=_script_data(script_messages(language)),
        descriptions=_script_data(description_translations(language)),
        asset=lambda name: f"static/{name}?v={asset_digest(name)}",
    )


async def index(request: Request) -> Response:
    """The page, in the language ``?lang=`` names, else the browser's."""
    language = choose_language(
        request.headers.get("accept-language"), request.query_params.get("lang")
    )
    return HTMLResponse(
        render_page(language),
        headers={
            "Content-Language": language,
            "Vary": "Accept-Language",
            "Cache-Control": "no-cache",
        },
    )


class AssetFiles(StaticFiles):
    """The page's static files, with the caching headers described in the module's docstring."""

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        name = Path(full_path).name
        asked = QueryParams(scope.get("query_string", b"")).get("v")
        current = name in _shipped_assets() and asked == asset_digest(name)
        response.headers["Cache-Control"] = _IMMUTABLE if current else "no-cache"
        return response


@cache
def _shipped_assets() -> frozenset[str]:
    return frozenset(path.name for path in STATIC_DIR.iterdir() if path.is_file())


def routes() -> list[BaseRoute]:
    """The page's routes, which the application mounts beside its API."""
    return [
        Route("/", index, methods=["GET", "HEAD"]),
        Mount("/static", app=AssetFiles(directory=STATIC_DIR), name="static"),
    ]
