"""Which user action triggered a callback."""

from __future__ import annotations

from dash import callback_context


def clicked():
    """The id of the component whose click (or submit, upload) triggered the callback; ``None`` when the
    callback fired because components appeared (pattern-matching inputs) rather than by a user action."""
    triggered = callback_context.triggered
    if len(triggered) != 1 or not triggered[0].get("value"):
        return None
    return callback_context.triggered_id
