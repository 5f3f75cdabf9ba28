"""The benchmark's quick run, end to end on the small dataset: the HTTP phases under gunicorn on SQLite and on
PostgreSQL (sessions, bookmark operations, warm sheets), the browser steps in headless Chromium, worker
memory, and the summary of targets, as ``python -m benchmarks --quick`` writes them. Timings are written, never
asserted: the machine running CI is shared. What is asserted is that every phase ran, every section is in the
JSON, and nothing failed.
"""

from __future__ import annotations

import json

import pytest

from benchmarks import browser
from benchmarks.__main__ import Plan, run, verdict
from tests.servers import POSTGRES_URL, REDIS_URL

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture(scope="module")
def written(tmp_path_factory, small_dataset_url):
    out = tmp_path_factory.mktemp("bench")
    run(Plan(quick=True, out=out, databases=("sqlite", POSTGRES_URL), cache_url=REDIS_URL, compute=False,
             datasets={"0.1": small_dataset_url}))
    return json.loads((out / "benchmark.json").read_text()), out


def test_bch101_the_quick_run_writes_every_section(written):
    report, out = written
    assert {"http", "browser", "memory", "summary"} <= report.keys()
    for section in ("http", "browser", "memory", "summary", "benchmark"):
        assert (out / f"{section}.json").is_file()
    assert set(report["http"]["0.1"]["databases"]) == {"sqlite", "postgresql"}
    assert report["memory"]["0.1"]["peak_mb"] > 0


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_bch102_twenty_users_and_the_bookmark_scripts_meet_no_error(written, database):
    one = written[0]["http"]["0.1"]["databases"][database]
    assert one["errors"] == 0, (one["sessions"]["failures"], one["bookmarks"]["failures"], one["app_log_problems"])
    assert one["sessions"]["totals"]["users_started"] == 20
    assert {"sign in", "page /dashboards/[d]", "dash route"} <= set(one["sessions"]["requests"])
    operations = one["bookmarks"]["operations"]
    assert set(operations) == {"bookmark create", "bookmark list", "bookmark rename", "bookmark update",
                               "bookmark delete"}
    assert all(o["count"] > 0 and o["failures"] == 0 for o in operations.values())
    assert one["bookmarks"]["ops_per_s"] > 0
    assert one["warm_sheets"]["reads"] > 0 and one["warm_sheets"]["failures"] == 0


def test_bch103_every_browser_step_was_drawn(written):
    result = written[0]["browser"]["0.1"]
    assert result["errors"] == 0, (result["failures"], result["app_log_problems"])
    repeats = result["conditions"]["repeats"]
    assert {name: step["count"] for name, step in result["steps"].items()} == {
        "bookmark_cached": repeats, "bookmark_uncached": repeats, "next_slide": repeats, "first_load": repeats}


def test_bch104_the_summary_gives_every_target_a_verdict(written):
    rows = {row["target"]: row for row in written[0]["summary"]}
    for name in ("bookmark operations/s (sqlite)", "bookmark operations/s (postgresql)",
                 "warm sheet over HTTP p95 (postgresql)", f"{browser.LABELS['bookmark_cached']} p95",
                 f"{browser.LABELS['bookmark_uncached']} p95", f"{browser.LABELS['next_slide']} p95"):
        row = rows[f"{name}, scale 0.1"]
        assert row["value"] is not None and row["verdict"] == verdict(row)


@pytest.mark.parametrize(("value", "limit", "higher", "expected"), [
    (250.0, 300.0, True, "missed by 50 ops/s, 0.83× the target"),
    (300.0, 300.0, True, "met"),
    (12.0, 8.0, False, "missed by 4 ops/s, 1.50× the target"),
    (None, 8.0, False, "no figure"),
])
def test_bch105_a_missed_target_says_by_how_much(value, limit, higher, expected):
    assert verdict({"value": value, "limit": limit, "higher_is_better": higher, "unit": "ops/s"}) == expected
