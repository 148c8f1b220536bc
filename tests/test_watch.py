"""``leaflet render --watch`` (leaflet.watch): renders again when an input changes."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from leaflet.errors import SourceError
from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import load_statement
from leaflet.watch import watch

from conftest import pdfium_text

STATEMENT = """\
---
title: "Watch me"
---

The first version of the text.
"""


def test_a_change_to_the_statement_renders_again(tmp_path: Path) -> None:
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT, encoding="utf-8")
    (tmp_path / "unrelated.txt").write_text("x")
    out = tmp_path / "statement.pdf"
    rendered: list[str] = []

    def render() -> list[Path]:
        statement = load_statement(source)
        out.write_bytes(render_statement(statement, RenderOptions(format="a5")).pdf)
        rendered.append(pdfium_text(out.read_bytes()))
        return [source]

    def edit() -> None:
        while not rendered:
            time.sleep(0.05)
        time.sleep(0.5)  # the watch is set up
        (tmp_path / "unrelated.txt").write_text("y")  # not an input: no render
        time.sleep(0.5)
        source.write_text(STATEMENT.replace("first", "second"), encoding="utf-8")

    report = io.StringIO()
    editor = threading.Thread(target=edit)
    editor.start()
    stop = threading.Event()
    timer = threading.Timer(30, stop.set)  # never hang the suite
    timer.start()
    try:
        renders = watch(render, report, stop=stop, max_renders=2)
    finally:
        timer.cancel()
        editor.join()
    assert renders == 2, report.getvalue()
    assert "first version" in rendered[0] and "second version" in rendered[1]
    log = report.getvalue()
    assert log.count("leaflet: rendered in ") == 2
    assert "changed: statement.md" in log and "unrelated" not in log


def test_a_failing_render_is_reported_and_the_watch_goes_on(tmp_path: Path) -> None:
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT, encoding="utf-8")
    calls = 0

    def render() -> list[Path]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise SourceError("title: broken while typing", source, 2)
        return [source]

    def edit() -> None:
        time.sleep(1.0)
        source.write_text(STATEMENT + "\nMore.\n", encoding="utf-8")

    editor = threading.Thread(target=edit)
    editor.start()
    stop = threading.Event()
    timer = threading.Timer(30, stop.set)
    timer.start()
    report = io.StringIO()
    try:
        renders = watch(render, report, stop=stop, max_renders=2, initial=[source])
    finally:
        timer.cancel()
        editor.join()
    assert renders == 2
    assert "leaflet: error: " in report.getvalue() and "broken while typing" in report.getvalue()
    assert "leaflet: rendered in " in report.getvalue()


def test_the_stop_event_ends_the_watch(tmp_path: Path) -> None:
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT, encoding="utf-8")
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    report = io.StringIO()
    assert watch(lambda: [source], report, stop=stop) == 1
    assert "watch stopped" in report.getvalue()


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_the_command_line_watches_until_ctrl_c(tmp_path: Path) -> None:
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT, encoding="utf-8")
    previews = tmp_path / "previews"
    child = subprocess.Popen(
        [
            *(sys.executable, "-m", "leaflet", "render", str(source), "-f", "a5", "--watch"),
            *("-o", str(tmp_path / "out.pdf"), "--preview", str(previews)),
        ],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        # A hung watch shows where it hangs (faulthandler, on the SIGABRT below).
        env={**os.environ, "PYTHONFAULTHANDLER": "1"},
        # Ctrl-C as a terminal sends it, whatever this process does with SIGINT (a process
        # started with SIGINT ignored keeps ignoring it, and Python then never raises
        # KeyboardInterrupt).
        preexec_fn=_default_sigint,
    )
    inherited = signal.getsignal(signal.SIGINT)
    lines: list[str] = []
    guard = threading.Timer(90, child.kill)  # a hung watch fails the test, never the suite
    guard.start()

    def wait_for(text: str, count: int = 1) -> None:
        assert child.stderr is not None
        deadline = time.monotonic() + 60
        while sum(text in line for line in lines) < count:
            assert time.monotonic() < deadline, lines
            line = child.stderr.readline()
            assert line, lines
            lines.append(line)

    try:
        wait_for("watching")
        first = (previews / "out-1.png").stat().st_mtime_ns
        source.write_text(STATEMENT.replace("first", "second"), encoding="utf-8")
        wait_for("watching", 2)
        time.sleep(0.5)  # the watch is waiting again
        assert "second version" in pdfium_text((tmp_path / "out.pdf").read_bytes())
        assert (previews / "out-1.png").stat().st_mtime_ns != first
        child.send_signal(signal.SIGINT)
        try:
            code = child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGABRT)  # its threads' stacks on stderr
            child.wait(10)
            assert child.stderr is not None
            pytest.fail(f"Ctrl-C did not stop the watch (SIGINT here: {inherited}): "
                        f"{''.join(lines)}{child.stderr.read()}")  # fmt: skip
        assert code == 0
    finally:
        guard.cancel()
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.stderr is not None
    with child.stderr:
        rest = child.stderr.read()
    assert "Traceback" not in "".join(lines) + rest
    assert sum("rendered in" in line for line in lines) == 2
    assert "watch stopped" in rest


def test_a_file_gone_or_dated_in_the_future_renders_once_not_every_second(tmp_path: Path) -> None:
    # A watched picture removed (its removal is one change), and one whose time is in the
    # future: neither makes the watch render again and again while nothing changes.
    source = tmp_path / "statement.md"
    source.write_text(STATEMENT, encoding="utf-8")
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"x")
    future = tmp_path / "future.png"
    future.write_bytes(b"x")
    later = time.time() + 3600
    os.utime(future, (later, later))
    renders_at: list[float] = []

    def render() -> list[Path]:
        renders_at.append(time.monotonic())
        return [source, logo, future]

    def remove() -> None:
        while not renders_at:
            time.sleep(0.05)
        time.sleep(0.5)
        logo.unlink()

    report = io.StringIO()
    remover = threading.Thread(target=remove)
    remover.start()
    stop = threading.Event()
    timer = threading.Timer(5, stop.set)  # five seconds of watching
    timer.start()
    try:
        renders = watch(render, report, stop=stop, max_renders=10)
    finally:
        timer.cancel()
        remover.join()
    # The first render, and one for the removal at most.
    assert renders <= 2, report.getvalue()
