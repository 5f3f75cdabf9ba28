"""The view-state module: canonical form, validation on write, lenient reading, comparison."""

from __future__ import annotations

import json

import pytest

from core.errors import BadRequest, Invalid
from declarations.model import Control
from tests.unit.boards import BOARD
from views.state import ViewState, canonical_json, original_state, parse_state, states_equal


def allowed(control: Control):
    return [o.value for o in control.options]


def parse(raw, strict=True):
    return parse_state(raw, BOARD, allowed, strict=strict)


def test_vst001_original_is_first_sheet_and_defaults():
    state = original_state(BOARD)
    assert state.to_dict() == {
        "version": 1, "dashboard": "demo", "sheet": "first",
        "filters": {"date_range": ["2021-06-01", "2021-06-30"], "state": []},
        "parameters": {"days": 14, "metric": "revenue"},
    }


def test_vst002_canonical_json_sorts_keys_and_multi_values():
    state, notices = parse({"sheet": "second", "filters": {"state": ["Texas", "Ohio", "Texas"]},
                            "parameters": {"metric": "orders"}})
    assert notices == []
    assert state.filters["state"] == ["Ohio", "Texas"]
    text = state.to_json()
    assert text == canonical_json(json.loads(text))
    assert text.index('"dashboard"') < text.index('"filters"') < text.index('"parameters"')


def test_vst003_absent_controls_take_defaults_and_equal_original():
    state, _ = parse("{}")
    assert state == original_state(BOARD)
    assert states_equal(state, original_state(BOARD))


def test_vst004_equality_ignores_order_but_not_values():
    a, _ = parse({"filters": {"state": ["Texas", "Ohio"]}})
    b, _ = parse({"filters": {"state": ["Ohio", "Texas"]}})
    c, _ = parse({"filters": {"state": ["Ohio"]}})
    assert states_equal(a, b)
    assert not states_equal(a, c)


@pytest.mark.parametrize(("raw", "field"), [
    ({"sheet": "nope"}, "sheet"),
    ({"filters": {"region": ["x"]}}, "filters.region"),
    ({"filters": {"state": ["Atlantis"]}}, "filters.state"),
    ({"filters": {"state": "Ohio"}}, "filters.state"),
    ({"parameters": {"metric": "profit"}}, "parameters.metric"),
    ({"filters": {"metric": "orders"}}, "filters.metric"),
    ({"filters": {"date_range": ["2021-13-01", "2021-12-31"]}}, "filters.date_range"),
    ({"filters": {"date_range": ["2021-12-31", "2021-12-01"]}}, "filters.date_range"),
    ({"filters": {"date_range": ["2030-01-01", "2030-02-01"]}}, "filters.date_range"),
    ({"filters": {"date_range": "2021-12-01"}}, "filters.date_range"),
    ({"dashboard": "other"}, "dashboard"),
    ({"version": 2}, "version"),
    ({"surprise": True}, "surprise"),
    ({"filters": []}, "filters"),
])
def test_vst005_strict_refuses_invalid_naming_the_field(raw, field):
    with pytest.raises(Invalid) as caught:
        parse(raw)
    assert caught.value.field == field
    assert caught.value.status == 422


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", "x" * 30_000, None])
def test_vst006_malformed_text_is_a_bad_request(raw):
    with pytest.raises(BadRequest) as caught:
        parse(raw)
    assert caught.value.field == "state"


def test_vst007_lenient_read_drops_invalid_parts_with_notices():
    raw = {"sheet": "removed-sheet", "filters": {"state": ["Ohio", "Atlantis"], "region": ["x"]},
           "parameters": {"metric": "profit", "days": 7}}
    with pytest.raises(Invalid):
        parse(raw)
    state, notices = parse(raw, strict=False)
    assert state.sheet == "first"
    assert state.filters["state"] == original_state(BOARD).filters["state"]
    assert state.parameters == {"metric": "revenue", "days": 7}
    assert {n.field for n in notices} == {"sheet", "filters.state", "filters.region", "parameters.metric"}
    assert all(n.message for n in notices)


def test_vst008_integer_options_accept_their_text_spelling():
    state, _ = parse({"parameters": {"days": "7"}})
    assert state.parameters["days"] == 7


def test_vst009_date_range_is_clamped_to_the_data_bounds():
    state, _ = parse({"filters": {"date_range": ["2020-06-01", "2021-02-01"]}})
    assert state.filters["date_range"] == ["2021-01-01", "2021-02-01"]


def test_vst010_hostile_names_are_shortened_in_messages():
    with pytest.raises(Invalid) as caught:
        parse({"filters": {"<script>" + "a" * 500: ["x"]}})
    assert len(caught.value.message) < 200


def test_vst011_state_is_hashable_and_round_trips():
    state, _ = parse({"sheet": "second", "filters": {"state": ["Texas"]}})
    again, notices = parse(state.to_json())
    assert notices == [] and again == state and hash(again) == hash(state)
    assert isinstance(state, ViewState)


def test_rel007_a_preset_is_kept_as_its_name_in_the_canonical_form():
    state, notices = parse({"filters": {"date_range": "previous-month"}})
    assert notices == [] and state.filters["date_range"] == "previous-month"
    assert '"date_range":"previous-month"' in state.to_json()
    again, _ = parse(state.to_json())
    assert again == state
    assert state != parse({"filters": {"date_range": ["2021-06-01", "2021-06-30"]}})[0]


@pytest.mark.parametrize("value", ["last-week", "Previous month", "", 30, ["previous-month"], None])
def test_rel008_an_unknown_preset_or_wrong_type_is_refused_naming_the_field(value):
    with pytest.raises(Invalid) as caught:
        parse({"filters": {"date_range": value}})
    assert caught.value.field == "filters.date_range" and caught.value.status == 422
    state, notices = parse({"filters": {"date_range": value}}, strict=False)
    assert state.filters["date_range"] == original_state(BOARD).filters["date_range"]
    assert [n.field for n in notices] == ["filters.date_range"]
