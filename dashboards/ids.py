"""Component ids, defined once. The plain strings of PRODUCT.md §7 are stable for users' automation."""

from __future__ import annotations

from dash import ALL

# Stable ids (PRODUCT.md §7).
BANNER_TITLE = "banner-title"
BANNER_MODIFIED = "banner-modified"
SHEET_TABS = "sheet-tabs"

# Application shell.
URL = "url"
PAGE = "page"

# Dashboard page.
DASHBOARD_ID = "vm-dashboard-id"
VIEW_STATE = "vm-view-state"
REQUESTED_STATE = "vm-requested-state"
SHEET_CONTENT = "vm-sheet-content"
NOTICES = "vm-notices"
CSV_DOWNLOAD = "vm-csv-download"
FILTER_PANEL = "vm-filter-panel"


def control(control_id=ALL) -> dict:
    """A multi- or single-select control (property ``value``)."""
    return {"type": "vm-control", "control": control_id}


def date_control(control_id=ALL) -> dict:
    """A date-range control (properties ``start_date`` and ``end_date``)."""
    return {"type": "vm-date", "control": control_id}


def csv_button(visual_id=ALL) -> dict:
    return {"type": "vm-csv", "visual": visual_id}


def visual(visual_id=ALL) -> dict:
    return {"type": "vm-visual", "visual": visual_id}
