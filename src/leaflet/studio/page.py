"""The studio's page and its static assets (a first stand-in: the page is being built)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

__all__ = ["routes"]


async def index(request: Request) -> Response:
    return HTMLResponse(
        "<!doctype html><html lang=en><title>leaflet studio</title><h1>leaflet</h1>"
    )


def routes() -> list[BaseRoute]:
    """The page's routes, which the application mounts beside its API."""
    return [Route("/", index)]
