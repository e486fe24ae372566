"""GraphQL over HTTP: Strawberry's ASGI view, fixed where it falls short of the spec.

Stock Strawberry answers every result with 200 ``application/json`` and answers 500
to some malformed bodies. This view:

- negotiates ``application/graphql-response+json`` vs ``application/json`` (406 otherwise)
  and, for the new media type, answers request errors (parse, validation) with 400
  and no ``data`` entry;
- refuses malformed requests before execution with a GraphQL-shaped 4xx: bad JSON,
  invalid UTF-8, deeply nested JSON, a body that is not an object, a missing or
  non-string query, wrong ``variables``/``extensions``/``operationName`` types,
  a wrong Content-Type (415), a mutation over GET (405 with ``Allow``);
- encodes with orjson and builds the per-request context through :class:`ContextBuilder`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.http.base import BaseRequestProtocol
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from errors import (
    BadRequest,
    MethodNotAllowed,
    NotAcceptable,
    SwitchyardError,
    UnsupportedMediaType,
)
from resolvers import GatewayContext
from web.context import ContextBuilder
from web.negotiation import GRAPHQL_RESPONSE_JSON, JSON, negotiate
from web.responses import error_response

logger = logging.getLogger("switchyard.http")

ALLOWED_METHODS = "GET, POST"


class GraphQLView(GraphQL[GatewayContext, None]):
    """The ``/graphql`` endpoint (an ASGI app)."""

    def __init__(
        self,
        schema: Any,
        *,
        build_context: ContextBuilder,
        render_ide: Callable[[Request], Awaitable[Response]] | None = None,
    ) -> None:
        super().__init__(
            schema, graphql_ide="graphiql" if render_ide else None, allow_queries_via_get=True
        )
        self._build_context = build_context
        self._render_ide = render_ide

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # no subscriptions over WebSocket
            await send({"type": "websocket.close", "code": 1008})
            return
        request = Request(scope, receive)
        # Negotiated once per request; ``run`` reads it. A refused request is answered
        # in the media type the client asked for (the spec wants Content-Type to match
        # Accept); 406 and unusable Accept headers fall back to application/json.
        request.state.media_type = negotiate(request.headers.get("accept"))
        media_type = request.state.media_type or JSON
        try:
            response = await self.run(request)
        except HTTPException as exc:
            headers = {"Allow": ALLOWED_METHODS} if exc.status_code == 405 else None
            response = error_response(
                BadRequest(exc.reason),
                status_code=exc.status_code,
                media_type=media_type,
                headers=headers,
            )
        except SwitchyardError as exc:
            response = error_response(exc, media_type=media_type)
        await response(scope, receive, send)

    async def run(self, request: Request, context: Any = None, root_value: Any = None) -> Response:  # type: ignore[override]
        ide = self.should_render_graphql_ide(self.request_adapter_class(request))
        if request.state.media_type is None and not ide:
            raise NotAcceptable(f"Accept must allow {GRAPHQL_RESPONSE_JSON} or {JSON}")
        response: Response = await super().run(request)
        media_type = request.state.media_type
        if media_type is None:  # the IDE page
            return response
        response.headers["content-type"] = f"{media_type}; charset=utf-8"
        status = getattr(request.state, "graphql_status", None)
        graphql_context: GatewayContext | None = getattr(request.state, "graphql_context", None)
        if graphql_context is not None:
            response.headers.update(graphql_context.response_headers)
            if graphql_context.after_response:
                response.background = BackgroundTask(_run_all, graphql_context.after_response)
            # An extension's status (429 from rate limiting) wins over the view's 400.
            status = graphql_context.response_status or status
        if status is not None:
            response.status_code = status
        return response

    # -- context and IDE --------------------------------------------------------------

    async def get_context(self, request: Any, response: Any) -> GatewayContext:
        context = self._build_context(request)
        request.state.graphql_context = context
        return context

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        # Only browsers (which ask for HTML) get the IDE; curl's */* gets GraphQL.
        return (
            request.method == "GET"
            and request.query_params.get("query") is None
            and "text/html" in request.headers.get("accept", "")
        )

    async def render_graphql_ide(self, request: Request) -> Response:
        assert self._render_ide is not None
        request.state.media_type = None
        return await self._render_ide(request)

    # -- request parsing ----------------------------------------------------------------

    def is_request_allowed(self, request: BaseRequestProtocol) -> bool:
        return request.method in ("GET", "POST")

    def decode_json(self, data: str | bytes) -> object:
        # orjson refuses invalid UTF-8 and nesting deeper than 1024 with JSONDecodeError
        # (a json.JSONDecodeError), where json.loads raises UnicodeDecodeError or RecursionError.
        return orjson.loads(data)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
        if request.method == "GET":
            data: object = self._parse_query_params(request.query_params)
        else:
            data = self._parse_json_body(request.content_type or "", await request.get_body())
        if not isinstance(data, dict):
            raise BadRequest(
                "The request body must be a JSON object (batched requests are not supported)"
            )
        query, variables = data.get("query"), data.get("variables")
        operation_name, extensions = data.get("operationName"), data.get("extensions")
        if query is None or query == "":
            raise BadRequest("No GraphQL query found in the request")
        if not isinstance(query, str):
            raise BadRequest("query must be a string")
        if not isinstance(variables, dict | None):
            raise BadRequest("variables must be an object or null")
        if not isinstance(operation_name, str | None):
            raise BadRequest("operationName must be a string or null")
        if not isinstance(extensions, dict | None):
            raise BadRequest("extensions must be an object or null")
        return GraphQLRequestData(
            query=query, variables=variables, operation_name=operation_name, extensions=extensions
        )

    def _parse_query_params(self, params: Any) -> dict[str, object]:
        # Strawberry's parse_query_params reports bad JSON in ?variables= as a bad
        # "request body", which confuses a GET client; name the parameter instead.
        data: dict[str, object] = dict(params)
        for name in ("variables", "extensions"):
            raw = data.get(name)
            if not raw:
                data[name] = None
                continue
            try:
                data[name] = self.decode_json(str(raw))
            except ValueError:
                raise BadRequest(f"{name} must be a URL-encoded JSON object") from None
        return data

    def _parse_json_body(self, content_type: str, body: bytes) -> object:
        if not content_type:
            raise UnsupportedMediaType("Content-Type must be application/json")
        media, params = parse_content_type(content_type)
        if media.lower() != "application/json":  # media types are case-insensitive
            raise UnsupportedMediaType("Content-Type must be application/json")
        if params.get("charset", "utf-8").lower() not in ("utf-8", "utf8"):
            raise UnsupportedMediaType("The request body must be UTF-8")
        if not body:
            raise BadRequest("A POST request needs a JSON body")
        return self.parse_json(body)

    # -- execution and results ----------------------------------------------------------

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: GatewayContext,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        allowed = OperationType.from_http(request_adapter.method)
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except InvalidOperationTypeError as exc:
            raise MethodNotAllowed(
                f"{exc.operation_type.value.capitalize()} operations are only allowed over POST",
                allow="POST",
            ) from exc
        except CannotGetOperationTypeError as exc:
            raise BadRequest(exc.as_http_error_reason()) from exc
        except MissingQueryError as exc:
            raise BadRequest("No GraphQL query found in the request") from exc

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        body = process_result(result)
        # A request error (parse, validation, variable coercion) happens before execution:
        # no data entry, and 400 for clients that speak application/graphql-response+json.
        if (
            result.data is None
            and result.errors
            and all(error.path is None for error in result.errors)
        ):
            body.pop("data", None)
            if request.state.media_type == GRAPHQL_RESPONSE_JSON:
                request.state.graphql_status = 400
        return body


async def _run_all(tasks: list[Callable[[], Awaitable[None]]]) -> None:
    """After the response is sent: each task in turn; one failing does not stop the rest."""
    for task in tasks:
        try:
            await task()
        except Exception:
            logger.exception("a task after the response failed")
