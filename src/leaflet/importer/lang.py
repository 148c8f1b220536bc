"""Guess a statement's language from its script, its letters and its most common little words.

The languages are those the templates support.  The script decides first: Greek letters are
Greek; Cyrillic ones are Belarusian, Ukrainian or Russian, told apart by letters only some of
them use (Belarusian ``ў``, Ukrainian ``і ї є ґ``, Russian and Belarusian ``ы э ъ``) and by their
function words; Latin ones are scored by function words (Italian "che della il gli", Polish
"się że jest" …) plus letters that mark a language (Polish ``ą ę ł``, Portuguese ``ã õ``,
Spanish ``ñ ¿ ¡``, German ``ä ö ü ß``, French ``œ è ê``).  Deterministic and explained: the
import report says what decided, and ``lang:`` is easy to fix.
"""

from __future__ import annotations

import re
from collections import Counter

from .blocks import URL

__all__ = ["LANGUAGES", "guess_lang"]

#: Function words: frequent, short, and together telling one language from the others.
_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "en": "the and of to is that in for are with this we our be not by it as was have from "
        "they their will an or which has were who",
        "es": "el la los las y que de del en por con una para es se no su lo al como más pero "
        "sus este esta entre sin sobre también nuestra nuestro",
        "fr": "le la les de des et est du un une à que pour dans au aux sur qui nous pas ce il ne "
        "sont par avec mais cette ces leur ont été l d qu n j c",
        "de": "der die das und ist nicht mit ein eine den dem zu auf für wir sich des von im "
        "auch werden sind wird einer zur bei",
        "it": "il lo gli la le che di della delle degli dei del e è per non un una sono con si "
        "nel nella alla al anche ma come più questo questa dell l",
        "pt": "o os as não que do da em com uma para são dos das no na ao e um pela pelo mais "
        "mas seu sua também nossa nosso",
        "pl": "i w z na się nie że do to jest o jak ale dla od po przez są czy oraz który która "
        "które tak już być jego ich",
        "uk": "і й та що це не на до від як ми для або її він вона вони їх у з за але також "
        "який яка які цього є",
        "ru": "и в что это не на до от как мы для или её он она они их у с за но также "
        "который которая которые этого есть был",
        "be": "і ў што гэта не на да ад як мы для або яе ён яна яны іх у з за але таксама "
        "які якая якія быў",
        "el": "και το η ο οι τα της του των να για με που στο στη στην είναι δεν θα από ένα μια",
    }.items()
}
#: Letters that mark one language (or a few) among those of its script; each occurrence counts.
_LETTERS: dict[str, str] = {
    "es": "ñ¿¡",
    "fr": "œêëîûùç",
    "de": "äöüß",
    "it": "ìò",
    "pt": "ãõç",
    "pl": "ąęłśżźćń",
    "uk": "іїєґи",
    "ru": "ыэъи",
    "be": "ўыэі",
}
_SCRIPTS: dict[str, tuple[str, ...]] = {
    "Latin": ("en", "es", "fr", "de", "it", "pt", "pl"),
    "Cyrillic": ("uk", "ru", "be"),
    "Greek": ("el",),
}
LANGUAGES = tuple(lang for langs in _SCRIPTS.values() for lang in langs)
_WORD = re.compile(r"[^\W\d_]+")


def guess_lang(text: str) -> tuple[str, str]:
    """Return ``(language code, why)`` for *text*; English when there is nothing to go on.

    Web addresses are left out: their letters are Latin whatever the language of the text.
    """
    lowered = URL.sub(" ", text).lower()
    script = _script(lowered)
    candidates = _SCRIPTS[script]
    if len(candidates) == 1:
        return candidates[0], f"{script} script"
    letters = Counter(char for char in lowered if char.isalpha())
    words = Counter(_WORD.findall(lowered))
    scores = {
        lang: sum(words[word] for word in _STOPWORDS[lang])
        + sum(letters[letter] for letter in _LETTERS.get(lang, ""))
        for lang in candidates
    }
    ranked = sorted(candidates, key=lambda lang: scores[lang], reverse=True)
    best, runner_up = ranked[0], ranked[1]
    if scores[best] == 0:
        default = candidates[0]
        return default, f"{script} script, no common words recognized; {default} assumed"
    return best, (
        f"{script} script, {scores[best]} common {best} words and letters"
        f" against {scores[runner_up]} {runner_up}"
    )


def _script(text: str) -> str:
    """The script most letters of *text* are written in (Latin when there are none)."""
    counts: Counter[str] = Counter()
    for char in text:
        if not char.isalpha():
            continue
        if "\u0370" <= char <= "\u03ff" or "\u1f00" <= char <= "\u1fff":
            counts["Greek"] += 1
        elif "\u0400" <= char <= "\u04ff":
            counts["Cyrillic"] += 1
        else:
            counts["Latin"] += 1
    return counts.most_common(1)[0][0] if counts else "Latin"
