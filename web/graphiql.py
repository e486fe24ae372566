"""GraphiQL served fully offline by the gateway.

Strawberry's own GraphiQL page loads React, GraphiQL and the explorer plugin
from a CDN. This module serves the same pinned npm bundles (installed into
``assets/node_modules`` by ``make assets``) from the gateway itself, behind an
explicit allow-list, and renders our own page with a strict
Content-Security-Policy.

Usage::

    from pathlib import Path

    from starlette.applications import Starlette

    from web.graphiql import graphiql_asset_routes, render_graphiql, wants_graphiql

    routes = graphiql_asset_routes(Path("assets"))  # raises if not installed
    app = Starlette(routes=routes)
    # in the /graphql view:
    #     if wants_graphiql(request):
    #         return render_graphiql("/graphql", "/graphiql/assets")
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "DEFAULT_QUERY",
    "GraphiQLAssetsMissing",
    "graphiql_asset_routes",
    "render_graphiql",
    "wants_graphiql",
]

DEFAULT_QUERY = """\
{
  users(limit: 3) {
    id
    name
    orders {
      id
      total
    }
  }
}
"""

# Everything the page needs comes from this origin. The two relaxations, and why:
# - font-src data: graphiql.min.css embeds its Roboto / Fira Code fonts as data: URIs
#   (no web-font CDN: checked for graphiql 3.8.3).
# - img-src data: the same stylesheet embeds a few small PNG icons as data: URIs.
# No 'unsafe-inline' and no 'unsafe-eval' for scripts: the bootstrap lives in a local
# file and the bundles run without eval (checked by tests/e2e/test_graphiql_browser.py,
# where any CSP violation shows up as a console error).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "font-src data:",
        "img-src data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)

# Versions are pinned, so a URL always names the same bytes.
_IMMUTABLE = "public, max-age=31536000, immutable"
_JS = "text/javascript; charset=utf-8"
_CSS = "text/css; charset=utf-8"
_HERE = Path(__file__).parent


@dataclass(frozen=True)
class _Bundle:
    package: str
    version: str  # must equal the pin in assets/package.json (a test checks it)
    file: str  # path inside the package
    media_type: str

    @property
    def url_path(self) -> str:
        # The version is part of the URL, so bumping a pin can never serve a
        # browser a year-old cached copy of the previous release.
        return f"/{self.package}@{self.version}/{self.file}"


# The allow-list: these files and nothing else are served from node_modules.
BUNDLES: tuple[_Bundle, ...] = (
    _Bundle("react", "18.2.0", "umd/react.production.min.js", _JS),
    _Bundle("react-dom", "18.2.0", "umd/react-dom.production.min.js", _JS),
    _Bundle("graphiql", "3.8.3", "graphiql.min.js", _JS),
    _Bundle("graphiql", "3.8.3", "graphiql.min.css", _CSS),
    _Bundle("@graphiql/plugin-explorer", "1.0.2", "dist/index.umd.js", _JS),
    _Bundle("@graphiql/plugin-explorer", "1.0.2", "dist/style.css", _CSS),
)

# Our own files, shipped in this package; content-hashed URLs for the same reason.
_OWN_FILES: dict[str, str] = {"graphiql-init.js": _JS, "graphiql.css": _CSS}


class GraphiQLAssetsMissing(RuntimeError):
    """The pinned GraphiQL bundles are not installed (or not the pinned versions)."""

    def __init__(self, problem: str, assets_dir: Path) -> None:
        super().__init__(
            f"GraphiQL assets are not installed correctly: {problem}. "
            f"Run `make assets` (npm ci --prefix {assets_dir} --no-audit --no-fund) "
            "and start the gateway again."
        )


@cache
def _own_url_path(name: str) -> str:
    digest = hashlib.sha256((_HERE / "static" / name).read_bytes()).hexdigest()[:12]
    stem, _, suffix = name.rpartition(".")
    return f"/{stem}.{digest}.{suffix}"


def _file_endpoint(path: Path, media_type: str) -> Callable[[Request], Awaitable[Response]]:
    headers = {"Cache-Control": _IMMUTABLE, "X-Content-Type-Options": "nosniff"}

    async def endpoint(request: Request) -> Response:
        return FileResponse(path, media_type=media_type, headers=headers)

    return endpoint


def _check_installed(node_modules: Path, assets_dir: Path) -> None:
    if not node_modules.is_dir():
        raise GraphiQLAssetsMissing(f"{node_modules} does not exist", assets_dir)
    for package in sorted({b.package for b in BUNDLES}):
        manifest = node_modules / package / "package.json"
        try:
            installed = json.loads(manifest.read_text(encoding="utf-8"))["version"]
        except (OSError, ValueError, KeyError):
            raise GraphiQLAssetsMissing(
                f"{manifest} is missing or unreadable", assets_dir
            ) from None
        pinned = next(b.version for b in BUNDLES if b.package == package)
        if installed != pinned:
            raise GraphiQLAssetsMissing(
                f"{package} {installed} is installed but {pinned} is pinned", assets_dir
            )
    for bundle in BUNDLES:
        if not (node_modules / bundle.package / bundle.file).is_file():
            raise GraphiQLAssetsMissing(
                f"{bundle.package}/{bundle.file} is missing from {node_modules}", assets_dir
            )


def graphiql_asset_routes(assets_dir: Path, prefix: str = "/graphiql/assets") -> list[BaseRoute]:
    """Routes serving the allow-listed GraphiQL files under ``prefix``.

    ``assets_dir`` is the folder holding ``package.json`` (``npm ci --prefix``'s
    argument); the bundles are read from its ``node_modules``. Every other path
    under ``prefix`` is a 404: there is no directory listing and no path
    traversal, because only the exact paths below are routed.

    Raises ``GraphiQLAssetsMissing`` at start-up if the pinned bundles are absent.

        app = Starlette(routes=[*graphiql_asset_routes(Path("assets")), ...])
    """
    node_modules = assets_dir / "node_modules"
    _check_installed(node_modules, assets_dir)
    routes: list[BaseRoute] = [
        Route(b.url_path, _file_endpoint(node_modules / b.package / b.file, b.media_type))
        for b in BUNDLES
    ]
    routes += [
        Route(_own_url_path(name), _file_endpoint(_HERE / "static" / name, media_type))
        for name, media_type in _OWN_FILES.items()
    ]
    return [Mount(prefix.rstrip("/"), routes=routes)]


@cache
def _template() -> Template:
    return Template((_HERE / "templates" / "graphiql.html").read_text(encoding="utf-8"))


def render_graphiql(
    endpoint: str, assets_prefix: str, *, default_query: str = DEFAULT_QUERY
) -> HTMLResponse:
    """The GraphiQL page for ``endpoint``, loading only assets under ``assets_prefix``.

    ``endpoint`` must be a path on this origin (the page's CSP allows
    ``connect-src 'self'`` only).

        if wants_graphiql(request):
            return render_graphiql("/graphql", "/graphiql/assets")
    """
    if not endpoint.startswith("/") or endpoint.startswith("//"):
        raise ValueError(f"endpoint must be a path on this origin, got {endpoint!r}")
    prefix = assets_prefix.rstrip("/")
    urls = {
        "react": prefix + BUNDLES[0].url_path,
        "react_dom": prefix + BUNDLES[1].url_path,
        "graphiql_js": prefix + BUNDLES[2].url_path,
        "graphiql_css": prefix + BUNDLES[3].url_path,
        "explorer_js": prefix + BUNDLES[4].url_path,
        "explorer_css": prefix + BUNDLES[5].url_path,
        "init_js": prefix + _own_url_path("graphiql-init.js"),
        "own_css": prefix + _own_url_path("graphiql.css"),
        "endpoint": endpoint,
        "default_query": default_query,
    }
    page = _template().substitute({k: html.escape(v, quote=True) for k, v in urls.items()})
    return HTMLResponse(
        page,
        headers={
            "Content-Security-Policy": CONTENT_SECURITY_POLICY,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-cache",
        },
    )


def wants_graphiql(request: Request) -> bool:
    """True for a browser navigating to the endpoint: a GET that accepts
    ``text/html`` and carries no ``query`` parameter (a GET with ``query`` is a
    GraphQL-over-HTTP request, whatever its Accept header says)."""
    if request.method != "GET" or "query" in request.query_params:
        return False
    accept = request.headers.get("accept", "")
    return any(part.split(";", 1)[0].strip().lower() == "text/html" for part in accept.split(","))
