"""PDFBox Preflight (Apache PDFBox 2, Debian's ``libpdfbox2-java``) on leaflet's PDF/A files.

Preflight validates PDF/A-1b; leaflet writes PDF/A-3b.  The PDF/A-1 rules PDF/A-3 dropped are
left out of the verdict (ISO 19005-3 allows cross-reference streams, names part 3, and does not
require a CIDSet); every other finding fails the test.  Skipped without Java or the jars
(``scripts/system-deps.sh`` installs them on Debian/Ubuntu).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import load_statement

from conftest import EXAMPLES

# WeasyPrint 70 leaves its sRGB profile file open when writing PDF/A (a ResourceWarning).
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

JARS = Path("/usr/share/java")
#: Preflight and what it needs at run time (JAF and JAXB left the JDK with Java 11).
CLASSPATH = (
    "preflight.jar",
    "pdfbox2.jar",
    "fontbox2.jar",
    "xmpbox.jar",
    "commons-logging.jar",
    "javax.activation.jar",
    "jaxb-api.jar",
)
#: PDF/A-1 requirements that PDF/A-2 and -3 do not have: (error code, words of its message).
PDFA1_ONLY = (
    ("1.4", "cross reference streams are not allowed"),
    ("7.11.2", "part must be 1"),
    ("3.1.11", "CIDSet entry is missing"),
)


def preflight(path: Path) -> list[str]:
    """Preflight's findings on *path* that also hold for PDF/A-3 (``code : message``)."""
    java = shutil.which("java")
    missing = [name for name in CLASSPATH if not (JARS / name).exists()]
    if java is None or missing:
        pytest.skip(f"PDFBox Preflight needs Java and {', '.join(missing) or 'its jars'}")
    classpath = ":".join(str(JARS / name) for name in CLASSPATH)
    result = subprocess.run(
        [java, "-cp", classpath, "org.apache.pdfbox.preflight.Validator_A1b", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = result.stdout + result.stderr
    assert "Exception" not in output, output
    findings = re.findall(r"^(\d+(?:\.\d+)*) : (.*)$", output, re.M)
    assert findings or "is a valid PDF/A-1b file" in output, output
    return [
        f"{code} : {message}"
        for code, message in findings
        if not any(code == skip and words in message for skip, words in PDFA1_ONLY)
    ]


@cache
def rendered(fmt: str, marks: bool) -> bytes:
    statement = load_statement(EXAMPLES / "en-free-transit.md")
    options = RenderOptions(format=fmt, template="bold", marks=marks, pdf_variant="pdf/a-3b")
    return render_statement(statement, options).pdf


@pytest.mark.parametrize(("fmt", "marks"), [("a5", False), ("a4", True), ("a5-fold", True)])
def test_pdfbox_preflight_passes_pdfa_output(tmp_path: Path, fmt: str, marks: bool) -> None:
    path = tmp_path / "file.pdf"
    path.write_bytes(rendered(fmt, marks))
    assert preflight(path) == []


def test_pdfbox_preflight_catches_a_broken_pdfa_file(tmp_path: Path) -> None:
    """The same file with its PDF/A identification taken out of the XMP fails: the check is
    not vacuous."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=io.BytesIO(rendered("a5", False)))
    stream = writer.root_object["/Metadata"].get_object()
    xmp = stream.get_data().decode("utf-8")
    stream.set_data(re.sub(r' pdfaid:(part|conformance)="[^"]*"', "", xmp).encode("utf-8"))
    path = tmp_path / "broken.pdf"
    writer.write(path)
    assert any(finding.startswith("7.") for finding in preflight(path))
