"""Relative date ranges: each preset resolved against a data date, at month, quarter and year edges, and
clamped to the control's bounds."""

from __future__ import annotations

from datetime import date

import pytest

from tests.unit.boards import BOARD
from views.dates import PRESETS, has_presets, is_preset, preset_range, resolve_filters, resolve_range

BOUNDS = ("2021-01-01", "2022-12-31")
WIDE = ("2000-01-01", "2099-12-31")


def days(preset: str, data_date: str, bounds=WIDE) -> tuple[str, str]:
    start, end = preset_range(preset, date.fromisoformat(data_date), bounds)
    return start.isoformat(), end.isoformat()


@pytest.mark.parametrize(("preset", "data_date", "expected"), [
    ("last-7-days", "2022-12-31", ("2022-12-25", "2022-12-31")),
    ("last-7-days", "2022-03-03", ("2022-02-25", "2022-03-03")),  # across a short February
    ("last-30-days", "2022-12-31", ("2022-12-02", "2022-12-31")),
    ("last-90-days", "2022-12-31", ("2022-10-03", "2022-12-31")),
    ("last-90-days", "2024-02-29", ("2023-12-02", "2024-02-29")),  # across a year end, to a leap day
    ("month-to-date", "2022-12-31", ("2022-12-01", "2022-12-31")),
    ("month-to-date", "2022-12-01", ("2022-12-01", "2022-12-01")),  # the first day is a one-day month so far
    ("previous-month", "2022-12-31", ("2022-11-01", "2022-11-30")),
    ("previous-month", "2022-01-15", ("2021-12-01", "2021-12-31")),  # January → December of the year before
    ("previous-month", "2024-03-31", ("2024-02-01", "2024-02-29")),  # a leap February
    ("previous-month", "2023-03-01", ("2023-02-01", "2023-02-28")),
    ("quarter-to-date", "2022-12-31", ("2022-10-01", "2022-12-31")),
    ("quarter-to-date", "2022-05-20", ("2022-04-01", "2022-05-20")),
    ("quarter-to-date", "2022-07-01", ("2022-07-01", "2022-07-01")),
    ("previous-quarter", "2022-12-31", ("2022-07-01", "2022-09-30")),
    ("previous-quarter", "2022-02-10", ("2021-10-01", "2021-12-31")),  # Q1 → Q4 of the year before
    ("previous-quarter", "2024-06-30", ("2024-01-01", "2024-03-31")),
    ("year-to-date", "2022-12-31", ("2022-01-01", "2022-12-31")),
    ("year-to-date", "2023-01-01", ("2023-01-01", "2023-01-01")),
    ("previous-year", "2022-12-31", ("2021-01-01", "2021-12-31")),
    ("previous-year", "2023-01-01", ("2022-01-01", "2022-12-31")),
])
def test_rel002_each_preset_resolves_against_the_data_date(preset, data_date, expected):
    assert days(preset, data_date) == expected


def test_rel003_all_time_runs_from_the_first_day_of_the_bounds_to_the_data_date():
    assert days("all-time", "2022-06-15", BOUNDS) == ("2021-01-01", "2022-06-15")


@pytest.mark.parametrize(("preset", "data_date", "expected"), [
    ("last-90-days", "2021-02-01", ("2021-01-01", "2021-02-01")),  # starts before the data: cut at its start
    ("previous-quarter", "2021-02-10", ("2021-01-01", "2021-01-01")),  # wholly before: the first day only
    ("previous-year", "2021-12-31", ("2021-01-01", "2021-01-01")),
    ("year-to-date", "2023-03-01", ("2022-12-31", "2022-12-31")),  # a data date past the bounds: the last day
    ("last-7-days", "2023-01-03", ("2022-12-28", "2022-12-31")),
])
def test_rel004_a_resolved_range_is_clamped_to_the_bounds(preset, data_date, expected):
    assert days(preset, data_date, BOUNDS) == expected


def test_rel005_only_the_ten_names_are_presets():
    assert list(PRESETS) == ["last-7-days", "last-30-days", "last-90-days", "month-to-date", "previous-month",
                             "quarter-to-date", "previous-quarter", "year-to-date", "previous-year", "all-time"]
    assert all(is_preset(name) for name in PRESETS)
    assert not any(is_preset(v) for v in ("Previous month", "last-14-days", "", None, ["previous-month"], 7))
    with pytest.raises(ValueError):
        preset_range("last-14-days", date(2022, 12, 31), BOUNDS)


def test_rel006_filters_resolve_presets_and_keep_dates_and_other_filters():
    control = BOARD.control("date_range")
    assert resolve_range(control, ["2021-06-01", "2021-06-30"], date(2022, 12, 31)) == ["2021-06-01", "2021-06-30"]
    filters = {"date_range": "previous-month", "state": ["Ohio"]}
    assert has_presets(BOARD, filters) and not has_presets(BOARD, {"date_range": ["2021-06-01", "2021-06-30"]})
    resolved = resolve_filters(BOARD, filters, date(2022, 3, 15))
    assert resolved == {"date_range": ["2022-02-01", "2022-02-28"], "state": ["Ohio"]}
    assert filters["date_range"] == "previous-month"  # the state itself keeps the preset
