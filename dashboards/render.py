"""Turns a sheet's visual data into components: graphs, KPI cards, tables and empty states."""

from __future__ import annotations

import math

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from core import ids
from dashboards import theme
from dashboards.service import VisualData
from dashboards.table import data_grid
from declarations.context import QueryContext
from declarations.model import Sheet, Visual

# KPI cards per row at most, by the width from which Bootstrap applies it (``row-cols-*``).
KPI_COLUMNS = (("md", 3), ("xl", 4), ("xxl", 6))


def graph_config(topojson_url: str) -> dict:
    # No mode bar: it floats over the plot and covers data, legends and colour scales. A chart's PNG
    # button sits in its card's header (assets/viewmark/charts.js); a double click resets a zoom.
    return {"displayModeBar": False, "displaylogo": False, "responsive": True, "topojsonURL": topojson_url}


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
        tools = [html.Button("CSV", id=ids.csv_button(visual.id), n_clicks=0, type="button",
                             className="btn btn-sm btn-outline-secondary vm-csv",
                             title=f"Download the data of “{visual.title}” as CSV",
                             **{"aria-label": f"Download the data of {visual.title} as CSV"},
                             disabled=frame.empty)]
        if visual.kind == "graph":
            tools.insert(0, html.Button("PNG", type="button", className="btn btn-sm btn-outline-secondary vm-png",
                                        title=f"Save “{visual.title}” as a PNG image",
                                        **{"aria-label": f"Save {visual.title} as a PNG image",
                                           "data-filename": visual.id}, disabled=frame.empty))
        heading.append(html.Div(tools, className="vm-visual-tools d-flex gap-1 flex-shrink-0"))
    header = html.Div(heading, className="d-flex align-items-center justify-content-between gap-2")
    card = [dbc.CardHeader(header, className="bg-white"),
            dbc.CardBody(visual_body(visual, frame, ctx, topojson_url, interactive=interactive), className="p-2")]
    if not interactive:
        return dbc.Card(card, className="vm-visual h-100 shadow-sm")
    return dbc.Card(card, id=ids.visual(visual.id), className="vm-visual h-100 shadow-sm")


def visual_body(visual: Visual, frame: pd.DataFrame, ctx: QueryContext, topojson_url: str, *,
                interactive: bool = True):
    """Not ``interactive`` (a slide): a graph's marks set no filter when clicked, and no part has an id.
    On the page, the parts a view change alters have ids (``ids.visual_part``), so the browser updates
    them in place instead of drawing the card anew (docs/architecture.md, "Drawing a view")."""
    def part(name: str) -> dict:
        return {"id": ids.visual_part(visual.id, name)} if interactive else {}

    if frame.empty:
        return empty_state()
    if visual.kind == "kpis":
        return kpi_cards(frame, **part("kpis"))
    if visual.kind == "table":
        return data_grid(frame, visual.formats, **part("table"))
    figure = visual.figure(frame, ctx)
    caption = part("caption")
    if interactive and visual.click_filter:
        # Its clicks reach the controls callback, which sets the filter (dashboards/click_filter.py).
        graph = dcc.Graph(id=ids.graph(visual.id), figure=figure, config=graph_config(topojson_url),
                          style=graph_style(figure), className="vm-graph vm-click-filter")
        hint = html.P("Click a mark to filter by it; click it again to clear.",
                      className="vm-click-hint small text-secondary mb-0 px-2")
        return html.Div([_captioned(figure, graph, **caption), hint])
    return _captioned(figure, dcc.Graph(figure=figure, config=graph_config(topojson_url), style=graph_style(figure),
                                        className="vm-graph", **part("chart")), **caption)


def graph_style(figure) -> dict:
    """The graph as tall as its figure. Left to fill its card instead, a graph is drawn once at the figure's
    height when it mounts and again, at the card's, once Dash's resize check runs: every view change would
    draw each graph twice (docs/architecture.md, "Drawing a view"). Always a style, even an empty one: the
    browser updates a graph in place by the props sent, so one left out would keep the earlier value."""
    height = figure.layout.height
    return {"height": f"{height}px"} if height else {}


def _captioned(figure, graph: dcc.Graph, **caption_id):
    """The graph under its figure's caption (``theme.caption``): page text, which wraps in any width."""
    parts = theme.caption_of(figure)
    if not parts:
        return graph
    caption = html.P([html.B(text) if bold else text for text, bold in parts],
                     className="vm-visual-caption small mb-0 px-2 pt-1", **caption_id)
    return html.Div([caption, graph])


def empty_state() -> html.Div:
    return html.Div([
        html.Div("No data matches these filters.", className="fw-semibold"),
        html.Div("Widen the date range or clear a filter to see results.", className="small"),
    ], className="vm-empty text-secondary text-center py-5", role="status")


def kpi_cards(frame: pd.DataFrame, **div_id) -> html.Div:
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
        cards.append(html.Div(html.Div(lines, className="vm-kpi border rounded p-2 h-100"), className="col"))
    return html.Div(cards, className=f"row {kpi_columns(len(cards))} g-2", **div_id)


def kpi_columns(count: int) -> str:
    """Bootstrap ``row-cols-*`` classes that fill the rows evenly: as few rows as the width allows, the
    cards shared out so that no row is left with a lone card (4 cards: 2 + 2 or one row of 4, not 3 + 1)."""
    classes = ["row-cols-2" if count > 1 else "row-cols-1"]   # a phone's narrow column: two a row
    for breakpoint, most in KPI_COLUMNS:
        even = math.ceil(count / math.ceil(count / most)) if count else 1
        # 7 cards at most 3 a row would leave one alone (3 + 3 + 1): the nearest count that does not (4 + 3).
        nearest = sorted(range(2, most + 3), key=lambda n: (abs(n - even), -n))
        per_row = next((n for n in nearest if count % n != 1), 1) if count > 1 else 1
        classes.append(f"row-cols-{breakpoint}-{per_row}")
    return " ".join(classes)


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
