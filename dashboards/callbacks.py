"""The dashboard callbacks. Thin: read inputs, call the dashboard service, format outputs.

A view change — a control, a sheet tab, a bookmark or reset chosen in the pane, a requested state (the address
bar), a click on a graph's mark or a chip's × — is one request: the view state, the controls as corrected, the
chips and the visible sheet come back together (``view``). The browser draws the sheet, changing in place only
what differs from the sheet on screen (``assets/viewmark/sheet.js``). The sheet is served from the result cache
when this effective view was shown before (``dashboards.served``).

Everything arriving from the browser (state, control values, dashboard id) is re-validated on the
server by the service with the viewer's own grants and restrictions.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dash import ALL, ClientsideFunction, Dash, Input, Output, State, callback_context, dcc, no_update
from dash.exceptions import PreventUpdate
from plotly.io.json import to_json_plotly
from werkzeug.exceptions import HTTPException

from accounts.viewer import current_viewer
from core import ids
from core.errors import Invalid, ServiceError, Withdrawn
from core.runtime import runtime
from dashboards import click_filter, export, layout, served
from dashboards.clicks import as_object, clicked
from views.applied import applied, without
from views.dates import is_preset
from views.resolve import state_from_controls

if TYPE_CHECKING:
    from accounts.viewer import Viewer
    from declarations.model import Dashboard


@dataclass(frozen=True)
class Asked:
    """What ``Asking.answer`` gives for a click: the raw state to show (None: none, the view stays as it is) and
    a value for each of ``Asking.outputs``."""
    state: Any
    outputs: tuple


@dataclass(frozen=True)
class Asking:
    """Requests for a view from outside the dashboard's own controls: a bookmark chosen in the pane
    (``bookmarks.callbacks.APPLYING``). The view's callback answers them itself, so that applying a bookmark
    is one request, not a request for the state and then one for the view (docs/architecture.md, "One
    request per view change").

    ``inputs``: the stores the page sets when asked (a click); ``states``: what the answer reads besides;
    ``outputs``: what the asker shows besides the view (no update on every other view change);
    ``answer(request, dashboard, viewer, states)`` → ``Asked``. The answer checks what it is asked for
    itself: the request is the browser's to send.
    """
    inputs: tuple[Input, ...]
    states: tuple[State, ...]
    outputs: tuple[Output, ...]
    answer: Callable[[Any, Dashboard, Viewer, tuple], Asked]

    def asks(self, component_id) -> bool:
        return any(component_id == i.component_id for i in self.inputs)


def register(app: Dash, asking: Asking | None = None) -> None:
    """The dashboard page's callbacks; ``asking``: the clicks elsewhere on the page that ask for a view."""
    topojson_url = app.get_asset_url("topojson/")
    asking = asking or Asking((), (), (), lambda *_: Asked(None, ()))
    # The view's own dependencies; the asker's follow each group.
    own_outputs = (
        Output(ids.VIEW_STATE, "data"),
        Output(ids.control(ALL), "value"),
        Output(ids.control(ALL), "options"),
        Output(ids.date_control(ALL), "start_date"),
        Output(ids.date_control(ALL), "end_date"),
        Output(ids.date_preset(ALL), "value"),
        Output(ids.SHEET_TABS, "value"),
        Output(ids.NOTICES, "children"),
        Output(ids.FILTER_SUMMARY, "children"),
        Output(ids.SHEET_BODY, "data"),
    )
    own_inputs = (
        Input(ids.control(ALL), "value"),
        Input(ids.date_control(ALL), "start_date"),
        Input(ids.date_control(ALL), "end_date"),
        Input(ids.date_preset(ALL), "value"),
        Input(ids.SHEET_TABS, "value"),
        Input(ids.REQUESTED_STATE, "data"),
        Input(ids.graph(ALL), "clickData"),
        Input(ids.remove_filter(ALL), "n_clicks"),
    )
    own_states = (
        State(ids.DASHBOARD_ID, "data"),
        State(ids.NOTICES, "children"),
        State(ids.FILTER_SUMMARY, "children"),
        State(ids.VIEW_STATE, "data"),
    )

    @app.callback(*own_outputs, *asking.outputs, *own_inputs, *asking.inputs, *own_states, *asking.states,
                  prevent_initial_call=True)
    def view(*args):
        """Controls, tabs, a click (a graph's mark, a chip's ×), a bookmark chosen (``asking``) or a requested
        state (the address bar) → the canonical view state, its applied-filter chips and its sheet, in one
        answer.

        Dependent options are narrowed here and values they no longer allow are dropped with a notice;
        the corrected values flow back to the controls in the same callback. A date range is its preset
        while one is chosen, shown as the days it resolves to; editing those days makes it two dates. When
        the view cannot be made for a reason nothing foresaw, the controls go back to the view on screen
        (``Withdrawn``), so that they never show a view the sheet does not.
        """
        _values, _starts, _ends, _presets, sheet, requested, _graph_clicks, _removals = args[:len(own_inputs)]
        states = args[len(own_inputs) + len(asking.inputs):]
        dashboard_id, shown_notices, shown_chips, shown_state = states[:len(own_states)]
        viewer = current_viewer()
        rt = runtime()
        board = rt.dashboards.get(dashboard_id, viewer)
        trigger = callback_context.triggered_id
        inputs = callback_context.inputs_list
        selects = [(_control_id(item), _value(item)) for item in inputs[0]]
        dates = _date_ranges(inputs[1], inputs[2], inputs[3], callback_context.triggered_prop_ids.values())
        # Even when a requested state replaces them, the controls sent must be this dashboard's own.
        from_controls = state_from_controls(board, sheet, dict(selects), dict(dates))
        asked_out = (no_update,) * len(asking.outputs)
        if asking.asks(trigger):
            request = callback_context.triggered[0].get("value")
            if not request:
                raise PreventUpdate
            asked = asking.answer(request, board, viewer, states[len(own_states):])
            if asked.state is None:  # refused: the asker says why, and the view stays
                return (*_unchanged(callback_context.outputs_list[:len(own_outputs)]), *asked.outputs)
            raw, asked_out = asked.state, asked.outputs
        elif trigger == ids.REQUESTED_STATE and requested:
            raw = requested.get("state") if isinstance(requested, dict) else requested
        elif _of_type(trigger, ids.graph(), ids.remove_filter()):
            raw = _clicked(board, from_controls)
            if raw is None:  # graphs or chips drawn anew, or a click that sets nothing
                raise PreventUpdate
        else:
            raw = from_controls
        try:
            state, notices = rt.views.parse(board, raw, viewer, strict=False)
            # Only dependent controls' options can change; the others keep what the page was built with.
            ctx = rt.views.context(board, state, viewer)
            options = {c.id: rt.views.options(c, ctx) for c in board.controls if c.type != "date_range"}
            option_out = [[o.as_dict() for o in options[control_id]] if board.control(control_id).depends_on
                          else no_update for control_id, _ in selects]
            chips = _as_sent(layout.applied_chips(applied(board, state, options, ctx.filters)))
            notices_out = _as_sent(layout.notice_list(notices))
            body = served.sheet_body(rt.dashboards, board, state, viewer, topojson_url, ctx=ctx)
        except (ServiceError, HTTPException, PreventUpdate):
            raise
        except Exception as exc:
            put_back = _put_back(board, shown_state, viewer, selects, dates, inputs, sheet)
            if put_back is None:
                raise
            # The controls and the tab as the page showed them (own_outputs' order); nothing else changes.
            unchanged = _unchanged(callback_context.outputs_list)
            values, starts, ends, presets, tab = put_back
            raise Withdrawn((unchanged[0], values, unchanged[2], starts, ends, presets, tab, *unchanged[7:])) from exc
        value_out, starts_out, ends_out, presets_out, sheet_out = _controls_out(board, state, ctx, selects, dates,
                                                                               inputs, sheet)
        return (state.to_dict(), value_out, option_out, starts_out, ends_out, presets_out, sheet_out,
                notices_out if notices_out or shown_notices else no_update,
                _changed(chips, shown_chips), body, *asked_out)

    # The browser draws the sheet, setting in place what can be (assets/viewmark/sheet.js).
    app.clientside_callback(ClientsideFunction("viewmark_sheet", "place"), Output(ids.SHEET_CONTENT, "children"),
                            Input(ids.SHEET_BODY, "data"), State(ids.SHEET_CONTENT, "children"),
                            prevent_initial_call=True)

    # A click on a CSV button names its visual (assets/viewmark/charts.js); the buttons drawn anew with each
    # view cost no request.
    app.clientside_callback(ClientsideFunction("viewmark_charts", "csv"), Output(ids.CSV_REQUEST, "data"),
                            Input(ids.csv_button(ALL), "n_clicks"), prevent_initial_call=True)

    @app.callback(Output(ids.CSV_DOWNLOAD, "data"), Input(ids.CSV_REQUEST, "data"),
                  State(ids.VIEW_STATE, "data"), State(ids.DASHBOARD_ID, "data"), prevent_initial_call=True)
    def download_csv(request, state_data, dashboard_id):
        visual_id = as_object(request).get("visual")
        if not isinstance(visual_id, str):
            return no_update
        viewer = current_viewer()
        rt = runtime()
        try:
            board = rt.dashboards.get(dashboard_id, viewer)
            state, _ = rt.views.parse(board, state_data, viewer, strict=False)
            visual, frame = rt.dashboards.visual_frame(board, state, visual_id, viewer)
        except ServiceError:
            return no_update
        # Rounded to what the visual shows; the JSON API keeps the exact values.
        return dcc.send_data_frame(export.csv_frame(visual, frame).to_csv, f"{board.id}-{visual.id}.csv",
                                   index=False)


def _controls_out(board, state, ctx, selects, dates, inputs, sheet) -> tuple[list, list, list, list, Any]:
    """What the controls and the tabs show for ``state``, as outputs: ``(values, starts, ends, presets,
    sheet)``. What the page shows already is not sent again: each prop sent is drawn again in the browser."""
    values = []
    for control_id, value in selects:
        control = board.control(control_id)
        section = state.filters if control.kind == "filter" else state.parameters
        values.append(_changed(section[control.id], value))
    # The pickers show the days a preset resolves to (ctx), the choosers the preset itself.
    starts = [_changed(ctx.filters[control_id][0], _value(item))
              for (control_id, _), item in zip(dates, inputs[1], strict=True)]
    ends = [_changed(ctx.filters[control_id][1], _value(item))
            for (control_id, _), item in zip(dates, inputs[2], strict=True)]
    presets = [_changed(state.filters[control_id] if is_preset(state.filters[control_id]) else layout.CUSTOM_DATES,
                        _value(item)) for (control_id, _), item in zip(dates, inputs[3], strict=True)]
    return values, starts, ends, presets, _changed(state.sheet, sheet)


def _put_back(board, shown, viewer, selects, dates, inputs, sheet) -> tuple | None:
    """The controls' and tabs' outputs that show the view on screen (``shown``, the view state the page holds)
    again, after the view asked for could not be made; None when there is none to go back to, or it cannot
    be worked out either (the failure's own cause, most likely, which the caller raises)."""
    if not isinstance(shown, dict) or shown.get("dashboard") != board.id:
        return None
    try:
        rt = runtime()
        state, _ = rt.views.parse(board, shown, viewer, strict=False)
        return _controls_out(board, state, rt.views.context(board, state, viewer), selects, dates, inputs, sheet)
    except Exception:  # the caller raises the failure that matters
        return None


def _date_ranges(starts, ends, presets, triggered) -> list[tuple[str, object]]:
    """Each date control's value as sent: its preset while one is chosen and its days were not just
    edited, otherwise its two dates (docs/view-state.md, relative date ranges)."""
    # The page sends each date control's start, end and preset together: lists naming other controls, or
    # a control twice, come from a forged or garbled request.
    named = [[_control_id(item) for item in items] for items in (starts, ends, presets)]
    if not named[0] == named[1] == named[2] or len(set(named[0])) != len(named[0]):
        raise Invalid("The date controls sent do not match one another; reload the page.", "controls")
    chosen = {_control_id(p): _value(p) for p in presets}
    edited = {t.get("control") for t in triggered if isinstance(t, dict) and t == ids.date_control(t.get("control"))}
    ranges = []
    for start, end in zip(starts, ends, strict=True):
        control_id = _control_id(start)
        preset = chosen.get(control_id)
        keep = is_preset(preset) and control_id not in edited
        ranges.append((control_id, preset if keep else [_value(start), _value(end)]))
    return ranges


def _unchanged(outputs_list) -> tuple:
    """No update for each of the outputs (a list of no updates for a pattern's)."""
    return tuple([no_update] * len(o) if isinstance(o, list) else no_update for o in outputs_list)


def _changed(value, shown):
    """``value``, or no update when the page shows it already."""
    return no_update if value == shown else value


def _as_sent(component) -> Any:
    """Components as the browser holds them (plain JSON data), to compare with what it sent."""
    return json.loads(to_json_plotly(component))


def _of_type(component_id, *patterns: dict) -> bool:
    return isinstance(component_id, dict) and component_id.get("type") in {p["type"] for p in patterns}


def _clicked(board, raw: dict) -> dict | None:
    """The raw state a click asks for: a graph's mark sets its visual's filter (click-to-filter), a chip's ×
    sets its control back to the default. None when no user clicked (the components were just drawn)."""
    trigger = clicked()
    if trigger is None:
        return None
    if _of_type(trigger, ids.graph()):
        return click_filter.click(board, raw, trigger.get("visual"), callback_context.triggered[0]["value"])
    return without(board, raw, trigger.get("control"))


def _control_id(item) -> str:
    """The control id of a pattern-matching input as sent: a forged request may send anything, which
    ``state_from_controls`` then refuses by name."""
    component = item.get("id") if isinstance(item, dict) else None
    control_id = component.get("control") if isinstance(component, dict) else None
    return control_id if isinstance(control_id, str) else repr(control_id)


def _value(item):
    return item.get("value") if isinstance(item, dict) else None
