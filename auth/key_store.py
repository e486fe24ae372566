"""Where API keys live: the configuration file's ``[[auth.api_keys]]`` plus a SQLite file.

``switchyard keys create/list/revoke`` write the SQLite file (default
``.switchyard/keys.db``); the gateway reads it on each lookup of a key id it does not
find in the configuration, so a revocation takes effect on the next request. The
file is only opened when it exists: a gateway without it never creates it.

Usage::

    store = KeyStore(settings.auth)
    key, record = store.create(client="acme", roles=("reader",), plan="pro")
    store.find(record.id)         # the record (revoked or not)
    store.revoke(record.id)       # True
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from auth.api_keys import ApiKeyRecord, generate_key, hash_key, key_id
from settings import AuthSettings

__all__ = ["KeyStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    client TEXT NOT NULL,
    roles TEXT NOT NULL DEFAULT '',
    scopes TEXT NOT NULL DEFAULT '',
    plan TEXT NOT NULL DEFAULT 'free',
    created TEXT,
    revoked INTEGER NOT NULL DEFAULT 0,
    subject TEXT
)
"""


class KeyStore:
    """Configured keys (read-only) and the SQLite key file (read-write)."""

    def __init__(self, settings: AuthSettings) -> None:
        self.path = Path(settings.keys_db)
        # The config entry and the stored record have the same fields (one per layer).
        self._configured = {
            entry.id: ApiKeyRecord(**entry.model_dump()) for entry in settings.api_keys
        }

    def find(self, id: str) -> ApiKeyRecord | None:
        """The record with this public id, from the configuration first, else the file."""
        record = self._configured.get(id)
        if record is not None or not self.path.exists():
            return record
        with self._connect() as db:
            row = db.execute("SELECT * FROM api_keys WHERE id = ?", (id,)).fetchone()
        return None if row is None else _record(row)

    def list(self) -> list[ApiKeyRecord]:
        stored = []
        if self.path.exists():
            with self._connect() as db:
                stored = [_record(r) for r in db.execute("SELECT * FROM api_keys ORDER BY created")]
        return [*self._configured.values(), *stored]

    def create(
        self,
        *,
        client: str,
        roles: tuple[str, ...] = (),
        scopes: tuple[str, ...] = (),
        plan: str = "free",
        subject: str | None = None,
    ) -> tuple[str, ApiKeyRecord]:
        """A new key and its stored record; the key itself is returned once, never stored."""
        key = generate_key()
        id = key_id(key)
        assert id is not None
        record = ApiKeyRecord(
            id=id,
            hash=hash_key(key),
            client=client,
            roles=roles,
            scopes=scopes,
            plan=plan,
            created=datetime.now(UTC).isoformat(timespec="seconds"),
            subject=subject,
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(
                "INSERT INTO api_keys (id, hash, client, roles, scopes, plan, created, subject)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    id,
                    record.hash,
                    client,
                    " ".join(roles),
                    " ".join(scopes),
                    plan,
                    record.created,
                    subject,
                ),
            )
        return key, record

    def revoke(self, id: str) -> bool:
        """Revoke a stored key; False when the file has no such key (configured keys are
        revoked in the configuration file)."""
        if not self.path.exists():
            return False
        with self._connect() as db:
            changed = db.execute("UPDATE api_keys SET revoked = 1 WHERE id = ?", (id,)).rowcount
        return changed > 0

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=2.0)
        db.row_factory = sqlite3.Row
        try:
            with db:  # commits on success
                db.execute(_SCHEMA)
                columns = {row["name"] for row in db.execute("PRAGMA table_info(api_keys)")}
                if "subject" not in columns:  # a key file from before keys had subjects
                    db.execute("ALTER TABLE api_keys ADD COLUMN subject TEXT")
                yield db
        finally:
            db.close()


def _record(row: sqlite3.Row) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=row["id"],
        hash=row["hash"],
        client=row["client"],
        roles=tuple(row["roles"].split()),
        scopes=tuple(row["scopes"].split()),
        plan=row["plan"],
        created=row["created"],
        revoked=bool(row["revoked"]),
        subject=row["subject"],
    )
