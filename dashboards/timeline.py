"""Time on a figure's x axis: the periods of a grain (day, week, month, quarter) within the selected range.

Every time-series figure draws through a ``Timeline`` so that they all agree:

* a period sits over the days of it that the range covers (a point in their middle, a bar as wide as them),
  and the axis spans exactly the selected days — a week or month cut by the range never pushes it wider;
* ticks are the periods' own labels ("Dec 2021", "Jan 9"), at most ``MAX_TICKS`` of them, never finer than
  the grain, so a single period reads as that period rather than as milliseconds around an instant;
* a period the range cuts short is told apart, and for a total (revenue, items sold) it is not joined to the
  line: one day of a week is not a fall in sales. The legend names it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboards import theme
from declarations.context import QueryContext

DAY_MS = 24 * 3600 * 1000
MAX_TICKS = 7
# Periods per tick, finest first: the first that keeps the ticks within MAX_TICKS.
TICK_STEPS = {"day": (1, 2, 7, 14, 28, 56, 91, 182, 364), "week": (1, 2, 4, 8, 13, 26, 52),
              "month": (1, 2, 3, 4, 6, 12, 24), "quarter": (1, 2, 4, 8)}
DAYS = {"day": 1, "week": 7}     # a period's length: days, or (below) calendar months
MONTHS = {"month": 1, "quarter": 3}
HOVER = {"day": "%a %b %d, %Y", "week": "Week of %b %d, %Y", "month": "%B %Y"}
# A hollow marker for a period cut short, in the colour of its series.
PARTIAL_MARKER = {"symbol": "circle-open", "size": 9, "line": {"width": 2}}
PARTIAL_PATTERN = {"shape": "/", "solidity": 0.45}
BAR_SHARE = 0.8   # of a period's width; the rest is the gap between bars
LINE_MARKERS = 31   # periods up to which a line marks each of its points
A_SUNDAY = date(2021, 1, 3)   # calendar weeks start on Sunday


def period_end(start: pd.Timestamp, grain: str) -> pd.Timestamp:
    """The day after the period that starts on ``start``."""
    if grain in DAYS:
        return start + pd.Timedelta(days=DAYS[grain])
    return start + pd.DateOffset(months=MONTHS[grain])


@dataclass
class Timeline:
    """The periods of ``grain`` in the selected days ``[start, stop)``; weeks run in 7-day blocks from
    ``week_anchor``."""

    grain: str
    start: pd.Timestamp
    stop: pd.Timestamp
    week_anchor: pd.Timestamp | None = None
    # "line" or "bar" once a period cut short has been drawn apart: the legend then says what it is.
    _partial: set[str] = field(default_factory=set, init=False, repr=False)

    @classmethod
    def of(cls, ctx: QueryContext, grain: str, week_anchor: date | None = None) -> Timeline:
        """The timeline of the context's date range. ``week_anchor``: a day weeks start on (default: Sunday)."""
        first, last = ctx.date_range()
        anchor = pd.Timestamp(week_anchor or A_SUNDAY)
        return cls(grain, pd.Timestamp(first), pd.Timestamp(last) + pd.Timedelta(days=1), anchor)

    # The periods ----------------------------------------------------------------------------------------

    def period_start(self, day: pd.Timestamp) -> pd.Timestamp:
        if self.grain == "day":
            return day
        if self.grain == "week":
            return day - pd.Timedelta(days=(day - self.week_anchor).days % 7)
        month = (day.month - 1) // MONTHS[self.grain] * MONTHS[self.grain] + 1
        return pd.Timestamp(day.year, month, 1)

    def periods(self) -> list[pd.Timestamp]:
        """The starts of every period that the range touches, data or not."""
        starts, start = [], self.period_start(self.start)
        while start < self.stop:
            starts.append(start)
            start = period_end(start, self.grain)
        return starts

    def spans(self, starts) -> pd.DataFrame:
        """Per period start: ``first`` and ``stop`` (the covered days), ``days``, ``length``, ``partial``
        and ``middle`` (where its point or bar goes)."""
        # Every period at once, as numpy columns: a figure has up to hundreds, and each line and axis asks.
        starts = pd.DatetimeIndex(starts).as_unit("ns").to_numpy()
        if self.grain in DAYS:
            ends = starts + np.timedelta64(DAYS[self.grain], "D")
        else:
            ends = (starts.astype("datetime64[M]") + MONTHS[self.grain]).astype("datetime64[ns]")
        first = np.maximum(starts, np.datetime64(self.start, "ns"))
        stop = np.minimum(ends, np.datetime64(self.stop, "ns"))
        days, length = (stop - first) // np.timedelta64(1, "D"), (ends - starts) // np.timedelta64(1, "D")
        return pd.DataFrame({"start": starts, "first": first, "stop": stop, "days": days, "length": length,
                             "partial": days < length, "middle": first + (stop - first) / 2})

    def label(self, start: pd.Timestamp, first: pd.Timestamp | None = None) -> str:
        """A tick's text: the month or quarter, or the first selected day of a day or week."""
        if self.grain == "month":
            return f"{start:%b %Y}"
        if self.grain == "quarter":
            return f"Q{(start.month - 1) // 3 + 1} {start.year}"
        day = first if first is not None else start
        return f"{day:%b} {day.day}"

    def hover(self, spans: pd.DataFrame) -> list[str]:
        """Each period of ``spans`` (``spans()``) in words for a hover label, saying when the range cuts it
        short."""
        starts = spans["start"]
        text = (starts.dt.strftime(HOVER[self.grain]).tolist() if self.grain in HOVER
                else [self.label(start) for start in starts])
        for n in np.flatnonzero(spans["partial"].to_numpy()):
            text[n] += f" (only {spans['days'].iat[n]} of its {spans['length'].iat[n]} days selected)"
        return text

    # Drawing -------------------------------------------------------------------------------------------

    def line(self, fig: go.Figure, starts, values, *, additive: bool = True, markers: bool | None = None,
             **trace) -> None:
        """A series as a line over its periods. ``additive`` (a total, which a shorter period lowers): the
        periods cut short are hollow markers apart from the line. ``trace``: further ``go.Scatter`` settings
        (``name``, ``line``, ``hovertemplate`` with ``%{hovertext}`` for the period, ``customdata``, …)."""
        spans = self.spans(starts)
        middle, values, hover = spans["middle"].to_numpy(), pd.Series(list(values)).to_numpy(), self.hover(spans)
        apart = spans["partial"].to_numpy() if additive else np.zeros(len(spans), dtype=bool)
        whole = ~apart
        shown_markers = markers if markers is not None else len(spans) <= LINE_MARKERS
        group = trace.pop("legendgroup", None) or trace.get("name")
        if whole.sum() <= 2:   # a period or two: points big enough to read as the data, not as a speck
            marker = trace.get("marker") or {}
            trace["marker"] = {**marker, "size": max(marker.get("size", 0), 10)}
        fig.add_trace(go.Scatter(
            x=middle[whole], y=values[whole], hovertext=[h for h, w in zip(hover, whole, strict=True) if w],
            mode="lines+markers" if shown_markers or whole.sum() <= 1 else "lines", legendgroup=group,
            **_rows(trace, whole)))
        if apart.any():
            self._partial.add("line")
            color = (trace.get("line") or {}).get("color")
            rest = {k: v for k, v in _rows(trace, apart).items() if k not in ("line", "marker", "showlegend")}
            fig.add_trace(go.Scatter(
                x=middle[apart], y=values[apart], hovertext=[h for h, a in zip(hover, apart, strict=True) if a],
                mode="markers", marker={**PARTIAL_MARKER, "color": color}, legendgroup=group, showlegend=False,
                **rest))

    def bars(self, fig: go.Figure, starts, values, *, index: int = 0, count: int = 1, **trace) -> None:
        """A series as bars over the selected days of each period, ``index`` of ``count`` side by side
        (stacked and overlaid series all take 0 of 1). The periods cut short are narrower, hatched bars in a
        trace of their own (so that the legend shows the series' plain colour).
        ``trace``: further ``go.Bar`` settings (``hovertemplate`` with ``%{hovertext}`` for the period)."""
        spans = self.spans(starts)
        group = (spans["days"] * DAY_MS * BAR_SHARE).to_numpy()
        width = group / count
        offset = -group / 2 + index * width
        values, hover = pd.Series(list(values)).to_numpy(), np.array(self.hover(spans), dtype=object)
        marker = dict(trace.pop("marker", None) or {})
        if "marker_color" in trace:
            marker["color"] = trace.pop("marker_color")
        group_name = trace.pop("legendgroup", None) or trace.get("name")
        apart = spans["partial"].to_numpy()
        for rows, extra in ((~apart, {}), (apart, {"marker": {**marker, "pattern": PARTIAL_PATTERN},
                                                   "showlegend": False})):
            if not rows.any():
                continue
            fig.add_trace(go.Bar(
                x=spans["middle"].to_numpy()[rows], y=values[rows], width=width[rows], offset=offset[rows],
                hovertext=list(hover[rows]), legendgroup=group_name,
                **{"marker": marker, **_rows(trace, rows), **extra}))
        if apart.any():
            self._partial.add("bar")

    def axis(self, fig: go.Figure, title: str) -> go.Figure:
        """The x axis over exactly the selected days, ticked with period labels, and the legend's word for
        a period cut short when one was drawn."""
        spans = self.spans(self.periods())
        step = next((s for s in TICK_STEPS[self.grain] if len(spans) / s <= MAX_TICKS), TICK_STEPS[self.grain][-1])
        # With more than one period per tick, each tick sits in the middle of its block of periods: the
        # first label then stays clear of the y axis's labels at the corner.
        ticks = spans.iloc[step // 2::step] if step > 1 else spans
        text, year = [], None
        for row in ticks.itertuples():
            label = self.label(row.start, row.first)
            if self.grain in ("day", "week") and row.first.year != year:
                label += f"<br>{row.first.year}"
                year = row.first.year
            text.append(label)
        fig.update_xaxes(title_text=title, type="date", range=[self.start, self.stop], tickmode="array",
                         tickvals=list(ticks["middle"]), ticktext=text, ticks="", showgrid=True)
        # One legend entry: a hatched swatch where there are bars (a line's hollow marker beside them says
        # the same in its hover), else a hollow marker.
        name = f"Partial {self.grain} (the date range cuts it short)"
        if self._partial == {"line"}:
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", legendgroup="partial", hoverinfo="skip",
                                     name=name, marker={**PARTIAL_MARKER, "color": theme.MUTED}))
        elif self._partial:
            fig.add_trace(go.Bar(x=[None], y=[None], name=name, legendgroup="partial", hoverinfo="skip",
                                 marker={"color": theme.MUTED, "pattern": PARTIAL_PATTERN}))
        if self._partial:
            fig.update_layout(showlegend=True)
        return fig


def _rows(trace: dict, keep) -> dict:
    """A trace's settings with its per-point arrays (``customdata``, ``text``) cut to the kept points."""
    out = dict(trace)
    for key in ("customdata", "text"):
        value = out.get(key)
        if value is not None and not isinstance(value, str):
            rows = value.to_numpy().tolist() if hasattr(value, "to_numpy") else list(value)
            out[key] = [r for r, k in zip(rows, keep, strict=True) if k]
    return out
