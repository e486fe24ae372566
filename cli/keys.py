"""``switchyard keys``: create, list and revoke API keys in the local key store.

Keys are stored hashed in the SQLite file ``[auth] keys_db`` (default
``.switchyard/keys.db``); a new key is printed once and cannot be shown again.

Usage::

    switchyard keys create --client acme --roles reader --plan pro
    switchyard keys list
    switchyard keys revoke 3f2a9c1b7d4e
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from auth import KeyStore, generate_key, hash_key
from auth.api_keys import key_id
from settings import ApiKeyEntry, Settings

__all__ = ["add_arguments", "demo_keys", "handle"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--keys-db", type=Path, default=None, help="key store file")
    actions = parser.add_subparsers(dest="action", required=True)
    create = actions.add_parser("create", help="make a new key and print it once")
    create.add_argument("--client", required=True, help="client id the key authenticates as")
    create.add_argument("--roles", default="", help="comma-separated roles, e.g. admin,reader")
    create.add_argument("--scopes", default="", help="comma-separated scopes")
    create.add_argument("--plan", default="free", help="plan name (limits and quotas)")
    create.add_argument("--subject", default=None, help="who the key acts for, e.g. a user id")
    actions.add_parser("list", help="list keys (ids and owners, never the keys)")
    revoke = actions.add_parser("revoke", help="revoke a key by id")
    revoke.add_argument("id", help="the key id shown by create/list")


def handle(args: argparse.Namespace, settings: Settings) -> int:
    auth = settings.auth
    if args.keys_db is not None:
        auth = auth.model_copy(update={"keys_db": args.keys_db})
    store = KeyStore(auth)
    if args.action == "create":
        key, record = store.create(
            client=args.client,
            roles=_split(args.roles),
            scopes=_split(args.scopes),
            plan=args.plan,
            subject=args.subject,
        )
        print(f"{key}\n\nid {record.id}, client {record.client}, stored in {store.path}")
        print("This key is shown once; keep it now.", file=sys.stderr)
        return 0
    if args.action == "list":
        print(f"{'ID':<13} {'CLIENT':<16} {'ROLES':<20} {'PLAN':<10} {'CREATED':<26} STATUS")
        for r in store.list():
            status = "revoked" if r.revoked else "active"
            created = r.created or "(config file)"
            roles = ",".join(r.roles) or "-"
            print(f"{r.id:<13} {r.client:<16} {roles:<20} {r.plan:<10} {created:<26} {status}")
        return 0
    if store.revoke(args.id):
        print(f"revoked {args.id}")
        return 0
    print(f"switchyard keys: no stored key {args.id!r} in {store.path}", file=sys.stderr)
    return 1


def demo_keys(settings: Settings) -> tuple[Settings, dict[str, str]]:
    """Settings with two fresh in-memory keys (admin, reader) added, and those keys.

    They live only as long as the demo process: nothing is written to disk.
    """
    made: dict[str, str] = {}
    entries = list(settings.auth.api_keys)
    for role in ("admin", "reader"):
        key = generate_key()
        entries.append(
            ApiKeyEntry(
                id=key_id(key) or "", hash=hash_key(key), client=f"demo-{role}", roles=(role,)
            )
        )
        made[role] = key
    auth = settings.auth.model_copy(update={"api_keys": tuple(entries)})
    return settings.model_copy(update={"auth": auth}), made


def _split(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())
