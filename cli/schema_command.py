"""``switchyard schema``: print the unified schema as SDL."""

from __future__ import annotations

import argparse

from settings import Settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    return None


def handle(args: argparse.Namespace, settings: Settings) -> int:
    from schema import build_schema

    print(build_schema(settings.graphql).as_str())
    return 0
