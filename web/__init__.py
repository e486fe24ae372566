"""The HTTP room: GraphQL over HTTP, context building, middleware, GraphiQL."""
