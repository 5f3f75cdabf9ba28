"""What a viewer is served for a sheet, kept in the result cache: a repeated view costs no query, no figure
and no encoding.

Two forms are kept, each per sheet and per *effective* view — the ``QueryContext`` of ``ViewResolver.context``:
the viewer's row restrictions applied and relative date ranges resolved — and keyed with the data version:

* the JSON text of each visual's rows, as the data API answers (``visuals_json``);
* the rendered sheet body, as Dash sends it: plain JSON-ready data, figures already encoded
  (``sheet_body``).

Viewers with different restrictions never share an entry, a new data version never serves an old one, and
neither does other code (``CODE_VERSION``).
The cache is the engine's (Redis when ``CACHE_URL`` is set, shared by every app process; otherwise the
process's own) for ``cache_seconds``; with 0, nothing is kept.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import dash
import plotly
from plotly.io.json import to_json_plotly

from accounts.viewer import Viewer
from dashboards import render
from dashboards.service import DashboardService, frame_records
from declarations.context import QueryContext
from declarations.model import Dashboard, Sheet
from views.state import ViewState

KEY_PREFIX = "vms:"


def _code_version() -> str:
    """A digest of the code that shapes what is kept (the dashboards and their declarations) and of Dash's
    and plotly's versions: an app started on other code never serves what the earlier one rendered, even
    through a Redis that outlived it."""
    digest = hashlib.sha256(f"{dash.__version__} {plotly.__version__}".encode())
    root = Path(__file__).resolve().parent
    for path in sorted([*root.rglob("*.py"), *(root.parent / "declarations").rglob("*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()


def visuals_json(service: DashboardService, board: Dashboard, state: ViewState, viewer: Viewer) -> tuple[Sheet, str]:
    """The sheet and its visuals as the data API lists them (id, title, kind, rows), as JSON text."""
    sheet = board.sheet(state.sheet)
    ctx = service.views.context(board, state, viewer)

    def build() -> str:
        _, items = service.sheet_data(board, state, viewer)
        return json.dumps([{"id": i.visual.id, "title": i.visual.title, "kind": i.visual.kind,
                            "rows": frame_records(i.frame)} for i in items], sort_keys=True, separators=(",", ":"),
                          default=str)

    return sheet, _kept(service, key(service, "rows", sheet, ctx), build)


def sheet_body(service: DashboardService, board: Dashboard, state: ViewState, viewer: Viewer, topojson_url: str, *,
               interactive: bool = True, ctx: QueryContext | None = None) -> Any:
    """The sheet's body (``render.sheet_body``) as Dash sends it: components as plain JSON-ready data."""
    sheet = board.sheet(state.sheet)
    ctx = ctx or service.views.context(board, state, viewer)

    def build() -> Any:
        _, data = service.sheet_data(board, state, viewer)
        return json.loads(to_json_plotly(render.sheet_body(sheet, data, ctx, topojson_url, interactive=interactive)))

    return _kept(service, key(service, "body", sheet, ctx, topojson_url, interactive), build)


def key(service: DashboardService, form: str, sheet: Sheet, ctx: QueryContext, *extra: Any) -> str:
    """The entry of one form of a sheet in one effective view, for the data the engine serves now."""
    engine = service.engine
    payload = json.dumps([form, CODE_VERSION, engine.url, engine.version, sheet.id, ctx.key(), list(extra)],
                         default=str)
    return KEY_PREFIX + hashlib.sha256(payload.encode()).hexdigest()


def _kept(service: DashboardService, entry: str, build):
    engine = service.engine
    if engine.cache is None or engine.cache_seconds <= 0:
        return build()
    hit = engine.cache.get(entry)
    if hit is not None:
        return hit
    value = build()
    engine.cache.set(entry, value, timeout=engine.cache_seconds)
    return value
