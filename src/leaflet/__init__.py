"""leaflet: typeset campaign and political statements into print-ready PDFs.

The root package is the public API.  Rendering (WeasyPrint) is imported lazily, on first use,
so that importing :mod:`leaflet` and running ``leaflet --help`` stay fast.
"""

from __future__ import annotations

__version__ = "0.1.0"
