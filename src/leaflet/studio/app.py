"""The studio's Starlette application: the API, the page, and what guards both.

:func:`create_app` builds it from :class:`StudioSettings`.  Around the routes, one layer of
middleware each:

* security headers on every answer: a strict Content-Security-Policy (no inline script, no
  framing, no plugins), ``nosniff``, no referrer, and ``no-store`` on the API's answers;
* the guard of ``/api/``: the token when one is set (``Authorization: Bearer TOKEN`` or
  ``X-Leaflet-Token: TOKEN`` → else 401), requests a browser says come from another site
  refused (``Sec-Fetch-Site`` → 403; the studio sets no cookie, so there is nothing for a
  forged request to ride on, and it cannot make renders either), and the body's size counted
  *while it arrives*: past the limit the request is answered 413 without reading the rest.

The token reaches the page in the URL's fragment (``http://host:port/#token=…``), which
browsers never send to the server nor put in a Referer: the page's script reads it from
``location.hash`` and sends it as the ``X-Leaflet-Token`` header with every API request.

Renders run in a pool of warm worker processes (:mod:`.pool`, started with the application);
the server process itself never loads WeasyPrint.  Nothing of a request is logged.
"""

from __future__ import annotations

import contextlib
import hmac
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..limits import DEFAULT_LIMITS, Limits, MiB, size_text
from . import api, jobs
from .page import routes as page_routes
from .pool import Pool, PoolSettings

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "LOOPBACK_HOSTS",
    "SECURITY_HEADERS",
    "StudioSettings",
    "create_app",
]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
#: Sent with every answer.
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
#: The names of this computer a studio listening on loopback answers to.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")
#: What ``Sec-Fetch-Site`` may say of a request to the API (absent: not a browser's).
SAME_SITE = ("same-origin", "none")


def default_workers() -> int:
    """One worker per core, at most four (a render is one process at full speed)."""
    return max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True, slots=True)
class StudioSettings:
    """How the studio runs: workers, queue, token and limits (``leaflet serve``'s options)."""

    workers: int = field(default_factory=default_workers)
    #: Requests that may wait for a worker (None: four per worker); more are answered 503.
    queue: int | None = None
    #: When set, every API request must carry it (see the module's docstring).
    token: str | None = None
    #: Seconds one render may take; past it the render is stopped and answered 504.
    time_limit: float = 60.0
    #: The statement's text at most (JSON ``source``, an uploaded .md, .txt or .html).
    text_bytes: int = 1 * MiB
    #: The logo (or an uploaded .docx) at most.
    image_bytes: int = 5 * MiB
    #: Warm each worker up (a small render in every template) when it starts.
    warm_up: bool = True
    #: The names the studio answers to (the ``Host`` header); None: any.  A studio on this
    #: computer answers only to its loopback names, so that a web page whose name was made to
    #: point at 127.0.0.1 (DNS rebinding) cannot use it.
    allowed_hosts: tuple[str, ...] | None = None

    @property
    def limits(self) -> Limits:
        """The library's limits for the studio's jobs."""
        return replace(
            DEFAULT_LIMITS,
            statement_bytes=self.text_bytes,
            import_bytes=max(self.text_bytes, self.image_bytes),
            image_bytes=self.image_bytes,
            image_pixels=25_000_000,
            render_seconds=self.time_limit,
        )

    @property
    def pool(self) -> PoolSettings:
        queue = 4 * self.workers if self.queue is None else self.queue
        warm_up = jobs.warm_up if self.warm_up else None
        return PoolSettings(self.workers, queue, self.limits, warm_up)


def create_app(settings: StudioSettings | None = None) -> Starlette:
    """The studio: its API (``/api/…``), its page, the middleware, and a pool of workers
    started with the application and stopped with it (``app.state.pool``)."""
    settings = settings or StudioSettings()
    pool = Pool(settings.pool)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool.start()
        try:
            yield
        finally:
            pool.close()

    limits = api.Limits(settings.text_bytes, settings.image_bytes)
    app = Starlette(
        routes=[*api_routes(), *page_routes()],
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(
                ApiGuard,
                token=settings.token,
                body_bytes=limits.body_bytes,
                allowed_hosts=settings.allowed_hosts,
            ),
        ],
        exception_handlers={
            api.ApiError: _api_error,
            HTTPException: _http_error,
        },
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.limits = limits
    app.state.pool = pool
    return app


def api_routes() -> list[BaseRoute]:
    return [
        Route("/api/formats", api.formats, methods=["GET"]),
        Route("/api/templates", api.templates, methods=["GET"]),
        Route("/api/preview", api.preview, methods=["POST"]),
        Route("/api/render", api.render, methods=["POST"]),
        Route("/api/job", api.job_ticket, methods=["POST"]),
        Route("/api/import", api.import_statement, methods=["POST"]),
    ]


async def _api_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, api.ApiError)
    return error.response(api.language(request))


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    headers = dict(error.headers or {})
    return JSONResponse({"error": error.detail, "line": None}, error.status_code, headers=headers)


def _host_name(request: Request) -> str:
    """The name the request was sent to, without its port (``[::1]`` kept whole)."""
    host = request.headers.get("host", "").lower()
    if host.startswith("["):
        return host.partition("]")[0] + "]"
    return host.partition(":")[0]


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"error": message, "line": None}, status, headers=headers)


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every answer (and ``no-store`` to the API's), keeping
    any the answer sets itself."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = dict(SECURITY_HEADERS)
        if scope["path"].startswith("/api/"):
            extra["cache-control"] = "no-store"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.decode("latin-1").lower() for name, _ in headers}
                headers += [
                    (name.encode("latin-1"), value.encode("latin-1"))
                    for name, value in extra.items()
                    if name not in present
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ApiGuard:
    """The studio's names (every request), and for ``/api/`` the token, same-site requests
    only and the body's size limit."""

    def __init__(
        self,
        app: ASGIApp,
        token: str | None,
        body_bytes: int,
        allowed_hosts: tuple[str, ...] | None = None,
    ):
        self.app = app
        self.token = token
        self.body_bytes = body_bytes
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if self.allowed_hosts is not None and _host_name(request) not in self.allowed_hosts:
            await _error(400, "this studio answers only at its own address")(scope, receive, send)
            return
        if not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(request)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self.app(scope, self._counted(receive), send)

    def _refusal(self, request: Request) -> Response | None:
        if request.headers.get("sec-fetch-site", "none") not in SAME_SITE:
            return _error(403, "requests from other sites are refused")
        if self.token is not None and not self._authorized(request):
            return _error(
                401,
                "this studio needs its token: open the address it printed (with #token=…)",
                {"WWW-Authenticate": "Bearer"},
            )
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.body_bytes:
            return _error(413, self._too_large())
        return None

    def _authorized(self, request: Request) -> bool:
        assert self.token is not None
        given = request.headers.get("x-leaflet-token", "")
        scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            given = given or credentials.strip()
        return hmac.compare_digest(given.encode("utf-8"), self.token.encode("utf-8"))

    def _too_large(self) -> str:
        return f"the request is larger than {size_text(self.body_bytes)}"

    def _counted(self, receive: Receive) -> Receive:
        """*receive*, raising a 413 :class:`~.api.ApiError` once the body passes the limit
        (a body without a length, or longer than it said, is stopped as it arrives)."""
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.body_bytes:
                    raise api.ApiError(413, self._too_large())
            return message

        return counted
