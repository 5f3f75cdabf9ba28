"""The embedded data file: missing or unreadable when the app starts, and refreshed while users work.

At start, a file that ``CURRENT`` names but that is gone or does not open stops the app with one plain
message and the command that writes a new one — under gunicorn too, which then stops instead of starting
workers over and over. A refresh (a new versioned file, then the pointer moved: ``data.files``) is followed
by every app process at its next request, and no answer mixes two versions.
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from core.runtime import EXTENSION
from data import rollups
from data.files import POINTER, publish
from settings import ROOT, Settings
from tests.integration.conftest import Api, sign_in_client

DATA = "/api/v1/dashboards/restaurant/data"
REVENUE = "SELECT SUM(revenue) FROM r_sales"


@pytest.fixture(scope="module")
def versions(tmp_path_factory, small_dataset_url) -> dict[str, Path]:
    """Two versions of the dataset: v2 is v1 with every sale's revenue doubled (its rollups rebuilt, as a
    refresh of the data rebuilds them)."""
    folder = tmp_path_factory.mktemp("versions")
    v1 = Path(sa.make_url(small_dataset_url).database)
    v2 = folder / "v2.duckdb"
    shutil.copyfile(v1, v2)
    with duckdb.connect(str(v2)) as con:
        con.execute("UPDATE r_sales SET revenue = revenue * 2")
        rollups.build(con)
        con.execute("CHECKPOINT")
    garbage = folder / "garbage.duckdb"
    garbage.write_bytes(b"not a database " * 1000)
    return {"v1": v1, "v2": v2, "garbage": garbage}


def instance_with(tmp_path: Path, versions: dict[str, Path], current: str | None, *others: str) -> Path:
    """An instance folder whose data folder holds the named versions, ``current`` published."""
    data_dir = tmp_path / "instance" / "data"
    data_dir.mkdir(parents=True)
    for name in {current, *others} - {None}:
        (data_dir / f"viewmark-{name}.duckdb").symlink_to(versions[name])
    if current is not None:
        publish(data_dir, data_dir / f"viewmark-{current}.duckdb")
    return tmp_path / "instance"


def same(a: float, b: float) -> bool:
    """Equal but for the last bits: DuckDB sums doubles in parallel, in no fixed order."""
    return math.isclose(a, b, rel_tol=1e-9)


def publish_version(instance: Path, name: str) -> None:
    publish(instance / "data", instance / "data" / f"viewmark-{name}.duckdb")


def test_dflt001_a_missing_data_file_stops_the_start_with_the_command_that_rebuilds_it(tmp_path, versions):
    from app import create_app

    instance = instance_with(tmp_path, versions, None)
    (instance / "data" / POINTER).write_text("viewmark-gone.duckdb\n")
    with pytest.raises(Exception) as raised:
        # A small scale: if the app regenerated the demo data instead, it would be quick about it.
        create_app(Settings(instance_path=instance, data_scale=0.01))
    message = str(raised.value)
    assert "viewmark-gone.duckdb" in message and "is missing" in message
    assert f"python -m data.generate --data-dir {instance / 'data'} --scale 0.01" in message
    assert sorted(p.name for p in (instance / "data").iterdir()) == [POINTER], "something was written"


def test_dflt002_an_unreadable_data_file_stops_gunicorn_with_a_message_not_a_traceback(tmp_path, versions):
    instance = instance_with(tmp_path, versions, "garbage")
    env = {**os.environ, "VIEWMARK_INSTANCE_PATH": str(instance), "SECRET_KEY": "test", "DATA_URL": "",
           "VIEWMARK_DATA_SCALE": "0.01"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    try:
        done = subprocess.run([str(gunicorn), "--bind", "127.0.0.1:0", "--workers", "1", "--no-control-socket",
                               "app:server"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("gunicorn still runs 30 s after starting on an unreadable data file")
    assert done.returncode == 4, done.stderr  # gunicorn's "App failed to load.": it stops
    assert "Viewmark cannot start: The data file" in done.stderr and "cannot be read" in done.stderr
    assert f"python -m data.generate --data-dir {instance / 'data'}" in done.stderr
    assert "Traceback" not in done.stderr


def revenues(answer: dict) -> tuple[float, float]:
    """The revenue card's value and the sum of the state map's revenues: two visuals over the same sales."""
    visuals = {v["id"]: v["rows"] for v in answer["visuals"]}
    card = next(r["value"] for r in visuals["kpis"] if r["kpi"] == "Revenue")
    return card, sum(r["revenue"] for r in visuals["state-map"])


def signed_in(app) -> Api:
    client = app.server.test_client()
    assert sign_in_client(client, "analyst").status_code == 303
    return Api(client)


def test_dflt003_every_worker_serves_a_refresh_at_its_next_request(make_app, tmp_path, versions):
    """Two app processes started before and after the refresh (a worker restarted meanwhile) answer alike."""
    instance = instance_with(tmp_path, versions, "v1", "v2")
    before = signed_in(make_app(instance_path=instance, data_url=None))
    first, _ = revenues(before.get(DATA).json)

    publish_version(instance, "v2")
    after = signed_in(make_app(instance_path=instance, data_url=None))
    for api in (before, after):
        card, states = revenues(api.get(DATA).json)
        assert same(card, 2 * first), "a worker serves the old version"
        assert same(card, states)


def test_dflt004_a_request_under_way_finishes_on_the_version_it_began_with(make_app, tmp_path, versions):
    instance = instance_with(tmp_path, versions, "v1", "v2")
    app = make_app(instance_path=instance, data_url=None)
    engine = app.server.extensions[EXTENSION].engine
    with app.server.test_request_context():
        app.server.preprocess_request()  # the request's hooks: it is pinned to the version served now
        began = engine.scalar(REVENUE)
        publish_version(instance, "v2")
        scope = engine.render()
        assert same(engine.scalar(REVENUE), began) and same(scope.scalar(REVENUE), began)
        app.server.do_teardown_request()
    assert same(engine.scalar(REVENUE), 2 * began)


def test_dflt005_an_unreadable_refresh_is_not_served(make_app, tmp_path, versions, caplog):
    instance = instance_with(tmp_path, versions, "v1", "garbage")
    app = make_app(instance_path=instance, data_url=None)
    engine = app.server.extensions[EXTENSION].engine
    served = engine.scalar(REVENUE)
    publish_version(instance, "garbage")
    with caplog.at_level(logging.ERROR, logger="data"):
        assert same(engine.scalar(REVENUE), served)
        assert same(engine.scalar(REVENUE), served)
    assert len(caplog.records) == 1 and "viewmark-garbage.duckdb cannot be read" in caplog.records[0].getMessage()
