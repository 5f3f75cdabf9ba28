"""The dashboard page, built from the declaration and an initial view state."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import dash_bootstrap_components as dbc
from dash import dcc, html

from core import ids
from declarations.model import Control, Dashboard, Option
from views.applied import Applied, applied
from views.dates import PRESETS, is_preset, resolve_filters, resolve_range
from views.state import Notice, ViewState
from views.summary import data_through

# A single-select parameter with at most this many options is shown as buttons, otherwise a dropdown.
RADIO_LIMIT = 4
# The preset chooser's value while a date range is two dates rather than a preset.
CUSTOM_DATES = "custom"


def dashboard_page(dashboard: Dashboard, state: ViewState, options: dict[str, list[Option]],
                   notices: list[Notice], banner: html.Header, extras: list | None = None,
                   restrictions: Mapping[str, tuple] | None = None, data_date: date | None = None,
                   body=None) -> html.Div:
    """``extras``: further parts of the page that have no place of their own (stores, panes, dialogs).

    ``restrictions``: the viewer's row restrictions (``Viewer.restrictions``: control id → the values they
    may see), said where those controls are, so that a restricted filter never reads as all the data.
    ``data_date``: the latest day in the dashboard's data, shown as “Data through …”; relative date ranges
    resolve against it. ``body``: the sheet of ``state`` (``dashboards.served.sheet_body``), so the page opens
    with its visuals and needs no second request for them.
    """
    through = [html.P(data_through(data_date), id=ids.DATA_THROUGH,
                      className="small text-secondary mb-2 vm-data-through")] if data_date else []
    resolved = resolve_filters(dashboard, state.filters, data_date) if data_date else None
    return html.Div([
        dcc.Store(id=ids.DASHBOARD_ID, data=dashboard.id),
        dcc.Store(id=ids.VIEW_STATE, data=state.to_dict()),
        dcc.Store(id=ids.REQUESTED_STATE),
        dcc.Download(id=ids.CSV_DOWNLOAD),
        dcc.Store(id=ids.CSV_REQUEST),
        banner,
        html.Div([
            html.Aside([*through, *control_panel(dashboard, state, options, restrictions, data_date)],
                       id=ids.FILTER_PANEL,
                       className="vm-controls col-12 col-lg-auto",
                       **{"aria-label": "Filters and parameters"}),
            html.Main([
                html.Div(notice_list(notices), id=ids.NOTICES, **{"aria-live": "polite"}),
                dcc.Tabs(id=ids.SHEET_TABS, value=state.sheet, className="vm-tabs mb-2",
                         children=[dcc.Tab(label=s.title, value=s.id) for s in dashboard.sheets]),
                html.Div(applied_chips(applied(dashboard, state, options, resolved)), id=ids.FILTER_SUMMARY,
                         role="group", className="vm-filter-summary d-flex flex-wrap align-items-center gap-1 mb-2",
                         **{"aria-label": "Applied filters"}),
                # The view's answer arrives in the store and is drawn from it (assets/viewmark/sheet.js).
                dcc.Loading([dcc.Store(id=ids.SHEET_BODY),
                             html.Div(body, id=ids.SHEET_CONTENT, className="vm-sheet-content")],
                            type="default", delay_show=150, className="vm-loading",
                            parent_className="vm-loading-parent"),
            ], className="vm-main col-12 col-lg"),
        ], className="row g-3 pb-4"),
        *(extras or []),
    ], className="vm-dashboard container-fluid", **{"data-dashboard": dashboard.id})


def control_panel(dashboard: Dashboard, state: ViewState, options: dict[str, list[Option]],
                  restrictions: Mapping[str, tuple] | None = None, data_date: date | None = None) -> list:
    restrictions = restrictions or {}
    panel = []
    for kind, title, section in (("filter", "Filters", state.filters), ("parameter", "Parameters", state.parameters)):
        controls = dashboard.controls_of(kind)
        if not controls:
            continue
        panel.append(html.H2(title, className="h6 text-uppercase text-secondary mt-2 mb-2 vm-panel-title"))
        for control in controls:
            panel.append(control_field(control, section.get(control.id), options.get(control.id, []),
                                       restrictions.get(control.id), data_date=data_date))
    return panel


def control_field(control: Control, value, options: list[Option], restricted_to: tuple | None = None, *,
                  data_date: date | None = None) -> html.Div:
    """One control; ``restricted_to``: the values the viewer's access limits it to (None: not limited);
    ``data_date``: what a relative date range resolves against (the end of the bounds when not given)."""
    label_id = f"vm-label-{control.id}"
    restricted = restricted_to is not None and control.type != "date_range"
    if control.type == "date_range":
        low, high = control.bounds
        start, end = resolve_range(control, value, data_date or date.fromisoformat(high))
        # The chooser holds the preset; the picker shows the days it stands for now, and editing them
        # turns the range into two dates (dashboards/callbacks.py).
        widget = html.Div([
            dcc.Dropdown(
                id=ids.date_preset(control.id), options=preset_options(),
                value=value if is_preset(value) else CUSTOM_DATES, clearable=False, searchable=False,
                className="vm-date-preset mb-1"),
            dcc.DatePickerRange(
                id=ids.date_control(control.id), start_date=start, end_date=end,
                min_date_allowed=low, max_date_allowed=high, initial_visible_month=end,
                display_format="YYYY-MM-DD", clearable=False, minimum_nights=0,
                className="vm-date-range"),
        ], role="group", **{"aria-labelledby": label_id})
    elif control.type == "multi":
        widget = dcc.Dropdown(
            id=ids.control(control.id), options=[o.as_dict() for o in options], value=list(value or []),
            multi=True, placeholder=f"{control.placeholder} within your access" if restricted else control.placeholder,
            clearable=True, searchable=True)
    elif len(options) <= RADIO_LIMIT:
        widget = dcc.RadioItems(
            id=ids.control(control.id), options=[o.as_dict() for o in options], value=value,
            className="vm-radio", inputClassName="form-check-input me-1",
            labelClassName="form-check form-check-inline me-2")
    else:
        widget = dcc.Dropdown(
            id=ids.control(control.id), options=[o.as_dict() for o in options], value=value,
            multi=False, clearable=False, searchable=True)
    children = [html.Label(control.label, id=label_id, className="form-label small fw-semibold mb-1")]
    children.append(widget)
    if restricted:
        children.append(html.Div(restriction_note(restricted_to, options), className="form-text vm-restriction",
                                 id=f"vm-restriction-{control.id}"))
    if control.help:
        children.append(html.Div(control.help, className="form-text"))
    return html.Div(children, className="mb-3 vm-control", **{"data-control": control.id})


def preset_options() -> list[dict]:
    return [{"value": CUSTOM_DATES, "label": "Custom dates"},
            *({"value": name, "label": words} for name, words in PRESETS.items())]


def restriction_note(allowed: tuple, options: list[Option]) -> str:
    """“Limited to Aurora Casino by your access.”: the allowed values by their labels, as the options show them."""
    labels = {str(o.value): o.label for o in options}
    names = [labels.get(str(v), str(v)) for v in allowed]
    if not names:
        return "Your access includes none of these."
    return f"Limited to {', '.join(names)} by your access."


def applied_chips(items: list[Applied]) -> list:
    """One chip per applied filter or parameter, each removed with one click on its ×; or a quiet line
    saying that nothing is applied (the Original's filters)."""
    if not items:
        return [html.Span("No filters applied", className="small text-secondary vm-filter-none")]
    return [html.Span([
        html.Span(item.text, className="vm-chip-text", title=item.text),
        html.Button("×", id=ids.remove_filter(item.control), n_clicks=0, type="button",
                    className="btn btn-link p-0 lh-1 text-secondary text-decoration-none vm-chip-remove",
                    title=f"Remove {item.text}", **{"aria-label": f"Remove {item.text}"}),
    ], className="badge rounded-pill text-bg-light border fw-normal d-inline-flex align-items-center gap-1 vm-chip",
        **{"data-control": item.control}) for item in items]


def notice_list(notices: list[Notice]):
    if not notices:
        return []
    return dbc.Alert([html.Div("Part of this view could not be applied:", className="fw-semibold"),
                      html.Ul([html.Li(n.message) for n in notices], className="mb-0")],
                     color="warning", dismissable=True, className="vm-notice py-2")
