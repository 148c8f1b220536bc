"""Read a statement source: YAML front matter + CommonMark body → :class:`Statement`.

Parsing is done by well-kept libraries: PyYAML for the front matter (composed first, so every
key knows its line) and markdown-it-py with the footnote plugin for the body.  This module only
maps their output onto the model and enforces DESIGN.md's rules: footnotes become endnotes
numbered by first reference, an undefined reference is an error naming label and line, raw HTML
is never trusted, images may only come from the statement's own folder.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from .errors import SourceError
from .model import (
    Block,
    CodeBlock,
    Heading,
    Inline,
    ListBlock,
    ListItem,
    Note,
    Paragraph,
    Quote,
    Statement,
    ThematicBreak,
)

__all__ = ["FRONT_MATTER_KEYS", "load_statement", "parse_statement", "read_utf8"]

LOGGER = logging.getLogger("leaflet.source")

#: Front-matter keys and the type each must have.
FRONT_MATTER_KEYS: dict[str, str] = {
    "title": "text",
    "subtitle": "text",
    "date": "date",
    "lang": "language tag",
    "author": "text",
    "slogans": "list of texts",
    "contact": "text",
    "website": "URL",
    "accent": "colour",
    "logo": "image file in the statement's folder",
}

#: Quotation marks by language (primary open/close, secondary open/close) for the typographer.
_QUOTES = {
    "en": "“”‘’",
    "es": "«»“”",
    "fr": "«»“”",
    "pt": "«»“”",
    "it": "«»“”",
    "de": "„“‚‘",
    "uk": "«»„“",
    "ru": "«»„“",
    "be": "«»„“",
    "pl": "„”«»",
    "el": "«»“”",
}
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_COLOUR = re.compile(r"^(#[0-9A-Fa-f]{3}|#[0-9A-Fa-f]{6}|[a-z]+)$")
_FENCE = re.compile(r"^(---|\.\.\.)\s*$")
#: libyaml's safe loader when PyYAML was built with it (about 10x faster), else pure Python.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_statement(path: Path | str) -> Statement:
    """Read and parse the statement file at *path* (UTF-8 Markdown with front matter)."""
    path = Path(path)
    return parse_statement(read_utf8(path), path)


def read_utf8(path: Path) -> str:
    """The UTF-8 text of the file at *path*, or a :class:`SourceError` saying why not (the line
    of the first byte that is not UTF-8, for a file saved in another encoding)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError("no such file", path) from None
    except IsADirectoryError:
        raise SourceError("is a folder, not a file", path) from None
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror}", path) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError("not UTF-8 text (save the file as UTF-8)", path, line) from None


def parse_statement(text: str, path: Path | str | None = None) -> Statement:
    """Parse statement *text*; *path* names it in messages and locates its folder."""
    path = Path(path) if path is not None else None
    if not text.strip():
        raise SourceError("the statement is empty", path)
    meta, body, body_line = _split_front_matter(text, path)
    fields = _validate_front_matter(meta, path)
    lang = fields.get("lang", "en")
    body_parser = _BodyParser(path, body_line, lang)
    for key in ("title", "subtitle", "author", "contact"):
        if key in fields:
            fields[key] = body_parser.typeset(fields[key])
    if "slogans" in fields:
        fields["slogans"] = tuple(body_parser.typeset(slogan) for slogan in fields["slogans"])
    blocks, notes = body_parser.parse(body)
    lead = None
    if blocks and isinstance(blocks[0], Paragraph):
        lead, blocks = blocks[0], blocks[1:]
    return Statement(**fields, lead=lead, blocks=tuple(blocks), notes=notes, source=path)


# --- front matter --------------------------------------------------------------------------


@dataclass
class _FrontMatter:
    values: dict[str, Any]
    lines: dict[str, int]


def _split_front_matter(text: str, path: Path | None) -> tuple[_FrontMatter, str, int]:
    """Split ``---`` YAML ``---`` from the body; return the body's first line number too."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise SourceError(
            "missing front matter: start the file with a '---' line, 'title: …', and '---'",
            path,
            1,
        )
    end = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), None)
    if end is None:
        raise SourceError("front matter is not closed by a '---' line", path, 1)
    yaml_text = "".join(lines[1:end])
    return _parse_yaml(yaml_text, path), "".join(lines[end + 1 :]), end + 2


def _parse_yaml(yaml_text: str, path: Path | None) -> _FrontMatter:
    loader = _YAML_LOADER(yaml_text)
    try:
        node = loader.get_single_node()
        values = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        # The problem's own mark, unless it is the end of the text: then where the
        # unfinished construct started ("date: [" with no closing bracket).
        last_line = max(yaml_text.count("\n") - 1, 0)
        mark = getattr(error, "problem_mark", None)
        if mark is None or mark.line > last_line:
            mark = getattr(error, "context_mark", None) or mark
        line = min(mark.line, last_line) + 2 if mark is not None else None
        problem = getattr(error, "problem", None) or "malformed"
        raise SourceError(f"front matter is not valid YAML: {problem}", path, line) from None
    finally:
        loader.dispose()
    if values is None:
        return _FrontMatter({}, {})
    if not isinstance(node, yaml.MappingNode) or not isinstance(values, dict):
        raise SourceError("front matter must be 'key: value' lines", path, 2)
    lines = {
        str(key.value): key.start_mark.line + 2
        for key, _ in node.value
        if isinstance(key, yaml.ScalarNode)
    }
    return _FrontMatter({str(k): v for k, v in values.items()}, lines)


def _validate_front_matter(meta: _FrontMatter, path: Path | None) -> dict[str, Any]:
    """Check each key's type; unknown keys are warnings, a missing title is an error."""
    fields: dict[str, Any] = {}
    for key, value in meta.values.items():
        line = meta.lines.get(key)
        if key not in FRONT_MATTER_KEYS:
            known = ", ".join(FRONT_MATTER_KEYS)
            LOGGER.warning(
                "%s: unknown front-matter key %r ignored (known: %s)",
                _where(path, line),
                key,
                known,
            )
            continue
        if value is None:
            continue
        fields[key] = _check_value(key, value, path, line)
    if not fields.get("title"):
        raise SourceError("front matter has no 'title:' (it is required)", path, 2)
    return fields


def _check_value(key: str, value: Any, path: Path | None, line: int | None) -> Any:
    kind = FRONT_MATTER_KEYS[key]

    def wrong(expected: str) -> SourceError:
        return SourceError(f"'{key}' must be {expected}, not {value!r}", path, line)

    if kind == "date":
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            raise wrong("a date written YYYY-MM-DD") from None
    if kind == "list of texts":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(_is_scalar(item) for item in value):
            raise wrong("a list of texts ('- …' lines)")
        return tuple(str(item).strip() for item in value if str(item).strip())
    if not _is_scalar(value):
        raise wrong("a single text")
    text = str(value).strip()
    if kind == "language tag" and not _LANG_TAG.match(text):
        raise wrong("a language tag such as en, es, uk, pt-BR")
    if kind == "colour" and not _COLOUR.match(text):
        raise wrong("a colour such as '#c8102e' or 'red'")
    if kind == "URL" and not re.match(r"^(https?://)?[\w.-]+\.[a-z]{2,}(/\S*)?$", text, re.I):
        raise wrong("a web address such as example.org or https://example.org/join")
    return text


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _where(path: Path | None, line: int | None) -> str:
    name = str(path) if path is not None else "<statement>"
    return f"{name}:{line}" if line is not None else name


# --- body ----------------------------------------------------------------------------------


@cache
def _markdown(lang: str) -> MarkdownIt:
    """CommonMark with footnotes, bare-URL links and language-aware typographic quotes.

    One parser per language, reused: parsing state lives in the ``env`` of each parse.
    """
    quotes = _QUOTES.get(lang.split("-")[0].lower(), _QUOTES["en"])
    md = MarkdownIt(
        "commonmark",
        {"linkify": True, "typographer": True, "quotes": quotes, "html": True},
    )
    md.enable(["linkify", "replacements", "smartquotes"])
    md.use(footnote_plugin, inline=False, move_to_end=False, always_match_refs=True)
    md.add_render_rule("footnote_ref", _render_note_call)
    return md


def _render_note_call(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    """A note call: superscript number linking to the endnote, with an anchor to come back to."""
    token = tokens[idx]
    number = env["note_numbers"][token.meta["label"]]
    call = token.meta["subId"] + 1
    return f'<a class="note-call" id="call-{number}-{call}" href="#note-{number}">{number}</a>'


class _TextOnly(HTMLParser):
    """Collects the text of raw HTML (never its scripts or styles)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _html_text(raw: str) -> str:
    parser = _TextOnly()
    parser.feed(raw)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


@dataclass
class _BodyParser:
    """Turns markdown-it tokens into model blocks; one instance per statement."""

    path: Path | None
    first_line: int
    lang: str
    md: MarkdownIt = field(init=False)
    env: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.md = _markdown(self.lang)

    def parse(self, body: str) -> tuple[list[Block], tuple[Note, ...]]:
        tokens = self.md.parse(body, self.env)
        self._sanitize(tokens)
        main, definitions = self._split_definitions(tokens)
        self.env["note_numbers"] = self._number_notes(tokens, definitions)
        blocks = self._blocks(main)
        notes = self._notes(definitions)
        return blocks, notes

    def typeset(self, text: str) -> str:
        """Front-matter text with the body's typography (quotes, dashes); markup is dropped."""
        children = self.md.parseInline(text, {})[0].children or []
        return _tie_dashes(_plain_text(children).strip() or text)

    # -- safety: raw HTML and images ---------------------------------------------------------

    def _sanitize(self, tokens: list[Token]) -> None:
        """Drop raw HTML (keeping its text) and images that are not the statement's own files."""
        for index, token in enumerate(tokens):
            if token.type == "html_block":
                self._warn(token, "raw HTML is not allowed; its tags were dropped")
                text = _html_text(token.content)
                tokens[index] = _text_paragraph(text, token) if text else _empty(token)
            for child in token.children or []:
                if child.type == "text":
                    child.content = _tie_dashes(child.content)
                if child.type == "html_inline":
                    self._warn(token, f"raw HTML {child.content!r} dropped")
                    child.type, child.content = "text", ""
                elif child.type == "image":
                    self._check_image(token, child)
        tokens[:] = [t for t in tokens if t.type != "leaflet_empty"]

    def _check_image(self, parent: Token, image: Token) -> None:
        src = str(image.attrs.get("src", ""))
        resolved = self._local_file(src)
        if resolved is None:
            self._warn(
                parent,
                f"image {src!r} is not a file in the statement's folder; "
                "its description is printed instead",
            )
            alt = "".join(child.content for child in image.children or [])
            image.type, image.tag, image.content, image.children = "text", "", alt, None
            image.attrs = {}
        else:
            image.attrs["src"] = resolved.as_uri()

    def _local_file(self, src: str) -> Path | None:
        """*src* as a file inside the statement's folder, or None (remote, outside, missing)."""
        if self.path is None or not src or re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I):
            return None
        folder = self.path.resolve().parent
        candidate = (folder / src).resolve()
        if not candidate.is_relative_to(folder) or not candidate.is_file():
            return None
        return candidate

    # -- notes -------------------------------------------------------------------------------

    def _split_definitions(
        self, tokens: list[Token]
    ) -> tuple[list[Token], dict[str, tuple[int, list[Token]]]]:
        """Separate note definitions (label → line, tokens) from the main flow."""
        main: list[Token] = []
        definitions: dict[str, tuple[int, list[Token]]] = {}
        current: list[Token] | None = None
        for token in tokens:
            if token.type == "footnote_reference_open":
                current = []
                definitions[token.meta["label"]] = (self._line(token), current)
            elif token.type == "footnote_reference_close":
                current = None
            elif current is not None:
                current.append(token)
            else:
                main.append(token)
        return main, definitions

    def _number_notes(
        self, tokens: list[Token], definitions: dict[str, tuple[int, list[Token]]]
    ) -> dict[str, int]:
        """Number notes by first reference; unreferenced ones follow in definition order."""
        numbers: dict[str, int] = {}
        self.calls: dict[str, int] = {}
        for token in tokens:
            for child in token.children or []:
                if child.type != "footnote_ref":
                    continue
                label = child.meta["label"]
                if label not in definitions:
                    raise SourceError(
                        f"footnote [^{label}] is referenced but never defined "
                        f"(add a line '[^{label}]: …')",
                        self.path,
                        self._line(token),
                    )
                numbers.setdefault(label, len(numbers) + 1)
                self.calls[label] = self.calls.get(label, 0) + 1
        for label, (line, _) in definitions.items():
            if label not in numbers:
                numbers[label] = len(numbers) + 1
                LOGGER.warning(
                    "%s: note [^%s] is never referenced; it is printed after the others",
                    _where(self.path, line),
                    label,
                )
        return numbers

    def _notes(self, definitions: dict[str, tuple[int, list[Token]]]) -> tuple[Note, ...]:
        numbers = self.env["note_numbers"]
        notes = [
            Note(numbers[label], label, tuple(self._blocks(body)), self.calls.get(label, 0), line)
            for label, (line, body) in definitions.items()
        ]
        return tuple(sorted(notes, key=lambda note: note.number))

    # -- blocks ------------------------------------------------------------------------------

    def _blocks(self, tokens: list[Token]) -> list[Block]:
        """Fold a flat token stream (open … close) into nested model blocks."""
        blocks: list[Block] = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            end = _closing(tokens, index)
            inner = tokens[index + 1 : end]
            block = self._block(token, inner)
            if block is not None:
                blocks.append(block)
            index = end + 1
        return blocks

    def _block(self, token: Token, inner: list[Token]) -> Block | None:
        line = self._line(token)
        kind = token.type
        if kind == "paragraph_open":
            return Paragraph(self._inline(inner[0]), line)
        if kind == "leaflet_paragraph":
            return Paragraph(self._inline((token.children or [])[0]), line)
        if kind == "heading_open":
            return Heading(max(2, int(token.tag[1])), self._inline(inner[0]), line)
        if kind in ("bullet_list_open", "ordered_list_open"):
            items = tuple(ListItem(tuple(self._blocks(body))) for body in _children(inner))
            start = int(token.attrs.get("start", 1))
            return ListBlock(kind == "ordered_list_open", start, items, line)
        if kind == "blockquote_open":
            return Quote(tuple(self._blocks(inner)), line)
        if kind in ("fence", "code_block"):
            return CodeBlock(token.content.rstrip("\n"), line)
        if kind == "hr":
            return ThematicBreak(line)
        return None

    def _inline(self, token: Token) -> Inline:
        children = token.children or []
        renderer = self.md.renderer
        assert isinstance(renderer, RendererHTML)
        rendered = renderer.renderInline(children, self.md.options, self.env)
        return Inline(rendered.strip(), _plain_text(children).strip())

    # -- helpers -----------------------------------------------------------------------------

    def _line(self, token: Token) -> int:
        return (token.map[0] if token.map else 0) + self.first_line

    def _warn(self, token: Token, message: str) -> None:
        LOGGER.warning("%s: %s", _where(self.path, self._line(token)), message)


_SPACED_DASH = re.compile(r" ([–—])(?= )")


def _tie_dashes(text: str) -> str:
    """A spaced dash never starts a line: tie it to the word before (no-break space)."""
    return _SPACED_DASH.sub("\u00a0\\1", text)


def _closing(tokens: list[Token], index: int) -> int:
    """Index of the token closing ``tokens[index]`` (itself for self-contained tokens)."""
    if tokens[index].nesting != 1:
        return index
    depth = 0
    for position in range(index, len(tokens)):
        depth += tokens[position].nesting
        if depth == 0:
            return position
    raise AssertionError("unbalanced markdown-it token stream")


def _children(tokens: list[Token]) -> list[list[Token]]:
    """The bodies of the top-level open … close pairs in *tokens* (list items)."""
    bodies = []
    index = 0
    while index < len(tokens):
        end = _closing(tokens, index)
        bodies.append(tokens[index + 1 : end])
        index = end + 1
    return bodies


def _plain_text(children: list[Token]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_plain_text(child.children or []))
    return "".join(parts)


def _text_paragraph(text: str, like: Token) -> Token:
    """A paragraph token holding plain *text* (used for what raw HTML said)."""
    inline = Token("inline", "", 0, content=text, map=like.map)
    inline.children = [Token("text", "", 0, content=text)]
    return Token("leaflet_paragraph", "", 0, map=like.map, children=[inline])


def _empty(like: Token) -> Token:
    return Token("leaflet_empty", "", 0, map=like.map)
