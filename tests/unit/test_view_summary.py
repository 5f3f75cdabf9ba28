"""A view in one line: the sheet, the active filters (with their labels) and the parameters."""

from __future__ import annotations

import pytest

from declarations.model import Option
from tests.unit.boards import BOARD
from views.state import ViewState, original_state
from views.summary import date_range, summary


@pytest.mark.parametrize(("start", "end", "text"), [
    ("2021-12-01", "2021-12-31", "1–31 Dec 2021"),
    ("2021-11-01", "2021-12-31", "1 Nov – 31 Dec 2021"),
    ("2021-12-01", "2022-01-31", "1 Dec 2021 – 31 Jan 2022"),
    ("2022-01-05", "2022-01-05", "5 Jan 2022"),
])
def test_vsum001_date_ranges_read_as_people_write_them(start, end, text):
    assert date_range(start, end) == text


def test_vsum002_the_line_names_the_sheet_the_active_filters_and_the_parameters():
    state = ViewState("demo", "second", {"date_range": ["2021-12-01", "2021-12-31"], "state": ["Texas", "Ohio"]},
                      {"metric": "orders", "days": 7})
    options = {"state": [Option("Ohio", "Ohio (OH)"), Option("Texas", "Texas (TX)")]}
    assert summary(BOARD, state, options) == "Second · 1–31 Dec 2021 · Texas (TX), Ohio (OH) · Orders · 7"


def test_vsum003_an_empty_filter_is_left_out_and_many_values_are_counted():
    original = original_state(BOARD)
    assert summary(BOARD, original, {}) == "First · 1–30 Jun 2021 · Revenue · 14"
    many = ViewState("demo", "first", {**original.filters, "state": ["A", "B", "C", "D", "E"]}, original.parameters)
    assert "A, B, C +2" in summary(BOARD, many, {})
