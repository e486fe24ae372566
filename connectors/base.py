"""The shared REST connector every service module builds on.

A connector owns one pooled ``httpx.AsyncClient`` (injected, so unit tests pass an
``httpx.MockTransport``), encodes every path parameter as exactly one segment,
bounds concurrency with a semaphore, splits batches at ``max_batch_size``, and
turns every failure into a :class:`errors.BackendError` naming the service.
It knows nothing of GraphQL.

Usage::

    class UsersConnector(RestConnector):
        service = "users"

        async def get_user(self, user_id: str) -> UserRecord | None:
            data = await self.get_optional(self.path("/users/{}", user_id))
            return None if data is None else UserRecord.from_json(data)
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, ClassVar, Self, TypeVar
from urllib.parse import quote

import httpx
import orjson

from connectors.calls import count_call
from connectors.credentials import NO_CREDENTIALS, Caller, CredentialPolicy
from connectors.observer import ConnectorObserver, RoutePath
from errors import BackendError, BackendRejected, BackendTimeout, BackendUnavailable
from settings import ConnectorConfig

__all__ = ["Key", "RestConnector", "canonical_id", "encode_segment", "join_ids"]

logger = logging.getLogger("switchyard.connectors")

Key = int | str
V = TypeVar("V")


def encode_segment(value: object) -> str:
    """Percent-encode ``value`` as one literal path segment.

    ``quote(x, safe="")`` leaves ``.`` alone, so ``..`` would survive as a dot
    segment that clients and servers collapse; encoding every dot keeps
    ``..``, ``.`` and ``%2e%2e`` literal. ``/``, ``?``, ``#`` and ``%`` are encoded too.
    """
    return quote(str(value), safe="").replace(".", "%2E")


class RestConnector:
    """Base for one backend service; subclasses declare ``service`` and their endpoints."""

    service: ClassVar[str]
    #: What this service is told about the caller (set by ``Connectors.create``).
    credentials: CredentialPolicy = NO_CREDENTIALS
    #: Headers of the current caller; only set on a per-request view (:meth:`for_caller`).
    _caller_headers: Mapping[str, str] = MappingProxyType({})

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        max_batch_size: int = 200,
        max_concurrency: int = 8,
        observer: ConnectorObserver | None = None,
    ) -> None:
        self.client = client
        #: Tracing and metrics hooks (do-nothing by default); see :mod:`connectors.observer`.
        self.observer = observer or ConnectorObserver()
        self.max_batch_size = max_batch_size
        # A small pool behind a semaphore keeps httpcore's queue bookkeeping short.
        self._slots = asyncio.Semaphore(max_concurrency)

    @classmethod
    def from_config(
        cls,
        config: ConnectorConfig,
        transport: httpx.AsyncBaseTransport | None = None,
        observer: ConnectorObserver | None = None,
    ) -> RestConnector:
        """Build the connector and its pooled client from merged configuration."""
        client = httpx.AsyncClient(
            base_url=config.base_url,
            timeout=httpx.Timeout(config.timeout_seconds, connect=config.connect_timeout_seconds),
            limits=httpx.Limits(
                max_connections=config.max_connections,
                max_keepalive_connections=config.max_connections,
            ),
            transport=transport,
            headers={"Accept": "application/json", "User-Agent": "switchyard"},
        )
        return cls(
            client,
            max_batch_size=config.max_batch_size,
            max_concurrency=config.max_connections,
            observer=observer,
        )

    async def aclose(self) -> None:
        await self.client.aclose()

    def for_caller(self, caller: Caller) -> Self:
        """A per-request view that sends this caller's credential headers; it shares the
        pooled client and the semaphore. Without caller-dependent headers, ``self``."""
        headers = self.credentials.headers_for(caller) if self.credentials.per_caller else {}
        if not headers:
            return self
        view = copy.copy(self)
        view._caller_headers = headers
        return view

    @staticmethod
    def path(template: str, *params: object) -> str:
        """Fill ``{}`` placeholders of ``template`` with encoded segments (the result
        remembers ``template`` as its route, for metrics and spans)."""
        return RoutePath(template.format(*(encode_segment(p) for p in params)), template)

    # -- requests ---------------------------------------------------------------

    async def get(self, path: str, params: dict[str, str] | None = None) -> Any:
        """GET a JSON document; any non-2xx answer is a BackendError."""
        response = await self._send("GET", path, params=params)
        return self._json(response)

    async def get_optional(self, path: str, params: dict[str, str] | None = None) -> Any | None:
        """GET a JSON document; 404 means "no such thing" and returns None."""
        response = await self._send("GET", path, params=params, allow_404=True)
        return None if response.status_code == 404 else self._json(response)

    async def post(self, path: str, body: object) -> Any:
        """POST a JSON body; a 422 becomes :class:`BackendRejected` with the service's reason."""
        response = await self._send("POST", path, content=orjson.dumps(body), allow_422=True)
        if response.status_code == 422:
            raise BackendRejected(self.service, self._reason(response))
        return self._json(response)

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        content: bytes | None = None,
        allow_404: bool = False,
        allow_422: bool = False,
    ) -> httpx.Response:
        headers: Mapping[str, str] = self._caller_headers
        if content is not None:
            headers = {**headers, "Content-Type": "application/json"}
        route = path.template if isinstance(path, RoutePath) else path
        count_call(self.service)  # metering: backend calls per request
        try:
            async with self._slots:
                with self.observer.backend_call(self.service, method, route) as call:
                    if call.headers:  # traceparent, from the tracing observer
                        headers = {**headers, **call.headers}
                    response = await self.client.request(
                        method, path, params=params, content=content, headers=headers or None
                    )
                    call.status = response.status_code
        except httpx.TimeoutException as exc:
            logger.warning("%s %s %s timed out: %r", self.service, method, path, exc)
            raise BackendTimeout(self.service) from exc
        except httpx.TransportError as exc:
            logger.warning("%s %s %s failed: %r", self.service, method, path, exc)
            raise BackendUnavailable(self.service) from exc
        status = response.status_code
        if 200 <= status < 300 or (allow_404 and status == 404) or (allow_422 and status == 422):
            return response
        logger.warning("%s %s %s answered HTTP %d", self.service, method, path, status)
        raise BackendError(self.service, f"The {self.service} service answered with HTTP {status}")

    def _json(self, response: httpx.Response) -> Any:
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError as exc:
            logger.warning(
                "%s answered invalid JSON for %s", self.service, response.request.url.path
            )
            raise BackendError(
                self.service, f"The {self.service} service answered invalid JSON"
            ) from exc

    def parse(self, factory: Callable[[Any], V], data: Any) -> V:
        """Build a record from one JSON object; a wrong shape is the service's error."""
        try:
            return factory(data)
        except (KeyError, TypeError, ValueError) as exc:
            logger.warning("%s answered an unexpected shape: %r", self.service, exc)
            raise BackendError(
                self.service, f"The {self.service} service answered an unexpected shape"
            ) from exc

    def parse_list(self, factory: Callable[[Any], V], data: Any) -> list[V]:
        if not isinstance(data, list):
            raise BackendError(
                self.service, f"The {self.service} service answered an unexpected shape"
            )
        return [self.parse(factory, item) for item in data]

    def _reason(self, response: httpx.Response) -> str:
        try:
            body = orjson.loads(response.content)
        except orjson.JSONDecodeError:
            body = None
        if not isinstance(body, dict) or not body.get("error"):
            return f"The {self.service} service rejected the input"
        # A 422 reason is written for the caller; keep its scalar details (which id was
        # wrong) and nothing nested, and bound the length.
        details = ", ".join(
            f"{key}: {value}"
            for key, value in body.items()
            if key != "error" and isinstance(value, str | int | float)
        )
        reason = f"{body['error']} ({details})" if details else str(body["error"])
        return reason[:300]

    # -- batching ---------------------------------------------------------------

    async def load_entities(
        self,
        keys: Sequence[Key],
        *,
        single: Callable[[Key], Awaitable[V | None]],
        batch: Callable[[Sequence[int]], Awaitable[Iterable[V]]] | None,
        key_of: Callable[[V], Key],
    ) -> list[V | None]:
        """Entities by id, one per key in key order (``None`` where the service has none).

        One distinct key costs one path lookup. Several integer keys go through the
        ``batch`` endpoint in ``ceil(n / max_batch_size)`` concurrent calls; keys the
        batch syntax cannot carry (or every key, without a batch endpoint) are looked
        up one by one, concurrently.
        """
        distinct = list(dict.fromkeys(keys))
        with self.observer.batch(self.service, len(distinct)):
            return await self._load_entities(distinct, keys, single, batch, key_of)

    async def _load_entities(
        self,
        distinct: list[Key],
        keys: Sequence[Key],
        single: Callable[[Key], Awaitable[V | None]],
        batch: Callable[[Sequence[int]], Awaitable[Iterable[V]]] | None,
        key_of: Callable[[V], Key],
    ) -> list[V | None]:
        if batch is None or len(distinct) == 1:
            singles, numeric = distinct, []
        else:
            numeric = [k for k in distinct if isinstance(k, int)]
            singles = [k for k in distinct if not isinstance(k, int)]
        found: dict[Key, V] = {}
        for item in await self._fetch_chunked(numeric, batch):
            found[key_of(item)] = item
        looked_up = await asyncio.gather(*(single(k) for k in singles))
        for key, maybe in zip(singles, looked_up, strict=True):
            if maybe is not None:
                found[key] = maybe
        return [found.get(key) for key in keys]

    async def load_grouped(
        self,
        keys: Sequence[int],
        batch: Callable[[Sequence[int]], Awaitable[Iterable[V]]],
        key_of: Callable[[V], int],
    ) -> list[list[V]]:
        """One-to-many lookups (orders of users): a list per key, maybe empty, in key order."""
        groups: dict[int, list[V]] = {key: [] for key in keys}
        with self.observer.batch(self.service, len(groups)):
            fetched = await self._fetch_chunked(list(groups), batch)
        for item in fetched:
            group = groups.get(key_of(item))
            if group is not None:
                group.append(item)
        return [groups[key] for key in keys]

    async def _fetch_chunked(
        self, keys: list[int], batch: Callable[[Sequence[int]], Awaitable[Iterable[V]]] | None
    ) -> list[V]:
        if not keys or batch is None:
            return []
        size = self.max_batch_size
        chunks = [keys[i : i + size] for i in range(0, len(keys), size)]
        results = await asyncio.gather(*(batch(chunk) for chunk in chunks))
        return [item for items in results for item in items]


def canonical_id(value: object) -> Key:
    """Loader key for an id: the int for a plain decimal (so "5" and 5 share one
    cache entry and can be batched), else the string, which only a path lookup carries."""
    text = str(value)
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return text


def join_ids(ids: Iterable[object]) -> str:
    """The shop's batch syntax: ``ids=1,2,3`` (httpx encodes the value as a query string)."""
    return ",".join(str(i) for i in ids)
