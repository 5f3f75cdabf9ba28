"""The declaration model: a dashboard is data — sheets, visuals and controls — and everything else
(layout, callbacks, API, view-state validation) is derived from it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import pandas as pd

    from dashboards.context import QueryContext
    from data.engine import DataEngine

ControlKind = Literal["filter", "parameter"]
ControlType = Literal["date_range", "multi", "single"]
VisualKind = Literal["graph", "kpis", "table"]


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
    receives the current context: ``depends_on`` names the controls whose values narrow them.
    """

    id: str
    label: str
    kind: ControlKind
    type: ControlType
    default: Any
    options: tuple[Option, ...] = ()
    options_query: OptionsQuery | None = None
    depends_on: tuple[str, ...] = ()
    bounds: tuple[str, str] | None = None
    placeholder: str = "All"
    help: str = ""

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
Figure = Callable[["pd.DataFrame", "QueryContext"], Any]


@dataclass(frozen=True)
class Visual:
    """One visual of a sheet. ``query`` returns the aggregated rows; ``figure`` turns them into a plotly
    figure (kind ``graph``). ``kpis`` and ``table`` visuals are rendered from the rows by the framework.

    ``width`` is the share of a 12-column row on wide screens.
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


@dataclass(frozen=True)
class Sheet:
    id: str
    title: str
    visuals: tuple[Visual, ...]
    description: str = ""


@dataclass(frozen=True)
class Dashboard:
    id: str
    title: str
    sheets: tuple[Sheet, ...]
    controls: tuple[Control, ...]
    description: str = ""

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
