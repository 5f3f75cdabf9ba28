"""Restaurant Operations demo data: stores, daily sales by product category, customer support calls.

Deterministic for a given ``rng``. The data tells the story of the seed presentation at every scale:

* Pennsylvania has exactly two stores; the one at **10 Resort Plz** (Harrisburg) is the weakest store of
  the chain and was short-staffed in December 2021, so it has the lowest revenue overall and
  below-average revenue that month.
* A winter storm hit Pennsylvania in the week of Sunday 19 December 2021: both stores closed for three
  days and traded weakly on the others, with Christmas Day closed as everywhere. That week is the low of
  December 2021 for both, even against the partial weeks at the month's edges.
* December 2021 was hard on service: the restaurant-category call-for-support score rose across the
  chain, and far more in Pennsylvania.
* One flagship store (120 Broadway, New York) clearly leads on revenue.

Everything else is plausible noise on top of seasonality, weekday patterns, store size, price levels,
a post-2020 recovery trend and per-store growth.

Tables:

* ``r_stores(store_id, address, city, state, state_code, owner, size, seats)``
* ``r_categories(category, sort_order, price)`` — the product categories
* ``r_sales(day, store_id, category, revenue, orders, items_sold)`` — one row per open store, day and
  category; a store's closed days (Thanksgiving, Christmas Day, the Pennsylvania storm) have no rows.
  ``orders`` counts the orders whose main item is in that category, so orders add up across categories.
* ``r_support_calls(call_id, day, store_id, category, score)`` — one row per customer call; ``category``
  is restaurant, delivery, app or payment; ``score`` 1–10, higher = more support needed.

``scale`` multiplies the fact volume: above 1 the chain has proportionally more stores (never more in
Pennsylvania); below 1 the 48 stores stay (sales rows are one per store, day and category) and the call
volume shrinks, down to half of scale 1's so that monthly support scores still rest on enough calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
import pandas as pd

from data.schema import RESTAURANT_END as END
from data.schema import RESTAURANT_START as START

TABLES: tuple[str, ...] = ("r_stores", "r_categories", "r_sales", "r_support_calls")
FACT_TABLES: frozenset[str] = frozenset({"r_sales", "r_support_calls"})
SORT_KEYS: dict[str, str] = {
    "r_stores": "store_id",
    "r_categories": "sort_order",
    "r_sales": "day, store_id, category",
    "r_support_calls": "day, store_id, call_id",
}

BASE_STORES = 48

WORST_ADDRESS = "10 Resort Plz"
PA_OTHER_ADDRESS = "1500 Market St"
BEST_ADDRESS = "120 Broadway"
STORM_WEEK = date(2021, 12, 19)  # a Sunday

# Closed for everyone: Thanksgiving and Christmas Day. Closed in Pennsylvania: the storm.
CHAIN_CLOSED = (date(2021, 11, 25), date(2021, 12, 25), date(2022, 11, 24), date(2022, 12, 25))
STORM_CLOSED = (date(2021, 12, 20), date(2021, 12, 21), date(2021, 12, 22))
# Pennsylvania trading on the storm week's open days, relative to normal.
STORM_TRADING = {date(2021, 12, 19): 0.55, date(2021, 12, 23): 0.5, date(2021, 12, 24): 0.7}

# state, code, relative price level, [(city, number of base stores)]
STATES: tuple[tuple[str, str, float, tuple[tuple[str, int], ...]], ...] = (
    ("California", "CA", 1.08, (("Los Angeles", 3), ("San Francisco", 2), ("San Diego", 2))),
    ("Texas", "TX", 0.96, (("Houston", 2), ("Austin", 2), ("Dallas", 2))),
    ("New York", "NY", 1.10, (("New York", 3), ("Buffalo", 2), ("Albany", 1))),
    ("Florida", "FL", 0.98, (("Miami", 2), ("Orlando", 2), ("Tampa", 1))),
    ("Illinois", "IL", 1.02, (("Chicago", 3), ("Naperville", 1))),
    ("Washington", "WA", 1.05, (("Seattle", 3), ("Spokane", 1))),
    ("Georgia", "GA", 0.95, (("Atlanta", 2), ("Savannah", 1))),
    ("Massachusetts", "MA", 1.06, (("Boston", 2), ("Cambridge", 1))),
    ("Colorado", "CO", 1.00, (("Denver", 3), ("Boulder", 1))),
    ("Arizona", "AZ", 0.96, (("Phoenix", 3), ("Tucson", 1))),
    ("Pennsylvania", "PA", 0.98, (("Harrisburg", 1), ("Philadelphia", 1))),
)

STREETS = ("Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Park Ave", "Lake Shore Dr", "Elm St", "Pine St",
           "Washington Blvd", "Harbor Way", "Sunset Blvd", "Union Sq", "Mill Rd", "River Rd", "Highland Ave",
           "Commerce St", "Market Plz", "Church St", "College Ave", "Franklin St", "Grand Ave", "Spring St",
           "Lincoln Way", "Madison Ave", "Jefferson St", "Center Plz", "Broad St", "Valley Pkwy")
FIRST_NAMES = ("Maria", "James", "Aisha", "Robert", "Linh", "David", "Sofia", "Michael", "Priya", "Daniel",
               "Grace", "Carlos", "Emily", "Kwame", "Hannah", "Mateo", "Olivia", "Samuel", "Yuki", "Noah",
               "Fatima", "Ethan", "Chloe", "Omar")
LAST_NAMES = ("Lopez", "Smith", "Okafor", "Nguyen", "Miller", "Patel", "Rossi", "Johnson", "Kim", "Garcia",
              "Brown", "Cohen", "Martinez", "Walker", "Singh", "Murphy", "Schmidt", "Davis", "Tanaka",
              "Wilson")

SIZES = ("small", "medium", "large")
SIZE_FACTOR = {"small": 0.72, "medium": 1.0, "large": 1.28}
SEATS = {"small": (36, 60), "medium": (64, 100), "large": (110, 170)}
QUALITY = (0.88, 1.12)  # ordinary stores' performance range around their size
WORST_QUALITY = 0.76
BEST_QUALITY = 1.40

# category, share of orders, items per order, price per item (USD, Jan 2021), seasonal amplitude, phase
CATEGORIES: tuple[tuple[str, float, float, float, float, int], ...] = (
    ("Burgers", 0.27, 1.9, 8.90, 0.00, 0),
    ("Pizza", 0.21, 1.6, 12.50, 0.06, 15),       # a little stronger in winter
    ("Sandwiches", 0.17, 1.7, 8.20, 0.00, 0),
    ("Salads", 0.12, 1.4, 10.50, 0.15, 196),     # summer
    ("Desserts", 0.09, 1.5, 5.60, 0.05, 196),
    ("Beverages", 0.14, 1.8, 3.40, 0.10, 196),
)
BASE_ORDERS = 260            # orders a day of a medium store at the chain's 2022 level
WEEKDAY = np.array([1.10, 0.80, 0.85, 0.90, 0.98, 1.25, 1.30])  # Sunday .. Saturday
PRICE_INFLATION = 0.07       # over the two years

SUPPORT_CATEGORIES = ("restaurant", "delivery", "app", "payment")
SUPPORT_SHARE = np.array([0.36, 0.30, 0.19, 0.15])
SUPPORT_MEAN = np.array([4.3, 4.9, 3.9, 3.4])
CALLS_PER_ORDER = 0.013      # at scale 1
# Below this scale the call volume stops shrinking: a monthly score per store and category needs calls.
MIN_CALL_SCALE = 0.5
SCORE_NOISE = 1.1            # spread of one call's score around its expectation
APP_UPDATE = date(2022, 3, 1)  # a new app release: fewer app-related calls for help


def generate(rng: np.random.Generator, scale: float) -> Iterator[tuple[str, pd.DataFrame]]:
    stores = _stores(rng, scale)
    yield "r_stores", stores.drop(columns=["perf", "growth", "price_level", "quality"])
    yield "r_categories", pd.DataFrame({
        "category": [c[0] for c in CATEGORIES],
        "sort_order": np.arange(1, len(CATEGORIES) + 1, dtype="int32"),
        "price": [c[3] for c in CATEGORIES],
    })
    days = pd.date_range(START, END, freq="D")
    orders_per_day, sales = _sales(rng, stores, days)
    yield "r_sales", sales
    call_rate = CALLS_PER_ORDER * max(scale, MIN_CALL_SCALE) * BASE_STORES / len(stores)
    yield "r_support_calls", _support_calls(rng, stores, days, orders_per_day, call_rate)


# Stores ---------------------------------------------------------------------------------------------


def _stores(rng: np.random.Generator, scale: float) -> pd.DataFrame:
    extra = max(0, round(BASE_STORES * scale) - BASE_STORES)
    places = [(state, code, level, city) for state, code, level, cities in STATES
              for city, count in cities for _ in range(count)]
    others = [(state, code, level, city) for state, code, level, cities in STATES if code != "PA"
              for city, _ in cities]
    places += [others[i] for i in rng.integers(0, len(others), extra)]
    n = len(places)

    special = {("Harrisburg", 0): WORST_ADDRESS, ("Philadelphia", 0): PA_OTHER_ADDRESS,
               ("New York", 0): BEST_ADDRESS}
    seen_in_city: dict[str, int] = {}
    addresses: list[str] = []
    taken: set[str] = set()
    for _, _, _, city in places:
        k = seen_in_city.get(city, 0)
        seen_in_city[city] = k + 1
        address = special.get((city, k))
        while address is None or address in taken:
            address = f"{int(rng.integers(1, 400)) * 10 + int(rng.integers(0, 10))} {rng.choice(STREETS)}"
        taken.add(address)
        addresses.append(address)

    size = rng.choice(np.array(SIZES), n, p=[0.3, 0.45, 0.25])
    quality = rng.uniform(*QUALITY, n)
    growth = rng.uniform(-0.02, 0.08, n)
    addr = np.array(addresses)
    worst, best = addr == WORST_ADDRESS, addr == BEST_ADDRESS
    size[worst], quality[worst], growth[worst] = "small", WORST_QUALITY, -0.03
    size[best], quality[best], growth[best] = "large", BEST_QUALITY, 0.08
    size[addr == PA_OTHER_ADDRESS] = "medium"
    low, high = np.array([SEATS[s][0] for s in size]), np.array([SEATS[s][1] for s in size])
    owners = [f"{FIRST_NAMES[i]} {LAST_NAMES[j]}"
              for i, j in zip(rng.integers(0, len(FIRST_NAMES), n), rng.integers(0, len(LAST_NAMES), n),
                              strict=True)]
    price_level = np.array([p[2] for p in places]) * rng.uniform(0.97, 1.03, n)
    return pd.DataFrame({
        "store_id": np.arange(1, n + 1, dtype="int32"),
        "address": addresses,
        "city": [p[3] for p in places],
        "state": [p[0] for p in places],
        "state_code": [p[1] for p in places],
        "owner": owners,
        "size": size.astype(object),
        "seats": rng.integers(low, high + 1).astype("int32"),
        "quality": quality,
        "perf": np.array([SIZE_FACTOR[s] for s in size]) * quality,
        "growth": growth,
        "price_level": price_level,
    })


# Sales ----------------------------------------------------------------------------------------------


def _day_factors(days: pd.DatetimeIndex) -> np.ndarray:
    """Chain-wide traffic of each day: weekday, season, holidays and the recovery trend."""
    t = np.arange(len(days))
    weekday = WEEKDAY[(days.day_of_week.to_numpy() + 1) % 7]
    season = 1 + 0.09 * np.sin(2 * np.pi * (days.day_of_year.to_numpy() - 105) / 365.25)
    trend = 0.86 + 0.18 * (1 - np.exp(-t / 240))
    factor = weekday * season * trend
    month, dom = days.month.to_numpy(), days.day.to_numpy()
    factor = np.where((month == 12) & (dom <= 23), factor * 1.06, factor)  # holiday parties, gift cards
    factor = np.where((month == 12) & (dom == 24), factor * 0.6, factor)
    factor = np.where((month == 12) & (dom == 31), factor * 0.85, factor)
    factor = np.where((month == 1) & (dom == 1), factor * 0.7, factor)
    factor = np.where((month == 7) & (dom == 4), factor * 0.8, factor)
    return factor


def _store_day_factors(stores: pd.DataFrame, days: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Store × day traffic multipliers of the story, and the open mask."""
    n_stores, n_days = len(stores), len(days)
    factor = np.ones((n_stores, n_days))
    open_ = np.ones((n_stores, n_days), dtype=bool)
    day_index = {d.date(): i for i, d in enumerate(days)}
    for d in CHAIN_CLOSED:
        open_[:, day_index[d]] = False
    pa = (stores["state_code"] == "PA").to_numpy()
    for d in STORM_CLOSED:
        open_[pa, day_index[d]] = False
    for d, f in STORM_TRADING.items():
        factor[pa, day_index[d]] *= f
    # 10 Resort Plz was short-staffed through December 2021.
    worst = (stores["address"] == WORST_ADDRESS).to_numpy()
    december = (days.year == 2021) & (days.month == 12)
    factor[np.ix_(worst, december)] *= 0.85
    return factor, open_


def _sales(rng: np.random.Generator, stores: pd.DataFrame, days: pd.DatetimeIndex):
    n_stores, n_days, n_cat = len(stores), len(days), len(CATEGORIES)
    years = np.arange(n_days) / 365.0
    story, open_ = _store_day_factors(stores, days)
    traffic = (BASE_ORDERS * stores["perf"].to_numpy()[:, None]
               * (1 + stores["growth"].to_numpy()[:, None]) ** years[None, :]
               * _day_factors(days)[None, :] * story
               * rng.lognormal(0.0, 0.06, (n_stores, n_days)))

    share = np.array([c[1] for c in CATEGORIES])
    mix = share[None, :] * rng.uniform(0.85, 1.15, (n_stores, n_cat))
    mix /= mix.sum(axis=1, keepdims=True)
    doy = days.day_of_year.to_numpy()
    seasonal = np.stack([1 + amp * np.cos(2 * np.pi * (doy - phase) / 365.25)
                         for _, _, _, _, amp, phase in CATEGORIES], axis=1)  # day × category
    december = days.month.to_numpy() == 12
    seasonal[december, 4] *= 1.25  # desserts at the holidays

    lam = traffic[:, :, None] * mix[:, None, :] * seasonal[None, :, :]
    orders = np.maximum(rng.poisson(lam), 1)
    items_per_order = np.array([c[2] for c in CATEGORIES])
    items = orders + rng.poisson(orders * (items_per_order - 1)[None, None, :])
    price = (np.array([c[3] for c in CATEGORIES])[None, None, :]
             * stores["price_level"].to_numpy()[:, None, None]
             * (1 + PRICE_INFLATION * np.arange(n_days) / n_days)[None, :, None])
    revenue = np.round(items * price * rng.normal(1.0, 0.02, items.shape), 2)

    keep = np.broadcast_to(open_[:, :, None], orders.shape)
    s_idx, d_idx, c_idx = np.nonzero(keep)
    day_objects = np.array([d.date() for d in days], dtype=object)
    sales = pd.DataFrame({
        "day": day_objects[d_idx],
        "store_id": stores["store_id"].to_numpy()[s_idx],
        "category": np.array([c[0] for c in CATEGORIES], dtype=object)[c_idx],
        "revenue": revenue[keep],
        "orders": orders[keep].astype("int32"),
        "items_sold": items[keep].astype("int32"),
    })
    orders_per_day = np.where(open_, orders.sum(axis=2), 0)
    return orders_per_day, sales


# Support calls --------------------------------------------------------------------------------------


def _support_calls(rng: np.random.Generator, stores: pd.DataFrame, days: pd.DatetimeIndex,
                   orders_per_day: np.ndarray, call_rate: float) -> pd.DataFrame:
    n_stores, n_days, n_cat = len(stores), len(days), len(SUPPORT_CATEGORIES)
    dec21 = np.asarray((days.year == 2021) & (days.month == 12))
    pa = (stores["state_code"] == "PA").to_numpy()

    volume = np.broadcast_to(SUPPORT_SHARE, (n_stores, n_days, n_cat)).copy()
    volume[:, dec21, 0] *= 1.3                    # holiday rush: more complaints about the restaurant
    volume[np.ix_(pa, dec21, [0])] *= 4.0 / 1.3   # the storm, cancelled parties, short staff
    counts = rng.poisson(orders_per_day[:, :, None] * call_rate * volume)

    mean = np.broadcast_to(SUPPORT_MEAN, (n_stores, n_days, n_cat)).copy()
    mean += (-1.2 * (stores["quality"].to_numpy() - 1))[:, None, None]  # weaker stores need more help
    mean += rng.normal(0, 0.25, (n_stores, 1, n_cat))
    winter = np.isin(days.month.to_numpy(), (1, 2, 12))
    mean[:, winter, 1] += 0.4                     # late deliveries in snow
    mean[:, np.asarray(days >= pd.Timestamp(APP_UPDATE)), 2] -= 0.7
    mean[:, dec21, 0] += 1.4
    mean[np.ix_(pa, dec21, [0])] += 2.8

    cell = np.repeat(np.arange(counts.size), counts.ravel())
    s_idx, d_idx, c_idx = np.unravel_index(cell, counts.shape)
    score = np.clip(np.rint(mean.ravel()[cell] + rng.normal(0, SCORE_NOISE, len(cell))), 1, 10).astype("int16")
    day_objects = np.array([d.date() for d in days], dtype=object)
    return pd.DataFrame({
        "call_id": np.arange(1, len(cell) + 1, dtype="int64"),
        "day": day_objects[d_idx],
        "store_id": stores["store_id"].to_numpy()[s_idx],
        "category": np.array(SUPPORT_CATEGORIES, dtype=object)[c_idx],
        "score": score,
    })
