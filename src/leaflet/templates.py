"""Templates: a folder with a manifest, a Jinja2 HTML template and print CSS.

Built-in templates live in ``leaflet/templates/<name>/``; a user's template is any folder given
by path.  Jinja2 resolves names through a ``ChoiceLoader`` — user folder → the template it
extends → the shared base — so a template can be a few dozen lines of CSS (see ``base.html.j2``).

``manifest.toml`` holds ``name``, ``description``, ``fonts`` (bundled families, most specific
first), an optional ``extends`` (a built-in name, or a folder holding a ``manifest.toml``) and a
``[colours]`` table whose entries become CSS custom properties (``accent = "#c8102e"`` →
``--accent``).

A template is data, not code (see :mod:`leaflet.compose` for the sandbox): a user's folder must
hold a manifest, a ``statement.html.j2`` or a ``style.css``, and none of the files leaflet reads
from it may be a link leading out of it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .colour import check_template_colours
from .errors import TemplateError
from .fonts import FAMILIES
from .inks import InkTable, read_ink_table
from .limits import current_limits, size_text

__all__ = [
    "BASE_DIR",
    "DEFAULT_TEMPLATE",
    "SAMPLE_STATEMENT",
    "STYLES_DIR",
    "TEMPLATES_DIR",
    "Template",
    "builtin_templates",
    "get_template",
    "read_template_file",
]

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
BASE_DIR = TEMPLATES_DIR / "base"
STYLES_DIR = PACKAGE_DIR / "styles"
#: A short statement shipped with the package: the gallery's default text.
SAMPLE_STATEMENT = TEMPLATES_DIR / "sample.md"
DEFAULT_TEMPLATE = "classic"
MANIFEST = "manifest.toml"
ENTRY = "statement.html.j2"
STYLESHEET = "style.css"
_DEFAULT_COLOURS = {"accent": "#c8102e", "ink": "#000000"}
_COLOUR_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass(frozen=True, slots=True)
class Template:
    """A template as its manifest describes it; ``search_path`` is the loader's order."""

    name: str
    description: str
    folder: Path
    colours: dict[str, str] = field(default_factory=lambda: dict(_DEFAULT_COLOURS))
    fonts: tuple[str, ...] = ()
    parent: Template | None = field(default=None, repr=False)
    #: Which ink and tint each colour role takes in spot inks (the manifest's ``[inks]``).
    inks: InkTable = field(default_factory=InkTable, repr=False)

    @property
    def accent(self) -> str:
        """The accent colour (a statement's ``accent:`` overrides it)."""
        return self.colours["accent"]

    @property
    def chain(self) -> list[Template]:
        """This template and the ones it extends, most specific first."""
        return [self, *(self.parent.chain if self.parent else [])]

    @property
    def search_path(self) -> list[Path]:
        """Folders Jinja2 searches, most specific first, ending with the shared base."""
        folders = [template.folder for template in self.chain]
        return list(dict.fromkeys([*folders, BASE_DIR]))

    @property
    def stylesheets(self) -> list[Path]:
        """CSS files in cascade order: shared base first, this template last."""
        own = [template.folder / STYLESHEET for template in reversed(self.chain)]
        return [STYLES_DIR / "base.css", *(path for path in own if path.is_file())]


def _own_file(folder: Path, name: str) -> Path | None:
    """*folder*/*name* when it is a regular file of the (resolved) *folder*; None when there is
    no such file.  A link to a file outside the folder is an error, never followed."""
    path = folder / name
    if not path.is_file() and not path.is_symlink():
        return None
    if not path.resolve().is_relative_to(folder.resolve()):
        raise TemplateError(f"{path}: is a link out of the template folder (not followed)")
    return path if path.is_file() else None


def read_template_file(path: Path) -> str:
    """The text of a template's file (manifest, Jinja2 template), refused when it is larger than
    a statement may be or is not UTF-8."""
    limit = current_limits().statement_bytes
    try:
        if path.stat().st_size > limit:
            raise TemplateError(f"{path}: larger than {size_text(limit)}")
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TemplateError(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise TemplateError(f"{path}: cannot be read ({error.strerror})") from None


def _read_manifest(folder: Path, fallback_name: str, seen: tuple[Path, ...] = ()) -> Template:
    manifest = folder / MANIFEST
    data: dict[str, Any] = {}
    _own_file(folder, STYLESHEET)  # a stylesheet linked from elsewhere is refused here, by name
    if _own_file(folder, MANIFEST):
        try:
            data = tomllib.loads(read_template_file(manifest))
        except tomllib.TOMLDecodeError as error:
            raise TemplateError(f"{manifest}: {error}") from None
    parent = _parent(data.get("extends"), manifest, (*seen, folder))
    colours = _colours(data.get("colours", {}), manifest)
    fonts = _fonts(data.get("fonts", []), manifest)
    inherited_fonts = parent.fonts if parent else ()
    known = {**(parent.colours if parent else _DEFAULT_COLOURS), **colours}
    try:
        inks = read_ink_table(data.get("inks", {}), known)
    except (ValueError, KeyError) as error:
        raise TemplateError(f"{manifest}: {error.args[0]}") from None
    return Template(
        name=str(data.get("name", fallback_name)),
        description=str(data.get("description", "")),
        folder=folder,
        colours=known,
        fonts=tuple(dict.fromkeys([*fonts, *inherited_fonts])),
        parent=parent,
        inks=inks.merged(parent.inks) if parent else inks,
    )


def _parent(extends: object, manifest: Path, seen: tuple[Path, ...]) -> Template | None:
    """The template named by ``extends``: a built-in name, or a folder (relative to *manifest*)
    that holds a ``manifest.toml`` of its own — any other folder (``/etc``) is refused."""
    if extends is None:
        return None
    if not isinstance(extends, str) or not extends.strip():
        raise TemplateError(f"{manifest}: 'extends' must be a template name, not {extends!r}")
    folder = _builtin_folders().get(extends) or (manifest.parent / extends).resolve()
    if folder in seen:
        raise TemplateError(f"{manifest}: 'extends = {extends!r}' makes a loop")
    if not folder.is_dir() or _own_file(folder, MANIFEST) is None:
        raise TemplateError(
            f"{manifest}: extends unknown template {extends!r}{_known()}; a template folder "
            f"holds a {MANIFEST}"
        )
    return _read_manifest(folder, folder.name, seen)


def _colours(value: object, manifest: Path) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(colour, str) and _COLOUR_NAME.match(name) for name, colour in value.items()
    ):
        raise TemplateError(f'{manifest}: [colours] must hold lines like accent = "#c8102e"')
    return check_template_colours(value, str(manifest))


def _fonts(value: object, manifest: Path) -> list[str]:
    bundled = ", ".join(FAMILIES)
    if not isinstance(value, list) or not all(isinstance(font, str) for font in value):
        raise TemplateError(f"{manifest}: 'fonts' must be a list of family names ({bundled})")
    unknown = [font for font in value if font not in FAMILIES]
    if unknown:
        raise TemplateError(f"{manifest}: font {unknown[0]!r} is not bundled (bundled: {bundled})")
    return list(value)


@cache
def _builtin_folders() -> dict[str, Path]:
    """Built-in template folders by name: the default first, then alphabetical."""
    folders = [
        folder
        for folder in TEMPLATES_DIR.iterdir()
        if (folder / MANIFEST).is_file() and folder != BASE_DIR
    ]
    folders.sort(key=lambda folder: (folder.name != DEFAULT_TEMPLATE, folder.name))
    return {folder.name: folder for folder in folders}


@cache
def builtin_templates() -> dict[str, Template]:
    """Every built-in template by name (folders holding a manifest, except the base), the
    default first."""
    return {name: _read_manifest(folder, name) for name, folder in _builtin_folders().items()}


def _known() -> str:
    return f" (built-in: {', '.join(_builtin_folders())})"


def get_template(name_or_path: str | Path) -> Template:
    """A built-in template by name, or a user's template folder by path: a folder holding a
    ``manifest.toml`` (or at least a ``statement.html.j2`` or ``style.css``)."""
    text = str(name_or_path)
    if not text.strip():
        raise TemplateError(
            f"the template name is empty: give a built-in name{_known()} or a folder"
        )
    builtins = builtin_templates()
    if text in builtins:
        return builtins[text]
    folder = Path(text).expanduser()
    if folder.is_dir():
        folder = folder.resolve()
        if not any(_own_file(folder, name) for name in (MANIFEST, ENTRY, STYLESHEET)):
            raise TemplateError(
                f"{folder}: not a template folder: no {MANIFEST} (nor {ENTRY} or {STYLESHEET})"
            )
        return _read_manifest(folder, folder.name)
    raise TemplateError(
        f"unknown template {text!r}: not a built-in template{_known()} and not a folder "
        f"(searched {TEMPLATES_DIR} and {folder.resolve()})"
    )
