"""The HTTP status of ``/s/<token>``: the page is Dash's (the route table builds it in the browser), but
a link that is gone answers 404 and a link to a dashboard the viewer may not see answers 403, so that
browsers, crawlers and link checkers are told the truth — one and the same 404 for unknown, revoked and
expired links."""

from __future__ import annotations

import re

from flask import Flask, request
from flask_login import current_user

from shares.service import LinkGone, NoAccess, share_service

SHARE_PATH = re.compile(r"^/s/(?P<token>[^/]+)/?$")


def init_app(server: Flask) -> None:
    server.after_request(_share_status)


def _share_status(response):
    found = SHARE_PATH.match(request.path)
    if (found is None or request.method != "GET" or response.status_code != 200
            or response.mimetype != "text/html" or not current_user.is_authenticated):
        return response
    try:
        share_service().check(current_user.viewer, found["token"])
    except LinkGone:
        response.status_code = 404
    except NoAccess:
        response.status_code = 403
    return response
