"""``/api/v1``: the read API of the dashboards. It calls the same service as the Dash callbacks."""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from accounts.viewer import current_viewer
from api import openapi
from bookmarks import api as bookmarks_api
from core.errors import NotFound
from core.runtime import runtime
from dashboards import served
from presentations import api as presentations_api
from shares import api as shares_api

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")
# The bookmark, share and presentation endpoints, nested under /api/v1 (the handlers below answer for them too).
bp.register_blueprint(bookmarks_api.bp)
bp.register_blueprint(shares_api.bp)
bp.register_blueprint(presentations_api.bp)


# App-wide, for every path under /api/v1: a path no route pattern matches (one holding a line break) or a
# method no route takes fails in routing, before any blueprint is chosen. Other paths keep their answers.
@bp.app_errorhandler(404)
def unknown_route(exc):
    if not _in_api(request.path):
        return exc
    return jsonify(NotFound("Not found.").as_dict()), 404


@bp.app_errorhandler(405)
def wrong_method(exc):
    if not _in_api(request.path):
        return exc
    response = jsonify({"error": "Method not allowed."})
    if getattr(exc, "valid_methods", None):
        response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return response, 405


@bp.app_errorhandler(500)
def server_fault(exc):
    # An error nothing expected (Flask has logged it with its traceback): the API still answers in its own
    # shape, never an HTML page, so a client can read that the request failed and send it again. With the
    # same Idempotency-Key, a create that did go through before the failure is not done twice.
    if not _in_api(request.path):
        return exc
    return jsonify({"error": "Something went wrong on the server. Try again in a moment."}), 500


def _in_api(path: str) -> bool:
    return path == bp.url_prefix or path.startswith(f"{bp.url_prefix}/")


CATCH_ALL_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@bp.route("/<path:_rest>", methods=list(CATCH_ALL_METHODS))
def unknown_endpoint(_rest: str):
    # Without this, Dash's catch-all page route would answer unknown API paths with HTML. Being a route for
    # every method, it also receives the methods a known path does not take: those are 405, with ``Allow``.
    allowed = methods_of(request.path)
    if allowed:
        raise MethodNotAllowed(valid_methods=sorted(allowed))
    raise NotFound("Not found.")


def methods_of(path: str) -> set[str]:
    """The methods that the routes other than the catch-all take at ``path``."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    methods: set[str] = set()
    for method in CATCH_ALL_METHODS:
        try:
            rule, _ = adapter.match(path, method=method, return_rule=True)
        except HTTPException:
            continue
        if rule.endpoint != request.endpoint:
            methods |= rule.methods or set()
    return methods


@bp.get("/openapi.json")
def openapi_document():
    """This API described as OpenAPI 3.1; like every endpoint here, for a signed-in user or a token holder."""
    return jsonify(openapi.document())


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
    # The visuals' rows come as JSON text, kept per effective view (dashboards.served): a repeated view is
    # answered without a query and without encoding its rows again.
    sheet, visuals = served.visuals_json(rt.dashboards, board, state, viewer)
    head = json.dumps({"dashboard": board.id, "sheet": sheet.id, "state": state.to_dict()}, sort_keys=True,
                      separators=(",", ":"))
    return Response(f'{head[:-1]},"visuals":{visuals}}}\n', mimetype="application/json")
