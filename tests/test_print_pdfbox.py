"""PDFBox Preflight (Apache PDFBox 2, Debian's ``libpdfbox2-java``) on leaflet's PDF/A files.

Preflight validates PDF/A-1b; leaflet writes PDF/A-3b.  The PDF/A-1 rules PDF/A-3 dropped are
left out of the verdict (ISO 19005-3 allows cross-reference streams, names part 3, and does not
require a CIDSet); every other finding fails the test.  Files broken on purpose show that
Preflight and ``leaflet check``'s pdfa rules find the same faults.  Skipped without Java or the jars
(``scripts/system-deps.sh`` installs them on Debian/Ubuntu).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pypdf.generic import (
    BooleanObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from leaflet.check import check_pdf
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


def _interpolated(writer: Any) -> None:
    from test_check_pdfa import images

    _, image = next(images(writer))
    image[NameObject("/Interpolate")] = BooleanObject(True)


def _hidden_link(writer: Any) -> None:
    from test_check_pdfa import first_link

    _, link = first_link(writer)
    link[NameObject("/F")] = NumberObject(4 | 2)  # Print and Hidden


def _javascript_on_opening(writer: Any) -> None:
    script = {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("")}
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject(script)


def _title_only_in_info(writer: Any) -> None:
    from test_check_pdfa import rewrite_xmp

    rewrite_xmp(writer, lambda xmp: re.sub(r"<dc:title>.*?</dc:title>", "", xmp))


@pytest.mark.parametrize(
    ("change", "rule", "code"),
    [
        (_interpolated, "pdfa-interpolate", "2.3.2"),
        (_hidden_link, "pdfa-annotation", "5.2.2"),
        (_javascript_on_opening, "pdfa-action", "6.2.5"),
        (_title_only_in_info, "pdfa-metadata", "7.2"),
    ],
)
def test_pdfbox_agrees_with_leaflet_check_on_crafted_breaks(
    tmp_path: Path, change: Callable[[Any], None], rule: str, code: str
) -> None:
    """A PDF/A-3b render (with a logo and a photo) broken in one way: leaflet's check finds it
    under its pdfa rule, and PDFBox Preflight adds a finding of the matching error code to
    those it had for the unbroken file (which it judges by PDF/A-1, where a soft mask is
    already an error)."""
    from test_check_pdfa import crafted, pdfa

    base, broken = tmp_path / "base.pdf", tmp_path / "broken.pdf"
    base.write_bytes(pdfa())
    broken.write_bytes(crafted(change))
    report = check_pdf(broken.read_bytes())
    assert rule in report.problem_rules
    added = set(preflight(broken)) - set(preflight(base))
    assert any(finding.startswith(f"{code} : ") for finding in added), added
