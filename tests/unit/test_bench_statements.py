"""The statement timer (benchmarks/statements.py) times exactly the statements a cold render issues."""

from __future__ import annotations

import json

import pytest

from benchmarks import statements
from benchmarks.compute import compile_statement, duckdb_dialect, sheet_statements
from benchmarks.states import generate_states
from dashboards import registry
from data.engine import DataEngine
from data.files import duckdb_url
from views.resolve import ViewResolver

SEED = 5


def test_bst001_every_statement_of_the_sheets_states_is_timed(small_data):
    board = registry.DASHBOARDS["restaurant"]
    result = statements.time_statements(small_data.path, "restaurant", "overview", 3, SEED, repeats=2)
    # A new engine, as the timer's: what an engine worked out once per data version (the data date) is
    # issued by the first render only, so an engine other tests used would issue fewer statements.
    engine = DataEngine(duckdb_url(small_data.path), version=small_data.path.name)
    generated = [g for g in generate_states(board, ViewResolver(engine), 3, SEED) if g.state.sheet == "overview"]
    issued = [statements.label(compile_statement(duckdb_dialect(), sql, params)[0])
              for g in generated for sql, params in sheet_statements(engine, board, board.sheet("overview"), g)]
    engine.dispose()
    assert result["states"] == len(generated) == 3
    assert {row["statement"] for row in result["statements"]} == set(issued)
    assert sum(row["states"] for row in result["statements"]) == len(issued)
    assert all(row["median_ms"] > 0 for row in result["statements"])
    times = [row["median_ms"] for row in result["statements"]]
    assert times == sorted(times, reverse=True)
    assert result["total_median_ms"] > 0


def test_bst002_command_prints_the_table_and_the_profile(small_data, tmp_path, capsys):
    out = tmp_path / "statements.json"
    statements.main(["--dashboard", "gaming", "--sheet", "onboarding", "--states", "2", "--repeats", "1",
                     "--dataset", str(small_data.path), "--profile", "--json", str(out)])
    printed = capsys.readouterr().out
    written = json.loads(out.read_text())
    assert "gaming/onboarding" in printed and "median ms" in printed
    assert all(row["statement"] in printed for row in written["statements"])
    profile = written["profile"]
    assert profile["total"] > 0 and profile["optimizer"] > 0
    assert not list(small_data.path.parent.glob(".statement-profile*"))


def test_bst003_a_sheet_the_dashboard_lacks_is_refused(small_data):
    with pytest.raises(SystemExit):
        statements.main(["--dashboard", "restaurant", "--sheet", "cohorts", "--dataset", str(small_data.path)])
