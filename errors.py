"""Every error a client of Switchyard can see, in one tree.

Each class carries a stable ``code`` that reaches the client as ``extensions.code``;
backend errors also carry ``extensions.service``. Messages are written for the
client: they never include stack traces, backend bodies or secrets. Details that
help an operator go to the log, tagged with the request id.

    SwitchyardError                      (base; never raised directly)
    ├── BadRequest          BAD_REQUEST           malformed HTTP/GraphQL request
    │   ├── MethodNotAllowed                      e.g. a mutation over GET (405)
    │   ├── UnsupportedMediaType                  wrong Content-Type (415)
    │   ├── NotAcceptable                         Accept names nothing we produce (406)
    │   └── PayloadTooLarge                       body over the configured limit (413)
    ├── BadUserInput        BAD_USER_INPUT        an argument out of its allowed range
    ├── Unauthenticated     UNAUTHENTICATED       missing, bad or expired credentials (401)
    ├── Forbidden           FORBIDDEN             authenticated, but not allowed (403)
    ├── AuthUnavailable     AUTH_UNAVAILABLE      the key source (JWKS) cannot be reached (503)
    └── BackendError        BACKEND_ERROR         a service answered with an error
        ├── BackendTimeout      BACKEND_TIMEOUT       no answer in time
        ├── BackendUnavailable  BACKEND_UNAVAILABLE   could not connect
        └── BackendRejected     BAD_USER_INPUT        the service refused the input (422)

Usage::

    raise BackendTimeout("users")            # -> extensions {code, service}
    err.extensions()                         # {"code": "BACKEND_TIMEOUT", "service": "users"}
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "ERROR_CODES",
    "AuthUnavailable",
    "BackendError",
    "BackendRejected",
    "BackendTimeout",
    "BackendUnavailable",
    "BadRequest",
    "BadUserInput",
    "Forbidden",
    "MethodNotAllowed",
    "NotAcceptable",
    "PayloadTooLarge",
    "SwitchyardError",
    "Unauthenticated",
    "UnsupportedMediaType",
]

#: The documented list of ``extensions.code`` values (README "Errors").
#: Codes of later features are listed here as they land.
ERROR_CODES: tuple[str, ...] = (
    "BAD_REQUEST",
    "BAD_USER_INPUT",
    "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_VALIDATION_FAILED",
    "BACKEND_ERROR",
    "BACKEND_TIMEOUT",
    "BACKEND_UNAVAILABLE",
    "INTERNAL_SERVER_ERROR",
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "AUTH_UNAVAILABLE",
)


class SwitchyardError(Exception):
    """Base of every client-visible error: a message plus a stable code."""

    code: ClassVar[str] = "INTERNAL_SERVER_ERROR"
    #: HTTP status used when this error ends the request before execution.
    status_code: ClassVar[int] = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def extensions(self) -> dict[str, object]:
        return {"code": self.code}


class BadRequest(SwitchyardError):
    code = "BAD_REQUEST"
    status_code = 400

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.headers = headers or {}


class MethodNotAllowed(BadRequest):
    status_code = 405

    def __init__(self, message: str, *, allow: str) -> None:
        super().__init__(message, headers={"Allow": allow})


class UnsupportedMediaType(BadRequest):
    status_code = 415


class NotAcceptable(BadRequest):
    status_code = 406


class PayloadTooLarge(BadRequest):
    status_code = 413


class BadUserInput(SwitchyardError):
    code = "BAD_USER_INPUT"
    status_code = 400


class BackendError(SwitchyardError):
    """A backend service failed; ``service`` names it for the client."""

    code = "BACKEND_ERROR"
    status_code = 502

    def __init__(self, service: str, message: str | None = None) -> None:
        super().__init__(message or f"The {service} service answered with an error")
        self.service = service

    def extensions(self) -> dict[str, object]:
        return {"code": self.code, "service": self.service}


class BackendTimeout(BackendError):
    code = "BACKEND_TIMEOUT"
    status_code = 504

    def __init__(self, service: str) -> None:
        super().__init__(service, f"The {service} service did not answer in time")


class BackendUnavailable(BackendError):
    code = "BACKEND_UNAVAILABLE"
    status_code = 503

    def __init__(self, service: str) -> None:
        super().__init__(service, f"The {service} service is unavailable")


class BackendRejected(BackendError):
    """The service refused the input (HTTP 422); its reason is meant for the client."""

    code = "BAD_USER_INPUT"
    status_code = 400


class Unauthenticated(SwitchyardError):
    """No principal where one is needed, or credentials that do not verify.

    ``www_authenticate`` is the challenge sent with a 401 answer; the message never
    repeats the credential.
    """

    code = "UNAUTHENTICATED"
    status_code = 401

    def __init__(self, message: str, *, www_authenticate: str = "Bearer") -> None:
        super().__init__(message)
        self.headers = {"WWW-Authenticate": www_authenticate}


class Forbidden(SwitchyardError):
    """The caller is known but may not see this field or do this."""

    code = "FORBIDDEN"
    status_code = 403


class AuthUnavailable(SwitchyardError):
    """Credentials cannot be checked now (the JWKS endpoint is down or slow)."""

    code = "AUTH_UNAVAILABLE"
    status_code = 503
