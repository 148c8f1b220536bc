"""Lines broken once per layout: WeasyPrint's first-line search, remembered within one layout.

WeasyPrint finds where a line of text breaks with ``split_first_line`` (a Pango layout of the
text at the available width).  Within one layout the same text is broken at the same width
again and again: balancing columns lays a column's content out ten times at different
heights, a page that does not hold its content is made anew, a box's preferred width is
measured before its lines are set.  On a two-column A4 page 85–90 % of these calls repeat one
made before in the same layout, and the calls take 40 % of its time.

Within :func:`remembered_lines` (the typesetter's layouts), a call with the same arguments as
one before in the same layout — the same text, the same style object, the same width — gets
the answer of the first, not a new Pango layout.  The answer is what WeasyPrint computes from
those arguments alone (Pango's line breaking is deterministic), so the pages are the same, to
the byte.  Each caller gets its own copy of the answer's text layout (drawing may change the
text of one, for an ellipsis).  Style objects are keyed by identity and kept alive with the
memo, which ends with the layout: no identity is reused while it lives, and no style of one
document meets another's.

Answers are also remembered across layouts and documents, in this process: the layouts of a
fit search at one scale, the back page's, the repair's, the next render of an edited statement
(``--watch``, the studio's previews, editions) break most of their lines as a layout before
did.  There the style is known by the values of the properties WeasyPrint's line breaking
reads (:data:`TEXT_PROPERTIES`, read from its ``text/line_break.py`` and ``text/fonts.py``) and
by its font configuration (the same object: the style cache shares it), so this memo is used
only with the WeasyPrint those files come from (their source is compared, as for
:mod:`leaflet.columns`); with another, answers are remembered within a layout only.  It holds at
most :data:`SHARED_CHARACTERS` characters of text, the oldest answers dropped first.

Outside such a block, and in other threads, WeasyPrint's function runs as before.  Used only
when WeasyPrint's function takes the arguments this was made for (its signature is compared).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import inspect
import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from weasyprint.layout import inline as _inline
from weasyprint.layout import preferred as _preferred
from weasyprint.text import fonts as _fonts
from weasyprint.text import line_break as _line_break

__all__ = ["forget", "remembered_lines"]

#: The parameters of WeasyPrint's ``split_first_line`` this module was made for.
PARAMETERS = (
    "text",
    "style",
    "context",
    "max_width",
    "justification_spacing",
    "is_line_start",
    "minimum",
)

#: The computed properties WeasyPrint's line breaking reads (``style[…]`` in its
#: ``text/line_break.py`` and ``text/fonts.py``), besides the style's font configuration.
TEXT_PROPERTIES = (
    "direction",
    "font_family",
    "font_feature_settings",
    "font_kerning",
    "font_language_override",
    "font_size",
    "font_stretch",
    "font_style",
    "font_variant_alternates",
    "font_variant_caps",
    "font_variant_east_asian",
    "font_variant_ligatures",
    "font_variant_numeric",
    "font_variant_position",
    "font_variation_settings",
    "font_weight",
    "hyphenate_character",
    "hyphenate_limit_chars",
    "hyphenate_limit_zone",
    "hyphens",
    "lang",
    "letter_spacing",
    "line_height",
    "overflow_wrap",
    "tab_size",
    "text_decoration_line",
    "white_space",
    "word_break",
    "word_spacing",
)
#: SHA-256 of the source of WeasyPrint's ``text/line_break.py`` and ``text/fonts.py`` that
#: :data:`TEXT_PROPERTIES` was read from (WeasyPrint 70.0).
SOURCES_SHA256 = "782ea6b9a7c9609582ccd2f932ba2e953bb675e1e1efca31f0d2a86e22622f08"
#: Characters of text, and answers, the memo shared by layouts holds at most (a few
#: megabytes; a long statement's layouts make a few thousand answers).
SHARED_CHARACTERS = 2_000_000
SHARED_ANSWERS = 20_000

_ORIGINAL: Callable[..., Any] = _line_break.split_first_line
_STATE = threading.local()

Answer = tuple[Any, ...]


class _Shared:
    """Answers by the values of the style (see the module), the oldest dropped first.  A
    style's values (its font configuration's identity among them) are numbered once; numbers
    are never given twice, and the answers go with the numbers when there are too many."""

    def __init__(
        self,
        characters: int = SHARED_CHARACTERS,
        styles: int = 20_000,
        answers: int = SHARED_ANSWERS,
    ) -> None:
        self.limit = characters
        self.most_answers = answers
        self.most_styles = styles
        self.held = 0
        self.answers: OrderedDict[tuple[Any, ...], tuple[Any, Answer]] = OrderedDict()
        self.styles: dict[tuple[Any, ...], int] = {}
        self.numbers = itertools.count()
        self.lock = threading.Lock()

    def number(self, values: tuple[Any, ...]) -> int:
        """The number of a style with these *values* (TypeError: a value is no key)."""
        with self.lock:
            found = self.styles.get(values)
            if found is None:
                if len(self.styles) >= self.most_styles:
                    self.styles.clear()
                    self.answers.clear()
                    self.held = 0
                found = self.styles[values] = next(self.numbers)
            return found

    def get(self, key: tuple[Any, ...], font_config: Any) -> Answer | None:
        with self.lock:
            found = self.answers.get(key)
            if found is None or found[0] is not font_config:
                return None
            self.answers.move_to_end(key)
            return found[1]

    def put(self, key: tuple[Any, ...], font_config: Any, answer: Answer) -> None:
        with self.lock:
            if key in self.answers:
                return
            self.answers[key] = (font_config, answer)
            self.held += len(key[0])
            while self.answers and (
                self.held > self.limit or len(self.answers) > self.most_answers
            ):
                old, _ = self.answers.popitem(last=False)
                self.held -= len(old[0])

    def clear(self) -> None:
        with self.lock:
            self.answers.clear()
            self.styles.clear()
            self.held = 0


_SHARED = _Shared()


def _style_number(style: Any, memo: dict[Any, Any]) -> int | None:
    """The shared memo's number for *style* (found once a layout), None when one of its
    values cannot be a key."""
    found = memo.get(id(style))
    if found is not None and found[0] is style:
        number: int | None = found[1]
        return number
    values = (id(style.font_config), *(style[name] for name in TEXT_PROPERTIES))
    try:
        number = _SHARED.number(values)
    except TypeError:
        number = None
    memo[id(style)] = (style, number)
    return number


def forget() -> None:
    """Forget the answers remembered across layouts (a benchmark of first renders)."""
    _SHARED.clear()


@functools.cache
def _shared_known() -> bool:
    try:
        source = inspect.getsource(_line_break) + inspect.getsource(_fonts)
    except (OSError, TypeError):
        return False
    return hashlib.sha256(source.encode()).hexdigest() == SOURCES_SHA256


def _memo() -> dict[Any, Any] | None:
    """This thread's memo of the layout running (keys: calls, and style identities)."""
    memo: dict[Any, Any] | None = getattr(_STATE, "memo", None)
    return memo


def split_first_line(
    text: str,
    style: Any,
    context: Any,
    max_width: Any,
    justification_spacing: Any,
    is_line_start: bool = True,
    minimum: bool = False,
) -> tuple[Any, ...]:
    """WeasyPrint's ``split_first_line``, its answers remembered (see the module)."""
    memo = _memo()
    if memo is None:
        return tuple(
            _ORIGINAL(
                text, style, context, max_width, justification_spacing, is_line_start, minimum
            )
        )
    key = (text, id(style), id(context), max_width, justification_spacing, is_line_start, minimum)
    found = memo.get(key)
    if found is not None and found[0] is style and found[1] is context:
        return _copied(found[2])
    number = _style_number(style, memo) if _shared_known() else None
    shared = (
        None
        if number is None
        else (text, number, max_width, justification_spacing, is_line_start, minimum)
    )
    if shared is not None and (kept := _SHARED.get(shared, style.font_config)) is not None:
        memo[key] = (style, context, kept)
        return _copied(kept)
    answer = tuple(
        _ORIGINAL(text, style, context, max_width, justification_spacing, is_line_start, minimum)
    )
    kept = _copied(answer)
    memo[key] = (style, context, kept)
    if shared is not None:
        _SHARED.put(shared, style.font_config, kept)
    return answer


def _copied(answer: Answer) -> Answer:
    """*answer* with a copy of its text layout (a caller may change its own)."""
    layout, *rest = answer
    return (copy.copy(layout), *rest)


@functools.cache
def _known() -> bool:
    try:
        parameters = tuple(inspect.signature(_ORIGINAL).parameters)
    except (TypeError, ValueError):
        return False
    return parameters == PARAMETERS and all(
        getattr(module, "split_first_line", None) is _line_break.split_first_line
        for module in (_inline, _preferred)
    )


_LOCK = threading.Lock()
_USERS = 0


@contextmanager
def remembered_lines() -> Iterator[None]:
    """Within this block, this thread's line breaking is remembered (see the module); the
    memo ends with the block, and WeasyPrint's function is back in place when the last block
    (of any thread) ends."""
    global _USERS
    if not _known():
        yield
        return
    with _LOCK:
        _USERS += 1
        _inline.split_first_line = split_first_line
        _preferred.split_first_line = split_first_line
    outer = _memo()
    _STATE.memo = {}
    try:
        yield
    finally:
        _STATE.memo = outer
        with _LOCK:
            _USERS -= 1
            if _USERS == 0:
                _inline.split_first_line = _line_break.split_first_line
                _preferred.split_first_line = _line_break.split_first_line
