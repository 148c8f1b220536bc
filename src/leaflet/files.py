"""Reading an input file that may come from a stranger: a regular file within a size limit, or
one error naming it — decided before anything is read.

Every reader (statements, imports, PDFs) goes through :func:`read_input`, so that a named pipe
never blocks, ``/dev/zero`` is never read until memory runs out, and a file over the limit in
force (:func:`~leaflet.limits.current_limits`) is refused from its size alone.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import SourceError
from .limits import size_text

__all__ = ["InputFileError", "read_input"]


class InputFileError(SourceError):
    """An input file that cannot be read: missing, not a regular file, or too large."""


def read_input(path: Path, limit: int) -> bytes:
    """At most *limit* bytes of the regular file at *path*.

    Checked with ``stat`` before opening and again on the open descriptor (opened non-blocking,
    so a file swapped for a pipe in between cannot hang the read); at most *limit* + 1 bytes
    are read, since a file may grow after it was checked.
    """
    try:
        _check(path, os.stat(path), limit)
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputFileError("no such file", path) from None
    except OSError as error:
        raise InputFileError(f"cannot read: {error.strerror or error}", path) from None
    with os.fdopen(descriptor, "rb") as file:
        try:
            _check(path, os.fstat(file.fileno()), limit)
            data = file.read(limit + 1)
        except OSError as error:
            raise InputFileError(f"cannot read: {error.strerror or error}", path) from None
    if len(data) > limit:
        _too_large(path, len(data), limit, exact=False)
    return data


def _check(path: Path, status: os.stat_result, limit: int) -> None:
    mode = status.st_mode
    if stat.S_ISDIR(mode):
        raise InputFileError("is a folder, not a file", path)
    if not stat.S_ISREG(mode):
        kinds = {stat.S_ISFIFO: "a named pipe", stat.S_ISSOCK: "a socket"}
        kind = next((kind for test, kind in kinds.items() if test(mode)), "a device")
        raise InputFileError(f"is not a regular file but {kind}; give a file", path)
    if status.st_size > limit:
        _too_large(path, status.st_size, limit, exact=True)


def _too_large(path: Path, size: int, limit: int, *, exact: bool) -> None:
    limit_text = size_text(limit)
    if not exact:
        shown = f"more than {limit_text}"
    elif size_text(size) != limit_text:
        shown = size_text(size)
    else:
        shown, limit_text = f"{size} bytes", f"{limit_text} ({limit} bytes)"
    raise InputFileError(
        f"the file is {shown}, over the limit of {limit_text} (raise it with --max-size)", path
    )
