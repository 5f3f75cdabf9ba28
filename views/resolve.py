"""Viewer-aware resolution: what a viewer may select, and any state made fit for that viewer.

The view-state module (``views.state``) knows the declaration; this module adds the data and the viewer:
options computed from the data, the viewer's row restrictions, dependent filters narrowed by the
selections they depend on, and relative date ranges resolved against the data date (docs/view-state.md).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Mapping
from datetime import date
from typing import Any

from accounts.viewer import Viewer
from core.errors import Invalid, ServiceError
from data.engine import DataEngine
from declarations.context import QueryContext
from declarations.model import Control, Dashboard, Option
from views.dates import has_presets, resolve_filters
from views.state import AllowedValues, Notice, ViewState, load_json, original_state, parse_state

# Options kept in the process per data version and context (``ViewResolver.options``): every request validates
# its state against every control's options, and even from the shared result cache each costs a round trip
# and unpickling a frame.
OPTIONS_KEPT = 2048


class ViewResolver:
    def __init__(self, engine: DataEngine):
        self.engine = engine
        self._options: OrderedDict[str, tuple[Option, ...]] = OrderedDict()
        self._options_lock = threading.Lock()

    # What a viewer may select -------------------------------------------------------------------------

    def options(self, control: Control, ctx: QueryContext) -> list[Option]:
        """The control's options in this context (narrowed by the controls it depends on). Kept in the process
        for the data version served now while the result cache is on (``cache_seconds``)."""
        if control.options_query is None:
            return list(control.options)
        if self.engine.cache_seconds <= 0:
            return list(control.options_query(self.engine, ctx))
        key = _options_key(self.engine, control, ctx)
        with self._options_lock:
            kept = self._options.get(key)
            if kept is not None:
                self._options.move_to_end(key)
                return list(kept)
        found = tuple(control.options_query(self.engine, ctx))
        with self._options_lock:
            self._options[key] = found
            while len(self._options) > OPTIONS_KEPT:
                self._options.popitem(last=False)
        return list(found)

    def control_options(self, board: Dashboard, state: ViewState, viewer: Viewer) -> dict[str, list[Option]]:
        """The options of every select control of the page, for this state and viewer."""
        ctx = self.context(board, state, viewer)
        return {c.id: self.options(c, ctx) for c in board.controls if c.type != "date_range"}

    def allowed_values(self, board: Dashboard, viewer: Viewer) -> AllowedValues:
        """For validation: every value a control may take for this viewer, whatever else is selected."""
        ctx = QueryContext.defaults(board, viewer.restrictions)

        def allowed(control: Control) -> list:
            return [o.value for o in self.options(control, ctx)]

        return allowed

    # States -------------------------------------------------------------------------------------------

    def original(self, board: Dashboard) -> ViewState:
        return original_state(board)

    def data_date(self, board: Dashboard) -> date | None:
        """The latest day in the dashboard's data, by its declared query, run once per data version
        (``DataEngine.per_version``): every view with a preset needs it, and only a refresh changes it.

        A dashboard that declares none, or whose data is empty, ends where its date controls' bounds end.
        """
        found = None
        if board.data_date is not None:
            found = self.engine.per_version(("data_date", board.id), lambda: board.data_date(self.engine))
        if found is not None:
            return found
        ends = [c.bounds[1] for c in board.controls if c.type == "date_range" and c.bounds]
        return date.fromisoformat(max(ends)) if ends else None

    def context(self, board: Dashboard, state: ViewState, viewer: Viewer) -> QueryContext:
        """What the queries of ``state`` see: relative date ranges resolved against the data date."""
        filters = dict(state.filters)
        if has_presets(board, filters):  # the data date is only looked up when a preset needs it
            filters = resolve_filters(board, filters, self.data_date(board))
        return QueryContext(board, filters, dict(state.parameters), viewer.restrictions)

    def parse(self, board: Dashboard, raw: Any, viewer: Viewer, *, strict: bool) -> tuple[ViewState, list[Notice]]:
        """``raw`` validated for this viewer: strictly (``Invalid`` naming the field) or leniently (notices).

        Read leniently, values outside the viewer's row restrictions (another brand, in a link from a
        colleague who may see it) are left out with a notice that the view was narrowed; written, they are
        refused like any value that is not an option.
        """
        allowed = self.allowed_values(board, viewer)
        restricted: list[Notice] = []
        if not strict and viewer.restrictions:
            raw, restricted = _within_restrictions(board, load_json(raw), viewer, allowed)
        state, notices = parse_state(raw, board, allowed, strict=strict)
        if not strict:
            state, narrowed = self.narrow(board, state, viewer)
            notices = restricted + notices + narrowed
        return state, notices

    def read(self, board: Dashboard, raw: Any, viewer: Viewer, what: str) -> tuple[ViewState, list[Notice]]:
        """A stored or linked state, read leniently; one that is not even a JSON object opens the Original.

        ``what`` names the state in the notice (“The bookmark “Texas””, “The link’s view”).
        """
        try:
            return self.parse(board, raw, viewer, strict=False)
        except ServiceError as exc:
            return self.original(board), [Notice("state", f"{what} could not be read: {exc.message}")]

    def narrow(self, board: Dashboard, state: ViewState, viewer: Viewer) -> tuple[ViewState, list[Notice]]:
        """Drops values of dependent controls that the other selections no longer allow, with notices.

        Controls are visited in declaration order, so a narrowed city narrows the addresses after it.
        """
        filters = dict(state.filters)
        notices: list[Notice] = []
        for control in board.controls:
            if not control.depends_on or control.type != "multi" or not filters.get(control.id):
                continue
            ctx = self.context(board, ViewState(state.dashboard, state.sheet, filters, state.parameters), viewer)
            possible = {o.value for o in self.options(control, ctx)}
            kept = [v for v in filters[control.id] if v in possible]
            dropped = [v for v in filters[control.id] if v not in possible]
            if dropped:
                names = ", ".join(f"“{v}”" for v in dropped)
                by = " and ".join(board.control(d).label.lower() for d in control.depends_on)
                notices.append(Notice(f"filters.{control.id}",
                                      f"{control.label} {names} removed: not in the selected {by}."))
                filters[control.id] = kept
        return ViewState(state.dashboard, state.sheet, filters, state.parameters), notices


def _within_restrictions(board: Dashboard, data: dict, viewer: Viewer,
                         allowed: AllowedValues) -> tuple[dict, list[Notice]]:
    """``data`` with the values of restricted filters that this viewer may not see left out, and notices."""
    filters = data.get("filters")
    if not isinstance(filters, dict):
        return data, []
    filters, notices = dict(filters), []
    for control_id in viewer.restrictions:
        values = filters.get(control_id)
        if control_id not in {c.id for c in board.controls} or not isinstance(values, list):
            continue
        control = board.control(control_id)
        options = {str(v) for v in allowed(control)}
        hidden = [v for v in values if isinstance(v, (str, int)) and str(v) not in options]
        if hidden:
            filters[control_id] = [v for v in values if v not in hidden]
            names = ", ".join(f"“{str(v)[:60]}”" for v in hidden[:5])
            notices.append(Notice(f"filters.{control_id}", f"{control.label} {names} left out: this view was "
                                  f"narrowed to the {control.label.lower()}s you may see."))
    return {**data, "filters": filters}, notices


def state_from_controls(board: Dashboard, sheet: Any, selects: Mapping[Any, Any],
                        dates: Mapping[Any, Any] | None = None) -> dict:
    """The raw state that a page's controls describe: select controls' values and date ranges by id.

    The controls are the page's own, so an id the dashboard does not declare (or a select sent as a date
    range) means a forged or stale request: refused naming the control, not guessed at. The values
    themselves are validated by ``ViewResolver.parse``.
    """
    raw: dict = {"dashboard": board.id, "sheet": sheet, "filters": {}, "parameters": {}}
    declared = {c.id: c for c in board.controls}
    for values, is_date in ((selects, False), (dates or {}, True)):
        for control_id, value in values.items():
            control = declared.get(control_id) if isinstance(control_id, str) else None
            if control is None or (control.type == "date_range") != is_date:
                name = str(control_id)[:60]
                raise Invalid(f"Unknown control “{name}” on the dashboard “{board.id}”.", f"controls.{name}")
            raw[f"{control.kind}s"][control.id] = value
    return raw


def _options_key(engine: DataEngine, control: Control, ctx: QueryContext) -> str:
    """A control's options in a context, for the data the engine serves now."""
    return json.dumps([engine.url, engine.version, control.id, ctx.key()])
