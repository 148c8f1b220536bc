"""Benchmark: local editions (issue targets, measured side by side in one run).

* fast path: 100 editions of an example A5 booklet whose placeholders are only in the local
  back-page block, against 1 edition (both ``leaflet render --editions`` runs; target ≤ 5×);
* full path: 24 editions with a placeholder in running text (``--editions``, the default
  worker pool), against 24 separate ``leaflet render`` runs of the filled statements
  (target ≤ 0.6×);
* watch: a warm re-render of an example A5 leaflet after an edit, as ``--watch`` makes it
  (median; target ≤ 0.5 s);
* memory: peak resident memory of a 1,000-edition fast-path run against one render (each a
  child process of a small launcher reading its ``ru_maxrss``; target ≤ 1.5×).

Everything runs in child processes of this one but the watch (in this process, warm).
Usage: python bench/bench_editions.py [--only fast|full|watch|memory] [--rounds N]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

EXAMPLE = REPO / "examples" / "en-free-transit.md"
PLACES = ["Union Hall", "Library", "Town Hall", "Community Centre", "Market Hall"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def statement(folder: Path, *, running_text: bool) -> Path:
    """The example with its contact line filled per edition (and, for the full path, a
    placeholder in its first paragraph)."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    text = "".join(
        'contact: "Meetings every {{ day }}, 7 pm, {{ place }}"\n'
        if line.startswith("contact:")
        else line
        for line in lines
    )
    if running_text:
        text = text.replace("On 1 March the council", "On 1 March the council of {{ town }}", 1)
    path = folder / ("running.md" if running_text else "local.md")
    path.write_text(text, encoding="utf-8")
    return path


def table(folder: Path, count: int) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["branch", "town", "day", "place", "copies"])
    for n in range(count):
        town = f"Town {n + 1}"
        writer.writerow([town, town, DAYS[n % 5], f"{PLACES[n % 5]}, {n + 1} Mill Lane", 100])
    path = folder / f"editions-{count}.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def leaflet(*args: object) -> list[str]:
    return [sys.executable, "-m", "leaflet", *map(str, args)]


#: Runs a command and prints its peak resident memory: a small process of its own, since a
#: child's ``ru_maxrss`` starts at its parent's resident size when it forks.
LAUNCHER = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
    "sys.stderr.buffer.write(done.stderr)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(done.returncode)\n"
)


def run(command: list[str]) -> tuple[float, int]:
    """Wall time (s) and peak resident memory (KiB) of one child process."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *command], capture_output=True, check=False
    )
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr.decode()[-2000:]}")
    return took, int(done.stdout.split()[-1])


def fast_path(folder: Path, rounds: int) -> None:
    source = statement(folder, running_text=False)
    one, hundred = table(folder, 1), table(folder, 100)
    ones, hundreds = [], []
    for n in range(rounds):
        ones.append(run(leaflet("render", source, "-f", "a5-fold", "--editions", one,
                                "-o", folder / f"one-{n}"))[0])  # fmt: skip
        hundreds.append(run(leaflet("render", source, "-f", "a5-fold", "--editions", hundred,
                                    "-o", folder / f"hundred-{n}"))[0])  # fmt: skip
    a, b = statistics.median(ones), statistics.median(hundreds)
    print(f"fast path  1 edition {a:6.2f} s | 100 editions {b:6.2f} s | ratio {b / a:5.2f} "
          "(target ≤ 5)")  # fmt: skip


def full_path(folder: Path) -> None:
    from leaflet.editions import plan_editions

    source = statement(folder, running_text=True)
    editions = table(folder, 24)
    plan = plan_editions(source, editions)
    assert not plan.local_only
    separate = 0.0
    for number, edition in enumerate(plan.editions):
        filled = folder / f"filled-{number}.md"
        filled.write_text(plan.filled(edition.fields), encoding="utf-8")
        separate += run(leaflet("render", filled, "-f", "a5", "-o", folder / f"s-{number}.pdf"))[0]
    pooled = run(leaflet("render", source, "-f", "a5", "--editions", editions,
                         "-o", folder / "pooled"))[0]  # fmt: skip
    print(f"full path  24 separate runs {separate:6.2f} s | 24 editions {pooled:6.2f} s | "
          f"ratio {pooled / separate:5.2f} (target ≤ 0.6; {os.cpu_count()} cores)")  # fmt: skip


def watch(folder: Path, rounds: int) -> None:
    """Re-renders as --watch makes them: the command's render, in this warm process, after
    an edit of the statement each time; for each example in A5."""
    import contextlib

    from leaflet.cli import build_parser
    from leaflet.commands import render_cmd

    for example in sorted((REPO / "examples").glob("*.md")):
        source = folder / example.name
        text = example.read_text(encoding="utf-8")
        source.write_text(text, encoding="utf-8")
        args = build_parser("render").parse_args(
            ["render", str(source), "-f", "a5", "-o", str(folder / "watched.pdf")]
        )
        args.stderr = io.StringIO()
        formats = render_cmd._formats(args)
        times = []
        for n in range(rounds + 1):
            # an edit: one word more in the last paragraph
            source.write_text(text.rstrip() + f" ({n})\n", encoding="utf-8")
            start = time.perf_counter()
            with contextlib.redirect_stderr(io.StringIO()):
                render_cmd._render(args, formats, io.StringIO(), [])
            times.append(time.perf_counter() - start)
        warm = statistics.median(times[1:])
        print(f"watch      {example.stem:18} first render {times[0]:5.2f} s | warm re-render "
              f"median {warm:5.2f} s (target ≤ 0.5)")  # fmt: skip


def memory(folder: Path) -> None:
    source = statement(folder, running_text=False)
    one = table(folder, 1)
    thousand = table(folder, 1000)
    _, single = run(leaflet("render", EXAMPLE, "-f", "a5-fold", "-o", folder / "single.pdf"))
    _, one_edition = run(leaflet("render", source, "-f", "a5-fold", "--editions", one,
                                 "-o", folder / "m1"))  # fmt: skip
    took, many = run(leaflet("render", source, "-f", "a5-fold", "--editions", thousand,
                             "-o", folder / "m1000"))  # fmt: skip
    print(f"memory     one render {single / 1024:6.0f} MiB | 1 edition {one_edition / 1024:6.0f} "
          f"MiB | 1000 editions {many / 1024:6.0f} MiB ({took:.0f} s) | ratio "
          f"{many / single:5.2f} (target ≤ 1.5)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="repetitions (default: 3)")
    parser.add_argument(
        "--only", choices=("fast", "full", "watch", "memory"), help="one measurement alone"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        if args.only in (None, "memory"):
            memory(folder)
        if args.only in (None, "fast"):
            fast_path(folder, args.rounds)
        if args.only in (None, "full"):
            full_path(folder)
        if args.only in (None, "watch"):
            watch(folder, max(args.rounds, 5))


if __name__ == "__main__":
    main()
