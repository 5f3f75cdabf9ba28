"""The OpenAPI 3.1 document of the JSON API, served at ``/api/v1/openapi.json`` (the README's "JSON API").

Written as data: one entry per route, each naming its answers; the schemas come from ``api.schemas``,
which derives them from the declarations and the services' own limits. Kept true by tests: its paths and
methods are compared with the routes Flask registered under ``/api/v1``, both ways, and schemathesis
checks the app's answers against it.
"""

from __future__ import annotations

import functools
from typing import Any

from api.schemas import ID, JSON, SHARE_TOKEN, all_schemas, ref
from dashboards import registry

PREFIX = "/api/v1"

# Every error answer, by status: what it means here. The body is always ``Error``.
ERRORS = {
    "400": ("BadRequest", "The body is not a JSON object (or not JSON), a state is not JSON, or a call "
                          "authenticated by the session cookie lacks its CSRF token (`X-CSRFToken`)."),
    "401": ("Unauthorized", "Not signed in: no session, and no valid bearer token."),
    "403": ("Forbidden", "Known, but not allowed: a live link to a dashboard you may not view, or a token "
                         "trying to create tokens."),
    "404": ("NotFound", "Not found — or not yours: the two are never told apart."),
    "409": ("Conflict", "A conflict: a name you already use, a stale `version`, or a limit reached."),
    "413": ("TooLarge", "The request body is larger than the server accepts (`VIEWMARK_MAX_REQUEST_BYTES`)."),
    "422": ("Invalid", "A field is invalid; `field` names it (for a view state: `filters.<control>` …)."),
    "429": ("TooMany", "Too many links made within the last hour."),
    "500": ("ServerFault", "An error the server did not foresee (logged there). Sending a create again with the "
                           "same `Idempotency-Key` is safe: it is done once."),
    "503": ("Unavailable", "The application database is not reachable just now; nothing was changed. Try "
                           "again later (`Retry-After`), with the same `Idempotency-Key` for a create."),
}
# What a request with a body can be refused for, besides the errors of its operation.
BODY_ERRORS = ("400", "413", "422")


def _param(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema, "description": description}


DASHBOARD = _param("dashboard_id", {"type": "string", "enum": list(registry.DASHBOARDS)},
                   "A dashboard id; one you may not view is answered 404.")
BOOKMARK = _param("bookmark_id", ID, "One of your bookmarks.")
PRESENTATION = _param("presentation_id", ID, "One of your presentations.")
SHARE = _param("token", SHARE_TOKEN, "The token of a shared link (`/s/<token>`).")
TOKEN_ID = _param("token_id", ID, "One of your API tokens.")
IDEMPOTENCY_KEY = {"name": "Idempotency-Key", "in": "header", "required": False,
                   "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
                   "description": "Makes a retried create safe: sent again with the same key and body, the "
                                  "create is done once and answered as the first time."}
LOCATION = {"Location": {"description": "The address of what was made.", "schema": {"type": "string"}}}


def answer(description: str, schema: dict | None = None, *, headers: dict | None = None) -> dict:
    out: dict[str, Any] = {"description": description}
    if schema is not None:
        out["content"] = {JSON: {"schema": schema}}
    if headers:
        out["headers"] = headers
    return out


def operation(operation_id: str, tag: str, summary: str, answers: dict[str, dict], *,
              errors: tuple[str, ...] = (), body: dict | None = None, body_required: bool = True,
              parameters: tuple[dict, ...] = (), description: str | None = None,
              retry_safe: bool = False) -> dict:
    """``retry_safe``: a create that honours ``Idempotency-Key``."""
    out: dict[str, Any] = {"operationId": operation_id, "tags": [tag], "summary": summary}
    if description:
        out["description"] = description
    if retry_safe:
        parameters = (*parameters, IDEMPOTENCY_KEY)
    if parameters:
        out["parameters"] = list(parameters)
    if body is not None:
        out["requestBody"] = {"required": body_required, "content": {JSON: {"schema": body}}}
        errors = (*errors, *BODY_ERRORS)
    responses = dict(answers)
    for status in sorted({"401", "500", "503", *errors}):
        responses[status] = {"$ref": f"#/components/responses/{ERRORS[status][0]}"}
    out["responses"] = responses
    return out


NO_CONTENT = "Done; no content."


def paths() -> dict:
    return {
        # Dashboards -------------------------------------------------------------------------------------------
        "/dashboards": {
            "get": operation("list_dashboards", "dashboards", "The dashboards you may view",
                             {"200": answer("With their sheets and controls (options as you may choose them).",
                                            {"type": "array", "items": ref("Dashboard")})}),
        },
        "/dashboards/{dashboard_id}/original": {
            "get": operation("original", "dashboards", "The Original view state", parameters=(DASHBOARD,),
                             answers={"200": answer("The author's view: first sheet, every default.",
                                                    ref("ViewState"))}, errors=("404",)),
        },
        "/dashboards/{dashboard_id}/data": {
            "get": operation(
                "data", "dashboards", "The data of every visual of a view's sheet",
                parameters=(DASHBOARD, {
                    "name": "state", "in": "query", "required": False,
                    "description": "The view state as JSON text; absent: the Original.",
                    "content": {JSON: {"schema": ref("ViewStateInput")}},
                }),
                answers={"200": answer("Each visual's aggregated rows, your row restrictions applied.",
                                       ref("DashboardData"))},
                errors=("400", "404", "422")),
        },
        # Bookmarks --------------------------------------------------------------------------------------------
        "/dashboards/{dashboard_id}/bookmarks": {
            "get": operation("list_bookmarks", "bookmarks", "Your bookmarks of a dashboard, in your order",
                             {"200": answer("Your bookmarks.", {"type": "array", "items": ref("Bookmark")})},
                             parameters=(DASHBOARD,), errors=("404",)),
            "post": operation("add_bookmark", "bookmarks", "Save a view as a bookmark",
                              {"201": answer("Saved.", ref("Bookmark"), headers=LOCATION)},
                              parameters=(DASHBOARD,), body=ref("NewBookmark"), errors=("404", "409"), retry_safe=True),
        },
        "/dashboards/{dashboard_id}/bookmarks/order": {
            "put": operation("reorder", "bookmarks", "Put your bookmarks of a dashboard in a new order",
                             {"200": answer("Your bookmarks in their new order.",
                                            {"type": "array", "items": ref("Bookmark")})},
                             parameters=(DASHBOARD,), body=ref("BookmarkOrder"), errors=("404",)),
        },
        "/dashboards/{dashboard_id}/bookmarks/export": {
            "get": operation("export", "bookmarks", "Your bookmarks of a dashboard as a file",
                             {"200": answer("The file (sent as an attachment).", ref("BookmarksFile"), headers={
                                 "Content-Disposition": {"description": "attachment; its file name",
                                                         "schema": {"type": "string"}}})},
                             parameters=(DASHBOARD,), errors=("404",)),
        },
        "/dashboards/{dashboard_id}/bookmarks/import": {
            "post": operation(
                "import_bookmarks", "bookmarks", "Add the bookmarks of an exported file",
                {"201": answer("Some were added.", ref("ImportReport")),
                 "200": answer("Nothing new: every entry was already saved.", ref("ImportReport"))},
                parameters=(DASHBOARD,), body=ref("BookmarksImport"), errors=("404", "409"),
                description="All or nothing: one invalid entry refuses the file, naming it. A name you "
                            "already use gets “ (2)”, “ (3)” …"),
        },
        "/dashboards/{dashboard_id}/default": {
            "get": operation("get_default", "bookmarks", "Your default view of a dashboard",
                             {"200": answer("A bookmark, the Original, or none (the last view opens).",
                                            ref("DefaultView"))},
                             parameters=(DASHBOARD,), errors=("404",)),
            "put": operation("set_default", "bookmarks", "Choose your default view",
                             {"200": answer("The default now.", ref("DefaultView"))},
                             parameters=(DASHBOARD,), body=ref("DefaultChoice"), errors=("404",)),
            "delete": operation("clear_default", "bookmarks", "No default view: open where you left off",
                                {"204": answer(NO_CONTENT)}, parameters=(DASHBOARD,), errors=("400", "404")),
        },
        "/bookmarks/{bookmark_id}": {
            "get": operation("get_bookmark", "bookmarks", "One of your bookmarks",
                             {"200": answer("The bookmark.", ref("Bookmark"))},
                             parameters=(BOOKMARK,), errors=("404",)),
            "patch": operation("change_bookmark", "bookmarks", "Rename a bookmark and/or update its state",
                               {"200": answer("The bookmark now.", ref("Bookmark"))},
                               parameters=(BOOKMARK,), body=ref("BookmarkChange"), errors=("404", "409")),
            "delete": operation("delete_bookmark", "bookmarks", "Delete a bookmark", {"204": answer(NO_CONTENT)},
                                parameters=(BOOKMARK,), errors=("400", "404")),
        },
        # Shared links -----------------------------------------------------------------------------------------
        "/dashboards/{dashboard_id}/shares": {
            "post": operation("create_share", "shares", "Share a view (or a bookmark) as a link",
                              {"201": answer("The link; sharing the same view again without expiry gives the "
                                             "same link.", ref("Share"), headers=LOCATION)},
                              parameters=(DASHBOARD,), body=ref("NewShare"), errors=("404", "429"), retry_safe=True),
        },
        "/shares": {
            "get": operation("list_shares", "shares", "Your links, newest first (revoked and expired too)",
                             {"200": answer("Your links.", {"type": "array", "items": ref("Share")})}),
        },
        "/shares/{token}": {
            "get": operation("get_share", "shares", "A shared view as you see it",
                             {"200": answer("With your row restrictions; `notices` say what was dropped.",
                                            ref("SharedView"))},
                             parameters=(SHARE,), errors=("403", "404")),
            "delete": operation("revoke_share", "shares", "Revoke one of your links", {"204": answer(NO_CONTENT)},
                                parameters=(SHARE,), errors=("400", "404")),
        },
        "/shares/{token}/save": {
            "post": operation("save_share", "shares", "Save a shared view as your own bookmark",
                              {"201": answer("Your bookmark.", ref("Bookmark"), headers=LOCATION)},
                              parameters=(SHARE,), body=ref("SaveShared"), errors=("403", "404", "409"),
                              retry_safe=True),
        },
        # Presentations ----------------------------------------------------------------------------------------
        "/presentations": {
            "get": operation("list_presentations", "presentations", "Your presentations",
                             {"200": answer("Your presentations with their stored items.",
                                            {"type": "array", "items": ref("PresentationSummary")})}),
            "post": operation("create_presentation", "presentations", "Make a presentation",
                              {"201": answer("Made.", ref("Presentation"), headers=LOCATION)},
                              body=ref("NewPresentation"), errors=("409",), retry_safe=True),
        },
        "/presentations/{presentation_id}": {
            "get": operation("get_presentation", "presentations", "One presentation with the slides it shows now",
                             {"200": answer("The presentation.", ref("Presentation"))},
                             parameters=(PRESENTATION,), errors=("404",)),
            "patch": operation("change_presentation", "presentations", "Rename it and/or replace its items",
                               {"200": answer("The presentation now.", ref("Presentation"))},
                               parameters=(PRESENTATION,), body=ref("PresentationChange"), errors=("404", "409")),
            "delete": operation("delete_presentation", "presentations", "Delete a presentation",
                                {"204": answer(NO_CONTENT)}, parameters=(PRESENTATION,), errors=("400", "404")),
        },
        "/presentations/{presentation_id}/duplicate": {
            "post": operation("duplicate_presentation", "presentations", "Copy a presentation",
                              {"201": answer("The copy.", ref("Presentation"), headers=LOCATION)},
                              parameters=(PRESENTATION,), errors=("400", "404", "409"), retry_safe=True),
        },
        "/presentations/{presentation_id}/share": {
            "post": operation("share_presentation", "presentations", "Share a presentation as a link",
                              {"201": answer("A link to its slides as they are now.", ref("Share"))},
                              parameters=(PRESENTATION,), body=ref("LinkExpiry"), body_required=False,
                              errors=("404", "429"), retry_safe=True),
        },
        # Accounts ---------------------------------------------------------------------------------------------
        "/me": {
            "get": operation("me", "accounts", "Who you are signed in as",
                             {"200": answer("Your name, dashboards and brand restriction (null: none).",
                                            ref("Me"))}),
        },
        "/tokens": {
            "get": operation("list_tokens", "accounts", "Your API tokens (never the secret)",
                             {"200": answer("Your tokens.", {"type": "array", "items": ref("Token")})}),
            "post": operation("create_token", "accounts", "Make an API token",
                              {"201": answer("The token, shown only here.", ref("NewToken"))},
                              body=ref("TokenName"), errors=("403",),
                              description="Needs a browser session: a token cannot make tokens (403)."),
        },
        "/tokens/{token_id}": {
            "delete": operation("revoke_token", "accounts", "Revoke one of your API tokens",
                                {"204": answer(NO_CONTENT)}, parameters=(TOKEN_ID,), errors=("400", "404")),
        },
        "/openapi.json": {
            "get": operation("openapi", "meta", "This document",
                             {"200": answer("The OpenAPI 3.1 document of /api/v1.", {"type": "object"})}),
        },
    }


@functools.cache
def document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Viewmark JSON API",
            "version": "1",
            "description": (
                "The same services as the dashboards' pages, for scripts. Sign in with the browser session "
                "(state-changing calls then send the page's CSRF token in `X-CSRFToken`) or with "
                "`Authorization: Bearer <personal API token>` (no CSRF token). Errors are JSON "
                "`{\"error\": \"…\", \"field\": \"…\"}`; `field` is present when one field is at fault."),
        },
        "servers": [{"url": PREFIX}],
        "security": [{"bearer": []}, {"session": []}],
        "tags": [
            {"name": "dashboards", "description": "The dashboards, their Original view and their data."},
            {"name": "bookmarks", "description": "Your saved views, their order, default, export and import."},
            {"name": "shares", "description": "Snapshot links of a view (`/s/<token>`)."},
            {"name": "presentations", "description": "Named slide shows of bookmarks and shared views."},
            {"name": "accounts", "description": "Who you are and your API tokens."},
            {"name": "meta", "description": "This description of the API."},
        ],
        "paths": paths(),
        "components": {
            "schemas": all_schemas(),
            "responses": {name: answer(description, ref("Error")) for name, description in ERRORS.values()},
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "A personal API token (`python -m accounts create-token`, or "
                                          "`POST /api/v1/tokens` from a browser session)."},
                "session": {"type": "apiKey", "in": "cookie", "name": "viewmark_session",
                            "description": "The browser's session after signing in at `/login`."},
            },
        },
    }
