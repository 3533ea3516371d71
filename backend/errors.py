"""The one exception type for errors a user can cause, and its few specialisations.

It carries a message that says how to fix the problem and the place at fault (field, node,
port, column, line, row). It is free of Django so that blocks and graph validation can raise it;
the API layer turns it into a 4xx JSON body in one handler (backend/api/errors.py).
"""

from __future__ import annotations

from typing import Any

PLACE_KEYS = ("field", "node", "port", "column", "line", "row")


class UserError(Exception):
    """An error caused by what a user sent or configured; shown to them as is."""

    #: HTTP status the API answers with; override in subclasses.
    status: int = 400
    #: Stable machine-readable code; override in subclasses.
    code: str = "invalid"

    def __init__(
        self,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        status: int | None = None,
        code: str | None = None,
        **place: Any,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or []
        unknown = set(place) - set(PLACE_KEYS)
        if unknown:
            raise TypeError(f"unknown place keys: {sorted(unknown)}")
        self.place = {key: value for key, value in place.items() if value is not None}
        if status is not None:
            self.status = status
        if code is not None:
            self.code = code

    def as_dict(self) -> dict[str, Any]:
        """The JSON body the API returns for this error."""
        body: dict[str, Any] = {"message": self.message, "code": self.code, **self.place}
        if self.errors:
            body["errors"] = self.errors
        return body


class NotFoundError(UserError):
    """The thing asked for does not exist (or is not visible to the caller)."""

    status = 404
    code = "not_found"


class ConflictError(UserError):
    """The request conflicts with the current state, e.g. a stale revision."""

    status = 409
    code = "conflict"


class TooLargeError(UserError):
    """The request body is over a configured size limit."""

    status = 413
    code = "too_large"


class UnsupportedFormatError(UserError):
    """An uploaded file is of a format Tributary does not read."""

    status = 415
    code = "unsupported_format"
