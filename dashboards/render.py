"""Turns a sheet's visual data into components: graphs, KPI cards, tables and empty states."""

from __future__ import annotations

import math

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dash_table, dcc, html
from dash.dash_table import FormatTemplate
from dash.dash_table.Format import Format, Group, Scheme, Symbol

from core import ids
from dashboards import theme
from dashboards.service import VisualData
from declarations.context import QueryContext
from declarations.model import Sheet, Visual

TABLE_PAGE_SIZE = 15
NUMBER_FORMATS = {
    "money": Format(precision=2, scheme=Scheme.fixed, group=Group.yes, symbol=Symbol.yes),
    "int": Format(precision=0, scheme=Scheme.fixed, group=Group.yes),
    "pct": FormatTemplate.percentage(1),
    "decimal": Format(precision=2, scheme=Scheme.fixed, group=Group.yes),
}


def graph_config(topojson_url: str) -> dict:
    return {"displaylogo": False, "responsive": True, "topojsonURL": topojson_url,
            "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def sheet_body(sheet: Sheet, data: list[VisualData], ctx: QueryContext, topojson_url: str, *,
               interactive: bool = True) -> html.Div:
    """The sheet's cards. Not ``interactive`` (a slide): no CSV buttons and no component ids, so two
    slides of one sheet can be on the page at once."""
    cards = [html.Div(visual_card(item.visual, item.frame, ctx, topojson_url, interactive=interactive),
                      className=f"col-12 col-xl-{item.visual.width}", **{"data-visual": item.visual.id})
             for item in data]
    children = []
    if sheet.description:
        children.append(html.P(sheet.description, className="vm-sheet-description text-secondary mb-2"))
    children.append(html.Div(cards, className="row g-3"))
    return html.Div(children, className="vm-sheet", **{"data-sheet": sheet.id})


def visual_card(visual: Visual, frame: pd.DataFrame, ctx: QueryContext, topojson_url: str, *,
                interactive: bool = True) -> dbc.Card:
    heading = [html.H2(visual.title, className="vm-visual-title h6 mb-0")]
    if interactive:
        heading.append(html.Button("CSV", id=ids.csv_button(visual.id), n_clicks=0, type="button",
                                   className="btn btn-sm btn-outline-secondary vm-csv",
                                   title=f"Download the data of “{visual.title}” as CSV",
                                   **{"aria-label": f"Download the data of {visual.title} as CSV"},
                                   disabled=frame.empty))
    header = html.Div(heading, className="d-flex align-items-center justify-content-between gap-2")
    card = [dbc.CardHeader(header, className="bg-white"),
            dbc.CardBody(visual_body(visual, frame, ctx, topojson_url), className="p-2")]
    if not interactive:
        return dbc.Card(card, className="vm-visual h-100 shadow-sm")
    return dbc.Card(card, id=ids.visual(visual.id), className="vm-visual h-100 shadow-sm")


def visual_body(visual: Visual, frame: pd.DataFrame, ctx: QueryContext, topojson_url: str):
    if frame.empty:
        return empty_state()
    if visual.kind == "kpis":
        return kpi_cards(frame)
    if visual.kind == "table":
        return data_table(frame, visual.formats)
    figure = visual.figure(frame, ctx)
    return dcc.Graph(figure=figure, config=graph_config(topojson_url), className="vm-graph")


def empty_state() -> html.Div:
    return html.Div([
        html.Div("No data matches these filters.", className="fw-semibold"),
        html.Div("Widen the date range or clear a filter to see results.", className="small"),
    ], className="vm-empty text-secondary text-center py-5", role="status")


def kpi_cards(frame: pd.DataFrame) -> html.Div:
    has_lifetime = "lifetime" in frame.columns
    cards = []
    for row in frame.to_dict(orient="records"):
        kind = row.get("format") or "decimal"
        lines = [html.Div(row["kpi"], className="vm-kpi-label small text-secondary"),
                 html.Div(theme.fmt(row["value"], kind), className="vm-kpi-value fs-4 fw-semibold"),
                 _delta(row.get("value"), row.get("previous"), kind, lower_is_better=row.get("better") == "lower")]
        if has_lifetime:
            lines.append(html.Div(f"Lifetime {theme.fmt(row.get('lifetime'), kind)}",
                                  className="vm-kpi-lifetime small text-secondary"))
        cards.append(html.Div(html.Div(lines, className="vm-kpi border rounded p-2 h-100"),
                              className="col-6 col-md-4 col-xxl-3"))
    return html.Div(cards, className="row g-2")


def _delta(value, previous, kind: str, lower_is_better: bool = False) -> html.Div:
    if _missing(value) or _missing(previous):
        return html.Div("No previous period", className="vm-kpi-delta small text-secondary")
    if kind == "pct":
        change = (value - previous) * 100
        text = f"{change:+.1f} pts vs previous ({theme.fmt(previous, kind)})"
    elif previous == 0:
        return html.Div(f"Previous {theme.fmt(previous, kind)}", className="vm-kpi-delta small text-secondary")
    else:
        change = (value - previous) / abs(previous) * 100
        text = f"{'▲' if change >= 0 else '▼'} {abs(change):.1f}% vs previous ({theme.fmt(previous, kind)})"
    good = change <= 0 if lower_is_better else change >= 0
    tone = "text-success" if good else "text-danger"
    return html.Div(text, className=f"vm-kpi-delta small {tone}")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def data_table(frame: pd.DataFrame, formats: dict[str, str]) -> dash_table.DataTable:
    """One DataTable component (not a component per cell, which stalls the browser on large tables):
    raw values, so sorting is numeric, displayed with the declared formats."""
    columns = [_column(c, frame[c], formats.get(c)) for c in frame.columns]
    records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    for row in records:
        for key, value in row.items():
            if hasattr(value, "strftime"):
                row[key] = value.strftime("%Y-%m-%d")
    return dash_table.DataTable(
        columns=columns, data=records, page_size=TABLE_PAGE_SIZE, page_action="native",
        sort_action="native", style_as_list_view=True, cell_selectable=False,
        style_table={"overflowX": "auto"},
        style_header={"fontWeight": "600", "backgroundColor": "#fff", "borderBottom": "2px solid #dee2e6"},
        style_cell={"fontFamily": theme.FONT, "fontSize": "13px", "padding": "4px 8px", "textAlign": "left",
                    "whiteSpace": "nowrap"},
        style_header_conditional=[{"if": {"header_index": 0}, "whiteSpace": "normal"}],
        css=[{"selector": ".previous-next-container", "rule": "font-size: 13px;"}],
    )


def _column(name: str, series: pd.Series, kind: str | None) -> dict:
    column = {"name": _heading(name), "id": name}
    numeric = pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)
    if kind in NUMBER_FORMATS or (numeric and kind is None):
        column["type"] = "numeric"
        column["format"] = NUMBER_FORMATS[kind or ("int" if pd.api.types.is_integer_dtype(series) else "decimal")]
    return column


def _heading(column: str) -> str:
    return column.replace("_", " ").capitalize()
