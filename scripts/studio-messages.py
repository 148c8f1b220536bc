"""Update the studio's message catalogues after the page's text changed.

Extracts the messages (the page's template through Jinja2's i18n extension, the script's
messages in ``leaflet.studio.i18n.SCRIPT_MESSAGES``, the library's messages the studio
translates in ``leaflet.studio.messages.LIBRARY_MESSAGES``, the format and template descriptions the
API sends) into ``src/leaflet/studio/locale/studio.pot``, then merges them into every
``<lang>/LC_MESSAGES/studio.po``: translations are kept, new messages come in untranslated
(``tests/test_studio_page.py`` fails until each has its translation), messages no longer used
are dropped.

    .venv/bin/python scripts/studio-messages.py
"""

from __future__ import annotations

from importlib.metadata import version

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from leaflet.formats import FORMATS
from leaflet.studio.api import describe_format
from leaflet.studio.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, SCRIPT_MESSAGES
from leaflet.studio.messages import LIBRARY_MESSAGES
from leaflet.studio.page import TEMPLATES_DIR
from leaflet.templates import builtin_templates

PACKAGE = "leaflet/studio"


def messages() -> list[tuple[str, str]]:
    """Every message with where it comes from, in the page's order."""
    found: list[tuple[str, str]] = []
    for template in sorted(TEMPLATES_DIR.glob("*.html.j2")):
        extracted = extract_from_file(
            "jinja2", str(template), options={"extensions": "jinja2.ext.i18n"}
        )
        found += [(str(item[1]), f"{PACKAGE}/templates/{template.name}") for item in extracted]
    found += [(message, f"{PACKAGE}/i18n.py") for message in SCRIPT_MESSAGES.values()]
    found += [(message, f"{PACKAGE}/messages.py") for message in LIBRARY_MESSAGES.values()]
    found += [(describe_format(fmt), f"{PACKAGE}/api.py") for fmt in FORMATS.values()]
    found += [
        (template.description, "leaflet/templates/manifest.toml")
        for template in builtin_templates().values()
    ]
    return found


def template_catalogue() -> Catalog:
    catalogue = Catalog(
        domain=DOMAIN,
        header_comment=(
            "# Translations template for leaflet studio.\n"
            "# Copyright (C) leaflet contributors\n"
            "# This file is distributed under the same license as the leaflet project.\n#"
        ),
        project="leaflet",
        version=version("leaflet"),
        msgid_bugs_address="",
        last_translator="",
        language_team="",
        fuzzy=False,
    )
    for message, origin in messages():
        if catalogue.get(message) is None:
            catalogue.add(message, locations=[(origin, None)])
    return catalogue


def main() -> None:
    template = template_catalogue()
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("wb") as pot:
        write_po(pot, template, width=100, include_lineno=False)
    for language in LANGUAGES:
        path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        if not path.exists():
            continue
        with path.open("rb") as po:
            catalogue = read_po(po, locale=language, domain=DOMAIN)
        catalogue.update(template, no_fuzzy_matching=True)
        with path.open("wb") as po:
            write_po(po, catalogue, width=100, include_lineno=False, ignore_obsolete=True)
        missing = [m.id for m in catalogue if m.id and not m.string]
        print(f"{path}: {len(missing)} message(s) to translate")


if __name__ == "__main__":
    main()
