"""The admin dashboard: one server-rendered page an operator can read at a glance.

Services and their health, request rate and p50/p95 latency over the last hour as
SVG charts, top operations, fields and clients (with quota remaining when the
metering room provides it), and recent errors. Served entirely by the gateway:
one stylesheet from ``/admin/static``, no script, under a strict CSP.

Usage::

    routes = dashboard_routes(settings.observability.dashboard)
"""

from __future__ import annotations

import math
import os
import time
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from admin.charts import Series, line_chart
from admin.health import HealthCache, ServiceHealth
from admin.session import COOKIE, SessionSigner, check_key, request_admin
from observability import Observability
from observability.stats import RecentError
from settings.observability import DashboardSettings
from stores import CounterStore, StoreUnavailable

__all__ = ["dashboard_routes"]

STATIC = Path(__file__).resolve().parent / "static"
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
BLUE, ORANGE, RED = "#2563eb", "#ea580c", "#dc2626"
STARTED = time.time()


class Dashboard:
    def __init__(self, settings: DashboardSettings) -> None:
        self.settings = settings
        self.base = settings.path.rstrip("/")
        self.signer = SessionSigner.for_settings(settings)
        self.health = HealthCache(settings.health_cache_seconds)

    async def page(self, request: Request) -> Response:
        admin = request_admin(request, self.signer)
        if admin is None:
            return self._login(status=401)
        obs: Observability = request.app.state.observability
        connectors = getattr(request.app.state, "connectors", None)
        health = await self.health.check(connectors.all() if connectors else [])
        return _html(self._render(obs, health, admin), 200)

    async def login(self, request: Request) -> Response:
        if refused := await self._attempts_left(request):
            return refused
        # A one-field urlencoded form: parsed here rather than pulling in python-multipart.
        body = await request.body()
        if len(body) > 4096:
            return self._login(status=413, message="The form is too large.")
        try:
            form = parse_qs(body.decode(), max_num_fields=4)
        except (UnicodeDecodeError, ValueError):
            form = {}
        key = (form.get("key") or [""])[0]
        client_id = await check_key(request, key, self.settings)
        if client_id is None:
            return self._login(status=401, message="That key does not open the dashboard.")
        response = RedirectResponse(self.base or "/", status_code=303)
        response.set_cookie(
            COOKIE,
            self.signer.issue(client_id, self.settings.session_seconds),
            max_age=self.settings.session_seconds,
            path=self.base or "/",
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    async def _attempts_left(self, request: Request) -> Response | None:
        """None while this address may try again; else the 429 page. Every attempt counts
        (a right key too), so guessing a weak ``admin_key`` stays slow."""
        store: CounterStore | None = getattr(request.app.state, "counter_store", None)
        if store is None:
            return None
        address = request.client.host if request.client else "unknown"
        settings = self.settings
        try:
            result = await store.hit(
                f"admin-login:{address}", 1, settings.login_attempts, settings.login_window_seconds
            )
        except StoreUnavailable:  # fail-closed store is down: refuse rather than allow
            result = None
        if result is not None and result.allowed:
            return None
        retry = max(1, math.ceil(result.retry_after)) if result is not None else 60
        response = self._login(status=429, message=f"Too many attempts: try again in {retry} s.")
        response.headers["Retry-After"] = str(retry)
        return response

    async def logout(self, request: Request) -> Response:
        response = RedirectResponse(self.base or "/", status_code=303)
        response.delete_cookie(COOKIE, path=self.base or "/", httponly=True, samesite="strict")
        return response

    # -- rendering -------------------------------------------------------------------------

    def _login(self, *, status: int, message: str = "") -> Response:
        note = f'<p class="error" role="alert">{escape(message)}</p>' if message else ""
        body = f"""<main class="login"><h1>Switchyard</h1><p>Admin key required.</p>{note}
<form method="post" action="{self.base}/login">
<label for="key">Admin key</label>
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
<button type="submit">Open dashboard</button></form></main>"""
        return _html(self._document("Switchyard — sign in", body), status)

    def _render(self, obs: Observability, health: list[ServiceHealth], admin: str) -> str:
        minutes = obs.stats.minutes()
        labels = [time.strftime("%H:%M", time.gmtime(m.minute * 60)) for m in minutes]
        rate = line_chart(
            "Requests per minute",
            [
                Series("requests", BLUE, [float(m.requests) for m in minutes]),
                Series("errors", RED, [float(m.errors) for m in minutes]),
            ],
            labels=labels,
            unit="req/min",
        )
        latency = line_chart(
            "Latency (ms)",
            [
                Series("p50", BLUE, [m.p(50) for m in minutes]),
                Series("p95", ORANGE, [m.p(95) for m in minutes]),
            ],
            labels=labels,
            unit="ms",
        )
        total = sum(m.requests for m in minutes)
        errors = sum(m.errors for m in minutes)
        clients = [
            (client, count, obs.quota_remaining(client))
            for client, count in obs.stats.clients.most_common(10)
        ]
        operations = _table(("Operation", "Requests"), obs.stats.operations.most_common(10))
        fields = _table(("Root field", "Requests"), obs.stats.fields.most_common(10))
        client_table = _table(
            ("Client", "Requests", "Quota left"),
            [(c, n, "—" if q is None else q) for c, n, q in clients],
        )
        body = f"""<header><h1>Switchyard</h1>
<p class="meta">worker pid {os.getpid()} · up {_duration(time.time() - STARTED)} ·
{total} requests, {errors} with errors in the last hour (this worker)</p>
<span class="who">{escape(admin)}</span>
<form method="post" action="{self.base}/logout"><button type="submit">Sign out</button></form>
</header>
<section class="services"><h2>Services</h2>{_services(health)}</section>
<section class="charts"><div class="card">{rate}</div><div class="card">{latency}</div></section>
<section class="tables">
<div class="card"><h2>Top operations</h2>{operations}</div>
<div class="card"><h2>Top fields</h2>{fields}</div>
<div class="card"><h2>Top clients</h2>{client_table}</div>
</section>
<section class="card"><h2>Recent errors</h2>{_errors(list(obs.stats.errors)[:20])}</section>"""
        return self._document("Switchyard — dashboard", body)

    def _document(self, title: str, body: str) -> str:
        return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="60"><title>{escape(title)}</title>
<link rel="stylesheet" href="{self.base}/static/admin.css"></head>
<body>{body}</body></html>"""


def dashboard_routes(settings: DashboardSettings) -> list[BaseRoute]:
    if not settings.enabled:
        return []
    dashboard = Dashboard(settings)
    base = dashboard.base
    return [
        Route(base or "/", dashboard.page, methods=["GET"]),
        Route(f"{base}/login", dashboard.login, methods=["POST"]),
        Route(f"{base}/logout", dashboard.logout, methods=["POST"]),
        Mount(f"{base}/static", app=StaticFiles(directory=STATIC), name="admin-static"),
    ]


def _html(content: str, status: int) -> HTMLResponse:
    return HTMLResponse(content, status_code=status, headers=SECURITY_HEADERS)


def _services(health: list[ServiceHealth]) -> str:
    if not health:
        return '<p class="empty">No services configured.</p>'
    rows = "".join(
        f'<li class="service {"up" if h.up else "down"}"><span class="dot"></span>'
        f"<strong>{escape(h.service)}</strong> <span>{'up' if h.up else 'down'}</span>"
        f"<small>{escape(h.base_url)} · {escape(h.detail)} · {h.latency_ms:.0f} ms</small></li>"
        for h in health
    )
    return f"<ul>{rows}</ul>"


def _table(headings: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    if not rows:
        return '<p class="empty">Nothing yet.</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headings)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _errors(errors: list[RecentError]) -> str:
    return _table(
        ("Time (UTC)", "Code", "Service", "Operation", "Request id"),
        [
            (
                time.strftime("%H:%M:%S", time.gmtime(e.time)),
                e.code,
                e.service or "—",
                e.operation,
                e.request_id,
            )
            for e in errors
        ],
    )


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"
