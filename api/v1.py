"""``/api/v1``: the read API of the dashboards. It calls the same service as the Dash callbacks."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from accounts.viewer import current_viewer
from bookmarks import api as bookmarks_api
from core.errors import NotFound
from core.runtime import runtime
from dashboards.service import frame_records
from presentations import api as presentations_api
from shares import api as shares_api

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
# The bookmark endpoints; nested, so this blueprint's 404 and 405 handlers answer for them too.
bp.register_blueprint(bookmarks_api.bp)
bp.register_blueprint(shares_api.bp)
bp.register_blueprint(presentations_api.bp)


@bp.errorhandler(404)
def unknown_route(_exc):
    return jsonify(NotFound("Not found.").as_dict()), 404


@bp.errorhandler(405)
def wrong_method(_exc):
    return jsonify({"error": "Method not allowed."}), 405


@bp.route("/<path:_rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown_endpoint(_rest: str):
    # Without this, Dash's catch-all page route would answer unknown API paths with HTML.
    raise NotFound("Not found.")


@bp.get("/dashboards")
def list_dashboards():
    viewer = current_viewer()
    service = runtime().dashboards
    return jsonify([service.describe(d, viewer) for d in service.dashboards_for(viewer)])


@bp.get("/dashboards/<dashboard_id>/original")
def original(dashboard_id: str):
    rt = runtime()
    board = rt.dashboards.get(dashboard_id, current_viewer())
    return jsonify(rt.views.original(board).to_dict())


@bp.get("/dashboards/<dashboard_id>/data")
def data(dashboard_id: str):
    viewer = current_viewer()
    rt = runtime()
    board = rt.dashboards.get(dashboard_id, viewer)
    raw = request.args.get("state")
    state = rt.views.original(board) if raw is None else rt.views.parse(board, raw, viewer, strict=True)[0]
    sheet, items = rt.dashboards.sheet_data(board, state, viewer)
    return jsonify({
        "dashboard": board.id,
        "sheet": sheet.id,
        "state": state.to_dict(),
        "visuals": [{"id": i.visual.id, "title": i.visual.title, "kind": i.visual.kind,
                     "rows": frame_records(i.frame)} for i in items],
    })
