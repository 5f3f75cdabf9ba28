"""The shape of a callback request, checked before Dash reads it.

Dash takes a ``/_dash-update-component`` request as dash-renderer builds it: the callback named by ``output``,
one entry per declared input and state, in order. A request shaped otherwise (a forged or garbled one) would
fail inside Dash, as a 500 with no message; here it is a 400 with a JSON error instead, and nothing runs.
What the entries hold (any JSON value, any pattern-matched id) is the callbacks' to read (docs/architecture.md,
"Requests").
"""

from __future__ import annotations

import logging
from typing import Any

from dash import Dash
from flask import jsonify, request

log = logging.getLogger(__name__)

UPDATE = "_dash-update-component"
RELOAD = "The request does not match the page's callbacks; reload the page."


def init_app(app: Dash) -> None:
    path = app.config.routes_pathname_prefix + UPDATE

    @app.server.before_request
    def callback_request_shape():
        if request.path != path or request.method != "POST":
            return None
        problem = shape_problem(request.get_json(silent=True), app.callback_map)
        if problem is None:
            return None
        log.warning("Callback request refused: %s", problem)
        return jsonify({"error": RELOAD}), 400


def shape_problem(body: Any, callbacks: dict) -> str | None:
    """Why ``body`` is not a request for one of ``callbacks`` (Dash's ``callback_map``), or None."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    spec = callbacks.get(body.get("output")) if isinstance(body.get("output"), str) else None
    if spec is None or spec.get("callback") is None:
        return "no server callback has these outputs"
    for part in ("inputs", "state"):
        entries, declared = body.get(part, []), spec.get(part, [])
        if not isinstance(entries, list) or len(entries) != len(declared):
            return f"{part}: {len(declared)} entries expected"
        if not all(_entry(e) for e in entries):
            return f"{part}: an entry is neither a component's property nor a list of them"
    outputs = body.get("outputs")
    if body["output"].startswith(".."):  # several outputs: one entry each
        count = len(body["output"][2:-2].split("..."))
        if not isinstance(outputs, list) or len(outputs) != count or not all(_entry(o) for o in outputs):
            return f"outputs: {count} entries expected"
    elif not _entry(outputs):
        return "outputs: a component's property expected"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "changedPropIds: a list of texts expected"
    return None


def _entry(value: Any) -> bool:
    """A component's property ({id, property[, value]}), or a list of them (a pattern-matched dependency)."""
    if isinstance(value, list):
        return all(_property(v) for v in value)
    return _property(value)


def _property(value: Any) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("property"), str)
            and isinstance(value.get("id"), str | dict))
