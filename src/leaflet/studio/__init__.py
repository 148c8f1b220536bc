"""leaflet studio: the toolkit in a browser (``leaflet serve``).

* :mod:`.app` — the Starlette application: the JSON/PDF API (``/api/…``) and security headers;
* :mod:`.pool` — renders in a bounded pool of warm worker processes (503 when full, 504 past
  the time limit);
* :mod:`.page` — the page organizers use (server-rendered HTML, a small script, the
  interface's message catalogues), and its static assets.
"""
