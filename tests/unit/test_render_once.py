"""Work several visuals share is done once per render (``RenderScope.once``), never across renders."""

from __future__ import annotations

import pytest

from data.engine import DataEngine


def test_once_shares_within_a_render_only(small_data):
    engine: DataEngine = small_data.engine
    calls = []

    def work():
        calls.append(1)
        return object()

    scope = engine.render()
    first = scope.once(("stores", "view"), work)
    assert scope.once(("stores", "view"), work) is first
    assert scope.once(("stores", "other view"), work) is not first
    assert engine.render().once(("stores", "view"), work) is not first   # a new render computes again
    assert engine.once(("stores", "view"), work) is not first            # outside a render: no sharing
    assert len(calls) == 4


def test_once_raises_its_error_to_every_caller(small_data):
    scope = small_data.engine.render()

    def fail():
        raise ValueError("no")

    for _ in range(2):
        with pytest.raises(ValueError):
            scope.once("key", fail)
