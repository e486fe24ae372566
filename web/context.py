"""Builds the per-request :class:`GatewayContext`: request id, fresh loaders, limits."""

from __future__ import annotations

from starlette.requests import Request

from auth import anonymous
from connectors import Caller, Connectors
from connectors.calls import CallCounter, bind_call_counter
from resolvers import GatewayContext, build_loaders
from settings import GraphQLSettings


class ContextBuilder:
    """Called once per request; the connectors are the app's, the loaders the request's."""

    def __init__(self, settings: GraphQLSettings) -> None:
        self.settings = settings

    def __call__(self, request: Request) -> GatewayContext:
        connectors: Connectors = request.app.state.connectors
        client_ip = request.client.host if request.client else "unknown"
        # Authentication (when configured) puts the principal on request.state first.
        principal = getattr(request.state, "principal", None) or anonymous(client_ip)
        # Connectors get the caller explicitly; each service's settings decide what it sees.
        connectors = connectors.for_caller(
            Caller(
                id=principal.client_id,
                roles=principal.roles,
                authenticated=principal.authenticated,
                authorization=request.headers.get("authorization"),
            )
        )
        calls = CallCounter()
        bind_call_counter(calls)
        return GatewayContext(
            request_id=getattr(request.state, "request_id", "-"),
            connectors=connectors,
            loaders=build_loaders(connectors, batching=self.settings.batching),
            max_page_size=self.settings.max_page_size,
            principal=principal,
            client_ip=client_ip,
            request=request,
            backend_calls=calls,
        )
