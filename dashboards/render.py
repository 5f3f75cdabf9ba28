"""Turns a sheet's visual data into components: graphs, KPI cards, tables and empty states."""

from __future__ import annotations

import math

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboards import ids, theme
from dashboards.context import QueryContext
from dashboards.model import Sheet, Visual
from dashboards.service import VisualData

TABLE_ROW_LIMIT = 200


def graph_config(topojson_url: str) -> dict:
    return {"displaylogo": False, "responsive": True, "topojsonURL": topojson_url,
            "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def sheet_body(sheet: Sheet, data: list[VisualData], ctx: QueryContext, topojson_url: str) -> html.Div:
    cards = [html.Div(visual_card(item.visual, item.frame, ctx, topojson_url),
                      className=f"col-12 col-xl-{item.visual.width}", **{"data-visual": item.visual.id})
             for item in data]
    children = []
    if sheet.description:
        children.append(html.P(sheet.description, className="vm-sheet-description text-secondary mb-2"))
    children.append(html.Div(cards, className="row g-3"))
    return html.Div(children, className="vm-sheet", **{"data-sheet": sheet.id})


def visual_card(visual: Visual, frame: pd.DataFrame, ctx: QueryContext, topojson_url: str) -> dbc.Card:
    header = html.Div([
        html.H2(visual.title, className="vm-visual-title h6 mb-0"),
        html.Button("CSV", id=ids.csv_button(visual.id), n_clicks=0, type="button",
                    className="btn btn-sm btn-outline-secondary vm-csv",
                    title=f"Download the data of “{visual.title}” as CSV",
                    **{"aria-label": f"Download the data of {visual.title} as CSV"},
                    disabled=frame.empty),
    ], className="d-flex align-items-center justify-content-between gap-2")
    return dbc.Card([
        dbc.CardHeader(header, className="bg-white"),
        dbc.CardBody(visual_body(visual, frame, ctx, topojson_url), className="p-2"),
    ], id=ids.visual(visual.id), className="vm-visual h-100 shadow-sm")


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


def data_table(frame: pd.DataFrame, formats: dict[str, str]) -> html.Div:
    shown = frame.head(TABLE_ROW_LIMIT)
    head = html.Thead(html.Tr([html.Th(_heading(c), scope="col") for c in shown.columns]))
    body = html.Tbody([
        html.Tr([html.Td(_cell(row[c], formats.get(c))) for c in shown.columns])
        for row in shown.to_dict(orient="records")
    ])
    note = []
    if len(frame) > TABLE_ROW_LIMIT:
        note = [html.Div(f"Showing {TABLE_ROW_LIMIT} of {len(frame):,} rows; the CSV has them all.",
                         className="small text-secondary mt-1")]
    return html.Div([html.Div(html.Table([head, body], className="table table-sm table-hover mb-0"),
                              className="table-responsive vm-table")] + note)


def _heading(column: str) -> str:
    return column.replace("_", " ").capitalize()


def _cell(value, kind: str | None) -> str:
    if _missing(value):
        return "—"
    if kind == "date" or hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else str(value)
    if kind in ("money", "int", "pct", "decimal"):
        return theme.fmt(value, kind)
    if isinstance(value, float):
        return theme.fmt(value, "decimal")
    return str(value)
