"""The statement skeleton ``leaflet new`` writes: every feature of the format, in place."""

from __future__ import annotations

import datetime

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
    """A ready-to-edit statement dated *date* in language *lang*."""
    return _SKELETON.format(date=date.isoformat(), lang=lang)
