"""What a request may be: its body's size (``settings.max_request_bytes``) and its JSON's depth.

A larger request is refused with 413 and a JSON error before anything reads it: before sign-in, CSRF or a
handler parses a form or JSON. Declared sizes are checked first; a body sent without one (chunked) is cut
off by Werkzeug's ``MAX_CONTENT_LENGTH`` when reading passes the limit, with the same answer. The JSON API,
Dash's callbacks and the sign-in form all get it.

JSON nested deeper than Python's parser can recurse (a few kB of ``[``) is malformed input, not a server
error: Flask's parsing (``request.get_json``, which Dash's callbacks use) reports it as invalid JSON (400).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, jsonify, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import RequestEntityTooLarge


class JSONProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def init_app(server: Flask, max_bytes: int) -> None:
    """Call before registering other request hooks: the size check must run first."""
    server.json = JSONProvider(server)
    server.config["MAX_CONTENT_LENGTH"] = max_bytes
    server.before_request(_refuse_declared_oversize)
    server.register_error_handler(RequestEntityTooLarge, _too_large)


def _refuse_declared_oversize():
    if (request.content_length or 0) > current_app.config["MAX_CONTENT_LENGTH"]:
        raise RequestEntityTooLarge()


def _too_large(_exc: RequestEntityTooLarge):
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    response = jsonify({"error": f"The request is larger than the {_size(limit)} this server accepts."})
    response.status_code = 413
    return response


def _size(n_bytes: int) -> str:
    if n_bytes >= 1_000_000:
        return f"{n_bytes / 1_000_000:g} MB"
    if n_bytes >= 1_000:
        return f"{n_bytes / 1_000:g} kB"
    return f"{n_bytes} bytes"
