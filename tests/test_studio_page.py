"""The studio's page as the server sends it: its HTML (labels, landmarks, nothing the
Content-Security-Policy would block), the interface language chosen from the browser's, every
message catalogue complete, and the static assets with their caching headers.  What the page
does in a browser is tests/test_studio_browser.py."""

from __future__ import annotations

import asyncio
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from starlette.applications import Starlette

from leaflet.studio import i18n, page
from leaflet.studio.i18n import LANGUAGES, SCRIPT_MESSAGES, choose_language, script_messages

PLACEHOLDER = re.compile(r"\{\w+\}")


def get(path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """GET *path* from an application holding only the page's routes."""

    async def fetch() -> httpx.Response:
        transport = httpx.ASGITransport(app=Starlette(routes=page.routes()))
        async with httpx.AsyncClient(transport=transport, base_url="http://studio") as client:
            return await client.get(path, headers=headers)

    return asyncio.run(fetch())


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and the text of its script elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._in_script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = dict(attrs)
            self.scripts.append((self._in_script, ""))

    def handle_data(self, data: str) -> None:
        if self._in_script is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = None


def parsed(html: str) -> Elements:
    elements = Elements()
    elements.feed(html)
    return elements


@pytest.mark.parametrize(
    ("accept", "asked", "chosen"),
    [
        ("uk-UA,uk;q=0.9,en-US;q=0.8,en;q=0.7", None, "uk"),
        ("es-419,es;q=0.9", None, "es"),
        ("ES", None, "es"),
        ("en;q=0.5, es", None, "es"),  # by weight, not by order
        ("de-DE,fr;q=0.9", None, "en"),  # nothing the studio has: English
        ("uk;q=0, es;q=0.1", None, "es"),  # q=0 means "not this one"
        ("", None, "en"),
        (None, None, "en"),
        ("uk", "es", "es"),  # ?lang= wins
        ("uk", "xx", "uk"),  # an unknown ?lang= is ignored
        ("garbage;;;q=zz,,", None, "en"),
    ],
)
def test_language_is_negotiated(accept: str | None, asked: str | None, chosen: str) -> None:
    assert choose_language(accept, asked) == chosen


def test_page_is_in_the_browsers_language() -> None:
    answer = get("/", headers={"Accept-Language": "uk-UA,uk;q=0.9,en;q=0.5"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["content-language"] == "uk"
    assert "Accept-Language" in answer.headers["vary"]
    assert '<html lang="uk">' in answer.text
    assert "<title>студія leaflet</title>" in answer.text
    assert "Ваша заява" in answer.text
    spanish = get("/?lang=es", headers={"Accept-Language": "uk"})
    assert '<html lang="es">' in spanish.text
    assert "Tu declaración" in spanish.text
    english = get("/", headers={"Accept-Language": "fr"})
    assert '<html lang="en">' in english.text
    assert "Your statement" in english.text


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_page_works_under_the_content_security_policy(language: str) -> None:
    html = get(f"/?lang={language}").text
    elements = parsed(html)
    # no inline script: every script either loads from the studio or is a JSON data block
    for attrs, text in elements.scripts:
        if attrs.get("src"):
            assert attrs["src"].startswith("static/")
            assert text.strip() == ""
        else:
            assert attrs.get("type") == "application/json", attrs
    # no inline style, no event handler attributes, no style elements, nothing from elsewhere
    for tag, attrs in elements.tags:
        assert tag != "style"
        assert "style" not in attrs, (tag, attrs)
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            assert not re.match(r"(https?:)?//", value), (tag, attrs)
    # the script's messages: JSON, in the page's language, every one the script may show
    (data,) = [text for attrs, text in elements.scripts if attrs.get("id") == "messages"]
    messages = json.loads(data)
    assert messages == script_messages(language)
    assert set(messages) == set(SCRIPT_MESSAGES)


def test_messages_cannot_close_their_script_element(monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = {"rendering": "</script><script>alert(1)</script>&"}
    monkeypatch.setattr(page, "script_messages", lambda language: hostile)
    html = page.render_page("en")
    elements = parsed(html)
    assert [attrs.get("id") for attrs, _ in elements.scripts] == ["messages", "descriptions", None]
    (data,) = [text for attrs, text in elements.scripts if attrs.get("id") == "messages"]
    assert json.loads(data) == hostile


def test_every_control_is_labelled_and_the_page_has_landmarks() -> None:
    elements = parsed(get("/").text)
    labelled = {attrs.get("for") for tag, attrs in elements.tags if tag == "label"}
    controls = [
        attrs
        for tag, attrs in elements.tags
        if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden"
    ]
    assert len(controls) >= 20
    unlabelled = [
        attrs for attrs in controls if attrs.get("id") not in labelled and "aria-label" not in attrs
    ]
    assert unlabelled == []
    ids = [attrs["id"] for _, attrs in elements.tags if attrs.get("id")]
    assert len(ids) == len(set(ids)), "ids are unique"
    tags = [tag for tag, _ in elements.tags]
    for landmark in ("header", "nav", "main", "footer", "h1"):
        assert landmark in tags
    assert tags.count("h2") >= 3
    # the front-matter form covers every key the statement's front matter has but the logo
    # (which the logo upload sets)
    from leaflet.source import FRONT_MATTER_KEYS

    keys = {attrs.get("data-key") for _, attrs in elements.tags if attrs.get("data-key")}
    assert keys == set(FRONT_MATTER_KEYS) - {"logo"}


def _extracted() -> set[str]:
    template = page.TEMPLATES_DIR / "studio.html.j2"
    found = {
        message
        for _, message, _, _ in extract_from_file(
            "jinja2", str(template), options={"extensions": "jinja2.ext.i18n"}
        )
    }
    assert all(isinstance(message, str) for message in found)
    return found | set(SCRIPT_MESSAGES.values())


def _catalogue(path: Path, locale: str | None = None) -> dict[str, str]:
    with path.open("rb") as po:
        catalogue = read_po(po, locale=locale)
    assert not [m.id for m in catalogue if m.id and m.fuzzy], f"{path}: fuzzy entries"
    return {str(m.id): str(m.string) for m in catalogue if m.id}


def test_template_catalogue_lists_every_message() -> None:
    listed = set(_catalogue(i18n.LOCALE_DIR / "studio.pot"))
    assert _extracted() <= listed
    # besides the page's messages, only the descriptions the API sends (formats, templates)
    descriptions = listed - _extracted()
    current = set(i18n.registry_descriptions())
    assert len(descriptions & current) >= len(current) // 2


@pytest.mark.parametrize("language", sorted(set(LANGUAGES) - {"en"}))
def test_format_and_template_descriptions_are_translated(language: str) -> None:
    html = get(f"/?lang={language}").text
    (data,) = [text for attrs, text in parsed(html).scripts if attrs.get("id") == "descriptions"]
    shown = json.loads(data)
    assert shown == i18n.description_translations(language)
    # a description the catalogue has is shown translated; one it lacks stays in English
    catalogue = _catalogue(i18n.LOCALE_DIR / language / "LC_MESSAGES" / "studio.po", language)
    for text in i18n.registry_descriptions():
        assert shown.get(text) == catalogue.get(text)
    assert i18n.description_translations("en") == {}


@pytest.mark.parametrize("language", sorted(set(LANGUAGES) - {"en"}))
def test_every_message_is_translated(language: str) -> None:
    path = i18n.LOCALE_DIR / language / "LC_MESSAGES" / "studio.po"
    catalogue = _catalogue(path, language)
    assert set(catalogue) == set(_catalogue(i18n.LOCALE_DIR / "studio.pot"))
    untranslated = [message for message, translation in catalogue.items() if not translation]
    assert untranslated == []
    # a translation keeps the fields the script fills in
    for message, translation in catalogue.items():
        assert sorted(PLACEHOLDER.findall(translation)) == sorted(PLACEHOLDER.findall(message)), (
            message
        )
    # the translations are what the page shows (made from the .po when loaded)
    translations = i18n.translations(language)
    for message, translation in catalogue.items():
        assert translations.gettext(message) == translation
    # mostly not English left as it was (product names may stay)
    same = [message for message, translation in catalogue.items() if message == translation]
    assert len(same) <= 2, same


def test_script_uses_only_messages_the_catalogue_has() -> None:
    script = (page.STATIC_DIR / "studio.js").read_text(encoding="utf-8")
    # t("key", …), or a key chosen first (key = "download_share") then shown with t(key)
    used = set(re.findall(r"\b(?:t\(\s*|key = )\"(\w+)\"", script))
    assert used
    assert used <= set(SCRIPT_MESSAGES), used - set(SCRIPT_MESSAGES)
    dynamic = {key for key in SCRIPT_MESSAGES if key.startswith("kind_")}
    assert set(SCRIPT_MESSAGES) - used - dynamic == set(), "messages no script shows"
    assert 'messages["kind_" + format.kind]' in script


def test_static_assets_are_served_with_caching_headers() -> None:
    html = get("/").text
    for name, media in (("studio.js", "javascript"), ("studio.css", "text/css")):
        linked = f"static/{name}?v={page.asset_digest(name)}"
        assert linked in html
        current = get("/" + linked)
        assert current.status_code == 200
        assert media in current.headers["content-type"]
        assert current.content == (page.STATIC_DIR / name).read_bytes()
        assert current.headers["cache-control"] == "public, max-age=31536000, immutable"
        plain = get(f"/static/{name}")
        assert plain.headers["cache-control"] == "no-cache"
        stale = get(f"/static/{name}?v=0123456789abcdef")
        assert stale.headers["cache-control"] == "no-cache"
        again = get(f"/static/{name}", headers={"If-None-Match": plain.headers["etag"]})
        assert again.status_code == 304
    assert get("/static/nothing.js").status_code == 404
    assert get("/static/../page.py").status_code == 404
