"""The view state: a dashboard's sheet, filters and parameters as canonical JSON (docs/view-state.md).

One module parses, validates, canonicalises and compares states for every path that handles them
(URL, JSON API, Dash callbacks, bookmarks, imports, shared links). On write (``strict=True``) an invalid
state is refused with an error naming the field; on read (``strict=False``) the invalid parts are dropped,
each with a notice, so a state saved before the dashboard changed still opens.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.errors import BadRequest, Invalid
from declarations.model import Control, Dashboard
from views.dates import PRESETS, is_preset

STATE_VERSION = 1
MAX_STATE_CHARS = 20_000

# The values a control accepts, for this viewer (static options, computed options or date bounds).
AllowedValues = Callable[[Control], Iterable[Any]]


@dataclass(frozen=True)
class Notice:
    field: str
    message: str


@dataclass(frozen=True)
class ViewState:
    dashboard: str
    sheet: str
    filters: dict[str, Any]
    parameters: dict[str, Any]

    def to_dict(self) -> dict:
        return {"version": STATE_VERSION, "dashboard": self.dashboard, "sheet": self.sheet,
                "filters": dict(sorted(self.filters.items())),
                "parameters": dict(sorted(self.parameters.items()))}

    def to_json(self) -> str:
        return canonical_json(self.to_dict())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ViewState) and self.to_json() == other.to_json()

    def __hash__(self) -> int:
        return hash(self.to_json())


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def original_state(dashboard: Dashboard) -> ViewState:
    """The author's view: the first sheet, every control at its default."""
    return ViewState(
        dashboard=dashboard.id,
        sheet=dashboard.sheets[0].id,
        filters={c.id: _canonical_default(c) for c in dashboard.controls_of("filter")},
        parameters={c.id: _canonical_default(c) for c in dashboard.controls_of("parameter")},
    )


def _canonical_default(control: Control) -> Any:
    if control.type == "multi":
        return _sorted(control.default)
    if control.type == "date_range":
        return list(control.default)
    return control.default


def _sorted(values: Iterable) -> list:
    return sorted(set(values), key=lambda v: (str(type(v)), v))


def load_json(raw: str | bytes | dict | None) -> dict:
    """Decodes a state given as JSON text (URL, API) or already decoded."""
    if raw is None:
        raise BadRequest("A view state is required.", "state")
    if isinstance(raw, (str, bytes)):
        if len(raw) > MAX_STATE_CHARS:
            raise BadRequest(f"The view state is longer than {MAX_STATE_CHARS} characters.", "state")
        try:
            raw = json.loads(raw)
        except (ValueError, RecursionError) as exc:  # RecursionError: nested deeper than the parser goes
            raise BadRequest("The view state is not valid JSON.", "state") from exc
    if not isinstance(raw, dict):
        raise BadRequest("The view state must be a JSON object.", "state")
    return raw


def parse_state(raw: str | bytes | dict | None, dashboard: Dashboard, allowed: AllowedValues, *,
                strict: bool) -> tuple[ViewState, list[Notice]]:
    """Validates ``raw`` against the dashboard's declaration and returns its canonical state.

    Absent controls take the author's default. With ``strict`` the first problem raises ``Invalid``
    (HTTP 422) naming the field; otherwise the faulty part falls back to its default and a notice says so.
    """
    data = load_json(raw)
    notices: list[Notice] = []

    def problem(field: str, message: str) -> None:
        if strict:
            raise Invalid(message, field)
        notices.append(Notice(field, message))

    original = original_state(dashboard)
    for key in data:
        if key not in ("version", "dashboard", "sheet", "filters", "parameters"):
            # The field is the key as sent, shortened like every text an error echoes.
            problem(_short(key), f"Unknown field “{_short(key)}”.")
    version = data.get("version", STATE_VERSION)
    if type(version) is not int or version != STATE_VERSION:  # ``true`` and ``1.0`` are not version 1
        problem("version", f"Unsupported state version; expected {STATE_VERSION}.")
    if data.get("dashboard", dashboard.id) != dashboard.id:
        problem("dashboard", f"This state belongs to another dashboard, not “{dashboard.id}”.")

    sheet = data.get("sheet", original.sheet)
    if not isinstance(sheet, str):
        problem("sheet", "“sheet” must be the id of a sheet (text).")
        sheet = original.sheet
    elif sheet not in {s.id for s in dashboard.sheets}:
        problem("sheet", f"Sheet “{_short(sheet)}” does not exist on this dashboard.")
        sheet = original.sheet

    sections = {}
    for section, kind in (("filters", "filter"), ("parameters", "parameter")):
        given = data.get(section, {})
        if not isinstance(given, dict):
            problem(section, f"“{section}” must be an object.")
            given = {}
        declared = {c.id: c for c in dashboard.controls_of(kind)}
        values = dict(getattr(original, section))
        for control_id, value in given.items():
            field = f"{section}.{_short(control_id)}"
            control = declared.get(control_id)
            if control is None:
                problem(field, f"Unknown {kind} “{_short(control_id)}”.")
                continue
            try:
                values[control_id] = _validate(control, value, allowed)
            except ValueError as exc:
                problem(field, f"{control.label}: {exc}")
        sections[section] = values

    return ViewState(dashboard.id, sheet, sections["filters"], sections["parameters"]), notices


def _validate(control: Control, value: Any, allowed: AllowedValues) -> Any:
    if control.type == "date_range":
        return _validate_dates(control, value)
    options = list(allowed(control))
    if control.type == "multi":
        if not isinstance(value, list):
            raise ValueError("expected a list of values.")
        chosen = [_match(v, options) for v in value]
        return _sorted(chosen)
    return _match(value, options)


def _match(value: Any, options: list) -> Any:
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        if value in options:
            return value
        # A value that arrived as text (URL, form) matches an integer option of the same spelling.
        for option in options:
            if str(option) == str(value):
                return option
    raise ValueError(f"“{_short(value)}” is not one of the options.")


def _validate_dates(control: Control, value: Any) -> list[str] | str:
    """Two ISO dates, clamped to the data bounds, or a preset kept as its name (views/dates.py)."""
    if isinstance(value, str):
        if is_preset(value):
            return value
        raise ValueError(f"“{_short(value)}” is not a date range preset; expected one of {', '.join(PRESETS)}.")
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        raise ValueError("expected [start, end] as ISO dates (YYYY-MM-DD) or a preset such as “previous-month”.")
    try:
        start, end = (date.fromisoformat(v) for v in value)
    except ValueError:
        raise ValueError("dates must be ISO dates (YYYY-MM-DD).") from None
    if start > end:
        raise ValueError("the start date is after the end date.")
    if control.bounds:
        low, high = (date.fromisoformat(b) for b in control.bounds)
        if start > high or end < low:
            raise ValueError(f"the range lies outside the data ({control.bounds[0]} to {control.bounds[1]}).")
        start, end = max(start, low), min(end, high)
    return [start.isoformat(), end.isoformat()]


def _short(value: Any, limit: int = 60) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def states_equal(a: ViewState | None, b: ViewState | None) -> bool:
    return a is not None and b is not None and a.to_json() == b.to_json()
