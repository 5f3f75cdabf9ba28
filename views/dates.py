"""Relative date ranges: presets that stay relative to a dashboard's data date (docs/view-state.md).

A date-range filter holds either two ISO dates or one preset name. A preset is stored as its name and
resolved only when a query context is built, against the **data date** — the latest day in the
dashboard's data — so a bookmark "Previous month" shows another month once the data is refreshed.
Everything here is pure: the data date is given, never looked up.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from declarations.model import Control, Dashboard

#: The presets in the order the chooser offers them, with their names in words.
PRESETS: dict[str, str] = {
    "last-7-days": "Last 7 days",
    "last-30-days": "Last 30 days",
    "last-90-days": "Last 90 days",
    "month-to-date": "Month to date",
    "previous-month": "Previous month",
    "quarter-to-date": "Quarter to date",
    "previous-quarter": "Previous quarter",
    "year-to-date": "Year to date",
    "previous-year": "Previous year",
    "all-time": "All time",
}
# How many days each "last N days" preset covers, and the calendar period of the others.
_LAST_DAYS = {"last-7-days": 7, "last-30-days": 30, "last-90-days": 90}
_CALENDAR = {"month-to-date": ("to-date", "month"), "previous-month": ("previous", "month"),
             "quarter-to-date": ("to-date", "quarter"), "previous-quarter": ("previous", "quarter"),
             "year-to-date": ("to-date", "year"), "previous-year": ("previous", "year")}


def is_preset(value: Any) -> bool:
    return isinstance(value, str) and value in PRESETS


def preset_range(preset: str, data_date: date, bounds: tuple[str, str]) -> tuple[date, date]:
    """The days ``preset`` stands for when the data ends on ``data_date``, clamped to ``bounds``.

    Periods "to date" end on the data date; "previous" ones are whole calendar periods before the one
    the data date is in. A period that lies wholly outside the bounds shrinks to the nearest bound's day,
    so a query always receives a valid range (and finds no rows) rather than an error.
    """
    if preset not in PRESETS:
        raise ValueError(f"unknown date range preset {preset!r}")
    low, high = (date.fromisoformat(b) for b in bounds)
    if preset in _LAST_DAYS:
        start, end = data_date - timedelta(days=_LAST_DAYS[preset] - 1), data_date
    elif preset == "all-time":
        start, end = low, data_date
    else:
        which, unit = _CALENDAR[preset]
        current = _period_start(data_date, unit)
        if which == "previous":
            end = current - timedelta(days=1)
            start = _period_start(end, unit)
        else:
            start, end = current, data_date
    return min(max(start, low), high), max(min(end, high), low)


def _period_start(day: date, unit: str) -> date:
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)


def resolve_range(control: Control, value: Any, data_date: date) -> list[str]:
    """A date-range filter's value as the ``[start, end]`` ISO dates a query uses."""
    if is_preset(value):
        start, end = preset_range(value, data_date, control.bounds)
        return [start.isoformat(), end.isoformat()]
    return list(value)


def has_presets(dashboard: Dashboard, filters: Mapping[str, Any]) -> bool:
    return any(is_preset(filters.get(c.id)) for c in dashboard.controls_of("filter") if c.type == "date_range")


def resolve_filters(dashboard: Dashboard, filters: Mapping[str, Any], data_date: date) -> dict[str, Any]:
    """``filters`` with every preset replaced by the dates it stands for on ``data_date``."""
    resolved = dict(filters)
    for control in dashboard.controls_of("filter"):
        if control.type == "date_range" and is_preset(resolved.get(control.id)):
            resolved[control.id] = resolve_range(control, resolved[control.id], data_date)
    return resolved
