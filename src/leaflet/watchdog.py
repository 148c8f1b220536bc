"""A wall-clock limit for work that cannot be asked to stop (a WeasyPrint layout).

WeasyPrint has no cancellation, but its layout is pure Python: a watchdog timer raises an
exception *in the thread doing the work* (``PyThreadState_SetAsyncExc``), which Python delivers
between two bytecodes.  Work inside one long C call (a Pango shaping call) is interrupted when
that call returns.  The interrupt derives from :class:`BaseException`, so that no library's
``except Exception`` swallows it, and leaves :func:`time_limit` as a :class:`RenderTimeout`.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from .errors import RenderError

__all__ = ["RenderTimeout", "time_limit"]


class RenderTimeout(RenderError):
    """The work took longer than its wall-clock limit."""


class _Interrupt(BaseException):
    """Raised in the working thread by the watchdog (never seen outside :func:`time_limit`)."""


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Make *thread_id* raise *exception* at its next bytecode (None: cancel a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None
    )


class _Watchdog:
    def __init__(self, seconds: float):
        # A class of its own: an outer limit's interrupt passes through an inner limit.
        self.interrupt: type[_Interrupt] = type("_Interrupt", (_Interrupt,), {})
        self.thread_id = threading.get_ident()
        self.lock = threading.Lock()
        self.finished = False
        self.fired = False
        self.timer = threading.Timer(seconds, self._fire)
        self.timer.daemon = True

    def _fire(self) -> None:
        with self.lock:
            if not self.finished:
                self.fired = True
                _raise_in(self.thread_id, self.interrupt)

    def stop(self) -> None:
        with self.lock:
            self.finished = True
            self.timer.cancel()
            if self.fired:
                _raise_in(self.thread_id, None)  # not delivered yet: it never will be


@contextmanager
def time_limit(seconds: float | None, message: str) -> Iterator[None]:
    """Run the body for at most *seconds* (None or ``inf``: no limit); past it, stop the body
    and raise :class:`RenderTimeout` with *message*.  Limits nest (each has its own watchdog).
    """
    if seconds is None or seconds == float("inf"):
        yield
        return
    watchdog = _Watchdog(max(seconds, 0.0))
    try:
        try:
            watchdog.timer.start()
            yield
        finally:
            watchdog.stop()
    except watchdog.interrupt:
        raise RenderTimeout(message) from None
