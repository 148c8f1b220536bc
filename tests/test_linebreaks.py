"""Line breaking remembered (:mod:`leaflet.linebreaks`): within a layout by the style object,
across layouts by the style's values — the same pages to the byte, far fewer Pango layouts on
balanced columns and on the next render of a statement, nothing mixed up between threads,
styles or fonts."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any

import pytest
from weasyprint.layout import inline
from weasyprint.text import line_break

from leaflet import linebreaks, render
from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import load_statement

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


pytestmark = pytest.mark.usefixtures("forgotten_layouts")


def _pango_layouts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts WeasyPrint makes a Pango layout of from now on, to break a line."""
    made: list[str] = []
    original = line_break.create_layout

    def counting(text: str, *args: Any) -> Any:
        made.append(text)
        return original(text, *args)

    monkeypatch.setattr(line_break, "create_layout", counting)
    return made


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("es-vivienda", RenderOptions(format="a4", template="classic")),  # balanced columns
        ("en-free-transit", RenderOptions(format="a5", template="modern")),
        ("uk-labour-rights", RenderOptions(format="a5-fold", template="zine")),
    ],
    ids=["a4-columns", "a5", "a5-fold"],
)
def test_the_same_bytes_with_fewer_line_layouts(
    name: str, options: RenderOptions, monkeypatch: pytest.MonkeyPatch
) -> None:
    statement = load_statement(EXAMPLES / f"{name}.md")
    made = _pango_layouts(monkeypatch)
    remembered = render_statement(statement, options).pdf
    with_memo = len(made)
    made.clear()
    render.forget_layouts()
    monkeypatch.setattr(render, "remembered_lines", contextlib.nullcontext)
    plain = render_statement(statement, options).pdf
    assert remembered == plain
    assert with_memo < len(made)
    if options.format == "a4":  # balancing two columns breaks the same lines again and again
        assert with_memo < 0.5 * len(made)


def test_each_caller_gets_its_own_text_layout() -> None:
    statement = load_statement(EXAMPLES / "es-vivienda.md")
    answers: list[Any] = []
    original = linebreaks._ORIGINAL

    def keep(*args: Any) -> Any:
        answer = original(*args)
        answers.append(answer[0])
        return answer

    calls: list[Any] = []
    remembering = linebreaks.split_first_line

    def spy(*args: Any, **kwargs: Any) -> Any:
        answer = remembering(*args, **kwargs)
        calls.append(answer[0])
        return answer

    assert linebreaks._known()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(linebreaks, "_ORIGINAL", keep)
        patch.setattr(linebreaks, "split_first_line", spy)
        render_statement(statement, RenderOptions(format="a4", template="classic"))
    assert len(calls) > 2 * len(answers) > 0  # answers remembered
    assert len({id(layout) for layout in calls}) == len(calls)  # never one object twice
    assert inline.split_first_line is line_break.split_first_line  # put back


def test_nothing_is_remembered_outside_the_block_or_in_another_thread() -> None:
    seen: list[object] = []
    with linebreaks.remembered_lines():
        assert linebreaks._memo() == {}
        outer = linebreaks._memo()
        with linebreaks.remembered_lines():  # a layout within a layout: its own memo
            assert linebreaks._memo() is not outer
        assert linebreaks._memo() is outer
        thread = threading.Thread(target=lambda: seen.append(linebreaks._memo()))
        thread.start()
        thread.join()
    assert seen == [None]
    assert linebreaks._memo() is None
    assert inline.split_first_line is line_break.split_first_line


def test_a_layout_in_another_thread_keeps_its_own_memo() -> None:
    statement = load_statement(EXAMPLES / "uk-labour-rights.md")
    options = RenderOptions(format="a5", template="classic")
    alone = render_statement(statement, options).pdf
    results: list[bytes] = []

    def run() -> None:
        results.append(render_statement(statement, options).pdf)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [alone] * 3
    assert inline.split_first_line is line_break.split_first_line


def test_the_next_render_breaks_its_lines_as_the_last_did() -> None:
    """A second render of a statement (a watch loop, a preview after an edit) makes almost no
    Pango layout; one in another template, another language or another size, its own."""
    assert linebreaks._shared_known()
    statement = load_statement(EXAMPLES / "en-free-transit.md")
    options = RenderOptions(format="a5", template="classic")
    with pytest.MonkeyPatch.context() as patch:
        made = _pango_layouts(patch)
        first = render_statement(statement, options).pdf
        cold = len(made)
        made.clear()
        again = render_statement(statement, options).pdf
        warm = len(made)
    assert again == first
    assert warm < 0.05 * cold
    # Renders in other styles after it: the same bytes as without any memo.
    others = [
        (statement, RenderOptions(format="a5", template="zine")),  # another font
        (statement, RenderOptions(format="a4", template="classic")),  # other sizes
        (load_statement(EXAMPLES / "uk-labour-rights.md"), options),  # another language
    ]
    remembered = [render_statement(each, choice).pdf for each, choice in others]
    render.forget_layouts()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "remembered_lines", contextlib.nullcontext)
        plain = [render_statement(each, choice).pdf for each, choice in others]
    assert remembered == plain


def test_another_weasyprint_remembers_within_a_layout_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    statement = load_statement(EXAMPLES / "uk-labour-rights.md")
    options = RenderOptions(format="a5", template="classic")
    monkeypatch.setattr(linebreaks, "_shared_known", lambda: False)
    made = _pango_layouts(monkeypatch)
    render_statement(statement, options)
    cold = len(made)
    made.clear()
    render.forget_layouts()
    render_statement(statement, options)
    assert len(made) == cold > 0
    assert not linebreaks._SHARED.answers


def test_the_shared_memo_drops_its_oldest_answers_and_never_reuses_a_number() -> None:
    shared = linebreaks._Shared(characters=10, styles=2, answers=3)
    one, two = shared.number(("a",)), shared.number(("b",))
    assert shared.number(("a",)) == one and one != two
    config = object()
    shared.put(("abcdef", one), config, ("first",))
    shared.put(("ghijkl", one), config, ("second",))  # 12 characters: the oldest goes
    assert shared.get(("abcdef", one), config) is None
    assert shared.get(("ghijkl", one), config) == ("second",)
    assert shared.get(("ghijkl", one), object()) is None  # another font configuration
    for text in "wxyz":
        shared.put((text, two), config, (text,))
    assert [key[0] for key in shared.answers] == ["x", "y", "z"]  # three answers at most
    three = shared.number(("c",))  # a third style: numbers and answers start over
    assert three not in (one, two) and not shared.answers
    assert shared.number(("a",)) not in (one, two, three)
    with pytest.raises(TypeError):
        shared.number(([],))
