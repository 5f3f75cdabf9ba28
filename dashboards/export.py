"""What a visual's CSV download holds: its rows at the precision the visual shows.

The JSON API (``service.frame_records``) keeps the query's exact values; a CSV is read by people and
spreadsheets, so floating-point noise (``46153.83999999997``) is rounded away here, and only here.
"""

from __future__ import annotations

import math

import pandas as pd

from declarations.model import Visual

#: Decimals written per display format, as tables (``table.cell_text``) and ``theme.fmt`` show them:
#: money and decimal 2, int 0, and pct 3 — a ratio shown as 62.2 % (one decimal of a percentage) is
#: written 0.622. ``date`` and ``text`` columns are written as they are.
DECIMALS = {"money": 2, "decimal": 2, "int": 0, "pct": 3}


def csv_frame(visual: Visual, frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every numeric column rounded to its display precision (``DECIMALS``).

    The precision of a column is, in order:

    1. a KPI visual's value columns (``value``, ``previous``, ``lifetime``): each row by its own ``format``
       column (missing: ``decimal``, as the cards show it);
    2. the format the visual declares for the column (``Visual.formats``);
    3. undeclared in a table: ``decimal``, as the table shows it (integer columns stay integers);
    4. undeclared elsewhere (graphs), derived from the values: whole numbers are written as integers,
       ratios (every value between -1 and 1) as ``pct`` (3 decimals), anything else as ``decimal`` (2).

    Integer columns stay integers, ``int`` columns are written without ``.0``, missing values stay empty,
    non-numeric columns (text, dates) are untouched, and ``frame`` itself is never changed.
    """
    out = frame.copy()
    per_row = visual.kind == "kpis" and "format" in out.columns
    for column in out.columns:
        series = out[column]
        if not _numeric(series):
            continue
        if per_row:
            out[column] = _round_per_row(series, out["format"])
            continue
        kind = visual.formats.get(column) or ("decimal" if visual.kind == "table" else _derived(series))
        if kind in DECIMALS:
            out[column] = _round(series, DECIMALS[kind])
    return out


def _numeric(series: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


def _derived(series: pd.Series) -> str | None:
    """The display format a graph's undeclared column is written with (``None``: as it is)."""
    values = series.dropna()
    if pd.api.types.is_integer_dtype(series) or values.empty:
        return None
    if (values == values.round()).all():
        return "int"
    if values.abs().le(1).all():
        return "pct"
    return "decimal"


def _round(series: pd.Series, decimals: int) -> pd.Series:
    if pd.api.types.is_integer_dtype(series):
        return series
    # Python's round, correctly rounded like the displayed text (numpy's scaling makes 0.005 → 0.0).
    rounded = series.map(lambda v: v if pd.isna(v) else round(v, decimals))
    if decimals == 0 and rounded.dropna().map(math.isfinite).all():
        return rounded.astype("Int64")  # 116996, not 116996.0; missing values stay missing
    return rounded


def _round_per_row(series: pd.Series, formats: pd.Series) -> pd.Series:
    """KPI cards mix formats in one column: each value rounded by its row's format; ``int`` rows as
    integers (the column becomes ``object``)."""
    def one(value, kind):
        if value is None or pd.isna(value):
            return value
        kind = kind if isinstance(kind, str) and kind else "decimal"
        if kind not in DECIMALS:  # text, date
            return value
        decimals = DECIMALS[kind]
        rounded = round(float(value), decimals)
        return int(rounded) if decimals == 0 and math.isfinite(rounded) else rounded

    return pd.Series([one(v, k) for v, k in zip(series, formats, strict=True)], index=series.index,
                     dtype=object, name=series.name)
