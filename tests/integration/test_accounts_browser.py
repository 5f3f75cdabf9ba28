"""Signing in through the form in Chromium, under the real Content-Security-Policy.

``dash_duo.get_logs()`` holds every SEVERE console entry, which is where Chromium reports CSP violations:
each test ends asserting there were none.
"""

from __future__ import annotations

import json

import pytest
import requests
from selenium.webdriver.common.by import By

from accounts.requests import CSRF_COOKIE
from core import ids
from core.ids import NO_ACCESS, SIGN_OUT
from dashboards import registry

FOREIGN_BRAND_NAMES = ("Nova Slots", "Lumen Play", "Tidal Spins")
VISIBLE = {"analyst": ["Restaurant Operations", "iGaming"], "manager": ["Restaurant Operations"],
           "partner": ["iGaming"]}

# Records the body of every Dash callback request, so a test can replay and tamper with a real one.
RECORD_CALLBACKS = """
window.vmCallbacks = [];
const originalFetch = window.fetch;
window.fetch = function (url, options) {
    if (String(url).includes('_dash-update-component') && options && options.body) {
        window.vmCallbacks.push(options.body);
    }
    return originalFetch.apply(this, arguments);
};
"""


@pytest.fixture(scope="module")
def demo_app(make_app):
    return make_app()


def wait_for_sheet(dash_duo, selector: str = ".js-plotly-plot, .vm-kpi, .ag-root") -> None:
    dash_duo.wait_for_element(f"#{ids.SHEET_CONTENT} :is({selector})", timeout=20)
    dash_duo.wait_for_no_elements("._dash-loading", timeout=10)


@pytest.mark.parametrize("username", sorted(VISIBLE))
def test_abr001_each_demo_user_signs_in_and_sees_their_dashboards(dash_duo, make_app, login, username):
    dash_duo.start_server(make_app(), navigate=False)
    login(dash_duo, username)
    dash_duo.wait_for_element(".card .btn-primary")
    titles = [e.text for e in dash_duo.find_elements(".card h2")]
    assert sorted(titles) == sorted(VISIBLE[username])
    nav = [e.text for e in dash_duo.find_elements(".vm-nav a")]
    assert sorted(nav) == sorted([*VISIBLE[username], "Presentations"])
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("dashboard_id", ["restaurant", "gaming"])
def test_abr002_every_sheet_renders_under_the_csp(dash_duo, demo_app, login, dashboard_id):
    dash_duo.start_server(demo_app, navigate=False)
    board = registry.get(dashboard_id)
    login(dash_duo, "analyst", path=board.path)
    for sheet in board.sheets:
        state = json.dumps({"dashboard": board.id, "sheet": sheet.id})
        dash_duo.driver.get(f"{dash_duo.server.url.rstrip('/')}{board.path}?state={state}")
        wait_for_sheet(dash_duo)
        dash_duo.wait_for_text_to_equal(f"#{ids.BANNER_TITLE}", board.title)
    assert dash_duo.get_logs() == []


def test_abr003_partner_gets_no_access_page_and_sees_only_their_brand(dash_duo, demo_app, login):
    dash_duo.start_server(demo_app, navigate=False)
    login(dash_duo, "partner", path="/dashboards/restaurant")
    dash_duo.wait_for_contains_text(f"#{NO_ACCESS}", "You have no access to Restaurant Operations")
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + "/dashboards/gaming")
    wait_for_sheet(dash_duo)
    dash_duo.find_element('[data-control="brand"] .dash-dropdown-trigger').click()  # opens the options
    dash_duo.wait_for_contains_text("body", "Aurora Casino")
    page = dash_duo.find_element("body").text
    assert not any(name in page for name in FOREIGN_BRAND_NAMES)
    assert dash_duo.get_logs() == []


def test_abr004_replayed_and_tampered_callback_requests_leak_nothing(dash_duo, demo_app, login):
    dash_duo.start_server(demo_app, navigate=False)
    login(dash_duo, "partner", path="/dashboards/gaming")
    wait_for_sheet(dash_duo)
    dash_duo.driver.execute_script(RECORD_CALLBACKS)
    tab = dash_duo.find_element(f"#{ids.SHEET_TABS}").find_element(By.XPATH, ".//*[text()='Campaigns']")
    dash_duo.driver.execute_script("arguments[0].click()", tab)  # whatever overlays may cover it
    dash_duo.wait_for_contains_text(f"#{ids.SHEET_CONTENT}", "Aurora Casino", timeout=20)
    bodies = [json.loads(b) for b in dash_duo.driver.execute_script("return window.vmCallbacks")]
    real = next(b for b in bodies if f"{ids.SHEET_BODY}.data" in b["output"])  # the view's one request

    session = requests.Session()
    for cookie in dash_duo.driver.get_cookies():
        session.cookies.set(cookie["name"], cookie["value"])
    headers = {"X-CSRFToken": session.cookies[CSRF_COOKIE]}
    url = dash_duo.server.url.rstrip("/") + "/_dash-update-component"

    replayed = session.post(url, json=real, headers=headers)
    assert replayed.status_code == 200 and "Aurora Casino" in replayed.text

    tampered = json.loads(json.dumps(real))
    next(i for i in tampered["inputs"][0] if i["id"]["control"] == "brand")["value"] = ["nova", "tidal"]
    forged = session.post(url, json=tampered, headers=headers)
    assert forged.status_code == 200
    assert forged.json()["response"][ids.SHEET_BODY] == replayed.json()["response"][ids.SHEET_BODY]
    assert not any(name in forged.text for name in FOREIGN_BRAND_NAMES)

    other_dashboard = json.loads(json.dumps(real))
    other_dashboard["state"][0]["value"] = "restaurant"
    refused = session.post(url, json=other_dashboard, headers=headers)
    assert refused.status_code == 404 and refused.json() == {"error": "No such dashboard.", "field": "dashboard"}

    assert session.post(url, json=real).status_code == 400  # no CSRF header
    assert requests.post(url, json=real, headers=headers).status_code == 401  # no session
    assert dash_duo.get_logs() == []


def test_abr005_sign_out_from_the_banner(dash_duo, demo_app, login):
    dash_duo.start_server(demo_app, navigate=False)
    login(dash_duo, "manager", path="/dashboards/restaurant")
    wait_for_sheet(dash_duo)
    dash_duo.find_element(f"#{SIGN_OUT}").click()
    dash_duo.wait_for_element("#login-form")
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + "/dashboards/restaurant")
    dash_duo.wait_for_element("#login-form")
    assert "/login?next=" in dash_duo.driver.current_url
    assert dash_duo.get_logs() == []


def test_abr006_wrong_password_shows_the_generic_message(dash_duo, make_app):
    dash_duo.start_server(make_app(), navigate=False)
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + "/login")
    dash_duo.find_element("#username").send_keys("analyst")
    dash_duo.find_element("#password").send_keys("not the password")
    dash_duo.find_element("#login-submit").click()
    dash_duo.wait_for_text_to_equal("#login-error", "Wrong user name or password.")
    # The form answers with its message and 200: the browser has nothing to log.
    assert dash_duo.get_logs() == []
