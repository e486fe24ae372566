"""Usage in a SQLite file: the embedded default, durable across restarts.

WAL mode lets ``switchyard usage export`` read while a gateway writes. sqlite3 blocks,
so every call runs in a worker thread (the gateway only calls it from its background
flusher, never on a request's path). Several processes on one host may share the file:
writes are upserts that add, and markers are ``INSERT OR IGNORE``.

Usage::

    store = SqliteUsageStore(Path(".switchyard/usage.db"))
    await store.write(batch)
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path

from stores.usage.base import BucketKey, Counters, UsageRow

__all__ = ["SqliteUsageStore"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS usage (
    hour TEXT NOT NULL, client TEXT NOT NULL, operation TEXT NOT NULL, plan TEXT NOT NULL,
    requests INTEGER NOT NULL, cost INTEGER NOT NULL, backend_calls INTEGER NOT NULL,
    latency_ms REAL NOT NULL,
    PRIMARY KEY (hour, client, operation)
);
CREATE TABLE IF NOT EXISTS usage_detail (
    hour TEXT NOT NULL, client TEXT NOT NULL, operation TEXT NOT NULL,
    kind TEXT NOT NULL, name TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (hour, client, operation, kind, name)
);
CREATE TABLE IF NOT EXISTS spend (
    month TEXT NOT NULL, client TEXT NOT NULL, cost INTEGER NOT NULL,
    PRIMARY KEY (month, client)
);
CREATE TABLE IF NOT EXISTS markers (marker TEXT PRIMARY KEY, created REAL NOT NULL);
"""


class SqliteUsageStore:
    def __init__(self, path: Path, *, timeout: float = 5.0) -> None:
        self.path = path
        self.timeout = timeout
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.Lock()  # one connection, used by one thread at a time

    @property
    def _db(self) -> sqlite3.Connection:
        """The connection, opened on first use (in a worker thread, under the lock):
        building an app does no file I/O, and an app that serves nothing leaves no file."""
        if self._connection is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(
                self.path, timeout=self.timeout, check_same_thread=False, isolation_level=None
            )
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(_SCHEMA)
            self._connection = db
        return self._connection

    async def write(self, batch: dict[BucketKey, Counters]) -> None:
        if batch:
            await asyncio.to_thread(self._write, batch)

    def _write(self, batch: dict[BucketKey, Counters]) -> None:
        usage, detail, spend = [], [], Counter[tuple[str, str]]()
        for key, c in batch.items():
            usage.append((*key, c.plan, c.requests, c.cost, c.backend_calls, c.latency_ms))
            detail += [(*key, "field", name, n) for name, n in c.fields.items()]
            detail += [(*key, "error", name, n) for name, n in c.errors.items()]
            spend[(key.hour[:7], key.client)] += c.cost
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT INTO usage VALUES (?,?,?,?,?,?,?,?) ON CONFLICT DO UPDATE SET "
                    "plan=excluded.plan, requests=requests+excluded.requests, "
                    "cost=cost+excluded.cost, backend_calls=backend_calls+excluded.backend_calls,"
                    " latency_ms=latency_ms+excluded.latency_ms",
                    usage,
                )
                self._db.executemany(
                    "INSERT INTO usage_detail VALUES (?,?,?,?,?,?) "
                    "ON CONFLICT DO UPDATE SET count=count+excluded.count",
                    detail,
                )
                self._db.executemany(
                    "INSERT INTO spend VALUES (?,?,?) ON CONFLICT DO UPDATE SET "
                    "cost=cost+excluded.cost",
                    [(month, client, cost) for (month, client), cost in spend.items()],
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    async def read(self, first_hour: str, last_hour: str, client: str | None) -> list[UsageRow]:
        return await asyncio.to_thread(self._read, first_hour, last_hour, client)

    def _missing(self) -> bool:
        # Reading an absent file (nothing metered yet) must not create it.
        return self._connection is None and not self.path.exists()

    def _read(self, first_hour: str, last_hour: str, client: str | None) -> list[UsageRow]:
        if self._missing():
            return []
        where = "hour >= ? AND hour <= ?" + (" AND client = ?" if client else "")
        params: tuple[str, ...] = (first_hour, last_hour, *((client,) if client else ()))
        rows: dict[BucketKey, Counters] = {}
        with self._lock:
            for hour, cl, op, plan, requests, cost, calls, latency in self._db.execute(
                f"SELECT * FROM usage WHERE {where} ORDER BY hour, client, operation",  # noqa: S608 -- fixed fragments
                params,
            ):
                rows[BucketKey(hour, cl, op)] = Counters(plan, requests, cost, calls, latency)
            for hour, cl, op, kind, name, count in self._db.execute(
                f"SELECT * FROM usage_detail WHERE {where}",  # noqa: S608 -- fixed fragments
                params,
            ):
                counters = rows.get(BucketKey(hour, cl, op))
                if counters is not None:
                    (counters.fields if kind == "field" else counters.errors)[name] += count
        return [UsageRow(key, counters) for key, counters in rows.items()]

    async def month_spend(self, month: str) -> dict[str, int]:
        return await asyncio.to_thread(self._month_spend, month)

    def _month_spend(self, month: str) -> dict[str, int]:
        if self._missing():
            return {}
        with self._lock:
            rows = self._db.execute("SELECT client, cost FROM spend WHERE month = ?", (month,))
            return {client: int(cost) for client, cost in rows}

    async def claim(self, marker: str) -> bool:
        return await asyncio.to_thread(self._claim, marker)

    def _claim(self, marker: str) -> bool:
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO markers VALUES (?, ?)", (marker, time.time())
            )
            return cursor.rowcount == 1

    async def aclose(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
