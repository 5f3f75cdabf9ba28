"""The Restaurant Operations generator: shape, consistency and the seed presentation's story.

The story is checked on the small test dataset (scale 0.1, through DuckDB), on the default scale 1 and
on scale 2 (more stores), each generated with the seed ``data.generate`` uses.
"""

from __future__ import annotations

import time
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pytest

from data import generate, restaurant_data

RESORT, MARKET, BEST = "10 Resort Plz", "1500 Market St", "120 Broadway"
STORM_WEEK = pd.Timestamp("2021-12-19")


def restaurant_rng() -> np.random.Generator:
    return np.random.default_rng(generate.SEED + generate.MODULES.index(restaurant_data))


def build(scale: float) -> tuple[dict[str, pd.DataFrame], float]:
    started = time.perf_counter()
    tables = dict(restaurant_data.generate(restaurant_rng(), scale))
    return tables, time.perf_counter() - started


@pytest.fixture(scope="module")
def scale_one():
    return build(1.0)


@pytest.fixture(scope="module")
def datasets(small_data, scale_one):
    """Story-ready frames per scale: sales and calls joined with their store, days as timestamps."""

    def prepare(tables):
        stores = tables["r_stores"]
        keys = stores[["store_id", "address", "state", "state_code"]]
        sales = tables["r_sales"].merge(keys, on="store_id")
        calls = tables["r_support_calls"].merge(keys, on="store_id")
        sales["day"], calls["day"] = pd.to_datetime(sales["day"]), pd.to_datetime(calls["day"])
        return {"stores": stores, "sales": sales, "calls": calls}

    small_data.engine.dispose()  # the engine's pooled connection would block a plain DuckDB one
    small = {t: small_data.frame(t) for t in ("r_stores", "r_sales", "r_support_calls")}
    return {"0.1": prepare(small), "1": prepare(scale_one[0]), "2": prepare(build(2.0)[0])}


SCALES = ["0.1", "1", "2"]


def week_start(days: pd.Series) -> pd.Series:
    return days - pd.to_timedelta((days.dt.day_of_week + 1) % 7, unit="D")


def december_2021(sales: pd.DataFrame) -> pd.DataFrame:
    return sales[(sales["day"] >= "2021-12-01") & (sales["day"] <= "2021-12-31")]


# Shape ----------------------------------------------------------------------------------------------


def test_rdat001_module_contract():
    assert restaurant_data.TABLES == ("r_stores", "r_categories", "r_sales", "r_support_calls")
    assert set(restaurant_data.FACT_TABLES) == {"r_sales", "r_support_calls"}
    assert set(restaurant_data.SORT_KEYS) <= set(restaurant_data.TABLES)
    names = [name for name, _ in restaurant_data.generate(np.random.default_rng(1), 0.1)]
    assert names == list(restaurant_data.TABLES)


@pytest.mark.parametrize("scale", SCALES)
def test_rdat002_stores_in_states(datasets, scale):
    stores = datasets[scale]["stores"]
    assert len(stores) >= 40
    assert stores["state"].nunique() >= 8
    assert stores["address"].is_unique and stores["store_id"].is_unique
    assert (stores["state_code"].str.fullmatch(r"[A-Z]{2}")).all()
    assert stores.groupby("state")["state_code"].nunique().eq(1).all()
    assert stores.groupby("state_code")["state"].nunique().eq(1).all()
    # A city name belongs to one state, so the city filter needs no state to be unambiguous.
    assert stores.groupby("city")["state"].nunique().eq(1).all()
    for column in ("address", "city", "state", "state_code", "owner", "size"):
        assert stores[column].notna().all() and (stores[column].astype(str).str.len() > 0).all(), column
    assert set(stores["size"]) <= {"small", "medium", "large"}


def test_rdat003_more_stores_at_larger_scale(datasets):
    assert len(datasets["2"]["stores"]) == 2 * len(datasets["1"]["stores"])
    assert len(datasets["0.1"]["stores"]) == len(datasets["1"]["stores"])


def test_rdat004_columns_are_typed_in_duckdb(small_data):
    small_data.engine.dispose()
    with duckdb.connect(str(small_data.path), read_only=True) as con:
        types = dict(con.execute("SELECT table_name || '.' || column_name, data_type "
                                 "FROM information_schema.columns WHERE table_name LIKE 'r_%'").fetchall())
    assert types["r_sales.day"] == "DATE"
    assert types["r_support_calls.day"] == "DATE"
    assert types["r_sales.revenue"] == "DOUBLE"
    assert types["r_sales.orders"] == "INTEGER" and types["r_sales.items_sold"] == "INTEGER"
    assert types["r_stores.state_code"] == "VARCHAR"


def test_rdat005_volume_and_speed_at_scale_one(scale_one):
    tables, seconds = scale_one
    facts = sum(len(tables[t]) for t in restaurant_data.FACT_TABLES)
    assert 300_000 <= facts <= 500_000
    assert seconds < 10


# Consistency ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", SCALES)
def test_rdat006_values_are_valid(datasets, scale):
    sales, calls = datasets[scale]["sales"], datasets[scale]["calls"]
    assert (sales["revenue"] > 0).all()
    assert (sales["orders"] >= 1).all()
    assert (sales["items_sold"] >= sales["orders"]).all()
    ticket = sales["revenue"].sum() / sales["orders"].sum()
    assert 8 < ticket < 40
    assert calls["score"].between(1, 10).all()
    assert set(calls["category"]) == {"restaurant", "delivery", "app", "payment"}
    assert calls["call_id"].is_unique
    assert calls["store_id"].isin(datasets[scale]["stores"]["store_id"]).all()
    assert not sales.duplicated(["day", "store_id", "category"]).any()


@pytest.mark.parametrize("scale", SCALES)
def test_rdat007_every_store_sells_every_day_except_closures(datasets, scale):
    sales, stores = datasets[scale]["sales"], datasets[scale]["stores"]
    days = pd.date_range("2021-01-01", "2022-12-31")
    assert sales["day"].min() == days[0] and sales["day"].max() == days[-1]
    assert sales["category"].nunique() == 6
    chain_closed = {pd.Timestamp(d) for d in restaurant_data.CHAIN_CLOSED}
    storm = {pd.Timestamp(d) for d in restaurant_data.STORM_CLOSED}
    cells = sales.groupby(["store_id", "day"])["category"].nunique()
    assert (cells == 6).all()  # every product category on every open day
    pa = set(stores.loc[stores["state_code"] == "PA", "store_id"])
    for store_id in stores["store_id"]:
        open_days = set(cells.loc[store_id].index)
        expected = chain_closed | (storm if store_id in pa else set())
        assert set(days) - open_days == expected, store_id


@pytest.mark.parametrize("scale", SCALES)
def test_rdat008_plausible_patterns(datasets, scale):
    sales, stores = datasets[scale]["sales"], datasets[scale]["stores"]
    daily = sales.groupby("day")["revenue"].sum()
    by_weekday = daily.groupby(daily.index.day_of_week).mean()  # Monday = 0
    assert by_weekday[5] > 1.3 * by_weekday[0]  # Saturday busier than Monday
    by_month = daily.groupby(daily.index.month).mean()
    assert by_month[7] > 1.1 * by_month[1]  # summer above January
    assert daily["2022"].sum() > daily["2021"].sum()  # the chain grows
    per_store = sales.groupby("store_id")["revenue"].sum()
    size = stores.set_index("store_id")["size"]
    mean_by_size = per_store.groupby(size).mean()
    assert mean_by_size["small"] < mean_by_size["medium"] < mean_by_size["large"]


def test_rdat009_deterministic():
    first = dict(restaurant_data.generate(restaurant_rng(), 0.1))
    second = dict(restaurant_data.generate(restaurant_rng(), 0.1))
    other = dict(restaurant_data.generate(np.random.default_rng(7), 0.1))
    for name in restaurant_data.TABLES:
        pd.testing.assert_frame_equal(first[name], second[name])
    assert not first["r_sales"]["revenue"].equals(other["r_sales"]["revenue"])


# The story ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", SCALES)
def test_rdat010_pennsylvania_has_two_stores(datasets, scale):
    stores = datasets[scale]["stores"]
    pa = stores[stores["state"] == "Pennsylvania"]
    assert sorted(pa["address"]) == [RESORT, MARKET]
    assert set(pa["state_code"]) == {"PA"}
    assert pa.set_index("address").at[RESORT, "city"] == "Harrisburg"


@pytest.mark.parametrize("scale", SCALES)
def test_rdat011_resort_plaza_has_lowest_revenue(datasets, scale):
    totals = datasets[scale]["sales"].groupby("address")["revenue"].sum()
    assert totals.idxmin() == RESORT
    assert totals[RESORT] < 0.95 * totals.drop(RESORT).min()


@pytest.mark.parametrize("scale", SCALES)
def test_rdat012_clear_best_store(datasets, scale):
    totals = datasets[scale]["sales"].groupby("address")["revenue"].sum()
    assert totals.idxmax() == BEST
    assert totals[BEST] > 1.1 * totals.drop(BEST).max()


@pytest.mark.parametrize("scale", SCALES)
def test_rdat013_resort_plaza_below_average_in_december_2021(datasets, scale):
    data = datasets[scale]
    december = december_2021(data["sales"]).groupby("address")["revenue"].sum()
    average = december.sum() / len(data["stores"])
    assert december[RESORT] < average


@pytest.mark.parametrize("scale", SCALES)
@pytest.mark.parametrize("measure", ["items_sold", "revenue"])
def test_rdat014_storm_week_is_the_december_low_in_pennsylvania(datasets, scale, measure):
    december = december_2021(datasets[scale]["sales"])
    weekly = december.groupby(["address", week_start(december["day"])])[measure].sum()
    for address in (RESORT, MARKET):
        weeks = weekly.loc[address]
        # Five Sunday-start weeks touch December 2021, the partial ones at both edges included.
        assert list(weeks.index) == list(pd.date_range("2021-11-28", "2021-12-26", freq="7D"))
        assert weeks.idxmin() == STORM_WEEK, address


@pytest.mark.parametrize("scale", SCALES)
def test_rdat015_pennsylvania_below_average_in_storm_week(datasets, scale):
    data = datasets[scale]
    sales = data["sales"]
    week = sales[(sales["day"] >= STORM_WEEK) & (sales["day"] < STORM_WEEK + pd.Timedelta(days=7))]
    per_store = week.groupby("address")[["items_sold", "revenue"]].sum()
    average = per_store.sum() / len(data["stores"])
    for address in (RESORT, MARKET):
        assert (per_store.loc[address] < average).all(), address


@pytest.mark.parametrize("scale", SCALES)
def test_rdat016_restaurant_support_score_high_in_december_2021(datasets, scale):
    calls = datasets[scale]["calls"]
    year = calls[calls["day"].dt.year == 2021]
    restaurant = year[year["category"] == "restaurant"]
    chain = restaurant.groupby(restaurant["day"].dt.month)["score"].mean()
    assert chain.idxmax() == 12
    for address in (RESORT, MARKET):
        store = restaurant[restaurant["address"] == address]
        monthly = store.groupby(store["day"].dt.month)["score"].mean()
        assert monthly.idxmax() == 12, address
        december = year[(year["address"] == address) & (year["day"].dt.month == 12)]
        by_category = december.groupby("category")["score"].mean()
        assert by_category.idxmax() == "restaurant", address
        assert by_category["restaurant"] > chain.drop(12).max() + 2  # clearly high, not noise


def test_rdat017_story_dates_are_what_the_seed_says():
    storm = restaurant_data.STORM_WEEK
    assert storm == date(2021, 12, 19) and storm.weekday() == 6  # a Sunday
    assert restaurant_data.WORST_ADDRESS == RESORT
