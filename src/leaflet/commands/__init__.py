"""Subcommands of the ``leaflet`` program, one module each (``<name>_cmd.py``).

Adding a command is adding a module here: its docstring is the help text (first line: the
summary shown by ``leaflet --help``), and it defines ``add_arguments(parser)`` and
``run(args, stdout) -> int``.  Modules import heavy libraries (WeasyPrint, pypdf) inside ``run``
only, so ``leaflet --help`` stays fast.
"""

from __future__ import annotations

import pkgutil
from argparse import ArgumentParser

#: Order in ``leaflet --help``; commands not listed follow in alphabetical order.
_ORDER = [
    "render",
    "impose",
    "import",
    "inspect",
    "check",
    "formats",
    "templates",
    "new",
    "gallery",
    "serve",
]


def _discover() -> list[str]:
    names = [
        info.name.removesuffix("_cmd").replace("_", "-")
        for info in pkgutil.iter_modules(__path__)
        if info.name.endswith("_cmd")
    ]
    return sorted(names, key=lambda name: (_ORDER.index(name) if name in _ORDER else 99, name))


COMMANDS = _discover()


def length_argument(text: str) -> float:
    """An argparse ``type`` for lengths (``3mm``): a bad one is reported with its option."""
    import argparse

    from ..errors import UsageError
    from ..units import parse_length

    try:
        return parse_length(text)
    except UsageError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def ink_list_argument(text: str) -> tuple[str, ...]:
    """An argparse ``type`` for ``--inks black,fluorescent-pink``: the names (checked against
    the ink table when rendering, :func:`leaflet.inks.template_inks`)."""
    import argparse

    names = tuple(name.strip() for name in text.split(","))
    if not all(names):
        raise argparse.ArgumentTypeError(f"{text!r}: ink names separated by commas")
    return names


def add_format_argument(parser: ArgumentParser) -> None:
    """``-f/--format``, with the registered formats and the library's default."""
    from ..formats import FORMATS
    from ..pipeline import RenderOptions

    parser.add_argument(
        "-f",
        "--format",
        default=RenderOptions().format,
        metavar="FORMAT",
        help=f"page format: {', '.join(FORMATS)} (default: %(default)s)",
    )
