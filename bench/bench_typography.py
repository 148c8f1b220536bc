"""Benchmark: the typography work (layout preflight, page economy, back page as a poster)
against the render before it, side by side.

Each side runs in a process of its own, warm (a first render of each case is left out: fonts
and stylesheets loaded), yet each render as of a statement not rendered before (what the
working tree keeps from one render for the next — line breaks, excerpts' layouts — is
forgotten before each), with
leaflet imported from its own source tree: the working tree, and a git worktree of BASELINE (the
commit before the typography work).  The two processes alternate round by round and each case's
ratio is the median of the per-round ratios (these machines are noisy: compare the ratios).

Prints, per case: baseline and current time (median, seconds), the ratio (target ≤ 1.15×) and
the layout passes each side took.  Usage: python bench/bench_typography.py [--runs N]
[--baseline REF]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
#: The last commit before the typography work (layout preflight and page economy).
BASELINE = "1f6de8b"
CASES = [
    ("en-free-transit", "classic", "a4"),
    ("en-free-transit", "modern", "a5"),
    ("es-vivienda", "classic", "a5"),
    ("es-vivienda", "bold", "a4"),
    ("uk-labour-rights", "classic", "a5-fold"),
    ("uk-labour-rights", "zine", "a5"),
    ("en-free-transit", "letter", "a4-fold"),
]

CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
import leaflet
from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import load_statement
try:  # what a render keeps for the next: each render here is as of a new statement
    from leaflet.render import forget_layouts as forget
except ImportError:  # (the baseline keeps nothing)
    forget = lambda: None
cases, runs, examples = json.loads(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
out = {}
for name, template, fmt in cases:
    statement = load_statement(f"{examples}/{name}.md")
    options = RenderOptions(format=fmt, template=template)
    result = render_statement(statement, options)
    times = []
    for _ in range(runs):
        forget()
        start = time.perf_counter()
        result = render_statement(statement, options)
        times.append(time.perf_counter() - start)
    out[f"{name} {template} {fmt}"] = [times, result.passes, result.page_count]
print(json.dumps(out))
"""


def side(src: Path, runs: int) -> dict[str, list[object]]:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            str(src),
            json.dumps(CASES),
            str(runs),
            str(REPO / "examples"),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, list[object]] = json.loads(done.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed renders per case and round")
    parser.add_argument("--rounds", type=int, default=3, help="alternations of the two sides")
    parser.add_argument("--baseline", default=BASELINE, help="git commit to compare against")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(
            ["git", "-C", str(REPO), "worktree", "add", "--detach", str(base), args.baseline],
            check=True,
            capture_output=True,
        )
        try:
            ratios: dict[str, list[float]] = {}
            times: dict[str, tuple[list[float], list[float]]] = {}
            passes: dict[str, tuple[object, object]] = {}
            for _ in range(args.rounds):
                old = side(base / "src", args.runs)
                new = side(REPO / "src", args.runs)
                for key, (new_times, new_passes, new_pages) in new.items():
                    old_times, old_passes, old_pages = old[key]
                    assert isinstance(old_times, list) and isinstance(new_times, list)
                    a, b = statistics.median(old_times), statistics.median(new_times)
                    ratios.setdefault(key, []).append(b / a)
                    pair = times.setdefault(key, ([], []))
                    pair[0].append(a)
                    pair[1].append(b)
                    passes[key] = (f"{old_passes}p/{old_pages}pp", f"{new_passes}p/{new_pages}pp")
        finally:
            subprocess.run(
                ["git", "-C", str(REPO), "worktree", "remove", "--force", str(base)],
                check=False,
                capture_output=True,
            )
    print(f"{'case':42} {'base s':>7} {'now s':>7} {'ratio':>6}  passes/pages (base → now)")
    all_ratios = []
    for key, values in ratios.items():
        ratio = statistics.median(values)
        all_ratios.append(ratio)
        a, b = (statistics.median(x) for x in times[key])
        print(f"{key:42} {a:7.2f} {b:7.2f} {ratio:5.2f}×  {passes[key][0]} → {passes[key][1]}")
    geo = statistics.geometric_mean(all_ratios)
    print(f"{'geometric mean':42} {'':7} {'':7} {geo:5.2f}×  (target ≤ 1.15×)")


if __name__ == "__main__":
    main()
