"""A template is data, not code: a downloaded template cannot run code, read files outside its
folder and the bundled assets, reach the network, or read the statement folder's other files;
every mistake in it is one error line naming its file and line.

Each hostile case goes through the command line and checks the canary: a file outside the
template holding a random token that must never reach the PDF, the HTML or the messages.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import (
    EXAMPLES,
    LOOPBACK_HITS,
    assert_refused,
    pdf_reader,
    pdf_text,
    run_bounded,
    run_cli,
)

SOURCE = EXAMPLES / "es-vivienda.md"


@dataclass
class Setup:
    """A template folder, a statement folder and a canary beside them."""

    root: Path
    template: Path
    statement: Path
    canary: Path
    token: str

    @property
    def output(self) -> Path:
        return self.root / "out.pdf"

    @property
    def html(self) -> Path:
        return self.root / "out.html"

    def template_file(self, name: str, text: str) -> Path:
        path = self.template / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def lead(self, body: str) -> Path:
        """A ``statement.html.j2`` whose lead block, on line 3, is *body*."""
        return self.template_file(
            "statement.html.j2",
            '{% extends "base.html.j2" %}\n{% block lead %}\n' + body + "\n{% endblock %}\n",
        )

    def render(self, *args: str | Path) -> tuple[int, str]:
        """Render in this process; the exit code and stderr."""
        result = run_cli(*self.argv(), *args)
        return result.code, result.err

    def argv(self) -> list[str | Path]:
        return [
            "render",
            self.statement / "statement.md",
            "-t",
            self.template,
            "-o",
            self.output,
            "--html",
            self.html,
        ]

    def leaked(self, *texts: str) -> bool:
        """Whether the token is in *texts*, the HTML or the PDF text (when written)."""
        found = [*texts]
        if self.html.exists():
            found.append(self.html.read_text("utf-8"))
        if self.output.exists():
            found.append(pdf_text(self.output))
        return any(self.token in text for text in found)

    def assert_nothing_written(self) -> None:
        assert not self.output.exists() and not self.html.exists()
        assert sorted(p.name for p in self.statement.iterdir()) == ["statement.md"]


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    token = f"CANARY{secrets.token_hex(8).upper()}"
    canary = tmp_path / "canary.txt"
    canary.write_text(f"{token}\n", encoding="utf-8")
    template = tmp_path / "template"
    template.mkdir()
    (template / "manifest.toml").write_text('name = "hostile"\nextends = "classic"\n')
    statement = tmp_path / "statement"
    statement.mkdir()
    (statement / "statement.md").write_text(SOURCE.read_text("utf-8"), encoding="utf-8")
    return Setup(tmp_path, template, statement, canary, token)


def refused(setup: Setup, *, mentions: str, bounded: bool = False) -> str:
    """Render; the run must be refused naming *mentions*, write nothing and leak nothing."""
    result = run_bounded(*setup.argv()) if bounded else run_cli(*setup.argv())
    assert_refused(result, mentions=mentions)
    assert not setup.leaked(result.out, result.err)
    setup.assert_nothing_written()
    return result.err


# --- no code runs ------------------------------------------------------------------------------

PAYLOADS = [
    '{{ cycler.__init__.__globals__.os.popen("cat CANARY; touch PWNED").read() }}',
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ self._TemplateReference__context }}",
    '{{ lipsum.__globals__["os"].popen("touch PWNED") }}',
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ range.__globals__ }}",
    "{{ config.items() }}",
    "{{ request.application }}",
    "{{ s.__class__.__init__.__globals__ }}",
    '{{ "{0.__class__.__mro__}".format(s) }}',
    "{{ s.source.read_text() }}",
    '{{ s.source.with_name("PWNED").write_text("x") }}',
    '{{ template.folder.joinpath("../canary.txt").read_text() }}',
    '{{ s.source.parent.parent.joinpath("canary.txt").open().read() }}',
    "{{ template.stylesheets[0].read_bytes() }}",
    "{% set x = s.blocks.append(1) %}",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_template_injection_runs_no_code(setup: Setup, payload: str) -> None:
    pwned = setup.root / "pwned"
    entry = setup.lead(payload.replace("CANARY", str(setup.canary)).replace("PWNED", str(pwned)))
    refused(setup, mentions=f"{entry}:3:")
    assert not pwned.exists()
    assert not (setup.statement / "PWNED").exists()


def test_paths_print_but_open_nothing(setup: Setup) -> None:
    """The control: a template may print what it is given, and the render then succeeds."""
    setup.lead("<p>FROM {{ s.source.name }} IN {{ template.name }}</p>")
    code, err = setup.render()
    assert code == 0, err
    assert "FROM statement.md IN hostile" in setup.html.read_text("utf-8")
    assert not setup.leaked(err)


# --- files only from the template chain ----------------------------------------------------------


def test_extends_a_folder_without_manifest_is_refused(setup: Setup) -> None:
    (setup.template / "manifest.toml").write_text('extends = "/etc"\n')
    setup.lead('{% include "passwd" %}')
    err = refused(setup, mentions="extends unknown template '/etc'")
    assert "root:" not in err
    other = setup.root / "other"
    other.mkdir()
    (other / "statement.html.j2").write_text("{{ 1 }}")
    (setup.template / "manifest.toml").write_text('extends = "../other"\n')
    refused(setup, mentions="a template folder holds a manifest.toml")


def test_extends_a_folder_whose_manifest_links_out_is_refused(setup: Setup) -> None:
    other = setup.root / "other"
    other.mkdir()
    (other / "manifest.toml").symlink_to(setup.canary)
    (setup.template / "manifest.toml").write_text('extends = "../other"\n')
    refused(setup, mentions="link out of the template folder")


def test_symlinked_file_in_the_template_is_refused(setup: Setup) -> None:
    (setup.template / "evil.html").symlink_to(setup.canary)
    entry = setup.lead('{% include "evil.html" %}')
    refused(setup, mentions=f"{entry}:3: {setup.template / 'evil.html'} is a link out")


def test_symlinked_folder_in_the_template_is_refused(setup: Setup) -> None:
    (setup.template / "sub").symlink_to(setup.root, target_is_directory=True)
    entry = setup.lead('{% include "sub/canary.txt" %}')
    refused(setup, mentions=f"{entry}:3:")


def test_symlinked_stylesheet_or_entry_is_refused(setup: Setup) -> None:
    (setup.template / "style.css").symlink_to(setup.canary)
    refused(setup, mentions=f"{setup.template / 'style.css'}: is a link out of the template")
    (setup.template / "style.css").unlink()
    (setup.template / "statement.html.j2").symlink_to(setup.canary)
    refused(setup, mentions="is a link out of the template folder")


def test_a_link_inside_the_template_folder_is_followed(setup: Setup) -> None:
    setup.template_file("parts/lead.html", "<p>OWN PART</p>")
    (setup.template / "lead.html").symlink_to(setup.template / "parts" / "lead.html")
    setup.lead('{% include "lead.html" %}')
    code, err = setup.render()
    assert code == 0, err
    assert "OWN PART" in setup.html.read_text("utf-8")


@pytest.mark.parametrize(
    ("name", "mentions"),
    [
        ("{canary}", "is absolute"),
        ("../canary.txt", "leads out of the template folder"),
        ("../../canary.txt", "leads out of the template folder"),
        ("classic/../../../canary.txt", "leads out of the template folder"),
        ("sub/../../canary.txt", "leads out of the template folder"),
        ("base/../../templates.py", "leads out of the template folder"),
    ],
)
def test_include_outside_the_chain_is_refused(setup: Setup, name: str, mentions: str) -> None:
    entry = setup.lead('{% include "' + name.format(canary=setup.canary) + '" %}')
    assert mentions in refused(setup, mentions=f"{entry}:3: template name")


@pytest.mark.parametrize("name", ["", " ", "."])
def test_empty_name_or_a_folder_that_is_no_template_is_refused(setup: Setup, name: str) -> None:
    result = run_bounded(
        "render",
        setup.statement / "statement.md",
        "-t",
        name,
        "-o",
        setup.output,
        cwd=setup.statement,
    )
    assert_refused(result, mentions="template")
    assert "empty" in result.err or "not a template folder: no manifest.toml" in result.err
    setup.assert_nothing_written()


def test_a_folder_with_only_a_stylesheet_is_still_a_template(setup: Setup) -> None:
    (setup.template / "manifest.toml").unlink()
    setup.template_file("style.css", ".title { letter-spacing: 0.1em; }\n")
    code, err = setup.render()
    assert code == 0, err


# --- what WeasyPrint may read ------------------------------------------------------------------


def test_template_chain_gives_its_stylesheets_and_images(setup: Setup) -> None:
    """The control for the fetcher: a parent template folder's stylesheet and a template's own
    image are read."""
    from PIL import Image

    parent = setup.root / "parent"
    parent.mkdir()
    (parent / "manifest.toml").write_text('extends = "classic"\n')
    (parent / "style.css").write_text('.title::before { content: "PARENTCSS"; }\n')
    (setup.template / "manifest.toml").write_text('extends = "../parent"\n')
    Image.new("RGB", (40, 20), "#123456").save(setup.template / "band.png")
    setup.template_file("style.css", ".band { width: 4cm; height: 2cm; }\n")
    setup.lead('<img class="band" src="{{ template.folder }}/band.png">')
    code, err = setup.render()
    assert code == 0, err
    assert "refused" not in err
    assert "PARENTCSS" in pdf_text(setup.output)
    first_page = pdf_reader(setup.output).pages[0]
    xobjects = first_page["/Resources"].get("/XObject", {})
    assert any(ref.get_object()["/Subtype"] == "/Image" for ref in xobjects.values())


def test_template_css_cannot_import_files_outside(setup: Setup) -> None:
    outside = setup.root / "canary.css"
    outside.write_text(f'.title::after {{ content: "{setup.token}"; }}\n')
    inside = setup.template / "inside.css"
    inside.write_text('.title::before { content: "INSIDECSS"; }\n')
    (setup.template / "linked.css").symlink_to(outside)
    setup.template_file(
        "style.css",
        f'@import url("{outside.as_uri()}");\n@import "linked.css";\n@import "inside.css";\n'
        f'.lead {{ background: url("{setup.canary.as_uri()}"); }}\n',
    )
    code, err = setup.render()
    assert code == 0, err
    assert f"refused to load {outside.as_uri()}" in err
    assert "linked.css" in err and setup.canary.as_uri() in err
    assert "INSIDECSS" in pdf_text(setup.output)  # the control: the template's own CSS is read
    assert not setup.leaked()


def _svg_text(text: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="40">'
        f'<text x="5" y="30" font-size="20">{text}</text></svg>'
    )


def _svg_image(href: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' width="300" height="40"><image xlink:href="{href}" width="300" height="40"/></svg>'
    )


def _with_svg(setup: Setup, href: str) -> None:
    """The template folder holds SVGs drawing the token; the statement shows an SVG of its own
    folder whose ``<image>`` names *href*."""
    setup.template_file("secret.svg", _svg_text(setup.token))
    setup.template_file("secret", _svg_text(setup.token))
    (setup.statement / "own.svg").write_text(_svg_text("OWNTEXT"))
    (setup.statement / "wrapper.svg").write_text(_svg_image(href.format(setup=setup)))
    source = setup.statement / "statement.md"
    source.write_text(source.read_text("utf-8") + "\n\n![drawing](wrapper.svg)\n")


def test_statement_svg_draws_files_of_its_own_folder(setup: Setup) -> None:
    """The control: the text of an SVG that an SVG of the same folder shows is in the PDF."""
    _with_svg(setup, "own.svg")
    code, err = setup.render()
    assert code == 0, err
    assert "OWNTEXT" in pdf_text(setup.output)


@pytest.mark.parametrize(
    "href",
    [
        "file://{setup.template}/secret.svg",
        "file://localhost{setup.template}/secret.svg",
        "../template/secret.svg",
        "file://{setup.template}/secret",
        "data:image/svg+xml;charset=utf-8,"
        + quote(_svg_image("file://{setup.template}/secret.svg"))
        .replace("%7B", "{")
        .replace("%7D", "}"),
    ],
    ids=["absolute", "localhost", "relative", "no-suffix", "data"],
)
def test_statement_svg_cannot_reach_into_the_template_folder(setup: Setup, href: str) -> None:
    _with_svg(setup, href)
    result = run_cli(*setup.argv())
    assert "an SVG image may use only files of its own folder" in result.err, result.err
    assert not setup.leaked(result.out, result.err)
    if result.code != 0:  # an image of the statement that cannot be shown may be an error
        assert_refused(result)
        assert not setup.output.exists()


def test_statement_folder_gives_images_only(setup: Setup) -> None:
    """A template cannot load the statement folder's other files as stylesheets."""
    (setup.statement / "notes.css").write_text(f'.title::after {{ content: "{setup.token}"; }}')
    setup.lead('<link rel="stylesheet" href="notes.css">')
    code, err = setup.render()
    assert code == 0, err
    assert "refused to load" in err and "notes.css" in err
    assert not setup.leaked()


def test_template_and_statement_reach_no_network(setup: Setup, server: str) -> None:
    setup.template_file(
        "style.css",
        f'@import url("{server}/import.css");\n@import "{server}/import2.css";\n'
        f'@font-face {{ font-family: "Net"; src: url("{server}/font.woff"); }}\n'
        f'.title {{ font-family: "Net"; background: url("{server}/background.png"); }}\n',
    )
    setup.template_file(
        "net.svg",
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        f'<image href="{server}/template-svg.png" width="10" height="10"/></svg>',
    )
    setup.lead(
        f'<img src="{server}/img.png"><link rel="stylesheet" href="{server}/link.css">'
        '<img src="{{ template.folder }}/net.svg">'
        f'<object data="{server}/object"></object><embed src="{server}/embed">'
    )
    (setup.statement / "net.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        f'<image href="{server}/statement-svg.png" width="10" height="10"/>'
        f'<style>@font-face {{ font-family: X; src: url("{server}/svg-font.woff"); }}</style></svg>'
    )
    source = setup.statement / "statement.md"
    source.write_text(
        source.read_text("utf-8") + f"\n\n![net](net.svg) ![remote]({server}/md.png)\n"
    )
    code, err = setup.render()
    assert code == 0, err
    assert LOOPBACK_HITS == []
    assert "refused to load" in err


def test_include_of_a_url_reaches_no_network(setup: Setup, server: str) -> None:
    entry = setup.lead('{% include "' + server + '/include.html" %}')
    refused(setup, mentions=f"{entry}:3:")
    assert LOOPBACK_HITS == []


# --- every mistake is one error line naming the file and line ------------------------------------

MISTAKES = {
    "zero-division": ("{{ 1/0 }}", "ZeroDivisionError"),
    "type-error": ("{{ s.title + 1 }}", "TypeError"),
    "attribute-error": ("{{ s.title|dictsort }}", "AttributeError"),
    "value-error": ('{{ s.title.index("no such text") }}', "ValueError"),
    "unknown-filter": ("{{ s.title|no_such_filter }}", "no_such_filter"),
    "unknown-filter-in-if": ("{% if s.title %}{{ s.title|no_such_filter }}{% endif %}", "no_such"),
    "syntax-error": ("{% if %}", "Expected an expression"),
    "undefined": ("{{ s.no_such_field }}", "no_such_field"),
    "macro-recursion": (
        "{% macro down(n) %}{{ down(n + 1) }}{% endmacro %}{{ down(1) }}",
        "calls itself without end",
    ),
    "self-include": ('{% include "statement.html.j2" %}', "calls itself without end"),
    "recursive-loop": (
        "{% for i in range(3) recursive %}{{ loop(range(3)) }}{% endfor %}",
        "calls itself without end",
    ),
    "loop-bomb": (
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        "loops ran more than",
    ),
    "string-bomb": ('{{ "x" * 100000000000 }}', "too many"),
    "concat-bomb": (
        '{% set a = "x" * 10000000 %}{% set a = a ~ a %}{% set a = a ~ a %}{{ a }}',
        "too long",
    ),
    "plus-bomb": ('{% set a = "x" * 10000000 %}{{ a + a + a + a }}', "too many"),
    "format-bomb": ('{{ "%099999999d" % 1 }}', "format string is too large"),
    "format-method-bomb": ('{{ "{:{}}".format(1, 999999999) }}', "too large"),
    "slice-bomb": ("{{ [1]|slice(100000000)|list }}", "too large"),
    "lipsum-bomb": ("{{ lipsum(1000000) }}", "too large"),
    "power-bomb": ("{{ 7 ** 999999999 }}", "too large a number"),
    "width-bomb": ('{{ "x"|center(100000000000) }}', "a width or count of"),
    "method-width-bomb": ('{{ "x".ljust(100000000000) }}', "a width or count of"),
}


@pytest.mark.parametrize("case", sorted(MISTAKES))
def test_template_mistake_is_one_error_line(setup: Setup, case: str) -> None:
    body, says = MISTAKES[case]
    entry = setup.lead(body)
    err = refused(setup, mentions=f"{entry}:3: ", bounded=True)
    assert says in err


def test_extending_itself_names_the_line(setup: Setup) -> None:
    entry = setup.template_file("statement.html.j2", '\n{% extends "statement.html.j2" %}\n')
    err = refused(setup, mentions=f"{entry}:2: ", bounded=True)
    assert "leads back to itself" in err


def test_syntax_error_in_an_included_file_names_that_file(setup: Setup) -> None:
    part = setup.template_file("part.html", "ok\nok\n{{ s.title ) }}\n")
    setup.lead('{% include "part.html" %}')
    refused(setup, mentions=f"{part}:3: ")


def test_output_is_bounded(setup: Setup) -> None:
    entry = setup.lead(
        '{% for i in range(100000) %}{% for j in range(9) %}{{ "x" * 1000 }}{% endfor %}'
        "{% endfor %}"
    )
    err = refused(setup, mentions=f"{entry}: ", bounded=True)
    assert "MB of HTML" in err
