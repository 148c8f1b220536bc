#!/usr/bin/env bash
# Rebuild the bundled CMYK output profiles (src/leaflet/profiles/) from the published
# characterisation data, with free tools only:
#   - the data: FOGRA39L (ISO 12647-2:2004/Amd 1, coated paper), measured and published by
#     Fogra, as Debian's `icc-profiles-free` ships it (/usr/share/color/icc/FOGRA39L.ti3);
#   - the tool: ArgyllCMS `colprof` (Debian's `argyll`).
# Usage: bash scripts/build-profiles.sh   (about a minute; installs the two packages as root)
# The result differs from the committed file only in its creation date, unless the data or
# the options below change; see src/leaflet/profiles/README.md for what each option means.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=/usr/share/color/icc
if ! command -v colprof >/dev/null 2>&1 || [ ! -f "$DATA/FOGRA39L.ti3" ]; then
  apt-get install -y -qq --no-install-recommends argyll icc-profiles-free >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$DATA/FOGRA39L.ti3" "$work/FOGRA39.ti3"
# -qm: medium table resolution (average error ~0.2 ΔE76 against the data);
# -kr: black generation ramping from none in the highlights to all in the shadows (GCR);
# -l300 -L100: total ink at most 300 % (sheet-fed coated), black up to 100 %;
# -nc: leave the measurement data out of the profile (it stays small).
colprof -qm -kr -l300 -L100 -nc \
  -A "leaflet" \
  -M "FOGRA39" \
  -D "Coated FOGRA39 (ISO 12647-2:2004), 300% TAC, built by leaflet" \
  -C "Built from FOGRA39L (Fogra) with ArgyllCMS colprof; free to use and redistribute" \
  "$work/FOGRA39" >"$work/colprof.log"
tail -n 1 "$work/colprof.log"
cp "$work/FOGRA39.icc" src/leaflet/profiles/FOGRA39.icc
sha256sum src/leaflet/profiles/FOGRA39.icc
