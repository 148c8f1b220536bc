"""Run the studio: leaflet in a web browser, for people who never open a terminal.

Serves the studio's page and its API (docs/studio-api.md) at http://HOST:PORT/ and prints the
address; on a desktop the browser opens on it.  Renders run in a pool of WORKERS warm
processes; requests beyond the workers and the queue are answered "busy" (503), a render
past the time limit is stopped (504; the global --time-limit, 60 s unless given).  Nothing
is stored on the server: statements stay in the browser.

By default only this computer can reach the studio (127.0.0.1).  To serve a network, give
--host 0.0.0.0 and a --token (or set LEAFLET_STUDIO_TOKEN): the address printed then ends with
#token=…, which the page sends with every request; share that address with the people who
may use it.  Without a token, anyone who can reach the port can use the studio.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import socket
import threading
from collections.abc import Mapping
from typing import TextIO

#: What the studio's time limit is when --time-limit is not given (a server answers sooner
#: than a command run by hand, whose default is longer).
STUDIO_TIME_LIMIT = 60.0
#: The environment variable a token may come from (a command line is visible to other users).
TOKEN_VARIABLE = "LEAFLET_STUDIO_TOKEN"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: %(default)s, this computer only; 0.0.0.0: "
        "every network the computer is on)",
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    parser.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help="render processes (default: one per core, at most 4)",
    )
    parser.add_argument(
        "--queue",
        type=_not_negative,
        metavar="N",
        help="requests that may wait for a worker before 'busy' is answered "
        "(default: 4 per worker)",
    )
    parser.add_argument(
        "--token",
        default=os.environ.get(TOKEN_VARIABLE),
        help=f"require this token on every request (default: ${TOKEN_VARIABLE})",
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="do not open a web browser on the studio"
    )


def _positive(text: str) -> int:
    value = _not_negative(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"at least 1, not {text!r}")
    return value


def _not_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"0 or more, not {text!r}")
    return value


def is_loopback(host: str) -> bool:
    """Whether *host* is reachable from this computer only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, token: str | None) -> str | None:
    """The warning to print when the studio listens beyond this computer without a token."""
    if is_loopback(host) or token:
        return None
    return (
        f"leaflet: warning: listening on {host} without --token: anyone who can reach this "
        "port can use the studio"
    )


def studio_url(host: str, port: int, token: str | None) -> str:
    """The address to open: the token in the fragment, which browsers never send."""
    from urllib.parse import quote

    shown = host
    if host in ("0.0.0.0", "::", ""):  # every address: this computer's is one of them
        shown = "127.0.0.1"
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    url = f"http://{shown}:{port}/"
    return f"{url}#token={quote(token, safe='')}" if token else url


def should_open_browser(
    no_browser: bool, stdout: TextIO, environ: Mapping[str, str] = os.environ
) -> bool:
    """Open a browser only on a desktop: a display, a terminal, and not --no-browser."""
    desktop = bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))
    return not no_browser and desktop and stdout.isatty()


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    import uvicorn

    from ..limits import DEFAULT_LIMITS
    from ..studio.app import LOOPBACK_HOSTS, StudioSettings, create_app, default_workers

    time_limit = args.time_limit
    if time_limit == DEFAULT_LIMITS.render_seconds:
        time_limit = STUDIO_TIME_LIMIT
    settings = StudioSettings(
        workers=args.workers or default_workers(),
        queue=args.queue,
        token=args.token or None,
        time_limit=time_limit,
        allowed_hosts=LOOPBACK_HOSTS if is_loopback(args.host) else None,
    )
    warning = exposure_warning(args.host, settings.token)
    if warning:
        args.stderr.write(warning + "\n")
    listening = _listen(args.host, args.port)
    url = studio_url(args.host, listening.getsockname()[1], settings.token)
    stdout.write(f"leaflet studio: {url}\n(stop it with Ctrl+C)\n")
    stdout.flush()
    config = uvicorn.Config(
        create_app(settings),
        access_log=False,  # the studio logs no request: not even which were made
        log_level="warning",
        server_header=False,
    )
    server = uvicorn.Server(config)
    if should_open_browser(args.no_browser, stdout):
        threading.Thread(target=_open_when_started, args=(server, url), daemon=True).start()
    with listening:
        server.run(sockets=[listening])
    return 0


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to *host* and *port*, or a one-line error (a port in use …)."""
    from ..errors import UsageError

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        listening = socket.socket(family, kind, proto)
    except OSError as error:
        raise UsageError(f"cannot listen on {host} port {port}: {error}") from None
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind(address)
    except OSError as error:
        listening.close()
        reason = error.strerror or error
        raise UsageError(f"cannot listen on {host} port {port}: {reason}") from None
    return listening


def _open_when_started(server: object, url: str) -> None:
    import time
    import webbrowser

    for _ in range(300):
        if getattr(server, "started", False):
            webbrowser.open(url)
            return
        time.sleep(0.1)
