"""Templates: a folder with a manifest, a Jinja2 HTML template and print CSS.

Built-in templates live in ``leaflet/templates/<name>/``; a user's template is any folder given
by path.  Jinja2 resolves names through a ``ChoiceLoader`` — user folder → the template it
extends → the shared base — so a template can be a few dozen lines of CSS (see ``base.html.j2``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .errors import TemplateError

__all__ = [
    "BASE_DIR",
    "DEFAULT_TEMPLATE",
    "STYLES_DIR",
    "TEMPLATES_DIR",
    "Template",
    "builtin_templates",
    "get_template",
]

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
BASE_DIR = TEMPLATES_DIR / "base"
STYLES_DIR = PACKAGE_DIR / "styles"
DEFAULT_TEMPLATE = "classic"
MANIFEST = "manifest.toml"
ENTRY = "statement.html.j2"
STYLESHEET = "style.css"


@dataclass(frozen=True, slots=True)
class Template:
    """A template as its manifest describes it; ``search_path`` is the loader's order."""

    name: str
    description: str
    folder: Path
    accent: str = "#c8102e"
    fonts: tuple[str, ...] = ()
    parent: Template | None = field(default=None, repr=False)

    @property
    def search_path(self) -> list[Path]:
        """Folders Jinja2 searches, most specific first, ending with the shared base."""
        own = [self.folder]
        inherited = self.parent.search_path if self.parent else [BASE_DIR]
        return own + [path for path in inherited if path != self.folder]

    @property
    def stylesheets(self) -> list[Path]:
        """CSS files in cascade order: shared base first, this template last."""
        inherited = self.parent.stylesheets if self.parent else [STYLES_DIR / "base.css"]
        own = self.folder / STYLESHEET
        return inherited + ([own] if own.is_file() else [])


def _read_manifest(folder: Path, fallback_name: str) -> Template:
    manifest = folder / MANIFEST
    data: dict[str, object] = {}
    if manifest.is_file():
        try:
            data = tomllib.loads(manifest.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise TemplateError(f"{manifest}: {error}") from None
    parent_name = data.get("extends")
    parent = get_template(str(parent_name)) if parent_name else None
    colours = data.get("colours", {})
    accent = colours.get("accent") if isinstance(colours, dict) else None
    fonts = data.get("fonts", [])
    return Template(
        name=str(data.get("name", fallback_name)),
        description=str(data.get("description", "")),
        folder=folder,
        accent=str(accent or (parent.accent if parent else "#c8102e")),
        fonts=tuple(str(font) for font in fonts) if isinstance(fonts, list) else (),
        parent=parent,
    )


@cache
def builtin_templates() -> dict[str, Template]:
    """Every built-in template by name (folders holding a manifest, except the base)."""
    return {
        folder.name: _read_manifest(folder, folder.name)
        for folder in sorted(TEMPLATES_DIR.iterdir())
        if (folder / MANIFEST).is_file() and folder != BASE_DIR
    }


def get_template(name_or_path: str | Path) -> Template:
    """A built-in template by name, or a user's template folder by path."""
    text = str(name_or_path)
    builtins = builtin_templates()
    if text in builtins:
        return builtins[text]
    folder = Path(text).expanduser()
    if folder.is_dir():
        return _read_manifest(folder.resolve(), folder.name)
    known = ", ".join(builtins)
    raise TemplateError(
        f"unknown template {text!r}: not a built-in template ({known}) and not a folder"
    )
