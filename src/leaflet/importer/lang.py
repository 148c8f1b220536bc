"""Guess a statement's language from its letters and its most common little words.

Cyrillic texts are told apart by letters only one language uses (Belarusian ``ў``, Ukrainian
``і ї є ґ`` without Russian ``ы э ъ``); Latin-script texts by counting frequent function words.
A guess is all this is: the import report says how sure it is, and ``lang:`` is easy to fix.
"""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["guess_lang"]

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset({"the", "and", "of", "to", "is", "that", "in", "for", "are", "with", "this",
                     "we", "our", "be", "not", "by", "it", "as"}),
    "es": frozenset({"el", "la", "los", "las", "y", "que", "de", "del", "en", "por", "con", "una",
                     "para", "es", "se", "no", "su", "lo"}),
    "fr": frozenset({"le", "la", "les", "des", "et", "est", "du", "une", "que", "pour", "dans",
                     "au", "sur", "qui", "nous", "pas", "ce"}),
    "de": frozenset({"der", "die", "das", "und", "ist", "nicht", "mit", "ein", "eine", "den",
                     "dem", "zu", "auf", "für", "wir", "sich"}),
    "pt": frozenset({"o", "os", "as", "não", "que", "do", "da", "em", "com", "uma", "para", "são",
                     "dos", "das", "no", "na", "ao"}),
}  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def guess_lang(text: str) -> tuple[str, str]:
    """Return ``(language code, why)`` for *text*; English when there is nothing to go on."""
    letters = [char for char in text.lower() if char.isalpha()]
    cyrillic = sum(1 for char in letters if _CYRILLIC.match(char))
    if letters and cyrillic > len(letters) / 2:
        return _cyrillic_lang(Counter(letters))
    return _latin_lang(_WORD.findall(text.lower()))


def _cyrillic_lang(letters: Counter[str]) -> tuple[str, str]:
    if letters["ў"]:
        return "be", "Cyrillic with ў"
    ukrainian = letters["і"] + letters["ї"] + letters["є"] + letters["ґ"]
    russian = letters["ы"] + letters["э"] + letters["ъ"]
    if ukrainian > russian:
        return "uk", f"Cyrillic with і/ї/є ({ukrainian}) rather than ы/э/ъ ({russian})"
    return "ru", f"Cyrillic with ы/э/ъ ({russian}) rather than і/ї/є ({ukrainian})"


def _latin_lang(words: list[str]) -> tuple[str, str]:
    scores = {lang: sum(1 for w in words if w in stop) for lang, stop in _STOPWORDS.items()}
    ranked = sorted(scores, key=lambda lang: scores[lang], reverse=True)
    best, runner_up = ranked[0], ranked[1]
    if scores[best] == 0:
        return "en", "no common words recognized; English assumed"
    return best, f"{scores[best]} common {best} words against {scores[runner_up]} {runner_up}"
