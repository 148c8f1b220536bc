"""Benchmark: the studio (``leaflet serve``) against the library, side by side in one run.

Targets (issue: the studio):

* a preview of an A5 statement after an edit, warm: at most 0.6 s at the median of the
  examples, and at most 1.2× the warm library render of the same statement
  (``render_statement`` in this process);
* eight clients rendering at once (this machine has 2 cores): all succeed, none waits more
  than about 4× a single render.

The studio runs for real: uvicorn on a free loopback port in a thread, its workers warmed up,
requests over HTTP with httpx.  Each round alternates the library render and the preview of
the same statement, edited (one word changes each time), so the machine's noise falls on both
alike.  Usage: python bench/bench_studio.py [--rounds N] [--workers N]
"""

from __future__ import annotations

import argparse
import socket
import statistics
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
import uvicorn  # noqa: E402

from leaflet.pipeline import RenderOptions, render_statement  # noqa: E402
from leaflet.source import parse_statement  # noqa: E402
from leaflet.studio.app import StudioSettings, create_app  # noqa: E402

STATEMENTS = ["en-free-transit", "es-vivienda", "uk-labour-rights"]
CLIENTS = 8


@contextmanager
def studio(settings: StudioSettings) -> Iterator[str]:
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    config = uvicorn.Config(create_app(settings), access_log=False, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{listening.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(30)
        listening.close()


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


def render(url: str, source: str) -> float:
    start = time.perf_counter()
    with httpx.Client(timeout=300) as client:
        answer = client.post(f"{url}/api/render", json={"source": source, "format": "a5"})
    answer.raise_for_status()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="edits per statement (default: 7)")
    parser.add_argument("--workers", type=int, default=2, help="studio workers (default: 2)")
    args = parser.parse_args()
    sources = {name: (REPO / "examples" / f"{name}.md").read_text() for name in STATEMENTS}
    settings = StudioSettings(workers=args.workers, queue=CLIENTS)
    with studio(settings) as url, httpx.Client(timeout=300) as client:
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
        with ThreadPoolExecutor(CLIENTS) as clients:
            waits = list(
                clients.map(lambda n: render(url, edited(source, 200 + n)), range(CLIENTS))
            )
        print(f"\n{CLIENTS} clients rendering es-vivienda (A5 PDF) at once, {args.workers} workers")
        print(f"single render over HTTP: {single:.3f} s")
        print(
            "each client's wait / a single render: " + " ".join(f"{w / single:.2f}" for w in waits)
        )
        print(f"all succeeded; longest wait {max(waits) / single:.2f}× a single render (target ~4)")


if __name__ == "__main__":
    main()
