"""List the page formats: one line each, name and description."""

from __future__ import annotations

import argparse
from typing import TextIO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    from ..formats import FORMATS

    width = max(len(name) for name in FORMATS)
    for fmt in FORMATS.values():
        stdout.write(f"{fmt.name:<{width}}  {fmt.description}\n")
    return 0
