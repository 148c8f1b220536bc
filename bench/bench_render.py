"""Benchmark: leaflet's render against plain WeasyPrint on the same HTML.

Prints, for each example statement:
  warm   leaflet (parse + compose + layout + PDF) vs weasyprint.HTML(...).write_pdf() on the
         HTML leaflet produced, both in this process after a warm-up run (target ≤ 1.05×);
  cold   `leaflet render` vs the `weasyprint` command on that HTML, as fresh processes
         (target ≤ 1.25×);
and `leaflet --help` start-up time (target ≤ 0.3 s) beside `python -c pass`.

Runs alternate between the two sides and report medians, because these machines are noisy:
compare the ratios, not the absolute times.  Usage: python bench/bench_render.py [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((REPO / "examples").glob("*.md"))
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Pair:
    """Medians of two alternately run commands, and the median of their run-by-run ratios
    (each ratio compares runs made moments apart, so machine noise mostly cancels)."""

    first: float
    second: float
    ratio: float


def median_pair(first: Callable[[], object], second: Callable[[], object], runs: int) -> Pair:
    """Time *first* and *second* alternately, *runs* times each."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(runs):
        for index, function in enumerate((first, second)):
            start = time.perf_counter()
            function()
            times[index].append(time.perf_counter() - start)
    ratios = [a / b for a, b in zip(*times, strict=True)]
    return Pair(statistics.median(times[0]), statistics.median(times[1]), statistics.median(ratios))


def compile_package() -> None:
    """Byte-compile leaflet as ``pip install`` does (WeasyPrint's files are, from its wheel):
    with PYTHONDONTWRITEBYTECODE set, a source checkout would otherwise be compiled anew by
    every cold run, and the cold comparison would measure the compiler."""
    import compileall

    import leaflet

    compileall.compile_dir(Path(leaflet.__file__).parent, quiet=1)


def command(*args: str | Path) -> Callable[[], object]:
    return lambda: subprocess.run(
        [str(arg) for arg in args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--fmt", default="a5")
    args = parser.parse_args()

    from leaflet.pipeline import RenderOptions, render_statement
    from leaflet.render import (
        forget_layouts,
        weasyprint,  # the same WeasyPrint, fonts configured the same way
    )
    from leaflet.source import load_statement

    compile_package()
    options = RenderOptions(format=args.fmt)
    weasyprint_cli = shutil.which("weasyprint", path=str(BIN)) or "weasyprint"
    leaflet_cli = shutil.which("leaflet", path=str(BIN)) or "leaflet"
    print(
        f"# leaflet vs WeasyPrint {weasyprint.__version__}, format {args.fmt}, "
        f"median of {args.runs} alternating runs"
    )
    warm_ratios, cold_ratios = [], []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for example in EXAMPLES:
            html = render_statement(load_statement(example), options).html
            html_file = work / f"{example.stem}.html"
            html_file.write_text(html, encoding="utf-8")
            base_url = example.parent.as_uri() + "/"

            def ours(example: Path = example) -> bytes:
                # As of a statement not rendered before: nothing kept from the last render
                # (line breaks, excerpts' layouts; the clearing is timed too).
                forget_layouts()
                return render_statement(load_statement(example), options).pdf

            def plain(html: str = html, base_url: str = base_url) -> bytes:
                return weasyprint.HTML(string=html, base_url=base_url).write_pdf()

            ours(), plain()  # warm-up: fonts, caches, imports
            warm = median_pair(ours, plain, args.runs)
            cold = median_pair(
                command(leaflet_cli, "render", example, "-f", args.fmt, "-o", work / "l.pdf"),
                command(weasyprint_cli, html_file, work / "w.pdf"),
                max(3, args.runs // 2),
            )
            warm_ratios.append(warm.ratio)
            cold_ratios.append(cold.ratio)
            print(
                f"{example.stem:24} warm {warm.first:6.3f}s vs {warm.second:6.3f}s "
                f"= {warm.ratio:.3f}x   cold {cold.first:6.3f}s vs {cold.second:6.3f}s "
                f"= {cold.ratio:.3f}x"
            )
    print(
        f"warm overhead (median over examples): {statistics.median(warm_ratios):.3f}x "
        "(target <= 1.05x)"
    )
    print(
        f"cold ratio    (median over examples): {statistics.median(cold_ratios):.3f}x "
        "(target <= 1.25x)"
    )
    start = median_pair(
        command(leaflet_cli, "--help"), command(sys.executable, "-c", "pass"), args.runs
    )
    print(
        f"leaflet --help: {start.first:.3f}s (python -c pass: {start.second:.3f}s; target <= 0.3s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
