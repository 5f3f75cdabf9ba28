"""What a person sees when a server callback fails in a way nothing foresaw.

Dash answers such a failure with Flask's 500 page, which dash-renderer drops without a word: the control
the person moved shows the new value while the sheet shows the old view, and nothing says why. The app's
``on_error`` handler (``app.py``) logs the error with its traceback, as Flask would have, and answers in
its place: the callback's outputs keep what they show, and a notice in the root layout, on every page,
says the request was not done. A callback that knows what its outputs showed before raises ``Withdrawn``
from the failure with those outputs: the view's callback puts the controls the person moved back to the
view on screen, so that they never show a view the sheet does not. Expected refusals (``ServiceError``: a
forged request, an unreachable database; an HTTP error) keep their own answers and statuses.
"""

from __future__ import annotations

import logging

import dash_bootstrap_components as dbc
from dash import html, set_props
from flask import request
from werkzeug.exceptions import HTTPException

from bookmarks.ui import toast
from core import ids
from core.errors import ServiceError, Withdrawn

log = logging.getLogger(__name__)

MESSAGE = ("Something went wrong on the server, so the page may not show what you last asked for. "
           "Try again; if it happens again, reload the page.")
TOAST_SECONDS = 12


def area() -> html.Div:
    """Where the notice appears: in the root layout, so every page has it."""
    return html.Div(id=ids.FAULTS, className="vm-toasts position-fixed bottom-0 end-0 p-3",
                    **{"aria-live": "assertive"})


def notice() -> dbc.Toast:
    """The notice, in the look of every toast of the app; longer on screen than a confirmation."""
    return toast(MESSAGE, "danger", component_id=ids.FAULT_TOAST, seconds=TOAST_SECONDS)


def on_error(exc: Exception) -> tuple | None:
    """Dash's handler for an exception a callback raised: ``None`` leaves every output as it was; a
    ``Withdrawn`` failure answers its outputs."""
    if isinstance(exc, (ServiceError, HTTPException)):
        raise exc  # its own answer and status (app.py: a ServiceError's JSON)
    withdrawn = isinstance(exc, Withdrawn)
    cause = exc.__cause__ if withdrawn and exc.__cause__ is not None else exc
    body = request.get_json(silent=True)
    output = body.get("output") if isinstance(body, dict) else None
    log.error("A callback failed (output %.200r); the page says it was not done", output, exc_info=cause)
    set_props(ids.FAULTS, {"children": notice()})
    return exc.outputs if withdrawn else None
