#!/usr/bin/env bash
# Install the system libraries WeasyPrint needs, when they are missing and we may install them.
#   - python3-venv (required): Debian's Python makes no virtualenv without it.
#   - Pango (required): text layout.
#   - libharfbuzz-subset0 (optional): font subsetting ~3x faster than the fontTools fallback,
#     and no warning on every run.
#   - qpdf, poppler-utils (optional): independent PDF readers the print tests check output
#     with (`qpdf --check`, `pdftoppm`, `pdfinfo`); those tests are skipped without them.
#   - ghostscript, icc-profiles-free (optional): Ghostscript's PDF/X mode and ink coverage
#     check the print files; Fogra's FOGRA39L data check the bundled output profile.
#   - chromium (optional): the studio's browser tests drive Debian's Chromium with Playwright
#     (tests/test_studio_browser.py); they are skipped without it.
#   - libpdfbox2-java with libactivation-java and libjaxb-api-java, and a Java runtime
#     (optional): Apache PDFBox Preflight validates the PDF/A files (tests/test_print_pdfbox.py).
# Debian/Ubuntu only (apt-get); elsewhere it prints what to install and carries on.
set -u

have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }

missing=()
"${PYTHON:-python3}" -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
have_lib 'libpango-1.0.so.0' || missing+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so.0' || missing+=(libpangoft2-1.0-0)
have_lib 'libharfbuzz-subset.so.0' || missing+=(libharfbuzz-subset0)
command -v qpdf >/dev/null 2>&1 || missing+=(qpdf)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v gs >/dev/null 2>&1 || missing+=(ghostscript)
[ -f /usr/share/color/icc/FOGRA39L.ti3 ] || missing+=(icc-profiles-free)
[ -f /usr/share/java/preflight.jar ] || missing+=(libpdfbox2-java)
[ -f /usr/share/java/javax.activation.jar ] || missing+=(libactivation-java)
[ -f /usr/share/java/jaxb-api.jar ] || missing+=(libjaxb-api-java)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: please install Pango and HarfBuzz-subset with your package manager (${missing[*]})" >&2
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else
    echo "system-deps: not root; please run: sudo apt-get install ${missing[*]}" >&2
    exit 0
  fi
fi
echo "system-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null 2>&1 || true
if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
  # One package that cannot be had must not keep the others out: try them one by one.
  for package in "${missing[@]}"; do
    $SUDO apt-get install -y -qq --no-install-recommends "$package" >/dev/null 2>&1 \
      || echo "system-deps: could not install $package (carrying on)" >&2
  done
fi
exit 0
