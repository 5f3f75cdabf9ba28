"""A view in one line: the sheet, the active filters (with their labels) and the parameters."""

from __future__ import annotations

from datetime import date

import pytest

from declarations.model import Option
from tests.unit.boards import BOARD
from views.state import ViewState, original_state
from views.summary import data_through, date_filter, date_range, summary


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


@pytest.mark.parametrize(("value", "resolved", "text"), [
    ("previous-month", ["2022-11-01", "2022-11-30"], "Previous month (Nov 2022)"),
    ("previous-quarter", ["2022-07-01", "2022-09-30"], "Previous quarter (Q3 2022)"),
    ("previous-year", ["2021-01-01", "2021-12-31"], "Previous year (2021)"),
    ("last-7-days", ["2022-12-25", "2022-12-31"], "Last 7 days (25–31 Dec 2022)"),
    ("year-to-date", ["2022-01-01", "2022-06-15"], "Year to date (1 Jan – 15 Jun 2022)"),
    ("all-time", ["2021-01-01", "2022-12-31"], "All time (1 Jan 2021 – 31 Dec 2022)"),
    ("previous-month", None, "Previous month"),
    (["2021-11-01", "2021-11-30"], None, "1–30 Nov 2021"),  # two dates stay dates, even a whole month
])
def test_rel009_a_preset_reads_as_words_with_the_days_it_stands_for(value, resolved, text):
    assert date_filter(value, resolved) == text


def test_rel010_the_summary_names_the_preset_and_the_data_date_reads_like_other_dates():
    state = ViewState("demo", "first", {"date_range": "previous-month", "state": []}, {"metric": "revenue", "days": 14})
    assert summary(BOARD, state, {}) == "First · Previous month · Revenue · 14"
    resolved = {"date_range": ["2022-11-01", "2022-11-30"], "state": []}
    assert summary(BOARD, state, {}, resolved=resolved) == "First · Previous month (Nov 2022) · Revenue · 14"
    assert data_through(date(2022, 12, 31)) == "Data through 31 Dec 2022"
