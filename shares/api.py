"""The share endpoints of ``/api/v1``, nested in ``api.v1``'s blueprint (the README's "Sharing").

Thin: parse the body, call the share service (which checks sign-in, grants, ownership and liveness), format.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from accounts.viewer import current_viewer
from bookmarks.api import body, once, required
from shares.service import ShareInfo, share_service

bp = Blueprint("shares", __name__)


@bp.post("/dashboards/<dashboard_id>/shares")
def create_share(dashboard_id: str):
    """``{state?, bookmark_id?, expires_in_s?}`` → 201 ``{token, url, …}``."""
    data = body()
    share = share_service().create(current_viewer(), dashboard_id, data.get("state"),
                                   bookmark_id=data.get("bookmark_id"), expires_in_s=data.get("expires_in_s"),
                                   once=once(data))
    response = jsonify({**share.as_dict(), "url": absolute_url(share)})
    response.headers["Location"] = url_for(".get_share", token=share.token)
    return response, 201


@bp.get("/shares")
def list_shares():
    return jsonify([s.as_dict() for s in share_service().list_mine(current_viewer())])


@bp.get("/shares/<token>")
def get_share(token: str):
    """The snapshot as the viewer sees it (their row restrictions applied), with what had to be dropped."""
    opened = share_service().open(current_viewer(), token)
    share = opened.share
    return jsonify({"token": share.token, "dashboard": share.dashboard, "name": share.name, "owner": share.owner,
                    "created_at": share.as_dict()["created_at"], "expires_at": share.as_dict()["expires_at"],
                    "state": opened.state.to_dict(),
                    "notices": [{"field": n.field, "message": n.message} for n in opened.notices]})


@bp.delete("/shares/<token>")
def revoke_share(token: str):
    share_service().revoke(current_viewer(), token)
    return "", 204


@bp.post("/shares/<token>/save")
def save_share(token: str):
    """``{name}`` → 201: the shared view as one of the viewer's own bookmarks."""
    data = body()
    saved = share_service().save(current_viewer(), token, required(data, "name"), once=once(data))
    response = jsonify(saved.as_dict())
    response.headers["Location"] = url_for("api_v1.bookmarks.get_bookmark", bookmark_id=saved.id)
    return response, 201


def absolute_url(share: ShareInfo) -> str:
    """The link as a person pastes it: this server's address and ``/s/<token>``."""
    return request.host_url.rstrip("/") + share.url
