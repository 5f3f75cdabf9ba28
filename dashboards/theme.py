"""Colours, number formats and the common look of every figure."""

from __future__ import annotations

import math

import plotly.graph_objects as go

PRIMARY = "#2563eb"
ACCENT = "#f59e0b"
MUTED = "#94a3b8"
GOOD = "#16a34a"
BAD = "#dc2626"
SEQUENCE = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#06b6d4", "#ec4899", "#84cc16",
            "#64748b", "#f97316"]
SCALE = "Blues"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'


def style(fig: go.Figure, *, height: int = 340, legend: bool = True) -> go.Figure:
    """Applies the shared layout: white background, compact margins, legend above the plot."""
    fig.update_layout(
        template="plotly_white",
        height=height,
        margin={"l": 48, "r": 16, "t": 16, "b": 40},
        font={"family": FONT, "size": 12},
        colorway=SEQUENCE,
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        hoverlabel={"font": {"family": FONT}},
    )
    return fig


def fmt(value, kind: str = "decimal") -> str:
    """Formats a number for display: ``money``, ``int``, ``pct`` (0.25 → 25.0%), ``decimal``, ``text``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if kind == "money":
        return _compact(value, prefix="$")
    if kind == "int":
        return _compact(value, decimals=0) if abs(value) >= 10_000 else f"{value:,.0f}"
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if kind == "decimal":
        return f"{value:,.2f}"
    return str(value)


def _compact(value: float, prefix: str = "", decimals: int = 1) -> str:
    sign = "-" if value < 0 else ""
    value = abs(value)
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= threshold:
            return f"{sign}{prefix}{value / threshold:,.{max(decimals, 1)}f}{suffix}"
    return f"{sign}{prefix}{value:,.{0 if decimals == 0 else 2}f}"
