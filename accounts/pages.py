"""``/login`` and ``/logout``: plain server-rendered pages, so that signing in needs no script at all."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, make_response, redirect, render_template, request, session
from flask_login import current_user, login_user, logout_user

from accounts.requests import CSRF_COOKIE, SignedInUser, accounts, safe_next
from accounts.service import SignInRefused, SignInThrottled
from core.errors import Unavailable

bp = Blueprint("accounts", __name__, template_folder="templates")


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
    return redirect(next_url, code=303)


@bp.post("/logout")
def logout():
    logout_user()
    session.clear()
    response = redirect("/login", code=303)
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


def csrf_refused(_error):
    """A form was posted without a valid CSRF token (most often: a stale page, or another site)."""
    if request.path == "/login":
        return _form(safe_next(request.values.get("next")), username=request.form.get("username", ""),
                     error="The sign-in page had expired. Please try again.", status=400)
    return "The request could not be verified (CSRF). Reload the page and try again.", 400


def unavailable(message: str) -> Response:
    """A page instead of the one asked for, while the database that knows who is asking is unreachable."""
    return make_response(render_template("accounts/unavailable.html", message=message,
                                         css=current_app.config["VIEWMARK_LOGIN_CSS"]))


def _form(next_url: str, username: str = "", error: str | None = None, status: int = 200):
    body = render_template("accounts/login.html", next_url=next_url, username=username, error=error,
                           css=current_app.config["VIEWMARK_LOGIN_CSS"])
    return body, status
