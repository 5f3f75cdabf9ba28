"""Errors raised by the service layer. The JSON API turns them into ``{"error", "field"}`` bodies with
the status below; the UI shows the message."""

from __future__ import annotations


class ServiceError(Exception):
    status = 400

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    def as_dict(self) -> dict:
        body = {"error": self.message}
        if self.field is not None:
            body["field"] = self.field
        return body


class BadRequest(ServiceError):
    status = 400


class Invalid(ServiceError):
    status = 422


class Unauthorized(ServiceError):
    status = 401


class NotFound(ServiceError):
    """Not found — or not yours: the two are never told apart."""

    status = 404


class Conflict(ServiceError):
    status = 409


class Forbidden(ServiceError):
    """Known but not allowed — only where saying so reveals nothing (the viewer holds the link already)."""

    status = 403


class TooMany(ServiceError):
    status = 429


class Unavailable(ServiceError):
    """A server the request needs does not answer (the application database); the same request may succeed
    in a moment."""

    status = 503


class Withdrawn(Exception):
    """A callback's failure that nothing foresaw, raised from it (``raise Withdrawn(outputs) from exc``) with
    the outputs to answer in place of the request's: what the page showed before the request, for the outputs
    that the person's own change had already altered in the browser (a control moved goes back to the view on
    screen), and no update for the others. ``shell.faults`` logs the cause and says the request was not done."""

    def __init__(self, outputs: tuple):
        super().__init__("The request was not done; its cause is chained.")
        self.outputs = outputs
