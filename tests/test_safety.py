"""A statement cannot make the renderer read files outside its folder and the bundled assets,
nor reach the network, whatever HTML or URLs it contains."""

from __future__ import annotations

from pathlib import Path

import pytest

from leaflet import render
from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import load_statement
from leaflet.templates import PACKAGE_DIR

from conftest import LOOPBACK_BODY, LOOPBACK_HITS, pdf_reader, pdf_text

SECRET = LOOPBACK_BODY


@pytest.fixture
def fetched(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Every URL WeasyPrint asks for, and whether it was served."""
    calls: list[tuple[str, bool]] = []
    original = render.SafeFetcher.fetch

    def spy(self: render.SafeFetcher, url: str, headers: object = None) -> object:
        try:
            response = original(self, url, headers)
        except ValueError:
            calls.append((url, False))
            raise
        calls.append((url, True))
        return response

    monkeypatch.setattr(render.SafeFetcher, "fetch", spy)
    return calls


def hostile_statement(folder: Path, server: str) -> Path:
    outside = folder.parent / "secret.txt"
    outside.write_text(SECRET)
    (folder.parent / "secret.png").write_text(SECRET)
    source = folder / "statement.md"
    source.write_text(f"""\
---
title: "Hostile <script>alert(1)</script>"
---

Lead paragraph with <img src="file:///etc/passwd"> and <img src="{server}/inline.png">.

<script>fetch("{server}/script")</script>

<link rel="attachment" href="{outside}">
<link rel="stylesheet" href="{server}/style.css">
<style>@import url("{server}/import.css"); body {{ background: url("file://{outside}") }}</style>
<iframe src="{server}/frame"></iframe>
<object data="file:///etc/passwd"></object>
<embed src="{outside}">

![escape](../../secret.png) ![abs](file:///etc/passwd) ![remote]({server}/remote.png)
![up](../secret.png)

A [link]({server}/link) is only a link, and so is <{server}/auto>.

[^1]: Not referenced, with a URL {server}/note
""")
    return source


def test_hostile_statement_reads_nothing_outside(
    tmp_path: Path, server: str, fetched: list[tuple[str, bool]]
) -> None:
    folder = tmp_path / "statement"
    folder.mkdir()
    statement = load_statement(hostile_statement(folder, server))
    result = render_statement(statement, RenderOptions(format="a5"))

    assert LOOPBACK_HITS == []
    served = [url for url, ok in fetched if ok]
    assert served, "the bundled stylesheets and fonts should have been fetched"
    package = PACKAGE_DIR.as_uri()
    assert all(url.startswith(package) for url in served), served

    text = pdf_text(result.pdf)
    assert SECRET not in text and "root:" not in text
    reader = pdf_reader(result.pdf)
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})  # no attachments
    for page in reader.pages:
        xobjects = page["/Resources"].get_object().get("/XObject", {})
        assert not any(x.get_object().get("/Subtype") == "/Image" for x in xobjects.values())
    assert "<script" not in result.html and "<iframe" not in result.html
    assert "<object" not in result.html and "<embed" not in result.html


def test_fetcher_refuses_everything_but_its_roots(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "ok.css").write_text("p {}")
    (tmp_path / "outside.css").write_text("p {}")
    (root / "link.css").symlink_to(tmp_path / "outside.css")
    fetcher = render.SafeFetcher([root])
    response = fetcher.fetch((root / "ok.css").as_uri())
    assert response.read() == b"p {}"
    assert response.headers["Content-Type"] == "text/css"
    for url in [
        (tmp_path / "outside.css").as_uri(),
        (root / "link.css").as_uri(),  # a symlink pointing out of the root
        (root / ".." / "outside.css").as_uri(),
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.css",
        "https://example.org/x.css",
        "ftp://example.org/x",
        "file://otherhost/etc/passwd",
    ]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_even_hostile_template_html_cannot_load_or_attach(tmp_path: Path, server: str) -> None:
    """The fetcher is the last line: HTML given to WeasyPrint directly is held back too."""
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    html = (
        f'<link rel="attachment" href="{secret.as_uri()}">'
        f'<link rel="stylesheet" href="{server}/x.css">'
        f'<img src="{secret.as_uri()}"><img src="{server}/y.png"><p>hello</p>'
    )
    laid_out = render.layout(html, base_url=tmp_path / "statement", roots=[PACKAGE_DIR])
    pdf = render.write_pdf(laid_out, identifier=b"test")
    assert LOOPBACK_HITS == []
    assert SECRET.encode() not in pdf
    assert "/EmbeddedFiles" not in pdf_reader(pdf).trailer["/Root"].get("/Names", {})
