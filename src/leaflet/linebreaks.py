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

Outside such a block, and in other threads, WeasyPrint's function runs as before.  Used only
when WeasyPrint's function takes the arguments this was made for (its signature is compared).
"""

from __future__ import annotations

import copy
import functools
import inspect
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from weasyprint.layout import inline as _inline
from weasyprint.layout import preferred as _preferred
from weasyprint.text import line_break as _line_break

__all__ = ["remembered_lines"]

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

_ORIGINAL: Callable[..., Any] = _line_break.split_first_line
_STATE = threading.local()

Key = tuple[str, int, int, Any, Any, bool, bool]


def _memo() -> dict[Key, tuple[Any, Any, tuple[Any, ...]]] | None:
    memo: dict[Key, tuple[Any, Any, tuple[Any, ...]]] | None = getattr(_STATE, "memo", None)
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
    """WeasyPrint's ``split_first_line``, its answers remembered within a layout."""
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
        layout, *rest = found[2]
        return (copy.copy(layout), *rest)
    answer = tuple(
        _ORIGINAL(text, style, context, max_width, justification_spacing, is_line_start, minimum)
    )
    layout, *rest = answer
    memo[key] = (style, context, (copy.copy(layout), *rest))
    return answer


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
