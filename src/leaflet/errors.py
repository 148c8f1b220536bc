"""One error hierarchy for the whole toolkit.

Every failure a user can cause (bad input, bad option, text that cannot fit) is a
:class:`LeafletError`; the command line turns it into one ``leaflet: error: …`` line and
exit code 2.  Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "FormatError",
    "ImposeError",
    "LeafletError",
    "OutputError",
    "PDFError",
    "RenderError",
    "SourceError",
    "TemplateError",
    "UsageError",
]


class LeafletError(Exception):
    """Base of every error leaflet reports to users (exit code 2)."""


class UsageError(LeafletError):
    """An option or argument the user gave makes no sense (unknown name, bad length …)."""


class SourceError(LeafletError):
    """A statement source cannot be read or is malformed; names the file and line."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.path = Path(path) if path is not None else None
        self.line = line
        self.reason = message
        where = ""
        if self.path is not None:
            where = f"{self.path}:{line}: " if line is not None else f"{self.path}: "
        super().__init__(f"{where}{message}")


class TemplateError(LeafletError):
    """A template is missing or broken; names the file and line when known."""


class FormatError(UsageError):
    """An unknown format name."""


class RenderError(LeafletError):
    """Layout succeeded but the result breaks a promise (e.g. text that cannot fit)."""


class ImposeError(LeafletError):
    """A PDF cannot be imposed (not a PDF, encrypted, mixed page sizes, no pages …)."""


class OutputError(LeafletError):
    """A file cannot be written: it would overwrite an input or a file leaflet did not write,
    or the file system refuses it (permission, read-only, missing folder, name too long …)."""


class PDFError(ImposeError):
    """A PDF given to leaflet cannot be read safely: not a PDF, encrypted, damaged (a page
    without a valid box, a page tree that loops …), or larger than the limits.  The message
    names the file and, when it can, the page."""


class LayoutError(RenderError):
    """The layout preflight found notes and ``--strict-layout`` makes them an error; the
    notes are in :attr:`notes` (:class:`leaflet.preflight.Note`) for the caller to show."""

    def __init__(self, notes: tuple[object, ...]):
        self.notes = notes
        count = len(self.notes)
        super().__init__(
            f"{count} layout note{'s' * (count != 1)} (first: {self.notes[0]}); "
            "--strict-layout makes them an error: fix the layout or render without it"
        )
