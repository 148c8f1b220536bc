"""The studio's API handlers: read a request, run the job in the pool, answer.

A request to render is read whole into a :class:`Submission` (JSON, or a multipart form with
files), checked field by field (unknown fields and options are refused, so a typo is not
silently ignored), and sent to a worker, which writes it into a folder made anew for it —
the statement as ``statement.md`` (or the uploaded file, imported first), the logo beside it
under a safe name — renders it like the command line renders a file, and removes the folder
when the job ends (:mod:`.pool`).  Nothing of the request is kept or logged.

Every failure is a JSON answer ``{"error": "one line", "line": N | null}``: 400 a bad
request, 401 no token, 403 a cross-site request, 413 too large, 415 a wrong kind of upload,
422 a statement or layout error, 503 busy (``Retry-After``), 504 past the time limit.
Messages never name the server's folders: the statement is ``statement.md``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..errors import UsageError
from ..formats import FORMATS, Format
from ..limits import size_text
from ..pdfx import PAPERS, PDF_VARIANTS
from ..pipeline import DELIVERIES, MAX_PAGES, RenderOptions
from ..units import parse_length
from . import jobs
from .i18n import choose_language
from .messages import ERRORS, GUESSES, WARNINGS, Known, described, described_guess
from .pool import JobFailed, JobTimeout, Pool, PoolFull

__all__ = [
    "ApiError",
    "Submission",
    "describe_format",
    "formats",
    "import_statement",
    "job_ticket",
    "language",
    "preview",
    "render",
    "templates",
]

#: Seconds a client is asked to wait when every worker is busy.
RETRY_AFTER = 5
#: Preview picture widths in pixels: the default, and the bounds a request may ask.
PREVIEW_WIDTH = 600
PREVIEW_WIDTHS = range(32, 2401)
#: A statement file uploaded: read as it is (Markdown) or imported first (the rest).
STATEMENT_SUFFIXES = (".md", ".markdown", ".txt", ".text", ".html", ".htm", ".docx")
#: Logo image kinds by suffix, told by their first bytes.
LOGO_SUFFIXES = {
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".gif": "gif",
    ".webp": "webp",
    ".svg": "svg",
}
#: The options a request may give (``options``), each as RenderOptions names it.
OPTIONS = ("pages", "bleed", "marks", "pdf_variant", "paper", "deliver", "strict", "poster_footer")
#: The fields of a JSON render request.
FIELDS = ("source", "format", "template", "options", "logo", "width", "first_page_only")


class ApiError(Exception):
    """An answer other than success: *status*, one line, the statement's line when known;
    the message's *code* and *args* when the studio knows it (see :mod:`.messages`)."""

    def __init__(
        self,
        status: int,
        message: str,
        line: int | None = None,
        *,
        headers: dict[str, str] | None = None,
        warnings: list[dict[str, Any]] | None = None,
        code: str | None = None,
        args: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.line = line
        self.headers = headers or {}
        self.warnings = warnings
        self.code = code
        self.message_args = args

    def response(self, language: str = "en") -> JSONResponse:
        """The answer, the message also in *language* where the studio has it."""
        shown = described(
            self.message, language, code=self.code, args=self.message_args, known=_ERROR_MESSAGES
        )
        body: dict[str, Any] = {
            "error": self.message,
            "line": self.line,
            "code": shown["code"],
            "args": shown["args"],
        }
        if "translation" in shown:
            body["translation"] = shown["translation"]
        if self.warnings:
            body["warnings"] = self.warnings
        return JSONResponse(body, self.status, headers=self.headers)


#: The messages an error may be: a statement's errors, and a warning made an error (strict).
_ERROR_MESSAGES: tuple[Known, ...] = (*ERRORS, *WARNINGS)


def language(request: Request) -> str:
    """The language of a request's messages: ``?lang=``, else its ``Accept-Language``, else
    English (the library's messages are given in English, with their translation)."""
    return choose_language(request.headers.get("accept-language"), request.query_params.get("lang"))


@dataclass(frozen=True, slots=True)
class Limits:
    """What one request may send: the statement's text, and an image (the logo) or a
    Word file."""

    text_bytes: int
    image_bytes: int

    @property
    def body_bytes(self) -> int:
        """The whole request at most: text and an image in base64, with room for the rest."""
        return self.text_bytes + (self.image_bytes * 4) // 3 + 64 * 1024


@dataclass(frozen=True, slots=True)
class Submission:
    """A render request, checked: the statement (text, or a file to import), the render's
    options and the logo."""

    #: The file to write into the request's folder: its name and bytes.
    statement: tuple[str, bytes]
    options: dict[str, Any] = field(default_factory=dict)
    logo: tuple[str, bytes] | None = None
    width: int = PREVIEW_WIDTH
    first_page_only: bool = False


# --- the read-only endpoints -------------------------------------------------------------------


async def formats(request: Request) -> Response:
    """``GET /api/formats``: every format, in the registry's order."""
    return JSONResponse([_format_entry(fmt) for fmt in FORMATS.values()])


def _format_entry(fmt: Format) -> dict[str, Any]:
    return {
        "name": fmt.name,
        "kind": fmt.kind,
        "description": describe_format(fmt),
        "pages": fmt.page_rule.exact or None,
        "max_pages": fmt.max_pages or fmt.page_rule.exact or None,
        "page_multiple": fmt.page_multiple,
        "paper": fmt.paper,
        "sheet": fmt.sheet,
        "imposed": fmt.imposed,
        "booklet": fmt.booklet,
    }


def describe_format(fmt: Format) -> str:
    """One line for organizers: what the piece is and how it is made (the registry's own
    description, which speaks to print shops, in plainer words for booklets)."""
    if fmt.booklet and fmt.sheet:
        return (
            f"{_paper_name(fmt.paper)} booklet: {_paper_name(fmt.sheet)} sheets printed both "
            f"sides, folded and stapled (pages in fours)"
        )
    return fmt.description


def _paper_name(paper: str) -> str:
    return {"letter": "US letter", "tabloid": "tabloid"}.get(paper, paper.upper())


async def templates(request: Request) -> Response:
    """``GET /api/templates``: the built-in templates, the default first."""
    from ..templates import builtin_templates

    return JSONResponse(
        [
            {"name": name, "description": template.description}
            for name, template in builtin_templates().items()
        ]
    )


# --- rendering ---------------------------------------------------------------------------------


async def preview(request: Request) -> Response:
    """``POST /api/preview``: the pages as PNG pictures, notes and warnings."""
    submission = await read_submission(request)
    value, warnings = await _run(
        request,
        submission,
        jobs.preview,
        submission.options,
        submission.width,
        submission.first_page_only,
    )
    shown = language(request)
    notes = [
        {
            "page": note["page"],
            **described(note["text"], shown, code=note["code"] or None, args=note["args"]),
        }
        for note in value["notes"]
    ]
    return JSONResponse(
        {**value, "notes": notes, "warnings": _warnings(warnings, shown)},
        headers={"Vary": "Accept-Language"},
    )


async def render(request: Request) -> Response:
    """``POST /api/render``: the PDF (a PNG for the share formats) as a download; the
    statement's page count in ``X-Leaflet-Pages``."""
    submission = await read_submission(request)
    (data, media_type, filename, pages), _ = await _run(
        request, submission, jobs.render, submission.options
    )
    headers = {"Content-Disposition": _attachment(filename), "X-Leaflet-Pages": str(pages)}
    return Response(data, media_type=media_type, headers=headers)


async def job_ticket(request: Request) -> Response:
    """``POST /api/job``: the job ticket for the print shop, as text and as fields."""
    submission = await read_submission(request)
    value, _ = await _run(request, submission, jobs.ticket, submission.options)
    return JSONResponse(value)


async def import_statement(request: Request) -> Response:
    """``POST /api/import``: pasted text, a web page or a Word file as statement Markdown."""
    limits: Limits = request.app.state.limits
    if _media_type(request) == "application/json":
        data = await _json_object(request)
        _refuse_unknown(data, ("text", "kind"), "field")
        text = _string(data, "text")
        kind = data.get("kind", "txt")
        if kind not in ("txt", "html"):
            raise ApiError(400, f"'kind' must be 'txt' or 'html', not {kind!r}")
        encoded = text.encode("utf-8")
        _check_size("the text", len(encoded), limits.text_bytes)
        upload = (f"pasted.{kind}", encoded)
    else:
        async with _form(request) as form:
            _refuse_unknown(dict(form), ("statement",), "field")
            statement = form.get("statement")
            if not isinstance(statement, UploadFile):
                raise ApiError(400, "send the file to import as 'statement'")
            upload = await _statement_upload(statement, limits, suffix_name="pasted")
    value, warnings = await _run(request, Submission(statement=upload), jobs.import_statement)
    shown = language(request)
    return JSONResponse(
        {
            **value,
            "guess_messages": [described_guess(guess, shown) for guess in value["guesses"]],
            "warnings": _warnings(warnings, shown, (*WARNINGS, *GUESSES)),
        },
        headers={"Vary": "Accept-Language"},
    )


async def _run(
    request: Request, submission: Submission, func: Callable[..., Any], *args: Any
) -> tuple[Any, tuple[str, ...]]:
    """``func(folder, statement name, *args)`` in the pool, the request's files written in
    the worker's folder (the statement, the logo beside it); its failures as
    :class:`ApiError`."""
    pool: Pool = request.app.state.pool
    name, data = submission.statement
    files = {name: data}
    if submission.logo is not None:
        logo_name, logo = submission.logo
        files[logo_name] = logo
    try:
        return await pool.run(func, name, *args, files=files)
    except PoolFull:
        raise ApiError(
            503,
            "the studio is busy rendering for others; try again in a few seconds",
            headers={"Retry-After": str(RETRY_AFTER)},
        ) from None
    except JobTimeout:
        seconds = pool.settings.limits.render_seconds
        raise ApiError(504, f"rendering took longer than {seconds:g} s and was stopped") from None
    except JobFailed as failed:
        raise ApiError(
            failed.status,
            failed.message,
            failed.line,
            warnings=_warnings(failed.warnings, language(request)),
        ) from None


_LINE = re.compile(r"^(?:[\w.-]+):(\d+): (.*)$", re.DOTALL)


def _warnings(
    messages: tuple[str, ...], language: str, known: tuple[Known, ...] = WARNINGS
) -> list[dict[str, Any]]:
    """The library's warnings as ``{"text", "line"}`` with their code and translation
    (:func:`.messages.described`): a message starting ``statement.md:N:`` gives its line."""
    shown = []
    for text in messages:
        match = _LINE.match(text)
        text, line = (match.group(2), int(match.group(1))) if match else (text, None)
        shown.append({**described(text, language, known=known), "line": line})
    return shown


def _attachment(filename: str) -> str:
    """A Content-Disposition for *filename*: ASCII for old clients, UTF-8 (RFC 6266) for the
    others."""
    import unicodedata
    from urllib.parse import quote

    decomposed = unicodedata.normalize("NFKD", filename)
    ascii_name = decomposed.encode("ascii", "ignore").decode() or "statement"
    if ascii_name.startswith(("-", ".")):
        ascii_name = "statement" + ascii_name
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


# --- reading a request -------------------------------------------------------------------------


async def read_submission(request: Request) -> Submission:
    """The request's statement, options and logo, checked (:class:`ApiError` when not)."""
    limits: Limits = request.app.state.limits
    data: dict[str, Any]
    if _media_type(request) == "application/json":
        data = await _json_object(request)
        _refuse_unknown(data, FIELDS, "field")
        source = _string(data, "source")
        encoded = source.encode("utf-8")
        _check_size("the statement", len(encoded), limits.text_bytes)
        statement = (jobs.STATEMENT, encoded)
        logo = _json_logo(data.get("logo"), limits)
        options_value = data.get("options", {})
    else:
        async with _form(request) as form:
            data, statement, logo = await _form_fields(form, limits)
        options_value = _json_field(data.get("options", "{}"), "options")
        for name in ("width", "first_page_only"):  # form fields are text: JSON values
            if name in data:
                data[name] = _json_field(data[name], name)
    options = _options(options_value)
    options["format"] = _format_name(data.get("format", RenderOptions().format))
    options["template"] = _template_name(data.get("template", RenderOptions().template))
    width = data.get("width", PREVIEW_WIDTH)
    if isinstance(width, bool) or not isinstance(width, int) or width not in PREVIEW_WIDTHS:
        raise ApiError(
            400,
            f"'width' must be a whole number of pixels from {PREVIEW_WIDTHS.start} "
            f"to {PREVIEW_WIDTHS.stop - 1}",
        )
    first_page_only = data.get("first_page_only", False)
    if not isinstance(first_page_only, bool):
        raise ApiError(400, "'first_page_only' must be true or false")
    return Submission(statement, options, logo, width, first_page_only)


async def _form_fields(
    form: FormData, limits: Limits
) -> tuple[dict[str, Any], tuple[str, bytes], tuple[str, bytes] | None]:
    """A form's text fields, its statement (a ``statement`` file or the ``source`` field)
    and its logo."""
    data: dict[str, Any] = {key: value for key, value in form.items() if isinstance(value, str)}
    _refuse_unknown(dict(form), (*FIELDS, "statement"), "field")
    upload = form.get("statement")
    if isinstance(upload, UploadFile):
        statement = await _statement_upload(upload, limits, suffix_name="statement")
    elif "source" in data:
        encoded = data["source"].encode("utf-8")
        _check_size("the statement", len(encoded), limits.text_bytes)
        statement = (jobs.STATEMENT, encoded)
    else:
        raise ApiError(400, "send the statement as 'source' (text) or 'statement' (a file)")
    logo_file = form.get("logo")
    logo = await _logo_upload(logo_file, limits) if isinstance(logo_file, UploadFile) else None
    return data, statement, logo


def _media_type(request: Request) -> str:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in ("application/json", "multipart/form-data"):
        raise ApiError(
            415, "send JSON (application/json) or a form with files (multipart/form-data)"
        )
    return media_type


async def _json_object(request: Request) -> dict[str, Any]:
    body = await request.body()
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise ApiError(400, f"the request is not JSON ({error})") from None
    if not isinstance(data, dict):
        raise ApiError(400, "the request must be a JSON object")
    return data


@asynccontextmanager
async def _form(request: Request) -> AsyncIterator[FormData]:
    """The request's form, its uploaded files closed on leaving."""
    limits: Limits = request.app.state.limits
    try:
        form = await request.form(max_files=2, max_fields=16, max_part_size=limits.body_bytes)
    except HTTPException as error:
        raise ApiError(400, f"cannot read the form: {error.detail}") from None
    try:
        yield form
    finally:
        await form.close()


def _json_field(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise ApiError(400, f"'{name}' must be JSON ({text[:40]!r})") from None


def _refuse_unknown(data: dict[str, Any], known: tuple[str, ...], what: str) -> None:
    unknown = [str(key) for key in data if key not in known]
    if unknown:
        raise ApiError(400, f"unknown {what} {unknown[0]!r} (known: {', '.join(known)})")


def _string(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise ApiError(400, f"'{key}' must be text")
    return value


def _check_size(what: str, size: int, limit: int) -> None:
    if size > limit:
        raise ApiError(413, f"{what} is larger than {size_text(limit)}")


def _format_name(value: Any) -> str:
    if not isinstance(value, str) or value.lower() not in FORMATS:
        known = ", ".join(FORMATS)
        raise ApiError(
            400,
            f"unknown format {value!r} (known: {known})",
            code="unknown_format",
            args={"name": str(value), "known": known},
        )
    return value.lower()


def _template_name(value: Any) -> str:
    """A built-in template's name: a request never names a folder of the server."""
    from ..templates import builtin_templates

    known = ", ".join(builtin_templates())
    if not isinstance(value, str) or value not in builtin_templates():
        raise ApiError(
            400,
            f"unknown template {value!r} (known: {known})",
            code="unknown_template",
            args={"name": str(value), "known": known},
        )
    return value


def _options(value: Any) -> dict[str, Any]:
    """The render options a request gives, checked, as RenderOptions' keyword arguments."""
    if not isinstance(value, dict):
        raise ApiError(400, "'options' must be a JSON object")
    _refuse_unknown(value, OPTIONS, "option")
    options: dict[str, Any] = {}
    for key, given in value.items():
        if given is None and key in ("pages", "bleed", "pdf_variant", "poster_footer"):
            continue
        options[key] = _OPTION_CHECKS[key](given)
    return options


def _pages(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_PAGES:
        raise ApiError(400, f"option 'pages' must be a whole number from 1 to {MAX_PAGES}")
    return value


def _bleed(value: Any) -> float:
    if not isinstance(value, str):
        raise ApiError(400, "option 'bleed' must be a length such as \"3mm\"")
    try:
        return parse_length(value)
    except UsageError as error:
        raise ApiError(400, f"option 'bleed': {error}") from None


def _flag(name: str) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        if not isinstance(value, bool):
            raise ApiError(400, f"option {name!r} must be true or false")
        return value

    return check


def _choice(name: str, choices: tuple[str, ...]) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in choices:
            raise ApiError(400, f"option {name!r} must be one of {', '.join(choices)}")
        return str(value)

    return check


def _footer(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 200:
        raise ApiError(400, "option 'poster_footer' must be one short line of text")
    return value


_OPTION_CHECKS: dict[str, Callable[[Any], Any]] = {
    "pages": _pages,
    "bleed": _bleed,
    "marks": _flag("marks"),
    "pdf_variant": _choice("pdf_variant", PDF_VARIANTS),
    "paper": _choice("paper", tuple(PAPERS)),
    "deliver": _choice("deliver", DELIVERIES),
    "strict": _flag("strict"),
    "poster_footer": _footer,
}


async def _read_upload(upload: UploadFile, limit: int, what: str) -> bytes:
    data = await upload.read(limit + 1)
    _check_size(what, len(data), limit)
    return data


async def _statement_upload(
    upload: UploadFile, limits: Limits, *, suffix_name: str
) -> tuple[str, bytes]:
    """An uploaded statement file: Markdown is the statement, the rest is imported."""
    suffix = PurePosixPath(upload.filename or "").suffix.lower()
    if suffix not in STATEMENT_SUFFIXES:
        raise ApiError(
            415,
            f"cannot read {_shown_name(upload.filename)}: send a "
            f"{', '.join(STATEMENT_SUFFIXES)} file",
        )
    # A Word file is a zip archive, pictures included: it may be as large as an image.
    limit = limits.image_bytes if suffix == ".docx" else limits.text_bytes
    data = await _read_upload(upload, limit, _shown_name(upload.filename))
    if suffix in jobs.MARKDOWN:
        return jobs.STATEMENT, data
    return f"{suffix_name}{suffix}", data


def _json_logo(value: Any, limits: Limits) -> tuple[str, bytes] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"name", "data"}:
        raise ApiError(400, '\'logo\' must be {"name": "logo.png", "data": "<base64>"}')
    name, encoded = value["name"], value["data"]
    if not isinstance(name, str) or not isinstance(encoded, str):
        raise ApiError(400, "the logo's 'name' and 'data' must be text")
    _check_size("the logo", len(encoded) * 3 // 4, limits.image_bytes + 3)
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(400, "the logo's 'data' is not base64") from None
    _check_size("the logo", len(data), limits.image_bytes)
    return _logo(name, data)


async def _logo_upload(upload: UploadFile, limits: Limits) -> tuple[str, bytes]:
    data = await _read_upload(upload, limits.image_bytes, "the logo")
    return _logo(upload.filename or "", data)


def _logo(name: str, data: bytes) -> tuple[str, bytes]:
    """The logo under a safe name (its own name's letters, digits, dots and hyphens, no
    folder), once its first bytes show it is the image its suffix says."""
    base = PurePosixPath(name.replace("\\", "/")).name
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", base).lstrip(".-") or "logo"
    suffix = PurePosixPath(safe).suffix.lower()
    if suffix not in LOGO_SUFFIXES:
        raise ApiError(
            415, f"the logo {_shown_name(name)} must be a {', '.join(LOGO_SUFFIXES)} image"
        )
    kind = _image_kind(data)
    if kind != LOGO_SUFFIXES[suffix]:
        raise ApiError(
            415, f"the logo {_shown_name(name)} is not a {LOGO_SUFFIXES[suffix].upper()} image"
        )
    # Long names are shortened in their stem: the suffix says what the image is.
    stem = safe[: -len(suffix)][: 100 - len(suffix)]
    return stem + suffix, data


def _image_kind(data: bytes) -> str | None:
    """The kind of image *data* holds, from its first bytes."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if b"<svg" in data[:4096].lower():
        return "svg"
    return None


def _shown_name(name: str | None) -> str:
    return repr(PurePosixPath((name or "").replace("\\", "/")).name[:60])
