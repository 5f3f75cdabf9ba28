"""The signed-in user's corner of the banner: their name and a sign-out button."""

from __future__ import annotations

from dash import dcc, html
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from accounts.viewer import Viewer
from core.ids import SIGN_OUT, SIGNED_IN_USER


def account_menu(viewer: Viewer) -> html.Div:
    if viewer.username is None:
        return html.Div()
    parts = [html.Span(["Signed in as ", html.Strong(viewer.username, id=SIGNED_IN_USER)],
                       className="small text-white-50 me-2")]
    if getattr(current_user, "via", None) == "session":
        # A real form post: sign-out changes state, so it carries the CSRF token like any other post.
        parts.append(html.Form([
            dcc.Input(type="hidden", name="csrf_token", value=generate_csrf()),
            html.Button("Sign out", type="submit", id=SIGN_OUT, className="btn btn-outline-light btn-sm"),
        ], action="/logout", method="post", className="d-inline m-0"))
    return html.Div(parts, className="vm-account d-flex align-items-center")
