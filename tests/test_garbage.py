"""Fewer garbage collections while a render runs, the process left as it was."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from leaflet import garbage
from leaflet.pipeline import RenderOptions, render_statement
from leaflet.source import parse_statement


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield gc.get_threshold()
    gc.set_threshold(*before)


def test_collections_are_fewer_inside_and_restored_after(thresholds: tuple[int, int, int]) -> None:
    with garbage.fewer_collections():
        assert gc.get_threshold()[0] == garbage.YOUNG
        with garbage.fewer_collections():  # nested: still raised
            assert gc.get_threshold()[0] == garbage.YOUNG
        assert gc.get_threshold()[0] == garbage.YOUNG
    assert gc.get_threshold() == thresholds


def test_restored_after_an_error(thresholds: tuple[int, int, int]) -> None:
    with pytest.raises(RuntimeError), garbage.fewer_collections():
        raise RuntimeError
    assert gc.get_threshold() == thresholds


def test_threads_share_one_setting(thresholds: tuple[int, int, int]) -> None:
    # The first thread leaves while the second is inside: the setting stays raised until the
    # last one leaves, then the thresholds from before the first are back.
    inside, leave = threading.Event(), threading.Event()
    seen: list[int] = []

    def second() -> None:
        with garbage.fewer_collections():
            inside.set()
            leave.wait(10)
            seen.append(gc.get_threshold()[0])

    thread = threading.Thread(target=second)
    with garbage.fewer_collections():
        thread.start()
        assert inside.wait(10)
    seen.append(gc.get_threshold()[0])
    leave.set()
    thread.join(10)
    assert seen == [garbage.YOUNG, garbage.YOUNG]
    assert gc.get_threshold() == thresholds


def test_a_render_raises_them_and_restores_them(
    thresholds: tuple[int, int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[int, int, int]] = []
    from leaflet import pipeline

    original = pipeline._render_statement

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.get_threshold())
        return original(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_render_statement", spy)
    statement = parse_statement("---\ntitle: Garbage\n---\nA short text.\n")
    render_statement(statement, RenderOptions(format="a5"))
    assert seen and seen[0][0] == garbage.YOUNG
    assert gc.get_threshold() == thresholds
