"""The studio's API (docs/studio-api.md) through Starlette's test client: every format
rendered and read back, every refusal with its status, the limits (413, 503, 504), the
sandbox for a hostile statement, security headers, the token, and the serve command."""

from __future__ import annotations

import asyncio
import base64
import gc
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from leaflet.commands.serve_cmd import (
    exposure_warning,
    is_loopback,
    should_open_browser,
    studio_url,
)
from leaflet.errors import SourceError
from leaflet.formats import FORMATS
from leaflet.share import pixel_size
from leaflet.studio.app import (
    CONTENT_SECURITY_POLICY,
    LOOPBACK_HOSTS,
    StudioSettings,
    create_app,
)
from leaflet.studio.pool import PENDING, JobFailed, JobTimeout, Pool, PoolSettings
from studio_fixtures import studio_server  # noqa: F401  (a fixture)

from conftest import LOOPBACK_BODY, LOOPBACK_HITS, pdf_reader, pdfium_text, run_cli

with warnings.catch_warnings():  # Starlette asks for httpx2, which is not installed
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

STATEMENT = """---
title: "Quorum for the bus garage"
date: 2025-05-01
slogans:
  - "Keep Zanzibarite routes public"
contact: "Thursdays, 7 pm, Union Hall"
---

The council wants to sell the Zanzibarite depot. We say no, and we ask every rider to come
to the meeting.

## What we ask

Keep the depot, keep the routes, keep the drivers.
"""

MiB = 1 << 20


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(StudioSettings(workers=2, warm_up=False))) as test_client:
        yield test_client


def folders_left(client: TestClient) -> list[str]:
    """What is left of the requests' files (each job's folder is removed when it ends)."""
    pool: Pool = client.app.state.pool  # type: ignore[attr-defined]
    assert pool.folders is not None
    return sorted(path.name for path in pool.folders.iterdir())


def listed(folder: str) -> tuple[str, list[str], int]:
    """A job run in a pool's worker folder: that folder, its files, its mode."""
    path = Path(folder)
    return folder, sorted(item.name for item in path.iterdir()), path.stat().st_mode & 0o777


def failing(folder: str) -> None:
    raise SourceError(f"cannot read {folder}/statement.md", None, 2)


def test_a_jobs_files_are_in_a_fresh_folder_of_its_workers_and_removed() -> None:
    pool = Pool(PoolSettings(workers=1, queue=0, warm_up=None))
    try:
        files = {"statement.md": b"---\ntitle: x\n---\n", "logo.png": b"\x89PNG"}
        (first, names, mode), _ = asyncio.run(pool.run(listed, files=files))
        assert names == ["logo.png", "statement.md"] and mode == 0o700
        assert pool.folders is not None and Path(first).parent == pool.folders
        assert pool.folders.stat().st_mode & 0o777 == 0o700
        assert list(pool.folders.iterdir()) == []  # removed when the job ended
        # the worker's next job: a folder of the same name, made anew (no file of the last)
        (again, names, _), _ = asyncio.run(pool.run(listed, files={"statement.md": b"x"}))
        assert again == first and names == ["statement.md"]
        # the folder's path is never in what a job says
        with pytest.raises(JobFailed) as failed:
            asyncio.run(pool.run(failing, files={"statement.md": b"x"}))
        assert failed.value.message == "cannot read statement.md"
        folders = pool.folders
    finally:
        pool.close()
    assert not folders.exists()


def garbage(count: int) -> int:
    """A job leaving *count* objects in reference cycles (a render's boxes and styles): the
    objects the collector has yet to look at when it ends."""
    for _ in range(count):
        cycle: list[Any] = []
        cycle.append(cycle)
    return gc.get_count()[0]


def collector() -> tuple[int, int, int]:
    """What a worker's collector stands at when a job starts: the objects it has yet to look
    at, the objects it never looks at again, its threshold for the young ones."""
    return gc.get_count()[0], gc.get_freeze_count(), gc.get_threshold()[0]


def test_a_worker_collects_a_jobs_garbage_after_answering_it_unless_jobs_wait() -> None:
    pool = Pool(PoolSettings(workers=1, queue=0, warm_up=None))
    try:
        # What the worker loaded before its first job is never scanned again; a job's garbage
        # is not collected while the job runs (up to a bound far above a render's).
        (pending, frozen, threshold), _ = asyncio.run(pool.run(collector))
        assert frozen > 1000 and threshold == PENDING > 100_000
        left, _ = asyncio.run(pool.run(garbage, 50_000))
        assert left > 40_000
        # Answered with no job waiting: collected before the next job starts.
        (pending, _, _), _ = asyncio.run(pool.run(collector))
        assert pending < 1_000
        # With jobs waiting behind it, the worker goes on to the next at once.
        (worker,) = pool._workers
        limits = pool.settings.limits
        worker.call(garbage, (50_000,), limits, queued=True)
        outcome = worker.call(collector, (), limits)
        assert outcome.value[0] > 40_000
    finally:
        pool.close()


def png_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        return image.size


def data_url_png(url: str) -> bytes:
    prefix = "data:image/png;base64,"
    assert url.startswith(prefix)
    return base64.b64decode(url.removeprefix(prefix))


# --- reading ---------------------------------------------------------------------------------


def test_formats_are_the_registry_in_order_each_explained(client: TestClient) -> None:
    answer = client.get("/api/formats")
    assert answer.status_code == 200
    formats = answer.json()
    assert [entry["name"] for entry in formats] == list(FORMATS)
    for entry in formats:
        assert set(entry) >= {"name", "kind", "description", "pages", "paper", "imposed"}
        assert entry["description"] and "\n" not in entry["description"]
    by_name = {entry["name"]: entry for entry in formats}
    assert by_name["a5-fold"]["description"].startswith("A5 booklet: A4 sheets")
    assert "stapled" in by_name["a5-fold"]["description"]
    assert by_name["a5-fold"]["imposed"] and not by_name["a5"]["imposed"]
    assert by_name["dl-trifold"]["pages"] == 6 and by_name["a4"]["pages"] is None
    assert by_name["share-square"]["kind"] == "share"


def test_templates_are_the_built_in_ones(client: TestClient) -> None:
    from leaflet.templates import builtin_templates

    templates = client.get("/api/templates").json()
    assert [entry["name"] for entry in templates] == list(builtin_templates())
    assert all(entry["description"] for entry in templates)


# --- rendering every format ------------------------------------------------------------------


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_format_renders_through_the_api(client: TestClient, name: str) -> None:
    fmt = FORMATS[name]
    answer = client.post("/api/render", json={"source": STATEMENT, "format": name})
    assert answer.status_code == 200, answer.text
    disposition = answer.headers["content-disposition"]
    if fmt.kind == "share":
        assert answer.headers["content-type"] == "image/png"
        assert f'filename="quorum-for-the-bus-garage-{name}.png"' in disposition
        assert png_size(answer.content) == pixel_size(fmt)
        return
    assert answer.headers["content-type"] == "application/pdf"
    assert f'filename="quorum-for-the-bus-garage-{name}.pdf"' in disposition
    pages = int(answer.headers["x-leaflet-pages"])
    sides = len(pdf_reader(answer.content).pages)
    if fmt.imposed:
        assert fmt.page_rule.padded(pages) == pages <= (fmt.max_pages or pages) and sides >= 1
    else:
        assert sides == pages >= 1
    text = pdfium_text(answer.content)
    # Posters carry the slogans, the others the text as well.
    assert "Zanzibarite" in text.replace("\n", " ").replace("\r", "")


def test_preview_of_a_booklet_is_its_pages_in_reading_order_as_spreads(client: TestClient) -> None:
    answer = client.post(
        "/api/preview", json={"source": STATEMENT, "format": "a5-fold", "width": 300}
    )
    assert answer.status_code == 200, answer.text
    preview = answer.json()
    assert preview["format"] == "a5-fold" and preview["template"] == "classic"
    count = preview["page_count"]
    assert count % 4 == 0 and len(preview["pages"]) == count
    assert preview["spreads"][0] == [1] and preview["spreads"][1] == [2, 3]
    assert sorted(page for spread in preview["spreads"] for page in spread) == list(
        range(1, count + 1)
    )
    for page in preview["pages"]:
        width, height = png_size(data_url_png(page["png"]))
        assert (width, height) == (page["width"], page["height"]) and width == 300
        assert 1.3 < height / width < 1.5  # an A5 page, not an A4 sheet of two
    assert isinstance(preview["scale"], float)


def test_preview_of_the_first_page_only_and_of_a_flat_format(client: TestClient) -> None:
    press = {"marks": True, "bleed": "5mm", "pdf_variant": "pdf/x-4"}
    answer = client.post(
        "/api/preview",
        json={"source": STATEMENT, "format": "a4", "template": "zine", "width": 120,
              "first_page_only": True, "options": press},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    preview = answer.json()
    assert len(preview["pages"]) == 1 and preview["spreads"] is None
    page = preview["pages"][0]
    assert page["width"] == 120 and preview["template"] == "zine"
    # A thumbnail is the page as designed: no bleed nor marks around it.
    assert abs(page["height"] / page["width"] - 297 / 210) < 0.02
    answer = client.post(
        "/api/preview", json={"source": STATEMENT, "format": "a4", "width": 120, "options": press}
    )
    page = answer.json()["pages"][0]
    assert abs(page["height"] / page["width"] - 297 / 210) > 0.02


def test_preview_pictures_are_the_pages_as_the_library_renders_them(client: TestClient) -> None:
    import pypdfium2
    from PIL import ImageChops, ImageStat

    from leaflet.pipeline import RenderOptions, render_statement
    from leaflet.source import parse_statement

    answer = client.post("/api/preview", json={"source": STATEMENT, "format": "a5", "width": 400})
    assert answer.status_code == 200, answer.text
    pages = answer.json()["pages"]
    pdf = render_statement(parse_statement(STATEMENT), RenderOptions(format="a5")).pdf
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) == len(pages)
    for index, page in enumerate(pages):
        data = data_url_png(page["png"])
        with Image.open(io.BytesIO(data)) as picture:
            assert picture.mode == "P"  # a palette: a third of an RGB picture's bytes
            shown = picture.convert("RGB")
        drawn = document[index]
        expected = drawn.render(scale=400 / drawn.get_width()).to_pil().convert("RGB")
        assert shown.size == expected.size
        difference = ImageStat.Stat(ImageChops.difference(shown, expected))
        assert max(difference.mean) < 1.0  # levels of 255, on average over the page
        assert shown.getpixel((2, 2)) == expected.getpixel((2, 2)) == (255, 255, 255)
    document.close()


def test_preview_gives_warnings_with_their_line_and_notes_with_their_page(
    client: TestClient,
) -> None:
    source = STATEMENT + "\n[^unused]: A note nothing refers to.\n"
    answer = client.post("/api/preview", json={"source": source, "format": "a5"})
    assert answer.status_code == 200, answer.text
    warnings_ = answer.json()["warnings"]
    unused = [warning for warning in warnings_ if "unused" in warning["text"]]
    assert unused and unused[0]["line"] == source.count("\n")  # the last line
    assert all(tempfile.gettempdir() not in warning["text"] for warning in warnings_)
    for note in answer.json()["notes"]:
        assert isinstance(note["page"], int) and note["text"]


def test_job_ticket(client: TestClient) -> None:
    answer = client.post(
        "/api/job", json={"source": STATEMENT, "format": "a5-fold", "options": {"marks": True}}
    )
    assert answer.status_code == 200, answer.text
    ticket = answer.json()
    assert ticket["text"].startswith("Print job: quorum-for-the-bus-garage-a5-fold.pdf")
    assert "crop marks: yes" in ticket["text"]
    assert ticket["json"]["crop_marks"] is True and ticket["json"]["pages"] % 4 == 0


def test_options_reach_the_render(client: TestClient) -> None:
    options = {"bleed": "3mm", "marks": True, "pdf_variant": "pdf/x-4", "paper": "uncoated",
               "deliver": "pages", "strict": False, "pages": 4}  # fmt: skip
    answer = client.post(
        "/api/render", json={"source": STATEMENT, "format": "a5-fold", "options": options}
    )
    assert answer.status_code == 200, answer.text
    reader = pdf_reader(answer.content)
    assert len(reader.pages) == 4  # delivered as pages, not sheets
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_a_statement_uploaded_as_a_file_with_a_logo(client: TestClient) -> None:
    logo = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 0, 0)).save(logo, format="PNG")
    source = STATEMENT.replace("---\n\n", "logo: my-logo.png\n---\n\n", 1)
    answer = client.post(
        "/api/render",
        data={"format": "a5", "options": json.dumps({"marks": False})},
        files={
            "statement": ("statement.md", source.encode(), "text/markdown"),
            "logo": ("my logo.png", logo.getvalue(), "image/png"),
        },
    )
    assert answer.status_code == 422  # the logo is saved under a safe name: my_logo.png
    assert "my-logo.png" in answer.json()["error"]
    answer = client.post(
        "/api/render",
        data={"format": "a5"},
        files={
            "statement": ("statement.md", source.encode(), "text/markdown"),
            "logo": ("my-logo.png", logo.getvalue(), "image/png"),
        },
    )
    assert answer.status_code == 200, answer.text
    page = pdf_reader(answer.content).pages[0]
    assert len(page.images) >= 1
    # A long name is shortened in its stem: it keeps saying what the image is.
    shortened = "l" * 96 + ".png"
    answer = client.post(
        "/api/render",
        data={"format": "a5"},
        files={
            "statement": ("statement.md", source.replace("my-logo.png", shortened).encode()),
            "logo": ("l" * 120 + ".png", logo.getvalue(), "image/png"),
        },
    )
    assert answer.status_code == 200, answer.text
    assert len(pdf_reader(answer.content).pages[0].images) >= 1
    assert folders_left(client) == []  # every request's folder removed


def test_plain_text_and_web_pages_are_imported(client: TestClient) -> None:
    text = "Save the depot\n\nThe council wants to sell it. We say no.\n"
    answer = client.post("/api/import", json={"text": text, "kind": "txt"})
    assert answer.status_code == 200, answer.text
    imported = answer.json()
    assert "title: Save the depot" in imported["source"]
    assert imported["report"] and isinstance(imported["guesses"], list)
    page = b"<html><body><h1>Save the depot</h1><p>We say no.</p></body></html>"
    answer = client.post("/api/import", files={"statement": ("page.html", page, "text/html")})
    assert answer.status_code == 200, answer.text
    assert "We say no." in answer.json()["source"]
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_heading("Save the depot", level=1)
    document.add_paragraph("The council wants to sell it. We say no.")
    buffer = io.BytesIO()
    document.save(buffer)
    answer = client.post(
        "/api/import", files={"statement": ("appeal.docx", buffer.getvalue(), "application/zip")}
    )
    assert answer.status_code == 200, answer.text
    assert "title: Save the depot" in answer.json()["source"]
    # a .txt upload to render goes through the importer first
    answer = client.post(
        "/api/render",
        data={"format": "a5"},
        files={"statement": ("mine.txt", text.encode(), "text/plain")},
    )
    assert answer.status_code == 200, answer.text
    assert "depot" in pdfium_text(answer.content)


# --- refusals ----------------------------------------------------------------------------------


def _json(**fields: Any) -> dict[str, Any]:
    return {"source": STATEMENT, "format": "a5", **fields}


REFUSED: list[tuple[str, dict[str, Any], int, str]] = [
    ("not JSON", {"content": b"{nope", "headers": {"content-type": "application/json"}}, 400,
     "not JSON"),
    ("a list", {"json": [1, 2]}, 400, "JSON object"),
    ("no source", {"json": {"format": "a5"}}, 400, "'source'"),
    ("unknown field", {"json": _json(colour="red")}, 400, "'colour'"),
    ("unknown option", {"json": _json(options={"bleeding": "3mm"})}, 400, "'bleeding'"),
    ("bad pages", {"json": _json(options={"pages": "four"})}, 400, "'pages'"),
    ("bad bleed", {"json": _json(options={"bleed": "3 parsecs"})}, 400, "bleed"),
    ("bad flag", {"json": _json(options={"marks": "yes"})}, 400, "'marks'"),
    ("bad variant", {"json": _json(options={"pdf_variant": "pdf/z"})}, 400, "pdf_variant"),
    ("unknown format", {"json": _json(format="a0-scroll")}, 400, "unknown format"),
    ("template folder", {"json": _json(template="/etc")}, 400, "unknown template"),
    ("template path", {"json": _json(template="../classic")}, 400, "unknown template"),
    ("bad width", {"json": _json(width=10**6)}, 400, "'width'"),
    ("share pages", {"json": _json(format="share-square", options={"pages": 2})}, 400,
     "--pages"),
    ("bad logo", {"json": _json(logo={"name": "x.png", "data": "%%%"})}, 400, "base64"),
    ("form", {"content": b"source=x", "headers": {"content-type":
     "application/x-www-form-urlencoded"}}, 415, "JSON"),
    ("statement kind", {"files": {"statement": ("s.exe", b"MZ", "application/octet-stream")}},
     415, "'s.exe'"),
    ("logo kind", {"json": _json(logo={"name": "x.pdf", "data": "JVBERg=="})}, 415, "logo"),
    ("logo lies", {"json": _json(logo={"name": "x.png", "data": "R0lGODlhAQABAAAAACw="})}, 415,
     "not a PNG"),
    ("front matter", {"json": _json(source="---\ntitle: [unclosed\n---\n\nText.\n")}, 422, ""),
    ("footnote", {"json": _json(source="---\ntitle: T\n---\n\nText.[^x]\n")}, 422,
     "never defined"),
    ("logo outside", {"json": _json(source="---\ntitle: T\nlogo: /etc/passwd\n---\n\nText.\n")},
     422, "logo"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("request_args", "status", "mentions"),
    [case[1:] for case in REFUSED],
    ids=[case[0] for case in REFUSED],
)
def test_bad_requests_are_refused_with_one_line(
    client: TestClient, request_args: dict[str, Any], status: int, mentions: str
) -> None:
    answer = client.post("/api/render", **request_args)
    assert answer.status_code == status, answer.text
    error = answer.json()
    assert set(error) >= {"error", "line"} and "\n" not in error["error"]
    assert mentions in error["error"]
    assert "Traceback" not in answer.text and tempfile.gettempdir() not in answer.text
    assert folders_left(client) == []


def test_a_statement_error_names_its_line(client: TestClient) -> None:
    source = "---\ntitle: T\n---\n\nText.\n\nMore text.[^x]\n"
    answer = client.post("/api/preview", json={"source": source, "format": "a5"})
    assert answer.status_code == 422
    assert answer.json()["line"] == 7


def test_job_tickets_are_refused_for_pictures(client: TestClient) -> None:
    answer = client.post("/api/job", json={"source": STATEMENT, "format": "share-story"})
    assert answer.status_code == 400 and "job ticket" in answer.json()["error"]


def test_unknown_addresses_and_methods_answer_json(client: TestClient) -> None:
    answer = client.get("/api/nothing")
    assert answer.status_code == 404 and "error" in answer.json()
    answer = client.get("/api/render")
    assert answer.status_code == 405 and "error" in answer.json()


# --- size limits -------------------------------------------------------------------------------


def test_statements_over_a_megabyte_are_refused(client: TestClient) -> None:
    source = STATEMENT + "word " * (MiB // 5 + 10)
    answer = client.post("/api/preview", json={"source": source, "format": "a5"})
    assert answer.status_code == 413 and "statement" in answer.json()["error"]
    answer = client.post(
        "/api/render", files={"statement": ("big.txt", source.encode(), "text/plain")}
    )
    assert answer.status_code == 413


def test_images_over_five_megabytes_are_refused(client: TestClient) -> None:
    big = b"\x89PNG\r\n\x1a\n" + bytes(5 * MiB)
    answer = client.post(
        "/api/render",
        data={"source": STATEMENT},
        files={"logo": ("logo.png", big, "image/png")},
    )
    assert answer.status_code == 413 and "logo" in answer.json()["error"]
    answer = client.post(
        "/api/render", json=_json(logo={"name": "logo.png", "data": base64.b64encode(big).decode()})
    )
    assert answer.status_code == 413


def test_a_body_too_large_is_stopped_while_it_arrives(client: TestClient) -> None:
    """Driven as the server drives the application: a body without a length, a megabyte at a
    time, is answered 413 after the limit, not read to its end."""
    app = create_app(StudioSettings(workers=1, warm_up=False))
    received: list[int] = []
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        received.append(MiB)
        return {"type": "http.request", "body": b" " * MiB, "more_body": len(received) < 64}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "method": "POST", "path": "/api/render", "raw_path": b"/api/render",
        "query_string": b"", "headers": [(b"content-type", b"application/json")],
        "http_version": "1.1", "scheme": "http", "server": ("studio", 80),
        "client": ("127.0.0.1", 1), "root_path": "", "asgi": {"version": "3.0"},
    }  # fmt: skip
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 413
    assert b"larger than" in b"".join(message.get("body", b"") for message in sent[1:])
    assert len(received) < 16
    answer = client.post(
        "/api/render",
        content=b"{}",
        headers={"content-type": "application/json", "content-length": str(100 * MiB)},
    )
    assert answer.status_code == 413


# --- a busy pool, a time limit -----------------------------------------------------------------


def test_a_full_pool_answers_503_and_a_render_past_its_time_limit_504() -> None:
    app = create_app(StudioSettings(workers=1, queue=0, time_limit=0.4, warm_up=False))
    pool = app.state.pool
    with TestClient(app) as client:
        busy = threading.Thread(target=lambda: asyncio.run(pool.run(time.sleep, 3)))
        busy.start()
        deadline = time.monotonic() + 10
        while pool.in_flight < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        answer = client.post("/api/preview", json=_json())
        assert answer.status_code == 503
        assert int(answer.headers["retry-after"]) > 0 and "busy" in answer.json()["error"]
        busy.join()

        # The library's watchdog stops the render: the worker lives on.
        long_text = STATEMENT + "\n\nAnother paragraph of the statement, again.\n" * 400
        worker = pool._workers[0].process.pid
        answer = client.post("/api/preview", json=_json(source=long_text, format="a4-fold"))
        assert answer.status_code == 504 and "0.4 s" in answer.json()["error"]
        assert pool._workers[0].process.pid == worker

        # Work the watchdog cannot interrupt (a long C call): the worker is killed, replaced.
        started = time.monotonic()
        with pytest.raises(JobTimeout):
            asyncio.run(pool.run(time.sleep, 60))
        assert time.monotonic() - started < 15
        assert pool._workers[0].process.pid != worker
        value, _ = asyncio.run(pool.run(abs, -3))
        assert value == 3

        # A worker that dies (out of memory, a crash in a library) is replaced too.
        worker = pool._workers[0].process.pid
        with pytest.raises(JobFailed) as failed:
            asyncio.run(pool.run(os._exit, 3))
        assert failed.value.status == 422
        assert pool._workers[0].process.pid != worker
        assert asyncio.run(pool.run(abs, -4))[0] == 4

        # A worker's memory is bounded: a job that asks for more fails, the worker lives on.
        worker = pool._workers[0].process.pid
        with pytest.raises(JobFailed, match="more memory"):
            asyncio.run(pool.run(bytearray, 3 << 30))
        assert pool._workers[0].process.pid == worker

        # A worker's answer is read as plain data only: one naming a class is refused, and
        # the worker that sent it replaced.
        with pytest.raises(JobFailed, match="unexpected answer"):
            asyncio.run(pool.run(Fraction, 1, 3))
        assert pool._workers[0].process.pid != worker
        assert asyncio.run(pool.run(divmod, 7, 2))[0] == (3, 1)
        processes = [worker.process for worker in pool._workers]
    assert processes and not any(process.is_alive() for process in processes)


# --- the sandbox -------------------------------------------------------------------------------


def test_a_hostile_statement_reaches_no_network_and_no_server_file(
    client: TestClient, server: str
) -> None:
    source = f"""---
title: "Hostile"
---

![remote]({server}/image.png) ![passwd](/etc/passwd) ![file](file:///etc/passwd)
![up](../../../../etc/passwd)

A [link]({server}/link) and <img src="{server}/raw.png"> and
<link rel="stylesheet" href="{server}/style.css"> <style>@import url({server}/i.css);</style>
<iframe src="file:///etc/passwd"></iframe> <object data="{server}/o"></object>
"""
    for endpoint in ("/api/render", "/api/preview"):
        answer = client.post(endpoint, json={"source": source, "format": "a5"})
        assert answer.status_code in (200, 422), answer.text
        body = answer.content
        if answer.headers["content-type"] == "application/pdf":
            body += pdfium_text(answer.content).encode()
        assert b"root:" not in body and LOOPBACK_BODY.encode() not in body
    answer = client.post(
        "/api/render",
        json={"source": "---\ntitle: T\nlogo: ../../etc/passwd\n---\n\nText.\n", "format": "a5"},
    )
    assert answer.status_code == 422
    assert LOOPBACK_HITS == []


def test_no_statement_text_is_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    marker = "Quixotryplasm"
    caplog.set_level("DEBUG")
    good = STATEMENT.replace("Keep the depot", marker) + "\n[^n]: unused note " + marker + "\n"
    bad = f"---\ntitle: {marker}\n---\n\n{marker}.[^missing]\n"
    for source in (good, bad):
        client.post("/api/preview", json={"source": source, "format": "a5"})
        client.post("/api/render", json={"source": source, "format": "a5"})
    client.post("/api/import", json={"text": f"{marker}\n\n{marker} text.\n"})
    assert marker not in caplog.text
    captured = capfd.readouterr()
    assert marker not in captured.out + captured.err


# --- headers, token, cross-site requests ----------------------------------------------------


def test_security_headers_on_every_answer(client: TestClient) -> None:
    answers = [
        client.get("/"),
        client.get("/api/formats"),
        client.get("/api/nothing"),
        client.post("/api/render", json={"format": "a5"}),
        client.post("/api/render", content=b"{}", headers={"content-length": str(100 * MiB)}),
    ]
    for answer in answers:
        assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert "script-src" not in CONTENT_SECURITY_POLICY  # 'self' only: no inline script
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "no-referrer"
        assert answer.headers["x-frame-options"] == "DENY"
        assert "set-cookie" not in answer.headers
    assert answers[1].headers["cache-control"] == "no-store"


def test_a_token_guards_the_api_but_not_the_page() -> None:
    client = TestClient(create_app(StudioSettings(workers=1, token="s3cret", warm_up=False)))
    assert client.get("/").status_code == 200
    refused = client.get("/api/formats")
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    assert client.get("/api/formats", headers={"x-leaflet-token": "wrong"}).status_code == 401
    assert client.get("/api/formats", headers={"x-leaflet-token": "s3cret"}).status_code == 200
    bearer = {"authorization": "Bearer s3cret"}
    assert client.get("/api/formats", headers=bearer).status_code == 200


def test_a_studio_on_loopback_answers_only_to_its_own_names() -> None:
    """A page whose name was made to point at 127.0.0.1 (DNS rebinding) is refused."""
    app = create_app(StudioSettings(workers=1, warm_up=False, allowed_hosts=LOOPBACK_HOSTS))
    client = TestClient(app)
    for host in ("127.0.0.1:8000", "localhost", "[::1]:8000"):
        assert client.get("/api/formats", headers={"host": host}).status_code == 200
    for host in ("evil.example", "evil.example:8000", "127.0.0.1.evil.example"):
        answer = client.get("/api/formats", headers={"host": host})
        assert answer.status_code == 400 and "own address" in answer.json()["error"]
        assert client.get("/", headers={"host": host}).status_code == 400


def test_requests_from_other_sites_are_refused(client: TestClient) -> None:
    answer = client.post("/api/render", json=_json(), headers={"sec-fetch-site": "cross-site"})
    assert answer.status_code == 403
    same = client.get("/api/formats", headers={"sec-fetch-site": "same-origin"})
    assert same.status_code == 200


# --- the server process, the command -------------------------------------------------------


def test_the_server_process_never_loads_weasyprint() -> None:
    code = (
        "import sys\n"
        "from leaflet.studio.app import create_app\n"
        "from leaflet.commands import serve_cmd\n"
        "create_app()\n"
        "print(sorted(m for m in ('weasyprint', 'pypdf', 'pypdfium2') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_serve_help() -> None:
    with pytest.raises(SystemExit) as caught:
        run_cli("serve", "--help")
    assert caught.value.code == 0
    result = subprocess.run(
        [sys.executable, "-m", "leaflet", "serve", "--help"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0
    for option in ("--host", "--port", "--workers", "--token", "--no-browser"):
        assert option in result.stdout


def test_serve_warns_when_reachable_from_other_computers_without_a_token() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    assert exposure_warning("127.0.0.1", None) is None
    assert exposure_warning("0.0.0.0", "token") is None
    warning = exposure_warning("0.0.0.0", None)
    assert warning is not None and "\n" not in warning
    assert "anyone who can reach" in warning
    assert studio_url("127.0.0.1", 8000, None) == "http://127.0.0.1:8000/"
    assert studio_url("0.0.0.0", 80, "a b") == "http://127.0.0.1:80/#token=a%20b"
    assert studio_url("::1", 8000, None) == "http://[::1]:8000/"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_browser_opens_only_on_a_desktop() -> None:
    desktop = {"DISPLAY": ":0"}
    assert should_open_browser(False, _Terminal(), desktop)
    assert should_open_browser(False, _Terminal(), {"WAYLAND_DISPLAY": "wayland-0"})
    assert not should_open_browser(True, _Terminal(), desktop)
    assert not should_open_browser(False, io.StringIO(), desktop)
    assert not should_open_browser(False, _Terminal(), {})


def test_serve_refuses_a_port_in_use_in_one_line() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port), "--no-browser")
    assert result.code == 2
    assert result.err.startswith("leaflet: error: cannot listen on 127.0.0.1 port")


def test_the_real_server_answers(studio_server: str) -> None:  # noqa: F811
    answer = httpx.get(f"{studio_server}/api/formats", timeout=30)
    assert answer.status_code == 200
    assert [entry["name"] for entry in answer.json()] == list(FORMATS)
    assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    answer = httpx.post(
        f"{studio_server}/api/preview",
        json={"source": STATEMENT, "format": "a5", "first_page_only": True, "width": 200},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["pages"][0]["width"] == 200
