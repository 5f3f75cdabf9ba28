"""Over HTTP: the data API, the view's Dash callback and the dashboard page serve a sheet shown before from the
result cache (``dashboards.served``) without a query; two app processes sharing one Redis reuse each other's
entries."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
import redis

from core import ids
from core.runtime import EXTENSION
from dashboards import registry, served
from tests.integration.conftest import sign_in_client
from tests.integration.test_accounts_dash import post, route_payload, sheet_of, sheet_payload, sheet_state
from tests.servers import REDIS_URL

# A database of its own on the test Redis, emptied before and after.
SHARED_DB = 13


class Instance:
    """One app process: its signed-in analyst and the statements its engine ran."""

    def __init__(self, app):
        self.app = app
        self.runtime = app.server.extensions[EXTENSION]
        self.client = app.server.test_client()
        assert sign_in_client(self.client, "analyst").status_code == 303
        self.client.get("/")  # the CSRF cookie
        self.ran: list[str] = []
        self.runtime.engine.listen(lambda sql, _params: self.ran.append(sql))

    def data(self, state: dict):
        response = self.client.get(f"/api/v1/dashboards/{state['dashboard']}/data?state={quote(json.dumps(state))}")
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        return response.json

    def kept(self, form: str, state: dict, *extra) -> bool:
        """Whether the result cache holds ``form`` of this view, for the analyst."""
        rt = self.runtime
        board = registry.get(state["dashboard"])
        with self.app.server.test_request_context():
            parsed, _ = rt.views.parse(board, state, _analyst(rt), strict=False)
            ctx = rt.views.context(board, parsed, _analyst(rt))
            entry = served.key(rt.dashboards, form, board.sheet(parsed.sheet), ctx, *extra)
            return rt.engine.cache.get(entry) is not None

    def look_around(self) -> None:
        """What a page shows beside the sheet — every control's options, the data date — looked up (and cached)
        once, as the dashboards' list does; then the statements are counted afresh."""
        assert self.client.get("/api/v1/dashboards").status_code == 200
        self.ran.clear()


def _analyst(rt):
    from accounts.service import Accounts, viewer_for

    return viewer_for(Accounts(rt.db).for_username("analyst"))


@pytest.fixture(scope="module")
def one(make_app):
    return Instance(make_app(query_cache_seconds=300))


def test_wrm010_the_data_api_serves_a_view_again_without_a_query(one):
    state = sheet_state("restaurant", "store-comparison", date_range=["2022-03-01", "2022-03-31"])
    first = one.data(state)
    assert one.ran and one.kept("rows", state)
    one.ran.clear()
    assert one.data(state) == first
    assert one.ran == []


def test_wrm011_the_views_callback_and_the_page_serve_a_view_again_without_a_query(one):
    filters = {"date_range": ["2022-04-01", "2022-04-30"], "category": ["Pizza"]}
    answer = post(one.client, sheet_payload("restaurant", "overview", **filters))
    sheet = sheet_of(answer)
    assert one.ran and one.kept("body", sheet_state("restaurant", "overview", **filters), "/assets/topojson/", True)
    # The chips of the view came in the same answer.
    assert "Pizza" in json.dumps(answer.json["response"][ids.FILTER_SUMMARY])
    one.look_around()
    assert sheet_of(post(one.client, sheet_payload("restaurant", "overview", **filters))) == sheet
    # The page opened on the same view carries the same sheet, also from the cache.
    search = "?state=" + quote(json.dumps(sheet_state("restaurant", "overview", **filters)))
    page = post(one.client, route_payload("/dashboards/restaurant", search))
    assert page.status_code == 200 and json.dumps(sheet, sort_keys=True)[:200] in json.dumps(page.json, sort_keys=True)
    assert one.ran == []


@pytest.fixture
def shared_redis():
    url = REDIS_URL.rsplit("/", 1)[0] + f"/{SHARED_DB}"
    with redis.Redis.from_url(url) as direct:
        direct.flushdb()
        yield url, direct
        direct.flushdb()


@pytest.mark.redis
def test_wrm012_two_app_processes_sharing_redis_reuse_each_others_sheets(make_app, shared_redis):
    url, direct = shared_redis
    first, second = (Instance(make_app(cache_url=url, query_cache_seconds=300)) for _ in range(2))
    state = sheet_state("gaming", "affiliates", brand=["aurora", "nova"])
    filters = {"country": ["AUT", "DEU"]}
    rows = first.data(state)
    body = sheet_of(post(first.client, sheet_payload("gaming", "kpis", **filters)))
    assert first.ran
    # Only the served sheets stay: the queries' own results are gone, so the second process has nothing else
    # to answer the sheets from.
    queries = list(direct.scan_iter("viewmark:vmq:*"))
    assert queries and direct.delete(*queries) == len(queries)
    assert list(direct.scan_iter(f"viewmark:{served.KEY_PREFIX}*"))
    second.look_around()
    assert second.data(state) == rows
    assert sheet_of(post(second.client, sheet_payload("gaming", "kpis", **filters))) == body
    assert second.ran == []
