"""The studio's interface language: the message catalogues and the choice among them.

The catalogues are gettext ``.po`` files in ``locale/<lang>/LC_MESSAGES/studio.po`` (the
template ``locale/studio.pot``).  They are read with Babel and turned into a compiled catalogue
in memory when first needed, so there is no compile step and nothing is written.  The page's
template takes its strings through Jinja2's i18n extension; the strings the script shows
(status lines, errors) are listed in :data:`SCRIPT_MESSAGES` and handed to the script as JSON
from the same catalogue, and so are the translations of the format and template descriptions
the API sends in English (:func:`description_translations`: a description the catalogue does
not have yet is shown in English).  ``scripts/studio-messages.py`` updates the template and
the catalogues after the page's text changed.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from babel.core import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LOCALE_DIR",
    "SCRIPT_MESSAGES",
    "choose_language",
    "description_translations",
    "registry_descriptions",
    "script_messages",
    "translations",
]

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "studio"
DEFAULT_LANGUAGE = "en"
#: Interface languages and their own names (shown in the language switcher).
LANGUAGES: dict[str, str] = {"en": "English", "es": "Español", "uk": "Українська"}


def N_(message: str) -> str:
    """Marks *message* for extraction; translated later, when the language is known."""
    return message


#: What the script shows, by the key the script uses.  The values are the English messages
#: (the msgids); ``{…}`` fields are filled in by the script.
SCRIPT_MESSAGES: dict[str, str] = {
    "rendering": N_("Rendering the preview…"),
    "rendered": N_("Preview up to date. Pages: {pages}."),
    "render_failed": N_("The preview could not be made."),
    "busy": N_("The server is busy; trying again in a moment."),
    "timeout": N_("The render took too long and was stopped."),
    "network": N_("The studio's server cannot be reached."),
    "thumbnail_wait": N_("Waiting…"),
    "thumbnail_failed": N_("No picture"),
    "line": N_("Line {line}"),
    "go_to_line": N_("Go to line {line} in the statement"),
    "front_matter_unread": N_(
        "The front matter could not be read, so the form is not updated: {reason}"
    ),
    "no_closing": N_("the closing line --- is missing"),
    "unsupported_value": N_("the value of “{key}” is written in a way the form cannot show"),
    "page": N_("Page {page}"),
    "page_png": N_("Page {page} (PNG)"),
    "spread_alt": N_("Preview of page {page}"),
    "notes_for_page": N_("Notes on page {page}"),
    "notes_general": N_("Notes on the whole piece"),
    "download_pdf": N_("Download the PDF ({format})"),
    "download_booklet": N_("Download the booklet’s print sheets (PDF, {format})"),
    "download_posters": N_("Download the posters (PDF, {format})"),
    "download_share": N_("Download the share image (PNG, {format})"),
    "downloading": N_("Preparing the download…"),
    "downloaded": N_("Downloaded {name}."),
    "importing": N_("Reading the text…"),
    "import_failed": N_("The text could not be imported."),
    "imported": N_("Check what the importer guessed, then replace your statement."),
    "nothing_guessed": N_("The importer made no guesses."),
    "file_too_large": N_("The file is too large."),
    "logo_set": N_("Logo added: {name}"),
    "saved_nowhere": N_("Your work could not be kept in this browser (storage is full)."),
    "kind_leaflet": N_("Leaflets, booklets, folded pieces and flyers"),
    "kind_poster": N_("Posters"),
    "kind_share": N_("Share images"),
    # the statement a first visit starts with
    "sample_title": N_("Our statement’s headline"),
    "sample_lead": N_(
        "Write or paste your statement here. The first paragraph is the lead: say in two "
        "sentences what happened and what you want."
    ),
    "sample_heading": N_("What we demand"),
    "sample_body": N_("Explain the situation in plain words, with the facts and their sources."),
    "sample_demand": N_("A first demand, short and concrete"),
    "sample_slogan": N_("Together we are stronger!"),
}


def _catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The interface's catalogue in *language* (English: the messages as written)."""
    if language not in LANGUAGES or language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    with _catalogue_path(language).open("rb") as po:
        catalogue = read_po(po, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _accepted(header: str) -> list[str]:
    """The languages of an ``Accept-Language`` header, most wanted first (RFC 9110 §12.5.4)."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, _, parameters = item.strip().partition(";")
        tag = tag.strip()
        if not tag or tag == "*":
            continue
        weight = 1.0
        name, _, value = parameters.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value)
            except ValueError:
                weight = 0.0
        if weight > 0:
            ranked.append((-weight, position, tag))
    return [tag for _, _, tag in sorted(ranked)]


def choose_language(accept_language: str | None, asked: str | None = None) -> str:
    """The interface language: *asked* (the page's ``?lang=``) when the studio has it, else
    the best match for the browser's ``Accept-Language``, else English."""
    if asked in LANGUAGES:
        return asked
    preferred = _accepted(accept_language or "")
    chosen = (negotiate_locale(preferred, list(LANGUAGES), sep="-") or "").lower()
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def script_messages(language: str) -> dict[str, str]:
    """:data:`SCRIPT_MESSAGES` in *language*, for the page's script."""
    catalogue = translations(language)
    return {key: catalogue.gettext(message) for key, message in SCRIPT_MESSAGES.items()}


def registry_descriptions() -> list[str]:
    """The one-line descriptions ``/api/formats`` and ``/api/templates`` send (in English)."""
    from ..formats import FORMATS
    from ..templates import builtin_templates
    from .api import describe_format

    formats = [describe_format(fmt) for fmt in FORMATS.values()]
    return formats + [template.description for template in builtin_templates().values()]


def description_translations(language: str) -> dict[str, str]:
    """The descriptions of :func:`registry_descriptions` the catalogue of *language* translates,
    English → translation, for the page's script."""
    catalogue = translations(language)
    translated = {text: catalogue.gettext(text) for text in registry_descriptions()}
    return {text: translation for text, translation in translated.items() if translation != text}
