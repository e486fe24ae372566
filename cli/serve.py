"""``switchyard serve``: run the gateway with uvicorn, one or several worker processes."""

from __future__ import annotations

import argparse
import os

import uvicorn

from settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    return None


def handle(args: argparse.Namespace, settings: Settings) -> int:
    # Workers are separate processes that build the app from the environment,
    # so pass the validated file and the CLI's overrides through it.
    if args.config is not None:
        os.environ["SWITCHYARD_CONFIG"] = str(args.config)
    os.environ["SWITCHYARD_SERVER__HOST"] = settings.server.host
    os.environ["SWITCHYARD_SERVER__PORT"] = str(settings.server.port)
    uvicorn.run(
        "gateway:app_from_environment",
        factory=True,
        host=settings.server.host,
        port=settings.server.port,
        workers=settings.server.workers,
        access_log=False,
        log_level="info",
    )
    return 0
