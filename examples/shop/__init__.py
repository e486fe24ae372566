"""The Switchyard demo shop: four small REST services (users, orders, products, reviews).

They stand in for the microservices a gateway aggregates, and share nothing with the
gateway but HTTP. Data is generated deterministically, so every process agrees on it.

Example::

    from examples.shop import create_app, serve
    app = create_app("users", latency_ms=5)                   # a Starlette app, in process
    await serve(ports={"users": 0}, ready_file="ready.json")  # real sockets, until SIGTERM

or from a shell: ``python -m examples.shop --latency-ms 5 --ready-file ready.json``.
"""

from examples.shop.registry import DEFAULT_PORTS, SERVICES, create_app
from examples.shop.server import serve

__all__ = ["DEFAULT_PORTS", "SERVICES", "create_app", "serve"]
