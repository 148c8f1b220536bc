"""List the built-in templates: one line each, name and description."""

from __future__ import annotations

import argparse
from typing import TextIO


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


def run(args: argparse.Namespace, stdout: TextIO) -> int:
    from ..templates import DEFAULT_TEMPLATE, builtin_templates

    templates = builtin_templates()
    width = max(len(name) for name in templates)
    for template in templates.values():
        default = " (default)" if template.name == DEFAULT_TEMPLATE else ""
        stdout.write(f"{template.name:<{width}}  {template.description}{default}\n")
    return 0
