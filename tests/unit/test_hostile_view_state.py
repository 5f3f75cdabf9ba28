"""Generated hostile view states (docs/view-state.md): any JSON value in any position of a state, for both
dashboards and for a viewer with and without row restrictions, read through ``ViewResolver.parse``.

Written (strict), a state is either refused with a 400/422 error whose field names a position that was made
hostile, or accepted as a canonical state that round-trips: parsing its ``to_dict()`` or its JSON gives the
same state, and its JSON is canonical. Read (lenient), every state opens as one that would be accepted.
"""

from __future__ import annotations

import json

import pytest
from cachelib import SimpleCache
from hypothesis import given
from hypothesis import strategies as st

from accounts.viewer import Viewer
from core.errors import ServiceError
from dashboards import registry
from data.engine import DataEngine
from data.files import duckdb_url
from tests.hostile import Known, encodings, hostile_states, named_by, scaled, valid_states
from views.resolve import ViewResolver
from views.state import canonical_json

ANALYST = Viewer("analyst", None, None, user_id=1)
PARTNER = Viewer("partner", frozenset({"gaming"}), ("aurora",), user_id=3)
VIEWERS = {"restaurant": [ANALYST], "gaming": [ANALYST, PARTNER]}
CASES = [(board_id, viewer) for board_id, viewers in VIEWERS.items() for viewer in viewers]


@pytest.fixture(scope="module")
def resolver(small_data):
    # Its own engine with a result cache: options are asked for on every parse, the answers never change.
    engine = DataEngine(duckdb_url(small_data.path), cache=SimpleCache(threshold=10_000), cache_seconds=3600)
    yield ViewResolver(engine)
    engine.dispose()


@pytest.fixture(scope="module")
def known(resolver):
    return {(board_id, viewer.username): Known.of(resolver, registry.get(board_id), viewer)
            for board_id, viewer in CASES}


# Properties ------------------------------------------------------------------------------------------

def assert_round_trips(resolver: ViewResolver, known: Known, state) -> None:
    board, viewer = known.board, known.viewer
    text = state.to_json()
    assert canonical_json(json.loads(text)) == text
    assert state.to_dict() == json.loads(text)
    assert set(state.filters) == {c.id for c in board.controls_of("filter")}
    assert set(state.parameters) == {c.id for c in board.controls_of("parameter")}
    for raw in (state.to_dict(), text):
        again, notices = resolver.parse(board, raw, viewer, strict=True)
        assert notices == [] and again == state and again.to_json() == text


@pytest.mark.parametrize(("board_id", "viewer"), CASES, ids=lambda v: getattr(v, "username", v))
@given(data=st.data())
@scaled(1.0)
def test_hvs001_a_written_state_is_refused_naming_a_hostile_field_or_is_canonical(resolver, known, board_id,
                                                                                    viewer, data):
    case = known[board_id, viewer.username]
    raw, paths = data.draw(hostile_states(case))
    raw = data.draw(encodings(raw))
    try:
        state, notices = resolver.parse(case.board, raw, viewer, strict=True)
    except ServiceError as exc:
        assert exc.status in (400, 422), exc
        assert isinstance(exc.message, str) and exc.message
        assert exc.field is not None and any(named_by(exc.field, p) for p in paths), (exc.field, exc.message, paths)
        return
    assert notices == []
    assert_round_trips(resolver, case, state)


@pytest.mark.parametrize(("board_id", "viewer"), CASES, ids=lambda v: getattr(v, "username", v))
@given(data=st.data())
@scaled(0.5)
def test_hvs002_a_read_state_opens_as_a_state_that_would_be_accepted(resolver, known, board_id, viewer, data):
    case = known[board_id, viewer.username]
    raw, _ = data.draw(hostile_states(case))
    raw = data.draw(encodings(raw))
    state, notices = resolver.read(case.board, raw, viewer, "The link’s view")
    assert all(isinstance(n.field, str) and n.message for n in notices)
    assert_round_trips(resolver, case, state)
    assert resolver.narrow(case.board, state, viewer) == (state, [])


@pytest.mark.parametrize(("board_id", "viewer"), CASES, ids=lambda v: getattr(v, "username", v))
@given(data=st.data())
@scaled(0.5)
def test_hvs003_a_valid_state_is_accepted_as_written_and_read_as_written_then_narrowed(resolver, known,
                                                                                        board_id, viewer, data):
    case = known[board_id, viewer.username]
    raw = data.draw(valid_states(case))
    state, notices = resolver.parse(case.board, raw, viewer, strict=True)
    assert notices == []
    assert_round_trips(resolver, case, state)
    read, _ = resolver.parse(case.board, raw, viewer, strict=False)
    assert read == resolver.narrow(case.board, state, viewer)[0]
    for control_id, value in (raw.get("filters") or {}).items():
        if isinstance(value, str):  # a preset stays a preset, never the dates it stands for today
            assert state.filters[control_id] == value
