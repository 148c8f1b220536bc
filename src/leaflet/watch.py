"""``leaflet render … --watch``: render again whenever an input changes.

The render runs in this process, again and again: WeasyPrint, the fonts and the parsed
templates stay loaded (Jinja2's environments are cached, the fonts' files are in the page
cache), so a re-render costs a layout, not a start.  What is watched is what the last render
read: the statement, its images and the template chain's files
(:func:`leaflet.output.statement_files`, :func:`~leaflet.output.template_files`), through
watchfiles (the operating system's file notifications); an editor's temporary files and
anything else in those folders are ignored.  A render that fails (a YAML mistake while
typing) is reported as one line and the watch goes on.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TextIO

from .errors import LeafletError

__all__ = ["watch", "watch_render"]

#: Changes closer together than this (milliseconds) are one change (an editor's save).
DEBOUNCE_MS = 150
#: How long the watch waits for a notification before it looks at the files' times.
WAIT_MS = 1000


def watch(
    render: Callable[[], Iterable[Path]],
    report: TextIO,
    *,
    stop: threading.Event | None = None,
    max_renders: int | None = None,
    initial: Iterable[Path] = (),
) -> int:
    """Call *render* (which renders and returns the files it read), then again after each
    change to one of those files, until *stop* is set, *max_renders* renders were made, or
    Ctrl-C.  Each render's time is written to *report*; a :class:`LeafletError` is written as
    one line and the watch goes on, on the files of the last render that worked (*initial*
    before any did).  Returns the number of renders."""
    started = time.time()
    watched = _render(render, report) or [Path(path).resolve() for path in initial]
    renders = 1
    try:  # Ctrl-C, while waiting or rendering, ends the watch
        while max_renders is None or renders < max_renders:
            folders = sorted({path.parent for path in watched if path.parent.is_dir()})
            if not folders:
                report.write("leaflet: nothing to watch\n")
                break
            report.write(f"leaflet: watching {len(watched)} files (Ctrl-C stops)\n")
            changed = _next_change(watched, folders, started, stop)
            if not changed:  # stopped
                break
            report.write(f"leaflet: changed: {', '.join(changed)}\n")
            started = time.time()
            watched = _render(render, report) or watched
            renders += 1
    except KeyboardInterrupt:
        pass
    report.write("leaflet: watch stopped\n")
    return renders


def _next_change(
    watched: list[Path], folders: list[Path], since: float, stop: threading.Event | None
) -> list[str]:
    """The names of the watched files that change next (none: stopped).  A file changed
    since *since* (the last render's start: while it ran, before the watch was set up)
    counts too: the watch looks at the files' times whenever it waits in vain."""
    import watchfiles

    wanted = {str(path) for path in watched}

    def among(_: object, path: str) -> bool:
        return path in wanted

    for changes in watchfiles.watch(
        *folders,
        watch_filter=among,
        debounce=DEBOUNCE_MS,
        stop_event=stop,
        recursive=False,
        raise_interrupt=True,
        rust_timeout=WAIT_MS,
        yield_on_timeout=True,
    ):
        if changes:
            return sorted({Path(path).name for _, path in changes})
        # (A time in the future, from a skewed clock or an unpacked archive, is not a change
        # made since: the file's events still are.)
        late = [path.name for path in watched if since <= _modified(path) <= time.time() + 1]
        if late:
            return sorted(late)
    return []


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        # Gone: its removal was an event of the watch; polling does not count it again
        # (it would render every second until the file is back).
        return float("-inf")


def _render(render: Callable[[], Iterable[Path]], report: TextIO) -> list[Path]:
    """One render, timed; its inputs (resolved), or none when it failed."""
    start = time.perf_counter()
    try:
        read = [Path(path).resolve() for path in render()]
    except LeafletError as error:
        report.write(f"leaflet: error: {' '.join(str(error).split())}\n")
        return []
    report.write(f"leaflet: rendered in {time.perf_counter() - start:.2f} s\n")
    return read


def watch_render(
    render: Callable[[], Iterable[Path]], report: TextIO, initial: Iterable[Path] = ()
) -> int:
    """The command line's ``--watch``: :func:`watch` until Ctrl-C; exit code 0."""
    watch(render, report, initial=initial)
    return 0
