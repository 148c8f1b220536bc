"""Benchmark: a two-ink render against a plain render of the same statement, side by side in
one warm process (issue target: a two-ink render ≤ 2.5× the plain one).

Each round renders every statement plainly, then in two inks (the spot PDF), then in two inks
with everything ``--separations`` and ``--preview`` add (the plates and the composite preview
pictures), alternating, so the machine's noise falls on all alike; a case's ratio is the median
of its per-round ratios.  Usage: python bench/bench_inks.py [--rounds N] [--formats F,F]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from leaflet.pipeline import RenderOptions, render_statement  # noqa: E402
from leaflet.render import forget_layouts  # noqa: E402
from leaflet.separations import composite_pngs, plates  # noqa: E402
from leaflet.source import load_statement  # noqa: E402

STATEMENTS = ["en-free-transit", "es-vivienda", "uk-labour-rights"]
FORMATS = ["a5", "a5-fold"]
INKS = ("black", "fluorescent-pink")
CASES = ("plain", "inks", "inks+plates+preview")


def timed(statement: object, fmt: str, case: str) -> float:
    options = RenderOptions(format=fmt, inks=INKS if case != "plain" else ())
    forget_layouts()  # as of a statement not rendered before (fonts and stylesheets warm)
    start = time.perf_counter()
    result = render_statement(statement, options)  # type: ignore[arg-type]
    if case == "inks+plates+preview":
        plates(result.pdf)
        composite_pngs(result.pdf)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternations (default: 5)")
    parser.add_argument("--formats", default=",".join(FORMATS), help="formats to compare")
    args = parser.parse_args()
    formats = args.formats.split(",")
    statements = {name: load_statement(REPO / "examples" / f"{name}.md") for name in STATEMENTS}
    for statement in statements.values():  # warm: fonts, templates, hyphenation patterns
        for fmt in formats:
            for case in CASES:
                timed(statement, fmt, case)
    seconds: dict[tuple[str, str, str], list[float]] = {}
    ratios: dict[tuple[str, str, str], list[float]] = {}
    for _ in range(args.rounds):
        for name, statement in statements.items():
            for fmt in formats:
                took = {case: timed(statement, fmt, case) for case in CASES}
                for case in CASES:
                    seconds.setdefault((name, fmt, case), []).append(took[case])
                    ratios.setdefault((name, fmt, case), []).append(took[case] / took["plain"])
    print(f"{'statement':18} {'format':8} {'plain s':>8} {'inks s':>7} {'ratio':>6} "
          f"{'+plates+preview s':>18} {'ratio':>6}")  # fmt: skip
    for name in statements:
        for fmt in formats:
            plain = statistics.median(seconds[(name, fmt, "plain")])
            inks = statistics.median(seconds[(name, fmt, "inks")])
            full = statistics.median(seconds[(name, fmt, "inks+plates+preview")])
            print(
                f"{name:18} {fmt:8} {plain:8.2f} {inks:7.2f} "
                f"{statistics.median(ratios[(name, fmt, 'inks')]):5.2f}× {full:18.2f} "
                f"{statistics.median(ratios[(name, fmt, 'inks+plates+preview')]):5.2f}×"
            )
    for case in CASES[1:]:
        found = [statistics.median(v) for (_, _, c), v in ratios.items() if c == case]
        print(
            f"{'geometric mean':18} {case:20} {statistics.geometric_mean(found):5.2f}×"
            "  (target ≤ 2.5×)"
        )


if __name__ == "__main__":
    main()
