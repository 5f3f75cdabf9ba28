"""The applied-filter chips (``filter-summary``): one per control off its default, in the summary's words,
each removable back to the author's default; a quiet line when nothing is applied."""

from __future__ import annotations

import pytest

from core import ids
from dashboards.layout import applied_chips
from declarations.model import Option
from tests.unit.boards import BOARD
from views.applied import Applied, applied, without
from views.state import ViewState, original_state, parse_state
from views.summary import summary

ORIGINAL = original_state(BOARD)


def view(filters: dict | None = None, parameters: dict | None = None, sheet: str = "first") -> ViewState:
    return ViewState("demo", sheet, {**ORIGINAL.filters, **(filters or {})},
                     {**ORIGINAL.parameters, **(parameters or {})})


def allowed(control):
    return [o.value for o in control.options]


def test_chip001_the_original_applies_nothing_whatever_the_sheet():
    assert applied(BOARD, ORIGINAL, {}) == []
    assert applied(BOARD, view(sheet="second"), {}) == []


def test_chip002_a_filter_reads_label_colon_values_by_their_labels():
    options = {"state": [Option("Ohio", "Ohio (OH)"), Option("Pennsylvania", "Pennsylvania (PA)")]}
    assert applied(BOARD, view({"state": ["Pennsylvania"]}), {}) == [Applied("state", "State", "Pennsylvania")]
    [chip] = applied(BOARD, view({"state": ["Ohio", "Pennsylvania"]}), options)
    assert chip.text == "State: Ohio (OH), Pennsylvania (PA)"


def test_chip003_dates_and_parameters_off_their_default_are_chips_in_declaration_order():
    state = view({"date_range": ["2021-12-01", "2021-12-31"], "state": ["Texas"]}, {"days": 7})
    assert [c.text for c in applied(BOARD, state, {})] == ["Date range: 1–31 Dec 2021", "State: Texas", "Days: 7"]


def test_chip004_a_preset_says_the_days_it_stands_for_as_the_summary_does():
    state = view({"date_range": "previous-month"})
    resolved = {**state.filters, "date_range": ["2022-11-01", "2022-11-30"]}
    [chip] = applied(BOARD, state, {}, resolved)
    assert chip.text == "Date range: Previous month (Nov 2022)"
    assert applied(BOARD, state, {})[0].words == "Previous month"


def test_chip005_the_chips_and_the_summary_share_their_words():
    state = view({"date_range": ["2021-11-01", "2021-12-31"], "state": ["A", "B", "C", "D"]}, {"metric": "orders"})
    line = summary(BOARD, state, {})
    chips = applied(BOARD, state, {})
    assert [c.words for c in chips] == ["1 Nov – 31 Dec 2021", "A, B, C +1", "Orders"]
    assert all(f" · {c.words}" in line for c in chips)


def test_chip006_removing_a_chip_sets_its_control_back_to_the_default():
    raw = {"dashboard": "demo", "sheet": "second", "filters": {"date_range": ["2021-12-01", "2021-12-31"],
                                                               "state": ["Texas"]}, "parameters": {"metric": "orders"}}
    for control_id, section in (("state", "filters"), ("date_range", "filters"), ("metric", "parameters")):
        state, notices = parse_state(without(BOARD, raw, control_id), BOARD, allowed, strict=False)
        assert notices == [] and state.sheet == "second"
        assert getattr(state, section)[control_id] == getattr(ORIGINAL, section)[control_id]
        assert [c.control for c in applied(BOARD, state, {})] == [
            c for c in ("date_range", "state", "metric") if c != control_id]


@pytest.mark.parametrize("control_id", ["nope", None, ["state"], {"id": "state"}])
def test_chip007_removing_an_unknown_control_asks_for_nothing(control_id):
    assert without(BOARD, {"filters": {"state": ["Texas"]}}, control_id) is None


def test_chip008_each_chip_is_a_button_named_for_what_it_removes_and_none_is_a_quiet_line():
    [chip] = applied_chips([Applied("state", "State", "Pennsylvania")])
    text, button = chip.children
    assert text.children == "State: Pennsylvania" and chip.to_plotly_json()["props"]["data-control"] == "state"
    assert button.id == ids.remove_filter("state") and button.n_clicks == 0 and button.type == "button"
    assert button.to_plotly_json()["props"]["aria-label"] == "Remove State: Pennsylvania"
    [empty] = applied_chips([])
    assert empty.children == "No filters applied" and "text-secondary" in empty.className
