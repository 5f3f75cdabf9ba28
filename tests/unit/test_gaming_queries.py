"""Each iGaming query against an independent pandas computation on the small dataset's tables, for a few
filter and parameter combinations; and the brand restriction on every visual and every options query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pytest

from dashboards.gaming import DASHBOARD, options, queries
from dashboards.gaming._sql import METRICS
from dashboards.gaming.queries_players import FLAGGED_LIMIT
from declarations.context import QueryContext

DATE_COLUMNS = {"games": ["release_date"], "players": ["registered_on", "first_deposit_on"],
                "campaigns": ["start_date", "end_date"], "onboarding_events": ["started_on", "day"],
                "transactions": ["day"], "game_activity": ["day"], "campaign_activations": ["day"],
                "rg_weekly": ["week_start"]}


@dataclass
class Frames:
    brands: pd.DataFrame
    countries: pd.DataFrame
    affiliates: pd.DataFrame
    games: pd.DataFrame
    players: pd.DataFrame
    campaigns: pd.DataFrame
    onboarding_events: pd.DataFrame
    transactions: pd.DataFrame
    game_activity: pd.DataFrame
    campaign_activations: pd.DataFrame
    rg_weekly: pd.DataFrame


@pytest.fixture(scope="module")
def f(small_data) -> Frames:
    small_data.engine.dispose()   # the engine's pooled connection would block a plain DuckDB one
    loaded = {}
    for name in Frames.__dataclass_fields__:
        frame = small_data.frame(f"g_{name}")
        for col in DATE_COLUMNS.get(name, []):
            frame[col] = pd.to_datetime(frame[col])
        loaded[name] = frame
    return Frames(**loaded)


@pytest.fixture(scope="module")
def engine(small_data):
    return small_data.engine


def make_ctx(restrictions: dict | None = None, **changes) -> QueryContext:
    base = QueryContext.defaults(DASHBOARD)
    filters, params = dict(base.filters), dict(base.parameters)
    for key, value in changes.items():
        (filters if key in filters else params)[key] = value
    return QueryContext(DASHBOARD, filters, params, restrictions or {})


def _range(ctx: QueryContext) -> tuple[pd.Timestamp, pd.Timestamp]:
    d0, d1 = ctx.date_range()
    return pd.Timestamp(d0), pd.Timestamp(d1)


def _week(days: pd.Series) -> pd.Series:
    return days - pd.to_timedelta((days.dt.day_of_week + 1) % 7, unit="D")


def _bucket(days: pd.Series, grain: str) -> pd.Series:
    if grain == "day":
        return days
    if grain == "week":
        return _week(days)
    return days.dt.to_period("M" if grain == "month" else "Q").dt.start_time


def _trend_grain(ctx) -> str:
    d0, d1 = _range(ctx)
    days = (d1 - d0).days + 1
    return "day" if days <= 62 else "week" if days <= 400 else "month"


def _period_grain(ctx) -> str:
    d0, d1 = _range(ctx)
    return "week" if (d1 - d0).days + 1 <= 92 else "month"


# ------------------------------------------------------------------------------------------------
# the pandas side


def sel_players(f: Frames, ctx: QueryContext, campaign: bool = True) -> pd.DataFrame:
    p = f.players
    brands = ctx.values("brand")
    if brands is not None:
        p = p[p["brand_id"].isin(f.brands.loc[f.brands["code"].isin(brands), "brand_id"])]
    countries = ctx.values("country")
    if countries:
        p = p[p["country_code"].isin(countries)]
    affiliates = ctx.values("affiliate")
    if affiliates:
        ids = f.affiliates.loc[f.affiliates["code"].isin(affiliates), "affiliate_id"]
        p = p[p["affiliate_id"].isin(ids) | (p["affiliate_id"].isna() & ("organic" in affiliates))]
    campaigns = ctx.values("campaign")
    if campaign and campaigns:
        acts = f.campaign_activations
        p = p[p["player_id"].isin(acts.loc[acts["campaign_id"].isin(campaigns), "player_id"])]
    return p


def _of(frame: pd.DataFrame, players: pd.DataFrame, d0=None, d1=None, day="day") -> pd.DataFrame:
    out = frame[frame["player_id"].isin(players["player_id"])]
    if d0 is not None:
        out = out[out[day].between(d0, d1)]
    return out


def _games(frame: pd.DataFrame, ctx: QueryContext) -> pd.DataFrame:
    games = ctx.values("game")
    return frame[frame["game_id"].isin(games)] if games else frame


def metric_rows(f: Frames, ctx: QueryContext, metric_id: str, d0, d1) -> tuple[pd.DataFrame, str]:
    """Rows contributing to a metric, with a ``day`` and a ``value`` column, and the aggregation."""
    p = sel_players(f, ctx)
    m = METRICS[metric_id]
    if m.source == "tx":
        rows = _of(f.transactions, p, d0, d1)
        rows = rows[rows["kind"] == m.kind].assign(value=lambda r: r["amount"])
        how = "nunique" if metric_id == "depositors" else "sum"
    elif m.source == "game":
        rows = _games(_of(f.game_activity, p, d0, d1), ctx)
        rows = rows.assign(value=rows["bets"] - (rows["wins"] if metric_id == "ggr" else 0))
        how = "nunique" if metric_id == "active_players" else "sum"
    else:
        rows = p[p["registered_on"].between(d0, d1)].assign(day=lambda r: r["registered_on"], value=1.0)
        how = "sum"
    rows = rows.merge(f.players[["player_id", "age_group", "gender", "country_code", "affiliate_id",
                                 "registered_on"]].rename(columns={"registered_on": "reg"}),
                      on="player_id", suffixes=("_x", ""))
    return rows, how


def aggregate(rows: pd.DataFrame, how: str, by) -> pd.Series:
    grouped = rows.groupby(by, dropna=False)
    return grouped["player_id"].nunique() if how == "nunique" else grouped["value"].sum()


def assert_frames(actual: pd.DataFrame, expected: pd.DataFrame, keys: list[str], *, atol: float = 1e-6):
    assert not expected.empty, "the reference computation is empty: pick a combination with data"
    cols = list(expected.columns)
    a = actual[cols].copy()
    e = expected.copy()
    for frame in (a, e):
        for col in cols:
            if frame[col].dtype == object and len(frame) and isinstance(frame[col].iloc[0], date):
                frame[col] = pd.to_datetime(frame[col])
    a = a.sort_values(keys).reset_index(drop=True)
    e = e.sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, e, check_dtype=False, check_exact=False, rtol=1e-9, atol=atol)


# ------------------------------------------------------------------------------------------------
# combinations


def combos(f: Frames) -> dict[str, QueryContext]:
    aff = f.players.loc[f.players["brand_id"].isin([2, 4]), "affiliate_id"].dropna().astype(int)
    aff_code = f.affiliates.set_index("affiliate_id").loc[int(aff.mode().iloc[0]), "code"]
    aurora_campaigns = f.campaigns.loc[f.campaigns["brand_id"] == 1].sort_values("start_date")
    camp_2023 = aurora_campaigns[aurora_campaigns["start_date"].dt.year == 2023]["campaign_id"].head(3)
    return {
        "original": make_ctx(),
        "narrowed": make_ctx(date_range=("2023-03-01", "2023-08-15"), brand=["nova", "tidal"],
                             country=["GBR", "CAN", "NZL", "IRL"], affiliate=[aff_code, "organic"],
                             game=[int(g) for g in f.games["game_id"].iloc[-30:]],
                             metric="ggr", cohort_period="month", days_after=7),
        "campaigns": make_ctx(date_range=("2023-01-01", "2023-12-31"),
                              campaign=[int(c) for c in camp_2023], metric="active_players", days_after=30),
        "short": make_ctx(date_range=("2024-05-01", "2024-06-15"), brand=["aurora"], metric="new_registrations"),
    }


COMBOS = ("original", "narrowed", "campaigns", "short")


@pytest.fixture(scope="module")
def contexts(f) -> dict[str, QueryContext]:
    return combos(f)


# ------------------------------------------------------------------------------------------------
# KPIs


def kpi_reference(f: Frames, ctx: QueryContext) -> pd.DataFrame:
    def stats(d0, d1):
        p = sel_players(f, ctx)
        tx = _of(f.transactions, p, d0, d1)
        dep = tx[tx["kind"] == "deposit"]
        every_play = _of(f.game_activity, p, d0, d1)
        play = _games(every_play, ctx)
        reg = p[p["registered_on"].between(d0, d1)]
        bets, wins = play["bets"].sum(), play["wins"].sum()
        return {
            "Deposits": dep["amount"].sum(), "Withdrawals": tx.loc[tx["kind"] == "withdrawal", "amount"].sum(),
            "Bets": bets, "Gross game win": bets - wins, "Return to player": wins / bets if bets else np.nan,
            "Active customers": len(set(tx["player_id"]) | set(every_play["player_id"])),
            "Active players": play["player_id"].nunique(), "Unique depositing customers": dep["player_id"].nunique(),
            "New registrations": len(reg), "New depositing customers": int((reg["first_deposit_on"] <= d1).sum()),
            "First-time depositors": int(p["first_deposit_on"].between(d0, d1).sum()),
        }
    d0, d1 = _range(ctx)
    p0, p1 = (pd.Timestamp(d) for d in ctx.previous_range())
    value, previous, lifetime = stats(d0, d1), stats(p0, p1), stats(pd.Timestamp("2000-01-01"), d1)
    return pd.DataFrame({"kpi": list(value), "value": list(value.values()), "previous": list(previous.values()),
                         "lifetime": list(lifetime.values())})


@pytest.mark.parametrize("combo", COMBOS)
def test_gqry001_kpis(engine, f, contexts, combo):
    ctx = contexts[combo]
    actual = queries.kpis(engine, ctx)
    expected = kpi_reference(f, ctx)
    assert list(actual["kpi"]) == list(expected["kpi"])
    assert set(actual["format"]) <= {"money", "int", "pct", "decimal"}
    assert_frames(actual, expected, ["kpi"])


@pytest.mark.parametrize("combo", COMBOS)
def test_gqry002_kpi_trend(engine, f, contexts, combo):
    ctx = contexts[combo]
    metric = ctx.param("metric")
    d0, d1 = _range(ctx)
    p0, p1 = (pd.Timestamp(d) for d in ctx.previous_range())
    parts = []
    for label, lo, hi, shift in (("Selected period", d0, d1, 0), ("Previous period", p0, p1, (d0 - p0).days)):
        rows, how = metric_rows(f, ctx, metric, lo, hi)
        shifted = rows["day"] + pd.Timedelta(days=shift)
        if _trend_grain(ctx) == "week":     # 7-day blocks from the start of the period
            bucket = d0 + pd.to_timedelta((shifted - d0).dt.days // 7 * 7, unit="D")
        else:
            bucket = _bucket(shifted, _trend_grain(ctx))
        bucket = bucket.rename("period_start")
        parts.append(aggregate(rows, how, bucket).rename(metric).reset_index().assign(period=label))
    expected = pd.concat(parts)[["period", "period_start", metric]]
    assert_frames(queries.kpi_trend(engine, ctx), expected, ["period", "period_start"])


# ------------------------------------------------------------------------------------------------
# Affiliates and demographics


def _affiliate_names(f: Frames, ids: pd.Series) -> pd.Series:
    names = f.affiliates.set_index("affiliate_id")["name"]
    return ids.map(lambda i: "Organic (no affiliate)" if pd.isna(i) else names[int(i)])


@pytest.mark.parametrize("combo", COMBOS)
def test_gqry003_affiliate_performance(engine, f, contexts, combo):
    ctx = contexts[combo]
    d0, d1 = _range(ctx)
    p = sel_players(f, ctx)
    reg = p[p["registered_on"].between(d0, d1)]
    dep = _of(f.transactions, p, d0, d1).query("kind == 'deposit'").merge(p[["player_id", "affiliate_id"]])
    play = _games(_of(f.game_activity, p, d0, d1), ctx).merge(p[["player_id", "affiliate_id"]])
    expected = pd.concat({
        "players": reg.groupby(_affiliate_names(f, reg["affiliate_id"])).size(),
        "depositors": reg.groupby(_affiliate_names(f, reg["affiliate_id"]))["first_deposit_on"].apply(
            lambda s: (s <= d1).sum()),
        "deposits": dep.groupby(_affiliate_names(f, dep["affiliate_id"]))["amount"].sum(),
        "revenue": (play["bets"] - play["wins"]).groupby(_affiliate_names(f, play["affiliate_id"])).sum(),
    }, axis=1).fillna(0).rename_axis("affiliate").reset_index()
    expected["conversion"] = expected["depositors"] / expected["players"].replace(0, np.nan)
    actual = queries.affiliate_performance(engine, ctx)
    assert_frames(actual, expected, ["affiliate"])
    assert list(actual["revenue"]) == sorted(actual["revenue"], reverse=True)


@pytest.mark.parametrize("combo", COMBOS)
def test_gqry004_affiliate_trend(engine, f, contexts, combo):
    ctx = contexts[combo]
    metric = ctx.param("metric")
    rows, how = metric_rows(f, ctx, metric, *_range(ctx))
    by = [_bucket(rows["day"], _period_grain(ctx)).rename("period_start"),
          _affiliate_names(f, rows["affiliate_id"]).rename("affiliate")]
    expected = aggregate(rows, how, by).rename(metric).reset_index()
    assert_frames(queries.affiliate_trend(engine, ctx), expected, ["period_start", "affiliate"])


@pytest.mark.parametrize("combo", COMBOS)
@pytest.mark.parametrize("query, column", [(queries.metric_by_age, "age_group"),
                                            (queries.metric_by_gender, "gender"),
                                            (queries.metric_by_country, "country_code")])
def test_gqry005_metric_by_demographic(engine, f, contexts, combo, query, column):
    ctx = contexts[combo]
    metric = ctx.param("metric")
    rows, how = metric_rows(f, ctx, metric, *_range(ctx))
    expected = aggregate(rows, how, column).rename(metric).reset_index()
    assert_frames(query(engine, ctx), expected, [column])


@pytest.mark.parametrize("combo", COMBOS)
def test_gqry006_deposits_by_tenure(engine, f, contexts, combo):
    ctx = contexts[combo]
    rows, _ = metric_rows(f, ctx, "deposits", *_range(ctx))
    age = (rows["day"] - rows["reg"]).dt.days
    band = pd.Series(np.select([age <= 90, age <= 365], ["0–90 days", "91–365 days"], "Over 365 days"),
                     index=rows.index, name="band")
    bucket = _bucket(rows["day"], _period_grain(ctx)).rename("period_start")
    expected = rows.groupby([bucket, band])["value"].sum().rename("deposits").reset_index()
    expected["share"] = expected["deposits"] / expected.groupby("period_start")["deposits"].transform("sum")
    assert_frames(queries.deposits_by_tenure(engine, ctx), expected, ["period_start", "band"])


# ------------------------------------------------------------------------------------------------
# Cohorts


def cohort_players(f: Frames, ctx: QueryContext) -> tuple[pd.DataFrame, str]:
    grain = ctx.param("cohort_period")
    freq, months, lookback = ("Q", 3, 8) if grain == "quarter" else ("M", 1, 12)
    d0, d1 = _range(ctx)
    last = d1.to_period(freq).start_time
    w0 = min(d0.to_period(freq).start_time, last - pd.DateOffset(months=months * (lookback - 1)))
    p = sel_players(f, ctx)
    p = p[p["registered_on"].between(w0, d1) & (p["first_deposit_on"] <= d1)].copy()
    p["cohort_start"] = p["registered_on"].dt.to_period(freq).dt.start_time
    return p, freq


def _index(days: pd.Series, freq: str) -> pd.Series:
    return days.dt.year * (4 if freq == "Q" else 12) + (days.dt.quarter if freq == "Q" else days.dt.month)


@pytest.mark.parametrize("combo", COMBOS)
def test_gqry007_cohort_deposits(engine, f, contexts, combo):
    ctx = contexts[combo]
    p, freq = cohort_players(f, ctx)
    dep = f.transactions[(f.transactions["kind"] == "deposit") & (f.transactions["day"] <= _range(ctx)[1])]
    dep = dep.merge(p[["player_id", "cohort_start", "registered_on"]], on="player_id")
    dep["period_index"] = _index(dep["day"], freq) - _index(dep["registered_on"], freq)
    expected = dep.groupby(["cohort_start", "period_index"])["amount"].sum().rename("deposits").reset_index()
    expected["depositors"] = expected["cohort_start"].map(p.groupby("cohort_start").size())
    expected["adpu"] = expected["deposits"] / expected["depositors"]
    actual = queries.cohort_deposits(engine, ctx)
    assert_frames(actual, expected, ["cohort_start", "period_index"])
    if combo == "original":     # eight quarterly cohorts up to the end of the period
        assert actual["cohort_start"].nunique() == 8 and actual["period_index"].max() == 7


@pytest.mark.parametrize("combo", COMBOS)
def test_gqry008_cohort_churn(engine, f, contexts, combo):
    ctx = contexts[combo]
    p, freq = cohort_players(f, ctx)
    d1 = _range(ctx)[1]
    w0 = p["cohort_start"].min()
    act = pd.concat([f.transactions[["player_id", "day"]], f.game_activity[["player_id", "day"]]])
    act = act[act["day"].between(w0, d1)].merge(p[["player_id", "cohort_start", "registered_on"]])
    act["period_index"] = _index(act["day"], freq) - _index(act["registered_on"], freq)
    expected = act.groupby(["cohort_start", "period_index"])["player_id"].nunique().rename(
        "active_players").reset_index()
    expected["depositors"] = expected["cohort_start"].map(p.groupby("cohort_start").size())
    expected["churn"] = 1 - expected["active_players"] / expected["depositors"]
    assert_frames(queries.cohort_churn(engine, ctx), expected, ["cohort_start", "period_index"])


# ------------------------------------------------------------------------------------------------
# Onboarding


def onboarding_reference(f: Frames, ctx: QueryContext) -> pd.DataFrame:
    events = f.onboarding_events
    events = events[events["started_on"].between(*_range(ctx))]
    brands = ctx.values("brand")
    if brands is not None:
        events = events[events["brand_id"].isin(f.brands.loc[f.brands["code"].isin(brands), "brand_id"])]
    if ctx.values("country"):
        events = events[events["country_code"].isin(ctx.values("country"))]
    return events


@pytest.mark.parametrize("combo", COMBOS)
def test_gqry009_onboarding_funnel_and_flow(engine, f, contexts, combo):
    ctx = contexts[combo]
    counts = onboarding_reference(f, ctx).groupby("step_no")["attempt_id"].nunique()
    expected = counts.reindex(range(1, 6), fill_value=0).rename("attempts").rename_axis("step_no").reset_index()
    expected.insert(1, "step", ["Registration started", "Email verified", "KYC identity check",
                                "KYC address check", "First deposit"])
    expected["share_of_started"] = expected["attempts"] / expected["attempts"].iloc[0]
    funnel = queries.onboarding_funnel(engine, ctx)
    assert_frames(funnel, expected, ["step_no"])
    assert funnel["attempts"].is_monotonic_decreasing

    flow = queries.onboarding_flow(engine, ctx)
    n = expected.set_index("step")["attempts"]
    steps = list(n.index)
    for here, there in zip(steps, steps[1:], strict=False):
        out = flow[flow["source"] == here].set_index("target")["attempts"]
        assert out.get(there, 0) == n[there]
        assert out.get(f"Dropped before: {there}", 0) == n[here] - n[there]
        assert out.sum() == n[here]                      # every attempt at a step goes on or drops out
    assert (flow["attempts"] > 0).all()


@pytest.mark.parametrize("combo", COMBOS)
def test_gqry010_onboarding_by_country(engine, f, contexts, combo):
    ctx = contexts[combo]
    counts = onboarding_reference(f, ctx).groupby(["country_code", "step_no"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=range(1, 6), fill_value=0)
    conversion = counts / counts.shift(axis=1).replace(0, np.nan)
    expected = pd.concat({"attempts": counts.iloc[:, 1:].stack(), "step_conversion": conversion.iloc[:, 1:].stack()},
                         axis=1).reset_index()
    assert_frames(queries.onboarding_by_country(engine, ctx), expected, ["country_code", "step_no"])


# ------------------------------------------------------------------------------------------------
# Campaigns


def activations_of(f: Frames, ctx: QueryContext) -> pd.DataFrame:
    acts = f.campaign_activations
    if ctx.values("campaign"):
        acts = acts[acts["campaign_id"].isin(ctx.values("campaign"))]
    return acts[acts["player_id"].isin(sel_players(f, ctx, campaign=False)["player_id"])]


@pytest.mark.parametrize("combo", COMBOS)
def test_gqry011_campaign_deposits(engine, f, contexts, combo):
    ctx = contexts[combo]
    dep = _of(f.transactions, sel_players(f, ctx, campaign=False), *_range(ctx)).query("kind == 'deposit'")
    dep = dep.reset_index(drop=True).rename_axis("row").reset_index()
    pairs = dep.merge(activations_of(f, ctx)[["player_id", "day"]].rename(columns={"day": "activated"}))
    offset = (pairs["day"] - pairs["activated"]).dt.days
    attributed = set(pairs.loc[offset.between(0, 29), "row"])
    dep["campaign"] = np.where(dep["row"].isin(attributed), dep["amount"], 0.0)
    bucket = _bucket(dep["day"], _period_grain(ctx)).rename("period_start")
    expected = dep.groupby(bucket).agg(all_deposits=("amount", "sum"), campaign_deposits=("campaign", "sum"))
    expected = expected.reset_index()
    actual = queries.campaign_deposits(engine, ctx)
    assert_frames(actual, expected, ["period_start"])
    assert (actual["campaign_deposits"] <= actual["all_deposits"]).all()


@pytest.mark.parametrize("combo", COMBOS)
def test_gqry012_activated_by_country(engine, f, contexts, combo):
    ctx = contexts[combo]
    acts = activations_of(f, ctx)
    acts = acts[acts["day"].between(*_range(ctx))].merge(f.players[["player_id", "country_code"]])
    expected = acts.groupby("country_code").agg(activated_players=("player_id", "nunique"),
                                                activations=("player_id", "size"), bonus_cost=("cost", "sum"))
    actual = queries.activated_by_country(engine, ctx)
    assert_frames(actual, expected.reset_index(), ["country_code"])
    assert actual["country_code"].str.fullmatch(r"[A-Z]{3}").all()


@pytest.mark.parametrize("combo", COMBOS)
def test_gqry013_campaign_outcome(engine, f, contexts, combo):
    ctx = contexts[combo]
    acts = activations_of(f, ctx)
    acts = acts[acts["day"].between(*_range(ctx))].rename(columns={"day": "activated"})
    play = f.game_activity.merge(acts[["campaign_id", "player_id", "activated"]], on="player_id")
    play = play[(play["day"] - play["activated"]).dt.days.between(0, 29)]
    expected = acts.groupby("campaign_id").agg(activations=("player_id", "size"), bonus_cost=("cost", "sum"))
    expected["revenue"] = (play["bets"] - play["wins"]).groupby(play["campaign_id"]).sum()
    expected = expected.fillna({"revenue": 0.0}).reset_index()
    expected["net_outcome"] = expected["revenue"] - expected["bonus_cost"]
    actual = queries.campaign_outcome(engine, ctx)
    assert_frames(actual, expected, ["campaign_id"])
    assert list(actual["net_outcome"]) == sorted(actual["net_outcome"], reverse=True)


# ------------------------------------------------------------------------------------------------
# Responsible gaming


def rg_reference(f: Frames, ctx: QueryContext) -> pd.DataFrame:
    rg = _of(f.rg_weekly, sel_players(f, ctx), *_range(ctx), day="week_start")
    per = rg.groupby("player_id").agg(weeks_active=("sessions", "size"), minutes=("session_minutes", "sum"),
                                      late=("late_night_sessions", "sum"), sessions=("sessions", "sum"),
                                      deposits=("deposit_count", "sum"), limit_increases=("limit_increases", "sum"),
                                      net_loss=("net_loss", "sum"))
    per["minutes_per_week"] = per["minutes"] / per["weeks_active"]
    per["late_night_share"] = per["late"] / per["sessions"].replace(0, np.nan)
    per["deposits_per_week"] = per["deposits"] / per["weeks_active"]
    signals = ["minutes_per_week", "late_night_share", "deposits_per_week", "limit_increases", "net_loss"]
    z = (per[signals] - per[signals].mean()) / per[signals].std(ddof=1)
    per["deviating_signals"] = (z >= 3).sum(axis=1)
    per["score"] = z.max(axis=1)
    for column, label in (("minutes_per_week", "Session time"), ("late_night_share", "Late-night play"),
                          ("deposits_per_week", "Deposit frequency"), ("limit_increases", "Limit increases"),
                          ("net_loss", "Net losses")):
        per[label] = z[column] >= 3
    flagged = per[(per["deviating_signals"] >= 2) & (per["weeks_active"] >= 2)]
    return flagged.reset_index().sort_values(["score", "player_id"], ascending=[False, True])


@pytest.mark.parametrize("combo", COMBOS)
def test_gqry014_rg_flagged(engine, f, contexts, combo):
    ctx = contexts[combo]
    expected = rg_reference(f, ctx).head(FLAGGED_LIMIT)
    actual = queries.rg_flagged(engine, ctx)
    cols = ["player_id", "weeks_active", "minutes_per_week", "late_night_share", "deposits_per_week",
            "limit_increases", "net_loss", "deviating_signals"]
    assert_frames(actual, expected[cols], ["player_id"])
    merged = actual.merge(expected[["player_id", "score"]], on="player_id", suffixes=("", "_ref"))
    np.testing.assert_allclose(merged["score"], merged["score_ref"], atol=0.006)
    assert (actual["reason"].str.count(",") + 1 == actual["deviating_signals"]).all()
    assert list(actual["score"]) == sorted(actual["score"], reverse=True)


@pytest.mark.parametrize("combo", COMBOS)
def test_gqry015_rg_summary(engine, f, contexts, combo):
    ctx = contexts[combo]
    flagged = rg_reference(f, ctx).merge(f.players[["player_id", "brand_id"]]).merge(f.brands, on="brand_id")
    signals = ["Session time", "Late-night play", "Deposit frequency", "Limit increases", "Net losses"]
    expected = flagged.groupby("name")[signals].sum().rename_axis("brand").stack().rename("players")
    expected = expected[expected > 0].rename_axis(["brand", "signal"]).reset_index()
    summary = queries.rg_summary(engine, ctx)
    assert_frames(summary, expected, ["brand", "signal"])     # all flagged players, not only the table's


def test_gqry021_nobody_flagged_gives_empty_visuals_with_their_columns_and_types(engine, contexts):
    flagged_somewhere = queries.rg_summary(engine, contexts["original"])
    assert not flagged_somewhere.empty
    nobody = contexts["original"].with_filters(country=["ZZ"])  # no player lives there
    summary = queries.rg_summary(engine, nobody)
    assert summary.empty and list(summary.columns) == list(flagged_somewhere.columns)
    assert summary["players"].dtype == flagged_somewhere["players"].dtype == "int64"
    assert summary["signal"].dtype == flagged_somewhere["signal"].dtype == "str"
    flagged = queries.rg_flagged(engine, nobody)
    assert flagged.empty and list(flagged.columns) == list(queries.rg_flagged(engine, contexts["original"]).columns)


# ------------------------------------------------------------------------------------------------
# Game releases


def release_rows(f: Frames, ctx: QueryContext) -> pd.DataFrame:
    d0, d1 = _range(ctx)
    games = _games(f.games, ctx)
    games = games[games["release_date"].between(d0, d1)]
    play = _of(f.game_activity, sel_players(f, ctx)).merge(games[["game_id", "release_date"]], on="game_id")
    play["days_since_release"] = (play["day"] - play["release_date"]).dt.days
    return play[play["days_since_release"].between(0, int(ctx.param("days_after")) - 1)]


@pytest.mark.parametrize("combo", COMBOS)
def test_gqry016_release_uptake_and_daily(engine, f, contexts, combo):
    ctx = contexts[combo]
    play = release_rows(f, ctx)
    uptake = play.groupby("game_id").agg(unique_players=("player_id", "nunique"), stakes=("bets", "sum"),
                                         rounds=("rounds", "sum")).reset_index()
    assert_frames(queries.release_uptake(engine, ctx), uptake, ["game_id"])
    daily = play.groupby(["game_id", "days_since_release"]).agg(players=("player_id", "nunique"),
                                                                stakes=("bets", "sum")).reset_index()
    actual = queries.release_daily(engine, ctx)
    assert_frames(actual, daily, ["game_id", "days_since_release"])
    assert actual["days_since_release"].max() < int(ctx.param("days_after"))


# ------------------------------------------------------------------------------------------------
# empty selections and the brand restriction

ALL_VISUALS = [(sheet.id, visual) for sheet in DASHBOARD.sheets for visual in sheet.visuals]
OPTION_QUERIES = [c for c in DASHBOARD.controls if c.options_query is not None]
#: Visuals that ignore the campaign filter for some of their rows (by design; see the sheet texts).
CAMPAIGN_INDEPENDENT = {"onboarding-funnel", "onboarding-sankey", "onboarding-countries", "campaign-deposits"}


@pytest.mark.parametrize("sheet_id, visual", ALL_VISUALS, ids=[v.id for _, v in ALL_VISUALS])
def test_gqry017_filters_matching_nothing_give_empty_frames(engine, f, sheet_id, visual):
    before_data = make_ctx(date_range=("2019-01-01", "2019-06-30"))
    assert visual.query(engine, before_data).empty
    nova_campaign = int(f.campaigns.loc[f.campaigns["brand_id"] == 2, "campaign_id"].iloc[0])
    no_players = make_ctx(brand=["aurora"], campaign=[nova_campaign])
    if visual.id not in CAMPAIGN_INDEPENDENT:
        assert visual.query(engine, no_players).empty


def _brand_columns_ok(frame: pd.DataFrame, name: str) -> bool:
    return "brand" not in frame.columns or set(frame["brand"]) <= {name}


@pytest.mark.parametrize("sheet_id, visual", ALL_VISUALS, ids=[v.id for _, v in ALL_VISUALS])
@pytest.mark.parametrize("combo", ["original", "campaigns"])
def test_gqry018_brand_restriction_applies_to_every_visual(engine, f, contexts, sheet_id, visual, combo):
    ctx = contexts[combo]
    restricted = QueryContext(DASHBOARD, ctx.filters, ctx.parameters, {"brand": ("nova",)})
    as_filter = ctx.with_filters(brand=["nova"])
    got = visual.query(engine, restricted)
    pd.testing.assert_frame_equal(got, visual.query(engine, as_filter))
    assert _brand_columns_ok(got, "Nova Slots")
    unrestricted = visual.query(engine, ctx)
    if not unrestricted.empty:
        assert not got.equals(unrestricted), "the restriction must change what an all-brands view shows"
    # Selecting another brand does not widen a restriction: nothing of that brand comes back.
    foreign = visual.query(engine, QueryContext(DASHBOARD, {**ctx.filters, "brand": ["aurora"]},
                                                ctx.parameters, {"brand": ("nova",)}))
    assert foreign.empty
    # Selecting the allowed brand and another one gives just the allowed brand.
    both = visual.query(engine, QueryContext(DASHBOARD, {**ctx.filters, "brand": ["aurora", "nova"]},
                                             ctx.parameters, {"brand": ("nova",)}))
    pd.testing.assert_frame_equal(both, got)


@pytest.mark.parametrize("control", OPTION_QUERIES, ids=[c.id for c in OPTION_QUERIES])
def test_gqry019_brand_restriction_applies_to_every_options_query(engine, f, control):
    restricted = make_ctx(restrictions={"brand": ("tidal",)})
    values = [o.value for o in control.options_query(engine, restricted)]
    everything = [o.value for o in control.options_query(engine, make_ctx())]
    assert values and set(values) <= set(everything)
    # Selecting a brand that is not allowed never brings its options in.
    foreign = [o.value for o in control.options_query(engine, restricted.with_filters(brand=["aurora"]))]
    assert set(foreign) <= set(values)
    tidal = f.players[f.players["brand_id"] == 4]
    if control.id == "brand":
        assert values == ["tidal"]
    elif control.id == "country":
        assert set(values) == set(tidal["country_code"])
    elif control.id == "affiliate":
        codes = f.affiliates.set_index("affiliate_id").loc[tidal["affiliate_id"].dropna().unique(), "code"]
        assert set(values) == set(codes) | {"organic"}
        assert set(values) != set(everything)
    elif control.id == "campaign":
        assert foreign == []
        assert set(values) == set(f.campaigns.loc[f.campaigns["brand_id"] == 4, "campaign_id"])
    elif control.id == "game":
        assert set(values) == set(f.game_activity.loc[f.game_activity["brand_id"] == 4, "game_id"])
    else:
        pytest.fail(f"no restriction check for options of {control.id}")


def test_gqry020_options_follow_the_brand_selection(engine, f):
    nova = {o.value for o in options.campaign_options(engine, make_ctx(brand=["nova"]))}
    assert nova == set(f.campaigns.loc[f.campaigns["brand_id"] == 2, "campaign_id"])
    assert len(options.campaign_options(engine, make_ctx())) == len(f.campaigns)
    assert [o.value for o in options.brand_options(engine, make_ctx(brand=["nova"]))] == sorted(
        f.brands["code"], key=lambda c: f.brands.set_index("code").loc[c, "name"])
    assert len(options.game_options(engine, make_ctx())) == len(f.games)
    assert "organic" in {o.value for o in options.affiliate_options(engine, make_ctx())}
