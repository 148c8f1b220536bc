"""Hostile and damaged PDFs given to ``leaflet impose`` and ``leaflet check``.

Every file is made here, in memory or in ``tmp_path`` (a few KB each; the decompression bomb
inflates to 1 GB but is built in chunks).  Each run goes through :func:`run_bounded` (20 s,
1 GB of address space): no hang, no traceback, no memory blow-up, nothing written, the input
unchanged.

What each command answers:

* a file that cannot be read as a PDF — not a PDF, empty, truncated, encrypted, a page tree
  that loops, a page without a valid box or with a bad /Rotate, a special file, a file past
  the size limit — is refused by both commands (exit 2, one ``leaflet: error:`` line naming
  the file, and the page when there is one);
* a file that reads but whose content is hostile or broken — Form XObjects drawing themselves,
  nested too deep or drawn too often, more content than a check reads, malformed operators —
  is imposed as it is by ``impose`` (it copies content without interpreting it) and reported
  as a problem by ``check`` (exit 1): what a preflight cannot read, a RIP may not print;
* a decompression bomb is stopped at pypdf's stream limit: ``impose`` refuses the file,
  ``check`` reports the page it could not read.
"""

from __future__ import annotations

import importlib.util
import io
import os
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from leaflet import pdf, pdfscan
from leaflet.errors import PDFError
from leaflet.imposition import impose
from leaflet.pdf import page_boxes, read_source, reading

from conftest import BoundedResult, assert_refused, run_bounded

# --- making PDFs by hand ------------------------------------------------------------------------


def raw_pdf(objects: list[bytes], trailer: bytes = b"") -> bytes:
    """A PDF whose objects 1…n are *objects* (object 1 is the catalog), with a correct
    cross-reference table, so that only what the objects say is wrong."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s >>\n" % (len(objects) + 1, trailer)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), entries, data)


A5 = b"[0 0 419.528 595.276]"


def one_page(
    page: bytes = b"/MediaBox " + A5,
    content: bytes = stream(b"0 0 m 10 10 l S"),
    extra: list[bytes] | None = None,
) -> bytes:
    """One page (object 3) drawing *content* (object 4); *extra* objects are 5, 6, …"""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R %s /Contents 4 0 R >>" % page,
            content,
            *(extra or []),
        ]
    )


def good_pdf(pages: int = 4) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(419.528, 595.276)
    return written(writer)


def written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf(algorithm: str) -> bytes:
    """A PDF encrypted with an empty user password (it opens without asking in a viewer)."""
    writer = PdfWriter(clone_from=io.BytesIO(good_pdf()))
    writer.encrypt(user_password="", owner_password="owner", algorithm=algorithm)
    return written(writer)


def aes_declared_pdf() -> bytes:
    """A PDF whose /Encrypt dictionary asks for AES-256 (PDF 2.0 §7.6.4): readable only with
    the ``cryptography`` package, and refused before any decryption is tried."""
    encrypt = (
        b"<< /Filter /Standard /V 5 /R 6 /Length 256 /P -4"
        b" /CF << /StdCF << /CFM /AESV3 /AuthEvent /DocOpen /Length 32 >> >>"
        b" /StmF /StdCF /StrF /StdCF"
        b" /O <%s> /U <%s> /OE <%s> /UE <%s> /Perms <%s> >>"
    ) % (b"11" * 48, b"22" * 48, b"33" * 32, b"44" * 32, b"55" * 16)
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox %s >>" % A5,
            encrypt,
        ],
        trailer=b"/Encrypt 4 0 R /ID [<%s> <%s>]" % (b"ab" * 16, b"ab" * 16),
    )


def form(content: bytes, resources: bytes = b"") -> bytes:
    return stream(
        content,
        b"/Type /XObject /Subtype /Form /BBox [0 0 100 100] /Resources << %s >>" % resources,
    )


def self_drawing_form() -> bytes:
    """A page drawing form 5, which draws itself (a cycle)."""
    return one_page(
        page=b"/MediaBox %s /Resources << /XObject << /F 5 0 R >> >>" % A5,
        content=stream(b"/F Do"),
        extra=[form(b"0 0 m 1 1 l S /F Do", b"/XObject << /F 5 0 R >>")],
    )


def fan_out_forms(depth: int = 8, uses: int = 10) -> bytes:
    """Forms 5…: each draws the next one *uses* times, *depth* levels deep (10^8 leaves)."""
    forms = []
    for level in range(depth):
        number = 5 + level
        if level + 1 < depth:
            content = b" ".join([b"q /N Do Q"] * uses)
            resources = b"/XObject << /N %d 0 R >>" % (number + 1)
        else:
            content, resources = b"0 0 m 1 1 l S", b""
        forms.append(form(content, resources))
    return one_page(
        page=b"/MediaBox %s /Resources << /XObject << /N 5 0 R >> >>" % A5,
        content=stream(b" ".join([b"q /N Do Q"] * uses)),
        extra=forms,
    )


def fan_out_at_scales(depth: int = 8, scales: tuple[int, ...] = (2, 3, 5, 7, 11)) -> bytes:
    """Like :func:`fan_out_forms`, each form drawn at several scales (so that remembering a
    form's findings per scale does not help)."""
    draws = b" ".join(b"q %d 0 0 1 0 0 cm /N Do Q" % scale for scale in scales)
    forms = [form(draws, b"/XObject << /N %d 0 R >>" % (6 + level)) for level in range(depth)]
    return one_page(
        page=b"/MediaBox %s /Resources << /XObject << /N 5 0 R >> >>" % A5,
        content=stream(draws),
        extra=[*forms, form(b"0 0 m 1 1 l S")],
    )


def heavy_pages(pages: int = 16, size: int = 1 << 20) -> bytes:
    """*pages* pages sharing one content stream of *size* bytes of line drawing (6 KB)."""
    drawing = b"0 0 m 1 1 l S\n" * (size // 14)
    kids = b" ".join(b"%d 0 R" % (4 + page) for page in range(pages))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox %s /Contents 3 0 R >>" % A5
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
            stream(zlib.compress(drawing, 9), b"/Filter /FlateDecode"),
            *[page] * pages,
        ]
    )


def deflated_zeros(size: int, chunk: int = 1 << 20) -> Iterator[bytes]:
    """*size* zero bytes, deflated, produced a chunk at a time."""
    compressor = zlib.compressobj(9)
    zeros = bytes(chunk)
    for _ in range(size // chunk):
        yield compressor.compress(zeros)
    yield compressor.flush()


def flate_bomb(size: int = 1 << 30) -> bytes:
    """A page whose content stream inflates to *size* bytes: deflated twice, it is a few KB."""
    once = b"".join(deflated_zeros(size))
    twice = zlib.compress(once, 9)
    return one_page(content=stream(twice, b"/Filter [/FlateDecode /FlateDecode]"))


def parent_loop() -> bytes:
    """A page-tree node whose /Kids lead back to its own parent."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox %s >>" % A5,
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
        ]
    )


def bad_content() -> bytes:
    """Operators with operands of the wrong kind or number, unbalanced Q, an unknown XObject,
    a broken inline image and a number too large for a float."""
    return one_page(
        page=b"/MediaBox %s /Resources << /XObject << >> >>" % A5,
        content=stream(
            b"Q Q q 1 0 0 cm /abc w (x) 1 2 rg 1e999 0 0 1 0 0 cm 0 0 m 1 1 l S"
            b" /Missing Do 1 2 Do BI /W 9999 /H 9999 ID xx EI q"
        ),
    )


HAS_CRYPTOGRAPHY = importlib.util.find_spec("cryptography") is not None


def long_number(digits: int = 400) -> bytes:
    return b"1" + b"0" * digits


#: Files that are not readable PDFs, and what the one error line says: refused by ``impose``
#: and ``check`` alike.
UNREADABLE: dict[str, tuple[Callable[[], bytes], str]] = {
    "not a PDF": (lambda: b"Dear printer,\nplease print this.\n" * 20, "not a PDF file"),
    "empty": (lambda: b"", "not a PDF file (it is empty)"),
    "truncated": (lambda: good_pdf()[:300], "damaged PDF"),
    "encrypted RC4": (lambda: encrypted_pdf("RC4-128"), "the PDF is encrypted"),
    "encrypted AES-256 declared": (aes_declared_pdf, "the PDF is encrypted"),
    "MediaBox not numbers": (lambda: one_page(b"/MediaBox [0 0 abc 1]"), "page 1 has no MediaBox"),
    "MediaBox missing": (lambda: one_page(b""), "page 1 has no MediaBox"),
    "MediaBox of 3 numbers": (
        lambda: one_page(b"/MediaBox [0 0 100]"),
        "page 1 has no valid /MediaBox ([0, 0, 100]: four numbers are needed)",
    ),
    "MediaBox a string": (lambda: one_page(b"/MediaBox (A5)"), "page 1 has no valid /MediaBox"),
    "MediaBox with a string": (
        lambda: one_page(b"/MediaBox [0 0 (wide) 100]"),
        "page 1 has no valid /MediaBox",
    ),
    "MediaBox 0 x 0": (lambda: one_page(b"/MediaBox [0 0 0 0]"), "page 1 has no valid /MediaBox"),
    "MediaBox flat": (lambda: one_page(b"/MediaBox [0 0 400 0]"), "has no valid /MediaBox"),
    "MediaBox huge": (
        lambda: one_page(b"/MediaBox [0 0 1000000000 100]"),
        "page 1 has no valid /MediaBox (1e+09 × 100 pt",
    ),
    "MediaBox infinite": (
        lambda: one_page(b"/MediaBox [0 0 %s.0 100]" % long_number()),
        "too large or too complex to read safely",
    ),
    "MediaBox integer overflow": (
        lambda: one_page(b"/MediaBox [0 0 %s 100]" % long_number()),
        "too large or too complex to read safely",
    ),
    "TrimBox empty": (
        lambda: one_page(b"/MediaBox %s /TrimBox [10 10 10 10]" % A5),
        "page 1 has no valid /TrimBox",
    ),
    "BleedBox not an array": (
        lambda: one_page(b"/MediaBox %s /BleedBox 7" % A5),
        "page 1 has no valid /BleedBox",
    ),
    "Rotate a string": (
        lambda: one_page(b"/MediaBox %s /Rotate (abc)" % A5),
        "page 1 has /Rotate abc, which is not a multiple of 90",
    ),
    "Rotate 45": (lambda: one_page(b"/MediaBox %s /Rotate 45" % A5), "/Rotate 45"),
    "page tree loop": (parent_loop, "damaged PDF"),
    "one page listed 20 000 times": (
        lambda: raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [%s] /Count 20000 >>" % b" ".join([b"3 0 R"] * 20_000),
                b"<< /Type /Page /Parent 2 0 R /MediaBox %s >>" % A5,
            ]
        ),
        "the PDF has 20,000 pages; leaflet reads at most 10,000",
    ),
    "page tree listing itself": (
        lambda: raw_pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox %s >>" % A5,
            ]
        ),
        "damaged PDF",
    ),
    "reference loop": (
        lambda: one_page(b"/MediaBox 5 0 R", extra=[b"6 0 R", b"5 0 R"]),
        "damaged PDF",
    ),
    "arrays nested 50 000 deep": (
        lambda: one_page(b"/MediaBox %s /Deep %s" % (A5, b"[" * 50_000 + b"]" * 50_000)),
        "damaged PDF",
    ),
}
if HAS_CRYPTOGRAPHY:  # pypdf writes AES only with it
    UNREADABLE["encrypted AES-128"] = (lambda: encrypted_pdf("AES-128"), "the PDF is encrypted")
    UNREADABLE["encrypted AES-256"] = (lambda: encrypted_pdf("AES-256"), "the PDF is encrypted")


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return flate_bomb()


def run_on(command: str, path: Path) -> BoundedResult:
    """``leaflet impose PATH --layout saddle -o out.pdf`` or ``leaflet check PATH`` in
    the file's folder."""
    if command == "impose":
        return run_bounded(
            "impose", path.name, "--layout", "saddle", "-o", "out.pdf", cwd=path.parent
        )
    return run_bounded("check", path.name, cwd=path.parent)


def unchanged(path: Path, data: bytes) -> None:
    """The input is as it was and nothing was written beside it."""
    assert path.read_bytes() == data
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


@pytest.mark.parametrize("command", ["impose", "check"])
@pytest.mark.parametrize("case", list(UNREADABLE))
def test_an_unreadable_pdf_is_refused_in_one_line(case: str, command: str, tmp_path: Path) -> None:
    make, message = UNREADABLE[case]
    data = make()
    path = tmp_path / "input.pdf"
    path.write_bytes(data)
    result = run_on(command, path)
    assert_refused(result, mentions=message)
    assert "input.pdf" in result.err
    assert result.out == ""
    unchanged(path, data)


def test_a_decompression_bomb_is_stopped(tmp_path: Path, bomb: bytes) -> None:
    """A few KB that inflate to 1 GB: pypdf stops inflating at the stream limit (64 MB), so
    imposing is refused and the check reports the page it could not read."""
    path = tmp_path / "input.pdf"
    path.write_bytes(bomb)
    imposed = run_on("impose", path)
    assert_refused(imposed, mentions="input.pdf: too large or too complex to read safely")
    unchanged(path, bomb)
    checked = run_on("check", path)
    assert checked.code == 1, checked.err[-2000:]
    assert (checked.err, checked.out.splitlines()[-2:]) == (
        "",
        [
            "problem: page 1: content too large to check (Limit reached while decompressing."
            " 978412 bytes remaining.)",
            "1 problem",
        ],
    )
    unchanged(path, bomb)


def test_the_bomb_is_small_and_inflates_to_a_gigabyte(bomb: bytes) -> None:
    assert len(bomb) < 10_000
    twice = bomb.split(b"stream\n", 1)[1].rsplit(b"\nendstream", 1)[0]
    once = zlib.decompress(twice)
    inflater = zlib.decompressobj()
    total = 0
    for start in range(0, len(once), 1 << 16):
        total += len(inflater.decompress(once[start : start + (1 << 16)], 0))
    assert total == 1 << 30


#: Files that read but whose content is hostile or broken, and the problem ``check`` reports.
SUSPICIOUS: dict[str, tuple[Callable[[], bytes], str]] = {
    "form drawing itself": (
        self_drawing_form,
        "page 1: 1 malformed content operator",
    ),
    "fan-out of forms, 10^8 draws": (
        fan_out_forms,
        "page 1: text not read: more content than a check reads",
    ),
    "forms nested 20 deep": (
        lambda: fan_out_forms(depth=20, uses=1),
        "page 1: content too complex to check completely (Form XObjects nested more than 12",
    ),
    "bad content operators": (bad_content, "page 1: 7 malformed content operators"),
    "16 pages of 1 MB of content each": (
        heavy_pages,
        "page 4: content too complex to check completely (more than 3 MB of content)",
    ),
    "content that is not PDF syntax": (
        lambda: one_page(content=stream(bytes(range(256)) * 50)),
        "page 1: content cannot be read",
    ),
    "content nested 50 000 deep": (
        lambda: one_page(content=stream(b"[" * 50_000 + b"]" * 50_000 + b" 0 0 m")),
        "page 1: content cannot be read",
    ),
    "contents not a stream": (
        lambda: one_page(content=b"<< /Foo 1 >>"),
        "the file is damaged: it was read only after 1 repair",
    ),
}


@pytest.mark.parametrize("case", list(SUSPICIOUS))
def test_check_reports_hostile_content_as_a_problem(case: str, tmp_path: Path) -> None:
    make, problem = SUSPICIOUS[case]
    data = make()
    path = tmp_path / "input.pdf"
    path.write_bytes(data)
    result = run_on("check", path)
    assert result.code == 1, result.err[-2000:]
    assert "Traceback" not in result.err
    assert f"problem: {problem}" in result.out, result.out
    unchanged(path, data)


@pytest.mark.parametrize("case", [case for case in SUSPICIOUS if case != "contents not a stream"])
def test_impose_copies_hostile_content_without_reading_it(case: str, tmp_path: Path) -> None:
    """Imposition places each page's content as it is (it does not interpret it), so what
    is wrong inside stays for ``check`` to report; the sheets themselves are sound."""
    data = SUSPICIOUS[case][0]()
    path = tmp_path / "input.pdf"
    path.write_bytes(data)
    result = run_on("impose", path)
    assert (result.code, result.err) == (0, ""), result.err[-2000:]
    assert path.read_bytes() == data
    sheets = len(PdfReader(tmp_path / "out.pdf").pages)
    assert sheets == (8 if case.startswith("16 pages") else 2)  # sheets, both sides


def test_a_repaired_file_is_imposed_with_one_warning(tmp_path: Path) -> None:
    data = one_page(content=b"<< /Foo 1 >>")
    path = tmp_path / "input.pdf"
    path.write_bytes(data)
    result = run_on("impose", path)
    assert result.code == 0
    assert result.err.splitlines() == [
        "leaflet: warning: input.pdf: damaged PDF, read anyway (1 repair; first: Page contents"
        " are not a stream or an array: {'/Foo': 1})"
    ]


@pytest.mark.parametrize("command", ["impose", "check"])
def test_special_files_are_refused_before_reading(command: str, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.pdf")
    (tmp_path / "folder.pdf").mkdir()
    for path, kind in (
        (tmp_path / "pipe.pdf", "is not a regular file but a named pipe"),
        (tmp_path / "folder.pdf", "is a folder, not a file"),
        (Path("/dev/zero"), "is not a regular file but a device"),
    ):
        result = run_bounded(command, path, cwd=tmp_path)
        assert_refused(result, mentions=f"cannot read {path}: {kind}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.pdf", "pipe.pdf"]


@pytest.mark.parametrize("command", ["impose", "check"])
def test_a_pdf_larger_than_the_limit_is_refused_before_reading(
    command: str, tmp_path: Path
) -> None:
    data = good_pdf()
    path = tmp_path / "input.pdf"
    path.write_bytes(data)
    assert len(data) > 500
    result = run_bounded("--max-size", "500", command, "input.pdf", cwd=tmp_path)
    assert_refused(
        result, mentions=f"input.pdf: the file is {len(data)} bytes, over the limit of 500 bytes"
    )
    unchanged(path, data)


# --- in-process ---------------------------------------------------------------------------------


def test_corners_in_any_order_are_the_same_box() -> None:
    """PDF 1.7 §7.9.5: any two opposite corners make a rectangle; readers normalize it."""
    reader = PdfReader(io.BytesIO(one_page(b"/MediaBox [419.528 595.276 0 0]")))
    boxes = page_boxes(reader.pages[0], 1, "input.pdf")
    assert (boxes.media.x, boxes.media.y) == (0, 0)
    assert (boxes.media.width, boxes.media.height) == (419.528, 595.276)
    assert boxes.trim == boxes.bleed == boxes.media and not boxes.has_trim_box


def test_an_inverted_box_imposes_like_a_normal_one() -> None:
    normal = one_page(b"/MediaBox %s /TrimBox [9 9 410.528 586.276]" % A5)
    inverted = one_page(b"/MediaBox %s /TrimBox [410.528 586.276 9 9]" % A5)
    source = read_source(inverted)
    assert source.boxes == read_source(normal).boxes
    assert (source.trim_size, source.bleed) == ((401.528, 577.276), 9)
    assert impose(inverted).data == impose(normal).data


def test_any_failure_while_reading_is_one_pdf_error() -> None:
    damaged = r"^x\.pdf: damaged PDF \(AttributeError: broken\)$"
    with pytest.raises(PDFError, match=damaged), reading("x.pdf"):
        raise AttributeError("broken")
    deep = r"^x\.pdf: damaged PDF \(objects nested too deep\)$"
    with pytest.raises(PDFError, match=deep), reading("x.pdf"):
        raise RecursionError


def test_forms_drawn_at_many_scales_stop_at_the_visit_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each form is read once per scale; past the bound on form visits the page is reported,
    not read on (5 scales, 8 deep: 5^8 draws, about 400 distinct scales at the deepest)."""
    monkeypatch.setattr(pdfscan, "FORM_VISIT_LIMIT", 100)
    facts = pdfscan.scan_pdf(fan_out_at_scales(), "input.pdf")
    assert facts.pages[0].unchecked == (
        "content too complex to check completely (more than 100 Form XObjects drawn)"
    )


def test_forms_drawn_at_one_scale_are_read_once() -> None:
    facts = pdfscan.scan_pdf(fan_out_forms(), "input.pdf")
    assert facts.pages[0].unchecked is None
    assert facts.pages[0].thinnest_line == 1.0
    assert facts.pages[0].text_unread is not None and facts.text == ""


def test_imposition_stops_at_its_content_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf, "CONTENT_LIMIT", 3 << 20)
    with pytest.raises(PDFError, match=r"^input: the pages' content is larger than 3 MB"):
        impose(heavy_pages(pages=4))


def test_a_page_turned_by_a_quarter_is_checked_but_not_imposed(tmp_path: Path) -> None:
    data = one_page(b"/MediaBox %s /Rotate 90" % A5)
    path = tmp_path / "input.pdf"
    path.write_bytes(data)
    assert run_on("check", path).code == 0
    assert_refused(run_on("impose", path), mentions="input.pdf: page 1 is rotated (/Rotate)")
    unchanged(path, data)
