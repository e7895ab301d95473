"""Interruptible: a click's stop request, raised by a drawing call, waits until the caller is done."""

from __future__ import annotations

import pytest

from embedviz.ui.interruptible import Interruptible


class Click(Exception):
    """Stands in for Streamlit's rerun request, raised at the script's next ``st.*`` call."""


def test_an_interruption_stops_drawing_not_the_work_and_is_raised_at_the_end() -> None:
    guard, drawn, done = Interruptible(), [], []

    def paint(step: int) -> None:
        if step == 2:
            raise Click
        drawn.append(step)

    for step in range(5):
        guard.draw(lambda step=step: paint(step))
        done.append(step)  # the work goes on
    assert drawn == [0, 1] and done == [0, 1, 2, 3, 4]
    assert isinstance(guard.interruption, Click)
    with pytest.raises(Click):
        guard.finish()


def test_without_a_click_finish_does_nothing() -> None:
    guard = Interruptible()
    assert guard.draw(lambda: None)
    guard.finish()


def test_due_spaces_the_redraws() -> None:
    guard = Interruptible()
    assert guard.due("bar", 3600)
    assert not guard.due("bar", 3600)
    assert guard.due("bar", 3600, force=True)
    assert guard.due("other", 3600)
