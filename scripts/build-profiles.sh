#!/usr/bin/env bash
# Rebuild the bundled CMYK output profiles (src/leaflet/profiles/) from the published
# characterisation data, with free tools only:
#   - the data: FOGRA39L (ISO 12647-2:2004/Amd 1, coated paper) and FOGRA29L (ISO 12647-2:2004,
#     uncoated paper), measured and published by Fogra, as Debian's `icc-profiles-free` ships
#     them (/usr/share/color/icc/FOGRA*L.ti3);
#   - the tool: ArgyllCMS `colprof` (Debian's `argyll`).
# Usage: bash scripts/build-profiles.sh [FOGRA39|FOGRA29]…   (all by default; about a minute
# each; installs the two packages as root when missing)
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

# build NAME DESCRIPTION: NAME.icc from NAMEL.ti3.
# -qm: medium table resolution (average error ~0.2 ΔE76 against the data);
# -kr: black generation ramping from none in the highlights to all in the shadows (GCR);
# -l300 -L100: total ink at most 300 %, black up to 100 %;
# -nc: leave the measurement data out of the profile (it stays small);
# -M NAME: the model tag, which WeasyPrint writes as the output condition identifier.
build() {
  cp "$DATA/$1L.ti3" "$work/$1.ti3"
  colprof -qm -kr -l300 -L100 -nc \
    -A "leaflet" \
    -M "$1" \
    -D "$2" \
    -C "Built from $1L (Fogra) with ArgyllCMS colprof; free to use and redistribute" \
    "$work/$1" >"$work/$1.log"
  cp "$work/$1.icc" "src/leaflet/profiles/$1.icc"
  sha256sum "src/leaflet/profiles/$1.icc"
}

for name in "${@:-FOGRA39 FOGRA29}"; do
  for one in $name; do
    case "$one" in
      FOGRA39) build FOGRA39 "Coated FOGRA39 (ISO 12647-2:2004), 300% TAC, built by leaflet" ;;
      FOGRA29) build FOGRA29 "Uncoated FOGRA29 (ISO 12647-2:2004), 300% TAC, built by leaflet" ;;
      *) echo "build-profiles: unknown profile $one (known: FOGRA39 FOGRA29)" >&2; exit 2 ;;
    esac
  done
done
