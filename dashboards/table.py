"""A table visual on AG Grid (dash-ag-grid): the server writes each cell's text, the grid sorts the values.

The Content-Security-Policy (``accounts.web``) admits no ``'unsafe-eval'``. AG Grid compiles a *string*
``valueFormatter`` with ``new Function`` (dash-ag-grid refuses those strings unless
``dangerously_allow_code``), and dash-ag-grid turns ``{"function": "<expression>"}`` into a callback by
parsing the expression (esprima) and interpreting its syntax tree (static-eval): no ``eval`` — except a
``function (…) {…}`` literal, which static-eval hands to ``Function`` and the policy refuses. So the one
callback here is a plain member lookup (``DISPLAY_FORMATTER``): each row carries its values, which the grid
sorts as numbers, and under ``DISPLAY_KEY`` their text, written below with the precision of the CSV
download (``export.DECIMALS``) so the table and its CSV agree.
"""

from __future__ import annotations

import math

import dash_ag_grid as dag
import pandas as pd

from dashboards.export import DECIMALS

PAGE_SIZE = 15
ROW_HEIGHT = 34
#: Where a row keeps its cells' text (column -> text): a name no query column takes (they are snake_case).
DISPLAY_KEY = "_text"
#: The formatted cell is the row's text for the column: a lookup, interpreted without ``eval``.
DISPLAY_FORMATTER = {"function": f"params.data.{DISPLAY_KEY}[params.colDef.field]"}
MISSING = "—"


def data_grid(frame: pd.DataFrame, formats: dict[str, str], **grid_id) -> dag.AgGrid:
    """One grid for the whole frame (not a component per cell, which stalls the browser on large tables):
    sortable by every column, columns resizable, numbers right-aligned in their declared ``formats``
    (undeclared numeric columns: ``int`` for integers, ``decimal`` otherwise)."""
    kinds = {column: _kind(frame[column], formats.get(column)) for column in frame.columns}
    paged = len(frame) > PAGE_SIZE
    return dag.AgGrid(
        columnDefs=[_column(column, kind) for column, kind in kinds.items()],
        rowData=rows(frame, kinds),
        defaultColDef={"sortable": True, "resizable": True},
        dashGridOptions={
            "domLayout": "autoHeight",
            # Each column as wide as its header and cells as the browser draws them (every column: no
            # column virtualisation in tables this small); a table wider than its card scrolls sideways.
            "autoSizeStrategy": {"type": "fitCellContents"},
            "autoSizePadding": 4,
            "suppressColumnVirtualisation": True,
            "rowHeight": ROW_HEIGHT,
            "headerHeight": ROW_HEIGHT + 4,
            # Query columns are plain names: a dot in one is not a path into the row.
            "suppressFieldDotNotation": True,
            # Screen readers read rows and columns in the order they are shown.
            "ensureDomOrder": True,
            # Drawn in place: no sliding columns while the widths are fitted, no rows moving in.
            "suppressColumnMoveAnimation": True,
            "animateRows": False,
            "pagination": paged,
            "paginationPageSize": PAGE_SIZE,
            "paginationPageSizeSelector": False,
        },
        className="vm-grid",
        **grid_id,
    )


def rows(frame: pd.DataFrame, kinds: dict[str, str]) -> list[dict]:
    """The grid's rows: JSON values (numbers stay numbers, dates as ISO days, missing as ``None``) and,
    under ``DISPLAY_KEY``, the text of every formatted column."""
    records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    for row in records:
        for key, value in row.items():
            if hasattr(value, "strftime"):
                row[key] = value.strftime("%Y-%m-%d")
        row[DISPLAY_KEY] = {column: cell_text(row[column], kind) for column, kind in kinds.items()
                            if kind in DECIMALS}
    return records


def cell_text(value, kind: str) -> str:
    """A number as its table cell shows it, rounded to ``export.DECIMALS[kind]`` places: ``money``
    $1,234.57, ``int`` 1,235, ``decimal`` 1,234.57, ``pct`` 62.2% (the ratio 0.622)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    places = DECIMALS[kind]
    if kind == "pct":
        return f"{value:,.{places - 2}%}"
    text = f"{abs(value):,.{places}f}"
    negative = value < 0 and text.strip("0.,") != ""  # -0.001 shows as 0.00, not -0.00
    return ("-" if negative else "") + ("$" if kind == "money" else "") + text


def _kind(series: pd.Series, declared: str | None) -> str:
    if declared is not None:
        return declared
    if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
        return "text"
    return "int" if pd.api.types.is_integer_dtype(series) else "decimal"


def _column(name: str, kind: str) -> dict:
    column = {"field": name, "headerName": heading(name)}
    if kind in DECIMALS:
        # Sorted as numbers, shown as the row's text, right-aligned (AG Grid's own column type).
        return {**column, "cellDataType": "number", "type": "rightAligned", "valueFormatter": DISPLAY_FORMATTER}
    # Text, ISO days (which sort in order) and identifiers: shown and sorted as they are, never converted.
    return {**column, "cellDataType": False}


def heading(column: str) -> str:
    return column.replace("_", " ").capitalize()
