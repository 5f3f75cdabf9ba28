"""PostgreSQL as the analytical store: a dataset loaded by ``python -m data.load_postgres`` shows the same
rows in every visual and the same options in every control as the DuckDB file it came from, and an app
with ``DATA_URL`` pointing at it serves it — moving to a new load while it runs.
"""

from __future__ import annotations

import base64
import json
import math
import random
import shutil
import socket
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import plotly.io as pio
import pytest
import sqlalchemy as sa
from dash.testing.wait import until

from accounts.demo import PARTNER_BRAND
from accounts.viewer import FULL_ACCESS, Viewer
from core.runtime import EXTENSION
from dashboards import registry
from dashboards.service import DashboardService, frame_records
from data.engine import DataEngine
from data.files import duckdb_url, publish
from data.generate import generate_dataset
from data.load_postgres import KEEP, SCHEMA_PREFIX, LoadError, load, main
from data.store import POINTER_TABLE, LoadedSchema, ensure_dataset
from declarations.context import QueryContext
from declarations.model import Dashboard
from tests.integration.conftest import SMALL_SCALE, Api, sign_in_client
from tests.integration.test_accounts_dash import sheet_of, sheet_payload
from tests.persistence_fixtures import scratch_database
from views.dates import PRESETS
from views.state import ViewState, original_state

pytestmark = pytest.mark.postgres

STATES_PER_SHEET = 6
# The iGaming demo partner: restricted to one brand.
PARTNER = Viewer(username="partner", brands=(PARTNER_BRAND,))


@pytest.fixture(scope="module")
def small_file(tmp_path_factory) -> Path:
    return generate_dataset(tmp_path_factory.mktemp("pgstore"), scale=SMALL_SCALE, progress=False)


@pytest.fixture(scope="module")
def store_url():
    with scratch_database("viewmark_pgstore") as url:
        yield url


@pytest.fixture
def fresh_store():
    """A store of the test's own, for tests that load into it again."""
    with scratch_database("viewmark_pgload") as url:
        yield url


@pytest.fixture(scope="module")
def engines(small_file, store_url):
    """The same dataset on both engines: the DuckDB file, and PostgreSQL loaded from it."""
    load(small_file, store_url)
    served = ensure_dataset(store_url, small_file.parent)
    duck, pg = DataEngine(duckdb_url(small_file)), DataEngine(served.url, version=served.version)
    yield duck, pg
    duck.dispose()
    pg.dispose()


# Comparing ------------------------------------------------------------------------------------------------

def difference(a, b, path: str = "") -> str:
    """Where ``a`` (DuckDB's) and ``b`` (PostgreSQL's) first differ as the browser receives them, or "".

    Numbers are equal up to float rounding (DuckDB sums in parallel, in no fixed order).
    """
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return f"{path}: {a!r} / {b!r} is not a JSON number"
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) \
            and not isinstance(b, bool):
        if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
            return ""
        return "" if math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) else f"{path}: DuckDB {a!r}, PostgreSQL {b!r}"
    if isinstance(a, dict) and isinstance(b, dict):
        if "bdata" in a and "bdata" in b:  # plotly's typed arrays: compare their numbers
            return difference(typed_array(a), typed_array(b), path)
        if a.keys() != b.keys():
            return f"{path}: keys {sorted(a)} / {sorted(b)}"
        return next((d for k in a if (d := difference(a[k], b[k], f"{path}.{k}"))), "")
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items on DuckDB, {len(b)} on PostgreSQL"
        return next((d for i, (x, y) in enumerate(zip(a, b, strict=True)) if (d := difference(x, y, f"{path}[{i}]"))),
                    "")
    return "" if type(a) is type(b) and a == b else f"{path}: DuckDB {a!r}, PostgreSQL {b!r}"


def typed_array(encoded: dict) -> list:
    values = np.frombuffer(base64.b64decode(encoded["bdata"]), dtype=encoded["dtype"])
    return values.reshape([int(n) for n in str(encoded.get("shape", len(values))).split(",")]).tolist()


def figure_json(visual, frame, ctx: QueryContext):
    return json.loads(pio.to_json(visual.figure(frame, ctx), validate=False))


# States -----------------------------------------------------------------------------------------------------

def random_states(board: Dashboard, sheet: str, engine: DataEngine, rng: random.Random) -> list[ViewState]:
    """The Original view of the sheet and a spread of others: date ranges, selections and parameters."""
    original = original_state(board)
    states = [ViewState(board.id, sheet, dict(original.filters), dict(original.parameters))]
    ctx = QueryContext.defaults(board)
    for _ in range(STATES_PER_SHEET - 1):
        filters, parameters = dict(original.filters), dict(original.parameters)
        for control in board.controls:
            if control.type == "date_range" and rng.random() < 0.25:  # resolved against each engine's data date
                filters[control.id] = rng.choice(list(PRESETS))
            elif control.type == "date_range":
                low, high = (date.fromisoformat(b) for b in control.bounds)
                start = low + timedelta(days=rng.randrange((high - low).days))
                end = min(high, start + timedelta(days=rng.choice([6, 30, 90, 200, 400])))
                filters[control.id] = [start.isoformat(), end.isoformat()]
            elif control.kind == "parameter":
                parameters[control.id] = rng.choice(control.options).value
            elif rng.random() < 0.4:
                values = [o.value for o in control.options_query(engine, ctx)]
                filters[control.id] = rng.sample(values, k=min(len(values), rng.choice([1, 2, 3])))
        states.append(ViewState(board.id, sheet, filters, parameters))
    return states


SHEETS = [(d.id, s.id) for d in registry.DASHBOARDS.values() for s in d.sheets]


@pytest.mark.parametrize(("dashboard", "sheet"), SHEETS)
def test_pgw001_every_visual_shows_the_same_rows_on_postgresql(engines, dashboard, sheet):
    duck, pg = engines
    board = registry.get(dashboard)
    rng = random.Random(f"{dashboard}/{sheet}")
    viewers = [FULL_ACCESS, PARTNER] if dashboard == "gaming" else [FULL_ACCESS]
    shown = dict.fromkeys(viewers, 0)
    for state in random_states(board, sheet, duck, rng):
        for viewer in viewers:
            _, on_duck = DashboardService(duck).sheet_data(board, state, viewer)
            _, on_pg = DashboardService(pg).sheet_data(board, state, viewer)
            contexts = [DashboardService(e).views.context(board, state, viewer) for e in (duck, pg)]
            for a, b in zip(on_duck, on_pg, strict=True):
                where = f"{a.visual.id} in {state.to_json()} for {viewer.brands or 'every brand'}"
                assert list(b.frame.columns) == list(a.frame.columns), where
                rows = difference(frame_records(a.frame), frame_records(b.frame), "rows")
                assert not rows, f"{where}: {rows}"
                if a.visual.figure is not None and not a.frame.empty:  # an empty one is drawn as "No data"
                    figure = difference(figure_json(a.visual, a.frame, contexts[0]),
                                        figure_json(b.visual, b.frame, contexts[1]), "figure")
                    assert not figure, f"{where}: {figure}"
                shown[viewer] += not a.frame.empty
    assert all(shown.values()), shown  # the states chosen show data, to every viewer


@pytest.mark.parametrize("dashboard", sorted(registry.DASHBOARDS))
def test_pgw002_every_control_offers_the_same_options_on_postgresql(engines, dashboard):
    duck, pg = engines
    board = registry.get(dashboard)
    rng = random.Random(dashboard)
    restricted = [{}, PARTNER.restrictions] if dashboard == "gaming" else [{}]
    contexts = [QueryContext.defaults(board, r) for r in restricted]
    for state in random_states(board, board.sheets[0].id, duck, rng):
        contexts.append(DashboardService(duck).views.context(board, state, FULL_ACCESS))
    for ctx in contexts:
        for control in board.controls:
            if control.options_query is not None:
                assert control.options_query(pg, ctx) == control.options_query(duck, ctx), (control.id, ctx.filters)
    assert board.data_date(pg) == board.data_date(duck)


def test_pgw003_a_load_copies_every_table_in_order_with_its_types_and_keys(engines, small_file, store_url):
    _, pg = engines
    store = sa.create_engine(pg.url, poolclass=sa.pool.NullPool)
    with duckdb.connect(str(small_file), read_only=True) as con:
        tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        sales = con.execute("SELECT * FROM r_sales").fetchall()
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    with store.connect() as con:
        schema = con.scalar(sa.text("SELECT current_schema()"))
        loaded = con.execute(sa.text("SELECT table_name FROM information_schema.tables WHERE table_schema = :s"
                                     " ORDER BY 1"), {"s": schema}).scalars().all()
        assert loaded == tables
        assert {t: con.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in tables} == counts
        # Row order is the file's (the facts are stored sorted by day): a plain scan reads them back so.
        assert con.execute(sa.text("SELECT * FROM r_sales")).all() == sales
        types = dict(con.execute(sa.text(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = :s AND table_name = 'g_players'"), {"s": schema}).all())
        assert types["player_id"] == "bigint" and types["registered_on"] == "date"
        assert types["brand_id"] == "smallint" and types["channel"] == "text"
        indexes = dict(con.execute(sa.text("SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = :s"),
                                   {"s": schema}).all())
        assert "(brand_id, day)" in indexes["g_transactions"] and "(day)" in indexes["r_sales"]
        assert "pkey" in indexes["r_stores"]


def tiny_dataset(folder: Path, name: str, revenue: float = 1.0, extra: str = "") -> Path:
    """A dataset file of two tables, for tests of loading rather than of the dashboards."""
    path = folder / f"viewmark-{name}.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE dataset_meta AS SELECT 'generated_at' AS key, '20260102030405' AS value")
        con.execute("CREATE TABLE r_sales AS SELECT DATE '2021-01-01' + CAST(i AS INTEGER) AS day,"
                    " CAST(? * i AS DOUBLE) AS revenue"
                    " FROM range(100) r(i)", [revenue])
        if extra:
            con.execute(extra)
    return path


def loads_in(url: str) -> tuple[list[str], str]:
    """The load schemas in the store, and the one its pointer names."""
    admin = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with admin.connect() as con:
        loads = con.execute(sa.text("SELECT nspname FROM pg_namespace WHERE starts_with(nspname, :p)"
                                    " ORDER BY 1"), {"p": SCHEMA_PREFIX}).scalars().all()
        served = con.scalar(sa.text(f"SELECT schema_name FROM {POINTER_TABLE}"))
    admin.dispose()
    return loads, served


def test_pgw004_each_load_is_a_new_version_and_old_loads_are_dropped(fresh_store, tmp_path):
    source = tiny_dataset(tmp_path, "tiny")
    versions = [load(source, fresh_store).version for _ in range(KEEP + 1)]
    assert len(set(versions)) == len(versions)
    assert all(v.startswith("20260102030405-") for v in versions)  # the file's own version comes first
    assert ensure_dataset(fresh_store, tmp_path).version == versions[-1]
    loads, served = loads_in(fresh_store)
    assert len(loads) == KEEP and served == loads[-1]


def test_pgw005_a_load_that_fails_leaves_nothing_and_the_served_load_stays(fresh_store, tmp_path):
    load(tiny_dataset(tmp_path, "good"), fresh_store)
    before = loads_in(fresh_store)
    broken = tiny_dataset(tmp_path, "broken", extra="CREATE TABLE z_lists AS SELECT [1, 2] AS numbers")
    with pytest.raises(LoadError, match="numbers"):
        load(broken, fresh_store)
    assert loads_in(fresh_store) == before


# The app -------------------------------------------------------------------------------------------------------

def revenue_doubled(source: Path, folder: Path) -> Path:
    """A copy of the dataset with every revenue (facts and rollups) doubled: another version to load."""
    copy = folder / "viewmark-doubled.duckdb"
    shutil.copyfile(source, copy)
    with duckdb.connect(str(copy)) as con:
        for (table,) in con.execute("SELECT table_name FROM information_schema.columns"
                                    " WHERE column_name = 'revenue'").fetchall():
            con.execute(f"UPDATE {table} SET revenue = revenue * 2")
        con.execute("CHECKPOINT")
    return copy


def kpi_revenue(api: Api) -> float:
    response = api.get("/api/v1/dashboards/restaurant/data")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    visuals = {v["id"]: v for v in response.get_json()["visuals"]}
    return next(row["value"] for row in visuals["kpis"]["rows"] if row["kpi"] == "Revenue")


def test_pgw006_the_app_serves_postgresql_and_moves_to_a_new_load(make_app, small_file, fresh_store, tmp_path):
    load(small_file, fresh_store)
    app = make_app(data_url=fresh_store)
    runtime = app.server.extensions[EXTENSION]
    client = app.server.test_client()
    sign_in_client(client, "analyst")
    assert client.get("/dashboards/gaming").status_code == 200
    api = Api(client)
    # The page's sheet, as the view callback renders it: every visual drawn from PostgreSQL's rows.
    sheet = sheet_of(client.post("/_dash-update-component", json=sheet_payload("gaming", "kpis"),
                                 headers=api.headers))
    drawn = json.dumps(sheet)
    assert drawn.count("vm-visual ") == len(registry.get("gaming").sheet("kpis").visuals)
    assert "vm-empty" not in drawn
    before = kpi_revenue(api)
    first = runtime.engine.version
    assert runtime.engine.dialect == "postgresql"

    second = load(revenue_doubled(small_file, tmp_path), fresh_store)
    until(lambda: kpi_revenue(api) != before, timeout=10, msg="the app did not move to the new load")
    assert runtime.engine.version == second.version != first
    assert math.isclose(kpi_revenue(api), 2 * before, rel_tol=1e-9)
    gaming = api.get("/api/v1/dashboards/gaming/data")
    assert gaming.status_code == 200 and gaming.get_json()["visuals"]


def test_pgw008_a_request_pinned_to_a_load_keeps_reading_it_through_the_next(fresh_store, tmp_path):
    """Moving the pointer never changes a load: a request reads the version it began on to its end."""
    load(tiny_dataset(tmp_path, "v1"), fresh_store)
    served = ensure_dataset(fresh_store, tmp_path)
    engine = DataEngine(served.url, version=served.version, latest=LoadedSchema(fresh_store, served, interval=0))
    sql = "SELECT CAST(SUM(revenue) AS DOUBLE PRECISION) FROM r_sales"
    try:
        token = engine.pin()
        second = load(tiny_dataset(tmp_path, "v2", revenue=2.0), fresh_store)
        assert engine.scalar(sql) == 4950 and engine.version == served.version
        engine.unpin(token)
        assert engine.scalar(sql) == 9900 and engine.version == second.version
    finally:
        engine.dispose()


def test_pgw007_text_sorts_as_on_duckdb_whatever_the_databases_collation(tmp_path):
    """Options and rankings are ordered by text: a store whose default collation is a language's (ICU
    en-US here) still orders the loaded rows as DuckDB does."""
    words = ["b", "B", "a", "_x", "A b", "Ab", "10", "9", "é", "e"]
    source = tmp_path / "viewmark-words.duckdb"
    with duckdb.connect(str(source)) as con:
        con.execute("CREATE TABLE words AS SELECT unnest(?) AS word", [words])
        duck = [w for (w,) in con.execute("SELECT word FROM words ORDER BY word").fetchall()]
        duck_less = con.execute("SELECT count(*) FROM words WHERE word < 'a'").fetchone()[0]
    with scratch_database("viewmark_pgicu", "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'") as url:
        load(source, url)
        store = sa.create_engine(ensure_dataset(url, tmp_path).url, poolclass=sa.pool.NullPool)
        with store.connect() as con:
            assert con.execute(sa.text("SELECT word FROM words ORDER BY word")).scalars().all() == duck
            assert con.scalar(sa.text("SELECT count(*) FROM words WHERE word < 'a'")) == duck_less
            # The database's own order differs: without the loader's collation the test above would fail.
            assert con.execute(sa.text(
                'SELECT word FROM words ORDER BY word COLLATE "default"')).scalars().all() != duck
        store.dispose()


def test_pgw009_the_command_loads_the_file_current_names(fresh_store, tmp_path, capsys):
    source = tiny_dataset(tmp_path, "named")
    publish(tmp_path, source)
    main(["--to", fresh_store, "--data-dir", str(tmp_path)])
    assert "Loaded viewmark-named.duckdb into schema viewmark_load_" in capsys.readouterr().out
    assert ensure_dataset(fresh_store, tmp_path).version.startswith("20260102030405-")
    with pytest.raises(SystemExit) as missing:
        main(["--to", fresh_store, "--from", str(tmp_path / "viewmark-none.duckdb")])
    assert missing.value.code == 2 and "python -m data.generate" in capsys.readouterr().err


def test_pgw010_while_the_pointer_cannot_be_read_the_load_served_stays(fresh_store, tmp_path, caplog):
    load(tiny_dataset(tmp_path, "v1"), fresh_store)
    served = ensure_dataset(fresh_store, tmp_path)
    with socket.socket() as closed:  # a port nothing listens on: every connection is refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    down = sa.make_url(fresh_store).set(host="127.0.0.1", port=port).render_as_string(hide_password=False)
    assert ensure_dataset(down, tmp_path).version == "external"  # the app starts; the pointer is read later
    latest = LoadedSchema(down, served, interval=0)
    caplog.clear()
    assert latest() == served and latest() == served
    assert len([r for r in caplog.records if "cannot be read" in r.getMessage()]) == 1
