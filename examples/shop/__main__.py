"""``python -m examples.shop``: run the demo services in one process until SIGINT/SIGTERM.

Example::

    python -m examples.shop --services users,orders --port-users 0 --ready-file ready.json
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from examples.shop.server import DEFAULT_PORTS, SERVICES, serve


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m examples.shop", description="Run the Switchyard demo shop services."
    )
    parser.add_argument(
        "--services",
        type=_service_list,
        default=SERVICES,
        help=f"comma-separated subset of {','.join(SERVICES)} (default: all)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    for name in SERVICES:
        parser.add_argument(
            f"--port-{name}",
            type=int,
            default=DEFAULT_PORTS[name],
            help=f"port for {name}, 0 for any free port (default: {DEFAULT_PORTS[name]})",
        )
    parser.add_argument(
        "--latency-ms", type=float, default=0, help="artificial delay per API request (default: 0)"
    )
    parser.add_argument(
        "--ready-file", help="write {service: url} JSON here once all services listen"
    )
    parser.add_argument(
        "--log-level",
        default="info",
        choices=["debug", "info", "warning", "error"],
        help="'warning' silences the per-request lines, e.g. for benchmarks (default: info)",
    )
    args = parser.parse_args(argv)
    if args.latency_ms < 0:
        parser.error("--latency-ms must be >= 0")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; 0 after a clean stop, 1 when a port cannot be bound."""
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    ports = {name: getattr(args, f"port_{name}") for name in SERVICES}
    try:
        asyncio.run(serve(args.services, args.host, ports, args.latency_ms, args.ready_file))
    except OSError as exc:
        print(f"examples.shop: {exc}", file=sys.stderr)
        return 1
    return 0


def _service_list(value: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    unknown = [name for name in names if name not in SERVICES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown services {unknown}; choose from {SERVICES}")
    return names


if __name__ == "__main__":
    sys.exit(main())
