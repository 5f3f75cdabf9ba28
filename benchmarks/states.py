"""Random view states as a user makes them, for the sheet-compute benchmark (``benchmarks.compute``).

A state picks a sheet, a date range (a preset or custom days, from one day to the whole span, inside the
control's bounds), filter selections drawn from each control's options as the viewer is offered them
(none, one or a few; a dependent control from the options the earlier selections leave), and parameter
values. A share of the viewers are brand-restricted. Every state is validated strictly by
``ViewResolver.parse``, the path every state of the product takes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from accounts.viewer import FULL_ACCESS, Viewer
from declarations.context import QueryContext
from declarations.model import Control, Dashboard
from views.dates import PRESETS
from views.resolve import ViewResolver
from views.state import ViewState

#: Shares of the choices a generated user makes.
PRESET_SHARE = 0.3
RESTRICTED_SHARE = 0.2
#: How many values a multi-select filter gets: none, one or a few (two to four), with these weights.
SELECTION_WEIGHTS = {"none": 0.55, "one": 0.3, "few": 0.15}


@dataclass(frozen=True)
class GeneratedState:
    """One generated view: the state, its viewer and how it was made (for the report and the tests)."""

    state: ViewState
    viewer: Viewer
    dates: str                      # a preset name, or "custom"
    days: int | None                # the custom range's length in days
    selected: dict[str, int] = field(default_factory=dict)  # filter id -> number of values chosen

    def describe(self) -> dict:
        return {"state": self.state.to_dict(), "brands": list(self.viewer.brands or []) or None,
                "dates": self.dates, "days": self.days, "selected": self.selected}


class StateGenerator:
    """Seeded generator of valid states for one dashboard."""

    def __init__(self, board: Dashboard, resolver: ViewResolver, rng: random.Random):
        self.board = board
        self.resolver = resolver
        self.rng = rng
        brand_control = next((c for c in board.controls if c.id == "brand"), None)
        self._brands = ([o.value for o in resolver.options(brand_control, QueryContext.defaults(board))]
                        if brand_control is not None else [])

    def viewer(self) -> Viewer:
        """Unrestricted, or (a share of the time, on a dashboard with brands) restricted to some brands."""
        if not self._brands or self.rng.random() >= RESTRICTED_SHARE:
            return FULL_ACCESS  # a dashboard without brands has no row restrictions
        known = self._brands
        brands = tuple(sorted(self.rng.sample(known, self.rng.randint(1, max(1, len(known) - 1)))))
        return Viewer(username="bench-restricted", brands=brands)

    def state(self, sheet_id: str | None = None) -> GeneratedState:
        viewer = self.viewer()
        sheet = sheet_id or self.rng.choice(self.board.sheets).id
        filters: dict[str, Any] = {}
        parameters: dict[str, Any] = {}
        selected: dict[str, int] = {}
        dates, days = "custom", None
        for control in self.board.controls:
            if control.type == "date_range":
                filters[control.id], dates, days = self._date_range(control)
            elif control.kind == "parameter":
                parameters[control.id] = self.rng.choice(control.options).value
            else:
                ctx = QueryContext(self.board, dict(filters), {}, viewer.restrictions)
                values = self._selection(control, ctx)
                filters[control.id] = values
                selected[control.id] = len(values)
        raw = {"dashboard": self.board.id, "sheet": sheet, "filters": filters, "parameters": parameters}
        state, _ = self.resolver.parse(self.board, raw, viewer, strict=True)
        return GeneratedState(state, viewer, dates, days, selected)

    def _date_range(self, control: Control) -> tuple[Any, str, int | None]:
        if self.rng.random() < PRESET_SHARE:
            preset = self.rng.choice(list(PRESETS))
            return preset, preset, None
        low, high = (date.fromisoformat(b) for b in control.bounds)
        span = (high - low).days + 1
        # Lengths spread evenly on a log scale, from one day to the whole span.
        days = max(1, min(span, round(span ** self.rng.random())))
        start = low + timedelta(days=self.rng.randint(0, span - days))
        return [start.isoformat(), (start + timedelta(days=days - 1)).isoformat()], "custom", days

    def _selection(self, control: Control, ctx: QueryContext) -> list:
        options = [o.value for o in self.resolver.options(control, ctx)]
        how = self.rng.choices(list(SELECTION_WEIGHTS), weights=list(SELECTION_WEIGHTS.values()))[0]
        if how == "none" or not options:
            return []
        count = 1 if how == "one" else self.rng.randint(2, 4)
        return sorted(self.rng.sample(options, min(count, len(options))), key=str)


def generate_states(board: Dashboard, resolver: ViewResolver, per_sheet: int, seed: int) -> list[GeneratedState]:
    """``per_sheet`` states for every sheet of ``board``, the same for the same seed and dataset."""
    rng = random.Random(f"{seed}:{board.id}")
    generator = StateGenerator(board, resolver, rng)
    return [generator.state(sheet.id) for sheet in board.sheets for _ in range(per_sheet)]
