"""A bounded pool of warm worker processes for the studio's renders.

WeasyPrint is slow to start (fonts, stylesheets, its own imports) and a render holds the
interpreter for its whole run, so renders happen in worker processes started once and kept
warm, never in the server process.  Each worker is a process of its own with a pipe, so a
worker that hangs past its time limit (inside one long C call the watchdog cannot interrupt)
is killed and replaced without disturbing the others — which a
:class:`concurrent.futures.ProcessPoolExecutor` cannot do (killing one of its workers breaks
the whole pool).

Workers are started with the ``spawn`` method (a fork of a server running threads is not
safe), which imports the main module again in each worker: a script that starts the studio
must guard its start with ``if __name__ == "__main__":`` (``leaflet serve`` and pytest do).

The pool is bounded: at most ``workers + queue`` jobs are in flight; one more is refused at
once with :class:`PoolFull` (the server answers 503 with ``Retry-After``) instead of piling up.
A job runs with the run's :class:`~leaflet.limits.Limits` in force, so the library's own
watchdog stops a render at the time limit (:class:`~leaflet.watchdog.RenderTimeout`); past
the limit and a grace period the worker is killed (:class:`JobTimeout` either way).

Workers capture the library's warnings (``leaflet.*`` logging records and Python warnings)
of each job and send them back with its outcome; nothing a job sees is logged.  The pool keeps
no state between jobs: a worker is the same after a job as before it.

A job may come with files (a request's statement and logo): its worker writes them into a
folder of its own, made anew and empty for the job and removed when it ends, and runs the job
with that folder's path first; the folder's path is taken out of the job's messages (the
statement is ``statement.md``, never a path of the server).  The folders are inside one
private folder of the pool's (``leaflet-studio-…``, removed when the pool closes), and each
worker uses the *same name* for its folder from job to job: what the library keeps of a
template's parsed stylesheets and fonts for documents whose folders have the same names
(:class:`leaflet.render.Typesetter`) serves the worker's next job, which does not parse them
again (about 50 ms a job).  Only the name is shared, never a file.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import io
import logging
import multiprocessing
import os
import pickle
import shutil
import signal
import tempfile
import threading
import warnings
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from queue import SimpleQueue
from typing import Any

from ..errors import FormatError, LeafletError, SourceError, UsageError
from ..limits import Limits, using_limits

__all__ = [
    "JobFailed",
    "JobTimeout",
    "Pool",
    "PoolFull",
    "PoolSettings",
]

#: How long a new worker may take to import and warm up before it is given up on.
START_SECONDS = 120.0
#: Past its time limit, a job has this long (and a quarter of its limit) to end by itself
#: before its worker is killed: the watchdog needs the running C call to return.
GRACE_SECONDS = 5.0


class PoolFull(Exception):
    """Every worker is busy and the queue is full: try again later."""


class JobTimeout(Exception):
    """The job ran past its time limit and was stopped."""


class JobFailed(Exception):
    """The job failed as users can cause it to: *status* is the HTTP status to answer (400 a
    bad option, 422 a statement or layout error), *line* the statement's line when known."""

    def __init__(self, status: int, message: str, line: int | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.line = line
        self.warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PoolSettings:
    """How many workers, how many waiting jobs, and the limits every job runs with."""

    workers: int = 2
    #: Jobs that may wait for a worker; more are refused (503).
    queue: int = 8
    limits: Limits = field(default_factory=Limits)
    #: Run in each new worker before its first job (imports, fonts, a small render).
    warm_up: Callable[[], None] | None = None
    #: Address space a worker may use (None: no limit): past it a job fails with an error,
    #: instead of the machine swapping for everyone.
    memory_bytes: int | None = 2 << 30


@dataclass(frozen=True, slots=True)
class _Outcome:
    value: Any = None
    failure: tuple[int, str, int | None] | None = None
    timeout: bool = False
    warnings: tuple[str, ...] = ()

    def plain(self) -> tuple[Any, ...]:
        """The outcome as plain data, for the pipe (see :class:`_PlainUnpickler`)."""
        return (self.value, self.failure, self.timeout, self.warnings)


# --- the worker process ------------------------------------------------------------------------


class _Collector(logging.Handler):
    """Keeps the messages of the library's warnings during one job."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _failure(error: BaseException) -> tuple[int, str, int | None] | None:
    """The HTTP status, message and line of an error users can cause; None: a timeout."""
    from ..watchdog import RenderTimeout

    if isinstance(error, RenderTimeout):
        return None
    if isinstance(error, MemoryError):
        return 422, "the render needed more memory than the studio allows", None
    if isinstance(error, SourceError):
        return 422, error.reason, error.line
    if isinstance(error, FormatError | UsageError):
        return 400, str(error), None
    if isinstance(error, LeafletError):
        return 422, str(error), None
    # A bug, but a request is never answered with a traceback: one line, like the CLI's.
    return 422, f"unexpected failure ({type(error).__name__}: {error})", None


#: A job's files: names (no folder) and their bytes.
Files = Mapping[str, bytes]


def _run_job(
    func: Callable[..., Any],
    args: tuple[Any, ...],
    limits: Limits,
    files: Files | None = None,
    folder: str | None = None,
) -> _Outcome:
    """The outcome of ``func(*args)``; with *files*, written into *folder* (made anew, and
    removed after), of ``func(folder, *args)``, the folder's path taken out of its messages."""
    if files is None or folder is None:
        return _run_in_process(func, args, limits)
    path = Path(folder)
    try:
        shutil.rmtree(path, ignore_errors=True)  # what a job stopped midway left
        path.mkdir(mode=0o700)
        for name, data in files.items():
            (path / name).write_bytes(data)
        outcome = _run_in_process(func, (folder, *args), limits)
    finally:
        shutil.rmtree(path, ignore_errors=True)
    failure = outcome.failure
    if failure is not None:
        failure = (failure[0], scrubbed(failure[1], folder), failure[2])
    return replace(
        outcome,
        failure=failure,
        warnings=tuple(scrubbed(text, folder) for text in outcome.warnings),
    )


def scrubbed(text: str, folder: str) -> str:
    """*text* without *folder*'s path (``statement.md:3: …`` stays)."""
    for path in {folder, os.path.realpath(folder)}:
        text = text.replace(path + os.sep, "").replace(path, "")
    return text


def _run_in_process(func: Callable[..., Any], args: tuple[Any, ...], limits: Limits) -> _Outcome:
    collector = _Collector()
    logger = logging.getLogger("leaflet")
    logger.addHandler(collector)
    try:
        # Python's warnings as the command line shows them (the default filters), recorded.
        with using_limits(limits), warnings.catch_warnings(record=True) as caught:
            try:
                value = func(*args)
                failure = None
            except Exception as error:
                value, failure = None, _failure(error)
                if failure is None:
                    return _Outcome(timeout=True, warnings=_warnings(collector, caught))
        return _Outcome(value, failure, warnings=_warnings(collector, caught))
    finally:
        logger.removeHandler(collector)


def _warnings(collector: _Collector, caught: list[warnings.WarningMessage]) -> tuple[str, ...]:
    texts = [*collector.messages, *(str(warning.message) for warning in caught)]
    return tuple(dict.fromkeys(texts))


def _worker_main(
    conn: Connection,
    warm_up: Callable[[], None] | None,
    memory_bytes: int | None,
    folder: str | None = None,
) -> None:
    """A worker's life: bound its memory, warm up, say so, then run jobs until the pipe
    closes (a job's files in *folder*)."""
    # Ctrl+C in the terminal reaches the whole process group: the server stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_bytes is not None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # The library's warnings are collected per job, never printed (they may quote statements).
    logger = logging.getLogger("leaflet")
    logger.propagate = False
    logger.addHandler(logging.NullHandler())
    if warm_up is not None:
        with contextlib.suppress(Exception), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warm_up()
    # What the warm-up loaded (WeasyPrint, fonts, stylesheets) lives as long as the worker:
    # the collector never scans it again.  The garbage of the jobs is collected between
    # them (_collect), seldom during one.
    gc.collect()
    gc.freeze()
    gc.set_threshold(PENDING, *gc.get_threshold()[1:])
    try:
        conn.send_bytes(b"ready")
        while True:
            func, files, args, limits, queued = conn.recv()
            outcome = _run_job(func, args, limits, files, folder)
            try:
                data = pickle.dumps(outcome.plain())
            except Exception as error:  # a value that is not plain data: a bug of the job
                failure = (422, f"unexpected failure ({type(error).__name__}: {error})", None)
                data = pickle.dumps((None, failure, False, outcome.warnings))
            conn.send_bytes(data)
            if not queued:  # no job was waiting for a worker when this one was sent
                _collect()
    except (EOFError, OSError):  # the server closed the pipe: it is stopping
        return


#: New objects a worker collects at the latest, during a job or between jobs that wait: a
#: render leaves 10 000–70 000, most of them in reference cycles (WeasyPrint's boxes and
#: styles); a long statement's search, many more.  (Python's default: 700.)
PENDING = 250_000
#: Collections of the young objects between two of the whole heap (Python's default).
FULL_EVERY = 10


def _collect() -> None:
    """Collect the garbage a job left, once it is answered and no job waits: a render makes
    reference cycles faster than Python's collector, at its default thresholds, scans them
    (5–20 ms a job, now and then a scan of the whole heap of 0.1–0.3 s), and each such pause
    would delay an answer.  The whole heap (the warm-up's objects apart) every
    :data:`FULL_EVERY` collections."""
    gc.collect(2 if gc.get_count()[2] + 1 >= FULL_EVERY else 1)


# --- the server's side -------------------------------------------------------------------------


class _PlainUnpickler(pickle.Unpickler):
    """Reads a worker's answer: plain data only (no class, no function), so that a worker
    whose process a hostile input took over cannot run code in the server by its answer."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"a worker's answer may not name {module}.{name}")


class _Worker:
    """One worker process, the server's end of its pipe, and the folder of its jobs' files."""

    def __init__(self, settings: PoolSettings, folder: Path):
        context = multiprocessing.get_context("spawn")  # no fork of a threaded server
        self.folder = folder
        self.conn, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=_worker_main,
            args=(child, settings.warm_up, settings.memory_bytes, str(folder)),
            daemon=True,
            name="leaflet-studio-worker",
        )
        self.process.start()
        child.close()
        self.ready = False

    def call(
        self,
        func: Callable[..., Any],
        args: tuple[Any, ...],
        limits: Limits,
        files: Files | None = None,
        *,
        queued: bool = False,
    ) -> _Outcome:
        """Run one job (with *files*: in the worker's folder), blocking; a worker that does
        not answer in time is killed.  With *queued* (jobs wait behind this one), the worker
        leaves the job's garbage for later."""
        if not self.ready:
            try:
                self.ready = self.conn.poll(START_SECONDS) and self.conn.recv_bytes() == b"ready"
            except (EOFError, OSError):
                self.ready = False
            if not self.ready:
                self.kill()
                raise JobFailed(422, "a render worker could not start")
        try:
            self.conn.send((func, files, args, limits, queued))
        except (EOFError, OSError):  # the worker died while idle
            self.kill()
            raise JobFailed(422, "the render worker had stopped; please try again") from None
        seconds = limits.render_seconds
        if not self.conn.poll(seconds + GRACE_SECONDS + seconds / 4):
            self.kill()
            return _Outcome(timeout=True)
        try:
            data = self.conn.recv_bytes()
        except (EOFError, OSError):  # the worker died (out of memory, a crash in a library)
            self.kill()
            raise JobFailed(422, "the render stopped unexpectedly (out of memory?)") from None
        try:
            return _Outcome(*_PlainUnpickler(io.BytesIO(data)).load())
        except (pickle.UnpicklingError, TypeError, ValueError, EOFError):
            self.kill()  # a worker answering more than plain data is not trusted again
            raise JobFailed(422, "the render worker gave an unexpected answer") from None

    @property
    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()
        shutil.rmtree(self.folder, ignore_errors=True)  # a job's files, left by a kill

    def stop(self) -> None:
        """Close the pipe (the worker ends by itself), then make sure it has."""
        with contextlib.suppress(OSError):
            self.conn.close()
        self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        shutil.rmtree(self.folder, ignore_errors=True)


class Pool:
    """Warm worker processes; :meth:`run` a module-level function in one of them.

    Workers are started on the first job (or by :meth:`start`) and replaced when one is
    killed or dies; :meth:`close` stops them all.
    """

    def __init__(self, settings: PoolSettings):
        if settings.workers < 1 or settings.queue < 0:
            raise UsageError("the studio needs at least one worker and a queue of 0 or more")
        self.settings = settings
        self._lock = threading.Lock()
        self._in_flight = 0
        self._idle: SimpleQueue[_Worker | None] = SimpleQueue()
        self._workers: list[_Worker] = []
        self._threads: ThreadPoolExecutor | None = None
        #: The private folder holding the workers' folders, and how many were named.
        self._folders: Path | None = None
        self._named = 0

    @property
    def capacity(self) -> int:
        """Jobs in flight at most: one a worker, and those waiting."""
        return self.settings.workers + self.settings.queue

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def start(self) -> None:
        """Start the workers (they warm up in the background)."""
        with self._lock:
            if self._threads is not None:
                return
            self._threads = ThreadPoolExecutor(self.capacity, thread_name_prefix="leaflet-pool")
            self._folders = Path(tempfile.mkdtemp(prefix="leaflet-studio-"))
            for _ in range(self.settings.workers):
                self._add_worker()

    @property
    def folders(self) -> Path | None:
        """The private folder of the jobs' files (None before :meth:`start`, after
        :meth:`close`)."""
        return self._folders

    def _add_worker(self) -> None:
        assert self._folders is not None
        # A worker taking the place of another gets a name of its own: the one before may
        # still be removing its folder.
        folder = self._folders / f"w{self._named}"
        self._named += 1
        worker = _Worker(self.settings, folder)
        self._workers.append(worker)
        self._idle.put(worker)

    async def run(
        self, func: Callable[..., Any], *args: Any, files: Files | None = None
    ) -> tuple[Any, tuple[str, ...]]:
        """The value of ``func(*args)`` run in a worker, and the warnings it gave; with
        *files*, of ``func(folder, *args)``, the files written in the worker's folder (see
        the module's docstring).

        Raises :class:`PoolFull` at once when ``workers + queue`` jobs are in flight,
        :class:`JobTimeout` past the time limit, :class:`JobFailed` for an error users can
        cause (with the warnings given before it).  Warnings are the messages of the
        library's logging records and Python warnings, in order, each once.
        """
        self.start()
        assert self._threads is not None
        with self._slot():
            future = self._threads.submit(self._call, func, args, files)
            outcome = await asyncio.wrap_future(future)
        if outcome.timeout:
            raise JobTimeout()
        if outcome.failure is not None:
            failed = JobFailed(*outcome.failure)
            failed.warnings = outcome.warnings
            raise failed
        return outcome.value, outcome.warnings

    @contextlib.contextmanager
    def _slot(self) -> Iterator[None]:
        with self._lock:
            if self._in_flight >= self.capacity:
                raise PoolFull()
            self._in_flight += 1
        try:
            yield
        finally:
            with self._lock:
                self._in_flight -= 1

    def _call(
        self, func: Callable[..., Any], args: tuple[Any, ...], files: Files | None
    ) -> _Outcome:
        idle = self._idle
        worker = idle.get()
        if worker is None:  # the pool was closed while this job waited
            idle.put(None)
            raise PoolFull()
        try:
            # Jobs waiting behind this one: its worker goes on at once, collecting later.
            queued = self._in_flight > len(self._workers)
            return worker.call(func, args, self.settings.limits, files, queued=queued)
        finally:
            with self._lock:
                # (A worker no longer listed was stopped with the pool, closed meanwhile.)
                if worker in self._workers and worker.alive:
                    idle.put(worker)
                elif worker in self._workers:  # killed past its time limit, or died
                    self._workers.remove(worker)
                    self._add_worker()  # a fresh one takes its place

    def close(self) -> None:
        """Stop every worker (jobs still running are abandoned)."""
        with self._lock:
            workers, self._workers = self._workers, []
            threads, self._threads = self._threads, None
            idle, self._idle = self._idle, SimpleQueue()
            folders, self._folders = self._folders, None
        idle.put(None)  # jobs waiting for a worker give up (each passes it on)
        for worker in workers:
            worker.stop()
        if threads is not None:
            threads.shutdown(wait=False, cancel_futures=True)
        if folders is not None:
            shutil.rmtree(folders, ignore_errors=True)
