"""Compose the HTML given to WeasyPrint: statement + format + template → one HTML string.

Jinja2 with autoescape: every text from the statement is escaped; only the model's inline HTML
(built by :mod:`leaflet.source` from escaped text) is inserted as is.

A template is data, not code — a downloaded template is a stranger's file.  Every template,
built-in or not, runs in Jinja2's immutable sandbox (no ``_``-attributes, no mutation of
lists and dicts, ``range`` capped), and more:

* methods of paths are refused, so ``s.source.read_text()`` reads nothing;
* the loader serves only regular files inside the chain's folders: names that are absolute or
  hold ``..`` are refused, and so is a link leading out of its folder (:class:`FolderLoader`);
* work is bounded: every loop counts against :data:`MAX_LOOP_ITERATIONS`; strings and lists
  made by ``*``, ``+`` and ``~``, widths and counts (``|center``, ``.ljust()``, ``%``-formats,
  ``|batch``, ``lipsum``) and the HTML made against :data:`MAX_HTML_CHARS`; ``**`` against a
  million bits (memory a single filter takes beyond that is left to the process's limits:
  a :class:`MemoryError` is reported like any template error);
* every failure (syntax, undefined name, sandbox refusal, an exception or endless recursion
  while rendering) is a :class:`~leaflet.errors.TemplateError` naming the template file and line.
"""

from __future__ import annotations

import contextvars
import datetime
import functools
import io
import math
import re
import traceback
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePath, PureWindowsPath
from typing import Any
from urllib.parse import quote

import jinja2
import markupsafe
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import generate_lorem_ipsum

from .colour import document_colours
from .editions import edition_context
from .errors import SourceError, TemplateError
from .fonts import font_face_css
from .formats import Format
from .model import Statement
from .templates import BASE_DIR, ENTRY, TEMPLATES_DIR, Template, read_template_file
from .typography import typography

__all__ = [
    "LABELS",
    "MAX_HTML_CHARS",
    "MAX_LOOP_ITERATIONS",
    "FolderLoader",
    "compose_html",
    "glue_last_word",
    "localized_date",
    "template_environment",
]

#: The largest HTML a template may make (a long real statement makes ~100 KB).
MAX_HTML_CHARS = 20 * 1024 * 1024
#: Loop iterations one render may run, all loops together (a real one runs a few hundred).
MAX_LOOP_ITERATIONS = 1_000_000

#: Words the templates print themselves, by language (English when a language is missing).
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "notes": "Notes",
        "page": "Page",
        "join_us": "Join us",
        "name": "Name",
        "phone": "Phone",
        "email": "Email",
    },
    "es": {
        "notes": "Notas",
        "page": "Página",
        "join_us": "Únete",
        "name": "Nombre",
        "phone": "Teléfono",
        "email": "Correo electrónico",
    },
    "fr": {
        "notes": "Notes",
        "page": "Page",
        "join_us": "Rejoignez-nous",
        "name": "Nom",
        "phone": "Téléphone",
        "email": "Courriel",
    },
    "pt": {
        "notes": "Notas",
        "page": "Página",
        "join_us": "Junta-te a nós",
        "name": "Nome",
        "phone": "Telefone",
        "email": "E-mail",
    },
    "de": {
        "notes": "Anmerkungen",
        "page": "Seite",
        "join_us": "Mach mit",
        "name": "Name",
        "phone": "Telefon",
        "email": "E-Mail",
    },
    "it": {
        "notes": "Note",
        "page": "Pagina",
        "join_us": "Unisciti a noi",
        "name": "Nome",
        "phone": "Telefono",
        "email": "E-mail",
    },
    "uk": {
        "notes": "Примітки",
        "page": "Сторінка",
        "join_us": "Приєднуйтеся",
        "name": "Ім’я",
        "phone": "Телефон",
        "email": "Ел. пошта",
    },
    "ru": {
        "notes": "Примечания",
        "page": "Страница",
        "join_us": "Присоединяйтесь",
        "name": "Имя",
        "phone": "Телефон",
        "email": "Эл. почта",
    },
    "be": {
        "notes": "Заўвагі",
        "page": "Старонка",
        "join_us": "Далучайцеся",
        "name": "Імя",
        "phone": "Тэлефон",
        "email": "Эл. пошта",
    },
    "pl": {
        "notes": "Przypisy",
        "page": "Strona",
        "join_us": "Dołącz do nas",
        "name": "Imię",
        "phone": "Telefon",
        "email": "E-mail",
    },
    "el": {
        "notes": "Σημειώσεις",
        "page": "Σελίδα",
        "join_us": "Ελάτε μαζί μας",
        "name": "Όνομα",
        "phone": "Τηλέφωνο",
        "email": "Email",
    },
}


def _language(lang: str) -> str:
    return lang.split("-")[0].lower()


def localized_date(date: datetime.date, lang: str) -> str:
    """The date written out as readers of *lang* expect (CLDR data via Babel)."""
    from babel.core import UnknownLocaleError
    from babel.dates import format_date

    try:
        return str(format_date(date, format="long", locale=lang.replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        return str(format_date(date, format="long", locale="en"))


#: A heading's last word this short (letters) is kept with the word before it.
SHORT_WORD = 10
#: The longest pair of last words held together (characters, the space included).
GLUE_CHARACTERS = 12
_LAST_TWO_WORDS = re.compile(r"[^\s<>]+[ \t\n]+[^\s<>]+[ \t\n]*$")


def glue_last_word(text: str) -> markupsafe.Markup:
    """*text* (plain, or safe HTML) with its last two words in one unbreakable span (base.css:
    ``.glue``) when the last is short, so that a heading of three words or more never ends on
    a line holding one short word (CSS ``text-wrap: balance`` would do better; WeasyPrint
    does not support it).  The text layer keeps an ordinary space."""
    html = str(markupsafe.escape(text))
    last_two = _LAST_TWO_WORDS.search(html)
    if (
        last_two is None
        or not html[: last_two.start()].strip()  # two words may break between them
        or len(last_two.group().split()[-1]) > SHORT_WORD
        # Two long words held together overflow a narrow column in display type; the
        # repair after layout (repair.py) balances a heading ending on one word instead.
        or len(" ".join(last_two.group().split())) > GLUE_CHARACTERS
    ):
        return markupsafe.Markup(html)
    head, tail = html[: last_two.start()], last_two.group()
    return markupsafe.Markup(f'{head}<span class="glue">{tail}</span>')


@dataclass(frozen=True, slots=True)
class _Page:
    """What the template needs to know of the page geometry (lengths in pt)."""

    name: str
    width: float
    height: float
    margin: float
    body_size: float
    columns: int
    #: A saddle-stitched booklet: the closing block becomes the back page.
    booklet: bool = False
    #: The paper of one page ("a5" for a5-fold too).
    paper: str = ""
    #: Artwork beyond the trim on every edge (CSS Paged Media 3 §7.1 ``bleed``), in pt.
    bleed: float = 0.0
    #: The closing block (slogans, contact, imprint) is a page of its own, the last: a
    #: booklet's back cover, or a flat leaflet's last side.
    back_page: bool = False
    #: A piece of so many panels (:mod:`leaflet.panels`): what each page is in it (``cover``,
    #: ``inside``, ``back``, ``flap``, in reading order) and the layout that folds it
    #: (``trifold``, ``zfold``, ``zine``); empty for pages that simply flow.
    roles: tuple[str, ...] = ()
    piece: str = ""
    #: Pages carry their number (a flyer's two sides do not).
    numbered: bool = True


class FolderLoader(jinja2.BaseLoader):
    """Jinja2 template files of one folder: regular files inside it, never through a link that
    leads out of it; absolute names and ``..`` are refused (a :class:`SecurityError` naming the
    template line that asked)."""

    def __init__(self, folder: Path):
        self.folder = folder.resolve()

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        if template.startswith(("/", "\\")) or PureWindowsPath(template).drive:
            raise SecurityError(f"template name {template!r} is absolute: name a template file")
        pieces = [piece for piece in re.split(r"[/\\]", template) if piece not in ("", ".")]
        if ".." in pieces:
            raise SecurityError(f"template name {template!r} leads out of the template folder")
        path = self.folder.joinpath(*pieces)
        if not path.exists():
            raise jinja2.TemplateNotFound(template)
        resolved = path.resolve()
        if not resolved.is_relative_to(self.folder):
            raise SecurityError(f"{path} is a link out of the template folder (not followed)")
        if not resolved.is_file():
            raise jinja2.TemplateNotFound(template)
        mtime = resolved.stat().st_mtime
        source = read_template_file(resolved)
        return source, str(path), lambda: resolved.is_file() and resolved.stat().st_mtime == mtime


class _BoundedLoops(CodeGenerator):
    """Compiles every ``{% for %}`` to iterate through ``environment.bounded``, which counts
    the iterations of one render (an empty loop nested in another runs no other hook)."""

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        bounded = nodes.Call(
            nodes.EnvironmentAttribute("bounded", lineno=node.lineno),
            [node.iter],
            [],
            None,
            None,
            lineno=node.lineno,
        )
        loop = nodes.For(
            node.target,
            bounded,
            node.body,
            node.else_,
            node.test,
            node.recursive,
            lineno=node.lineno,
        )
        super().visit_For(loop, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        # a ~ b: the joined string is checked by environment.sized (doubling a string is
        # otherwise a few lines to gigabytes).
        self.write("environment.sized(")
        super().visit_Concat(node, frame)
        self.write(")")

    def write(self, x: str) -> None:
        # A recursive loop iterates over its argument, "reciter", at every level.
        super().write("environment.bounded(reciter)" if x == "reciter" else x)


class _Budget:
    """The loop iterations left to one render."""

    def __init__(self, steps: int):
        self.steps = steps


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "leaflet_template_budget", default=None
)


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, with paths opaque and the work of one render bounded."""

    code_generator_class = _BoundedLoops
    intercepted_binops = frozenset({"+", "*", "**", "%"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        # Paths (a statement's source, a template's folder) print and give their name, but
        # have no methods: they open, read, write or list nothing.
        if isinstance(obj, PurePath) and callable(value):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(
        self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any
    ) -> Any:
        if operator == "+" and _length(left) + _length(right) > MAX_HTML_CHARS:
            raise SecurityError(
                f"joining {_length(left):,} and {_length(right):,} items is too many"
            )
        if operator == "*":
            _check_repeat(left, right)
            _check_repeat(right, left)
        elif operator == "**" and _power_too_large(left, right):
            raise SecurityError(f"{left!r} ** {right!r} is too large a number")
        elif operator == "%" and isinstance(left, str):  # "%099999999d" % 1
            _check_format(left)
            _check_numbers(right if isinstance(right, tuple) else (right,), {}, MAX_HTML_CHARS)
        return super().call_binop(context, operator, left, right)

    def call(
        __self, __context: jinja2.runtime.Context, __obj: Any, *args: Any, **kwargs: Any
    ) -> Any:
        # A string's methods: "x".ljust(10**10), and "{:099999999}".format(1) (the sandbox
        # hands out a wrapper of str.format).
        method = getattr(__obj, "__wrapped__", __obj)
        if isinstance(getattr(method, "__self__", None), str):
            _check_numbers(args, kwargs, MAX_HTML_CHARS)
            if method.__name__ in ("format", "format_map"):
                _check_format(method.__self__)
        return super().call(__context, __obj, *args, **kwargs)

    def sized(self, value: Any) -> Any:
        """*value*, refused when longer than the HTML may be."""
        if len(value) > MAX_HTML_CHARS:
            raise SecurityError(f"a string or list of {len(value):,} items is too long")
        return value

    def bounded(self, items: Iterable[Any]) -> Iterator[Any]:
        """*items*, each counted against the render's loop budget."""
        budget = _BUDGET.get()
        for item in items:
            if budget is not None:
                budget.steps -= 1
                if budget.steps < 0:
                    raise SecurityError(
                        f"the template's loops ran more than {MAX_LOOP_ITERATIONS:,} times"
                    )
            yield item


#: A width or precision in a format string long enough to make a huge string (8 digits).
_HUGE_FORMAT = re.compile(r"%[-#0 +(\w)]*\.?\d{8,}|\{[^{}]*:[^{}]*\d{8,}")


def _check_numbers(args: Iterable[Any], kwargs: Mapping[str, Any], limit: int) -> None:
    """Refuse a width or count (``"x".ljust(n)``, ``|center(n)``, ``|batch(n, "x")``, a
    ``lipsum`` of a million paragraphs …) that would make a string or list too large."""
    for value in [*args, *kwargs.values()]:
        if isinstance(value, int) and value > limit:
            raise SecurityError(f"a width or count of {value:,} is too large")


def _check_format(text: str) -> None:
    """Refuse a format string with a huge width (``"%099999999d"``, ``"{:099999999}"``)."""
    if _HUGE_FORMAT.search(text):
        raise SecurityError("a width in this format string is too large")


def _checked(
    function: Callable[..., Any], limit: int = MAX_HTML_CHARS, *, values: int = 1
) -> Callable[..., Any]:
    """A filter (or global) whose numbers are checked by :func:`_check_numbers` against
    *limit*; its first *values* arguments are not numbers to check (a filter's value), and
    the first of them is a format string for ``|format``."""
    # Filters marked @pass_environment and the like get Jinja2's argument first.
    skip = values + (1 if getattr(function, "jinja_pass_arg", None) else 0)
    is_format = function.__name__ == "do_format"

    @functools.wraps(function)
    def checked(*args: Any, **kwargs: Any) -> Any:
        if is_format and isinstance(args[0], str):
            _check_format(args[0])
        _check_numbers(args[skip:], kwargs, limit)
        return function(*args, **kwargs)

    return checked


def _length(value: Any) -> int:
    """The length of a string or list, 0 for anything else (a number)."""
    return len(value) if isinstance(value, str | list | tuple) else 0


def _check_repeat(sequence: Any, times: Any) -> None:
    repeatable = isinstance(sequence, str | list | tuple) and isinstance(times, int)
    if repeatable and len(sequence) * times > MAX_HTML_CHARS:
        raise SecurityError(f"{len(sequence):,} items repeated {times:,} times is too many")


def _power_too_large(base: Any, exponent: Any) -> bool:
    """An integer power of more than a million bits (it would take long to compute)."""
    if not (isinstance(base, int) and isinstance(exponent, int)) or abs(base) < 2:
        return False
    return exponent * math.log2(abs(base)) > 1_000_000


@cache
def _environment(chain: tuple[tuple[str, tuple[Path, ...]], ...]) -> jinja2.Environment:
    """Sandboxed Jinja2 environment for a template chain (each template's name and search
    path, most specific first): names resolve along the first search path, and
    ``<name>/file`` resolves along that template's own, so a template can extend the same file
    of the one it inherits from."""

    def along(search_path: tuple[Path, ...]) -> jinja2.BaseLoader:
        return jinja2.ChoiceLoader([FolderLoader(path) for path in search_path])

    # Parents come later and win a name clash: a user's "modern" extending the built-in one
    # reaches the built-in with "modern/…".
    prefixes = {name: along(search_path) for name, search_path in chain}
    environment = _Sandbox(
        loader=jinja2.ChoiceLoader([along(chain[0][1]), jinja2.PrefixLoader(prefixes)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Filters and globals that make a string or list as long as a number they are given.
    for name in ("center", "indent", "format"):
        environment.filters[name] = _checked(environment.filters[name])
    for name in ("batch", "slice"):
        environment.filters[name] = _checked(environment.filters[name], MAX_LOOP_ITERATIONS)
    environment.globals["lipsum"] = _checked(generate_lorem_ipsum, 1000, values=0)
    environment.filters["localized_date"] = localized_date
    environment.filters["typography"] = typography  # lang | typography → leaflet.typography
    environment.filters["glue_last_word"] = glue_last_word
    return environment


def template_environment(template: Template) -> jinja2.Environment:
    """The (cached) Jinja2 environment resolving names along *template*'s chain."""
    chain = [*template.chain, Template("base", "", BASE_DIR)]
    return _environment(tuple((t.name, tuple(t.search_path)) for t in chain))


def compose_html(
    statement: Statement,
    fmt: Format,
    template: Template,
    *,
    entry: str = ENTRY,
    extra: Mapping[str, object] | None = None,
    bleed: float = 0.0,
    back_page: bool | None = None,
) -> str:
    """Render the template for *statement* on *fmt*; returns the complete HTML document.

    *entry* is the template file to render (posters use ``poster.html.j2``), *extra* more
    context for it, *bleed* the bleed in points (0: none).  *back_page*: the closing block is
    set as a last page of its own (None: on booklets).  Colours are written as the
    template and statement name them: the typesetter paints them in the render's colour mode
    (:mod:`leaflet.colour`).
    """
    environment = template_environment(template)
    lang = _language(statement.lang)
    context = {
        "s": statement,
        "page": _Page(
            fmt.name,
            fmt.width,
            fmt.height,
            fmt.margin,
            fmt.body_size,
            fmt.columns,
            fmt.booklet,
            fmt.paper,
            bleed,
            fmt.booklet if back_page is None else back_page,
            *_panel_roles(fmt),
            fmt.max_pages is None,
        ),
        "labels": LABELS.get(lang, LABELS["en"]),
        "colours": document_colours(template.colours, statement.accent),
        "font_faces": font_face_css(template.fonts),
        "stylesheets": [path.as_uri() for path in template.stylesheets],
        "template": template,
        "logo": _logo_uri(statement),
        "website_url": _website_url(statement.website),
        "qr_code": _qr_data_uri(statement.website, template.colours["ink"]),
        # Where a piece of panels puts its blocks (leaflet.panels.PanelPlan), None otherwise.
        "panels": None,
        # A local edition's fields and its block (leaflet.editions), None outside a run.
        **edition_context(),
        **(extra or {}),
    }
    try:
        document = environment.get_template(entry)
        if entry == ENTRY and not template.folder.is_relative_to(TEMPLATES_DIR):
            _check_blocks(environment, ENTRY)  # built-in templates are checked by the tests
        html = _render(document, context)
    except jinja2.TemplateNotFound as error:
        searched = ", ".join(str(path) for path in template.search_path)
        raise TemplateError(
            f"{_where(error, template, prefix=True)}template file {error.name!r} not found "
            f"(searched: {searched})"
        ) from None
    except jinja2.TemplateSyntaxError as error:  # unknown filters and tests too
        raise TemplateError(f"{error.filename}:{error.lineno}: {error.message}") from None
    except RecursionError as error:
        raise TemplateError(
            f"{_where(error, template, recursion=True)}: the template calls itself without end "
            "(a template that includes or extends itself, or a macro calling itself?)"
        ) from None
    except MemoryError as error:
        raise TemplateError(
            f"{_where(error, template)}: the template needs too much memory"
        ) from None
    # What a template does wrong while rendering (1/0, a wrong type, a refused attribute) is
    # the template's mistake: reported at its line.
    except (
        jinja2.TemplateError,
        ArithmeticError,
        AttributeError,  # {{ s.title|dictsort }}
        LookupError,
        TypeError,
        ValueError,
    ) as error:
        raise TemplateError(f"{_where(error, template)}: {_message(error)}") from None
    return html


def _panel_roles(fmt: Format) -> tuple[tuple[str, ...], str]:
    """The page roles and layout name of a piece of an exact number of panels (a tri-fold,
    a Z-fold, a mini zine), else nothing: their pages are designed one by one."""
    count = fmt.page_rule.exact
    if not count:
        return (), ""
    return tuple(fmt.roles(count)), fmt.layout_name or ""


def _render(document: jinja2.Template, context: Mapping[str, object]) -> str:
    """The document's HTML, stopped once it passes :data:`MAX_HTML_CHARS`, with the loops of
    this render counted (:meth:`_Sandbox.bounded`)."""
    token = _BUDGET.set(_Budget(MAX_LOOP_ITERATIONS))
    try:
        parts, size = [], 0
        for part in document.generate(context):
            size += len(part)
            if size > MAX_HTML_CHARS:
                raise TemplateError(
                    f"{document.filename}: the template makes more than "
                    f"{MAX_HTML_CHARS // (1024 * 1024)} MB of HTML"
                )
            parts.append(part)
        return "".join(parts)
    finally:
        _BUDGET.reset(token)


@cache
def _check_blocks(environment: jinja2.Environment, name: str) -> None:
    """A block a child template defines must exist in the template it extends: otherwise it
    is silently never shown (usually a typo), so it is an error naming the file and line.  A
    template that extends itself (through others or not) is an error too.

    Checked once per environment (they are cached too): parsing costs more than rendering.
    """
    chain = _extends_chain(environment, name)
    for index, (tree, filename, parent, _) in enumerate(chain):
        if parent is None:
            continue
        known = {
            block.name for later in chain[index + 1 :] for block in later[0].find_all(nodes.Block)
        }
        for block in tree.find_all(nodes.Block):
            if block.name not in known:
                raise TemplateError(
                    f"{filename}:{block.lineno}: block {block.name!r} is not defined by "
                    f"{parent!r} (its blocks: {', '.join(sorted(known))})"
                )


_Parsed = tuple[nodes.Template, str, str | None, int]


def _extends_chain(environment: jinja2.Environment, name: str) -> list[_Parsed]:
    """Template *name* and the templates it extends (literally), parsed, each once."""
    chain: list[_Parsed] = []
    while True:
        parsed = _parse(environment, name)
        if any(parsed[1] == earlier[1] for earlier in chain):
            _, filename, _, line = chain[-1]
            raise TemplateError(f"{filename}:{line}: extends {name!r}, which leads back to itself")
        chain.append(parsed)
        if parsed[2] is None:
            return chain
        name = parsed[2]


def _parse(environment: jinja2.Environment, name: str) -> _Parsed:
    """Template *name*'s syntax tree, its file name, the name it extends (if literal) and the
    line of its ``{% extends %}``."""
    assert environment.loader is not None
    source, filename, _ = environment.loader.get_source(environment, name)
    tree = environment.parse(source, name, filename)
    extends = next(iter(tree.find_all(nodes.Extends)), None)
    if extends is None or not isinstance(extends.template, nodes.Const):
        return tree, str(filename), None, 0
    return tree, str(filename), str(extends.template.value), extends.lineno


def _template_frames(error: BaseException) -> list[tuple[str, int, str]]:
    """``(file, line, where)`` of each template frame of *error*'s traceback, outermost first
    (Jinja2 rewrites tracebacks so that template frames carry the template's file name and
    line, and as function name where in the template they are: a block, a macro, the
    top-level code; its stand-in frames are marked by ``__jinja_exception__``)."""
    return [
        (frame.f_code.co_filename, line, frame.f_code.co_name)
        for frame, line in traceback.walk_tb(error.__traceback__)
        if "__jinja_exception__" in frame.f_globals
    ]


def _recurring(frames: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    """The template frames of endless recursion worth naming: those of a user's template
    (where the loop was made) before the built-in ones, and of those the lines inside a block
    or macro (an include, a call) before the top-level code of a child template, which only
    hands over to its parent."""
    own = [frame for frame in frames if not Path(frame[0]).is_relative_to(TEMPLATES_DIR)]
    inner = [frame for frame in own if frame[2] != "top-level template code"]
    return inner or own or frames


def _where(
    error: BaseException, template: Template, *, prefix: bool = False, recursion: bool = False
) -> str:
    """``file:line`` of the template line that raised *error*, else the template name (with
    *prefix*: ``"file:line: "``, or nothing when no template line is known).  For endless
    *recursion*, the innermost line of a user's template, where the loop is closed."""
    frames = _template_frames(error)
    if recursion:
        frames = _recurring(frames)
    if frames:
        filename, line, _ = frames[-1]
        return f"{filename}:{line}: " if prefix else f"{filename}:{line}"
    return "" if prefix else f"template {template.name!r}"


def _message(error: BaseException) -> str:
    """The error's message; Python's own exceptions keep their type (``ZeroDivisionError:
    division by zero``), which says more than the bare message."""
    if isinstance(error, jinja2.TemplateError):
        return str(error.message or error)
    return f"{type(error).__name__}: {error}"


def _logo_uri(statement: Statement) -> str | None:
    """The ``logo:`` image as a file URL, refused unless it is a file in the statement's folder
    (the renderer would refuse it too; this names the key instead of failing silently)."""
    if not statement.logo:
        return None
    folder = (statement.folder or Path.cwd()).resolve()
    path = (folder / statement.logo).resolve()
    if statement.folder is None or not path.is_relative_to(folder) or not path.is_file():
        raise SourceError(
            f"logo {statement.logo!r} is not an image file in the statement's folder",
            statement.source,
        )
    return path.as_uri()


def _website_url(website: str | None) -> str | None:
    if not website:
        return None
    return website if "://" in website else f"https://{website}"


@cache  # a QR code takes longer to make than the rest of the HTML
def _qr_data_uri(website: str | None, colour: str) -> str | None:
    """The website as a QR code: an SVG ``data:`` URI (no file is written; the renderer's
    fetcher serves ``data:`` URLs and paints its colour in the render's colour mode)."""
    url = _website_url(website)
    if url is None:
        return None
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        buffer, kind="svg", border=0, dark=colour, xmldecl=False
    )
    # The modules are strokes; an unfilled path sets no fill colour (black, in RGB) either.
    svg = buffer.getvalue().decode("utf-8").replace("<path ", '<path fill="none" ', 1)
    return "data:image/svg+xml;charset=utf-8," + quote(svg)
