"""``/login`` and ``/logout``: plain server-rendered pages, so that signing in needs no script at all."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, current_app, make_response, redirect, render_template, request, session
from flask_login import current_user, login_user, logout_user

from accounts.requests import CSRF_COOKIE, SESSION_KEY, SignedInUser, accounts, safe_next
from accounts.service import SignInRefused, SignInThrottled
from core.errors import Unavailable

log = logging.getLogger(__name__)
bp = Blueprint("accounts", __name__, template_folder="templates")

FORM_EXPIRED = "Your sign-in form expired, please try again."


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(next_url)
        return _form(next_url)
    username = request.form.get("username", "")
    try:
        account = accounts().authenticate(username, request.form.get("password", ""),
                                          request.remote_addr or "unknown")
    except (SignInRefused, SignInThrottled) as exc:
        # The form again with the message, as 200: a 401 or 429 answering the page itself is logged by the
        # browser as a console error, for what is an ordinary outcome of the form (the API keeps its statuses).
        return _form(next_url, username=username, error=exc.message)
    except Unavailable:
        return _form(next_url, username=username, status=503,
                     error="Signing in is not possible just now: the database is not reachable. Try again in a moment.")
    # A new session on every sign-in: nothing set before it (CSRF token included) carries over.
    session.clear()
    session.permanent = True
    login_user(SignedInUser(account, "session"))
    session[SESSION_KEY] = accounts().start_session(account)
    return redirect(next_url, code=303)


@bp.post("/logout")
def logout():
    key = session.get(SESSION_KEY)
    if getattr(current_user, "via", None) == "session" and isinstance(key, str):
        # The cookie is the browser's: ended here too, a copy of it (or a replayed request) signs nobody in.
        try:
            accounts().end_session(current_user.get_id(), key, current_app.permanent_session_lifetime)
        except Unavailable:
            log.warning("Signed out while the database was unreachable: a copy of that session's cookie "
                        "is accepted until it expires")
    logout_user()
    session.clear()
    response = redirect("/login", code=303)
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


def csrf_refused(_error):
    """A form was posted without a valid CSRF token (most often: a stale page, or another site)."""
    if request.path == "/login":
        # The session the form was made for has ended (the browser was closed, or it sat open for hours):
        # the form again, with a new token, as 200 like every other answer of the form — nobody is signed in.
        return _form(safe_next(request.values.get("next")), username=request.form.get("username", ""),
                     error=FORM_EXPIRED)
    return "The request could not be verified (CSRF). Reload the page and try again.", 400


def unavailable(message: str) -> Response:
    """A page instead of the one asked for, while the database that knows who is asking is unreachable."""
    return make_response(render_template("accounts/unavailable.html", message=message,
                                         css=current_app.config["VIEWMARK_LOGIN_CSS"]))


def _form(next_url: str, username: str = "", error: str | None = None, status: int = 200):
    body = render_template("accounts/login.html", next_url=next_url, username=username, error=error,
                           css=current_app.config["VIEWMARK_LOGIN_CSS"])
    return body, status
