"""Bounds on the work one run may do, so that no input can exhaust the machine.

Statements, imports, PDFs and images come from strangers (a downloaded template, a file sent by
e-mail, an upload to the studio): a small file must not be able to take minutes or gigabytes.
Every reader checks its input against :func:`current_limits` *before* reading it whole, and every
render stops at its wall-clock limit with a clear error.

The limits in force are a context variable, not a global: a server can run renders with
different limits side by side, and the command line sets them for one run with
:func:`using_limits` (``leaflet --max-size 50MB --time-limit 600 render …``).
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from .errors import UsageError

__all__ = ["DEFAULT_LIMITS", "Limits", "current_limits", "parse_size", "size_text", "using_limits"]

MiB = 1 << 20


@dataclass(frozen=True, slots=True)
class Limits:
    """The bounds of one run; sizes in bytes, times in seconds."""

    #: A statement source (Markdown with front matter); a long real one is under 100 KB.
    statement_bytes: int = 2 * MiB
    #: A file given to ``leaflet import`` (.txt, .html, .docx as stored on disk).
    import_bytes: int = 20 * MiB
    #: All members of an archive (.docx) once unpacked, added up.
    unpacked_bytes: int = 100 * MiB
    #: One image file a statement or template uses.
    image_bytes: int = 50 * MiB
    #: Pixels of one image (width × height), decoded.
    image_pixels: int = 100_000_000
    #: A PDF given to ``impose`` or ``check``.
    pdf_bytes: int = 500 * MiB
    #: Wall-clock time of one render, fitting passes included.
    render_seconds: float = 300.0

    def with_max_size(self, size: int) -> Limits:
        """These limits with every file size set to *size* (``--max-size``); what a file may
        unpack or decode to grows with it."""
        factor = size / self.image_bytes
        return replace(
            self,
            statement_bytes=size,
            import_bytes=size,
            unpacked_bytes=max(self.unpacked_bytes, 5 * size),
            image_bytes=size,
            image_pixels=max(self.image_pixels, int(self.image_pixels * factor)),
            pdf_bytes=size,
        )


DEFAULT_LIMITS = Limits()

_CURRENT: contextvars.ContextVar[Limits] = contextvars.ContextVar(
    "leaflet_limits", default=DEFAULT_LIMITS
)


def current_limits() -> Limits:
    """The limits in force for this run (thread, task)."""
    return _CURRENT.get()


@contextmanager
def using_limits(limits: Limits) -> Iterator[Limits]:
    """Run the body with *limits* in force (for this context only)."""
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def parse_size(text: str) -> int:
    """A size as users type it (``50MB``, ``2G``, ``500k``, ``1048576``) in bytes."""
    match = _SIZE.match(text)
    if not match:
        raise UsageError(f"cannot read size {text!r}: write a number and a unit (KB, MB, GB)")
    unit = (match.group(2) or "").lower()[:1]
    return int(float(match.group(1)) * _UNITS[unit])


def size_text(size: int) -> str:
    """A byte count as a short human string (``2 MB``)."""
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= factor:
            return f"{size / factor:.3g} {unit}"
    return f"{size} bytes"
