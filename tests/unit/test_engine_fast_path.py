"""DuckDB read through its own API gives the frames SQLAlchemy gives, for every visual; list parameters
expand; a sheet's queries run side by side, each statement once, all on the dataset version the render
began on, and an error surfaces as if they had run one after another."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from flask import Flask
from flask_caching import Cache

from accounts.viewer import FULL_ACCESS
from dashboards import registry
from dashboards.service import DashboardService
from data import rollups
from data.engine import DataEngine
from data.files import duckdb_url
from data.store import Dataset
from declarations.context import QueryContext
from views.resolve import ViewResolver
from views.state import original_state

VISUALS = [(board.id, visual.id) for board in registry.DASHBOARDS.values()
           for sheet in board.sheets for visual in sheet.visuals]
COUNT_IN = "SELECT COUNT(*) AS n FROM r_stores WHERE state IN :states"


@pytest.fixture(scope="module")
def engines(small_data, tmp_path_factory):
    """The engine under test, and the SQLAlchemy path over a copy of the file (DuckDB lets one process
    open a file with one configuration only)."""
    copy = tmp_path_factory.mktemp("reference") / "small.duckdb"
    shutil.copyfile(small_data.path, copy)
    native = DataEngine(duckdb_url(small_data.path))
    reference = DataEngine(duckdb_url(copy), native=False)
    yield native, reference
    native.dispose()
    reference.dispose()


def narrowed(board, engine: DataEngine) -> QueryContext:
    """The Original view with every multi-select filter set to two of its options (lists in the SQL)."""
    ctx = QueryContext.defaults(board)
    filters = dict(ctx.filters)
    resolver = ViewResolver(engine)
    for control in board.controls_of("filter"):
        if control.type == "multi":
            filters[control.id] = [o.value for o in resolver.options(control, ctx)[:2]]
    return QueryContext(board, filters, ctx.parameters, {})


def assert_same_frame(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-9)
    for column in got.columns:
        assert [type(v) for v in got[column]] == [type(v) for v in expected[column]], column


@pytest.mark.parametrize(("dashboard", "visual"), VISUALS)
def test_eng001_every_visual_gives_the_frame_the_sqlalchemy_path_gives(engines, dashboard, visual):
    native, reference = engines
    board = registry.get(dashboard)
    declared = board.visual(visual)
    for ctx in (QueryContext.defaults(board), narrowed(board, reference)):
        got, expected = declared.query(native, ctx), declared.query(reference, ctx)
        assert not expected.empty or ctx.filters != QueryContext.defaults(board).filters
        assert_same_frame(got, expected)


def test_eng002_dates_stay_date_objects_and_decimals_floats(engines):
    native, _ = engines
    frame = native.query("SELECT DATE '2022-03-15' AS day, CAST(1.25 AS DECIMAL(12, 2)) AS amount, "
                         "CAST(3 AS INTEGER) AS n, 'a' AS label")
    assert type(frame.iat[0, 0]).__name__ == "date" and frame["day"].dtype == object
    assert frame["amount"].dtype == "float64" and frame.iat[0, 1] == 1.25
    assert frame["n"].dtype == "int64"


@pytest.mark.parametrize("states", [["Pennsylvania"], ["Pennsylvania", "Ohio"], ("Ohio", "Texas", "Iowa"),
                                    ["Pennsylvania", "Ohio", "Texas", "Iowa", "Nowhere", "Utah", "Maine"]])
def test_eng003_list_parameters_of_any_length_expand(engines, small_data, states):
    native, reference = engines
    with duckdb.connect(str(small_data.path), read_only=True) as con:
        truth = con.execute("SELECT COUNT(*) FROM r_stores WHERE list_contains(?, state)", [list(states)]).fetchone()[0]
    assert int(native.scalar(COUNT_IN, {"states": states})) == truth
    assert_same_frame(native.query(COUNT_IN, {"states": states}), reference.query(COUNT_IN, {"states": states}))


def test_eng004_a_parameter_named_twice_and_lists_beside_scalars_bind_in_place(engines):
    native, reference = engines
    sql = ("SELECT state, COUNT(*) AS n FROM r_stores WHERE state IN :states AND (state <> :skip OR :skip IS NULL)"
           " AND state NOT IN :others GROUP BY state ORDER BY state")
    for params in ({"states": ["Ohio", "Pennsylvania", "Texas"], "skip": "Texas", "others": ["Iowa"]},
                   {"states": ["Ohio"], "skip": None, "others": ["Iowa", "Utah"]}):
        assert_same_frame(native.query(sql, params), reference.query(sql, params))
    assert list(native.query(sql, {"states": ["Ohio", "Pennsylvania", "Texas"], "skip": "Texas",
                                   "others": ["Ohio"]})["state"]) == ["Pennsylvania"]


def test_eng005_an_empty_list_matches_nothing_whatever_the_columns_type(engines):
    native, reference = engines
    assert int(native.scalar(COUNT_IN, {"states": []})) == 0
    every = reference.query("SELECT COUNT(*) AS n FROM r_stores")
    for column in ("state", "store_id", "DATE '2022-01-01' + seats"):
        sql = f"SELECT COUNT(*) AS n FROM r_stores WHERE {column} IN :values OR {column} NOT IN :none"
        assert_same_frame(native.query(sql, {"values": [], "none": []}), every)
    ids = "SELECT COUNT(*) AS n FROM r_stores WHERE store_id IN :ids"
    assert_same_frame(native.query(ids, {"ids": []}), reference.query(ids, {"ids": []}))


def test_eng006_a_statement_asked_for_by_many_threads_at_once_runs_once_per_render(small_data):
    engine = DataEngine(duckdb_url(small_data.path), workers=4)
    executed: list[str] = []
    engine.listen(lambda sql, params: executed.append(sql))
    scope = engine.render()
    frames = scope.gather([lambda: scope.query(COUNT_IN, {"states": ["Ohio", "Iowa"]})] * 8
                          + [lambda: scope.query(COUNT_IN, {"states": ["Ohio"]})] * 3)
    assert len(executed) == 2
    assert all(f.equals(frames[0]) for f in frames[:8]) and len({id(f) for f in frames}) == len(frames)
    engine.dispose()


def test_eng007_a_sheet_renders_each_statement_once_with_its_queries_side_by_side(small_data):
    engine = DataEngine(duckdb_url(small_data.path), workers=4)
    threads: set[str] = set()
    executed: list[str] = []
    engine.listen(lambda sql, params: (executed.append(sql), threads.add(threading.current_thread().name)))
    board = registry.get("gaming")
    state = original_state(board)
    for sheet in board.sheets:
        executed.clear()
        sheet_state = type(state)(state.dashboard, sheet.id, state.filters, state.parameters)
        got_sheet, data = DashboardService(engine).sheet_data(board, sheet_state, FULL_ACCESS)
        assert got_sheet is sheet and [d.visual for d in data] == list(sheet.visuals)
        assert len(executed) == len(set(executed)), sheet.id
    assert any(name.startswith("data-engine") for name in threads)
    engine.dispose()


def test_eng008_the_first_error_in_the_visuals_order_surfaces(small_data):
    engine = DataEngine(duckdb_url(small_data.path), workers=4)
    finished = threading.Event()

    def slow_failure():
        finished.wait(5)
        raise KeyError("first")

    def quick_failure():
        finished.set()
        raise ValueError("second")

    with pytest.raises(KeyError, match="first"):
        engine.gather([lambda: 1, slow_failure, quick_failure])
    with pytest.raises(duckdb.CatalogException):
        engine.render().gather([lambda: engine.query("SELECT 1"), lambda: engine.query("SELECT * FROM nowhere")])
    engine.dispose()


def test_eng012_a_gather_inside_a_gathered_call_runs_in_place(small_data):
    engine = DataEngine(duckdb_url(small_data.path), workers=2)
    inner = [lambda: engine.gather([lambda: 1, lambda: 2])] * 4  # more than the threads, each waiting on more
    results: list = []
    outer = threading.Thread(target=lambda: results.append(engine.gather(inner)), daemon=True)
    outer.start()
    outer.join(30)  # starved threads would wait for ever
    assert results == [[[1, 2]] * 4]
    engine.dispose()


@pytest.fixture
def two_versions(small_data, tmp_path) -> dict[str, Path]:
    """v2 is v1 with every sale's revenue doubled (its rollups rebuilt, as a refresh rebuilds them)."""
    v1, v2 = tmp_path / "v1.duckdb", tmp_path / "v2.duckdb"
    shutil.copyfile(small_data.path, v1)
    shutil.copyfile(small_data.path, v2)
    with duckdb.connect(str(v2)) as con:
        con.execute("UPDATE r_sales SET revenue = revenue * 2")
        rollups.build(con)
    return {"v1": v1, "v2": v2}


def test_eng009_a_refresh_published_during_a_render_does_not_mix_versions(two_versions):
    published = {"now": Dataset(duckdb_url(two_versions["v1"]), "v1")}
    engine = DataEngine(published["now"].url, version="v1", latest=lambda: published["now"], workers=4)
    board = registry.get("restaurant")
    state = original_state(board)
    _, before = DashboardService(engine).sheet_data(board, state, FULL_ACCESS)

    def publish_v2(sql, params):
        published["now"] = Dataset(duckdb_url(two_versions["v2"]), "v2")

    token = engine.pin()
    stop = engine.listen(publish_v2)  # the refresh lands as the render's first statement runs
    _, during = DashboardService(engine).sheet_data(board, state, FULL_ACCESS)
    versions = engine.gather([lambda: engine.version] * 4)
    revenue = engine.gather([lambda: float(engine.scalar("SELECT SUM(revenue) FROM r_sales"))] * 3)
    engine.unpin(token)
    stop()
    for old, new in zip(before, during, strict=True):
        assert_same_frame(new.frame, old.frame)
    assert versions == ["v1"] * 4
    assert engine.version == "v2"
    assert float(engine.scalar("SELECT SUM(revenue) FROM r_sales")) == pytest.approx(2 * revenue[0])
    # No request reads v1 any more: the engine has let go of it (a writer may open it again).
    with duckdb.connect(str(two_versions["v1"])) as con:
        assert con.execute("SELECT COUNT(*) FROM r_sales").fetchone()[0] > 0
    engine.dispose()


def test_eng010_the_result_cache_answers_before_the_store(small_data):
    cache = Cache(Flask(__name__), config={"CACHE_TYPE": "SimpleCache"})
    engine = DataEngine(duckdb_url(small_data.path), version="v1", cache=cache, cache_seconds=60, workers=4)
    executed: list[str] = []
    engine.listen(lambda sql, params: executed.append(sql))
    board = registry.get("restaurant")
    state = original_state(board)
    _, first = DashboardService(engine).sheet_data(board, state, FULL_ACCESS)
    ran = len(executed)
    _, again = DashboardService(engine).sheet_data(board, state, FULL_ACCESS)
    assert ran > 0 and len(executed) == ran
    for a, b in zip(first, again, strict=True):
        assert_same_frame(b.frame, a.frame)
    engine.dispose()


def test_eng011_ping_and_dispose_leave_the_engine_usable(small_data):
    engine = DataEngine(duckdb_url(small_data.path))
    engine.ping()
    engine.dispose()
    assert int(engine.scalar(COUNT_IN, {"states": ["Pennsylvania"]})) == 2
    assert engine.dialect == "duckdb" and engine.render().dialect == "duckdb"
    engine.dispose()


def test_eng013_per_version_keeps_a_result_not_an_error(small_data):
    engine = DataEngine(duckdb_url(small_data.path), version="v1")
    calls: list[int] = []

    def failing_once() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the store did not answer")
        return len(calls)

    with pytest.raises(RuntimeError):
        engine.per_version("answer", failing_once)
    assert engine.per_version("answer", failing_once) == 2  # the failure was not kept: it ran again
    assert engine.per_version("answer", failing_once) == 2 and len(calls) == 2
    assert engine.per_version("none", lambda: None) is None  # an empty answer is kept too
    assert engine.per_version("none", lambda: 1) is None
    engine.dispose()
