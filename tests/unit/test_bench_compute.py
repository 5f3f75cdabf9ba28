"""The sheet-compute benchmark (benchmarks/compute.py) measures what it claims: its pandas baseline computes
the app's rows, its states are valid and varied, and its floor replays the app's own statements."""

from __future__ import annotations

import itertools
import json
import math
from collections import Counter

import duckdb
import pandas as pd
import pytest

from benchmarks import compute, pandas_visuals
from benchmarks.states import generate_states
from dashboards import registry
from dashboards.service import DashboardService, frame_records
from declarations.context import QueryContext
from views.dates import PRESETS
from views.resolve import ViewResolver

SEED = 20261127


@pytest.fixture(scope="module")
def resolver(small_data):
    return ViewResolver(small_data.engine)


@pytest.fixture(scope="module")
def tables(small_data):
    with duckdb.connect(str(small_data.path), read_only=True) as con:
        return pandas_visuals.load_tables(con)


def same_value(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is None and b is None
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)
    return a == b


def assert_same_rows(app, baseline, where: str) -> None:
    assert list(app.columns) == list(baseline.columns), where
    app_rows, base_rows = frame_records(app), frame_records(baseline)
    assert len(app_rows) == len(base_rows), where
    for i, (a, b) in enumerate(zip(app_rows, base_rows, strict=True)):
        wrong = {k: (a[k], b[k]) for k in a if not same_value(a[k], b[k])}
        assert not wrong, f"{where}, row {i}: app vs pandas {wrong}"


def contexts(board, resolver, per_sheet: int):
    """The Original view of each sheet and random states, as resolved query contexts."""
    for sheet in board.sheets:
        yield sheet, QueryContext.defaults(board), f"{sheet.id} (Original)"
    for i, generated in enumerate(generate_states(board, resolver, per_sheet, SEED)):
        ctx = resolver.context(board, generated.state, generated.viewer)
        yield board.sheet(generated.state.sheet), ctx, f"state {i} {generated.describe()}"


@pytest.mark.parametrize("board_id", ["restaurant", "gaming"])
def test_bch001_pandas_gives_the_apps_rows_for_every_visual(small_data, resolver, tables, board_id):
    board = registry.get(board_id)
    checked = Counter()
    for sheet, ctx, where in contexts(board, resolver, per_sheet=6):
        for query in dict.fromkeys(v.query for v in sheet.visuals):
            app = query(small_data.engine, ctx)
            baseline = pandas_visuals.visual_function(board.id, query)(tables, ctx)
            assert_same_rows(app, baseline, f"{board.id}/{sheet.id} {query.__name__}, {where}")
            checked[query.__name__] += bool(len(app))
    every = {v.query.__name__ for s in board.sheets for v in s.visuals}
    assert set(checked) == every
    assert all(checked[name] > 0 for name in every), f"visuals never compared on rows: {checked}"


def test_bch002_generated_states_are_valid_and_cover_what_users_do(resolver):
    seen = Counter()
    for board in registry.DASHBOARDS.values():
        states = generate_states(board, resolver, 12, SEED)
        assert Counter(g.state.sheet for g in states) == {s.id: 12 for s in board.sheets}
        for generated in states:
            again, notices = resolver.parse(board, generated.state.to_dict(), generated.viewer, strict=True)
            assert again == generated.state and not notices
            dates = generated.state.filters["date_range"]
            if generated.dates == "custom":
                low, high = board.control("date_range").bounds
                assert low <= dates[0] <= dates[1] <= high
                seen["one day" if generated.days == 1 else "custom"] += 1
            else:
                assert dates in PRESETS
                seen["preset"] += 1
            for control_id, count in generated.selected.items():
                seen[("none", "one", "few")[min(count, 2)]] += 1
                assert len(generated.state.filters[control_id]) == count
            if generated.viewer.brands:
                seen["restricted"] += 1
                chosen = generated.state.filters["brand"]
                assert set(chosen) <= set(generated.viewer.brands)
            for control in board.controls:  # a dependent filter's values are among its narrowed options
                if control.depends_on and generated.state.filters.get(control.id):
                    ctx = resolver.context(board, generated.state, generated.viewer)
                    options = {o.value for o in resolver.options(control, ctx)}
                    assert set(generated.state.filters[control.id]) <= options
                    seen["dependent"] += 1
    assert all(seen[k] for k in ("preset", "custom", "one day", "none", "one", "few", "restricted", "dependent")), seen
    assert generate_states(registry.get("gaming"), resolver, 3, SEED) == generate_states(
        registry.get("gaming"), resolver, 3, SEED)


def test_bch003_the_floor_replays_exactly_the_statements_the_app_ran(small_data, resolver):
    """What the store ran for a cold render (the engine's listener) is what the floor replays; and the raw
    cursor, given the replayed text, returns the rows the app's engine returned."""
    service = DashboardService(small_data.engine, resolver)
    ran: list[str] = []
    stop = small_data.engine.listen(lambda sql, params: ran.append(statement_key(sql, params)))
    replayed = 0
    try:
        with duckdb.connect(str(small_data.path), read_only=True) as con:
            for board in registry.DASHBOARDS.values():
                for generated in generate_states(board, resolver, 2, SEED):
                    sheet = board.sheet(generated.state.sheet)
                    replay = compute.sheet_statements(small_data.engine, board, sheet, generated)
                    ran.clear()
                    service.sheet_data(board, generated.state, generated.viewer)
                    assert Counter(statement_key(sql, params) for sql, params in replay) == Counter(ran), sheet.id
                    for sql, params in replay:
                        text, values = compute.compile_statement(compute.duckdb_dialect(), sql, params)
                        cursor = con.execute(text, values)
                        raw = pd.DataFrame.from_records(cursor.fetchall(), coerce_float=True,
                                                        columns=[c[0] for c in cursor.description])
                        app = small_data.engine.query(sql, params)
                        # A statement without ORDER BY may give its rows in any order.
                        assert_same_rows(in_order(app), in_order(raw), f"{sheet.id}: {text}")
                        replayed += 1
                    assert compute.run_floor(con, [compute.compile_statement(compute.duckdb_dialect(), *s)
                                                   for s in replay]) > 0
    finally:
        stop()
    assert replayed


def in_order(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns), kind="stable").reset_index(drop=True)


def statement_key(sql: str, params: dict) -> str:
    return json.dumps([sql, params], sort_keys=True, default=str)


def test_bch004_quick_run_writes_every_sheet(tmp_path, capsys):
    out = tmp_path / "compute.json"
    report = compute.main(["--quick", "--states", "1", "--seed", "7", "--data-dir", str(tmp_path / "data"),
                           "--json", str(out)])
    written = json.loads(out.read_text())
    assert written["conditions"]["seed"] == 7 == report["conditions"]["seed"]
    (scale,) = written["scales"]
    expected = {(b.id, s.id) for b in registry.DASHBOARDS.values() for s in b.sheets}
    assert {(s["dashboard"], s["sheet"]) for s in scale["sheets"]} == expected
    for sheet in scale["sheets"]:
        for mode in ("cold", "warm", "pandas", "floor"):
            assert sheet[f"{mode}_p50"] > 0 and sheet[f"{mode}_p95"] >= sheet[f"{mode}_p50"]
        assert sheet["verdict"]
    for key, states in scale["per_state"].items():
        assert len(states) == 1 and states[0]["statements"] > 0, key
    # Cold, floor and pandas run in each of their six orders in turn, so none runs in another's wake more
    # often (rotating one order would put cold right after pandas in two states of three, the floor never).
    orders = [tuple(states[0]["order"]) for states in scale["per_state"].values()]
    assert set(orders) == set(itertools.permutations(("cold", "floor", "pandas")))
    printed = capsys.readouterr().out
    assert "seed 7" in printed and "pd/cold" in printed
    assert all(f" {sheet} " in printed for _, sheet in expected)
