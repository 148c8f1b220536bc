"""The studio running for real: uvicorn on a free loopback port, in a thread.

Import the fixture in a test module (``from studio_fixtures import studio_server``); it
yields the studio's base URL (``http://127.0.0.1:PORT``) and stops the server, and its
workers, when the module's tests are done.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn

from leaflet.studio.app import StudioSettings, create_app


def serve_in_thread(settings: StudioSettings) -> Iterator[str]:
    """Serve the studio with *settings* until the generator is closed; yields its URL."""
    listening = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    config = uvicorn.Config(create_app(settings), access_log=False, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the studio did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        listening.close()


@pytest.fixture(scope="module")
def studio_server() -> Iterator[str]:
    """The studio served by uvicorn on a free port (two workers, warmed up)."""
    yield from serve_in_thread(StudioSettings(workers=2))
