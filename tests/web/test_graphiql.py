import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.testclient import TestClient
from starlette.types import Message

from web.graphiql import (
    BUNDLES,
    CONTENT_SECURITY_POLICY,
    GraphiQLAssetsMissing,
    graphiql_asset_routes,
    render_graphiql,
    wants_graphiql,
)

REPO = Path(__file__).resolve().parents[2]
PREFIX = "/graphiql/assets"


def make_assets(root: Path) -> Path:
    """A stand-in for `npm ci --prefix assets`: the pinned packages, tiny files."""
    for bundle in BUNDLES:
        package_dir = root / "node_modules" / bundle.package
        package_dir.mkdir(parents=True, exist_ok=True)
        (package_dir / "package.json").write_text(json.dumps({"version": bundle.version}))
        target = package_dir / bundle.file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(f"/* {bundle.package} {bundle.file} */")
    (root / "node_modules" / "secret.txt").write_text("not for you")
    return root


def make_app(assets: Path) -> Starlette:
    async def page(request: Request) -> Response:
        if wants_graphiql(request):
            return render_graphiql("/graphql", PREFIX)
        return PlainTextResponse("graphql")

    return Starlette(routes=[*graphiql_asset_routes(assets), Route("/graphql", page)])


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    return TestClient(make_app(make_assets(tmp_path / "assets")))


def page_asset_urls(html: str) -> list[str]:
    return re.findall(r'<(?:script|link)[^>]*\s(?:src|href)="([^"]+)"', html)


def test_page_loads_only_local_assets_that_are_served(client: TestClient) -> None:
    response = client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    urls = page_asset_urls(response.text)
    assert len(urls) == 9  # favicon, 3 stylesheets, 5 scripts
    for url in urls:
        assert not re.match(r"(?i)^(https?:)?//", url), url
        if url.startswith("data:"):
            continue
        assert url.startswith(PREFIX + "/")
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert asset.headers["x-content-type-options"] == "nosniff"
    assert "http://" not in response.text
    assert "https://" not in response.text


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/graphiql@3.8.3/graphiql.min.js", "text/javascript; charset=utf-8"),
        ("/graphiql@3.8.3/graphiql.min.css", "text/css; charset=utf-8"),
        ("/react@18.2.0/umd/react.production.min.js", "text/javascript; charset=utf-8"),
        ("/@graphiql/plugin-explorer@1.0.2/dist/style.css", "text/css; charset=utf-8"),
    ],
)
def test_allow_listed_assets_have_their_content_type(
    client: TestClient, path: str, content_type: str
) -> None:
    response = client.get(PREFIX + path)
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type


def test_own_scripts_are_served_from_this_package(client: TestClient) -> None:
    html = client.get("/graphql", headers={"accept": "text/html"}).text
    (init_url,) = [u for u in page_asset_urls(html) if "graphiql-init." in u]
    response = client.get(init_url)
    assert response.text == (REPO / "web/static/graphiql-init.js").read_text()
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"


@pytest.mark.parametrize(
    "path",
    [
        "/node_modules/secret.txt",
        "/secret.txt",
        "/graphiql@3.8.3/package.json",
        "/graphiql@3.8.3/",
        "/graphiql@9.9.9/graphiql.min.js",
        "/react/umd/react.production.min.js",
        "/graphiql-init.js",
        "/",
        "/../../pyproject.toml",
        "/%2e%2e/%2e%2e/pyproject.toml",
        "/%2e%2e%2f%2e%2e%2fpyproject.toml",
        "/graphiql@3.8.3/..%2f..%2fsecret.txt",
    ],
)
def test_anything_else_is_404(client: TestClient, path: str) -> None:
    response = client.get(PREFIX + path, follow_redirects=False)
    assert response.status_code == 404
    assert "not for you" not in response.text
    assert "[build-system]" not in response.text


@pytest.mark.parametrize(
    "raw_path",
    [b"/graphiql/assets/../../pyproject.toml", b"/graphiql/assets/%2e%2e/%2e%2e/pyproject.toml"],
)
async def test_unnormalised_traversal_is_404(tmp_path: Path, raw_path: bytes) -> None:
    # httpx normalises ".." before sending, so hand the app the raw target the
    # way a server would: percent-decoded path, dot segments left in.
    app = make_app(make_assets(tmp_path / "assets"))
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": unquote(raw_path.decode()),
        "raw_path": raw_path,
        "query_string": b"",
        "headers": [],
        "root_path": "",
        "scheme": "http",
        "server": ("testserver", 80),
        "http_version": "1.1",
    }
    await app(scope, receive, send)
    assert sent[0]["status"] == 404
    assert b"[build-system]" not in b"".join(m.get("body", b"") for m in sent)


def test_page_sets_a_strict_csp(client: TestClient) -> None:
    response = client.get("/graphql", headers={"accept": "text/html,application/xhtml+xml"})
    csp = response.headers["content-security-policy"]
    assert csp == CONTENT_SECURITY_POLICY
    directives = dict(d.split(" ", 1) for d in csp.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["default-src"] == "'none'"
    assert "unsafe" not in csp
    assert "<script>" not in response.text  # nothing inline for the CSP to block


def test_page_carries_endpoint_and_default_query() -> None:
    html = render_graphiql("/graphql", "/static/gq/", default_query='{ a(b: "<x>") }').body
    text = bytes(html).decode()
    assert 'data-endpoint="/graphql"' in text
    assert "{ a(b: &quot;&lt;x&gt;&quot;) }" in text
    assert 'src="/static/gq/react@18.2.0/umd/react.production.min.js"' in text


@pytest.mark.parametrize("endpoint", ["https://elsewhere.example/graphql", "//evil/graphql", ""])
def test_page_refuses_a_cross_origin_endpoint(endpoint: str) -> None:
    with pytest.raises(ValueError, match="path on this origin"):
        render_graphiql(endpoint, PREFIX)


@pytest.mark.parametrize(
    ("method", "url", "accept", "expected"),
    [
        ("GET", "/graphql", "text/html,application/xhtml+xml,*/*;q=0.8", True),
        ("GET", "/graphql", "TEXT/HTML", True),
        ("GET", "/graphql?query={a}", "text/html", False),
        ("GET", "/graphql", "application/json", False),
        ("GET", "/graphql", "application/graphql-response+json, text/htmlx", False),
        ("GET", "/graphql", "", False),
        ("POST", "/graphql", "text/html", False),
    ],
)
def test_wants_graphiql(method: str, url: str, accept: str, expected: bool) -> None:
    path, _, query = url.partition("?")
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": query.encode(),
        "headers": [(b"accept", accept.encode())] if accept else [],
    }
    assert wants_graphiql(Request(scope)) is expected


def test_missing_assets_say_how_to_install_them(tmp_path: Path) -> None:
    with pytest.raises(GraphiQLAssetsMissing, match=r"Run `make assets`"):
        graphiql_asset_routes(tmp_path / "nowhere")


def test_missing_bundle_is_named(tmp_path: Path) -> None:
    assets = make_assets(tmp_path / "assets")
    (assets / "node_modules/graphiql/graphiql.min.css").unlink()
    with pytest.raises(GraphiQLAssetsMissing, match=r"graphiql/graphiql\.min\.css is missing"):
        graphiql_asset_routes(assets)


def test_wrong_installed_version_is_an_error(tmp_path: Path) -> None:
    assets = make_assets(tmp_path / "assets")
    (assets / "node_modules/react/package.json").write_text('{"version": "19.0.0"}')
    with pytest.raises(GraphiQLAssetsMissing, match=r"react 19\.0\.0 is installed but 18\.2\.0"):
        graphiql_asset_routes(assets)


def test_python_pins_match_package_json_and_lockfile() -> None:
    declared = json.loads((REPO / "assets/package.json").read_text())["dependencies"]
    locked = json.loads((REPO / "assets/package-lock.json").read_text())["packages"]
    for bundle in BUNDLES:
        assert declared[bundle.package] == bundle.version
        assert locked[f"node_modules/{bundle.package}"]["version"] == bundle.version
