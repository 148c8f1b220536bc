"""Property tests: whatever text is pasted, the import loses no word and parses back.

Lines are built from the pieces real statements are made of (list and note markers, glued
digits, Markdown-significant characters, URLs, date lines) so the generator reaches every rule.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaflet.errors import SourceError
from leaflet.importer import import_html, import_text
from leaflet.importer.dates import parse_date_line
from leaflet.importer.lang import LANGUAGES, guess_lang
from test_import import body_text, meta_text, parse_body, split_front_matter, words

#: Superscript note numbers count as the digits they stand for.
_SUPERSCRIPT_DIGITS = {ord(s): f" {d} " for s, d in zip("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789", strict=True)}

_PREFIX = st.sampled_from(["", "", "", "1. ", "2. ", "[1] ", "- ", "– ", "> ", "a) ", "# ", "¹ "])
_TEXT = st.text(alphabet="abc XYZ 0129.,!?:#*_[]<>`\\&-|~()'\"\u00a0¹", min_size=1, max_size=30)
_SUFFIX = st.sampled_from(["", "", "!", ".", "1", "[1]", "[2]", ")2.", " https://x.org/a_b", ":"])
_LINE = st.builds(lambda prefix, text, suffix: prefix + text + suffix, _PREFIX, _TEXT, _SUFFIX)
_DOCUMENT = st.lists(
    st.one_of(_LINE, st.just(""), st.just("23 July 2024")), min_size=1, max_size=14
).map("\n".join)


def _words(text: str) -> Counter[str]:
    return words(text.translate(_SUPERSCRIPT_DIGITS))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCUMENT)
def test_no_word_is_lost(text: str) -> None:
    try:
        result = import_text(text)
    except SourceError:  # nothing but blank space: the only refusal
        assert not text.strip()
        return
    meta, body = split_front_matter(result.markdown)
    produced = _words(meta_text(meta)) + _words(body_text(parse_body(body)))
    consumed = _words(" ".join(c.text for c in result.consumed))
    missing = _words(text) - produced - consumed
    assert not missing, (missing, result.markdown)


_MARKUP = st.sampled_from(
    ["<", ">", "</", "<!--", "-->", "<![", "]]>", "<![foo[", "<?", "<!doctype", "<a ", "<a x='",
     '"', "<div>", "</div>", "<li>", "<ol start='3'>", "</ol>", "<sup>", "</sup>", "<br>", "<h1>",
     "<script>", "</script>", "<a href='https://x.org'>", "</a>", "&amp;", "&#1234;", "&", "word",
     " ", "\n"]
)  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_MARKUP, max_size=40).map("".join))
def test_any_markup_is_read_or_refused_cleanly(page: str) -> None:
    """Broken, unclosed and unknown markup never makes the HTML reader fail."""
    try:
        import_html(page)
    except SourceError:  # no visible text: the only refusal
        return


_DATE_WORDS = st.sampled_from(
    ["23", "2024", "1", "07", "July", "lipca", "Ιουλίου", "липня", "mar.", "de", "r.", "року",
     ",", ".", "-", "/", "Tuesday", "º", "1er", "Sept", "x", "12345", "ΜΑΪΟΥ"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_DATE_WORDS, max_size=8).map(" ".join))
def test_date_lines_are_dates_or_nothing(line: str) -> None:
    """A date line gives a real date in a sane range, or None; never an error."""
    date = parse_date_line(line)
    assert date is None or 1900 <= date.year <= 2199


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_language_is_always_a_supported_one(text: str) -> None:
    lang, why = guess_lang(text)
    assert lang in LANGUAGES and why
