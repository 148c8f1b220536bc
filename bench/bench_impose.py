"""Benchmark: leaflet's imposition against naive pypdf page merging, on a 64-page A5 booklet.

Builds a flat 64-page A5 PDF of real text with WeasyPrint, then imposes it in saddle-stitch
order on A4 landscape sheets two ways, alternately, and reports medians:
  naive   pypdf ``merge_transformed_page`` of each page onto blank sheets (copies content);
  ours    ``leaflet.impose.impose`` (each page one Form XObject, placed by reference).
Targets: time ours/naive ≤ 0.1; size imposed/flat ≤ 1.1 (naive is several times the flat size).
Usage: python bench/bench_impose.py [--runs N]
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "en-mobilization-referendums.txt"
PAGES = 64
FALLBACK_TEXT = (
    "Working people organise to defend their rights, their wages and their freedom. "
    "Every campaign starts with a statement read, discussed and handed on. "
) * 8


def flat_pdf(pages: int = PAGES) -> bytes:
    """A flat A5 PDF of exactly *pages* pages of running text, one section per page.

    Set in the bundled PT Serif (regular, bold, italic), as a real leaflet is.
    """
    from weasyprint import HTML

    from leaflet.fonts import font_face_css

    text = CORPUS.read_text(encoding="utf-8") if CORPUS.exists() else FALLBACK_TEXT
    paragraphs = [line for line in text.splitlines() if line.strip()][:12] or [FALLBACK_TEXT]
    section = "".join(
        f"<p>{paragraph[:500]} <em>{paragraph[:80]}</em></p>" for paragraph in paragraphs
    )
    css = font_face_css(["PT Serif"]) + (
        "@page { size: A5; margin: 15mm; bleed: 3mm;"
        " @bottom-center { content: counter(page) } }"
        "section { break-after: page; height: 165mm; overflow: hidden;"
        " font: 9pt/1.3 'PT Serif' }"
    )
    body = "".join(f"<section><h2>Part {n}</h2>{section}</section>" for n in range(1, pages + 1))
    return bytes(HTML(string=f"<style>{css}</style>{body}").write_pdf())


def naive_impose(flat: bytes) -> bytes:
    """Saddle imposition the usual pypdf way: merge transformed copies of pages onto sheets."""
    from pypdf import PdfReader, PdfWriter, Transformation

    from leaflet.impose import get_layout
    from leaflet.papers import paper_size

    reader = PdfReader(io.BytesIO(flat))
    trim = reader.pages[0].trimbox
    plan = get_layout("saddle").plan(len(reader.pages), float(trim.width), float(trim.height))
    sheet_width, sheet_height = paper_size("a4", landscape=True)
    writer = PdfWriter()
    for sheet in plan.sheets:
        for side in sheet.sides:
            page = writer.add_blank_page(sheet_width, sheet_height)
            for slot in side:
                if slot.page is not None:
                    move = Transformation().translate(slot.trim.x, slot.trim.y)
                    page.merge_transformed_page(reader.pages[slot.page], move)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def ours(flat: bytes) -> bytes:
    from leaflet.impose import ImposeOptions, impose

    return impose(flat, ImposeOptions(layout="saddle", sheet="a4")).data


def median_pair(
    first: Callable[[], bytes], second: Callable[[], bytes], runs: int
) -> tuple[float, float, bytes, bytes]:
    """Median seconds of *first* and *second*, run alternately, and their last outputs."""
    times: tuple[list[float], list[float]] = ([], [])
    outputs = [b"", b""]
    for _ in range(runs):
        for index, function in enumerate((first, second)):
            start = time.perf_counter()
            outputs[index] = function()
            times[index].append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1]), outputs[0], outputs[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    flat = flat_pdf()
    from leaflet.pdf import page_sizes

    pages = len(page_sizes(flat))
    naive_time, our_time, naive_pdf, our_pdf = median_pair(
        lambda: naive_impose(flat), lambda: ours(flat), args.runs
    )
    print(f"flat A5 PDF: {pages} pages, {len(flat)} bytes")
    print(f"naive merge_transformed_page: {naive_time * 1000:.1f} ms, {len(naive_pdf)} bytes")
    print(f"leaflet impose (XObjects):    {our_time * 1000:.1f} ms, {len(our_pdf)} bytes")
    print(f"time ours/naive: {our_time / naive_time:.3f} (target <= 0.1)")
    print(f"size ours/flat: {len(our_pdf) / len(flat):.3f} (target <= 1.1)")
    print(f"size naive/flat: {len(naive_pdf) / len(flat):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
