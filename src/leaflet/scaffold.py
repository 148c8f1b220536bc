"""The statement skeleton ``leaflet new`` writes: every feature of the format, in place."""

from __future__ import annotations

import datetime
import json

from .errors import SourceError, UsageError

__all__ = ["statement_skeleton"]

_SKELETON = """\
---
title: "Our headline: short, strong, true"
subtitle: "One sentence that says why it matters now"
date: {date}
lang: {lang}
author: "Your organization"
slogans:
  - "First closing slogan!"
  - "Second closing slogan!"
contact: "Where and when people can find you"
---

The first paragraph is the lead: what happened, who we are, what we want. Keep it to three or
four sentences.[^source]

## A section heading

Body text. Use *emphasis* sparingly. A footnote reference looks like this.[^source]

## Our demands

1. A first demand, stated so anyone can check whether it was met.
2. A second demand.
   - Lists may nest.

> A block quote is printed as a pull quote.

[^source]: Name of the source, with its address: https://example.org/report
"""


def statement_skeleton(date: datetime.date, lang: str) -> str:
    """A ready-to-edit statement dated *date* in language *lang*.

    *lang* is written as a quoted YAML string, and the skeleton must read back as a statement
    in that language (:func:`source.parse_statement` checks the tag), so no value can add a
    line to the front matter.  Raises :class:`UsageError` for a bad *lang*.
    """
    from .source import parse_statement

    text = _SKELETON.format(date=date.isoformat(), lang=json.dumps(lang))
    try:
        read_back = parse_statement(text).lang
    except SourceError:
        read_back = None
    if read_back != lang:
        raise UsageError(f"--lang {lang!r} is not a language tag such as en, es, uk, pt-BR")
    return text
