"""Relative date ranges end to end below the page: the data date of each dashboard, presets resolved in
every query context, and bookmarks that keep the preset so they follow the data date."""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta

import duckdb
import pytest

from accounts.service import Accounts, viewer_for
from accounts.viewer import Viewer
from bookmarks.service import BookmarkService
from dashboards import registry
from dashboards.restaurant import queries as restaurant
from dashboards.service import DashboardService
from data.engine import DataEngine
from data.files import duckdb_url
from data.store import Dataset
from views.resolve import ViewResolver

ANALYST = Viewer("analyst", None, None, user_id=1)
PREVIOUS_MONTH = {"sheet": "overview", "filters": {"date_range": "previous-month"},
                  "parameters": {"grain": "month"}}


@pytest.fixture(scope="module")
def resolver(small_data):
    return ViewResolver(small_data.engine)


def latest_day(path, *tables: str) -> date:
    """The latest day of ``tables``, read with plain DuckDB — independent of the declared queries."""
    with duckdb.connect(str(path), read_only=True) as con:
        return max(con.execute(f"SELECT MAX(day) FROM {t}").fetchone()[0] for t in tables)


def test_rel011_the_data_date_is_the_latest_day_in_each_dashboards_data(small_data, resolver):
    small_data.engine.dispose()  # DuckDB allows one configuration per file: plain reads first
    restaurant_day = latest_day(small_data.path, "r_sales", "r_support_calls")
    gaming_day = latest_day(small_data.path, "g_transactions", "g_game_activity")
    assert resolver.data_date(registry.get("restaurant")) == restaurant_day
    assert resolver.data_date(registry.get("gaming")) == gaming_day


def test_rel012_the_data_date_query_runs_once_per_data_version(small_data, tmp_path):
    small_data.engine.dispose()
    later = tmp_path / "later.duckdb"  # a refresh with one more day of support calls
    shutil.copyfile(small_data.path, later)
    with duckdb.connect(str(later)) as con:
        con.execute("UPDATE r_support_calls SET day = day + INTERVAL 3 DAY "
                    "WHERE day = (SELECT MAX(day) FROM r_support_calls)")
    published = {"now": Dataset(duckdb_url(small_data.path), "v1")}
    # No result cache at all: the data date is kept per version by the engine itself.
    engine = DataEngine(published["now"].url, version="v1", latest=lambda: published["now"])
    executed: list[str] = []
    engine.listen(lambda sql, params: executed.append(sql))
    resolver = ViewResolver(engine)
    board = registry.get("restaurant")
    state, _ = resolver.parse(board, PREVIOUS_MONTH, ANALYST, strict=True)
    first = resolver.context(board, state, ANALYST)
    again = resolver.context(board, state, ANALYST)
    assert first.filters["date_range"] == again.filters["date_range"]
    assert len([sql for sql in executed if "MAX(day)" in sql]) == 1
    before = resolver.data_date(board)
    assert before == latest_day(small_data.path, "r_sales", "r_support_calls")

    published["now"] = Dataset(duckdb_url(later), "v2")
    assert resolver.data_date(board) == before + timedelta(days=3) == latest_day(later, "r_support_calls")
    assert resolver.data_date(board) == before + timedelta(days=3)
    assert len([sql for sql in executed if "MAX(day)" in sql]) == 2  # once more, for the new version only
    engine.dispose()


def test_rel013_every_query_sees_the_resolved_dates_and_the_previous_period_follows(resolver, monkeypatch):
    board = registry.get("restaurant")
    monkeypatch.setattr(resolver, "data_date", lambda _board: date(2022, 3, 15))
    state, _ = resolver.parse(board, PREVIOUS_MONTH, ANALYST, strict=True)
    assert state.filters["date_range"] == "previous-month"
    ctx = resolver.context(board, state, ANALYST)
    assert ctx.date_range() == (date(2022, 2, 1), date(2022, 2, 28))
    assert ctx.previous_range() == (date(2022, 1, 4), date(2022, 1, 31))  # 28 days before, for the KPIs
    dates, _ = resolver.parse(board, {**PREVIOUS_MONTH, "filters": {"date_range": ["2022-02-01", "2022-02-28"]}},
                              ANALYST, strict=True)
    fixed = resolver.context(board, dates, ANALYST)
    assert restaurant.kpis(resolver.engine, ctx).equals(restaurant.kpis(resolver.engine, fixed))


def test_rel014_without_a_data_date_query_presets_resolve_against_the_end_of_the_bounds(resolver):
    from tests.unit.boards import BOARD

    assert resolver.data_date(BOARD) == date(2022, 12, 31)
    state, _ = resolver.parse(BOARD, {"filters": {"date_range": "previous-quarter"}}, ANALYST, strict=True)
    assert resolver.context(BOARD, state, ANALYST).filters["date_range"] == ["2022-07-01", "2022-09-30"]


# Bookmarks keep the preset ------------------------------------------------------------------------------

@pytest.fixture
def service(database, small_data):
    return BookmarkService(database, DashboardService(small_data.engine))


@pytest.fixture
def ann(database):
    return viewer_for(Accounts(database).create_user("ann", password_hash="not-used",
                                                     dashboards=("restaurant", "gaming")))


@pytest.fixture
def bob(database):
    return viewer_for(Accounts(database).create_user("bob", password_hash="not-used", dashboards=("restaurant",)))


def months_shown(service, viewer, state) -> list[str]:
    """The months of the trend visual's rows: what the view shows for ``state`` now."""
    board = registry.get("restaurant")
    _, items = service.dashboards.sheet_data(board, state, viewer)
    trend = next(i.frame for i in items if i.visual.id == "trend")
    return sorted({str(v)[:7] for v in trend.iloc[:, 0]})


def test_rel015_a_bookmark_keeps_its_preset_and_follows_the_data_date(service, ann, bob, monkeypatch):
    saved = service.add(ann, "restaurant", "Last month", PREVIOUS_MONTH)
    assert saved.state["filters"]["date_range"] == "previous-month"
    assert service.list_bookmarks(ann, "restaurant")[0].state == saved.state
    applied = service.apply(ann, saved.id)
    assert applied.notices == [] and applied.state.filters["date_range"] == "previous-month"

    views = service.dashboards.views
    monkeypatch.setattr(views, "data_date", lambda _board: date(2022, 12, 31))
    assert months_shown(service, ann, applied.state) == ["2022-11"]
    monkeypatch.setattr(views, "data_date", lambda _board: date(2022, 6, 15))  # the data "refreshed"
    assert months_shown(service, ann, service.apply(ann, saved.id).state) == ["2022-05"]
    assert service.get(ann, saved.id).state["filters"]["date_range"] == "previous-month"

    document = service.export(ann, "restaurant")
    assert document["bookmarks"][0]["state"]["filters"]["date_range"] == "previous-month"
    service.import_bookmarks(bob, "restaurant", json.dumps(document).encode())
    assert service.list_bookmarks(bob, "restaurant")[0].state == saved.state
