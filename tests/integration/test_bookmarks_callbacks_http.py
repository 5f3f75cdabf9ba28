"""Forged requests to the bookmark pane's Dash callbacks (``/_dash-update-component``): ids, versions and
states are the browser's to send, so another user's bookmark must be out of reach there too."""

from __future__ import annotations

import json

import pytest

from accounts.requests import CSRF_COOKIE
from accounts.requests import accounts as accounts_of
from accounts.service import viewer_for
from bookmarks.service import bookmark_service
from core import ids
from tests.integration.conftest import csrf_from
from tests.integration.dash_requests import controls_of, view_request

PASSWORD = "bookmarks-test-password"


@pytest.fixture(scope="module")
def app(make_app):
    app = make_app()
    with app.server.app_context():
        for name in ("mallory", "victim"):
            accounts_of().create_user(name, PASSWORD, dashboards=["restaurant"])
    return app


@pytest.fixture(scope="module")
def mallory(app, sign_in_module):
    client = app.server.test_client()
    assert sign_in_module(client, "mallory").status_code == 303
    client.get("/")  # the CSRF cookie dash-renderer copies into its header
    return client


@pytest.fixture(scope="module")
def sign_in_module():
    def sign_in(client, username):
        token = csrf_from(client.get("/login").get_data(as_text=True))
        return client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token,
                                           "next": "/"})

    return sign_in


@pytest.fixture
def victims(app):
    """The victim's bookmark, as the service sees it (and its state after each test)."""
    with app.server.test_request_context():
        viewer = viewer_for(accounts_of().get("victim"))
        service = bookmark_service()
        for old in service.list_bookmarks(viewer, "restaurant"):
            service.delete(viewer, old.id)
        saved = service.add(viewer, "restaurant", "Private view", {"filters": {"state": ["Texas"]}})

        def now():
            with app.server.test_request_context():
                return bookmark_service().list_bookmarks(viewer, "restaurant")

        yield saved, now


def callback(client, input_id: str, inputs: dict, state: dict) -> dict:
    """The payload dash-renderer would send for the server's callback listening to ``input_id``: ``inputs`` and
    ``state`` map "id.property" (ids as Dash writes them) to values; the first input is the trigger."""
    spec = next(d for d in client.get("/_dash-dependencies").json
                if not d.get("clientside_function") and any(i["id"] == input_id for i in d["inputs"]))
    outputs = []
    for part in spec["output"].strip(".").split("..."):
        component, _, prop = part.rpartition(".")
        outputs.append({"id": component, "property": prop.split("@")[0]})

    def entries(items, values):
        listed = []
        for item in items:
            key = f"{item['id']}.{item['property']}"
            if item["id"].startswith("{"):  # a pattern: the matching components, here the forged one(s)
                listed.append([{"id": json.loads(k.rpartition(".")[0]), "property": item["property"], "value": v}
                               for k, v in values.items() if _matches(k, item)])
            else:
                listed.append({"id": item["id"], "property": item["property"], "value": values.get(key)})
        return listed

    return {"output": spec["output"], "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": entries(spec["inputs"], inputs), "state": entries(spec["state"], state),
            "changedPropIds": [next(iter(inputs))]}


def _matches(key: str, item: dict) -> bool:
    component, _, prop = key.rpartition(".")
    if not component.startswith("{") or prop != item["property"]:
        return False
    concrete, pattern = json.loads(component), json.loads(item["id"])
    return all(v == ["ALL"] or concrete.get(k) == v for k, v in pattern.items())


def post(client, payload):
    response = client.post("/_dash-update-component", json=payload,
                           headers={"X-CSRFToken": client.get_cookie(CSRF_COOKIE).value})
    return response, response.get_data(as_text=True)


def apply_request(client, bookmark, active=None) -> dict:
    """A click on a bookmark in the pane, as dash-renderer posts it to the view's callback: the restaurant
    dashboard's controls at their defaults, the Overview, and the request the click set (which bookmark)."""
    selects, dates = controls_of(client, "restaurant")
    components = {"vm-control": [({"type": "vm-control", "control": c}, {"value": v}) for c, v in selects.items()],
                  "vm-date": [({"type": "vm-date", "control": c}, {"start_date": v[0], "end_date": v[1]})
                              for c, v in dates.items()],
                  "vm-date-preset": [({"type": "vm-date-preset", "control": c}, {"value": "custom"}) for c in dates]}
    plain = {f"{ids.SHEET_TABS}.value": "overview", f"{ids.DASHBOARD_ID}.data": "restaurant",
             f"{ids.ACTIVE_BOOKMARK}.data": active,
             f"{ids.BOOKMARK_APPLY_REQUEST}.data": {"bookmark": bookmark, "at": 1}}  # set by the click
    return view_request(client, plain=plain, components=components, changed=[f"{ids.BOOKMARK_APPLY_REQUEST}.data"])


def act_request(client, action: str, bookmark) -> dict:
    """A click on a bookmark's default, no default, ↑ or ↓ in the pane: the request the click sets
    (assets/viewmark/clicks.js), as dash-renderer posts it to the pane's callback."""
    return callback(client, ids.BOOKMARK_ACT_REQUEST,
                    {f"{ids.BOOKMARK_ACT_REQUEST}.data": {"action": action, "bookmark": bookmark, "at": 1}},
                    {f"{ids.DASHBOARD_ID}.data": "restaurant", f"{ids.ACTIVE_BOOKMARK}.data": None})


def test_bmcb001_renaming_anothers_bookmark_by_forged_dialog_target_fails(mallory, victims):
    saved, now = victims
    payload = callback(mallory, ids.RENAME_SAVE, {f"{ids.RENAME_SAVE}.n_clicks": 1}, {
        f"{ids.RENAME_NAME}.value": "Stolen", f"{ids.DIALOG_TARGET}.data": {"id": saved.id, "version": 1},
        f"{ids.DASHBOARD_ID}.data": "restaurant"})
    response, body = post(mallory, payload)
    assert response.status_code == 200 and "No such bookmark." in body and "Private view" not in body
    assert [(b.name, b.version) for b in now()] == [("Private view", 1)]


def test_bmcb002_deleting_anothers_bookmark_by_forged_dialog_target_fails(mallory, victims):
    saved, now = victims
    payload = callback(mallory, ids.DELETE_CONFIRM, {f"{ids.DELETE_CONFIRM}.n_clicks": 1}, {
        f"{ids.DIALOG_TARGET}.data": {"id": saved.id, "version": None}, f"{ids.DASHBOARD_ID}.data": "restaurant"})
    response, body = post(mallory, payload)
    assert response.status_code == 200 and "No such bookmark." in body
    assert [b.id for b in now()] == [saved.id]


@pytest.mark.parametrize("action", ["apply", "default", "up", "down"])
def test_bmcb003_pane_actions_on_anothers_bookmark_fail_and_reveal_nothing(mallory, victims, action):
    saved, now = victims
    # Applying is the view's callback (the view comes back with it); the other actions are the pane's.
    payload = apply_request(mallory, saved.id) if action == "apply" else act_request(mallory, action, saved.id)
    response, body = post(mallory, payload)
    assert response.status_code == 200 and "No such bookmark." in body
    assert "Texas" not in body and "Private view" not in body  # neither the state nor the name leaks
    assert [(b.name, b.version, b.state["filters"]["state"]) for b in now()] == [("Private view", 1, ["Texas"])]
    with mallory.application.test_request_context():
        assert bookmark_service().default(_viewer("victim"), "restaurant").bookmark_id is None


def test_bmcb004_a_forged_invalid_state_is_not_saved(mallory, victims):
    _, now = victims
    payload = callback(mallory, ids.BOOKMARK_ADD_REQUEST, {f"{ids.BOOKMARK_ADD_REQUEST}.data": {
        "name": "Forged", "state": {"filters": {"state": ["Atlantis"]}}, "at": 1}},
        {f"{ids.DASHBOARD_ID}.data": "restaurant"})
    response, body = post(mallory, payload)
    assert response.status_code == 200 and "is not one of the options" in body
    with mallory.application.test_request_context():
        assert bookmark_service().list_bookmarks(_viewer("mallory"), "restaurant") == []


def update_request(bookmark, state) -> dict:
    """What Update's clientside callback sets: the bookmark and the view on screen."""
    return {f"{ids.BOOKMARK_UPDATE_REQUEST}.data": {"bookmark": bookmark, "state": state, "at": 1}}


def test_bmcb005_updating_anothers_bookmark_by_forged_request_fails_and_reveals_nothing(mallory, victims):
    saved, now = victims
    for bookmark in (saved.id, str(saved.id), ids.ORIGINAL_BOOKMARK, None, [saved.id], {"id": saved.id}):
        payload = callback(mallory, ids.BOOKMARK_UPDATE_REQUEST,
                           update_request(bookmark, {"filters": {"state": ["Ohio"]}}),
                           {f"{ids.BOOKMARK_VERSIONS}.data": {str(saved.id): 1},
                            f"{ids.DASHBOARD_ID}.data": "restaurant", f"{ids.ACTIVE_BOOKMARK}.data": None})
        response, body = post(mallory, payload)
        # Refused with a toast: the victim's id as not found, the others as no bookmark or no version of one.
        assert response.status_code == 200 and "vm-toast-danger" in body, (bookmark, body)
        assert bookmark != saved.id or "No such bookmark." in body
        assert "Texas" not in body and "Private view" not in body
    assert [(b.name, b.version, b.state["filters"]["state"]) for b in now()] == [("Private view", 1, ["Texas"])]


def test_bmcb006_a_forged_invalid_state_does_not_update_ones_own_bookmark(app, mallory):
    with app.server.test_request_context():
        viewer = _viewer("mallory")
        saved = bookmark_service().add(viewer, "restaurant", "Mine", {"filters": {"state": ["Texas"]}})
    try:
        payload = callback(mallory, ids.BOOKMARK_UPDATE_REQUEST,
                           update_request(saved.id, {"filters": {"state": ["Atlantis"]}}),
                           {f"{ids.BOOKMARK_VERSIONS}.data": {str(saved.id): saved.version},
                            f"{ids.DASHBOARD_ID}.data": "restaurant", f"{ids.ACTIVE_BOOKMARK}.data": None})
        response, body = post(mallory, payload)
        assert response.status_code == 200 and "is not one of the options" in body
        # A version the pane never showed is a conflict, not an overwrite.
        payload = callback(mallory, ids.BOOKMARK_UPDATE_REQUEST,
                           update_request(saved.id, {"filters": {"state": ["Ohio"]}}),
                           {f"{ids.BOOKMARK_VERSIONS}.data": {str(saved.id): saved.version + 1},
                            f"{ids.DASHBOARD_ID}.data": "restaurant", f"{ids.ACTIVE_BOOKMARK}.data": None})
        response, body = post(mallory, payload)
        assert response.status_code == 200 and "vm-toast-danger" in body
        with app.server.test_request_context():
            now = bookmark_service().get(viewer, saved.id)
        assert (now.version, now.state["filters"]["state"]) == (saved.version, ["Texas"])
    finally:
        with app.server.test_request_context():
            bookmark_service().delete(viewer, saved.id)


def _viewer(username):
    return viewer_for(accounts_of().get(username))
