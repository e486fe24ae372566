"""Refuse a document with several operations and no ``operationName``.

The GraphQL spec makes that a request error (graphql-core alone answers "Must provide
operation name..."), but Strawberry 0.341 silently runs the first operation, so a client
can get an answer to a question it did not ask.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension


class RequireOperationName(SchemaExtension):
    def on_parse(self) -> Iterator[None]:
        yield
        context = self.execution_context
        document = context.graphql_document
        # ``operation_name`` falls back to the first operation's name; only what the
        # client provided counts here.
        if document is None or context._provided_operation_name is not None:
            return
        operations = sum(isinstance(d, OperationDefinitionNode) for d in document.definitions)
        if operations > 1:
            raise GraphQLError(
                "Must provide operationName when the document contains several operations."
            )
