"""Plain ASGI middleware, one file each."""

from web.middleware.authentication import AuthenticationMiddleware
from web.middleware.body_limit import BodyLimitMiddleware
from web.middleware.request_id import RequestIdMiddleware

__all__ = ["AuthenticationMiddleware", "BodyLimitMiddleware", "RequestIdMiddleware"]
