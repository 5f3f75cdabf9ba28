"""A small declared dashboard for the view-layer tests: no data behind it, static options only."""

from __future__ import annotations

from declarations.model import Control, Dashboard, Option, Sheet

BOARD = Dashboard(
    id="demo",
    title="Demo",
    sheets=(Sheet("first", "First", ()), Sheet("second", "Second", ())),
    controls=(
        Control("date_range", "Date range", kind="filter", type="date_range",
                default=("2021-06-01", "2021-06-30"), bounds=("2021-01-01", "2022-12-31")),
        Control("state", "State", kind="filter", type="multi", default=[],
                options=(Option("Ohio", "Ohio"), Option("Pennsylvania", "Pennsylvania"), Option("Texas", "Texas"))),
        Control("metric", "Metric", kind="parameter", type="single", default="revenue",
                options=(Option("revenue", "Revenue"), Option("orders", "Orders"))),
        Control("days", "Days", kind="parameter", type="single", default=14,
                options=(Option(7, "7"), Option(14, "14"))),
    ),
)
