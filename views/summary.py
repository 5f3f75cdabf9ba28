"""A view in one line, for a slide or a list: the sheet, the active filters and the parameters.

    Owner view · 10 Resort Plz · 1–31 Dec 2021 · Revenue · Week
"""

from __future__ import annotations

from datetime import date

from declarations.model import Dashboard, Option
from views.state import ViewState

MAX_VALUES = 3  # a filter with more values shows the first ones and how many more


def summary(board: Dashboard, state: ViewState, options: dict[str, list[Option]]) -> str:
    """``options``: each select control's options as the viewer sees them (for labels of stored values)."""
    parts = [board.sheet(state.sheet).title]
    for control in board.controls_of("filter"):
        value = state.filters.get(control.id)
        if control.type == "date_range" and value:
            parts.append(date_range(*value))
        elif control.type == "multi" and value:
            labels = _labels(value, options.get(control.id, []))
            more = f" +{len(labels) - MAX_VALUES}" if len(labels) > MAX_VALUES else ""
            parts.append(", ".join(labels[:MAX_VALUES]) + more)
        elif control.type == "single" and value is not None:
            parts.append(_labels([value], options.get(control.id, []))[0])
    for control in board.controls_of("parameter"):
        value = state.parameters.get(control.id)
        if value is not None:
            parts.append(_labels([value], options.get(control.id, list(control.options)))[0])
    return " · ".join(parts)


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


def _day(d: date, *, year: bool) -> str:
    return f"{d.day} {d.strftime('%b')}" + (f" {d.year}" if year else "")


def _labels(values, options: list[Option]) -> list[str]:
    by_value = {o.value: o.label for o in options}
    return [str(by_value.get(v, v)) for v in values]
