"""Colours, number formats and the common look of every figure."""

from __future__ import annotations

import math

import plotly.graph_objects as go
import plotly.io as pio
from plotly.colors import hex_to_rgb, sample_colorscale, unlabel_rgb

PRIMARY = "#2563eb"
ACCENT = "#f59e0b"
MUTED = "#94a3b8"
GOOD = "#16a34a"
BAD = "#dc2626"
SEQUENCE = ["#2563eb", "#f59e0b", "#10b981", "#ef4444", "#8b5cf6", "#06b6d4", "#ec4899", "#84cc16",
            "#64748b", "#f97316"]
SCALE = "Blues"
#: Choropleths: the lowest value is a clear blue, never the white of a place without data.
MAP_SCALE = [[0.0, "#bfdbfe"], [0.5, "#3b82f6"], [1.0, "#1e3a8a"]]
# Text on a coloured fill: black or white, whichever contrasts more, is at least 4.58:1 on any colour.
DARK_TEXT = "#000000"
LIGHT_TEXT = "#ffffff"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'


# Every figure's template: plotly_white with the shared look (compact margins, the font, the colours, the legend
# above the plot), checked once here. Plotly gives a new figure its default template already checked, whereas
# layout set on a figure is checked key by key: set on each figure, these took a third of the time to draw a
# sheet's figures, and setting the template on each figure half of it.
TEMPLATE = "viewmark"
pio.templates[TEMPLATE] = go.layout.Template(pio.templates["plotly_white"])
pio.templates[TEMPLATE].layout.update(
    margin={"l": 48, "r": 16, "t": 16, "b": 40},
    font={"family": FONT, "size": 12},
    colorway=SEQUENCE,
    legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
    hoverlabel={"font": {"family": FONT}},
)
pio.templates.default = TEMPLATE


def style(fig: go.Figure, *, height: int = 340, legend: bool = True) -> go.Figure:
    """The figure's height and whether it shows a legend; the rest of the shared look is its template
    (``TEMPLATE``, which the figure has from its start)."""
    fig.layout.height = height
    fig.layout.showlegend = legend
    return fig


def caption(fig: go.Figure, *parts: str | tuple[str]) -> go.Figure:
    """A line saying what the figure shows (a visual's title is static). The card shows it above the plot,
    where it wraps and never meets the legend. A part given as a 1-tuple is shown in bold."""
    fig.update_layout(meta={"caption": [[p[0], True] if isinstance(p, tuple) else [p, False] for p in parts]})
    return fig


def caption_of(fig: go.Figure) -> list[tuple[str, bool]]:
    """The caption's parts as ``(text, bold)``; none when the figure has no caption."""
    meta = fig.layout.meta
    return [tuple(p) for p in meta.get("caption", ())] if isinstance(meta, dict) else []


def scale_colors(scale, positions) -> list[str]:
    """The colours of a colour scale at ``positions`` (0 to 1), as ``rgb(…)``."""
    scale = scale if isinstance(scale, str) else [[float(at), color] for at, color in scale]
    return sample_colorscale(scale, [min(max(float(p), 0.0), 1.0) for p in positions])


def luminance(color: str) -> float:
    """WCAG relative luminance of ``#rrggbb`` or ``rgb(r, g, b)``."""
    rgb = hex_to_rgb(color) if color.startswith("#") else unlabel_rgb(color)
    linear = [c / 255 / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_color_on(fill: str) -> str:
    """Dark or white text, whichever reads better on ``fill``."""
    return DARK_TEXT if contrast(DARK_TEXT, fill) >= contrast(LIGHT_TEXT, fill) else LIGHT_TEXT


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
