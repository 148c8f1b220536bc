"""Benchmark: the folded and cut formats against a flat A5 leaflet of the same statement, side
by side in one warm process (issue target: a tri-fold renders in ≤ 2× the time of an A5
leaflet).

Each round renders every statement once in A5 and once in each format, alternating, so the
machine's noise falls on both alike; a case's ratio is the median of its per-round ratios.
Prints, per statement and format: the A5 and format medians (seconds), the ratio, and the
layout passes each took.

With ``--cli``, each render is a ``leaflet render`` command of its own, timed from start to
exit: what an organizer waits for (the start-up, fonts and stylesheets included), where the
default measures the rendering alone in a warm process.

Usage: python bench/bench_formats.py [--rounds N] [--formats F,F] [--cli]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from leaflet.errors import LeafletError  # noqa: E402
from leaflet.pipeline import RenderOptions, render_statement  # noqa: E402
from leaflet.render import forget_layouts  # noqa: E402
from leaflet.source import load_statement  # noqa: E402

STATEMENTS = ["en-free-transit", "es-vivienda", "uk-labour-rights"]
FORMATS = ["dl-trifold", "dl-zfold", "a5-zine", "a6-flyer", "a5-fold"]
BASE = "a5"


def timed(statement: object, fmt: str) -> tuple[float, int]:
    """One render, as of a statement not rendered before: what the process keeps from one
    render for the next is forgotten first (fonts and stylesheets stay loaded), and the
    garbage the renders before left is collected (else a render pays for collecting what
    the one before it left, as the collector's counters fall)."""
    options = RenderOptions(format=fmt)
    forget_layouts()
    gc.collect()
    start = time.perf_counter()
    result = render_statement(statement, options)  # type: ignore[arg-type]
    return time.perf_counter() - start, result.passes


def command(path: Path, fmt: str, output: Path) -> tuple[float, int]:
    """One ``leaflet render`` process, timed from its start to its exit (passes unknown)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "leaflet", "render", str(path), "--format", fmt, "-o", str(output)],
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        check=False,
    )
    took = time.perf_counter() - start
    if done.returncode:
        raise LeafletError(done.stderr.decode(errors="replace").strip())
    return took, 0


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternations (default: 5)")
    parser.add_argument("--formats", default=",".join(FORMATS), help="formats to compare")
    parser.add_argument("--cli", action="store_true", help="time `leaflet render` processes")
    args = parser.parse_args()
    formats = args.formats.split(",")
    folder = Path(tempfile.mkdtemp(prefix="bench-formats-"))
    if args.cli:
        paths = {name: REPO / "examples" / f"{name}.md" for name in STATEMENTS}
        statements: dict[str, object] = dict(paths)

        def timed_case(statement: object, fmt: str) -> tuple[float, int]:
            return command(statement, fmt, folder / f"{fmt}.pdf")  # type: ignore[arg-type]
    else:
        statements = {name: load_statement(REPO / "examples" / f"{name}.md") for name in STATEMENTS}
        timed_case = timed
    for statement in statements.values():  # warm: fonts, templates, hyphenation patterns
        for fmt in [BASE, *formats]:
            with contextlib.suppress(LeafletError):  # too long for a piece: skipped
                timed_case(statement, fmt)
    ratios: dict[tuple[str, str], list[float]] = {}
    seconds: dict[tuple[str, str], list[float]] = {}
    passes: dict[tuple[str, str], int] = {}
    for _ in range(args.rounds):
        for name, statement in statements.items():
            base, base_passes = timed_case(statement, BASE)
            seconds.setdefault((name, BASE), []).append(base)
            passes[(name, BASE)] = base_passes
            for fmt in formats:
                try:
                    took, count = timed_case(statement, fmt)
                except LeafletError:
                    continue
                ratios.setdefault((name, fmt), []).append(took / base)
                seconds.setdefault((name, fmt), []).append(took)
                passes[(name, fmt)] = count
    how = "`leaflet render` processes" if args.cli else "renders in a warm process"
    print(f"{how}, {args.rounds} rounds")
    print(f"{'statement':18} {'format':12} {'a5 s':>6} {'fmt s':>6} {'ratio':>6}  passes a5 → fmt")
    for (name, fmt), values in ratios.items():
        a5 = statistics.median(seconds[(name, BASE)])
        this = statistics.median(seconds[(name, fmt)])
        ratio = statistics.median(values)
        counted = "" if args.cli else f"{passes[(name, BASE)]} → {passes[(name, fmt)]}"
        print(f"{name:18} {fmt:12} {a5:6.2f} {this:6.2f} {ratio:5.2f}×  {counted}")
    for fmt in formats:
        found = [statistics.median(v) for (_, f), v in ratios.items() if f == fmt]
        if found:
            target = "  (target ≤ 2×)" if fmt.endswith("trifold") else ""
            print(
                f"{'geometric mean':18} {fmt:12} {'':6} {'':6} "
                f"{statistics.geometric_mean(found):5.2f}×{target}"
            )


if __name__ == "__main__":
    main()
