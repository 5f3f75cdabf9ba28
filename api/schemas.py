"""The JSON Schemas of ``/api/v1`` (the ``components.schemas`` of ``api.openapi``), built from the code.

The view states a request may send are derived from the dashboards' declarations (sheets, controls, static
options, date presets), and the limits come from the services that enforce them, so the document cannot
drift from what the app accepts. What the app *answers* is described as loosely as the contract is: a
bookmark's state is returned as it was saved, which may predate a change of its dashboard.
"""

from __future__ import annotations

from typing import Any, get_args

from accounts.service import TOKEN_NAME_MAX
from bookmarks.models import NAME_MAX as BOOKMARK_NAME_MAX
from bookmarks.transfer import EXPORT_FORMAT, EXPORT_VERSION, MAX_ENTRIES
from dashboards import registry
from declarations.model import Control, ControlKind, ControlType, Dashboard, VisualKind
from presentations.models import NAME_MAX as PRESENTATION_NAME_MAX
from presentations.service import MAX_ITEMS
from shares.models import PRESENTATION, VIEW
from shares.service import MAX_EXPIRY, TOKEN_PATTERN
from views.dates import PRESETS
from views.state import STATE_VERSION

JSON = "application/json"


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def array(items: dict, **limits: Any) -> dict:
    return {"type": "array", "items": items, **limits}


def obj(properties: dict, required: list[str] | tuple[str, ...] = (), *, closed: bool = False) -> dict:
    schema: dict = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    if closed:
        schema["additionalProperties"] = False
    return schema


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
TIMESTAMP = {"type": "string", "format": "date-time"}
ID = {"type": "integer", "minimum": 1}
ANY_OBJECT = {"type": "object"}
OPTION_VALUE = {"type": ["string", "integer"]}
SHARE_TOKEN = {"type": "string", "pattern": f"^{TOKEN_PATTERN.pattern}$"}
EXPIRES_IN_S = nullable({"type": "integer", "minimum": 1, "maximum": int(MAX_EXPIRY.total_seconds())})


def name(max_length: int) -> dict:
    return {"type": "string", "minLength": 1, "maxLength": max_length}


# View states ----------------------------------------------------------------------------------------------

DATE_RANGE = {"anyOf": [
    array({"type": "string", "format": "date"}, minItems=2, maxItems=2, description="[start, end], ISO dates"),
    {"enum": list(PRESETS), "description": "a range relative to the dashboard's data date"},
]}


def control_value(control: Control) -> dict:
    """What a state may hold for ``control``: options computed from the data are checked by the server."""
    if control.type == "date_range":
        return DATE_RANGE
    value = {"enum": [o.value for o in control.options]} if control.options_query is None else OPTION_VALUE
    return array(value) if control.type == "multi" else value


def state_input(board: Dashboard) -> dict:
    """A view state of ``board`` as a request sends it: an absent part takes the author's default."""

    def section(kind: ControlKind) -> dict:
        return obj({c.id: control_value(c) for c in board.controls_of(kind)}, closed=True)

    return obj({
        "version": {"const": STATE_VERSION},
        "dashboard": {"const": board.id},
        "sheet": {"enum": [s.id for s in board.sheets]},
        "filters": section("filter"),
        "parameters": section("parameter"),
    }, closed=True) | {"title": f"A view state of “{board.title}”"}


def view_states() -> dict:
    return {
        "ViewState": obj({
            "version": {"const": STATE_VERSION},
            "dashboard": STRING,
            "sheet": STRING,
            "filters": ANY_OBJECT,
            "parameters": ANY_OBJECT,
        }, ["version", "dashboard", "sheet", "filters", "parameters"]) | {
            "description": "A view state (docs/view-state.md). States the server validated are canonical; a "
                           "bookmark's is returned as saved."},
        "ViewStateInput": {"anyOf": [state_input(board) for board in registry.DASHBOARDS.values()],
                           "description": "A view state to validate against the dashboard of the request. "
                                          "Control ids are the dashboard's own; absent parts take the "
                                          "author's defaults."},
        "Notice": obj({"field": STRING, "message": STRING}, ["field", "message"]),
    }


# Dashboards and their data --------------------------------------------------------------------------------

def dashboards() -> dict:
    return {
        "Dashboard": obj({
            "id": STRING, "title": STRING, "path": STRING,
            "sheets": array(obj({"id": STRING, "title": STRING}, ["id", "title"])),
            "controls": array(ref("Control")),
        }, ["id", "title", "path", "sheets", "controls"]),
        "Control": obj({
            "id": STRING, "label": STRING,
            "kind": {"enum": list(get_args(ControlKind))},
            "type": {"enum": list(get_args(ControlType))},
            "default": {"anyOf": [OPTION_VALUE, array(OPTION_VALUE)]},
            "options": array(obj({"value": OPTION_VALUE, "label": STRING}, ["value", "label"])),
            "bounds": nullable(array({"type": "string", "format": "date"}, minItems=2, maxItems=2)),
        }, ["id", "label", "kind", "type", "default"]),
        "DashboardData": obj({
            "dashboard": STRING, "sheet": STRING, "state": ref("ViewState"),
            "visuals": array(obj({
                "id": STRING, "title": STRING, "kind": {"enum": list(get_args(VisualKind))},
                "rows": array(ANY_OBJECT, description="the aggregated rows, keyed by column name"),
            }, ["id", "title", "kind", "rows"])),
        }, ["dashboard", "sheet", "state", "visuals"]),
    }


# Bookmarks ------------------------------------------------------------------------------------------------

def bookmarks() -> dict:
    bookmark_name = name(BOOKMARK_NAME_MAX)
    return {
        "Bookmark": obj({
            "id": ID, "dashboard": STRING, "name": STRING, "state": ref("ViewState"),
            "position": INTEGER, "is_default": BOOLEAN, "version": ID,
            "created_at": TIMESTAMP, "updated_at": TIMESTAMP,
        }, ["id", "dashboard", "name", "state", "position", "is_default", "version", "created_at",
            "updated_at"]),
        "NewBookmark": obj({"name": bookmark_name, "state": ref("ViewStateInput")}, ["name", "state"]),
        "BookmarkChange": obj({"name": bookmark_name, "state": ref("ViewStateInput"), "version": ID},
                              ["version"]) | {"description": "A new name, a new state or both, for the "
                                                             "version read (stale: 409)."},
        "DefaultView": obj({"bookmark_id": nullable(ID), "original": BOOLEAN}, ["bookmark_id", "original"]),
        "DefaultChoice": obj({"bookmark_id": nullable(ID)}, ["bookmark_id"]) | {
            "description": "A bookmark id, or null for the Original."},
        "BookmarkOrder": obj({"ids": array(ID, description="each of your bookmarks of the dashboard once")},
                             ["ids"]),
        "BookmarksFile": obj({
            "format": {"const": EXPORT_FORMAT}, "version": {"const": EXPORT_VERSION}, "dashboard": STRING,
            "exported_at": TIMESTAMP,
            "bookmarks": array(obj({"name": STRING, "state": ref("ViewState")}, ["name", "state"])),
        }, ["format", "version", "dashboard", "exported_at", "bookmarks"]),
        "BookmarksImport": obj({
            "format": {"const": EXPORT_FORMAT}, "version": INTEGER, "dashboard": STRING,
            "exported_at": STRING,
            "bookmarks": array(obj({"name": bookmark_name, "state": ref("ViewStateInput")}, ["name", "state"]),
                               maxItems=MAX_ENTRIES),
        }, ["bookmarks"]) | {"description": "A file written by the export of the same dashboard."},
        "ImportReport": obj({
            "created": array(ref("Bookmark")),
            "renamed": array(obj({"from": STRING, "to": STRING}, ["from", "to"])),
            "skipped": array(STRING, description="names already saved with the same state"),
        }, ["created", "renamed", "skipped"]),
    }


# Shared links ---------------------------------------------------------------------------------------------

def shares() -> dict:
    share = {
        "token": SHARE_TOKEN, "kind": {"enum": [VIEW, PRESENTATION]}, "url": STRING, "dashboard": STRING,
        "name": nullable(STRING), "owner": STRING,
        "state": ANY_OBJECT | {"description": "a view's state, or a presentation's copied slides"},
        "created_at": TIMESTAMP, "expires_at": nullable(TIMESTAMP), "revoked_at": nullable(TIMESTAMP),
        "open_count": {"type": "integer", "minimum": 0}, "live": BOOLEAN,
    }
    return {
        "Share": obj(share, list(share)),
        "NewShare": obj({"state": ref("ViewStateInput"), "bookmark_id": nullable(ID),
                         "expires_in_s": EXPIRES_IN_S}) | {
            "description": "A state, or one of your bookmarks (its state unless `state` is given); "
                           "`expires_in_s` null: the link never expires."},
        "SharedView": obj({
            "token": SHARE_TOKEN, "dashboard": STRING, "name": nullable(STRING), "owner": STRING,
            "created_at": TIMESTAMP, "expires_at": nullable(TIMESTAMP), "state": ref("ViewState"),
            "notices": array(ref("Notice")),
        }, ["token", "dashboard", "name", "owner", "created_at", "expires_at", "state", "notices"]),
        "SaveShared": obj({"name": name(BOOKMARK_NAME_MAX)}, ["name"]),
        "LinkExpiry": obj({"expires_in_s": EXPIRES_IN_S}),
    }


# Presentations --------------------------------------------------------------------------------------------

def presentations() -> dict:
    stored_item = {"position": {"type": "integer", "minimum": 0}, "bookmark_id": nullable(ID),
                   "share_token": nullable(STRING), "name": STRING}
    info = {"id": ID, "name": STRING, "version": ID, "created_at": TIMESTAMP, "updated_at": TIMESTAMP}
    item_input = {"anyOf": [obj({"bookmark_id": ID}, ["bookmark_id"]),
                            obj({"share_token": SHARE_TOKEN}, ["share_token"])]}
    items = array(item_input, maxItems=MAX_ITEMS)
    presentation_name = name(PRESENTATION_NAME_MAX)
    return {
        "PresentationSummary": obj({**info, "items": array(obj(stored_item, list(stored_item)))},
                                   [*info, "items"]),
        "Presentation": obj({
            **info,
            "items": array(obj({**stored_item, "dashboard": STRING, "state": ref("ViewState"),
                                "notices": array(ref("Notice"))},
                               [*stored_item, "dashboard", "state", "notices"]),
                           description="the slides it shows now, in order"),
            "skipped": array(STRING, description="a message for each slide that is gone"),
        }, [*info, "items", "skipped"]),
        "NewPresentation": obj({"name": presentation_name, "items": items}, ["name"]),
        "PresentationChange": obj({"name": presentation_name, "items": items, "version": ID}, ["version"]),
    }


# Accounts -------------------------------------------------------------------------------------------------

def accounts() -> dict:
    token = {"id": ID, "name": STRING, "prefix": STRING, "created_at": TIMESTAMP,
             "last_used_at": nullable(TIMESTAMP)}
    return {
        "Me": obj({"username": STRING, "dashboards": array(STRING), "brands": nullable(array(STRING))},
                  ["username", "dashboards", "brands"]),
        "Token": obj(token, list(token)),
        "NewToken": obj({**token, "token": STRING | {"description": "shown only in this answer"}},
                        [*token, "token"]),
        "TokenName": obj({"name": name(TOKEN_NAME_MAX)}, ["name"]),
    }


def all_schemas() -> dict:
    return {
        "Error": obj({"error": STRING, "field": STRING}, ["error"]) | {
            "description": "Every error: a message for people and, where one field is at fault, its name."},
        **view_states(), **dashboards(), **bookmarks(), **shares(), **presentations(), **accounts(),
    }
