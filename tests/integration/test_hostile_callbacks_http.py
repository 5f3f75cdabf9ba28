"""Generated forged requests to every server callback (``/_dash-update-component``), as a signed-in user
(mallory) who knows another user's (victim's) bookmark id, presentation ids and link tokens.

Each request is shaped as dash-renderer shapes it for that callback (from ``/_dash-dependencies``); its values
and the ids of its pattern-matched components are anything: JSON values of any type, unknown control ids, the
victim's ids and tokens, states, paths. Every answer is a clean one — 200, 204 (nothing to update) or a JSON
4xx error, never a 5xx — nothing of the victim's changes (apart from a link's count of openings: opening a
link one holds is allowed), and neither the victim's bookmark name nor their presentation's name is shown.
"""

from __future__ import annotations

import base64
import json

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from accounts.requests import CSRF_COOKIE
from accounts.requests import accounts as accounts_of
from accounts.service import viewer_for
from bookmarks.service import bookmark_service
from core import ids
from core.runtime import runtime
from db import models  # noqa: F401  (registers every table on Base.metadata)
from db.base import Base
from presentations.service import presentation_service
from shares.service import share_service
from tests.hostile import SCRIPT, hostile_text, json_values, scalars, scaled
from tests.integration.conftest import sign_in_client

PASSWORD = "hostile-callbacks-password"
SECRET_BOOKMARK = "Victim secret 7f3a"
SECRET_DECK = "Victim deck 9c1e"
TEXAS = {"sheet": "store-comparison", "filters": {"state": ["Texas"]}}


@pytest.fixture(scope="module")
def app(make_app):
    app = make_app()
    with app.server.app_context():
        for name in ("mallory", "victim"):
            accounts_of().create_user(name, PASSWORD, dashboards=["restaurant", "gaming"])
    return app


@pytest.fixture(scope="module")
def victim(app):
    """The victim's bookmark (their default), presentations and links; what a forger may know of them."""
    with app.server.test_request_context():
        viewer = viewer_for(accounts_of().get("victim"))
        bookmarks, shares, presentations = bookmark_service(), share_service(), presentation_service()
        saved = bookmarks.add(viewer, "restaurant", SECRET_BOOKMARK, TEXAS)
        bookmarks.set_default(viewer, "restaurant", saved.id)
        view_link = shares.create(viewer, "gaming", {"parameters": {"metric": "ggr"}})
        deck = presentations.create(viewer, SECRET_DECK, [{"bookmark_id": saved.id}])
        shown = presentations.create(viewer, "Quarterly review", [{"share_token": view_link.token}])
        deck_link = presentations.share(viewer, shown.id)
    known = {"bookmark": saved.id, "presentations": [deck.id, shown.id], "tokens": [view_link.token, deck_link.token]}
    return viewer.user_id, known


@pytest.fixture(scope="module")
def mallory(app, victim):
    client = app.server.test_client()
    assert sign_in_client(client, "mallory", PASSWORD).status_code == 303
    client.get("/")  # the CSRF cookie dash-renderer copies into its header
    with app.server.test_request_context():
        # One bookmark of her own, so the pane's callbacks have something of hers to act on too.
        bookmark_service().add(viewer_for(accounts_of().get("mallory")), "restaurant", "Mine", {})
    return client


@pytest.fixture(scope="module")
def callbacks(mallory) -> list[dict]:
    """The server-side callbacks (clientside ones never reach the server)."""
    return [d for d in mallory.get("/_dash-dependencies").json if d.get("clientside_function") is None]


# What the victim has, as rows -------------------------------------------------------------------------

OWNER = {"bookmarks": "user_id", "dashboard_preferences": "user_id", "shares": "owner_id",
         "presentations": "owner_id", "api_tokens": "user_id", "dashboard_grants": "user_id",
         "brand_restrictions": "user_id", "request_keys": "user_id", "users": "id"}
# Changed by what anyone may do: open a link they hold, sign in.
ALLOWED_CHANGES = {"shares": {"open_count"}, "users": {"last_sign_in_at", "updated_at"}}


def victims_rows(app, user_id: int) -> dict[str, list]:
    db = runtime_db(app)
    with db.engine.connect() as con:
        rows = {}
        for table in Base.metadata.sorted_tables:
            if table.name in OWNER:
                query = sa.select(*(c for c in table.c if c.name not in ALLOWED_CHANGES.get(table.name, ())))
                query = query.where(table.c[OWNER[table.name]] == user_id)
            elif table.name == "presentation_items":
                owned = sa.select(sa.column("id")).select_from(sa.table("presentations", sa.column("id"),
                                                                        sa.column("owner_id")))
                query = sa.select(table).where(table.c.presentation_id.in_(
                    owned.where(sa.column("owner_id") == user_id)))
            else:
                continue
            rows[table.name] = sorted(tuple(r) for r in con.execute(query))
        return rows


def runtime_db(app):
    with app.server.app_context():
        return runtime().db


# Forged payloads ----------------------------------------------------------------------------------------

def forged_values(known: dict):
    bookmark, presentations, tokens = known["bookmark"], known["presentations"], known["tokens"]
    deep = "data:application/json;base64," + base64.b64encode(b"[" * 50_000).decode()
    document = {"bookmarks": [{"name": SCRIPT, "state": TEXAS}]}
    upload = "data:application/json;base64," + base64.b64encode(json.dumps(document).encode()).decode()
    interesting = [
        bookmark, str(bookmark), {"id": bookmark, "version": 1}, {"id": bookmark, "version": None},
        {str(bookmark): 1}, {"id": bookmark, "name": SECRET_BOOKMARK, "state": TEXAS, "version": 1},
        *presentations, *({"id": p, "version": 1} for p in presentations), {"items": [{"bookmark_id": bookmark}]},
        *tokens, *({"token": t} for t in tokens), *(f"/s/{t}" for t in tokens),
        *(f"/present/{p}" for p in presentations), *({"kind": "presentation", "key": p} for p in presentations),
        *({"kind": "share", "key": t} for t in tokens), {"kind": "bookmarks", "key": "restaurant"},
        "restaurant", "gaming", "nope", "/dashboards/restaurant", "/presentations", TEXAS,
        {"dashboard": "gaming", "sheet": "kpis", "filters": {"brand": ["nova"]}}, "previous-month", deep, upload,
        SCRIPT, 0, -1, 2**31, 1, "/present/²", "/present/99999999999999999999", "?slide=²", "?slide=-5",
        "/present/" + "9" * 5000, "?slide=" + "9" * 5000,
    ]
    # Addresses of every page with any text in their parts, as the URL's pathname and search.
    addresses = st.tuples(st.sampled_from(["/dashboards/", "/s/", "/present/", "/present/bookmarks/",
                                           "/presentations/", "?state=", "?slide=", "?from="]),
                          hostile_text).map("".join)
    return st.one_of(json_values, st.sampled_from(interesting), addresses)


def wildcard_values(known: dict):
    """What stands in for ``ALL`` in a pattern-matched id: a bookmark id, a token, a control id, anything."""
    return st.one_of(st.sampled_from([known["bookmark"], *known["presentations"], *known["tokens"], "state",
                                      "date_range", "brand", "nope", 0]),
                     scalars)


@st.composite
def payloads(draw, spec: dict, known: dict) -> dict:
    """A request for the callback ``spec`` with forged values and forged pattern-matched components."""
    values, wildcards = forged_values(known), wildcard_values(known)
    concrete: dict[str, list[dict]] = {}  # one list of components per pattern, shared by inputs and outputs

    def new_components(pattern: str) -> list[dict]:
        template = json.loads(pattern)
        return [{k: draw(wildcards) if v == ["ALL"] else v for k, v in template.items()}
                for _ in range(draw(st.integers(0, 2)))]

    def components(pattern: str, output: bool) -> list[dict]:
        if output and draw(st.integers(0, 5)) == 0:  # outputs that are not the inputs' components
            return new_components(pattern)
        if pattern not in concrete:
            concrete[pattern] = new_components(pattern)
        return concrete[pattern]

    def item(component: str, prop: str, with_value: bool):
        prop = prop.split("@")[0]
        if component.startswith("{"):
            return [{"id": c, "property": prop, **({"value": draw(values)} if with_value else {})}
                    for c in components(component, output=not with_value)]
        return {"id": component, "property": prop, **({"value": draw(values)} if with_value else {})}

    outputs = []
    for part in spec["output"].strip(".").split("..."):
        component, _, prop = part.rpartition(".")
        outputs.append(item(component, prop, False))
    inputs = [item(i["id"], i["property"], True) for i in spec["inputs"]]
    state = [item(s["id"], s["property"], True) for s in spec["state"]]
    changed = []
    for entry in inputs:
        for one in entry if isinstance(entry, list) else [entry]:
            name = one["id"] if isinstance(one["id"], str) else json.dumps(one["id"], sort_keys=True,
                                                                           separators=(",", ":"))
            changed.append(f"{name}.{one['property']}")
    # The trigger: one of the inputs as sent, or an id the page does not have (a pattern's keys missing).
    forged = [f"{json.dumps(draw(st.dictionaries(st.sampled_from(['type', 'action', 'bookmark']), scalars)))}"
              ".n_clicks", f"{draw(st.sampled_from(['x', '{', 'reset-original']))}.n_clicks"]
    triggers = st.sampled_from(changed) if changed and draw(st.integers(0, 4)) else st.sampled_from(forged)
    multi = spec["output"].startswith("..")
    return {"output": spec["output"], "outputs": outputs if multi else outputs[0], "inputs": inputs,
            "state": state, "changedPropIds": draw(st.lists(triggers, max_size=1))}


def assert_clean_answer(response, payload) -> None:
    body = response.get_data(as_text=True)
    where = f"{payload['output'][:80]} → {response.status_code}: {body[:300]}"
    assert response.status_code in (200, 204) or (400 <= response.status_code < 500 and response.is_json), where
    if response.status_code >= 400:
        assert isinstance(response.json.get("error"), str), where
    assert SECRET_BOOKMARK not in body and SECRET_DECK not in body, where


def post(client, payload):
    return client.post("/_dash-update-component", json=payload,
                       headers={"X-CSRFToken": client.get_cookie(CSRF_COOKIE).value})


def test_hcb001_a_forged_callback_gets_a_clean_answer_and_changes_nothing_of_anothers(app, mallory, victim,
                                                                                      callbacks):
    user_id, known = victim
    before = victims_rows(app, user_id)

    # Each callback gets its own examples, so a cheap one is not crowded out by the others.
    @given(data=st.data())
    @scaled(0.25)
    def forged(spec, data):
        payload = data.draw(payloads(spec, known))
        assert_clean_answer(post(mallory, payload), payload)
        assert victims_rows(app, user_id) == before, payload["output"][:80]

    assert len(callbacks) > 20
    failures = []
    for spec in callbacks:
        try:
            forged(spec)
        except (AssertionError, ExceptionGroup) as exc:  # every callback is tried; all that fail are reported
            failures.append(str(exc).split("\n")[0])
    assert not failures, "\n".join(failures)


# Names are text ---------------------------------------------------------------------------------------------

HOSTILE_NAME = f"{SCRIPT} \u202eevil\u202c “q” & <b>bold</b> <img src=x onerror=alert(1)>"
# Where a component may show a name: as its text, its tooltip, its accessible name, a field's value or data.
TEXT_PROPS = {"children", "title", "aria-label", "value", "data", "label"}


def places(node, text: str, found: list, component: str = "") -> list:
    """Every (component type, prop) whose value holds ``text``, in a Dash layout or callback answer."""
    if isinstance(node, dict):
        if {"type", "namespace", "props"} <= set(node):
            kind = f"{node['namespace']}.{node['type']}"
            assert node["type"] not in ("Markdown", "Iframe") and not node["props"].get("dangerously_allow_html")
            for prop, value in node["props"].items():
                if isinstance(value, str) and text in value:
                    found.append((kind, prop))
                else:
                    places(value, text, found, kind)
        else:
            for key, value in node.items():
                if isinstance(value, str) and text in value:
                    found.append((component, key))
                else:
                    places(value, text, found, component)
    elif isinstance(node, list):
        for value in node:
            if isinstance(value, str) and text in value:
                found.append((component, "children"))
            else:
                places(value, text, found, component)
    return found


def test_hcb002_names_with_markup_and_bidi_overrides_are_only_ever_text(app, mallory):
    """The name is given to components as text (children, tooltips, labels, values), never as markup: Dash
    renders those as text nodes and attributes, so nothing in a name is ever interpreted."""
    from tests.integration.test_bookmarks_callbacks_http import callback
    from tests.integration.test_sessions_http import route_payload

    with app.server.test_request_context():
        viewer = viewer_for(accounts_of().get("mallory"))
        saved = bookmark_service().add(viewer, "restaurant", HOSTILE_NAME, TEXAS)
        link = share_service().create(viewer, "restaurant", bookmark_id=saved.id)
        deck = presentation_service().create(viewer, HOSTILE_NAME, [{"bookmark_id": saved.id}])
    active = {"id": saved.id, "name": HOSTILE_NAME, "state": saved.state, "version": saved.version}
    requests = {
        "the pane": callback(mallory, ids.BOOKMARKS_TOGGLE, {f"{ids.BOOKMARKS_TOGGLE}.n_clicks": 1},
                             {f"{ids.DASHBOARD_ID}.data": "restaurant", f"{ids.ACTIVE_BOOKMARK}.data": active}),
        "the banner": callback(mallory, ids.ACTIVE_BOOKMARK, {f"{ids.ACTIVE_BOOKMARK}.data": active,
                                                              f"{ids.VIEW_STATE}.data": saved.state},
                               {f"{ids.DASHBOARD_ID}.data": "restaurant", f"{ids.URL}.search": "",
                                f"{ids.URL}.pathname": "/dashboards/restaurant", f"{ids.OPENED_STATE}.data": None}),
        "the rename dialog": callback(mallory, ids.BOOKMARK_DIALOG_REQUEST,
                                      {f"{ids.BOOKMARK_DIALOG_REQUEST}.data": {"action": "rename",
                                                                               "bookmark": saved.id, "at": 1}},
                                      {f"{ids.BOOKMARK_VERSIONS}.data": {str(saved.id): saved.version}}),
        "the shared page": route_payload(f"/s/{link.token}"),
        "the presentations page": route_payload("/presentations"),
        "the player": route_payload(f"/present/{deck.id}"),
    }
    for what, payload in requests.items():
        response = post(mallory, payload)
        assert response.status_code == 200, (what, response.get_data(as_text=True)[:300])
        found = places(response.json, HOSTILE_NAME, [])
        assert found, f"{what} does not show the name"
        assert {prop for _, prop in found} <= TEXT_PROPS, (what, found)


def test_hcb003_the_sign_in_form_shows_a_typed_name_as_text(app):
    response = app.server.test_client().post("/login", data={"username": HOSTILE_NAME, "password": "x"})
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_hcb004_component_lists_that_disagree_are_a_json_error(app, mallory):
    """The lists of pattern-matched components are the request's own: outputs naming other components than
    the inputs, or a date picker's parts and its preset chooser naming other controls, cannot be answered;
    nor can a request missing its states or inputs, with entries of another shape, for outputs no server
    callback has, or that is no object at all: 4xx, not 500."""
    from tests.integration.test_view_defects import controls_of, sync_payload

    selects, dates = controls_of(mallory, "restaurant")
    fewer_outputs = sync_payload(mallory, "restaurant", "overview", selects, dates)
    fewer_outputs["outputs"][1] = fewer_outputs["outputs"][1][:-1]  # one control's value is not asked back
    no_end = sync_payload(mallory, "restaurant", "overview", selects, dates)
    no_end["inputs"][2] = []  # a date picker's start without its end
    other_presets = sync_payload(mallory, "restaurant", "overview", selects, dates)
    other_presets["inputs"][3][0]["id"]["control"] = "state"  # a preset chooser for a select
    no_states = sync_payload(mallory, "restaurant", "overview", selects, dates)
    del no_states["state"]
    fewer_states = sync_payload(mallory, "restaurant", "overview", selects, dates)
    fewer_states["state"] = fewer_states["state"][:1]
    no_inputs = sync_payload(mallory, "restaurant", "overview", selects, dates)
    del no_inputs["inputs"]
    text_input = sync_payload(mallory, "restaurant", "overview", selects, dates)
    text_input["inputs"][4] = "sheet-tabs.value"
    text_outputs = sync_payload(mallory, "restaurant", "overview", selects, dates)
    text_outputs["outputs"] = "outputs"
    unknown_output = sync_payload(mallory, "restaurant", "overview", selects, dates)
    unknown_output["output"] = "nothing.children"
    clientside = sync_payload(mallory, "restaurant", "overview", selects, dates)
    clientside["output"] = f"{ids.SHEET_CONTENT}.children"  # drawn by the browser, not the server
    for payload in (no_end, fewer_outputs, other_presets, no_states, fewer_states, no_inputs, text_input,
                    text_outputs, unknown_output, clientside, [1, 2], "text", None):
        response = post(mallory, payload)
        assert 400 <= response.status_code < 500 and response.is_json, response.get_data(as_text=True)[:300]
        assert isinstance(response.json["error"], str)


@pytest.mark.parametrize(("pathname", "search"), [
    ("/present/²", ""), ("/present/١٢", ""), ("/present/" + "9" * 5000, ""),
    ("/present/bookmarks/restaurant", "?slide=²"), ("/present/bookmarks/restaurant", "?slide=" + "9" * 5000),
    (7, ""), ("/dashboards/restaurant", 7), (["/"], {"state": 1}),
], ids=["superscript-id", "arabic-id", "huge-id", "superscript-slide", "huge-slide", "number-path", "number-search",
        "objects"])
def test_hcb005_an_address_the_browser_never_sends_opens_a_page(mallory, pathname, search):
    """Digits that are no number (“²”), numbers of thousands of digits, an address that is not text: the route
    answers a page (not found, or the page the rest of the address names), never a 500."""
    from tests.integration.test_sessions_http import route_payload

    payload = route_payload("/")
    payload["inputs"][0]["value"], payload["state"][0]["value"] = pathname, search
    response = post(mallory, payload)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
