"""Read a statement source: YAML front matter + CommonMark body → :class:`Statement`.

Parsing is done by well-kept libraries: PyYAML for the front matter (composed first, so every
key knows its line) and markdown-it-py with the footnote plugin for the body.  This module only
maps their output onto the model and enforces DESIGN.md's rules: footnotes become endnotes
numbered by first reference, an undefined reference is an error naming label and line, raw HTML
is never trusted, images may only come from the statement's own folder.

Statements come from strangers, so reading one is bounded and nothing is lost silently: the
file is read only if it is a regular file under the size limit (:mod:`leaflet.limits`); YAML
anchors and aliases are refused; lists and quotes nested deeper than the layouts show are an
error with the line (markdown-it would drop the rest of the text); the rules markdown-it runs
in quadratic time are replaced by linear ones (:mod:`leaflet.markup`); and every word of the
body as written, read independently of the parser (:func:`written_words`), must reach the
model.
"""

from __future__ import annotations

import codecs
import datetime
import html
import logging
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from .errors import SourceError
from .files import read_input
from .limits import current_limits
from .markup import (
    attach_block_attributes,
    block_attributes_rule,
    linkify_rule,
    markup_spans,
    note_call_rule,
    smartquotes_rule,
    span_rule,
)
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
from .typography import (
    Typography,
    known_languages,
    known_typography,
    space_punctuation,
    typography,
)

__all__ = [
    "FRONT_MATTER_KEYS",
    "MAX_LIST_DEPTH",
    "MAX_NESTING",
    "MAX_QUOTE_DEPTH",
    "load_statement",
    "parse_statement",
    "read_utf8",
    "written_words",
]

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
    #: The "printed and promoted by" line election law asks for, small on the last page.
    "imprint": "text",
    "accent": "colour",
    "logo": "image file in the statement's folder",
}

_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_FENCE = re.compile(r"^(---|\.\.\.)\s*$")
#: How deep lists, quotes, and both together may nest: what the layouts can still show.
MAX_LIST_DEPTH = 5
MAX_QUOTE_DEPTH = 3
MAX_BLOCK_DEPTH = 6
#: markdown-it's own limit, beyond which it drops the rest of the text without a word: set far
#: above leaflet's limits, which are checked on the tokens first.
MAX_NESTING = 32
#: libyaml's safe loader when PyYAML was built with it (about 10x faster), else pure Python.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_statement(path: Path | str) -> Statement:
    """Read and parse the statement file at *path* (UTF-8 Markdown with front matter)."""
    path = Path(path)
    return parse_statement(read_utf8(path), path)


def read_utf8(path: Path, limit: int | None = None) -> str:
    """The UTF-8 text of the file at *path*, or a :class:`SourceError` saying why not (the line
    of the first byte that is not UTF-8, for a file saved in another encoding).

    Only regular files are read (a pipe would block, a device never end), and never more than
    *limit* bytes (default: the statement size limit in force, see :mod:`leaflet.limits`).
    """
    limit = current_limits().statement_bytes if limit is None else limit
    data = read_input(path, limit)
    # Windows editors save "Unicode" as UTF-16 with a byte order mark: read it as such.
    encoding = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else None
    try:
        return data.decode(encoding or "utf-8-sig")
    except UnicodeDecodeError as error:
        if encoding:
            raise SourceError("damaged UTF-16 text (save the file as UTF-8)", path) from None
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
    for key in ("title", "subtitle", "author", "contact", "imprint"):
        if key in fields:
            fields[key] = body_parser.typeset(fields[key])
    if "subtitle" in fields:
        # A subtitle is set like a paragraph: it never ends on a short word alone.
        head, tail, _ = _last_words(fields["subtitle"])
        fields["subtitle"] = head + tail
    if "slogans" in fields:
        fields["slogans"] = tuple(body_parser.typeset(slogan) for slogan in fields["slogans"])
    blocks, notes = body_parser.parse(body)
    lead = None
    if blocks and isinstance(blocks[0], Paragraph):
        lead, blocks = blocks[0], blocks[1:]
    statement = Statement(**fields, lead=lead, blocks=tuple(blocks), notes=notes, source=path)
    _check_nothing_lost(body, body_line, statement, path)
    return statement


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
    """The front matter's keys with their values and lines.

    Anchors and aliases are refused before anything is built (an alias "bomb" expands a few
    lines into gigabytes); each value is built on its own, so a value YAML cannot build (an
    impossible date, a number of thousands of digits) is reported with its key and line.
    """
    try:
        _refuse_aliases(yaml_text, path)
        loader = _YAML_LOADER(yaml_text)
        try:
            node = loader.get_single_node()
            if node is None:
                return _FrontMatter({}, {})
            if not isinstance(node, yaml.MappingNode):
                raise SourceError("front matter must be 'key: value' lines", path, 2)
            values: dict[str, Any] = {}
            lines: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = _construct(loader, key_node, None, path)
                if isinstance(key, list | dict):
                    raise SourceError(
                        "front matter keys must be plain words", path, key_node.start_mark.line + 2
                    )
                name = _scalar_text(key)
                lines[name] = key_node.start_mark.line + 2
                values[name] = _construct(loader, value_node, name, path)
            return _FrontMatter(values, lines)
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        raise _yaml_error(error, yaml_text, path) from None
    except RecursionError:
        raise SourceError("front matter is nested too deeply", path, 2) from None


def _refuse_aliases(yaml_text: str, path: Path | None) -> None:
    for event in yaml.parse(yaml_text, Loader=_YAML_LOADER):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise SourceError(
                "front matter uses a YAML anchor or alias ('&name' or '*name'); "
                "write each value out in full",
                path,
                event.start_mark.line + 2 if event.start_mark else None,
            )


def _construct(loader: Any, node: yaml.Node, key: str | None, path: Path | None) -> Any:
    """The Python value of *node*, or a SourceError naming *key* and the node's line."""
    if isinstance(node, yaml.SequenceNode):
        return [_construct(loader, item, key, path) for item in node.value]
    line = node.start_mark.line + 2
    written = node.value if isinstance(node, yaml.ScalarNode) else ""
    what = f"'{key}'" if key is not None else "a key"
    try:
        value = loader.construct_object(node, deep=True)
    except (ValueError, OverflowError) as error:
        if key is not None and FRONT_MATTER_KEYS.get(key) == "date":
            raise SourceError(
                f"'date' must be a real date written YYYY-MM-DD, not {_shown(written)}", path, line
            ) from None
        if node.tag.endswith((":int", ":float")):
            raise SourceError(
                f"{what} holds a number too long to read ({len(written)} characters); "
                "put it in quotes if it is text",
                path,
                line,
            ) from None
        if node.tag.endswith(":timestamp"):
            raise SourceError(
                f"{what}: {_shown(written)} is not a real date; put it in quotes if it is text",
                path,
                line,
            ) from None
        raise SourceError(f"{what} cannot be read: {_shown(str(error))}", path, line) from None
    if isinstance(value, int) and value.bit_length() > _MAX_NUMBER_BITS:
        # Python refuses to write such a number in decimal (hexadecimal YAML can hold one).
        raise SourceError(
            f"{what} holds a number too long to read ({len(written)} characters); "
            "put it in quotes if it is text",
            path,
            line,
        )
    return value


#: About 1000 decimal digits: more than any value a statement needs.
_MAX_NUMBER_BITS = 3300


def _yaml_error(error: yaml.YAMLError, yaml_text: str, path: Path | None) -> SourceError:
    # The problem's own mark, unless it is the end of the text: then where the
    # unfinished construct started ("date: [" with no closing bracket).
    last_line = max(yaml_text.count("\n") - 1, 0)
    mark = getattr(error, "problem_mark", None)
    if mark is None or mark.line > last_line:
        mark = getattr(error, "context_mark", None) or mark
    line = min(mark.line, last_line) + 2 if mark is not None else None
    problem = getattr(error, "problem", None) or "malformed"
    return SourceError(f"front matter is not valid YAML: {_cut(problem, 120)}", path, line)


def _shown(value: Any, width: int = 60) -> str:
    """*value* as a message shows it: quoted, cut to *width* characters with an ellipsis, and
    never the whole of a long list or mapping."""
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} items"
    if isinstance(value, dict):
        return f"a mapping of {len(value)} keys"
    return repr(_cut(value if isinstance(value, str) else _scalar_text(value), width))


def _cut(text: str, width: int) -> str:
    """*text*, cut to *width* characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _scalar_text(value: Any) -> str:
    if isinstance(value, int) and value.bit_length() > 14_000:
        return hex(value)  # Python refuses to write an int of over 4300 digits in decimal
    return str(value)


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


#: Longest text one front-matter value may hold, and most slogans a statement may have.
MAX_VALUE_CHARS = 2000
MAX_SLOGANS = 100


def _check_value(key: str, value: Any, path: Path | None, line: int | None) -> Any:
    kind = FRONT_MATTER_KEYS[key]

    def wrong(expected: str) -> SourceError:
        return SourceError(f"'{key}' must be {expected}, not {_shown(value)}", path, line)

    if kind == "date":
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(_scalar_text(value)[:40])
        except ValueError:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", _scalar_text(value)):
                raise wrong("a real date written YYYY-MM-DD") from None
            raise wrong("a date written YYYY-MM-DD") from None
    if kind == "list of texts":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(_is_scalar(item) for item in value):
            raise wrong("a list of texts ('- …' lines)")
        if len(value) > MAX_SLOGANS:
            raise SourceError(
                f"'{key}' has {len(value)} items; at most {MAX_SLOGANS} are allowed", path, line
            )
        texts = tuple(_scalar_text(item).strip() for item in value)
        for text in texts:
            _check_length(key, text, path, line)
        return tuple(text for text in texts if text)
    if not _is_scalar(value):
        raise wrong("a single text")
    text = _scalar_text(value).strip()
    _check_length(key, text, path, line)
    if kind == "language tag" and not _LANG_TAG.match(text):
        raise wrong("a language tag such as en, es, uk, pt-BR")
    if kind == "colour":  # normalised to #rrggbb: every colour mode reads it the same way
        from .colour import parse_colour

        try:
            return parse_colour(text)
        except ValueError:
            raise wrong("a colour such as '#c8102e' or 'red'") from None
    if kind == "URL" and not re.match(r"^(https?://)?[\w.-]+\.[a-z]{2,}(/\S*)?$", text, re.I):
        raise wrong("a web address such as example.org or https://example.org/join")
    return text


def _check_length(key: str, text: str, path: Path | None, line: int | None) -> None:
    if len(text) > MAX_VALUE_CHARS:
        raise SourceError(
            f"'{key}' is {len(text)} characters long ({_shown(text)}); "
            f"at most {MAX_VALUE_CHARS} are allowed",
            path,
            line,
        )


def _is_scalar(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _where(path: Path | None, line: int | None) -> str:
    name = str(path) if path is not None else "<statement>"
    return f"{name}:{line}" if line is not None else name


# --- nothing lost: an independent reading of the words ---------------------------------------

_WORD = re.compile(r"[^\W_]+")
_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")
_BLANKED_LINE_START = re.compile(
    r"^[^\S\n]*(?:(?:>|\[\^[^\]\[\s]*\]:|(?:[-+*]|\d{1,9}[.)])(?=\s|$))[^\S\n]*)+",
    re.MULTILINE,
)
#: What may come before a code fence on its line: indentation, quote and list markers, a note
#: label.
_LINE_PREFIX = r"^[^\S\n]*(?:(?:>|[-+*]|\d{1,9}[.)]|\[\^[^\]\[\s]*\]:)[^\S\n]*)*"
#: Where the reading cut something out: the letters on either side may be one printed word
#: ("**a**b") or two (a tag between blocks, an autolink's text), so both are accepted.
_CUT = "\0"
#: A link reference definition: its destination may be on the next line, its title too.
_LINK_DEFINITION = re.compile(
    r"^[^\S\n]*(?:>[^\S\n]*)*\[(?!\^)[^\]\n]{1,999}\]:"
    r"(?:[^\S\n]*\n[^\S\n]*(?:>[^\S\n]*)*)?[^\n]*"
    r"(?:\n[^\S\n]*(?:>[^\S\n]*)*[\"'(][^\n]*)?",
    re.MULTILINE,
)
#: An attribute list (``{lang=fr}``), after a span's ``]`` or alone on a line.
_ATTRIBUTES = r"\{[^{}\n]*\}"
#: Constructs whose words are never printed: a fence's info string, link reference definition
#: lines, note labels, link destinations and titles, reference labels, attribute lists,
#: (c) (r) (tm) symbols, list and quote markers.  Markup is removed without a space, as the
#: parser removes it.
_NOT_PRINTED = [
    (re.compile(f"({_LINE_PREFIX}(?:`{{3,}}|~{{3,}}))[^\\n]*", re.MULTILINE), r"\1" + _CUT),
    (_BLANKED_LINE_START, " "),
    (re.compile(f"^[^\\S\\n]*{_ATTRIBUTES}[^\\S\\n]*$", re.MULTILINE), _CUT),
    (re.compile(f"\\]{_ATTRIBUTES}"), "]" + _CUT),
    (_LINK_DEFINITION, _CUT),
    (re.compile(r"\[\^[^\]\[\s]*\]"), _CUT),
    (
        re.compile(
            r"\]\(\s*(?:<[^<>\n]*>|(?:[^()\s]|\([^()\s]*\))*)"
            r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?\s*\)"
        ),
        "]" + _CUT,
    ),
    (re.compile(r"\]\[[^\[\]\n]{0,999}\]"), "]" + _CUT),
    (re.compile(r"\((?:c|r|tm|p)\)", re.IGNORECASE), _CUT),
]
#: A chunk of text the parser may print decoded (entities, percent-escapes, punycode).
_ENCODED = re.compile(r"&#?[A-Za-z0-9]+;|%[0-9A-Fa-f]{2}|xn--", re.IGNORECASE)
#: Chunks missing from the model whose pieces (between cuts) are looked for in its
#: run-together text: beyond this many, the text is lost for sure.
_LOOSE_MATCHES = 500


def written_words(source: str) -> list[str]:
    """The words of a statement source's body as written, read without the Markdown parser:
    front matter, markup, link destinations, note labels and raw HTML are left out, and so is
    text the parser prints decoded (``&eacute;``, ``%D1%84``).  Words are runs of letters and
    digits (markup between letters may split one printed word in two).

    Every word here must reach the model (:func:`parse_statement` checks it) and the PDF
    (``leaflet check --source``): a parser that loses text cannot hide it from this reading.
    """
    lines = source.splitlines(keepends=True)
    if lines and lines[0].strip() == "---":
        end = next((i for i in range(1, len(lines)) if _FENCE.match(lines[i])), len(lines))
        lines = lines[end + 1 :]
    return [
        word for chunk, _ in _written_chunks("".join(lines), 1) for word in _WORD.findall(chunk)
    ]


def _written_chunks(body: str, first_line: int) -> Iterator[tuple[str, int]]:
    """(chunk, line) for each run of text between spaces in *body* as written, its markup
    removed (see :func:`written_words`)."""
    text = body.replace(_CUT, "\ufffd")  # as markdown-it does
    # Markup first, as written: cutting other constructs first could hide a "<script>" whose
    # element the parser drops.
    text = _without_markup(text, keep_lines=True, separator=_CUT)
    for pattern, replacement in _NOT_PRINTED:
        text = pattern.sub(partial(_keep_lines, replacement), text)
    for number, line in enumerate(re.split(r"\r\n?|\n", text)):
        for chunk in line.split():
            if not _ENCODED.search(chunk):
                yield chunk, first_line + number


def _keep_lines(replacement: str, match: re.Match[str]) -> str:
    """*replacement* for *match*, followed by the line ends the match held."""
    return match.expand(replacement) + "\n" * match.group(0).count("\n")


def _run_together(text: str) -> str:
    """A chunk of text as the guard compares it: its letters and digits, case folded."""
    return _NOT_ALPHANUMERIC.sub("", text).casefold()


def _check_nothing_lost(
    body: str, first_line: int, statement: Statement, path: Path | None
) -> None:
    """Every chunk of the body as written must be in the model as often as it was written.

    Chunks (text between spaces, letters and digits only) are compared rather than words, as
    inline markup may stand between the letters of one word (``**a**b``, ``caf*é*``).
    """
    texts = list(statement.body_texts())
    kept = Counter(_run_together(chunk) for text in texts for chunk in text.split())
    seen: Counter[str] = Counter()
    lost: list[tuple[int, str]] = []
    for chunk, line in _written_chunks(body, first_line):
        key = _run_together(chunk)
        if key:
            seen[key] += 1
            if seen[key] > kept[key]:
                lost.append((line, chunk))
    if lost and len({_run_together(chunk) for _, chunk in lost}) <= _LOOSE_MATCHES:
        whole = _run_together("".join(texts))
        lost = [
            (line, chunk)
            for line, chunk in lost
            if not all(_run_together(piece) in whole for piece in chunk.split(_CUT))
        ]
    if lost:
        shown = ", ".join(_shown(chunk.replace(_CUT, ""), 30) for _, chunk in lost[:6])
        more = f" and {len(lost) - 6} more" if len(lost) > 6 else ""
        raise SourceError(
            f"text would be lost while reading the Markdown from here on ({shown}{more}); "
            "simplify the markup here (and please report it)",
            path,
            min(line for line, _ in lost),
        )


# --- body ----------------------------------------------------------------------------------


@cache
def _markdown(lang: str) -> MarkdownIt:
    """CommonMark with footnotes, bare-URL links and language-aware typographic quotes.

    One parser per language, reused: parsing state lives in the ``env`` of each parse.
    markdown-it has one nesting limit for blocks and inline text, and silently drops the rest
    of the text at the block limit: blocks get a limit far above leaflet's own (checked on
    the tokens, with the line, so it is never reached), while inline text keeps CommonMark's
    (past it, markup is only left as text, and link parsing costs grow with it).
    """
    md = _configured_markdown(lang, MAX_NESTING)
    inline = _configured_markdown(lang, _INLINE_NESTING)
    md.core.ruler.at("inline", partial(_parse_inline, inline))
    return md


#: markdown-it's CommonMark limit for inline nesting (emphasis in links in emphasis …).
_INLINE_NESTING = 20


def _configured_markdown(lang: str, max_nesting: int) -> MarkdownIt:
    md = MarkdownIt(
        "commonmark",
        {"linkify": True, "typographer": True, "quotes": typography(lang).quotes, "html": True},
    )
    md.options["maxNesting"] = max_nesting
    md.enable(["linkify", "replacements", "smartquotes"])
    md.use(footnote_plugin, inline=False, move_to_end=False, always_match_refs=True)
    # Linear-time rules for hostile input (see leaflet.markup); same tokens for ordinary text.
    md.inline.ruler.at("footnote_ref", note_call_rule)
    md.inline.ruler.at("linkify", linkify_rule)
    md.core.ruler.at("smartquotes", smartquotes_rule)
    # Passages in another language: [passage]{lang=fr}, or a line {lang=fr} above a block.
    md.inline.ruler.after("link", "span", span_rule)
    md.block.ruler.before("fence", "attributes", block_attributes_rule)
    md.core.ruler.after("block", "attributes", attach_block_attributes)
    md.add_render_rule("footnote_ref", _render_note_call)
    return md


def _parse_inline(inline: MarkdownIt, state: StateCore) -> None:
    """markdown-it's ``inline`` core rule, run by the *inline* parser (its nesting limit)."""
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            inline.inline.parse(token.content, inline, state.env, token.children)


def _render_note_call(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    """A note call: superscript number linking to the endnote, with an anchor to come back to.

    The call is glued to what comes before it by a WORD JOINER (U+2060; UAX #14 forbids a
    line break on either side of it, WeasyPrint honours it between boxes, and it leaves no
    trace in the PDF's text layer), so a line never starts with a call.  Calls side by side are
    separated by a superscript comma ("45,46,47", never "454647"), glued too.
    """
    token = tokens[idx]
    number = env["note_numbers"][token.meta["label"]]
    call = token.meta["subId"] + 1
    link = f'<a class="note-call" id="call-{number}-{call}" href="#note-{number}">{number}</a>'
    if idx > 0 and tokens[idx - 1].type == "footnote_ref":
        return f'{WORD_JOINER}<span class="note-call-separator">,</span>{WORD_JOINER}{link}'
    return WORD_JOINER + link


#: Forbids a line break on either side (UAX #14 class WJ); invisible, and not in the text layer.
WORD_JOINER = "\u2060"


_LANG_ATTRIBUTE = re.compile(r"""\blang\s*=\s*["']?([\w-]+)""", re.IGNORECASE)


def _lang_hint(tag: Token) -> str:
    """For a dropped tag that gives a language, how to mark the passage instead."""
    found = _LANG_ATTRIBUTE.search(tag.content)
    if found is None:
        return ""
    return f" (mark a passage in another language as [its text]{{lang={found.group(1)}}})"


def _html_text(raw: str) -> str:
    """The text of raw HTML: tags, comments, scripts and styles dropped, entities decoded."""
    return " ".join(html.unescape(_without_markup(raw)).split())


def _without_markup(text: str, *, keep_lines: bool = False, separator: str = " ") -> str:
    """*text* with each piece of raw HTML markup (see :func:`leaflet.markup.markup_spans`)
    replaced by *separator*; with *keep_lines*, followed by the line ends it held, so lines
    still count."""
    parts, position = [], 0
    for start, end in markup_spans(text):
        parts.append(text[position:start])
        parts.append(separator + "\n" * text.count("\n", start, end) if keep_lines else separator)
        position = end
    parts.append(text[position:])
    return "".join(parts)


#: Warnings about the body shown one by one; the rest are counted.
_MAX_WARNINGS = 20


@dataclass
class _BodyParser:
    """Turns markdown-it tokens into model blocks; one instance per statement."""

    path: Path | None
    first_line: int
    lang: str
    md: MarkdownIt = field(init=False)
    typography: Typography = field(init=False)
    env: dict[str, Any] = field(default_factory=dict)
    warnings: int = 0

    def __post_init__(self) -> None:
        self.md = _markdown(self.lang)
        self.typography = typography(self.lang)

    def parse(self, body: str) -> tuple[list[Block], tuple[Note, ...]]:
        tokens = self.md.parse(body, self.env)
        self._check_nesting(tokens)
        self._sanitize(tokens)
        main, definitions = self._split_definitions(tokens)
        self.env["note_numbers"] = self._number_notes(tokens, definitions)
        blocks = self._blocks(main)
        notes = self._notes(definitions)
        if self.warnings > _MAX_WARNINGS:
            LOGGER.warning(
                "%s: … and %d more warnings like these",
                _where(self.path, None),
                self.warnings - _MAX_WARNINGS,
            )
        return blocks, notes

    # -- nesting: refused with its line, never cut -------------------------------------------

    def _check_nesting(self, tokens: list[Token]) -> None:
        """Lists and quotes nested deeper than the layouts can show are an error at the line
        where the limit is passed; so is a note defined inside a note."""
        lists = quotes = notes = 0
        for token in tokens:
            if token.level >= MAX_NESTING - 2:
                self._fail(token, "the text is nested too deeply here")  # a backstop
            kind = token.type.removesuffix("_open").removesuffix("_close")
            if kind in ("bullet_list", "ordered_list"):
                lists += token.nesting
            elif kind == "blockquote":
                quotes += token.nesting
            elif kind == "footnote_reference":
                notes += token.nesting
            else:
                continue
            if token.nesting != 1:
                continue
            if lists > MAX_LIST_DEPTH:
                self._fail(token, f"lists are nested more than {MAX_LIST_DEPTH} deep here")
            if quotes > MAX_QUOTE_DEPTH:
                self._fail(token, f"quotes are nested more than {MAX_QUOTE_DEPTH} deep here")
            if lists + quotes > MAX_BLOCK_DEPTH:
                self._fail(
                    token,
                    f"lists and quotes together are nested more than {MAX_BLOCK_DEPTH} deep here",
                )
            if notes > 1:
                raise SourceError(
                    "a note is defined inside another note (start it on a line of its own)",
                    self.path,
                    self._line(token),
                )

    def _fail(self, token: Token, message: str) -> None:
        raise SourceError(
            f"{message} (the layouts have no room for more: flatten it)",
            self.path,
            self._line(token),
        )

    def typeset(self, text: str) -> str:
        """Front-matter text with the body's typography (quotes, dashes, the language's
        spacing, see :mod:`leaflet.typography`); markup is dropped."""
        children = self.md.parseInline(text, {})[0].children or []
        return self._typeset_text(_plain_text(children).strip() or text)

    def _typeset_text(self, text: str, entry: Typography | None = None) -> str:
        return space_punctuation(_tie_dashes(text), entry or self.typography)

    # -- passages in another language --------------------------------------------------------

    def _passage_lang(self, token: Token, outer: str, line: int) -> str:
        """The language of *token* (a block or a span): its own ``lang`` attribute, checked
        against the typography table, or *outer*'s.  Other attributes are ignored with a
        warning (classes and identifiers would reach the templates' names)."""
        attributes: dict[str, str] = (token.meta or {}).get("attributes") or {}
        ignored = sorted(name for name in attributes if name != "lang")
        if ignored:
            names = ", ".join(_shown(name, 30) for name in ignored)
            self._warn_at(line, f"attribute {names} ignored (only lang=… is read)")
        lang = attributes.get("lang")
        if lang is None:
            return outer
        entry = known_typography(lang) if _LANG_TAG.match(lang) else None
        if entry is None:
            raise SourceError(
                f"{_shown(lang, 30)} is not a language leaflet can set a passage in "
                f"(use one of: {known_languages()})",
                self.path,
                line,
            )
        if token.type == "span_open":
            token.attrs = {"lang": entry.html_lang}
        return lang

    # -- safety: raw HTML and images ---------------------------------------------------------

    def _sanitize(self, tokens: list[Token]) -> None:
        """Drop raw HTML (keeping its text) and images that are not the statement's own files;
        give each block its language (``meta["lang"]``) and each text its language's
        typography."""
        languages = [self.lang]
        for index, token in enumerate(tokens):
            if token.nesting < 0:
                if len(languages) > 1:
                    languages.pop()
                continue
            if token.type == "attributes":
                self._warn(token, "attributes with no block below them ignored")
                tokens[index] = token = _empty(token)
            where = (token.meta or {}).get("attributes_map") or token.map
            line = (where[0] if where else 0) + self.first_line
            lang = self._passage_lang(token, languages[-1], line)
            if token.nesting > 0:
                languages.append(lang)
            token.meta = {**(token.meta or {}), "lang": lang}
            if token.type == "html_block":
                self._warn(token, "raw HTML is not allowed; its tags were dropped")
                text = _html_text(token.content)
                tokens[index] = _text_paragraph(text, token, lang) if text else _empty(token)
            self._sanitize_inline(token, lang)
        tokens[:] = [t for t in tokens if t.type not in ("leaflet_empty", "attributes")]

    def _sanitize_inline(self, token: Token, lang: str) -> None:
        in_address = False  # a bare or <…> link's text is its address: kept as written
        line = self._line(token)
        spans = [lang]
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "span_open":
                spans.append(self._passage_lang(child, spans[-1], line))
            elif child.type == "span_close" and len(spans) > 1:
                spans.pop()
            if child.type in ("link_open", "link_close") and child.info == "auto":
                in_address = child.type == "link_open"
            if child.type == "text" and not in_address:
                child.content = self._typeset_text(child.content, typography(spans[-1]))
            if child.type == "html_inline":
                self._warn_at(line, f"raw HTML {_shown(child.content)} dropped{_lang_hint(child)}")
                child.type, child.content = "text", ""
            elif child.type == "image":
                self._check_image(token, child)

    def _check_image(self, parent: Token, image: Token) -> None:
        src = str(image.attrs.get("src", ""))
        resolved = self._local_file(src)
        if resolved is None:
            self._warn(
                parent,
                f"image {_shown(src)} is not a file in the statement's folder; "
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
        try:
            # markdown-it percent-encodes link destinations ("my photo.png", "фото.png").
            name = unquote(src, errors="strict")
            if "\0" in name or name.startswith(("/", "\\")):
                return None
            folder = self.path.resolve().parent
            candidate = (folder / name).resolve()
            if not candidate.is_relative_to(folder) or not candidate.is_file():
                return None
        except (OSError, RuntimeError, ValueError):  # too long, a symlink loop …
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
                label, line = token.meta["label"], self._line(token)
                if label in definitions:
                    raise SourceError(
                        f"note [^{label}] is defined twice, on lines {definitions[label][0]} "
                        f"and {line}: give each note its own label",
                        self.path,
                        line,
                    )
                definitions[label] = (line, current)
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
                self._warn_at(
                    line, f"note [^{label}] is never referenced; it is printed after the others"
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
        """The text of *token*: safe HTML and plain text.  In a block whose language is not
        the statement's, the HTML is one span with that ``lang`` (the hyphenation patterns
        WeasyPrint uses), whatever element a template sets it in."""
        children = token.children or []
        renderer = self.md.renderer
        assert isinstance(renderer, RendererHTML)
        protected = _protect_words(children, names=self.typography.keep_names_whole)
        rendered = renderer.renderInline(protected, self.md.options, self.env).strip()
        lang = (token.meta or {}).get("lang", self.lang)
        entry = typography(lang)
        if entry is self.typography:
            return Inline(rendered, _plain_text(children).strip())
        rendered = f'<span lang="{entry.html_lang}">{rendered}</span>'
        return Inline(rendered, _plain_text(children).strip(), lang)

    # -- helpers -----------------------------------------------------------------------------

    def _line(self, token: Token) -> int:
        return (token.map[0] if token.map else 0) + self.first_line

    def _warn(self, token: Token, message: str) -> None:
        self._warn_at(self._line(token), message)

    def _warn_at(self, line: int, message: str) -> None:
        """Warn with the line; after :data:`_MAX_WARNINGS`, only count (see :meth:`parse`)."""
        self.warnings += 1
        if self.warnings <= _MAX_WARNINGS:
            LOGGER.warning("%s: %s", _where(self.path, line), message)


_SPACED_DASH = re.compile(r" ([–—])(?= )")


def _tie_dashes(text: str) -> str:
    """A spaced dash never starts a line: tie it to the word before (no-break space)."""
    return _SPACED_DASH.sub("\u00a0\\1", text)


#: A word, or words joined by hard hyphens ("military-political").
_WORD_RUN = re.compile(r"[^\W\d_]+(?:-[^\W_]+)*")
#: What comes before a word inside a sentence: a letter or digit, maybe a comma, a space.
_INSIDE_SENTENCE = re.compile(r"[^\W_][,;:]? $")


def _protect_words(children: list[Token], *, names: bool) -> list[Token]:
    """*children* with the words hyphenation must leave whole in spans (``hyphens: manual``
    in ``base.css``): words with a hard hyphen of their own (``compound``: a second hyphen
    inside "milit-ary-political" reads as a typo), with *names*, capitalised words inside a
    sentence (``name``: proper names and acronyms; measured on the corpus, about one more
    line in 250 and slightly looser justified lines), and the last word of the text
    (``last-word``: a paragraph never ends on a word fragment).  A short last word ("am.",
    "18.") is tied to the word before it by a no-break space inside that span, so a paragraph
    never ends on a short word alone (the model's text keeps the space as written).  Link
    addresses are left alone: they break anywhere and never hyphenate (keeping an address's
    last letters together made it overflow narrow note columns; the layout preflight does not
    take an address's last piece for a word)."""
    texts = {
        index
        for index, child in enumerate(children)
        if child.type == "text" and child.content.strip() and not _in_address(children, index)
    }
    last = max(texts, default=-1)
    protected: list[Token] = []
    for index, child in enumerate(children):
        if index not in texts:
            protected.append(child)
            continue
        text = child.content
        tail = ""
        if index == last:
            text, tail, tie_to_break = _last_words(text)
            if tie_to_break and protected and protected[-1].type == "softbreak":
                # The source's line ended just before a short last word.
                protected[-1] = Token("text", "", 0, content=NO_BREAK_SPACE)
        protected.extend(_spans(text, names=names))
        if tail:
            protected.extend(_wrapped(tail, "last-word"))
    return protected


NO_BREAK_SPACE = "\u00a0"
#: A paragraph's last word with fewer letters and digits than this is kept with the one before.
SHORT_LAST_WORD = 4
#: Spaces a line may not break at: a word joined by one is one word here.
_NO_BREAK_SPACES = frozenset("\u00a0\u2007\u202f")


def _last_words(text: str) -> tuple[str, str, bool]:
    """*text* cut before its last word, or, when that word is short (fewer than
    :data:`SHORT_LAST_WORD` letters and digits), before the word ahead of it, with the spaces
    between the two made one no-break space (only spaces when the word ahead is in another
    token); and whether a short last word starts *text* (then a line break in the source
    before it should be a no-break space too)."""
    cut = _last_word_start(text)
    last = _keep_end_whole(text[cut:])
    if _letters(last) >= SHORT_LAST_WORD:
        return text[:cut], last, False
    spaces = cut
    while spaces and _breakable_space(text[spaces - 1]):
        spaces -= 1
    if spaces == cut:
        return text[:cut], last, cut == 0
    before = _last_word_start(text[:spaces])
    return text[:before], text[before:spaces].rstrip() + NO_BREAK_SPACE + last, False


def _letters(word: str) -> int:
    return sum(char.isalnum() for char in word)


#: Where a line may break inside a word: after a hyphen or a slash ("travailleurs/ses").
_BREAK_INSIDE = re.compile(r"[-/‐–—](?=[^-/‐–—]*$)")


def _keep_end_whole(word: str) -> str:
    """*word* with a WORD JOINER after its last hyphen or slash when what follows is short
    ("travailleurs/⁠ses.", "pro-⁠EU."): the line may not break there, leaving a fragment
    alone on a paragraph's last line."""
    inside = _BREAK_INSIDE.search(word)
    if inside is None or not _letters(word[: inside.start()]):
        return word
    rest = word[inside.end() :]
    if _letters(rest) >= SHORT_LAST_WORD or not _letters(rest):
        return word
    return word[: inside.end()] + WORD_JOINER + rest


def _breakable_space(char: str) -> bool:
    return char.isspace() and char not in _NO_BREAK_SPACES


def _last_word_start(text: str) -> int:
    """Where the last word of *text* starts (words are parted by spaces a line may break at),
    found from the end (a regular expression for "the last run of non-spaces" would try every
    start: quadratic on a long run)."""
    start = len(text.rstrip())
    while start and not _breakable_space(text[start - 1]):
        start -= 1
    return start


def _in_address(children: list[Token], index: int) -> bool:
    """Whether ``children[index]`` is the text of a bare or ``<…>`` link (its address)."""
    before = children[index - 1] if index else None
    return before is not None and before.type == "link_open" and before.info == "auto"


def _spans(text: str, *, names: bool) -> Iterator[Token]:
    """Text tokens for *text*, compounds (and, with *names*, names) wrapped in spans."""
    position = 0
    for match in _WORD_RUN.finditer(text):
        word, start = match.group(), match.start()
        if "-" in word:
            kind = "compound"
        elif (
            names and word[0].isupper() and _INSIDE_SENTENCE.search(text, max(0, start - 3), start)
        ):
            kind = "name"
        else:
            continue
        if start > position:
            yield Token("text", "", 0, content=text[position:start])
        yield from _wrapped(word, kind)
        position = match.end()
    if position < len(text):
        yield Token("text", "", 0, content=text[position:])


def _wrapped(text: str, name: str) -> Iterator[Token]:
    yield Token("html_inline", "", 0, content=f'<span class="{name}">')
    yield Token("text", "", 0, content=text)
    yield Token("html_inline", "", 0, content="</span>")


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


def _text_paragraph(text: str, like: Token, lang: str) -> Token:
    """A paragraph token holding plain *text* in *lang* (used for what raw HTML said)."""
    inline = Token("inline", "", 0, content=text, map=like.map, meta={"lang": lang})
    inline.children = [Token("text", "", 0, content=text)]
    return Token("leaflet_paragraph", "", 0, map=like.map, children=[inline])


def _empty(like: Token) -> Token:
    return Token("leaflet_empty", "", 0, map=like.map)
