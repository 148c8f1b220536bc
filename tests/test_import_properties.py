"""Property tests: whatever text is pasted, the import loses no word and parses back.

Lines are built from the pieces real statements are made of (list and note markers, glued
digits, Markdown-significant characters, URLs, date lines) so the generator reaches every rule.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leaflet.errors import SourceError
from leaflet.importer import import_text
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
