"""What a query sees: the resolved filters and parameters of a view, and the viewer's row restrictions."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from declarations.model import Dashboard


@dataclass(frozen=True)
class QueryContext:
    dashboard: Dashboard
    filters: Mapping[str, Any]
    parameters: Mapping[str, Any]
    # Row restrictions of the viewer: control id -> the only values this viewer may see (brand codes).
    restrictions: Mapping[str, tuple] = field(default_factory=dict)

    def key(self) -> str:
        """The view this context stands for, as text: part of the key of anything worked out from it (work
        shared within a render, control options, rendered sheets)."""
        restrictions = {control: sorted(values, key=str) for control, values in self.restrictions.items()}
        return json.dumps([self.dashboard.id, dict(self.filters), dict(self.parameters), restrictions],
                          sort_keys=True, default=str)

    def values(self, control_id: str) -> list | None:
        """The values a multi-select filter lets through, or ``None`` for "no condition".

        An empty selection means all values — unless the viewer is restricted on this control, in which
        case it means all *allowed* values, and a selection is intersected with them. Queries must use
        this (never ``filters`` directly) for restricted controls, so no request can widen a restriction.
        """
        selected = list(self.filters.get(control_id) or [])
        allowed = self.restrictions.get(control_id)
        if allowed is None:
            return selected or None
        if not selected:
            return list(allowed)
        return [v for v in selected if v in allowed]

    def param(self, control_id: str) -> Any:
        return self.parameters[control_id]

    def date_range(self, control_id: str = "date_range") -> tuple[date, date]:
        start, end = self.filters[control_id]
        return date.fromisoformat(start), date.fromisoformat(end)

    def previous_range(self, control_id: str = "date_range") -> tuple[date, date]:
        """The period of the same length that ends the day before the selected one starts."""
        start, end = self.date_range(control_id)
        length = (end - start).days + 1
        return start - timedelta(days=length), start - timedelta(days=1)

    def with_filters(self, **changes: Any) -> QueryContext:
        return QueryContext(self.dashboard, {**self.filters, **changes}, self.parameters, self.restrictions)

    @classmethod
    def defaults(cls, dashboard: Dashboard, restrictions: Mapping[str, tuple] | None = None) -> QueryContext:
        """The context of the Original view: every control at the author's default."""
        filters = {c.id: c.default for c in dashboard.controls_of("filter")}
        parameters = {c.id: c.default for c in dashboard.controls_of("parameter")}
        return cls(dashboard, filters, parameters, dict(restrictions or {}))
