"""The ``switchyard`` command line: ``serve``, ``demo`` and ``schema``.

Usage::

    switchyard serve --config switchyard.toml --port 8000 --workers 4
    switchyard demo
    switchyard schema > schema.graphql
    switchyard keys create --client acme --roles reader --plan pro
    switchyard usage export --from 2026-12-01 --to 2026-12-31 --format csv
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from settings import ConfigError, Settings, load_settings

__all__ = ["run"]


def run(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = _settings(args)
    except ConfigError as exc:
        print(f"switchyard: invalid configuration\n{exc}", file=sys.stderr)
        return 2
    command: int = args.handler(args, settings)
    return command


def _settings(args: argparse.Namespace) -> Settings:
    settings = load_settings(args.config)
    server = settings.server.model_copy(
        update={
            k: v
            for k, v in (("host", args.host), ("port", args.port), ("workers", args.workers))
            if v is not None
        }
    )
    return settings.model_copy(update={"server": server})


def _parser() -> argparse.ArgumentParser:
    from cli import demo, keys, schema_command, serve, usage

    parser = argparse.ArgumentParser(
        prog="switchyard", description="GraphQL gateway over REST services"
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, module, help_text in (
        ("serve", serve, "run the gateway"),
        ("demo", demo, "run the demo shop services and the gateway together"),
        ("schema", schema_command, "print the GraphQL schema (SDL)"),
        ("keys", keys, "create, list and revoke API keys"),
        ("usage", usage, "export usage totals and the amount due (billing)"),
    ):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument(
            "--config", type=Path, default=_default_config(), help="TOML configuration file"
        )
        sub.add_argument(
            "--host", default=None, help="listen address (default from config: 127.0.0.1)"
        )
        sub.add_argument(
            "--port", type=int, default=None, help="listen port (default from config: 8000)"
        )
        sub.add_argument("--workers", type=int, default=None, help="worker processes (serve only)")
        module.add_arguments(sub)
        sub.set_defaults(handler=module.handle)
    return parser


def _default_config() -> Path | None:
    import os

    value = os.environ.get("SWITCHYARD_CONFIG")
    return Path(value) if value else None
