"""A visual's CSV holds its rows at the precision the visual shows (``dashboards.export.csv_frame``)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import numpy as np
import pandas as pd
import pytest

from dashboards import registry
from dashboards.export import DECIMALS, csv_frame
from dashboards.table import cell_text
from declarations.context import QueryContext
from declarations.model import FORMATS, Visual


def query(engine, ctx):
    return None


def figure(frame, ctx):
    return None


def table(**formats) -> Visual:
    return Visual("t", "Table", query, kind="table", formats=formats)


def graph() -> Visual:
    return Visual("g", "Graph", query, figure=figure)


def rows(visual: Visual, frame: pd.DataFrame) -> list[dict]:
    """The CSV the download sends, read back as text cells."""
    return list(csv.DictReader(io.StringIO(csv_frame(visual, frame).to_csv(index=False))))


def decimals(cell: str) -> int:
    return len(cell.partition(".")[2])


def test_csv001_declared_formats_round_each_column_to_what_the_table_shows():
    frame = pd.DataFrame({"revenue": [46153.83999999997, 0.005], "vs_chain_average": [-0.6217982919928748, 1.23456],
                          "score": [4.228285077951003, 3.0], "orders": [116996.0, 2.6]})
    out = rows(table(revenue="money", vs_chain_average="pct", score="decimal", orders="int"), frame)
    assert out == [{"revenue": "46153.84", "vs_chain_average": "-0.622", "score": "4.23", "orders": "116996"},
                   {"revenue": "0.01", "vs_chain_average": "1.235", "score": "3.0", "orders": "3"}]


def test_csv002_integer_columns_stay_integers():
    frame = pd.DataFrame({"seats": np.array([44, 120], dtype="int64"), "rank": np.array([1, 2], dtype="int64"),
                          "calls": pd.array([3, None], dtype="Int64")})
    for visual in (table(seats="money", rank="int"), graph()):
        result = csv_frame(visual, frame)
        assert [str(t) for t in result.dtypes] == ["int64", "int64", "Int64"]
        assert rows(visual, frame) == [{"seats": "44", "rank": "1", "calls": "3"},
                                       {"seats": "120", "rank": "2", "calls": ""}]


def test_csv003_text_and_dates_are_untouched():
    frame = pd.DataFrame({"player_id": [4871.123456, 285.0], "owner": ["Linh Kim", "Olivia Patel"],
                          "month": pd.to_datetime(["2022-01-01", "2022-02-01"]),
                          "release_date": [dt.date(2024, 1, 18), dt.date(2024, 2, 1)]})
    out = rows(table(player_id="text", owner="text", month="date", release_date="date"), frame)
    expected = list(csv.DictReader(io.StringIO(frame.to_csv(index=False))))
    assert out == expected and out[0]["player_id"] == "4871.123456"


def test_csv004_missing_values_stay_empty():
    frame = pd.DataFrame({"revenue": [1.005001, float("nan")], "orders": [float("nan"), 7.0],
                          "share": [float("nan"), 0.123456]})
    assert rows(table(revenue="money", orders="int", share="pct"), frame) == [
        {"revenue": "1.01", "orders": "", "share": ""}, {"revenue": "", "orders": "7", "share": "0.123"}]
    kpis = pd.DataFrame({"kpi": ["Revenue", "Orders"], "value": [float("nan"), 5.0],
                         "previous": [12.3456, float("nan")], "format": ["money", "int"]})
    assert [(r["value"], r["previous"]) for r in rows(Visual("k", "KPIs", query, kind="kpis"), kpis)] == [
        ("", "12.35"), ("5", "")]


def test_csv005_the_source_frame_is_not_changed():
    frame = pd.DataFrame({"revenue": [46153.83999999997], "orders": [116996.0], "share": [0.6217982919928748],
                          "format": ["money"], "value": [1.23456]})
    before = frame.copy(deep=True)
    for visual in (table(revenue="money", orders="int", share="pct"), graph(),
                   Visual("k", "KPIs", query, kind="kpis")):
        assert csv_frame(visual, frame) is not frame
        pd.testing.assert_frame_equal(frame, before)


def test_csv006_a_graph_derives_the_precision_from_the_column():
    frame = pd.DataFrame({"items_sold": [179.0, 1936.0],  # whole numbers: integers
                          "share": [0.3297776590064934, -1.0],  # every value in [-1, 1]: a ratio, 3 decimals
                          "revenue": [56153.740000000034, 0.5],  # anything else: 2 decimals
                          "chain_average_items_sold": [398.7291666666667, 3920.1666666666665]})
    assert rows(graph(), frame) == [
        {"items_sold": "179", "share": "0.33", "revenue": "56153.74", "chain_average_items_sold": "398.73"},
        {"items_sold": "1936", "share": "-1.0", "revenue": "0.5", "chain_average_items_sold": "3920.17"}]
    assert rows(graph(), pd.DataFrame({"r": [0.6217982919928748]})) == [{"r": "0.622"}]


def test_csv007_kpi_cards_round_each_row_by_its_own_format():
    frame = pd.DataFrame({"kpi": ["Revenue", "Orders", "Return to player", "Support score", "Other"],
                          "value": [80484896.51000042, 4846520.0, 0.9488573349329019, 4.139923092974036, 1.23456],
                          "previous": [69725480.53999978, 4000000.0, 0.9523778206495589, 4.321567856323534, 2.0],
                          "format": ["money", "int", "pct", "decimal", None]})
    out = rows(Visual("k", "KPIs", query, kind="kpis"), frame)
    assert [(r["value"], r["previous"]) for r in out] == [
        ("80484896.51", "69725480.54"), ("4846520", "4000000"), ("0.949", "0.952"), ("4.14", "4.32"),
        ("1.23", "2.0")]


def test_csv008_an_undeclared_float_in_a_table_is_written_as_the_table_shows_it():
    frame = pd.DataFrame({"ratio": [0.6217982919928748], "n": [3]})
    assert rows(table(), frame) == [{"ratio": "0.62", "n": "3"}]


def test_csv009_the_decimals_are_those_the_display_formats_show():
    assert set(FORMATS) - set(DECIMALS) == {"date", "text"}
    for kind, places in DECIMALS.items():
        text = cell_text(1234.56789, kind)
        shown = len(text.rstrip("%").partition(".")[2])
        # A percentage's digits are the ratio's digits shifted by two: 62.2 % is 0.622.
        assert places == (shown + 2 if text.endswith("%") else shown), (kind, text)


@pytest.mark.parametrize("dashboard_id", list(registry.DASHBOARDS))
def test_csv010_every_visual_is_written_within_its_precision_and_close_to_the_exact_rows(small_data,
                                                                                        dashboard_id):
    board = registry.get(dashboard_id)
    ctx = QueryContext.defaults(board)
    for sheet in board.sheets:
        for visual in sheet.visuals:
            frame = visual.query(small_data.engine, ctx)
            written = rows(visual, frame)
            assert len(written) == len(frame), visual.id
            for column in frame.columns:
                if not pd.api.types.is_float_dtype(frame[column]):
                    continue
                for exact, cell in zip(frame[column], (r[column] for r in written), strict=True):
                    if pd.isna(exact):
                        assert cell == "", (visual.id, column)
                        continue
                    assert decimals(cell) <= 3, (visual.id, column, cell)
                    # Within half a unit of the last digit written (a trailing zero is not written).
                    assert abs(float(cell) - exact) <= 0.5 * 10 ** -decimals(cell) + 1e-9 * max(1, abs(exact)), (
                        visual.id, column, cell, exact)
