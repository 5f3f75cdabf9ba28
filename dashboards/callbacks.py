"""The dashboard callbacks. Thin: read inputs, call the dashboard service, format outputs.

Everything arriving from the browser (state, control values, dashboard id) is re-validated on the
server by the service with the viewer's own grants and restrictions.
"""

from __future__ import annotations

from dash import ALL, Dash, Input, Output, State, callback_context, dcc, no_update

from accounts.viewer import current_viewer
from bookmarks import callbacks as bookmark_callbacks
from core.errors import ServiceError
from core.runtime import runtime
from dashboards import ids, layout, pages, render
from dashboards.clicks import clicked


def register(app: Dash) -> None:
    topojson_url = app.get_asset_url("topojson/")
    bookmark_callbacks.register(app)

    @app.callback(Output(ids.PAGE, "children"), Input(ids.URL, "pathname"), State(ids.URL, "search"))
    def route(pathname, search):
        return pages.page_for(pathname, search, current_viewer())

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
        service = runtime().dashboards
        board = service.get(dashboard_id, viewer)
        inputs = callback_context.inputs_list
        if callback_context.triggered_id == ids.REQUESTED_STATE and requested:
            raw = requested.get("state")
        else:
            raw = {"dashboard": board.id, "sheet": sheet, "filters": {}, "parameters": {}}
            for item in inputs[0]:
                control = board.control(item["id"]["control"])
                raw[f"{control.kind}s"][control.id] = item.get("value")
            for start_item, end_item in zip(inputs[1], inputs[2], strict=True):
                raw["filters"][start_item["id"]["control"]] = [start_item.get("value"), end_item.get("value")]
        state, notices = service.parse(board, raw, viewer, strict=False)

        # Only dependent controls' options can change; the others keep what the page was built with.
        ctx = service.context(board, state, viewer)
        value_out, option_out = [], []
        for item in inputs[0]:
            control = board.control(item["id"]["control"])
            section = state.filters if control.kind == "filter" else state.parameters
            value_out.append(section[control.id])
            option_out.append([o.as_dict() for o in service.options(control, ctx)] if control.depends_on
                              else no_update)
        starts_out = [state.filters[i["id"]["control"]][0] for i in inputs[1]]
        ends_out = [state.filters[i["id"]["control"]][1] for i in inputs[1]]
        return (state.to_dict(), value_out, option_out, starts_out, ends_out, state.sheet,
                layout.notice_list(notices))

    @app.callback(Output(ids.SHEET_CONTENT, "children"), Input(ids.VIEW_STATE, "data"),
                  State(ids.DASHBOARD_ID, "data"))
    def show_sheet(state_data, dashboard_id):
        viewer = current_viewer()
        service = runtime().dashboards
        board = service.get(dashboard_id, viewer)
        state, _ = service.parse(board, state_data, viewer, strict=False)
        sheet, data = service.sheet_data(board, state, viewer)
        return render.sheet_body(sheet, data, service.context(board, state, viewer), topojson_url)

    @app.callback(Output(ids.CSV_DOWNLOAD, "data"), Input(ids.csv_button(ALL), "n_clicks"),
                  State(ids.VIEW_STATE, "data"), State(ids.DASHBOARD_ID, "data"), prevent_initial_call=True)
    def download_csv(_clicks, state_data, dashboard_id):
        trigger = clicked()
        if not trigger:
            return no_update
        viewer = current_viewer()
        service = runtime().dashboards
        try:
            board = service.get(dashboard_id, viewer)
            state, _ = service.parse(board, state_data, viewer, strict=False)
            visual, frame = service.visual_frame(board, state, trigger["visual"], viewer)
        except ServiceError:
            return no_update
        return dcc.send_data_frame(frame.to_csv, f"{board.id}-{visual.id}.csv", index=False)
