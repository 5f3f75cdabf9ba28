"""What a callback received: which user action triggered it, and its values read as the page sends them.

Every callback is an endpoint anyone signed in can post to, so any value, and any pattern-matched id, may
be any JSON value (docs/architecture.md, "Requests"). A value of another type than the page sends reads
as an empty one, which the services then find nothing in to act on.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dash import ClientsideFunction, Dash, Input, State, callback_context


def clicked():
    """The id of the component whose click (or submit, upload) triggered the callback; ``None`` when the
    callback fired because components appeared (pattern-matching inputs) rather than by a user action."""
    triggered = callback_context.triggered
    if len(triggered) != 1 or not triggered[0].get("value"):
        return None
    return callback_context.triggered_id


def ask_on_click(app: Dash, buttons: Iterable[dict], request: str) -> None:
    """A click on one of ``buttons`` (the patterns of a list's buttons, such as every bookmark's Rename…)
    sets that button's id, less its type, with the time, into the store ``request``, which a server callback
    takes as its input (``assets/viewmark/clicks.js``, ``ask``).

    The list's buttons are not the server callback's inputs: Dash would then send it a request each time the
    list is drawn anew, since new components matching an input fire it, and each would be answered with
    nothing. Set in the browser, a new list's buttons, which have no clicks, ask for nothing.
    """
    app.clientside_callback(ClientsideFunction("viewmark_clicks", "ask"),
                            *(Input(button, "n_clicks") for button in buttons), State(request, "id"),
                            prevent_initial_call=True)


def as_object(value: Any) -> dict:
    """A store's data or a pattern-matched id, which the page sends as an object."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    """A multi-select's value or a store's list, which the page sends as a list."""
    return value if isinstance(value, list) else []
