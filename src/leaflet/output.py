"""Writing a run's files: checked against its inputs, staged, then put in place together.

What every command that writes files promises (tested in ``tests/test_outputs.py``):

- **Outputs never destroy inputs.**  Every output of a run is compared with every input (the
  statement, its images, the template's files, the PDF to impose) by resolved path *and* by
  device and inode, so ``..``, symlinks and hard links are caught; two outputs that are one
  file are refused too.  A refusal is one :class:`OutputError` and nothing is written.
- **All or nothing, as far as a file system allows.**  Every target is checked first (its
  folder exists and is writable, its name is not too long, it is not a folder); then every file
  is written to a temporary file beside its target (an unguessable name, created exclusively,
  with the permissions the umask gives: the umask is never changed); only when all are written
  are they renamed into place.  A failure before that removes the temporaries and leaves every
  target as it was.  A read-only file is not replaced.
- **Symlinks and devices are written through.**  A symlink's final target is replaced (the link
  stays a link; a dangling link gets its target created); a device, a pipe or a descriptor of
  this process (``/dev/stdout``, ``/proc/self/fd/1``) is written into, never renamed over.
  ``-`` (:data:`STDOUT`) is the binary standard output.
- **Files a run names by itself are replaced only when leaflet wrote them** (previews, gallery
  pictures, job tickets): an :class:`Output` with ``replaces`` refuses an existing file that test
  does not accept.  Pictures carry a PNG text chunk saying what leaflet wrote them as
  (:func:`mark_png`, :func:`png_mark`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import struct
import sys
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO
from urllib.parse import unquote, urlsplit

from .errors import OutputError

if TYPE_CHECKING:
    from .model import Statement
    from .templates import Template

__all__ = [
    "STDOUT",
    "Output",
    "binary_stdout",
    "check_outputs",
    "html_files",
    "is_stream",
    "mark_png",
    "png_mark",
    "statement_files",
    "template_files",
    "write_atomic",
    "write_outputs",
    "writes_to",
]

#: ``-o -``: the binary standard output.
STDOUT = Path("-")
#: Symlinks followed before giving up (Linux's own limit).
_MAX_LINKS = 40
#: ``/proc/self/fd/N`` and ``/dev/fd/N``: a descriptor this process already has open.
_DESCRIPTOR = re.compile(r"^/(?:proc/(?:self|thread-self|(?P<pid>\d+))|dev)/fd/(?P<fd>\d+)$")
#: Files of a template folder that a render can read (its manifest, HTML, CSS, fonts, images).
TEMPLATE_SUFFIXES = frozenset(
    {".toml", ".j2", ".css", ".html", ".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp"}
    | {".ttf", ".otf", ".woff", ".woff2"}
)
#: At most this many files of a template folder are compared (a folder is a few dozen).
_TEMPLATE_FILES_LIMIT = 2000
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Keyword of the PNG text chunk that says what leaflet wrote a picture as.
PNG_KEYWORD = b"leaflet"


@dataclass(frozen=True, slots=True)
class Output:
    """One file a run writes.

    ``replaces``: for names the run makes up itself (previews, tickets), an existing file is
    replaced only when this test accepts it (leaflet wrote it for this purpose); ``owner`` says
    what such a file is, for the refusal.  ``make_folder``: the folder is created if missing.
    """

    path: Path
    data: bytes = field(default=b"", repr=False)
    replaces: Callable[[Path], bool] | None = None
    owner: str = "a file leaflet wrote"
    make_folder: bool = False


@dataclass(frozen=True, slots=True)
class _Target:
    """Where a write of an :class:`Output` really lands."""

    output: Output
    #: The file reached once symlinks are followed (the output's own path for STDOUT).
    final: Path
    #: An open descriptor of this process the path names (``/dev/stdout``), else None.
    descriptor: int | None = None
    #: Written into (a device, a pipe, a descriptor, standard output), not renamed over.
    direct: bool = False
    #: The final file's status, None when it does not exist yet.
    status: os.stat_result | None = None

    @property
    def name(self) -> Path:
        return self.output.path

    def identity(self) -> tuple[str, tuple[int, int] | None]:
        inode = (self.status.st_dev, self.status.st_ino) if self.status is not None else None
        return str(self.final), inode

    @property
    def is_file(self) -> bool:
        """A regular file (or one to be created): only these can destroy an input."""
        return self.status is None or stat.S_ISREG(self.status.st_mode)


# --- the public entry points ------------------------------------------------------------------


def write_atomic(path: Path, data: bytes) -> None:
    """Write *data* to *path* (see the module's promises): through a temporary file and a
    rename, so a failed run never leaves a partial file nor replaces a good one; symlinks and
    devices are written through."""
    write_outputs([Output(Path(path), data)])


def check_outputs(outputs: Iterable[Output], inputs: Iterable[Path] = ()) -> None:
    """Refuse, before anything is written, outputs that are an input or another output, or that
    cannot be written (missing or read-only folder, a folder, a name too long, a file leaflet
    did not write where it would make up a name).  Raises :class:`OutputError`."""
    _checked(outputs, inputs)


def write_outputs(
    outputs: Sequence[Output], inputs: Iterable[Path] = (), *, stdout: BinaryIO | None = None
) -> None:
    """Check *outputs* against *inputs* (:func:`check_outputs`), then write them all or none:
    each is staged beside its target, and renamed into place once all are staged.
    *stdout* receives an output whose path is :data:`STDOUT`."""
    targets = _checked(outputs, inputs)
    staged: list[tuple[_Target, Path]] = []
    created: list[Path] = []
    try:
        for target in targets:
            if not target.direct:
                created += _make_folder(target)
                staged.append((target, _stage(target)))
        for target in targets:
            if target.direct:
                _write_into(target, stdout)
        for target, temporary in staged:
            try:
                os.replace(temporary, target.final)
            except OSError as error:
                raise _cannot_write(target.name, error) from None
    except BaseException:
        for _, temporary in staged:
            temporary.unlink(missing_ok=True)
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if it stayed empty
        raise


def is_stream(path: Path) -> bool:
    """Whether writing to *path* writes into a device, a pipe or standard output (so it has no
    name to derive other files from, such as job tickets)."""
    if path == STDOUT:
        return True
    try:
        return _resolve(Output(path)).direct
    except OutputError:
        return False


def writes_to(path: Path, stream: TextIO) -> bool:
    """Whether *path* is the file or pipe *stream* (or this process's standard output) goes
    to: status lines must not be mixed into a PDF written there."""
    if path == STDOUT:
        return True
    try:
        target = _resolve(Output(path))
    except OutputError:
        return False
    descriptors = {1} | ({number} if (number := _fileno(stream)) is not None else set())
    if target.descriptor in descriptors:
        return True
    if target.status is None:
        return False
    inode = (target.status.st_dev, target.status.st_ino)
    for descriptor in descriptors:
        try:
            status = os.fstat(descriptor)
        except OSError:
            continue
        if (status.st_dev, status.st_ino) == inode:
            return True
    return False


def binary_stdout(stream: TextIO) -> BinaryIO | None:
    """The binary stream under the text stream *stream* (None for an in-memory one)."""
    buffer: BinaryIO | None = getattr(stream, "buffer", None)
    return buffer


# --- what a run reads -------------------------------------------------------------------------


def statement_files(statement: Statement) -> list[Path]:
    """The files a render of *statement* reads from its folder: the statement and its logo
    (its images show in the HTML: :func:`html_files`)."""
    if statement.source is None:
        return []
    files = [statement.source]
    if statement.logo and statement.folder is not None:
        files.append(statement.folder / statement.logo)
    return files


def template_files(template: Template) -> list[Path]:
    """Files of *template*'s folders (and those it extends) a render can read."""
    files: list[Path] = []
    for folder in template.search_path:
        for root, _, names in os.walk(folder):
            files += [
                Path(root, name)
                for name in sorted(names)
                if Path(name).suffix.lower() in TEMPLATE_SUFFIXES
            ]
            if len(files) > _TEMPLATE_FILES_LIMIT:
                return files
    return files


def html_files(html: str) -> list[Path]:
    """Local files an HTML document refers to by ``file:`` URL (images, fonts, stylesheets)."""
    files = []
    for url in dict.fromkeys(re.findall(r"""file://[^\s"'<>()]+""", html)):
        parts = urlsplit(url)
        if parts.netloc in ("", "localhost"):
            files.append(Path(unquote(parts.path)))
    return files


# --- pictures leaflet wrote -------------------------------------------------------------------


def mark_png(png: bytes, mark: str) -> bytes:
    """*png* with a text chunk (PNG 1.2 §4.2.3.1, ``tEXt``) ``leaflet`` = *mark* right after
    the header, saying what leaflet wrote it as (``preview x``, ``gallery classic``)."""
    if not png.startswith(_PNG_SIGNATURE):
        raise ValueError("not a PNG")
    (header_length,) = struct.unpack(">I", png[8:12])
    end = 8 + 12 + header_length
    data = PNG_KEYWORD + b"\0" + mark.encode("unicode_escape")
    chunk = b"tEXt" + data
    packed = struct.pack(">I", len(data)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return png[:end] + packed + png[end:]


def png_mark(path: Path) -> str | None:
    """The mark :func:`mark_png` put in the PNG at *path*, or None (another file, another
    picture, unreadable).  Reads only the chunks before the image data: a file that is not
    leaflet's is never decoded."""
    try:
        with path.open("rb") as stream:
            if stream.read(8) != _PNG_SIGNATURE:
                return None
            for _ in range(64):
                header = stream.read(8)
                if len(header) < 8:
                    return None
                length, kind = struct.unpack(">I4s", header)
                if kind in (b"IDAT", b"IEND"):
                    return None
                if kind == b"tEXt" and length < 4096:
                    keyword, _, text = stream.read(length).partition(b"\0")
                    if keyword == PNG_KEYWORD:
                        return text.decode("unicode_escape")
                    stream.seek(4, os.SEEK_CUR)
                else:
                    stream.seek(length + 4, os.SEEK_CUR)
    except (OSError, UnicodeDecodeError):
        return None
    return None


# --- checking ---------------------------------------------------------------------------------


def _checked(outputs: Iterable[Output], inputs: Iterable[Path]) -> list[_Target]:
    known = [(path, _input_identity(path)) for path in inputs]
    targets: list[_Target] = []
    for output in outputs:
        target = _resolve(output)
        if target.is_file and target.final != STDOUT:
            real, inode = target.identity()
            for path, (input_real, input_inode) in known:
                if real == input_real or (inode is not None and inode == input_inode):
                    raise OutputError(f"output {output.path} would overwrite the input {path}")
            for other in targets:
                if other.is_file and (
                    other.final == target.final
                    or (inode is not None and other.identity()[1] == inode)
                ):
                    raise OutputError(f"outputs {other.name} and {output.path} are the same file")
        _preflight(target)
        targets.append(target)
    return targets


def _input_identity(path: Path) -> tuple[str, tuple[int, int] | None]:
    real = os.path.realpath(path)
    try:
        status = os.stat(real)
    except (OSError, ValueError):
        return real, None
    if not stat.S_ISREG(status.st_mode):
        return real, None
    return real, (status.st_dev, status.st_ino)


def _resolve(output: Output) -> _Target:
    """Follow *output*'s symlinks one by one to the file a write reaches."""
    path = output.path
    if path == STDOUT:
        return _Target(output, STDOUT, direct=True)
    current = Path(os.path.abspath(path))
    for _ in range(_MAX_LINKS):
        current = Path(os.path.realpath(current.parent), current.name)
        match = _DESCRIPTOR.match(str(current))
        if match and match["pid"] in (None, str(os.getpid())):
            return _Target(output, current, int(match["fd"]), True, _stat(current, path))
        if current.is_relative_to("/proc"):
            return _Target(output, current, None, True, _stat(current, path))
        try:
            link = os.readlink(current)
        except OSError as error:
            if error.errno in (errno.EINVAL, errno.ENOENT):
                break
            if error.errno == errno.ENOTDIR:
                raise _not_a_folder(path) from None
            raise _cannot_write(path, error) from None
        current = current.parent / link
    else:
        raise OutputError(f"cannot write {path}: too many levels of symbolic links")
    status = _stat(current, path)
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise OutputError(f"cannot write {path}: it is a folder")
    direct = status is not None and not stat.S_ISREG(status.st_mode)
    return _Target(output, current, None, direct, status)


def _stat(path: Path, named: Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ENOTDIR:
            raise _not_a_folder(named) from None
        raise _cannot_write(named, error) from None


def _not_a_folder(named: Path) -> OutputError:
    """The error for a path with a file where a folder should be, naming that file."""
    in_the_way = next(
        (parent for parent in reversed(named.parents) if parent.exists() and not parent.is_dir()),
        named.parent,
    )
    return OutputError(f"cannot write {named}: {in_the_way} is not a folder")


def _preflight(target: _Target) -> None:
    """Everything that can be known about a write before it is tried."""
    name = target.name
    replaces = target.output.replaces
    if (
        target.status is not None
        and replaces is not None
        and (not stat.S_ISREG(target.status.st_mode) or not _accepts(replaces, target.final))
    ):
        raise OutputError(
            f"{name} exists and is not {target.output.owner}; leaflet replaces only its "
            "own files there: move it away or write elsewhere"
        )
    if target.final == STDOUT or target.descriptor is not None:
        return
    if target.direct:
        if not os.access(target.final, os.W_OK):
            raise _cannot_write(name, OSError(errno.EACCES, os.strerror(errno.EACCES)))
        return
    folder = target.final.parent
    existing = folder
    while not existing.exists() and existing != existing.parent:
        if existing.is_symlink() or not target.output.make_folder:
            raise _cannot_write(name, OSError(errno.ENOENT, os.strerror(errno.ENOENT)))
        existing = existing.parent
    if not existing.is_dir():
        raise _not_a_folder(name)
    _check_writable(existing, name)
    if len(os.fsencode(target.final.name)) > _name_max(existing):
        raise _cannot_write(name, OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG)))
    if target.status is not None and not os.access(target.final, os.W_OK):
        raise _cannot_write(name, OSError(errno.EACCES, os.strerror(errno.EACCES)))


def _accepts(replaces: Callable[[Path], bool], path: Path) -> bool:
    try:
        return replaces(path)
    except OSError:  # unreadable: not known to be leaflet's
        return False


def _check_writable(folder: Path, name: Path) -> None:
    try:
        read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        read_only = False
    if read_only:
        raise _cannot_write(name, OSError(errno.EROFS, os.strerror(errno.EROFS)))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise _cannot_write(name, OSError(errno.EACCES, os.strerror(errno.EACCES)))


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        return 255


def _cannot_write(path: Path, error: OSError) -> OutputError:
    reason = error.strerror or str(error)
    return OutputError(f"cannot write {path}: {reason}")


# --- writing ----------------------------------------------------------------------------------


def _make_folder(target: _Target) -> list[Path]:
    """Create the target's missing folders (when allowed); the ones created, outermost first."""
    missing = []
    folder = target.final.parent
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    created: list[Path] = []
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except OSError as error:
            for made in reversed(created):
                made.rmdir()
            raise _cannot_write(target.name, error) from None
        created.append(folder)
    return created


def _stage(target: _Target) -> Path:
    """Write the target's data to a new temporary file beside it; the temporary's path.

    The file is created with ``O_EXCL`` under an unguessable name and mode 0o666, so the kernel
    applies the umask (a replaced file keeps its own permissions instead).
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    flags |= getattr(os, "O_NOFOLLOW", 0)
    for _ in range(16):
        # The target's name is shortened so that a long name fails at the check, not here.
        temporary = target.final.parent / f".{target.final.name[:40]}.{secrets.token_hex(6)}.tmp"
        try:
            handle = os.open(temporary, flags, 0o666)
            break
        except FileExistsError:
            continue
        except OSError as error:
            raise _cannot_write(target.name, error) from None
    else:
        raise OutputError(f"cannot write {target.name}: no free temporary name beside it")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(target.output.data)
            stream.flush()
            if target.status is not None:
                os.fchmod(stream.fileno(), stat.S_IMODE(target.status.st_mode))
            os.fsync(stream.fileno())
    except BaseException as error:
        temporary.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _cannot_write(target.name, error) from None
        raise
    return temporary


def _write_into(target: _Target, stdout: BinaryIO | None) -> None:
    """Write into standard output, a descriptor, a device or a pipe (no rename possible)."""
    data = target.output.data
    try:
        if target.final == STDOUT:
            if stdout is None:
                raise OutputError("cannot write to standard output here: it is not a byte stream")
            stdout.write(data)
            stdout.flush()
        elif target.descriptor is not None:
            for stream in (sys.stdout, sys.stderr):
                if _fileno(stream) == target.descriptor:
                    stream.flush()
            _write_all(target.descriptor, data)
        else:
            handle = os.open(target.final, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
            try:
                _write_all(handle, data)
            finally:
                os.close(handle)
    except OSError as error:
        raise _cannot_write(target.name, error) from None


def _write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(handle, view) :]


def _fileno(stream: object) -> int | None:
    try:
        return int(stream.fileno())  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return None
