"""Viewmark — the composition root.

    python app.py                 # http://127.0.0.1:8050 on the embedded defaults
    gunicorn app:server           # production (settings from the environment)
"""

from __future__ import annotations

import logging
import sys

from dash import Dash, dcc, html
from dash.exceptions import InvalidCallbackReturnValue
from flask import Flask, g, jsonify
from flask_caching import Cache

from accounts import web as accounts_web
from core import health, ids, limits
from core.errors import ServiceError
from core.locks import file_lock
from core.runtime import EXTENSION, Runtime
from dashboards.service import DashboardService
from data.cache import FallbackCache, redis_options
from data.engine import DataEngine
from data.files import DataFileError
from data.store import ensure_dataset, follow
from db.database import Database
from settings import ROOT, Settings
from shares import web as shares_web
from shell import callback_requests, faults
from shell import callbacks as shell_callbacks
from views.resolve import ViewResolver

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Dash:
    settings = settings or Settings.from_env()
    settings.instance_path.mkdir(parents=True, exist_ok=True)
    server = Flask(__name__, instance_path=str(settings.instance_path))
    server.config["VIEWMARK_SETTINGS"] = settings
    # First of the request hooks: an oversized body is refused before anything reads it.
    limits.init_app(server, settings.max_request_bytes)

    dataset = ensure_dataset(settings.data_url, settings.data_dir, settings.data_scale)
    cache = Cache(server, config=_cache_config(settings))
    # A shared cache that stops answering costs speed, not answers (data.cache); /readyz still names it.
    results = FallbackCache(cache) if _shared(settings) else cache
    # The embedded file follows the CURRENT pointer, a PostgreSQL store its loads' pointer, so a data refresh
    # needs no restart (data.files, data.load_postgres).
    latest = follow(settings.data_url, settings.data_dir, dataset, settings.data_scale)
    engine = DataEngine(dataset.url, version=dataset.version, cache=results, cache_seconds=settings.query_cache_seconds,
                        latest=latest)
    database = Database(settings.resolved_database_url)
    if settings.database_url is None:
        # The embedded default migrates itself; production runs `python -m db upgrade` explicitly.
        with file_lock(settings.instance_path / ".migrate.lock"):
            database.migrate()
    views = ViewResolver(engine)
    server.extensions[EXTENSION] = Runtime(settings=settings, engine=engine, dashboards=DashboardService(engine, views),
                                           views=views, db=database)
    health.init_app(server, {"database": database.ping, "data": engine.ping, "cache": health.cache_check(cache)},
                    optional=frozenset({"cache"}))

    @server.before_request
    def one_dataset_per_request():
        # However the pointer moves meanwhile, every query of this request reads one version of the data.
        g.viewmark_dataset = engine.pin()

    @server.teardown_request
    def end_of_dataset(_exc):
        token = g.pop("viewmark_dataset", None)
        if token is not None:
            engine.unpin(token)

    from api.v1 import bp as api_v1

    @server.errorhandler(ServiceError)
    def service_error(exc: ServiceError):
        # One handler for the JSON API and the Dash callbacks (a forged or stale request): a JSON error
        # with the error's status, never a stack trace. A 503 says when to try again.
        return jsonify(exc.as_dict()), exc.status, {"Retry-After": "10"} if exc.status == 503 else {}

    @server.errorhandler(InvalidCallbackReturnValue)
    def components_not_of_one_page(exc: InvalidCallbackReturnValue):
        # A callback answers one value per component its request lists; the lists are the request's own, so
        # when its outputs name other components than its inputs (which dash-renderer never sends), the
        # answer cannot fit them. Logged: a callback of ours that answers wrongly lands here too.
        log.warning("Callback request refused: %s", str(exc).splitlines()[0][:300])
        return jsonify({"error": "The request's components do not match one another; reload the page."}), 400

    server.register_blueprint(api_v1)

    app = Dash(
        __name__,
        server=server,
        title="Viewmark",
        assets_folder=str(ROOT / "assets"),
        serve_locally=True,
        suppress_callback_exceptions=True,
        update_title=None,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        external_stylesheets=[],
        on_error=faults.on_error,
    )
    # Screen readers choose their voice and pronunciation by the page's language.
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
    app.layout = html.Div([dcc.Location(id=ids.URL, refresh=False), dcc.Store(id=ids.SHOWN_PATH),
                           html.Div(id=ids.PAGE), faults.area()], className="vm-app")
    shell_callbacks.register(app)
    shares_web.init_app(server)
    # Sign-in, CSRF checks and security headers in front of every route registered above.
    accounts_web.init_app(app)
    # Then a callback request's shape, before Dash reads it.
    callback_requests.init_app(app)
    return app


def _shared(settings: Settings) -> bool:
    return bool(settings.cache_url and settings.cache_url.startswith("redis"))


def _cache_config(settings: Settings) -> dict:
    if _shared(settings):
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": settings.cache_url, "CACHE_OPTIONS": redis_options(),
                "CACHE_KEY_PREFIX": "viewmark:"}
    return {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000}


_default_app: Dash | None = None


def __getattr__(name: str):
    """``app`` and ``server`` are built on first use, so importing ``create_app`` (tests) builds nothing."""
    global _default_app
    if name in ("app", "server"):
        if _default_app is None:
            _default_app = _start()
        return _default_app if name == "app" else _default_app.server
    raise AttributeError(name)


# gunicorn's exit status for "App failed to load.": it stops, rather than starting workers over and over.
APP_LOAD_ERROR = 4


# gunicorn's own format, with the logger's name: the app's lines sit among gunicorn's in one error log.
LOG_FORMAT = "[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: %(message)s"
LOG_DATE_FORMAT = "%Y-%m-%d %H:%M:%S %z"


def log_to_stderr(root: logging.Logger | None = None) -> None:
    """The app's log on stderr at INFO, with time and level, unless logging is configured already (gunicorn
    ``--log-config``, a test runner). Without it Python prints warnings bare and drops INFO, where the app says
    that a service which was down answers again (README, "When a service is down")."""
    root = root or logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT, LOG_DATE_FORMAT))
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _start(settings: Settings | None = None) -> Dash:
    log_to_stderr()
    try:
        return create_app(settings)
    except DataFileError as exc:
        # Said once and plainly, with the command that fixes it: a stack trace would bury both.
        print(f"Viewmark cannot start: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(APP_LOAD_ERROR) from None


def main() -> None:
    settings = Settings.from_env()
    dash_app = _start(settings)
    print(f"Viewmark is running on http://{settings.host}:{settings.port}/")
    if settings.demo_users and settings.database_url is None:
        print("Sign in as analyst, manager or partner; the demo password is viewmark-demo.")
    dash_app.run(host=settings.host, port=settings.port, debug=settings.debug)


if __name__ == "__main__":
    main()
