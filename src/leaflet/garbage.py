"""Fewer garbage collections while a render runs.

A layout pass makes hundreds of thousands of small objects (boxes, styles, Pango layouts) that
live until the pass ends.  With Python's default thresholds the collector scans the young
objects every 700 allocations and the whole heap — the warm fonts, stylesheets and earlier
layouts included — every few hundred thousand: 10–15 % of a render's time, spent finding almost
nothing, as WeasyPrint's boxes hold few reference cycles.  While a render runs, the young
generation is collected every :data:`YOUNG` allocations instead; the thresholds in force before
are restored when the last render running in the process ends (renders in several threads
share one setting), so the process is left as it was.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["YOUNG", "fewer_collections"]

#: Allocations between two collections of the young generation while a render runs (Python's
#: default: 700).  Cycles are still collected; memory held by them is bounded by this.
YOUNG = 50_000
#: Young collections between two of the middle generation, and middle ones between two full.
MIDDLE, OLD = 20, 100

_lock = threading.Lock()
_running = 0
_before: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage less often inside the block (nested and concurrent blocks share it)."""
    global _running, _before
    with _lock:
        if not _running:
            _before = gc.get_threshold()
            gc.set_threshold(max(_before[0], YOUNG), max(_before[1], MIDDLE), max(_before[2], OLD))
        _running += 1
    try:
        yield
    finally:
        with _lock:
            _running -= 1
            if not _running:
                gc.set_threshold(*_before)
