"""Each distinct query of a sheet runs once per render, however many visuals show its rows."""

from __future__ import annotations

from collections import Counter

import pytest

from accounts.viewer import FULL_ACCESS
from dashboards import registry
from dashboards.service import DashboardService
from data.engine import DataEngine
from views.state import original_state


class CountingEngine(DataEngine):
    """The real engine (no result cache), counting each statement it runs, from whichever thread."""

    def __init__(self, url: str):
        super().__init__(url)
        self.executed: list[tuple[str, str]] = []
        self.listen(lambda sql, params: self.executed.append((sql, repr(sorted(params.items())))))

    @property
    def runs(self) -> Counter:
        return Counter(self.executed)


@pytest.fixture(scope="module")
def engine(small_data):
    counting = CountingEngine(small_data.engine.url)
    yield counting
    counting.dispose()


@pytest.mark.parametrize(("dashboard", "sheet"), [
    (d.id, s.id) for d in registry.DASHBOARDS.values() for s in d.sheets])
def test_sq001_every_statement_of_a_sheet_runs_once(engine, dashboard, sheet):
    board = registry.get(dashboard)
    state = original_state(board)
    state = type(state)(state.dashboard, sheet, state.filters, state.parameters)
    engine.executed.clear()
    _, data = DashboardService(engine).sheet_data(board, state, FULL_ACCESS)
    assert len(data) == len(board.sheet(sheet).visuals)
    repeated = {sql[:80]: n for (sql, _), n in engine.runs.items() if n > 1}
    assert repeated == {}


def test_sq002_visuals_that_share_a_query_share_its_rows(engine):
    board = registry.get("gaming")
    state = original_state(board)
    state = type(state)(state.dashboard, "affiliates", state.filters, state.parameters)
    _, data = DashboardService(engine).sheet_data(board, state, FULL_ACCESS)
    frames = {d.visual.id: d.frame for d in data}
    assert not frames["affiliate-performance"].empty
    assert frames["affiliate-performance"] is frames["affiliate-revenue"] is frames["affiliate-conversion"]
