"""The declaration model: a dashboard is data — sheets, visuals and controls — and everything else
(layout, callbacks, API, view-state validation) is derived from it.

Every declaration is checked when it is built, so a wrong one fails at import with a
``DeclarationError`` naming the dashboard, sheet, control or visual at fault."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import KW_ONLY, dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, NoReturn, get_args

if TYPE_CHECKING:
    import pandas as pd

    from data.engine import DataEngine
    from declarations.context import QueryContext

ControlKind = Literal["filter", "parameter"]
ControlType = Literal["date_range", "multi", "single"]
VisualKind = Literal["graph", "kpis", "table"]


class DeclarationError(ValueError):
    """A dashboard declaration is wrong; raised when it is built (at import), naming what is wrong."""


def _duplicates(ids: Iterable[str]) -> list[str]:
    return [i for i, n in Counter(ids).items() if n > 1]


def _iso_pair(value: Any) -> tuple[date, date] | None:
    """``value`` as a pair of dates if it is a pair of ISO date strings, else None."""
    if not isinstance(value, (list, tuple)) or len(value) != 2 or not all(isinstance(v, str) for v in value):
        return None
    try:
        return date.fromisoformat(value[0]), date.fromisoformat(value[1])
    except ValueError:
        return None


@dataclass(frozen=True)
class Option:
    value: str | int
    label: str

    def as_dict(self) -> dict:
        return {"value": self.value, "label": self.label}


OptionsQuery = Callable[["DataEngine", "QueryContext"], list[Option]]


@dataclass(frozen=True)
class Control:
    """A filter narrows the data; a parameter changes what is shown.

    ``multi`` holds a list (empty = all values); ``single`` one value from ``options``; ``date_range`` a
    pair of ISO dates within ``bounds``. Options are static or computed by ``options_query``, which
    receives the current context: ``depends_on`` names the controls whose values narrow them (declared
    before this one). Arguments after ``id`` and ``label`` are keyword-only. A default is checked against
    static options; with computed options only its shape (a list for ``multi``, one value for ``single``).
    """

    id: str
    label: str
    _: KW_ONLY
    kind: ControlKind
    type: ControlType
    default: Any
    options: tuple[Option, ...] = ()
    options_query: OptionsQuery | None = None
    depends_on: tuple[str, ...] = ()
    bounds: tuple[str, str] | None = None
    placeholder: str = "All"
    help: str = ""

    def __post_init__(self) -> None:
        def fail(problem: str) -> NoReturn:
            raise DeclarationError(f"control {self.id!r}: {problem}")

        if not self.id or not isinstance(self.id, str):
            raise DeclarationError(f"control {self.label!r}: the id must be a non-empty string")
        if self.kind not in get_args(ControlKind):
            fail(f"kind {self.kind!r} is not one of {', '.join(get_args(ControlKind))}")
        if self.type not in get_args(ControlType):
            fail(f"type {self.type!r} is not one of {', '.join(get_args(ControlType))}")
        if not isinstance(self.depends_on, tuple) or not all(isinstance(d, str) for d in self.depends_on):
            fail(f"depends_on must be a tuple of control ids, not {self.depends_on!r}")
        if self.id in self.depends_on:
            fail("it depends on itself")
        if self.type == "date_range":
            self._check_date_range(fail)
        else:
            self._check_choice(fail)

    def _check_date_range(self, fail: Callable[[str], NoReturn]) -> None:
        if self.options or self.options_query is not None:
            fail("a date_range control has bounds, not options")
        bounds = _iso_pair(self.bounds)
        if bounds is None:
            fail(f"bounds must be a pair of ISO dates, not {self.bounds!r}")
        if bounds[0] > bounds[1]:
            fail(f"bounds {self.bounds!r} end before they start")
        default = _iso_pair(self.default)
        if default is None:
            fail(f"the default must be a pair of ISO dates, not {self.default!r}")
        if default[0] > default[1]:
            fail(f"the default {self.default!r} ends before it starts")
        if default[0] < bounds[0] or default[1] > bounds[1]:
            fail(f"the default {self.default!r} lies outside the bounds {self.bounds!r}")

    def _check_choice(self, fail: Callable[[str], NoReturn]) -> None:
        if self.bounds is not None:
            fail(f"only a date_range control has bounds, not a {self.type} one")
        if self.options and self.options_query is not None:
            fail("options are static or computed by options_query, not both")
        if not self.options and self.options_query is None:
            fail("it has no options: give static options or an options_query")
        if self.options_query is not None and not callable(self.options_query):
            fail("options_query is not callable")
        if not all(isinstance(o, Option) for o in self.options):
            fail("options must be Option instances")
        values = [o.value for o in self.options]
        if dup := _duplicates(values):
            fail(f"duplicate option values {dup!r}")
        static = self.options_query is None
        if self.type == "multi":
            if not isinstance(self.default, (list, tuple)):
                fail(f"the default of a multi control must be a list, not {self.default!r}")
            if static and (unknown := [v for v in self.default if v not in values]):
                fail(f"the default values {unknown!r} are not among its options {values!r}")
        else:  # single
            if isinstance(self.default, bool) or not isinstance(self.default, (str, int)):
                fail(f"the default of a single control must be one value (str or int), not {self.default!r}")
            if static and self.default not in values:
                fail(f"the default {self.default!r} is not among its options {values!r}")

    def describe(self, options: list[Option]) -> dict:
        """The control as the API lists it."""
        out = {"id": self.id, "label": self.label, "kind": self.kind, "type": self.type,
               "default": list(self.default) if isinstance(self.default, (list, tuple)) else self.default}
        if self.type == "date_range":
            out["bounds"] = list(self.bounds) if self.bounds else None
        else:
            out["options"] = [o.as_dict() for o in options]
        return out


Query = Callable[["DataEngine", "QueryContext"], "pd.DataFrame"]
#: The latest day in a dashboard's data (None when it has none), through the engine and so its cache.
DataDateQuery = Callable[["DataEngine"], "date | None"]
#: The display formats of table and KPI columns.
FORMATS = ("money", "int", "pct", "decimal", "date", "text")
Figure = Callable[["pd.DataFrame", "QueryContext"], Any]


@dataclass(frozen=True)
class Visual:
    """One visual of a sheet. ``query`` returns the aggregated rows; ``figure`` turns them into a plotly
    figure (kind ``graph``). ``kpis`` and ``table`` visuals are rendered from the rows by the framework.

    ``width`` is the share of a 12-column row on wide screens.

    ``click_filter`` (keyword only) names the multi-select filter that a click on one of the graph's marks
    sets (click-to-filter, docs/view-state.md): the figure carries that filter's value, as the option
    stores it, as the first item of every clickable point's ``customdata``.
    """

    id: str
    title: str
    query: Query
    kind: VisualKind = "graph"
    figure: Figure | None = None
    width: int = 6
    description: str = ""
    # Display formats of table / KPI columns: column -> "money", "int", "pct", "decimal", "date" or "text".
    formats: dict[str, str] = field(default_factory=dict)
    _: KW_ONLY
    click_filter: str | None = None

    def __post_init__(self) -> None:
        def fail(problem: str) -> NoReturn:
            raise DeclarationError(f"visual {self.id!r}: {problem}")

        if not self.id or not isinstance(self.id, str):
            raise DeclarationError(f"visual {self.title!r}: the id must be a non-empty string")
        if self.kind not in get_args(VisualKind):
            fail(f"kind {self.kind!r} is not one of {', '.join(get_args(VisualKind))}")
        if not callable(self.query):
            fail("its query is not callable")
        if self.kind == "graph" and not callable(self.figure):
            fail("a graph visual needs a callable figure")
        if self.kind != "graph" and self.figure is not None:
            fail(f"a {self.kind} visual is rendered by the framework: it takes no figure")
        if isinstance(self.width, bool) or not isinstance(self.width, int) or not 1 <= self.width <= 12:
            fail(f"width {self.width!r} is not a whole number of columns from 1 to 12")
        if unknown := sorted(set(self.formats.values()) - set(FORMATS)):
            fail(f"unknown column formats {unknown!r} (known: {', '.join(FORMATS)})")
        if self.click_filter is not None:
            if not isinstance(self.click_filter, str) or not self.click_filter:
                fail(f"click_filter must be the id of a filter control, not {self.click_filter!r}")
            if self.kind != "graph":
                fail(f"only a graph's marks can be clicked: a {self.kind} visual takes no click_filter")


@dataclass(frozen=True)
class Sheet:
    id: str
    title: str
    visuals: tuple[Visual, ...]
    description: str = ""

    def __post_init__(self) -> None:
        if not self.id or not isinstance(self.id, str):
            raise DeclarationError(f"sheet {self.title!r}: the id must be a non-empty string")
        if not all(isinstance(v, Visual) for v in self.visuals):
            raise DeclarationError(f"sheet {self.id!r}: visuals must be Visual instances")
        if dup := _duplicates(v.id for v in self.visuals):
            raise DeclarationError(f"sheet {self.id!r}: duplicate visual id {', '.join(map(repr, dup))}")


@dataclass(frozen=True)
class Dashboard:
    id: str
    title: str
    sheets: tuple[Sheet, ...]
    controls: tuple[Control, ...]
    description: str = ""
    # The latest day in the dashboard's data: relative date ranges ("Previous month") resolve against it.
    data_date: DataDateQuery | None = None

    def __post_init__(self) -> None:
        def fail(problem: str) -> NoReturn:
            raise DeclarationError(f"dashboard {self.id!r}: {problem}")

        if not self.sheets:
            fail("it has no sheet (the Original view opens the first one)")
        if self.data_date is not None and not callable(self.data_date):
            fail("data_date is not callable")
        if dup := _duplicates(s.id for s in self.sheets):
            fail(f"duplicate sheet id {', '.join(map(repr, dup))}")
        visuals = [(sheet.id, v.id) for sheet in self.sheets for v in sheet.visuals]
        for dup in _duplicates(v for _, v in visuals):
            where = ", ".join(repr(s) for s, v in visuals if v == dup)
            fail(f"duplicate visual id {dup!r} (sheets {where})")
        if not all(isinstance(c, Control) for c in self.controls):
            fail("controls must be Control instances")
        if dup := _duplicates(c.id for c in self.controls):
            fail(f"duplicate control id {', '.join(map(repr, dup))}")
        known = {c.id for c in self.controls}
        declared: set[str] = set()
        for control in self.controls:
            if unknown := [d for d in control.depends_on if d not in known]:
                fail(f"control {control.id!r} depends on {', '.join(map(repr, unknown))}, not a control of "
                     "the dashboard")
            if later := [d for d in control.depends_on if d not in declared]:
                fail(f"control {control.id!r} depends on {', '.join(map(repr, later))}, declared after it: "
                     "a control may only depend on controls declared before it")
            declared.add(control.id)
        for sheet in self.sheets:
            for visual in sheet.visuals:
                if visual.click_filter is not None:
                    self._check_click_filter(visual, fail)

    def _check_click_filter(self, visual: Visual, fail: Callable[[str], NoReturn]) -> None:
        """A click sets one value of a multi-select filter (or clears it): nothing else can take a clicked mark."""
        control = next((c for c in self.controls if c.id == visual.click_filter), None)
        if control is None:
            fail(f"visual {visual.id!r}: click_filter {visual.click_filter!r} is not a control of the dashboard")
        if control.kind != "filter" or control.type != "multi":
            fail(f"visual {visual.id!r}: click_filter {visual.click_filter!r} is a {control.type} {control.kind}, "
                 "not a multi-select filter")

    @property
    def path(self) -> str:
        return f"/dashboards/{self.id}"

    def sheet(self, sheet_id: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.id == sheet_id:
                return sheet
        raise KeyError(sheet_id)

    def control(self, control_id: str) -> Control:
        for control in self.controls:
            if control.id == control_id:
                return control
        raise KeyError(control_id)

    def controls_of(self, kind: ControlKind) -> tuple[Control, ...]:
        return tuple(c for c in self.controls if c.kind == kind)

    def visual(self, visual_id: str) -> Visual:
        for sheet in self.sheets:
            for visual in sheet.visuals:
                if visual.id == visual_id:
                    return visual
        raise KeyError(visual_id)
