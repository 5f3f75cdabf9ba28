"""The presentation endpoints of ``/api/v1``, nested in ``api.v1``'s blueprint.

Thin: parse the body, call the presentation service (which checks sign-in, ownership and every item), format.
A presentation is answered with its items in order — each with its dashboard and its state as the viewer
sees it now — and ``skipped``: a message for each slide that is gone.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from accounts.viewer import current_viewer
from bookmarks.api import body, once, required
from presentations.service import OpenedPresentation, presentation_service
from shares.api import absolute_url

bp = Blueprint("presentations", __name__)


@bp.get("/presentations")
def list_presentations():
    return jsonify([p.as_dict() for p in presentation_service().list_mine(current_viewer())])


@bp.post("/presentations")
def create_presentation():
    """``{name, items}`` → 201: ``items`` is a list of ``{"bookmark_id": …}`` or ``{"share_token": …}``."""
    data = body()
    viewer = current_viewer()
    service = presentation_service()
    made = service.create(viewer, required(data, "name"), data.get("items", []), once=once(data))
    return created(service.open(viewer, made.id))


@bp.get("/presentations/<int:presentation_id>")
def get_presentation(presentation_id: int):
    return jsonify(shown(presentation_service().open(current_viewer(), presentation_id)))


@bp.patch("/presentations/<int:presentation_id>")
def change_presentation(presentation_id: int):
    """``{name?, items?, version}``: renames and/or replaces the items of the version read."""
    data = body()
    viewer = current_viewer()
    service = presentation_service()
    service.change(viewer, presentation_id, version=required(data, "version"), name=data.get("name"),
                   items=data.get("items"))
    return jsonify(shown(service.open(viewer, presentation_id)))


@bp.delete("/presentations/<int:presentation_id>")
def delete_presentation(presentation_id: int):
    presentation_service().delete(current_viewer(), presentation_id)
    return "", 204


@bp.post("/presentations/<int:presentation_id>/duplicate")
def duplicate_presentation(presentation_id: int):
    viewer = current_viewer()
    service = presentation_service()
    copy = service.duplicate(viewer, presentation_id, once=once({}))
    return created(service.open(viewer, copy.id))


@bp.post("/presentations/<int:presentation_id>/share")
def share_presentation(presentation_id: int):
    """``{expires_in_s?}`` → 201 ``{token, url, …}``: a link to the presentation as it is now (snapshots)."""
    data = body() if request.get_data() else {}
    share = presentation_service().share(current_viewer(), presentation_id, expires_in_s=data.get("expires_in_s"),
                                         once=once(data))
    return jsonify({**share.as_dict(), "url": absolute_url(share)}), 201


def created(opened: OpenedPresentation):
    response = jsonify(shown(opened))
    response.headers["Location"] = url_for(".get_presentation", presentation_id=opened.presentation.id)
    return response, 201


def shown(opened: OpenedPresentation) -> dict:
    """The presentation with the slides it shows now, in order, and a message for each one skipped."""
    items = [{**slide.item.as_dict(), **slide.as_dict()} for slide in opened.deck.slides if slide.item is not None]
    return {**opened.presentation.as_dict(), "items": items, "skipped": list(opened.deck.skipped)}
