"""Sign-in for the whole app: who is asking, whether they may ask, and the headers every answer carries.

``init_app(app)`` wires it into a Dash app built by ``create_app``:

* Flask-Login sessions (the ``/login`` form), ``Authorization: Bearer`` tokens for ``/api/`` only, and —
  only when ``settings.proxy_user_header`` is set — a user name from a trusted reverse proxy.
* A gate in front of every route: without a user, pages redirect to ``/login`` and the API and Dash's
  own endpoints answer 401. Static assets and ``/login`` stay public; they hold no data.
* CSRF (Flask-WTF) on every state-changing request that a browser could send on its own — the sign-in
  form, sign-out, the JSON API with a cookie, and Dash's ``/_dash-update-component``, whose renderer
  sends the token from the ``_csrf_token`` cookie in an ``X-CSRFToken`` header. Bearer calls are exempt.
* Security headers, including a Content-Security-Policy that admits no inline script but Dash's own.
"""

from __future__ import annotations

import functools
import logging
from datetime import timedelta

from dash import Dash
from flask import Flask, current_app, g, jsonify, redirect, request, session, url_for
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from markupsafe import escape
from werkzeug.middleware.proxy_fix import ProxyFix

from accounts import api, crypto, pages
from accounts.demo import ensure_demo_users
from accounts.requests import CSRF_COOKIE, EXTENSION, SESSION_KEY, SignedInUser, accounts
from accounts.service import Accounts
from core import health
from core.errors import Unavailable
from core.runtime import EXTENSION as RUNTIME

log = logging.getLogger(__name__)

SESSION_LIFETIME = timedelta(hours=12)  # idle time after which a session ends (refreshed by each request)

# Paths that need no user: they hold no data. Everything else — pages, Dash endpoints, API — does.
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/static/")
PUBLIC_PATHS = frozenset({"/login", "/_favicon.ico", "/favicon.ico", *health.PATHS})
# Paths answered with 401 rather than a redirect to the sign-in page (called by scripts, not people).
MACHINE_PREFIXES = ("/api/", "/_dash-", "/_reload-hash")


def init_app(app: Dash) -> None:
    server = app.server
    settings = server.config["VIEWMARK_SETTINGS"]
    service = Accounts(server.extensions[RUNTIME].db)
    server.extensions[EXTENSION] = service
    _configure(server, settings)
    if settings.trusted_proxies:
        # The client's address (for throttling) and scheme (for CSRF's referrer check) as the proxy saw them.
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=settings.trusted_proxies,
                                   x_proto=settings.trusted_proxies, x_host=settings.trusted_proxies)
    server.config["VIEWMARK_LOGIN_CSS"] = [app.get_asset_url(p)
                                           for p in ("vendor/bootstrap.min.css", "viewmark/viewmark.css")]
    if settings.demo_users and settings.database_url is None:
        created = ensure_demo_users(service)
        if created:
            log.info("Created the demo users %s (password: see the README)", ", ".join(created))

    login_manager = LoginManager()
    login_manager.session_protection = "basic"
    login_manager.init_app(server, add_context_processor=False)
    login_manager.user_loader(_load_session_user)
    login_manager.request_loader(_load_request_user)
    csrf = CSRFProtect(server)

    server.register_blueprint(pages.bp)
    server.register_blueprint(api.bp)
    server.before_request(_gate(csrf))
    server.after_request(_security_headers(app))
    server.register_error_handler(CSRFError, _csrf_refused)
    app.interpolate_index = _with_csrf_meta(app.interpolate_index)


def _configure(server: Flask, settings) -> None:
    if settings.secret_key:
        server.secret_key = settings.secret_key
    else:
        if settings.database_url is not None:
            log.warning("SECRET_KEY is not set: using a key kept in %s; set SECRET_KEY so every app server "
                        "shares one", settings.instance_path)
        server.secret_key = crypto.load_or_create_secret_key(settings.instance_path)
    if settings.secret_key_fallbacks:
        # A rotation (README, "Rotating the secret key"): sessions signed with a retired key still open.
        server.config["SECRET_KEY_FALLBACKS"] = list(settings.secret_key_fallbacks)
        # Flask-WTF verifies CSRF tokens with one key and knows no fallbacks; itsdangerous, given a list,
        # signs with the last key and verifies with each, so the tokens of pages open since before the
        # rotation keep working.
        server.config["WTF_CSRF_SECRET_KEY"] = [*settings.secret_key_fallbacks, server.secret_key]
    server.config.update(
        SESSION_COOKIE_NAME="viewmark_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        # Checked by the gate below (after the user is known), so bearer-token calls can skip it.
        WTF_CSRF_CHECK_DEFAULT=False,
        # The token lives as long as the session: a dashboard left open for hours must keep working.
        WTF_CSRF_TIME_LIMIT=None,
        VIEWMARK_PROXY_USER_HEADER=settings.proxy_user_header,
        VIEWMARK_COOKIE_SECURE=settings.cookie_secure,
    )


# Who is asking ----------------------------------------------------------------------------------------

def _bearer_token() -> str | None:
    """The bearer token of an API call; ``""`` when an API call carries some other Authorization."""
    if not _is_api(request.path) or "Authorization" not in request.headers:
        return None
    scheme, _, token = request.headers["Authorization"].partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _proxy_user() -> str | None:
    header = current_app.config.get("VIEWMARK_PROXY_USER_HEADER")
    return request.headers.get(header) if header else None


def _load_session_user(session_id: str) -> SignedInUser | None:
    # Explicit credentials on the request win over the cookie (the request loader handles them).
    if _bearer_token() is not None or _proxy_user():
        return None
    # Without its own key a session could not be signed out of for good: only sign-in gives one.
    key = session.get(SESSION_KEY)
    if not isinstance(key, str):
        return None
    account = _unless_unreachable(functools.partial(accounts().for_session, key=key), session_id)
    return SignedInUser(account, "session") if account else None


def _load_request_user(_request) -> SignedInUser | None:
    token = _bearer_token()
    if token is not None:
        account = _unless_unreachable(accounts().for_token, token)
        return SignedInUser(account, "token") if account else None
    name = _proxy_user()
    if name:
        account = _unless_unreachable(accounts().for_username, name.strip())
        return SignedInUser(account, "proxy") if account else None
    return None


def _unless_unreachable(lookup, key: str):
    """The lookup's account; ``None`` when the database cannot say, which the gate then answers with 503.

    Not raised from here: Flask-Login would ask again for every later use of ``current_user`` in the
    request (the response's headers too), each failing the same way.
    """
    try:
        return lookup(key)
    except Unavailable as exc:
        g.viewmark_user_unknown = exc
        return None


# The gate ---------------------------------------------------------------------------------------------

def _gate(csrf: CSRFProtect):
    def require_sign_in():
        path = request.path
        if path in health.PATHS:
            # Probes answer without looking at a session cookie: reading its user needs the application
            # database, whose outage /readyz must report rather than fail on.
            return None
        if not is_public(path) and not current_user.is_authenticated:
            unknown = g.pop("viewmark_user_unknown", None)
            return _refuse(path) if unknown is None else _unavailable(path, unknown)
        if getattr(current_user, "via", None) != "token":
            csrf.protect()
        return None

    return require_sign_in


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def _is_api(path: str) -> bool:
    return path.startswith("/api/")


def _refuse(path: str):
    if path.startswith(MACHINE_PREFIXES) or request.method not in ("GET", "HEAD"):
        response = jsonify({"error": "Sign in first."})
        response.status_code = 401
        if _is_api(path):
            response.headers["WWW-Authenticate"] = 'Bearer realm="viewmark"'
        return response
    return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))


def _unavailable(path: str, error: Unavailable):
    """The request's user could not be looked up: the database is unreachable (not: not signed in)."""
    if path.startswith(MACHINE_PREFIXES) or request.method not in ("GET", "HEAD"):
        response = jsonify(error.as_dict())
    else:
        response = pages.unavailable(error.message)
    response.status_code = error.status
    response.headers["Retry-After"] = "10"
    return response


def _csrf_refused(error: CSRFError):
    if request.path.startswith(MACHINE_PREFIXES):
        return jsonify({"error": f"CSRF check failed: {error.description}"}), 400
    return pages.csrf_refused(error)


# What every answer carries -----------------------------------------------------------------------------

def content_security_policy(app: Dash) -> str:
    # Dash's renderer bootstrap (and any clientside callback) are inline scripts: allowed by hash only.
    scripts = " ".join(["'self'", *app.csp_hashes()])
    return "; ".join([
        "default-src 'self'",
        f"script-src {scripts}",
        # Needed (checked in Chromium): react-dom, dcc and plotly.js set inline styles. Scripts stay strict.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def _security_headers(app: Dash):
    policy: list[str] = []

    def add_headers(response):
        if not policy:
            # After the first request every callback (and its inline script) is registered.
            policy.append(content_security_policy(app))
        headers = response.headers
        headers["Content-Security-Policy"] = policy[0]
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Frame-Options"] = "DENY"
        # Share links carry their token in the path: never send it to another site.
        headers["Referrer-Policy"] = "same-origin"
        if not is_public(request.path):
            headers.setdefault("Cache-Control", "no-store")
            response.vary.add("Cookie")
        if (response.mimetype == "text/html" and current_user.is_authenticated
                and getattr(current_user, "via", None) != "token"):
            # dash-renderer copies this cookie into the X-CSRFToken header of its requests.
            response.set_cookie(CSRF_COOKIE, generate_csrf(), httponly=False, samesite="Lax",
                                secure=current_app.config["VIEWMARK_COOKIE_SECURE"], path="/")
        return response

    return add_headers


def _with_csrf_meta(interpolate_index):
    """Adds ``<meta name="csrf-token">`` to Dash's page, for scripts of our own (README, "Accounts and
    permissions")."""

    def interpolate(**kwargs):
        meta = f'<meta name="csrf-token" content="{escape(generate_csrf())}">'
        kwargs["metas"] = f"{kwargs.get('metas', '')}\n      {meta}"
        return interpolate_index(**kwargs)

    return interpolate
