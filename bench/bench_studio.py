"""Benchmark: the studio (``leaflet serve``) against the library, side by side in one run.

Targets (issue: the studio):

* a preview of an A5 statement after an edit, warm: at most 0.6 s at the median of the
  examples, and at most 1.2× the warm library render of the same statement
  (``render_statement`` in this process);
* eight clients rendering at once (this machine has 2 cores): all succeed, none waits more
  than about 4× a single render.

The studio runs for real: ``leaflet serve`` on a free loopback port, in a process of its own,
its workers warmed up; requests over HTTP with httpx.  Each round alternates the library
render and the preview of the same statement, edited (one word changes each time), so the
machine's noise falls on both alike.  A client's wait is timed from its request to its answer:
each client has its HTTP client made before (making one costs 20–40 ms of this process's
CPU, for its TLS settings; eight made at once held the first requests back by a quarter of a
second, on the cores the workers share), and the eight send their requests together.

Usage: python bench/bench_studio.py [--rounds N] [--workers N]
"""

from __future__ import annotations

import argparse
import logging
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

import httpx  # noqa: E402

from leaflet.pipeline import RenderOptions, render_statement  # noqa: E402
from leaflet.source import parse_statement  # noqa: E402

STATEMENTS = ["en-free-transit", "es-vivienda", "uk-labour-rights"]
CLIENTS = 8


@contextmanager
def studio(workers: int) -> Iterator[str]:
    """``leaflet serve`` in a process of its own, as it runs for users (the clients here
    share no interpreter with it); yields its URL once it answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "leaflet", "serve", "--no-browser", "--port", str(port),
               "--workers", str(workers), "--queue", str(CLIENTS)]  # fmt: skip
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=_environment())
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/api/formats", timeout=5).raise_for_status()
                break
            except httpx.HTTPError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the studio did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(30)


def _environment() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO / "src")}


def edited(source: str, round_: int) -> str:
    """*source* with one word of its body changed, as after a keystroke."""
    return source.rstrip("\n") + f" Edit{round_}.\n"


def preview(client: httpx.Client, url: str, source: str) -> float:
    start = time.perf_counter()
    answer = client.post(f"{url}/api/preview", json={"source": source, "format": "a5"})
    took = time.perf_counter() - start
    answer.raise_for_status()
    return took


def library(source: str) -> float:
    start = time.perf_counter()
    render_statement(parse_statement(source, REPO / "examples" / "x.md"), RenderOptions("a5"))
    return time.perf_counter() - start


def render(url: str, source: str, ready: threading.Barrier | None = None) -> float:
    """A client's wait for its PDF: its HTTP client made, then (once every client is ready,
    with *ready*) its request timed to the answer."""
    with httpx.Client(timeout=300) as client:
        if ready is not None:
            ready.wait()
        start = time.perf_counter()
        answer = client.post(f"{url}/api/render", json={"source": source, "format": "a5"})
        took = time.perf_counter() - start
    answer.raise_for_status()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="edits per statement (default: 7)")
    parser.add_argument("--workers", type=int, default=2, help="studio workers (default: 2)")
    args = parser.parse_args()
    sources = {name: (REPO / "examples" / f"{name}.md").read_text() for name in STATEMENTS}
    logging.getLogger("leaflet").addHandler(logging.NullHandler())  # the examples' warnings
    logging.getLogger("leaflet").propagate = False
    with studio(args.workers) as url, httpx.Client(timeout=300) as client:
        for source in sources.values():  # warm: this process's library, and every worker
            library(source)
            for _ in range(args.workers):
                preview(client, url, source)
        print(f"Preview of an A5 statement after an edit, warm ({args.rounds} edits each)")
        print(f"{'statement':<18} {'library s':>10} {'preview s':>10} {'ratio':>6}")
        previews, ratios = [], []
        for name, source in sources.items():
            lib, pre = [], []
            for round_ in range(args.rounds):
                text = edited(source, round_)
                lib.append(library(text))
                pre.append(preview(client, url, text))
            lib_median, pre_median = statistics.median(lib), statistics.median(pre)
            previews.append(pre_median)
            ratios.append(pre_median / lib_median)
            print(f"{name:<18} {lib_median:>10.3f} {pre_median:>10.3f} {ratios[-1]:>6.2f}")
        print(
            f"median of the examples: preview {statistics.median(previews):.3f} s "
            f"(target ≤ 0.6), ratio {statistics.median(ratios):.2f} (target ≤ 1.2)"
        )

        source = sources["es-vivienda"]
        singles = [render(url, edited(source, 100 + n)) for n in range(5)]
        single = statistics.median(singles)
        ready = threading.Barrier(CLIENTS + 1)
        with ThreadPoolExecutor(CLIENTS) as clients:
            running = [
                clients.submit(render, url, edited(source, 200 + n), ready) for n in range(CLIENTS)
            ]
            ready.wait()
            started = time.perf_counter()
            waits = [future.result() for future in running]
            total = time.perf_counter() - started
        rounds = CLIENTS / args.workers  # renders each worker did, one after another
        print(f"\n{CLIENTS} clients rendering es-vivienda (A5 PDF) at once, {args.workers} workers")
        print(f"single render over HTTP: {single:.3f} s")
        print(
            "each client's wait / a single render: " + " ".join(f"{w / single:.2f}" for w in waits)
        )
        print(f"all succeeded; longest wait {max(waits) / single:.2f}× a single render (target ~4)")
        print(
            f"all {CLIENTS} done in {total:.2f} s: {rounds:g} renders a worker, each "
            f"{total / rounds / single:.2f}× a single render's time (two at once share the cores)"
        )


if __name__ == "__main__":
    main()
