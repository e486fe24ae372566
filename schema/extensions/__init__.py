"""Operation-level schema extensions, one module per cross-cutting concern.

Each is passed to the schema as a class or factory, never as a shared instance:
an instance would carry one request's state into another.
"""

from schema.extensions.authorization import Requirement, enforce_authorization, hide_suggestions
from schema.extensions.cost import OperationCost
from schema.extensions.operation_name import RequireOperationName
from schema.extensions.rate_limit import RateLimits

__all__ = [
    "OperationCost",
    "RateLimits",
    "RequireOperationName",
    "Requirement",
    "enforce_authorization",
    "hide_suggestions",
]
