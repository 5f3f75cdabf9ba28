"""The route table of the page shell: templates, trailing slashes, unknown paths, and which page each
path of the application shows."""

from __future__ import annotations

import pytest

from accounts.viewer import FULL_ACCESS
from shell import pages
from shell.routes import Route, resolve


def home(viewer, search=None):
    return ("home", search)


def dashboard(viewer, search=None, *, dashboard_id):
    return ("dashboard", dashboard_id)


def sheet(viewer, search=None, *, dashboard_id, sheet_id):
    return ("sheet", dashboard_id, sheet_id)


ROUTES = (Route("/", home), Route("/dashboards/<dashboard_id>", dashboard),
          Route("/dashboards/<dashboard_id>/sheets/<sheet_id>", sheet))


@pytest.mark.parametrize(("path", "expected"), [
    ("/", (home, {})),
    (None, (home, {})),  # before dcc.Location has a path
    ("", (home, {})),
    ("/dashboards/restaurant", (dashboard, {"dashboard_id": "restaurant"})),
    ("/dashboards/restaurant/", (dashboard, {"dashboard_id": "restaurant"})),
    ("/dashboards/gaming", (dashboard, {"dashboard_id": "gaming"})),
    ("/dashboards/restaurant/sheets/overview", (sheet, {"dashboard_id": "restaurant", "sheet_id": "overview"})),
])
def test_route001_paths_resolve_to_their_page_and_parameters(path, expected):
    assert resolve(ROUTES, path) == expected


@pytest.mark.parametrize("path", [
    "/nowhere", "/dashboards", "/dashboards/", "/dashboards/a/b", "/dashboards//", "//dashboards/restaurant",
    "/dashboards/restaurant/sheets", "/dashboards/a/sheets/b/c", "/DASHBOARDS/restaurant", "dashboards/restaurant",
])
def test_route002_unknown_paths_resolve_to_none(path):
    assert resolve(ROUTES, path) is None


def test_route003_a_parameter_never_spans_a_slash():
    route = Route("/dashboards/<dashboard_id>", dashboard)
    assert route.match("/dashboards/a") == {"dashboard_id": "a"}
    assert route.match("/dashboards/a/b") is None
    assert route.match("/dashboards/") is None  # and is never empty


def test_route004_template_text_is_literal_not_a_pattern():
    route = Route("/a.b/<x>", home)
    assert route.match("/a.b/1") == {"x": "1"}
    assert route.match("/aXb/1") is None


def test_route005_the_first_matching_route_wins():
    first, second = Route("/dashboards/<dashboard_id>", dashboard), Route("/dashboards/<other>", home)
    assert resolve((first, second), "/dashboards/x") == (dashboard, {"dashboard_id": "x"})
    assert resolve((second, first), "/dashboards/x") == (home, {"other": "x"})


# The application's routes ----------------------------------------------------------------------------

@pytest.mark.parametrize(("path", "page", "params"), [
    ("/", pages.home, {}),
    (None, pages.home, {}),
    ("/dashboards/restaurant", pages.dashboard, {"dashboard_id": "restaurant"}),
    ("/dashboards/gaming/", pages.dashboard, {"dashboard_id": "gaming"}),
    ("/dashboards/unknown", pages.dashboard, {"dashboard_id": "unknown"}),  # the page says “not found”
])
def test_route006_application_paths_map_to_their_page_functions(path, page, params):
    assert resolve(pages.ROUTES, path) == (page, params)


@pytest.mark.parametrize("path", ["/login-ish", "/dashboards", "/dashboards/restaurant/extra", "/api/v1"])
def test_route007_application_unknown_paths_have_no_route(path):
    assert resolve(pages.ROUTES, path) is None


def test_route008_page_for_calls_the_page_with_viewer_search_and_parameters(monkeypatch):
    calls = []
    monkeypatch.setattr(pages, "ROUTES", (Route("/dashboards/<dashboard_id>",
                                                lambda viewer, search, **kw: calls.append((viewer, search, kw))),))
    monkeypatch.setattr(pages, "not_found", lambda viewer, search=None: ("not found", viewer))
    pages.page_for("/dashboards/restaurant/", "?state=x", FULL_ACCESS)
    assert calls == [(FULL_ACCESS, "?state=x", {"dashboard_id": "restaurant"})]
    assert pages.page_for("/dashboards/a/b", None, FULL_ACCESS) == ("not found", FULL_ACCESS)
