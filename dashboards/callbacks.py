"""The dashboard callbacks. Thin: read inputs, call the dashboard service, format outputs.

Everything arriving from the browser (state, control values, dashboard id) is re-validated on the
server by the service with the viewer's own grants and restrictions.
"""

from __future__ import annotations

from dash import ALL, Dash, Input, Output, State, callback_context, dcc, no_update

from accounts.viewer import current_viewer
from core import ids
from core.errors import ServiceError
from core.runtime import runtime
from dashboards import export, layout, render
from dashboards.clicks import clicked
from views.resolve import state_from_controls


def register(app: Dash) -> None:
    topojson_url = app.get_asset_url("topojson/")

    @app.callback(
        Output(ids.VIEW_STATE, "data"),
        Output(ids.control(ALL), "value"),
        Output(ids.control(ALL), "options"),
        Output(ids.date_control(ALL), "start_date"),
        Output(ids.date_control(ALL), "end_date"),
        Output(ids.SHEET_TABS, "value"),
        Output(ids.NOTICES, "children"),
        Input(ids.control(ALL), "value"),
        Input(ids.date_control(ALL), "start_date"),
        Input(ids.date_control(ALL), "end_date"),
        Input(ids.SHEET_TABS, "value"),
        Input(ids.REQUESTED_STATE, "data"),
        State(ids.DASHBOARD_ID, "data"),
        prevent_initial_call=True,
    )
    def sync(values, starts, ends, sheet, requested, dashboard_id):
        """Controls, tabs or a requested state (bookmark, reset) → the canonical view state.

        Dependent options are narrowed here and values they no longer allow are dropped with a notice;
        the corrected values flow back to the controls in the same callback.
        """
        viewer = current_viewer()
        rt = runtime()
        board = rt.dashboards.get(dashboard_id, viewer)
        inputs = callback_context.inputs_list
        selects = [(_control_id(item), _value(item)) for item in inputs[0]]
        dates = [(_control_id(s), [_value(s), _value(e)]) for s, e in zip(inputs[1], inputs[2], strict=True)]
        # Even when a requested state replaces them, the controls sent must be this dashboard's own.
        from_controls = state_from_controls(board, sheet, dict(selects), dict(dates))
        if callback_context.triggered_id == ids.REQUESTED_STATE and requested:
            raw = requested.get("state") if isinstance(requested, dict) else requested
        else:
            raw = from_controls
        state, notices = rt.views.parse(board, raw, viewer, strict=False)

        # Only dependent controls' options can change; the others keep what the page was built with.
        ctx = rt.views.context(board, state, viewer)
        value_out, option_out = [], []
        for control_id, _ in selects:
            control = board.control(control_id)
            section = state.filters if control.kind == "filter" else state.parameters
            value_out.append(section[control.id])
            option_out.append([o.as_dict() for o in rt.views.options(control, ctx)] if control.depends_on
                              else no_update)
        starts_out = [state.filters[control_id][0] for control_id, _ in dates]
        ends_out = [state.filters[control_id][1] for control_id, _ in dates]
        return (state.to_dict(), value_out, option_out, starts_out, ends_out, state.sheet,
                layout.notice_list(notices))

    @app.callback(Output(ids.SHEET_CONTENT, "children"), Input(ids.VIEW_STATE, "data"),
                  State(ids.DASHBOARD_ID, "data"))
    def show_sheet(state_data, dashboard_id):
        viewer = current_viewer()
        rt = runtime()
        board = rt.dashboards.get(dashboard_id, viewer)
        state, _ = rt.views.parse(board, state_data, viewer, strict=False)
        sheet, data = rt.dashboards.sheet_data(board, state, viewer)
        return render.sheet_body(sheet, data, rt.views.context(board, state, viewer), topojson_url)

    @app.callback(Output(ids.CSV_DOWNLOAD, "data"), Input(ids.csv_button(ALL), "n_clicks"),
                  State(ids.VIEW_STATE, "data"), State(ids.DASHBOARD_ID, "data"), prevent_initial_call=True)
    def download_csv(_clicks, state_data, dashboard_id):
        trigger = clicked()
        if not trigger:
            return no_update
        viewer = current_viewer()
        rt = runtime()
        try:
            board = rt.dashboards.get(dashboard_id, viewer)
            state, _ = rt.views.parse(board, state_data, viewer, strict=False)
            visual, frame = rt.dashboards.visual_frame(board, state, trigger["visual"], viewer)
        except ServiceError:
            return no_update
        # Rounded to what the visual shows; the JSON API keeps the exact values.
        return dcc.send_data_frame(export.csv_frame(visual, frame).to_csv, f"{board.id}-{visual.id}.csv",
                                   index=False)


def _control_id(item) -> str:
    """The control id of a pattern-matching input as sent: a forged request may send anything, which
    ``state_from_controls`` then refuses by name."""
    component = item.get("id") if isinstance(item, dict) else None
    control_id = component.get("control") if isinstance(component, dict) else None
    return control_id if isinstance(control_id, str) else repr(control_id)


def _value(item):
    return item.get("value") if isinstance(item, dict) else None
