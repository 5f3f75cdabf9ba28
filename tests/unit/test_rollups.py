"""Rollups never disagree with the facts: every visual of both dashboards gives the same rows read from the
rollups and from the fact tables, over a spread of states; and a published dataset carries the rollups."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from dashboards.gaming import DASHBOARD as GAMING
from dashboards.gaming._sql import METRICS
from dashboards.restaurant import DASHBOARD as RESTAURANT
from dashboards.restaurant.queries import GRAINS
from dashboards.restaurant.queries import METRICS as RESTAURANT_METRICS
from data.engine import DataEngine
from data.files import current_file
from data.generate import generate_dataset
from data.rollups import ROLLUPS
from declarations.context import QueryContext

#: Date ranges: the Original, one day, a week across a month end, a whole year, everything.
GAMING_RANGES = (None, ("2023-05-17", "2023-05-17"), ("2023-02-26", "2023-03-04"), ("2023-01-01", "2023-12-31"),
                 ("2022-01-01", "2024-06-30"))
RESTAURANT_RANGES = (None, ("2022-07-04", "2022-07-04"), ("2021-09-26", "2021-10-02"),
                     ("2021-01-01", "2021-12-31"), ("2021-01-01", "2022-12-31"))


@pytest.fixture(scope="module")
def engines(small_data):
    small_data.engine.dispose()
    rolled, facts = DataEngine(small_data.engine.url), DataEngine(small_data.engine.url, rollups=False)
    assert rolled.rollups and not facts.rollups
    yield rolled, facts
    rolled.dispose()
    facts.dispose()


def make_ctx(board, date_range=None, restrictions=None, **changes) -> QueryContext:
    base = QueryContext.defaults(board, restrictions)
    filters, params = dict(base.filters), dict(base.parameters)
    if date_range:
        filters["date_range"] = date_range
    for key, value in changes.items():
        (filters if key in filters else params)[key] = value
    return QueryContext(board, filters, params, base.restrictions)


def gaming_states() -> dict[str, QueryContext]:
    states = {f"range-{r}": make_ctx(GAMING, r) for r in GAMING_RANGES}
    states |= {f"metric-{m}": make_ctx(GAMING, GAMING_RANGES[3], metric=m) for m in METRICS}
    states |= {f"metric-{m}-game": make_ctx(GAMING, GAMING_RANGES[2], metric=m, game=[3, 17]) for m in METRICS}
    # Distinct counts over every grain of the trends: days, weeks, months, whole range.
    states |= {f"distinct-{m}-{r}": make_ctx(GAMING, r, metric=m)
               for m in ("active_players", "depositors") for r in GAMING_RANGES[1:3] + (("2023-03-15", "2023-08-20"),)}
    states |= {f"cohort-{p}-days-{d}": make_ctx(GAMING, GAMING_RANGES[i], cohort_period=p, days_after=d)
               for i, (p, d) in enumerate([("month", 7), ("quarter", 30), ("month", 14), ("quarter", 7)])}
    states |= {
        "brand": make_ctx(GAMING, brand=["aurora"]),
        "country": make_ctx(GAMING, GAMING_RANGES[3], country=["GBR", "DEU"], metric="active_players"),
        "affiliate": make_ctx(GAMING, GAMING_RANGES[4], affiliate=["organic", "bonusbay"], metric="depositors"),
        "campaign": make_ctx(GAMING, GAMING_RANGES[3], campaign=[1, 2, 5, 9], metric="ggr"),
        "game": make_ctx(GAMING, GAMING_RANGES[4], game=[1, 40], metric="active_players"),
        "all-filters": make_ctx(GAMING, GAMING_RANGES[4], brand=["nova", "lumen"], country=["GBR", "SWE"],
                                affiliate=["organic"], game=[2]),
        "restricted": make_ctx(GAMING, GAMING_RANGES[3], restrictions={"brand": ("nova",)}, metric="bets"),
        "restricted-selecting-other": make_ctx(GAMING, restrictions={"brand": ("nova",)}, brand=["aurora"]),
        "restricted-two": make_ctx(GAMING, GAMING_RANGES[4], restrictions={"brand": ("nova", "tidal")},
                                   brand=["tidal"], country=["GBR"], metric="depositors"),
    }
    return states


def restaurant_states() -> dict[str, QueryContext]:
    states = {f"range-{r}": make_ctx(RESTAURANT, r) for r in RESTAURANT_RANGES}
    states |= {f"{m}-{g}": make_ctx(RESTAURANT, RESTAURANT_RANGES[i % 5], metric=m, grain=g)
               for i, (m, g) in enumerate((m, g) for m in RESTAURANT_METRICS for g in GRAINS)}
    states |= {
        "state": make_ctx(RESTAURANT, state=["California", "Texas"], metric="avg_ticket"),
        "city": make_ctx(RESTAURANT, RESTAURANT_RANGES[2], city=["Chicago"], grain="day"),
        "category": make_ctx(RESTAURANT, RESTAURANT_RANGES[3], category=["Burgers", "Beverages"], metric="orders"),
        "address": make_ctx(RESTAURANT, address=["120 Broadway"], grain="week"),
        "two-addresses": make_ctx(RESTAURANT, RESTAURANT_RANGES[4], address=["120 Broadway", "10 Resort Plz"]),
        "restricted-state": make_ctx(RESTAURANT, restrictions={"state": ("New York",)}, category=["Beverages"]),
    }
    return states


def visuals(board):
    """Each query function once (visuals that share one share its rows)."""
    seen = {}
    for sheet in board.sheets:
        for visual in sheet.visuals:
            seen.setdefault(visual.query, f"{sheet.id}/{visual.id}")
    return [(name, query) for query, name in seen.items()]


def assert_same(rolled: pd.DataFrame, facts: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(rolled.reset_index(drop=True), facts.reset_index(drop=True),
                                  check_dtype=False, check_exact=False, rtol=1e-9, atol=1e-6)


@pytest.mark.parametrize(("state", "ctx"), list(gaming_states().items()))
def test_rol001_gaming_visuals_equal_with_and_without_rollups(engines, state, ctx):
    rolled, facts = engines
    nonempty = 0
    for name, query in visuals(GAMING):
        expected = query(facts, ctx)
        try:
            assert_same(query(rolled, ctx), expected)
        except AssertionError as error:
            raise AssertionError(f"{name} in state {state}: {error}") from None
        nonempty += not expected.empty
    # A restricted viewer selecting only a brand they may not see gets nothing, from both.
    assert nonempty or state == "restricted-selecting-other", "every visual empty: the state tests nothing"


@pytest.mark.parametrize(("state", "ctx"), list(restaurant_states().items()))
def test_rol002_restaurant_visuals_equal_with_and_without_rollups(engines, state, ctx):
    rolled, facts = engines
    for name, query in visuals(RESTAURANT):
        expected = query(facts, ctx)
        try:
            assert_same(query(rolled, ctx), expected)
        except AssertionError as error:
            raise AssertionError(f"{name} in state {state}: {error}") from None


def test_rol003_states_cover_rows_and_filters(engines):
    """The states above select real rows: the filter values used exist in the small dataset."""
    rolled, _ = engines
    known = {
        "brand": set(rolled.query("SELECT code FROM g_brands")["code"]),
        "country": set(rolled.query("SELECT country_code FROM g_countries")["country_code"]),
        "affiliate": set(rolled.query("SELECT code FROM g_affiliates")["code"]) | {"organic"},
        "campaign": set(rolled.query("SELECT campaign_id FROM g_campaigns")["campaign_id"]),
        "game": set(rolled.query("SELECT game_id FROM g_games")["game_id"]),
        "state": set(rolled.query("SELECT state FROM r_stores")["state"]),
        "city": set(rolled.query("SELECT city FROM r_stores")["city"]),
        "address": set(rolled.query("SELECT address FROM r_stores")["address"]),
        "category": set(rolled.query("SELECT category FROM r_categories")["category"]),
    }
    for ctx in [*gaming_states().values(), *restaurant_states().values()]:
        for control, values in known.items():
            assert set(ctx.filters.get(control) or []) <= values, (control, ctx.filters.get(control))


def test_rol004_published_dataset_carries_the_rollups(tmp_path):
    path = generate_dataset(tmp_path, scale=0.02, progress=False)
    assert current_file(tmp_path) == path
    with duckdb.connect(str(path), read_only=True) as con:
        tables = {name for (name,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert {r.name for r in ROLLUPS} <= tables
        for rollup in ROLLUPS:
            assert con.execute(f"SELECT COUNT(*) FROM {rollup.name}").fetchall()[0][0] > 0, rollup.name
            expected = con.execute(f"SELECT COUNT(*) FROM ({rollup.sql}) r").fetchall()[0][0]
            assert con.execute(f"SELECT COUNT(*) FROM {rollup.name}").fetchall()[0][0] == expected
