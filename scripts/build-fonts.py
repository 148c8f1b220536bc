#!/usr/bin/env python3
"""Rebuild the static font instances leaflet ships from the variable fonts they come from.

leaflet bundles Oswald and Roboto Slab as variable fonts.  WeasyPrint instances a variable
font at every weight a document uses, on every PDF it writes, so the instances are built once
here, with fontTools' instancer, at the weights `src/leaflet/fonts.py` declares:
each `FontFace` with a `source` is that variable file (`fonts/<family>/source/`, kept in the
source tree, left out of the wheel) pinned at the face's weight.

Usage: .venv/bin/python scripts/build-fonts.py [--check]
  --check  build in memory and compare with the committed files (exit 1 when one differs)

The build is reproducible: the same source and fontTools version give the same bytes (the
`head` table keeps the source's dates instead of the time of the build).  A rebuild also
rewrites the instances' lines of `src/leaflet/fonts/SHA256SUMS`.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
from pathlib import Path

from fontTools import version as fonttools_version
from fontTools.ttLib import TTFont
from fontTools.varLib.instancer import OverlapMode, instantiateVariableFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from leaflet.fonts import FAMILIES, FONTS_DIR, FontFace  # noqa: E402


def build(face: FontFace) -> bytes:
    """The static instance of *face*'s variable source at its weight."""
    assert face.source is not None
    # recalcTimestamp=False: head.modified stays the source's, not the time of the build.
    variable = TTFont(face.source, recalcTimestamp=False)
    static = instantiateVariableFont(
        variable,
        {"wght": float(face.weight)},
        # The options WeasyPrint itself instanced these fonts with at render time, so the
        # glyphs drawn are the same: overlapping contours kept (and flagged), a static font.
        overlap=OverlapMode.KEEP_AND_SET_FLAGS,
        static=True,
        # Names from the STAT table: family "Oswald" / "Roboto Slab", subfamily the weight's
        # name ("Bold"; "ExtraBold" and "Black" as typographic subfamilies).
        updateFontNames=True,
    )
    # The notice of modification the font's licence asks for (Apache-2.0 §4(b)), in the file
    # itself: the name table's description (name ID 10).
    static["name"].setName(
        f"Static instance at wght {face.weight} of {face.source.name}, made with the fontTools "
        "instancer by leaflet's scripts/build-fonts.py; otherwise unchanged.",
        10,
        3,
        1,
        0x409,
    )
    out = io.BytesIO()
    static.save(out)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="compare with the committed files, write nothing"
    )
    args = parser.parse_args()
    print(f"# fontTools {fonttools_version}", file=sys.stderr)
    differ = 0
    sums: dict[str, str] = {}
    for faces in FAMILIES.values():
        for face in faces:
            if face.source is None:
                continue
            data = build(face)
            name = face.path.relative_to(FONTS_DIR).as_posix()
            if args.check:
                same = face.path.is_file() and face.path.read_bytes() == data
                differ += not same
                print(f"{'same' if same else 'DIFFERS'}  {name}")
                continue
            face.path.write_bytes(data)
            sums[f"./{name}"] = hashlib.sha256(data).hexdigest()
            print(f"{sums[f'./{name}']}  ./{name}")
    if sums:
        _update_sums(sums)
    return 1 if differ else 0


def _update_sums(sums: dict[str, str]) -> None:
    """Put *sums* (path → SHA-256) into SHA256SUMS, dropping lines of files that are gone;
    lines stay sorted by path, as `sha256sum` over a sorted file list writes them."""
    listing = FONTS_DIR / "SHA256SUMS"
    for line in listing.read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        if name not in sums and (FONTS_DIR / name).is_file():
            sums[name] = digest
    listing.write_text("".join(f"{sums[name]}  {name}\n" for name in sorted(sums)))


if __name__ == "__main__":
    sys.exit(main())
