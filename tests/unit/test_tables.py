"""Table visuals on AG Grid (``dashboards.table``): cell text at the CSV's precision, numbers kept for
sorting, no callback that needs ``eval``, and nothing left of Dash's deprecated table component."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboards import registry
from dashboards.export import DECIMALS, csv_frame
from dashboards.table import DISPLAY_FORMATTER, DISPLAY_KEY, cell_text, data_grid
from declarations.context import QueryContext
from declarations.model import Visual

ROOT = Path(__file__).resolve().parents[2]


def query(engine, ctx):
    return None


def grid_json(frame: pd.DataFrame, formats: dict[str, str]) -> dict:
    return json.loads(json.dumps(data_grid(frame, formats).to_plotly_json()["props"], default=str))


def test_tbl001_cells_read_as_the_declared_format():
    assert cell_text(46153.83999999997, "money") == "$46,153.84"
    assert cell_text(-1234.5, "money") == "-$1,234.50"
    assert cell_text(-0.001, "money") == "$0.00"  # never "-$0.00"
    assert cell_text(116996.4, "int") == "116,996"
    assert cell_text(4.139923092974036, "decimal") == "4.14"
    assert cell_text(-0.6217982919928748, "pct") == "-62.2%"
    assert cell_text(None, "money") == cell_text(float("nan"), "int") == "—"


def test_tbl002_a_cell_shows_the_number_its_csv_holds():
    values = np.random.default_rng(7).normal(0, 1, 400) * np.logspace(-3, 7, 400)
    for kind in DECIMALS:
        visual = Visual("t", "Table", query, kind="table", formats={"v": kind})
        written = csv_frame(visual, pd.DataFrame({"v": values}))["v"]
        for value, exact in zip(written, values, strict=True):
            shown = float(re.sub(r"[$,%]", "", cell_text(exact, kind)))
            expected = value * 100 if kind == "pct" else value
            assert shown == pytest.approx(expected, rel=1e-12, abs=1e-9), (kind, exact)


def test_tbl003_rows_keep_the_numbers_and_carry_their_text():
    frame = pd.DataFrame({"store": ["A", "B"], "revenue": [1234.5, None], "orders": [9, 10],
                          "ratio": [0.125, 2.5], "day": pd.to_datetime(["2022-01-03", "2022-01-04"])})
    props = grid_json(frame, {"revenue": "money", "store": "text"})
    columns = {c["field"]: c for c in props["columnDefs"]}
    assert [c["headerName"] for c in props["columnDefs"]] == ["Store", "Revenue", "Orders", "Ratio", "Day"]
    for field in ("revenue", "orders", "ratio"):
        assert columns[field]["cellDataType"] == "number" and columns[field]["valueFormatter"] == DISPLAY_FORMATTER
    for field in ("store", "day"):
        assert columns[field]["cellDataType"] is False and "valueFormatter" not in columns[field]
    first, second = props["rowData"]
    assert first == {"store": "A", "revenue": 1234.5, "orders": 9, "ratio": 0.125, "day": "2022-01-03",
                     DISPLAY_KEY: {"revenue": "$1,234.50", "orders": "9", "ratio": "0.12"}}
    assert second["revenue"] is None and second[DISPLAY_KEY]["revenue"] == "—"
    assert props["defaultColDef"]["sortable"] and props["defaultColDef"]["resizable"]


def test_tbl004_long_tables_are_paged():
    assert grid_json(pd.DataFrame({"n": range(15)}), {})["dashGridOptions"]["pagination"] is False
    assert grid_json(pd.DataFrame({"n": range(16)}), {})["dashGridOptions"]["pagination"] is True


def expressions(value) -> list[str]:
    if isinstance(value, dict):
        found = [value["function"]] if isinstance(value.get("function"), str) else []
        return found + [e for v in value.values() for e in expressions(v)]
    if isinstance(value, list):
        return [e for v in value for e in expressions(v)]
    return []


@pytest.mark.parametrize("dashboard_id", list(registry.DASHBOARDS))
def test_tbl005_every_table_callback_is_an_expression_interpreted_without_eval(small_data, dashboard_id):
    """dash-ag-grid interprets ``{"function": …}`` expressions, but hands a function literal to ``Function``,
    which the Content-Security-Policy refuses; raw strings would be compiled by AG Grid the same way."""
    board = registry.get(dashboard_id)
    ctx = QueryContext.defaults(board)
    tables = [v for sheet in board.sheets for v in sheet.visuals if v.kind == "table"]
    assert tables
    for visual in tables:
        props = grid_json(visual.query(small_data.engine, ctx), visual.formats)
        assert expressions(props) and set(expressions(props)) == {DISPLAY_FORMATTER["function"]}, visual.id
        assert not props.get("dangerously_allow_code"), visual.id


def test_tbl006_no_deprecated_datatable_remains():
    names = ("Data" + "Table", "dash" + "_table")  # spelled apart, so this file does not find itself
    sources = [p for p in ROOT.rglob("*.py") if not {".venv", "node_modules"} & set(p.parts)]
    assert len(sources) > 50
    users = [str(p.relative_to(ROOT)) for p in sources if any(n in p.read_text(encoding="utf-8") for n in names)]
    assert users == []
