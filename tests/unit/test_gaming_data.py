"""The iGaming generator: module interface, consistency between tables, and plausible behaviour."""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from data import gaming_data

FACT_COLUMNS_DATE = {
    "g_games": ["release_date"],
    "g_players": ["registered_on", "first_deposit_on"],
    "g_campaigns": ["start_date", "end_date"],
    "g_onboarding_events": ["started_on", "day"],
    "g_transactions": ["day"],
    "g_game_activity": ["day"],
    "g_campaign_activations": ["day"],
    "g_rg_weekly": ["week_start"],
}


@pytest.fixture(scope="module")
def g(small_data):
    """The iGaming tables of the small dataset, as pandas frames with Timestamp date columns."""
    small_data.engine.dispose()   # the engine's pooled connection would block a plain DuckDB one
    frames = {}
    for table in gaming_data.TABLES:
        frame = small_data.frame(table)
        for col in FACT_COLUMNS_DATE.get(table, []):
            frame[col] = pd.to_datetime(frame[col])
        frames[table.removeprefix("g_")] = frame
    return frames


def _generate(seed: int, scale: float) -> dict[str, pd.DataFrame]:
    return dict(gaming_data.generate(np.random.default_rng(seed), scale))


def test_gdat001_module_interface():
    frames = list(gaming_data.generate(np.random.default_rng(1), 0.02))
    assert tuple(name for name, _ in frames) == gaming_data.TABLES
    assert all(name.startswith("g_") for name in gaming_data.TABLES)
    assert set(gaming_data.TABLES) >= gaming_data.FACT_TABLES
    assert set(gaming_data.SORT_KEYS) <= set(gaming_data.TABLES)
    assert "g_game_activity" in gaming_data.FACT_TABLES


def test_gdat002_deterministic_for_a_seed():
    first, second, other = _generate(7, 0.02), _generate(7, 0.02), _generate(8, 0.02)
    for name in gaming_data.TABLES:
        pd.testing.assert_frame_equal(first[name], second[name], obj=name)
    assert not first["g_game_activity"].equals(other["g_game_activity"])


def test_gdat003_dates_are_stored_as_date(small_data):
    small_data.engine.dispose()
    with duckdb.connect(str(small_data.path), read_only=True) as con:
        types = dict(con.execute(
            "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
            "WHERE table_name LIKE 'g\\_%' ESCAPE '\\'").fetchall())
    for table, columns in FACT_COLUMNS_DATE.items():
        for col in columns:
            assert types[f"{table}.{col}"] == "DATE", (table, col)


def test_gdat004_dimensions_and_references(g):
    brands, players = g["brands"], g["players"]
    assert len(brands) >= 3 and brands["code"].is_unique and brands["name"].is_unique
    assert brands["code"].str.fullmatch(r"[a-z]+").all()
    countries = g["countries"]
    assert len(countries) >= 10 and countries["country_code"].str.fullmatch(r"[A-Z]{3}").all()
    assert players["player_id"].is_unique
    assert set(players["brand_id"]) == set(brands["brand_id"])
    assert set(players["country_code"]) <= set(countries["country_code"])
    assert set(players["affiliate_id"].dropna()) <= set(g["affiliates"]["affiliate_id"])
    organic = players["affiliate_id"].isna()
    assert 0.2 < organic.mean() < 0.7
    assert (players.loc[~organic, "channel"] == "Affiliate").all()
    assert (players.loc[organic, "channel"] != "Affiliate").all()
    assert set(players["age_group"]) == set(gaming_data.AGE_GROUPS)
    assert set(players["gender"]) == set(gaming_data.GENDERS)
    span = players["registered_on"].dt.to_period("Q").nunique()
    assert span >= 10    # cohorts across at least 8 quarters


def test_gdat005_activity_only_by_registered_depositors_of_the_brand(g):
    players = g["players"].set_index("player_id")
    for table, day in (("transactions", "day"), ("game_activity", "day"), ("campaign_activations", "day")):
        rows = g[table]
        owner = players.loc[rows["player_id"]]
        assert (rows[day].to_numpy() >= owner["registered_on"].to_numpy()).all(), table
        assert (rows[day].to_numpy() >= owner["first_deposit_on"].to_numpy()).all(), table
        assert (rows["brand_id"].to_numpy() == owner["brand_id"].to_numpy()).all(), table
    deposits = g["transactions"].query("kind == 'deposit'")
    first = deposits.groupby("player_id")["day"].min()
    depositors = players["first_deposit_on"].dropna()
    pd.testing.assert_series_equal(first.sort_index(), depositors.sort_index(), check_names=False)
    assert set(g["game_activity"]["player_id"]) <= set(depositors.index)


def test_gdat006_keys_are_unique(g):
    assert not g["game_activity"].duplicated(["day", "player_id", "game_id"]).any()
    assert not g["rg_weekly"].duplicated(["week_start", "player_id"]).any()
    assert not g["campaign_activations"].duplicated(["campaign_id", "player_id"]).any()
    assert not g["onboarding_events"].duplicated(["attempt_id", "step_no"]).any()
    assert set(g["transactions"]["kind"]) == {"deposit", "withdrawal"}
    assert (g["transactions"]["amount"] > 0).all()


def test_gdat007_return_to_player_in_range(g):
    play = g["game_activity"]
    rtp = play["wins"].sum() / play["bets"].sum()
    assert 0.94 <= rtp <= 0.97
    by_brand = play.groupby("brand_id")[["wins", "bets"]].sum()
    assert ((by_brand["wins"] / by_brand["bets"]).between(0.92, 0.99)).all()
    assert (play["bets"] > 0).all() and (play["wins"] >= 0).all() and (play["rounds"] >= 1).all()
    assert g["games"]["rtp"].between(0.94, 0.97).all()


def test_gdat008_onboarding_funnel_is_consistent(g):
    events, players = g["onboarding_events"], g["players"]
    steps = events.groupby("attempt_id")["step_no"].agg(["min", "max", "count"])
    assert (steps["min"] == 1).all() and (steps["count"] == steps["max"]).all()   # contiguous 1..k
    counts = events.groupby("step_no").size()
    assert list(counts.index) == [1, 2, 3, 4, 5]
    assert counts.is_monotonic_decreasing and counts.iloc[-1] < counts.iloc[0] * 0.6
    per_group = events.groupby(["brand_id", "country_code", "step_no"]).size().unstack(fill_value=0)
    assert (per_group.diff(axis=1).iloc[:, 1:] <= 0).all().all()
    assert counts[2] == len(players)                              # email verified = registered players
    abandoned = events[events["player_id"].isna()]
    assert len(abandoned) > 0 and (abandoned["step_no"] == 1).all()
    first = events[events["step_no"] == 5].astype({"player_id": "int64"}).set_index("player_id")["day"].sort_index()
    depositors = players.dropna(subset=["first_deposit_on"]).set_index("player_id")["first_deposit_on"]
    pd.testing.assert_series_equal(first, depositors.sort_index(), check_names=False)
    assert (events["day"] >= events["started_on"]).all()


def test_gdat009_campaign_activations_are_valid(g):
    acts = g["campaign_activations"].merge(g["campaigns"], on="campaign_id", suffixes=("", "_campaign"))
    assert len(acts) > 0
    assert (acts["brand_id"] == acts["brand_id_campaign"]).all()
    assert acts["day"].between(acts["start_date"], acts["end_date"]).all()
    assert (acts["cost"] > 0).all() and (acts["cost"] <= acts["bonus_cost"]).all()


def test_gdat010_activated_players_deposit_more_for_a_while(g):
    acts = g["campaign_activations"][["player_id", "day"]].rename(columns={"day": "activated"})
    deposits = g["transactions"].query("kind == 'deposit'").merge(acts, on="player_id")
    offset = (deposits["day"] - deposits["activated"]).dt.days
    after = deposits.loc[offset.between(0, 29), "amount"].sum()
    before = deposits.loc[offset.between(-30, -1), "amount"].sum()
    later = deposits.loc[offset.between(60, 89), "amount"].sum()
    assert after > 1.3 * before
    assert after > 1.5 * later


def test_gdat011_new_players_churn(g):
    play = g["game_activity"].merge(g["players"][["player_id", "first_deposit_on"]], on="player_id")
    months = (play["day"] - play["first_deposit_on"]).dt.days // 30
    active = play.groupby(months)["player_id"].nunique()
    assert active[0] > 1.5 * active[2] > 1.5 * active[8] > 0


def test_gdat012_newer_registrants_bring_most_deposits(g):
    deposits = g["transactions"].query("kind == 'deposit' and day >= '2024-01-01'").merge(
        g["players"][["player_id", "registered_on"]], on="player_id")
    age = (deposits["day"] - deposits["registered_on"]).dt.days
    band = pd.cut(age, [-1, 90, 365, 10_000], labels=["new", "year", "older"])
    share = deposits.groupby(band, observed=False)["amount"].sum() / deposits["amount"].sum()
    assert share["new"] > share["year"] > share["older"] > 0.03


def test_gdat013_games_released_during_the_period_are_played(g):
    games, play = g["games"], g["game_activity"]
    inside = games[games["release_date"] >= pd.Timestamp(gaming_data.START)]
    assert len(inside) >= 20
    assert inside["release_date"].dt.to_period("Q").nunique() >= 8
    first = play.merge(games[["game_id", "release_date"]], on="game_id")
    assert (first["day"] >= first["release_date"]).all()     # nobody plays a game before its release
    launch = first[(first["day"] - first["release_date"]).dt.days.between(0, 13)]
    assert set(inside["game_id"]) <= set(launch["game_id"])


def test_gdat014_weekly_signals_match_the_facts(g):
    rg = g["rg_weekly"]
    assert (rg["week_start"].dt.day_of_week == 6).all()           # weeks start on Sunday
    tx = g["transactions"].query("kind == 'deposit'")
    week = tx["day"] - pd.to_timedelta((tx["day"].dt.day_of_week + 1) % 7, unit="D")
    counted = tx.groupby([week.rename("week_start"), tx["player_id"]]).size().rename("n")
    merged = rg.set_index(["week_start", "player_id"]).join(counted).fillna({"n": 0})
    assert (merged["deposit_count"] == merged["n"]).all()
    play = g["game_activity"]
    pweek = play["day"] - pd.to_timedelta((play["day"].dt.day_of_week + 1) % 7, unit="D")
    loss = (play["bets"] - play["wins"]).groupby([pweek.rename("week_start"), play["player_id"]]).sum()
    merged = merged.join(loss.rename("loss")).fillna({"loss": 0.0})
    np.testing.assert_allclose(merged["net_loss"], merged["loss"], atol=0.02)
    assert (rg["late_night_sessions"] <= rg["sessions"]).all()


def test_gdat015_a_small_share_of_players_deviates_strongly(g):
    rg = g["rg_weekly"]
    per_player = rg.groupby("player_id").agg(weeks=("sessions", "size"), late=("late_night_sessions", "sum"),
                                             sessions=("sessions", "sum"), minutes=("session_minutes", "mean"))
    regular = per_player[per_player["weeks"] >= 4]
    deviating = (regular["late"] / regular["sessions"] > 0.35) & (regular["minutes"] > 3 * regular["minutes"].median())
    assert 0.003 < deviating.mean() < 0.08


def test_gdat016_volume_scales_roughly_linearly():
    small, double = _generate(3, 0.05), _generate(3, 0.1)
    facts = [t for t in gaming_data.FACT_TABLES if t != "g_campaign_activations"]
    for table in [*facts, "g_players"]:
        ratio = len(double[table]) / len(small[table])
        assert 1.7 < ratio < 2.3, (table, ratio)
    assert sum(len(double[t]) for t in gaming_data.FACT_TABLES) > 120_000   # ≥ 1.2 million at scale 1
