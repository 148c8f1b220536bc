"""Shared test helpers: locating examples and the corpus, running the CLI in-process, and
reading PDFs back with pypdf."""

from __future__ import annotations

import http.server
import io
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pytest

from leaflet.cli import main
from leaflet.fonts import FAMILIES

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
CORPUS = REPO.parent / "shared" / "corpus"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str | Path) -> CliResult:
    """Run ``leaflet ARGS`` in this process; capture exit code, stdout and stderr."""
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main([str(arg) for arg in args], stdout=stdout, stderr=stderr)
    return CliResult(code, stdout.getvalue(), stderr.getvalue())


@pytest.fixture
def forgotten_layouts() -> Iterator[None]:
    """The test starts and ends with nothing a render keeps for the next (line breaks,
    excerpts' layouts: ``render.forget_layouts``), whatever ran before it in this process."""
    from leaflet.render import forget_layouts

    forget_layouts()
    yield
    forget_layouts()


@pytest.fixture
def cli() -> Callable[..., CliResult]:
    return run_cli


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is not beside this checkout")
    return CORPUS


def pdf_reader(pdf: bytes | Path) -> pypdf.PdfReader:
    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    return pypdf.PdfReader(io.BytesIO(data))


#: Lines that are only a list number ("12.") or the page number: WeasyPrint paints list
#: markers and margin boxes after a page's text, so in the text layer they can land inside a
#: word hyphenated across a page break.  They are not words of the statement.
_MARKER_LINE = re.compile(r"^\s*\d+\.?\s*$")


def pdf_text(pdf: bytes | Path) -> str:
    """The text layer of every page, in page order, without list-number and page-number lines."""
    pages = []
    for page in pdf_reader(pdf).pages:
        lines = page.extract_text().splitlines()
        pages.append("\n".join(line for line in lines if not _MARKER_LINE.match(line)))
    return "\n".join(pages)


def joined_text(pdf: bytes | Path) -> str:
    """Text layer with line-end hyphens and all whitespace removed, so that words hyphenated
    or URLs broken across lines read whole again."""
    text = pdf_text(pdf)
    text = re.sub(r"-\s*\n\s*", "", text)
    return re.sub(r"\s+", "", text)


def missing_words(words: list[str], pdf: bytes | Path) -> list[str]:
    """The words of *words* that the PDF's text layer does not hold in this order (reading
    order: every word must come after the one before it)."""
    haystack = joined_text(pdf).casefold()
    everything: str | None = None  # the text layer with the marker lines, when needed
    missing, position = [], 0
    for word in words:
        found = haystack.find(word.casefold(), position)
        if found < 0 and word.isdigit():
            # A number ending a paragraph ("artículos 17 y 18.") may stand alone on its line,
            # which reads like a list marker and is left out above: look in the whole layer.
            if everything is None:
                text = "".join(page.extract_text() for page in pdf_reader(pdf).pages)
                everything = re.sub(r"\s+", "", re.sub(r"-\s*\n\s*", "", text))
            if word in everything:
                continue
        if found < 0:
            missing.append(word)
        else:
            position = found + len(word)
    return missing


def embedded_fonts(pdf: bytes | Path) -> set[str]:
    """Base font names (subset prefix removed) of every font on every page, including fonts
    inside Form XObjects (imposed sheets place whole pages as XObjects)."""
    names: set[str] = set()
    for page in pdf_reader(pdf).pages:
        _collect_fonts(page["/Resources"].get_object(), names, set())
    return names


def _collect_fonts(resources: dict, names: set[str], seen: set[int]) -> None:  # type: ignore[type-arg]
    for ref in resources.get("/Font", {}).values():
        names.add(str(ref.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    for ref in resources.get("/XObject", {}).values():
        xobject = ref.get_object()
        key = getattr(ref, "idnum", id(xobject))
        if key in seen or xobject.get("/Subtype") != "/Form":
            continue
        seen.add(key)
        if "/Resources" in xobject:
            _collect_fonts(xobject["/Resources"].get_object(), names, seen)


def pdfium_text(pdf: bytes) -> str:
    """The text of every page as pdfium reads it (it follows Form XObjects)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        # pdfium marks a hyphen it judged a line-end hyphenation with U+FFFE: rejoin.
        text = "\n".join(page.get_textpage().get_text_range() for page in document)
        return text.replace("\ufffe", "")
    finally:
        document.close()


def not_bundled(fonts: set[str]) -> set[str]:
    """Embedded font names (as WeasyPrint writes them: "Fira-Sans-Condensed,-Bold-Condensed")
    that do not belong to a bundled family."""
    families = [family.replace(" ", "-") for family in FAMILIES]
    return {
        name
        for name in fonts
        if not any(re.match(re.escape(family) + r"($|[-,])", name) for family in families)
    }


# --- bounded runs for hostile inputs ------------------------------------------------------------

#: Generous bounds for one hostile input: a good run takes ~2 s and ~100 MB resident.
BOUND_SECONDS = 20.0
BOUND_MEMORY = 1 << 30


@dataclass
class BoundedResult(CliResult):
    seconds: float


def run_bounded(
    *args: str | Path,
    cwd: Path | None = None,
    timeout: float = BOUND_SECONDS,
    memory: int = BOUND_MEMORY,
    stdin: bytes | None = None,
) -> BoundedResult:
    """Run ``python -m leaflet ARGS`` in a subprocess limited to *memory* bytes of address space;
    fail the test if it runs past *timeout* seconds (the child is killed)."""
    import os
    import resource
    import subprocess
    import sys
    import time

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "leaflet", *map(str, args)],
            cwd=cwd,
            input=stdin if stdin is not None else b"",
            capture_output=True,
            timeout=timeout,
            preexec_fn=limit,
            env={**os.environ, "PYTHONFAULTHANDLER": ""},
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"leaflet {' '.join(map(str, args))} ran past {timeout:.0f} s")
    return BoundedResult(
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
        time.monotonic() - started,
    )


def assert_refused(result: CliResult, *, mentions: str = "") -> None:
    """A bad input's contract: exit 2, exactly one ``leaflet: error:`` line (warnings and layout
    notes may come before it), no traceback; the error names *mentions* when given."""
    assert result.code == 2, (result.code, result.err[-2000:])
    assert "Traceback" not in result.err, result.err[-2000:]
    errors = [line for line in result.err.splitlines() if line.startswith("leaflet: error: ")]
    assert len(errors) == 1, result.err[-2000:]
    others = [
        line
        for line in result.err.splitlines()
        if line
        and not line.startswith(("leaflet: error: ", "leaflet: warning: ", "leaflet: note: "))
    ]
    assert not others, result.err[-2000:]
    assert mentions in errors[0], errors[0]


# --- a loopback listener that must stay silent -------------------------------------------------

#: What the listener answers, so a test can also look for it in the output.
LOOPBACK_BODY = "TOPSECRETMARKER"
#: The paths requested from the listener of the running test.
LOOPBACK_HITS: list[str] = []


class _Counter(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        LOOPBACK_HITS.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(LOOPBACK_BODY.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    """A loopback HTTP listener counting every request made to it (in LOOPBACK_HITS)."""
    LOOPBACK_HITS.clear()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def lab_through(condition: object, patches: list[tuple[int, ...]]) -> list[tuple[float, ...]]:
    """CIELAB of CMYK patches (percent) through the output profile of *condition* (a
    ``pdfx.PrintingCondition``), absolute colorimetric (paper as measured), by LittleCMS."""
    from PIL import Image, ImageCms

    from leaflet.pdfx import PrintingCondition, output_profile

    assert isinstance(condition, PrintingCondition)
    profile = ImageCms.ImageCmsProfile(io.BytesIO(output_profile(condition)))
    lab = ImageCms.createProfile("LAB", 5000)
    transform = ImageCms.buildTransform(
        profile, lab, "CMYK", "LAB", renderingIntent=ImageCms.Intent.ABSOLUTE_COLORIMETRIC
    )
    image = Image.new("CMYK", (len(patches), 1))
    image.putdata([tuple(round(v * 2.55) for v in patch) for patch in patches])
    converted = ImageCms.applyTransform(image, transform)
    assert converted is not None
    values = [converted.getpixel((i, 0)) for i in range(len(patches))]
    return [(p[0] * 100 / 255, p[1] - 128, p[2] - 128) for p in values]  # type: ignore[index]


def delta_e(first: tuple[float, ...], second: tuple[float, ...]) -> float:
    """CIE 1976 colour difference."""
    return float(sum((a - b) ** 2 for a, b in zip(first, second, strict=True)) ** 0.5)
