"""Admin endpoints for billing: usage for billing systems and the webhook delivery log.

Both endpoints need a principal with the ``admin`` role (an API key or JWT carrying it);
anyone else gets a GraphQL-shaped 401 (no credentials) or 403 (not an admin).

- ``GET /admin/usage?from=2026-12-01&to=2026-12-31[&client=acme]`` — the same JSON as
  ``switchyard usage export --format json``.
- ``GET /admin/webhooks/deliveries`` — the most recent delivery attempts, newest first.

Usage::

    routes += usage_routes(runtime, settings.limits.plans)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from errors import BadRequest, Forbidden, SwitchyardError, Unauthenticated
from metering import Period, PlanTerms, usage_report
from metering.runtime import MeteringRuntime
from web.responses import error_response

__all__ = ["ADMIN_ROLE", "usage_routes"]

ADMIN_ROLE = "admin"


def usage_routes(runtime: MeteringRuntime, plans: Mapping[str, PlanTerms]) -> list[BaseRoute]:
    async def usage(request: Request) -> Response:
        try:
            _require_admin(request)
            today = datetime.now(UTC).date()
            params = request.query_params
            try:
                period = Period.parse(
                    params.get("from") or today.replace(day=1).isoformat(),
                    params.get("to") or today.isoformat(),
                )
            except ValueError as exc:
                raise BadRequest(str(exc)) from None
            report = await usage_report(
                runtime.store, period, plans, client=params.get("client") or None
            )
        except SwitchyardError as exc:
            return error_response(exc)
        return _json(report)

    async def deliveries(request: Request) -> Response:
        try:
            _require_admin(request)
        except SwitchyardError as exc:
            return error_response(exc)
        sink = runtime.sink
        return _json(
            {
                "queued": sink.queue.qsize(),
                "dropped": sink.dropped,
                "delivered": sink.delivered,
                "failed": sink.failed,
                "deliveries": sink.deliveries(),
            }
        )

    return [
        Route("/admin/usage", usage, methods=["GET"]),
        Route("/admin/webhooks/deliveries", deliveries, methods=["GET"]),
    ]


def _require_admin(request: Request) -> None:
    principal = getattr(request.state, "principal", None)
    if principal is None or not principal.authenticated:
        raise Unauthenticated("An admin API key is required")
    if not principal.has_role(ADMIN_ROLE):
        raise Forbidden("This endpoint needs the admin role")


def _json(body: object) -> Response:
    return Response(orjson.dumps(body), media_type="application/json")
