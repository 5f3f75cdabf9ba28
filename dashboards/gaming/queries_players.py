"""Queries of the Cohorts, Onboarding journey and Responsible gaming sheets."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboards.gaming._sql import add_months, brand_ids_condition, bucket_start, player_conditions
from dashboards.gaming._sql import bucket_sql as bucket
from data.engine import DataEngine, Where
from data.schema import ONBOARDING_STEPS
from declarations.context import QueryContext

# ------------------------------------------------------------------------------------------------
# Cohorts

#: How many cohorts (registration periods) up to the end of the selected period are shown at least.
COHORT_LOOKBACK = {"quarter": 8, "month": 12}


def _period_index(grain: str, column: str) -> str:
    per_year, part = (4, "QUARTER") if grain == "quarter" else (12, "MONTH")
    return f"CAST(EXTRACT(YEAR FROM {column}) * {per_year} + EXTRACT({part} FROM {column}) AS INTEGER)"


def cohort_window(ctx: QueryContext) -> tuple:
    """``(grain, first cohort start, end)``: the cohorts registered from the start of the selected period
    or, if later, ``COHORT_LOOKBACK`` periods before its end — so a short period still shows a history."""
    grain = ctx.param("cohort_period")
    start, end = ctx.date_range()
    step = 3 if grain == "quarter" else 1
    lookback_start = add_months(bucket_start(end, grain), -step * (COHORT_LOOKBACK[grain] - 1))
    return grain, min(bucket_start(start, grain), lookback_start), end


def _cohort_cte(ctx: QueryContext) -> tuple[str, Where]:
    grain, w0, end = cohort_window(ctx)
    w = player_conditions(Where(), ctx, brand_column="p.brand_id")
    w.between("p.registered_on", "w0", "d1", (w0, end)).add("p.first_deposit_on <= :d1")
    cte = f"""cohort AS (
        SELECT p.player_id, {bucket(grain, "p.registered_on")} AS cohort_start,
               {_period_index(grain, "p.registered_on")} AS cohort_index
        FROM g_players p {w.sql}),
    size AS (SELECT cohort_start, COUNT(*) AS depositors FROM cohort GROUP BY cohort_start)"""
    return cte, w


#: Each player's deposits up to the period's end: from the facts; from the rollups, whole months (month
#: start as the day) before the last month, whose days up to the end come from g_player_days.
_DEPOSITS = "SELECT player_id, day, amount FROM g_transactions WHERE kind = 'deposit' AND day <= :d1"
_DEPOSITS_ROLLED = """SELECT player_id, month AS day, deposits AS amount FROM g_player_months
              WHERE deposit_count > 0 AND month < :m1
              UNION ALL
              SELECT player_id, day, deposits AS amount FROM g_player_days
              WHERE deposit_count > 0 AND day BETWEEN :m1 AND :d1"""
#: Days with a payment or game play of each player, from the facts and, as above, from the rollups (the
#: window starts on a period's first day, so its months are whole).
_ACTIVITY = """SELECT player_id, day FROM g_transactions WHERE day BETWEEN :w0 AND :d1
              UNION ALL
              SELECT player_id, day FROM g_game_activity WHERE day BETWEEN :w0 AND :d1"""
_ACTIVITY_ROLLED = """SELECT player_id, month AS day FROM g_player_months
              WHERE month >= :w0 AND month < :m1
              UNION ALL
              SELECT player_id, day FROM g_player_days
              WHERE day BETWEEN :m1 AND :d1"""


def _cohort_params(engine: DataEngine, ctx: QueryContext, w: Where) -> dict:
    """The cohort's parameters and, for the rollups, the first day of the period's last month."""
    return {**w.params, "m1": ctx.date_range()[1].replace(day=1)} if engine.rollups else w.params


def _cohort_label(starts: pd.Series, grain: str) -> list[str]:
    return [f"{d.year} Q{(d.month - 1) // 3 + 1}" if grain == "quarter" else f"{d:%Y-%m}" for d in starts]


def cohort_deposits(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """Average deposit per depositing user (ADPU) of each registration cohort in each successive period.

    A cohort's users are its players who deposited by the end of the selected period; period 0 is the
    registration period itself.
    """
    grain = ctx.param("cohort_period")
    cte, w = _cohort_cte(ctx)
    sql = f"""
    WITH {cte},
    dep AS (
        SELECT c.cohort_start, {_period_index(grain, "t.day")} - c.cohort_index AS period_index,
               SUM(t.amount) AS deposits
        FROM ({_DEPOSITS_ROLLED if engine.rollups else _DEPOSITS}) t JOIN cohort c ON c.player_id = t.player_id
        GROUP BY 1, 2)
    SELECT dep.cohort_start, dep.period_index, size.depositors, dep.deposits
    FROM dep JOIN size ON size.cohort_start = dep.cohort_start
    ORDER BY 1, 2
    """
    frame = engine.query(sql, _cohort_params(engine, ctx, w))
    frame["deposits"] = frame["deposits"].astype(float)
    frame["adpu"] = frame["deposits"] / frame["depositors"]
    frame.insert(0, "cohort", _cohort_label(frame["cohort_start"], grain))
    return frame


def cohort_churn(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """Share of each cohort's depositing users still active (deposit, withdrawal or bet) in each
    successive period, and the churned share (the rest)."""
    grain = ctx.param("cohort_period")
    cte, w = _cohort_cte(ctx)
    sql = f"""
    WITH {cte},
    act AS (
        SELECT a.player_id, {_period_index(grain, "a.day")} AS idx
        FROM ({_ACTIVITY_ROLLED if engine.rollups else _ACTIVITY}) a
        GROUP BY 1, 2)
    SELECT c.cohort_start, act.idx - c.cohort_index AS period_index, size.depositors,
           COUNT(*) AS active_players
    FROM cohort c
    JOIN act ON act.player_id = c.player_id
    JOIN size ON size.cohort_start = c.cohort_start
    GROUP BY 1, 2, 3
    ORDER BY 1, 2
    """
    frame = engine.query(sql, _cohort_params(engine, ctx, w))
    frame["retention"] = frame["active_players"] / frame["depositors"]
    frame["churn"] = 1 - frame["retention"]
    frame.insert(0, "cohort", _cohort_label(frame["cohort_start"], grain))
    return frame


# ------------------------------------------------------------------------------------------------
# Onboarding journey


def _onboarding_where(ctx: QueryContext) -> Where:
    """Attempts started in the period, by brand and country (attempts have no affiliate or campaign)."""
    w = Where().between("o.started_on", "d0", "d1", ctx.date_range())
    brand_ids_condition(w, ctx, "o.brand_id")
    return w.any_of("o.country_code", "country", ctx.values("country"))


def _onboarding_table(engine: DataEngine) -> str:
    """The attempts' steps: one row per event, or per day, brand, country and step (the rollup)."""
    return "g_onboarding_steps" if engine.rollups else "g_onboarding_events"


def _attempts(engine: DataEngine) -> str:
    return "CAST(SUM(o.attempts) AS BIGINT)" if engine.rollups else "COUNT(*)"


def _complete_steps(frame: pd.DataFrame, keys: list[str], *, first: int = 1, sort: bool = False) -> pd.DataFrame:
    """Every step for every key (0 attempts where nobody got that far) and the conversion from the
    previous step (NaN where nobody reached the previous one).

    ``frame`` has the columns ``keys``, ``step_no``, ``step`` and ``attempts``; the rows come out key by
    key (in the order the keys first appear, or sorted with ``sort``) and step by step, from step number
    ``first`` (the conversion of a later first step still counts from the step before it). A few dozen
    rows: built in plain Python, which costs far less than merging frames."""
    key_values = list(zip(*(frame[k].tolist() for k in keys), strict=True)) if keys else [()] * len(frame)
    reached = dict(zip(zip(key_values, frame["step_no"].tolist(), frame["step"].tolist(), strict=True),
                       frame["attempts"].tolist(), strict=True))
    columns: dict[str, list] = {k: [] for k in (*keys, "step_no", "step", "attempts", "step_conversion")}
    groups = list(dict.fromkeys(key_values)) if keys else [()]
    for key in sorted(groups) if sort else groups:
        previous = None
        for step_no, step in enumerate(ONBOARDING_STEPS, 1):
            attempts = reached.get((key, step_no, step))
            attempts = 0 if attempts is None or pd.isna(attempts) else int(attempts)
            if step_no >= first:
                for k, value in zip(keys, key, strict=True):
                    columns[k].append(value)
                columns["step_no"].append(step_no)
                columns["step"].append(step)
                columns["attempts"].append(attempts)
                columns["step_conversion"].append(attempts / previous if previous else np.nan)
            previous = attempts
    return pd.DataFrame({**{k: columns[k] for k in keys},
                         "step_no": np.array(columns["step_no"], dtype="int64"), "step": columns["step"],
                         "attempts": np.array(columns["attempts"], dtype="int64"),
                         "step_conversion": np.array(columns["step_conversion"], dtype="float64")})


def onboarding_funnel(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """How many registration attempts started in the period reached each step."""
    return _funnel(engine, ctx).copy()


def _funnel(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """The funnel, worked out once per render for the funnel and the flow (``engine.once``): callers read
    it, never modify it."""
    return engine.once(("onboarding_funnel", ctx.key()), lambda: _compute_funnel(engine, ctx))


def _compute_funnel(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    w = _onboarding_where(ctx)
    sql = f"""
    SELECT o.step_no, o.step, {_attempts(engine)} AS attempts
    FROM {_onboarding_table(engine)} o {w.sql}
    GROUP BY 1, 2
    ORDER BY 1
    """
    frame = engine.query(sql, w.params)
    if frame.empty:
        return frame
    frame = _complete_steps(frame, [])
    frame.insert(3, "share_of_started", frame["attempts"] / frame["attempts"].iloc[0])
    return frame


def onboarding_flow(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """Sankey links: from each step to the next one, and to the drop-off before the next one."""
    funnel = _funnel(engine, ctx)
    steps, attempts = funnel["step"].tolist(), funnel["attempts"].tolist()
    rows = []
    for here, there, reached, came in zip(steps, steps[1:], attempts, attempts[1:], strict=False):
        if came:
            rows.append({"source": here, "target": there, "attempts": int(came)})
        dropped = int(reached - came)
        if dropped:
            rows.append({"source": here, "target": f"Dropped before: {there}", "attempts": dropped})
    return pd.DataFrame(rows, columns=["source", "target", "attempts"])


def onboarding_by_country(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """Step-to-step conversion per country: where in the journey each market loses people."""
    w = _onboarding_where(ctx)
    sql = f"""
    SELECT o.country_code, c.country_name AS country, o.step_no, o.step, {_attempts(engine)} AS attempts
    FROM {_onboarding_table(engine)} o JOIN g_countries c ON c.country_code = o.country_code
    {w.sql}
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 3
    """
    frame = engine.query(sql, w.params)
    if frame.empty:
        return frame
    return _complete_steps(frame, ["country_code", "country"], first=2, sort=True)


# ------------------------------------------------------------------------------------------------
# Responsible gaming

#: A signal deviates when it is this many standard deviations above the players' mean.
DEVIATION_Z = 3.0
#: A player is flagged when at least this many signals deviate over at least this many active weeks.
MIN_SIGNALS = 2
MIN_WEEKS = 2

#: The flagged-players table lists the most deviating players only (the summary counts all of them).
FLAGGED_LIMIT = 50

_RG_PARAMS = {"z": DEVIATION_Z, "min_signals": MIN_SIGNALS, "min_weeks": MIN_WEEKS}

RG_SIGNALS = (
    # z column, label
    ("z_minutes", "Session time"),
    ("z_late", "Late-night play"),
    ("z_deposits", "Deposit frequency"),
    ("z_limits", "Limit increases"),
    ("z_loss", "Net losses"),
)


def _z(column: str) -> str:
    return f"({column} - AVG({column}) OVER ()) / NULLIF(STDDEV_SAMP({column}) OVER (), 0)"


def _rg_cte(ctx: QueryContext) -> tuple[str, Where]:
    """Per-player signals over the weeks starting in the period, and their z-scores against all players
    of the same selection (the norm). g_players is joined only for a country or affiliate condition."""
    by_player = ctx.values("country") is not None or ctx.values("affiliate") is not None
    w = player_conditions(Where(), ctx, brand_column="r.brand_id", player="p" if by_player else "r")
    w.between("r.week_start", "d0", "d1", ctx.date_range())
    join = "JOIN g_players p ON p.player_id = r.player_id" if by_player else ""
    deviating = " + ".join(f"CASE WHEN {z} >= :z THEN 1 ELSE 0 END" for z, _ in RG_SIGNALS)
    cte = f"""signals AS (
        SELECT r.player_id, COUNT(*) AS weeks_active,
               CAST(SUM(r.session_minutes) AS DOUBLE PRECISION) / COUNT(*) AS minutes_per_week,
               CAST(SUM(r.late_night_sessions) AS DOUBLE PRECISION) / NULLIF(SUM(r.sessions), 0)
                   AS late_night_share,
               CAST(SUM(r.deposit_count) AS DOUBLE PRECISION) / COUNT(*) AS deposits_per_week,
               SUM(r.limit_increases) AS limit_increases,
               SUM(r.net_loss) AS net_loss
        FROM g_rg_weekly r {join}
        {w.sql}
        GROUP BY r.player_id),
    scored AS (
        SELECT s.*, {_z("minutes_per_week")} AS z_minutes, {_z("late_night_share")} AS z_late,
               {_z("deposits_per_week")} AS z_deposits, {_z("limit_increases")} AS z_limits,
               {_z("net_loss")} AS z_loss
        FROM signals s),
    flagged AS (
        SELECT sc.*, {deviating} AS deviating_signals,
               GREATEST({", ".join(z for z, _ in RG_SIGNALS)}) AS score
        FROM scored sc)"""
    return cte, w


def _rg_players(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """Every flagged player, most deviating first: one statement for both visuals of the sheet."""
    cte, w = _rg_cte(ctx)
    sql = f"""
    WITH {cte}
    SELECT f.player_id, b.name AS brand, b.code AS brand_code, p.country_code, p.age_group, f.weeks_active,
           f.minutes_per_week, f.late_night_share, f.deposits_per_week, f.limit_increases, f.net_loss,
           f.deviating_signals, f.score, {", ".join(z for z, _ in RG_SIGNALS)}
    FROM flagged f
    JOIN g_players p ON p.player_id = f.player_id
    JOIN g_brands b ON b.brand_id = p.brand_id
    WHERE f.deviating_signals >= :min_signals AND f.weeks_active >= :min_weeks
    ORDER BY f.score DESC, f.player_id
    """
    return engine.query(sql, {**w.params, **_RG_PARAMS})


def rg_flagged(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """The ``FLAGGED_LIMIT`` most deviating players with at least ``MIN_SIGNALS`` signals ``DEVIATION_Z``
    standard deviations above the norm; ``reason`` names the deviating signals, strongest first."""
    players = _rg_players(engine, ctx)
    top = players.iloc[:FLAGGED_LIMIT]
    zs = [z for z, _ in RG_SIGNALS]
    labels = [label for _, label in RG_SIGNALS]
    reasons = []
    for row in _signal_matrix(top):
        # The deviating signals, strongest first (ties in the signals' order).
        deviating = sorted((i for i, z in enumerate(row) if z >= DEVIATION_Z), key=lambda i: -row[i])
        reasons.append(", ".join(labels[i] for i in deviating))
    floats = ("minutes_per_week", "late_night_share", "deposits_per_week", "net_loss", "score")
    columns = {c: top[c].to_numpy(dtype="float64") if c in floats else top[c].array
               for c in top.columns if c not in (*zs, "brand_code")}
    columns["score"] = columns["score"].round(2)
    columns["reason"] = reasons
    return pd.DataFrame(columns)


def rg_summary(engine: DataEngine, ctx: QueryContext) -> pd.DataFrame:
    """Flagged players per brand and deviating signal (a player counts once per deviating signal)."""
    players = _rg_players(engine, ctx)
    deviating = _signal_matrix(players) >= DEVIATION_Z
    counts: dict[tuple, np.ndarray] = {}
    for brand, code, row in zip(players["brand"].tolist(), players["brand_code"].tolist(), deviating,
                                strict=True):
        counts[brand, code] = counts.get((brand, code), 0) + row
    rows = [(brand, code, label, int(n)) for (brand, code), signals in sorted(counts.items())
            for (_, label), n in zip(RG_SIGNALS, signals, strict=True) if n > 0]
    brands, codes, labels, numbers = (list(c) for c in zip(*rows, strict=True)) if rows else ([], [], [], [])
    # Built with its dtypes: a DataFrame.astype afterwards cost more than the rest of the visual.
    return pd.DataFrame({"brand": np.array(brands, dtype=object), "brand_code": np.array(codes, dtype=object),
                         "signal": pd.array(labels, dtype="str"), "players": np.array(numbers, dtype="int64")})


def _signal_matrix(players: pd.DataFrame) -> np.ndarray:
    """The players' z-scores, one row per player and one column per signal (``RG_SIGNALS``' order)."""
    return np.column_stack([players[z].to_numpy(dtype="float64") for z, _ in RG_SIGNALS])
