"""``leaflet import`` on hostile and awkward input: bounded, one clear error, or a good import.

Hostile files (zip bombs, XML bombs, malformed or deeply nested Word documents, unclosed HTML
tags) are built inside each test and imported by ``python -m leaflet`` in a subprocess with a
time and memory bound.  Then: the statements of every supported language, and texts pasted one
paragraph per line (the shared corpus with its blank lines removed).
"""

from __future__ import annotations

import datetime
import hashlib
import os
import re
import struct
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from leaflet.errors import SourceError
from leaflet.importer import import_file, import_html, import_text
from leaflet.importer.blocks import MAX_BLOCKS
from leaflet.importer.text import read_text
from leaflet.importer.word import MAX_RATIO, MAX_TABLE_DEPTH
from leaflet.limits import DEFAULT_LIMITS, using_limits
from test_import import blocks_of, parse_body, references, split_front_matter

from conftest import CORPUS, assert_refused, run_bounded

CORPUS_FILES = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
MiB = 1 << 20

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
PARAGRAPH = b"<w:p><w:r><w:t>Water is not for sale, not today, not ever.</w:t></w:r></w:p>"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _import_refused(source: Path, tmp_path: Path, mentions: str) -> None:
    """Import *source* bounded: refused naming it and *mentions*, nothing written, input kept."""
    before = _digest(source) if source.is_file() else None
    output = tmp_path / "out.md"
    result = run_bounded("import", source, "-o", output, cwd=tmp_path)
    assert_refused(result, mentions=mentions)
    assert str(source) in result.err
    assert not output.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([source.name])
    if before is not None:
        assert _digest(source) == before


@pytest.fixture(scope="module")
def word_parts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The parts of a real Word document made by python-docx."""
    docx = pytest.importorskip("docx")
    path = tmp_path_factory.mktemp("docx") / "real.docx"
    document = docx.Document()
    document.add_paragraph("Water is not for sale!", style="Title")
    document.add_paragraph("The region wants to privatize the water company, and we say no.")
    document.save(str(path))
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _document_xml(body: bytes) -> bytes:
    return (
        (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {W}><w:body>'
        ).encode()
        + body
        + b"</w:body></w:document>"
    )


def _word_file(path: Path, parts: dict[str, bytes], document: bytes) -> Path:
    """A .docx at *path*: the real document's parts with *document* as word/document.xml."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, document if name == "word/document.xml" else data)
    return path


# --- Word documents ----------------------------------------------------------------------------


def test_docx_made_of_parts_imports(word_parts: dict[str, bytes], tmp_path: Path) -> None:
    """The helper's documents are read when nothing is wrong with them (the tests below fail
    for the reason they name, not because the helper makes broken files)."""
    path = _word_file(tmp_path / "good.docx", word_parts, _document_xml(PARAGRAPH * 3))
    meta, _ = split_front_matter(import_file(path).markdown)
    assert meta["title"] == "Water is not for sale, not today, not ever."


def test_docx_zip_bomb_is_refused_from_its_member_list(
    word_parts: dict[str, bytes], tmp_path: Path
) -> None:
    """document.xml unpacks to 1 GB: refused before a byte of it is unpacked."""
    path = tmp_path / "bomb.docx"
    chunk = (PARAGRAPH * (MiB // len(PARAGRAPH) + 1))[:MiB]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in word_parts.items():
            if name != "word/document.xml":
                archive.writestr(name, data)
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(_document_xml(b"")[: -len(b"</w:body></w:document>")])
            for _ in range(1024):
                member.write(chunk)
    assert path.stat().st_size < 20 * MiB
    _import_refused(path, tmp_path, "over the 100 MB limit for unpacked archives")


def test_docx_member_packed_like_a_bomb_is_refused(
    word_parts: dict[str, bytes], tmp_path: Path
) -> None:
    """Under the size limit, but packed a thousand times: not a document."""
    body = PARAGRAPH * (40 * MiB // len(PARAGRAPH))
    path = tmp_path / "packed.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in word_parts.items():
            archive.writestr(name, _document_xml(body) if name == "word/document.xml" else data)
        ratio = archive.getinfo("word/document.xml")
        assert ratio.file_size / ratio.compress_size > MAX_RATIO
    _import_refused(path, tmp_path, "zip bomb")


def test_docx_over_the_unpacked_limit_is_refused(
    word_parts: dict[str, bytes], tmp_path: Path
) -> None:
    """The unpacked limit in force (a context's limits) bounds a real document too."""
    paragraphs = b"".join(
        b"<w:p><w:r><w:t>Paragraph %d of a long report on %d flats.</w:t></w:r></w:p>" % (n, n * 7)
        for n in range(3_000)
    )
    path = _word_file(tmp_path / "long.docx", word_parts, _document_xml(paragraphs))
    assert import_file(path).markdown.count("Paragraph") == 3_000
    with (
        using_limits(replace(DEFAULT_LIMITS, unpacked_bytes=128 << 10)),
        pytest.raises(SourceError, match="over the 128 KB limit for unpacked archives"),
    ):
        import_file(path)


def test_docx_member_larger_than_declared_is_refused(
    word_parts: dict[str, bytes], tmp_path: Path
) -> None:
    """A member whose headers claim 1 KB but that unpacks to 200 MB: read no further than
    claimed, and refused (its checksum cannot match)."""
    path = tmp_path / "liar.docx"
    chunk = (PARAGRAPH * (MiB // len(PARAGRAPH) + 1))[:MiB]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in word_parts.items():
            if name != "word/document.xml":
                archive.writestr(name, data)
        with archive.open("word/document.xml", "w", force_zip64=False) as member:
            for _ in range(200):
                member.write(chunk)
    data = bytearray(path.read_bytes())
    name = b"word/document.xml"
    central = _central_entry(data, name)
    struct.pack_into("<I", data, central + 24, 1024)  # central directory: uncompressed size
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("word/document.xml").file_size == 1024
    _import_refused(path, tmp_path, "Word document")


def _central_entry(data: bytearray, name: bytes) -> int:
    """Offset of the central directory entry of member *name*."""
    offset = data.index(b"PK\x01\x02")
    while True:
        length = struct.unpack_from("<H", data, offset + 28)[0]
        if bytes(data[offset + 46 : offset + 46 + length]) == name:
            return offset
        offset = data.index(b"PK\x01\x02", offset + 46)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<w:document %s><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>
"""


def test_docx_entity_amplification_is_refused(word_parts: dict[str, bytes], tmp_path: Path) -> None:
    path = _word_file(tmp_path / "laughs.docx", word_parts, BILLION_LAUGHS % W.encode())
    _import_refused(path, tmp_path, "DOCTYPE")


def test_docx_entities_in_a_part_not_named_xml_are_refused(
    word_parts: dict[str, bytes], tmp_path: Path
) -> None:
    """python-docx reads a part as XML by its content type, whatever its name: so does the scan."""
    parts = {name: data for name, data in word_parts.items() if name != "word/document.xml"}
    parts["word/body.bin"] = BILLION_LAUGHS % W.encode()
    parts["[Content_Types].xml"] = word_parts["[Content_Types].xml"].replace(
        b"/word/document.xml", b"/word/body.bin"
    )
    parts["_rels/.rels"] = word_parts["_rels/.rels"].replace(b"word/document.xml", b"word/body.bin")
    path = tmp_path / "renamed.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    _import_refused(path, tmp_path, "word/body.bin declares a DOCTYPE")


def test_docx_renamed_part_is_read(word_parts: dict[str, bytes], tmp_path: Path) -> None:
    """The same renaming on a harmless document: python-docx reads it (the test above is real)."""
    parts = {name: data for name, data in word_parts.items() if name != "word/document.xml"}
    parts["word/body.bin"] = _document_xml(PARAGRAPH)
    parts["[Content_Types].xml"] = word_parts["[Content_Types].xml"].replace(
        b"/word/document.xml", b"/word/body.bin"
    )
    parts["_rels/.rels"] = word_parts["_rels/.rels"].replace(b"word/document.xml", b"word/body.bin")
    path = tmp_path / "renamed.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert "Water is not for sale" in import_file(path).markdown


def test_docx_external_entity_is_refused(word_parts: dict[str, bytes], tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me", encoding="utf-8")
    document = (
        f'<?xml version="1.0"?>\n<!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>\n'
        f"<w:document {W}><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    path = _word_file(tmp_path / "xxe.docx", word_parts, document)
    secret.unlink()  # the folder must hold only the input for _import_refused
    _import_refused(path, tmp_path, "DOCTYPE")


def test_docx_malformed_xml_is_refused(word_parts: dict[str, bytes], tmp_path: Path) -> None:
    document = _document_xml(PARAGRAPH)[:-40]  # cut in the middle of an element
    path = _word_file(tmp_path / "cut.docx", word_parts, document)
    _import_refused(path, tmp_path, "cannot read this Word document")


def _nested_tables(depth: int) -> bytes:
    cell_open = b"<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc>"
    cell_close = b"<w:p><w:r><w:t>cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    return _document_xml(PARAGRAPH + cell_open * depth + cell_close * depth)


def test_docx_tables_nested_200_deep_are_refused(
    word_parts: dict[str, bytes], tmp_path: Path
) -> None:
    path = _word_file(tmp_path / "nested.docx", word_parts, _nested_tables(200))
    _import_refused(path, tmp_path, "nested.docx")


def test_docx_nesting_is_capped(word_parts: dict[str, bytes], tmp_path: Path) -> None:
    """Deep enough for the XML parser, too deep for a document: refused by the table walk."""
    path = _word_file(tmp_path / "deep.docx", word_parts, _nested_tables(MAX_TABLE_DEPTH + 2))
    _import_refused(path, tmp_path, f"tables nested more than {MAX_TABLE_DEPTH} deep")


def test_docx_tables_nested_a_little_are_read(word_parts: dict[str, bytes], tmp_path: Path) -> None:
    path = _word_file(tmp_path / "tables.docx", word_parts, _nested_tables(3))
    assert import_file(path).markdown.count("cell") == 3  # one paragraph in each table


def test_docx_of_too_many_paragraphs_is_refused_fast(
    word_parts: dict[str, bytes], tmp_path: Path
) -> None:
    """Paragraphs are read in linear time (python-docx's style lookup, per paragraph, scans
    every style) and the reader stops at the paragraph cap."""
    body = b"".join(b"<w:p><w:r><w:t>Paragraph %d.</w:t></w:r></w:p>" % n for n in range(25_000))
    path = _word_file(tmp_path / "many.docx", word_parts, _document_xml(body))
    before = time.monotonic()
    _import_refused(path, tmp_path, f"more than {MAX_BLOCKS:,} paragraphs")
    assert time.monotonic() - before < 15


def test_folder_named_docx_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "x.docx"
    folder.mkdir()
    _import_refused(folder, tmp_path, "is a folder")


def test_zip_that_is_not_a_word_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hello")
    _import_refused(path, tmp_path, "Word document")


def test_import_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("Title\n\n" + "Words of a long statement.\n" * 10_000, encoding="utf-8")
    output = tmp_path / "out.md"
    result = run_bounded("--max-size", "64KB", "import", path, "-o", output, cwd=tmp_path)
    assert_refused(result, mentions="over the limit of 64 KB")
    assert str(path) in result.err
    assert not output.exists()


@pytest.mark.parametrize("name", ["huge.txt", "huge.html", "huge.docx"])
def test_default_import_limit_is_checked_before_reading(name: str, tmp_path: Path) -> None:
    """A sparse file over the limit is refused from its size, without reading it."""
    path = tmp_path / name
    with path.open("wb") as file:
        file.truncate(DEFAULT_LIMITS.import_bytes + 1)
    _import_refused(path, tmp_path, "over the limit of 20 MB")


@pytest.mark.parametrize("name", ["fifo.txt", "fifo.docx"])
def test_pipe_is_refused_without_waiting(name: str, tmp_path: Path) -> None:
    path = tmp_path / name
    os.mkfifo(path)
    _import_refused(path, tmp_path, "not a regular file")


def test_statement_sized_limit_does_not_apply_to_imports(tmp_path: Path) -> None:
    """An import may be larger than a statement may (a saved web page carries its markup)."""
    path = tmp_path / "page.html"
    filler = "<span class='x'></span>" * (DEFAULT_LIMITS.statement_bytes // 20)
    path.write_text(f"<h1>Big page</h1>{filler}<p>The text.</p>", encoding="utf-8")
    assert path.stat().st_size > DEFAULT_LIMITS.statement_bytes
    assert "The text." in import_file(path).markdown


# --- HTML --------------------------------------------------------------------------------------


@pytest.mark.parametrize("soup", ["<b><i>word ", "<b><i>word </p></b>"])
def test_html_with_a_megabyte_of_unclosed_tags_imports_fast(soup: str, tmp_path: Path) -> None:
    page = tmp_path / "soup.html"
    page.write_text("<h1>Unclosed</h1>" + soup * (MiB // len(soup)), encoding="utf-8")
    output = tmp_path / "out.md"
    result = run_bounded("import", page, "-o", output, cwd=tmp_path)
    assert result.code == 0, result.err[-2000:]
    assert result.seconds < 15
    assert output.read_text(encoding="utf-8").count("word") == MiB // len(soup)


@pytest.mark.parametrize("markup", ["<a ", '<a x="', "</", "<!--x>", "<![CDATA[x>", "<?x "])
def test_html_with_a_megabyte_of_markup_never_closed_imports_fast(
    markup: str, tmp_path: Path
) -> None:
    """Markup that never closes is text; Python's own HTML parser took quadratic time on it."""
    page = tmp_path / "open.html"
    page.write_text("<h1>Never closed</h1>" + markup * (MiB // len(markup)), encoding="utf-8")
    output = tmp_path / "out.md"
    result = run_bounded("import", page, "-o", output, cwd=tmp_path)
    assert result.code == 0, result.err[-2000:]
    assert result.seconds < 15
    assert output.read_text(encoding="utf-8").startswith("---\ntitle: Never closed\n")


def test_html_unknown_marked_section_is_not_an_error() -> None:
    result = import_html("<h1>Title</h1><![foo[ x ]]><p>The text after it.</p><![ ")
    assert "The text after it." in result.markdown


@pytest.mark.parametrize("soup", ["<div>word ", "<div><b>word <br>", "<li><p>word "])
def test_html_with_a_megabyte_of_unclosed_blocks_is_refused_fast(soup: str, tmp_path: Path) -> None:
    """Every unclosed block tag starts a paragraph: 100 000 of them are not a statement."""
    page = tmp_path / "soup.html"
    page.write_text("<h1>Unclosed</h1>" + soup * (MiB // len(soup)), encoding="utf-8")
    before = time.monotonic()
    _import_refused(page, tmp_path, f"more than {MAX_BLOCKS:,} paragraphs")
    assert time.monotonic() - before < 15


def test_text_of_a_megabyte_of_paragraphs_is_refused_fast(tmp_path: Path) -> None:
    path = tmp_path / "lines.txt"
    path.write_text("Title\n\n" + "Words.\n\n" * (MiB // 8), encoding="utf-8")
    before = time.monotonic()
    _import_refused(path, tmp_path, f"more than {MAX_BLOCKS:,} paragraphs")
    assert time.monotonic() - before < 15


@pytest.mark.parametrize("paragraph", ["1. a", "[1] note", "- Go!", "Heading"])
def test_many_short_paragraphs_import_fast(paragraph: str) -> None:
    """Looking for the trailing notes list is linear too (it was quadratic in its length)."""
    before = time.monotonic()
    result = import_text("Title\n\n" + f"{paragraph}\n\n" * (MAX_BLOCKS - 10))
    assert time.monotonic() - before < 10
    assert result.markdown


def test_many_paragraphs_under_the_cap_import(tmp_path: Path) -> None:
    text = "Title\n\n" + "".join(f"Paragraph {n} of the long text.\n\n" for n in range(15_000))
    result = import_text(text)
    assert result.markdown.count("Paragraph") == 15_000


def test_html_reading_is_linear() -> None:
    """Doubling the unclosed tags doubles the work (a quadratic reader quadruples it)."""
    from leaflet.importer.html import read_html

    def seconds(count: int) -> float:
        page = "<p>Title</p>" + "<div>x" * count + "</i>" * count
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            read_html(page)
            best = min(best, time.perf_counter() - started)
        return best

    small, large = seconds(15_000), seconds(60_000)
    assert large < small * 10, (small, large)  # linear: 4 times; quadratic: 16 times


# --- languages and dates -----------------------------------------------------------------------

#: A short statement in each supported language, dated in its own long form.
STATEMENTS = {
    "en": ("Thursday, 23 July 2026", "No to the closure of the hospital!",
           "The regional health board has decided to close the maternity ward of our hospital. "
           "Hundreds of families in the valley depend on it, and the nearest other ward is two "
           "hours away by road. We call on every resident to join the protest on Saturday. "
           "Health care is a right, not a cost to be cut."),
    "es": ("jueves, 23 de julio de 2026", "¡No al cierre del hospital!",
           "La junta regional de salud ha decidido cerrar la maternidad de nuestro hospital. "
           "Cientos de familias del valle dependen de ella, y la más cercana está a dos horas "
           "por carretera. Llamamos a todos los vecinos a participar en la protesta del sábado. "
           "La sanidad es un derecho, no un gasto que se pueda recortar."),
    "fr": ("jeudi 23 juillet 2026", "Non à la fermeture de l’hôpital !",
           "L’agence régionale de santé a décidé de fermer la maternité de notre hôpital. "
           "Des centaines de familles de la vallée en dépendent, et la plus proche est à deux "
           "heures de route. Nous appelons tous les habitants à rejoindre la manifestation de "
           "samedi. La santé est un droit, pas une dépense que l’on peut réduire."),
    "de": ("Donnerstag, 23. Juli 2026", "Nein zur Schließung des Krankenhauses!",
           "Die Gesundheitsbehörde der Region hat beschlossen, die Geburtsstation unseres "
           "Krankenhauses zu schließen. Hunderte Familien im Tal sind auf sie angewiesen, und "
           "die nächste liegt zwei Stunden entfernt. Wir rufen alle Einwohner auf, am Samstag an "
           "der Kundgebung teilzunehmen. Gesundheit ist ein Recht und keine Ausgabe, die man "
           "kürzt."),
    "it": ("giovedì 23 luglio 2026", "No alla chiusura dell’ospedale!",
           "L’azienda sanitaria regionale ha deciso di chiudere il reparto di maternità del "
           "nostro ospedale. Centinaia di famiglie della valle ne hanno bisogno, e il reparto più "
           "vicino è a due ore di strada. Chiediamo a tutti gli abitanti di partecipare alla "
           "protesta di sabato. La salute è un diritto, non una spesa da tagliare."),
    "pt": ("quinta-feira, 23 de julho de 2026", "Não ao encerramento do hospital!",
           "A administração regional de saúde decidiu fechar a maternidade do nosso hospital. "
           "Centenas de famílias do vale dependem dela, e a mais próxima fica a duas horas de "
           "estrada. Apelamos a todos os moradores que participem no protesto de sábado. "
           "A saúde é um direito, não uma despesa que se possa cortar."),
    "pl": ("23 lipca 2026", "Nie dla likwidacji szpitala!",
           "Regionalny zarząd zdrowia postanowił zamknąć oddział położniczy naszego szpitala. "
           "Setki rodzin z doliny są od niego zależne, a najbliższy inny oddział jest dwie "
           "godziny drogi stąd. Wzywamy wszystkich mieszkańców do udziału w proteście w sobotę. "
           "Zdrowie to prawo, a nie koszt, który można obciąć."),
    "uk": ("23 липня 2026 р.", "Ні закриттю лікарні!",
           "Обласне управління охорони здоров’я вирішило закрити пологове відділення нашої "
           "лікарні. Від нього залежать сотні родин долини, а найближче інше відділення за дві "
           "години дороги. Ми закликаємо всіх мешканців долучитися до протесту в суботу. "
           "Здоров’я — це право, а не витрата, яку можна скоротити."),
    "ru": ("23 июля 2026 года", "Нет закрытию больницы!",
           "Областное управление здравоохранения решило закрыть родильное отделение нашей "
           "больницы. От него зависят сотни семей долины, а ближайшее другое отделение в двух "
           "часах езды. Мы призываем всех жителей присоединиться к протесту в субботу. "
           "Здоровье — это право, а не расход, который можно сократить."),
    "be": ("23 ліпеня 2026 г.", "Не закрыццю бальніцы!",
           "Абласное ўпраўленне аховы здароўя вырашыла закрыць радзільнае аддзяленне нашай "
           "бальніцы. Ад яго залежаць сотні сем’яў даліны, а найбліжэйшае іншае аддзяленне ў "
           "дзвюх гадзінах язды. Мы заклікаем усіх жыхароў далучыцца да пратэсту ў суботу. "
           "Здароўе — гэта права, а не выдатак, які можна скараціць."),
    "el": ("Πέμπτη 23 Ιουλίου 2026", "Όχι στο κλείσιμο του νοσοκομείου!",
           "Η περιφερειακή διοίκηση υγείας αποφάσισε να κλείσει το μαιευτήριο του νοσοκομείου "
           "μας. Εκατοντάδες οικογένειες της κοιλάδας εξαρτώνται από αυτό, και το πλησιέστερο "
           "απέχει δύο ώρες δρόμο. Καλούμε όλους τους κατοίκους να συμμετάσχουν στη "
           "διαμαρτυρία το Σάββατο. Η υγεία είναι δικαίωμα, όχι δαπάνη που μπορεί να περικοπεί."),
}  # fmt: skip


@pytest.mark.parametrize("lang", sorted(STATEMENTS))
def test_statement_language_and_date(lang: str) -> None:
    date, title, text = STATEMENTS[lang]
    result = import_text(f"{date}\n\n{title}\n\n{text}\n")
    meta, _ = split_front_matter(result.markdown)
    assert (meta["lang"], meta["date"]) == (lang, datetime.date(2026, 7, 23))
    assert meta["title"] == title


@pytest.mark.parametrize("lang", sorted(STATEMENTS))
def test_statement_language_one_paragraph_per_line(lang: str) -> None:
    """The same statements pasted without blank lines, with the short date form."""
    _, title, text = STATEMENTS[lang]
    sentences = re.split(r"(?<=\.) ", text)
    body = "\n".join(sentences)
    meta, markdown = split_front_matter(import_text(f"23.07.2026\n{title}\n{body}\n").markdown)
    assert (meta["lang"], meta["date"], meta["title"]) == (lang, datetime.date(2026, 7, 23), title)
    assert "subtitle" not in meta
    assert len(blocks_of(parse_body(markdown), "paragraph")) == len(sentences)


def test_web_addresses_do_not_make_a_text_latin() -> None:
    _, title, text = STATEMENTS["uk"]
    links = " ".join(
        f"https://example.org/news/articles/2026/{n}/hospital-closure" for n in range(9)
    )
    meta, _ = split_front_matter(import_text(f"{title}\n\n{text} {links}\n").markdown)
    assert meta["lang"] == "uk"


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("1 maggio 2026", datetime.date(2026, 5, 1)),
        ("23 lipca 2026", datetime.date(2026, 7, 23)),
        ("23 Ιουλίου 2026", datetime.date(2026, 7, 23)),
        ("1 Μαΐου 2026", datetime.date(2026, 5, 1)),
        ("1 ΜΑΪΟΥ 2026", datetime.date(2026, 5, 1)),
        ("sobota, 1 maja 2026 r.", datetime.date(2026, 5, 1)),
        ("1er mai 2026", datetime.date(2026, 5, 1)),
        ("1º de maio de 2026", datetime.date(2026, 5, 1)),
        ("23 AOUT 2024", datetime.date(2024, 8, 23)),
        ("23 Sept. 2024", datetime.date(2024, 9, 23)),
        ("mar. 23 mars 2024", datetime.date(2024, 3, 23)),
        ("23 mar 2024", datetime.date(2024, 3, 23)),
        ("1 травня 2026 р.", datetime.date(2026, 5, 1)),
        ("1 мая 2026 г.", datetime.date(2026, 5, 1)),
        ("Paris, 23 July 2024", datetime.date(2024, 7, 23)),
        ("Buenos Aires, martes 23 de julio de 2024", datetime.date(2024, 7, 23)),
        ("Київ, 23 липня 2024 р.", datetime.date(2024, 7, 23)),
        ("Saint-Denis, 1er mai 2026", datetime.date(2026, 5, 1)),
    ],
)
def test_dates_of_every_language(line: str, date: datetime.date) -> None:
    from leaflet.importer.dates import parse_date_line

    assert parse_date_line(line) == date


@pytest.mark.parametrize(
    "line", ["we marched, 23 July 2024", "Paris, 2024", "Paris, 23 July 2024 and more", "Paris 23"]
)
def test_not_place_and_date_lines(line: str) -> None:
    from leaflet.importer.dates import parse_date_line

    assert parse_date_line(line) is None


def test_place_and_date_line_is_the_date_not_the_title() -> None:
    result = import_text(
        f"Lyon, 1er mai 2026\n\nNon à la fermeture de l’hôpital !\n\n{STATEMENTS['fr'][2]}"
    )
    meta, _ = split_front_matter(result.markdown)
    assert (meta["date"], meta["title"]) == (
        datetime.date(2026, 5, 1),
        "Non à la fermeture de l’hôpital !",
    )
    assert "# from: Lyon, 1er mai 2026" in result.markdown  # the place stays in the file


# --- structure of text pasted one paragraph per line -------------------------------------------


def _structure(path: Path) -> tuple[dict[str, int], str]:
    """What was found in *path*: counts of each part, and the subtitle."""
    result = import_file(path)
    meta, body = split_front_matter(result.markdown)
    tokens = parse_body(body)
    counts = {
        "headings": len(blocks_of(tokens, "heading")),
        "items": sum(token.type == "list_item_open" for token in tokens),
        "notes": sum(token.type == "footnote_reference_open" for token in tokens),
        "references": len(set(references(tokens))),
        "slogans": len(meta.get("slogans", [])),
    }
    return counts, meta.get("subtitle") or ""


@pytest.fixture(params=CORPUS_FILES or [None], ids=lambda p: p.name if p else "no-corpus")
def corpus_file(request: pytest.FixtureRequest) -> Path:
    if request.param is None:
        pytest.skip("shared corpus not available")
    path: Path = request.param
    return path


def test_corpus_without_blank_lines_keeps_its_structure(corpus_file: Path, tmp_path: Path) -> None:
    """Each corpus statement with its blank lines removed (one paragraph per line, as pasted
    from a web page or a chat) is read as the original is."""
    collapsed = tmp_path / corpus_file.name
    lines = corpus_file.read_text(encoding="utf-8").splitlines()
    collapsed.write_text("\n".join(line for line in lines if line.strip()) + "\n", "utf-8")
    (original, subtitle), (pasted, pasted_subtitle) = _structure(corpus_file), _structure(collapsed)
    for key, count in original.items():
        assert abs(count - pasted[key]) <= 1, (key, original, pasted)
    assert pasted_subtitle == subtitle


def test_corpus_subtitles_are_never_paragraphs(corpus_file: Path) -> None:
    _, subtitle = _structure(corpus_file)
    assert len(subtitle.split()) <= 25


LEAD = (
    "Вчора ввечері понад дві тисячі людей вийшли на центральну площу міста, щоб висловити "
    "протест проти рішення міської ради закрити єдину лікарню в нашому районі. Учасники "
    "акції тримали плакати й вимагали зустрічі з мером, який так і не вийшов до людей. "
    "Організатори кажуть, що збирали підписи протягом трьох тижнів і передали їх до ради ще "
    "минулого місяця, але відповіді не отримали. Лікарі лікарні також підтримали протест і "
    "заявили, що закриття залишить без допомоги десятки тисяч мешканців."
)
NEWS = f"""Захистимо нашу лікарню!
{LEAD}
Що сталося
Міська рада ухвалила рішення без громадського обговорення, і тепер лікарня має закритися вже наступного року, а пацієнтів відправлять до сусіднього міста за сорок кілометрів.
Наші вимоги:
1. Скасувати рішення міської ради.
2. Провести громадські слухання.
3. Фінансувати лікарню з міського бюджету.
Що далі
Наступна акція відбудеться в суботу о дванадцятій годині біля будівлі міської ради, і ми закликаємо всіх небайдужих прийти разом із родинами та друзями.
Лікарня для всіх!
Здоров’я не продається!
"""  # noqa: E501


def test_news_text_one_paragraph_per_line() -> None:
    """A news text pasted from a web page: headline, lead, headings, demands and slogans are
    found, and the 80-word lead stays the lead (not a grey subtitle)."""
    result = import_text(NEWS)
    meta, body = split_front_matter(result.markdown)
    tokens = parse_body(body)
    assert meta["title"] == "Захистимо нашу лікарню!"
    assert "subtitle" not in meta
    assert meta["lang"] == "uk"
    assert meta["slogans"] == ["Лікарня для всіх!", "Здоров’я не продається!"]
    assert blocks_of(tokens, "heading") == ["Що сталося", "Що далі"]
    assert blocks_of(tokens, "paragraph")[0] == LEAD
    assert sum(token.type == "list_item_open" for token in tokens) == 3


@pytest.mark.parametrize(
    "text",
    [
        f"Save our hospital\n{LEAD}\n",  # a headline block of two lines
        f"Save our hospital. {LEAD}\n",  # a headline line that goes on as a paragraph
        f"Save our hospital\n\n{LEAD}\n",  # a headline, then the paragraph
    ],
)
def test_subtitle_is_never_a_whole_paragraph(text: str) -> None:
    meta, body = split_front_matter(import_text(text).markdown)
    assert "subtitle" not in meta
    assert meta["title"].startswith("Save our hospital")
    assert blocks_of(parse_body(body), "paragraph")[0] == LEAD


def test_short_second_line_is_still_the_subtitle() -> None:
    meta, _ = split_front_matter(
        import_text(f"Save our hospital\nA call to the town\n\n{LEAD}").markdown
    )
    assert (meta["title"], meta["subtitle"]) == ("Save our hospital", "A call to the town")


def test_hard_wrapped_text_is_not_split_into_lines() -> None:
    wrapped = (
        "Rents in the city have risen by a third in five years while wages\n"
        "have stayed where they were. Every month more families have to\n"
        "choose between heating their homes and feeding their children. We\n"
        "say: enough. Rents must be frozen until wages have caught up again."
    )
    blocks, _ = read_text(f"Rent strike\n\n{wrapped}\n")
    assert [len(block.lines) for block in blocks] == [1, 4]
