"""The OpenAPI document of ``/api/v1`` (``api.openapi``): served to API users, valid OpenAPI 3.1, and true to
the routes Flask registered — every route described, nothing described that is not a route."""

from __future__ import annotations

import re

import pytest
import schemathesis

from accounts.requests import accounts
from api.openapi import PREFIX, document

OPENAPI_PATH = f"{PREFIX}/openapi.json"
# The catch-all that answers unknown /api/v1 paths with a JSON 404: not an operation of the API.
NOT_OPERATIONS = {"api_v1.unknown_endpoint"}
IMPLICIT_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture(scope="module")
def demo_app(make_app):
    return make_app()


def bearer_for(app, username: str) -> dict:
    with app.server.app_context():
        service = accounts()
        _, token = service.create_token(service.for_username(username).id, "openapi test")
    return {"Authorization": f"Bearer {token}"}


def registered_operations(server) -> set[tuple[str, str]]:
    operations = set()
    for rule in server.url_map.iter_rules():
        if not rule.rule.startswith(f"{PREFIX}/") or rule.endpoint in NOT_OPERATIONS:
            continue
        # /api/v1/bookmarks/<int:bookmark_id> → /bookmarks/{bookmark_id}
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix(PREFIX))
        operations.update((method.lower(), path) for method in rule.methods - IMPLICIT_METHODS)
    return operations


def documented_operations(doc: dict) -> set[tuple[str, str]]:
    return {(method, path) for path, item in doc["paths"].items() for method in item}


def test_oapi001_served_to_signed_in_users_and_token_holders_only(demo_app, sign_in):
    anonymous = demo_app.server.test_client()
    refused = anonymous.get(OPENAPI_PATH)
    assert refused.status_code == 401 and refused.json == {"error": "Sign in first."}

    by_token = anonymous.get(OPENAPI_PATH, headers=bearer_for(demo_app, "partner"))
    assert by_token.status_code == 200 and by_token.json["openapi"].startswith("3.1")

    browser = demo_app.server.test_client()
    assert sign_in(browser, "manager").status_code == 303
    assert browser.get(OPENAPI_PATH).json == by_token.json == document()


def test_oapi002_paths_and_methods_match_the_registered_routes_both_ways(demo_app):
    registered = registered_operations(demo_app.server)
    documented = documented_operations(document())
    assert registered - documented == set(), "routes the document does not describe"
    assert documented - registered == set(), "operations the document describes that are not routes"
    assert len(registered) > 25  # the comparison saw the nested blueprints too


def test_oapi003_is_valid_openapi_3_1_with_every_reference_resolved():
    doc = document()
    assert doc["openapi"] == "3.1.0" and doc["servers"] == [{"url": PREFIX}]
    schemathesis.openapi.from_dict(doc).validate()
    text = repr(doc)
    for name in set(re.findall(r"#/components/(?:schemas|responses)/(\w+)", text)):
        assert name in doc["components"]["schemas"] or name in doc["components"]["responses"], name


def test_oapi004_every_operation_documents_its_errors_with_the_error_shape():
    doc = document()
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert "401" in responses, (method, path)
            assert any(status.startswith("2") for status in responses), (method, path)
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= set(responses), (method, path)
            for status, response in responses.items():
                if status >= "400":
                    assert response["$ref"].startswith("#/components/responses/"), (method, path, status)
    error = doc["components"]["schemas"]["Error"]
    assert error["required"] == ["error"] and set(error["properties"]) == {"error", "field"}


def test_oapi005_view_state_schema_follows_the_declarations_and_the_date_presets():
    states = {variant["properties"]["dashboard"]["const"]: variant
              for variant in document()["components"]["schemas"]["ViewStateInput"]["anyOf"]}
    assert set(states) == {"restaurant", "gaming"}
    restaurant = states["restaurant"]["properties"]
    assert restaurant["sheet"]["enum"] == ["overview", "store-comparison", "owner-view"]
    assert restaurant["parameters"]["properties"]["grain"] == {"enum": ["day", "week", "month"]}
    assert restaurant["parameters"]["additionalProperties"] is False
    date_range = restaurant["filters"]["properties"]["date_range"]["anyOf"]
    assert date_range[0]["minItems"] == date_range[0]["maxItems"] == 2
    assert "previous-month" in date_range[1]["enum"] and "all-time" in date_range[1]["enum"]


def test_oapi006_every_create_that_honours_idempotency_keys_says_so_and_every_operation_may_be_500_or_503():
    doc = document()
    keyed = {(method, path) for path, item in doc["paths"].items() for method, op in item.items()
             if any(p.get("name") == "Idempotency-Key" for p in op.get("parameters", []))}
    assert keyed == {
        ("post", "/dashboards/{dashboard_id}/bookmarks"),
        ("post", "/dashboards/{dashboard_id}/shares"),
        ("post", "/shares/{token}/save"),
        ("post", "/presentations"),
        ("post", "/presentations/{presentation_id}/duplicate"),
        ("post", "/presentations/{presentation_id}/share"),
    }
    for item in doc["paths"].values():
        for op in item.values():
            assert {"500", "503"} <= op["responses"].keys(), op["operationId"]
