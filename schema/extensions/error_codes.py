"""Give every error a stable ``extensions.code`` and mask what the client must not see.

Known errors (:class:`errors.SwitchyardError`) keep their message and gain their code
(and ``service`` for backend errors). Parse and validation errors get
``GRAPHQL_PARSE_FAILED`` / ``GRAPHQL_VALIDATION_FAILED``. Anything else is a bug or
an unexpected failure: the client sees "Internal server error" and the full
exception goes to the log with the request id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension

from errors import SwitchyardError

logger = logging.getLogger("switchyard.errors")


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except GraphQLSyntaxError as error:
            # ParserCache parses inside its on_parse hook, outside Strawberry's own
            # try/except, so a syntax error escapes the operation instead of landing in
            # the result; Strawberry then returns this very error object. Code it here.
            self._coded(error)
            raise
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        result.errors = [self._coded(error) for error in result.errors]

    def _coded(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, SwitchyardError):
            error.extensions = {**(error.extensions or {}), **original.extensions()}
            return error
        if isinstance(original, GraphQLError) and error.path is None:
            # graphql-core's variable coercion ("Variable '$id' has invalid value: ...")
            # wraps its own explanation: the client's input is wrong, not the gateway.
            error.extensions = {**(error.extensions or {}), "code": "BAD_USER_INPUT"}
            return error
        if original is None:
            code = (
                "GRAPHQL_PARSE_FAILED"
                if isinstance(error, GraphQLSyntaxError)
                else "GRAPHQL_VALIDATION_FAILED"
            )
            if error.path is not None:  # raised by a resolver as a GraphQLError on purpose
                code = str((error.extensions or {}).get("code", "BAD_USER_INPUT"))
            error.extensions = {**(error.extensions or {}), "code": code}
            return error
        request_id = getattr(self.execution_context.context, "request_id", "-")
        logger.error(
            "unexpected error in %s (request %s)",
            ".".join(map(str, error.path or ())),
            request_id,
            exc_info=original,
        )
        return GraphQLError(
            "Internal server error",
            nodes=error.nodes,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
        )
