"""One error hierarchy for the whole of Prism; the web layer renders it once, as problem+json."""

from __future__ import annotations

from typing import Any


class PrismError(Exception):
    """A failure a person can act on: a message for humans and the HTTP status it maps to."""

    status = 400

    def __init__(
        self,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        keep_changes: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or []
        self.headers: dict[str, str] = {}
        # True when what was written before the error must be kept (a failed sign-in counts).
        self.keep_changes = keep_changes


class Unauthorized(PrismError):
    status = 401


class Forbidden(PrismError):
    status = 403


class NotFound(PrismError):
    status = 404


class Conflict(PrismError):
    status = 409


class Gone(PrismError):
    status = 410


class PayloadTooLarge(PrismError):
    status = 413


class Invalid(PrismError):
    status = 422

    @classmethod
    def about(cls, field: str, message: str) -> Invalid:
        """A refusal of one field's value, with the field named for forms and API clients."""
        return cls(message, errors=[{"field": field, "message": message}])


class RetryLater(PrismError):
    """A refusal for now that says when to ask again (its Retry-After header)."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": str(retry_after)}


class TooManyRequests(RetryLater):
    status = 429


class Unavailable(RetryLater):
    """The database is busy (SQLite's one writer, a full connection pool) or unreachable: the
    request did nothing and may be sent again after `retry_after` seconds."""

    status = 503


def stale_version(kind: str, expected: int, current: int) -> Conflict:
    """The 409 every versioned resource answers when an edit was made against an old copy."""
    return Conflict(
        f"This {kind} was changed by someone else (you edited version {expected}, it is now at "
        f"version {current}). Reload it and apply your change again."
    )


def check_version(kind: str, expected: int, current: int) -> None:
    """Refuse an edit made against an out-of-date copy instead of silently overwriting."""
    if expected != current:
        raise stale_version(kind, expected, current)
