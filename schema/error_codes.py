"""Give every error a stable ``extensions.code`` and mask what the client must not see.

Known errors (:class:`errors.SwitchyardError`) keep their message and gain their code
(and ``service`` for backend errors). Parse and validation errors get
``GRAPHQL_PARSE_FAILED`` / ``GRAPHQL_VALIDATION_FAILED``; variable values that do not
coerce to their declared type get ``BAD_USER_INPUT``. Anything else is a bug or an
unexpected failure: the client sees "Internal server error" with the request id, and the
full exception goes to the log.

This runs from :meth:`GatewaySchema.process_errors`, which Strawberry calls for every
error on every path. An ``on_operation`` extension would miss some: a parse error raised
by the parser cache, or an exception escaping an extension, is answered without the
operation hooks ever seeing it.
"""

from __future__ import annotations

import logging

from graphql import GraphQLError, GraphQLSyntaxError

from errors import SwitchyardError

__all__ = ["code_error"]

logger = logging.getLogger("switchyard.errors")


def code_error(error: GraphQLError, request_id: str) -> None:
    """Set ``error``'s code in place (idempotent: an error that has a code is left alone)."""
    extensions = dict(error.extensions or {})
    if "code" in extensions:
        return
    original = error.original_error
    if isinstance(original, SwitchyardError):
        error.extensions = {**extensions, **original.extensions()}
    elif isinstance(original, GraphQLError) and error.path is None:
        # graphql-core's variable coercion ("Variable '$id' has invalid value: ...") wraps
        # its own explanation: the client's input is wrong, not the gateway.
        error.extensions = {**extensions, "code": "BAD_USER_INPUT"}
    elif original is None:
        parse = isinstance(error, GraphQLSyntaxError)
        extensions["code"] = "GRAPHQL_PARSE_FAILED" if parse else "GRAPHQL_VALIDATION_FAILED"
        error.extensions = extensions
    else:
        where = ".".join(map(str, error.path or ())) or "the operation"
        logger.error("unexpected error in %s (request %s)", where, request_id, exc_info=original)
        error.message = "Internal server error"
        error.extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
