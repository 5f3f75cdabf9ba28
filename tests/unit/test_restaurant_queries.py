"""Each Restaurant Operations query against an independent pandas computation on the small dataset."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboards.restaurant import DASHBOARD, queries
from declarations.context import QueryContext

RESORT, MARKET, BEST = "10 Resort Plz", "1500 Market St", "120 Broadway"
SUPPORT_ORDER = ["restaurant", "delivery", "app", "payment"]

# Named views: filters and parameters over the author's defaults.
VIEWS = {
    "original": {},
    "pa-december-weekly-ticket": {
        "filters": {"date_range": ("2021-12-01", "2021-12-31"), "state": ["Pennsylvania"],
                    "category": ["Burgers", "Pizza"]},
        "parameters": {"metric": "avg_ticket", "grain": "week"}},
    "two-cities-daily-orders": {
        "filters": {"date_range": ("2021-06-01", "2022-05-31"), "city": ["Chicago", "Harrisburg"]},
        "parameters": {"metric": "orders", "grain": "day"}},
    "three-addresses": {
        "filters": {"date_range": ("2021-01-01", "2021-12-31"), "address": [RESORT, MARKET, BEST],
                    "category": ["Salads"]},
        "parameters": {"metric": "revenue", "grain": "month"}},
}
NOTHING = {"filters": {"state": ["Pennsylvania"], "city": ["Chicago"]}}


def context(view: dict) -> QueryContext:
    base = QueryContext.defaults(DASHBOARD)
    return QueryContext(DASHBOARD, {**base.filters, **view.get("filters", {})},
                        {**base.parameters, **view.get("parameters", {})})


# The independent computation ------------------------------------------------------------------------


class Reference:
    """The same numbers, computed with pandas from whole tables."""

    def __init__(self, small_data):
        # A plain DuckDB connection cannot open the file while the engine's pooled one (other settings)
        # holds it; the engine reconnects on its next query.
        small_data.engine.dispose()
        self.stores = small_data.frame("r_stores")
        keys = self.stores[["store_id", "address", "city", "state", "state_code"]]
        self.sales = small_data.frame("r_sales").merge(keys, on="store_id")
        self.calls = small_data.frame("r_support_calls").merge(keys, on="store_id")
        for frame in (self.sales, self.calls):
            frame["day"] = pd.to_datetime(frame["day"])
        self.categories = small_data.frame("r_categories").sort_values("sort_order")["category"].tolist()

    # filtering

    @staticmethod
    def _period(frame, ctx, period=None):
        start, end = (pd.Timestamp(d) for d in (period or ctx.date_range()))
        return frame[(frame["day"] >= start) & (frame["day"] <= end)]

    @staticmethod
    def _location(frame, ctx):
        for control, column in (("state", "state"), ("city", "city"), ("address", "address")):
            values = ctx.values(control)
            if values:
                frame = frame[frame[column].isin(values)]
        return frame

    def sales_in(self, ctx, period=None, location=True):
        frame = self._period(self.sales, ctx, period)
        if location:
            frame = self._location(frame, ctx)
        if ctx.values("category"):
            frame = frame[frame["category"].isin(ctx.values("category"))]
        return frame

    def calls_in(self, ctx, period=None, location=True):
        frame = self._period(self.calls, ctx, period)
        return self._location(frame, ctx) if location else frame

    # helpers

    @staticmethod
    def bucket(days, grain):
        if grain == "day":
            return days
        if grain == "week":
            return days - pd.to_timedelta((days.dt.day_of_week + 1) % 7, unit="D")
        return days.dt.to_period("M").dt.start_time

    @staticmethod
    def metric(frame, keys, metric):
        grouped = frame.groupby(keys, sort=True)[["revenue", "orders"]].sum()
        if metric == "avg_ticket":
            return grouped["revenue"] / grouped["orders"]
        return grouped[metric].astype(float)

    def n_stores(self):
        return len(self.stores)

    # the views' stores

    def compared(self, ctx):
        selected = self._location(self.stores, ctx)
        if len(ctx.values("address") or []) >= 2 and len(selected) >= 2:
            return selected.sort_values("address").assign(role="selected")
        ranked = self.ranking(ctx)
        if ranked.empty:
            return ranked
        best, worst = ranked.iloc[[0]].assign(role="best"), ranked.iloc[[-1]].assign(role="worst")
        return best if len(ranked) == 1 else pd.concat([best, worst])

    def ranking(self, ctx):
        sales = self.sales_in(ctx.with_filters(address=[]))
        totals = sales.groupby(["store_id", "address"])["revenue"].sum().reset_index()
        return totals.sort_values(["revenue", "address"], ascending=[False, True]).reset_index(drop=True)

    def owner(self, ctx):
        addresses = sorted(ctx.values("address") or [])
        matching = self._location(self.stores, ctx).sort_values("address")
        if addresses and not matching.empty:
            return matching.iloc[0]
        ranked = self.ranking(ctx)
        return None if ranked.empty else ranked.iloc[-1]


@pytest.fixture(scope="module")
def ref(small_data) -> Reference:
    return Reference(small_data)


def assert_same(actual: pd.DataFrame, expected: pd.DataFrame):
    actual = actual.reset_index(drop=True)
    expected = expected.reset_index(drop=True)
    assert list(actual.columns) == list(expected.columns)
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False, rtol=1e-9, check_exact=False)


def ids_of(frame: pd.DataFrame, ref: Reference) -> pd.Series:
    return frame["address"].map(ref.stores.set_index("address")["store_id"])


def days_of_week_in(week: pd.Timestamp, ctx: QueryContext) -> int:
    start, end = (pd.Timestamp(d) for d in ctx.date_range())
    return sum(start <= day <= end for day in pd.date_range(week, periods=7))


ALL_VIEWS = pytest.mark.parametrize("view", list(VIEWS))


# Overview -------------------------------------------------------------------------------------------


@ALL_VIEWS
def test_rqry001_kpis(small_data, ref, view):
    ctx = context(VIEWS[view])
    actual = queries.kpis(small_data.engine, ctx)
    now, before = ref.sales_in(ctx), ref.sales_in(ctx, period=ctx.previous_range())
    calls_now, calls_before = ref.calls_in(ctx), ref.calls_in(ctx, period=ctx.previous_range())

    def figures(sales, calls):
        revenue, orders = sales["revenue"].sum(), float(sales["orders"].sum())
        return [revenue if len(sales) else np.nan, orders if len(sales) else np.nan,
                revenue / orders if orders else np.nan, calls["score"].mean()]

    expected = pd.DataFrame({"kpi": ["Revenue", "Orders", "Average ticket", "Support score"],
                             "value": figures(now, calls_now), "previous": figures(before, calls_before),
                             "format": ["money", "int", "money", "decimal"],
                             "better": ["higher", "higher", "higher", "lower"]})
    assert_same(actual, expected)


def test_rqry002_kpis_previous_period_is_the_year_before(small_data, ref):
    ctx = context(VIEWS["original"])
    frame = queries.kpis(small_data.engine, ctx).set_index("kpi")
    revenue_2021 = ref.sales[ref.sales["day"].dt.year == 2021]["revenue"].sum()
    assert frame.at["Revenue", "previous"] == pytest.approx(revenue_2021)
    assert frame.at["Revenue", "value"] > frame.at["Revenue", "previous"]


@ALL_VIEWS
def test_rqry003_by_state(small_data, ref, view):
    ctx = context(VIEWS[view])
    metric = ctx.param("metric")
    actual = queries.by_state(small_data.engine, ctx)
    sales = ref.sales_in(ctx)
    expected = pd.DataFrame({
        metric: ref.metric(sales, ["state", "state_code"], metric),
        "stores": sales.groupby(["state", "state_code"])["store_id"].nunique(),
    }).reset_index()[["state", "state_code", "stores", metric]]
    assert_same(actual, expected)


def test_rqry004_states_add_up_to_the_total(small_data):
    ctx = context(VIEWS["original"])
    states = queries.by_state(small_data.engine, ctx)
    total = queries.kpis(small_data.engine, ctx).set_index("kpi").at["Revenue", "value"]
    trend = queries.trend(small_data.engine, ctx)
    categories = queries.by_category(small_data.engine, ctx)
    assert states["revenue"].sum() == pytest.approx(total)
    assert trend["revenue"].sum() == pytest.approx(total)
    assert categories["revenue"].sum() == pytest.approx(total)
    assert states["stores"].sum() == 48


@ALL_VIEWS
def test_rqry005_trend(small_data, ref, view):
    ctx = context(VIEWS[view])
    metric, grain = ctx.param("metric"), ctx.param("grain")
    actual = queries.trend(small_data.engine, ctx)
    sales = ref.sales_in(ctx).assign(period=lambda f: ref.bucket(f["day"], grain))
    expected = ref.metric(sales, "period", metric).rename(metric).reset_index()
    assert_same(actual, expected)


def test_rqry006_weeks_start_on_sunday(small_data):
    ctx = context(VIEWS["pa-december-weekly-ticket"])
    periods = queries.trend(small_data.engine, ctx)["period"]
    assert list(periods) == list(pd.date_range("2021-11-28", "2021-12-26", freq="7D"))
    assert (periods.dt.day_of_week == 6).all()


@ALL_VIEWS
def test_rqry007_by_category(small_data, ref, view):
    ctx = context(VIEWS[view])
    metric = ctx.param("metric")
    actual = queries.by_category(small_data.engine, ctx)
    sales = ref.sales_in(ctx)
    expected = pd.DataFrame({metric: ref.metric(sales, "category", metric),
                             "items_sold": sales.groupby("category")["items_sold"].sum().astype(float)})
    expected = expected.reindex([c for c in ref.categories if c in expected.index]).rename_axis("category")
    assert_same(actual, expected.reset_index())


@ALL_VIEWS
def test_rqry008_support_trend(small_data, ref, view):
    ctx = context(VIEWS[view])
    actual = queries.support_trend(small_data.engine, ctx)
    calls = ref.calls_in(ctx).assign(period=lambda f: ref.bucket(f["day"], ctx.param("grain")))
    expected = calls.groupby(["period", "category"])["score"].agg(calls="size", score="mean").reset_index()
    expected["_order"] = expected["category"].map(SUPPORT_ORDER.index)
    expected = expected.sort_values(["period", "_order"]).drop(columns="_order")
    assert_same(actual, expected)


@ALL_VIEWS
def test_rqry009_top_stores(small_data, ref, view):
    ctx = context(VIEWS[view])
    metric = ctx.param("metric")
    actual = queries.top_stores(small_data.engine, ctx)
    sales = ref.sales_in(ctx)
    totals = sales.groupby("store_id")[["revenue", "orders"]].sum().astype(float)
    totals["avg_ticket"] = totals["revenue"] / totals["orders"]
    totals["support_score"] = ref.calls_in(ctx, location=False).groupby("store_id")["score"].mean()
    stores = ref.stores.set_index("store_id")
    expected = totals.join(stores[["address", "city", "state_code", "owner"]]).rename(
        columns={"state_code": "state"})
    expected = expected.sort_values([metric, "address"], ascending=[False, True]).head(10)
    expected.insert(0, "rank", range(1, len(expected) + 1))
    columns = ["rank", "address", "city", "state", "owner", "revenue", "orders", "avg_ticket", "support_score"]
    assert_same(actual, expected[columns])


# Store comparison -----------------------------------------------------------------------------------


def test_rqry010_compared_stores_best_and_worst_without_selection(small_data, ref):
    stores = queries.compared_stores(small_data.engine, context(VIEWS["original"]))
    assert list(stores["address"]) == [BEST, RESORT]
    assert list(stores["role"]) == ["best", "worst"]


def test_rqry011_compared_stores_are_the_selection(small_data):
    stores = queries.compared_stores(small_data.engine, context(VIEWS["three-addresses"]))
    assert list(stores["address"]) == sorted([RESORT, MARKET, BEST])
    assert set(stores["role"]) == {"selected"}


def test_rqry012_one_selected_address_falls_back_within_other_filters(small_data, ref):
    ctx = context({"filters": {"state": ["California"], "address": [RESORT]}})
    stores = queries.compared_stores(small_data.engine, ctx)
    ranked = ref.ranking(ctx.with_filters(address=[]))
    california = ranked[ranked["store_id"].isin(ref.stores.loc[ref.stores["state"] == "California", "store_id"])]
    assert list(stores["address"]) == [california["address"].iloc[0], california["address"].iloc[-1]]
    assert list(stores["role"]) == ["best", "worst"]


@ALL_VIEWS
def test_rqry013_compare_trend(small_data, ref, view):
    ctx = context(VIEWS[view])
    metric, grain = ctx.param("metric"), ctx.param("grain")
    actual = queries.compare_trend(small_data.engine, ctx)
    stores = ref.compared(ctx)
    sales = ref.sales_in(ctx, location=False)
    sales = sales[sales["store_id"].isin(stores["store_id"])].assign(period=lambda f: ref.bucket(f["day"], grain))
    values = ref.metric(sales, ["address", "period"], metric).rename(metric).reset_index()
    parts = [values[values["address"] == a].assign(role=r) for a, r in zip(stores["address"], stores["role"],
                                                                            strict=True)]
    expected = pd.concat(parts)[["period", "address", "role", metric]]
    assert_same(actual, expected)


@ALL_VIEWS
def test_rqry014_compare_category_mix(small_data, ref, view):
    ctx = context(VIEWS[view])
    basis = "orders" if ctx.param("metric") == "orders" else "revenue"
    actual = queries.compare_category_mix(small_data.engine, ctx)
    stores = ref.compared(ctx)
    sales = ref.sales_in(ctx, location=False)
    parts = []
    for address, role in zip(stores["address"], stores["role"], strict=True):
        mine = sales[sales["address"] == address].groupby("category")[basis].sum().astype(float)
        mine = mine.reindex([c for c in ref.categories if c in mine.index])
        parts.append(pd.DataFrame({"address": address, "role": role, "category": mine.index,
                                   basis: mine.values, "share": (mine / mine.sum()).values}))
    assert_same(actual, pd.concat(parts))
    assert actual.groupby("address")["share"].sum().round(9).eq(1).all()


@ALL_VIEWS
def test_rqry015_compare_weekly_sales(small_data, ref, view):
    ctx = context(VIEWS[view])
    actual = queries.compare_weekly_sales(small_data.engine, ctx)
    stores = ref.compared(ctx)
    sales = ref.sales_in(ctx, location=False).assign(week_start=lambda f: ref.bucket(f["day"], "week"))
    parts = []
    for address, role in zip(stores["address"], stores["role"], strict=True):
        weekly = sales[sales["address"] == address].groupby("week_start")[["items_sold", "revenue"]].sum()
        parts.append(weekly.astype(float).reset_index().assign(address=address, role=role))
    chain = sales.groupby("week_start")[["items_sold", "revenue"]].sum() / ref.n_stores()
    parts.append(chain.reset_index().assign(address="Chain average", role="average"))
    expected = pd.concat(parts)[["week_start", "address", "role", "items_sold", "revenue"]]
    expected.insert(1, "days_in_range", expected["week_start"].map(lambda w: days_of_week_in(w, ctx)))
    assert_same(actual, expected)


@ALL_VIEWS
def test_rqry016_compare_support(small_data, ref, view):
    ctx = context(VIEWS[view])
    actual = queries.compare_support(small_data.engine, ctx)
    stores = ref.compared(ctx)
    calls = ref.calls_in(ctx, location=False)
    parts = []
    for address, role in zip(stores["address"], stores["role"], strict=True):
        mine = calls[calls["address"] == address].groupby("category")["score"].agg(calls="size", score="mean")
        mine = mine.reindex([c for c in SUPPORT_ORDER if c in mine.index]).reset_index()
        parts.append(mine.assign(address=address, role=role))
    expected = pd.concat(parts)[["address", "role", "category", "calls", "score"]]
    assert_same(actual, expected)


@ALL_VIEWS
def test_rqry017_compare_summary(small_data, ref, view):
    ctx = context(VIEWS[view])
    actual = queries.compare_summary(small_data.engine, ctx)
    stores = ref.compared(ctx)
    sales, calls = ref.sales_in(ctx, location=False), ref.calls_in(ctx, location=False)
    rows = []
    for store in stores.itertuples():
        mine, support = sales[sales["store_id"] == store.store_id], calls[calls["store_id"] == store.store_id]
        info = ref.stores.set_index("store_id").loc[store.store_id]
        revenue, orders = mine["revenue"].sum(), float(mine["orders"].sum())
        rows.append({"address": store.address, "role": store.role, "city": info["city"],
                     "state": info["state_code"], "owner": info["owner"], "revenue": revenue, "orders": orders,
                     "avg_ticket": revenue / orders, "items_sold": float(mine["items_sold"].sum()),
                     "support_calls": len(support), "support_score": support["score"].mean()})
    assert_same(actual, pd.DataFrame(rows))


# Owner view -----------------------------------------------------------------------------------------


def test_rqry018_owner_store(small_data):
    engine = small_data.engine
    assert queries.owner_store(engine, context(VIEWS["original"])).at[0, "address"] == RESORT
    chosen = queries.owner_store(engine, context(VIEWS["three-addresses"]))
    assert (chosen.at[0, "address"], chosen.at[0, "role"]) == (sorted([RESORT, MARKET, BEST])[0], "selected")
    # Without a selection: the lowest-revenue store within the filters.
    california = queries.owner_store(engine, context({"filters": {"state": ["California"]}}))
    ranked = queries.top_stores(engine, context({"filters": {"state": ["California"]}}), limit=100)
    assert california.at[0, "address"] == ranked["address"].iloc[-1]
    assert california.at[0, "role"] == "lowest"


@ALL_VIEWS
def test_rqry019_owner_monthly(small_data, ref, view):
    ctx = context(VIEWS[view])
    metric = ctx.param("metric")
    actual = queries.owner_monthly(small_data.engine, ctx)
    store = ref.owner(ctx)
    sales = ref.sales_in(ctx, location=False).assign(month=lambda f: ref.bucket(f["day"], "month"))
    mine = sales[sales["store_id"] == store["store_id"]]
    chain = ref.metric(sales, "month", metric)
    if metric != "avg_ticket":
        chain = chain / ref.n_stores()
    expected = pd.DataFrame({"address": store["address"], metric: ref.metric(mine, "month", metric),
                             f"chain_average_{metric}": chain}).rename_axis("month").reset_index()
    assert_same(actual, expected)


@ALL_VIEWS
def test_rqry020_owner_weekly(small_data, ref, view):
    ctx = context(VIEWS[view])
    actual = queries.owner_weekly(small_data.engine, ctx)
    store = ref.owner(ctx)
    sales = ref.sales_in(ctx, location=False).assign(week_start=lambda f: ref.bucket(f["day"], "week"))
    chain = sales.groupby("week_start")[["items_sold", "revenue"]].sum()
    mine = sales[sales["store_id"] == store["store_id"]].groupby("week_start")[["items_sold", "revenue"]].sum()
    mine = mine.reindex(chain.index, fill_value=0)
    expected = pd.DataFrame({"address": store["address"], "items_sold": mine["items_sold"].astype(float),
                             "chain_average_items_sold": chain["items_sold"] / ref.n_stores(),
                             "revenue": mine["revenue"],
                             "chain_average_revenue": chain["revenue"] / ref.n_stores()}).reset_index()
    expected.insert(1, "days_in_range", expected["week_start"].map(lambda w: days_of_week_in(w, ctx)))
    assert_same(actual, expected)


@ALL_VIEWS
def test_rqry021_owner_support(small_data, ref, view):
    ctx = context(VIEWS[view])
    actual = queries.owner_support(small_data.engine, ctx)
    store = ref.owner(ctx)
    calls = ref.calls_in(ctx, location=False)
    mine = calls[calls["store_id"] == store["store_id"]].groupby("category")["score"].agg(["size", "mean"])
    chain = calls.groupby("category")["score"].agg(["size", "mean"]).reindex(SUPPORT_ORDER)
    mine = mine.reindex(chain.index)
    expected = pd.DataFrame({"address": store["address"], "calls": mine["size"].fillna(0),
                             "score": mine["mean"], "chain_average_calls": chain["size"] / ref.n_stores(),
                             "chain_average_score": chain["mean"]}).rename_axis("category").reset_index()
    assert_same(actual, expected)


@ALL_VIEWS
def test_rqry022_owner_support_trend(small_data, ref, view):
    ctx = context(VIEWS[view])
    actual = queries.owner_support_trend(small_data.engine, ctx)
    store = ref.owner(ctx)
    calls = ref.calls_in(ctx, location=False).assign(month=lambda f: ref.bucket(f["day"], "month"))
    mine = calls[calls["store_id"] == store["store_id"]]
    expected = mine.groupby(["month", "category"])["score"].agg(calls="size", score="mean").reset_index()
    expected["_order"] = expected["category"].map(SUPPORT_ORDER.index)
    expected = expected.sort_values(["month", "_order"]).drop(columns="_order")
    expected.insert(1, "address", store["address"])
    assert_same(actual, expected)


@ALL_VIEWS
def test_rqry023_owner_profile(small_data, ref, view):
    ctx = context(VIEWS[view])
    actual = queries.owner_profile(small_data.engine, ctx)
    store = ref.owner(ctx)
    totals = ref.sales_in(ctx, location=False).groupby("store_id")["revenue"].sum()
    info = ref.stores.set_index("store_id").loc[store["store_id"]]
    revenue, average = totals[store["store_id"]], totals.sum() / ref.n_stores()
    assert len(actual) == 1
    row = actual.iloc[0]
    assert (row["address"], row["city"], row["state"], row["owner"]) == (
        info["address"], info["city"], info["state"], info["owner"])
    assert row["revenue"] == pytest.approx(revenue)
    assert row["chain_average_revenue"] == pytest.approx(average)
    assert row["revenue_rank"] == int((totals > revenue).sum()) + 1
    assert row["vs_chain_average"] == pytest.approx(revenue / average - 1)
    assert row["shown_because"] == ("selected address" if ctx.values("address") else
                                    "lowest revenue within the filters")


# Filters that match nothing, options, safety ---------------------------------------------------------

VISUAL_QUERIES = [v.query for s in DASHBOARD.sheets for v in s.visuals]


@pytest.mark.parametrize("query", VISUAL_QUERIES, ids=lambda q: q.__name__)
def test_rqry024_filter_matching_nothing_gives_no_rows(small_data, query):
    assert queries.kpis(small_data.engine, context(VIEWS["original"])).shape[0] == 4
    frame = query(small_data.engine, context(NOTHING))
    assert frame.empty


def test_rqry025_category_matching_nothing_empties_sales(small_data):
    ctx = context({"filters": {"category": ["Sushi"]}})
    assert queries.trend(small_data.engine, ctx).empty
    assert queries.by_state(small_data.engine, ctx).empty
    assert queries.compare_trend(small_data.engine, ctx).empty


def test_rqry026_options_narrow_each_other(small_data, ref):
    engine = small_data.engine
    states = queries.state_options(engine, context({}))
    assert len(states) >= 8 and {o.value for o in states} >= {"Pennsylvania", "New York"}
    pa = context({"filters": {"state": ["Pennsylvania"]}})
    assert [o.value for o in queries.city_options(engine, pa)] == ["Harrisburg", "Philadelphia"]
    addresses = queries.address_options(engine, pa)
    assert [o.value for o in addresses] == [RESORT, MARKET]
    assert addresses[0].label == "10 Resort Plz — Harrisburg, PA"
    harrisburg = context({"filters": {"state": ["Pennsylvania"], "city": ["Harrisburg"]}})
    assert [o.value for o in queries.address_options(engine, harrisburg)] == [RESORT]
    everything = [o.value for o in queries.address_options(engine, context({}))]
    assert everything == sorted(ref.stores["address"])
    assert [o.value for o in queries.category_options(engine, context({}))] == [
        "Burgers", "Pizza", "Sandwiches", "Salads", "Desserts", "Beverages"]


def test_rqry027_user_values_are_bound_not_inlined(small_data, monkeypatch):
    seen: list[str] = []
    original = small_data.engine.query

    def spy(sql, params=None):
        seen.append(sql)
        return original(sql, params)

    monkeypatch.setattr(small_data.engine, "query", spy)
    hostile = "x' OR '1'='1"
    ctx = context({"filters": {"state": [hostile], "city": [hostile], "address": [hostile, "y"],
                               "category": [hostile]}})
    for query in VISUAL_QUERIES:
        assert query(small_data.engine, ctx).empty
    assert seen and not any(hostile in sql for sql in seen)


def test_rqry028_unknown_parameters_are_refused(small_data):
    with pytest.raises(ValueError):
        queries.trend(small_data.engine, context({"parameters": {"metric": "revenue; DROP TABLE r_sales"}}))
    with pytest.raises(ValueError):
        queries.trend(small_data.engine, context({"parameters": {"grain": "year"}}))


# The seed presentation, through the queries ---------------------------------------------------------


def test_rqry029_pennsylvania_december_comparison(small_data):
    """Bookmark 3: the two Pennsylvania stores in December 2021, weekly product sales."""
    ctx = context({"filters": {"date_range": ("2021-12-01", "2021-12-31"), "state": ["Pennsylvania"],
                               "address": [RESORT, MARKET]}, "parameters": {"grain": "week"}})
    weekly = queries.compare_weekly_sales(small_data.engine, ctx)
    table = weekly.pivot(index="week_start", columns="address", values="items_sold")
    storm = pd.Timestamp("2021-12-19")
    days = weekly.drop_duplicates("week_start").set_index("week_start")["days_in_range"]
    assert days.to_dict() == {pd.Timestamp("2021-11-28"): 4, pd.Timestamp("2021-12-05"): 7,
                              pd.Timestamp("2021-12-12"): 7, storm: 7, pd.Timestamp("2021-12-26"): 6}
    for address in (RESORT, MARKET):
        assert table[address].idxmin() == storm
        assert table.at[storm, address] < table.at[storm, "Chain average"]


def test_rqry030_owner_view_december(small_data):
    """Bookmark 2: the owner view of 10 Resort Plz in December 2021."""
    ctx = context({"filters": {"date_range": ("2021-12-01", "2021-12-31"), "city": ["Harrisburg"],
                               "address": [RESORT]}})
    monthly = queries.owner_monthly(small_data.engine, ctx)
    assert len(monthly) == 1 and monthly.at[0, "revenue"] < monthly.at[0, "chain_average_revenue"]
    support = queries.owner_support(small_data.engine, ctx).set_index("category")
    assert support["score"].idxmax() == "restaurant"
    assert support.at["restaurant", "score"] > support.at["restaurant", "chain_average_score"]
    weekly = queries.owner_weekly(small_data.engine, ctx)
    assert weekly.set_index("week_start")["items_sold"].idxmin() == pd.Timestamp("2021-12-19")


def test_rqry031_store_labels_order_rows_by_store_then_time_then_sort_key():
    stores = pd.DataFrame({"store_id": [7, 3], "address": ["7 Elm St", "3 Oak Ave"], "role": ["best", "worst"]})
    frame = pd.DataFrame({
        "period": pd.to_datetime(["2022-02-01", "2022-01-01", "2022-01-01", "2022-01-01", "2022-01-01"]),
        "store_id": [3, 3, 9, 7, 7],                  # store 9 is not compared: its row is dropped
        "_sort": [1, 2, 1, 2, 1],
        "revenue": [30.0, 20.0, 99.0, 72.0, 71.0],
    })
    labelled = queries._label_stores(frame, stores)
    assert list(labelled.columns) == ["period", "address", "role", "revenue"]
    assert labelled["address"].tolist() == ["7 Elm St", "7 Elm St", "3 Oak Ave", "3 Oak Ave"]
    assert labelled["role"].tolist() == ["best", "best", "worst", "worst"]
    assert labelled["revenue"].tolist() == [71.0, 72.0, 20.0, 30.0]   # by time, then by _sort
    assert labelled["period"].dtype == frame["period"].dtype
    nobody = queries._label_stores(frame[frame["store_id"] == 9], stores)
    assert nobody.empty and list(nobody.columns) == ["period", "address", "role", "revenue"]


def test_rqry032_weekly_sales_list_each_store_then_the_chain_average(small_data):
    ctx = context({"filters": {"date_range": ("2022-03-01", "2022-03-31")}})
    weekly = queries.compare_weekly_sales(small_data.engine, ctx)
    stores = queries.compared_stores(small_data.engine, ctx)
    roles = weekly["role"].tolist()
    assert roles == sorted(roles, key=[*stores["role"], "average"].index)          # stores first, then the chain
    assert (weekly.loc[weekly["role"] == "average", "address"] == "Chain average").all()
    assert weekly["week_start"].dtype.kind == "M" and weekly["days_in_range"].dtype == "int64"
    first = weekly["week_start"].min()
    assert weekly.loc[weekly["week_start"] == first, "days_in_range"].iloc[0] == (
        7 - (pd.Timestamp("2022-03-01") - first).days)
    for role in roles:
        assert weekly.loc[weekly["role"] == role, "week_start"].is_monotonic_increasing
