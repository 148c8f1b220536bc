"""Benchmark: copyfitting and posters against one plain render, cold (as processes).

Prints, side by side in one run (median of alternating runs):
  fit      `leaflet render --pages N` of a long statement that must shrink to fit
           vs the `weasyprint` command on the HTML of that statement (target ≤ 2.5×);
  booklet  `leaflet render -f a5-fold` (natural budget: fills a multiple of four pages)
           vs the same plain render;
  poster   `leaflet render -f poster-a3` of a statement with five slogans
           vs the `weasyprint` command on that statement's A5 HTML (target ≤ 3×);
and the number of layout passes each one took.
Usage: python bench/bench_fit.py [--runs N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench_render import BIN, command, compile_package, median_pair

PARAGRAPH = (
    "The assembly met on Saturday and agreed to continue the campaign until the council "
    "listens. Tenants described damp, broken lifts and repairs that were promised and never "
    "carried out. Our members collected signatures at the market, outside the school and at "
    "the bus station, and we will hold the landlord to its written commitments."
)
SLOGANS = [
    "Repairs now, not promises!",
    "No to the new charges!",
    "Homes for people, not for profit!",
    "Tenants united will never be defeated!",
    "Fund our estates!",
]


def write_statement(folder: Path, paragraphs: int) -> Path:
    body = "\n\n".join(
        (f"## Part {n // 4 + 1}\n\n" if n % 4 == 0 else "") + f"{PARAGRAPH} ({n + 1})"
        for n in range(paragraphs)
    )
    slogans = "".join(f"  - {slogan!r}\n" for slogan in SLOGANS)
    source = folder / f"statement-{paragraphs}.md"
    source.write_text(
        f"---\ntitle: Repairs now\nlang: en\nslogans:\n{slogans}---\n\nA lead.\n\n{body}\n",
        encoding="utf-8",
    )
    return source


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from leaflet.pipeline import RenderOptions, render_statement
    from leaflet.source import load_statement

    compile_package()
    leaflet, weasyprint = BIN / "leaflet", BIN / "weasyprint"
    print(f"# cold runs as processes, median of {args.runs} alternating runs each")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        long_source = write_statement(work, 20)
        cases = [
            ("fit --pages 3", long_source, ["-f", "a5", "--pages", "3"], 2.5),
            ("a5-fold", write_statement(work, 6), ["-f", "a5-fold"], 2.5),
            ("poster-a3 x5", long_source, ["-f", "poster-a3"], 3.0),
        ]
        for name, source, options, target in cases:
            statement = load_statement(source)
            fmt = options[options.index("-f") + 1]
            pages = int(options[-1]) if "--pages" in options else None
            result = render_statement(statement, RenderOptions(format=fmt, pages=pages))
            plain_fmt = "a5" if fmt.startswith("poster") else fmt.removesuffix("-fold")
            html = render_statement(statement, RenderOptions(format=plain_fmt)).html
            html_file = work / f"{source.stem}-{plain_fmt}.html"
            html_file.write_text(html, encoding="utf-8")
            pair = median_pair(
                command(leaflet, "render", source, *options, "-o", work / "out.pdf"),
                command(weasyprint, html_file, work / "plain.pdf"),
                args.runs,
            )
            print(
                f"{name:14} {pair.first:6.3f}s vs plain {pair.second:6.3f}s = {pair.ratio:.2f}x "
                f"(target <= {target}x)  layout passes: {result.passes}, "
                f"scale {result.scale:.3f}, {result.page_count} pages"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
