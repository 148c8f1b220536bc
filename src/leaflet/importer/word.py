"""Read a Word document (``.docx``) with python-docx, an optional dependency.

Paragraph styles are kept as hints, as HTML tags are: *Title* is the headline, *Heading n* a
heading, *List …* (or Word numbering) a list item, *Quote* a quotation; superscript digits are
note markers, and links keep their address after their text.  Each Word paragraph is a block;
table cells follow in reading order.  Word's own footnotes are not read (python-docx does not
expose them): only notes typed as a list at the end are found.

A ``.docx`` file is a zip archive of XML parts, and a file from a stranger may be built to
exhaust the machine: a small archive that unpacks to gigabytes, XML entities that expand
exponentially ("billion laughs"), tables nested hundreds deep.  So before python-docx sees the
file, its member list is checked (count, sizes, compression ratio) against
:func:`~leaflet.limits.current_limits`, every member is unpacked once as a stream with a hard cap
(declared sizes can lie), and XML parts that declare a DOCTYPE or entities are refused (Word
never writes them).  Any failure of the reader is a :class:`~leaflet.errors.SourceError` naming
the file.

This module imports python-docx at the top: :mod:`leaflet.importer` imports it only when a
``.docx`` file is read, and says how to install python-docx when it is missing.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree

import docx
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph

from ..errors import SourceError
from ..files import read_input
from ..limits import current_limits, size_text
from .blocks import Hint, SourceBlock, check_block_count

__all__ = ["MAX_MEMBERS", "MAX_RATIO", "MAX_TABLE_DEPTH", "read_docx"]

_STYLE_HINTS: dict[str, Hint] = {
    "title": "title", "heading": "heading", "list": "item", "quote": "quote",
    "intense quote": "quote",
}  # fmt: skip

#: Members of one archive; a long document with many pictures has a few hundred.
MAX_MEMBERS = 5000
#: Unpacked size / packed size above which a large member is a bomb, not a document (Word's
#: XML packs 5–30 times; repeated text packed by a bomb builder, about 1000 times).
MAX_RATIO = 200
_RATIO_FROM = 1 << 20
#: Tables inside table cells, as deep as a real document goes (with room to spare).
MAX_TABLE_DEPTH = 16
#: A DOCTYPE or entity declaration: never in a document Word writes, the root of every XML bomb.
_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_CHUNK = 1 << 16
_CONTENT_TYPES = "[Content_Types].xml"
_TYPES_NAMESPACE = "http://schemas.openxmlformats.org/package/2006/content-types"


def read_docx(path: Path) -> list[SourceBlock]:
    """Blocks of the Word document at *path*, with structure hints from paragraph styles.

    Blocks are numbered by paragraph (Word has no lines), so reports say "line" for paragraph.
    """
    with _open_regular(path) as stream:
        _check_archive(stream, path)
        stream.seek(0)
        try:
            document = docx.Document(stream)
            styles = _style_names(document)
            return _blocks(_paragraphs(document.iter_inner_content(), path), styles, path)
        except SourceError:
            raise
        except (PackageNotFoundError, zipfile.BadZipFile):
            raise SourceError("not a Word document (.docx)", path) from None
        except Exception as error:  # a hostile file can break python-docx or lxml anywhere
            raise SourceError(f"cannot read this Word document ({_reason(error)})", path) from None


def _reason(error: Exception) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text[:120]}" if text else type(error).__name__


# --- the archive, checked before python-docx reads it -----------------------------------------


def _open_regular(path: Path) -> BinaryIO:
    """The file at *path* in memory, once it is known to be a regular file within the import
    size limit (:func:`leaflet.files.read_input`)."""
    return io.BytesIO(read_input(path, current_limits().import_bytes))


def _check_archive(stream: BinaryIO, path: Path) -> None:
    """Refuse an archive that is not a zip, or that would unpack past the limits, or whose XML
    parts declare a DOCTYPE or entities."""
    budget = current_limits().unpacked_bytes
    if not zipfile.is_zipfile(stream):
        raise SourceError("not a Word document (.docx): not a zip archive", path)
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            members = archive.infolist()
            _check_members(members, budget, path)
            try:
                types_member = archive.getinfo(_CONTENT_TYPES)
            except KeyError:
                raise SourceError(
                    f"not a Word document (.docx): no {_CONTENT_TYPES}", path
                ) from None
            unpacked, types = _unpack(archive, types_member, budget, path, xml=True, keep=True)
            xml_parts = _xml_parts(types, [member.filename for member in members], path)
            for member in members:
                if member is not types_member:
                    xml = member.filename in xml_parts
                    unpacked += _unpack(archive, member, budget - unpacked, path, xml=xml)[0]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as error:
        raise SourceError(f"damaged Word document ({_reason(error)})", path) from None
    except (OSError, ValueError, zlib.error) as error:  # zlib: a corrupt compressed stream
        raise SourceError(f"damaged Word document ({_reason(error)})", path) from None


def _check_members(members: list[zipfile.ZipInfo], budget: int, path: Path) -> None:
    """The member list as the archive declares it: count, total size, compression ratios."""
    if len(members) > MAX_MEMBERS:
        raise SourceError(f"archive of {len(members)} files (a Word document has fewer)", path)
    declared = sum(member.file_size for member in members)
    if declared > budget:
        raise SourceError(_too_big(declared), path)
    for member in members:
        packed = max(member.compress_size, 1)
        if member.file_size > _RATIO_FROM and member.file_size / packed > MAX_RATIO:
            raise SourceError(
                f"{member.filename} unpacks {member.file_size // packed} times its packed size"
                " (a zip bomb, not a document)",
                path,
            )


def _unpack(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    budget: int,
    path: Path,
    *,
    xml: bool,
    keep: bool = False,
) -> tuple[int, bytes]:
    """Unpack *member* as a stream, at most *budget* bytes (plus one chunk): its size, and its
    content if *keep*.  An *xml* part is scanned for DOCTYPE and entity declarations.
    """
    size, tail, kept = 0, b"", bytearray()
    with archive.open(member) as data:
        while chunk := data.read(_CHUNK):
            size += len(chunk)
            if size > budget:
                unpacked = current_limits().unpacked_bytes - budget + size
                raise SourceError(_too_big(unpacked, more=True), path)
            if xml and _DECLARATION.search(tail + chunk):
                raise SourceError(
                    f"{member.filename} declares a DOCTYPE or XML entities"
                    " (Word never does; refused as an XML bomb)",
                    path,
                )
            tail = chunk[-16:]
            if keep:
                kept += chunk
    return size, bytes(kept)


def _xml_parts(content_types: bytes, names: list[str], path: Path) -> frozenset[str]:
    """The members python-docx may parse as XML.

    python-docx picks a part's reader by its content type (``[Content_Types].xml``: by part
    name, else by extension), not by its name, so a document part may be called
    ``word/x.bin``: every member whose type is XML (images aside) or whose name says XML is
    scanned.  *content_types* was scanned already, so it declares no entities to expand.
    """
    try:
        root = ElementTree.fromstring(content_types)
    except ElementTree.ParseError as error:
        raise SourceError(f"damaged Word document ({_CONTENT_TYPES}: {error})", path) from None
    by_extension: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for element in root:
        kind = element.get("ContentType") or ""
        if element.tag == f"{{{_TYPES_NAMESPACE}}}Default":
            by_extension[(element.get("Extension") or "").lower()] = kind
        elif element.tag == f"{{{_TYPES_NAMESPACE}}}Override":
            by_name[(element.get("PartName") or "").lstrip("/")] = kind
    parts = set()
    for name in names:
        kind = by_name.get(name) or by_extension.get(name.rpartition(".")[2].lower(), "")
        is_xml = kind.endswith("+xml") or kind in ("application/xml", "text/xml")
        if (is_xml and not kind.startswith("image/")) or name.lower().endswith((".xml", ".rels")):
            parts.add(name)
    return frozenset(parts)


def _too_big(size: int, *, more: bool = False) -> str:
    limit = size_text(current_limits().unpacked_bytes)
    return (
        f"unpacks to {'more than ' if more else ''}{size_text(size)}, over the {limit} limit"
        " for unpacked archives (--max-size raises it)"
    )


# --- the document --------------------------------------------------------------------------


def _blocks(paragraphs: Iterator[Paragraph], styles: _StyleNames, path: Path) -> list[SourceBlock]:
    blocks: list[SourceBlock] = []
    next_number = 1
    for index, paragraph in enumerate(paragraphs, 1):
        check_block_count(index, path)
        style = styles.name(paragraph)
        hint = _hint(paragraph, style)
        prefix = ""
        if hint != "item":
            next_number = 1
        elif "number" in style:
            prefix, next_number = f"{next_number}. ", next_number + 1
        else:
            prefix = "• "
        text = prefix + _text(paragraph)
        lines = tuple(line.strip() for line in text.split("\n") if line.strip())
        if lines:
            blocks.append(SourceBlock(lines, index, hint))
    return blocks


def _paragraphs(
    content: Iterator[Paragraph | Table], path: Path, depth: int = 0
) -> Iterator[Paragraph]:
    """Body paragraphs in reading order, descending into table cells (at most
    :data:`MAX_TABLE_DEPTH` tables deep)."""
    for item in content:
        if not isinstance(item, Table):
            yield item
            continue
        if depth >= MAX_TABLE_DEPTH:
            raise SourceError(f"tables nested more than {MAX_TABLE_DEPTH} deep", path)
        for row in item.rows:
            for cell in row.cells:
                yield from _paragraphs(cell.iter_inner_content(), path, depth + 1)


@dataclass(frozen=True, slots=True)
class _StyleNames:
    """Paragraph style names (lower case) by style id, looked up once per document: python-docx
    resolves a paragraph's default style by scanning every style, for every paragraph."""

    by_id: dict[str, str]
    default: str

    def name(self, paragraph: Paragraph) -> str:
        style_id = paragraph._p.style
        return self.by_id.get(style_id, self.default) if style_id else self.default


def _style_names(document: DocumentObject) -> _StyleNames:
    by_id: dict[str, str] = {}
    for style in document.styles:
        if style.type == WD_STYLE_TYPE.PARAGRAPH and style.style_id not in by_id:
            by_id[style.style_id] = (style.name or "").lower()
    default = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
    return _StyleNames(by_id, (default.name or "").lower() if default is not None else "")


def _hint(paragraph: Paragraph, style: str) -> Hint | None:
    for prefix, hint in _STYLE_HINTS.items():
        if style.startswith(prefix):
            return hint
    properties = paragraph._p.pPr
    return "item" if properties is not None and properties.numPr is not None else None


def _text(paragraph: Paragraph) -> str:
    """The paragraph's text; superscript digits become ``[n]``, links keep their address."""
    parts = []
    for item in paragraph.iter_inner_content():
        if isinstance(item, Hyperlink):
            address = item.address
            cited = address.startswith(("http://", "https://")) and address not in item.text
            parts.append(f"{item.text} ({address})" if cited else item.text)
        elif item.font.superscript and item.text.strip().isdecimal():
            parts.append(f"[{item.text.strip()}]")
        else:
            parts.append(item.text)
    return "".join(parts)
