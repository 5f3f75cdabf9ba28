"""schemathesis against ``/api/v1/openapi.json``: an outside client, signed in with a demo user's API token,
sends generated requests — valid and invalid — to every operation of the JSON API.

Checked for every answer: no 5xx, a status code the document names for that operation, a body (and
content type) matching the document, and 405 for a method the document does not list. The CI run is
bounded (``VIEWMARK_FUZZ_EXAMPLES`` per operation, deterministic); a longer, randomized run is the
README's "JSON API" command:

    VIEWMARK_FUZZ_EXAMPLES=500 VIEWMARK_FUZZ_RANDOM=1 .venv/bin/python -m pytest -n 0 \\
        tests/integration/test_api_schemathesis.py
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from accounts.requests import accounts
from api.openapi import document

MAX_EXAMPLES = int(os.environ.get("VIEWMARK_FUZZ_EXAMPLES") or 12)
RANDOM = os.environ.get("VIEWMARK_FUZZ_RANDOM") == "1"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          # A method the document does not list for a path: 405 with an Allow header (RFC 9110).
          unsupported_method]
USERNAME = "analyst"  # both dashboards, every brand: every operation can reach its data


@pytest.fixture(scope="module")
def fuzzed_app(make_app):
    return make_app()


@pytest.fixture(scope="module")
def bearer(fuzzed_app):
    """A live token of the demo user. ``DELETE /tokens/{id}`` may revoke it (its own id is a likely
    guess): the next case then gets a new one, so every operation keeps running signed in."""
    server = fuzzed_app.server
    current: dict[str, str] = {}

    def live_header() -> dict[str, str]:
        with server.app_context():
            service = accounts()
            if not current or service.for_token(current["token"]) is None:
                _, current["token"] = service.create_token(service.for_username(USERNAME).id, "schemathesis")
        return {"Authorization": f"Bearer {current['token']}"}

    return live_header


# Loaded from the document as the app serves it (``test_openapi`` checks the two are one); the requests go
# to the module's app through its WSGI interface.
schema = schemathesis.openapi.from_dict(document())
schema.config.generation.update(max_examples=MAX_EXAMPLES, deterministic=not RANDOM, database="none",
                                # The token is ours (below); generated credentials would only get 401.
                                with_security_parameters=False)


@schema.parametrize()
def test_fuzz001_every_operation_answers_as_documented(case, fuzzed_app, bearer):
    case.call_and_validate(app=fuzzed_app.server, headers=bearer(), checks=CHECKS)
