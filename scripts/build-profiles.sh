#!/usr/bin/env bash
# Rebuild the bundled CMYK output profiles (src/leaflet/profiles/) from the published
# characterisation data, with free tools only:
#   - the data: FOGRA39L (ISO 12647-2:2004/Amd 1, coated paper) and FOGRA29L (ISO 12647-2:2004,
#     uncoated paper), measured and published by Fogra, and TR006 (CGATS TR 006-2007, GRACoL
#     offset on grade 1 coated paper, published by CGATS), as Debian's `icc-profiles-free`
#     ships them (/usr/share/color/icc/FOGRA*L.ti3, TR006.ti3);
#   - the tool: ArgyllCMS `colprof` (Debian's `argyll`).
# Usage: bash scripts/build-profiles.sh [FOGRA39|FOGRA29|GRACoL]…   (all by default; about a
# minute each; installs the two packages as root when missing)
# A rebuilt file differs from the committed one only in its creation date, unless the data or
# the options below change; see src/leaflet/profiles/README.md for what each option means.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=/usr/share/color/icc
if ! command -v colprof >/dev/null 2>&1 || [ ! -f "$DATA/FOGRA39L.ti3" ]; then
  apt-get install -y -qq --no-install-recommends argyll icc-profiles-free >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# build FILE DATA MODEL TAC DESCRIPTION SOURCE: profiles/FILE.icc from DATA.ti3.
# -qm: medium table resolution (average error ~0.2 ΔE76 against the data);
# -kr: black generation ramping from none in the highlights to all in the shadows (GCR);
# -l TAC -L100: total ink at most TAC %, black up to 100 %;
# -nc: leave the measurement data out of the profile (it stays small);
# -M MODEL: the model tag, which WeasyPrint writes as the output condition identifier.
build() {
  cp "$DATA/$2.ti3" "$work/$1.ti3"
  colprof -qm -kr "-l$4" -L100 -nc \
    -A "leaflet" \
    -M "$3" \
    -D "$5" \
    -C "Built from $2 ($6) with ArgyllCMS colprof; free to use and redistribute" \
    "$work/$1" >"$work/$1.log"
  cp "$work/$1.icc" "src/leaflet/profiles/$1.icc"
  sha256sum "src/leaflet/profiles/$1.icc"
}

for name in "${@:-FOGRA39 FOGRA29 GRACoL}"; do
  for one in $name; do
    case "$one" in
      FOGRA39) build FOGRA39 FOGRA39L FOGRA39 300 \
        "Coated FOGRA39 (ISO 12647-2:2004), 300% TAC, built by leaflet" Fogra ;;
      FOGRA29) build FOGRA29 FOGRA29L FOGRA29 300 \
        "Uncoated FOGRA29 (ISO 12647-2:2004), 300% TAC, built by leaflet" Fogra ;;
      # GRACoL's own guidance for sheet-fed coated work is 320 % total ink.
      GRACoL) build GRACoL-TR006 TR006 "CGATS TR 006" 320 \
        "Coated GRACoL (CGATS TR 006), 320% TAC, built by leaflet" \
        "CGATS TR 006-2007, ANSI CGATS" ;;
      *) echo "build-profiles: unknown profile $one (known: FOGRA39 FOGRA29 GRACoL)" >&2; exit 2 ;;
    esac
  done
done
