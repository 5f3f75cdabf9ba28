"""``/api/v1/me`` and ``/api/v1/tokens``: the signed-in user and their personal API tokens.

See the README's "API authentication"."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user

from accounts.requests import accounts
from core.errors import BadRequest, NotFound, ServiceError

bp = Blueprint("accounts_api", __name__, url_prefix="/api/v1")


class Forbidden(ServiceError):
    status = 403


@bp.get("/me")
def me():
    viewer = current_user.viewer
    return jsonify({"username": viewer.username, "dashboards": sorted(viewer.dashboards or ()),
                    "brands": list(viewer.brands) if viewer.brands is not None else None})


@bp.get("/tokens")
def list_tokens():
    return jsonify([t.as_dict() for t in accounts().list_tokens(current_user.account.id)])


@bp.post("/tokens")
def create_token():
    if current_user.via == "token":
        # A leaked token must not be able to outlive its own revocation by minting others.
        raise Forbidden("Create API tokens from a signed-in browser session.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest("Send a JSON object: {\"name\": \"...\"}.")
    info, token = accounts().create_token(current_user.account.id, body.get("name"))
    return jsonify({**info.as_dict(), "token": token}), 201


@bp.delete("/tokens/<token_id>")
def revoke_token(token_id: str):
    # ASCII digits only: ``str.isdigit`` also admits "²", which ``int`` refuses.
    if not (token_id.isascii() and token_id.isdigit()):
        raise NotFound("No such token.", "token")
    accounts().revoke_token(current_user.account.id, int(token_id))
    return "", 204
