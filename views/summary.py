"""A view in one line, for a slide or a list: the sheet, the active filters and the parameters.

    Owner view · 10 Resort Plz · 1–31 Dec 2021 · Revenue · Week
    Overview · Previous month (Nov 2022) · Revenue · Month

The wording of one control's value (``value_words``, ``date_filter``) is shared with whatever else names a
view's filters, such as the applied-filter chips (views/applied.py).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from declarations.model import Control, Dashboard, Option
from views.dates import PRESETS, is_preset
from views.state import ViewState

MAX_VALUES = 3  # a filter with more values shows the first ones and how many more


def summary(board: Dashboard, state: ViewState, options: dict[str, list[Option]],
            resolved: Mapping[str, Any] | None = None) -> str:
    """``options``: each select control's options as the viewer sees them (for labels of stored values);
    ``resolved``: the filters as the queries see them (``QueryContext.filters``), so a relative date range
    also says which days it stands for."""
    parts = [board.sheet(state.sheet).title]
    for control in (*board.controls_of("filter"), *board.controls_of("parameter")):
        section = state.filters if control.kind == "filter" else state.parameters
        if text := value_words(control, section.get(control.id), options, resolved):
            parts.append(text)
    return " · ".join(parts)


def value_words(control: Control, value: Any, options: Mapping[str, list[Option]],
                resolved: Mapping[str, Any] | None = None) -> str:
    """One control's value in words, as the summary and the applied-filter chips say it: a date range as
    ``date_filter`` writes it, values by their labels (“Texas (TX), Ohio (OH)”, the first few and how many
    more), "" when a multi-select holds nothing. ``options`` and ``resolved`` as for ``summary``."""
    if control.type == "date_range":
        return date_filter(value, (resolved or {}).get(control.id)) if value else ""
    if value is None:
        return ""
    labels = _labels(value if control.type == "multi" else [value], options.get(control.id, list(control.options)))
    more = f" +{len(labels) - MAX_VALUES}" if len(labels) > MAX_VALUES else ""
    return ", ".join(labels[:MAX_VALUES]) + more


def date_range(start: str, end: str) -> str:
    """1–31 Dec 2021 · 1 Nov – 31 Dec 2021 · 1 Dec 2021 – 31 Jan 2022 · 5 Jan 2022"""
    a, b = date.fromisoformat(start), date.fromisoformat(end)
    if a == b:
        return _day(b, year=True)
    if (a.year, a.month) == (b.year, b.month):
        return f"{a.day}–{_day(b, year=True)}"
    if a.year == b.year:
        return f"{_day(a, year=False)} – {_day(b, year=True)}"
    return f"{_day(a, year=True)} – {_day(b, year=True)}"


def date_filter(value: Sequence[str] | str, resolved: Sequence[str] | None = None) -> str:
    """A date-range filter's value in words: “1–31 Dec 2021”, or a preset with the days it stands for now,
    “Previous month (Nov 2022)”, “Last 7 days (25–31 Dec 2022)” (just “Previous month” without them).

    ``resolved``: the ``[start, end]`` ISO dates the preset resolved to (``QueryContext.filters``).
    """
    if not is_preset(value):
        return date_range(*value)
    words = PRESETS[value]
    return f"{words} ({period(*resolved)})" if resolved else words


def period(start: str, end: str) -> str:
    """A range by the calendar period it covers, when it is a whole one — “Nov 2022”, “Q4 2022”, “2022” —
    and otherwise as ``date_range`` writes it."""
    a, b = date.fromisoformat(start), date.fromisoformat(end)
    if a.day == 1 and (b + timedelta(days=1)).day == 1:  # whole months
        months = (b.year - a.year) * 12 + b.month - a.month + 1
        if months == 1:
            return f"{a.strftime('%b')} {a.year}"
        if months == 3 and a.month % 3 == 1:
            return f"Q{(a.month + 2) // 3} {a.year}"
        if months == 12 and a.month == 1:
            return str(a.year)
    return date_range(start, end)


def data_through(day: date) -> str:
    """“Data through 31 Dec 2022”: the data date, said where a dashboard is shown."""
    return f"Data through {_day(day, year=True)}"


def _day(d: date, *, year: bool) -> str:
    return f"{d.day} {d.strftime('%b')}" + (f" {d.year}" if year else "")


def _labels(values, options: list[Option]) -> list[str]:
    by_value = {o.value: o.label for o in options}
    return [str(by_value.get(v, v)) for v in values]
