"""The iGaming dataset: four brands, their players, payments, game play, campaigns, onboarding and
responsible-gaming signals, Jan 2022 – Jun 2024. Every table name starts with ``g_``.

Everything is drawn from the ``rng`` handed in, with numpy arrays throughout (no per-row Python loops
over the large tables), so the same seed and scale always give the same rows.

How the data behaves (what the dashboards are expected to show):

* Registrations grow over time (differently per brand), peak in winter and on weekends. Every player
  went through the onboarding steps; attempts that stopped before email verification never became
  players. KYC pass rates differ by country; depositing converts differently per affiliate.
* A depositor plays on days drawn from an exponentially decaying intensity after the first deposit:
  most players churn within weeks, a tail stays for years. So newer registrants bring most deposits.
* Games have an RTP between 94 % and 97 %; a new game draws extra play in its first weeks.
* A campaign activates some of the brand's active players; they return more often and deposit more
  during the 30 days after activation.
* About 1.3 % of depositors (more of the young) show strongly deviating patterns (long and late-night sessions, many
  deposits, limit increases) that grow over time: the responsible-gaming signals flag them.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from data.schema import CAMPAIGN_WINDOW_DAYS, GAMING_BRANDS, ONBOARDING_STEPS
from data.schema import GAMING_END as END
from data.schema import GAMING_START as START

DAYS = (END - START).days + 1
_EPOCH = np.datetime64(START, "D")

TABLES: tuple[str, ...] = (
    "g_brands",
    "g_countries",
    "g_affiliates",
    "g_games",
    "g_players",
    "g_campaigns",
    "g_onboarding_events",
    "g_transactions",
    "g_game_activity",
    "g_campaign_activations",
    "g_rg_weekly",
)
FACT_TABLES: frozenset[str] = frozenset(
    {"g_onboarding_events", "g_transactions", "g_game_activity", "g_campaign_activations", "g_rg_weekly"}
)
SORT_KEYS: dict[str, str] = {
    "g_players": "player_id",
    "g_onboarding_events": "started_on, brand_id, attempt_id, step_no",
    "g_transactions": "day, brand_id, player_id",
    "g_game_activity": "day, brand_id, player_id, game_id",
    "g_campaign_activations": "day, campaign_id, player_id",
    "g_rg_weekly": "week_start, brand_id, player_id",
}

#: Brand code -> (share of registrations, yearly growth of registrations); codes and names: data.schema.
_BRAND_MIX = {"aurora": (0.34, 0.18), "nova": (0.28, 0.02), "lumen": (0.22, 0.30), "tidal": (0.16, 0.55)}
#: (code, name, share of registrations, yearly growth of registrations), in brand_id order.
BRANDS = tuple((code, name, *_BRAND_MIX[code]) for code, name in GAMING_BRANDS)

COUNTRIES = (
    # ISO-3, name, KYC identity pass rate
    ("GBR", "United Kingdom", 0.90),
    ("IRL", "Ireland", 0.91),
    ("DEU", "Germany", 0.76),
    ("AUT", "Austria", 0.80),
    ("NLD", "Netherlands", 0.82),
    ("SWE", "Sweden", 0.93),
    ("FIN", "Finland", 0.92),
    ("NOR", "Norway", 0.90),
    ("DNK", "Denmark", 0.91),
    ("CAN", "Canada", 0.87),
    ("NZL", "New Zealand", 0.89),
    ("BRA", "Brazil", 0.74),
)

# Country mix of each brand (same order as COUNTRIES).
BRAND_COUNTRY_WEIGHTS = np.array([
    [4, 1, 2, 1, 1, 30, 22, 18, 14, 3, 2, 2],     # aurora: Nordic
    [40, 16, 6, 2, 6, 2, 1, 1, 1, 12, 10, 3],     # nova: UK and Ireland
    [6, 2, 36, 18, 24, 3, 2, 1, 2, 3, 1, 2],      # lumen: DACH and Benelux
    [6, 2, 3, 1, 2, 2, 1, 1, 1, 34, 17, 30],      # tidal: Americas and NZ
], dtype=float)

AGE_GROUPS = ("18–24", "25–34", "35–44", "45–54", "55+")
AGE_WEIGHTS = np.array([0.16, 0.32, 0.24, 0.16, 0.12])
AGE_VALUE = np.array([0.65, 0.95, 1.15, 1.25, 1.1])   # deposit size by age group
AGE_RISK = np.array([2.0, 1.4, 1.0, 0.7, 0.5])         # likelihood of a deviating pattern

GENDERS = ("Male", "Female", "Undisclosed")
GENDER_WEIGHTS = np.array([0.66, 0.31, 0.03])

AFFILIATES = (
    # code, name, conversion factor, player value factor
    ("spinscout", "SpinScout", 1.10, 1.05),
    ("reelradar", "ReelRadar", 0.95, 0.90),
    ("bonusbay", "BonusBay", 0.80, 0.70),
    ("oddsowl", "OddsOwl", 1.05, 1.20),
    ("slotsage", "SlotSage", 1.15, 1.00),
    ("jackpotjournal", "Jackpot Journal", 0.90, 1.35),
    ("casinocompass", "Casino Compass", 1.00, 0.95),
    ("luckylinks", "LuckyLinks", 0.70, 0.80),
    ("betbeacon", "BetBeacon", 1.20, 1.10),
    ("winwire", "WinWire", 0.85, 0.85),
)
ORGANIC_CHANNELS = ("Organic search", "Paid search", "Social", "Direct", "Referral")
ORGANIC_CHANNEL_WEIGHTS = np.array([0.34, 0.24, 0.18, 0.16, 0.08])

_GAME_WORDS_A = ("Midnight", "Golden", "Frost", "Viking", "Neon", "Lucky", "Jade", "Thunder", "Crystal",
                 "Wild", "Solar", "Pirate", "Royal", "Mystic", "Dragon")
_GAME_WORDS_B = ("Fortune", "Reels", "Riches", "Quest", "Spins", "Vault", "Empire", "Harvest", "Blaze",
                 "Gems", "Legends", "Treasure", "Rush", "Storm", "Wheel")
_CATEGORIES = ("Slots", "Slots", "Slots", "Live casino", "Table games", "Jackpot slots")
_PROVIDERS = ("Northlight Gaming", "RedFox Studios", "Arcadia Interactive", "Pinegrove Games",
              "Blue Harbour Live")
#: Campaign kinds and the range of their bonus cost per activation ($).
_CAMPAIGN_KINDS = {"Welcome boost": (20, 60), "Reload bonus": (15, 50), "Free spins": (5, 25),
                   "Cashback weekend": (25, 80), "Slot tournament": (10, 30), "VIP race": (40, 130)}

#: Base number of players at scale 1 (registrations are proportional to the scale).
PLAYERS_AT_SCALE_1 = 65_000


def generate(rng: np.random.Generator, scale: float) -> Iterator[tuple[str, pd.DataFrame]]:
    """Yields every table of the dataset, in ``TABLES`` order."""
    yield "g_brands", pd.DataFrame({
        "brand_id": np.arange(1, len(BRANDS) + 1, dtype=np.int16),
        "code": [b[0] for b in BRANDS],
        "name": [b[1] for b in BRANDS],
    })
    yield "g_countries", pd.DataFrame({
        "country_code": [c[0] for c in COUNTRIES],
        "country_name": [c[1] for c in COUNTRIES],
    })
    yield "g_affiliates", pd.DataFrame({
        "affiliate_id": np.arange(1, len(AFFILIATES) + 1, dtype=np.int16),
        "code": [a[0] for a in AFFILIATES],
        "name": [a[1] for a in AFFILIATES],
    })

    games = _games(rng)
    yield "g_games", games.frame

    players = _players(rng, scale)
    yield "g_players", players.frame
    campaigns = _campaigns(rng)
    yield "g_campaigns", campaigns.assign(start_date=_dates(campaigns["start_date"].to_numpy()),
                                          end_date=_dates(campaigns["end_date"].to_numpy())
                                          ).drop(columns="uptake")
    yield "g_onboarding_events", players.onboarding

    play = _activity(rng, players, campaigns, games)
    yield "g_transactions", play.transactions
    yield "g_game_activity", play.game_activity
    yield "g_campaign_activations", play.activations
    yield "g_rg_weekly", play.rg_weekly


# ------------------------------------------------------------------------------------------------
# helpers


def _dates(offsets: np.ndarray) -> np.ndarray:
    """Day offsets from START as an object array of ``datetime.date`` (stored as DATE by DuckDB)."""
    return (_EPOCH + np.asarray(offsets, dtype=np.int64)).astype("datetime64[D]").astype(object)


def _week_start(offsets: np.ndarray) -> np.ndarray:
    """The Sunday on or before each day, as a day offset from START."""
    epoch_days = np.asarray(offsets, dtype=np.int64) + (_EPOCH - np.datetime64("1970-01-01", "D")).astype(int)
    return offsets - (epoch_days + 4) % 7    # 1970-01-04 (epoch day 3) was a Sunday


def _choice_rows(rng: np.random.Generator, weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each index in ``rows``, one column drawn from ``weights[row]`` (rows of a weight matrix)."""
    cdf = np.cumsum(weights, axis=1)
    cdf /= cdf[:, -1:]
    u = rng.random(len(rows))
    return (u[:, None] > cdf[rows]).sum(axis=1)


def _day_weights(growth: float) -> np.ndarray:
    """Relative registration intensity per day: growth, winter peak, weekends, a few promotions."""
    t = np.arange(DAYS)
    days = _EPOCH + t
    month = (days.astype("datetime64[M]").astype(int) % 12) + 1
    weekday = (days.astype(int) + 3) % 7     # Monday = 0
    season = np.select([np.isin(month, (12, 1)), np.isin(month, (6, 7, 8))], [1.2, 0.88], 1.0)
    weekend = np.where(weekday >= 4, 1.22, 0.92)
    return np.exp(growth * t / 365) * season * weekend


# ------------------------------------------------------------------------------------------------
# games


class _Games:
    def __init__(self, frame: pd.DataFrame, release: np.ndarray, rtp: np.ndarray, shape: np.ndarray,
                 popularity: np.ndarray, appeal: np.ndarray):
        self.frame, self.release, self.rtp, self.shape = frame, release, rtp, shape
        self.popularity, self.appeal = popularity, appeal   # base share of play; pull of a new release


def _games(rng: np.random.Generator) -> _Games:
    n_classic, n_new = 30, 32
    n = n_classic + n_new
    pairs = rng.choice(len(_GAME_WORDS_A) * len(_GAME_WORDS_B), n, replace=False)
    names = [f"{_GAME_WORDS_A[i // len(_GAME_WORDS_B)]} {_GAME_WORDS_B[i % len(_GAME_WORDS_B)]}" for i in pairs]
    category = rng.choice(len(_CATEGORIES), n)
    # Catalogue games released 2018–2021; new ones about one a month during the period, the last
    # a few weeks before its end so that its first 30 days are still (partly) in the data.
    classic = rng.integers(-4 * 365, -30, n_classic)
    new = np.sort(np.linspace(20, DAYS - 25, n_new).astype(int) + rng.integers(-8, 9, n_new))
    release = np.concatenate([np.sort(classic), new])
    cat_names = np.array(_CATEGORIES)[category]
    rtp = np.where(cat_names == "Table games", rng.uniform(0.960, 0.970, n),
                   np.where(cat_names == "Jackpot slots", rng.uniform(0.940, 0.950, n),
                            rng.uniform(0.945, 0.968, n)))
    # Gamma shape of the per-row win multiplier: volatile slots and jackpots, steadier tables.
    shape = np.select([cat_names == "Table games", cat_names == "Live casino", cat_names == "Jackpot slots"],
                      [12.0, 8.0, 0.9], 2.5)
    popularity = rng.lognormal(0, 0.7, n)
    appeal = rng.uniform(0.35, 1.0, n)
    frame = pd.DataFrame({
        "game_id": np.arange(1, n + 1, dtype=np.int16),
        "name": names,
        "category": cat_names,
        "provider": np.array(_PROVIDERS)[rng.integers(0, len(_PROVIDERS), n)],
        "release_date": _dates(release),
        "rtp": np.round(rtp, 4),
    })
    return _Games(frame, release, rtp, shape, popularity, appeal)


# ------------------------------------------------------------------------------------------------
# players and onboarding


class _Players:
    frame: pd.DataFrame
    onboarding: pd.DataFrame
    brand: np.ndarray           # brand index 0..3 per player
    first_deposit: np.ndarray   # day offset, -1 for players who never deposited
    value: np.ndarray           # relative deposit / stake level
    age: np.ndarray
    country: np.ndarray
    registered: np.ndarray


def _players(rng: np.random.Generator, scale: float) -> _Players:
    n = max(int(round(PLAYERS_AT_SCALE_1 * scale)), 200)
    shares = np.array([b[2] for b in BRANDS])
    brand = rng.choice(len(BRANDS), n, p=shares)
    registered = np.empty(n, dtype=np.int64)
    for b, (_code, _name, _share, growth) in enumerate(BRANDS):
        w = _day_weights(growth)
        idx = np.flatnonzero(brand == b)
        registered[idx] = rng.choice(DAYS, len(idx), p=w / w.sum())
    order = np.argsort(registered, kind="stable")   # player ids in registration order
    brand, registered = brand[order], registered[order]

    country = _choice_rows(rng, BRAND_COUNTRY_WEIGHTS, brand)
    age = rng.choice(len(AGE_GROUPS), n, p=AGE_WEIGHTS)
    gender = rng.choice(len(GENDERS), n, p=GENDER_WEIGHTS)
    # Each brand works with 6 of the 10 affiliates; about 55 % of players come through one.
    partner = np.array([rng.permutation(len(AFFILIATES))[:6] for _ in BRANDS])
    via_affiliate = rng.random(n) < np.array([0.58, 0.62, 0.48, 0.52])[brand]
    affiliate_weights = np.array([3, 2.5, 2, 1.5, 1, 0.7])
    affiliate = partner[brand, rng.choice(6, n, p=affiliate_weights / affiliate_weights.sum())]
    channel = np.where(via_affiliate, "Affiliate",
                       np.array(ORGANIC_CHANNELS)[rng.choice(len(ORGANIC_CHANNELS), n, p=ORGANIC_CHANNEL_WEIGHTS)])
    aff_conversion = np.where(via_affiliate, np.array([a[2] for a in AFFILIATES])[affiliate], 1.0)
    aff_value = np.where(via_affiliate, np.array([a[3] for a in AFFILIATES])[affiliate], 1.0)

    # Onboarding: registration (started and email verified, same day) -> KYC identity -> KYC address
    # -> first deposit, each a few days apart at most; a step after END has not happened yet.
    kyc_identity_rate = np.array([c[2] for c in COUNTRIES])[country]
    passes_identity = rng.random(n) < kyc_identity_rate
    passes_address = passes_identity & (rng.random(n) < 0.93)
    would_deposit = passes_address & (rng.random(n) < np.clip(0.74 * aff_conversion, 0, 0.97))
    identity_day = registered + np.where(rng.random(n) < 0.75, 0, rng.integers(1, 4, n))
    address_day = identity_day + np.where(rng.random(n) < 0.8, 0, rng.integers(1, 3, n))
    deposit_day = address_day + np.where(rng.random(n) < 0.6, 0, np.minimum(rng.geometric(0.2, n), 45))
    first_deposit = np.where(would_deposit & (deposit_day < DAYS), deposit_day, -1)

    p = _Players()
    p.brand, p.first_deposit, p.age, p.country, p.registered = brand, first_deposit, age, country, registered
    p.value = rng.lognormal(0, 0.8, n) * AGE_VALUE[age] * aff_value
    player_id = np.arange(1, n + 1, dtype=np.int64)
    p.frame = pd.DataFrame({
        "player_id": player_id,
        "brand_id": (brand + 1).astype(np.int16),
        "registered_on": _dates(registered),
        "country_code": np.array([c[0] for c in COUNTRIES], dtype=object)[country],
        "age_group": np.array(AGE_GROUPS, dtype=object)[age],
        "gender": np.array(GENDERS, dtype=object)[gender],
        "affiliate_id": pd.Series(affiliate + 1, dtype="Int16").where(via_affiliate),  # organic: none
        "channel": channel.astype(object),
        "first_deposit_on": pd.Series(_dates(np.maximum(first_deposit, 0))).where(first_deposit >= 0, None),
    })

    # Abandoned attempts (never verified their email): 18–30 % of starts depending on brand and country.
    verify_rate = np.array([0.80, 0.76, 0.78, 0.72])[brand] - 0.04 * (kyc_identity_rate < 0.8)
    abandoned = rng.poisson(1 / verify_rate - 1)
    src = np.repeat(np.arange(n), abandoned)
    a_day = np.clip(registered[src] + rng.integers(-3, 4, len(src)), 0, DAYS - 1)

    # One row per step reached by each attempt.
    steps_player = 2 + passes_identity * (identity_day < DAYS) + passes_address * (address_day < DAYS) \
        + (first_deposit >= 0)
    att_brand = np.concatenate([brand, brand[src]])
    att_country = np.concatenate([country, country[src]])
    att_start = np.concatenate([registered, a_day])
    att_steps = np.concatenate([steps_player, np.ones(len(src), dtype=np.int64)])
    att_player = np.concatenate([player_id, np.zeros(len(src), dtype=np.int64)])
    order = np.lexsort((np.arange(len(att_start)), att_start))
    att_brand, att_country, att_start, att_steps, att_player = (
        a[order] for a in (att_brand, att_country, att_start, att_steps, att_player))
    step_days = np.stack([att_start, att_start,
                          np.concatenate([identity_day, a_day])[order],
                          np.concatenate([address_day, a_day])[order],
                          np.concatenate([np.maximum(first_deposit, 0), a_day])[order]], axis=1)
    rows = np.repeat(np.arange(len(att_start)), att_steps)
    step_no = np.arange(len(rows)) - np.repeat(np.cumsum(att_steps) - att_steps, att_steps) + 1
    player_col = pd.array(att_player[rows], dtype="Int64")
    player_col[att_player[rows] == 0] = pd.NA
    p.onboarding = pd.DataFrame({
        "attempt_id": (rows + 1).astype(np.int64),
        "started_on": _dates(att_start[rows]),
        "day": _dates(step_days[rows, step_no - 1]),
        "brand_id": (att_brand[rows] + 1).astype(np.int16),
        "country_code": np.array([c[0] for c in COUNTRIES], dtype=object)[att_country[rows]],
        "player_id": player_col,
        "step_no": step_no.astype(np.int16),
        "step": np.array(ONBOARDING_STEPS, dtype=object)[step_no - 1],
    })
    return p


# ------------------------------------------------------------------------------------------------
# campaigns


def _campaigns(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    cid = 0
    for b in range(len(BRANDS)):
        start = int(rng.integers(5, 40))
        while start < DAYS - 20:
            length = int(rng.integers(14, 43))
            kind = list(_CAMPAIGN_KINDS)[int(rng.integers(0, len(_CAMPAIGN_KINDS)))]
            day = _EPOCH + start
            month = pd.Timestamp(day).strftime("%b %Y")
            cid += 1
            rows.append({
                "campaign_id": cid,
                "brand_id": b + 1,
                "name": f"{kind} {month}",
                "kind": kind,
                "start_date": start,
                "end_date": min(start + length - 1, DAYS - 1),
                "bonus_cost": float(np.round(rng.uniform(*_CAMPAIGN_KINDS[kind]), 0)),
                "uptake": float(rng.uniform(0.05, 0.16)),
            })
            start += length + int(rng.integers(10, 45))
    frame = pd.DataFrame(rows)
    frame["campaign_id"] = frame["campaign_id"].astype(np.int32)
    frame["brand_id"] = frame["brand_id"].astype(np.int16)
    return frame


# ------------------------------------------------------------------------------------------------
# activity: payments, game play, campaign activations, responsible-gaming signals


class _Activity:
    transactions: pd.DataFrame
    game_activity: pd.DataFrame
    activations: pd.DataFrame
    rg_weekly: pd.DataFrame


def _activity(rng: np.random.Generator, players: _Players, campaigns: pd.DataFrame, games: _Games) -> _Activity:
    depositors = np.flatnonzero(players.first_deposit >= 0)
    nd = len(depositors)
    fd = players.first_deposit[depositors]
    remaining = DAYS - fd
    risky = rng.random(nd) < 0.011 * AGE_RISK[players.age[depositors]]
    # Lifetime (days of decaying activity) and how often a player comes back while active.
    # Later registrants stay for a shorter time: the brands' retention is slowly getting worse.
    tau = (rng.lognormal(np.log(38), 1.1, nd) * np.where(risky, 3.0, 1.0)
           * (1.2 - 0.4 * players.registered[depositors] / DAYS))
    freq = np.where(risky, rng.uniform(0.4, 0.75, nd), rng.beta(2, 6, nd))
    n_extra = rng.poisson(freq * tau)
    owner = np.repeat(np.arange(nd), n_extra)
    offset = 1 + np.floor(rng.exponential(tau[owner])).astype(np.int64)
    keep = offset < remaining[owner]
    ev_owner = np.concatenate([np.arange(nd), owner[keep]])
    ev_day = np.concatenate([fd, fd[owner[keep]] + offset[keep]])
    ev_boost = np.zeros(len(ev_owner), dtype=bool)

    # Campaign activations: among the brand's players active during the campaign, a share activates
    # on their first active day in it; each then comes back a few extra times within 30 days.
    dep_brand = players.brand[depositors]
    order = np.argsort(ev_day, kind="stable")
    s_day, s_owner = ev_day[order], ev_owner[order]
    act_c, act_owner, act_day, act_cost = [], [], [], []
    for c in campaigns.itertuples():
        lo, hi = np.searchsorted(s_day, [c.start_date, c.end_date + 1])
        owners = s_owner[lo:hi]
        days = s_day[lo:hi]
        mask = dep_brand[owners] == c.brand_id - 1
        owners, days = owners[mask], days[mask]
        uniq, first = np.unique(owners, return_index=True)
        chosen = rng.random(len(uniq)) < c.uptake
        act_c.append(np.full(chosen.sum(), c.campaign_id))
        act_owner.append(uniq[chosen])
        act_day.append(days[first[chosen]])
        act_cost.append(np.round(c.bonus_cost * rng.uniform(0.5, 1.0, chosen.sum()), 2))
    act_c, act_owner, act_day, act_cost = (np.concatenate(a) for a in (act_c, act_owner, act_day, act_cost))
    n_boost = rng.poisson(3.5, len(act_owner))
    b_owner = np.repeat(act_owner, n_boost)
    b_day = np.repeat(act_day, n_boost) + rng.integers(0, CAMPAIGN_WINDOW_DAYS, n_boost.sum())
    keep = b_day < DAYS
    ev_owner = np.concatenate([ev_owner, b_owner[keep]])
    ev_day = np.concatenate([ev_day, b_day[keep]])
    ev_boost = np.concatenate([ev_boost, np.ones(keep.sum(), dtype=bool)])

    # One event per player and day.
    key = ev_owner * DAYS + ev_day
    uniq, inverse = np.unique(key, return_inverse=True)
    boost = np.zeros(len(uniq), dtype=bool)
    np.logical_or.at(boost, inverse, ev_boost)
    e_owner, e_day = uniq // DAYS, uniq % DAYS
    ne = len(uniq)
    e_player = depositors[e_owner]
    e_brand = dep_brand[e_owner]
    e_value = players.value[e_player]
    e_risky = risky[e_owner]
    is_first = e_day == fd[e_owner]
    # Deviating players escalate: more of everything the longer they play.
    escalation = np.where(e_risky, 1 + np.minimum((e_day - fd[e_owner]) / 240, 2.0), 1.0)

    # Day types: most days are play days; some only visit the cashier.
    cashier_only = (rng.random(ne) < 0.06) & ~is_first
    deposits_today = np.where(
        is_first, 1,
        (rng.random(ne) < np.where(boost, 0.72, np.where(cashier_only, 0.45, 0.30)))
        * (1 + rng.poisson(np.where(e_risky, 1.6 * escalation, 0.18))))
    withdraw_today = rng.random(ne) < np.where(cashier_only, 0.55, 0.07)

    # Transactions: one row per deposit or withdrawal.
    d_idx = np.repeat(np.arange(ne), deposits_today)
    d_amount = np.maximum(10, np.round(rng.lognormal(np.log(34 * e_value[d_idx]), 0.55)
                                       * np.where(boost[d_idx], 1.3, 1.0)))
    w_idx = np.flatnonzero(withdraw_today)
    w_amount = np.maximum(20, np.round(rng.lognormal(np.log(105 * e_value[w_idx]), 0.7), 0))
    t_idx = np.concatenate([d_idx, w_idx])
    t_kind = np.concatenate([np.full(len(d_idx), "deposit", dtype=object),
                             np.full(len(w_idx), "withdrawal", dtype=object)])
    transactions = pd.DataFrame({
        "day": _dates(e_day[t_idx]),
        "player_id": e_player[t_idx].astype(np.int64) + 1,
        "brand_id": (e_brand[t_idx] + 1).astype(np.int16),
        "kind": t_kind,
        "amount": np.concatenate([d_amount, w_amount]).astype(float),
    })

    # Game play: 1–3 games a play day; new releases draw extra play for ~45 days.
    play = np.flatnonzero(~cashier_only)
    n_games = 1 + rng.poisson(np.where(e_risky[play], 1.2, 0.5))
    g_ev = np.repeat(play, n_games)
    g_day = e_day[g_ev]
    pop = games.popularity / games.popularity.sum()
    game = rng.choice(len(pop), len(g_ev), p=pop)
    classic = np.flatnonzero(games.release < 0)
    unreleased = games.release[game] > g_day
    game[unreleased] = rng.choice(classic, unreleased.sum(), p=pop[classic] / pop[classic].sum())
    new_order = np.argsort(games.release, kind="stable")
    rel_sorted = games.release[new_order]
    lo = np.searchsorted(rel_sorted, g_day - 45, side="left")
    hi = np.searchsorted(rel_sorted, g_day, side="right")
    pick = new_order[np.minimum(lo + np.floor(rng.random(len(g_ev)) * np.maximum(hi - lo, 1)).astype(np.int64),
                                len(new_order) - 1)]
    # A release draws the most play in its first days, fading over weeks, more for some games than others.
    age = g_day - games.release[pick]
    fresh = (hi > lo) & (rng.random(len(g_ev)) < 0.55 * games.appeal[pick] * np.exp(-age / 16))
    game[fresh] = pick[fresh]
    g_key = g_ev * len(pop) + game
    _, first = np.unique(g_key, return_index=True)     # one row per player, day and game
    first.sort()
    g_ev, game = g_ev[first], game[first]
    ng = len(g_ev)
    rounds = np.maximum(1, np.round(rng.lognormal(np.log(70), 0.75, ng)
                                     * np.where(e_risky[g_ev], 1.8 * escalation[g_ev], 1.0))).astype(np.int32)
    stake = 0.8 * e_value[g_ev] * rng.lognormal(0, 0.25, ng)
    bets = np.round(rounds * stake, 2)
    shape = games.shape[game]
    wins = np.round(bets * games.rtp[game] * rng.gamma(shape, 1 / shape), 2)
    game_activity = pd.DataFrame({
        "day": _dates(e_day[g_ev]),
        "player_id": e_player[g_ev].astype(np.int64) + 1,
        "brand_id": (e_brand[g_ev] + 1).astype(np.int16),
        "game_id": (game + 1).astype(np.int16),
        "bets": bets,
        "wins": wins,
        "rounds": rounds,
    })

    activations = pd.DataFrame({
        "campaign_id": act_c.astype(np.int32),
        "player_id": depositors[act_owner].astype(np.int64) + 1,
        "brand_id": (dep_brand[act_owner] + 1).astype(np.int16),
        "day": _dates(act_day),
        "cost": act_cost.astype(float),
    })

    rg_weekly = _rg_weekly(rng, e_owner, e_day, e_risky, escalation, cashier_only, deposits_today,
                           g_ev, bets - wins, n_games, depositors, dep_brand)

    out = _Activity()
    out.transactions, out.game_activity, out.activations, out.rg_weekly = (
        transactions, game_activity, activations, rg_weekly)
    return out


def _rg_weekly(rng, e_owner, e_day, e_risky, escalation, cashier_only, deposits_today, g_ev, net, n_games,
               depositors, dep_brand) -> pd.DataFrame:
    """Weekly per-player signals: sessions, minutes, late-night sessions, deposits, limit increases, loss."""
    ne = len(e_owner)
    week = _week_start(e_day)
    wkey = e_owner * (DAYS + 7) + (week + 6)     # week offsets start at -6
    uniq, inv = np.unique(wkey, return_inverse=True)
    nw = len(uniq)
    play = ~cashier_only
    sessions_day = np.where(play, 1 + rng.poisson(np.where(e_risky, 1.5 * escalation, 0.25)), 0)
    minutes_day = np.where(play, rng.lognormal(np.log(28), 0.6, ne)
                           * np.where(e_risky, 3.2 * escalation, 1.0), 0.0)
    late_day = rng.binomial(sessions_day, np.where(e_risky, 0.55, 0.06))
    per_event_net = np.bincount(g_ev, weights=net, minlength=ne)
    sessions = np.bincount(inv, weights=sessions_day, minlength=nw)
    minutes = np.bincount(inv, weights=minutes_day, minlength=nw)
    late = np.bincount(inv, weights=late_day, minlength=nw)
    deposits = np.bincount(inv, weights=deposits_today, minlength=nw)
    loss = np.bincount(inv, weights=per_event_net, minlength=nw)
    w_risky = np.zeros(nw, dtype=bool)
    w_risky[inv] = e_risky
    limit = rng.binomial(1, np.where(w_risky, 0.22, 0.004))
    owner = uniq // (DAYS + 7)
    week_off = uniq % (DAYS + 7) - 6
    return pd.DataFrame({
        "week_start": _dates(week_off),
        "player_id": depositors[owner].astype(np.int64) + 1,
        "brand_id": (dep_brand[owner] + 1).astype(np.int16),
        "sessions": sessions.astype(np.int32),
        "session_minutes": np.round(minutes).astype(np.int32),
        "late_night_sessions": late.astype(np.int32),
        "deposit_count": deposits.astype(np.int32),
        "limit_increases": limit.astype(np.int32),
        "net_loss": np.round(loss, 2),
    })
