"""The bookmark endpoints of ``/api/v1`` (the README's "JSON API" section), nested in ``api.v1``'s blueprint.

Thin: parse the body, call the bookmark service (which checks sign-in, grants and ownership), format.
Errors are the ``ServiceError``s of the service, answered by ``api.v1`` as ``{"error", "field"}``.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, jsonify, request, url_for

from accounts.viewer import current_viewer
from bookmarks.service import ORIGINAL, bookmark_service
from bookmarks.transfer import MAX_IMPORT_BYTES
from core.errors import BadRequest, Invalid
from db.request_keys import HEADER, Once

bp = Blueprint("bookmarks", __name__)


@bp.get("/dashboards/<dashboard_id>/bookmarks")
def list_bookmarks(dashboard_id: str):
    return jsonify([b.as_dict() for b in bookmark_service().list_bookmarks(current_viewer(), dashboard_id)])


@bp.post("/dashboards/<dashboard_id>/bookmarks")
def add_bookmark(dashboard_id: str):
    data = body()
    saved = bookmark_service().add(current_viewer(), dashboard_id, required(data, "name"),
                                   required(data, "state"), once=once(data))
    response = jsonify(saved.as_dict())
    response.headers["Location"] = url_for(".get_bookmark", bookmark_id=saved.id)
    return response, 201


@bp.get("/bookmarks/<int:bookmark_id>")
def get_bookmark(bookmark_id: int):
    return jsonify(bookmark_service().get(current_viewer(), bookmark_id).as_dict())


@bp.patch("/bookmarks/<int:bookmark_id>")
def change_bookmark(bookmark_id: int):
    data = body()
    saved = bookmark_service().change(current_viewer(), bookmark_id, version=required(data, "version"),
                                      name=data.get("name"), state=data.get("state"))
    return jsonify(saved.as_dict())


@bp.delete("/bookmarks/<int:bookmark_id>")
def delete_bookmark(bookmark_id: int):
    bookmark_service().delete(current_viewer(), bookmark_id)
    return "", 204


@bp.get("/dashboards/<dashboard_id>/default")
def get_default(dashboard_id: str):
    return jsonify(bookmark_service().default(current_viewer(), dashboard_id).as_dict())


@bp.put("/dashboards/<dashboard_id>/default")
def set_default(dashboard_id: str):
    """``{"bookmark_id": <id>}`` makes a bookmark the default view, ``{"bookmark_id": null}`` the Original."""
    target = required(body(), "bookmark_id", allow_null=True)
    view = bookmark_service().set_default(current_viewer(), dashboard_id, ORIGINAL if target is None else target)
    return jsonify(view.as_dict())


@bp.delete("/dashboards/<dashboard_id>/default")
def clear_default(dashboard_id: str):
    """No default view: the dashboard opens in the user's last state."""
    bookmark_service().set_default(current_viewer(), dashboard_id, None)
    return "", 204


@bp.put("/dashboards/<dashboard_id>/bookmarks/order")
def reorder(dashboard_id: str):
    ordered = bookmark_service().reorder(current_viewer(), dashboard_id, required(body(), "ids"))
    return jsonify([b.as_dict() for b in ordered])


@bp.get("/dashboards/<dashboard_id>/bookmarks/export")
def export(dashboard_id: str):
    document = bookmark_service().export(current_viewer(), dashboard_id)
    return Response(json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{export_filename(dashboard_id)}"'})


@bp.post("/dashboards/<dashboard_id>/bookmarks/import")
def import_bookmarks(dashboard_id: str):
    """The body is an exported document. 201 when something was added, 200 when all was already there."""
    if (request.content_length or 0) > MAX_IMPORT_BYTES:
        raise BadRequest(f"The file is larger than {MAX_IMPORT_BYTES // 1_000_000} MB.", "file")
    report = bookmark_service().import_bookmarks(current_viewer(), dashboard_id, body())
    return jsonify(report.as_dict()), 201 if report.created else 200


def export_filename(dashboard_id: str) -> str:
    return f"viewmark-{dashboard_id}-bookmarks.json"


def body() -> dict:
    """The request's JSON object (the API's bodies are objects), or ``BadRequest``."""
    try:
        data = json.loads(request.get_data(cache=True) or b"")
    except (ValueError, RecursionError):  # RecursionError: nested deeper than the parser goes
        raise BadRequest("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return data


def once(data: dict) -> Once | None:
    """The request's ``Idempotency-Key`` with what it asks for: a create sent again with it is done once."""
    key = request.headers.get(HEADER)
    return None if key is None else Once.of(key, request.method, request.path, data)


def required(data: dict, field: str, *, allow_null: bool = False):
    if field not in data or (data[field] is None and not allow_null):
        raise Invalid(f"“{field}” is required.", field)
    return data[field]
